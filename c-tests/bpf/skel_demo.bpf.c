/* The BPF object behind c-tests/object/skeleton.c, turned into a skeleton header by
 * `bpftool gen skeleton` during the test run: a tracepoint counter gated by a
 * .rodata pid, .bss and .data variables, a HASH map, and a socket program that
 * the skeleton cannot auto-attach (skipped). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

const volatile __u32 target_pid = 0;
__u64 getpid_calls = 0;
__u64 bonus = 5;

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32, k = 0;
	__u64 one = 1;

	if (pid != target_pid)
		return 0;
	getpid_calls += bonus;
	bpf_map_update_elem(&seen, &k, &one, BPF_ANY);
	return 0;
}

SEC("socket")
int sock_noop(struct __sk_buff *skb)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
