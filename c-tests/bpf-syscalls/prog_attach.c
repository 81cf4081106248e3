/* Attaching against the real kernel: cgroup-skb programs on a cgroup v2 directory
 * this test creates (bpf_prog_attach/_opts/_xattr, bpf_prog_query/_opts,
 * bpf_prog_detach/2), cgroup links (bpf_link_create, bpf_link_update,
 * bpf_link_detach), raw tracepoints (bpf_raw_tracepoint_open, and bpf_link_create
 * as the kernel answers it) and bpf_iter_create on a non-iterator link. Kernel
 * failures are checked in both conventions (-1/errno, and -errno when strict). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <mntent.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "harness.h"
#include "cgroup2.h"

#include "insns.h"
#include "raw_bpf.h"

static const struct bpf_insn ret1[] = { MOV64_IMM(0, 1), EXIT_INSN() };
static const struct bpf_insn ret0[] = { MOV64_IMM(0, 0), EXIT_INSN() };

/* The cgroup v2 test directory (cgroup2.h finds or mounts the hierarchy). */
static char cg_dir[300];

static void cgroup_cleanup(void)
{
	CHECK(rmdir(cg_dir) == 0, "rmdir %s: %s", cg_dir, strerror(errno));
	cg2_release();
}

static int load_skb(enum bpf_attach_type expected, const char *name)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = expected);

	return bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, name, "GPL", ret1, 2, &o);
}

/* Number of programs attached for `type` (count-only query). */
static int attached(int cg, enum bpf_attach_type type)
{
	__u32 cnt = 0;

	if (bpf_prog_query(cg, type, 0, NULL, NULL, &cnt))
		return -1;
	return (int)cnt;
}

static void prog_attach_detach(int cg, int p1, int p2)
{
	__u32 ids[4], cnt, flags;
	int fds;

	CHECK_RET(bpf_prog_attach(p1, cg, BPF_CGROUP_INET_INGRESS, 0), 0, 0);

	/* Query: ids, count and flags; *prog_cnt is in/out. */
	cnt = 4;
	flags = 0xdead;
	memset(ids, 0, sizeof(ids));
	CHECK_RET(bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, &flags, ids, &cnt), 0, 0);
	CHECK_EQ(cnt, 1);
	CHECK_EQ(ids[0], raw_prog_id(p1));
	CHECK_EQ(flags, 0);
	CHECK_EQ(attached(cg, BPF_CGROUP_INET_INGRESS), 1);
	CHECK_EQ(attached(cg, BPF_CGROUP_INET_EGRESS), 0);

	/* The opts form, with an effective query too. */
	memset(ids, 0, sizeof(ids));
	LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .prog_cnt = 4, .attach_flags = 77);
	CHECK_RET(bpf_prog_query_opts(cg, BPF_CGROUP_INET_INGRESS, &q), 0, 0);
	CHECK_EQ(q.prog_cnt, 1);
	CHECK_EQ(q.attach_flags, 0);
	CHECK_EQ(ids[0], raw_prog_id(p1));
	LIBBPF_OPTS(bpf_prog_query_opts, qe, .query_flags = BPF_F_QUERY_EFFECTIVE);
	CHECK_RET(bpf_prog_query_opts(cg, BPF_CGROUP_INET_INGRESS, &qe), 0, 0);
	CHECK_EQ(qe.prog_cnt, 1);

	fds = h_count_fds();
	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		/* Room for 0 ids: only the count comes back. */
		cnt = 0;
		CHECK_RET(bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL, ids, &cnt), 0, 0);
		CHECK_EQ(cnt, 1);
		LIBBPF_OPTS(bpf_prog_query_opts, q0, .prog_ids = ids, .prog_cnt = 0);
		CHECK_RET(bpf_prog_query_opts(cg, BPF_CGROUP_INET_INGRESS, &q0), 0, 0);
		CHECK_EQ(q0.prog_cnt, 1);
		/* User-space refusals: -EINVAL in both modes. */
		CHECK_RET(bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL, ids, NULL), -EINVAL,
			  EINVAL);
		q0.sz = 4;
		CHECK_RET(bpf_prog_query_opts(cg, BPF_CGROUP_INET_INGRESS, &q0), -EINVAL, EINVAL);
		/* Kernel refusals. */
		cnt = 4;
		CHECK_RET(bpf_prog_query(-1, BPF_CGROUP_INET_INGRESS, 0, NULL, ids, &cnt),
			  KERR(EBADF), EBADF);
		CHECK_RET(bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0x100, NULL, ids, &cnt),
			  KERR(EINVAL), EINVAL);
		/* An attach type the kernel does not know: EINVAL. */
		CHECK_RET(bpf_prog_attach(p1, cg, 9999, 0), KERR(EINVAL), EINVAL);
		CHECK_RET(bpf_prog_attach(-1, cg, BPF_CGROUP_INET_INGRESS, 0), KERR(EBADF), EBADF);
		CHECK_RET(bpf_prog_attach(p1, -1, BPF_CGROUP_INET_INGRESS, 0), KERR(EBADF), EBADF);
		/* Bad opts. */
		LIBBPF_OPTS(bpf_prog_attach_opts, ao);
		ao.sz = 1;
		CHECK_RET(bpf_prog_attach_opts(p1, cg, BPF_CGROUP_INET_INGRESS, &ao), -EINVAL,
			  EINVAL);
		CHECK_RET(bpf_prog_attach_xattr(p1, cg, BPF_CGROUP_INET_INGRESS, &ao), -EINVAL,
			  EINVAL);
		CHECK_RET(bpf_prog_detach(cg, BPF_CGROUP_INET_EGRESS), KERR(ENOENT), ENOENT);
	}
	h_set_mode(0);
	CHECK_EQ(h_count_fds(), fds);

	/* A second exclusive attach replaces the program. */
	CHECK_RET(bpf_prog_attach(p2, cg, BPF_CGROUP_INET_INGRESS, 0), 0, 0);
	cnt = 4;
	CHECK_RET(bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL, ids, &cnt), 0, 0);
	CHECK_EQ(cnt, 1);
	CHECK_EQ(ids[0], raw_prog_id(p2));

	CHECK_RET(bpf_prog_detach(cg, BPF_CGROUP_INET_INGRESS), 0, 0);
	CHECK_EQ(attached(cg, BPF_CGROUP_INET_INGRESS), 0);
	CHECK_RET(bpf_prog_detach(cg, BPF_CGROUP_INET_INGRESS), -1, ENOENT);
}

static void multi_attach(int cg)
{
	int a = load_skb(0, "multi_a"), b = load_skb(0, "multi_b"), c = load_skb(0, "multi_c");
	__u32 ids[4], cnt = 4, flags = 0;

	CHECK(a > 2 && b > 2 && c > 2, "loads %d %d %d", a, b, c);
	LIBBPF_OPTS(bpf_prog_attach_opts, multi, .flags = BPF_F_ALLOW_MULTI);
	CHECK_RET(bpf_prog_attach_opts(a, cg, BPF_CGROUP_INET_EGRESS, &multi), 0, 0);
	CHECK_RET(bpf_prog_attach_opts(a, cg, BPF_CGROUP_INET_EGRESS, NULL), -1, EPERM);

	/* BPF_F_REPLACE swaps a for b in place. */
	LIBBPF_OPTS(bpf_prog_attach_opts, repl, .flags = BPF_F_ALLOW_MULTI | BPF_F_REPLACE,
		    .replace_prog_fd = a);
	CHECK_RET(bpf_prog_attach_opts(b, cg, BPF_CGROUP_INET_EGRESS, &repl), 0, 0);
	CHECK_RET(bpf_prog_query(cg, BPF_CGROUP_INET_EGRESS, 0, &flags, ids, &cnt), 0, 0);
	CHECK_EQ(cnt, 1);
	CHECK_EQ(ids[0], raw_prog_id(b));
	CHECK_EQ(flags, BPF_F_ALLOW_MULTI);
	/* Replacing a program that is not attached: ENOENT. */
	CHECK_RET(bpf_prog_attach_opts(c, cg, BPF_CGROUP_INET_EGRESS, &repl), -1, ENOENT);

	/* The 0.x name of the same call. */
	CHECK_RET(bpf_prog_attach_xattr(c, cg, BPF_CGROUP_INET_EGRESS, &multi), 0, 0);
	CHECK_EQ(attached(cg, BPF_CGROUP_INET_EGRESS), 2);

	/* Room for one id with two attached: ENOSPC, and the count still comes back. */
	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		cnt = 1;
		CHECK_RET(bpf_prog_query(cg, BPF_CGROUP_INET_EGRESS, 0, NULL, ids, &cnt),
			  KERR(ENOSPC), ENOSPC);
		CHECK_EQ(cnt, 2);
		LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .prog_cnt = 1);
		CHECK_RET(bpf_prog_query_opts(cg, BPF_CGROUP_INET_EGRESS, &q), KERR(ENOSPC), ENOSPC);
		CHECK_EQ(q.prog_cnt, 2);
		CHECK_EQ(q.attach_flags, BPF_F_ALLOW_MULTI);
	}
	h_set_mode(0);

	/* Multi programs are detached one by one, with detach2. */
	CHECK_RET(bpf_prog_detach(cg, BPF_CGROUP_INET_EGRESS), -1, EINVAL);
	CHECK_RET(bpf_prog_detach2(c, cg, BPF_CGROUP_INET_EGRESS), 0, 0);
	CHECK_RET(bpf_prog_detach2(c, cg, BPF_CGROUP_INET_EGRESS), -1, ENOENT);
	CHECK_RET(bpf_prog_detach2(b, cg, BPF_CGROUP_INET_EGRESS), 0, 0);
	CHECK_EQ(attached(cg, BPF_CGROUP_INET_EGRESS), 0);
	close(a);
	close(b);
	close(c);
}

static void cgroup_links(int cg, int p1, int p2)
{
	__u32 ids[4], cnt = 4;
	int link, fds;

	link = bpf_link_create(p1, cg, BPF_CGROUP_INET_INGRESS, NULL);
	CHECK(link > 2, "bpf_link_create: %d (%s)", link, strerror(errno));
	if (link < 0)
		return;
	CHECK_RET(bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL, ids, &cnt), 0, 0);
	CHECK_EQ(cnt, 1);
	CHECK_EQ(ids[0], raw_prog_id(p1));

	/* Swap the program, unconditionally and then with BPF_F_REPLACE. */
	CHECK_RET(bpf_link_update(link, p2, NULL), 0, 0);
	cnt = 4;
	CHECK_RET(bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL, ids, &cnt), 0, 0);
	CHECK_EQ(ids[0], raw_prog_id(p2));
	LIBBPF_OPTS(bpf_link_update_opts, u, .flags = BPF_F_REPLACE, .old_prog_fd = p2);
	CHECK_RET(bpf_link_update(link, p1, &u), 0, 0);
	cnt = 4;
	CHECK_RET(bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL, ids, &cnt), 0, 0);
	CHECK_EQ(ids[0], raw_prog_id(p1));

	fds = h_count_fds();
	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		/* old_prog_fd is not the current program: EPERM. */
		CHECK_RET(bpf_link_update(link, p2, &u), KERR(EPERM), EPERM);
		CHECK_RET(bpf_link_update(-1, p2, NULL), KERR(EBADF), EBADF);
		LIBBPF_OPTS(bpf_link_update_opts, bad);
		bad.sz = 2;
		CHECK_RET(bpf_link_update(link, p2, &bad), -EINVAL, EINVAL);

		/* Links attach in multi mode: an exclusive attach beside one is EPERM. */
		CHECK_RET(bpf_prog_attach(p2, cg, BPF_CGROUP_INET_INGRESS, 0), KERR(EPERM), EPERM);
		/* Options the attach type does not use: -EINVAL before the kernel. */
		LIBBPF_OPTS(bpf_link_create_opts, lo, .iter_info_len = 4);
		CHECK_RET(bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &lo), -EINVAL, EINVAL);
		LIBBPF_OPTS(bpf_link_create_opts, lo2, .perf_event.bpf_cookie = 1);
		CHECK_RET(bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &lo2), -EINVAL, EINVAL);
		LIBBPF_OPTS(bpf_link_create_opts, lo3, .iter_info_len = 4, .target_btf_id = 1);
		CHECK_RET(bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &lo3), -EINVAL, EINVAL);
		LIBBPF_OPTS(bpf_link_create_opts, lo4, .target_btf_id = 1, .kprobe_multi.cnt = 1);
		CHECK_RET(bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &lo4), -EINVAL, EINVAL);
		/* Flags are the kernel's to judge. */
		LIBBPF_OPTS(bpf_link_create_opts, lo5, .flags = 0x1000);
		CHECK_RET(bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &lo5), KERR(EINVAL),
			  EINVAL);
		lo5.sz = 3;
		CHECK_RET(bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &lo5), -EINVAL, EINVAL);
		CHECK_RET(bpf_link_create(-1, cg, BPF_CGROUP_INET_INGRESS, NULL), KERR(EBADF), EBADF);

		/* Not an iterator link. */
		CHECK_RET(bpf_iter_create(link), KERR(EINVAL), EINVAL);
		CHECK_RET(bpf_iter_create(-1), KERR(EBADF), EBADF);
		CHECK_RET(bpf_link_detach(-1), KERR(EBADF), EBADF);
	}
	h_set_mode(0);
	CHECK_EQ(h_count_fds(), fds);

	/* A second link on the same hook; closing its fd detaches it. */
	int link2 = bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, NULL);
	CHECK(link2 > 2, "second link: %d (%s)", link2, strerror(errno));
	CHECK_EQ(attached(cg, BPF_CGROUP_INET_INGRESS), 2);
	if (link2 >= 0)
		close(link2);
	CHECK_EQ(attached(cg, BPF_CGROUP_INET_INGRESS), 1);

	/* Detach: the program goes, the link fd stays (defunct). */
	CHECK_RET(bpf_link_detach(link), 0, 0);
	CHECK_EQ(attached(cg, BPF_CGROUP_INET_INGRESS), 0);
	CHECK(fcntl(link, F_GETFD) >= 0, "link fd closed by detach");
	CHECK_RET(bpf_link_update(link, p2, NULL), -1, ENOLINK);
	close(link);
}

static void raw_tracepoints(void)
{
	int prog, fd, fds;

	prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "rawtp", "GPL", ret0, 2, NULL);
	CHECK(prog > 2, "raw tracepoint load: %d (%s)", prog, strerror(errno));
	if (prog < 0)
		return;
	fd = bpf_raw_tracepoint_open("sys_enter", prog);
	CHECK(fd > 2, "bpf_raw_tracepoint_open: %d (%s)", fd, strerror(errno));

	fds = h_count_fds();
	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		CHECK_RET(bpf_raw_tracepoint_open("libbpfrs_no_such_tp", prog), KERR(ENOENT), ENOENT);
		CHECK_RET(bpf_raw_tracepoint_open("sys_enter", -1), KERR(EBADF), EBADF);
		/* A raw-tracepoint link cannot be detached, only closed. */
		CHECK_RET(bpf_link_detach(fd), KERR(EOPNOTSUPP), EOPNOTSUPP);
		/* BPF_LINK_CREATE cannot name the tracepoint of a RAW_TRACEPOINT program:
		 * this kernel reads the NULL name (EFAULT); libbpf returns that as is. */
		CHECK_RET(bpf_link_create(prog, 0, BPF_TRACE_RAW_TP, NULL), KERR(EFAULT), EFAULT);
		/* Not a tracing type for LINK_CREATE: no fallback, the kernel's EINVAL. */
		CHECK_RET(bpf_link_create(prog, 0, BPF_CGROUP_INET_INGRESS, NULL), KERR(EINVAL),
			  EINVAL);
	}
	h_set_mode(0);
	CHECK_EQ(h_count_fds(), fds);
	if (fd >= 0)
		close(fd);
	close(prog);
}

int main(void)
{
	int cg, p1, p2;

	require_root();
	cg = cg2_make_dir("libbpfrs-prog-attach", cg_dir, sizeof(cg_dir));
	if (cg < 0)
		h_skip("cannot create a cgroup v2 directory");
	p1 = load_skb(BPF_CGROUP_INET_INGRESS, "skb_one");
	p2 = load_skb(BPF_CGROUP_INET_INGRESS, "skb_two");
	CHECK(p1 > 2 && p2 > 2, "cgroup_skb loads: %d %d (%s)", p1, p2, strerror(errno));
	if (p1 > 2 && p2 > 2) {
		prog_attach_detach(cg, p1, p2);
		multi_attach(cg);
		cgroup_links(cg, p1, p2);
	}
	close(p1);
	close(p2);
	close(cg);
	cgroup_cleanup();
	raw_tracepoints();
	return h_done("prog_attach");
}
