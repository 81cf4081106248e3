/* Static linker tests: declares lk_a's map lk_shared with another max_entries
 * (an extern map definition mismatch). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} lk_shared SEC(".maps");

SEC("tc")
int lk_prog_badmap(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&lk_shared, &k);

	return v ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
