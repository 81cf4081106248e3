/* BPF programs for the attach/link tests (c-tests/attach_*.c, link_*.c and
 * c-tests/oracle/attach.c). Each program bumps its own slot of `counts` when the
 * event comes from the process whose tgid user space put in `cfg[0]` (the kernel
 * is shared with other tests running at the same time). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

enum { C_TP, C_RAW_TP, C_TP_BTF, C_PERF, C_CGROUP, C_UPROBE, C_TP2, C_NETNS };

static __always_inline int mine(void)
{
	__u32 k = 0, *pid = bpf_map_lookup_elem(&cfg, &k);

	return pid && *pid == (__u32)(bpf_get_current_pid_tgid() >> 32);
}

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int at_tp(void *ctx)
{
	if (mine())
		bump(C_TP);
	return 0;
}

/* A second tracepoint program, for bpf_link__update_program. */
SEC("tracepoint/syscalls/sys_enter_getppid")
int at_tp2(void *ctx)
{
	if (mine())
		bump(C_TP2);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int at_raw_tp(void *ctx)
{
	if (mine())
		bump(C_RAW_TP);
	return 0;
}

SEC("tp_btf/sys_enter")
int at_tp_btf(void *ctx)
{
	if (mine())
		bump(C_TP_BTF);
	return 0;
}

SEC("perf_event")
int at_perf(void *ctx)
{
	if (mine())
		bump(C_PERF);
	return 0;
}

SEC("cgroup/sock")
int at_cg_sock(struct bpf_sock *sk)
{
	if (mine())
		bump(C_CGROUP);
	return 1;
}

/* A second cgroup/sock program, for bpf_link__update_program on a cgroup link. */
SEC("cgroup/sock")
int at_cg_sock2(struct bpf_sock *sk)
{
	return 1;
}

SEC("uprobe")
int at_uprobe(void *ctx)
{
	if (mine())
		bump(C_UPROBE);
	return 0;
}

/* Never auto-attachable: no target after the prefix. */
SEC("kprobe")
int at_kprobe_bare(void *ctx)
{
	return 0;
}

SEC("kprobe/do_nanosleep")
int at_kprobe(void *ctx)
{
	return 0;
}

SEC("sk_lookup")
int at_sk_lookup(struct bpf_sk_lookup *ctx)
{
	return SK_PASS;
}

SEC("socket")
int at_socket(struct __sk_buff *skb)
{
	return 0;
}

/* struct bpf_iter_meta / bpf_iter__task as the kernel lays them out. */
struct at_iter_meta {
	void *seq;
	__u64 session_id;
	__u64 seq_num;
};

struct at_iter_task {
	struct at_iter_meta *meta;
	void *task;
};

/* One 8-byte record (the sequence number) per task. */
SEC("iter/task")
int at_iter(struct at_iter_task *ctx)
{
	struct at_iter_meta *meta = ctx->meta;
	__u64 n = meta->seq_num;

	if (!ctx->task)
		return 0;
	bpf_seq_write((struct seq_file *)meta->seq, &n, sizeof(n));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
