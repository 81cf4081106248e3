/* Oracle: BPF programs as attach targets (libbpf 1.1.2 API) through the system
 * libbpf and libbpfrs. The target is tg_xdp of c-tests/bpf/tg_target.bpf.c, whose
 * BTF has the global function tg_global; c-tests/bpf/tg_ext.bpf.c holds freplace,
 * fentry and fexit programs aimed at it. Every bpf_program__set_attach_target,
 * bpf_object__load, bpf_program__attach_freplace and bpf_program__attach_trace
 * result and errno must match: valid and missing names, a target without BTF, fds
 * that are not programs, the target given at load from the section name.
 *
 * Where the kernel refuses tracing and extension programs outright (EPERM at
 * load, e.g. under lockdown), both libraries must fail at the same step with it;
 * a note says so, and the attach calls then check their argument errors only. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "target_bpf.h"

static char target_path[PATH_MAX], ext_path[PATH_MAX];
static int tfd = -1;      /* tg_xdp: has BTF, with FUNC tg_global */
static int nobtf = -1;    /* an XDP program without BTF */
static int devnull = -1;  /* not a BPF object */
static int closed = -1;   /* a closed fd */

/* bpf_object__load of an object whose only program to load is `prog`, of
 * program type `type`: the result, and a note when the kernel refused it because
 * it refuses the type on this machine. A libbpfrs EPERM where the kernel loads
 * the type is a libbpfrs failure. */
static int load(struct bpf_object *o, const char *prog, __u32 type, __u32 eat)
{
	int r;

	errno = 0;
	r = bpf_object__load(o);
	printf("bpf_object__load(%s) = %d errno=%s\n", prog, r, o_errname(errno));
	if (r == -EPERM) {
		int refused = tg_kernel_refuses(type, eat);

		if (refused)
			printf("note: the kernel refuses %s programs here (EPERM at load)\n",
			       type == BPF_PROG_TYPE_EXT ? "extension" : "tracing");
#ifndef ORACLE_SYSTEM
		o_self_check(refused, "%s: EPERM from libbpfrs where the kernel loads the type",
			     prog);
#endif
	}
	return r;
}

/* set_attach_target's argument and target checks on program `name`, before load. */
static void set_target_checks(struct bpf_program *p, const char *name)
{
	O_INT("set_attach_target(%s, target, \"tg_missing\")",
	      bpf_program__set_attach_target(p, tfd, "tg_missing"), name);
	O_INT("set_attach_target(%s, no-BTF target, \"tg_global\")",
	      bpf_program__set_attach_target(p, nobtf, "tg_global"), name);
	O_INT("set_attach_target(%s, /dev/null, \"tg_global\")",
	      bpf_program__set_attach_target(p, devnull, "tg_global"), name);
	O_INT("set_attach_target(%s, closed fd, \"tg_global\")",
	      bpf_program__set_attach_target(p, closed, "tg_global"), name);
	O_INT("set_attach_target(%s, -1, \"tg_global\")",
	      bpf_program__set_attach_target(p, -1, "tg_global"), name);
	O_INT("set_attach_target(%s, -1, NULL)", bpf_program__set_attach_target(p, -1, NULL),
	      name);
	O_INT("set_attach_target(%s, 0, NULL)", bpf_program__set_attach_target(p, 0, NULL), name);
	O_INT("set_attach_target(%s, target, \"tg_global\")",
	      bpf_program__set_attach_target(p, tfd, "tg_global"), name);
}

/* attach_freplace/attach_trace argument errors, on programs not loaded. */
static void attach_arg_checks(struct bpf_program *ext, struct bpf_program *fentry)
{
	LIBBPF_OPTS(bpf_trace_opts, bad_sz);

	bad_sz.sz = sizeof(bad_sz) + 8;
	O_LINK("attach_freplace(tg_new, target, NULL)",
	       bpf_program__attach_freplace(ext, tfd, NULL));
	O_LINK("attach_freplace(tg_new, 0, \"tg_global\")",
	       bpf_program__attach_freplace(ext, 0, "tg_global"));
	O_LINK("attach_freplace(tg_entry, target, \"tg_global\")",
	       bpf_program__attach_freplace(fentry, tfd, "tg_global"));
	O_LINK("attach_freplace(tg_entry, 0, NULL)", bpf_program__attach_freplace(fentry, 0, NULL));
	O_LINK("attach_freplace(tg_new, target, \"tg_missing\")",
	       bpf_program__attach_freplace(ext, tfd, "tg_missing"));
	O_LINK("attach_freplace(tg_new, no-BTF target, \"tg_global\")",
	       bpf_program__attach_freplace(ext, nobtf, "tg_global"));
	O_LINK("attach_freplace(tg_new, -1, \"tg_global\")",
	       bpf_program__attach_freplace(ext, -1, "tg_global"));
	O_LINK("attach_freplace(tg_new unloaded, target, \"tg_global\")",
	       bpf_program__attach_freplace(ext, tfd, "tg_global"));
	O_LINK("attach_freplace(tg_new unloaded, 0, NULL)",
	       bpf_program__attach_freplace(ext, 0, NULL));
	O_LINK("attach_trace(tg_entry unloaded)", bpf_program__attach_trace(fentry));
	O_LINK("attach_trace_opts(tg_entry, sz too big)",
	       bpf_program__attach_trace_opts(fentry, &bad_sz));
	O_LINK("attach(tg_new unloaded)", bpf_program__attach(ext));
}

/* Targets set by name before load: tg_new (freplace) and tg_entry (fentry). */
static void by_name(const char *only, __u32 type, __u32 eat)
{
	struct bpf_program *p, *ext, *fentry;
	struct bpf_object *o = tg_open_only(ext_path, only, &p);
	int r;

	if (!o) {
		printf("open tg_ext failed\n");
		return;
	}
	ext = bpf_object__find_program_by_name(o, "tg_new");
	fentry = bpf_object__find_program_by_name(o, "tg_entry");
	set_target_checks(p, only);
	if (p == ext)
		attach_arg_checks(ext, fentry);
	r = load(o, only, type, eat);
	if (!r) {
		O_LINK("attach_trace(%s)", bpf_program__attach_trace(p), only);
		O_LINK("attach(%s)", bpf_program__attach(p), only);
		if (p == ext)
			O_LINK("attach_freplace(tg_new, target, \"tg_global\")",
			       bpf_program__attach_freplace(p, tfd, "tg_global"));
	}
	O_INT("set_attach_target(%s after load)", bpf_program__set_attach_target(p, tfd, "tg_global"),
	      only);
	O_LINK("attach_freplace(tg_new after load, target, \"tg_missing\")",
	       bpf_program__attach_freplace(ext, tfd, "tg_missing"));
	bpf_object__close(o);
}

/* The target found at load: the program fd set alone (or not at all), the
 * function named by the section. */
static void at_load(const char *only, int fd, const char *name, __u32 type, __u32 eat)
{
	struct bpf_program *p;
	struct bpf_object *o = tg_open_only(ext_path, only, &p);

	if (!o) {
		printf("open tg_ext failed\n");
		return;
	}
	if (fd != 0)
		O_INT("set_attach_target(%s, %s, %s)", bpf_program__set_attach_target(p, fd, name),
		      only, fd == tfd ? "target" : "no-BTF target", name ? name : "NULL");
	load(o, only, type, eat);
	bpf_object__close(o);
}

int main(void)
{
	struct bpf_program *tp;
	struct bpf_object *t;

	o_require_root();
	o_stdin_devnull();
	setvbuf(stdout, NULL, _IOLBF, 0);
	o_build("tg_target", "tg_target.o", "-g", target_path, sizeof(target_path));
	o_build("tg_ext", "tg_ext.o", "-g", ext_path, sizeof(ext_path));
	t = bpf_object__open_file(target_path, NULL);
	O_INT("bpf_object__load(tg_target)", bpf_object__load(t));
	tp = bpf_object__find_program_by_name(t, "tg_xdp");
	tfd = bpf_program__fd(tp);
	nobtf = tg_load_nobtf();
	devnull = open("/dev/null", O_RDONLY);
	closed = dup(devnull);
	close(closed);
	o_self_check(tfd > 0 && nobtf > 0 && devnull > 0, "set-up: %d %d %d", tfd, nobtf, devnull);

	by_name("tg_new", BPF_PROG_TYPE_EXT, 0);
	by_name("tg_entry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY);
	by_name("tg_exit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT);
	by_name("tg_bare", BPF_PROG_TYPE_EXT, 0);

	at_load("tg_new", tfd, NULL, BPF_PROG_TYPE_EXT, 0);
	at_load("tg_entry", tfd, NULL, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY);
	at_load("tg_absent", tfd, NULL, BPF_PROG_TYPE_EXT, 0);
	at_load("tg_bare", tfd, NULL, BPF_PROG_TYPE_EXT, 0);
	at_load("tg_new", 0, NULL, BPF_PROG_TYPE_EXT, 0);
	at_load("tg_new", nobtf, NULL, BPF_PROG_TYPE_EXT, 0);
	at_load("tg_entry", 0, NULL, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY);

	close(nobtf);
	close(devnull);
	bpf_object__close(t);
	tg_clean();
	return o_done();
}
