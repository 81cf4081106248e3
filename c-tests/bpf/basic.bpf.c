/* A small BPF object for c-tests/object/object_basic.c: a BTF-defined ARRAY counter map,
 * a global variable (.bss) and a static subprogram call from a socket program. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counter SEC(".maps");

__u64 calls;

static __noinline int bump(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&counter, &key);

	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	return 1;
}

SEC("socket")
int count_packets(struct __sk_buff *skb)
{
	calls++;
	return bump(0);
}

char LICENSE[] SEC("license") = "GPL";
