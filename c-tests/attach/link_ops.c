/* struct bpf_link lifecycle on the real kernel (c-tests/bpf/at_progs.bpf.c):
 * bpf_link__pin on bpffs, bpf_link__open from the pin (the program stays attached
 * after the first link is destroyed), unpin; update_program on a cgroup link (the
 * link's program id changes); detach; disconnect (destroy leaves the program
 * attached); 1,000 attach/destroy cycles of every kind with the fd count equal
 * before and after; NULL, ERR_PTR, garbage and destroyed pointers. Kernel names
 * use the `at_` prefix and are removed at exit. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <mntent.h>
#include <sys/syscall.h>
#include "harness.h"
#include "cgroup2.h"
#include "attach_bpf.h"

static char pin[128];

static __u32 link_prog_id(int link_fd)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return 0;
	return info.prog_id;
}

static __u32 prog_id(struct bpf_program *p)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
		return 0;
	return info.id;
}

static void check_pin_open_unpin(void)
{
	struct bpf_link *l, *l2, *l3;
	__u64 c;

	snprintf(pin, sizeof(pin), "/sys/fs/bpf/at_link_%d", (int)getpid());
	l = bpf_program__attach_tracepoint(at_prog("at_tp"), "syscalls", "sys_enter_getpid");
	CHECK(l != NULL, "attach: errno %d", errno);
	if (!l)
		return;
	CHECK(bpf_link__pin_path(l) == NULL, "pin path before pin");
	CHECK_EQ(bpf_link__pin(l, pin), 0);
	CHECK(bpf_link__pin_path(l) && !strcmp(bpf_link__pin_path(l), pin), "pin_path");
	CHECK_UERR(bpf_link__pin(l, pin), EBUSY);
	CHECK_EQ(access(pin, F_OK), 0);

	l2 = bpf_link__open(pin);
	CHECK(l2 != NULL, "bpf_link__open: errno %d", errno);
	if (!l2)
		return;
	CHECK(bpf_link__fd(l2) > 2 && bpf_link__fd(l2) != bpf_link__fd(l),
	      "fds %d %d", bpf_link__fd(l), bpf_link__fd(l2));
	CHECK(bpf_link__pin_path(l2) && !strcmp(bpf_link__pin_path(l2), pin), "open pin_path");
	CHECK_EQ(link_prog_id(bpf_link__fd(l2)), prog_id(at_prog("at_tp")));

	/* The pin keeps the program attached after the first link goes. */
	CHECK_EQ(bpf_link__destroy(l), 0);
	c = at_count(0);
	at_getpids(4);
	CHECK_EQ(at_count(0), c + 4);

	CHECK_EQ(bpf_link__unpin(l2), 0);
	CHECK(access(pin, F_OK) != 0 && errno == ENOENT, "pin file removed");
	CHECK(bpf_link__pin_path(l2) == NULL, "pin path after unpin");
	CHECK_UERR(bpf_link__unpin(l2), EINVAL);
	/* Still attached through l2's fd; destroying it detaches. */
	at_getpids(1);
	CHECK_EQ(at_count(0), c + 5);
	CHECK_EQ(bpf_link__destroy(l2), 0);
	c = at_count(0);
	at_getpids(3);
	CHECK_EQ(at_count(0), c);

	/* Not on bpffs, missing pins, NULL. */
	l3 = bpf_program__attach_raw_tracepoint(at_prog("at_raw_tp"), "sys_enter");
	CHECK(l3 != NULL, "attach raw_tp: errno %d", errno);
	CHECK_UERR(bpf_link__pin(l3, "/tmp/at_link_not_bpffs"), EINVAL);
	/* Only the last directory is created, as libbpf does. */
	CHECK_UERR(bpf_link__pin(l3, "/sys/fs/bpf/at_no_such_dir/a/x"), ENOENT);
	{
		char d[128], f[160];

		snprintf(d, sizeof(d), "/sys/fs/bpf/at_link_dir_%d", (int)getpid());
		snprintf(f, sizeof(f), "%s/x", d);
		CHECK_EQ(bpf_link__pin(l3, f), 0);
		CHECK_EQ(access(f, F_OK), 0);
		CHECK_EQ(bpf_link__unpin(l3), 0);
		CHECK_EQ(rmdir(d), 0);
	}
	CHECK_UERR(bpf_link__pin(l3, NULL), EINVAL);
	CHECK_UERR(bpf_link__unpin(l3), EINVAL);
	CHECK_EQ(bpf_link__destroy(l3), 0);
	CHECK_RET(bpf_link__open("/sys/fs/bpf/at_no_such_pin"), NULL, ENOENT);
	CHECK_RET(bpf_link__open(NULL), NULL, EFAULT);
}

static void check_update_detach_disconnect(void)
{
	char dir[320];
	struct bpf_link *l;
	int cg, fd;

	cg = cg2_make_dir("at_link_cg", dir, sizeof(dir));
	if (cg < 0) {
		h_missing("no cgroup v2 directory; update_program on a cgroup link not run");
	} else {
		l = bpf_program__attach_cgroup(at_prog("at_cg_sock"), cg);
		CHECK(l != NULL, "attach_cgroup: errno %d", errno);
		if (l) {
			CHECK_EQ(link_prog_id(bpf_link__fd(l)), prog_id(at_prog("at_cg_sock")));
			CHECK_EQ(bpf_link__update_program(l, at_prog("at_cg_sock2")), 0);
			CHECK_EQ(link_prog_id(bpf_link__fd(l)), prog_id(at_prog("at_cg_sock2")));
			/* Another type of program: the kernel says EINVAL. */
			CHECK_UERR(bpf_link__update_program(l, at_prog("at_tp")), EINVAL);
			CHECK_UERR(bpf_link__update_program(l, NULL), EINVAL);
			/* Detach: the link stays, defunct. */
			CHECK_EQ(bpf_link__detach(l), 0);
			CHECK_EQ(link_prog_id(bpf_link__fd(l)), prog_id(at_prog("at_cg_sock2")));
			CHECK_EQ(bpf_link__destroy(l), 0);
		}
		close(cg);
		CHECK_EQ(rmdir(dir), 0);
	}
	cg2_release();

	/* Perf-event links cannot be updated: the kernel says EINVAL. */
	l = bpf_program__attach_tracepoint(at_prog("at_tp"), "syscalls", "sys_enter_getpid");
	CHECK(l != NULL, "attach tracepoint: errno %d", errno);
	CHECK_UERR(bpf_link__update_program(l, at_prog("at_tp2")), EINVAL);
	CHECK_EQ(bpf_link__destroy(l), 0);

	/* Disconnect: destroy frees the link but leaves the program attached and
	 * the fd open (libbpf's contract); the caller closes it. */
	l = bpf_program__attach_raw_tracepoint(at_prog("at_raw_tp"), "sys_enter");
	CHECK(l != NULL, "attach raw_tp: errno %d", errno);
	if (l) {
		__u64 c;

		fd = bpf_link__fd(l);
		bpf_link__disconnect(l);
		CHECK_EQ(bpf_link__destroy(l), 0);
		CHECK_EQ(fcntl(fd, F_GETFD) >= 0, 1);
		c = at_count(1);
		at_getpids(3);
		CHECK(at_count(1) >= c + 3, "still attached after disconnect+destroy");
		close(fd);
		c = at_count(1);
		at_getpids(3);
		CHECK_EQ(at_count(1), c);
	}
}

static void check_cycles(void)
{
	/* 1,000 cycles in the first harness variant (or when run by hand); 100 in the
	 * other three: each uprobe/tracepoint detach waits for an RCU grace period. */
	const char *variant = getenv("LIBBPFRS_CTEST_VARIANT");
	int cycles = variant && strcmp(variant, "gcc.pie.shared") ? 100 : 1000;
	int fds = h_count_fds(), i, ok = 1;
	libbpf_print_fn_t old = libbpf_set_print(NULL); /* 3,000 expected failures */
	struct bpf_link *l;

	for (i = 0; i < cycles; i++) {
		struct bpf_program *p;

		switch (i % 4) {
		case 0:
			l = bpf_program__attach_tracepoint(at_prog("at_tp"), "syscalls",
							   "sys_enter_getpid");
			break;
		case 1:
			l = bpf_program__attach_raw_tracepoint(at_prog("at_raw_tp"), "sys_enter");
			break;
		case 2:
			l = bpf_program__attach(at_prog("at_tp_btf"));
			break;
		default: {
			LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "malloc");
			l = bpf_program__attach_uprobe_opts(at_prog("at_uprobe"), 0, "libc.so.6", 0,
							    &uo);
		}
		}
		if (!l || bpf_link__destroy(l) != 0)
			ok = 0;
		/* Failing attaches must not leak either. */
		p = at_prog("at_kprobe");
		if (bpf_program__attach(p) && access("/sys/bus/event_source/devices/kprobe", F_OK))
			ok = 0;
		if (bpf_program__attach_tracepoint(at_prog("at_tp"), "at_nope", "at_nope"))
			ok = 0;
		if (bpf_program__attach_cgroup(at_prog("at_tp"), 0))
			ok = 0;
		if (!ok) {
			CHECK(ok, "cycle %d failed: errno %d", i, errno);
			break;
		}
	}
	libbpf_set_print(old);
	CHECK_EQ(h_count_fds(), fds);
}

static void check_bad_pointers(void)
{
	struct bpf_link *l;
	char junk[64] = { 0 };

	CHECK_UERR(bpf_link__fd(NULL), EINVAL);
	CHECK_UERR(bpf_link__fd((struct bpf_link *)junk), EINVAL);
	CHECK_RET(bpf_link__destroy(NULL), 0, 0);
	CHECK_RET(bpf_link__destroy((struct bpf_link *)(long)-EINVAL), 0, 0);
	CHECK_UERR(bpf_link__destroy((struct bpf_link *)junk), EINVAL);
	CHECK_UERR(bpf_link__pin(NULL, "/sys/fs/bpf/at_x"), EINVAL);
	CHECK_UERR(bpf_link__unpin(NULL), EINVAL);
	CHECK_UERR(bpf_link__detach(NULL), EINVAL);
	CHECK_UERR(bpf_link__update_program(NULL, at_prog("at_tp")), EINVAL);
	CHECK(bpf_link__pin_path(NULL) == NULL, "pin_path(NULL)");
	bpf_link__disconnect(NULL);
	bpf_link__disconnect((struct bpf_link *)junk);

	CHECK_RET(bpf_program__attach(NULL), NULL, EINVAL);
	CHECK_RET(bpf_program__attach((struct bpf_program *)junk), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_tracepoint(NULL, "syscalls", "sys_enter_getpid"), NULL,
		  EINVAL);
	CHECK_RET(bpf_program__attach_raw_tracepoint(NULL, "sys_enter"), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_trace(NULL), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_lsm(NULL), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_cgroup(NULL, 0), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_netns(NULL, 0), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_xdp(NULL, 1), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_iter(NULL, NULL), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_perf_event(NULL, 3), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_kprobe(NULL, false, "x"), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_uprobe(NULL, false, 0, "/proc/self/exe", 0), NULL, EINVAL);
	CHECK_RET(bpf_program__attach_usdt(NULL, 0, "/proc/self/exe", "a", "b", NULL), NULL,
		  EINVAL);
	/* opts with a bad sz. */
	struct bpf_kprobe_opts ko = { .sz = 1 };
	CHECK_RET(bpf_program__attach_kprobe_opts(at_prog("at_kprobe"), "x", &ko), NULL, EINVAL);
	struct bpf_iter_attach_opts io = { .sz = 2 };
	CHECK_RET(bpf_program__attach_iter(at_prog("at_iter"), &io), NULL, EINVAL);

	/* A destroyed link is unknown afterwards. */
	l = bpf_program__attach_raw_tracepoint(at_prog("at_raw_tp"), "sys_enter");
	CHECK(l != NULL, "attach: errno %d", errno);
	CHECK_EQ(bpf_link__destroy(l), 0);
	CHECK_UERR(bpf_link__destroy(l), EINVAL);
	CHECK_UERR(bpf_link__fd(l), EINVAL);
}

int main(void)
{
	int fds;

	require_root();
	setvbuf(stdout, NULL, _IOLBF, 0);
	fds = h_count_fds();
	if (at_open())
		return h_done("link_ops");
	if (bpf_object__load(at_obj)) {
		CHECK(0, "load failed: errno %d", errno);
		return h_done("link_ops");
	}
	at_use_maps();

	check_pin_open_unpin();
	check_update_detach_disconnect();
	check_cycles();
	check_bad_pointers();

	bpf_object__close(at_obj);
	CHECK_EQ(h_count_fds(), fds);
	unlink(pin);
	at_clean();
	return h_done("link_ops");
}
