/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Tracing programs' arguments.
 *
 * - PT_REGS_PARM1..6(ctx), PT_REGS_RC, PT_REGS_IP, PT_REGS_SP, PT_REGS_FP,
 *   PT_REGS_RET: a kprobe's or uprobe's registers in `struct pt_regs`, for
 *   the architecture named by -D__TARGET_ARCH_<arch> (x86, arm64, riscv; a
 *   compiler targeting one of these directly needs none). The _CORE forms
 *   read through CO-RE (for a pt_regs the program may not dereference); the
 *   _SYSCALL forms follow the syscall calling convention;
 * - BPF_PROG (tp_btf, fentry, fexit, raw_tp, lsm...), BPF_PROG2, BPF_KPROBE,
 *   BPF_KRETPROBE, BPF_UPROBE, BPF_URETPROBE, BPF_KSYSCALL: a program written
 *   with typed, named arguments (`int BPF_KPROBE(name, struct file *f, int n)`),
 *   the raw context still at hand as `ctx`.
 */
#ifndef __BPF_TRACING_H__
#define __BPF_TRACING_H__

#include "bpf_helpers.h"
#include "bpf_core_read.h"

/* ---- Target architecture ---- */

#if defined(__TARGET_ARCH_x86)
#define bpf_target_x86
#elif defined(__TARGET_ARCH_arm64)
#define bpf_target_arm64
#elif defined(__TARGET_ARCH_riscv)
#define bpf_target_riscv
#elif defined(__x86_64__)
#define bpf_target_x86
#elif defined(__aarch64__)
#define bpf_target_arm64
#elif defined(__riscv) && __riscv_xlen == 64
#define bpf_target_riscv
#endif

#if defined(bpf_target_x86) || defined(bpf_target_arm64) || defined(bpf_target_riscv)
#define bpf_target_defined
#endif

/* ---- Register names ---- */

#if defined(bpf_target_x86)

#if defined(__KERNEL__) || defined(__VMLINUX_H__)
/* The kernel's struct pt_regs (vmlinux.h). */
#define __PT_PARM1_REG di
#define __PT_PARM2_REG si
#define __PT_PARM3_REG dx
#define __PT_PARM4_REG cx
#define __PT_PARM5_REG r8
#define __PT_PARM6_REG r9
#define __PT_RET_REG sp
#define __PT_FP_REG bp
#define __PT_RC_REG ax
#define __PT_SP_REG sp
#define __PT_IP_REG ip
#define PT_REGS_PARM4_SYSCALL(x) ((x)->r10)
#define ___bpfrs_core_regs(x) (x)
#else
/* User space's view (linux/ptrace.h): the same registers, other names. A
 * CO-RE read goes through the kernel's names (a `pt_regs` flavor). */
#define __PT_PARM1_REG rdi
#define __PT_PARM2_REG rsi
#define __PT_PARM3_REG rdx
#define __PT_PARM4_REG rcx
#define __PT_PARM5_REG r8
#define __PT_PARM6_REG r9
#define __PT_RET_REG rsp
#define __PT_FP_REG rbp
#define __PT_RC_REG rax
#define __PT_SP_REG rsp
#define __PT_IP_REG rip
#define PT_REGS_PARM4_SYSCALL(x) ((x)->r10)
struct pt_regs___bpfrs_x86 {
	unsigned long di, si, dx, cx, r8, r9, r10, ax, sp, ip, bp;
};
#define ___bpfrs_core_regs(x) ((const struct pt_regs___bpfrs_x86 *)(x))
#define ___bpfrs_core_PARM1 di
#define ___bpfrs_core_PARM2 si
#define ___bpfrs_core_PARM3 dx
#define ___bpfrs_core_PARM4 cx
#define ___bpfrs_core_PARM5 r8
#define ___bpfrs_core_PARM6 r9
#define ___bpfrs_core_RET sp
#define ___bpfrs_core_FP bp
#define ___bpfrs_core_RC ax
#define ___bpfrs_core_SP sp
#define ___bpfrs_core_IP ip
#endif
/* The syscall convention passes the 4th argument in r10, not rcx. */
#define PT_REGS_PARM4_CORE_SYSCALL(x) BPF_CORE_READ(___bpfrs_core_regs(x), r10)

#elif defined(bpf_target_arm64)

/* The kernel's struct pt_regs starts with user space's struct user_pt_regs
 * (which is all linux/ptrace.h has). */
#define __PT_REGS_CAST(x) ((const struct user_pt_regs *)(x))
#define __PT_PARM1_REG regs[0]
#define __PT_PARM2_REG regs[1]
#define __PT_PARM3_REG regs[2]
#define __PT_PARM4_REG regs[3]
#define __PT_PARM5_REG regs[4]
#define __PT_PARM6_REG regs[5]
#define __PT_RET_REG regs[30]
#define __PT_FP_REG regs[29] /* with CONFIG_FRAME_POINTER */
#define __PT_RC_REG regs[0]
#define __PT_SP_REG sp
#define __PT_IP_REG pc
/* x0 holds the return value by the time a syscall returns: its first
 * argument is kept in orig_x0, beyond user_pt_regs. */
struct pt_regs___arm64 {
	unsigned long orig_x0;
};
#define PT_REGS_PARM1_SYSCALL(x) PT_REGS_PARM1_CORE_SYSCALL(x)
#define PT_REGS_PARM1_CORE_SYSCALL(x) BPF_CORE_READ((const struct pt_regs___arm64 *)(x), orig_x0)

#elif defined(bpf_target_riscv)

#define __PT_REGS_CAST(x) ((const struct user_regs_struct *)(x))
#define __PT_PARM1_REG a0
#define __PT_PARM2_REG a1
#define __PT_PARM3_REG a2
#define __PT_PARM4_REG a3
#define __PT_PARM5_REG a4
#define __PT_PARM6_REG a5
#define __PT_RET_REG ra
#define __PT_FP_REG s0
#define __PT_RC_REG a0
#define __PT_SP_REG sp
#define __PT_IP_REG pc
/* No syscall wrapper: a syscall kprobe's registers are the syscall's. */
#define PT_REGS_SYSCALL_REGS(ctx) ctx

#endif

/* ---- PT_REGS_* ---- */

#if defined(bpf_target_defined)

struct pt_regs;

#ifndef __PT_REGS_CAST
#define __PT_REGS_CAST(x) (x)
#endif
#ifndef ___bpfrs_core_regs
#define ___bpfrs_core_regs(x) __PT_REGS_CAST(x)
#endif

/* Register `r` (PARM1, RC, ...): read directly, or through CO-RE. */
#define ___bpfrs_reg(x, r) (__PT_REGS_CAST(x)->__PT_##r##_REG)
#ifdef ___bpfrs_core_PARM1
#define ___bpfrs_reg_core(x, r) BPF_CORE_READ(___bpfrs_core_regs(x), ___bpfrs_core_##r)
#else
#define ___bpfrs_reg_core(x, r) BPF_CORE_READ(___bpfrs_core_regs(x), __PT_##r##_REG)
#endif

#define PT_REGS_PARM1(x) ___bpfrs_reg(x, PARM1)
#define PT_REGS_PARM2(x) ___bpfrs_reg(x, PARM2)
#define PT_REGS_PARM3(x) ___bpfrs_reg(x, PARM3)
#define PT_REGS_PARM4(x) ___bpfrs_reg(x, PARM4)
#define PT_REGS_PARM5(x) ___bpfrs_reg(x, PARM5)
#define PT_REGS_PARM6(x) ___bpfrs_reg(x, PARM6)
#define PT_REGS_RET(x) ___bpfrs_reg(x, RET)
#define PT_REGS_FP(x) ___bpfrs_reg(x, FP)
#define PT_REGS_RC(x) ___bpfrs_reg(x, RC)
#define PT_REGS_SP(x) ___bpfrs_reg(x, SP)
#define PT_REGS_IP(x) ___bpfrs_reg(x, IP)

#define PT_REGS_PARM1_CORE(x) ___bpfrs_reg_core(x, PARM1)
#define PT_REGS_PARM2_CORE(x) ___bpfrs_reg_core(x, PARM2)
#define PT_REGS_PARM3_CORE(x) ___bpfrs_reg_core(x, PARM3)
#define PT_REGS_PARM4_CORE(x) ___bpfrs_reg_core(x, PARM4)
#define PT_REGS_PARM5_CORE(x) ___bpfrs_reg_core(x, PARM5)
#define PT_REGS_PARM6_CORE(x) ___bpfrs_reg_core(x, PARM6)
#define PT_REGS_RET_CORE(x) ___bpfrs_reg_core(x, RET)
#define PT_REGS_FP_CORE(x) ___bpfrs_reg_core(x, FP)
#define PT_REGS_RC_CORE(x) ___bpfrs_reg_core(x, RC)
#define PT_REGS_SP_CORE(x) ___bpfrs_reg_core(x, SP)
#define PT_REGS_IP_CORE(x) ___bpfrs_reg_core(x, IP)

/* The return address: at the stack top on a kprobe at function entry, above
 * the saved frame pointer on a kretprobe. */
#define BPF_KPROBE_READ_RET_IP(ip, ctx) \
	({ bpf_probe_read_kernel(&(ip), sizeof(ip), (void *)PT_REGS_RET(ctx)); })
#define BPF_KRETPROBE_READ_RET_IP(ip, ctx) \
	({ bpf_probe_read_kernel(&(ip), sizeof(ip), (void *)(PT_REGS_FP(ctx) + sizeof(ip))); })

/* A syscall's arguments, given the registers it was called with. */
#ifndef PT_REGS_PARM1_SYSCALL
#define PT_REGS_PARM1_SYSCALL(x) PT_REGS_PARM1(x)
#endif
#define PT_REGS_PARM2_SYSCALL(x) PT_REGS_PARM2(x)
#define PT_REGS_PARM3_SYSCALL(x) PT_REGS_PARM3(x)
#ifndef PT_REGS_PARM4_SYSCALL
#define PT_REGS_PARM4_SYSCALL(x) PT_REGS_PARM4(x)
#endif
#define PT_REGS_PARM5_SYSCALL(x) PT_REGS_PARM5(x)
#define PT_REGS_PARM6_SYSCALL(x) PT_REGS_PARM6(x)

#ifndef PT_REGS_PARM1_CORE_SYSCALL
#define PT_REGS_PARM1_CORE_SYSCALL(x) PT_REGS_PARM1_CORE(x)
#endif
#define PT_REGS_PARM2_CORE_SYSCALL(x) PT_REGS_PARM2_CORE(x)
#define PT_REGS_PARM3_CORE_SYSCALL(x) PT_REGS_PARM3_CORE(x)
#ifndef PT_REGS_PARM4_CORE_SYSCALL
#define PT_REGS_PARM4_CORE_SYSCALL(x) PT_REGS_PARM4_CORE(x)
#endif
#define PT_REGS_PARM5_CORE_SYSCALL(x) PT_REGS_PARM5_CORE(x)
#define PT_REGS_PARM6_CORE_SYSCALL(x) PT_REGS_PARM6_CORE(x)

#else /* no target architecture */

/* Each use is a compile error naming the fix. */
#define ___bpfrs_no_arch(x) \
	({ _Pragma("GCC error \"bpf_tracing.h: no target architecture: pass -D__TARGET_ARCH_x86 (or arm64, riscv)\"") 0l; })
#define PT_REGS_PARM1(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM2(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM3(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM4(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM5(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM6(x) ___bpfrs_no_arch(x)
#define PT_REGS_RET(x) ___bpfrs_no_arch(x)
#define PT_REGS_FP(x) ___bpfrs_no_arch(x)
#define PT_REGS_RC(x) ___bpfrs_no_arch(x)
#define PT_REGS_SP(x) ___bpfrs_no_arch(x)
#define PT_REGS_IP(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM1_CORE(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM2_CORE(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM3_CORE(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM4_CORE(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM5_CORE(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM6_CORE(x) ___bpfrs_no_arch(x)
#define PT_REGS_RET_CORE(x) ___bpfrs_no_arch(x)
#define PT_REGS_FP_CORE(x) ___bpfrs_no_arch(x)
#define PT_REGS_RC_CORE(x) ___bpfrs_no_arch(x)
#define PT_REGS_SP_CORE(x) ___bpfrs_no_arch(x)
#define PT_REGS_IP_CORE(x) ___bpfrs_no_arch(x)
#define BPF_KPROBE_READ_RET_IP(ip, ctx) ___bpfrs_no_arch(ctx)
#define BPF_KRETPROBE_READ_RET_IP(ip, ctx) ___bpfrs_no_arch(ctx)
#define PT_REGS_PARM1_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM2_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM3_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM4_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM5_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM6_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM1_CORE_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM2_CORE_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM3_CORE_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM4_CORE_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM5_CORE_SYSCALL(x) ___bpfrs_no_arch(x)
#define PT_REGS_PARM6_CORE_SYSCALL(x) ___bpfrs_no_arch(x)

#endif /* bpf_target_defined */

/* The registers a syscall was called with, from a kprobe on its handler:
 * with a syscall wrapper (x86-64, arm64) the handler's only argument. */
#ifndef PT_REGS_SYSCALL_REGS
#define PT_REGS_SYSCALL_REGS(ctx) ((struct pt_regs *)PT_REGS_PARM1(ctx))
#endif

/* ---- Programs with named arguments ---- */

/* `name` declared over `ctx_decl`, calling ____name(ctx, <converted
 * arguments>), whose body follows the macro. An argument arrives as a
 * pointer-sized value and converts to the declared type, integer or
 * pointer. */
#define ___bpfrs_program(name, ctx_decl, call, args...)			\
name(ctx_decl);								\
static __always_inline typeof(name(0)) ____##name(ctx_decl, ##args);	\
typeof(name(0)) name(ctx_decl)						\
{									\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")		\
	return ____##name(call);					\
	_Pragma("GCC diagnostic pop")					\
}									\
static __always_inline typeof(name(0)) ____##name(ctx_decl, ##args)

/* BTF-typed programs (tp_btf, fentry/fexit, raw_tp, lsm, iter, struct_ops):
 * argument i is the u64 ctx[i]. */
#define ___bpfrs_prog_arg(i) , (void *)ctx[i]
#define BPF_PROG(name, args...) \
	___bpfrs_program(name, unsigned long long *ctx, \
			 ctx ___bpfrs_each(___bpfrs_prog_arg, args), ##args)

/* BTF-typed programs whose arguments may be structs passed by value
 * (`int BPF_PROG2(name, struct pair, p, int, n)`: types and names as
 * separate arguments, up to 12 pairs): an argument of up to 8 bytes takes
 * one u64 of ctx, a 16-byte one two. */
#define ___bpfrs_slots(t) ((sizeof(t) + 7) / 8)
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ___bpfrs_slot_shift(t) (sizeof(t) < 8 ? (8 - sizeof(t)) * 8 : 0)
#else
#define ___bpfrs_slot_shift(t) 0
#endif
/* The value of type t held from ctx[at] on. */
#define ___bpfrs_slot_value(t, at) ({					\
	union { unsigned long long w[2]; t v; } ___bpfrs_u = {		\
		.w = { ctx[at] << ___bpfrs_slot_shift(t),		\
		       sizeof(t) > 8 ? ctx[(at) + 1] : 0 } };		\
	___bpfrs_u.v;							\
})
#define ___bpfrs_nth24(_0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13,	\
		       a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24, n, ...) n
#define ___bpfrs_npairs(...) ___bpfrs_nth24(_0, ##__VA_ARGS__, 12, 12, 11, 11, 10, 10,	\
					    9, 9, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0)
/* `, t1 n1, t2 n2, ...` */
#define ___bpfrs_decl0(...)
#define ___bpfrs_decl1(t, n) , t n
#define ___bpfrs_decl2(t, n, ...) , t n ___bpfrs_decl1(__VA_ARGS__)
#define ___bpfrs_decl3(t, n, ...) , t n ___bpfrs_decl2(__VA_ARGS__)
#define ___bpfrs_decl4(t, n, ...) , t n ___bpfrs_decl3(__VA_ARGS__)
#define ___bpfrs_decl5(t, n, ...) , t n ___bpfrs_decl4(__VA_ARGS__)
#define ___bpfrs_decl6(t, n, ...) , t n ___bpfrs_decl5(__VA_ARGS__)
#define ___bpfrs_decl7(t, n, ...) , t n ___bpfrs_decl6(__VA_ARGS__)
#define ___bpfrs_decl8(t, n, ...) , t n ___bpfrs_decl7(__VA_ARGS__)
#define ___bpfrs_decl9(t, n, ...) , t n ___bpfrs_decl8(__VA_ARGS__)
#define ___bpfrs_decl10(t, n, ...) , t n ___bpfrs_decl9(__VA_ARGS__)
#define ___bpfrs_decl11(t, n, ...) , t n ___bpfrs_decl10(__VA_ARGS__)
#define ___bpfrs_decl12(t, n, ...) , t n ___bpfrs_decl11(__VA_ARGS__)
/* `, <value of t1 at slot 0>, <value of t2 after t1's slots>, ...` */
#define ___bpfrs_val0(at, ...)
#define ___bpfrs_val1(at, t, n) , ___bpfrs_slot_value(t, at)
#define ___bpfrs_val2(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val1((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_val3(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val2((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_val4(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val3((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_val5(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val4((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_val6(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val5((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_val7(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val6((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_val8(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val7((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_val9(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val8((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_val10(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val9((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_val11(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val10((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_val12(at, t, n, ...) , ___bpfrs_slot_value(t, at) ___bpfrs_val11((at) + ___bpfrs_slots(t), __VA_ARGS__)
#define ___bpfrs_pairs_decl(args...) ___bpf_apply(___bpfrs_decl, ___bpfrs_npairs(args))(args)
#define ___bpfrs_pairs_val(args...) ___bpf_apply(___bpfrs_val, ___bpfrs_npairs(args))(0, ##args)
#define BPF_PROG2(name, args...)					\
name(unsigned long long *ctx);						\
static __always_inline typeof(name(0))					\
____##name(unsigned long long *ctx ___bpfrs_pairs_decl(args));		\
typeof(name(0)) name(unsigned long long *ctx)				\
{									\
	return ____##name(ctx ___bpfrs_pairs_val(args));		\
}									\
static __always_inline typeof(name(0))					\
____##name(unsigned long long *ctx ___bpfrs_pairs_decl(args))

/* kprobes and uprobes: argument i in the register of the calling convention. */
#define ___bpfrs_parm0 PT_REGS_PARM1
#define ___bpfrs_parm1 PT_REGS_PARM2
#define ___bpfrs_parm2 PT_REGS_PARM3
#define ___bpfrs_parm3 PT_REGS_PARM4
#define ___bpfrs_parm4 PT_REGS_PARM5
#define ___bpfrs_parm5 PT_REGS_PARM6
#define ___bpfrs_kprobe_arg(i) , (void *)___bpfrs_parm##i(ctx)
#define BPF_KPROBE(name, args...) \
	___bpfrs_program(name, struct pt_regs *ctx, \
			 ctx ___bpfrs_each(___bpfrs_kprobe_arg, args), ##args)

/* kretprobes and uretprobes: the one optional argument is the return value. */
#define ___bpfrs_ret0 PT_REGS_RC
#define ___bpfrs_kretprobe_arg(i) , (void *)___bpfrs_ret##i(ctx)
#define BPF_KRETPROBE(name, args...) \
	___bpfrs_program(name, struct pt_regs *ctx, \
			 ctx ___bpfrs_each(___bpfrs_kretprobe_arg, args), ##args)

#define BPF_UPROBE(name, args...) BPF_KPROBE(name, ##args)
#define BPF_URETPROBE(name, args...) BPF_KRETPROBE(name, ##args)

/* Syscall handlers (`SEC("ksyscall/close")`): the syscall's arguments,
 * read from the registers the syscall wrapper was given when the kernel has
 * one (LINUX_HAS_SYSCALL_WRAPPER, filled in by the loader), else from the
 * kprobe's own. */
#define ___bpfrs_sys0 PT_REGS_PARM1_SYSCALL
#define ___bpfrs_sys1 PT_REGS_PARM2_SYSCALL
#define ___bpfrs_sys2 PT_REGS_PARM3_SYSCALL
#define ___bpfrs_sys3 PT_REGS_PARM4_SYSCALL
#define ___bpfrs_sys4 PT_REGS_PARM5_SYSCALL
#define ___bpfrs_sys5 PT_REGS_PARM6_SYSCALL
#define ___bpfrs_sys_core0 PT_REGS_PARM1_CORE_SYSCALL
#define ___bpfrs_sys_core1 PT_REGS_PARM2_CORE_SYSCALL
#define ___bpfrs_sys_core2 PT_REGS_PARM3_CORE_SYSCALL
#define ___bpfrs_sys_core3 PT_REGS_PARM4_CORE_SYSCALL
#define ___bpfrs_sys_core4 PT_REGS_PARM5_CORE_SYSCALL
#define ___bpfrs_sys_core5 PT_REGS_PARM6_CORE_SYSCALL
#define ___bpfrs_sys_arg(i) , (void *)___bpfrs_sys##i(regs)
#define ___bpfrs_sys_core_arg(i) , (void *)___bpfrs_sys_core##i(regs)
#define BPF_KSYSCALL(name, args...)					\
name(struct pt_regs *ctx);						\
extern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;			\
static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args); \
typeof(name(0)) name(struct pt_regs *ctx)				\
{									\
	struct pt_regs *regs = LINUX_HAS_SYSCALL_WRAPPER		\
		? (struct pt_regs *)PT_REGS_PARM1(ctx) : ctx;		\
									\
	(void)regs;							\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")		\
	if (LINUX_HAS_SYSCALL_WRAPPER)					\
		return ____##name(ctx ___bpfrs_each(___bpfrs_sys_core_arg, args)); \
	return ____##name(ctx ___bpfrs_each(___bpfrs_sys_arg, args));	\
	_Pragma("GCC diagnostic pop")					\
}									\
static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args)
#define BPF_KPROBE_SYSCALL BPF_KSYSCALL

#endif /* __BPF_TRACING_H__ */
