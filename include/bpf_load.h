/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfrs: the legacy samples/bpf loader interface (bpf_load.h as of v5.10, the
 * last release that had it), implemented by libbpfrs (-lbpfrs). Hand-written.
 *
 * Also accepted for older clients:
 *  - set_link_xdp_fd(ifindex, fd) (v4.10-v4.11) and set_link_xdp_fd(ifindex, fd,
 *    flags) (v4.12-v4.16);
 *  - read_trace_pipe() (<= v5.8) and load_kallsyms()/ksym_search() with
 *    struct ksym (v4.10-v4.17). v4.18+ clients take these from selftests'
 *    trace_helpers.h/.c instead; both kinds compile unchanged (see below), and
 *    a client's own definitions of any function here replace libbpfrs's, also
 *    when linked statically. BPF_LOAD_NO_KSYM leaves the ksym part out.
 *
 * The globals below are written only by load_bpf_file*(). The loader is not
 * thread-safe (neither was bpf_load.c).
 *
 * Calling any function declared here switches the process to libbpf 0.x's
 * return convention, the one bpf_load.c's clients were written for: from then
 * on, a low-level bpf.h call the kernel refuses returns -1 with errno set (see
 * the return conventions in bpf/libbpfrs.h). */
#ifndef __BPF_LOAD_H
#define __BPF_LOAD_H

#include <bpf/bpf.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MAX_MAPS 32
#define MAX_PROGS 32

#ifndef BPF_LOG_BUF_SIZE
#define BPF_LOG_BUF_SIZE (UINT32_MAX >> 8)
#endif

struct bpf_load_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

struct bpf_map_data {
	int fd;
	char *name;
	size_t elf_offset;
	struct bpf_load_map_def def;
};

typedef void (*fixup_map_cb)(struct bpf_map_data *map, int idx);

extern int prog_fd[MAX_PROGS];
extern int event_fd[MAX_PROGS];
extern char bpf_log_buf[BPF_LOG_BUF_SIZE];
extern int prog_cnt;

/* map_fd[i] and map_data[i] describe the same map: i is the rank of the map
 * definition's offset in the object's "maps" section. */
extern int map_fd[MAX_MAPS];
extern struct bpf_map_data map_data[MAX_MAPS];
extern int map_data_count;

/* Loads a BPF object built by clang -target bpf: creates its "maps" maps
 * (map_fd[], map_data[], map_data_count), loads every program section in ELF
 * section order (prog_fd[prog_cnt++]) and attaches tracepoint/, raw_tracepoint/
 * and kprobe/ sections (event_fd[]); socket/N, sockops/N and kprobe/N sections go
 * into slot N of the last PROG_ARRAY. The fixup callback runs before each map is
 * created; setting map->fd there reuses an existing map.
 * Returns 0; 1 on a file, ELF or map error; -1 on a program load or attach error
 * (the verifier log is then in bpf_log_buf). Messages go to stdout. */
int load_bpf_file(char *path);
int load_bpf_file_fixup_map(const char *path, fixup_map_cb fixup_map);

/* libbpf 0.x; declared by the v4.17-v5.10 headers. */
int bpf_set_link_xdp_fd(int ifindex, int fd, __u32 flags);

/* v4.1-v5.8: copies the tracing trace_pipe to stdout, forever. */
void read_trace_pipe(void);

/* v4.10-v4.16: attach (fd >= 0) or detach (fd == -1) an XDP program by netlink. */
int set_link_xdp_fd(int ifindex, int fd, __u32 flags);
#define set_link_xdp_fd(...) ___libbpf_overload(___bpfrs_set_link_xdp_fd, __VA_ARGS__)
#define ___bpfrs_set_link_xdp_fd2(ifindex, fd) set_link_xdp_fd(ifindex, fd, 0)
#define ___bpfrs_set_link_xdp_fd3(ifindex, fd, flags) set_link_xdp_fd(ifindex, fd, flags)

/* struct ksym and ksym_search (v4.10-v4.17 here, v4.18+ in selftests'
 * trace_helpers.h, guard __TRACE_HELPER_H, which defines the same struct).
 * trace_helpers.h included first: nothing to declare. Otherwise `ksym` and
 * `ksym_search` are macros pasting the tokens of __TRACE_HELPER_H on: until
 * trace_helpers.h defines it (empty) they read `ksym__TRACE_HELPER_H` and
 * `ksym_search__TRACE_HELPER_H`, the names declared below (the function bound
 * to the symbol ksym_search); after it they read `ksym` and `ksym_search` again
 * (a macro is not expanded inside itself), so a trace_helpers.h included later
 * defines and declares the real names without a clash, and the client's code
 * after it uses them. */
#if !defined(BPF_LOAD_NO_KSYM) && !defined(__TRACE_HELPER_H)
#define ksym ___libbpf_select(ksym, __TRACE_HELPER_H)
#define ksym_search ___libbpf_select(ksym_search, __TRACE_HELPER_H)

struct ksym {
	long addr;
	char *name;
};

int load_kallsyms(void);
struct ksym *ksym_search(long key) __asm__("ksym_search");
#endif

#ifdef __cplusplus
}
#endif

#endif /* __BPF_LOAD_H */
