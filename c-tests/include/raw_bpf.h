/* What the kernel says, asked with bpf(2) directly rather than through the
 * library under test, and a minimal BTF blob for the BTF-loading calls. For the
 * tests that check the library's results against the kernel's own view.
 * Standalone (no harness.h) so the oracle programs use it too. */
#ifndef LIBBPFRS_RAW_BPF_H
#define LIBBPFRS_RAW_BPF_H

#include <linux/bpf.h>
#include <linux/btf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* BPF_OBJ_GET_INFO_BY_FD on a program: 0, or -1 with errno. */
static inline int raw_prog_info(int fd, struct bpf_prog_info *info)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	memset(info, 0, sizeof(*info));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(*info);
	a.info.info = (unsigned long)info;
	return syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
}

/* A program's id, or 0 when the kernel does not answer. */
static inline __u32 raw_prog_id(int fd)
{
	struct bpf_prog_info info;

	return raw_prog_info(fd, &info) ? 0 : info.id;
}

/* A tiny BTF: [1] int, [2] int (void) proto, [3] static func "prog". */
struct tiny_btf {
	struct btf_header h;
	__u32 types[10];
	char strs[10];
} __attribute__((packed));

static inline void tiny_btf_make(struct tiny_btf *b)
{
	static const __u32 types[10] = {
		1, BTF_KIND_INT << 24, 4, (BTF_INT_SIGNED << 24) | 32,
		0, BTF_KIND_FUNC_PROTO << 24, 1,
		5, BTF_KIND_FUNC << 24, 2,
	};

	memset(b, 0, sizeof(*b));
	b->h.magic = BTF_MAGIC;
	b->h.version = BTF_VERSION;
	b->h.hdr_len = sizeof(b->h);
	b->h.type_off = 0;
	b->h.type_len = sizeof(types);
	b->h.str_off = sizeof(types);
	b->h.str_len = sizeof(b->strs);
	memcpy(b->types, types, sizeof(types));
	memcpy(b->strs, "\0int\0prog\0", sizeof(b->strs));
}

#endif
