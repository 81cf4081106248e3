/* The return convention is chosen by the program (src/capi/errno.rs), one program
 * per generation. This one pins libbpf 1.x's: it calls
 * libbpf_set_strict_mode(LIBBPF_STRICT_ALL) first, so its later 0.x-only calls
 * (bpf_create_map, bpf_load_program) switch nothing: kernel refusals stay -errno,
 * no switch message is printed, and the explicit strict mode does refuse legacy
 * SEC("maps") objects, as libbpf 1.x does. No environment variable. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "harness.h"
#include "log_capture.h"
#include "bpfobj.h"
#include "insns.h"

int main(void)
{
	struct bpf_insn bad[] = { MOV64_IMM(0, 0) }; /* no exit: the verifier refuses */
	char path[PATH_MAX], log[4096];
	__u32 k = 1, missing = 99, next;
	__u64 v = 7;
	int fd, r;

	unsetenv("LIBBPFRS_STRICT"); /* none is set by the runner; nor may the caller's */
	require_root();
	libbpf_set_print(capture);
	CHECK_EQ(libbpf_set_strict_mode(LIBBPF_STRICT_ALL), 0);

	fd = bpf_create_map(BPF_MAP_TYPE_HASH, 4, 8, 1, 0);
	CHECK(fd > 2, "bpf_create_map: %d errno %d", fd, errno);
	CHECK_RET(bpf_map_lookup_elem(fd, &missing, &v), -ENOENT, ENOENT);
	CHECK_EQ(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0);
	CHECK_RET(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), -EEXIST, EEXIST);
	CHECK_RET(bpf_map_update_elem(fd, &missing, &v, BPF_ANY), -E2BIG, E2BIG);
	CHECK_RET(bpf_map_get_next_key(fd, &k, &next), -ENOENT, ENOENT);
	CHECK_RET(bpf_create_map(BPF_MAP_TYPE_ARRAY, 0, 4, 1, 0), -EINVAL, EINVAL);
	CHECK_RET(bpf_load_program(BPF_PROG_TYPE_SOCKET_FILTER, bad, 1, "GPL", 0, log, sizeof(log)),
		  -EINVAL, EINVAL);
	CHECK_RET(bpf_map_lookup_elem(fd, &missing, &v), -ENOENT, ENOENT);
	CHECK(!strstr(msgs, "0.x API"), "no switch to 0.x returns:\n%s", msgs);
	close(fd);

	/* The explicit strict mode carries 1.x's other strict behaviours. */
	r = bpfobj_build("obj_legacy", "rc_pinned.o", "-DDEF_SIZE=20", path, sizeof(path));
	if (r == 77) {
		h_missing("clang for the legacy SEC(\"maps\") object");
	} else {
		CHECK_EQ(r, 0);
		if (!r)
			CHECK_RET(bpf_object__open_file(path, NULL), NULL, EOPNOTSUPP);
		bpfobj_clean("obj_legacy", "rc_pinned.o");
	}

	libbpf_set_print(NULL);
	return h_done("ret_convention_pinned");
}
