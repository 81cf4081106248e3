/* A plain libbpf client that defines bpf_load's names for its own use, as
 * selftests' test_sockmap.c does (`int map_fd[9]; int prog_fd[9];`): it must
 * link against libbpfrs (shared and static: the library's legacy symbols are
 * weak) and the library must never touch these arrays outside load_bpf_file. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "harness.h"

int map_fd[9];
int prog_fd[9];
int prog_cnt = 12345;

int main(void)
{
	int i, fd, ok = 1;
	__u32 k = 0;
	long v = 7, out = 0;

	require_root();
	for (i = 0; i < 9; i++)
		map_fd[i] = prog_fd[i] = 1000 + i;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lg_ipose", 4, sizeof(long), 1, NULL);
	CHECK(fd > 2, "bpf_map_create: %d (%s)", fd, strerror(errno));
	CHECK_RET(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0, 0);
	CHECK_RET(bpf_map_lookup_elem(fd, &k, &out), 0, 0);
	CHECK_EQ(out, 7);
	close(fd);
	for (i = 0; i < 9; i++)
		ok &= map_fd[i] == 1000 + i && prog_fd[i] == 1000 + i;
	CHECK(ok, "the client's own map_fd/prog_fd untouched");
	CHECK_EQ(prog_cnt, 12345);
	return h_done("legacy_interpose");
}
