/* TC by netlink against the real kernel, on a veth pair in two network
 * namespaces this test creates (nl_netns.h): a clsact hook
 * (bpf_tc_hook_create, -EEXIST the second time), a packet-counting cls_bpf
 * direct-action filter on ingress and one on egress (bpf_tc_attach with the
 * handle/priority written back), UDP traffic across the veth counted, queries,
 * replacement with BPF_TC_F_REPLACE, detach and flush, the argument checks, and
 * no fd leaks over attach/detach cycles. Failures are -errno in both error
 * modes, which CHECK_UERR checks. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>
#include "harness.h"
#include "nl_netns.h"
#include "nl_prog.h"

static int ifx, in_map, eg_map, in_fd, eg_fd, ok_fd;
static __u32 in_id, eg_id, ok_id;

/* Sends n datagrams from A (this process) to B: they leave through A's egress. */
static int send_from_a(int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), i, sent = 0;

	inet_pton(AF_INET, "10.199.0.2", &to.sin_addr);
	for (i = 0; i < n; i++)
		if (sendto(s, "libbpfrs", 8, 0, (struct sockaddr *)&to, sizeof(to)) == 8)
			sent++;
	close(s);
	return sent;
}

static void ingress(void)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifx, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, o, .prog_fd = in_fd, .handle = 1, .priority = 1);
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = 1, .priority = 1);
	LIBBPF_OPTS(bpf_tc_opts, d, .handle = 1, .priority = 1);
	__u64 before;

	CHECK_EQ(bpf_tc_hook_create(&hook), 0);
	CHECK_UERR(bpf_tc_hook_create(&hook), EEXIST);

	CHECK_EQ(bpf_tc_attach(&hook, &o), 0);
	CHECK_EQ(o.prog_id, in_id);
	CHECK_EQ(o.handle, 1);
	CHECK_EQ(o.priority, 1);
	CHECK_EQ(bpf_tc_query(&hook, &q), 0);
	CHECK_EQ(q.prog_id, in_id);

	nl_check_counted(in_map, nl_send_udp, 5, "ingress");

	/* Same handle/priority: EEXIST unless replacing. */
	o.prog_id = 0;
	o.prog_fd = ok_fd;
	CHECK_UERR(bpf_tc_attach(&hook, &o), EEXIST);
	o.prog_id = 0;
	o.flags = BPF_TC_F_REPLACE;
	CHECK_EQ(bpf_tc_attach(&hook, &o), 0);
	CHECK_EQ(o.prog_id, ok_id);
	q.prog_id = 0;
	CHECK_EQ(bpf_tc_query(&hook, &q), 0);
	CHECK_EQ(q.prog_id, ok_id);
	before = nl_count(in_map);
	CHECK_EQ(nl_send_udp(3), 3);
	CHECK_EQ(nl_count(in_map), before);

	/* Kernel-chosen handle and priority are written back. */
	o.prog_id = 0;
	o.flags = 0;
	o.handle = 0;
	o.priority = 0;
	o.prog_fd = in_fd;
	CHECK_EQ(bpf_tc_attach(&hook, &o), 0);
	CHECK(o.handle != 0 && o.priority != 0 && o.priority != 1, "auto handle %#x prio %u",
	      o.handle, o.priority);
	CHECK_EQ(o.prog_id, in_id);
	{
		LIBBPF_OPTS(bpf_tc_opts, d2, .handle = o.handle, .priority = o.priority);
		CHECK_EQ(bpf_tc_detach(&hook, &d2), 0);
		CHECK_UERR(bpf_tc_detach(&hook, &d2), ENOENT);
	}

	CHECK_EQ(bpf_tc_detach(&hook, &d), 0);
	CHECK_UERR(bpf_tc_detach(&hook, &d), ENOENT);
	/* With no filter left the chain is gone: the kernel says EINVAL ("Cannot
	 * find specified filter chain"), as under libbpf (oracle/netlink.c). */
	q.prog_id = 0;
	CHECK_UERR(bpf_tc_query(&hook, &q), EINVAL);
	CHECK_EQ(q.prog_id, 0);
}

static void egress(void)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifx, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, o, .prog_fd = eg_fd, .handle = 3, .priority = 2);
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = 3, .priority = 2);

	/* The clsact qdisc is shared by both directions. */
	CHECK_UERR(bpf_tc_hook_create(&hook), EEXIST);
	CHECK_EQ(bpf_tc_attach(&hook, &o), 0);
	CHECK_EQ(o.prog_id, eg_id);
	nl_check_counted(eg_map, send_from_a, 4, "egress");
	/* Destroying one direction flushes its filters. */
	CHECK_EQ(bpf_tc_hook_destroy(&hook), 0);
	CHECK(bpf_tc_query(&hook, &q) < 0, "egress filter survived the flush");
}

static void arg_checks(void)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifx, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_hook, h);
	LIBBPF_OPTS(bpf_tc_opts, o, .prog_fd = in_fd, .handle = 1, .priority = 1);
	int before = h_count_fds();

	CHECK_UERR(bpf_tc_hook_create(NULL), EINVAL);
	h = hook;
	h.ifindex = 0;
	CHECK_UERR(bpf_tc_hook_create(&h), EINVAL);
	CHECK_UERR(bpf_tc_attach(&h, &o), EINVAL);
	h = hook;
	h.attach_point = BPF_TC_CUSTOM;
	CHECK_UERR(bpf_tc_hook_create(&h), EOPNOTSUPP);
	CHECK_UERR(bpf_tc_hook_destroy(&h), EOPNOTSUPP);
	CHECK_UERR(bpf_tc_attach(&h, &o), EINVAL); /* custom without parent */
	h = hook;
	h.parent = BPF_TC_PARENT(1, 0);
	CHECK_UERR(bpf_tc_hook_create(&h), EINVAL);
	CHECK_UERR(bpf_tc_attach(&h, &o), EINVAL);
	h = hook;
	h.sz = 4;
	CHECK_UERR(bpf_tc_hook_create(&h), EINVAL);
	h = hook;
	h.ifindex = 999999;
	CHECK_UERR(bpf_tc_hook_create(&h), ENODEV);

	CHECK_UERR(bpf_tc_attach(NULL, &o), EINVAL);
	CHECK_UERR(bpf_tc_attach(&hook, NULL), EINVAL);
	o.prog_id = 7;
	CHECK_UERR(bpf_tc_attach(&hook, &o), EINVAL); /* prog_fd and prog_id */
	o.prog_id = 0;
	o.flags = 1 << 1;
	CHECK_UERR(bpf_tc_attach(&hook, &o), EINVAL);
	o.flags = 0;
	o.priority = 0x10000;
	CHECK_UERR(bpf_tc_attach(&hook, &o), EINVAL);
	o.priority = 1;
	o.prog_fd = 0;
	CHECK_UERR(bpf_tc_attach(&hook, &o), EINVAL);
	o.prog_fd = in_map; /* not a program: the kernel says EINVAL */
	CHECK_UERR(bpf_tc_attach(&hook, &o), EINVAL);
	o.prog_fd = in_fd;
	o.handle = 0;
	CHECK_UERR(bpf_tc_detach(&hook, &o), EINVAL); /* prog_fd set, no handle */
	CHECK_UERR(bpf_tc_detach(&hook, NULL), EINVAL);
	CHECK_UERR(bpf_tc_query(&hook, NULL), EINVAL);
	CHECK_EQ(h_count_fds(), before);
}

static void cycles(void)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifx, .attach_point = BPF_TC_INGRESS);
	int before = h_count_fds(), i;

	for (i = 0; i < 100; i++) {
		LIBBPF_OPTS(bpf_tc_opts, o, .prog_fd = in_fd, .handle = 5, .priority = 5);
		LIBBPF_OPTS(bpf_tc_opts, d, .handle = 5, .priority = 5);

		if (bpf_tc_attach(&hook, &o) || o.prog_id != in_id || bpf_tc_detach(&hook, &d))
			break;
	}
	CHECK_EQ(i, 100);
	CHECK_EQ(h_count_fds(), before);
}

int main(void)
{
	LIBBPF_OPTS(bpf_tc_hook, both, .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);

	require_root();
	if (nl_setup())
		h_skip("cannot create network namespaces and a veth pair");
	ifx = nl_ifindex;
	both.ifindex = ifx;
	in_map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "nl_tc_in", 4, 8, 1, NULL);
	eg_map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "nl_tc_eg", 4, 8, 1, NULL);
	in_fd = nl_load_counter(BPF_PROG_TYPE_SCHED_CLS, "nl_tc_in", in_map, TC_ACT_OK);
	eg_fd = nl_load_counter(BPF_PROG_TYPE_SCHED_CLS, "nl_tc_eg", eg_map, TC_ACT_OK);
	ok_fd = nl_load_ret(BPF_PROG_TYPE_SCHED_CLS, "nl_tc_ok", TC_ACT_OK);
	if (in_map < 0 || eg_map < 0 || in_fd < 0 || eg_fd < 0 || ok_fd < 0)
		h_skip("cannot load SCHED_CLS programs");
	in_id = raw_prog_id(in_fd);
	eg_id = raw_prog_id(eg_fd);
	ok_id = raw_prog_id(ok_fd);

	ingress();
	egress();
	arg_checks();
	cycles();
	CHECK_EQ(bpf_tc_hook_destroy(&both), 0);
	CHECK_UERR(bpf_tc_hook_destroy(&both), EINVAL);
	return h_done("tc_netlink");
}
