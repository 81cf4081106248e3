/* Builds BPF objects from c-tests/bpf/ with clang at run time, for C tests and
 * oracle programs: the source lookup, the clang command and per-process build
 * directories under /tmp that the other helpers share, and bpfobj_build (the
 * object goes to /tmp/<name>.<pid>/<out>; returns 0, or 77 (skip) when clang is
 * missing, or -1). */
#ifndef LIBBPFRS_BPFOBJ_H
#define LIBBPFRS_BPFOBJ_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* c-tests/bpf/<file>: beside this header's folder (__FILE__ names
 * c-tests/include/bpfobj.h), else searched upwards from the working directory.
 * The one lookup every C test uses. */
static inline int bpfobj_find_file(const char *file, char *src, size_t n)
{
	char dir[PATH_MAX / 2];
	int i;

	snprintf(src, n, "%s", __FILE__);
	char *slash = strrchr(src, '/');
	if (slash) {
		snprintf(slash, n - (size_t)(slash - src), "/../bpf/%s", file);
		if (!access(src, R_OK))
			return 0;
	}
	if (!getcwd(dir, sizeof(dir)))
		return -1;
	for (i = 0; i < 8; i++) {
		snprintf(src, n, "%s/c-tests/bpf/%s", dir, file);
		if (!access(src, R_OK))
			return 0;
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = 0;
	}
	return -1;
}

/* c-tests/bpf/<name>.bpf.c. */
static inline int bpfobj_find(const char *name, char *src, size_t n)
{
	char file[128];

	snprintf(file, sizeof(file), "%s.bpf.c", name);
	return bpfobj_find_file(file, src, n);
}

/* 1 when clang is on the PATH. */
static inline int bpfobj_have_clang(void)
{
	return system("command -v clang >/dev/null 2>&1") == 0;
}

/* Compiles the BPF source `src` (a file of c-tests/bpf/) into the object file
 * `obj` with `clang -O2 -target bpf` and the extra `flags` (NULL for none).
 * <bpf/bpf_helpers.h> and the other BPF-side headers are libbpfrs's own
 * (include/, searched before the system directories), not libbpf-dev's.
 * 0 or -1. */
static inline int bpfobj_compile(const char *src, const char *flags, const char *obj)
{
	char cmd[4 * PATH_MAX], dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", src);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	snprintf(cmd, sizeof(cmd),
		 "clang -O2 %s -target bpf -I'%s/../../include' -I/usr/include/$(uname -m)-linux-gnu"
		 " -c '%s' -o '%s'",
		 flags ? flags : "", dir, src, obj);
	return system(cmd) == 0 ? 0 : -1;
}

/* Makes this process's build directory /tmp/<tag>.<pid> and writes its path to
 * `dir` (left empty on failure). 0 or -1. */
static inline int bpfobj_tmpdir(const char *tag, char *dir, size_t n)
{
	snprintf(dir, n, "/tmp/%s.%d", tag, (int)getpid());
	if (mkdir(dir, 0700) && errno != EEXIST) {
		dir[0] = 0;
		return -1;
	}
	return 0;
}

/* Removes a build directory of bpfobj_tmpdir with what it holds (nothing when
 * `dir` is empty). 0 or -1. */
static inline int bpfobj_rmdir(const char *dir)
{
	char cmd[PATH_MAX + 16];

	if (!dir[0])
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Compiles <name>.bpf.c into `out` (a file name; the object name derives from it)
 * in /tmp/<name>.<pid> with `flags` (e.g. "-g"); the full path is written to `path`. */
static inline int bpfobj_build(const char *name, const char *out, const char *flags, char *path,
			size_t n)
{
	char src[PATH_MAX], dir[96];

	if (!bpfobj_have_clang())
		return 77;
	if (bpfobj_find(name, src, sizeof(src)) || bpfobj_tmpdir(name, dir, sizeof(dir)))
		return -1;
	snprintf(path, n, "%s/%s", dir, out);
	return bpfobj_compile(src, flags, path);
}

/* Removes the build directory of bpfobj_build. */
static inline void bpfobj_clean(const char *name, const char *out)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "/tmp/%s.%d/%s", name, (int)getpid(), out);
	unlink(p);
	snprintf(p, sizeof(p), "/tmp/%s.%d", name, (int)getpid());
	rmdir(p);
}

#endif
