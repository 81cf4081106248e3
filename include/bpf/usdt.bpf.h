/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * USDT (user statically defined tracepoint) programs: `SEC("usdt")` with
 * BPF_USDT(name, args...) and bpf_usdt_arg(), bpf_usdt_arg_cnt(),
 * bpf_usdt_cookie().
 *
 * Where each argument of a probe lives (a constant, a register, memory at a
 * register plus an offset) is decided in user space when the program is
 * attached, from the probe's ELF note, and written to the two maps below; the
 * program finds the spec of the probe that fired through its BPF cookie, or
 * through its instruction pointer on kernels without cookies. The types, map
 * names and layouts are those of libbpf 1.1 (the attaching side fills them).
 */
#ifndef __USDT_BPF_H__
#define __USDT_BPF_H__

#include "bpf_helpers.h"
#include "bpf_tracing.h"

/* How many attached probe sites the specs map holds (overridable). */
#ifndef BPF_USDT_MAX_SPEC_CNT
#define BPF_USDT_MAX_SPEC_CNT 256
#endif
/* How many instruction pointers the IP map holds: only used without BPF
 * cookies (before Linux 5.15), else it may shrink to 1. */
#ifndef BPF_USDT_MAX_IP_CNT
#define BPF_USDT_MAX_IP_CNT (4 * BPF_USDT_MAX_SPEC_CNT)
#endif

/* The most arguments of a probe. */
#define BPF_USDT_MAX_ARG_CNT 12

enum __bpf_usdt_arg_type {
	BPF_USDT_ARG_CONST,	/* the value is val_off */
	BPF_USDT_ARG_REG,	/* the value is in the pt_regs field at reg_off */
	BPF_USDT_ARG_REG_DEREF,	/* the value is in user memory at that register + val_off */
};

struct __bpf_usdt_arg_spec {
	__u64 val_off;			/* the constant, or the memory offset */
	enum __bpf_usdt_arg_type arg_type;
	short reg_off;			/* offsetof(struct pt_regs, <register>) */
	_Bool arg_signed;		/* sign-extend the value */
	char arg_bitshift;		/* 64 - the argument's size in bits */
};

struct __bpf_usdt_spec {
	struct __bpf_usdt_arg_spec args[BPF_USDT_MAX_ARG_CNT];
	__u64 usdt_cookie;		/* bpf_usdt_opts.usdt_cookie of the attach */
	short arg_cnt;
};

/* Spec id -> spec. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BPF_USDT_MAX_SPEC_CNT);
	__type(key, int);
	__type(value, struct __bpf_usdt_spec);
} __bpf_usdt_specs SEC(".maps") __weak;

/* Probe address -> spec id, without BPF cookies. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPF_USDT_MAX_IP_CNT);
	__type(key, long);
	__type(value, __u32);
} __bpf_usdt_ip_to_spec_id SEC(".maps") __weak;

/* Filled in by the loader: whether the kernel has bpf_get_attach_cookie(). */
extern const _Bool LINUX_HAS_BPF_COOKIE __kconfig;

/* Error numbers (linux/errno.h's values, not its names: vmlinux.h users
 * have no errno.h). */
#define ___BPFRS_ENOENT 2
#define ___BPFRS_ESRCH 3
#define ___BPFRS_EINVAL 22

/* The spec of the probe that fired, or NULL. */
static __always_inline struct __bpf_usdt_spec *___bpfrs_usdt_spec(struct pt_regs *ctx)
{
	int id;

	if (LINUX_HAS_BPF_COOKIE) {
		id = (int)bpf_get_attach_cookie(ctx);
	} else {
		long ip = PT_REGS_IP(ctx);
		__u32 *found = bpf_map_lookup_elem(&__bpf_usdt_ip_to_spec_id, &ip);

		if (!found)
			return NULL;
		id = (int)*found;
	}
	if (id < 0)
		return NULL;
	return bpf_map_lookup_elem(&__bpf_usdt_specs, &id);
}

/* The number of arguments of the probe that fired, or -ESRCH. */
__weak __hidden int bpf_usdt_arg_cnt(struct pt_regs *ctx)
{
	struct __bpf_usdt_spec *spec = ___bpfrs_usdt_spec(ctx);

	return spec ? spec->arg_cnt : -___BPFRS_ESRCH;
}

/* Argument `arg_num` (from 0) of the probe that fired, widened to 64 bits,
 * into *res: 0, or a negative error with *res zero. */
__weak __hidden int bpf_usdt_arg(struct pt_regs *ctx, __u64 arg_num, long *res)
{
	struct __bpf_usdt_spec *spec = ___bpfrs_usdt_spec(ctx);
	struct __bpf_usdt_arg_spec *arg;
	unsigned long v;
	int err;

	*res = 0;
	if (!spec)
		return -___BPFRS_ESRCH;
	if (arg_num >= BPF_USDT_MAX_ARG_CNT || arg_num >= (__u64)spec->arg_cnt)
		return -___BPFRS_ENOENT;
	arg = &spec->args[arg_num];
	if (arg->arg_type == BPF_USDT_ARG_CONST) {
		v = arg->val_off;
	} else if (arg->arg_type == BPF_USDT_ARG_REG || arg->arg_type == BPF_USDT_ARG_REG_DEREF) {
		err = bpf_probe_read_kernel(&v, sizeof(v), (const char *)ctx + arg->reg_off);
		if (err)
			return err;
		if (arg->arg_type == BPF_USDT_ARG_REG_DEREF) {
			err = bpf_probe_read_user(&v, sizeof(v), (const void *)(v + arg->val_off));
			if (err)
				return err;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			/* A narrow value read as 8 bytes sits in the high ones. */
			v >>= arg->arg_bitshift;
#endif
		}
	} else {
		return -___BPFRS_EINVAL;
	}
	/* Keep the argument's own bits, then extend them to 64. */
	v <<= arg->arg_bitshift;
	if (arg->arg_signed)
		v = (unsigned long)((long)v >> arg->arg_bitshift);
	else
		v >>= arg->arg_bitshift;
	*res = (long)v;
	return 0;
}

/* The usdt_cookie given when the program was attached to the probe that
 * fired (a USDT program's own BPF cookie is the spec id), or 0. */
__weak __hidden long bpf_usdt_cookie(struct pt_regs *ctx)
{
	struct __bpf_usdt_spec *spec = ___bpfrs_usdt_spec(ctx);

	return spec ? (long)spec->usdt_cookie : 0;
}

/* A USDT program with named arguments: argument i is bpf_usdt_arg(ctx, i)
 * (0 when it cannot be read). */
#define ___bpfrs_usdt_arg(i) \
	, ({ long __bpfrs_x; bpf_usdt_arg(ctx, i, &__bpfrs_x); (void *)__bpfrs_x; })
#define BPF_USDT(name, args...) \
	___bpfrs_program(name, struct pt_regs *ctx, \
			 ctx ___bpfrs_each(___bpfrs_usdt_arg, args), ##args)

#endif /* __USDT_BPF_H__ */
