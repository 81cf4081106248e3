/* For c-tests/object/obj_bad_input.c: no license section, and a GPL-only helper
 * (bpf_ktime_get_coarse_ns is not, bpf_trace_printk is gpl_only in the kernel).
 * Without "license" libbpf passes an empty license and the kernel refuses the
 * GPL-only helper at load time. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getpid")
int ot_nolic(void *ctx)
{
	char fmt[] = "ot\n";

	bpf_trace_printk(fmt, sizeof(fmt));
	return 0;
}
