/* Event producers for c-tests/events/ringbuf.c, c-tests/events/perfbuf.c and bench/ringbuf.c.
 *
 * `emit` (raw_tp, driven by BPF_PROG_TEST_RUN) reads its arguments from the
 * test-run context: args[0] = sequence number, args[1] = record size in bytes
 * (16..64), args[2] = mode (0 ringbuf_output, 1 reserve+submit, 2 reserve+
 * discard, 3 perf_event_output). `on_getpid` (raw_tp/sys_enter, attached with
 * bpf_raw_tracepoint_open) emits one record to both buffers for each getpid()
 * of the process whose tgid is cfg[0], numbering them with cnt[0]. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../include/ev_record.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ev_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} ev_pb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} ev_cfg SEC(".maps");

static __always_inline void fill(struct ev *e, __u32 seq, __u32 size)
{
	int i;

	e->seq = seq;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->size = size;
	e->magic = EV_MAGIC;
	for (i = 0; i < 48; i++)
		e->fill[i] = (__u8)(seq + i);
}

SEC("raw_tp/sys_enter")
int emit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 seq = ctx->args[0];
	__u64 size = ctx->args[1];
	__u32 mode = ctx->args[2];
	struct {
		struct ev e;
		__u8 pad[64];
	} b = {};
	struct ev *r;

	if (size < 16)
		size = 16;
	if (size > sizeof(b.e))
		size = sizeof(b.e);
	fill(&b.e, seq, size);
	/* A bound the verifier sees whatever clang makes of the clamps above. */
	asm volatile("%[s] &= 127" : [s] "+r"(size));
	switch (mode) {
	case 0:
		return bpf_ringbuf_output(&ev_rb, &b, size, 0) ? 1 : 0;
	case 1:
	case 2:
		r = bpf_ringbuf_reserve(&ev_rb, sizeof(*r), 0);
		if (!r)
			return 1;
		__builtin_memcpy(r, &b.e, sizeof(*r));
		if (mode == 1)
			bpf_ringbuf_submit(r, 0);
		else
			bpf_ringbuf_discard(r, 0);
		return 0;
	case 3:
		return bpf_perf_event_output(ctx, &ev_pb, BPF_F_CURRENT_CPU, &b, size) ? 1 : 0;
	}
	return 2;
}

SEC("raw_tp/sys_enter")
int on_getpid(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 k_pid = 0, k_nr = 1, k_cnt = 2;
	__u64 *pid, *nr, *cnt;
	struct ev e = {};

	pid = bpf_map_lookup_elem(&ev_cfg, &k_pid);
	nr = bpf_map_lookup_elem(&ev_cfg, &k_nr);
	cnt = bpf_map_lookup_elem(&ev_cfg, &k_cnt);
	if (!pid || !nr || !cnt || !*pid)
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) != *pid || ctx->args[1] != *nr)
		return 0;
	fill(&e, __sync_fetch_and_add(cnt, 1), 32);
	bpf_ringbuf_output(&ev_rb, &e, 32, 0);
	bpf_perf_event_output(ctx, &ev_pb, BPF_F_CURRENT_CPU, &e, 32);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
