/* Oracle: btf__dedup (libbpf 1.1.2). The same inputs through both libraries:
 * vmlinux's BTF appended to itself (and the same re-parsed from its raw bytes),
 * the BTF of many BPF objects merged, types written twice with the writer API
 * (forward declarations met by full structs and enums, pointer cycles, every
 * kind), split BTF on vmlinux, an object's .BTF.ext rewritten along, and bad
 * inputs. Each prints the return value and errno, the type count, and the size
 * and FNV-1a hash of btf__raw_data (small results in full); type ids and bytes
 * must be identical. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf/btf.h>

#ifdef ORACLE_SYSTEM
/* Exported by libbpf 1.1.2 (LIBBPF_0.0.1 compat) but no longer declared;
 * btf_ext__raw_data is exported only from 1.4. */
const void *btf_ext__get_raw_data(const struct btf_ext *btf_ext, __u32 *size);
#else
/* The libbpf 0.x form, exported by libbpfrs as btf__dedup@LIBBPF_0.0.2. */
int btf__dedup_deprecated(struct btf *btf, struct btf_ext *btf_ext, const void *opts);
#endif

static unsigned long long fnv(const unsigned char *p, size_t n)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void hex(const unsigned char *p, __u32 sz)
{
	__u32 i;

	for (i = 0; i < sz; i++)
		printf("%02x%s", p[i], (i % 32 == 31 || i + 1 == sz) ? "\n" : "");
}

/* The BTF after a call: type count, raw size and hash (all bytes when small). */
static void show(const char *what, const struct btf *b)
{
	__u32 sz = 0;
	const unsigned char *p = btf__raw_data(b, &sz);

	printf("%s: type_cnt %u raw %s size %u hash %016llx\n", what, btf__type_cnt(b),
	       p ? "ok" : "NULL", sz, p ? fnv(p, sz) : 0ULL);
	if (p && sz <= 2048)
		hex(p, sz);
}

static int dedup(const char *what, struct btf *b, struct btf_ext *ext, bool collide)
{
	LIBBPF_OPTS(btf_dedup_opts, opts, .btf_ext = ext, .force_collisions = collide);
	int r;

	errno = 0;
	r = btf__dedup(b, &opts);
	printf("%s: btf__dedup = %d errno=%s\n", what, r, r ? o_errname(errno) : "-");
	show(what, b);
	return r;
}

static void find(const char *what, const struct btf *b, const char *name, int kind)
{
	O_INT("%s: find_by_name_kind(%s, %d)", btf__find_by_name_kind(b, name, kind), what, name,
	      kind);
}

/* (a) vmlinux appended to itself: every type of the second copy maps back to
 * the first. Through the writer (strings already unique: no string pass) and
 * re-parsed from the raw bytes (string pass too). */
static void vmlinux_twice(const struct btf *vm)
{
	struct btf *b = btf__new_empty(), *p;
	const void *raw;
	__u32 sz;

	O_INT("vmlinux twice: add_btf 1", btf__add_btf(b, vm));
	O_INT("vmlinux twice: add_btf 2", btf__add_btf(b, vm));
	raw = btf__raw_data(b, &sz);
	p = btf__new(raw, sz);
	dedup("vmlinux twice (writer)", b, NULL, false);
	find("vmlinux twice", b, "task_struct", BTF_KIND_STRUCT);
	find("vmlinux twice", b, "pid_t", BTF_KIND_TYPEDEF);
	dedup("vmlinux twice (writer), again", b, NULL, false);
	btf__free(b);
	if (!p) {
		printf("vmlinux twice: btf__new failed\n");
		return;
	}
	dedup("vmlinux twice (parsed)", p, NULL, false);
	find("vmlinux twice (parsed)", p, "task_struct", BTF_KIND_STRUCT);
	btf__free(p);
}

/* (b) The BTF of many objects merged, each object's types once more: clang
 * dedups within one unit only. */
static const char *objs[] = { "objapi",	  "obj_globals", "obj_btf_maps", "at_progs",
			      "ev_events", "skel_demo",	  "tg_target",	  "tg_ext",
			      "ur_drain",  "basic",	  "li_prog",	  "obj_core" };

static void merged_objects(bool collide)
{
	char path[PATH_MAX], name[64], what[96];
	struct btf *all = btf__new_empty(), *b;
	size_t i;

	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		snprintf(name, sizeof(name), "%s.o", objs[i]);
		if (bpfobj_build(objs[i], name, "-g", path, sizeof(path))) {
			printf("objects: %s not built\n", objs[i]);
			continue;
		}
		b = btf__parse(path, NULL);
		if (!b) {
			printf("objects: %s: no BTF\n", objs[i]);
			continue;
		}
		printf("objects: %s: add_btf %d\n", objs[i], btf__add_btf(all, b) > 0);
		btf__free(b);
		bpfobj_clean(objs[i], name);
	}
	snprintf(what, sizeof(what), "objects merged%s", collide ? " (forced collisions)" : "");
	dedup(what, all, NULL, collide);
	btf__free(all);
}

/* One compilation unit's worth of types, written with the writer API: a struct
 * with a pointer cycle through itself and another struct (fields may name ids
 * added after them), an enum, a FUNC and
 * its FUNC_PROTO, an array, a typedef, modifiers, tags, a float, a VAR in a
 * DATASEC. `full` false writes `struct node`'s peer and the enum as forward
 * declarations, as a unit that only uses pointers to them would. */
static void unit(struct btf *b, bool full, int enum64)
{
	int base = btf__type_cnt(b) - 1;
	int i_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int i_char = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	int node = btf__add_struct(b, "node", 24);
	int p_node, peer, e, td, cst, proto, fn, var;

	/* ids: node +3, its pointer +4, peer +5, its pointer +6, array +8 */
	btf__add_field(b, "next", base + 4, 0, 0);
	btf__add_field(b, "peer", base + 6, 64, 0);
	btf__add_field(b, "name", base + 8, 128, 0);
	p_node = btf__add_ptr(b, node);
	peer = full ? btf__add_struct(b, "peer", 16) : btf__add_fwd(b, "peer", BTF_FWD_STRUCT);
	if (full) {
		btf__add_field(b, "back", p_node, 0, 0);
		btf__add_field(b, "flags", i_int, 64, 3);
	}
	btf__add_ptr(b, peer);
	e = enum64 ? btf__add_enum64(b, "mode", 8, false) : btf__add_enum(b, "mode", 4);
	if (full) {
		if (enum64) {
			btf__add_enum64_value(b, "M_A", 1);
			btf__add_enum64_value(b, "M_B", 1ULL << 40);
		} else {
			btf__add_enum_value(b, "M_A", 1);
			btf__add_enum_value(b, "M_B", -2);
		}
	}
	btf__add_array(b, i_int, i_char, 8);
	td = btf__add_typedef(b, "node_t", node);
	cst = btf__add_const(b, td);
	btf__add_volatile(b, i_int);
	btf__add_restrict(b, p_node);
	btf__add_type_tag(b, "user", p_node);
	btf__add_float(b, "double", 8);
	proto = btf__add_func_proto(b, i_int);
	btf__add_func_param(b, "n", btf__add_ptr(b, cst));
	btf__add_func_param(b, "m", e);
	fn = btf__add_func(b, "walk", BTF_FUNC_GLOBAL, proto);
	btf__add_decl_tag(b, "hot", fn, -1);
	btf__add_decl_tag(b, "arg", fn, 0);
	var = btf__add_var(b, "root", BTF_VAR_GLOBAL_ALLOCATED, p_node);
	btf__add_datasec(b, ".data", 8);
	btf__add_datasec_var_info(b, var, 0, 8);
}

/* (b) the writer's units: full and forward-declaring units in both orders. */
static void written_units(void)
{
	static const struct {
		const char *what;
		bool first, second;
		int enum64;
	} cases[] = {
		{ "units full+full", true, true, 0 },
		{ "units full+fwd", true, false, 0 },
		{ "units fwd+full", false, true, 0 },
		{ "units fwd+fwd", false, false, 0 },
		{ "units enum64 fwd+full", false, true, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct btf *b = btf__new_empty();

		unit(b, cases[i].first, cases[i].enum64);
		unit(b, cases[i].second, cases[i].enum64);
		unit(b, cases[i].first, cases[i].enum64);
		show(cases[i].what, b);
		dedup(cases[i].what, b, NULL, false);
		btf__free(b);
		b = btf__new_empty();
		unit(b, cases[i].first, cases[i].enum64);
		unit(b, cases[i].second, cases[i].enum64);
		dedup(cases[i].what, b, NULL, true);
		btf__free(b);
	}
}

/* An enum forward declaration met by two different full enums of its name:
 * the candidate order decides which one it resolves to. */
static void enum_fwd_two_full(void)
{
	struct btf *b = btf__new_empty();

	btf__add_enum(b, "e", 4);
	btf__add_enum_value(b, "X", 1);
	btf__add_enum(b, "e", 4);
	btf__add_enum_value(b, "Y", 2);
	btf__add_enum(b, "e", 4);
	btf__add_enum(b, "e", 4);
	btf__add_enum_value(b, "Z", 3);
	btf__add_enum(b, "e", 4);
	btf__add_ptr(b, 3);
	btf__add_ptr(b, 5);
	dedup("enum fwd vs two full", b, NULL, false);
	btf__free(b);
}

/* A copy of struct `id` of `from`, its members naming the same type ids.
 * Names are copied out first: adding a string to a split BTF makes its base
 * modifiable, which moves the base's strings (libbpf). */
static int copy_struct(struct btf *to, const struct btf *from, int id)
{
	const struct btf_type *t = btf__type_by_id(from, id);
	int n = btf_vlen(t), r, i;
	char *name = strdup(btf__name_by_offset(from, t->name_off));
	char **names = calloc(n + 1, sizeof(*names));
	__u32 *types = calloc(n + 1, sizeof(*types)), *offs = calloc(n + 1, sizeof(*offs));
	__u32 *bits = calloc(n + 1, sizeof(*bits)), size = t->size;

	for (i = 0; i < n; i++) {
		const struct btf_member *m = btf_members(t) + i;

		names[i] = strdup(btf__name_by_offset(from, m->name_off));
		types[i] = m->type;
		offs[i] = btf_member_bit_offset(t, i);
		bits[i] = btf_member_bitfield_size(t, i);
	}
	r = btf__add_struct(to, name, size);
	for (i = 0; i < n; i++) {
		if (r > 0)
			btf__add_field(to, names[i][0] ? names[i] : NULL, types[i], offs[i], bits[i]);
		free(names[i]);
	}
	free(name);
	free(names);
	free(types);
	free(offs);
	free(bits);
	return r;
}

/* (c) Split BTF on vmlinux: copies of base structs (ids into the base kept),
 * a forward declaration of a base struct, a new struct embedding base types,
 * a pointer to it, and a string only the split BTF has. */
static void split_on(const struct btf *vm)
{
	struct btf *s = btf__new_empty_split((struct btf *)vm);
	int ts = btf__find_by_name_kind(vm, "task_struct", BTF_KIND_STRUCT);
	int lh = btf__find_by_name_kind(vm, "list_head", BTF_KIND_STRUCT);
	int ul = btf__find_by_name_kind(vm, "long unsigned int", BTF_KIND_INT);
	int ext, fwd, p;

	O_INT("split: copy task_struct", copy_struct(s, vm, ts) > 0);
	O_INT("split: copy list_head", copy_struct(s, vm, lh) > 0);
	fwd = btf__add_fwd(s, "task_struct", BTF_FWD_STRUCT);
	btf__add_ptr(s, fwd);
	ext = btf__add_struct(s, "split_only", 24);
	btf__add_field(s, "tasks", lh, 0, 0);
	btf__add_field(s, "cnt", ul, 128, 0);
	p = btf__add_ptr(s, ext);
	btf__add_typedef(s, "split_only_p", p);
	btf__add_int(s, "int", 4, BTF_INT_SIGNED);
	btf__add_ptr(s, ts);
	dedup("split on vmlinux", s, NULL, false);
	find("split", s, "split_only", BTF_KIND_STRUCT);
	btf__free(s);
}

/* (c) Split BTF re-parsed from its bytes (string pass against the base), and a
 * base FWD that the split BTF's full struct would resolve. */
static void split_parsed(void)
{
	struct btf *base = btf__new_empty(), *s, *p;
	const void *raw;
	__u32 sz;
	int i_int, fwd;

	i_int = btf__add_int(base, "int", 4, BTF_INT_SIGNED);
	fwd = btf__add_fwd(base, "obj", BTF_FWD_STRUCT);
	btf__add_ptr(base, fwd);
	btf__add_struct(base, "holder", 8);
	btf__add_field(base, "o", fwd + 1, 0, 0);
	s = btf__new_empty_split(base);
	btf__add_struct(s, "obj", 4);
	btf__add_field(s, "v", i_int, 0, 0);
	btf__add_ptr(s, btf__type_cnt(s) - 1);
	btf__add_struct(s, "holder", 8);
	btf__add_field(s, "o", btf__type_cnt(s) - 2, 0, 0);
	btf__add_struct(s, "holder", 8);
	btf__add_field(s, "o", fwd + 1, 0, 0);
	btf__add_int(s, "int", 4, BTF_INT_SIGNED);
	btf__add_int(s, "split int", 4, 0);
	raw = btf__raw_data(s, &sz);
	p = NULL;
	{
		/* btf__new_split is not exported by libbpf 1.1.2: through a file */
		char tmp[64];
		FILE *f;

		snprintf(tmp, sizeof(tmp), "/tmp/btf_dedup.%d.raw", (int)getpid());
		f = fopen(tmp, "w");
		if (f && fwrite(raw, 1, sz, f) == sz && fclose(f) == 0)
			p = btf__parse_raw_split(tmp, base);
		unlink(tmp);
	}
	dedup("split small (writer)", s, NULL, false);
	if (p)
		dedup("split small (parsed)", p, NULL, false);
	else
		printf("split small: btf__new_split failed\n");
	btf__free(p);
	btf__free(s);
	btf__free(base);
}

/* Adds `shift` to the type id of every func_info and CO-RE relocation record of
 * a .BTF.ext blob (native endian). */
static void shift_ext_ids(unsigned char *d, __u32 size, __u32 shift)
{
	__u32 hdr_len = *(__u32 *)(d + 4);
	__u32 at[2] = { 8, 24 }; /* func_info_off, core_relo_off in the header */
	int k;

	for (k = 0; k < 2; k++) {
		__u32 off, len, rec, pos, end, n, i;

		if (at[k] + 8 > hdr_len)
			continue;
		off = *(__u32 *)(d + at[k]);
		len = *(__u32 *)(d + at[k] + 4);
		if (!len || hdr_len + off + len > size)
			continue;
		pos = hdr_len + off;
		end = pos + len;
		rec = *(__u32 *)(d + pos);
		for (pos += 4; pos + 8 <= end; pos += 8 + n * rec) {
			n = *(__u32 *)(d + pos + 4);
			for (i = 0; i < n; i++)
				*(__u32 *)(d + pos + 8 + i * rec + 4) += shift;
		}
	}
}

static void show_ext(const char *what, const struct btf_ext *e)
{
	__u32 sz = 0;
	const unsigned char *p = btf_ext__get_raw_data(e, &sz);

	printf("%s: ext raw size %u hash %016llx\n", what, sz, p ? fnv(p, sz) : 0ULL);
	if (p && sz <= 8192)
		hex(p, sz);
}

/* (d) An object's BTF with its .BTF.ext: as parsed (the string pass keeps the
 * line_info strings and moves them), then the object's types twice with the
 * .BTF.ext pointing at the second copy (its type ids come back). */
static void with_ext(void)
{
	char path[PATH_MAX];
	struct btf_ext *ext = NULL, *ext2;
	struct btf *b, *twice;
	const void *raw;
	unsigned char *copy;
	__u32 sz, esz, n;

	if (bpfobj_build("li_prog", "li_prog.o", "-g", path, sizeof(path))) {
		printf("ext: li_prog not built\n");
		return;
	}
	b = btf__parse(path, &ext);
	if (!b || !ext) {
		printf("ext: parse failed\n");
		return;
	}
	n = btf__type_cnt(b) - 1;
	raw = btf__raw_data(b, &sz);
	twice = btf__new(raw, sz);
	O_INT("ext: add_btf", btf__add_btf(twice, b));
	raw = btf_ext__get_raw_data(ext, &esz);
	copy = malloc(esz);
	memcpy(copy, raw, esz);
	shift_ext_ids(copy, esz, n);
	ext2 = btf_ext__new(copy, esz);
	free(copy);
	show_ext("ext as parsed", ext);
	dedup("ext: object", b, ext, false);
	show_ext("ext: object", ext);
	if (ext2) {
		show_ext("ext: shifted", ext2);
		dedup("ext: object twice", twice, ext2, false);
		show_ext("ext: object twice", ext2);
	}
	btf_ext__free(ext2);
	btf_ext__free(ext);
	btf__free(twice);
	btf__free(b);
	bpfobj_clean("li_prog", "li_prog.o");
}

/* (e) Bad inputs: opts sizes, an empty BTF, a reference cycle, structs whose
 * members reach VARs. */
static void bad_inputs(void)
{
	struct {
		struct btf_dedup_opts o;
		long pad[2];
	} big = {};
	struct btf *b = btf__new_empty(), *c;
	int r, v1, v2;

	big.o.sz = sizeof(big);
	O_INT("empty: btf__dedup(NULL opts)", btf__dedup(b, NULL));
	show("empty", b);
	big.o.sz = 4;
	O_INT("opts sz 4", btf__dedup(b, &big.o));
	big.o.sz = sizeof(big);
	O_INT("opts sz 40, zero tail", btf__dedup(b, &big.o));
	big.pad[1] = 1;
	O_INT("opts sz 40, non-zero tail", btf__dedup(b, &big.o));
	btf__free(b);

	b = btf__new_empty_split(NULL);
	O_INT("empty split(NULL base): dedup", btf__dedup(b, NULL));
	btf__free(b);

	/* typedef a -> ptr -> typedef a: no struct breaks the cycle */
	b = btf__new_empty();
	btf__add_int(b, "int", 4, 0);
	btf__add_typedef(b, "a", 3);
	btf__add_ptr(b, 2);
	btf__add_ptr(b, 1);
	r = dedup("reference cycle", b, NULL, false);
	(void)r;
	btf__free(b);

	/* two same-shaped structs whose members are distinct VARs */
	c = btf__new_empty();
	btf__add_int(c, "int", 4, 0);
	v1 = btf__add_var(c, "v", BTF_VAR_STATIC, 1);
	v2 = btf__add_var(c, "v", BTF_VAR_STATIC, 1);
	btf__add_struct(c, "s", 4);
	btf__add_field(c, "m", v1, 0, 0);
	btf__add_struct(c, "s", 4);
	btf__add_field(c, "m", v2, 0, 0);
	dedup("struct reaching VARs", c, NULL, false);
	btf__free(c);

	/* the same, with a later member whose types differ in name: the walk
	 * meets the VARs first */
	c = btf__new_empty();
	btf__add_int(c, "int", 4, 0);
	btf__add_int(c, "long", 8, 0);
	v1 = btf__add_var(c, "v", BTF_VAR_STATIC, 1);
	v2 = btf__add_var(c, "v", BTF_VAR_STATIC, 1);
	btf__add_struct(c, "s", 16);
	btf__add_field(c, "m", v1, 0, 0);
	btf__add_field(c, "n", 1, 64, 0);
	btf__add_struct(c, "s", 16);
	btf__add_field(c, "m", v2, 0, 0);
	btf__add_field(c, "n", 2, 64, 0);
	dedup("struct reaching VARs, then differing", c, NULL, false);
	btf__free(c);

#ifndef ORACLE_SYSTEM
	/* libbpfrs alone: NULL btf (libbpf dereferences it), an id past the last
	 * type (libbpf reads out of bounds), the 0.x form. */
	errno = 0;
	o_self_check(btf__dedup(NULL, NULL) == -EINVAL && errno == EINVAL, "NULL btf");
	b = btf__new_empty();
	btf__add_ptr(b, 99);
	o_self_check(btf__dedup(b, NULL) == -EINVAL, "id out of range");
	btf__free(b);
	b = btf__new_empty();
	btf__add_int(b, "int", 4, 0);
	btf__add_int(b, "int", 4, 0);
	o_self_check(btf__dedup_deprecated(b, NULL, NULL) == 0 && btf__type_cnt(b) == 2,
		     "0.x form, NULL opts");
	o_self_check(btf__dedup_deprecated(b, NULL, &big) < 0 && errno == EOPNOTSUPP,
		     "0.x form refuses opts");
	btf__free(b);
#endif
}

int main(void)
{
	struct btf *vm = btf__load_vmlinux_btf();

	setvbuf(stdout, NULL, _IOLBF, 0);
	bad_inputs();
	enum_fwd_two_full();
	written_units();
	split_parsed();
	with_ext();
	merged_objects(false);
	merged_objects(true);
	if (!vm) {
		printf("SKIP: no vmlinux BTF\n");
		return 77;
	}
	split_on(vm);
	vmlinux_twice(vm);
	btf__free(vm);
	return o_self_failed ? 1 : 0;
}
