/* Shared by the c-tests/object/obj_*.c tests and c-tests/oracle/objects.c: finds a BPF
 * source under c-tests/bpf/, compiles it with clang at run time into a private
 * directory (/tmp/ot_<tag>.<pid>), reads files into memory, cleans up. */
#ifndef LIBBPFRS_OBJ_UTIL_H
#define LIBBPFRS_OBJ_UTIL_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bpfobj.h"

static char ot_dir[128];

static inline void ot_skip(const char *why)
{
#ifdef LIBBPFRS_TEST_HARNESS_H
	h_skip(why);
#else
	printf("SKIP: %s\n", why);
	exit(77);
#endif
}

/* c-tests/bpf/<name> (bpfobj.h's lookup). */
static inline int ot_find_src(const char *name, char *out, size_t len)
{
	return bpfobj_find_file(name, out, len);
}

/* Makes the private object directory for this process. */
static inline int ot_init(const char *tag)
{
	if (system("command -v clang >/dev/null 2>&1") != 0)
		ot_skip("clang not installed");
	snprintf(ot_dir, sizeof(ot_dir), "/tmp/ot_%s.%d", tag, (int)getpid());
	if (mkdir(ot_dir, 0700) && errno != EEXIST)
		return -1;
	return 0;
}

/* Compiles c-tests/bpf/<src> with `clang -O2 -target bpf <flags>` into
 * <ot_dir>/<obj> and writes the object's path to out. Returns 0 or -1. */
static inline int ot_build(const char *src, const char *obj, const char *flags, char *out,
			   size_t len)
{
	char path[PATH_MAX], cmd[3 * PATH_MAX];

	if (ot_find_src(src, path, sizeof(path))) {
		fprintf(stderr, "cannot find c-tests/bpf/%s\n", src);
		return -1;
	}
	snprintf(out, len, "%s/%s", ot_dir, obj);
	snprintf(cmd, sizeof(cmd),
		 "clang -O2 -target bpf %s -I/usr/include/$(uname -m)-linux-gnu -c '%s' -o '%s'",
		 flags, path, out);
	if (system(cmd) != 0) {
		fprintf(stderr, "clang failed: %s\n", cmd);
		return -1;
	}
	return 0;
}

/* Reads a whole file into a malloc()ed buffer; NULL on error. */
static inline unsigned char *ot_read(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc(n ? n : 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

static inline int ot_write(const char *path, const void *buf, size_t size)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(buf, 1, size, f) == size;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static inline void ot_cleanup(void)
{
	char cmd[256];

	if (!ot_dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ot_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", ot_dir);
}

#endif
