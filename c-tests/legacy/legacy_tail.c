/* bpf_load.c legacy loader: five socket/N tail-call programs. prog_fd[] follows
 * ELF section order (socket/2, socket/0, socket/4, socket/1, socket/3), maps are
 * ranked by offset (a global, then a static definition reached through the
 * section symbol + addend), each program sits in slot
 * N of the PROG_ARRAY (prog_array_fd), and a test run of socket/0 really takes the
 * chain 0 -> 1 -> 2 -> 3 -> 4 (return value 42, every stage counted once). */
#define _GNU_SOURCE
#include <bpf_load.h>
#include "legacy_util.h"

extern int prog_array_fd;

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

static int test_run(int fd, __u32 *retval)
{
	char pkt[64] = { 0 }, pkt_out[128];
	/* data_out given: valgrind's bpf() wrapper checks it even when NULL. */
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .data_out = pkt_out, .data_size_out = sizeof(pkt_out), .repeat = 1);
	int err = bpf_prog_test_run_opts(fd, &o);

	*retval = o.retval;
	return err;
}

int main(void)
{
	static const int section_slot[5] = { 2, 0, 4, 1, 3 };
	char path[PATH_MAX];
	__u32 retval = 0, id;
	long cnt;
	int i, k;

	require_root();
	if (lg_build("lg_tail", NULL, "lg_tail", path, sizeof(path)))
		h_skip("cannot build c-tests/bpf/lg_tail.bpf.c");

	if (load_bpf_file(path)) {
		printf("%s", bpf_log_buf);
		CHECK(0, "load_bpf_file(%s) failed", path);
		return h_done("legacy_tail");
	}
	CHECK_EQ(prog_cnt, 5);
	CHECK_EQ(map_data_count, 2);
	/* Map order = rank of the definition's offset in "maps". */
	CHECK(!strcmp(map_data[0].name, "lg_jmp_table"), "map 0 is %s", map_data[0].name);
	CHECK(!strcmp(map_data[1].name, "lg_stage_count"), "map 1 is %s", map_data[1].name);
	CHECK_EQ(map_data[0].elf_offset, 0);
	CHECK_EQ(map_data[1].elf_offset, 28);
	CHECK_EQ(map_data[0].def.type, BPF_MAP_TYPE_PROG_ARRAY);
	CHECK_EQ(prog_array_fd, map_fd[0]);
	for (i = 0; i < 2; i++)
		CHECK_EQ(map_data[i].fd, map_fd[i]);

	/* prog_fd[i] is the i-th program section; slot N of the PROG_ARRAY holds
	 * the program of section socket/N (the kernel reports program ids). */
	for (i = 0; i < 5; i++) {
		k = section_slot[i];
		id = 0;
		CHECK_RET(bpf_map_lookup_elem(prog_array_fd, &k, &id), 0, 0);
		CHECK(id != 0 && id == prog_id(prog_fd[i]),
		      "slot %d holds prog id %u, prog_fd[%d] has id %u", k, id, i, prog_id(prog_fd[i]));
		CHECK_EQ(event_fd[i], 0);
	}

	/* The entry program socket/0 is prog_fd[1]: the whole chain runs. */
	CHECK_RET(test_run(prog_fd[1], &retval), 0, 0);
	CHECK_EQ(retval, 42);
	for (k = 0; k < 5; k++) {
		cnt = -1;
		CHECK_RET(bpf_map_lookup_elem(map_fd[1], &k, &cnt), 0, 0);
		CHECK(cnt == 1, "stage %d ran %ld times", k, cnt);
	}
	/* Entering at socket/2 (prog_fd[0]) runs stages 2, 3 and 4 only. */
	CHECK_RET(test_run(prog_fd[0], &retval), 0, 0);
	CHECK_EQ(retval, 42);
	for (k = 0; k < 5; k++) {
		cnt = -1;
		bpf_map_lookup_elem(map_fd[1], &k, &cnt);
		CHECK(cnt == (k >= 2 ? 2 : 1), "stage %d ran %ld times", k, cnt);
	}
	/* An empty slot ends the chain: without slot 4, socket/3 returns 3. */
	k = 4;
	CHECK_RET(bpf_map_delete_elem(prog_array_fd, &k), 0, 0);
	CHECK_RET(test_run(prog_fd[1], &retval), 0, 0);
	CHECK_EQ(retval, 3);

	lg_cleanup();
	return h_done("legacy_tail");
}
