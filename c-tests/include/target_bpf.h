/* Shared by the tests of BPF programs as attach targets (c-tests/attach/attach_target.c
 * and c-tests/oracle/attach_target.c): c-tests/bpf/tg_target.bpf.c (an XDP program
 * with the global function tg_global in its BTF) and tg_ext.bpf.c (freplace, fentry
 * and fexit programs aimed at it), a target program without BTF, and the kernel's
 * own answer on whether it loads a program type at all. Standalone (no harness.h),
 * so the oracle uses it too. */
#ifndef LIBBPFRS_TARGET_BPF_H
#define LIBBPFRS_TARGET_BPF_H

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpfobj.h"

/* r0 = 2 (XDP_PASS); exit. */
static const struct bpf_insn tg_ret_pass[2] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 2 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* Builds tg_target.bpf.c and tg_ext.bpf.c with -g (bpfobj_build): 0, 77 when
 * clang is missing, -1 on a build error. */
static inline int tg_build(char *target, char *ext, size_t n)
{
	int r = bpfobj_build("tg_target", "tg_target.o", "-g", target, n);

	return r ? r : bpfobj_build("tg_ext", "tg_ext.o", "-g", ext, n);
}

/* Removes what tg_build made. */
static inline void tg_clean(void)
{
	bpfobj_clean("tg_target", "tg_target.o");
	bpfobj_clean("tg_ext", "tg_ext.o");
}

/* An XDP program loaded without BTF (bpf(2) directly): its fd, or -1. */
static inline int tg_load_nobtf(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (unsigned long)tg_ret_pass;
	a.insn_cnt = 2;
	a.license = (unsigned long)"GPL";
	return syscall(__NR_bpf, BPF_PROG_LOAD, &a, sizeof(a));
}

/* 1 when the kernel refuses every load of `type` (with `expected_attach_type`)
 * with EPERM, whatever its attach target: asked with bpf(2) directly and no
 * target at all, which a kernel that allows the type answers with another error
 * (EINVAL) first. Kernel lockdown and some sandboxes refuse tracing and
 * extension programs this way. */
static inline int tg_kernel_refuses(__u32 type, __u32 expected_attach_type)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.expected_attach_type = expected_attach_type;
	a.insns = (unsigned long)tg_ret_pass;
	a.insn_cnt = 2;
	a.license = (unsigned long)"GPL";
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EPERM;
}

/* tg_ext.bpf.c opened with only program `name` to load; NULL if the open fails. */
static inline struct bpf_object *tg_open_only(const char *path, const char *name,
					      struct bpf_program **prog)
{
	struct bpf_object *o = bpf_object__open_file(path, NULL);
	struct bpf_program *p;

	*prog = NULL;
	if (!o)
		return NULL;
	bpf_object__for_each_program(p, o) {
		int me = !strcmp(bpf_program__name(p), name);

		bpf_program__set_autoload(p, me);
		if (me)
			*prog = p;
	}
	return o;
}

#endif
