/* .kconfig externs for c-tests/object/obj_externs.c and c-tests/oracle/externs.c:
 * libbpf's virtual LINUX_* values, CONFIG_* options of every kconfig type (bool,
 * tristate, char, integers of 1, 2, 4 and 8 bytes, a char array) and weak ones no
 * kernel has. The syscall program copies them into ext_kc (.bss) for the test to
 * read. -DEXT_STRONG_MISSING adds a strong CONFIG_ no kernel has (the load must
 * fail naming it); -DEXT_BAD_VIRTUAL a strong LINUX_ libbpf does not know. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int LINUX_KERNEL_VERSION __kconfig;
extern _Bool LINUX_HAS_BPF_COOKIE __kconfig;
extern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;
extern int LINUX_LIBBPFRS_NO_SUCH __kconfig __weak;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;
extern enum libbpf_tristate CONFIG_BPF_LIBBPFRS_TRISTATE __kconfig __weak;
extern char CONFIG_SMP __kconfig __weak;
extern int CONFIG_HZ __kconfig __weak;
extern unsigned short CONFIG_NR_CPUS __kconfig __weak;
extern unsigned long long CONFIG_NR_CPUS_DEFAULT __kconfig __weak;
extern unsigned char CONFIG_LOG_BUF_SHIFT __kconfig __weak;
extern char CONFIG_LOCALVERSION[32] __kconfig __weak;
extern int CONFIG_LIBBPFRS_NO_SUCH_OPTION __kconfig __weak;
#ifdef EXT_STRONG_MISSING
extern int CONFIG_LIBBPFRS_STRONG_MISSING __kconfig;
#endif
#ifdef EXT_BAD_VIRTUAL
extern int LINUX_LIBBPFRS_UNKNOWN __kconfig;
#endif

/* Mirrored by struct kc_out in the tests. */
struct {
	__u64 kernel_version, has_cookie, has_wrapper, no_such_virtual;
	__u64 bpf_syscall, bpf_jit, tristate_missing, smp, hz, nr_cpus, nr_cpus_default;
	__u64 log_buf_shift, no_such, strong;
	char localversion[32];
} ext_kc;

SEC("syscall")
int ext_kconfig(void *ctx)
{
	ext_kc.kernel_version = LINUX_KERNEL_VERSION;
	ext_kc.has_cookie = LINUX_HAS_BPF_COOKIE;
	ext_kc.has_wrapper = LINUX_HAS_SYSCALL_WRAPPER;
	ext_kc.no_such_virtual = LINUX_LIBBPFRS_NO_SUCH;
	ext_kc.bpf_syscall = CONFIG_BPF_SYSCALL;
	ext_kc.bpf_jit = CONFIG_BPF_JIT;
	ext_kc.tristate_missing = CONFIG_BPF_LIBBPFRS_TRISTATE;
	ext_kc.smp = CONFIG_SMP;
	ext_kc.hz = CONFIG_HZ;
	ext_kc.nr_cpus = CONFIG_NR_CPUS;
	ext_kc.nr_cpus_default = CONFIG_NR_CPUS_DEFAULT;
	ext_kc.log_buf_shift = CONFIG_LOG_BUF_SHIFT;
	ext_kc.no_such = CONFIG_LIBBPFRS_NO_SUCH_OPTION;
#ifdef EXT_STRONG_MISSING
	ext_kc.strong = CONFIG_LIBBPFRS_STRONG_MISSING;
#endif
#ifdef EXT_BAD_VIRTUAL
	ext_kc.strong = LINUX_LIBBPFRS_UNKNOWN;
#endif
	__builtin_memcpy(ext_kc.localversion, CONFIG_LOCALVERSION, sizeof(ext_kc.localversion));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
