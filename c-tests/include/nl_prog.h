/* Raw-instruction programs for the XDP/TC netlink tests: a packet counter that
 * adds 1 to slot 0 of a one-entry ARRAY and returns `ret`, and a program that
 * only returns `ret`. */
#ifndef LIBBPFRS_NL_PROG_H
#define LIBBPFRS_NL_PROG_H

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NL_INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

static inline int nl_load_counter(enum bpf_prog_type type, const char *name, int map_fd, int ret)
{
	struct bpf_insn p[] = {
		NL_INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
		NL_INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		NL_INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		NL_INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd),
		NL_INSN(0, 0, 0, 0, 0),
		NL_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		NL_INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
		NL_INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
		NL_INSN(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0, BPF_ADD),
		NL_INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, ret),
		NL_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	return bpf_prog_load(type, name, "GPL", p, sizeof(p) / sizeof(p[0]), NULL);
}

static inline int nl_load_ret(enum bpf_prog_type type, const char *name, int ret)
{
	struct bpf_insn p[] = {
		NL_INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, ret),
		NL_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	return bpf_prog_load(type, name, "GPL", p, 2, NULL);
}

static inline __u64 nl_count(int map_fd)
{
	__u32 k = 0;
	__u64 v = 0;

	bpf_map_lookup_elem(map_fd, &k, &v);
	return v;
}

static inline __u32 nl_prog_id(int fd)
{
	struct bpf_prog_info info;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	memset(&info, 0, sizeof(info));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (unsigned long)&info;
	if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)))
		return 0;
	return info.id;
}

#endif
