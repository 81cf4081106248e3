/* Program loading and test runs against the real kernel: bpf_prog_load (opts
 * rules, verifier log and its retry, EAGAIN/E2BIG retries, name truncation, fds
 * above 2), the 0.x bpf_load_program(_xattr) / bpf_verify_program, the three
 * test-run calls with their write-backs, BTF loading (1.x and 0.x) and
 * bpf_prog_bind_map. Kernel failures are checked in both return conventions:
 * -1 with errno by default, -errno under LIBBPF_STRICT_ALL. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <stddef.h>
#include <sys/syscall.h>
#include "harness.h"

#include "insns.h"
#include "raw_bpf.h"

/* r0 = skb->len; exit */
static const struct bpf_insn skb_len[] = { LDX_W(0, 1, 0), EXIT_INSN() };
/* r0 = 7; exit */
static const struct bpf_insn ret7[] = { MOV64_IMM(0, 7), EXIT_INSN() };
/* r0 = r2 (never written: the verifier refuses with "R2 !read_ok"); exit */
static const struct bpf_insn uninit[] = { MOV64_REG(0, 2), EXIT_INSN() };

/* The 0.x attr layouts (libbpf-api.md section 4.3), with their unions. */
_Static_assert(sizeof(struct bpf_load_program_attr) == 96, "bpf_load_program_attr");
_Static_assert(offsetof(struct bpf_load_program_attr, attach_prog_fd) == 40, "attach_prog_fd");
_Static_assert(offsetof(struct bpf_load_program_attr, attach_btf_id) == 44, "attach_btf_id");
_Static_assert(offsetof(struct bpf_load_program_attr, prog_flags) == 88, "prog_flags");
_Static_assert(sizeof(struct bpf_prog_test_run_attr) == 80, "bpf_prog_test_run_attr");

#define NINSN(a) (sizeof(a) / sizeof((a)[0]))
#define SF BPF_PROG_TYPE_SOCKET_FILTER

static void load_basics(void)
{
	struct bpf_prog_info info;
	int fd, saved, fds;

	/* Name truncated to 15 bytes; NULL opts. */
	fd = bpf_prog_load(SF, "a_very_long_program_name", "GPL", skb_len, NINSN(skb_len), NULL);
	CHECK(fd > 2, "bpf_prog_load: %d (%s)", fd, strerror(errno));
	CHECK_EQ(raw_prog_info(fd, &info), 0);
	CHECK(!strcmp(info.name, "a_very_long_pro"), "name \"%s\"", info.name);
	CHECK_EQ(info.type, SF);
	close(fd);

	/* NULL name. */
	fd = bpf_prog_load(SF, NULL, "GPL", ret7, NINSN(ret7), NULL);
	CHECK(fd > 2, "unnamed load: %d", fd);
	CHECK_EQ(raw_prog_info(fd, &info), 0);
	CHECK_EQ(info.name[0], 0);
	close(fd);

	/* With stdin closed, the new fd still lands above 2. */
	saved = dup(0);
	close(0);
	fd = bpf_prog_load(SF, "lowfd", "GPL", ret7, NINSN(ret7), NULL);
	CHECK(fd > 2, "fd with stdin closed: %d", fd);
	CHECK(fcntl(0, F_GETFD) < 0, "fd 0 left open by the load");
	if (fd >= 0)
		close(fd);
	dup2(saved, 0);
	close(saved);

	/* Kernel refusals, both conventions; nothing leaks. */
	fds = h_count_fds();
	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", NULL, 2, NULL), KERR(EFAULT), EFAULT);
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", NULL, 0, NULL), KERR(E2BIG), E2BIG);
		CHECK_RET(bpf_prog_load(SF, "x", NULL, ret7, NINSN(ret7), NULL), KERR(EFAULT), EFAULT);
		CHECK_RET(bpf_prog_load(9999, "x", "GPL", ret7, NINSN(ret7), NULL), KERR(EINVAL), EINVAL);
	}
	h_set_mode(0);
	CHECK_EQ(h_count_fds(), fds);
}

static void load_opts_rules(void)
{
	char log[64], big[sizeof(struct bpf_prog_load_opts) + 16];
	struct bpf_prog_load_opts *o = (void *)big;
	int fds = h_count_fds();

	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		/* User-space checks: -EINVAL in both modes. */
		LIBBPF_OPTS(bpf_prog_load_opts, a, .log_buf = log);
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", ret7, 2, &a), -EINVAL, EINVAL);
		LIBBPF_OPTS(bpf_prog_load_opts, b, .log_size = sizeof(log));
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", ret7, 2, &b), -EINVAL, EINVAL);
		LIBBPF_OPTS(bpf_prog_load_opts, c, .attempts = -1);
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", ret7, 2, &c), -EINVAL, EINVAL);
		LIBBPF_OPTS(bpf_prog_load_opts, d, .attach_prog_fd = 3, .attach_btf_obj_fd = 4);
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", ret7, 2, &d), -EINVAL, EINVAL);
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", ret7, 1ULL << 32, NULL), -E2BIG, E2BIG);

		/* sz below sizeof(size_t), and non-zero bytes past the known fields. */
		memset(big, 0, sizeof(big));
		o->sz = 4;
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", ret7, 2, o), -EINVAL, EINVAL);
		o->sz = sizeof(big);
		big[sizeof(big) - 1] = 1;
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", ret7, 2, o), -EINVAL, EINVAL);

		/* libbpf 1.1.2 also refuses a log level without a buffer, or above 7. */
		LIBBPF_OPTS(bpf_prog_load_opts, e, .log_level = 1);
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", ret7, 2, &e), -EINVAL, EINVAL);
		LIBBPF_OPTS(bpf_prog_load_opts, f, .log_level = 8, .log_buf = log,
			    .log_size = sizeof(log));
		CHECK_RET(bpf_prog_load(SF, "x", "GPL", ret7, 2, &f), -EINVAL, EINVAL);
	}
	h_set_mode(0);
	CHECK_EQ(h_count_fds(), fds);

	/* A larger caller struct with a zero tail is fine; a smaller, older one too. */
	memset(big, 0, sizeof(big));
	o->sz = sizeof(big);
	int fd = bpf_prog_load(SF, "x", "GPL", ret7, 2, o);
	CHECK(fd > 2, "zero-tailed big opts: %d", fd);
	close(fd);
	o->sz = offsetof(struct bpf_prog_load_opts, log_level);
	o->log_buf = (char *)1; /* beyond the caller's sz: never read */
	fd = bpf_prog_load(SF, "x", "GPL", ret7, 2, o);
	CHECK(fd > 2, "short opts: %d", fd);
	close(fd);
}

static void verifier_log(void)
{
	char log[8192];
	int fds = h_count_fds();

	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		/* log_level 1: the kernel fills the log on the only attempt. */
		memset(log, 0, sizeof(log));
		LIBBPF_OPTS(bpf_prog_load_opts, a, .log_level = 1, .log_buf = log,
			    .log_size = sizeof(log));
		CHECK_RET(bpf_prog_load(SF, "bad", "GPL", uninit, 2, &a), KERR(EACCES), EACCES);
		CHECK(strstr(log, "R2 !read_ok"), "log: %s", log);

		/* log_level 0 with a buffer: retried at level 1 after the failure. */
		memset(log, 0, sizeof(log));
		LIBBPF_OPTS(bpf_prog_load_opts, b, .log_buf = log, .log_size = sizeof(log));
		CHECK_RET(bpf_prog_load(SF, "bad", "GPL", uninit, 2, &b), KERR(EACCES), EACCES);
		CHECK(strstr(log, "R2 !read_ok"), "retry log: %s", log);

		/* No buffer: no log, same failure. */
		CHECK_RET(bpf_prog_load(SF, "bad", "GPL", uninit, 2, NULL), KERR(EACCES), EACCES);

		/* Too small a buffer: the kernel's ENOSPC (log level 1, truncated log). */
		memset(log, 0, sizeof(log));
		LIBBPF_OPTS(bpf_prog_load_opts, c, .log_level = 1, .log_buf = log, .log_size = 8);
		CHECK_RET(bpf_prog_load(SF, "bad", "GPL", uninit, 2, &c), KERR(ENOSPC), ENOSPC);
		CHECK_EQ(strlen(log), 7);
	}
	h_set_mode(0);
	CHECK_EQ(h_count_fds(), fds);

	/* Success with log_level 0 and a buffer: the log is not requested. */
	memset(log, 'Z', sizeof(log));
	LIBBPF_OPTS(bpf_prog_load_opts, d, .log_buf = log, .log_size = sizeof(log));
	int fd = bpf_prog_load(SF, "good", "GPL", ret7, 2, &d);
	CHECK(fd > 2, "good load: %d", fd);
	CHECK_EQ(log[0], 'Z');
	close(fd);

	/* Success with log_level 1: the verifier's statistics are there. */
	memset(log, 0, sizeof(log));
	LIBBPF_OPTS(bpf_prog_load_opts, e, .log_level = 1, .log_buf = log,
		    .log_size = sizeof(log), .attempts = 1);
	fd = bpf_prog_load(SF, "good", "GPL", ret7, 2, &e);
	CHECK(fd > 2, "good load with log: %d", fd);
	CHECK(strstr(log, "processed 2 insns"), "log: %s", log);
	close(fd);
}

/* func_info records larger than the kernel's, with non-zero tails: the kernel
 * answers E2BIG and writes back its record size; the retry zeroes the tails. */
static void func_info_retry(void)
{
	struct tiny_btf b;
	struct {
		__u32 insn_off, type_id, extra;
	} fi = { 0, 3, 0xdeadbeef };
	char log[4096];
	int btf, fd;

	tiny_btf_make(&b);
	btf = bpf_btf_load(&b, sizeof(b), NULL);
	CHECK(btf > 2, "bpf_btf_load: %d (%s)", btf, strerror(errno));
	if (btf < 0)
		return;
	LIBBPF_OPTS(bpf_prog_load_opts, o, .prog_btf_fd = btf, .func_info = &fi,
		    .func_info_cnt = 1, .func_info_rec_size = sizeof(fi), .log_buf = log,
		    .log_size = sizeof(log));
	fd = bpf_prog_load(SF, "prog", "GPL", ret7, 2, &o);
	CHECK(fd > 2, "func_info with a non-zero tail: %d (%s)", fd, strerror(errno));
	CHECK_EQ(fi.extra, 0xdeadbeef); /* the caller's records are not modified */
	if (fd >= 0)
		close(fd);

	/* A record size below the kernel's minimum stays the kernel's EINVAL. */
	o.func_info_rec_size = 4;
	memset(log, 0, sizeof(log));
	CHECK_RET(bpf_prog_load(SF, "prog", "GPL", ret7, 2, &o), -1, EINVAL);
	CHECK(log[0] != 0, "log filled by the retry");
	close(btf);
}

static void test_runs(void)
{
	char pkt[64], out[128];
	int fd, fds;

	memset(pkt, 0xab, sizeof(pkt));
	fd = bpf_prog_load(SF, "len", "GPL", skb_len, 2, NULL);
	CHECK(fd > 2, "load: %d", fd);

	/* A socket filter sees the packet after the Ethernet header: len 64 - 14. */
	memset(out, 0, sizeof(out));
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 3, .retval = 99);
	CHECK_RET(bpf_prog_test_run_opts(fd, &t), 0, 0);
	CHECK_EQ(t.retval, 50);
	CHECK_EQ(t.data_size_out, 64);
	/* The output is the packet with its L2 header zeroed (not seen by the filter). */
	CHECK(!memcmp(out + 14, pkt + 14, sizeof(pkt) - 14), "data_out differs from data_in");
	CHECK(out[0] == 0 && out[13] == 0, "L2 header in data_out");

	fds = h_count_fds();
	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		/* Output too small: ENOSPC, out-fields written back all the same. */
		LIBBPF_OPTS(bpf_test_run_opts, a, .data_in = pkt, .data_size_in = sizeof(pkt),
			    .data_out = out, .data_size_out = 10, .retval = 99);
		CHECK_RET(bpf_prog_test_run_opts(fd, &a), KERR(ENOSPC), ENOSPC);
		CHECK_EQ(a.data_size_out, 64);
		CHECK_EQ(a.retval, 50);

		/* Bad fd: EBADF; the untouched attr is still copied back (retval 0). */
		LIBBPF_OPTS(bpf_test_run_opts, b, .data_in = pkt, .data_size_in = sizeof(pkt),
			    .retval = 99, .duration = 5, .data_size_out = 3);
		CHECK_RET(bpf_prog_test_run_opts(-1, &b), KERR(EBADF), EBADF);
		CHECK_EQ(b.retval, 0);
		CHECK_EQ(b.duration, 5);
		CHECK_EQ(b.data_size_out, 3);

		/* Bad opts: -EINVAL in both modes, opts untouched. */
		char big[sizeof(struct bpf_test_run_opts) + 8];
		struct bpf_test_run_opts *o = (void *)big;
		memset(big, 0, sizeof(big));
		o->sz = 7;
		o->retval = 99;
		CHECK_RET(bpf_prog_test_run_opts(fd, o), -EINVAL, EINVAL);
		CHECK_EQ(o->retval, 99);
		o->sz = sizeof(big);
		big[sizeof(big) - 2] = 1;
		CHECK_RET(bpf_prog_test_run_opts(fd, o), -EINVAL, EINVAL);
		CHECK_EQ(o->retval, 99);

		/* NULL opts: no data, the kernel's EINVAL. */
		CHECK_RET(bpf_prog_test_run_opts(fd, NULL), KERR(EINVAL), EINVAL);
	}
	h_set_mode(0);
	CHECK_EQ(h_count_fds(), fds);

	/* An older caller without retval in its struct: retval is not written. */
	memset(out, 0, sizeof(out));
	LIBBPF_OPTS(bpf_test_run_opts, c, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .data_out = out, .data_size_out = sizeof(out), .retval = 99);
	c.sz = offsetof(struct bpf_test_run_opts, retval);
	CHECK_RET(bpf_prog_test_run_opts(fd, &c), 0, 0);
	CHECK_EQ(c.data_size_out, 64);
	CHECK_EQ(c.retval, 99);

	/* 0.x bpf_prog_test_run: out-pointers optional. */
	__u32 size_out = 0, retval = 0, duration = 1234567;
	memset(out, 0, sizeof(out));
	CHECK_RET(bpf_prog_test_run(fd, 2, pkt, sizeof(pkt), out, &size_out, &retval, &duration),
		  0, 0);
	CHECK_EQ(size_out, 64);
	CHECK_EQ(retval, 50);
	CHECK(duration != 1234567, "duration not written");
	CHECK_RET(bpf_prog_test_run(fd, 1, pkt, sizeof(pkt), NULL, NULL, NULL, NULL), 0, 0);
	retval = 99;
	CHECK_RET(bpf_prog_test_run(-1, 1, pkt, sizeof(pkt), NULL, NULL, &retval, NULL), -1, EBADF);
	CHECK_EQ(retval, 0);

	/* 0.x bpf_prog_test_run_xattr: writes the out-fields back into the attr. */
	struct bpf_prog_test_run_attr ta;
	memset(&ta, 0, sizeof(ta));
	ta.prog_fd = fd;
	ta.repeat = 1;
	ta.data_in = pkt;
	ta.data_size_in = sizeof(pkt);
	ta.data_out = out;
	ta.data_size_out = sizeof(out);
	ta.retval = 99;
	CHECK_RET(bpf_prog_test_run_xattr(&ta), 0, 0);
	CHECK_EQ(ta.retval, 50);
	CHECK_EQ(ta.data_size_out, 64);
	ta.data_out = NULL;
	ta.data_size_out = 1;
	CHECK_RET(bpf_prog_test_run_xattr(&ta), -EINVAL, EINVAL);
	CHECK_RET(bpf_prog_test_run_xattr(NULL), -EINVAL, EINVAL);
	ta.data_out = out;
	ta.data_size_out = 10;
	CHECK_RET(bpf_prog_test_run_xattr(&ta), -1, ENOSPC);
	CHECK_EQ(ta.data_size_out, 64);
	close(fd);
}

/* The 0.x attr of a 2-instruction socket filter named "legacy_xattr_name". */
static void legacy_attr(struct bpf_load_program_attr *la, const struct bpf_insn *insns)
{
	memset(la, 0, sizeof(*la));
	la->prog_type = SF;
	la->insns = insns;
	la->insns_cnt = 2;
	la->license = "GPL";
	la->name = "legacy_xattr_name";
}

static void legacy_loads(void)
{
	char log[4096];
	int fd, fds = h_count_fds();

	fd = bpf_load_program(SF, ret7, NINSN(ret7), "GPL", 0, NULL, 0);
	CHECK(fd > 2, "bpf_load_program: %d (%s)", fd, strerror(errno));
	close(fd);

	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		/* The log is filled by the retry after the failure. */
		memset(log, 0, sizeof(log));
		CHECK_RET(bpf_load_program(SF, uninit, 2, "GPL", 0, log, sizeof(log)),
			  KERR(EACCES), EACCES);
		CHECK(strstr(log, "R2 !read_ok"), "log: %s", log);
		CHECK_RET(bpf_load_program(SF, ret7, 2, "GPL", 0, log, 0), -EINVAL, EINVAL);
		CHECK_RET(bpf_load_program(SF, ret7, 2, "GPL", 0, NULL, 16), -EINVAL, EINVAL);
		CHECK_RET(bpf_load_program(SF, ret7, 2, NULL, 0, NULL, 0), KERR(EFAULT), EFAULT);

		/* xattr: NULL attr, log rules, a name, log_level from the attr. */
		CHECK_RET(bpf_load_program_xattr(NULL, NULL, 0), -EINVAL, EINVAL);
		struct bpf_load_program_attr la;
		legacy_attr(&la, uninit);
		la.log_level = 1;
		memset(log, 0, sizeof(log));
		CHECK_RET(bpf_load_program_xattr(&la, log, sizeof(log)), KERR(EACCES), EACCES);
		CHECK(strstr(log, "R2 !read_ok"), "xattr log: %s", log);
		la.log_level = 0;
		CHECK_RET(bpf_load_program_xattr(&la, log, 0), -EINVAL, EINVAL);

		/* bpf_verify_program: one load with the log as given. */
		memset(log, 'Z', sizeof(log));
		CHECK_RET(bpf_verify_program(SF, uninit, 2, 0, "GPL", 0, log, sizeof(log), 1),
			  KERR(EACCES), EACCES);
		CHECK(strstr(log, "R2 !read_ok"), "verify log: %s", log);
		CHECK_RET(bpf_verify_program(SF, ret7, 2, 0, "GPL", 0, NULL, 0, 0), -EINVAL, EINVAL);
	}
	h_set_mode(0);
	CHECK_EQ(h_count_fds(), fds);

	struct bpf_load_program_attr la;
	struct bpf_prog_info info;
	legacy_attr(&la, ret7);
	fd = bpf_load_program_xattr(&la, NULL, 0);
	CHECK(fd > 2, "bpf_load_program_xattr: %d", fd);
	CHECK_EQ(raw_prog_info(fd, &info), 0);
	CHECK(!strcmp(info.name, "legacy_xattr_na"), "name \"%s\"", info.name);
	close(fd);

	/* Success: the log is always requested, and log_buf[0] is reset first. */
	memset(log, 'Z', sizeof(log));
	fd = bpf_verify_program(SF, ret7, 2, 0, "GPL", 0, log, sizeof(log), 1);
	CHECK(fd > 2, "bpf_verify_program: %d", fd);
	CHECK(strstr(log, "processed 2 insns"), "verify log: %s", log);
	close(fd);
	/* Level 0 with a buffer is sent as is: the kernel refuses the pair. */
	memset(log, 'Z', sizeof(log));
	CHECK_RET(bpf_verify_program(SF, ret7, 2, 0, "GPL", 0, log, sizeof(log), 0), -1, EINVAL);
	CHECK_EQ(log[0], 0);
}

static void btf_loads(void)
{
	struct tiny_btf b, bad;
	char log[4096];
	int fd, fds = h_count_fds();

	tiny_btf_make(&b);
	bad = b;
	bad.h.magic = 0x1234;

	fd = bpf_btf_load(&b, sizeof(b), NULL);
	CHECK(fd > 2, "bpf_btf_load: %d (%s)", fd, strerror(errno));
	close(fd);
	fd = bpf_load_btf(&b, sizeof(b), NULL, 0, false);
	CHECK(fd > 2, "bpf_load_btf: %d (%s)", fd, strerror(errno));
	close(fd);

	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		/* Level 0 with a buffer: the failed load is retried with the log. */
		memset(log, 0, sizeof(log));
		LIBBPF_OPTS(bpf_btf_load_opts, a, .log_buf = log, .log_size = sizeof(log));
		CHECK_RET(bpf_btf_load(&bad, sizeof(bad), &a), KERR(EINVAL), EINVAL);
		CHECK(strstr(log, "Invalid magic"), "btf log: %s", log);
		/* Level 1 from the start. */
		memset(log, 0, sizeof(log));
		LIBBPF_OPTS(bpf_btf_load_opts, c, .log_buf = log, .log_size = sizeof(log),
			    .log_level = 1);
		CHECK_RET(bpf_btf_load(&bad, sizeof(bad), &c), KERR(EINVAL), EINVAL);
		CHECK(strstr(log, "Invalid magic"), "btf log: %s", log);
		/* No buffer. */
		CHECK_RET(bpf_btf_load(&bad, sizeof(bad), NULL), KERR(EINVAL), EINVAL);
		CHECK_RET(bpf_btf_load(NULL, sizeof(b), NULL), KERR(EFAULT), EFAULT);
		/* A size without a buffer, and bad sz: -EINVAL in both modes. */
		LIBBPF_OPTS(bpf_btf_load_opts, d, .log_size = 16);
		CHECK_RET(bpf_btf_load(&b, sizeof(b), &d), -EINVAL, EINVAL);
		d.log_size = 0;
		d.sz = 3;
		CHECK_RET(bpf_btf_load(&b, sizeof(b), &d), -EINVAL, EINVAL);

		/* 0.x bpf_load_btf: do_log false retries with the log; true logs at once. */
		memset(log, 0, sizeof(log));
		CHECK_RET(bpf_load_btf(&bad, sizeof(bad), log, sizeof(log), false), KERR(EINVAL),
			  EINVAL);
		CHECK(strstr(log, "Invalid magic"), "0.x btf log: %s", log);
		memset(log, 0, sizeof(log));
		CHECK_RET(bpf_load_btf(&bad, sizeof(bad), log, sizeof(log), true), KERR(EINVAL),
			  EINVAL);
		CHECK(strstr(log, "Invalid magic"), "0.x btf log: %s", log);
		CHECK_RET(bpf_load_btf(&bad, sizeof(bad), NULL, 0, true), KERR(EINVAL), EINVAL);
	}
	h_set_mode(0);
	CHECK_EQ(h_count_fds(), fds);
}

static void bind_map(void)
{
	int prog, map;

	prog = bpf_prog_load(SF, "bind", "GPL", ret7, 2, NULL);
	map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bound", 4, 8, 1, NULL);
	CHECK(prog > 2 && map > 2, "prog %d map %d", prog, map);
	CHECK_RET(bpf_prog_bind_map(prog, map, NULL), 0, 0);
	LIBBPF_OPTS(bpf_prog_bind_opts, o);
	CHECK_RET(bpf_prog_bind_map(prog, map, &o), 0, 0); /* binding twice is fine */
	for (int s = 0; s <= 1; s++) {
		h_set_mode(s);
		CHECK_RET(bpf_prog_bind_map(prog, -1, NULL), KERR(EBADF), EBADF);
		CHECK_RET(bpf_prog_bind_map(map, map, NULL), KERR(EINVAL), EINVAL);
		LIBBPF_OPTS(bpf_prog_bind_opts, f, .flags = 1);
		CHECK_RET(bpf_prog_bind_map(prog, map, &f), KERR(EINVAL), EINVAL);
		struct {
			struct bpf_prog_bind_opts o;
			char tail[8];
		} big;
		memset(&big, 0, sizeof(big));
		big.o.sz = sizeof(big);
		big.tail[7] = 1;
		CHECK_RET(bpf_prog_bind_map(prog, map, &big.o), -EINVAL, EINVAL);
		big.o.sz = 2;
		CHECK_RET(bpf_prog_bind_map(prog, map, &big.o), -EINVAL, EINVAL);
	}
	h_set_mode(0);
	close(map);
	close(prog);
}

int main(void)
{
	require_root();
	load_basics();
	load_opts_rules();
	verifier_log();
	func_info_retry();
	test_runs();
	legacy_loads();
	btf_loads();
	bind_map();
	return h_done("prog_load");
}
