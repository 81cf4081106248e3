/* Objects for the error paths, selected with -D at build time:
 *  LG_BAD_VERIFIER: a socket program the verifier rejects after a long log
 *                   (LG_LONG straight-line instructions, then an uninitialised
 *                   register read);
 *  LG_BAD_CGROUP:   an unknown cgroup/ section type;
 *  LG_BAD_MAPDEF:   a 32-byte map definition with a non-zero tail;
 *  LG_NO_PROGS:     maps only, no program section;
 *  LG_INNER:        an ARRAY_OF_MAPS whose inner template is map 0, and a
 *                   NUMA-node definition (non-zero fields past libbpf's 20 bytes). */
#include "lg_helpers.h"

#if defined(LG_BAD_MAPDEF)
struct big_def {
	struct bpf_map_def d;
	unsigned int extra;
};
struct big_def SEC("maps") lg_big = {
	.d = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1 },
	.extra = 7,
};
SEC("socket")
int lg_sock(struct __sk_buff *skb)
{
	return 0;
}
#else
struct bpf_map_def SEC("maps") lg_inner = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = 4,
	.value_size = 8,
	.max_entries = 2,
};
#endif

#if defined(LG_INNER)
struct bpf_map_def SEC("maps") lg_outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.key_size = 4,
	.value_size = 4,
	.max_entries = 2,
	.inner_map_idx = 0,
};
struct bpf_map_def SEC("maps") lg_numa = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = 4,
	.value_size = 4,
	.max_entries = 4,
	.map_flags = 4 /* BPF_F_NUMA_NODE */,
	.numa_node = 0,
};
SEC("socket")
int lg_sock(struct __sk_buff *skb)
{
	__u32 k = 0;
	void *inner = bpf_map_lookup_elem(&lg_outer, &k);

	return inner ? 1 : 0;
}
#endif

#if defined(LG_BAD_VERIFIER)
SEC("socket")
int lg_sock(struct __sk_buff *skb)
{
	volatile int x = 0;
#pragma clang loop unroll(full)
	for (int i = 0; i < LG_LONG; i++)
		x += i;
	asm volatile("r0 = r5" ::: "r0");
	return x;
}
#endif

#if defined(LG_BAD_CGROUP)
SEC("cgroup/dev")
int lg_dev(void *ctx)
{
	return 1;
}
#endif

char _license[] SEC("license") = "GPL";
