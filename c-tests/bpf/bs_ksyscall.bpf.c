/* libbpf-bootstrap's "ksyscall": entry and exit of unlinkat through
 * SEC("ksyscall/unlinkat") and SEC("kretsyscall/unlinkat"); BPF_KSYSCALL reads
 * the syscall arguments the way LINUX_HAS_SYSCALL_WRAPPER says. The object
 * keeps its own copy of that .kconfig value for the test to read. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

extern bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;

int seen_wrapper = -1, last_dfd = 0, last_ret = 0;
char last_path[32] = {};
unsigned hits = 0, ret_hits = 0;

/* Only this process's calls are counted. */
const volatile int targ_pid = 0;

static __always_inline bool other_process(void)
{
	return (int)(bpf_get_current_pid_tgid() >> 32) != targ_pid;
}

SEC("ksyscall/unlinkat")
int BPF_KSYSCALL(unlinkat_entry, int fd, const char *pathname, int flag)
{
	if (other_process())
		return 0;
	seen_wrapper = LINUX_HAS_SYSCALL_WRAPPER;
	last_dfd = fd;
	bpf_probe_read_user_str(last_path, sizeof(last_path), pathname);
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

SEC("kretsyscall/unlinkat")
int BPF_KRETPROBE(unlinkat_exit, long ret)
{
	if (other_process())
		return 0;
	last_ret = ret;
	__sync_fetch_and_add(&ret_hits, 1);
	return 0;
}
