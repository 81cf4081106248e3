/* Static linker tests: declares lk_b's `int lk_bonus` as a long (an extern type
 * mismatch). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern long lk_bonus;

SEC("tc")
int lk_prog_badvar(struct __sk_buff *skb)
{
	return (int)lk_bonus;
}

char LICENSE[] SEC("license") = "GPL";
