/* libbpf-bootstrap's "bootstrap": process exec and exit seen from the sched
 * tracepoints. The exec handler remembers when each process started (a hash map
 * keyed by pid) and sends its pid, parent (real_parent->tgid through CO-RE),
 * comm and the file name of the __data_loc field; the exit handler sends pid,
 * parent, comm, exit code and the time since exec. Only children of
 * `targ_ppid` are reported, so a test sees its own processes alone. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bs_common.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, pid_t);
	__type(value, u64);
} exec_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rb SEC(".maps");

const volatile int targ_ppid = 0;

/* Counted by the handlers, read by the test through the skeleton. */
unsigned long long n_exec = 0, n_exit = 0, n_dropped = 0;

static __always_inline int parent_of(struct task_struct *task)
{
	return BPF_CORE_READ(task, real_parent, tgid);
}

SEC("tp/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	pid_t pid = bpf_get_current_pid_tgid() >> 32;
	unsigned fname_off;
	struct bs_event *e;
	u64 ts;

	if (parent_of(task) != targ_ppid)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&exec_start, &pid, &ts, BPF_ANY);
	__sync_fetch_and_add(&n_exec, 1);

	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&n_dropped, 1);
		return 0;
	}
	e->exit_event = false;
	e->pid = pid;
	e->ppid = parent_of(task);
	e->exit_code = 0;
	e->duration_ns = 0;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	fname_off = ctx->__data_loc_filename & 0xFFFF;
	bpf_probe_read_kernel_str(&e->filename, sizeof(e->filename), (void *)ctx + fname_off);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int handle_exit(struct trace_event_raw_sched_process_template *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u64 id = bpf_get_current_pid_tgid(), *start_ts, duration_ns = 0;
	pid_t pid = id >> 32;
	u32 tid = (u32)id;
	struct bs_event *e;

	/* Threads other than the leader do not end the process. */
	if (pid != tid || parent_of(task) != targ_ppid)
		return 0;
	start_ts = bpf_map_lookup_elem(&exec_start, &pid);
	if (start_ts)
		duration_ns = bpf_ktime_get_ns() - *start_ts;
	bpf_map_delete_elem(&exec_start, &pid);
	__sync_fetch_and_add(&n_exit, 1);

	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&n_dropped, 1);
		return 0;
	}
	e->exit_event = true;
	e->duration_ns = duration_ns;
	e->pid = pid;
	e->ppid = parent_of(task);
	e->exit_code = (BPF_CORE_READ(task, exit_code) >> 8) & 0xff;
	e->filename[0] = 0;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}
