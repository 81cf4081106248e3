/* BPF side of c-tests/events/perf_read_simple.c: a raw tracepoint program (run with
 * BPF_PROG_TEST_RUN on CPU 0) that writes one record of a test-chosen size to a
 * PERF_EVENT_ARRAY, carrying a sequence number. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 1);
} events SEC(".maps");

__u32 seq;
__u32 len = 16; /* bytes of `rec` sent: 4..60 */

SEC("raw_tp/sys_enter")
int emit(void *ctx)
{
	__u32 rec[15] = {};
	__u32 n = len;

	rec[0] = ++seq;
	if (n < 4)
		n = 4;
	if (n > sizeof(rec))
		n = sizeof(rec);
	rec[1] = n;
	bpf_perf_event_output(ctx, &events, 0, rec, n);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
