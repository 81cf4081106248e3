/* Static linker tests, second half of a pair (with lk_a): uses lk_a's map and
 * counter by extern, defines the variable and function lk_a declares, strong
 * definitions overriding lk_a's weak ones, the same .kconfig externs, a
 * static function named like lk_a's, a CO-RE relocation. (A typeless .ksyms
 * extern in both files fails in libbpf 1.1.2: see lk_ksym.) */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

extern struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} lk_shared SEC(".maps");

extern int lk_counter;
int lk_bonus = 3;
int lk_wvar = 7;
const volatile int lk_ro_b = 20;

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig __weak;

__noinline int lk_add(int x)
{
	return x + lk_bonus;
}

__noinline int lk_weak_val(void)
{
	return 2;
}

static __noinline int helper(int x)
{
	return x * 2;
}

SEC("tc")
int lk_prog_b(struct __sk_buff *skb)
{
	__u32 k = 1;
	__u64 *v = bpf_map_lookup_elem(&lk_shared, &k);
	int r;

	if (v)
		*v += 2;
	lk_counter += 10;
	r = helper(lk_bonus) + lk_weak_val() + lk_wvar + lk_ro_b;
	if (bpf_core_field_exists(((struct task_struct *)0)->tgid))
		r += 100;
	if (LINUX_KERNEL_VERSION > 0)
		r += 1000;
	if (CONFIG_BPF_SYSCALL)
		r += 2000;
	return r;
}

char LICENSE[] SEC("license") = "GPL";
