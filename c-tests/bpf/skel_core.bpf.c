/* For c-tests/object/skel_core.c: a skeleton whose program needs CO-RE. It reads
 * the current task through a local, partial `task_struct` (the kernel's layout
 * differs), and stores what it found in global variables. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int tgid;
	int pid;
	int no_such_field_in_any_kernel;
} __attribute__((preserve_access_index));

enum pid_type { PIDTYPE_PID, PIDTYPE_MAX = 1 };

__u64 seen_tgid = 0;
__u64 seen_pid = 0;
__u64 missing_exists = 9;
__u64 pidtype_max = 0;

SEC("syscall")
int read_task(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen_tgid = BPF_CORE_READ(t, tgid);
	seen_pid = BPF_CORE_READ(t, pid);
	missing_exists = bpf_core_field_exists(t->no_such_field_in_any_kernel);
	pidtype_max = bpf_core_enum_value(enum pid_type, PIDTYPE_MAX);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
