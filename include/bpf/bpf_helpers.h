/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BPF side of libbpfrs: what a BPF program compiled with
 * `clang -target bpf` includes to declare maps, programs and externs the way
 * libbpf's loader (and libbpfrs's) reads them, and to call helpers.
 *
 * Include linux/types.h (or a vmlinux.h) first: the helper declarations use
 * __u32, __u64, ...
 */
#ifndef __BPF_HELPERS__
#define __BPF_HELPERS__

#include "bpf_helper_defs.h"

/* ---- Argument counting, shared with bpf_core_read.h and bpf_tracing.h ---- */

#ifndef ___bpf_concat
#define ___bpf_concat(a, b) a ## b
#endif
/* fn##n, n expanded first. */
#ifndef ___bpf_apply
#define ___bpf_apply(fn, n) ___bpf_concat(fn, n)
#endif
/* The 14th argument: with the count table of ___bpf_narg behind the caller's
 * arguments, how many the caller gave (0 to 12). */
#ifndef ___bpf_nth
#define ___bpf_nth(_0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, n, ...) n
#endif
#ifndef ___bpf_narg
#define ___bpf_narg(...) \
	___bpf_nth(_0, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#endif

/* m(0) m(1) ... m(n - 1), n the number of arguments after m (up to 12). */
#define ___bpfrs_each0(m)
#define ___bpfrs_each1(m) m(0)
#define ___bpfrs_each2(m) ___bpfrs_each1(m) m(1)
#define ___bpfrs_each3(m) ___bpfrs_each2(m) m(2)
#define ___bpfrs_each4(m) ___bpfrs_each3(m) m(3)
#define ___bpfrs_each5(m) ___bpfrs_each4(m) m(4)
#define ___bpfrs_each6(m) ___bpfrs_each5(m) m(5)
#define ___bpfrs_each7(m) ___bpfrs_each6(m) m(6)
#define ___bpfrs_each8(m) ___bpfrs_each7(m) m(7)
#define ___bpfrs_each9(m) ___bpfrs_each8(m) m(8)
#define ___bpfrs_each10(m) ___bpfrs_each9(m) m(9)
#define ___bpfrs_each11(m) ___bpfrs_each10(m) m(10)
#define ___bpfrs_each12(m) ___bpfrs_each11(m) m(11)
#define ___bpfrs_each(m, args...) ___bpf_apply(___bpfrs_each, ___bpf_narg(args))(m)

/* ---- BTF-defined maps ---- */

/* An integer attribute of a map definition (type, max_entries, key_size,
 * map_flags, pinning, ...): encoded in BTF as the array size of a pointer. */
#define __uint(name, val) int (*name)[val]
/* A type attribute (key, value): a pointer to it. */
#define __type(name, val) typeof(val) *name
/* The inner map or program array of a map-in-map or prog array. */
#define __array(name, val) typeof(val) *name[]
/* A 64-bit attribute (map_extra): the value of an anonymous enum. */
#define __ulong(name, val) enum { ___bpf_concat(__bpfrs_ulong_, __COUNTER__) = (val) } name

/* The section of a program, map or variable: the loader reads the program
 * type and attach point from a program's section name. clang warns about a
 * section on an extern declaration (`.maps` externs, `.kconfig`): quiet. */
#if defined(__GNUC__) && !defined(__clang__)
#define SEC(name) __attribute__((section(name), used))
#else
#define SEC(name)							\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wignored-attributes\"")	\
	__attribute__((section(name), used))				\
	_Pragma("GCC diagnostic pop")
#endif

/* `pinning` of a map definition. */
enum libbpf_pin_type {
	LIBBPF_PIN_NONE,
	LIBBPF_PIN_BY_NAME, /* under the pin root (/sys/fs/bpf) by map name */
};

/* A tristate __kconfig value (CONFIG_X=y/m/n). */
enum libbpf_tristate {
	TRI_NO = 0,
	TRI_YES = 1,
	TRI_MODULE = 2,
};

/* ---- Attributes ---- */

/* linux/stddef.h has its own, without `inline`. */
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif
#ifndef __weak
#define __weak __attribute__((weak))
#endif
/* A global subprogram the verifier checks with its callers' context, like a
 * static one. */
#define __hidden __attribute__((visibility("hidden")))

/* An extern the loader fills from the kernel's configuration (or its own
 * LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, ...). */
#define __kconfig __attribute__((section(".kconfig")))
/* An extern kernel symbol (variable or kfunc) resolved through kernel BTF. */
#define __ksym __attribute__((section(".ksyms")))
/* Map value fields holding kernel pointers. */
#define __kptr __attribute__((btf_type_tag("kptr")))
#define __kptr_ref __attribute__((btf_type_tag("kptr_ref")))

/* Whether a __weak __ksym resolved on this kernel (1) or not (0). A symbol not
 * declared __weak is always there, which the assertion refuses. */
#define bpf_ksym_exists(sym) ({						\
	_Static_assert(!__builtin_constant_p(!!(sym)),			\
		       "bpf_ksym_exists(" #sym "): declare it __weak");	\
	!!(sym);							\
})

/* ---- What vmlinux.h does not define ---- */

#ifndef NULL
#define NULL ((void *)0)
#endif
#ifndef KERNEL_VERSION
/* Linux's encoding, the sublevel saturated at 255. */
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#endif
#ifndef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif
#ifndef container_of
#define container_of(ptr, type, member) ({				\
	void *__bpfrs_m = (void *)(ptr);				\
	(type *)((char *)__bpfrs_m - offsetof(type, member));		\
})
#endif

/* The compiler may not move memory accesses across it. */
#ifndef barrier
#define barrier() asm volatile("" : : : "memory")
#endif
/* The compiler forgets what it knew of `var` (its range, its origin): a value
 * is computed where the program says, not merged or recomputed. */
#ifndef barrier_var
#define barrier_var(var) asm volatile("" : "+r"(var))
#endif
/* A path the compiler must prove dead: BPF has no trap instruction, so one
 * left in the object fails the build. */
#ifndef __bpf_unreachable
#define __bpf_unreachable() __builtin_trap()
#endif

/* A tail call into `map[slot]` with a constant slot, the registers set right
 * before the call so the JIT can patch a direct jump. */
#if defined(__bpf__) && defined(__clang_major__) && __clang_major__ >= 8
static __always_inline void
bpf_tail_call_static(void *ctx, const void *map, const __u32 slot)
{
	if (!__builtin_constant_p(slot))
		__bpf_unreachable();
	/* r0-r5 are the call's scratch registers in the BPF calling
	 * convention: the compiler must not keep anything there. */
	asm volatile("r1 = %0\n\t"
		     "r2 = %1\n\t"
		     "r3 = %2\n\t"
		     "call 12"
		     :
		     : "r"(ctx), "r"(map), "i"(slot)
		     : "r0", "r1", "r2", "r3", "r4", "r5");
}
#endif

/* ---- Formatted output ---- */

/* Declares ___fmt, the format, and ___param, the arguments as an array of
 * u64 (a pointer argument becomes an integer there), for the helpers that
 * take their arguments so. */
#define ___bpfrs_fmt_args(fmt, args...)					\
	static const char ___fmt[] = fmt;				\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")		\
	unsigned long long ___param[___bpf_narg(args)] = { args };	\
	_Pragma("GCC diagnostic pop")

/* bpf_seq_printf(seq, fmt, args...) with the arguments given one by one. */
#define BPF_SEQ_PRINTF(seq, fmt, args...) ({				\
	___bpfrs_fmt_args(fmt, ##args)					\
	bpf_seq_printf(seq, ___fmt, sizeof(___fmt), ___param, sizeof(___param)); \
})
/* bpf_snprintf(out, out_size, fmt, args...) likewise. */
#define BPF_SNPRINTF(out, out_size, fmt, args...) ({			\
	___bpfrs_fmt_args(fmt, ##args)					\
	bpf_snprintf(out, out_size, ___fmt, ___param, sizeof(___param)); \
})

/* The format string lives in .rodata unless global data is unavailable
 * (kernels before 5.2), where it is built on the stack. */
#ifdef BPF_NO_GLOBAL_DATA
#define BPF_PRINTK_FMT_MOD
#else
#define BPF_PRINTK_FMT_MOD static const
#endif

/* bpf_trace_printk: up to 3 arguments. */
#define __bpf_printk(fmt, ...) ({					\
	BPF_PRINTK_FMT_MOD char ____fmt[] = fmt;			\
	bpf_trace_printk(____fmt, sizeof(____fmt), ##__VA_ARGS__);	\
})
/* bpf_trace_vprintk (Linux 5.16): more arguments, as an array. */
#define __bpf_vprintk(fmt, args...) ({				\
	___bpfrs_fmt_args(fmt, ##args)					\
	bpf_trace_vprintk(___fmt, sizeof(___fmt), ___param, sizeof(___param)); \
})

/* The printk for this many arguments: __bpf_printk up to 3, else __bpf_vprintk. */
#define ___bpf_pick_printk(...) ___bpf_apply(___bpfrs_printk_, ___bpf_narg(__VA_ARGS__))
#define ___bpfrs_printk_0 __bpf_printk
#define ___bpfrs_printk_1 __bpf_printk
#define ___bpfrs_printk_2 __bpf_printk
#define ___bpfrs_printk_3 __bpf_printk
#define ___bpfrs_printk_4 __bpf_vprintk
#define ___bpfrs_printk_5 __bpf_vprintk
#define ___bpfrs_printk_6 __bpf_vprintk
#define ___bpfrs_printk_7 __bpf_vprintk
#define ___bpfrs_printk_8 __bpf_vprintk
#define ___bpfrs_printk_9 __bpf_vprintk
#define ___bpfrs_printk_10 __bpf_vprintk
#define ___bpfrs_printk_11 __bpf_vprintk
#define ___bpfrs_printk_12 __bpf_vprintk

/* Prints to the trace pipe (/sys/kernel/tracing/trace_pipe). */
#define bpf_printk(fmt, args...) ___bpf_pick_printk(args)(fmt, ##args)

#endif /* __BPF_HELPERS__ */
