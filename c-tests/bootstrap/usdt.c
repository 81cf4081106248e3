/* libbpf-bootstrap's usdt on libbpfrs (bpf/bs_usdt.bpf.c): BPF_USDT on probes of
 * this binary (built PIE or not by the harness variant), auto-attached from
 * SEC("usdt//proc/self/exe:bs_prov:bs_auto") and attached by
 * bpf_program__attach_usdt with a cookie, and on a probe of a shared library
 * built and dlopen()ed here, for all processes and for this one: the arguments,
 * argument count and cookie must be the call's, and a detached probe silent. */
#define _GNU_SOURCE
#include "harness.h"
#include "bootstrap_usdt.h"

int main(void)
{
	struct bs_usdt_result r;

	require_root();
	CHECK_EQ(bs_run_usdt(&r), 0);
	printf("test binary is %s\n", r.exe_is_dyn ? "PIE (ET_DYN)" : "ET_EXEC");
	CHECK_EQ(r.load, 0);
	CHECK_EQ(r.auto_attach, 0);
	CHECK_EQ(r.auto_hits, 2);
	CHECK_EQ(r.auto_x, 18);
	CHECK_EQ(r.manual_attach, 0);
	CHECK_EQ(r.manual_hits, 1);
	CHECK_EQ(r.manual_a, 3);
	CHECK_EQ(r.manual_b, -4);
	CHECK_EQ(r.manual_cnt, 2);
	CHECK_EQ(r.manual_cookie, BS_MANUAL_COOKIE);
	CHECK_EQ(r.lib_build, 0);
	CHECK_EQ(r.lib_attach_all, 0);
	CHECK_EQ(r.lib_attach_self, 0);
	CHECK_EQ(r.lib_hits_all, 1);
	CHECK_EQ(r.lib_hits_self, 1);
	CHECK_EQ(r.lib_hits_after, 0);
	CHECK_EQ(r.lib_a, 7);
	CHECK_EQ(r.lib_b, 8);
	CHECK_EQ(r.lib_cnt, 2);
	CHECK_EQ(r.lib_cookie, BS_LIB_COOKIE);
	return h_done("bootstrap/usdt");
}
