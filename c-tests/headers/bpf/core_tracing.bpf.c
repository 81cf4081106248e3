/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bpf_tracing.h over vmlinux.h (the kernel's struct pt_regs): the program
 * wrappers with typed arguments and the PT_REGS_* accessors, direct, CO-RE
 * and syscall forms. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

long seen[16];

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(on_unlink, int dfd, struct filename *name)
{
	unsigned long ip = 0;

	BPF_KPROBE_READ_RET_IP(ip, ctx);
	seen[0] = dfd + BPF_CORE_READ(name, refcnt.counter) + ip;
	seen[1] = PT_REGS_PARM1(ctx) + PT_REGS_PARM2(ctx) + PT_REGS_PARM3(ctx) +
		  PT_REGS_PARM4(ctx) + PT_REGS_PARM5(ctx);
	seen[2] = PT_REGS_IP(ctx) + PT_REGS_SP(ctx) + PT_REGS_FP(ctx) + PT_REGS_RET(ctx);
	seen[3] = PT_REGS_PARM1_CORE(ctx) + PT_REGS_PARM5_CORE(ctx) + PT_REGS_IP_CORE(ctx) +
		  PT_REGS_SP_CORE(ctx) + PT_REGS_RC_CORE(ctx);
	return 0;
}

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(no_args)
{
	seen[4] = PT_REGS_RC(ctx);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(unlink_ret, long ret)
{
	unsigned long ip = 0;

	BPF_KRETPROBE_READ_RET_IP(ip, ctx);
	seen[5] = ret + ip;
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int BPF_KRETPROBE(ret_no_args)
{
	seen[6]++;
	return 0;
}

SEC("ksyscall/openat")
int BPF_KSYSCALL(openat_entry, int dfd, const char *path, int flags, unsigned short mode)
{
	seen[7] = dfd + flags + mode + (long)path;
	return 0;
}

SEC("kprobe/__x64_sys_close")
int BPF_KPROBE(close_entry)
{
	struct pt_regs *regs = PT_REGS_SYSCALL_REGS(ctx);

	seen[8] = PT_REGS_PARM1_CORE_SYSCALL(regs) + PT_REGS_PARM4_CORE_SYSCALL(regs);
	return 0;
}

SEC("fentry/do_unlinkat")
int BPF_PROG(unlink_entry, int dfd, struct filename *name)
{
	seen[9] = dfd + name->refcnt.counter;
	return 0;
}

SEC("fexit/do_unlinkat")
int BPF_PROG(unlink_exit, int dfd, struct filename *name, long ret)
{
	seen[10] = ret;
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(switched, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	seen[11] = preempt + prev->pid + next->pid;
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(no_prog_args)
{
	seen[12] = ctx[0];
	return 0;
}

/* A 16-byte struct argument takes two slots of ctx. */
struct two_words {
	long lo, hi;
};

SEC("fentry/do_unlinkat")
int BPF_PROG2(by_value, int, dfd, struct two_words, w, struct filename *, name)
{
	seen[13] = dfd + w.lo + w.hi + (long)name;
	return 0;
}

SEC("fentry/do_unlinkat")
int BPF_PROG2(by_value_none)
{
	seen[13]++;
	return 0;
}

#ifdef HDR_LIBBPFRS
SEC("uprobe")
int BPF_UPROBE(user_entry, long a, const char *b)
{
	seen[13] = a + (long)b;
	return 0;
}

SEC("uretprobe")
int BPF_URETPROBE(user_exit, int ret)
{
	seen[14] = ret;
	return 0;
}

SEC("ksyscall/sync")
int BPF_KSYSCALL(sync_entry)
{
	seen[15]++;
	return 0;
}
#endif
