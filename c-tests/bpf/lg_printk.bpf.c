/* tracepoint/syscalls/sys_enter_getppid with bpf_trace_printk, for the
 * read_trace_pipe test: prints a marker for calls from the tgid in lg_pk_cfg[0]. */
#include "lg_helpers.h"

static long (*bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) =
	(void *)BPF_FUNC_trace_printk;

struct bpf_map_def SEC("maps") lg_pk_cfg = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 1,
};

SEC("tracepoint/syscalls/sys_enter_getppid")
int lg_pk(void *ctx)
{
	char fmt[] = "lg_marker_%u\n";
	__u32 key = 0, tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 *want = bpf_map_lookup_elem(&lg_pk_cfg, &key);

	if (want && *want == tgid)
		bpf_trace_printk(fmt, sizeof(fmt), tgid);
	return 0;
}

char _license[] SEC("license") = "GPL";
