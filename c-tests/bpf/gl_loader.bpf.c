/* For the light-skeleton loader tests (c-tests/object/gen_loader.c,
 * c-tests/oracle/gen_loader.c): maps of several kinds, global data with initial
 * values (.data, .rodata, .bss), a tracepoint program counting getppid calls, a
 * BTF-attached program (its target found by the loader program at run time) and a
 * CO-RE program reading the current task through a local, partial task_struct. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int tgid;
	int pid;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

const volatile __u32 target_pid = 0;
__u64 data_val = 0x1122334455667788ULL;
__u64 hits = 0;
__u64 seen_tgid = 0;
__u64 seen_pid = 0;

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v;
	__u32 k = 0;

	if (target_pid && pid != target_pid)
		return 0;
	__sync_fetch_and_add(&hits, 1);
	v = bpf_map_lookup_elem(&counts, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &k, &one, BPF_ANY);
	return 0;
}

SEC("tp_btf/sys_enter")
int on_sys_enter(__u64 *ctx)
{
	__u32 k = 1;
	__u64 *v = bpf_map_lookup_elem(&slots, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("syscall")
int read_task(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen_tgid = BPF_CORE_READ(t, tgid);
	seen_pid = BPF_CORE_READ(t, pid);
	data_val += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
