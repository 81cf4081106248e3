/* tracepoint/syscalls/sys_enter_getppid counter, restricted to the test's own
 * process: user space stores its tgid in lg_tp_cfg[0]; the program counts calls
 * from that tgid in lg_tp_count[0]. A kern "version" section, as old samples had. */
#include <linux/version.h>
#include "lg_helpers.h"

struct bpf_map_def SEC("maps") lg_tp_count = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(long),
	.max_entries = 1,
};

struct bpf_map_def SEC("maps") lg_tp_cfg = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 1,
};

SEC("tracepoint/syscalls/sys_enter_getppid")
int lg_tp_getppid(void *ctx)
{
	__u32 key = 0, tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 *want = bpf_map_lookup_elem(&lg_tp_cfg, &key);
	long *v;

	if (!want || *want != tgid)
		return 0;
	v = bpf_map_lookup_elem(&lg_tp_count, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = LINUX_VERSION_CODE;
