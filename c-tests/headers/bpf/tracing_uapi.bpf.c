/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bpf_tracing.h over the UAPI headers: user space's view of struct pt_regs
 * (linux/ptrace.h), no vmlinux.h. The _CORE accessors still carry CO-RE
 * relocations. */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

long seen[4];

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(on_unlink, int dfd, const void *name)
{
	seen[0] = dfd + (long)name + PT_REGS_RC(ctx) + PT_REGS_IP(ctx);
	seen[1] = PT_REGS_PARM1_CORE(ctx) + PT_REGS_PARM2_CORE(ctx);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(unlink_ret, long ret)
{
	seen[2] = ret;
	return 0;
}

SEC("kprobe/__x64_sys_close")
int close_entry(struct pt_regs *ctx)
{
	struct pt_regs *regs = PT_REGS_SYSCALL_REGS(ctx);

	seen[3] = PT_REGS_PARM1_CORE_SYSCALL(regs);
	return 0;
}
