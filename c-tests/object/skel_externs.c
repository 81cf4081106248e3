/* A bpftool skeleton of an object with externs (c-tests/bpf/skel_externs.bpf.c):
 * skel->kconfig stays NULL after open (externs are not for user code to set, as
 * in libbpf) and points at the loaded, read-only .kconfig map after load, with
 * LINUX_KERNEL_VERSION, CONFIG_BPF_SYSCALL as a tristate (TRI_YES) and a weak
 * missing option (0); the program sees the same values and the typeless
 * __start_BTF at the address /proc/kallsyms gives. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "harness.h"
#include "kallsyms.h"
#include "skel_externs.skel.h"

int main(void)
{
	LIBBPF_OPTS(bpf_test_run_opts, t);
	struct skel_externs *skel;
	int fds;

	require_root();
	fds = h_count_fds();
	skel = skel_externs__open();
	CHECK(skel != NULL, "open: errno %d", errno);
	if (!skel)
		return h_done("skel_externs");
	CHECK(skel->kconfig == NULL, "no kconfig pointer before load");
	CHECK(skel->bss != NULL, "bss pointer at open");
	CHECK_EQ(skel_externs__load(skel), 0);
	CHECK(skel->kconfig != NULL, "kconfig pointer after load");
	if (skel->kconfig) {
		CHECK(skel->kconfig->LINUX_KERNEL_VERSION > 0x050000, "%#x",
		      skel->kconfig->LINUX_KERNEL_VERSION);
		CHECK_EQ(skel->kconfig->CONFIG_BPF_SYSCALL, TRI_YES);
		CHECK_EQ(skel->kconfig->CONFIG_LIBBPFRS_SKEL_NO_SUCH, 0);
	}
	CHECK_EQ(bpf_map__map_flags(skel->maps.kconfig), BPF_F_RDONLY_PROG | BPF_F_MMAPABLE);
	CHECK_EQ(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.skel_externs), &t), 0);
	if (skel->kconfig)
		CHECK_EQ(skel->bss->kernel_version, skel->kconfig->LINUX_KERNEL_VERSION);
	CHECK_EQ(skel->bss->bpf_syscall, TRI_YES);
	CHECK_EQ(skel->bss->no_such, 0);
	CHECK_EQ(skel->bss->start_btf, kallsyms_addr("__start_BTF"));
	skel_externs__destroy(skel);
	CHECK_EQ(h_count_fds(), fds);
	return h_done("skel_externs");
}
