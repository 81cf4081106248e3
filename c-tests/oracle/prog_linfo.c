/* Oracle: bpf_prog_linfo__* and bpf_map__inner_map against the system libbpf.
 *
 * Line info: c-tests/bpf/li_prog.bpf.c (clang -g, three subprograms) is loaded, its
 * prog info fetched twice (counts, then buffers), and a table built; lfind is
 * printed for every instruction offset and several nr_skip values, and
 * lfind_addr_func for addresses around every jited line of every function
 * (addresses relative to the info's own, so the output does not depend on where
 * the JIT put the code). Records are printed by content, never by address. Then
 * hand-made info structs: the argument checks, jited consistency checks and
 * ENOENT cases.
 *
 * Inner maps: bpf_map__inner_map on every map, every getter on the templates,
 * the definition setters libbpf 1.1.2 supports on a template (set_max_entries and
 * set_autocreate crash libbpf 1.1.2: libbpfrs-only, checked on stderr), the
 * effect of an edited template on the created outer map, and NULL after load and
 * after set_inner_map_fd. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdint.h>

static int quiet(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	return 0;
}

/* A record by content (the caller's info and both tables hold the same bytes). */
static void show_rec(const char *what, const struct bpf_line_info *r, int e)
{
	if (r)
		printf("%s = {insn %u file %u line %u col %u} errno=%s\n", what, r->insn_off,
		       r->file_name_off, r->line_off, r->line_col, o_errname(e));
	else
		printf("%s = NULL errno=%s\n", what, o_errname(e));
}

#define LFIND(linfo, off, skip)                                                 \
	do {                                                                    \
		char __w[96];                                                   \
		errno = 0;                                                      \
		const struct bpf_line_info *__r = bpf_prog_linfo__lfind(linfo, off, skip); \
		int __e = errno;                                                \
		snprintf(__w, sizeof(__w), "lfind(%u, %u)", (unsigned)(off), (unsigned)(skip)); \
		show_rec(__w, __r, __e);                                        \
	} while (0)

#define LFIND_ADDR(linfo, base, rel, f, skip)                                   \
	do {                                                                    \
		char __w[96];                                                   \
		errno = 0;                                                      \
		const struct bpf_line_info *__r =                               \
			bpf_prog_linfo__lfind_addr_func(linfo, (base) + (rel), f, skip); \
		int __e = errno;                                                \
		snprintf(__w, sizeof(__w), "lfind_addr_func(ksym%u%+lld, %u, %u)", \
			 (unsigned)(f), (long long)(rel), (unsigned)(f), (unsigned)(skip)); \
		show_rec(__w, __r, __e);                                        \
	} while (0)

#define NEW(what, info)                                                         \
	do {                                                                    \
		errno = 0;                                                      \
		struct bpf_prog_linfo *__l = bpf_prog_linfo__new(info);         \
		int __e = errno;                                                \
		printf("new(%s) = %s errno=%s\n", what, __l ? "table" : "NULL", o_errname(__e)); \
		bpf_prog_linfo__free(__l);                                      \
	} while (0)

static void real_program(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_prog_info info;
	__u32 len = sizeof(info), nr, xlated, nfunc, i, f, k;
	int fd, err;

	if (!obj || bpf_object__load(obj)) {
		printf("open/load failed\n");
		bpf_object__close(obj);
		return;
	}
	fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "li_main"));
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	nr = info.nr_line_info;
	nfunc = info.nr_jited_ksyms;
	xlated = info.xlated_prog_len / 8;
	printf("info: err %d nr_line_info %u rec %u nr_jited_line_info %u jrec %u funcs %u lens %u insns %u\n",
	       err, nr, info.line_info_rec_size, info.nr_jited_line_info,
	       info.jited_line_info_rec_size, nfunc, info.nr_jited_func_lens, xlated);
	if (nr == 0 || nfunc == 0) {
		bpf_object__close(obj);
		return;
	}

	/* Second call with buffers: the counts above. */
	__u32 rec = info.line_info_rec_size, jrec = info.jited_line_info_rec_size;
	char *linfo_buf = calloc(nr, rec), *jl_buf = calloc(nr, jrec);
	__u64 *ksyms = calloc(nfunc, 8);
	__u32 *lens = calloc(nfunc, 4);
	__u32 njl = info.nr_jited_line_info;

	memset(&info, 0, sizeof(info));
	info.nr_line_info = nr;
	info.line_info_rec_size = rec;
	info.line_info = (uintptr_t)linfo_buf;
	info.nr_jited_line_info = njl;
	info.jited_line_info_rec_size = jrec;
	info.jited_line_info = (uintptr_t)jl_buf;
	info.nr_jited_ksyms = nfunc;
	info.jited_ksyms = (uintptr_t)ksyms;
	info.nr_jited_func_lens = nfunc;
	info.jited_func_lens = (uintptr_t)lens;
	len = sizeof(info);
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	printf("info with buffers: err %d, first jited line at ksym0: %d, ksyms nonzero: %d\n", err,
	       njl ? *(__u64 *)jl_buf == ksyms[0] : -1, ksyms[0] != 0);

	struct bpf_prog_linfo *l = bpf_prog_linfo__new(&info);
	printf("new(loaded program) = %s\n", l ? "table" : "NULL");
	if (l) {
		for (i = 0; i <= xlated; i++)
			for (k = 0; k < 3; k++)
				LFIND(l, i, k);
		LFIND(l, 0, nr - 1);
		LFIND(l, 100000, nr - 1);
		LFIND(l, 100000, nr);
		LFIND(l, 0, 0xffffffff);
		/* Per function: around each jited line of the info. */
		for (f = 0; f <= nfunc; f++) {
			__u64 base = f < nfunc ? ksyms[f] : ksyms[0];

			for (k = 0; k < 3; k++) {
				LFIND_ADDR(l, base, -1, f, k);
				LFIND_ADDR(l, base, 0, f, k);
			}
			for (i = 0; njl && f < nfunc && i < nr; i++) {
				__u64 a = *(__u64 *)(jl_buf + (size_t)i * jrec);
				long long rel = (long long)(a - base);

				if (a < base || a - base >= lens[f])
					continue;
				LFIND_ADDR(l, base, rel, f, 0);
				LFIND_ADDR(l, base, rel + 1, f, 0);
				LFIND_ADDR(l, base, rel - 1, f, 1);
			}
			if (f < nfunc)
				LFIND_ADDR(l, base, (long long)lens[f] + 100, f, 0);
		}
		bpf_prog_linfo__free(l);
	}

	/* The same info without the jited part: lfind only. */
	info.nr_jited_line_info = 0;
	l = bpf_prog_linfo__new(&info);
	printf("new(no jited) = %s\n", l ? "table" : "NULL");
	if (l) {
		LFIND(l, xlated - 1, 0);
		LFIND_ADDR(l, ksyms[0], 0, 0, 0);
		bpf_prog_linfo__free(l);
	}
	free(linfo_buf);
	free(jl_buf);
	free(ksyms);
	free(lens);
	bpf_object__close(obj);
}

/* Hand-made tables. */
static void fake_info(void)
{
	struct bpf_line_info li[5] = {
		{ 0, 1, 10, 1 }, { 3, 1, 11, 2 }, { 3, 1, 12, 3 }, { 9, 2, 13, 4 }, { 20, 2, 14, 5 },
	};
	__u64 j[5] = { 0x1000, 0x1008, 0x1010, 0x2000, 0x2040 };
	__u64 ks[2] = { 0x1000, 0x2000 };
	__u32 fl[2] = { 0x20, 0x80 };
	struct bpf_prog_info in;
	struct bpf_prog_linfo *l;
	__u32 rs, off, k;

	memset(&in, 0, sizeof(in));
	NEW("all zero", &in);
	in.nr_line_info = 5;
	in.line_info = (uintptr_t)li;
	for (rs = 0; rs <= 5; rs++) {
		char w[32];

		in.line_info_rec_size = rs;
		snprintf(w, sizeof(w), "rec_size %u", rs);
		NEW(w, &in);
	}
	in.line_info_rec_size = sizeof(li[0]);
	l = bpf_prog_linfo__new(&in);
	for (off = 0; off < 24; off++)
		for (k = 0; k <= 5; k++)
			LFIND(l, off, k);
	LFIND_ADDR(l, 0x1000ULL, 0, 0, 0);
	bpf_prog_linfo__free(l);

	/* A bigger record size: records are strided by it. */
	{
		__u32 big[5][6];

		for (k = 0; k < 5; k++) {
			memcpy(big[k], &li[k], sizeof(li[k]));
			big[k][4] = big[k][5] = 0xdead;
		}
		in.line_info = (uintptr_t)big;
		in.line_info_rec_size = sizeof(big[0]);
		l = bpf_prog_linfo__new(&in);
		LFIND(l, 5, 0);
		LFIND(l, 25, 2);
		bpf_prog_linfo__free(l);
		in.line_info = (uintptr_t)li;
		in.line_info_rec_size = sizeof(li[0]);
	}

	in.nr_jited_line_info = 5;
	in.jited_line_info = (uintptr_t)j;
	in.jited_line_info_rec_size = 8;
	in.nr_jited_ksyms = 2;
	in.jited_ksyms = (uintptr_t)ks;
	in.nr_jited_func_lens = 2;
	in.jited_func_lens = (uintptr_t)fl;
	NEW("jited ok", &in);
	l = bpf_prog_linfo__new(&in);
	if (l) {
		long long rels[] = { -1, 0, 1, 7, 8, 9, 0x10, 0x1f, 0x20, 0x40, 0x41, 0x1000 };
		__u32 f, r;

		for (f = 0; f < 3; f++)
			for (r = 0; r < sizeof(rels) / sizeof(rels[0]); r++)
				for (k = 0; k < 4; k++)
					LFIND_ADDR(l, f < 2 ? ks[f] : 0ULL, rels[r], f, k);
		LFIND(l, 9, 0);
		bpf_prog_linfo__free(l);
	}

	in.nr_jited_line_info = 4;
	NEW("nr_jited_line_info != nr_line_info", &in);
	l = bpf_prog_linfo__new(&in);
	LFIND(l, 9, 0);
	LFIND_ADDR(l, 0x1000ULL, 0, 0, 0);
	bpf_prog_linfo__free(l);
	in.nr_jited_line_info = 5;
	in.jited_line_info_rec_size = 4;
	NEW("jited rec_size 4", &in);
	in.jited_line_info_rec_size = 8;
	in.nr_jited_func_lens = 1;
	NEW("func_lens count mismatch", &in);
	in.nr_jited_func_lens = 2;
	in.jited_ksyms = 0;
	NEW("jited_ksyms NULL", &in);
	l = bpf_prog_linfo__new(&in);
	LFIND_ADDR(l, 0x1000ULL, 0, 0, 0);
	bpf_prog_linfo__free(l);
	in.jited_ksyms = (uintptr_t)ks;
	in.jited_func_lens = 0;
	NEW("jited_func_lens NULL", &in);
	in.jited_func_lens = (uintptr_t)fl;
	ks[0] = 0x1004;
	NEW("first line not at ksym0", &in);
	ks[0] = 0x1000;
	fl[0] = 0x10;
	NEW("func 0 shorter than its lines", &in);
	fl[0] = 0x11;
	NEW("func 0 just long enough", &in);
	fl[0] = 0x20;
	j[2] = 0x1008;
	NEW("repeated address in func 0", &in);
	j[2] = 0x1004;
	NEW("decreasing address in func 0", &in);
	j[2] = 0x1010;
	j[4] = 0x2000;
	NEW("repeated address in the last func (unchecked)", &in);
	j[4] = 0x2040;
	ks[1] = 0x3000;
	NEW("func 1 never starts", &in);
	ks[1] = 0x2000;
	in.nr_jited_ksyms = in.nr_jited_func_lens = 1;
	NEW("one func", &in);
	l = bpf_prog_linfo__new(&in);
	if (l) {
		LFIND_ADDR(l, 0x1000ULL, 0x1040, 0, 0);
		LFIND_ADDR(l, 0x1000ULL, 0x1040, 0, 4);
		LFIND_ADDR(l, 0x1000ULL, 0x1040, 0, 5);
		LFIND_ADDR(l, 0x1000ULL, 0, 1, 0);
		bpf_prog_linfo__free(l);
	}
	bpf_prog_linfo__free(NULL);
	printf("free(NULL) ok\n");
}

static void show_map(const char *tag, struct bpf_map *m)
{
	errno = 0;
	struct bpf_map *in = bpf_map__inner_map(m);
	int e = errno;

	printf("%s: inner_map(%s) = %s errno=%s\n", tag, bpf_map__name(m), in ? "map" : "NULL",
	       o_errname(e));
	if (!in)
		return;
	errno = 0;
	printf("  name %s type %u key %u value %u max %u flags %u numa %u extra %llu ifindex %u\n",
	       bpf_map__name(in), bpf_map__type(in), bpf_map__key_size(in),
	       bpf_map__value_size(in), bpf_map__max_entries(in), bpf_map__map_flags(in),
	       bpf_map__numa_node(in), (unsigned long long)bpf_map__map_extra(in),
	       bpf_map__ifindex(in));
	printf("  fd %d internal %d autocreate %d pin_path %s pinned %d btf key/value %s errno=%s\n",
	       bpf_map__fd(in), bpf_map__is_internal(in), bpf_map__autocreate(in),
	       bpf_map__get_pin_path(in) ? "set" : "NULL", bpf_map__is_pinned(in),
	       bpf_map__btf_key_type_id(in) && bpf_map__btf_value_type_id(in) ? "set" : "0",
	       o_errname(errno));
	printf("  same pointer again: %d\n", bpf_map__inner_map(m) == in);
	errno = 0;
	struct bpf_map *in2 = bpf_map__inner_map(in);
	printf("  inner_map(template) = %s errno=%s\n", in2 ? "map" : "NULL", o_errname(errno));
}

static void inner_maps(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_map *m, *hom, *in;
	int fd;

	if (!obj) {
		printf("open failed\n");
		return;
	}
	bpf_object__for_each_map(m, obj)
		show_map("open", m);
	hom = bpf_object__find_map_by_name(obj, "li_hom");
	in = bpf_map__inner_map(hom);
	O_INT("set_map_flags(inner, 0)", bpf_map__set_map_flags(in, 0));
	O_INT("set_map_flags(inner, NO_PREALLOC)", bpf_map__set_map_flags(in, BPF_F_NO_PREALLOC));
	O_INT("set_numa_node(inner, 0)", bpf_map__set_numa_node(in, 0));
	O_INT("set_key_size(inner, 4)", bpf_map__set_key_size(in, 4));
	O_INT("set_value_size(inner, 8)", bpf_map__set_value_size(in, 8));
	O_INT("set_ifindex(inner, 0)", bpf_map__set_ifindex(in, 0));
	O_INT("set_map_extra(inner, 0)", bpf_map__set_map_extra(in, 0));
	O_INT("set_type(inner, HASH)", bpf_map__set_type(in, BPF_MAP_TYPE_HASH));
	O_INT("value_size(inner)", bpf_map__value_size(in));
	O_INT("value_size(outer)", bpf_map__value_size(hom));
#ifndef ORACLE_SYSTEM
	/* libbpf 1.1.2 dereferences the template's NULL object here. */
	o_self_check(bpf_map__set_max_entries(in, 7) == 0, "set_max_entries on a template");
	o_self_check(bpf_map__max_entries(in) == 7, "max_entries after set");
#endif
	O_INT("set_inner_map_fd(inner, 0)", bpf_map__set_inner_map_fd(in, 0));
	printf("load = %d\n", bpf_object__load(obj));
	bpf_object__for_each_map(m, obj)
		show_map("loaded", m);

	/* The outer map takes inner maps shaped like the edited template. */
	if (bpf_map__fd(hom) >= 0) {
		LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
		__u32 key = 1;
		int good = bpf_map_create(BPF_MAP_TYPE_HASH, "li_good", 4, 8, 7, &o);
		int bad = bpf_map_create(BPF_MAP_TYPE_HASH, "li_bad", 4, 2, 7, &o);

		O_INT("update(outer, value-size-8 inner)",
		      bpf_map_update_elem(bpf_map__fd(hom), &key, &good, 0));
		O_INT("update(outer, value-size-2 inner)",
		      bpf_map_update_elem(bpf_map__fd(hom), &key, &bad, 0));
		close(good);
		close(bad);
	}
	bpf_object__close(obj);

	/* set_inner_map_fd drops the template. */
	obj = bpf_object__open_file(path, NULL);
	hom = bpf_object__find_map_by_name(obj, "li_hom");
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "li_tmpl", 4, 8, 1, NULL);
	O_INT("set_inner_map_fd(li_hom, array)", bpf_map__set_inner_map_fd(hom, fd));
	show_map("after set_inner_map_fd", hom);
	show_map("other map", bpf_object__find_map_by_name(obj, "li_aom"));
	close(fd);
	bpf_object__close(obj);
}

int main(void)
{
	char path[PATH_MAX];

	o_require_root();
	libbpf_set_print(quiet);
	o_build("li_prog", "li_prog.bpf.o", "-g", path, sizeof(path));
	real_program(path);
	fake_info();
	inner_maps(path);
	bpfobj_clean("li_prog", "li_prog.bpf.o");
	return o_done();
}
