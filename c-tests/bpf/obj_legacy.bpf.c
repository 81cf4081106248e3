/* Legacy SEC("maps") object for c-tests/object/obj_legacy.c and oracle/objects.c.
 * Built three times with -DDEF_SIZE=16, 20 or 28: the per-definition size is the
 * section size divided by the number of map symbols. The 28-byte form carries
 * the old inner_map_idx/numa_node fields, zero here. Built with and without -g:
 * without BTF only legacy maps can exist. No bpf_helpers.h, so the object uses
 * no BTF-defined map machinery at all. */
#include <linux/bpf.h>

#ifndef DEF_SIZE
#define DEF_SIZE 20
#endif

#define SEC(name) __attribute__((section(name), used))

struct ot_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
#if DEF_SIZE >= 20
	unsigned int map_flags;
#endif
#if DEF_SIZE >= 28
	unsigned int inner_map_idx;
	unsigned int numa_node;
#endif
};

_Static_assert(sizeof(struct ot_map_def) == DEF_SIZE, "definition size");

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value,
				   __u64 flags) = (void *)BPF_FUNC_map_update_elem;

struct ot_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct ot_map_def SEC("maps") lens = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 16,
};

/* A static (STB_LOCAL) map: referenced through the section symbol plus offset. */
static struct ot_map_def SEC("maps") hidden = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 2,
};

SEC("socket")
int count_len(struct __sk_buff *skb)
{
	__u32 key = 0, len = skb->len, one = 1;
	__u64 *c = bpf_map_lookup_elem(&counts, &key);
	__u32 *h;

	if (c)
		__sync_fetch_and_add(c, 1);
	bpf_map_update_elem(&lens, &len, &len, BPF_ANY);
	h = bpf_map_lookup_elem(&hidden, &one);
	if (h)
		*h = len + 1;
	return 1;
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 *c = bpf_map_lookup_elem(&counts, &key);

	if (c)
		__sync_fetch_and_add(c, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0xFFFFFFFE;
