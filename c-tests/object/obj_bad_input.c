/* Bad input to the object loader: each mutant of c-tests/include/bad_objects.h
 * (truncations, non-ELF, wrong class/machine/endianness, section headers and
 * sections out of range, relocations outside their section or with a symbol
 * index out of range, broken symbols, a legacy map definition with a non-zero
 * tail), generated here from a good legacy-maps object and a good BTF-maps
 * object, through open_mem and open_file: NULL with errno set, a message through
 * the print callback, no fd leak, no crash (in both errno modes). Also NULL
 * path, NULL buffer, size 0, a directory, and an object without a license
 * whose GPL-only helper makes the load fail as with libbpf 1.1.2 (-EINVAL from
 * the kernel, the log naming the program). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdarg.h>
#include "harness.h"
#include "obj_util.h"
#include "log_capture.h"
#include "bad_objects.h"

static char legacy_path[PATH_MAX], tail_path[PATH_MAX], btf_path[PATH_MAX];
static char nolic_path[PATH_MAX];
/* One open attempt that must fail cleanly. */
static void expect_open_fail(const char *what, const char *label, struct bpf_object *obj,
			     int e, int fds)
{
	CHECK(obj == NULL, "%s %s: opened", what, label);
	CHECK(e > 0, "%s %s: errno %d", what, label, e);
	CHECK(n_warn == 1, "%s %s: %d warnings:\n%s", what, label, n_warn, msgs);
	CHECK_EQ(h_count_fds(), fds);
	if (obj)
		bpf_object__close(obj);
	if (getenv("OT_VERBOSE"))
		fprintf(stderr, "%s %s: errno %d: %s", what, label, e, msgs);
}

static void check_mutant(const char *base, const unsigned char *good, size_t good_size,
			 enum ot_mutant m, const char *map_sym)
{
	unsigned char *buf = malloc(good_size + 64);
	size_t size = good_size;
	char path[PATH_MAX], label[128];
	struct bpf_object *obj;
	int fds = h_count_fds(), e;

	if (!buf)
		return;
	memcpy(buf, good, good_size);
	CHECK(ot_mutate(m, buf, &size, map_sym) == 0, "%s: mutant %s not applicable", base,
	      ot_mutant_names[m]);
	snprintf(label, sizeof(label), "%s/%s", base, ot_mutant_names[m]);

	reset_msgs();
	errno = 0;
	obj = bpf_object__open_mem(buf, size, NULL);
	e = errno;
	expect_open_fail("open_mem", label, obj, e, fds);

	snprintf(path, sizeof(path), "%s/bad.o", ot_dir);
	CHECK(ot_write(path, buf, size) == 0, "write %s", path);
	reset_msgs();
	errno = 0;
	obj = bpf_object__open_file(path, NULL);
	e = errno;
	expect_open_fail("open_file", label, obj, e, fds);
	unlink(path);
	free(buf);
}

static void check_mutants(void)
{
	size_t legacy_size, tail_size, btf_size;
	unsigned char *legacy = ot_read(legacy_path, &legacy_size);
	unsigned char *tail = ot_read(tail_path, &tail_size);
	unsigned char *btf = ot_read(btf_path, &btf_size);

	CHECK(legacy && tail && btf, "read the good objects");
	if (!legacy || !tail || !btf)
		goto out;
	/* The good objects open. */
	struct bpf_object *obj = bpf_object__open_mem(legacy, legacy_size, NULL);
	CHECK(obj != NULL, "good legacy object: errno %d", errno);
	bpf_object__close(obj);
	obj = bpf_object__open_mem(btf, btf_size, NULL);
	CHECK(obj != NULL, "good btf object: errno %d", errno);
	bpf_object__close(obj);

	for (int strict = 0; strict < 2; strict++) {
		libbpf_set_strict_mode(strict ? LIBBPF_STRICT_ALL : LIBBPF_STRICT_NONE);
		for (int m = 0; m < OT_N_MUTANTS; m++) {
			if (m == OT_MAP_TAIL) {
				check_mutant("legacy28", tail, tail_size, m, "counts");
				continue;
			}
			check_mutant("legacy20", legacy, legacy_size, m, "counts");
			check_mutant("btf_maps", btf, btf_size, m, "ot_hash");
		}
	}
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);

	/* The map tail: -EINVAL naming the map; relaxed_maps accepts it (spec 4.3). */
	size_t size = tail_size;
	unsigned char *buf = malloc(tail_size);
	if (buf) {
		memcpy(buf, tail, tail_size);
		ot_mutate(OT_MAP_TAIL, buf, &size, "counts");
		reset_msgs();
		CHECK_RET(bpf_object__open_mem(buf, size, NULL), NULL, EINVAL);
		CHECK(strstr(msgs, "counts") != NULL, "map tail message:\n%s", msgs);
		LIBBPF_OPTS(bpf_object_open_opts, relaxed, .relaxed_maps = true);
		obj = bpf_object__open_mem(buf, size, &relaxed);
		CHECK(obj != NULL, "relaxed_maps: errno %d", errno);
		if (obj) {
			struct bpf_map *m = bpf_object__find_map_by_name(obj, "counts");
			CHECK(m && bpf_map__max_entries(m) == 4, "counts with relaxed_maps");
			bpf_object__close(obj);
		}
		free(buf);
	}
	/* A zero tail is fine. */
	obj = bpf_object__open_mem(tail, tail_size, NULL);
	CHECK(obj != NULL, "28-byte zero-tailed definitions: errno %d", errno);
	bpf_object__close(obj);
out:
	free(legacy);
	free(tail);
	free(btf);
}

static void check_null_args(void)
{
	int fds = h_count_fds();
	char one = 0;

	CHECK_RET(bpf_object__open_file(NULL, NULL), NULL, EINVAL);
	CHECK_RET(bpf_object__open(NULL), NULL, EINVAL);
	CHECK_RET(bpf_object__open_mem(NULL, 0, NULL), NULL, EINVAL);
	CHECK_RET(bpf_object__open_mem(NULL, 4096, NULL), NULL, EINVAL);
	CHECK_RET(bpf_object__open_mem(&one, 0, NULL), NULL, EINVAL);
	CHECK_RET(bpf_object__open_file("", NULL), NULL, ENOENT);
	errno = 0;
	CHECK(bpf_object__open_file(ot_dir, NULL) == NULL && errno > 0, "directory: errno %d",
	      errno);
	reset_msgs();
	errno = 0;
	CHECK(bpf_object__open_mem(&one, 1, NULL) == NULL && errno > 0, "1 byte: errno %d", errno);
	CHECK_EQ(h_count_fds(), fds);
}

/* No license: libbpf 1.1.2 loads with an empty license and the kernel refuses
 * the GPL-only bpf_trace_printk with EINVAL. */
static void check_no_license(void)
{
	int fds = h_count_fds();
	struct bpf_object *obj = bpf_object__open_file(nolic_path, NULL);

	CHECK(obj != NULL, "open nolicense: errno %d", errno);
	if (!obj)
		return;
	reset_msgs();
	CHECK_RET(bpf_object__load(obj), -EINVAL, EINVAL);
	CHECK(strstr(msgs, "ot_nolic") != NULL, "message:\n%s", msgs);
	CHECK(strstr(msgs, "GPL") != NULL, "no GPL in the log:\n%s", msgs);
	CHECK_EQ(h_count_fds(), fds);
	bpf_object__close(obj);
	CHECK_EQ(h_count_fds(), fds);
}

int main(void)
{
	require_root();
	if (ot_init("obj_bad_input") ||
	    ot_build("obj_legacy.bpf.c", "legacy20.o", "-g -DDEF_SIZE=20", legacy_path,
		     sizeof(legacy_path)) ||
	    ot_build("obj_legacy.bpf.c", "legacy28.o", "-DDEF_SIZE=28", tail_path,
		     sizeof(tail_path)) ||
	    ot_build("obj_btf_maps.bpf.c", "btf_maps.o", "-g", btf_path, sizeof(btf_path)) ||
	    ot_build("obj_nolicense.bpf.c", "nolicense.o", "-g", nolic_path, sizeof(nolic_path)))
		return ot_build_failed("obj_bad_input", "could not build the objects");
	libbpf_set_print(capture);
	check_mutants();
	check_null_args();
	check_no_license();
	libbpf_set_print(NULL);
	ot_cleanup();
	return h_done("obj_bad_input");
}
