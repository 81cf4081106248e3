/* Oracle: the low-level map calls of bpf/bpf.h (libbpf 1.1.2 API), same inputs
 * through the system libbpf and libbpfrs; every return value and errno must match.
 * Covers bpf_map_create for every map type (good and bad sizes/flags/names/opts),
 * element operations and their error cases, batches (incl. opts->sz rules), bad
 * fds (-1, a non-map fd, a closed fd number) and NULL pointers the kernel rejects
 * with EFAULT. fds print as "fd". */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <stdint.h>

#ifndef BPF_F_MMAPABLE
#define BPF_F_MMAPABLE (1U << 10)
#endif
#define MAP_TYPE_ARENA 33 /* Linux 6.9; not in the 6.1 UAPI headers */

struct type_case {
	int type;
	const char *name;
	__u32 key, value, max, flags;
	int inner; /* needs opts.inner_map_fd */
};

static const struct type_case types[] = {
	{ BPF_MAP_TYPE_UNSPEC, "unspec", 4, 4, 1, 0, 0 },
	{ BPF_MAP_TYPE_HASH, "hash", 4, 8, 16, 0, 0 },
	{ BPF_MAP_TYPE_ARRAY, "array", 4, 8, 16, 0, 0 },
	{ BPF_MAP_TYPE_PROG_ARRAY, "prog_array", 4, 4, 4, 0, 0 },
	{ BPF_MAP_TYPE_PERF_EVENT_ARRAY, "perf_event_array", 4, 4, 4, 0, 0 },
	{ BPF_MAP_TYPE_PERCPU_HASH, "percpu_hash", 4, 8, 16, 0, 0 },
	{ BPF_MAP_TYPE_PERCPU_ARRAY, "percpu_array", 4, 8, 16, 0, 0 },
	{ BPF_MAP_TYPE_STACK_TRACE, "stack_trace", 4, 64, 16, 0, 0 },
	{ BPF_MAP_TYPE_CGROUP_ARRAY, "cgroup_array", 4, 4, 4, 0, 0 },
	{ BPF_MAP_TYPE_LRU_HASH, "lru_hash", 4, 8, 16, 0, 0 },
	{ BPF_MAP_TYPE_LRU_PERCPU_HASH, "lru_percpu_hash", 4, 8, 16, 0, 0 },
	{ BPF_MAP_TYPE_LPM_TRIE, "lpm_trie", 8, 8, 16, BPF_F_NO_PREALLOC, 0 },
	{ BPF_MAP_TYPE_ARRAY_OF_MAPS, "array_of_maps", 4, 4, 4, 0, 1 },
	{ BPF_MAP_TYPE_HASH_OF_MAPS, "hash_of_maps", 4, 4, 4, 0, 1 },
	{ BPF_MAP_TYPE_DEVMAP, "devmap", 4, 4, 4, 0, 0 },
	{ BPF_MAP_TYPE_SOCKMAP, "sockmap", 4, 4, 4, 0, 0 },
	{ BPF_MAP_TYPE_CPUMAP, "cpumap", 4, 4, 4, 0, 0 },
	{ BPF_MAP_TYPE_XSKMAP, "xskmap", 4, 4, 4, 0, 0 },
	{ BPF_MAP_TYPE_SOCKHASH, "sockhash", 4, 4, 4, 0, 0 },
	{ BPF_MAP_TYPE_CGROUP_STORAGE, "cgroup_storage", 8, 8, 0, 0, 0 },
	{ BPF_MAP_TYPE_REUSEPORT_SOCKARRAY, "reuseport_sockarray", 4, 8, 4, 0, 0 },
	{ BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE, "percpu_cgroup_storage", 8, 8, 0, 0, 0 },
	{ BPF_MAP_TYPE_QUEUE, "queue", 0, 8, 16, 0, 0 },
	{ BPF_MAP_TYPE_STACK, "stack", 0, 8, 16, 0, 0 },
	{ BPF_MAP_TYPE_SK_STORAGE, "sk_storage", 4, 8, 0, BPF_F_NO_PREALLOC, 0 },
	{ BPF_MAP_TYPE_DEVMAP_HASH, "devmap_hash", 4, 4, 4, 0, 0 },
	{ BPF_MAP_TYPE_STRUCT_OPS, "struct_ops", 4, 64, 1, 0, 0 },
	{ BPF_MAP_TYPE_RINGBUF, "ringbuf", 0, 0, 4096, 0, 0 },
	{ BPF_MAP_TYPE_INODE_STORAGE, "inode_storage", 4, 8, 0, BPF_F_NO_PREALLOC, 0 },
	{ BPF_MAP_TYPE_TASK_STORAGE, "task_storage", 4, 8, 0, BPF_F_NO_PREALLOC, 0 },
	{ BPF_MAP_TYPE_BLOOM_FILTER, "bloom_filter", 0, 8, 16, 0, 0 },
	{ BPF_MAP_TYPE_USER_RINGBUF, "user_ringbuf", 0, 0, 4096, 0, 0 },
	{ 32 /* CGRP_STORAGE, Linux 6.2 */, "cgrp_storage", 4, 8, 0, BPF_F_NO_PREALLOC, 0 },
	{ MAP_TYPE_ARENA, "arena", 0, 0, 1, BPF_F_MMAPABLE, 0 },
	{ 34, "type34", 4, 4, 1, 0, 0 },
	{ 200, "type200", 4, 4, 1, 0, 0 },
	{ -1, "type-1", 4, 4, 1, 0, 0 },
};

static int inner_fd = -1;

static void create_case(const struct type_case *t, const char *what, __u32 key, __u32 value,
			__u32 max, __u32 flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = flags);

	if (t->inner)
		o.inner_map_fd = inner_fd;
	O_FD("bpf_map_create(%s, %s: key=%u value=%u max=%u flags=%#x)",
	     bpf_map_create((enum bpf_map_type)t->type, "oracle", key, value, max, &o), t->name,
	     what, key, value, max, flags);
}

/* Sizes stay small: the kernel allocates arrays eagerly, and a huge max_entries
 * would pin gigabytes of vmalloc (a prog_array's is cleared entry by entry). */
static void create_all_types(void)
{
	unsigned i;

	inner_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "inner", 4, 4, 1, NULL);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct type_case *t = &types[i];

		create_case(t, "good", t->key, t->value, t->max, t->flags);
		create_case(t, "key 0", 0, t->value, t->max, t->flags);
		create_case(t, "key 3", 3, t->value, t->max, t->flags);
		create_case(t, "value 0", t->key, 0, t->max, t->flags);
		create_case(t, "value 1M", t->key, 1 << 20, t->max, t->flags);
		create_case(t, "max 0", t->key, t->value, 0, t->flags);
		create_case(t, "max 3", t->key, t->value, 3, t->flags);
		create_case(t, "flags all", t->key, t->value, t->max, 0xffffffff);
		create_case(t, "flags rdonly", t->key, t->value, t->max, t->flags | BPF_F_RDONLY);
		create_case(t, "flags rdonly|wronly", t->key, t->value, t->max,
			    t->flags | BPF_F_RDONLY | BPF_F_WRONLY);
	}
}

/* Names (truncation, characters), NULL name, and every opts field. */
static void create_names_and_opts(void)
{
	struct {
		struct bpf_map_create_opts o;
		char tail[64];
	} big;
	int btf_fd = open("/dev/null", O_RDONLY);

	O_FD("bpf_map_create(array, NULL name)",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL));
	O_FD("bpf_map_create(array, \"\")", bpf_map_create(BPF_MAP_TYPE_ARRAY, "", 4, 4, 1, NULL));
	O_FD("bpf_map_create(array, 15 chars)",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, "abcdefghijklmno", 4, 4, 1, NULL));
	O_FD("bpf_map_create(array, 40 chars)",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, "abcdefghijklmnopqrstuvwxyz0123456789ABCD", 4, 4,
			    1, NULL));
	O_FD("bpf_map_create(array, \"a.b_c\")",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, "a.b_c", 4, 4, 1, NULL));
	O_FD("bpf_map_create(array, \"a-b\")", bpf_map_create(BPF_MAP_TYPE_ARRAY, "a-b", 4, 4, 1, NULL));
	O_FD("bpf_map_create(array, \"a b\")", bpf_map_create(BPF_MAP_TYPE_ARRAY, "a b", 4, 4, 1, NULL));
	O_FD("bpf_map_create(array, 15 chars then '-')",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, "abcdefghijklmno-", 4, 4, 1, NULL));

	/* opts->sz rules. */
	memset(&big, 0, sizeof(big));
	big.o.sz = 4;
	O_FD("bpf_map_create(opts sz 4)", bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &big.o));
	big.o.sz = 0;
	O_FD("bpf_map_create(opts sz 0)", bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &big.o));
	big.o.sz = 7;
	O_FD("bpf_map_create(opts sz 7)", bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &big.o));
	big.o.sz = 8;
	O_FD("bpf_map_create(opts sz 8)", bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &big.o));
	big.o.sz = sizeof(big);
	O_FD("bpf_map_create(opts sz big, zero tail)",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &big.o));
	big.tail[63] = 1;
	O_FD("bpf_map_create(opts sz big, tail[63]=1)",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &big.o));
	big.tail[63] = 0;
	big.tail[0] = 1;
	O_FD("bpf_map_create(opts sz big, tail[0]=1)",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &big.o));
	big.o.sz = sizeof(struct bpf_map_create_opts);
	O_FD("bpf_map_create(opts sz exact, nonzero bytes past sz)",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &big.o));
	big.tail[0] = 0;
	big.o.sz = offsetof(struct bpf_map_create_opts, map_flags);
	big.o.map_flags = 0xffffffff;
	O_FD("bpf_map_create(opts sz before map_flags, map_flags junk)",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &big.o));
	big.o.sz = sizeof(struct bpf_map_create_opts);
	O_FD("bpf_map_create(opts map_flags junk)",
	     bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &big.o));
	big.o.map_flags = 0;

	/* Individual fields. */
	{
		LIBBPF_OPTS(bpf_map_create_opts, o, .numa_node = 1000);
		O_FD("bpf_map_create(numa_node 1000 without flag)",
		     bpf_map_create(BPF_MAP_TYPE_HASH, "o", 4, 4, 1, &o));
		o.map_flags = BPF_F_NUMA_NODE;
		O_FD("bpf_map_create(numa_node 1000, BPF_F_NUMA_NODE)",
		     bpf_map_create(BPF_MAP_TYPE_HASH, "o", 4, 4, 1, &o));
		o.numa_node = 0;
		O_FD("bpf_map_create(numa_node 0, BPF_F_NUMA_NODE)",
		     bpf_map_create(BPF_MAP_TYPE_HASH, "o", 4, 4, 1, &o));
	}
	{
		LIBBPF_OPTS(bpf_map_create_opts, o, .map_extra = 3);
		O_FD("bpf_map_create(array, map_extra 3)",
		     bpf_map_create(BPF_MAP_TYPE_ARRAY, "o", 4, 4, 1, &o));
		O_FD("bpf_map_create(bloom, map_extra 3)",
		     bpf_map_create(BPF_MAP_TYPE_BLOOM_FILTER, "o", 0, 4, 16, &o));
		o.map_extra = 16;
		O_FD("bpf_map_create(bloom, map_extra 16)",
		     bpf_map_create(BPF_MAP_TYPE_BLOOM_FILTER, "o", 0, 4, 16, &o));
	}
	{
		LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = 9999, .btf_key_type_id = 1,
			    .btf_value_type_id = 2);
		O_FD("bpf_map_create(btf_fd 9999)", bpf_map_create(BPF_MAP_TYPE_HASH, "o", 4, 4, 1, &o));
		o.btf_fd = btf_fd;
		O_FD("bpf_map_create(btf_fd /dev/null)",
		     bpf_map_create(BPF_MAP_TYPE_HASH, "o", 4, 4, 1, &o));
		o.btf_fd = 0;
		o.btf_key_type_id = 0;
		O_FD("bpf_map_create(btf value type only, no fd)",
		     bpf_map_create(BPF_MAP_TYPE_HASH, "o", 4, 4, 1, &o));
		o.btf_value_type_id = 0;
		o.btf_vmlinux_value_type_id = 5;
		O_FD("bpf_map_create(hash, btf_vmlinux_value_type_id 5)",
		     bpf_map_create(BPF_MAP_TYPE_HASH, "o", 4, 4, 1, &o));
	}
	{
		LIBBPF_OPTS(bpf_map_create_opts, o, .inner_map_fd = 9999);
		O_FD("bpf_map_create(array_of_maps, inner 9999)",
		     bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "o", 4, 4, 1, &o));
		o.inner_map_fd = btf_fd;
		O_FD("bpf_map_create(array_of_maps, inner /dev/null)",
		     bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "o", 4, 4, 1, &o));
		o.inner_map_fd = inner_fd;
		O_FD("bpf_map_create(hash, inner given)",
		     bpf_map_create(BPF_MAP_TYPE_HASH, "o", 4, 4, 1, &o));
	}
	{
		LIBBPF_OPTS(bpf_map_create_opts, o, .map_ifindex = 1);
		O_FD("bpf_map_create(map_ifindex 1 (lo))",
		     bpf_map_create(BPF_MAP_TYPE_HASH, "o", 4, 4, 1, &o));
		o.map_ifindex = 99999;
		O_FD("bpf_map_create(map_ifindex 99999)",
		     bpf_map_create(BPF_MAP_TYPE_HASH, "o", 4, 4, 1, &o));
	}
	close(btf_fd);
}

/* Element operations on a map that is -1, a non-map fd, or a closed fd number. */
static void bad_fds(void)
{
	int closed = open("/dev/null", O_RDONLY), nonmap = open("/dev/null", O_RDONLY);
	int fds[3], i;
	const char *names[3] = { "-1", "non-map", "closed" };
	__u32 k = 0, nk, count = 1;
	__u64 v = 0;

	close(closed);
	fds[0] = -1;
	fds[1] = nonmap;
	fds[2] = closed;
	for (i = 0; i < 3; i++) {
		const char *n = names[i];
		int fd = fds[i];

		O_INT("bpf_map_lookup_elem(fd %s)", bpf_map_lookup_elem(fd, &k, &v), n);
		O_INT("bpf_map_lookup_elem_flags(fd %s)", bpf_map_lookup_elem_flags(fd, &k, &v, 0), n);
		O_INT("bpf_map_update_elem(fd %s)", bpf_map_update_elem(fd, &k, &v, 0), n);
		O_INT("bpf_map_delete_elem(fd %s)", bpf_map_delete_elem(fd, &k), n);
		O_INT("bpf_map_delete_elem_flags(fd %s)", bpf_map_delete_elem_flags(fd, &k, 0), n);
		O_INT("bpf_map_get_next_key(fd %s)", bpf_map_get_next_key(fd, &k, &nk), n);
		O_INT("bpf_map_lookup_and_delete_elem(fd %s)",
		      bpf_map_lookup_and_delete_elem(fd, &k, &v), n);
		O_INT("bpf_map_lookup_and_delete_elem_flags(fd %s)",
		      bpf_map_lookup_and_delete_elem_flags(fd, &k, &v, 0), n);
		O_INT("bpf_map_freeze(fd %s)", bpf_map_freeze(fd), n);
		count = 1;
		O_INT("bpf_map_lookup_batch(fd %s)",
		      bpf_map_lookup_batch(fd, NULL, &nk, &k, &v, &count, NULL), n);
		count = 1;
		O_INT("bpf_map_update_batch(fd %s)", bpf_map_update_batch(fd, &k, &v, &count, NULL),
		      n);
		count = 1;
		O_INT("bpf_map_delete_batch(fd %s)", bpf_map_delete_batch(fd, &k, &count, NULL), n);
		count = 1;
		O_INT("bpf_map_lookup_and_delete_batch(fd %s)",
		      bpf_map_lookup_and_delete_batch(fd, NULL, &nk, &k, &v, &count, NULL), n);
	}
	close(nonmap);
}

/* Hash maps use BPF_F_ZERO_SEED so that iteration order (and which bucket holds
 * what) is the same in both runs. */
static struct bpf_map_create_opts zero_seed = { .sz = sizeof(zero_seed),
						.map_flags = BPF_F_ZERO_SEED };

static void hash_ops(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "h", 4, 8, 4, &zero_seed);
	__u32 k, nk = 0;
	__u64 v = 0;

	k = 1;
	O_INT("hash: lookup missing", bpf_map_lookup_elem(fd, &k, &v));
	O_INT("hash: get_next_key(NULL) on empty", bpf_map_get_next_key(fd, NULL, &nk));
	O_INT("hash: get_next_key(&k) on empty", bpf_map_get_next_key(fd, &k, &nk));
	O_INT("hash: delete missing", bpf_map_delete_elem(fd, &k));
	v = 11;
	O_INT("hash: update BPF_EXIST missing", bpf_map_update_elem(fd, &k, &v, BPF_EXIST));
	O_INT("hash: update BPF_NOEXIST", bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST));
	O_INT("hash: update BPF_NOEXIST again", bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST));
	O_INT("hash: update BPF_EXIST", bpf_map_update_elem(fd, &k, &v, BPF_EXIST));
	O_INT("hash: update flags 4", bpf_map_update_elem(fd, &k, &v, 4));
	O_INT("hash: update flags BPF_F_LOCK", bpf_map_update_elem(fd, &k, &v, BPF_F_LOCK));
	O_INT("hash: update flags ~0", bpf_map_update_elem(fd, &k, &v, ~0ULL));
	O_INT("hash: update key NULL", bpf_map_update_elem(fd, NULL, &v, 0));
	O_INT("hash: update value NULL", bpf_map_update_elem(fd, &k, NULL, 0));
	v = 0;
	O_INT("hash: lookup", bpf_map_lookup_elem(fd, &k, &v));
	printf("  value=%llu\n", (unsigned long long)v);
	O_INT("hash: lookup key NULL", bpf_map_lookup_elem(fd, NULL, &v));
	O_INT("hash: lookup value NULL", bpf_map_lookup_elem(fd, &k, NULL));
	O_INT("hash: lookup_elem_flags BPF_F_LOCK", bpf_map_lookup_elem_flags(fd, &k, &v, BPF_F_LOCK));
	O_INT("hash: lookup_elem_flags 1", bpf_map_lookup_elem_flags(fd, &k, &v, 1));
	O_INT("hash: lookup_elem_flags 0", bpf_map_lookup_elem_flags(fd, &k, &v, 0));
	for (k = 2; k <= 5; k++) {
		v = k * 10;
		O_INT("hash: update %u", bpf_map_update_elem(fd, &k, &v, BPF_ANY), k);
	}
	k = 1;
	O_INT("hash: update existing when full", bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	O_INT("hash: get_next_key(NULL)", bpf_map_get_next_key(fd, NULL, &nk));
	k = 77;
	O_INT("hash: get_next_key(missing) next_key NULL", bpf_map_get_next_key(fd, &k, NULL));
	k = 77;
	O_INT("hash: get_next_key(missing key) = first", bpf_map_get_next_key(fd, &k, &nk));
	{
		/* Walk to the end; count steps. */
		__u32 cur, n = 0;
		int r;

		r = bpf_map_get_next_key(fd, NULL, &cur);
		while (r == 0 && n < 10) {
			n++;
			r = bpf_map_get_next_key(fd, &cur, &cur);
		}
		printf("hash: walk visited %u keys, last key %u, last ret %d errno=%s\n", n, cur, r,
		       o_errname(errno));
	}
	k = 2;
	O_INT("hash: delete", bpf_map_delete_elem(fd, &k));
	O_INT("hash: delete again", bpf_map_delete_elem(fd, &k));
	O_INT("hash: delete key NULL", bpf_map_delete_elem(fd, NULL));
	O_INT("hash: delete_elem_flags 1", bpf_map_delete_elem_flags(fd, &k, 1));
	k = 3;
	O_INT("hash: delete_elem_flags 0", bpf_map_delete_elem_flags(fd, &k, 0));
	k = 4;
	v = 0;
	O_INT("hash: lookup_and_delete", bpf_map_lookup_and_delete_elem(fd, &k, &v));
	printf("  value=%llu\n", (unsigned long long)v);
	O_INT("hash: lookup_and_delete again", bpf_map_lookup_and_delete_elem(fd, &k, &v));
	k = 5;
	O_INT("hash: lookup_and_delete_flags BPF_F_LOCK",
	      bpf_map_lookup_and_delete_elem_flags(fd, &k, &v, BPF_F_LOCK));
	O_INT("hash: lookup_and_delete_flags 2",
	      bpf_map_lookup_and_delete_elem_flags(fd, &k, &v, 2));
	O_INT("hash: lookup_and_delete value NULL", bpf_map_lookup_and_delete_elem(fd, &k, NULL));
	O_INT("hash: freeze", bpf_map_freeze(fd));
	O_INT("hash: freeze again", bpf_map_freeze(fd));
	O_INT("hash: update after freeze", bpf_map_update_elem(fd, &k, &v, 0));
	O_INT("hash: delete after freeze", bpf_map_delete_elem(fd, &k));
	O_INT("hash: lookup after freeze", bpf_map_lookup_elem(fd, &k, &v));
	close(fd);
}

static void array_ops(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "a", 4, 8, 4, NULL);
	__u32 k, nk = 0;
	__u64 v = 0;

	k = 0;
	O_INT("array: lookup 0", bpf_map_lookup_elem(fd, &k, &v));
	k = 4;
	O_INT("array: lookup 4 (out of range)", bpf_map_lookup_elem(fd, &k, &v));
	O_INT("array: update 4 (out of range)", bpf_map_update_elem(fd, &k, &v, 0));
	k = 1;
	O_INT("array: update BPF_NOEXIST", bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST));
	O_INT("array: update BPF_EXIST", bpf_map_update_elem(fd, &k, &v, BPF_EXIST));
	O_INT("array: delete", bpf_map_delete_elem(fd, &k));
	O_INT("array: lookup_and_delete", bpf_map_lookup_and_delete_elem(fd, &k, &v));
	O_INT("array: get_next_key(NULL)", bpf_map_get_next_key(fd, NULL, &nk));
	printf("  next=%u\n", nk);
	k = 3;
	O_INT("array: get_next_key(last)", bpf_map_get_next_key(fd, &k, &nk));
	k = 100;
	O_INT("array: get_next_key(100)", bpf_map_get_next_key(fd, &k, &nk));
	printf("  next=%u\n", nk);
	O_INT("array: freeze", bpf_map_freeze(fd));
	k = 0;
	O_INT("array: update after freeze", bpf_map_update_elem(fd, &k, &v, 0));
	close(fd);

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ro", 4, 8, 4,
			    &(struct bpf_map_create_opts){ .sz = sizeof(struct bpf_map_create_opts),
							   .map_flags = BPF_F_RDONLY });
	k = 0;
	O_INT("array rdonly: lookup", bpf_map_lookup_elem(fd, &k, &v));
	O_INT("array rdonly: update", bpf_map_update_elem(fd, &k, &v, 0));
	close(fd);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "wo", 4, 8, 4,
			    &(struct bpf_map_create_opts){ .sz = sizeof(struct bpf_map_create_opts),
							   .map_flags = BPF_F_WRONLY });
	O_INT("array wronly: lookup", bpf_map_lookup_elem(fd, &k, &v));
	O_INT("array wronly: update", bpf_map_update_elem(fd, &k, &v, 0));
	O_INT("array wronly: get_next_key", bpf_map_get_next_key(fd, NULL, &nk));
	close(fd);
}

static void queue_ops(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_QUEUE, "q", 0, 8, 2, NULL);
	__u64 v = 5;
	__u32 k = 0;

	O_INT("queue: peek empty", bpf_map_lookup_elem(fd, NULL, &v));
	O_INT("queue: pop empty", bpf_map_lookup_and_delete_elem(fd, NULL, &v));
	O_INT("queue: push", bpf_map_update_elem(fd, NULL, &v, 0));
	v = 6;
	O_INT("queue: push", bpf_map_update_elem(fd, NULL, &v, 0));
	O_INT("queue: push full", bpf_map_update_elem(fd, NULL, &v, 0));
	O_INT("queue: push full BPF_EXIST", bpf_map_update_elem(fd, NULL, &v, BPF_EXIST));
	O_INT("queue: push BPF_NOEXIST", bpf_map_update_elem(fd, NULL, &v, BPF_NOEXIST));
	O_INT("queue: push with key", bpf_map_update_elem(fd, &k, &v, 0));
	O_INT("queue: delete", bpf_map_delete_elem(fd, NULL));
	O_INT("queue: get_next_key", bpf_map_get_next_key(fd, NULL, &k));
	O_INT("queue: peek", bpf_map_lookup_elem(fd, NULL, &v));
	printf("  value=%llu\n", (unsigned long long)v);
	O_INT("queue: pop", bpf_map_lookup_and_delete_elem(fd, NULL, &v));
	printf("  value=%llu\n", (unsigned long long)v);
	O_INT("queue: pop flags 1", bpf_map_lookup_and_delete_elem_flags(fd, NULL, &v, 1));
	O_INT("queue: pop value NULL", bpf_map_lookup_and_delete_elem(fd, NULL, NULL));
	close(fd);
}

static void batch_print(const char *what, int r, int e, __u32 count)
{
	printf("%s = %d errno=%s count=%u\n", what, r, o_errname(e), count);
}

#define O_BATCH(what, call, countvar)                                                  \
	do {                                                                           \
		errno = 0;                                                             \
		int __r = (call);                                                      \
		batch_print(what, __r, errno, countvar);                               \
	} while (0)

static void batch_ops(void)
{
	int afd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ba", 4, 8, 8, NULL);
	int hfd = bpf_map_create(BPF_MAP_TYPE_HASH, "bh", 4, 8, 8, &zero_seed);
	__u32 keys[8], out_keys[8], count, in_b, out_b, i, sum;
	__u64 vals[8], out_vals[8];
	struct {
		struct bpf_map_batch_opts o;
		char tail[16];
	} big;

	for (i = 0; i < 8; i++) {
		keys[i] = i;
		vals[i] = 100 + i;
	}
	count = 8;
	O_BATCH("array: update_batch 8", bpf_map_update_batch(afd, keys, vals, &count, NULL),
		count);
	count = 3;
	O_BATCH("array: lookup_batch first 3",
		bpf_map_lookup_batch(afd, NULL, &out_b, out_keys, out_vals, &count, NULL), count);
	printf("  keys %u %u %u vals %llu %llu %llu out_batch=%u\n", out_keys[0], out_keys[1],
	       out_keys[2], (unsigned long long)out_vals[0], (unsigned long long)out_vals[1],
	       (unsigned long long)out_vals[2], out_b);
	in_b = out_b;
	count = 8;
	O_BATCH("array: lookup_batch rest",
		bpf_map_lookup_batch(afd, &in_b, &out_b, out_keys, out_vals, &count, NULL), count);
	count = 0;
	O_BATCH("array: lookup_batch count 0",
		bpf_map_lookup_batch(afd, NULL, &out_b, out_keys, out_vals, &count, NULL), count);
	count = 8;
	O_BATCH("array: lookup_batch keys NULL",
		bpf_map_lookup_batch(afd, NULL, &out_b, NULL, out_vals, &count, NULL), count);
	count = 8;
	O_BATCH("array: lookup_batch out_batch NULL",
		bpf_map_lookup_batch(afd, NULL, NULL, out_keys, out_vals, &count, NULL), count);
	count = 8;
	O_BATCH("array: lookup_and_delete_batch",
		bpf_map_lookup_and_delete_batch(afd, NULL, &out_b, out_keys, out_vals, &count, NULL),
		count);
	count = 8;
	O_BATCH("array: delete_batch", bpf_map_delete_batch(afd, keys, &count, NULL), count);
	keys[7] = 99;
	count = 8;
	O_BATCH("array: update_batch with key 99", bpf_map_update_batch(afd, keys, vals, &count, NULL),
		count);
	keys[7] = 7;

	/* opts->sz rules and fields. */
	memset(&big, 0, sizeof(big));
	big.o.sz = 4;
	count = 8;
	O_BATCH("array: lookup_batch opts sz 4",
		bpf_map_lookup_batch(afd, NULL, &out_b, out_keys, out_vals, &count, &big.o), count);
	count = 8;
	O_BATCH("array: update_batch opts sz 4",
		bpf_map_update_batch(afd, keys, vals, &count, &big.o), count);
	count = 8;
	O_BATCH("array: delete_batch opts sz 4", bpf_map_delete_batch(afd, keys, &count, &big.o),
		count);
	big.o.sz = sizeof(big);
	big.tail[3] = 1;
	count = 8;
	O_BATCH("array: lookup_batch opts big, tail nonzero",
		bpf_map_lookup_batch(afd, NULL, &out_b, out_keys, out_vals, &count, &big.o), count);
	count = 8;
	O_BATCH("array: update_batch opts big, tail nonzero",
		bpf_map_update_batch(afd, keys, vals, &count, &big.o), count);
	big.tail[3] = 0;
	count = 8;
	O_BATCH("array: lookup_batch opts big, zero tail",
		bpf_map_lookup_batch(afd, NULL, &out_b, out_keys, out_vals, &count, &big.o), count);
	big.o.sz = sizeof(struct bpf_map_batch_opts);
	big.o.flags = 1;
	count = 8;
	O_BATCH("array: lookup_batch flags 1",
		bpf_map_lookup_batch(afd, NULL, &out_b, out_keys, out_vals, &count, &big.o), count);
	big.o.flags = 0;
	big.o.elem_flags = BPF_F_LOCK;
	count = 8;
	O_BATCH("array: lookup_batch elem_flags BPF_F_LOCK",
		bpf_map_lookup_batch(afd, NULL, &out_b, out_keys, out_vals, &count, &big.o), count);
	big.o.elem_flags = BPF_NOEXIST;
	count = 8;
	O_BATCH("array: update_batch elem_flags BPF_NOEXIST",
		bpf_map_update_batch(afd, keys, vals, &count, &big.o), count);
	big.o.elem_flags = 0;

	/* Hash (zero seed): counts, contents and batch cursors. */
	count = 5;
	O_BATCH("hash: update_batch 5", bpf_map_update_batch(hfd, keys, vals, &count, NULL), count);
	big.o.elem_flags = BPF_NOEXIST;
	count = 8;
	O_BATCH("hash: update_batch 8 BPF_NOEXIST",
		bpf_map_update_batch(hfd, keys, vals, &count, &big.o), count);
	big.o.elem_flags = 0;
	count = 8;
	O_BATCH("hash: lookup_batch all",
		bpf_map_lookup_batch(hfd, NULL, &out_b, out_keys, out_vals, &count, NULL), count);
	for (sum = 0, i = 0; i < count && i < 8; i++)
		sum += out_keys[i];
	printf("  key sum %u first key %u out_batch %u\n", sum, out_keys[0], out_b);
	count = 1;
	O_BATCH("hash: lookup_batch count 1 (bucket larger)",
		bpf_map_lookup_batch(hfd, NULL, &out_b, out_keys, out_vals, &count, NULL), count);
	keys[1] = 50;
	count = 3;
	O_BATCH("hash: delete_batch with a missing key", bpf_map_delete_batch(hfd, keys, &count, NULL),
		count);
	keys[1] = 1;
	count = 8;
	O_BATCH("hash: lookup_and_delete_batch all",
		bpf_map_lookup_and_delete_batch(hfd, NULL, &out_b, out_keys, out_vals, &count, NULL),
		count);
	count = 8;
	O_BATCH("hash: lookup_batch empty",
		bpf_map_lookup_batch(hfd, NULL, &out_b, out_keys, out_vals, &count, NULL), count);
	count = 2;
	O_BATCH("hash: update_batch keys NULL", bpf_map_update_batch(hfd, NULL, vals, &count, NULL),
		count);
	count = 2;
	O_BATCH("hash: update_batch values NULL", bpf_map_update_batch(hfd, keys, NULL, &count, NULL),
		count);
	close(afd);
	close(hfd);
}

int main(void)
{
	o_require_root();
	o_stdin_devnull();
	libbpf_set_print(NULL);
	create_all_types();
	create_names_and_opts();
	bad_fds();
	{
		__u32 k = 0;
		__u64 v;
		O_INT("bpf_map_lookup_elem(fd 0 = /dev/null)", bpf_map_lookup_elem(0, &k, &v));
	}
	hash_ops();
	array_ops();
	queue_ops();
	batch_ops();
	close(inner_fd);
	return o_done();
}
