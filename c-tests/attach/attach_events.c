/* bpf_program__attach* against the real kernel, on c-tests/bpf/at_progs.bpf.c:
 * a tracepoint counter (attach, trigger, count, destroy, trigger again: the
 * count stays), the same by auto-attach and with a cookie; raw_tracepoint;
 * tp_btf; a software cpu-clock perf event; a uprobe on a function of this very
 * binary (found by name); a task iterator read through bpf_iter_create; a
 * cgroup/sock link on a cgroup v2 directory this test creates; a netns link on a
 * namespace it creates; kprobes (absent here: a clean ENOENT); fentry (the
 * object's load is refused here: a clean error, then EINVAL at attach); and
 * auto-attach of sections that have none (EOPNOTSUPP). The program then runs
 * itself again with LIBBPFRS_FORCE_PERF_IOCTL=1 to test the pre-5.15 path
 * (PERF_EVENT_IOC_SET_BPF) on the perf-event based kinds. Names use the `at_`
 * prefix. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <mntent.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "harness.h"
#include "cgroup2.h"
#include "attach_bpf.h"

enum { C_TP, C_RAW_TP, C_TP_BTF, C_PERF, C_CGROUP, C_UPROBE, C_TP2, C_NETNS };

/* Re-run with LIBBPFRS_FORCE_PERF_IOCTL=1: perf events attached by ioctl. */
static int forced_ioctl;

static void check_tracepoint(void)
{
	struct bpf_program *p = at_prog("at_tp");
	struct bpf_link *l;
	__u64 c;

	at_reset(C_TP);
	l = bpf_program__attach_tracepoint(p, "syscalls", "sys_enter_getpid");
	CHECK(l != NULL, "attach_tracepoint: errno %d", errno);
	if (!l)
		return;
	CHECK(bpf_link__fd(l) > 2, "link fd %d", bpf_link__fd(l));
	at_getpids(10);
	c = at_count(C_TP);
	CHECK_EQ(c, 10);
	CHECK_EQ(bpf_link__destroy(l), 0);
	at_getpids(10);
	CHECK_EQ(at_count(C_TP), c);

	/* Auto-attach from the section name, and the _opts form with a cookie. */
	at_reset(C_TP);
	l = bpf_program__attach(p);
	CHECK(l != NULL, "attach(tracepoint/...): errno %d", errno);
	at_getpids(3);
	CHECK_EQ(at_count(C_TP), 3);
	bpf_link__destroy(l);
	LIBBPF_OPTS(bpf_tracepoint_opts, to, .bpf_cookie = 42);
	if (forced_ioctl) {
		/* A cookie needs a BPF perf link. */
		CHECK_RET(bpf_program__attach_tracepoint_opts(p, "syscalls", "sys_enter_getpid",
							      &to),
			  NULL, EOPNOTSUPP);
		to.bpf_cookie = 0;
	}
	l = bpf_program__attach_tracepoint_opts(p, "syscalls", "sys_enter_getpid", &to);
	CHECK(l != NULL, "attach_tracepoint_opts: errno %d", errno);
	at_getpids(2);
	CHECK_EQ(at_count(C_TP), 5);
	bpf_link__destroy(l);

	/* Unknown tracepoint and bad opts. */
	CHECK_RET(bpf_program__attach_tracepoint(p, "at_nope", "at_nope"), NULL, ENOENT);
	CHECK_RET(bpf_program__attach_tracepoint(p, NULL, "at_nope"), NULL, ENOENT);
	struct {
		struct bpf_tracepoint_opts o;
		char tail[8];
	} big = { .o = { .sz = sizeof(big) }, .tail = { 1 } };
	CHECK_RET(bpf_program__attach_tracepoint_opts(p, "syscalls", "sys_enter_getpid", &big.o),
		  NULL, EINVAL);
}

/* A sys_enter link whose program counts into `slot` (reset before the attach):
 * at least 5 while 5 getpid() calls are made, nothing more once destroyed. */
static void check_sys_enter_link(struct bpf_link *l, int slot, const char *what)
{
	__u64 c;

	CHECK(l != NULL, "%s: errno %d", what, errno);
	at_getpids(5);
	c = at_count(slot);
	CHECK(c >= 5, "%s: count %llu", what, (unsigned long long)c);
	CHECK_EQ(bpf_link__destroy(l), 0);
	/* Every syscall counts, the lookup's and the destroy's close too. */
	c = at_count(slot);
	at_getpids(5);
	CHECK_EQ(at_count(slot), c);
}

static void check_raw_tp_and_tp_btf(void)
{
	struct bpf_link *l;

	at_reset(C_RAW_TP);
	check_sys_enter_link(bpf_program__attach_raw_tracepoint(at_prog("at_raw_tp"), "sys_enter"),
			     C_RAW_TP, "attach_raw_tracepoint");
	CHECK_RET(bpf_program__attach_raw_tracepoint(at_prog("at_raw_tp"), "at_no_such_tp"), NULL,
		  ENOENT);
	CHECK_RET(bpf_program__attach_raw_tracepoint(at_prog("at_raw_tp"), NULL), NULL, EFAULT);
	l = bpf_program__attach(at_prog("at_raw_tp"));
	CHECK(l != NULL, "attach(raw_tracepoint/sys_enter): errno %d", errno);
	bpf_link__destroy(l);

	at_reset(C_TP_BTF);
	check_sys_enter_link(bpf_program__attach_trace(at_prog("at_tp_btf")), C_TP_BTF,
			     "attach_trace(tp_btf)");
	l = bpf_program__attach(at_prog("at_tp_btf"));
	CHECK(l != NULL, "attach(tp_btf/sys_enter): errno %d", errno);
	bpf_link__destroy(l);
	LIBBPF_OPTS(bpf_trace_opts, tro);
	l = bpf_program__attach_trace_opts(at_prog("at_tp_btf"), &tro);
	CHECK(l != NULL, "attach_trace_opts(tp_btf): errno %d", errno);
	bpf_link__destroy(l);
	/* libbpf 1.1.2 sends a cookie only for fentry/fexit/fmod_ret/lsm links. */
	tro.cookie = 7;
	CHECK_RET(bpf_program__attach_trace_opts(at_prog("at_tp_btf"), &tro), NULL, EINVAL);
	/* A tracepoint program has no BTF attach type. */
	CHECK_RET(bpf_program__attach_trace(at_prog("at_tp")), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_lsm(at_prog("at_tp")), NULL, EINVAL);
}

static void check_perf_event(void)
{
	struct perf_event_attr a;
	struct bpf_link *l;
	struct timespec t0, t;
	int pfd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.sample_period = 100000; /* every 100 us of CPU time */
	pfd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		h_missing("perf_event_open(cpu-clock) failed; perf_event attach not run");
		return;
	}
	at_reset(C_PERF);
	l = bpf_program__attach_perf_event(at_prog("at_perf"), pfd);
	CHECK(l != NULL, "attach_perf_event: errno %d", errno);
	if (!l) {
		close(pfd);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do { /* burn ~50 ms of CPU */
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec < 50000000L);
	CHECK(at_count(C_PERF) > 0, "perf_event count %llu", (unsigned long long)at_count(C_PERF));
	CHECK_EQ(bpf_link__destroy(l), 0);
	/* The link owned the perf event: it is closed now. */
	CHECK_RET(fcntl(pfd, F_GETFD), -1, EBADF);

	CHECK_RET(bpf_program__attach_perf_event(at_prog("at_perf"), -1), NULL, EINVAL);
	/* Not a perf event fd (the ioctl on a tty says ENOTTY). */
	if (!forced_ioctl)
		CHECK_RET(bpf_program__attach_perf_event(at_prog("at_perf"), 0), NULL, EBADF);
	CHECK_RET(bpf_program__attach(at_prog("at_perf")), NULL, EOPNOTSUPP);
}

__attribute__((noinline)) int at_uprobe_target(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

static void check_uprobe(void)
{
	struct bpf_program *p = at_prog("at_uprobe");
	struct bpf_link *l;
	volatile int v = 0;
	int i;

	at_reset(C_UPROBE);
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "at_uprobe_target");
	l = bpf_program__attach_uprobe_opts(p, 0, "/proc/self/exe", 0, &uo);
	CHECK(l != NULL, "attach_uprobe_opts(func_name): errno %d", errno);
	for (i = 0; i < 7; i++)
		v = at_uprobe_target(v);
	CHECK_EQ(at_count(C_UPROBE), 7);
	CHECK_EQ(bpf_link__destroy(l), 0);
	v = at_uprobe_target(v);
	CHECK_EQ(at_count(C_UPROBE), 7);

	/* A return probe, every process (pid -1). */
	LIBBPF_OPTS(bpf_uprobe_opts, ur, .func_name = "at_uprobe_target", .retprobe = true);
	l = bpf_program__attach_uprobe_opts(p, -1, "/proc/self/exe", 0, &ur);
	CHECK(l != NULL, "attach_uprobe_opts(retprobe): errno %d", errno);
	v = at_uprobe_target(v);
	CHECK_EQ(at_count(C_UPROBE), 8);
	bpf_link__destroy(l);

	LIBBPF_OPTS(bpf_uprobe_opts, bad, .func_name = "at_no_such_function");
	CHECK_RET(bpf_program__attach_uprobe_opts(p, 0, "/proc/self/exe", 0, &bad), NULL, ENOENT);
	CHECK_RET(bpf_program__attach_uprobe(p, false, 0, "/at_nonexistent", 0), NULL, ENOENT);
	CHECK_RET(bpf_program__attach_uprobe(p, false, 0, NULL, 0), NULL, EINVAL);
	/* A library by name, resolved like libbpf. */
	LIBBPF_OPTS(bpf_uprobe_opts, lo, .func_name = "malloc");
	l = bpf_program__attach_uprobe_opts(p, 0, "libc.so.6", 0, &lo);
	CHECK(l != NULL, "attach_uprobe_opts(libc.so.6, malloc): errno %d", errno);
	bpf_link__destroy(l);
	CHECK_RET(bpf_program__attach(p), NULL, EOPNOTSUPP); /* bare SEC("uprobe") */
	CHECK_EQ(v > 0, 1);
}

static void check_iter(void)
{
	struct bpf_link *l;
	char buf[4096];
	long total = 0, n;
	__u64 first = ~0ULL;
	int fd;

	l = bpf_program__attach_iter(at_prog("at_iter"), NULL);
	CHECK(l != NULL, "attach_iter: errno %d", errno);
	if (!l)
		return;
	fd = bpf_iter_create(bpf_link__fd(l));
	CHECK(fd > 2, "bpf_iter_create: %d errno %d", fd, errno);
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
		if (first == ~0ULL && n >= 8)
			memcpy(&first, buf, 8);
		total += n;
	}
	CHECK(total > 0 && total % 8 == 0, "iterator read %ld bytes", total);
	CHECK_EQ(first, 0); /* seq_num of the first task */
	if (fd >= 0)
		close(fd);
	CHECK_EQ(bpf_link__destroy(l), 0);
	l = bpf_program__attach(at_prog("at_iter"));
	CHECK(l != NULL, "attach(iter/task): errno %d", errno);
	bpf_link__destroy(l);
	CHECK_RET(bpf_program__attach_iter(at_prog("at_tp"), NULL), NULL, EINVAL);
}

static void check_cgroup(void)
{
	char dir[320], procs[360];
	struct bpf_link *l;
	int cg, st;
	pid_t child;

	/* No cgroup v2 at all is a missing kernel feature: h_skip fails it in CI. */
	if (cg2_find()) {
		h_skip("no cgroup2 hierarchy and it cannot be mounted");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/at_cg_%d", cg2_root, (int)getpid());
	CHECK(mkdir(dir, 0755) == 0, "mkdir %s: %s", dir, strerror(errno));
	cg = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(cg >= 0, "open cgroup dir");
	at_reset(C_CGROUP);
	l = bpf_program__attach_cgroup(at_prog("at_cg_sock"), cg);
	CHECK(l != NULL, "attach_cgroup: errno %d", errno);
	/* A child joins the cgroup and creates two sockets. */
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	child = fork();
	if (child == 0) {
		FILE *f = fopen(procs, "w");
		int ok = f && fprintf(f, "%d\n", (int)getpid()) > 0;

		if (f && fclose(f))
			ok = 0;
		at_set_pid(getpid());
		if (!ok)
			_exit(3);
		close(socket(AF_INET, SOCK_DGRAM, 0));
		close(socket(AF_INET6, SOCK_DGRAM, 0));
		_exit(0);
	}
	waitpid(child, &st, 0);
	at_set_pid(getpid());
	if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
		h_missing("could not join the test cgroup; socket count not checked");
	else
		CHECK_EQ(at_count(C_CGROUP), 2);
	CHECK_EQ(bpf_link__destroy(l), 0);
	/* Wrong program type for a cgroup. */
	CHECK_RET(bpf_program__attach_cgroup(at_prog("at_tp"), cg), NULL, EINVAL);
	CHECK_RET(bpf_program__attach(at_prog("at_cg_sock")), NULL, EOPNOTSUPP);
	close(cg);
	CHECK_EQ(rmdir(dir), 0);
	cg2_release();
}

static void check_netns(void)
{
	struct bpf_link *l;
	int self, ns;

	self = open("/proc/self/ns/net", O_RDONLY);
	if (self < 0 || unshare(CLONE_NEWNET)) {
		h_missing("cannot create a network namespace; netns attach not run");
		if (self >= 0)
			close(self);
		return;
	}
	ns = open("/proc/self/ns/net", O_RDONLY);
	CHECK_EQ(setns(self, CLONE_NEWNET), 0);
	close(self);
	l = bpf_program__attach_netns(at_prog("at_sk_lookup"), ns);
	CHECK(l != NULL, "attach_netns(sk_lookup): errno %d", errno);
	CHECK_EQ(bpf_link__detach(l), 0);
	CHECK_EQ(bpf_link__destroy(l), 0);
	CHECK_RET(bpf_program__attach_netns(at_prog("at_tp"), ns), NULL, EINVAL);
	close(ns);
}

static void check_kprobe(void)
{
	struct bpf_program *p = at_prog("at_kprobe");
	int have = access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0;
	struct bpf_link *l;

	errno = 0;
	l = bpf_program__attach_kprobe(p, false, "do_nanosleep");
	if (have) {
		CHECK(l != NULL, "attach_kprobe: errno %d", errno);
	} else {
		/* No kprobes on this kernel: libbpf 1.1.2 says ENOENT. */
		CHECK(l == NULL && errno == ENOENT, "attach_kprobe: %p errno %d", (void *)l, errno);
		CHECK_RET(bpf_program__attach_kprobe(p, true, "do_nanosleep"), NULL, ENOENT);
		CHECK_RET(bpf_program__attach(p), NULL, ENOENT);
		LIBBPF_OPTS(bpf_kprobe_opts, ko, .offset = 4);
		CHECK_RET(bpf_program__attach_kprobe_opts(p, "do_nanosleep", &ko), NULL, ENOENT);
		CHECK_RET(bpf_program__attach_ksyscall(p, "getpid", NULL), NULL, ENOENT);
	}
	bpf_link__destroy(l);
	CHECK_RET(bpf_program__attach(at_prog("at_kprobe_bare")), NULL, EOPNOTSUPP);
	CHECK_RET(bpf_program__attach(at_prog("at_socket")), NULL, EOPNOTSUPP);
	CHECK_RET(bpf_program__attach_usdt(p, -1, "/proc/self/exe", "a", "b", NULL), NULL, ESRCH);
}

static void check_fentry(void)
{
	char path[PATH_MAX];
	struct bpf_object *o;
	struct bpf_program *p;
	struct bpf_link *l;
	int err;

	if (at_build("at_fentry", path, sizeof(path))) {
		CHECK(0, "building at_fentry.bpf.c failed");
		return;
	}
	o = bpf_object__open_file(path, NULL);
	CHECK(o != NULL, "open at_fentry: errno %d", errno);
	if (!o)
		return;
	p = bpf_object__find_program_by_name(o, "at_fentry");
	err = bpf_object__load(o);
	if (err) {
		/* This kernel refuses trampoline programs: the load says why, and
		 * attaching the unloaded program is a clean EINVAL. */
		CHECK(err == -EPERM || err == -EOPNOTSUPP || err == -524 || err == -EINVAL,
		      "load fentry: %d", err);
		printf("note: fentry load refused by the kernel: %s\n", strerror(-err));
		CHECK_RET(bpf_program__attach_trace(p), NULL, EINVAL);
		CHECK_RET(bpf_program__attach(p), NULL, EINVAL);
	} else {
		l = bpf_program__attach_trace(p);
		if (l)
			CHECK_EQ(bpf_link__destroy(l), 0);
		else
			CHECK(errno == EPERM || errno == EOPNOTSUPP || errno == 524,
			      "attach fentry: errno %d", errno);
	}
	bpf_object__close(o);
}

/* Runs this program again with the ioctl attach path forced. */
static void rerun_forced_ioctl(void)
{
	char exe[PATH_MAX], cmd[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int st;

	CHECK(n > 0, "readlink /proc/self/exe");
	if (n <= 0)
		return;
	exe[n] = 0;
	snprintf(cmd, sizeof(cmd), "LIBBPFRS_FORCE_PERF_IOCTL=1 '%s'", exe);
	st = system(cmd);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "forced-ioctl run: status %d", st);
}

int main(void)
{
	int fds;

	require_root();
	forced_ioctl = getenv("LIBBPFRS_FORCE_PERF_IOCTL") != NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	fds = h_count_fds();
	if (at_open())
		return h_done("attach_events");
	/* Not loaded yet: no fd to attach. */
	CHECK_RET(bpf_program__attach(at_prog("at_tp")), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_raw_tracepoint(at_prog("at_raw_tp"), "sys_enter"), NULL, EINVAL);
	CHECK_EQ(bpf_object__load(at_obj), 0);
	at_use_maps();

	check_tracepoint();
	check_perf_event();
	check_uprobe();
	if (forced_ioctl) {
		bpf_object__close(at_obj);
		CHECK_EQ(h_count_fds(), fds);
		at_clean();
		return h_done("attach_events (perf ioctl attach)");
	}
	check_raw_tp_and_tp_btf();
	check_iter();
	check_cgroup();
	check_netns();
	check_kprobe();
	check_fentry();

	bpf_object__close(at_obj);
	CHECK_EQ(h_count_fds(), fds);
	at_clean();
	rerun_forced_ioctl();
	return h_done("attach_events");
}
