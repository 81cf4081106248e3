/* libbpf-bootstrap's "fentry": do_unlinkat's entry (BPF_PROG over its BTF
 * arguments) and exit (with the return value). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

unsigned hits = 0, ret_hits = 0;
long last_ret = 0;

/* Only this process's calls are counted. */
const volatile int targ_pid = 0;

static __always_inline bool other_process(void)
{
	return (int)(bpf_get_current_pid_tgid() >> 32) != targ_pid;
}

SEC("fentry/do_unlinkat")
int BPF_PROG(do_unlinkat, int dfd, struct filename *name)
{
	if (other_process())
		return 0;
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

SEC("fexit/do_unlinkat")
int BPF_PROG(do_unlinkat_exit, int dfd, struct filename *name, long ret)
{
	if (other_process())
		return 0;
	last_ret = ret;
	__sync_fetch_and_add(&ret_hits, 1);
	return 0;
}
