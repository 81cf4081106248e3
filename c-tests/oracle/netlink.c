/* Oracle: XDP and TC by netlink (bpf_xdp_attach/detach/query/query_id,
 * bpf_tc_hook_create/destroy, bpf_tc_attach/detach/query) of libbpf 1.1.2 against
 * libbpfrs, on a veth in network namespaces this program creates (nl_netns.h).
 * Each line is one call with its return value and errno, plus the written-back
 * fields as facts that do not depend on ids (id == the program's id, modes,
 * handles, priorities). Covers the opts checks made in user space and the
 * kernel's answers (EEXIST, EBUSY, ENODEV, ENOENT, ...). */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <sys/syscall.h>
#include "nl_netns.h"

#include "insns.h"
#include "raw_bpf.h"

static const struct bpf_insn ret_pass[] = { MOV64_IMM(0, XDP_PASS), EXIT_INSN() };
static const struct bpf_insn ret_ok[] = { MOV64_IMM(0, 0), EXIT_INSN() };

static int p1, p2, pc, mapfd, ifx;
static __u32 id1, id2, idc;

static const char *which(__u32 id)
{
	if (id == 0)
		return "0";
	if (id == id1)
		return "p1";
	if (id == id2)
		return "p2";
	if (id == idc)
		return "cls";
	return "other";
}

static void show_query(const char *what, int flags)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int r;

	errno = 0;
	r = bpf_xdp_query(ifx, flags, &q);
	printf("  %s: bpf_xdp_query(flags=%d) = %d errno=%s prog=%s drv=%s skb=%s hw=%s mode=%u\n",
	       what, flags, r, o_errname(r ? errno : 0), which(q.prog_id), which(q.drv_prog_id),
	       which(q.skb_prog_id), which(q.hw_prog_id), q.attach_mode);
}

static void show_query_id(int flags)
{
	__u32 id = 12345;
	int r;

	errno = 0;
	r = bpf_xdp_query_id(ifx, flags, &id);
	printf("  bpf_xdp_query_id(flags=%d) = %d errno=%s id=%s\n", flags, r,
	       o_errname(r ? errno : 0), id == 12345 ? "untouched" : which(id));
}

static void xdp_attach_old(const char *what, int fd, __u32 flags, int old)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = old);

	O_INT("bpf_xdp_attach(%s, flags=%u, old)", bpf_xdp_attach(ifx, fd, flags, &o), what, flags);
}

static void xdp_part(void)
{
	char big[sizeof(struct bpf_xdp_query_opts) + 8];
	struct bpf_xdp_query_opts *bq = (void *)big;
	struct bpf_xdp_attach_opts small = { .sz = 4 };

	printf("xdp:\n");
	show_query("fresh", 0);
	show_query_id(0);
	O_INT("bpf_xdp_query(NULL opts)", bpf_xdp_query(ifx, 0, NULL));
	O_INT("bpf_xdp_query(SKB|DRV)", bpf_xdp_query(ifx, XDP_FLAGS_SKB_MODE | XDP_FLAGS_DRV_MODE, NULL));
	O_INT("bpf_xdp_query(1<<5)", bpf_xdp_query(ifx, 1 << 5, NULL));
	O_INT("bpf_xdp_query(-1)", bpf_xdp_query(ifx, -1, NULL));
	O_INT("bpf_xdp_query(REPLACE|NOEXIST|HW)",
	      bpf_xdp_query(ifx, XDP_FLAGS_REPLACE | XDP_FLAGS_UPDATE_IF_NOEXIST | XDP_FLAGS_HW_MODE, NULL));
	O_INT("bpf_xdp_query(missing ifindex)", bpf_xdp_query(99999, 0, NULL));
	O_INT("bpf_xdp_query(ifindex 0)", bpf_xdp_query(0, 0, NULL));
	memset(big, 0, sizeof(big));
	bq->sz = 4;
	O_INT("bpf_xdp_query(sz=4)", bpf_xdp_query(ifx, 0, bq));
	bq->sz = sizeof(big);
	O_INT("bpf_xdp_query(sz big, zero tail)", bpf_xdp_query(ifx, 0, bq));
	big[sizeof(big) - 1] = 1;
	O_INT("bpf_xdp_query(sz big, non-zero tail)", bpf_xdp_query(ifx, 0, bq));
	O_INT("bpf_xdp_query_id(SKB|DRV)", ({
		      __u32 id;
		      bpf_xdp_query_id(ifx, XDP_FLAGS_SKB_MODE | XDP_FLAGS_DRV_MODE, &id);
	      }));

	O_INT("bpf_xdp_attach(opts sz=4)", bpf_xdp_attach(ifx, p1, XDP_FLAGS_SKB_MODE, (void *)&small));
	O_INT("bpf_xdp_attach(missing ifindex)", bpf_xdp_attach(99999, p1, XDP_FLAGS_SKB_MODE, NULL));
	O_INT("bpf_xdp_attach(bad fd)", bpf_xdp_attach(ifx, 999, XDP_FLAGS_SKB_MODE, NULL));
	O_INT("bpf_xdp_attach(map fd)", bpf_xdp_attach(ifx, mapfd, XDP_FLAGS_SKB_MODE, NULL));
	O_INT("bpf_xdp_attach(cls prog)", bpf_xdp_attach(ifx, pc, XDP_FLAGS_SKB_MODE, NULL));
	O_INT("bpf_xdp_attach(flags 1<<7)", bpf_xdp_attach(ifx, p1, 1 << 7, NULL));
	O_INT("bpf_xdp_attach(SKB|DRV)", bpf_xdp_attach(ifx, p1, XDP_FLAGS_SKB_MODE | XDP_FLAGS_DRV_MODE, NULL));
	xdp_attach_old("p1 on empty", p1, XDP_FLAGS_SKB_MODE, p2);
	show_query("still empty", 0);

	O_INT("bpf_xdp_attach(p1, SKB)", bpf_xdp_attach(ifx, p1, XDP_FLAGS_SKB_MODE, NULL));
	show_query("skb p1", 0);
	show_query("skb p1", XDP_FLAGS_SKB_MODE);
	show_query_id(0);
	show_query_id(XDP_FLAGS_SKB_MODE);
	show_query_id(XDP_FLAGS_DRV_MODE);
	show_query_id(XDP_FLAGS_HW_MODE);
	O_INT("bpf_xdp_attach(p2, SKB|NOEXIST)",
	      bpf_xdp_attach(ifx, p2, XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL));
	xdp_attach_old("p2, wrong old", p2, XDP_FLAGS_SKB_MODE, p2);
	xdp_attach_old("p2, wrong old -1", p2, XDP_FLAGS_SKB_MODE, -1);
	show_query("after failed replace", 0);
	xdp_attach_old("p2, old p1", p2, XDP_FLAGS_SKB_MODE, p1);
	show_query("replaced", 0);
	O_INT("bpf_xdp_attach(p1, DRV while SKB)", bpf_xdp_attach(ifx, p1, XDP_FLAGS_DRV_MODE, NULL));
	O_INT("bpf_xdp_attach(p1, default while SKB)", bpf_xdp_attach(ifx, p1, 0, NULL));
	O_INT("bpf_xdp_attach(p1, SKB, no replace)", bpf_xdp_attach(ifx, p1, XDP_FLAGS_SKB_MODE, NULL));
	show_query("overwritten", 0);
	O_INT("bpf_xdp_detach(DRV)", bpf_xdp_detach(ifx, XDP_FLAGS_DRV_MODE, NULL));
	O_INT("bpf_xdp_detach(SKB)", bpf_xdp_detach(ifx, XDP_FLAGS_SKB_MODE, NULL));
	show_query("detached", 0);
	O_INT("bpf_xdp_detach(SKB) again", bpf_xdp_detach(ifx, XDP_FLAGS_SKB_MODE, NULL));

	O_INT("bpf_xdp_attach(p1, default)", bpf_xdp_attach(ifx, p1, 0, NULL));
	show_query("default p1", 0);
	show_query_id(0);
	show_query_id(XDP_FLAGS_DRV_MODE);
	show_query_id(XDP_FLAGS_SKB_MODE);
	O_INT("bpf_xdp_attach(p2, SKB while DRV)", bpf_xdp_attach(ifx, p2, XDP_FLAGS_SKB_MODE, NULL));
	xdp_attach_old("p2 DRV, old p1", p2, XDP_FLAGS_DRV_MODE, p1);
	show_query("drv replaced", 0);
	{
		LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = p1);
		O_INT("bpf_xdp_detach(old p1, wrong)", bpf_xdp_detach(ifx, 0, &o));
		o.old_prog_fd = p2;
		O_INT("bpf_xdp_detach(old p2)", bpf_xdp_detach(ifx, 0, &o));
	}
	show_query("end", 0);
}

static void tc_show(const char *what, int r, struct bpf_tc_opts *o)
{
	printf("  %s = %d errno=%s prog_id=%s handle=%#x priority=%u\n", what, r,
	       o_errname(r ? errno : 0), which(o->prog_id), o->handle, o->priority);
}

#define TC_CALL(what, call, o)              \
	do {                                \
		int __r;                    \
		errno = 0;                  \
		__r = (call);               \
		tc_show(what, __r, o);      \
	} while (0)

static void tc_part(void)
{
	LIBBPF_OPTS(bpf_tc_hook, in, .ifindex = ifx, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_hook, eg, .ifindex = ifx, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_hook, both, .ifindex = ifx, .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_hook, h);
	LIBBPF_OPTS(bpf_tc_opts, o);
	char big[sizeof(struct bpf_tc_opts) + 8];
	struct bpf_tc_opts *bo = (void *)big;

	printf("tc:\n");
	o.prog_fd = pc;
	o.handle = 1;
	o.priority = 1;
	TC_CALL("bpf_tc_attach(no qdisc)", bpf_tc_attach(&in, &o), &o);
	o.prog_id = 0;
	O_INT("bpf_tc_hook_destroy(ingress, no qdisc)", bpf_tc_hook_destroy(&in));
	O_INT("bpf_tc_hook_destroy(both, no qdisc)", bpf_tc_hook_destroy(&both));

	O_INT("bpf_tc_hook_create(NULL)", bpf_tc_hook_create(NULL));
	h = in;
	h.ifindex = 0;
	O_INT("bpf_tc_hook_create(ifindex 0)", bpf_tc_hook_create(&h));
	h.ifindex = -3;
	O_INT("bpf_tc_hook_create(ifindex -3)", bpf_tc_hook_create(&h));
	h.ifindex = 99999;
	O_INT("bpf_tc_hook_create(missing ifindex)", bpf_tc_hook_create(&h));
	h = in;
	h.attach_point = BPF_TC_CUSTOM;
	O_INT("bpf_tc_hook_create(CUSTOM)", bpf_tc_hook_create(&h));
	h.parent = BPF_TC_PARENT(1, 0);
	O_INT("bpf_tc_hook_create(CUSTOM, parent)", bpf_tc_hook_create(&h));
	h.attach_point = BPF_TC_INGRESS;
	O_INT("bpf_tc_hook_create(INGRESS, parent)", bpf_tc_hook_create(&h));
	h = in;
	h.attach_point = 0;
	O_INT("bpf_tc_hook_create(attach_point 0)", bpf_tc_hook_create(&h));
	h.attach_point = 8;
	O_INT("bpf_tc_hook_create(attach_point 8)", bpf_tc_hook_create(&h));
	h.attach_point = BPF_TC_EGRESS | BPF_TC_CUSTOM;
	O_INT("bpf_tc_hook_create(EGRESS|CUSTOM)", bpf_tc_hook_create(&h));
	h = in;
	h.sz = 4;
	O_INT("bpf_tc_hook_create(sz=4)", bpf_tc_hook_create(&h));

	O_INT("bpf_tc_hook_create(ingress)", bpf_tc_hook_create(&in));
	O_INT("bpf_tc_hook_create(ingress) again", bpf_tc_hook_create(&in));
	O_INT("bpf_tc_hook_create(egress) after ingress", bpf_tc_hook_create(&eg));
	O_INT("bpf_tc_hook_create(both) after ingress", bpf_tc_hook_create(&both));

	TC_CALL("bpf_tc_attach(NULL hook)", bpf_tc_attach(NULL, &o), &o);
	O_INT("bpf_tc_attach(NULL opts)", bpf_tc_attach(&in, NULL));
	o.prog_id = 5;
	TC_CALL("bpf_tc_attach(prog_fd and prog_id)", bpf_tc_attach(&in, &o), &o);
	o.prog_id = 0;
	o.prog_fd = 0;
	TC_CALL("bpf_tc_attach(no prog_fd)", bpf_tc_attach(&in, &o), &o);
	o.prog_fd = 999;
	TC_CALL("bpf_tc_attach(bad fd)", bpf_tc_attach(&in, &o), &o);
	o.prog_fd = mapfd;
	TC_CALL("bpf_tc_attach(map fd)", bpf_tc_attach(&in, &o), &o);
	o.prog_fd = p1;
	TC_CALL("bpf_tc_attach(xdp prog)", bpf_tc_attach(&in, &o), &o);
	o.prog_fd = pc;
	o.flags = 2;
	TC_CALL("bpf_tc_attach(flags 2)", bpf_tc_attach(&in, &o), &o);
	o.flags = 0;
	o.priority = 0x10000;
	TC_CALL("bpf_tc_attach(priority 0x10000)", bpf_tc_attach(&in, &o), &o);
	o.priority = 1;
	h = in;
	h.parent = 1;
	TC_CALL("bpf_tc_attach(INGRESS with parent)", bpf_tc_attach(&h, &o), &o);
	h.attach_point = BPF_TC_CUSTOM;
	h.parent = 0;
	TC_CALL("bpf_tc_attach(CUSTOM, no parent)", bpf_tc_attach(&h, &o), &o);
	h.parent = BPF_TC_PARENT(0x77, 0);
	TC_CALL("bpf_tc_attach(CUSTOM, missing parent)", bpf_tc_attach(&h, &o), &o);
	h.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	h.parent = 0;
	TC_CALL("bpf_tc_attach(INGRESS|EGRESS)", bpf_tc_attach(&h, &o), &o);
	h.attach_point = 0;
	TC_CALL("bpf_tc_attach(attach_point 0)", bpf_tc_attach(&h, &o), &o);
	h = in;
	h.ifindex = 0;
	TC_CALL("bpf_tc_attach(ifindex 0)", bpf_tc_attach(&h, &o), &o);
	memset(big, 0, sizeof(big));
	memcpy(big, &o, sizeof(o));
	bo->sz = sizeof(big);
	big[sizeof(big) - 2] = 1;
	TC_CALL("bpf_tc_attach(sz big, non-zero tail)", bpf_tc_attach(&in, bo), bo);
	bo->sz = 4;
	TC_CALL("bpf_tc_attach(sz=4)", bpf_tc_attach(&in, bo), bo);

	TC_CALL("bpf_tc_attach(h1 p1)", bpf_tc_attach(&in, &o), &o);
	o.prog_id = 0;
	TC_CALL("bpf_tc_attach(h1 p1) again", bpf_tc_attach(&in, &o), &o);
	o.prog_id = 0;
	o.flags = BPF_TC_F_REPLACE;
	TC_CALL("bpf_tc_attach(h1 p1, REPLACE)", bpf_tc_attach(&in, &o), &o);
	o.prog_id = 0;
	o.flags = 0;
	o.handle = 0;
	o.priority = 0;
	TC_CALL("bpf_tc_attach(auto handle and priority)", bpf_tc_attach(&in, &o), &o);
	{
		LIBBPF_OPTS(bpf_tc_opts, d, .handle = o.handle, .priority = o.priority);
		O_INT("bpf_tc_detach(auto one)", bpf_tc_detach(&in, &d));
	}
	o.prog_id = 0;
	o.handle = 2;
	o.priority = 0;
	TC_CALL("bpf_tc_attach(h2, priority 0)", bpf_tc_attach(&in, &o), &o);
	o.prog_id = 0;
	o.handle = 0;
	o.priority = 7;
	TC_CALL("bpf_tc_attach(handle 0, p7)", bpf_tc_attach(&in, &o), &o);
	o.prog_id = 0;
	o.handle = 1;
	o.priority = 1;
	TC_CALL("bpf_tc_attach(egress h1 p1)", bpf_tc_attach(&eg, &o), &o);

	{
		LIBBPF_OPTS(bpf_tc_opts, q, .handle = 1, .priority = 1);
		TC_CALL("bpf_tc_query(h1 p1)", bpf_tc_query(&in, &q), &q);
		q.prog_id = 0;
		q.handle = 9;
		TC_CALL("bpf_tc_query(h9 p1)", bpf_tc_query(&in, &q), &q);
		q.handle = 1;
		q.priority = 9;
		TC_CALL("bpf_tc_query(h1 p9)", bpf_tc_query(&in, &q), &q);
		q.priority = 1;
		q.prog_fd = pc;
		TC_CALL("bpf_tc_query(prog_fd set)", bpf_tc_query(&in, &q), &q);
		q.prog_fd = 0;
		q.prog_id = idc;
		TC_CALL("bpf_tc_query(prog_id set)", bpf_tc_query(&in, &q), &q);
		q.prog_id = 0;
		q.flags = BPF_TC_F_REPLACE;
		TC_CALL("bpf_tc_query(flags set)", bpf_tc_query(&in, &q), &q);
		q.flags = 0;
		q.handle = 0;
		TC_CALL("bpf_tc_query(handle 0)", bpf_tc_query(&in, &q), &q);
		q.handle = 1;
		q.priority = 0;
		TC_CALL("bpf_tc_query(priority 0)", bpf_tc_query(&in, &q), &q);
		q.priority = 0x10000;
		TC_CALL("bpf_tc_query(priority 0x10000)", bpf_tc_query(&in, &q), &q);
		q.priority = 1;
		O_INT("bpf_tc_query(NULL opts)", bpf_tc_query(&in, NULL));
		O_INT("bpf_tc_query(NULL hook)", bpf_tc_query(NULL, &q));
		TC_CALL("bpf_tc_query(egress h1 p1)", bpf_tc_query(&eg, &q), &q);
	}
	{
		LIBBPF_OPTS(bpf_tc_opts, d, .handle = 1, .priority = 1);
		O_INT("bpf_tc_detach(NULL opts)", bpf_tc_detach(&in, NULL));
		O_INT("bpf_tc_detach(NULL hook)", bpf_tc_detach(NULL, &d));
		d.handle = 0;
		O_INT("bpf_tc_detach(handle 0)", bpf_tc_detach(&in, &d));
		d.handle = 1;
		d.priority = 0;
		O_INT("bpf_tc_detach(priority 0)", bpf_tc_detach(&in, &d));
		d.priority = 0x10000;
		O_INT("bpf_tc_detach(priority 0x10000)", bpf_tc_detach(&in, &d));
		d.priority = 1;
		d.prog_fd = pc;
		O_INT("bpf_tc_detach(prog_fd set)", bpf_tc_detach(&in, &d));
		d.prog_fd = 0;
		d.prog_id = idc;
		O_INT("bpf_tc_detach(prog_id set)", bpf_tc_detach(&in, &d));
		d.prog_id = 0;
		d.flags = BPF_TC_F_REPLACE;
		O_INT("bpf_tc_detach(flags set)", bpf_tc_detach(&in, &d));
		d.flags = 0;
		d.handle = 9;
		O_INT("bpf_tc_detach(missing h9)", bpf_tc_detach(&in, &d));
		d.handle = 1;
		O_INT("bpf_tc_detach(h1 p1)", bpf_tc_detach(&in, &d));
		O_INT("bpf_tc_detach(h1 p1) again", bpf_tc_detach(&in, &d));
	}
	h = in;
	h.attach_point = BPF_TC_CUSTOM;
	O_INT("bpf_tc_hook_destroy(CUSTOM)", bpf_tc_hook_destroy(&h));
	h.attach_point = 0;
	O_INT("bpf_tc_hook_destroy(attach_point 0)", bpf_tc_hook_destroy(&h));
	h = in;
	h.ifindex = 0;
	O_INT("bpf_tc_hook_destroy(ifindex 0)", bpf_tc_hook_destroy(&h));
	O_INT("bpf_tc_hook_destroy(NULL)", bpf_tc_hook_destroy(NULL));
	h = in;
	h.parent = 5;
	O_INT("bpf_tc_hook_destroy(ingress with parent)", bpf_tc_hook_destroy(&h));
	O_INT("bpf_tc_hook_destroy(egress)", bpf_tc_hook_destroy(&eg));
	{
		LIBBPF_OPTS(bpf_tc_opts, q, .handle = 1, .priority = 1);
		TC_CALL("bpf_tc_query(egress after flush)", bpf_tc_query(&eg, &q), &q);
	}
	O_INT("bpf_tc_hook_destroy(ingress)", bpf_tc_hook_destroy(&in));
	O_INT("bpf_tc_hook_destroy(ingress) again", bpf_tc_hook_destroy(&in));
	O_INT("bpf_tc_hook_destroy(both)", bpf_tc_hook_destroy(&both));
	O_INT("bpf_tc_hook_destroy(both) again", bpf_tc_hook_destroy(&both));
	O_INT("bpf_tc_hook_create(both)", bpf_tc_hook_create(&both));
	O_INT("bpf_tc_hook_create(ingress) after both", bpf_tc_hook_create(&in));
	O_INT("bpf_tc_hook_destroy(both)", bpf_tc_hook_destroy(&both));
}

int main(void)
{
	o_require_root();
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (nl_setup()) {
		printf("SKIP: cannot create network namespaces and a veth pair\n");
		return 77;
	}
	ifx = nl_ifindex;
	mapfd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "nl_or_map", 4, 8, 1, NULL);
	p1 = bpf_prog_load(BPF_PROG_TYPE_XDP, "nl_or_p1", "GPL", ret_pass, 2, NULL);
	p2 = bpf_prog_load(BPF_PROG_TYPE_XDP, "nl_or_p2", "GPL", ret_pass, 2, NULL);
	pc = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "nl_or_cls", "GPL", ret_ok, 2, NULL);
	if (mapfd < 0 || p1 < 0 || p2 < 0 || pc < 0) {
		printf("SKIP: cannot load XDP/SCHED_CLS programs\n");
		return 77;
	}
	id1 = raw_prog_id(p1);
	id2 = raw_prog_id(p2);
	idc = raw_prog_id(pc);
	xdp_part();
	tc_part();
	return o_done();
}
