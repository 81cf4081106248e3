/* Oracle: the program, attach, link, test-run and BTF-load calls of libbpf 1.1.2
 * against libbpfrs (strict mode), on the real kernel. Each line is one call with
 * its return value and errno, plus the out-fields and log facts that must match:
 * the opts checks made in user space, the verifier-log retry, the func_info E2BIG
 * retry, test-run write-backs, query counts, link updates, the RAW_TP fallback of
 * bpf_link_create, iterators. Program ids and fds are never printed. */
#include "oracle.h"
#include "cgroup2.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <mntent.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "insns.h"
#include "raw_bpf.h"

static const struct bpf_insn skb_len[] = { LDX_W(0, 1, 0), EXIT_INSN() };
static const struct bpf_insn ret1[] = { MOV64_IMM(0, 1), EXIT_INSN() };
static const struct bpf_insn ret0[] = { MOV64_IMM(0, 0), EXIT_INSN() };
static const struct bpf_insn uninit[] = { MOV64_REG(0, 2), EXIT_INSN() };

#define SF BPF_PROG_TYPE_SOCKET_FILTER

static char log_buf[8192];

static void log_facts(const char *what)
{
	printf("  %s log: len=%zu read_ok=%d magic=%d\n", what, strnlen(log_buf, sizeof(log_buf)),
	       strstr(log_buf, "R2 !read_ok") != NULL, strstr(log_buf, "Invalid magic") != NULL);
}

static void prog_load(void)
{
	char big[sizeof(struct bpf_prog_load_opts) + 16];
	struct bpf_prog_load_opts *o = (void *)big;
	struct bpf_prog_info info;
	int fd;

	fd = bpf_prog_load(SF, "a_very_long_program_name", "GPL", skb_len, 2, NULL);
	raw_prog_info(fd, &info);
	printf("long name -> \"%s\" type=%u\n", info.name, info.type);
	close(fd);

	O_FD("load(NULL name)", bpf_prog_load(SF, NULL, "GPL", ret1, 2, NULL));
	O_FD("load(NULL insns, 2)", bpf_prog_load(SF, "x", "GPL", NULL, 2, NULL));
	O_FD("load(NULL insns, 0)", bpf_prog_load(SF, "x", "GPL", NULL, 0, NULL));
	O_FD("load(NULL license)", bpf_prog_load(SF, "x", NULL, ret1, 2, NULL));
	O_FD("load(type 9999)", bpf_prog_load(9999, "x", "GPL", ret1, 2, NULL));
	O_FD("load(insn_cnt 2^32)", bpf_prog_load(SF, "x", "GPL", ret1, 1ULL << 32, NULL));

	LIBBPF_OPTS(bpf_prog_load_opts, a, .log_buf = log_buf);
	O_FD("load(log_buf, no size)", bpf_prog_load(SF, "x", "GPL", ret1, 2, &a));
	LIBBPF_OPTS(bpf_prog_load_opts, b, .log_size = 16);
	O_FD("load(log_size, no buf)", bpf_prog_load(SF, "x", "GPL", ret1, 2, &b));
	LIBBPF_OPTS(bpf_prog_load_opts, c, .log_level = 1);
	O_FD("load(log_level 1, no buf)", bpf_prog_load(SF, "x", "GPL", ret1, 2, &c));
	for (__u32 lvl = 2; lvl <= 16; lvl *= 2) {
		LIBBPF_OPTS(bpf_prog_load_opts, d, .log_level = lvl, .log_buf = log_buf,
			    .log_size = sizeof(log_buf));
		O_FD("load(log_level %u)", bpf_prog_load(SF, "x", "GPL", ret1, 2, &d), lvl);
	}
	LIBBPF_OPTS(bpf_prog_load_opts, e, .attempts = -1);
	O_FD("load(attempts -1)", bpf_prog_load(SF, "x", "GPL", ret1, 2, &e));
	LIBBPF_OPTS(bpf_prog_load_opts, f, .attempts = 1);
	O_FD("load(attempts 1)", bpf_prog_load(SF, "x", "GPL", ret1, 2, &f));
	LIBBPF_OPTS(bpf_prog_load_opts, g, .attach_prog_fd = 3, .attach_btf_obj_fd = 4);
	O_FD("load(both attach fds)", bpf_prog_load(SF, "x", "GPL", ret1, 2, &g));
	memset(big, 0, sizeof(big));
	o->sz = 4;
	O_FD("load(sz 4)", bpf_prog_load(SF, "x", "GPL", ret1, 2, o));
	o->sz = sizeof(big);
	O_FD("load(big sz, zero tail)", bpf_prog_load(SF, "x", "GPL", ret1, 2, o));
	big[sizeof(big) - 1] = 1;
	O_FD("load(big sz, non-zero tail)", bpf_prog_load(SF, "x", "GPL", ret1, 2, o));
	memset(big, 0, sizeof(big));
	o->sz = offsetof(struct bpf_prog_load_opts, log_level);
	o->log_buf = (char *)1;
	O_FD("load(sz before log fields)", bpf_prog_load(SF, "x", "GPL", ret1, 2, o));
}

static void verifier_log(void)
{
	memset(log_buf, 0, sizeof(log_buf));
	LIBBPF_OPTS(bpf_prog_load_opts, a, .log_level = 1, .log_buf = log_buf,
		    .log_size = sizeof(log_buf));
	O_FD("uninit(level 1)", bpf_prog_load(SF, "bad", "GPL", uninit, 2, &a));
	log_facts("level 1");
	memset(log_buf, 0, sizeof(log_buf));
	LIBBPF_OPTS(bpf_prog_load_opts, b, .log_buf = log_buf, .log_size = sizeof(log_buf));
	O_FD("uninit(level 0 + buf)", bpf_prog_load(SF, "bad", "GPL", uninit, 2, &b));
	log_facts("retry");
	O_FD("uninit(no log)", bpf_prog_load(SF, "bad", "GPL", uninit, 2, NULL));
	memset(log_buf, 0, sizeof(log_buf));
	LIBBPF_OPTS(bpf_prog_load_opts, c, .log_level = 1, .log_buf = log_buf, .log_size = 8);
	O_FD("uninit(8-byte log)", bpf_prog_load(SF, "bad", "GPL", uninit, 2, &c));
	log_facts("small");
	memset(log_buf, 'Z', sizeof(log_buf));
	O_FD("good(level 0 + buf)", bpf_prog_load(SF, "good", "GPL", ret1, 2, &b));
	printf("  log untouched: %d\n", log_buf[0] == 'Z');
	memset(log_buf, 0, sizeof(log_buf));
	O_FD("good(level 1)", bpf_prog_load(SF, "good", "GPL", ret1, 2, &a));
	printf("  stats in log: %d\n", strstr(log_buf, "processed 2 insns") != NULL);
}

static void func_info(void)
{
	struct tiny_btf blob;
	struct {
		__u32 insn_off, type_id, extra;
	} fi = { 0, 3, 0xdeadbeef };
	int btf;

	tiny_btf_make(&blob);
	btf = bpf_btf_load(&blob, sizeof(blob), NULL);
	printf("btf load ok: %d\n", btf > 2);
	LIBBPF_OPTS(bpf_prog_load_opts, o, .prog_btf_fd = btf, .func_info = &fi,
		    .func_info_cnt = 1, .func_info_rec_size = sizeof(fi));
	O_FD("func_info rec 12, non-zero tail", bpf_prog_load(SF, "prog", "GPL", ret1, 2, &o));
	printf("  caller record kept: %d\n", fi.extra == 0xdeadbeef);
	fi.extra = 0;
	O_FD("func_info rec 12, zero tail", bpf_prog_load(SF, "prog", "GPL", ret1, 2, &o));
	o.func_info_rec_size = 4;
	O_FD("func_info rec 4", bpf_prog_load(SF, "prog", "GPL", ret1, 2, &o));
	o.func_info_rec_size = 8;
	fi.type_id = 1;
	O_FD("func_info wrong type", bpf_prog_load(SF, "prog", "GPL", ret1, 2, &o));
	close(btf);
}

static void test_run(void)
{
	char pkt[64], out[128], big[sizeof(struct bpf_test_run_opts) + 8];
	struct bpf_test_run_opts *o = (void *)big;
	int fd = bpf_prog_load(SF, "len", "GPL", skb_len, 2, NULL);

	memset(pkt, 0xab, sizeof(pkt));
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 2, .retval = 99);
	O_INT("test_run", bpf_prog_test_run_opts(fd, &t));
	printf("  retval=%u data_size_out=%u ctx_size_out=%u\n", t.retval, t.data_size_out,
	       t.ctx_size_out);
	LIBBPF_OPTS(bpf_test_run_opts, a, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .data_out = out, .data_size_out = 10, .retval = 99);
	O_INT("test_run(small out)", bpf_prog_test_run_opts(fd, &a));
	printf("  retval=%u data_size_out=%u\n", a.retval, a.data_size_out);
	LIBBPF_OPTS(bpf_test_run_opts, b, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .retval = 99, .duration = 5, .data_size_out = 3, .ctx_size_out = 4);
	O_INT("test_run(fd -1)", bpf_prog_test_run_opts(-1, &b));
	printf("  retval=%u duration=%u data_size_out=%u ctx_size_out=%u\n", b.retval, b.duration,
	       b.data_size_out, b.ctx_size_out);
	memset(big, 0, sizeof(big));
	o->sz = 7;
	o->retval = 99;
	O_INT("test_run(sz 7)", bpf_prog_test_run_opts(fd, o));
	o->sz = sizeof(big);
	big[sizeof(big) - 1] = 1;
	O_INT("test_run(non-zero tail)", bpf_prog_test_run_opts(fd, o));
	printf("  retval=%u\n", o->retval);
	O_INT("test_run(NULL opts)", bpf_prog_test_run_opts(fd, NULL));
	LIBBPF_OPTS(bpf_test_run_opts, c, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .data_out = out, .data_size_out = sizeof(out), .retval = 99);
	c.sz = offsetof(struct bpf_test_run_opts, retval);
	O_INT("test_run(sz before retval)", bpf_prog_test_run_opts(fd, &c));
	printf("  retval=%u data_size_out=%u\n", c.retval, c.data_size_out);
	LIBBPF_OPTS(bpf_test_run_opts, d, .ctx_size_in = 4);
	O_INT("test_run(ctx size, no ctx)", bpf_prog_test_run_opts(-1, &d));
	close(fd);
}

static void btf_load(void)
{
	struct tiny_btf good, bad;

	tiny_btf_make(&good);
	bad = good;
	bad.h.magic = 0x1234;
	O_FD("btf(good)", bpf_btf_load(&good, sizeof(good), NULL));
	memset(log_buf, 0, sizeof(log_buf));
	LIBBPF_OPTS(bpf_btf_load_opts, a, .log_buf = log_buf, .log_size = sizeof(log_buf));
	O_FD("btf(bad, level 0 + buf)", bpf_btf_load(&bad, sizeof(bad), &a));
	log_facts("btf retry");
	memset(log_buf, 0, sizeof(log_buf));
	a.log_level = 1;
	O_FD("btf(bad, level 1)", bpf_btf_load(&bad, sizeof(bad), &a));
	log_facts("btf level 1");
	memset(log_buf, 'Z', sizeof(log_buf));
	a.log_level = 0;
	O_FD("btf(good, level 0 + buf)", bpf_btf_load(&good, sizeof(good), &a));
	printf("  log untouched: %d\n", log_buf[0] == 'Z');
	O_FD("btf(bad, no log)", bpf_btf_load(&bad, sizeof(bad), NULL));
	O_FD("btf(NULL data)", bpf_btf_load(NULL, sizeof(good), NULL));
	LIBBPF_OPTS(bpf_btf_load_opts, b, .log_size = 16);
	O_FD("btf(log_size, no buf)", bpf_btf_load(&good, sizeof(good), &b));
	LIBBPF_OPTS(bpf_btf_load_opts, c, .log_buf = log_buf);
	O_FD("btf(bad, buf, no size)", bpf_btf_load(&bad, sizeof(bad), &c));
	LIBBPF_OPTS(bpf_btf_load_opts, d, .log_level = 1);
	O_FD("btf(good, level 1, no buf)", bpf_btf_load(&good, sizeof(good), &d));
	d.sz = 3;
	O_FD("btf(sz 3)", bpf_btf_load(&good, sizeof(good), &d));
}

static void bind_map(void)
{
	int prog = bpf_prog_load(SF, "bind", "GPL", ret1, 2, NULL);
	int map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bound", 4, 8, 1, NULL);

	O_INT("bind_map", bpf_prog_bind_map(prog, map, NULL));
	O_INT("bind_map(map -1)", bpf_prog_bind_map(prog, -1, NULL));
	O_INT("bind_map(map as prog)", bpf_prog_bind_map(map, map, NULL));
	LIBBPF_OPTS(bpf_prog_bind_opts, f, .flags = 1);
	O_INT("bind_map(flags 1)", bpf_prog_bind_map(prog, map, &f));
	f.sz = 2;
	O_INT("bind_map(sz 2)", bpf_prog_bind_map(prog, map, &f));
	close(map);
	close(prog);
}

static char cg_dir[300];

static void query(int cg, enum bpf_attach_type type, __u32 room, const char *what, int p1, int p2)
{
	__u32 ids[4] = { 0 }, flags = 0xdead, cnt = room;

	O_INT("query(%s, room %u)", bpf_prog_query(cg, type, 0, &flags, ids, &cnt), what, room);
	printf("  cnt=%u flags=%#x ids=%s%s\n", cnt, flags,
	       cnt > 0 && room > 0 && ids[0] == raw_prog_id(p1) ? "p1" :
	       cnt > 0 && room > 0 && ids[0] == raw_prog_id(p2) ? "p2" : "-",
	       cnt > 1 && room > 1 ? (ids[1] == raw_prog_id(p1) ? ",p1" : ",p2") : "");
}

static void attach(int cg)
{
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_CGROUP_INET_INGRESS);
	int p1 = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "one", "GPL", ret1, 2, &lo);
	int p2 = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "two", "GPL", ret1, 2, &lo);
	int p3 = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "three", "GPL", ret1, 2, NULL);
	int link;

	O_INT("attach(p1, ingress)", bpf_prog_attach(p1, cg, BPF_CGROUP_INET_INGRESS, 0));
	query(cg, BPF_CGROUP_INET_INGRESS, 4, "ingress", p1, p2);
	query(cg, BPF_CGROUP_INET_INGRESS, 0, "ingress", p1, p2);
	O_INT("attach(p2, ingress)", bpf_prog_attach(p2, cg, BPF_CGROUP_INET_INGRESS, 0));
	query(cg, BPF_CGROUP_INET_INGRESS, 4, "ingress", p1, p2);
	O_INT("attach(p1, type 9999)", bpf_prog_attach(p1, cg, 9999, 0));
	O_INT("attach(-1)", bpf_prog_attach(-1, cg, BPF_CGROUP_INET_INGRESS, 0));
	O_INT("attach(p1, cg -1)", bpf_prog_attach(p1, -1, BPF_CGROUP_INET_INGRESS, 0));
	LIBBPF_OPTS(bpf_prog_attach_opts, ao, .flags = BPF_F_ALLOW_MULTI);
	O_INT("attach_opts(p1, ingress, multi)",
	      bpf_prog_attach_opts(p1, cg, BPF_CGROUP_INET_INGRESS, &ao));
	O_INT("detach(ingress)", bpf_prog_detach(cg, BPF_CGROUP_INET_INGRESS));
	O_INT("detach(ingress) again", bpf_prog_detach(cg, BPF_CGROUP_INET_INGRESS));

	O_INT("attach_opts(p3, egress, multi)",
	      bpf_prog_attach_opts(p3, cg, BPF_CGROUP_INET_EGRESS, &ao));
	LIBBPF_OPTS(bpf_prog_attach_opts, rp, .flags = BPF_F_ALLOW_MULTI | BPF_F_REPLACE,
		    .replace_prog_fd = p3);
	O_INT("attach_opts(p2, egress, replace p3)",
	      bpf_prog_attach_opts(p2, cg, BPF_CGROUP_INET_EGRESS, &rp));
	O_INT("attach_opts(p1, egress, replace p3)",
	      bpf_prog_attach_opts(p1, cg, BPF_CGROUP_INET_EGRESS, &rp));
	O_INT("attach_opts(p3, egress, multi)",
	      bpf_prog_attach_opts(p3, cg, BPF_CGROUP_INET_EGRESS, &ao));
	query(cg, BPF_CGROUP_INET_EGRESS, 4, "egress", p2, p3);
	query(cg, BPF_CGROUP_INET_EGRESS, 1, "egress", p2, p3);
	LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_cnt = 0, .attach_flags = 7);
	O_INT("query_opts(egress)", bpf_prog_query_opts(cg, BPF_CGROUP_INET_EGRESS, &q));
	printf("  cnt=%u flags=%#x\n", q.prog_cnt, q.attach_flags);
	q.query_flags = BPF_F_QUERY_EFFECTIVE;
	O_INT("query_opts(egress, effective)", bpf_prog_query_opts(cg, BPF_CGROUP_INET_EGRESS, &q));
	printf("  cnt=%u flags=%#x\n", q.prog_cnt, q.attach_flags);
	q.query_flags = 0x100;
	O_INT("query_opts(flags 0x100)", bpf_prog_query_opts(cg, BPF_CGROUP_INET_EGRESS, &q));
	q.sz = 4;
	O_INT("query_opts(sz 4)", bpf_prog_query_opts(cg, BPF_CGROUP_INET_EGRESS, &q));
	O_INT("detach(egress, multi)", bpf_prog_detach(cg, BPF_CGROUP_INET_EGRESS));
	O_INT("detach2(p3, egress)", bpf_prog_detach2(p3, cg, BPF_CGROUP_INET_EGRESS));
	O_INT("detach2(p3, egress) again", bpf_prog_detach2(p3, cg, BPF_CGROUP_INET_EGRESS));
	O_INT("detach2(p2, egress)", bpf_prog_detach2(p2, cg, BPF_CGROUP_INET_EGRESS));

	/* Links. */
	link = bpf_link_create(p1, cg, BPF_CGROUP_INET_INGRESS, NULL);
	printf("link_create(p1, ingress) ok: %d\n", link > 2);
	query(cg, BPF_CGROUP_INET_INGRESS, 4, "ingress", p1, p2);
	O_INT("attach(p2, ingress) beside a link", bpf_prog_attach(p2, cg, BPF_CGROUP_INET_INGRESS, 0));
	O_INT("link_update(p2)", bpf_link_update(link, p2, NULL));
	query(cg, BPF_CGROUP_INET_INGRESS, 4, "ingress", p1, p2);
	LIBBPF_OPTS(bpf_link_update_opts, u, .flags = BPF_F_REPLACE, .old_prog_fd = p1);
	O_INT("link_update(p1, replace p1)", bpf_link_update(link, p1, &u));
	u.old_prog_fd = p2;
	O_INT("link_update(p1, replace p2)", bpf_link_update(link, p1, &u));
	query(cg, BPF_CGROUP_INET_INGRESS, 4, "ingress", p1, p2);
	O_INT("link_update(-1)", bpf_link_update(-1, p1, NULL));
	u.sz = 2;
	O_INT("link_update(sz 2)", bpf_link_update(link, p1, &u));
	O_FD("link_create(p2, ingress)", bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, NULL));
	LIBBPF_OPTS(bpf_link_create_opts, l1, .iter_info_len = 4);
	O_FD("link_create(iter_info_len)", bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &l1));
	LIBBPF_OPTS(bpf_link_create_opts, l2, .perf_event.bpf_cookie = 1);
	O_FD("link_create(bpf_cookie)", bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &l2));
	LIBBPF_OPTS(bpf_link_create_opts, l3, .iter_info_len = 4, .target_btf_id = 1);
	O_FD("link_create(iter_info_len+btf_id)",
	     bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &l3));
	LIBBPF_OPTS(bpf_link_create_opts, l4, .target_btf_id = 1, .kprobe_multi.cnt = 1);
	O_FD("link_create(btf_id+kprobe_multi)",
	     bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &l4));
	LIBBPF_OPTS(bpf_link_create_opts, l5, .target_btf_id = 1);
	O_FD("link_create(btf_id)", bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &l5));
	LIBBPF_OPTS(bpf_link_create_opts, l6, .flags = 0x1000);
	O_FD("link_create(flags 0x1000)", bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &l6));
	l6.sz = 3;
	O_FD("link_create(sz 3)", bpf_link_create(p2, cg, BPF_CGROUP_INET_INGRESS, &l6));
	O_FD("link_create(-1)", bpf_link_create(-1, cg, BPF_CGROUP_INET_INGRESS, NULL));
	O_FD("iter_create(cgroup link)", bpf_iter_create(link));
	O_FD("iter_create(-1)", bpf_iter_create(-1));
	O_INT("link_detach", bpf_link_detach(link));
	query(cg, BPF_CGROUP_INET_INGRESS, 4, "ingress", p1, p2);
	O_INT("link_detach again", bpf_link_detach(link));
	O_INT("link_update(detached)", bpf_link_update(link, p2, NULL));
	O_INT("link_detach(-1)", bpf_link_detach(-1));
	close(link);
	close(p1);
	close(p2);
	close(p3);
}

static void raw_tp(void)
{
	int prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "rawtp", "GPL", ret0, 2, NULL);
	int fd = bpf_raw_tracepoint_open("sys_enter", prog);

	printf("raw_tracepoint_open(sys_enter) ok: %d\n", fd > 2);
	O_FD("raw_tracepoint_open(no such)", bpf_raw_tracepoint_open("libbpfrs_no_such_tp", prog));
	O_FD("raw_tracepoint_open(fd -1)", bpf_raw_tracepoint_open("sys_enter", -1));
	O_FD("raw_tracepoint_open(NULL name)", bpf_raw_tracepoint_open(NULL, prog));
	O_INT("link_detach(raw tp)", bpf_link_detach(fd));
	O_FD("link_create(raw tp prog, RAW_TP)", bpf_link_create(prog, 0, BPF_TRACE_RAW_TP, NULL));
	O_FD("link_create(raw tp prog, FENTRY)", bpf_link_create(prog, 0, BPF_TRACE_FENTRY, NULL));
	O_FD("link_create(raw tp prog, ingress)",
	     bpf_link_create(prog, 0, BPF_CGROUP_INET_INGRESS, NULL));
	close(fd);
	close(prog);
}

/* BTF-typed programs: targets found in the kernel's own BTF. */
static __u32 vmlinux_find(const char *name, unsigned int kind)
{
	static char *data;
	static size_t len;
	const struct btf_header *h;
	const char *p, *end, *strs;
	__u32 id = 1;

	if (!data) {
		struct stat st;
		int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY);
		ssize_t n;

		if (fd < 0 || fstat(fd, &st) || !(data = malloc(st.st_size)))
			return 0;
		while (len < (size_t)st.st_size && (n = read(fd, data + len, st.st_size - len)) > 0)
			len += n;
		close(fd);
	}
	h = (const void *)data;
	if (len < sizeof(*h) || h->magic != BTF_MAGIC)
		return 0;
	p = data + h->hdr_len + h->type_off;
	end = p + h->type_len;
	strs = data + h->hdr_len + h->str_off;
	for (; p + sizeof(struct btf_type) <= end; id++) {
		const struct btf_type *t = (const void *)p;
		unsigned int k = BTF_INFO_KIND(t->info), vlen = BTF_INFO_VLEN(t->info);
		static const unsigned char fixed[20] = { 0, 4, 0, 12, 0, 0, 0, 0, 0, 0,
							 0, 0, 0, 0, 4, 0, 0, 4, 0, 0 };
		static const unsigned char per[20] = { 0, 0, 0, 0, 12, 12, 8, 0, 0, 0,
						       0, 0, 0, 8, 0, 12, 0, 0, 0, 12 };

		if (k == kind && !strcmp(strs + t->name_off, name))
			return id;
		p += sizeof(*t) + (k < 20 ? fixed[k] + vlen * per[k] : 0);
	}
	return 0;
}

static void btf_typed(void)
{
	__u32 tp = vmlinux_find("btf_trace_sys_enter", BTF_KIND_TYPEDEF);
	__u32 it = vmlinux_find("bpf_iter_bpf_map_elem", BTF_KIND_FUNC);
	union bpf_iter_link_info linfo;
	int prog, map, link;
	char buf[16];

	printf("vmlinux BTF targets found: %d %d\n", tp > 0, it > 0);
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_RAW_TP,
		    .attach_btf_id = tp);
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "tp_btf", "GPL", ret0, 2, &o);
	O_FD("link_create(tp_btf, RAW_TP)", bpf_link_create(prog, 0, BPF_TRACE_RAW_TP, NULL));
	O_FD("raw_tracepoint_open(NULL, tp_btf)", bpf_raw_tracepoint_open(NULL, prog));
	O_FD("raw_tracepoint_open(name, tp_btf)", bpf_raw_tracepoint_open("sys_enter", prog));
	O_FD("link_create(tp_btf, FENTRY) -> fallback",
	     bpf_link_create(prog, 0, BPF_TRACE_FENTRY, NULL));
	O_FD("link_create(tp_btf, FENTRY, target 1)",
	     bpf_link_create(prog, 1, BPF_TRACE_FENTRY, NULL));
	LIBBPF_OPTS(bpf_link_create_opts, ck, .tracing.cookie = 1);
	O_FD("link_create(tp_btf, FENTRY, cookie)", bpf_link_create(prog, 0, BPF_TRACE_FENTRY, &ck));
	LIBBPF_OPTS(bpf_link_create_opts, zero);
	O_FD("link_create(tp_btf, LSM_MAC, zero opts)",
	     bpf_link_create(prog, 0, BPF_LSM_MAC, &zero));
	zero.flags = 1;
	O_FD("link_create(tp_btf, LSM_MAC, flags 1)", bpf_link_create(prog, 0, BPF_LSM_MAC, &zero));
	LIBBPF_OPTS(bpf_link_create_opts, ks, .kprobe_multi.syms = (const char **)8);
	O_FD("link_create(tp_btf, FEXIT, bytes past cookie)",
	     bpf_link_create(prog, 0, BPF_TRACE_FEXIT, &ks));
	close(prog);

	LIBBPF_OPTS(bpf_prog_load_opts, io, .expected_attach_type = BPF_TRACE_ITER,
		    .attach_btf_id = it);
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "iter", "GPL", ret0, 2, &io);
	map = bpf_map_create(BPF_MAP_TYPE_HASH, "iter_map", 4, 4, 4, NULL);
	memset(&linfo, 0, sizeof(linfo));
	linfo.map.map_fd = map;
	LIBBPF_OPTS(bpf_link_create_opts, lo, .iter_info = &linfo, .iter_info_len = sizeof(linfo));
	link = bpf_link_create(prog, 0, BPF_TRACE_ITER, &lo);
	printf("link_create(iter) ok: %d\n", link > 2);
	O_FD("link_create(iter, no map)", bpf_link_create(prog, 0, BPF_TRACE_ITER, NULL));
	lo.iter_info_len = 2;
	O_FD("link_create(iter, short info)", bpf_link_create(prog, 0, BPF_TRACE_ITER, &lo));
	int fd = bpf_iter_create(link);
	printf("iter_create ok: %d\n", fd > 2);
	O_INT("read(iter)", read(fd, buf, sizeof(buf)));
	close(fd);
	O_FD("iter_create(map fd)", bpf_iter_create(map));
	close(link);
	close(map);
	close(prog);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n++;
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	int cg, fds;

	o_require_root();
	fds = count_fds();
	prog_load();
	verifier_log();
	func_info();
	test_run();
	btf_load();
	bind_map();
	cg = cg2_make_dir("libbpfrs-oracle-prog", cg_dir, sizeof(cg_dir));
	printf("cgroup v2 directory: %d\n", cg >= 0);
	if (cg >= 0) {
		attach(cg);
		close(cg);
		o_self_check(rmdir(cg_dir) == 0, "rmdir %s: %s", cg_dir, strerror(errno));
		cg2_release();
	}
	raw_tp();
	btf_typed();
	printf("fds leaked: %d\n", count_fds() - fds);
	return o_done();
}
