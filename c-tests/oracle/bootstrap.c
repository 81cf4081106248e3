/* The libbpf-bootstrap style scenarios of c-tests/bootstrap/ (bootstrap,
 * uprobe, tc, task iterator, usdt, ksyscall, fentry; include/bootstrap*.h) run
 * on one library, each printing what it observed: return values and errno
 * names, event counts and fields as relations. Built on the system libbpf and
 * on libbpfrs, the two outputs must be identical, refusals of this kernel
 * (tracing loads, kprobes) included. */
#define _GNU_SOURCE
#include "oracle.h"
#include "bootstrap_kern.h"
#include "bootstrap_usdt.h"

int main(void)
{
	struct bs_boot_result boot;
	struct bs_uprobe_result up;
	struct bs_usdt_result usdt;
	struct bs_iter_result iter;
	struct bs_ksys_result ksys;
	struct bs_fentry_result fentry;
	struct bs_tc_result tc;

	o_require_root();
	bs_run_bootstrap(&boot);
	bs_run_uprobe(&up);
	bs_run_usdt(&usdt);
	bs_run_iter(&iter);
	bs_run_ksyscall(&ksys);
	bs_run_fentry(&fentry);
	/* Last: it moves the process into its own network namespace. */
	bs_run_tc(&tc);
	return o_self_failed ? 1 : 0;
}
