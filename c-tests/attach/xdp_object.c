/* XDP and TC by netlink with programs from a clang-built object
 * (c-tests/bpf/nl_count.bpf.c, opened with bpf_object__open_file): the XDP
 * program is attached with bpf_xdp_attach in the default mode and the TC one as
 * an ingress filter, on a veth in network namespaces this test creates; UDP
 * traffic across the veth is counted by both; then both are detached and the
 * counts stop. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <limits.h>
#include <linux/if_link.h>
#include <sys/stat.h>
#include "harness.h"
#include "bpfobj.h"
#include "nl_netns.h"

static char obj_path[128];

static void rm_obj(void)
{
	bpfobj_clean("nl_count", "nl_count.o");
}

static __u64 slot(int map_fd, __u32 k)
{
	__u64 v = 0;

	bpf_map_lookup_elem(map_fd, &k, &v);
	return v;
}

int main(void)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, tco, .handle = 1, .priority = 1);
	LIBBPF_OPTS(bpf_tc_opts, tcd, .handle = 1, .priority = 1);
	struct bpf_object *obj;
	struct bpf_program *xp, *tp;
	struct bpf_map *m;
	int map_fd, xfd, tfd, ifx, fds;
	__u64 x0, t0;
	__u32 id = 0;
	int r;

	require_root();
	r = bpfobj_build("nl_count", "nl_count.o", "-g", obj_path, sizeof(obj_path));
	if (r == 77)
		h_skip("clang not installed");
	atexit(rm_obj);
	if (r)
		h_skip("cannot compile c-tests/bpf/nl_count.bpf.c");
	if (nl_setup())
		h_skip("cannot create network namespaces and a veth pair");
	ifx = nl_ifindex;
	hook.ifindex = ifx;
	fds = h_count_fds();

	obj = bpf_object__open_file(obj_path, NULL);
	CHECK(obj != NULL, "open_file: errno %d", errno);
	if (!obj)
		return h_done("xdp_object");
	CHECK_EQ(bpf_object__load(obj), 0);
	xp = bpf_object__find_program_by_name(obj, "nl_xdp_count");
	tp = bpf_object__find_program_by_name(obj, "nl_tc_count");
	m = bpf_object__find_map_by_name(obj, "nl_pkts");
	CHECK(xp && tp && m, "programs and map found");
	if (!xp || !tp || !m)
		return h_done("xdp_object");
	xfd = bpf_program__fd(xp);
	tfd = bpf_program__fd(tp);
	map_fd = bpf_map__fd(m);

	CHECK_EQ(bpf_xdp_attach(ifx, xfd, 0, NULL), 0);
	CHECK_EQ(bpf_xdp_query_id(ifx, XDP_FLAGS_DRV_MODE, &id), 0);
	CHECK(id != 0, "driver-mode program id %u", id);
	CHECK_EQ(bpf_tc_hook_create(&hook), 0);
	tco.prog_fd = tfd;
	CHECK_EQ(bpf_tc_attach(&hook, &tco), 0);
	CHECK(tco.prog_id != 0 && tco.prog_id != id, "tc prog id %u", tco.prog_id);

	x0 = slot(map_fd, 0);
	t0 = slot(map_fd, 1);
	CHECK_EQ(nl_send_udp(6), 6);
	CHECK(slot(map_fd, 0) >= x0 + 6, "xdp count %llu -> %llu", (unsigned long long)x0,
	      (unsigned long long)slot(map_fd, 0));
	CHECK(slot(map_fd, 1) >= t0 + 6, "tc count %llu -> %llu", (unsigned long long)t0,
	      (unsigned long long)slot(map_fd, 1));

	CHECK_EQ(bpf_tc_detach(&hook, &tcd), 0);
	CHECK_EQ(bpf_xdp_detach(ifx, 0, NULL), 0);
	x0 = slot(map_fd, 0);
	t0 = slot(map_fd, 1);
	CHECK_EQ(nl_send_udp(3), 3);
	CHECK_EQ(slot(map_fd, 0), x0);
	CHECK_EQ(slot(map_fd, 1), t0);

	hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	CHECK_EQ(bpf_tc_hook_destroy(&hook), 0);
	bpf_object__close(obj);
	CHECK_EQ(h_count_fds(), fds);
	return h_done("xdp_object");
}
