/* ring_buffer__* against the real kernel, with producers in
 * c-tests/bpf/ev_events.bpf.c: every record checked (count, order, content),
 * discards skipped, records wrapping around the ring end, a full ring, a
 * callback abort, poll timeouts, the epoll fd in the caller's own epoll_wait,
 * two rings, re-entrant callbacks, a raw tracepoint on sys_enter driven by
 * getpid(), bad arguments, and no fd leaks. */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include "harness.h"
#include "ringbuf_bpf.h"

static struct ev_obj o;

struct rx {
	int n;              /* records received */
	__u32 next_seq;     /* expected next sequence number */
	__u32 want_size;    /* expected size (0: any) */
	int bad;            /* records that failed validation */
	int abort_at;       /* return -42 on this record number (1-based), 0: never */
	struct ring_buffer *rb; /* for re-entrant calls */
	int reenter;        /* 1: consume inside; 2: epoll_fd inside; 3: free inside */
	int reenter_ret, reenter_errno;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct rx *r = ctx;
	const struct ev *e = data;

	r->n++;
	if ((r->want_size && size != r->want_size) || !ev_valid(e, r->next_seq, e->size) ||
	    e->size != (size == sizeof(struct ev) ? e->size : size))
		r->bad++;
	r->next_seq++;
	if (r->reenter == 1) {
		errno = 0;
		r->reenter_ret = ring_buffer__consume(r->rb);
		r->reenter_errno = errno;
	} else if (r->reenter == 2) {
		r->reenter_ret = ring_buffer__epoll_fd(r->rb);
	} else if (r->reenter == 3) {
		ring_buffer__free(r->rb);
		r->reenter = 0;
	}
	if (r->abort_at && r->n == r->abort_at)
		return -42;
	return 0;
}

static int other_calls;
static int on_other(void *ctx, void *data, size_t size)
{
	(void)ctx; (void)data; (void)size;
	other_calls++;
	return 0;
}

static void check_errors(void)
{
	int fds = h_count_fds();
	struct ring_buffer *rb;
	struct { size_t sz; } small = { 4 };
	struct { size_t sz; long extra; } big = { sizeof(big), 1 };

	CHECK_RET(ring_buffer__new(-1, on_sample, NULL, NULL), NULL, EBADFD);
	CHECK_RET(ring_buffer__new(1000000, on_sample, NULL, NULL), NULL, EBADFD);
	CHECK_RET(ring_buffer__new(o.cfg_fd, on_sample, NULL, NULL), NULL, EINVAL);
	CHECK_RET(ring_buffer__new(o.pb_fd, on_sample, NULL, NULL), NULL, EINVAL);
	CHECK_RET(ring_buffer__new(o.rb_fd, on_sample, NULL, (void *)&small), NULL, EINVAL);
	CHECK_RET(ring_buffer__new(o.rb_fd, on_sample, NULL, (void *)&big), NULL, EINVAL);
	CHECK_EQ(h_count_fds(), fds);

	/* NULL handles: libbpf would crash; we fail cleanly. */
	CHECK_RET(ring_buffer__poll(NULL, 0), -EINVAL, EINVAL);
	CHECK_RET(ring_buffer__consume(NULL), -EINVAL, EINVAL);
	CHECK_RET(ring_buffer__epoll_fd(NULL), -EINVAL, EINVAL);
	CHECK_RET(ring_buffer__add(NULL, o.rb_fd, on_sample, NULL), -EINVAL, EINVAL);
	ring_buffer__free(NULL);

	rb = ring_buffer__new(o.rb_fd, on_sample, NULL, NULL);
	CHECK(rb != NULL, "ring_buffer__new: %s", strerror(errno));
	if (!rb)
		return;
	/* Wrong map type or bad fd in __add: HL errors, both modes. */
	CHECK_UERR(ring_buffer__add(rb, o.cfg_fd, on_other, NULL), EINVAL);
	CHECK_UERR(ring_buffer__add(rb, -1, on_other, NULL), EBADFD);
	ring_buffer__free(rb);
	CHECK_EQ(h_count_fds(), fds);
	/* 200 create/free cycles leak no fd and no mapping. */
	{
		int maps = ev_count_maps(), i;

		for (i = 0; i < 200; i++) {
			rb = ring_buffer__new(o.rb_fd, on_sample, NULL, NULL);
			if (!rb)
				break;
			ring_buffer__free(rb);
		}
		CHECK_EQ(i, 200);
		CHECK_EQ(ev_count_maps(), maps);
		CHECK_EQ(h_count_fds(), fds);
	}
}

static void check_records(void)
{
	struct rx r = { 0 };
	struct ring_buffer *rb;
	struct timespec t0, t1;
	int i, n, ok, want, fds = h_count_fds();
	long ms;

	rb = ring_buffer__new(o.rb_fd, on_sample, &r, NULL);
	CHECK(rb != NULL, "ring_buffer__new: %s", strerror(errno));
	if (!rb)
		return;
	CHECK(ring_buffer__epoll_fd(rb) > 2, "epoll fd %d", ring_buffer__epoll_fd(rb));

	/* Empty: poll times out with 0, consume gives 0. */
	CHECK_RET(ring_buffer__poll(rb, 0), 0, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_RET(ring_buffer__poll(rb, 50), 0, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 40, "poll(50) returned after %ld ms", ms);
	CHECK_RET(ring_buffer__consume(rb), 0, 0);

	/* 10 records by output and reserve/submit, 5 discards in between. */
	for (i = 0, ok = 0; i < 15; i++) {
		int mode = i % 3 == 2 ? EV_DISCARD : (i % 3 ? EV_SUBMIT : EV_OUTPUT);
		__u32 seq = mode == EV_DISCARD ? 9999 : r.next_seq + (__u32)ok;
		ok += ev_emit(&o, seq, 64, mode) == 0 && mode != EV_DISCARD;
	}
	CHECK_EQ(ok, 10);
	r.want_size = 64;
	CHECK_RET(ring_buffer__consume(rb), 10, 0);
	CHECK_EQ(r.n, 10);
	CHECK_EQ(r.bad, 0);
	CHECK_RET(ring_buffer__consume(rb), 0, 0);

	/* poll returns the count too. */
	for (i = 0; i < 3; i++)
		ev_emit(&o, r.next_seq + (__u32)i, 64, EV_OUTPUT);
	CHECK_RET(ring_buffer__poll(rb, 100), 3, 0);
	CHECK_EQ(r.bad, 0);

	/* Wraparound: 36-byte records take 48 bytes, which does not divide the
	 * 4096-byte ring; 250 records go round it three times. */
	r.want_size = 36;
	for (n = 0; n < 250;) {
		int batch = 40;
		for (i = 0; i < batch; i++)
			CHECK_EQ(ev_emit(&o, r.next_seq + (__u32)i, 36, EV_OUTPUT), 0);
		CHECK_RET(ring_buffer__consume(rb), batch, 0);
		n += batch;
	}
	CHECK_EQ(r.bad, 0);

	/* A full ring: the producer fails (ringbuf_output -EAGAIN), nothing is
	 * corrupted, consume returns exactly what was written. */
	r.want_size = 64;
	for (i = 0, ok = 0; i < 100; i++)
		ok += ev_emit(&o, r.next_seq + (__u32)ok, 64, EV_OUTPUT) == 0;
	want = 4096 / 72; /* 64 + 8 header */
	CHECK(ok >= want - 1 && ok <= want, "ring of 4096 took %d 72-byte records", ok);
	n = r.n;
	CHECK_RET(ring_buffer__poll(rb, 100), ok, 0);
	CHECK_EQ(r.n - n, ok);
	CHECK_EQ(r.bad, 0);

	/* A negative callback return stops consumption and is returned (errno
	 * set); the aborted record is consumed, the rest stay for the next call. */
	for (i = 0; i < 5; i++)
		ev_emit(&o, r.next_seq + (__u32)i, 64, EV_OUTPUT);
	r.abort_at = r.n + 3;
	CHECK_RET(ring_buffer__consume(rb), -42, 42);
	r.abort_at = 0;
	CHECK_RET(ring_buffer__consume(rb), 2, 0);
	for (i = 0; i < 2; i++)
		ev_emit(&o, r.next_seq + (__u32)i, 64, EV_OUTPUT);
	r.abort_at = r.n + 1;
	CHECK_RET(ring_buffer__poll(rb, 100), -42, 42);
	r.abort_at = 0;
	CHECK_RET(ring_buffer__poll(rb, 100), 1, 0);
	CHECK_EQ(r.bad, 0);

	/* The epoll fd works in the caller's own epoll_wait. */
	{
		struct epoll_event ev;
		int efd = ring_buffer__epoll_fd(rb);

		CHECK_RET(epoll_wait(efd, &ev, 1, 0), 0, 0);
		ev_emit(&o, r.next_seq, 64, EV_OUTPUT);
		CHECK_RET(epoll_wait(efd, &ev, 1, 100), 1, 0);
		CHECK_RET(ring_buffer__consume(rb), 1, 0);
	}

	/* A second ring (a map made with bpf_map_create) and a non-ring map. */
	{
		int fd2 = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "ev_rb2", 0, 0, 4096, NULL);

		CHECK(fd2 > 2, "ringbuf map: %s", strerror(errno));
		CHECK_RET(ring_buffer__add(rb, fd2, on_other, NULL), 0, 0);
		ev_emit(&o, r.next_seq, 64, EV_OUTPUT);
		CHECK_RET(ring_buffer__poll(rb, 100), 1, 0);
		CHECK_RET(ring_buffer__consume(rb), 0, 0);
		CHECK_EQ(other_calls, 0);
		close(fd2); /* the mapping keeps the ring alive */
		CHECK_RET(ring_buffer__consume(rb), 0, 0);
	}

	/* Re-entrance: the same buffer is busy inside its own callback (EBUSY),
	 * its getters work, and a free from the callback is deferred safely. */
	r.rb = rb;
	r.reenter = 1;
	ev_emit(&o, r.next_seq, 64, EV_OUTPUT);
	CHECK_EQ(ring_buffer__consume(rb), 1); /* errno: the inner call's EBUSY */
	CHECK_EQ(r.reenter_ret, -EBUSY);
	CHECK_EQ(r.reenter_errno, EBUSY);
	r.reenter = 2;
	ev_emit(&o, r.next_seq, 64, EV_OUTPUT);
	CHECK_RET(ring_buffer__consume(rb), 1, 0);
	CHECK_EQ(r.reenter_ret, ring_buffer__epoll_fd(rb));
	r.reenter = 3;
	ev_emit(&o, r.next_seq, 64, EV_OUTPUT);
	CHECK_RET(ring_buffer__consume(rb), 1, 0);
	CHECK_RET(ring_buffer__consume(rb), -EINVAL, EINVAL); /* freed */
	CHECK_EQ(r.bad, 0);
	CHECK_EQ(h_count_fds(), fds);
	/* Drain what the previous buffer left. */
	rb = ring_buffer__new(o.rb_fd, NULL, NULL, NULL);
	CHECK(rb != NULL, "ring_buffer__new: %s", strerror(errno));
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	CHECK_EQ(h_count_fds(), fds);
}

/* A raw tracepoint on sys_enter: every getpid() of this process emits one
 * record with a sequence number and the pid. */
static void check_tracepoint(void)
{
	struct rx r = { 0 };
	struct ring_buffer *rb;
	int link, i, tries;
	const int N = 50;

	rb = ring_buffer__new(o.rb_fd, on_sample, &r, NULL);
	CHECK(rb != NULL, "ring_buffer__new: %s", strerror(errno));
	if (!rb)
		return;
	link = ev_getpid_start(&o);
	CHECK(link > 2, "bpf_raw_tracepoint_open: %s", strerror(errno));
	if (link < 0) {
		ring_buffer__free(rb);
		return;
	}
	r.want_size = 32;
	for (i = 0; i < N; i++)
		syscall(SYS_getpid);
	for (tries = 0; r.n < N && tries < 20; tries++)
		CHECK(ring_buffer__poll(rb, 100) >= 0, "poll: %s", strerror(errno));
	close(link);
	ev_getpid_stop(&o);
	CHECK_EQ(r.n, N);
	CHECK_EQ(r.bad, 0);
	/* perf records of the same events are drained by perfbuf.c; none here. */
	ring_buffer__free(rb);
}

int main(void)
{
	const char *why = NULL;

	require_root();
	if (ev_open(&o, __FILE__, &why)) {
		ev_close(&o);
		h_skip(why);
	}
	check_errors();
	check_records();
	check_tracepoint();
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	check_errors();
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	ev_close(&o);
	return h_done("ringbuf");
}
