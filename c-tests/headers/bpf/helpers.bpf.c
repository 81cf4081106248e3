/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bpf_helpers.h and bpf_endian.h over the UAPI headers (no vmlinux.h): map
 * definitions, attributes, externs, printk, tail calls, byte order. Built by
 * c-tests/run against libbpfrs's include/ and against libbpf-dev's headers;
 * HDR_LIBBPFRS marks what libbpf 1.1 does not have. */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { &inner_a, &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u64);
} pinned SEC(".maps");

int tail_target(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jumps SEC(".maps") = {
	.values = { [0] = (void *)&tail_target },
};

#ifdef HDR_LIBBPFRS
struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__type(value, __u32);
	__ulong(map_extra, 3);
} bloom SEC(".maps");
#endif

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;

struct holder {
	int n;
	__u64 tail;
};

const volatile __u32 limit = 8;
__u64 total;
char text[32];

static __always_inline __u32 twice(__u32 v)
{
	return v * 2;
}

__noinline int sub(int v)
{
	return v + 1;
}

__weak __hidden int hidden_sub(int v)
{
	return v - 1;
}

SEC("socket")
int tail_target(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("socket")
int everything(struct __sk_buff *skb)
{
	struct holder h = { .n = 1 };
	__u64 *tailp = &h.tail;
	struct holder *back = container_of(tailp, struct holder, tail);
	__u32 key = 0, proto = skb->protocol;
	__u64 *v;
	int n = 3;

	v = bpf_map_lookup_elem(&pinned, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	barrier();
	barrier_var(n);
	total += back->n + offsetof(struct holder, tail) + twice(limit) + sub(n) + hidden_sub(n);
	if (LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 10, 300))
		total += CONFIG_HZ + CONFIG_BPF_JIT;

	switch (proto) {
	case bpf_htons(0x0800):
		total += bpf_ntohs(proto);
		break;
	case __bpf_constant_htons(0x86dd):
		total += 6;
		break;
	}
	total += bpf_htonl(skb->mark) + bpf_ntohl(skb->hash) + bpf_cpu_to_be64(total) +
		 bpf_be64_to_cpu(total) + __bpf_constant_ntohl(0x01020304);

	bpf_printk("no arguments");
	bpf_printk("one %d", n);
	bpf_printk("three %d %d %d", n, n, n);
	bpf_printk("five %d %d %d %d %p", n, n, n, n, skb);
	___bpf_pick_printk(n, n)("picked %d %d", n, n);
	BPF_SNPRINTF(text, sizeof(text), "%d:%d", n, proto);
	BPF_SNPRINTF(text, sizeof(text), "constant");
	bpf_tail_call_static(skb, &jumps, 0);
	return 0;
}
