/* For c-tests/object/obj_verifier.c: a program with a CO-RE field relocation
 * (__builtin_preserve_access_index) on a struct no kernel has: the instruction
 * is poisoned and, being reachable, rejected by the verifier. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ot_core_t {
	int a;
	int b;
};

SEC("socket")
int ot_core_prog(struct __sk_buff *skb)
{
	struct ot_core_t *t = (void *)(long)skb->cb[0];

	return __builtin_preserve_access_index(&t->b) != 0;
}

char LICENSE[] SEC("license") = "GPL";
