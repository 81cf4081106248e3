/* xdp: counts the packets it sees and passes them (attached by set_link_xdp_fd). */
#include "lg_helpers.h"

struct bpf_map_def SEC("maps") lg_xdp_count = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(long),
	.max_entries = 1,
};

SEC("xdp_lg_count")
int lg_xdp_prog(struct xdp_md *ctx)
{
	__u32 key = 0;
	long *v = bpf_map_lookup_elem(&lg_xdp_count, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
