/* Static linker tests, first half of a pair (with lk_b): defines the shared map
 * and the counter, uses lk_b's variable and function by extern, a weak function
 * and a weak variable that lk_b overrides, .kconfig externs that lk_b declares
 * too, a typeless .ksyms extern, a static function named like lk_b's, a CO-RE
 * relocation. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} lk_shared SEC(".maps");

int lk_counter = 0;
__weak int lk_wvar = 5;
const volatile int lk_ro_a = 40;

extern int lk_bonus;
extern int lk_add(int x);
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern const void _stext __ksym;

__weak __noinline int lk_weak_val(void)
{
	return 1;
}

static __noinline int helper(int x)
{
	return x + 1;
}

SEC("tc")
int lk_prog_a(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&lk_shared, &k);
	__u64 fops;
	int r;

	if (v)
		*v += 1;
	lk_counter++;
	r = helper(lk_add(lk_bonus)) + lk_weak_val() + lk_wvar + lk_ro_a;
	if (bpf_core_field_exists(((struct task_struct *)0)->pid))
		r += 100;
	if (LINUX_KERNEL_VERSION > 0)
		r += 1000;
	if (CONFIG_BPF_SYSCALL)
		r += 2000;
	fops = (__u64)&_stext;
	asm volatile("" : "+r"(fops));
	if (fops)
		r += 10000;
	return r;
}

char LICENSE[] SEC("license") = "GPL";
