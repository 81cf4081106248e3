/* libbpf-bootstrap's ksyscall on libbpfrs (bpf/bs_ksyscall.bpf.c):
 * SEC("ksyscall/unlinkat") with BPF_KSYSCALL and SEC("kretsyscall/unlinkat").
 * The object must open and load (the kprobe programs, the .kconfig value
 * LINUX_HAS_SYSCALL_WRAPPER); with kprobes (the kprobe PMU) the wrapper value
 * must say whether kallsyms has __<arch>_sys_* wrappers and the probes must see
 * this process's unlinkat. Without kprobes the attach must fail, and the
 * wrapper value is 0: libbpf 1.1.2 decides it by creating a kprobe on
 * __<arch>_sys_bpf, not from kallsyms (oracle/bootstrap compares the two). */
#define _GNU_SOURCE
#include "harness.h"
#include "bootstrap_kern.h"
#include "kallsyms.h"

int main(void)
{
	struct bs_ksys_result r;
	int wrapper;

	require_root();
	CHECK_EQ(bs_run_ksyscall(&r), 0);
	CHECK_EQ(r.load, 0);
#if defined(__x86_64__)
	wrapper = kallsyms_addr("__x64_sys_unlinkat") != 0;
#elif defined(__aarch64__)
	wrapper = kallsyms_addr("__arm64_sys_unlinkat") != 0;
#else
	wrapper = r.kconfig_wrapper;
#endif
	CHECK_EQ(r.unlinked, 0);
	if (!bs_have_kprobe_pmu()) {
		printf("no kprobe PMU: the attach must fail\n");
		CHECK_EQ(r.kconfig_wrapper, 0);
		/* The function chosen by the same answer: no wrapper, __se_sys_. */
		CHECK(!strcmp(r.kprobe_func, "__se_sys_unlinkat"), "kprobe on '%s'", r.kprobe_func);
		CHECK(r.attach < 0, "attach = %d", r.attach);
		CHECK_EQ(r.hits, 0);
		return h_done("bootstrap/ksyscall");
	}
	CHECK_EQ(r.kconfig_wrapper, wrapper);
	CHECK_EQ(r.attach, 0);
	CHECK_EQ(r.hits, 1);
	CHECK_EQ(r.ret_hits, 1);
	CHECK(r.path_seen, "the unlinked path was not read from the arguments");
	CHECK_EQ(r.seen_wrapper, wrapper);
	return h_done("bootstrap/ksyscall");
}
