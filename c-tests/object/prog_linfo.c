/* bpf_prog_linfo__* and bpf_map__inner_map: the libbpfrs-only side (behaviour
 * libbpf 1.1.2 crashes on, or that the oracle cannot print). The comparison with
 * libbpf is c-tests/oracle/prog_linfo.c.
 *
 * - lfind on a loaded clang -g program: for every instruction offset the record
 *   is the last one at or below it, checked against the caller's own buffer; the
 *   table is a copy (the caller's buffer may change or go away);
 * - NULL/garbage/freed tables and NULL info give NULL with EINVAL, in both errno
 *   modes, and never a crash; no fd is opened;
 * - inner-map templates: set_max_entries and set_autocreate (which dereference a
 *   NULL object in libbpf 1.1.2), and a template handle kept past load. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdint.h>
#include "harness.h"
#include "bpfobj.h"

static int quiet(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	return 0;
}

/* The last record of `recs` with insn_off <= off, or -1. */
static int expected(const struct bpf_line_info *recs, __u32 nr, __u32 off)
{
	int best = -1;
	__u32 i;

	for (i = 0; i < nr; i++)
		if (recs[i].insn_off <= off)
			best = (int)i;
	return best;
}

static void real_program(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_prog_info info;
	__u32 len = sizeof(info), nr, n_insns, off;
	struct bpf_line_info *recs, *copy;
	struct bpf_prog_linfo *l;
	int fd, fds;

	CHECK(obj != NULL, "open %s", path);
	if (!obj)
		return;
	CHECK_EQ(bpf_object__load(obj), 0);
	fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "li_main"));
	CHECK(fd >= 0, "li_main fd %d", fd);
	memset(&info, 0, sizeof(info));
	CHECK_EQ(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	nr = info.nr_line_info;
	n_insns = info.xlated_prog_len / 8;
	CHECK(nr > 4, "line info records: %u", nr);
	CHECK_EQ(info.line_info_rec_size, sizeof(struct bpf_line_info));
	if (nr == 0 || info.line_info_rec_size != sizeof(struct bpf_line_info)) {
		bpf_object__close(obj);
		return;
	}
	recs = calloc(nr, sizeof(*recs));
	copy = calloc(nr, sizeof(*recs));
	memset(&info, 0, sizeof(info));
	info.nr_line_info = nr;
	info.line_info_rec_size = sizeof(*recs);
	info.line_info = (uintptr_t)recs;
	len = sizeof(info);
	CHECK_EQ(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	memcpy(copy, recs, nr * sizeof(*recs));

	fds = h_count_fds();
	l = bpf_prog_linfo__new(&info);
	CHECK(l != NULL, "new: errno %d", errno);
	/* The table is a copy: scribbling on the caller's buffer changes nothing. */
	memset(recs, 0xff, nr * sizeof(*recs));
	for (off = 0; l && off < n_insns; off++) {
		const struct bpf_line_info *r = bpf_prog_linfo__lfind(l, off, 0);
		int want = expected(copy, nr, off);

		CHECK(r != NULL && want >= 0 && !memcmp(r, &copy[want], sizeof(*r)),
		      "lfind(%u): got insn %d, want record %d", off, r ? (int)r->insn_off : -1, want);
		CHECK((uintptr_t)r < (uintptr_t)recs || (uintptr_t)r >= (uintptr_t)(recs + nr), "lfind(%u) points into the caller's buffer", off);
		if (want >= 1) {
			/* Skipping past the match still finds a later record or none. */
			r = bpf_prog_linfo__lfind(l, off, (__u32)want);
			CHECK(r && !memcmp(r, &copy[want], sizeof(*r)), "lfind(%u, skip %d)", off, want);
		}
	}
	/* No jited part was asked for: every address lookup is ENOENT. */
	CHECK_RET(bpf_prog_linfo__lfind_addr_func(l, 0, 0, 0), 0, ENOENT);
	bpf_prog_linfo__free(l);
	CHECK_EQ(h_count_fds(), fds);

	/* Garbage pointers. */
	CHECK_RET(bpf_prog_linfo__lfind(l, 0, 0), 0, EINVAL); /* freed */
	bpf_prog_linfo__free(l);                              /* double free: ignored */
	CHECK_RET(bpf_prog_linfo__lfind((void *)copy, 0, 0), 0, EINVAL);
	bpf_prog_linfo__free((void *)copy);
	CHECK_RET(bpf_prog_linfo__lfind_addr_func(NULL, 0, 0, 0), 0, EINVAL);
	CHECK_RET(bpf_prog_linfo__new(NULL), 0, EINVAL);
	info.line_info = 0;
	CHECK_RET(bpf_prog_linfo__new(&info), 0, EINVAL);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	CHECK_RET(bpf_prog_linfo__new(&info), 0, EINVAL);
	CHECK_RET(bpf_prog_linfo__lfind(NULL, 0, 0), 0, EINVAL);
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	CHECK_EQ(h_count_fds(), fds);
	free(recs);
	free(copy);
	bpf_object__close(obj);
}

static void inner_maps(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_map *hom, *in;

	CHECK(obj != NULL, "open %s", path);
	if (!obj)
		return;
	hom = bpf_object__find_map_by_name(obj, "li_hom");
	in = bpf_map__inner_map(hom);
	CHECK(in != NULL, "inner_map(li_hom): errno %d", errno);
	if (!in) {
		bpf_object__close(obj);
		return;
	}
	CHECK(!strcmp(bpf_map__name(in), "li_hom.inner"), "name %s", bpf_map__name(in));
	/* libbpf 1.1.2 crashes on these two. */
	CHECK_RET(bpf_map__set_max_entries(in, 9), 0, 0);
	CHECK_EQ(bpf_map__max_entries(in), 9);
	CHECK_EQ(bpf_map__max_entries(hom), 5);
	CHECK_RET(bpf_map__set_autocreate(in, true), -EINVAL, EINVAL);
	/* Not an object's map: object-level calls refuse it. */
	CHECK_RET(bpf_map__reuse_fd(in, 0), -EINVAL, EINVAL);
	CHECK_RET(bpf_map__set_inner_map_fd(in, 0), -EINVAL, EINVAL);
	CHECK(bpf_object__next_map(obj, in) == NULL, "next_map(template)");

	CHECK_EQ(bpf_object__load(obj), 0);
	CHECK_RET(bpf_map__inner_map(hom), 0, 0);
	/* The template is gone after load (libbpf frees it): a kept handle is refused. */
	CHECK_RET(bpf_map__name(in), 0, EINVAL);
	CHECK_RET(bpf_map__value_size(in), 0, 0);
	CHECK_RET(bpf_map__set_value_size(in, 8), -EINVAL, EINVAL);
	CHECK_RET(bpf_map__set_max_entries(in, 8), -EINVAL, EINVAL);
	CHECK_RET(bpf_map__fd(in), -EINVAL, EINVAL);
	CHECK_RET(bpf_map__inner_map(in), 0, EINVAL);
	bpf_object__close(obj);
	CHECK_RET(bpf_map__max_entries(in), 0, 0); /* closed object: no crash */
}

int main(void)
{
	char path[PATH_MAX];
	int r;

	require_root();
	libbpf_set_print(quiet);
	r = bpfobj_build("li_prog", "li_prog_t.bpf.o", "-g", path, sizeof(path));
	if (r == 77)
		h_skip("no clang");
	CHECK_EQ(r, 0);
	if (r)
		return h_done("prog_linfo");
	real_program(path);
	inner_maps(path);
	bpfobj_clean("li_prog", "li_prog_t.bpf.o");
	return h_done("prog_linfo");
}
