/* .kconfig and .ksyms externs behind a bpftool skeleton, for
 * c-tests/object/skel_externs.c: the skeleton's kconfig pointer (set by the load
 * only), CONFIG_BPF_SYSCALL as a tristate, and a syscall program copying the
 * externs into .bss. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int LINUX_KERNEL_VERSION __kconfig;
extern enum libbpf_tristate CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_LIBBPFRS_SKEL_NO_SUCH __kconfig __weak;
extern const void __start_BTF __ksym;

__u64 kernel_version, bpf_syscall, no_such, start_btf;

SEC("syscall")
int skel_externs(void *ctx)
{
	kernel_version = LINUX_KERNEL_VERSION;
	bpf_syscall = CONFIG_BPF_SYSCALL;
	no_such = CONFIG_LIBBPFRS_SKEL_NO_SUCH;
	start_btf = (__u64)&__start_BTF;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
