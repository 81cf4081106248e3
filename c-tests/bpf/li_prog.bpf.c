/* c-tests/object/prog_linfo.c and oracle/prog_linfo.c: a socket filter with two static
 * (non-inlined) subprograms and a global one, so -g gives line info spread over
 * several functions; plus a hash-of-maps with an inline inner-map template and an
 * array-of-maps whose template is also an initialiser target, for bpf_map__inner_map. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct li_inner_t {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} li_in1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 5);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__uint(max_entries, 7);
		__type(key, __u32);
		__type(value, __u16);
		__uint(map_flags, BPF_F_NO_PREALLOC);
	});
} li_hom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct li_inner_t);
} li_aom SEC(".maps") = {
	.values = { [1] = &li_in1 },
};

static __attribute__((noinline)) int li_sub1(int x)
{
	if (x > 10)
		return x * 3;
	return x + 7;
}

static __attribute__((noinline)) int li_sub2(struct __sk_buff *skb, int y)
{
	int r = skb->len;

	r += li_sub1(y);
	if (r & 1)
		r ^= 0x55;
	return r;
}

__attribute__((noinline)) int li_glob(int z)
{
	return z * 5 + 1;
}

SEC("socket")
int li_main(struct __sk_buff *skb)
{
	__u32 k = 0;
	int v = li_sub2(skb, skb->protocol);

	if (bpf_map_lookup_elem(&li_aom, &k))
		v++;
	v += li_sub1(v);
	v += li_glob(v);
	return v & 1;
}

char _license[] SEC("license") = "GPL";
