/* Ring buffer consumer throughput (events/s) of whichever library this is
 * linked against (bench/ringbuf_run builds it twice: -lbpf and -lbpfrs).
 *
 * Producer: the `emit` program of c-tests/bpf/ev_events.bpf.c, test-run once
 * per record (bpf_ringbuf_output of a 16-byte record: 24 bytes in the ring)
 * until the 4096-byte ring is full. Consumer: ring_buffer__consume, or
 * ring_buffer__poll(rb, 0), on the full ring, timed alone (the fill is not
 * timed). The callback reads the sequence number, so every record is touched.
 * Prints one line per path: events/s over all rounds (best round too). */
#define _GNU_SOURCE
#include <time.h>
#include "../c-tests/include/ringbuf_bpf.h"

static unsigned long long seen, sum;

static int cb(void *ctx, void *data, size_t size)
{
	(void)ctx; (void)size;
	seen++;
	sum += ((const struct ev *)data)->seq;
	return 0;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static struct ev_obj o;

static int fill(void)
{
	int n = 0;

	while (ev_emit(&o, (__u32)n, 16, EV_OUTPUT) == 0)
		n++;
	return n;
}

int main(int argc, char **argv)
{
	const char *why = NULL, *name = argc > 1 ? argv[1] : "lib";
	int rounds = getenv("BENCH_ROUNDS") ? atoi(getenv("BENCH_ROUNDS")) : 7;
	int fills = getenv("BENCH_FILLS") ? atoi(getenv("BENCH_FILLS")) : 300;
	struct ring_buffer *rb;
	int path, r, f;

	if (geteuid() != 0) {
		fprintf(stderr, "bench/ringbuf: needs root\n");
		return 1;
	}
	ev_pin_cpu(ev_first_cpu());
	if (ev_open(&o, __FILE__, &why)) {
		fprintf(stderr, "bench/ringbuf: %s\n", why);
		ev_close(&o);
		return 1;
	}
	rb = ring_buffer__new(o.rb_fd, cb, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "ring_buffer__new: %s\n", strerror(errno));
		return 1;
	}
	ring_buffer__consume(rb);
	for (path = 0; path < 2; path++) {
		double total_ns = 0, best = 0;
		unsigned long long total = 0;

		for (r = 0; r < rounds; r++) {
			double rns = 0;
			unsigned long long rn = 0;

			for (f = 0; f < fills; f++) {
				int n = fill(), got;
				double t0 = now_ns();

				got = path ? ring_buffer__poll(rb, 0) : ring_buffer__consume(rb);
				rns += now_ns() - t0;
				if (got != n) {
					fprintf(stderr, "consumed %d of %d\n", got, n);
					return 1;
				}
				rn += (unsigned long long)got;
			}
			total_ns += rns;
			total += rn;
			if (rn / rns * 1e9 > best)
				best = rn / rns * 1e9;
		}
		printf("%-9s %-8s %8.1f M events/s (best round %.1f), %llu events, %.1f ns/event\n",
		       name, path ? "poll(0)" : "consume", total / total_ns * 1e3, best / 1e6,
		       total, total_ns / total);
	}
	ring_buffer__free(rb);
	ev_close(&o);
	return seen == 0;
}
