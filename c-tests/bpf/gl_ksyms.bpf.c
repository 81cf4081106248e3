/* For the light-skeleton loader tests of .ksyms externs and kfunc calls
 * (c-tests/object/gen_loader.c, c-tests/oracle/gen_loader.c): the loader finds
 * them at run time. Three syscall programs (run by BPF_PROG_TEST_RUN):
 * - ks_main: a typeless symbol (__start_BTF, its address), a weak typed and a
 *   weak typeless symbol no kernel has (both read as 0), kfunc calls
 *   (bpf_task_from_pid, bpf_task_release: the task's tgid is read), a weak
 *   kfunc no kernel has (called only when present); a subprogram uses the same
 *   symbol and kfuncs again (the loader resolves each name once per program);
 * - ks_other: the same kfuncs and symbol in a second program (the loader's
 *   per-program tables start over);
 * - ks_typed: typed per-CPU variables (runqueues through bpf_per_cpu_ptr and
 *   bpf_this_cpu_ptr with a local, partial struct rq; bpf_prog_active). Their
 *   BTF ids are found at run time, but the verifier also needs their address in
 *   kallsyms, which a kernel without CONFIG_KALLSYMS_ALL lacks: there the
 *   program load fails with ENOENT.
 * Each writes what it saw into ks (.bss). -DGL_KS_STRONG_KFUNC makes ks_other call
 * a strong kfunc no kernel has (the loader fails when it looks it up);
 * -DGL_KS_STRONG_SYM makes it read a strong typeless symbol no kernel has (the
 * loader is not generated: /proc/kallsyms lacks it). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct rq {
	int cpu;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

extern const struct rq runqueues __ksym;
extern const int bpf_prog_active __ksym;
extern const void __start_BTF __ksym;
extern const void libbpfrs_gl_no_sym __ksym __weak;
extern const int libbpfrs_gl_no_var __ksym __weak;

extern struct task_struct *bpf_task_from_pid(int pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void libbpfrs_gl_no_kfunc(void) __ksym __weak;
#ifdef GL_KS_STRONG_KFUNC
extern void libbpfrs_gl_strong_kfunc(void) __ksym;
#endif
#ifdef GL_KS_STRONG_SYM
extern const void libbpfrs_gl_strong_sym __ksym;
#endif

/* Mirrored by struct gl_ks_out in gl_run.h. */
struct {
	__u64 start_btf, no_sym, no_var, tgid, no_kfunc;
	__u64 sub_start_btf, sub_tgid;
	__u64 other_start_btf, other_tgid;
	__u64 rq1_cpu, rq0_cpu, this_cpu_ok, active;
} ks;

static __attribute__((noinline)) int sub(int pid)
{
	struct task_struct *t;

	ks.sub_start_btf = (__u64)&__start_BTF;
	t = bpf_task_from_pid(pid);
	if (!t)
		return 0;
	ks.sub_tgid = t->tgid;
	bpf_task_release(t);
	return 1;
}

SEC("syscall")
int ks_main(void *ctx)
{
	int pid = (int)(bpf_get_current_pid_tgid() >> 32);
	struct task_struct *t;

	ks.start_btf = (__u64)&__start_BTF;
	ks.no_sym = (__u64)&libbpfrs_gl_no_sym;
	ks.no_var = (__u64)&libbpfrs_gl_no_var;
	t = bpf_task_from_pid(pid);
	if (t) {
		ks.tgid = t->tgid;
		bpf_task_release(t);
	}
	if (&libbpfrs_gl_no_kfunc) {
		libbpfrs_gl_no_kfunc();
		ks.no_kfunc = 1;
	} else {
		ks.no_kfunc = 2;
	}
	return sub(pid);
}

SEC("syscall")
int ks_other(void *ctx)
{
	int pid = (int)(bpf_get_current_pid_tgid() >> 32);
	struct task_struct *t;

	ks.other_start_btf = (__u64)&__start_BTF;
#ifdef GL_KS_STRONG_KFUNC
	libbpfrs_gl_strong_kfunc();
#endif
#ifdef GL_KS_STRONG_SYM
	ks.other_start_btf = (__u64)&libbpfrs_gl_strong_sym;
#endif
	t = bpf_task_from_pid(pid);
	if (!t)
		return 0;
	ks.other_tgid = t->tgid;
	bpf_task_release(t);
	return 0;
}

static __attribute__((noinline)) int rq0(void)
{
	const struct rq *r = bpf_per_cpu_ptr(&runqueues, 0);

	ks.rq0_cpu = r ? BPF_CORE_READ(r, cpu) + 100 : 1;
	return 0;
}

SEC("syscall")
int ks_typed(void *ctx)
{
	const struct rq *r = bpf_per_cpu_ptr(&runqueues, 1);
	const struct rq *me = bpf_this_cpu_ptr(&runqueues);
	const int *active = bpf_this_cpu_ptr(&bpf_prog_active);

	ks.rq1_cpu = r ? BPF_CORE_READ(r, cpu) + 100 : 1;
	ks.this_cpu_ok = me->cpu == (int)bpf_get_smp_processor_id() ? 1 : 2;
	ks.active = *active + 100;
	return rq0();
}

char LICENSE[] SEC("license") = "GPL";
