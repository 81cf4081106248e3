/* The return convention is chosen by the program, not the environment
 * (src/capi/errno.rs); one program per generation, since the mode is per process.
 * This one is a libbpf 0.x-style client: before its first 0.x-only call the process
 * has libbpf 1.x's -errno (the default); bpf_create_map switches it, with a debug
 * message naming the call, to 0.x's -1 with errno for kernel refusals, for every
 * map (also one made by bpf_map_create), so `while (bpf_map_get_next_key(...) != -1)`
 * ends. User-space argument checks stay -errno. A switch is not a pin:
 * libbpf_set_strict_mode still overrides it, both ways. No environment variable. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "harness.h"
#include "log_capture.h"

#define SWITCH_MSG "is a libbpf 0.x API"

static int count_msgs(const char *needle)
{
	int n = 0;

	for (const char *p = msgs; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The 0.x idiom: from a key not in the map, walk until -1. Returns the number of
 * keys seen, or -1 if the loop had to be cut (it would not have ended). */
static int walk_0x(int fd)
{
	__u32 k = 0xdeadbeef, next;
	int n = 0;

	while (bpf_map_get_next_key(fd, &k, &next) != -1) {
		k = next;
		if (++n > 100)
			return -1;
	}
	return n;
}

int main(void)
{
	struct bpf_map_create_opts small = { .sz = 4 };
	__u32 k, missing = 99;
	__u64 v = 7;
	int fd1, fd0;

	/* The convention must not come from the environment: none is set by the
	 * runner; drop one the caller's shell may carry (read at first use). */
	unsetenv("LIBBPFRS_STRICT");
	require_root();
	libbpf_set_print(capture);

	/* Before any 0.x-only call: libbpf 1.x returns. */
	fd1 = bpf_map_create(BPF_MAP_TYPE_HASH, "rc_1x", 4, 8, 2, NULL);
	CHECK(fd1 > 2, "bpf_map_create: %d errno %d", fd1, errno);
	CHECK_RET(bpf_map_lookup_elem(fd1, &missing, &v), -ENOENT, ENOENT);
	CHECK_EQ(count_msgs(SWITCH_MSG), 0);

	/* The first 0.x-only call switches the process, and says so once. */
	fd0 = bpf_create_map(BPF_MAP_TYPE_HASH, 4, 8, 4, 0);
	CHECK(fd0 > 2, "bpf_create_map: %d errno %d", fd0, errno);
	CHECK(strstr(msgs, "bpf_create_map() " SWITCH_MSG) != NULL, "switch message:\n%s", msgs);
	close(bpf_create_map_name(BPF_MAP_TYPE_ARRAY, "rc_again", 4, 4, 1, 0));
	CHECK_EQ(count_msgs(SWITCH_MSG), 1);

	/* Kernel refusals: -1 with errno. */
	CHECK_RET(bpf_map_lookup_elem(fd0, &missing, &v), -1, ENOENT);
	CHECK_RET(bpf_map_delete_elem(fd0, &missing), -1, ENOENT);
	k = 1;
	CHECK_EQ(bpf_map_update_elem(fd0, &k, &v, BPF_NOEXIST), 0);
	CHECK_RET(bpf_map_update_elem(fd0, &k, &v, BPF_NOEXIST), -1, EEXIST);
	for (k = 2; k <= 4; k++)
		CHECK_EQ(bpf_map_update_elem(fd0, &k, &v, BPF_ANY), 0);
	CHECK_RET(bpf_map_update_elem(fd0, &k, &v, BPF_ANY), -1, E2BIG);
	CHECK_RET(bpf_map_lookup_elem(-1, &k, &v), -1, EBADF);
	CHECK_RET(bpf_create_map(BPF_MAP_TYPE_ARRAY, 0, 4, 1, 0), -1, EINVAL);

	/* The 0.x loop ends, having seen every key, on ENOENT. */
	errno = 0;
	CHECK_EQ(walk_0x(fd0), 4);
	CHECK_EQ(errno, ENOENT);

	/* The whole process switched: the map bpf_map_create made too. */
	CHECK_RET(bpf_map_lookup_elem(fd1, &missing, &v), -1, ENOENT);
	k = 1;
	CHECK_EQ(bpf_map_update_elem(fd1, &k, &v, BPF_ANY), 0);
	CHECK_EQ(walk_0x(fd1), 1);

	/* User-space argument checks stay -errno. */
	CHECK_RET(bpf_map_create(BPF_MAP_TYPE_ARRAY, "x", 4, 4, 1, &small), -EINVAL, EINVAL);

	/* Explicit strict mode still overrides the switch, and pins: a further 0.x-only
	 * call does not switch back; LIBBPF_STRICT_NONE pins 0.x again. */
	libbpf_set_strict_mode(LIBBPF_STRICT_DIRECT_ERRS);
	CHECK_RET(bpf_map_lookup_elem(fd0, &missing, &v), -ENOENT, ENOENT);
	CHECK_RET(bpf_create_map(BPF_MAP_TYPE_ARRAY, 0, 4, 1, 0), -EINVAL, EINVAL);
	CHECK_RET(bpf_map_lookup_elem(fd0, &missing, &v), -ENOENT, ENOENT);
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	CHECK_RET(bpf_map_lookup_elem(fd0, &missing, &v), -1, ENOENT);
	CHECK_EQ(count_msgs(SWITCH_MSG), 1);

	close(fd0);
	close(fd1);
	libbpf_set_print(NULL);
	return h_done("ret_convention_0x");
}
