/* BPF object for tests/iproute2.sh: a LIBBPF_PIN_BY_NAME map. tc loads it on two
 * interfaces; the second load must reuse the map the first one pinned. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ab_shared_cnt SEC(".maps");

SEC("tc")
int ab_tc_pin(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&ab_shared_cnt, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
