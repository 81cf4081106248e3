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

SEC("socket/2")
int lg_stage2(struct __sk_buff *skb)
{
	count(2);
	bpf_tail_call(skb, &lg_jmp_table, 3);
	return 2;
}

SEC("socket/0")
int lg_stage0(struct __sk_buff *skb)
{
	count(0);
	bpf_tail_call(skb, &lg_jmp_table, 1);
	return 100;
}

SEC("socket/4")
int lg_stage4(struct __sk_buff *skb)
{
	count(4);
	return 42;
}

SEC("socket/1")
int lg_stage1(struct __sk_buff *skb)
{
	count(1);
	bpf_tail_call(skb, &lg_jmp_table, 2);
	return 1;
}

SEC("socket/3")
int lg_stage3(struct __sk_buff *skb)
{
	count(3);
	bpf_tail_call(skb, &lg_jmp_table, 4);
	return 3;
}

char _license[] SEC("license") = "GPL";
