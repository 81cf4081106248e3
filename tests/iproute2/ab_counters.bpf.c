/* BPF object for tests/iproute2.sh: BTF-defined counter maps, an XDP program for
 * `ip link set dev X xdp obj F sec xdp` and a tc classifier for
 * `tc filter add dev X ingress bpf da obj F sec tc`. Each counts packets. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ab_xdp_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ab_tc_cnt SEC(".maps");

static __always_inline void bump(void *map)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int ab_xdp(struct xdp_md *ctx)
{
	bump(&ab_xdp_cnt);
	return XDP_PASS;
}

SEC("tc")
int ab_tc(struct __sk_buff *skb)
{
	bump(&ab_tc_cnt);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
