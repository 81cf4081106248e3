/* Ring buffer and perf buffer return values and errno, libbpfrs against the
 * system libbpf 1.1.2, for the same event sequences from
 * c-tests/bpf/ev_events.bpf.c: poll timeouts, consume/poll counts with
 * discards, callback aborts, full rings and lost samples, raw event callbacks
 * returning DONE/ERROR, and bad arguments. */
#include "oracle.h"
#include <linux/perf_event.h>
#include "ringbuf_bpf.h"

static struct ev_obj o;
static int cpu0;

struct rx {
	int n, bad, abort_at;
	__u32 next_seq;
	__u64 lost;
};

static int rb_cb(void *ctx, void *data, size_t size)
{
	struct rx *r = ctx;

	r->n++;
	if (!ev_valid(data, r->next_seq, (__u32)size))
		r->bad++;
	r->next_seq++;
	return r->abort_at && r->n == r->abort_at ? -42 : 0;
}

static void pb_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct rx *r = ctx;
	const struct ev *e = data;

	(void)size;
	r->n++;
	if (cpu != cpu0 || !ev_valid(e, r->next_seq, e->size))
		r->bad++;
	r->next_seq++;
}

static void pb_lost(void *ctx, int cpu, __u64 cnt)
{
	struct rx *r = ctx;

	(void)cpu;
	r->lost += cnt;
}

static int raw_ret, raw_calls;
static enum bpf_perf_event_ret pb_event(void *ctx, int cpu, struct perf_event_header *h)
{
	(void)ctx; (void)cpu; (void)h;
	raw_calls++;
	return raw_ret;
}

static int emit_n(int n, __u32 seq0, __u32 size, int mode)
{
	int i, ok = 0;

	for (i = 0; i < n; i++)
		ok += ev_emit(&o, seq0 + (__u32)ok, size, mode) == 0;
	return ok;
}

/* A pointer result: "ptr" or "NULL", with errno only for NULL. */
#define O_PTR(fmt, call, ...) O_PTR_ERRNO(1, fmt, call, ##__VA_ARGS__)

static void ring(void)
{
	struct { size_t sz; } small = { 4 };
	struct { size_t sz; long x; } big = { sizeof(big), 1 };
	struct rx r = { 0 };
	struct ring_buffer *rb;
	int i;

	O_PTR("ring_buffer__new(-1)", ring_buffer__new(-1, rb_cb, NULL, NULL));
	O_PTR("ring_buffer__new(array)", ring_buffer__new(o.cfg_fd, rb_cb, NULL, NULL));
	O_PTR("ring_buffer__new(perf array)", ring_buffer__new(o.pb_fd, rb_cb, NULL, NULL));
	O_PTR("ring_buffer__new(sz=4)", ring_buffer__new(o.rb_fd, rb_cb, NULL, (void *)&small));
	O_PTR("ring_buffer__new(tail)", ring_buffer__new(o.rb_fd, rb_cb, NULL, (void *)&big));
	rb = ring_buffer__new(o.rb_fd, rb_cb, &r, NULL);
	printf("ring_buffer__new = %s\n", rb ? "ptr" : "NULL");
	if (!rb)
		return;
	O_FD("ring_buffer__epoll_fd", dup(ring_buffer__epoll_fd(rb)));
	O_INT("ring_buffer__add(array)", ring_buffer__add(rb, o.cfg_fd, rb_cb, &r));
	O_INT("ring_buffer__add(-1)", ring_buffer__add(rb, -1, rb_cb, &r));
	O_INT("poll(0) empty", ring_buffer__poll(rb, 0));
	O_INT("poll(20) empty", ring_buffer__poll(rb, 20));
	O_INT("consume empty", ring_buffer__consume(rb));
	for (i = 0; i < 9; i++)
		ev_emit(&o, i % 3 == 2 ? 999 : r.next_seq + (__u32)(i - i / 3), 64,
			i % 3 == 2 ? EV_DISCARD : i % 3);
	O_INT("consume 6 + 3 discards", ring_buffer__consume(rb));
	emit_n(3, r.next_seq, 40, EV_OUTPUT);
	O_INT("poll 3", ring_buffer__poll(rb, 100));
	emit_n(5, r.next_seq, 64, EV_OUTPUT);
	r.abort_at = r.n + 3;
	O_INT("consume abort at 3rd", ring_buffer__consume(rb));
	r.abort_at = 0;
	O_INT("consume rest", ring_buffer__consume(rb));
	printf("full ring: %d of 100 written\n", emit_n(100, r.next_seq, 64, EV_OUTPUT));
	O_INT("poll full ring", ring_buffer__poll(rb, 100));
	for (i = 0; i < 6; i++) {
		emit_n(40, r.next_seq, 36, EV_OUTPUT);
		O_INT("consume wrap batch %d", ring_buffer__consume(rb), i);
	}
	printf("ring records=%d bad=%d\n", r.n, r.bad);
	ring_buffer__free(rb);
}

static void perf(void)
{
	struct { size_t sz; } small = { 4 };
	struct perf_event_attr attr;
	struct rx r = { 0 };
	struct perf_buffer *pb;
	size_t cnt;
	int ok, cpus[1], keys[1];

	O_PTR("perf_buffer__new(page_cnt 3)", perf_buffer__new(o.pb_fd, 3, pb_sample, pb_lost, NULL, NULL));
	O_PTR("perf_buffer__new(page_cnt 0)", perf_buffer__new(o.pb_fd, 0, pb_sample, pb_lost, NULL, NULL));
	O_PTR("perf_buffer__new(-1)", perf_buffer__new(-1, 1, pb_sample, pb_lost, NULL, NULL));
	O_PTR("perf_buffer__new(ringbuf)", perf_buffer__new(o.rb_fd, 1, pb_sample, pb_lost, NULL, NULL));
	O_PTR("perf_buffer__new(sz=4)", perf_buffer__new(o.pb_fd, 1, pb_sample, pb_lost, NULL, (void *)&small));
	O_PTR("perf_buffer__new_raw(NULL attr)", perf_buffer__new_raw(o.pb_fd, 1, NULL, pb_event, NULL, NULL));

	pb = perf_buffer__new(o.pb_fd, 1, pb_sample, pb_lost, &r, NULL);
	printf("perf_buffer__new = %s\n", pb ? "ptr" : "NULL");
	if (!pb)
		return;
	cnt = perf_buffer__buffer_cnt(pb);
	printf("buffer_cnt == online CPUs: %d\n", (long)cnt == sysconf(_SC_NPROCESSORS_ONLN));
	O_FD("perf_buffer__epoll_fd", dup(perf_buffer__epoll_fd(pb)));
	O_FD("perf_buffer__buffer_fd(0)", dup(perf_buffer__buffer_fd(pb, 0)));
	O_INT("perf_buffer__buffer_fd(cnt)", perf_buffer__buffer_fd(pb, cnt));
	O_INT("perf_buffer__consume_buffer(cnt)", perf_buffer__consume_buffer(pb, cnt));
	O_INT("poll(0) empty", perf_buffer__poll(pb, 0));
	O_INT("poll(20) empty", perf_buffer__poll(pb, 20));
	O_INT("consume empty", perf_buffer__consume(pb));
	emit_n(10, r.next_seq, 64, EV_PERF);
	O_INT("poll 10", perf_buffer__poll(pb, 100));
	emit_n(40, r.next_seq, 36, EV_PERF);
	O_INT("consume 40", perf_buffer__consume(pb));
	ok = emit_n(300, r.next_seq, 64, EV_PERF);
	printf("full ring: %d of 300 written\n", ok);
	O_INT("consume full", perf_buffer__consume(pb));
	emit_n(1, r.next_seq, 64, EV_PERF);
	O_INT("poll after lost", perf_buffer__poll(pb, 100));
	printf("perf records=%d bad=%d lost=%llu\n", r.n, r.bad, (unsigned long long)r.lost);
	perf_buffer__free(pb);
	printf("output after free: %d\n", ev_emit(&o, 0, 64, EV_PERF));

	ev_output_attr(&attr, 1);
	cpus[0] = cpu0;
	keys[0] = cpu0;
	LIBBPF_OPTS(perf_buffer_raw_opts, ro, .cpu_cnt = 1, .cpus = cpus, .map_keys = keys);
	pb = perf_buffer__new_raw(o.pb_fd, 2, &attr, pb_event, NULL, &ro);
	printf("perf_buffer__new_raw = %s\n", pb ? "ptr" : "NULL");
	if (!pb)
		return;
	O_INT("raw buffer_cnt", perf_buffer__buffer_cnt(pb));
	emit_n(5, 0, 64, EV_PERF);
	raw_ret = LIBBPF_PERF_EVENT_DONE;
	O_INT("raw poll DONE", perf_buffer__poll(pb, 100));
	O_INT("raw consume_buffer DONE", perf_buffer__consume_buffer(pb, 0));
	raw_ret = LIBBPF_PERF_EVENT_ERROR;
	O_INT("raw consume ERROR", perf_buffer__consume(pb));
	raw_ret = -7;
	O_INT("raw consume -7", perf_buffer__consume(pb));
	raw_ret = LIBBPF_PERF_EVENT_CONT;
	O_INT("raw consume CONT", perf_buffer__consume(pb));
	printf("raw calls=%d\n", raw_calls);
	perf_buffer__free(pb);
}

int main(void)
{
	const char *why = NULL;

	o_require_root();
	cpu0 = ev_first_cpu();
	if (ev_pin_cpu(cpu0) || ev_open(&o, __FILE__, &why)) {
		ev_close(&o);
		printf("SKIP: %s\n", why ? why : "sched_setaffinity");
		return 77;
	}
	ring();
	perf();
	ev_close(&o);
	return o_done();
}
