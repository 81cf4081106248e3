/* Static linker tests: the typeless .ksyms extern lk_a declares, declared
 * again. libbpf 1.1.2 refuses the pair (it asks the size of `const void` when
 * the second declaration is merged: EINVAL). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const void _stext __ksym;

SEC("tc")
int lk_prog_ksym(struct __sk_buff *skb)
{
	__u64 fops = (__u64)&_stext;

	asm volatile("" : "+r"(fops));
	return fops != 0;
}

char LICENSE[] SEC("license") = "GPL";
