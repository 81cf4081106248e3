/* The map-walk template exactly as old samples wrote it: a HASH map keyed by
 * struct pair with struct stats values, walked with
 *   while (bpf_map_get_next_key(fd, &lookup_key, &next_key) != -1)
 * from a key not in the map. The map comes from bpf_create_map, a 0.x-only call,
 * which switches the process to 0.x's convention: the loop must end; every entry
 * must be seen once. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "harness.h"

struct pair {
	__u32 src_ip;
	__u32 dest_ip;
};

struct stats {
	__u64 rx_cnt;
	__u64 rx_bytes;
};

#define N 100

int main(void)
{
	struct pair key, lookup_key = { 0xffffffff, 0xffffffff }, next_key;
	struct stats value;
	int seen[N] = { 0 };
	int fd, i, visits = 0, iterations = 0;

	require_root();
	fd = bpf_create_map(BPF_MAP_TYPE_HASH, sizeof(struct pair), sizeof(struct stats), N, 0);
	CHECK(fd > 2, "bpf_create_map: %d (%s)", fd, strerror(errno));
	if (fd < 0)
		return h_done("map_iter");

	for (i = 0; i < N; i++) {
		key.src_ip = i;
		key.dest_ip = i * 7;
		value.rx_cnt = i;
		value.rx_bytes = i * 1500ULL;
		CHECK_EQ(bpf_map_update_elem(fd, &key, &value, BPF_ANY), 0);
	}

	while (bpf_map_get_next_key(fd, &lookup_key, &next_key) != -1) {
		if (++iterations > N + 1)
			break; /* would loop forever under 1.x -ENOENT semantics */
		CHECK_EQ(bpf_map_lookup_elem(fd, &next_key, &value), 0);
		CHECK(next_key.src_ip < N, "key %u out of range", next_key.src_ip);
		if (next_key.src_ip < N) {
			seen[next_key.src_ip]++;
			CHECK_EQ(next_key.dest_ip, next_key.src_ip * 7);
			CHECK_EQ(value.rx_cnt, next_key.src_ip);
			CHECK_EQ(value.rx_bytes, next_key.src_ip * 1500ULL);
		}
		visits++;
		lookup_key = next_key;
	}
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(visits, N);
	for (i = 0; i < N; i++)
		CHECK(seen[i] == 1, "entry %d seen %d times", i, seen[i]);

	/* The end of the walk, exactly: -1/ENOENT after the switch, -ENOENT in strict mode. */
	CHECK_RET(bpf_map_get_next_key(fd, &lookup_key, &next_key), -1, ENOENT);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	CHECK_RET(bpf_map_get_next_key(fd, &lookup_key, &next_key), -ENOENT, ENOENT);
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	CHECK_RET(bpf_map_get_next_key(fd, &lookup_key, &next_key), -1, ENOENT);

	/* NULL key: the first key. */
	CHECK_EQ(bpf_map_get_next_key(fd, NULL, &next_key), 0);
	CHECK(next_key.src_ip < N, "first key %u", next_key.src_ip);

	close(fd);
	return h_done("map_iter");
}
