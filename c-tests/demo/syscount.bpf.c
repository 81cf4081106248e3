/* Demo BPF side, libbpf 1.x style: a raw_syscalls/sys_enter tracepoint counts the
 * syscalls of one process (its pid set from user space in .rodata before load)
 * in a BTF-defined HASH map, and reports each getpid() through a ring buffer. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct event {
	__u32 pid;
	__u32 seq;
};

const volatile __u32 target_pid;
__u32 seq;

struct sys_enter_args {
	unsigned long long unused;
	long id;
	unsigned long args[6];
};

SEC("tracepoint/raw_syscalls/sys_enter")
int count_syscalls(struct sys_enter_args *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32, id = (__u32)ctx->id;
	__u64 one = 1, *n;
	struct event *e;

	if (pid != target_pid)
		return 0;
	n = bpf_map_lookup_elem(&counts, &id);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&counts, &id, &one, BPF_NOEXIST);
	if (id == 39 /* x86-64 getpid */ || id == 172 /* arm64 getpid */) {
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (e) {
			e->pid = pid;
			e->seq = ++seq;
			bpf_ringbuf_submit(e, 0);
		}
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
