/* Consumer for c-tests/events/user_ringbuf.c and c-tests/oracle/user_ringbuf.c.
 *
 * `drain` (SEC("syscall"), run with BPF_PROG_TEST_RUN) calls
 * bpf_user_ringbuf_drain() on ur_rb with the flags and sample limit from its
 * context. Each sample is a struct ur_sample (or longer): the callback checks
 * that its sequence number follows the previous one and that the declared size
 * is the real dynptr size (the last byte readable, the next one not), then adds
 * the value up. Results in ur_out (see enum ur_slot). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ur_sample {
	__u64 value;
	__u32 seq;
	__u32 size; /* the reserved size, >= sizeof(struct ur_sample) */
};

struct ur_args {
	__u64 flags; /* bpf_user_ringbuf_drain flags */
	__u64 limit; /* stop (callback returns 1) after this many samples; 0: none */
};

enum ur_slot { UR_COUNT, UR_SUM, UR_RET, UR_BAD, UR_NEXT_SEQ, UR_SIZES, UR_NSLOTS };

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} ur_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, UR_NSLOTS);
	__type(key, __u32);
	__type(value, __u64);
} ur_out SEC(".maps");

struct ur_state {
	__u64 count, sum, bad, next_seq, sizes, limit;
};

static long on_sample(struct bpf_dynptr *d, void *ctx)
{
	struct ur_state *s = ctx;
	struct ur_sample smp;
	__u8 b;

	if (bpf_dynptr_read(&smp, sizeof(smp), d, 0, 0)) {
		s->bad++;
		return 0;
	}
	if (smp.seq != s->next_seq)
		s->bad++;
	s->next_seq = smp.seq + 1;
	if (smp.size < sizeof(smp) || smp.size > 4096 ||
	    bpf_dynptr_read(&b, 1, d, smp.size - 1, 0) ||
	    !bpf_dynptr_read(&b, 1, d, smp.size, 0))
		s->bad++;
	s->count++;
	s->sum += smp.value;
	s->sizes += smp.size;
	if (s->limit && s->count >= s->limit)
		return 1;
	return 0;
}

static __always_inline __u64 *slot(__u32 k)
{
	return bpf_map_lookup_elem(&ur_out, &k);
}

SEC("syscall")
int drain(struct ur_args *args)
{
	struct ur_state s = { .limit = args->limit };
	__u64 *count = slot(UR_COUNT), *sum = slot(UR_SUM), *ret = slot(UR_RET),
	      *bad = slot(UR_BAD), *next = slot(UR_NEXT_SEQ), *sizes = slot(UR_SIZES);
	long r;

	if (!count || !sum || !ret || !bad || !next || !sizes)
		return 1;
	s.next_seq = *next;
	r = bpf_user_ringbuf_drain(&ur_rb, on_sample, &s, args->flags);
	*ret = (__u64)r;
	*count += s.count;
	*sum += s.sum;
	*bad += s.bad;
	*next = s.next_seq;
	*sizes += s.sizes;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
