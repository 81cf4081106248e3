/* A bpftool-generated skeleton (c-tests/bpf/skel_core.bpf.c) whose program has
 * CO-RE relocations: open_and_load relocates them against the running kernel
 * (its task_struct, its pid_type), the program run by BPF_PROG_TEST_RUN finds
 * this process's pid and tgid and that a field no kernel has does not exist;
 * destroy leaves no fd open. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "harness.h"
#include "skel_core.skel.h"

int main(void)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	struct skel_core *skel;
	int fds;

	require_root();
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		h_skip("no /sys/kernel/btf/vmlinux");
	fds = h_count_fds();
	skel = skel_core__open_and_load();
	CHECK(skel != NULL, "open_and_load: errno %d", errno);
	if (!skel)
		return h_done("skel_core");
	CHECK_EQ(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.read_task), &topts), 0);
	CHECK_EQ(skel->bss->seen_tgid, (__u64)getpid());
	CHECK_EQ(skel->bss->seen_pid, (__u64)getpid());
	CHECK_EQ(skel->data->missing_exists, 0);
	/* PIDTYPE_MAX is 1 here; the kernel's is larger (4 in 6.18). */
	CHECK(skel->bss->pidtype_max > 1, "PIDTYPE_MAX %llu", (unsigned long long)skel->bss->pidtype_max);
	skel_core__destroy(skel);
	CHECK_EQ(h_count_fds(), fds);
	return h_done("skel_core");
}
