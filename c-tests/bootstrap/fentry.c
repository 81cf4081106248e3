/* libbpf-bootstrap's fentry on libbpfrs (bpf/bs_fentry.bpf.c):
 * SEC("fentry/do_unlinkat") and SEC("fexit/do_unlinkat") with BPF_PROG. They
 * must see this process's unlinkat; a kernel that refuses tracing programs
 * (EPERM from bpf(2) itself) refuses the load, which must then fail with EPERM
 * as on the system libbpf (oracle/bootstrap compares the two). */
#define _GNU_SOURCE
#include "harness.h"
#include "bootstrap_kern.h"
#include "target_bpf.h"

int main(void)
{
	struct bs_fentry_result r;

	require_root();
	bs_run_fentry(&r);
	if (tg_kernel_refuses(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY)) {
		printf("the kernel refuses tracing programs (EPERM): the load must fail so\n");
		CHECK_EQ(r.load, -EPERM);
		return h_done("bootstrap/fentry");
	}
	CHECK_EQ(r.load, 0);
	CHECK_EQ(r.attach, 0);
	CHECK_EQ(r.unlinked, 0);
	CHECK_EQ(r.hits, 1);
	CHECK_EQ(r.ret_hits, 1);
	CHECK_EQ(r.last_ret, 0);
	return h_done("bootstrap/fentry");
}
