/* libbpf-bootstrap's "tc": a SEC("tc") classifier that looks at IPv4 packets
 * (the protocol field of __sk_buff, the IP header through data/data_end) and
 * counts the UDP ones to `targ_port`, with the length, ifindex (a field CO-RE
 * checks the kernel has) and TTL of the last one. Every packet passes (TC_ACT_OK). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>

#define TC_ACT_OK 0
#define ETH_P_IP 0x0800

char LICENSE[] SEC("license") = "GPL";

const volatile __u16 targ_port = 0;

unsigned long long n_ip = 0, n_match = 0;
__u32 last_len = 0, last_ifindex = 0, last_ttl = 0, last_tot_len = 0;

SEC("tc")
int tc_ingress(struct __sk_buff *ctx)
{
	void *data_end = (void *)(__u64)ctx->data_end;
	void *data = (void *)(__u64)ctx->data;
	struct ethhdr *l2 = data;
	struct iphdr *l3;
	struct udphdr *l4;

	if (ctx->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if ((void *)(l2 + 1) > data_end)
		return TC_ACT_OK;
	l3 = (struct iphdr *)(l2 + 1);
	if ((void *)(l3 + 1) > data_end)
		return TC_ACT_OK;
	__sync_fetch_and_add(&n_ip, 1);
	if (l3->protocol != IPPROTO_UDP || l3->ihl != 5)
		return TC_ACT_OK;
	l4 = (struct udphdr *)(l3 + 1);
	if ((void *)(l4 + 1) > data_end || l4->dest != bpf_htons(targ_port))
		return TC_ACT_OK;
	__sync_fetch_and_add(&n_match, 1);
	last_len = ctx->len;
	/* A context field: read directly (the verifier rewrites the access),
	 * present as CO-RE checks against the kernel's __sk_buff. */
	if (bpf_core_field_exists(ctx->ifindex))
		last_ifindex = ctx->ifindex;
	last_ttl = l3->ttl;
	last_tot_len = bpf_ntohs(l3->tot_len);
	return TC_ACT_OK;
}
