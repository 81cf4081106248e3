/* A BPF object for c-tests/attach/xdp_object.c: an XDP and a TC program counting packets
 * into slots 0 and 1 of a BTF-defined ARRAY. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} nl_pkts SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&nl_pkts, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int nl_xdp_count(struct xdp_md *ctx)
{
	count(0);
	return XDP_PASS;
}

SEC("tc")
int nl_tc_count(struct __sk_buff *skb)
{
	count(1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
