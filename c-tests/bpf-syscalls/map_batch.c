/* Batch operations, freeze, queue/stack maps and the _flags element calls on a
 * real kernel. The batch calls' `*count` is in/out and is written back also when
 * the kernel fails (ENOENT ends a lookup walk; a failing delete says how many it
 * deleted). Kernel refusals are checked in both conventions (0.x's -1/errno,
 * pinned first, and strict -errno); bad opts give -EINVAL directly in both. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "harness.h"

#define N 1000
#define VAL(k) ((__u64)(k) * 3 + 7)

static __u32 keys[N + 64];
static __u64 vals[N + 64];

static void fill(int fd)
{
	__u32 count = N, i;

	for (i = 0; i < N; i++) {
		keys[i] = i;
		vals[i] = VAL(i);
	}
	CHECK_RET(bpf_map_update_batch(fd, keys, vals, &count, NULL), 0, 0);
	CHECK_EQ(count, N);
}

/* Walks the whole map with `op` in chunks; returns the number of elements seen
 * and stores the final return value and errno (the end of the walk). */
static __u32 walk(int fd, int del, __u32 chunk, int *end_r, int *end_errno)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 in = 0, out = 0, total = 0, count, calls = 0;
	void *inp = NULL;
	int r;

	memset(keys, 0xff, sizeof(keys));
	memset(vals, 0xff, sizeof(vals));
	for (;;) {
		count = chunk;
		errno = 0;
		if (del)
			r = bpf_map_lookup_and_delete_batch(fd, inp, &out, keys + total,
							    vals + total, &count, &opts);
		else
			r = bpf_map_lookup_batch(fd, inp, &out, keys + total, vals + total,
						 &count, &opts);
		*end_errno = errno;
		CHECK(count <= chunk, "count %u > chunk %u", count, chunk);
		if (count > chunk)
			break;
		total += count;
		if (r) {
			*end_r = r;
			break;
		}
		in = out;
		inp = &in;
		if (++calls > N || total > N)
			break;
	}
	return total;
}

static void check_walk_contents(__u32 total)
{
	static unsigned char seen[N];
	__u32 i;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < total && i < N; i++) {
		CHECK(keys[i] < N, "key %u out of range", keys[i]);
		if (keys[i] >= N)
			continue;
		seen[keys[i]]++;
		CHECK(vals[i] == VAL(keys[i]), "key %u value %llu", keys[i],
		      (unsigned long long)vals[i]);
	}
	for (i = 0; i < N; i++)
		if (seen[i] != 1) {
			CHECK(seen[i] == 1, "key %u seen %u times", i, seen[i]);
			break;
		}
}

/* A walk of the whole filled map: all N elements once, then the end of the walk
 * (`end_r`, errno ENOENT). */
static void check_full_walk(int fd, int del, __u32 chunk, int end_r)
{
	int r = 0, e = 0;
	__u32 total = walk(fd, del, chunk, &r, &e);

	CHECK_EQ(total, N);
	CHECK_EQ(r, end_r);
	CHECK_EQ(e, ENOENT);
	check_walk_contents(total);
}

static void test_hash_batches(void)
{
	__u32 count, k, del[4];
	__u64 v;
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "batch", 4, 8, N, NULL);
	CHECK(fd > 2, "bpf_map_create: %d (%s)", fd, strerror(errno));
	if (fd < 0)
		return;

	/* Empty map: ENOENT at once, count 0 written back. */
	count = 16;
	CHECK_RET(bpf_map_lookup_batch(fd, NULL, &k, keys, vals, &count, NULL), -1, ENOENT);
	CHECK_EQ(count, 0);
	count = 16;
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	CHECK_RET(bpf_map_lookup_batch(fd, NULL, &k, keys, vals, &count, NULL), -ENOENT, ENOENT);
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	CHECK_EQ(count, 0);
	/* count 0: nothing to do, success. */
	CHECK_RET(bpf_map_lookup_batch(fd, NULL, &k, keys, vals, &count, NULL), 0, 0);

	fill(fd);

	/* Lookup in chunks until ENOENT; every element once. */
	check_full_walk(fd, 0, 64, -1);
	/* The same walk in strict mode ends with -ENOENT. */
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	check_full_walk(fd, 0, 100, -ENOENT);
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);

	/* Lookup-and-delete in chunks: all elements, then the map is empty. */
	check_full_walk(fd, 1, 100, -1);
	CHECK_KERR(bpf_map_get_next_key(fd, NULL, &k), ENOENT);

	/* Delete: the first half by batch. */
	fill(fd);
	count = N / 2;
	CHECK_RET(bpf_map_delete_batch(fd, keys, &count, NULL), 0, 0);
	CHECK_EQ(count, N / 2);
	k = 0;
	CHECK_KERR(bpf_map_lookup_elem(fd, &k, &v), ENOENT);
	k = N / 2 - 1;
	CHECK_KERR(bpf_map_lookup_elem(fd, &k, &v), ENOENT);
	k = N / 2;
	CHECK_RET(bpf_map_lookup_elem(fd, &k, &v), 0, 0);
	CHECK_EQ(v, VAL(N / 2));
	/* A missing key stops the delete; count says how many were deleted. */
	del[0] = 500;
	del[1] = 501;
	del[2] = 99999;
	del[3] = 502;
	count = 4;
	CHECK_RET(bpf_map_delete_batch(fd, del, &count, NULL), -1, ENOENT);
	CHECK_EQ(count, 2);
	del[0] = 503;
	del[1] = 99999;
	count = 4;
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	CHECK_RET(bpf_map_delete_batch(fd, del, &count, NULL), -ENOENT, ENOENT);
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	CHECK_EQ(count, 1);
	k = 502;
	CHECK_RET(bpf_map_lookup_elem(fd, &k, &v), 0, 0);

	/* Full map: update_batch stops with E2BIG and says how many it added. */
	for (k = 0; k < 8; k++) {
		keys[k] = N + 10 + k;
		vals[k] = k;
	}
	count = 8;
	CHECK_RET(bpf_map_update_batch(fd, keys, vals, &count, NULL), 0, 0);
	CHECK_EQ(count, 8); /* 503 deleted: room for 503 more */
	{
		static __u32 more[N];
		static __u64 mv[N];
		__u32 i;

		for (i = 0; i < N; i++) {
			more[i] = 10 * N + i;
			mv[i] = i;
		}
		count = N;
		CHECK_RET(bpf_map_update_batch(fd, more, mv, &count, NULL), -1, E2BIG);
		CHECK_EQ(count, 503 - 8);
	}
	close(fd);
}

static void test_batch_args(void)
{
	struct {
		struct bpf_map_batch_opts o;
		__u64 extra;
	} big;
	LIBBPF_OPTS(bpf_map_batch_opts, small);
	LIBBPF_OPTS(bpf_map_batch_opts, lock, .elem_flags = BPF_F_LOCK);
	__u32 count, out, k[2] = { 1, 2 };
	__u64 v[2] = { 1, 2 };
	int fd, afd;

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "args", 4, 8, 4, NULL);
	afd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "args_arr", 4, 8, 4, NULL);
	CHECK(fd > 2 && afd > 2, "bpf_map_create: %d %d (%s)", fd, afd, strerror(errno));
	if (fd < 0 || afd < 0)
		return;

	/* Bad opts: -EINVAL directly in both modes; count untouched. */
	small.sz = 4;
	count = 2;
	CHECK_UERR(bpf_map_update_batch(fd, k, v, &count, &small), EINVAL);
	CHECK_UERR(bpf_map_lookup_batch(fd, NULL, &out, k, v, &count, &small), EINVAL);
	CHECK_UERR(bpf_map_lookup_and_delete_batch(fd, NULL, &out, k, v, &count, &small),
		   EINVAL);
	CHECK_UERR(bpf_map_delete_batch(fd, k, &count, &small), EINVAL);
	CHECK_EQ(count, 2);
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.extra = 1;
	CHECK_UERR(bpf_map_update_batch(fd, k, v, &count, &big.o), EINVAL);
	big.extra = 0;
	CHECK_RET(bpf_map_update_batch(fd, k, v, &count, &big.o), 0, 0);
	CHECK_EQ(count, 2);
	/* NULL count would crash libbpf: -EINVAL here. */
	CHECK_UERR(bpf_map_update_batch(fd, k, v, NULL, NULL), EINVAL);
	CHECK_UERR(bpf_map_delete_batch(fd, k, NULL, NULL), EINVAL);

	/* BPF_F_LOCK on a map without a spin lock: the kernel's EINVAL. */
	count = 1;
	CHECK_KERR(bpf_map_update_batch(fd, k, v, &count, &lock), EINVAL);
	/* Arrays: update and lookup batches exist; deletes are ENOTSUPP (524). */
	k[0] = 0;
	k[1] = 3;
	count = 2;
	CHECK_RET(bpf_map_update_batch(afd, k, v, &count, NULL), 0, 0);
	CHECK_EQ(count, 2);
	count = 2;
	CHECK_KERR(bpf_map_delete_batch(afd, k, &count, NULL), 524);
	count = 2;
	CHECK_KERR(bpf_map_lookup_and_delete_batch(afd, NULL, &out, k, v, &count, NULL), 524);
	/* A bad fd. */
	count = 2;
	CHECK_KERR(bpf_map_update_batch(-1, k, v, &count, NULL), EBADF);
	close(fd);
	close(afd);
}

/* PERCPU_HASH batches: values are count x ncpus x round_up(value_size, 8). */
static void test_percpu_batch(void)
{
	int ncpus = libbpf_num_possible_cpus(), fd;
	__u32 k[8], out_keys[8], count, out, i, c;
	__u64 *v, *ov;

	CHECK(ncpus > 0, "libbpf_num_possible_cpus: %d", ncpus);
	if (ncpus <= 0)
		return;
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "pcpu_batch", 4, 4, 8, NULL);
	CHECK(fd > 2, "bpf_map_create: %d (%s)", fd, strerror(errno));
	v = calloc(8 * ncpus, 8);
	ov = calloc(8 * ncpus, 8);
	if (fd < 0 || !v || !ov)
		goto out;
	for (i = 0; i < 8; i++) {
		k[i] = 100 + i;
		for (c = 0; c < (__u32)ncpus; c++)
			v[i * ncpus + c] = 0x0102030400000000ULL | (i << 8) | c;
	}
	count = 8;
	CHECK_RET(bpf_map_update_batch(fd, k, v, &count, NULL), 0, 0);
	CHECK_EQ(count, 8);
	count = 8;
	memset(ov, 0xff, 8 * ncpus * 8);
	CHECK_RET(bpf_map_lookup_batch(fd, NULL, &out, out_keys, ov, &count, NULL), -1, ENOENT);
	CHECK_EQ(count, 8);
	for (i = 0; i < count && i < 8; i++) {
		__u32 idx = out_keys[i] - 100;

		CHECK(idx < 8, "key %u", out_keys[i]);
		if (idx >= 8)
			continue;
		/* value_size 4 sits in an 8-byte slot: only the low 4 bytes are the value. */
		for (c = 0; c < (__u32)ncpus; c++)
			CHECK((__u32)ov[i * ncpus + c] == ((idx << 8) | c),
			      "key %u cpu %u: %llx", out_keys[i], c,
			      (unsigned long long)ov[i * ncpus + c]);
	}
out:
	free(v);
	free(ov);
	if (fd >= 0)
		close(fd);
}

static void test_freeze(void)
{
	__u32 k = 1, count;
	__u64 v = 5, out = 0;
	int fd, afd, rfd;

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "freeze", 4, 8, 4, NULL);
	CHECK(fd > 2, "bpf_map_create: %d (%s)", fd, strerror(errno));
	if (fd < 0)
		return;
	CHECK_RET(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0, 0);
	CHECK_RET(bpf_map_freeze(fd), 0, 0);
	/* Frozen: no writes from user space; reads still work. */
	CHECK_KERR(bpf_map_update_elem(fd, &k, &v, BPF_ANY), EPERM);
	CHECK_KERR(bpf_map_delete_elem(fd, &k), EPERM);
	count = 1;
	CHECK_KERR(bpf_map_update_batch(fd, &k, &v, &count, NULL), EPERM);
	CHECK_EQ(count, 1);
	CHECK_KERR(bpf_map_delete_batch(fd, &k, &count, NULL), EPERM);
	CHECK_RET(bpf_map_lookup_elem(fd, &k, &out), 0, 0);
	CHECK_EQ(out, 5);
	/* A frozen map's fds have lost write permission: freezing again is EPERM. */
	CHECK_KERR(bpf_map_freeze(fd), EPERM);
	CHECK_KERR(bpf_map_freeze(-1), EBADF);
	close(fd);

	afd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "freeze_arr", 4, 8, 2, NULL);
	CHECK(afd > 2, "bpf_map_create: %d (%s)", afd, strerror(errno));
	if (afd < 0)
		return;
	k = 0;
	CHECK_RET(bpf_map_freeze(afd), 0, 0);
	CHECK_KERR(bpf_map_update_elem(afd, &k, &v, BPF_ANY), EPERM);
	CHECK_RET(bpf_map_lookup_elem(afd, &k, &out), 0, 0);
	CHECK_EQ(out, 0);
	close(afd);

	/* A read-only fd cannot freeze. */
	afd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "freeze_ro", 4, 8, 2, NULL);
	if (afd >= 0) {
		struct bpf_map_info info;
		__u32 len = sizeof(info);
		LIBBPF_OPTS(bpf_get_fd_by_id_opts, ro, .open_flags = BPF_F_RDONLY);

		memset(&info, 0, sizeof(info));
		CHECK_EQ(bpf_obj_get_info_by_fd(afd, &info, &len), 0);
		rfd = bpf_map_get_fd_by_id_opts(info.id, &ro);
		CHECK(rfd > 2, "bpf_map_get_fd_by_id_opts: %d (%s)", rfd, strerror(errno));
		if (rfd >= 0) {
			CHECK_KERR(bpf_map_freeze(rfd), EPERM);
			close(rfd);
		}
		close(afd);
	}
}

static void test_queue_stack(void)
{
	__u32 key = 0;
	__u64 v;
	int q, s;

	/* Queues and stacks have no key. */
	CHECK_KERR(bpf_map_create(BPF_MAP_TYPE_QUEUE, "q", 4, 8, 2, NULL), EINVAL);
	q = bpf_map_create(BPF_MAP_TYPE_QUEUE, "q", 0, 8, 2, NULL);
	CHECK(q > 2, "bpf_map_create(QUEUE): %d (%s)", q, strerror(errno));
	if (q < 0)
		return;
	/* Pop from empty. */
	CHECK_KERR(bpf_map_lookup_and_delete_elem(q, NULL, &v), ENOENT);
	CHECK_KERR(bpf_map_lookup_elem(q, NULL, &v), ENOENT);
	v = 1;
	CHECK_RET(bpf_map_update_elem(q, NULL, &v, BPF_ANY), 0, 0);
	v = 2;
	CHECK_RET(bpf_map_update_elem(q, NULL, &v, BPF_ANY), 0, 0);
	v = 3;
	CHECK_KERR(bpf_map_update_elem(q, NULL, &v, BPF_ANY), E2BIG);
	CHECK_KERR(bpf_map_update_elem(q, NULL, &v, BPF_NOEXIST), EINVAL);
	/* BPF_EXIST on a full queue drops the oldest. */
	CHECK_RET(bpf_map_update_elem(q, NULL, &v, BPF_EXIST), 0, 0);
	/* Peek, then pop in FIFO order. */
	v = 0;
	CHECK_RET(bpf_map_lookup_elem(q, NULL, &v), 0, 0);
	CHECK_EQ(v, 2);
	CHECK_RET(bpf_map_lookup_and_delete_elem(q, NULL, &v), 0, 0);
	CHECK_EQ(v, 2);
	CHECK_RET(bpf_map_lookup_and_delete_elem_flags(q, NULL, &v, 0), 0, 0);
	CHECK_EQ(v, 3);
	CHECK_KERR(bpf_map_lookup_and_delete_elem(q, NULL, &v), ENOENT);
	/* A key, flags, delete and get_next_key are refused. */
	CHECK_KERR(bpf_map_lookup_and_delete_elem(q, &key, &v), EINVAL);
	CHECK_KERR(bpf_map_lookup_and_delete_elem_flags(q, NULL, &v, 1), EINVAL);
	CHECK_KERR(bpf_map_delete_elem(q, NULL), EINVAL);
	CHECK_KERR(bpf_map_get_next_key(q, NULL, &key), EINVAL);
	/* Frozen: pops are writes too. */
	v = 9;
	CHECK_RET(bpf_map_update_elem(q, NULL, &v, BPF_ANY), 0, 0);
	CHECK_RET(bpf_map_freeze(q), 0, 0);
	CHECK_KERR(bpf_map_lookup_and_delete_elem(q, NULL, &v), EPERM);
	CHECK_RET(bpf_map_lookup_elem(q, NULL, &v), 0, 0);
	CHECK_EQ(v, 9);
	close(q);

	s = bpf_map_create(BPF_MAP_TYPE_STACK, "s", 0, 8, 4, NULL);
	CHECK(s > 2, "bpf_map_create(STACK): %d (%s)", s, strerror(errno));
	if (s < 0)
		return;
	v = 1;
	CHECK_RET(bpf_map_update_elem(s, NULL, &v, BPF_ANY), 0, 0);
	v = 2;
	CHECK_RET(bpf_map_update_elem(s, NULL, &v, BPF_ANY), 0, 0);
	CHECK_RET(bpf_map_lookup_and_delete_elem(s, NULL, &v), 0, 0);
	CHECK_EQ(v, 2);
	CHECK_RET(bpf_map_lookup_and_delete_elem(s, NULL, &v), 0, 0);
	CHECK_EQ(v, 1);
	CHECK_KERR(bpf_map_lookup_and_delete_elem(s, NULL, &v), ENOENT);
	close(s);
}

static void test_elem_flags(void)
{
	__u32 k = 1;
	__u64 v = 11, out = 0;
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "flags", 4, 8, 4, NULL);

	CHECK(fd > 2, "bpf_map_create: %d (%s)", fd, strerror(errno));
	if (fd < 0)
		return;
	CHECK_RET(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0, 0);
	/* delete_elem_flags: unknown flags are refused; 0 deletes. */
	CHECK_KERR(bpf_map_delete_elem_flags(fd, &k, 1), EINVAL);
	CHECK_KERR(bpf_map_delete_elem_flags(fd, &k, BPF_F_LOCK), EINVAL);
	CHECK_RET(bpf_map_delete_elem_flags(fd, &k, 0), 0, 0);
	CHECK_KERR(bpf_map_delete_elem_flags(fd, &k, 0), ENOENT);
	/* lookup_and_delete on a hash (5.14+): the value, then it is gone. */
	CHECK_RET(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0, 0);
	CHECK_KERR(bpf_map_lookup_and_delete_elem_flags(fd, &k, &out, BPF_F_LOCK), EINVAL);
	CHECK_RET(bpf_map_lookup_and_delete_elem(fd, &k, &out), 0, 0);
	CHECK_EQ(out, 11);
	CHECK_KERR(bpf_map_lookup_and_delete_elem(fd, &k, &out), ENOENT);
	CHECK_KERR(bpf_map_lookup_elem(fd, &k, &out), ENOENT);
	/* lookup_elem_flags with BPF_F_LOCK on a map without a spin lock. */
	CHECK_RET(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0, 0);
	CHECK_KERR(bpf_map_lookup_elem_flags(fd, &k, &out, BPF_F_LOCK), EINVAL);
	CHECK_RET(bpf_map_lookup_elem_flags(fd, &k, &out, 0), 0, 0);
	close(fd);
}

int main(void)
{
	int fds;

	require_root();
	h_use_0x_returns(); /* its -1 checks start before any 0.x-only call */
	fds = h_count_fds();
	test_hash_batches();
	test_batch_args();
	test_percpu_batch();
	test_freeze();
	test_queue_stack();
	test_elem_flags();
	CHECK_EQ(h_count_fds(), fds);
	return h_done("map_batch");
}
