/* An fentry and an fexit program for c-tests/attach/attach_events.c: they load
 * only on kernels with BPF trampolines, and attach only where the kernel allows it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 at_fentry_hits;

SEC("fentry/do_nanosleep")
int at_fentry(void *ctx)
{
	at_fentry_hits++;
	return 0;
}

SEC("fexit/do_nanosleep")
int at_fexit(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
