/* libbpf-bootstrap's tc on libbpfrs (bpf/bs_tc.bpf.c): a SEC("tc") program
 * reading __sk_buff (protocol, len, ifindex through CO-RE) attached to lo's
 * ingress of a private network namespace with bpf_tc_hook_create and
 * bpf_tc_attach; it must count the UDP datagrams sent and see their sizes;
 * then bpf_tc_query, bpf_tc_detach and bpf_tc_hook_destroy. */
#define _GNU_SOURCE
#include "harness.h"
#include "bootstrap_kern.h"

int main(void)
{
	struct bs_tc_result r;

	require_root();
	CHECK_EQ(bs_run_tc(&r), 0);
	CHECK_EQ(r.netns, 0);
	CHECK_EQ(r.load, 0);
	CHECK_EQ(r.hook_create, 0);
	CHECK_EQ(r.attach, 0);
	CHECK_EQ(r.query, 0);
	CHECK(r.prog_id_matches && r.query_id_matches, "prog ids: attach %d, query %d",
	      r.prog_id_matches, r.query_id_matches);
	CHECK_EQ(r.sent, BS_TC_PACKETS);
	CHECK_EQ(r.n_match, BS_TC_PACKETS);
	/* Ethernet + IPv4 + UDP headers and the payload. */
	CHECK_EQ(r.len, 14 + 20 + 8 + BS_TC_PAYLOAD);
	CHECK_EQ(r.tot_len, 20 + 8 + BS_TC_PAYLOAD);
	CHECK_EQ(r.ifindex, r.lo_ifindex);
	CHECK_EQ(r.ttl, 64);
	CHECK_EQ(r.detach, 0);
	CHECK_EQ(r.hook_destroy, 0);
	return h_done("bootstrap/tc");
}
