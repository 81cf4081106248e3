/* XDP by netlink against the real kernel, on a veth pair in two network
 * namespaces this test creates (nl_netns.h): a packet-counting XDP program is
 * attached in skb mode and in the default (driver) mode with bpf_xdp_attach,
 * UDP datagrams are sent across the veth and counted; ids are read back with
 * bpf_xdp_query/bpf_xdp_query_id; replacement with old_prog_fd and its EEXIST /
 * EBUSY refusals; the 0.x calls bpf_set_link_xdp_fd(_opts), bpf_get_link_xdp_id
 * and bpf_get_link_xdp_info; no fd leaks. Netlink failures are -errno in both
 * error modes (libbpf's libbpf_err), which CHECK_UERR checks. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "harness.h"
#include "nl_netns.h"
#include "nl_prog.h"

static int ifx, map_fd, cnt_fd, pass_fd;
static __u32 cnt_id, pass_id;

static __u32 query_id(int flags)
{
	__u32 id = 0xdead;

	CHECK_EQ(bpf_xdp_query_id(ifx, flags, &id), 0);
	return id;
}

static void traffic(const char *what)
{
	nl_check_counted(map_fd, nl_send_udp, 5, what);
}

static void skb_mode(void)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	LIBBPF_OPTS(bpf_xdp_attach_opts, o);

	CHECK_EQ(bpf_xdp_attach(ifx, cnt_fd, XDP_FLAGS_SKB_MODE, NULL), 0);
	CHECK_EQ(bpf_xdp_query(ifx, 0, &q), 0);
	CHECK_EQ(q.attach_mode, XDP_ATTACHED_SKB);
	CHECK_EQ(q.prog_id, cnt_id);
	CHECK_EQ(q.skb_prog_id, cnt_id);
	CHECK_EQ(q.drv_prog_id, 0);
	CHECK_EQ(q.hw_prog_id, 0);
	CHECK_EQ(query_id(0), cnt_id);
	CHECK_EQ(query_id(XDP_FLAGS_SKB_MODE), cnt_id);
	CHECK_EQ(query_id(XDP_FLAGS_DRV_MODE), 0);
	traffic("skb mode");

	/* Refusals: no-replace flag, wrong expected program, other mode. */
	CHECK_UERR(bpf_xdp_attach(ifx, pass_fd, XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL),
		   EBUSY);
	o.old_prog_fd = pass_fd;
	CHECK_UERR(bpf_xdp_attach(ifx, pass_fd, XDP_FLAGS_SKB_MODE, &o), EEXIST);
	CHECK_UERR(bpf_xdp_attach(ifx, pass_fd, XDP_FLAGS_DRV_MODE, NULL), EEXIST);
	CHECK_EQ(query_id(0), cnt_id);

	/* Replace with the right expected program, then back. */
	o.old_prog_fd = cnt_fd;
	CHECK_EQ(bpf_xdp_attach(ifx, pass_fd, XDP_FLAGS_SKB_MODE, &o), 0);
	CHECK_EQ(query_id(XDP_FLAGS_SKB_MODE), pass_id);
	o.old_prog_fd = pass_fd;
	CHECK_EQ(bpf_xdp_attach(ifx, cnt_fd, XDP_FLAGS_SKB_MODE, &o), 0);
	CHECK_EQ(query_id(0), cnt_id);

	CHECK_EQ(bpf_xdp_detach(ifx, XDP_FLAGS_SKB_MODE, NULL), 0);
	CHECK_EQ(bpf_xdp_query(ifx, 0, &q), 0);
	CHECK_EQ(q.attach_mode, XDP_ATTACHED_NONE);
	CHECK_EQ(q.prog_id, 0);
	CHECK_EQ(q.skb_prog_id, 0);
}

static void default_mode(void)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = pass_fd);

	CHECK_EQ(bpf_xdp_attach(ifx, cnt_fd, 0, NULL), 0);
	CHECK_EQ(bpf_xdp_query(ifx, XDP_FLAGS_DRV_MODE, &q), 0);
	CHECK_EQ(q.attach_mode, XDP_ATTACHED_DRV);
	CHECK_EQ(q.drv_prog_id, cnt_id);
	CHECK_EQ(query_id(XDP_FLAGS_DRV_MODE), cnt_id);
	CHECK_EQ(query_id(XDP_FLAGS_SKB_MODE), 0);
	traffic("driver mode");
	CHECK_UERR(bpf_xdp_attach(ifx, pass_fd, XDP_FLAGS_SKB_MODE, NULL), EEXIST);
	CHECK_UERR(bpf_xdp_detach(ifx, 0, &o), EEXIST);
	o.old_prog_fd = cnt_fd;
	CHECK_EQ(bpf_xdp_detach(ifx, 0, &o), 0);
	CHECK_EQ(query_id(0), 0);
}

static void legacy_api(void)
{
	struct bpf_xdp_set_link_opts so = { .sz = sizeof(so) };
	unsigned char info[32];
	struct xdp_link_info li;
	__u32 id = 0xdead;

	CHECK_EQ(bpf_set_link_xdp_fd(ifx, cnt_fd, XDP_FLAGS_SKB_MODE), 0);
	CHECK_EQ(bpf_get_link_xdp_id(ifx, &id, 0), 0);
	CHECK_EQ(id, cnt_id);
	CHECK_EQ(bpf_get_link_xdp_id(ifx, &id, XDP_FLAGS_DRV_MODE), 0);
	CHECK_EQ(id, 0);
	traffic("0.x skb mode");

	memset(&li, 0xff, sizeof(li));
	CHECK_EQ(bpf_get_link_xdp_info(ifx, &li, sizeof(li), 0), 0);
	CHECK_EQ(li.prog_id, cnt_id);
	CHECK_EQ(li.skb_prog_id, cnt_id);
	CHECK_EQ(li.drv_prog_id, 0);
	CHECK_EQ(li.attach_mode, XDP_ATTACHED_SKB);
	CHECK_EQ(sizeof(struct xdp_link_info), 20);
	/* Longer buffer: zero-filled past the struct; shorter: truncated. */
	memset(info, 0xff, sizeof(info));
	CHECK_EQ(bpf_get_link_xdp_info(ifx, (void *)info, sizeof(info), 0), 0);
	CHECK_EQ(info[20] | info[27] | info[31], 0);
	memset(info, 0xff, sizeof(info));
	CHECK_EQ(bpf_get_link_xdp_info(ifx, (void *)info, 4, 0), 0);
	CHECK_EQ(*(__u32 *)info, cnt_id);
	CHECK_EQ(info[4], 0xff);
	CHECK_UERR(bpf_get_link_xdp_info(ifx, &li, 0, 0), EINVAL);
	CHECK_UERR(bpf_get_link_xdp_info(ifx, &li, sizeof(li), 1 << 6), EINVAL);
	CHECK_UERR(bpf_get_link_xdp_info(ifx, &li, sizeof(li), XDP_FLAGS_SKB_MODE | XDP_FLAGS_HW_MODE), EINVAL);
	CHECK_UERR(bpf_get_link_xdp_info(ifx, NULL, sizeof(li), 0), EINVAL);
	CHECK_UERR(bpf_get_link_xdp_id(ifx, NULL, 0), EINVAL);

	/* _opts: old_fd is always the expected program. */
	so.old_fd = pass_fd;
	CHECK_UERR(bpf_set_link_xdp_fd_opts(ifx, pass_fd, XDP_FLAGS_SKB_MODE, &so), EEXIST);
	so.old_fd = cnt_fd;
	CHECK_EQ(bpf_set_link_xdp_fd_opts(ifx, pass_fd, XDP_FLAGS_SKB_MODE, &so), 0);
	CHECK_EQ(bpf_get_link_xdp_id(ifx, &id, XDP_FLAGS_SKB_MODE), 0);
	CHECK_EQ(id, pass_id);
	CHECK_EQ(bpf_set_link_xdp_fd_opts(ifx, cnt_fd, XDP_FLAGS_SKB_MODE, NULL), 0);
	CHECK_EQ(bpf_get_link_xdp_id(ifx, &id, 0), 0);
	CHECK_EQ(id, cnt_id);
	so.sz = 4;
	CHECK_UERR(bpf_set_link_xdp_fd_opts(ifx, cnt_fd, XDP_FLAGS_SKB_MODE, &so), EINVAL);
	CHECK_UERR(bpf_set_link_xdp_fd(ifx, cnt_fd, XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST),
		   EBUSY);
	CHECK_EQ(bpf_set_link_xdp_fd(ifx, -1, XDP_FLAGS_SKB_MODE), 0);
	CHECK_EQ(bpf_get_link_xdp_id(ifx, &id, 0), 0);
	CHECK_EQ(id, 0);
}

static void errors_and_leaks(void)
{
	char big[sizeof(struct bpf_xdp_query_opts) + 8];
	struct bpf_xdp_query_opts *bq = (void *)big;
	struct bpf_xdp_attach_opts small = { .sz = 4 };
	int before = h_count_fds(), i;

	CHECK_UERR(bpf_xdp_query(ifx, XDP_FLAGS_SKB_MODE | XDP_FLAGS_DRV_MODE, NULL), EINVAL);
	CHECK_UERR(bpf_xdp_query(ifx, 1 << 5, NULL), EINVAL);
	CHECK_UERR(bpf_xdp_query_id(ifx, 0, NULL), EINVAL);
	memset(big, 0, sizeof(big));
	bq->sz = sizeof(big);
	CHECK_EQ(bpf_xdp_query(ifx, 0, bq), 0);
	big[sizeof(big) - 1] = 1;
	CHECK_UERR(bpf_xdp_query(ifx, 0, bq), EINVAL);
	CHECK_UERR(bpf_xdp_attach(ifx, cnt_fd, XDP_FLAGS_SKB_MODE, (void *)&small), EINVAL);
	CHECK_UERR(bpf_xdp_attach(999999, cnt_fd, XDP_FLAGS_SKB_MODE, NULL), ENODEV);
	CHECK_UERR(bpf_xdp_attach(ifx, map_fd, XDP_FLAGS_SKB_MODE, NULL), EINVAL);
	CHECK_UERR(bpf_xdp_attach(ifx, cnt_fd, 1 << 7, NULL), EINVAL);
	CHECK_EQ(bpf_xdp_query(999999, 0, NULL), 0);
	CHECK_EQ(h_count_fds(), before);

	for (i = 0; i < 200; i++) {
		if (bpf_xdp_attach(ifx, i & 1 ? cnt_fd : pass_fd, XDP_FLAGS_SKB_MODE, NULL) ||
		    bpf_xdp_detach(ifx, XDP_FLAGS_SKB_MODE, NULL))
			break;
	}
	CHECK_EQ(i, 200);
	CHECK_EQ(h_count_fds(), before);
	CHECK_EQ(query_id(0), 0);
}

int main(void)
{
	require_root();
	if (nl_setup())
		h_skip("cannot create network namespaces and a veth pair");
	ifx = nl_ifindex;
	map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "nl_xdp_cnt", 4, 8, 1, NULL);
	cnt_fd = nl_load_counter(BPF_PROG_TYPE_XDP, "nl_xdp_cnt", map_fd, XDP_PASS);
	pass_fd = nl_load_ret(BPF_PROG_TYPE_XDP, "nl_xdp_pass", XDP_PASS);
	if (map_fd < 0 || cnt_fd < 0 || pass_fd < 0)
		h_skip("cannot load XDP programs");
	cnt_id = raw_prog_id(cnt_fd);
	pass_id = raw_prog_id(pass_fd);
	CHECK(cnt_id && pass_id && cnt_id != pass_id, "program ids %u %u", cnt_id, pass_id);
	CHECK_EQ(query_id(0), 0);

	skb_mode();
	default_mode();
	legacy_api();
	errors_and_leaks();
	return h_done("xdp_netlink");
}
