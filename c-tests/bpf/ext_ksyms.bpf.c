/* .ksyms externs for c-tests/object/obj_externs.c and c-tests/oracle/externs.c:
 * typeless kernel symbols (addresses from /proc/kallsyms), a weak typeless and a
 * weak typed one no kernel has (both read as 0), kfunc calls (bpf_task_from_pid
 * and bpf_task_release, callable from syscall programs) and a weak kfunc no
 * kernel has, called only when present. The syscall program writes what it saw
 * into ext_ks (.bss). -DEXT_TYPED_VAR adds a typed per-CPU variable read through
 * bpf_per_cpu_ptr; -DEXT_STRONG_KSYM a strong typeless symbol and
 * -DEXT_STRONG_KFUNC a strong kfunc no kernel has. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const void __start_BTF __ksym;
extern const void __stop_BTF __ksym;
extern const void libbpfrs_no_such_symbol __ksym __weak;
extern const int libbpfrs_no_such_var __ksym __weak;

/* Only its kind matters to the kfunc's type check; no field is read. */
struct task_struct {
	int pid;
};
extern struct task_struct *bpf_task_from_pid(int pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void libbpfrs_no_such_kfunc(void) __ksym __weak;
#ifdef EXT_TYPED_VAR
extern const int cpu_number __ksym;
#endif
#ifdef EXT_STRONG_KSYM
extern const void libbpfrs_strong_symbol __ksym;
#endif
#ifdef EXT_STRONG_KFUNC
extern void libbpfrs_strong_kfunc(void) __ksym;
#endif

/* Mirrored by struct ks_out in the tests. */
struct {
	__u64 start_btf, stop_btf, no_symbol, no_var, task_found, no_kfunc, cpu0;
} ext_ks;

SEC("syscall")
int ext_ksyms(void *ctx)
{
	struct task_struct *t;

	ext_ks.start_btf = (__u64)&__start_BTF;
	ext_ks.stop_btf = (__u64)&__stop_BTF;
	ext_ks.no_symbol = (__u64)&libbpfrs_no_such_symbol;
	ext_ks.no_var = (__u64)&libbpfrs_no_such_var;
	t = bpf_task_from_pid((__u32)bpf_get_current_pid_tgid());
	if (t) {
		ext_ks.task_found = 1;
		bpf_task_release(t);
	}
	if (&libbpfrs_no_such_kfunc) {
		libbpfrs_no_such_kfunc();
		ext_ks.no_kfunc = 1;
	} else {
		ext_ks.no_kfunc = 2;
	}
#ifdef EXT_TYPED_VAR
	const int *c = bpf_per_cpu_ptr(&cpu_number, 0);

	ext_ks.cpu0 = c ? *c + 100 : 1;
#endif
#ifdef EXT_STRONG_KSYM
	ext_ks.cpu0 = (__u64)&libbpfrs_strong_symbol;
#endif
#ifdef EXT_STRONG_KFUNC
	libbpfrs_strong_kfunc();
#endif
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
