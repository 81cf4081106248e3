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

/* Makes the private object directory for this process. */
static inline int ot_init(const char *tag)
{
	char dir_tag[64];

	if (!bpfobj_have_clang())
		ot_skip("clang not installed");
	snprintf(dir_tag, sizeof(dir_tag), "ot_%s", tag);
	return bpfobj_tmpdir(dir_tag, ot_dir, sizeof(ot_dir));
}

/* Compiles c-tests/bpf/<src> with `clang -O2 -target bpf <flags>` into
 * <ot_dir>/<obj> and writes the object's path to out. Returns 0 or -1. */
static inline int ot_build(const char *src, const char *obj, const char *flags, char *out,
			   size_t len)
{
	char path[PATH_MAX];

	if (bpfobj_find_file(src, path, sizeof(path))) {
		fprintf(stderr, "cannot find c-tests/bpf/%s\n", src);
		return -1;
	}
	snprintf(out, len, "%s/%s", ot_dir, obj);
	if (bpfobj_compile(path, flags, out)) {
		fprintf(stderr, "clang failed on %s (%s)\n", src, flags);
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
	if (bpfobj_rmdir(ot_dir))
		fprintf(stderr, "cleanup of %s failed\n", ot_dir);
}

#endif
