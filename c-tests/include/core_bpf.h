/* The CO-RE tests' objects (c-tests/object/core_relo.c, c-tests/oracle/core.c):
 * builds c-tests/bpf/core_*.bpf.c at run time, core_relo.bpf.c against a
 * vmlinux.h generated from the running kernel by bpftool; loads one program of an
 * object (optionally against a btf_custom_path), runs it with BPF_PROG_TEST_RUN
 * and reads back the `res` array it fills; hashes a program's xlated
 * instructions with the map ids the kernel shows there blanked out. Plain C
 * (no harness.h): returns errors, prints SKIP and exits 77 for missing tools. */
#ifndef LIBBPFRS_CORE_BPF_H
#define LIBBPFRS_CORE_BPF_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bpfobj.h"

#define CORE_RES_MAX 16

static char core_dir[96];

static inline void core_skip(const char *why)
{
	printf("SKIP: %s\n", why);
	exit(77);
}

/* The build directory, with vmlinux.h of the running kernel in it. */
static inline void core_init(void)
{
	char cmd[256];

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		core_skip("no /sys/kernel/btf/vmlinux");
	if (!bpfobj_have_clang())
		core_skip("clang not installed");
	if (system("command -v bpftool >/dev/null 2>&1"))
		core_skip("bpftool not installed (tests/deps.sh installs it)");
	if (bpfobj_tmpdir("core_bpf", core_dir, sizeof(core_dir)))
		core_skip("cannot make a build directory");
	snprintf(cmd, sizeof(cmd),
		 "bpftool btf dump file /sys/kernel/btf/vmlinux format c > '%s/vmlinux.h'", core_dir);
	if (system(cmd))
		core_skip("bpftool could not dump vmlinux BTF");
}

/* Compiles c-tests/bpf/<name>.bpf.c with -g into <core_dir>/<name>.o. 0 or -1. */
static inline int core_build(const char *name, char *path, size_t n)
{
	char src[PATH_MAX], flags[160];

	if (bpfobj_find(name, src, sizeof(src)))
		return -1;
	snprintf(path, n, "%s/%s.o", core_dir, name);
	snprintf(flags, sizeof(flags), "-g -I'%s'", core_dir);
	return bpfobj_compile(src, flags, path);
}

/* Builds the three CO-RE objects: core_relo, core_custom and the custom
 * target BTF core_custom_btf (paths of PATH_MAX bytes). 0 or -1. */
static inline int core_build_all(char *relo, char *custom_prog, char *custom_btf)
{
	if (core_build("core_relo", relo, PATH_MAX) ||
	    core_build("core_custom", custom_prog, PATH_MAX))
		return -1;
	return core_build("core_custom_btf", custom_btf, PATH_MAX);
}

static inline void core_cleanup(void)
{
	bpfobj_rmdir(core_dir);
}

/* Opens `path` (with btf_custom_path `custom` if not NULL). */
static inline struct bpf_object *core_open(const char *path, const char *custom)
{
	LIBBPF_OPTS(bpf_object_open_opts, o, .btf_custom_path = custom);

	return bpf_object__open_file(path, &o);
}

/* Loads only program `prog` of `obj`. The load's return value. */
static inline int core_load_only(struct bpf_object *obj, const char *prog)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, strcmp(bpf_program__name(p), prog) == 0);
	return bpf_object__load(obj);
}

/* Runs loaded program `prog` once and reads `res[0..n)`. 0 or -1. */
static inline int core_run(struct bpf_object *obj, const char *prog, uint64_t *res, int n)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	struct bpf_program *p = bpf_object__find_program_by_name(obj, prog);
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "res");

	if (!p || !m || bpf_prog_test_run_opts(bpf_program__fd(p), &topts))
		return -1;
	for (int i = 0; i < n; i++) {
		uint32_t k = (uint32_t)i;

		if (bpf_map_lookup_elem(bpf_map__fd(m), &k, &res[i]))
			return -1;
	}
	return 0;
}

/* FNV-1a of program `fd`'s xlated instructions, map ids in ld_imm64 blanked
 * (they differ between two loads); 0 on failure. `cnt` gets the count. */
static inline uint64_t core_xlated_hash(int fd, unsigned *cnt)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct bpf_insn *insns;
	uint64_t h = 1469598103934665603ULL;
	unsigned n;

	if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.xlated_prog_len)
		return 0;
	n = info.xlated_prog_len / sizeof(*insns);
	insns = calloc(n, sizeof(*insns));
	if (!insns)
		return 0;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = n * sizeof(*insns);
	info.xlated_prog_insns = (__u64)(unsigned long)insns;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		free(insns);
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) && insns[i].src_reg && i + 1 < n) {
			insns[i].imm = 0;
			insns[i + 1].imm = 0;
		}
	}
	for (size_t i = 0; i < n * sizeof(*insns); i++) {
		h ^= ((unsigned char *)insns)[i];
		h *= 1099511628211ULL;
	}
	free(insns);
	*cnt = n;
	return h;
}

#endif
