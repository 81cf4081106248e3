/* The map-type matrix on a real kernel: ARRAY, PERCPU_ARRAY, HASH, PERCPU_HASH,
 * LRU_HASH, ARRAY_OF_MAPS, HASH_OF_MAPS, PROG_ARRAY and RINGBUF are created
 * through the 1.x and 0.x creation calls, and the kernel's element errors are
 * checked with the exact return value and errno in both conventions (0.x's,
 * pinned first: -1/errno; after LIBBPF_STRICT_ALL: -errno). User-space checks (bad opts) give
 * -EINVAL directly in both. Names are checked through bpf_obj_get_info_by_fd. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include "harness.h"

#define CHECK_FD(fd) CHECK((fd) > 2, "%s = %d (%s)", #fd, (int)(fd), strerror(errno))

static int get_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len);
}

static void test_array(void)
{
	__u32 key, next;
	__u64 val = 5, out = 1;
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "arr", 4, 8, 4, NULL);

	CHECK_FD(fd);
	if (fd < 0)
		return;
	key = 0;
	/* Arrays are pre-populated with zeros. */
	CHECK_RET(bpf_map_lookup_elem(fd, &key, &out), 0, 0);
	CHECK_EQ(out, 0);
	CHECK_RET(bpf_map_update_elem(fd, &key, &val, BPF_ANY), 0, 0);
	CHECK_RET(bpf_map_update_elem(fd, &key, &val, BPF_EXIST), 0, 0);
	CHECK_RET(bpf_map_lookup_elem(fd, &key, &out), 0, 0);
	CHECK_EQ(out, 5);
	/* Every index exists: BPF_NOEXIST → EEXIST. */
	CHECK_KERR(bpf_map_update_elem(fd, &key, &val, BPF_NOEXIST), EEXIST);
	/* Out of range. */
	key = 4;
	CHECK_KERR(bpf_map_lookup_elem(fd, &key, &out), ENOENT);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &val, BPF_ANY), E2BIG);
	/* Array elements cannot be deleted. */
	key = 0;
	CHECK_KERR(bpf_map_delete_elem(fd, &key), EINVAL);
	/* Unknown update flags. */
	CHECK_KERR(bpf_map_update_elem(fd, &key, &val, 7), EINVAL);
	/* get_next_key: NULL → first key; last → ENOENT; out of range → first. */
	next = 99;
	CHECK_RET(bpf_map_get_next_key(fd, NULL, &next), 0, 0);
	CHECK_EQ(next, 0);
	key = 2;
	CHECK_RET(bpf_map_get_next_key(fd, &key, &next), 0, 0);
	CHECK_EQ(next, 3);
	key = 3;
	CHECK_KERR(bpf_map_get_next_key(fd, &key, &next), ENOENT);
	key = 100;
	CHECK_RET(bpf_map_get_next_key(fd, &key, &next), 0, 0);
	CHECK_EQ(next, 0);
	/* Bad addresses: the kernel's EFAULT. */
	CHECK_KERR(bpf_map_lookup_elem(fd, (void *)8, &out), EFAULT);
	close(fd);
}

/* Per-CPU values: libbpf_num_possible_cpus() slots of round_up(value_size, 8). */
static void test_percpu(enum bpf_map_type type, const char *name)
{
	int ncpus = libbpf_num_possible_cpus();
	__u32 vsz = 12, slot = 16, key = 1, i;
	unsigned char *vals, *out;
	int fd;

	CHECK(ncpus > 0, "libbpf_num_possible_cpus: %d", ncpus);
	if (ncpus <= 0)
		return;
	fd = bpf_map_create(type, name, 4, vsz, 2, NULL);
	CHECK_FD(fd);
	if (fd < 0)
		return;
	vals = calloc(ncpus, slot);
	out = calloc(ncpus, slot);
	if (!vals || !out)
		goto out;
	for (i = 0; i < (__u32)ncpus; i++) {
		__u32 w[3] = { i + 1, 0xc0ffee00 + i, ~i };

		memcpy(vals + i * slot, w, sizeof(w));
	}
	if (type == BPF_MAP_TYPE_PERCPU_HASH) {
		CHECK_KERR(bpf_map_lookup_elem(fd, &key, out), ENOENT);
		CHECK_KERR(bpf_map_update_elem(fd, &key, vals, BPF_EXIST), ENOENT);
	}
	CHECK_RET(bpf_map_update_elem(fd, &key, vals, BPF_ANY), 0, 0);
	memset(out, 0xff, (size_t)ncpus * slot);
	CHECK_RET(bpf_map_lookup_elem(fd, &key, out), 0, 0);
	for (i = 0; i < (__u32)ncpus; i++) {
		__u32 w[3];

		memcpy(w, out + i * slot, sizeof(w));
		CHECK(w[0] == i + 1 && w[1] == 0xc0ffee00 + i && w[2] == ~i,
		      "%s cpu %u slot: %x %x %x", name, i, w[0], w[1], w[2]);
	}
	if (type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		CHECK_KERR(bpf_map_update_elem(fd, &key, vals, BPF_NOEXIST), EEXIST);
		CHECK_KERR(bpf_map_delete_elem(fd, &key), EINVAL);
		key = 2;
		CHECK_KERR(bpf_map_lookup_elem(fd, &key, out), ENOENT);
	} else {
		CHECK_KERR(bpf_map_update_elem(fd, &key, vals, BPF_NOEXIST), EEXIST);
		key = 2;
		CHECK_RET(bpf_map_update_elem(fd, &key, vals, BPF_NOEXIST), 0, 0);
		key = 3; /* max_entries is 2 */
		CHECK_KERR(bpf_map_update_elem(fd, &key, vals, BPF_ANY), E2BIG);
		CHECK_RET(bpf_map_delete_elem(fd, &key), -1, ENOENT);
		key = 1;
		CHECK_RET(bpf_map_delete_elem(fd, &key), 0, 0);
		CHECK_KERR(bpf_map_lookup_elem(fd, &key, out), ENOENT);
	}
out:
	free(vals);
	free(out);
	close(fd);
}

static void test_hash(void)
{
	__u32 key, next;
	__u64 val = 7, out = 0;
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "hash", 4, 8, 2, NULL);

	CHECK_FD(fd);
	if (fd < 0)
		return;
	key = 1;
	CHECK_KERR(bpf_map_lookup_elem(fd, &key, &out), ENOENT);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &val, BPF_EXIST), ENOENT);
	CHECK_KERR(bpf_map_delete_elem(fd, &key), ENOENT);
	/* Empty map: no first key. */
	CHECK_KERR(bpf_map_get_next_key(fd, NULL, &next), ENOENT);
	CHECK_RET(bpf_map_update_elem(fd, &key, &val, BPF_NOEXIST), 0, 0);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &val, BPF_NOEXIST), EEXIST);
	val = 8;
	CHECK_RET(bpf_map_update_elem(fd, &key, &val, BPF_EXIST), 0, 0);
	CHECK_RET(bpf_map_lookup_elem(fd, &key, &out), 0, 0);
	CHECK_EQ(out, 8);
	key = 2;
	CHECK_RET(bpf_map_update_elem(fd, &key, &val, BPF_ANY), 0, 0);
	/* Full: a new key is refused with E2BIG (also with BPF_NOEXIST). */
	key = 3;
	CHECK_KERR(bpf_map_update_elem(fd, &key, &val, BPF_ANY), E2BIG);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &val, BPF_NOEXIST), E2BIG);
	/* Existing keys can still be replaced. */
	key = 2;
	CHECK_RET(bpf_map_update_elem(fd, &key, &val, BPF_ANY), 0, 0);
	/* NULL key → the first key; a missing key → the first key too. */
	next = 0;
	CHECK_RET(bpf_map_get_next_key(fd, NULL, &next), 0, 0);
	CHECK(next == 1 || next == 2, "first key %u", next);
	key = 42;
	CHECK_RET(bpf_map_get_next_key(fd, &key, &next), 0, 0);
	CHECK(next == 1 || next == 2, "first key %u", next);
	/* The second key, then the end. */
	key = next;
	CHECK_RET(bpf_map_get_next_key(fd, &key, &next), 0, 0);
	CHECK(next != key && (next == 1 || next == 2), "second key %u", next);
	key = next;
	CHECK_KERR(bpf_map_get_next_key(fd, &key, &next), ENOENT);
	key = 1;
	CHECK_RET(bpf_map_delete_elem(fd, &key), 0, 0);
	CHECK_KERR(bpf_map_delete_elem(fd, &key), ENOENT);
	key = 3;
	CHECK_RET(bpf_map_update_elem(fd, &key, &val, BPF_NOEXIST), 0, 0);
	/* A bad fd: EBADF. */
	CHECK_KERR(bpf_map_lookup_elem(-1, &key, &out), EBADF);
	CHECK_KERR(bpf_map_lookup_elem(1000, &key, &out), EBADF);
	close(fd);
}

static void test_lru(void)
{
	__u32 key, next, *prev = NULL, cnt = 0;
	__u64 val = 0;
	int fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "lru", 4, 8, 128, NULL);
	int fails = 0;

	CHECK_FD(fd);
	if (fd < 0)
		return;
	key = 1;
	CHECK_KERR(bpf_map_lookup_elem(fd, &key, &val), ENOENT);
	/* Never full: old entries are evicted. */
	for (key = 0; key < 1000; key++) {
		val = key;
		if (bpf_map_update_elem(fd, &key, &val, BPF_ANY))
			fails++;
	}
	CHECK_EQ(fails, 0);
	while (bpf_map_get_next_key(fd, prev, &next) == 0 && cnt <= 1000) {
		CHECK_RET(bpf_map_lookup_elem(fd, &next, &val), 0, 0);
		CHECK_EQ(val, next);
		key = next;
		prev = &key;
		cnt++;
	}
	CHECK(cnt > 0 && cnt <= 128, "LRU holds %u entries", cnt);
	/* The newest key survived. */
	key = 999;
	CHECK_RET(bpf_map_lookup_elem(fd, &key, &val), 0, 0);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &val, BPF_NOEXIST), EEXIST);
	close(fd);
}

/* Map-in-map: inner map prototype given by bpf_create_map_in_map (0.x) or by
 * bpf_map_create's inner_map_fd (1.x); values are inner map fds in, ids out. */
static void test_map_in_map(enum bpf_map_type type, int legacy)
{
	struct bpf_map_info info;
	__u32 key = 0, out = 0, inner_id;
	int inner, other, nf, fd, bad = 1000;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "inner", 4, 4, 1, NULL);
	CHECK_FD(inner);
	other = bpf_map_create(BPF_MAP_TYPE_HASH, "other", 4, 4, 1, NULL);
	CHECK_FD(other);
	if (inner < 0 || other < 0)
		return;
	CHECK_EQ(get_info(inner, &info), 0);
	inner_id = info.id;

	if (legacy) {
		fd = bpf_create_map_in_map(type, "outer", 4, inner, 2, 0);
	} else {
		LIBBPF_OPTS(bpf_map_create_opts, o, .inner_map_fd = inner);

		/* No inner map: the kernel's EINVAL. */
		CHECK_KERR(bpf_map_create(type, "outer", 4, 4, 2, NULL), EINVAL);
		fd = bpf_map_create(type, "outer", 4, 4, 2, &o);
	}
	CHECK_FD(fd);
	if (fd < 0)
		goto out;
	CHECK_EQ(get_info(fd, &info), 0);
	CHECK_EQ(info.type, type);
	CHECK_EQ(info.value_size, 4);
	CHECK(!strcmp(info.name, "outer"), "name %s", info.name);

	CHECK_KERR(bpf_map_lookup_elem(fd, &key, &out), ENOENT);
	CHECK_RET(bpf_map_update_elem(fd, &key, &inner, BPF_ANY), 0, 0);
	CHECK_RET(bpf_map_lookup_elem(fd, &key, &out), 0, 0);
	CHECK_EQ(out, inner_id);
	/* Values must be map fds of the prototype's kind. */
	nf = open("/dev/null", O_RDONLY);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &nf, BPF_ANY), EINVAL);
	close(nf);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &other, BPF_ANY), EINVAL);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &bad, BPF_ANY), EBADF);
	CHECK_RET(bpf_map_delete_elem(fd, &key), 0, 0);
	CHECK_KERR(bpf_map_delete_elem(fd, &key), ENOENT);
	if (type == BPF_MAP_TYPE_ARRAY_OF_MAPS) {
		key = 5;
		CHECK_KERR(bpf_map_delete_elem(fd, &key), E2BIG);
	}
	close(fd);
out:
	close(inner);
	close(other);
}

static void test_prog_array(void)
{
	__u32 key = 0, out, next = 9;
	int fd, nf, mfd, bad = 1000;

	fd = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "progs", 4, 4, 4, NULL);
	CHECK_FD(fd);
	if (fd < 0)
		return;
	/* Values are program fds (4 bytes). */
	CHECK_KERR(bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "progs", 4, 8, 4, NULL), EINVAL);
	CHECK_KERR(bpf_map_lookup_elem(fd, &key, &out), ENOENT);
	nf = open("/dev/null", O_RDONLY);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &nf, BPF_ANY), EINVAL);
	close(nf);
	mfd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "notprog", 4, 4, 1, NULL);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &mfd, BPF_ANY), EINVAL);
	close(mfd);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &bad, BPF_ANY), EBADF);
	CHECK_KERR(bpf_map_delete_elem(fd, &key), ENOENT);
	key = 9;
	CHECK_KERR(bpf_map_delete_elem(fd, &key), E2BIG);
	CHECK_RET(bpf_map_get_next_key(fd, NULL, &next), 0, 0);
	CHECK_EQ(next, 0);
	close(fd);
}

static void test_ringbuf(void)
{
	struct bpf_map_info info;
	__u32 key = 0;
	__u64 val = 0;
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "rb", 0, 0, 4096, NULL);
	CHECK_FD(fd);
	if (fd < 0)
		return;
	CHECK_EQ(get_info(fd, &info), 0);
	CHECK_EQ(info.type, BPF_MAP_TYPE_RINGBUF);
	CHECK_EQ(info.max_entries, 4096);
	/* Size must be a power-of-2 multiple of the page size; no key or value. */
	CHECK_KERR(bpf_map_create(BPF_MAP_TYPE_RINGBUF, "rb", 0, 0, 4000, NULL), EINVAL);
	CHECK_KERR(bpf_map_create(BPF_MAP_TYPE_RINGBUF, "rb", 4, 4, 4096, NULL), EINVAL);
	/* No element access from user space: with a key the kernel refuses the key
	 * (key_size is 0: EINVAL); without, the map op is ENOTSUPP (524). */
	CHECK_KERR(bpf_map_lookup_elem(fd, &key, &val), EINVAL);
	CHECK_KERR(bpf_map_lookup_elem(fd, NULL, &val), 524);
	CHECK_KERR(bpf_map_update_elem(fd, &key, &val, BPF_ANY), EINVAL);
	CHECK_KERR(bpf_map_delete_elem(fd, &key), EINVAL);
	CHECK_KERR(bpf_map_get_next_key(fd, NULL, &key), 524);
	CHECK_KERR(bpf_map_lookup_and_delete_elem(fd, NULL, &val), 524);
	close(fd);
}

static void test_create_calls(void)
{
	struct bpf_map_info info;
	struct bpf_create_map_attr attr;
	int fd;

	/* Bad opts: -EINVAL directly (errno set), both modes, no syscall. */
	{
		LIBBPF_OPTS(bpf_map_create_opts, o);
		struct {
			struct bpf_map_create_opts o;
			__u64 extra;
		} big;

		o.sz = 4;
		CHECK_UERR(bpf_map_create(BPF_MAP_TYPE_HASH, "h", 4, 8, 2, &o), EINVAL);
		memset(&big, 0, sizeof(big));
		big.o.sz = sizeof(big);
		big.extra = 1;
		CHECK_UERR(bpf_map_create(BPF_MAP_TYPE_HASH, "h", 4, 8, 2, &big.o), EINVAL);
		big.extra = 0; /* a larger struct with a zero tail is fine */
		fd = bpf_map_create(BPF_MAP_TYPE_HASH, "h", 4, 8, 2, &big.o);
		CHECK_FD(fd);
		if (fd >= 0)
			close(fd);
	}
	/* The kernel's refusals of bad parameters. */
	CHECK_KERR(bpf_map_create(BPF_MAP_TYPE_HASH, "bad-name", 4, 8, 2, NULL), EINVAL);
	CHECK_KERR(bpf_map_create(BPF_MAP_TYPE_HASH, "h", 0, 8, 2, NULL), EINVAL);
	CHECK_KERR(bpf_map_create(BPF_MAP_TYPE_HASH, "h", 4, 8, 0, NULL), EINVAL);
	CHECK_KERR(bpf_map_create((enum bpf_map_type)9999, "h", 4, 8, 2, NULL), EINVAL);

	/* bpf_create_map_name: a long name is truncated to 15 bytes. */
	fd = bpf_create_map_name(BPF_MAP_TYPE_HASH, "a_very_long_map_name_indeed", 4, 8, 2, 0);
	CHECK_FD(fd);
	if (fd >= 0) {
		CHECK_EQ(get_info(fd, &info), 0);
		CHECK(!strcmp(info.name, "a_very_long_map"), "name '%s'", info.name);
		CHECK_EQ(info.key_size, 4);
		close(fd);
	}
	fd = bpf_create_map_name(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 2, 0);
	CHECK_FD(fd);
	if (fd >= 0) {
		CHECK_EQ(get_info(fd, &info), 0);
		CHECK_EQ(info.name[0], 0);
		close(fd);
	}
	CHECK_KERR(bpf_create_map_name(BPF_MAP_TYPE_HASH, "x", 4, 8, 0, 0), EINVAL);

	/* bpf_create_map_node: node -1 = any (no BPF_F_NUMA_NODE); node 0 sets it. */
	fd = bpf_create_map_node(BPF_MAP_TYPE_HASH, "node_any", 4, 8, 2, 0, -1);
	CHECK_FD(fd);
	if (fd >= 0) {
		CHECK_EQ(get_info(fd, &info), 0);
		CHECK_EQ(info.map_flags & BPF_F_NUMA_NODE, 0);
		CHECK(!strcmp(info.name, "node_any"), "name '%s'", info.name);
		close(fd);
	}
	fd = bpf_create_map_node(BPF_MAP_TYPE_HASH, "node_0", 4, 8, 2, 0, 0);
	CHECK_FD(fd);
	if (fd >= 0) {
		CHECK_EQ(get_info(fd, &info), 0);
		CHECK_EQ(info.map_flags & BPF_F_NUMA_NODE, BPF_F_NUMA_NODE);
		close(fd);
	}
	/* A node that does not exist. */
	CHECK_KERR(bpf_create_map_node(BPF_MAP_TYPE_HASH, "node_x", 4, 8, 2, 0, 4095), EINVAL);

	/* bpf_create_map_xattr. */
	memset(&attr, 0, sizeof(attr));
	attr.name = "xattr_map_long_name";
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 16;
	attr.max_entries = 3;
	attr.map_flags = BPF_F_RDONLY_PROG;
	fd = bpf_create_map_xattr(&attr);
	CHECK_FD(fd);
	if (fd >= 0) {
		CHECK_EQ(get_info(fd, &info), 0);
		CHECK(!strcmp(info.name, "xattr_map_long_"), "name '%s'", info.name);
		CHECK_EQ(info.type, BPF_MAP_TYPE_ARRAY);
		CHECK_EQ(info.value_size, 16);
		CHECK_EQ(info.max_entries, 3);
		CHECK_EQ(info.map_flags, BPF_F_RDONLY_PROG);
		close(fd);
	}
	attr.max_entries = 0;
	CHECK_KERR(bpf_create_map_xattr(&attr), EINVAL);
	CHECK_UERR(bpf_create_map_xattr(NULL), EINVAL);

	/* bpf_create_map (unnamed) and flags. */
	fd = bpf_create_map(BPF_MAP_TYPE_HASH, 4, 8, 2, BPF_F_NO_PREALLOC);
	CHECK_FD(fd);
	if (fd >= 0) {
		CHECK_EQ(get_info(fd, &info), 0);
		CHECK_EQ(info.map_flags, BPF_F_NO_PREALLOC);
		CHECK_EQ(info.name[0], 0);
		close(fd);
	}
}

int main(void)
{
	int fds;

	require_root();
	h_use_0x_returns(); /* its -1 checks start before any 0.x-only call */
	fds = h_count_fds();
	test_array();
	test_percpu(BPF_MAP_TYPE_PERCPU_ARRAY, "pcpu_arr");
	test_hash();
	test_percpu(BPF_MAP_TYPE_PERCPU_HASH, "pcpu_hash");
	test_lru();
	test_map_in_map(BPF_MAP_TYPE_ARRAY_OF_MAPS, 1);
	test_map_in_map(BPF_MAP_TYPE_ARRAY_OF_MAPS, 0);
	test_map_in_map(BPF_MAP_TYPE_HASH_OF_MAPS, 1);
	test_map_in_map(BPF_MAP_TYPE_HASH_OF_MAPS, 0);
	test_prog_array();
	test_ringbuf();
	test_create_calls();
	CHECK_EQ(h_count_fds(), fds);
	return h_done("map_types");
}
