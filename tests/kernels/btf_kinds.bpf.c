/* FLOAT, TYPE_TAG and DECL_TAG in a map value's BTF, a global subprogram, and
 * an enum tests/kernels.sh turns into an ENUM64 (clang 14 emits none). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum wide3 { W1 = 1, W2 = 2, W3 = 3 };

struct val {
	float f;
	int __attribute__((btf_type_tag("user"))) *p;
	int t __attribute__((btf_decl_tag("member")));
	enum wide3 w;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct val);
} vals SEC(".maps");

__attribute__((noinline)) int bump(int x)
{
	return x + 1;
}

SEC("socket")
int kinds(void *ctx)
{
	__u32 k = 0;
	struct val *v = bpf_map_lookup_elem(&vals, &k);

	if (v)
		v->t = bump(v->t);
	return 0;
}

char _license[] SEC("license") = "GPL";
