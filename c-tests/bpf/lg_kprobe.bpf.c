/* kprobe sections, as samples/bpf tracex5 used them: kprobe/1 is a tail-call
 * target put into slot 1 of the PROG_ARRAY, kprobe/do_nanosleep needs a kprobe,
 * which this kernel does not have: load_bpf_file must fail cleanly with -1. */
#include "lg_helpers.h"

struct bpf_map_def SEC("maps") lg_kp_jmp = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 4,
};

SEC("kprobe/1")
int lg_kp_target(void *ctx)
{
	return 0;
}

SEC("kprobe/do_nanosleep")
int lg_kp_entry(void *ctx)
{
	bpf_tail_call(ctx, &lg_kp_jmp, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
