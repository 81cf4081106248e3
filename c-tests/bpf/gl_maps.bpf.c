/* For the light-skeleton loader tests (c-tests/object/gen_loader.c,
 * c-tests/oracle/gen_loader.c) of maps libbpf's generate mode treats apart: a
 * map pinned by name (gl_pinned) and a map-in-map whose inner map the caller
 * may give as an fd (gl_outer), with a syscall program using both. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} gl_pinned SEC(".maps");

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} gl_outer SEC(".maps");

SEC("syscall")
int gl_use(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&gl_pinned, &k);
	void *in = bpf_map_lookup_elem(&gl_outer, &k);

	if (v)
		*v += 1;
	return in ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
