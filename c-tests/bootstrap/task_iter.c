/* libbpf-bootstrap's task iterator on libbpfrs (bpf/bs_iter.bpf.c):
 * SEC("iter/task") printing "pid comm" per task through BPF_SEQ_PRINTF, read
 * from bpf_iter_create's fd, where this process must be listed. A kernel that
 * refuses tracing programs (EPERM from bpf(2) itself, before any target is
 * looked at) refuses the load: then the load must fail with that EPERM, as it
 * does on the system libbpf (oracle/bootstrap compares the two). */
#define _GNU_SOURCE
#include "harness.h"
#include "bootstrap_kern.h"
#include "target_bpf.h"

int main(void)
{
	struct bs_iter_result r;

	require_root();
	bs_run_iter(&r);
	CHECK_EQ(r.open, 0);
	if (tg_kernel_refuses(BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER)) {
		printf("the kernel refuses tracing programs (EPERM): the load must fail so\n");
		CHECK_EQ(r.load, -EPERM);
		return h_done("bootstrap/task_iter");
	}
	CHECK_EQ(r.load, 0);
	CHECK_EQ(r.attach, 0);
	CHECK_EQ(r.create, 0);
	CHECK(r.lines > 1, "%d lines", r.lines);
	CHECK(r.self_listed, "this process is not in the task list");
	return h_done("bootstrap/task_iter");
}
