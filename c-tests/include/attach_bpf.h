/* Shared by the attach/link tests (c-tests/attach/attach_events.c, link_ops.c and
 * c-tests/oracle/attach.c): compiles a BPF source of c-tests/bpf/ with clang into
 * a per-process directory under /tmp. Standalone (no harness.h) so the oracle
 * programs can use it too; included after harness.h it also gives the C tests
 * their handles on c-tests/bpf/at_progs.bpf.c (at_obj, at_prog, at_count, ...). */
#ifndef LIBBPFRS_ATTACH_BPF_H
#define LIBBPFRS_ATTACH_BPF_H

#include <limits.h>
#include <stdio.h>
#include "bpfobj.h"

static char at_obj_dir[64];

/* Builds c-tests/bpf/<name>.bpf.c (with -g) into <dir>/<name>.o. 0 on success, 1
 * if clang is missing, -1 on a build error. */
static int at_build(const char *name, char *obj, size_t n)
{
	char src[PATH_MAX];

	if (!bpfobj_have_clang())
		return 1;
	if (bpfobj_find(name, src, sizeof(src)))
		return -1;
	if (!at_obj_dir[0] && bpfobj_tmpdir("at_obj", at_obj_dir, sizeof(at_obj_dir)))
		return -1;
	snprintf(obj, n, "%s/%s.o", at_obj_dir, name);
	return bpfobj_compile(src, "-g", obj);
}

/* Removes the build directory (call at exit). */
static void at_clean(void)
{
	bpfobj_rmdir(at_obj_dir);
}

#ifdef LIBBPFRS_TEST_HARNESS_H
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/syscall.h>

/* The at_progs object a test opened, and its maps once loaded (at_use_maps):
 * `counts` holds one __u64 per program kind (the slot each program adds to),
 * `cfg` the pid whose syscalls the programs count. */
static struct bpf_object *at_obj;
static int at_counts_fd, at_cfg_fd;

/* Builds c-tests/bpf/at_progs.bpf.c and opens it (not loaded) into at_obj: 0,
 * or -1 after a failed check. Skips the test without clang. */
static inline int at_open(void)
{
	char path[PATH_MAX];
	int r = at_build("at_progs", path, sizeof(path));

	if (r == 1)
		h_skip("clang not installed");
	CHECK_EQ(r, 0);
	if (r)
		return -1;
	at_obj = bpf_object__open_file(path, NULL);
	CHECK(at_obj != NULL, "open: errno %d", errno);
	return at_obj ? 0 : -1;
}

/* A program of at_obj by name; a missing one is a failed check. */
static inline struct bpf_program *at_prog(const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(at_obj, name);

	CHECK(p != NULL, "no program %s", name);
	return p;
}

static inline __u64 at_count(int slot)
{
	__u32 k = slot;
	__u64 v = 0;

	bpf_map_lookup_elem(at_counts_fd, &k, &v);
	return v;
}

static inline void at_reset(int slot)
{
	__u32 k = slot;
	__u64 v = 0;

	bpf_map_update_elem(at_counts_fd, &k, &v, BPF_ANY);
}

/* The programs count the syscalls of `pid` from now on. */
static inline void at_set_pid(__u32 pid)
{
	__u32 k = 0;

	bpf_map_update_elem(at_cfg_fd, &k, &pid, BPF_ANY);
}

/* Finds the maps of the loaded at_obj; its programs count this process. */
static inline void at_use_maps(void)
{
	at_counts_fd = bpf_object__find_map_fd_by_name(at_obj, "counts");
	at_cfg_fd = bpf_object__find_map_fd_by_name(at_obj, "cfg");
	at_set_pid(getpid());
}

/* n getpid() syscalls, what the tracepoint programs count. */
static inline void at_getpids(int n)
{
	while (n--)
		syscall(SYS_getpid);
}
#endif

#endif
