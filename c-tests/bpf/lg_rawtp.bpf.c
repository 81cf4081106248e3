/* raw_tracepoint/sys_enter: counts the syscalls of the test's own process
 * (tgid in lg_raw_cfg[0]) by syscall number (args[1]) for getppid/getpgrp. */
#include "lg_helpers.h"

struct bpf_map_def SEC("maps") lg_raw_cfg = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 1,
};

struct bpf_map_def SEC("maps") lg_raw_count = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u64),
	.value_size = sizeof(long),
	.max_entries = 64,
};

SEC("raw_tracepoint/sys_enter")
int lg_raw_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 key = 0, tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 *want = bpf_map_lookup_elem(&lg_raw_cfg, &key);
	__u64 nr = ctx->args[1];
	long one = 1, *v;

	if (!want || *want != tgid)
		return 0;
	v = bpf_map_lookup_elem(&lg_raw_count, &nr);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&lg_raw_count, &nr, &one, BPF_NOEXIST);
	return 0;
}

char _license[] SEC("license") = "GPL";
