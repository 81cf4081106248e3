/* BTF-defined maps of the common types for c-tests/object/obj_btf_maps.c and
 * oracle/objects.c: hash, array, percpu array, LRU hash, ringbuf, a prog array
 * filled from a .maps initialiser, and array-of-maps / hash-of-maps filled with
 * __array(values, ...) initialisers. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} ot_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} ot_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} ot_pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32);
	__uint(key_size, 8);
	__uint(value_size, 16);
	__uint(map_flags, 0);
} ot_lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ot_rb SEC(".maps");

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ot_inner1 SEC(".maps"), ot_inner2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, struct inner_map);
} ot_aom SEC(".maps") = {
	.values = { &ot_inner1, [2] = &ot_inner2 },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_map);
} ot_hom SEC(".maps") = {
	.values = { [1] = &ot_inner2 },
};

int ot_tail(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} ot_jmp SEC(".maps") = {
	.values = { [3] = (void *)&ot_tail },
};

SEC("socket")
int ot_tail(struct __sk_buff *skb)
{
	__u32 key = 0, v = 42;
	__u32 *inner;
	void *m = bpf_map_lookup_elem(&ot_aom, &key);

	if (m) {
		inner = bpf_map_lookup_elem(m, &key);
		if (inner)
			*inner = v;
	}
	return 7;
}

SEC("socket")
int ot_main(struct __sk_buff *skb)
{
	__u32 key = 1, v = skb->len;
	__u64 one = 1, *p;
	char lkey[8] = { 1 }, lval[16] = { 2 };
	__u32 *r;

	bpf_map_update_elem(&ot_hash, &key, &one, BPF_ANY);
	bpf_map_update_elem(&ot_array, &key, &v, BPF_ANY);
	p = bpf_map_lookup_elem(&ot_pcpu, &key);
	if (p)
		*p += 1;
	bpf_map_update_elem(&ot_lru, lkey, lval, BPF_ANY);
	r = bpf_ringbuf_reserve(&ot_rb, sizeof(*r), 0);
	if (r) {
		*r = v;
		bpf_ringbuf_submit(r, 0);
	}
	bpf_tail_call(skb, &ot_jmp, 3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
