/* Oracle: bpf_program__attach* and bpf_link__* (libbpf 1.1.2 API) on the same
 * object (c-tests/bpf/at_progs.bpf.c, built at run time) through the system
 * libbpf and libbpfrs: every link-or-NULL result with its errno, and every int
 * result, must match. Successful links print as "link" and are destroyed (errno
 * is not printed for them: libbpf leaves stale values there). Kernel names use
 * the `at_` prefix and are removed at the end. */
#include "oracle.h"
#include "cgroup2.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <mntent.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "attach_bpf.h"

static struct bpf_object *obj;
static char pin[128], pin_dir[128], pin_in_dir[160], cg_dir[320];

static struct bpf_program *P(const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	o_self_check(p != NULL, "no program %s", name);
	return p;
}

__attribute__((noinline)) int at_oracle_target(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x * 2;
}

static int new_netns(void)
{
	int self = open("/proc/self/ns/net", O_RDONLY), ns = -1;

	if (self < 0)
		return -1;
	if (!unshare(CLONE_NEWNET)) {
		ns = open("/proc/self/ns/net", O_RDONLY);
		if (setns(self, CLONE_NEWNET)) {
			close(ns);
			ns = -1;
		}
	}
	close(self);
	return ns;
}

static void auto_attach(void)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		O_LINK("bpf_program__attach(%s)", bpf_program__attach(p), bpf_program__name(p));
}

static void tracepoints(void)
{
	struct {
		struct bpf_tracepoint_opts o;
		char tail[8];
	} big = { .o = { .sz = sizeof(big) }, .tail = { 1 } };
	struct bpf_tracepoint_opts small = { .sz = 1 };

	O_LINK("attach_tracepoint(syscalls/sys_enter_getpid)",
	       bpf_program__attach_tracepoint(P("at_tp"), "syscalls", "sys_enter_getpid"));
	O_LINK("attach_tracepoint(at_nope/at_nope)",
	       bpf_program__attach_tracepoint(P("at_tp"), "at_nope", "at_nope"));
	O_LINK("attach_tracepoint(NULL/at_nope)",
	       bpf_program__attach_tracepoint(P("at_tp"), NULL, "at_nope"));
	O_LINK("attach_tracepoint(raw_tp prog)",
	       bpf_program__attach_tracepoint(P("at_raw_tp"), "syscalls", "sys_enter_getpid"));
	LIBBPF_OPTS(bpf_tracepoint_opts, to, .bpf_cookie = 42);
	O_LINK("attach_tracepoint_opts(cookie 42)",
	       bpf_program__attach_tracepoint_opts(P("at_tp"), "syscalls", "sys_enter_getpid", &to));
	O_LINK("attach_tracepoint_opts(non-zero tail)",
	       bpf_program__attach_tracepoint_opts(P("at_tp"), "syscalls", "sys_enter_getpid",
						   &big.o));
	O_LINK("attach_tracepoint_opts(sz 1)",
	       bpf_program__attach_tracepoint_opts(P("at_tp"), "syscalls", "sys_enter_getpid",
						   &small));

	O_LINK("attach_raw_tracepoint(sys_enter)",
	       bpf_program__attach_raw_tracepoint(P("at_raw_tp"), "sys_enter"));
	O_LINK("attach_raw_tracepoint(at_nope)",
	       bpf_program__attach_raw_tracepoint(P("at_raw_tp"), "at_nope"));
	O_LINK("attach_raw_tracepoint(NULL)", bpf_program__attach_raw_tracepoint(P("at_raw_tp"), NULL));
	O_LINK("attach_raw_tracepoint(\"\")", bpf_program__attach_raw_tracepoint(P("at_raw_tp"), ""));
	O_LINK("attach_raw_tracepoint(tp prog)",
	       bpf_program__attach_raw_tracepoint(P("at_tp"), "sys_enter"));

	O_LINK("attach_trace(tp_btf)", bpf_program__attach_trace(P("at_tp_btf")));
	LIBBPF_OPTS(bpf_trace_opts, tro);
	O_LINK("attach_trace_opts(tp_btf, cookie 0)",
	       bpf_program__attach_trace_opts(P("at_tp_btf"), &tro));
	tro.cookie = 9;
	O_LINK("attach_trace_opts(tp_btf, cookie 9)",
	       bpf_program__attach_trace_opts(P("at_tp_btf"), &tro));
	O_LINK("attach_trace(tp prog)", bpf_program__attach_trace(P("at_tp")));
	O_LINK("attach_lsm(tp prog)", bpf_program__attach_lsm(P("at_tp")));
	O_LINK("attach_lsm(tp_btf)", bpf_program__attach_lsm(P("at_tp_btf")));
}

static void fd_targets(void)
{
	int cg = cg2_make_dir("at_oracle", cg_dir, sizeof(cg_dir)), ns = new_netns();
	struct bpf_iter_attach_opts bad = { .sz = 2 };

	o_self_check(cg >= 0, "cgroup dir: %s", strerror(errno));
	O_LINK("attach_cgroup(cg_sock, cgroup)", bpf_program__attach_cgroup(P("at_cg_sock"), cg));
	O_LINK("attach_cgroup(cg_sock, -1)", bpf_program__attach_cgroup(P("at_cg_sock"), -1));
	O_LINK("attach_cgroup(cg_sock, 0)", bpf_program__attach_cgroup(P("at_cg_sock"), 0));
	O_LINK("attach_cgroup(tp, cgroup)", bpf_program__attach_cgroup(P("at_tp"), cg));
	O_LINK("attach_cgroup(tp, -1)", bpf_program__attach_cgroup(P("at_tp"), -1));
	o_self_check(ns >= 0, "netns: %s", strerror(errno));
	O_LINK("attach_netns(sk_lookup, netns)", bpf_program__attach_netns(P("at_sk_lookup"), ns));
	O_LINK("attach_netns(sk_lookup, -1)", bpf_program__attach_netns(P("at_sk_lookup"), -1));
	O_LINK("attach_netns(sk_lookup, cgroup fd)", bpf_program__attach_netns(P("at_sk_lookup"), cg));
	O_LINK("attach_netns(tp, netns)", bpf_program__attach_netns(P("at_tp"), ns));
	O_LINK("attach_xdp(tp, 1)", bpf_program__attach_xdp(P("at_tp"), 1));
	O_LINK("attach_iter(iter, NULL)", bpf_program__attach_iter(P("at_iter"), NULL));
	O_LINK("attach_iter(iter, sz 2)", bpf_program__attach_iter(P("at_iter"), &bad));
	O_LINK("attach_iter(tp, NULL)", bpf_program__attach_iter(P("at_tp"), NULL));

	/* Link operations on a cgroup link. */
	struct bpf_link *l = bpf_program__attach_cgroup(P("at_cg_sock"), cg);
	o_self_check(l != NULL, "cgroup link: errno %d", errno);
	if (l) {
		O_INT("update_program(cgroup link, cg_sock2)",
		      bpf_link__update_program(l, P("at_cg_sock2")));
		O_INT("update_program(cgroup link, tp)", bpf_link__update_program(l, P("at_tp")));
		O_INT("detach(cgroup link)", bpf_link__detach(l));
		O_INT("detach(cgroup link) again", bpf_link__detach(l));
		O_INT("destroy(cgroup link)", bpf_link__destroy(l));
	}
	if (ns >= 0) {
		l = bpf_program__attach_netns(P("at_sk_lookup"), ns);
		O_INT("detach(netns link)", bpf_link__detach(l));
		O_INT("destroy(netns link)", bpf_link__destroy(l));
		close(ns);
	}
	if (cg >= 0) {
		close(cg);
		rmdir(cg_dir);
		cg2_release();
	}
}

static void perf_events(void)
{
	struct perf_event_attr a;
	int pfd;

	O_LINK("attach_perf_event(-1)", bpf_program__attach_perf_event(P("at_perf"), -1));
	O_LINK("attach_perf_event(0)", bpf_program__attach_perf_event(P("at_perf"), 0));
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.sample_period = 1000000;
	pfd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	o_self_check(pfd >= 0, "perf_event_open: %s", strerror(errno));
	O_LINK("attach_perf_event(cpu-clock)", bpf_program__attach_perf_event(P("at_perf"), pfd));
	O_INT("fcntl(pfd) after destroy", fcntl(pfd, F_GETFD));
	pfd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	LIBBPF_OPTS(bpf_perf_event_opts, po, .bpf_cookie = 5);
	O_LINK("attach_perf_event_opts(cpu-clock, cookie)",
	       bpf_program__attach_perf_event_opts(P("at_perf"), pfd, &po));
	pfd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	O_LINK("attach_perf_event(raw_tp prog, cpu-clock)",
	       bpf_program__attach_perf_event(P("at_raw_tp"), pfd));
	O_INT("fcntl(pfd) after failed attach", fcntl(pfd, F_GETFD) >= 0);
	close(pfd);
}

static void probes(void)
{
	LIBBPF_OPTS(bpf_kprobe_opts, ko, .offset = 8, .retprobe = true);
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "at_oracle_target");
	LIBBPF_OPTS(bpf_uprobe_opts, ur, .func_name = "at_oracle_target", .retprobe = true);
	LIBBPF_OPTS(bpf_uprobe_opts, ubad, .func_name = "at_oracle_no_such");
	LIBBPF_OPTS(bpf_uprobe_opts, ulibc, .func_name = "malloc");

	O_LINK("attach_kprobe(do_nanosleep)",
	       bpf_program__attach_kprobe(P("at_kprobe"), false, "do_nanosleep"));
	O_LINK("attach_kprobe(retprobe, do_nanosleep)",
	       bpf_program__attach_kprobe(P("at_kprobe"), true, "do_nanosleep"));
	O_LINK("attach_kprobe(NULL)", bpf_program__attach_kprobe(P("at_kprobe"), false, NULL));
	O_LINK("attach_kprobe_opts(offset 8, retprobe)",
	       bpf_program__attach_kprobe_opts(P("at_kprobe"), "do_nanosleep", &ko));
	LIBBPF_OPTS(bpf_ksyscall_opts, kso, .retprobe = true);
	O_LINK("attach_ksyscall(getpid)", bpf_program__attach_ksyscall(P("at_kprobe"), "getpid", NULL));
	O_LINK("attach_ksyscall(getpid, retprobe)",
	       bpf_program__attach_ksyscall(P("at_kprobe"), "getpid", &kso));

	O_LINK("attach_uprobe(self, func_name)",
	       bpf_program__attach_uprobe_opts(P("at_uprobe"), 0, "/proc/self/exe", 0, &uo));
	O_LINK("attach_uprobe(self, func_name, retprobe, pid -1)",
	       bpf_program__attach_uprobe_opts(P("at_uprobe"), -1, "/proc/self/exe", 0, &ur));
	O_LINK("attach_uprobe(self, unknown func_name)",
	       bpf_program__attach_uprobe_opts(P("at_uprobe"), 0, "/proc/self/exe", 0, &ubad));
	O_LINK("attach_uprobe(libc.so.6, malloc)",
	       bpf_program__attach_uprobe_opts(P("at_uprobe"), 0, "libc.so.6", 0, &ulibc));
	/* Not an ELF binary: a device, a directory, a procfs file (size 0). */
	O_LINK("attach_uprobe(/dev/zero, func_name)",
	       bpf_program__attach_uprobe_opts(P("at_uprobe"), 0, "/dev/zero", 0, &uo));
	O_LINK("attach_uprobe(/, func_name)",
	       bpf_program__attach_uprobe_opts(P("at_uprobe"), 0, "/", 0, &uo));
	O_LINK("attach_uprobe(/proc/self/status, func_name)",
	       bpf_program__attach_uprobe_opts(P("at_uprobe"), 0, "/proc/self/status", 0, &uo));
	O_LINK("attach_uprobe(/at_nonexistent)",
	       bpf_program__attach_uprobe(P("at_uprobe"), false, 0, "/at_nonexistent", 0));
	O_LINK("attach_uprobe(NULL path)",
	       bpf_program__attach_uprobe(P("at_uprobe"), false, 0, NULL, 0));
	O_LINK("attach_uprobe(self, offset 0)",
	       bpf_program__attach_uprobe(P("at_uprobe"), false, 0, "/proc/self/exe", 0));
	O_LINK("attach_uprobe(tp prog)",
	       bpf_program__attach_uprobe(P("at_tp"), false, 0, "/proc/self/exe", 0));
	O_LINK("attach_usdt(no usdt maps)",
	       bpf_program__attach_usdt(P("at_uprobe"), -1, "/proc/self/exe", "p", "n", NULL));
	o_self_check(at_oracle_target(2) == 4, "target");
}

static void links(void)
{
	struct bpf_link *l, *l2;

	snprintf(pin, sizeof(pin), "/sys/fs/bpf/at_oracle_%d", (int)getpid());
	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/at_oracle_dir_%d", (int)getpid());
	snprintf(pin_in_dir, sizeof(pin_in_dir), "%s/x", pin_dir);
	l = bpf_program__attach_raw_tracepoint(P("at_raw_tp"), "sys_enter");
	o_self_check(l != NULL, "raw_tp link: errno %d", errno);
	if (!l)
		return;
	printf("pin_path before pin: %s\n", bpf_link__pin_path(l) ? "set" : "NULL");
	O_INT("pin(/tmp/at_oracle_not_bpffs)", bpf_link__pin(l, "/tmp/at_oracle_not_bpffs"));
	/* libbpf creates the last directory of the path. */
	O_INT("pin(new dir/x)", bpf_link__pin(l, pin_in_dir));
	O_INT("access(new dir/x)", access(pin_in_dir, F_OK));
	O_INT("unpin(new dir/x)", bpf_link__unpin(l));
	O_INT("rmdir(new dir)", rmdir(pin_dir));
	O_INT("pin(/sys/fs/bpf/at_no_dir/a/b)", bpf_link__pin(l, "/sys/fs/bpf/at_no_dir/a/b"));
	O_INT("pin(bpffs)", bpf_link__pin(l, pin));
	printf("pin_path: %s\n",
	       bpf_link__pin_path(l) && !strcmp(bpf_link__pin_path(l), pin) ? "same" : "other");
	O_INT("pin(bpffs) again", bpf_link__pin(l, pin));
	l2 = bpf_link__open(pin);
	printf("open(pin) = %s\n", l2 ? "link" : "NULL");
	if (l2) {
		printf("open pin_path: %s\n",
		       bpf_link__pin_path(l2) && !strcmp(bpf_link__pin_path(l2), pin) ? "same"
										: "other");
		O_INT("update_program(raw_tp link, raw_tp)",
		      bpf_link__update_program(l2, P("at_raw_tp")));
		O_INT("detach(raw_tp link)", bpf_link__detach(l2));
		O_INT("unpin(opened)", bpf_link__unpin(l2));
		O_INT("unpin(opened) again", bpf_link__unpin(l2));
		O_INT("destroy(opened)", bpf_link__destroy(l2));
	}
	O_INT("access(pin)", access(pin, F_OK));
	O_INT("unpin(original, file gone)", bpf_link__unpin(l));
	O_INT("destroy(original)", bpf_link__destroy(l));
	O_LINK("bpf_link__open(at_no_such_pin)", bpf_link__open("/sys/fs/bpf/at_no_such_pin"));
	O_LINK("bpf_link__open(NULL)", bpf_link__open(NULL));
	O_INT("bpf_link__destroy(NULL)", bpf_link__destroy(NULL));

	l = bpf_program__attach_tracepoint(P("at_tp"), "syscalls", "sys_enter_getpid");
	O_INT("update_program(perf link, tp2)", bpf_link__update_program(l, P("at_tp2")));
	O_INT("detach(perf link)", bpf_link__detach(l));
	O_INT("destroy(perf link)", bpf_link__destroy(l));
}

static void unloaded(const char *path)
{
	struct bpf_object *o = bpf_object__open_file(path, NULL);
	struct bpf_program *p;

	o_self_check(o != NULL, "open");
	if (!o)
		return;
	p = bpf_object__find_program_by_name(o, "at_tp");
	O_LINK("unloaded: attach(tp)", bpf_program__attach(p));
	O_LINK("unloaded: attach_tracepoint", bpf_program__attach_tracepoint(p, "syscalls",
								       "sys_enter_getpid"));
	O_LINK("unloaded: attach_raw_tracepoint",
	       bpf_program__attach_raw_tracepoint(bpf_object__find_program_by_name(o, "at_raw_tp"),
						  "sys_enter"));
	O_LINK("unloaded: attach_perf_event(-1)", bpf_program__attach_perf_event(p, -1));
	O_LINK("unloaded: attach_iter",
	       bpf_program__attach_iter(bpf_object__find_program_by_name(o, "at_iter"), NULL));
	bpf_object__close(o);
}

int main(void)
{
	char path[PATH_MAX];
	int r;

	o_require_root();
	setvbuf(stdout, NULL, _IOLBF, 0);
	r = at_build("at_progs", path, sizeof(path));
	if (r == 1) {
		printf("SKIP: clang not installed\n");
		return 77;
	}
	o_self_check(r == 0, "build failed");
	if (r)
		return o_done();
	obj = bpf_object__open_file(path, NULL);
	O_INT("load", bpf_object__load(obj));

	auto_attach();
	tracepoints();
	fd_targets();
	perf_events();
	probes();
	links();
	unloaded(path);

	bpf_object__close(obj);
	unlink(pin);
	unlink(pin_in_dir);
	rmdir(pin_dir);
	at_clean();
	return o_done();
}
