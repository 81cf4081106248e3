/* Oracle: btf_dump (libbpf 1.1.2) calls the printf callback as often, and with
 * the same text per call. The callback formats each call and records it: its
 * count, an FNV-1a hash of the call sequence (each call's text followed by a
 * separator byte, so where a call ends counts), and, for small inputs, each
 * call's text on its own line. Covered: btf_dump__dump_type of every vmlinux
 * type through one dumper, btf_dump__emit_type_decl of every vmlinux type
 * with each option, btf_dump__dump_type_data of vmlinux types (structs,
 * unions, enums, ints, typedefs, arrays, pointers up to 4 KB) filled with a
 * pattern, the same three on the BTF of every c-tests/bpf object, and a small
 * hand-built BTF call by call. vmlinux's calls also go to
 * btf_dump_calls.vmlinux.<side>.txt (one per line) for a diff. */
#include "oracle.h"
#include "dump_objects.h"
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <dirent.h>
#include <stdarg.h>
#include <sys/stat.h>

#define BLOCK 4000
#define DATA_MAX 4096

static struct {
	unsigned long long calls, hash;
	int list;	/* print each call */
	FILE *file;	/* or write each call here */
	char *text;
	size_t cap;
} rec;

static unsigned char mem[DATA_MAX + 64] __attribute__((aligned(64)));

static void hash_byte(unsigned char c)
{
	rec.hash ^= c;
	rec.hash *= 0x100000001b3ULL;
}

static void reset(void)
{
	rec.calls = 0;
	rec.hash = 0xcbf29ce484222325ULL;
}

/* The call's text with \n, \t, \\ and non-printable bytes escaped. */
static void put_escaped(FILE *f, const char *p, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\\')
			fputs("\\\\", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void record(void *ctx, const char *fmt, va_list args)
{
	va_list copy;
	int n, i;

	(void)ctx;
	va_copy(copy, args);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		n = 0;
	if ((size_t)n + 1 > rec.cap) {
		rec.cap = (size_t)n + 1;
		rec.text = realloc(rec.text, rec.cap);
		if (!rec.text)
			exit(1);
	}
	vsnprintf(rec.text, n + 1, fmt, args);
	rec.calls++;
	for (i = 0; i < n; i++)
		hash_byte(rec.text[i]);
	hash_byte(0xff);
	if (rec.list) {
		fputs("  call <", stdout);
		put_escaped(stdout, rec.text, n);
		fputs(">\n", stdout);
	}
	if (rec.file) {
		put_escaped(rec.file, rec.text, n);
		fputc('\n', rec.file);
	}
}

/* A return value goes into the hash, as the calls do. */
static void hash_ret(int r)
{
	char s[16];
	int i, n = snprintf(s, sizeof(s), "=%d", r);

	for (i = 0; i < n; i++)
		hash_byte(s[i]);
}

static void summary(const char *what, __u32 first, __u32 last)
{
	printf("%s [%u..%u]: %llu calls, hash %016llx\n", what, first, last, rec.calls,
	       rec.hash);
}

static void dump_types(struct btf_dump *d, const char *what, __u32 cnt)
{
	__u32 start, id;

	for (start = 1; start < cnt; start += BLOCK) {
		reset();
		for (id = start; id < cnt && id < start + BLOCK; id++)
			hash_ret(btf_dump__dump_type(d, id));
		summary(what, start, id - 1);
	}
}

static const struct {
	const char *name;
	int indent;
	bool strip;
} decl_cases[] = { { "", 0, false }, { "fld", 1, false }, { "x", 2, true }, { NULL, 0, true } };

static void decls(struct btf_dump *d, const char *what, __u32 cnt)
{
	__u32 start, id;
	size_t i;

	for (i = 0; i < sizeof(decl_cases) / sizeof(decl_cases[0]); i++) {
		LIBBPF_OPTS(btf_dump_emit_type_decl_opts, o, .field_name = decl_cases[i].name,
			    .indent_level = decl_cases[i].indent,
			    .strip_mods = decl_cases[i].strip);
		char w[128];

		snprintf(w, sizeof(w), "%s decl '%s' indent %d strip %d", what,
			 decl_cases[i].name ? decl_cases[i].name : "(null)", decl_cases[i].indent,
			 decl_cases[i].strip);
		for (start = 1; start < cnt; start += 8 * BLOCK) {
			reset();
			for (id = start; id < cnt && id < start + 8 * BLOCK; id++)
				hash_ret(btf_dump__emit_type_decl(d, id,
								  decl_cases[i].name ? &o : NULL));
			summary(w, start, id - 1);
		}
	}
}

static bool data_kind(const struct btf *b, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(b, id);
	long sz = btf__resolve_size(b, id);

	if (sz <= 0 || sz > DATA_MAX)
		return false;
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_INT:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_ARRAY:
	case BTF_KIND_PTR:
		return true;
	default:
		return false;
	}
}

/* The pattern from byte `from` on. */
static void fill(size_t from)
{
	size_t i;

	for (i = from; i < sizeof(mem); i++)
		mem[i] = i % 5 == 4 ? 0 : (unsigned char)(i * 7 + 1);
}

/* Values of every sized type of a data kind, with default options, then
 * compact with zeroes and an indent, then short by one byte. The bytes past
 * the short data are zero: libbpf's zero checks read them, libbpfrs reads
 * nothing past data_sz. */
static void data(struct btf_dump *d, const struct btf *b, const char *what, __u32 cnt)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, o, .compact = true, .emit_zeroes = true,
		    .indent_str = "  ", .indent_level = 1);
	__u32 start, id;

	fill(0);
	for (start = 1; start < cnt; start += BLOCK) {
		reset();
		for (id = start; id < cnt && id < start + BLOCK; id++) {
			long sz = btf__resolve_size(b, id);

			if (!data_kind(b, id))
				continue;
			hash_ret(btf_dump__dump_type_data(d, id, mem, sz, NULL));
			hash_ret(btf_dump__dump_type_data(d, id, mem + 1, sz, &o));
			memset(mem + sz - 1, 0, sizeof(mem) - (sz - 1));
			hash_ret(btf_dump__dump_type_data(d, id, mem, sz - 1, NULL));
			fill(sz - 1);
		}
		summary(what, start, id - 1);
	}
}

static void vmlinux(struct btf *vm)
{
	struct btf_dump *d = btf_dump__new(vm, record, NULL, NULL);
	__u32 cnt = btf__type_cnt(vm);
	char path[64];

	snprintf(path, sizeof(path), "btf_dump_calls.vmlinux.%s.txt", O_SIDE);
	rec.file = fopen(path, "w");
	dump_types(d, "vmlinux dump_type", cnt);
	if (rec.file)
		fclose(rec.file);
	rec.file = NULL;
	decls(d, "vmlinux", cnt);
	data(d, vm, "vmlinux data", cnt);
	btf_dump__free(d);
}

/* The BTF of c-tests/bpf/<name>.bpf.c built with -g into btf_dump_objs/ of the
 * working directory (shared with the btf_dump oracle: kept while newer than
 * its source). */
static void object(const char *dir, const char *file)
{
	char src[PATH_MAX], obj[PATH_MAX];
	struct stat ss, os;
	struct btf_dump *d;
	struct btf *b;
	__u32 cnt;

	snprintf(src, sizeof(src), "%.2000s/%.255s", dir, file);
	snprintf(obj, sizeof(obj), "btf_dump_objs/%.*s.o", (int)(strlen(file) - 6), file);
	if (stat(obj, &os) || stat(src, &ss) || os.st_mtime < ss.st_mtime) {
		if (bpfobj_compile(src, "-g", obj)) {
			printf("%s: not built\n", file);
			return;
		}
	}
	b = btf__parse(obj, NULL);
	if (!b) {
		printf("%s: no BTF\n", file);
		return;
	}
	d = btf_dump__new(b, record, NULL, NULL);
	cnt = btf__type_cnt(b);
	dump_types(d, file, cnt);
	decls(d, file, cnt);
	data(d, b, file, cnt);
	btf_dump__free(d);
	btf__free(b);
}

/* Small types, printed call by call: padding and bitfields, a packed struct,
 * an anonymous union member, enums with a repeated enumerator, 64-bit and
 * signed enums, function pointers with varargs and no arguments, arrays of
 * pointers, modifiers, a forward declaration, VAR and DATASEC values. */
static struct btf *hand_built(void)
{
	struct btf *b = btf__new_empty();
	int i32, u8, ch, s, u, e, e2, e64, cp, fp, proto, proto0, arr, td, pk, fwd, v, vs;

	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	u8 = btf__add_int(b, "unsigned char", 1, 0);
	ch = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	e = btf__add_enum(b, "color", 4);
	btf__add_enum_value(b, "RED", 0);
	btf__add_enum_value(b, "GREEN", 7);
	e2 = btf__add_enum(b, "shade", 1);
	btf__add_enum_value(b, "RED", 1);
	e64 = btf__add_enum64(b, "big", 8, true);
	btf__add_enum64_value(b, "NEG", -5);
	btf__add_enum64_value(b, "HUGE", 1ULL << 40);
	cp = btf__add_ptr(b, btf__add_const(b, ch));
	proto = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "fmt", cp);
	btf__add_func_param(b, "", 0);
	fp = btf__add_ptr(b, proto);
	proto0 = btf__add_func_proto(b, 0);
	arr = btf__add_array(b, i32, btf__add_ptr(b, proto0), 3);
	u = btf__add_union(b, NULL, 4);
	btf__add_field(b, "as_int", i32, 0, 0);
	btf__add_field(b, "as_bytes", btf__add_array(b, i32, u8, 4), 0, 0);
	fwd = btf__add_fwd(b, "opaque", BTF_FWD_STRUCT);
	s = btf__add_struct(b, "rec", 64);
	btf__add_field(b, "c", ch, 0, 0);
	btf__add_field(b, "flags", i32, 8, 3);
	btf__add_field(b, "mode", e, 11, 2);
	btf__add_field(b, "u", u, 32, 0);
	btf__add_field(b, "log", fp, 64, 0);
	btf__add_field(b, "hooks", arr, 128, 0);
	btf__add_field(b, "name", btf__add_array(b, i32, ch, 8), 320, 0);
	btf__add_field(b, "sh", e2, 384, 0);
	btf__add_field(b, "o", btf__add_ptr(b, fwd), 448, 0);
	td = btf__add_typedef(b, "rec_t", btf__add_volatile(b, s));
	pk = btf__add_struct(b, "packed", 9);
	btf__add_field(b, "a", u8, 0, 0);
	btf__add_field(b, "b", e64, 8, 0);
	v = btf__add_var(b, "counter", BTF_VAR_GLOBAL_ALLOCATED, i32);
	vs = btf__add_var(b, "r", BTF_VAR_STATIC, td);
	btf__add_datasec(b, ".data", 72);
	btf__add_datasec_var_info(b, v, 0, 4);
	btf__add_datasec_var_info(b, vs, 8, 64);
	(void)pk;
	return b;
}

static void hand(void)
{
	struct btf *b = hand_built();
	struct btf_dump *d = btf_dump__new(b, record, NULL, NULL);
	__u32 id, cnt = btf__type_cnt(b);
	size_t i;

	rec.list = 1;
	for (id = 1; id < cnt; id++) {
		reset();
		printf("hand dump_type %u\n", id);
		hash_ret(btf_dump__dump_type(d, id));
		summary("hand dump_type", id, id);
	}
	for (i = 0; i < sizeof(decl_cases) / sizeof(decl_cases[0]); i++) {
		LIBBPF_OPTS(btf_dump_emit_type_decl_opts, o, .field_name = decl_cases[i].name,
			    .indent_level = decl_cases[i].indent,
			    .strip_mods = decl_cases[i].strip);

		for (id = 1; id < cnt; id++) {
			reset();
			printf("hand decl %zu of %u\n", i, id);
			hash_ret(btf_dump__emit_type_decl(d, id, decl_cases[i].name ? &o : NULL));
			summary("hand decl", id, id);
		}
	}
	fill(0);
	for (id = 1; id < cnt; id++) {
		LIBBPF_OPTS(btf_dump_type_data_opts, o, .compact = true, .emit_zeroes = true);
		long sz = btf__resolve_size(b, id);

		if (sz <= 0)
			continue;
		reset();
		printf("hand data %u\n", id);
		hash_ret(btf_dump__dump_type_data(d, id, mem, sz, NULL));
		hash_ret(btf_dump__dump_type_data(d, id, mem, sz, &o));
		summary("hand data", id, id);
	}
	rec.list = 0;
	btf_dump__free(d);
	btf__free(b);
}

int main(void)
{
	struct btf *vm = btf__load_vmlinux_btf();

	hand();
	dump_objects_each(object);
	if (!vm) {
		printf("no vmlinux BTF\n");
	} else {
		vmlinux(vm);
		btf__free(vm);
	}
	free(rec.text);
	return 0;
}
