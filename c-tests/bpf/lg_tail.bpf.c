/* Five socket/N programs chained by tail calls through a PROG_ARRAY that
 * bpf_load fills from the section names. The sections are deliberately not in
 * numeric order: prog_fd[] follows ELF section order. Each stage counts itself;
 * the last returns 42. The static (file-local) counter map is the second
 * definition: clang refers to it through the "maps" section symbol plus an
 * addend of 28, which must resolve to it, not to the map at offset 0. */
#include "lg_helpers.h"

struct bpf_map_def SEC("maps") lg_jmp_table = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 8,
};

static struct bpf_map_def SEC("maps") lg_stage_count = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(long),
	.max_entries = 8,
};

static __always_inline void count(__u32 stage)
{
	long *v = bpf_map_lookup_elem(&lg_stage_count, &stage);

	if (v)
		__sync_fetch_and_add(v, 1);
}

/* Stage `n`: counts itself and tail-calls stage `next`; returns `ret` only if
 * that call fails. */
#define STAGE(n, next, ret)                                  \
	SEC("socket/" #n)                                    \
	int lg_stage##n(struct __sk_buff *skb)               \
	{                                                    \
		count(n);                                    \
		bpf_tail_call(skb, &lg_jmp_table, next);     \
		return ret;                                  \
	}

STAGE(2, 3, 2)
STAGE(0, 1, 100)

SEC("socket/4")
int lg_stage4(struct __sk_buff *skb)
{
	count(4);
	return 42;
}

STAGE(1, 2, 1)
STAGE(3, 4, 3)

char _license[] SEC("license") = "GPL";
