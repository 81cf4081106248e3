/* user_ring_buffer__* return values and errno, libbpfrs against the system
 * libbpf 1.1.2, with c-tests/bpf/ur_drain.bpf.c draining the ring in the
 * kernel: creation errors, E2BIG/ENOSPC at the exact size limits, the distance
 * between consecutive samples (record spans and wraparound), drains with
 * discarded and BUSY samples, blocking reserves that time out or find space,
 * and the values the kernel saw. */
#include "oracle.h"
#include <time.h>
#include "ur_bpf.h"

static struct ur_obj o;
static __u32 seq;

/* A pointer result: "ptr" or "NULL". */
#define O_PTR(fmt, call, ...) O_PTR_ERRNO(0, fmt, call, ##__VA_ARGS__)

static void *res(struct user_ring_buffer *rb, __u32 size, __u64 value)
{
	void *p = ur_fill(user_ring_buffer__reserve(rb, size), value, seq, size);

	if (p)
		seq++;
	return p;
}

static void totals(const char *when)
{
	int k;

	printf("%s:", when);
	for (k = 0; k < UR_NSLOTS; k++)
		if (k != UR_RET)
			printf(" %llu", (unsigned long long)ur_slot(&o, (__u32)k));
	printf("\n");
}

static void creation(void)
{
	struct user_ring_buffer *rb;
	struct { size_t sz; } small = { 4 };
	struct { size_t sz; long extra; } big = { sizeof(big), 1 }, bigz = { sizeof(bigz), 0 };
	int rfd, afd;

	O_PTR("new(-1)", user_ring_buffer__new(-1, NULL));
	O_PTR("new(1000000)", user_ring_buffer__new(1000000, NULL));
	O_PTR("new(array)", user_ring_buffer__new(o.out_fd, NULL));
	rfd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "ur_okrb", 0, 0, 4096, NULL);
	O_PTR("new(ringbuf)", user_ring_buffer__new(rfd, NULL));
	close(rfd);
	afd = bpf_map_create(BPF_MAP_TYPE_USER_RINGBUF, "ur_ourb", 0, 0, 8192, NULL);
	printf("user ringbuf map of 8192: %s\n", afd > 2 ? "fd" : o_errname(errno));
	O_PTR("new(opts sz 4)", user_ring_buffer__new(afd, (void *)&small));
	O_PTR("new(opts extra 1)", user_ring_buffer__new(afd, (void *)&big));
	errno = 0;
	rb = user_ring_buffer__new(afd, (void *)&bigz);
	printf("new(opts extra 0) = %s errno=%s\n", rb ? "ptr" : "NULL", o_errname(errno));
	if (rb) {
		O_PTR("reserve(8185)", user_ring_buffer__reserve(rb, 8185));
		O_PTR("reserve(8184)", user_ring_buffer__reserve(rb, 8184));
		O_PTR("reserve(0) on a full ring", user_ring_buffer__reserve(rb, 0));
		user_ring_buffer__free(rb);
	}
	close(afd);
	user_ring_buffer__free(NULL);
}

static void samples(struct user_ring_buffer *rb)
{
	char *p, *prev = NULL, *first = NULL;
	int i;

	O_INT("drain(empty)", ur_drain(&o, 0, 0));
	O_PTR("reserve(4089)", user_ring_buffer__reserve(rb, 4089));
	O_PTR("reserve(1<<30)", user_ring_buffer__reserve(rb, 1u << 30));
	O_PTR("reserve(1<<31)", user_ring_buffer__reserve(rb, 1u << 31));
	O_PTR("reserve(~0)", user_ring_buffer__reserve(rb, ~0u));
	p = res(rb, 4088, 5);
	printf("reserve(4088) = %s, aligned %d\n", p ? "ptr" : "NULL", p && (long)p % 8 == 0);
	O_PTR("reserve(0) while full", user_ring_buffer__reserve(rb, 0));
	if (p)
		user_ring_buffer__submit(rb, p);
	O_PTR("reserve(0) after submit", user_ring_buffer__reserve(rb, 0));
	O_INT("drain(whole-ring sample)", ur_drain(&o, 0, 0));
	totals("after whole-ring sample");

	/* 60 reservations of 16..193 bytes, every third discarded: the distance
	 * from one sample to the next is the record span, or negative at a wrap. */
	for (i = 0; i < 60; i++) {
		__u32 size = 16 + (__u32)i * 3;

		p = res(rb, size, 100 + (__u64)i);
		if (!p) {
			printf("reserve(%u) failed: %s\n", size, o_errname(errno));
			break;
		}
		if (!first)
			first = p;
		printf("sample %d: size %u, %+ld from previous, offset %ld\n", i, size,
		       prev ? (long)(p - prev) : 0L, (long)(p - first));
		prev = p;
		if (i % 3 == 2) {
			seq--; /* the kernel never sees it */
			user_ring_buffer__discard(rb, p);
		} else {
			user_ring_buffer__submit(rb, p);
		}
		if (i % 10 == 9)
			O_INT("drain after %d", ur_drain(&o, 0, 0), i + 1);
	}
	totals("after 60");

	/* A BUSY head stops the drain; the callback's stop leaves the rest. */
	p = res(rb, 24, 1);
	for (i = 0; i < 4; i++)
		user_ring_buffer__submit(rb, res(rb, 24, 2));
	O_INT("drain(busy head)", ur_drain(&o, 0, 0));
	if (p)
		user_ring_buffer__submit(rb, p);
	O_INT("drain(limit 2)", ur_drain(&o, 0, 2));
	O_INT("drain(rest)", ur_drain(&o, 0, 0));
	totals("after busy head");
}

static void blocking(struct user_ring_buffer *rb)
{
	struct timespec t0, t1;
	void *p;
	int n = 0;
	long ms;

	O_PTR("reserve_blocking(16, -2)", user_ring_buffer__reserve_blocking(rb, 16, -2));
	O_PTR("reserve_blocking(16, -100)", user_ring_buffer__reserve_blocking(rb, 16, -100));
	O_PTR("reserve_blocking(4089, 10)", user_ring_buffer__reserve_blocking(rb, 4089, 10));
	O_PTR("reserve_blocking(1<<31, -1)", user_ring_buffer__reserve_blocking(rb, 1u << 31, -1));
	while (n < 100 && (p = res(rb, 64, 3))) {
		user_ring_buffer__submit(rb, p);
		n++;
	}
	printf("64-byte samples in a 4096-byte ring: %d (%s)\n", n, o_errname(errno));
	O_PTR("reserve_blocking(64, 0)", user_ring_buffer__reserve_blocking(rb, 64, 0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	O_PTR("reserve_blocking(64, 60)", user_ring_buffer__reserve_blocking(rb, 64, 60));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("waited at least 60 ms: %d\n", ms >= 59);
	O_PTR("reserve(56) fits the 64 bytes left", p = res(rb, 56, 4));
	if (p)
		user_ring_buffer__submit(rb, p);
	O_PTR("reserve_blocking(0, 0) on a full ring", user_ring_buffer__reserve_blocking(rb, 0, 0));
	O_INT("drain(full ring)", ur_drain(&o, 0, 0));
	p = user_ring_buffer__reserve_blocking(rb, 64, -1);
	printf("reserve_blocking(64, -1) after the drain = %s\n", p ? "ptr" : "NULL");
	if (p)
		user_ring_buffer__discard(rb, p);
	O_INT("drain(discarded)", ur_drain(&o, 0, 0));
	totals("after blocking");
}

int main(void)
{
	const char *why = "";
	struct user_ring_buffer *rb;
	int r;

	o_require_root();
	r = ur_open(&o, &why);
	if (r) {
		ur_close(&o);
		printf("SKIP: %s\n", why);
		return r == 77 ? 77 : 1;
	}
	creation();
	rb = user_ring_buffer__new(o.rb_fd, NULL);
	printf("new(ur_rb) = %s\n", rb ? "ptr" : o_errname(errno));
	if (rb) {
		samples(rb);
		blocking(rb);
		user_ring_buffer__free(rb);
	}
	ur_close(&o);
	return o_done();
}
