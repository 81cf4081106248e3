/* Programs in sections only custom SEC() handlers know, for
 * c-tests/oracle/prog_handler.c: "mycustom/foo" (a prefix handler) and
 * "ph_unknown" (the fallback handler), next to a built-in "socket". */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("mycustom/foo")
int ph_custom(struct __sk_buff *skb)
{
	return 0;
}

SEC("ph_unknown")
int ph_fallback(struct __sk_buff *skb)
{
	return 1;
}

SEC("socket")
int ph_builtin(struct __sk_buff *skb)
{
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
