/* A CO-RE relocated read of the current task's pid through
 * bpf_probe_read_kernel (bpf_probe_read before 5.5). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, int);
} last_pid SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int read_pid(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 k = 0;
	int pid = 0;

	bpf_probe_read_kernel(&pid, sizeof(pid), &t->pid);
	bpf_map_update_elem(&last_pid, &k, &pid, 0);
	return 0;
}

char _license[] SEC("license") = "GPL";
