/* Raw-instruction programs for the XDP/TC netlink tests: a packet counter that
 * adds 1 to slot 0 of a one-entry ARRAY and returns `ret`, and a program that
 * only returns `ret` (their ids: raw_bpf.h's raw_prog_id); included after
 * harness.h, a check that sent traffic was counted. */
#ifndef LIBBPFRS_NL_PROG_H
#define LIBBPFRS_NL_PROG_H

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include "insns.h"
#include "raw_bpf.h"

static inline int nl_load_counter(enum bpf_prog_type type, const char *name, int map_fd, int ret)
{
	struct bpf_insn p[] = {
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0, BPF_ADD),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, ret),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	return bpf_prog_load(type, name, "GPL", p, sizeof(p) / sizeof(p[0]), NULL);
}

static inline int nl_load_ret(enum bpf_prog_type type, const char *name, int ret)
{
	struct bpf_insn p[] = { MOV64_IMM(BPF_REG_0, ret), EXIT_INSN() };

	return bpf_prog_load(type, name, "GPL", p, 2, NULL);
}

static inline __u64 nl_count(int map_fd)
{
	__u32 k = 0;
	__u64 v = 0;

	bpf_map_lookup_elem(map_fd, &k, &v);
	return v;
}

#ifdef LIBBPFRS_TEST_HARNESS_H
/* Sends n datagrams with `send` (nl_netns.h's nl_send_udp into A, or a test's
 * own sender) and checks that all left and that the counter in `map_fd` grew by
 * at least n. */
static inline void nl_check_counted(int map_fd, int (*send)(int), int n, const char *what)
{
	__u64 before = nl_count(map_fd);

	CHECK_EQ(send(n), n);
	CHECK(nl_count(map_fd) >= before + n, "%s: count went from %llu to %llu", what,
	      (unsigned long long)before, (unsigned long long)nl_count(map_fd));
}
#endif

#endif
