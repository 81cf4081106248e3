/* The `res` array the CO-RE test programs (core_relo.bpf.c, core_custom.bpf.c)
 * store their results in, one u64 per slot, and `put` to store one. Include
 * after the BPF headers; define CORE_RES_SLOTS first. */
#ifndef LIBBPFRS_CORE_RES_H
#define LIBBPFRS_CORE_RES_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CORE_RES_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} res SEC(".maps");

static __always_inline void put(__u32 slot, __u64 v)
{
	bpf_map_update_elem(&res, &slot, &v, BPF_ANY);
}

#endif
