/* The return convention is chosen by the program (src/capi/errno.rs), one program
 * per generation. This one is a libbpf 1.x-style client, built against our headers
 * (which announce libbpf 1.1) and linked with -lbpfrs, no environment variable: it
 * calls no 0.x-only function, so kernel refusals return -errno (errno set too),
 * through bpf_map_* on a bpf_map_create map and through a bpftool skeleton's
 * bpf_map__* calls: -ENOENT for a missing key, -EEXIST for BPF_NOEXIST on an
 * existing one, -E2BIG when the map is full. The 1.x default brings none of 1.x's
 * other strict behaviours: a legacy SEC("maps") object still loads. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "harness.h"
#include "log_capture.h"
#include "bpfobj.h"
#include "skel_demo.skel.h"

/* The 1.x idiom: walk while 0. Returns the number of keys (-1 if the walk had to
 * be cut) and the value that ended it in *last. */
static int walk_1x(int fd, int *last)
{
	__u32 k = 0, next = 0;
	int n = 0, r;

	r = bpf_map_get_next_key(fd, NULL, &k);
	while (r == 0) {
		if (++n > 100)
			return -1;
		r = bpf_map_get_next_key(fd, &k, &next);
		k = next;
	}
	*last = r;
	return n;
}

static void check_map_fd(int fd, __u32 max)
{
	__u32 k, missing = 999;
	__u64 v = 7;
	int last = 0;

	CHECK_RET(bpf_map_lookup_elem(fd, &missing, &v), -ENOENT, ENOENT);
	CHECK_RET(bpf_map_delete_elem(fd, &missing), -ENOENT, ENOENT);
	k = 0;
	CHECK_EQ(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0);
	CHECK_RET(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), -EEXIST, EEXIST);
	for (k = 1; k < max; k++)
		CHECK_EQ(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
	CHECK_RET(bpf_map_update_elem(fd, &k, &v, BPF_ANY), -E2BIG, E2BIG);
	CHECK_EQ(walk_1x(fd, &last), max);
	CHECK_EQ(last, -ENOENT);
	CHECK_RET(bpf_map_get_next_key(fd, &missing, &k), 0, 0); /* a missing key: the first */
}

static void check_skeleton(void)
{
	struct skel_demo *skel = skel_demo__open_and_load();
	struct bpf_map *m;
	__u32 k, missing = 999, max;
	__u64 v = 7;

	CHECK(skel != NULL, "skeleton open_and_load: errno %d", errno);
	if (!skel)
		return;
	m = skel->maps.seen;
	max = bpf_map__max_entries(m);
	CHECK_EQ(max, 8);
	/* What a skeleton user tests: the object's size-checked calls. */
	CHECK_RET(bpf_map__lookup_elem(m, &missing, sizeof(missing), &v, sizeof(v), 0), -ENOENT, ENOENT);
	CHECK_RET(bpf_map__delete_elem(m, &missing, sizeof(missing), 0), -ENOENT, ENOENT);
	k = 0;
	CHECK_EQ(bpf_map__update_elem(m, &k, sizeof(k), &v, sizeof(v), BPF_NOEXIST), 0);
	CHECK_RET(bpf_map__update_elem(m, &k, sizeof(k), &v, sizeof(v), BPF_NOEXIST), -EEXIST, EEXIST);
	for (k = 1; k < max; k++)
		CHECK_EQ(bpf_map__update_elem(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY), 0);
	CHECK_RET(bpf_map__update_elem(m, &k, sizeof(k), &v, sizeof(v), BPF_ANY), -E2BIG, E2BIG);
	k = max - 1;
	CHECK_EQ(bpf_map__delete_elem(m, &k, sizeof(k), 0), 0);
	CHECK_RET(bpf_map__lookup_elem(m, &k, sizeof(k), &v, sizeof(v), 0), -ENOENT, ENOENT);
	/* The same map through its fd and bpf_map_lookup_elem. */
	CHECK_RET(bpf_map_lookup_elem(bpf_map__fd(m), &missing, &v), -ENOENT, ENOENT);
	/* A user-space size check: -EINVAL, as in both generations. */
	CHECK_RET(bpf_map__lookup_elem(m, &k, 2, &v, sizeof(v), 0), -EINVAL, EINVAL);
	skel_demo__destroy(skel);
}

/* Legacy SEC("maps") objects are refused only in strict mode, which the 1.x
 * return default does not bring. */
static void check_legacy_object(void)
{
	char path[PATH_MAX];
	struct bpf_object *obj;
	__u32 missing = 999;
	__u32 v;
	int r = bpfobj_build("obj_legacy", "rc_legacy.o", "-DDEF_SIZE=20", path, sizeof(path));

	if (r) {
		CHECK(r == 77, "build obj_legacy.bpf.c");
		if (r == 77)
			h_missing("clang for the legacy SEC(\"maps\") object");
		return;
	}
	obj = bpf_object__open_file(path, NULL);
	CHECK(obj != NULL, "legacy SEC(\"maps\") object opens: errno %d", errno);
	if (obj) {
		CHECK_EQ(bpf_object__load(obj), 0);
		CHECK_RET(bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(obj, "lens"), &missing, &v),
			  -ENOENT, ENOENT);
		bpf_object__close(obj);
	}
	bpfobj_clean("obj_legacy", "rc_legacy.o");
}

int main(void)
{
	int fd;

	unsetenv("LIBBPFRS_STRICT"); /* none is set by the runner; nor may the caller's */
	require_root();
	libbpf_set_print(capture);

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "rc_1x", 4, 8, 3, NULL);
	CHECK(fd > 2, "bpf_map_create: %d errno %d", fd, errno);
	if (fd > 2) {
		check_map_fd(fd, 3);
		close(fd);
	}
	CHECK_RET(bpf_map_lookup_elem(-1, &fd, &fd), -EBADF, EBADF);
	check_skeleton();
	check_legacy_object();
	CHECK(!strstr(msgs, "0.x API"), "no switch to 0.x returns:\n%s", msgs);

	libbpf_set_print(NULL);
	return h_done("ret_convention_1x");
}
