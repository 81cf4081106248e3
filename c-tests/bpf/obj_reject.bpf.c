/* For c-tests/object/obj_verifier.c: one program the verifier accepts and one it
 * rejects (a socket filter may not read skb->data directly), plus a map, so a
 * failed load must close the map and the accepted program's fd again. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ot_rej_map SEC(".maps");

SEC("socket")
int ot_good(struct __sk_buff *skb)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&ot_rej_map, &k) != 0;
}

SEC("socket")
int ot_bad_prog(struct __sk_buff *skb)
{
	int *p = (int *)(long)skb->data;

	return *p;
}

char LICENSE[] SEC("license") = "GPL";
