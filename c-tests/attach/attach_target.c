/* BPF programs as attach targets on the real kernel: freplace, fentry and fexit
 * programs of c-tests/bpf/tg_ext.bpf.c aimed at tg_global, a global function of
 * the XDP program of c-tests/bpf/tg_target.bpf.c. bpf_program__set_attach_target
 * with the target's fd (by name, or the fd alone with the section's name looked
 * up at load), its errors in both errno modes, bpf_program__attach_freplace and
 * bpf_program__attach_trace; where the kernel loads the programs, the links'
 * target program and BTF id as the kernel reports them.
 *
 * A load refused with EPERM is this machine's doing only if the kernel refuses
 * the program type itself (asked with bpf(2) directly, tg_kernel_refuses): then a
 * note, and the test goes on with what needs no loaded program. An EPERM the
 * kernel does not explain is a libbpfrs failure. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include "harness.h"
#include "raw_bpf.h"
#include "target_bpf.h"

static char target_path[PATH_MAX], ext_path[PATH_MAX];
static int tfd, nobtf;
static __u32 target_id, func_id; /* the target program's id, tg_global's BTF id */

/* tg_global's id in the target program's BTF, read back through the BTF API
 * (not the object API's lookup under test). */
static __u32 expected_func_id(int prog_fd)
{
	struct bpf_prog_info info;
	struct btf *b;
	int id;

	if (raw_prog_info(prog_fd, &info) || !info.btf_id)
		return 0;
	b = btf__load_from_kernel_by_id(info.btf_id);
	if (!b)
		return 0;
	id = btf__find_by_name_kind(b, "tg_global", BTF_KIND_FUNC);
	btf__free(b);
	return id > 0 ? id : 0;
}

/* 1 when `prog` loaded; 0 when the kernel refused it for want of the feature
 * (noted); a failed check otherwise. */
static int loaded(int r, const char *prog, __u32 type, __u32 eat)
{
	if (r == 0)
		return 1;
	if (r == -EPERM && tg_kernel_refuses(type, eat)) {
		printf("note: %s: the kernel refuses %s programs here (EPERM at load)\n", prog,
		       type == BPF_PROG_TYPE_EXT ? "extension" : "tracing");
		return 0;
	}
	if (r == -524) { /* ENOTSUPP: no BPF trampolines on this kernel */
		printf("note: %s: no BPF trampolines on this kernel\n", prog);
		return 0;
	}
	CHECK(0, "%s: load failed with %d where the kernel loads the program type", prog, r);
	return 0;
}

/* A link's tracing info: the target program and function the kernel attached to. */
static void check_link(struct bpf_link *l, const char *prog, __u32 attach_type)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	CHECK(l != NULL, "%s: attach: errno %d", prog, errno);
	if (!l)
		return;
	memset(&info, 0, sizeof(info));
	CHECK_EQ(bpf_obj_get_info_by_fd(bpf_link__fd(l), &info, &len), 0);
	CHECK_EQ(info.type, BPF_LINK_TYPE_TRACING);
	CHECK_EQ(info.tracing.attach_type, attach_type);
	CHECK_EQ(info.tracing.target_obj_id, target_id);
	CHECK_EQ(info.tracing.target_btf_id, func_id);
	CHECK_EQ(bpf_link__destroy(l), 0);
}

/* set_attach_target by name on `name`, its errors in both modes, then load and
 * attach as the program type does. */
static void by_name(const char *name, __u32 type, __u32 eat)
{
	struct bpf_program *p;
	struct bpf_object *o = tg_open_only(ext_path, name, &p);
	int r;

	CHECK(o && p, "open %s: errno %d", name, errno);
	if (!o || !p)
		return;
	CHECK_UERR(bpf_program__set_attach_target(p, tfd, "tg_missing"), ENOENT);
	CHECK_UERR(bpf_program__set_attach_target(p, nobtf, "tg_global"), EINVAL);
	CHECK_UERR(bpf_program__set_attach_target(p, -1, "tg_global"), EINVAL);
	CHECK_UERR(bpf_program__set_attach_target(p, 0, NULL), EINVAL);
	CHECK_EQ(bpf_program__set_attach_target(p, tfd, "tg_global"), 0);
	r = bpf_object__load(o);
	if (loaded(r, name, type, eat)) {
		if (type == BPF_PROG_TYPE_EXT)
			check_link(bpf_program__attach_freplace(p, tfd, "tg_global"), name, 0);
		else
			check_link(bpf_program__attach_trace(p), name, eat);
	} else if (type == BPF_PROG_TYPE_EXT) {
		CHECK_RET(bpf_program__attach_freplace(p, tfd, "tg_global"), NULL, EINVAL);
	} else {
		CHECK_RET(bpf_program__attach_trace(p), NULL, EINVAL);
	}
	CHECK_UERR(bpf_program__set_attach_target(p, tfd, "tg_global"), EINVAL);
	bpf_object__close(o);
}

/* The fd alone (or `fd` 0: none): the section's function is looked up at load. */
static int at_load(const char *name, int fd)
{
	struct bpf_program *p;
	struct bpf_object *o = tg_open_only(ext_path, name, &p);
	int r;

	CHECK(o && p, "open %s: errno %d", name, errno);
	if (!o || !p)
		return -EINVAL;
	if (fd)
		CHECK_EQ(bpf_program__set_attach_target(p, fd, NULL), 0);
	r = bpf_object__load(o);
	if (r == 0 && !strcmp(name, "tg_new"))
		check_link(bpf_program__attach(p), name, 0);
	bpf_object__close(o);
	return r;
}

/* attach_freplace's argument checks, which come before any kernel call. */
static void freplace_args(void)
{
	struct bpf_program *ext, *fentry;
	struct bpf_object *o = tg_open_only(ext_path, "tg_new", &ext);

	CHECK(o && ext, "open: errno %d", errno);
	if (!o || !ext)
		return;
	fentry = bpf_object__find_program_by_name(o, "tg_entry");
	CHECK_RET(bpf_program__attach_freplace(ext, tfd, NULL), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_freplace(ext, 0, "tg_global"), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_freplace(fentry, tfd, "tg_global"), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_freplace(ext, tfd, "tg_missing"), NULL, ENOENT);
	CHECK_RET(bpf_program__attach_freplace(ext, nobtf, "tg_global"), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_freplace(ext, tfd, "tg_global"), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_freplace(ext, 0, NULL), NULL, EINVAL);
	bpf_object__close(o);
}

int main(void)
{
	struct bpf_object *t;
	int fds, r;

	require_root();
	setvbuf(stdout, NULL, _IOLBF, 0);
	r = tg_build(target_path, ext_path, sizeof(target_path));
	if (r == 77)
		h_skip("clang not installed");
	CHECK_EQ(r, 0);
	if (r)
		return h_done("attach_target");
	fds = h_count_fds();
	t = bpf_object__open_file(target_path, NULL);
	CHECK(t != NULL, "open tg_target: errno %d", errno);
	if (!t)
		return h_done("attach_target");
	CHECK_EQ(bpf_object__load(t), 0);
	tfd = bpf_program__fd(bpf_object__find_program_by_name(t, "tg_xdp"));
	nobtf = tg_load_nobtf();
	target_id = raw_prog_id(tfd);
	func_id = expected_func_id(tfd);
	CHECK(tfd > 0 && nobtf > 0 && target_id && func_id, "set-up: %d %d %u %u", tfd, nobtf,
	      target_id, func_id);

	by_name("tg_new", BPF_PROG_TYPE_EXT, 0);
	by_name("tg_entry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY);
	by_name("tg_exit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT);
	freplace_args();

	r = at_load("tg_new", tfd);
	loaded(r, "tg_new (fd only)", BPF_PROG_TYPE_EXT, 0);
	r = at_load("tg_entry", tfd);
	loaded(r, "tg_entry (fd only)", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY);
	/* Refused before the kernel is asked: the section's function is not in the
	 * target, no target program, a target without BTF, no name at all. */
	CHECK_EQ(at_load("tg_absent", tfd), -ENOENT);
	CHECK_EQ(at_load("tg_new", 0), -EINVAL);
	CHECK_EQ(at_load("tg_new", nobtf), -EINVAL);
	CHECK_EQ(at_load("tg_bare", tfd), -EINVAL);

	close(nobtf);
	bpf_object__close(t);
	CHECK_EQ(h_count_fds(), fds);
	tg_clean();
	return h_done("attach_target");
}
