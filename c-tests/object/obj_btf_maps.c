/* BTF-defined maps of the common types (c-tests/bpf/obj_btf_maps.bpf.c): names,
 * types and sizes through the API; after load the kernel's view of each map
 * (bpf_map_get_info_by_fd), the array-of-maps / hash-of-maps slots filled from
 * the __array(values, ...) initialisers with the inner maps' ids, the prog-array
 * slot holding the tail program's id, a test run that goes through the tail call
 * and the inner map, the ringbuf producer position, and no fd leak. Empty slots
 * are checked against libbpf 0.x's -1, pinned first (h_use_0x_returns). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/mman.h>
#include "harness.h"
#include "obj_util.h"

static char path[PATH_MAX];

static const struct ot_map_want want[] = {
	{ "ot_hash", BPF_MAP_TYPE_HASH, 4, 8, 64 },
	{ "ot_array", BPF_MAP_TYPE_ARRAY, 4, 4, 8 },
	{ "ot_pcpu", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 2 },
	{ "ot_lru", BPF_MAP_TYPE_LRU_HASH, 8, 16, 32 },
	{ "ot_rb", BPF_MAP_TYPE_RINGBUF, 0, 0, 4096 },
	{ "ot_inner1", BPF_MAP_TYPE_ARRAY, 4, 4, 1 },
	{ "ot_inner2", BPF_MAP_TYPE_ARRAY, 4, 4, 1 },
	{ "ot_aom", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 3 },
	{ "ot_hom", BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 4 },
	{ "ot_jmp", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4 },
};
#define N_WANT (sizeof(want) / sizeof(want[0]))

static __u32 map_id(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_map_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

static void check_before_load(struct bpf_object *obj)
{
	for (size_t i = 0; i < N_WANT; i++) {
		struct bpf_map *m = ot_check_map(obj, &want[i]);

		if (m)
			CHECK_EQ(bpf_map__fd(m), -1);
	}
}

static void check_kernel_maps(struct bpf_object *obj)
{
	for (size_t i = 0; i < N_WANT; i++) {
		int fd = bpf_object__find_map_fd_by_name(obj, want[i].name);
		struct bpf_map_info info;
		__u32 len = sizeof(info);

		CHECK(fd > 2, "%s fd %d", want[i].name, fd);
		memset(&info, 0, sizeof(info));
		CHECK_EQ(bpf_map_get_info_by_fd(fd, &info, &len), 0);
		CHECK(!strcmp(info.name, want[i].name), "kernel name %s", info.name);
		CHECK_EQ(info.type, want[i].type);
		CHECK_EQ(info.key_size, want[i].key);
		CHECK_EQ(info.value_size, want[i].value);
		CHECK_EQ(info.max_entries, want[i].max);
		/* __type(key/value) maps carry their BTF type ids. */
		if (!strcmp(want[i].name, "ot_hash") || !strcmp(want[i].name, "ot_array"))
			CHECK(info.btf_id && info.btf_key_type_id && info.btf_value_type_id,
			      "%s btf %u/%u/%u", want[i].name, info.btf_id, info.btf_key_type_id,
			      info.btf_value_type_id);
	}
}

static void check_slots(struct bpf_object *obj)
{
	int aom = bpf_object__find_map_fd_by_name(obj, "ot_aom");
	int hom = bpf_object__find_map_fd_by_name(obj, "ot_hom");
	int jmp = bpf_object__find_map_fd_by_name(obj, "ot_jmp");
	__u32 in1 = map_id(bpf_object__find_map_fd_by_name(obj, "ot_inner1"));
	__u32 in2 = map_id(bpf_object__find_map_fd_by_name(obj, "ot_inner2"));
	struct bpf_program *tail = bpf_object__find_program_by_name(obj, "ot_tail");
	struct bpf_prog_info pinfo;
	__u32 plen = sizeof(pinfo), key, id;

	CHECK(in1 && in2 && in1 != in2, "inner ids %u %u", in1, in2);
	key = 0, id = 0;
	CHECK_EQ(bpf_map_lookup_elem(aom, &key, &id), 0);
	CHECK_EQ(id, in1);
	key = 1;
	CHECK_RET(bpf_map_lookup_elem(aom, &key, &id), -1, ENOENT);
	key = 2, id = 0;
	CHECK_EQ(bpf_map_lookup_elem(aom, &key, &id), 0);
	CHECK_EQ(id, in2);

	key = 1, id = 0;
	CHECK_EQ(bpf_map_lookup_elem(hom, &key, &id), 0);
	CHECK_EQ(id, in2);
	key = 0;
	CHECK_RET(bpf_map_lookup_elem(hom, &key, &id), -1, ENOENT);

	memset(&pinfo, 0, sizeof(pinfo));
	CHECK(tail != NULL, "ot_tail");
	if (!tail)
		return;
	CHECK_EQ(bpf_prog_get_info_by_fd(bpf_program__fd(tail), &pinfo, &plen), 0);
	key = 3, id = 0;
	CHECK_EQ(bpf_map_lookup_elem(jmp, &key, &id), 0);
	CHECK_EQ(id, pinfo.id);
	for (key = 0; key < 3; key++)
		CHECK_RET(bpf_map_lookup_elem(jmp, &key, &id), -1, ENOENT);
}

static void check_run(struct bpf_object *obj)
{
	struct bpf_program *main_prog = bpf_object__find_program_by_name(obj, "ot_main");
	int ncpu = libbpf_num_possible_cpus();
	char pkt[64] = { 0 };
	__u32 key, v32;
	__u64 v64, sum, pcpu[512];
	unsigned char lkey[8] = { 1 }, lval[16];
	int rb = bpf_object__find_map_fd_by_name(obj, "ot_rb");
	void *pos;

	CHECK(main_prog != NULL, "ot_main");
	if (!main_prog)
		return;
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt));
	CHECK_EQ(bpf_prog_test_run_opts(bpf_program__fd(main_prog), &t), 0);
	CHECK_EQ(t.retval, 7); /* ot_tail's return: the tail call went through slot 3 */

	key = 0, v32 = 0;
	CHECK_EQ(bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(obj, "ot_inner1"), &key, &v32), 0);
	CHECK_EQ(v32, 42); /* written by ot_tail through ot_aom[0] */
	key = 1, v64 = 0;
	CHECK_EQ(bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(obj, "ot_hash"), &key, &v64), 0);
	CHECK_EQ(v64, 1);
	v32 = 0;
	CHECK_EQ(bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(obj, "ot_array"), &key, &v32), 0);
	CHECK_EQ(v32, sizeof(pkt) - 14);
	CHECK(ncpu > 0 && ncpu <= 512, "ncpu %d", ncpu);
	if (ncpu > 0 && ncpu <= 512) {
		memset(pcpu, 0, sizeof(pcpu));
		CHECK_EQ(bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(obj, "ot_pcpu"), &key, pcpu), 0);
		sum = 0;
		for (int i = 0; i < ncpu; i++)
			sum += pcpu[i];
		CHECK_EQ(sum, 1);
	}
	memset(lval, 0, sizeof(lval));
	CHECK_EQ(bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(obj, "ot_lru"), lkey, lval), 0);
	CHECK_EQ(lval[0], 2);

	/* Ringbuf: the producer position (second page) moved by one 8-byte header
	 * plus the 4-byte record rounded up to 8. */
	pos = mmap(NULL, 4096, PROT_READ, MAP_SHARED, rb, 4096);
	CHECK(pos != MAP_FAILED, "mmap ringbuf: errno %d", errno);
	if (pos != MAP_FAILED) {
		CHECK_EQ(*(volatile unsigned long *)pos, 16);
		munmap(pos, 4096);
	}
}

int main(void)
{
	struct bpf_object *obj;
	int fds;

	require_root();
	h_use_0x_returns(); /* its -1 checks start before any 0.x-only call */
	if (ot_init("obj_btf_maps") ||
	    ot_build("obj_btf_maps.bpf.c", "btf_maps.o", "-g", path, sizeof(path)))
		return ot_build_failed("obj_btf_maps", "could not build obj_btf_maps.bpf.c");
	fds = h_count_fds();
	obj = bpf_object__open_file(path, NULL);
	CHECK(obj != NULL, "open_file: errno %d", errno);
	if (obj) {
		CHECK(!strcmp(bpf_object__name(obj), "btf_maps"), "%s", bpf_object__name(obj));
		check_before_load(obj);
		CHECK_RET(bpf_object__load(obj), 0, 0);
		check_kernel_maps(obj);
		check_slots(obj);
		check_run(obj);
		bpf_object__close(obj);
	}
	CHECK_EQ(h_count_fds(), fds);
	ot_cleanup();
	return h_done("obj_btf_maps");
}
