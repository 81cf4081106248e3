/* user_ring_buffer__* against the real kernel, with the consumer in
 * c-tests/bpf/ur_drain.bpf.c (a SEC("syscall") program calling
 * bpf_user_ringbuf_drain, run by BPF_PROG_TEST_RUN): samples of varying sizes
 * submitted and discarded and checked one by one in the kernel, samples wrapping
 * round the ring end, a BUSY sample stopping the drain, a full ring (ENOSPC) and
 * too-large sizes (E2BIG), blocking reserves that time out and that succeed when
 * another thread drains, bad arguments, and no fd or mapping leak over 200
 * new/free cycles. */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>
#include "harness.h"
#include "ur_bpf.h"
#include "ringbuf_bpf.h" /* ev_count_maps */

static struct ur_obj o;
static __u32 next_seq;
static __u64 want_sum, want_sizes, want_count;

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Reserves and submits one sample of `size` bytes; 0 or -errno. */
static int put(struct user_ring_buffer *rb, __u32 size, __u64 value)
{
	struct ur_sample *s = ur_fill(user_ring_buffer__reserve(rb, size), value, next_seq, size);

	if (!s)
		return -errno;
	next_seq++;
	want_sum += value;
	want_sizes += size;
	want_count++;
	user_ring_buffer__submit(rb, s);
	return 0;
}

static void check_totals(const char *when)
{
	CHECK(ur_slot(&o, UR_COUNT) == want_count, "%s: count %llu, want %llu", when,
	      (unsigned long long)ur_slot(&o, UR_COUNT), (unsigned long long)want_count);
	CHECK(ur_slot(&o, UR_SUM) == want_sum, "%s: sum %llu, want %llu", when,
	      (unsigned long long)ur_slot(&o, UR_SUM), (unsigned long long)want_sum);
	CHECK(ur_slot(&o, UR_SIZES) == want_sizes, "%s: sizes %llu, want %llu", when,
	      (unsigned long long)ur_slot(&o, UR_SIZES), (unsigned long long)want_sizes);
	CHECK(ur_slot(&o, UR_BAD) == 0, "%s: %llu bad samples", when,
	      (unsigned long long)ur_slot(&o, UR_BAD));
	CHECK_EQ(ur_slot(&o, UR_NEXT_SEQ), next_seq);
}

static void check_errors(void)
{
	int fds = h_count_fds(), rfd;
	struct user_ring_buffer *rb;
	struct { size_t sz; } small = { 4 };
	struct { size_t sz; long extra; } big = { sizeof(big), 1 }, bigz = { sizeof(bigz), 0 };
	char local[64];

	CHECK_RET(user_ring_buffer__new(-1, NULL), NULL, EBADFD);
	CHECK_RET(user_ring_buffer__new(1000000, NULL), NULL, EBADFD);
	CHECK_RET(user_ring_buffer__new(o.out_fd, NULL), NULL, EINVAL);
	rfd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "ur_krb", 0, 0, 4096, NULL);
	CHECK(rfd > 2, "ringbuf map: %s", strerror(errno));
	CHECK_RET(user_ring_buffer__new(rfd, NULL), NULL, EINVAL);
	close(rfd);
	CHECK_RET(user_ring_buffer__new(o.rb_fd, (void *)&small), NULL, EINVAL);
	CHECK_RET(user_ring_buffer__new(o.rb_fd, (void *)&big), NULL, EINVAL);
	CHECK_EQ(h_count_fds(), fds);
	rb = user_ring_buffer__new(o.rb_fd, (void *)&bigz);
	CHECK(rb != NULL, "new with zero-tailed larger opts: %s", strerror(errno));
	user_ring_buffer__free(rb);

	/* NULL and freed handles: libbpf would crash; we fail cleanly. */
	CHECK_RET(user_ring_buffer__reserve(NULL, 8), NULL, EINVAL);
	CHECK_RET(user_ring_buffer__reserve_blocking(NULL, 8, 0), NULL, EINVAL);
	CHECK_RET(user_ring_buffer__reserve(rb, 8), NULL, EINVAL); /* freed above */
	errno = 0;
	user_ring_buffer__submit(NULL, local);
	CHECK_EQ(errno, EINVAL);
	user_ring_buffer__discard(rb, local);
	user_ring_buffer__free(NULL);
	user_ring_buffer__free(rb); /* double free: ignored */

	/* A strict-mode caller sees the same NULL + errno. */
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	CHECK_RET(user_ring_buffer__new(o.out_fd, NULL), NULL, EINVAL);
	CHECK_RET(user_ring_buffer__new(-1, NULL), NULL, EBADFD);
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	CHECK_EQ(h_count_fds(), fds);

	/* 200 new/free cycles leak no fd and no mapping; a live buffer holds two
	 * mappings (consumer page, producer + data pages) and one epoll fd. */
	{
		int maps, i, lfd;

		/* A map of its own: reservations left BUSY at free stay in the ring. */
		lfd = bpf_map_create(BPF_MAP_TYPE_USER_RINGBUF, "ur_leak", 0, 0, 4096, NULL);
		CHECK(lfd > 2, "user ringbuf map: %s", strerror(errno));
		fds++;
		maps = ev_count_maps();

		rb = user_ring_buffer__new(o.rb_fd, NULL);
		CHECK(rb != NULL, "new: %s", strerror(errno));
		CHECK_EQ(ev_count_maps(), maps + 2);
		CHECK_EQ(h_count_fds(), fds + 1);
		user_ring_buffer__free(rb);
		for (i = 0; i < 200; i++) {
			rb = user_ring_buffer__new(lfd, NULL);
			if (!rb)
				break;
			/* with an outstanding reservation half the time */
			if (i % 2 && !user_ring_buffer__reserve(rb, 16))
				break;
			user_ring_buffer__free(rb);
		}
		CHECK_EQ(i, 200);
		CHECK_EQ(ev_count_maps(), maps);
		CHECK_EQ(h_count_fds(), fds);
		close(lfd);
	}
}

static void check_samples(struct user_ring_buffer *rb)
{
	int i, n;
	long r;
	void *busy;
	char local[64];

	/* Empty ring: nothing drained. */
	CHECK_EQ(ur_drain(&o, 0, 0), 0);

	/* 30 reservations of 16..103 bytes; every third discarded. */
	for (i = 0, n = 0; i < 30; i++) {
		__u32 size = 16 + (__u32)i * 3;

		if (i % 3 == 2) {
			void *p = user_ring_buffer__reserve(rb, size);

			CHECK(p != NULL, "reserve(%u): %s", size, strerror(errno));
			CHECK_EQ((unsigned long)p % 8, 0);
			if (p) {
				memset(p, 0xee, size);
				user_ring_buffer__discard(rb, p);
			}
		} else {
			CHECK_EQ(put(rb, size, 1000 + (__u64)i), 0);
			n++;
		}
	}
	r = ur_drain(&o, 0, 0);
	CHECK_EQ(r, n); /* discarded samples are not counted */
	check_totals("30 samples");
	CHECK_EQ(ur_drain(&o, 0, 0), 0);

	/* Zero-size samples are legal (the program counts them as bad: too short,
	 * so discard them instead) and a sample is 8-aligned. */
	{
		void *p = user_ring_buffer__reserve(rb, 0);

		CHECK(p != NULL && (unsigned long)p % 8 == 0, "reserve(0): %s", strerror(errno));
		if (p)
			user_ring_buffer__discard(rb, p);
		CHECK_EQ(ur_drain(&o, 0, 0), 0);
		check_totals("zero-size discard");
	}

	/* Wraparound: 36-byte samples take 48 bytes, which does not divide the
	 * 4096-byte ring; 300 samples go round it three and a half times. */
	for (n = 0; n < 300;) {
		for (i = 0; i < 50; i++)
			CHECK_EQ(put(rb, 36, (__u64)n + (__u64)i), 0);
		CHECK_EQ(ur_drain(&o, 0, 0), 50);
		n += 50;
	}
	check_totals("wraparound");

	/* The callback's stop (return 1) leaves the rest for the next drain. */
	for (i = 0; i < 5; i++)
		put(rb, 24, 7);
	CHECK_EQ(ur_drain(&o, 0, 2), 2);
	CHECK_EQ(ur_drain(&o, 0, 0), 3);
	check_totals("limit");

	/* A BUSY (reserved, not yet submitted) sample blocks the kernel at that
	 * point; once submitted both are drained in order. */
	busy = ur_fill(user_ring_buffer__reserve(rb, 16), 3, next_seq, 16);
	CHECK(busy != NULL, "reserve: %s", strerror(errno));
	if (busy) {
		next_seq++;
		want_count++;
		want_sum += 3;
		want_sizes += 16;
	}
	CHECK_EQ(put(rb, 16, 5), 0);
	r = ur_drain(&o, 0, 0);
	CHECK_EQ(r, 0); /* the busy head stops it (no error return) */
	CHECK_EQ(ur_slot(&o, UR_COUNT), want_count - 2);
	if (busy)
		user_ring_buffer__submit(rb, busy);
	CHECK_EQ(ur_drain(&o, 0, 0), 2);
	check_totals("busy head");

	/* A second submit of the same sample, and pointers that are no sample of
	 * this ring, are refused (errno EINVAL) without touching the ring. */
	if (busy) {
		errno = 0;
		user_ring_buffer__submit(rb, busy);
		CHECK_EQ(errno, EINVAL);
	}
	errno = 0;
	user_ring_buffer__discard(rb, local);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	user_ring_buffer__submit(rb, (char *)busy + 4);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(put(rb, 16, 1), 0);
	CHECK_EQ(ur_drain(&o, 0, 0), 1);
	check_totals("bad commits");
	(void)local;
}

/* Fills the ring with submitted 64-byte samples (72 bytes each: 56 fit, 64
 * bytes stay free); the number reserved. */
static int fill_ring(struct user_ring_buffer *rb)
{
	int n = 0;

	while (n < 100 && put(rb, 64, 9) == 0)
		n++;
	return n;
}

static void check_full(struct user_ring_buffer *rb)
{
	void *p;

	/* Sizes that can never fit: E2BIG, whatever the fill. */
	CHECK_RET(user_ring_buffer__reserve(rb, 4089), NULL, E2BIG);
	CHECK_RET(user_ring_buffer__reserve(rb, 1u << 30), NULL, E2BIG);
	CHECK_RET(user_ring_buffer__reserve(rb, 1u << 31), NULL, E2BIG);
	CHECK_RET(user_ring_buffer__reserve(rb, ~0u), NULL, E2BIG);
	/* The largest sample takes the whole ring. */
	p = ur_fill(user_ring_buffer__reserve(rb, 4088), 11, next_seq, 4088);
	CHECK(p != NULL, "reserve(4088): %s", strerror(errno));
	if (p) {
		next_seq++, want_count++, want_sum += 11, want_sizes += 4088;
		CHECK_RET(user_ring_buffer__reserve(rb, 0), NULL, ENOSPC);
		user_ring_buffer__submit(rb, p);
		CHECK_RET(user_ring_buffer__reserve(rb, 0), NULL, ENOSPC);
		CHECK_EQ(ur_drain(&o, 0, 0), 1);
	}
	check_totals("whole-ring sample");

	CHECK_EQ(fill_ring(rb), 56);
	CHECK_RET(user_ring_buffer__reserve(rb, 64), NULL, ENOSPC);
	CHECK_RET(user_ring_buffer__reserve(rb, 57), NULL, ENOSPC);
	CHECK_EQ(put(rb, 56, 2), 0); /* exactly the 64 bytes left */
	CHECK_RET(user_ring_buffer__reserve(rb, 0), NULL, ENOSPC);
	CHECK_RET(user_ring_buffer__reserve_blocking(rb, 0, 0), NULL, ENOSPC);
	CHECK_RET(user_ring_buffer__reserve(rb, 4089), NULL, E2BIG);
	CHECK_EQ(ur_drain(&o, 0, 0), 57);
	check_totals("full ring");
}

struct drainer {
	int delay_ms;
	long ret;
};

static void *drain_later(void *arg)
{
	struct drainer *d = arg;

	usleep((useconds_t)d->delay_ms * 1000);
	d->ret = ur_drain(&o, 0, 0);
	return NULL;
}

static void check_blocking(struct user_ring_buffer *rb)
{
	struct timespec t0;
	long ms;
	int n, timeout;

	CHECK_RET(user_ring_buffer__reserve_blocking(rb, 16, -2), NULL, EINVAL);
	CHECK_RET(user_ring_buffer__reserve_blocking(rb, 4089, 100), NULL, E2BIG);
	CHECK_RET(user_ring_buffer__reserve_blocking(rb, 1u << 31, -1), NULL, E2BIG);

	/* Space available: no wait. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	{
		void *p = user_ring_buffer__reserve_blocking(rb, 16, 1000);

		CHECK(p != NULL, "reserve_blocking: %s", strerror(errno));
		if (p)
			user_ring_buffer__discard(rb, p);
	}
	CHECK(ms_since(&t0) < 500, "reserve_blocking on an empty ring took %ld ms", ms_since(&t0));
	CHECK_EQ(ur_drain(&o, 0, 0), 0); /* only the discarded one */

	/* Completely full (the poll mask is empty), then full but with 64 bytes
	 * free (EPOLLOUT stays raised): both time out with ENOSPC. */
	for (n = 0; n < 2; n++) {
		if (n == 0) {
			void *p = ur_fill(user_ring_buffer__reserve(rb, 4088), 1, next_seq, 4088);

			CHECK(p != NULL, "reserve(4088): %s", strerror(errno));
			if (!p)
				return;
			next_seq++, want_count++, want_sum += 1, want_sizes += 4088;
			user_ring_buffer__submit(rb, p);
		} else {
			CHECK_EQ(fill_ring(rb), 56);
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK_RET(user_ring_buffer__reserve_blocking(rb, 64, 100), NULL, ENOSPC);
		ms = ms_since(&t0);
		CHECK(ms >= 95 && ms < 2000, "reserve_blocking(100 ms) returned after %ld ms", ms);

		/* Another thread drains after 50 ms: the reserve wakes up and succeeds,
		 * with a finite timeout and with -1. */
		for (timeout = 5000; timeout >= -1; timeout -= 5001) {
			struct drainer d = { 50, -1 };
			pthread_t th;
			void *p;

			CHECK_EQ(pthread_create(&th, NULL, drain_later, &d), 0);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			p = ur_fill(user_ring_buffer__reserve_blocking(rb, 64, timeout), 4, next_seq, 64);
			ms = ms_since(&t0);
			pthread_join(th, NULL);
			CHECK(p != NULL, "reserve_blocking(%d) with a drain: %s", timeout,
			      strerror(errno));
			CHECK(ms >= 40 && ms < 3000, "reserve_blocking(%d) woke after %ld ms",
			      timeout, ms);
			CHECK(d.ret > 0, "drain in the thread returned %ld", d.ret);
			if (p) {
				next_seq++, want_count++, want_sum += 4, want_sizes += 64;
				user_ring_buffer__submit(rb, p);
			}
			/* fill again for the -1 round */
			if (timeout == 5000)
				CHECK_EQ(fill_ring(rb), 55);
			else
				CHECK_EQ(ur_drain(&o, 0, 0), 1);
		}
		if (n == 0)
			CHECK_EQ(ur_drain(&o, 0, 0), 0);
		check_totals("blocking");
	}
}

int main(void)
{
	const char *why = "";
	struct user_ring_buffer *rb;
	int r;

	require_root();
	r = ur_open(&o, &why);
	if (r) {
		ur_close(&o);
		if (r == 77)
			h_skip(why);
		fprintf(stderr, "setup: %s\n", why);
		return 1;
	}
	check_errors();
	rb = user_ring_buffer__new(o.rb_fd, NULL);
	CHECK(rb != NULL, "user_ring_buffer__new: %s", strerror(errno));
	if (rb) {
		check_samples(rb);
		check_full(rb);
		check_blocking(rb);
		user_ring_buffer__free(rb);
	}
	ur_close(&o);
	return h_done("user_ringbuf");
}
