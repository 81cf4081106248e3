/* Shared by the c-tests/object/obj_*.c tests and c-tests/oracle/objects.c: finds a BPF
 * source under c-tests/bpf/, compiles it with clang at run time into a private
 * directory (/tmp/ot_<tag>.<pid>), reads files into memory, cleans up; included
 * after harness.h, checks an object's maps against what a test expects. */
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

#ifdef LIBBPFRS_TEST_HARNESS_H
#include <bpf/libbpf.h>

/* What a test expects of one map of an object. */
struct ot_map_want {
	const char *name;
	enum bpf_map_type type;
	__u32 key, value, max;
};

/* Checks the map w->name of `obj` through the bpf_map__* getters (type, key and
 * value size, max_entries) and returns it; a missing map is a failed check and
 * NULL. */
static inline struct bpf_map *ot_check_map(struct bpf_object *obj, const struct ot_map_want *w)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, w->name);

	CHECK(m != NULL, "map %s: errno %d", w->name, errno);
	if (!m)
		return NULL;
	CHECK_EQ(bpf_map__type(m), w->type);
	CHECK_EQ(bpf_map__key_size(m), w->key);
	CHECK_EQ(bpf_map__value_size(m), w->value);
	CHECK_EQ(bpf_map__max_entries(m), w->max);
	return m;
}

/* A test's objects could not be built: a failed check saying `what`, the private
 * directory removed, and the test's summary line and exit code. */
static inline int ot_build_failed(const char *test, const char *what)
{
	CHECK(0, "%s", what);
	ot_cleanup();
	return h_done(test);
}
#endif

#endif
