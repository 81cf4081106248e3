/* The BPF object of c-tests/oracle/obj_api.c and c-tests/object/obj_api_legacy.c: maps
 * of several kinds (a ring buffer whose size needs rounding, a per-CPU array, a
 * map pinned by name), global data in .data/.rodata/.bss, and two programs. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} hmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 5000);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_cnt SEC(".maps");

__u64 seen = 7;
const volatile __u32 limit = 3;
__u32 hits;

SEC("socket")
int sock_prog(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 one = 1, *v;

	hits++;
	seen += limit;
	bpf_map_update_elem(&hmap, &k, &one, BPF_ANY);
	v = bpf_map_lookup_elem(&shared_cnt, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("xdp")
int xdp_prog(struct xdp_md *ctx)
{
	__u32 k = 0, *c = bpf_map_lookup_elem(&pcpu, &k);

	if (c)
		(*c)++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
