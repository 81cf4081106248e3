/* perf_buffer__* against the real kernel, with producers in
 * c-tests/bpf/ev_events.bpf.c (bpf_perf_event_output): every sample checked
 * (count, order, content, cpu, padded size), records wrapping around the end
 * of a one-page ring (scratch copy), lost-sample callbacks with a full ring,
 * poll timeouts, the epoll fd, buffer getters, perf_buffer__new_raw with an
 * event callback (DONE/ERROR), the 0.x 3-argument perf_buffer__new through the
 * ___libbpf_overload macro, a raw tracepoint driven by getpid(), bad
 * arguments, and no fd leaks. */
#define _GNU_SOURCE
#include <linux/perf_event.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include "harness.h"
#include "ringbuf_bpf.h"

static struct ev_obj o;
static int cpu0;

struct rx {
	int n, bad, bad_cpu;
	__u32 next_seq, want_size;
	__u64 lost;
	int lost_calls;
};

/* After a batch that ends with CONT, libbpf 1.1.2 leaves errno = ENOENT (it
 * passes -2 through libbpf_err); so do we, hence the ENOENT checks below. */

/* PERF_SAMPLE_RAW pads `u32 size + data` to 8 bytes; the size says so. */
static __u32 raw_size(__u32 size)
{
	return ((size + 4 + 7) & ~7u) - 4;
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct rx *r = ctx;
	const struct ev *e = data;

	r->n++;
	if (cpu != cpu0)
		r->bad_cpu++;
	if ((r->want_size && size != raw_size(r->want_size)) || !ev_valid(e, r->next_seq, e->size) ||
	    (r->want_size && e->size != r->want_size))
		r->bad++;
	r->next_seq++;
}

static void on_lost(void *ctx, int cpu, __u64 cnt)
{
	struct rx *r = ctx;

	if (cpu != cpu0)
		r->bad_cpu++;
	r->lost += cnt;
	r->lost_calls++;
}

static int emit_n(int n, __u32 seq0, __u32 size)
{
	int i, ok = 0;

	for (i = 0; i < n; i++)
		ok += ev_emit(&o, seq0 + (__u32)ok, size, EV_PERF) == 0;
	return ok;
}

static void check_errors(void)
{
	int fds = h_count_fds();
	struct { size_t sz; } small = { 4 };
	struct perf_event_attr attr;

	CHECK_RET(perf_buffer__new(o.pb_fd, 3, on_sample, on_lost, NULL, NULL), NULL, EINVAL);
	CHECK_RET(perf_buffer__new(o.pb_fd, 0, on_sample, on_lost, NULL, NULL), NULL, EINVAL);
	CHECK_RET(perf_buffer__new(-1, 1, on_sample, on_lost, NULL, NULL), NULL, EBADFD);
	CHECK_RET(perf_buffer__new(o.rb_fd, 1, on_sample, on_lost, NULL, NULL), NULL, EINVAL);
	CHECK_RET(perf_buffer__new(o.cfg_fd, 1, on_sample, on_lost, NULL, NULL), NULL, EINVAL);
	CHECK_RET(perf_buffer__new(o.pb_fd, 1, on_sample, on_lost, NULL, (void *)&small), NULL, EINVAL);
	CHECK_RET(perf_buffer__new_raw(o.pb_fd, 1, NULL, NULL, NULL, NULL), NULL, EINVAL);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = 0x7fff; /* no such PMU */
	errno = 0;
	CHECK(perf_buffer__new_raw(o.pb_fd, 1, &attr, NULL, NULL, NULL) == NULL && errno,
	      "new_raw with a bad attr: errno %d", errno);
	/* Failing half-way (the second CPU's key is past max_entries): the first
	 * CPU's event, mapping and map entry are undone. */
	{
		int maps = ev_count_maps(), i;
		int cpus[2] = { cpu0, cpu0 }, keys[2] = { cpu0, 100000 };
		LIBBPF_OPTS(perf_buffer_raw_opts, ro, .cpu_cnt = 2, .cpus = cpus, .map_keys = keys);
		struct perf_buffer *pb;

		ev_output_attr(&attr, 0);
		CHECK_RET(perf_buffer__new_raw(o.pb_fd, 1, &attr, NULL, NULL, &ro), NULL, E2BIG);
		CHECK_EQ(ev_count_maps(), maps);
		CHECK_EQ(h_count_fds(), fds);
		CHECK_EQ(ev_emit(&o, 0, 64, EV_PERF), 1); /* no entry left behind */
		/* 200 create/free cycles leak nothing. */
		for (i = 0; i < 200; i++) {
			pb = perf_buffer__new(o.pb_fd, 1, on_sample, on_lost, NULL, NULL);
			if (!pb)
				break;
			perf_buffer__free(pb);
		}
		CHECK_EQ(i, 200);
		CHECK_EQ(ev_count_maps(), maps);
	}
	CHECK_EQ(h_count_fds(), fds);

	CHECK_RET(perf_buffer__poll(NULL, 0), -EINVAL, EINVAL);
	CHECK_RET(perf_buffer__consume(NULL), -EINVAL, EINVAL);
	CHECK_RET(perf_buffer__consume_buffer(NULL, 0), -EINVAL, EINVAL);
	CHECK_RET(perf_buffer__epoll_fd(NULL), -EINVAL, EINVAL);
	CHECK_RET(perf_buffer__buffer_fd(NULL, 0), -EINVAL, EINVAL);
	CHECK_EQ(perf_buffer__buffer_cnt(NULL), 0);
	perf_buffer__free(NULL);
}

static void check_samples(void)
{
	struct rx r = { 0 };
	struct perf_buffer *pb;
	size_t cnt, i;
	int fds = h_count_fds(), n, ok, idx = -1;
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	pb = perf_buffer__new(o.pb_fd, 1, on_sample, on_lost, &r, NULL);
	CHECK(pb != NULL, "perf_buffer__new: %s", strerror(errno));
	if (!pb)
		return;
	cnt = perf_buffer__buffer_cnt(pb);
	CHECK_EQ(cnt, online);
	/* one perf event fd per buffer, plus the epoll fd */
	CHECK_EQ(h_count_fds(), fds + (int)cnt + 1);
	CHECK(perf_buffer__epoll_fd(pb) > 2, "epoll fd");
	for (i = 0; i < cnt; i++)
		CHECK(perf_buffer__buffer_fd(pb, i) > 2, "buffer_fd(%zu)", i);
	CHECK_RET(perf_buffer__buffer_fd(pb, cnt), -EINVAL, EINVAL);
	CHECK_RET(perf_buffer__consume_buffer(pb, cnt), -EINVAL, EINVAL);
	{
		void *buf = NULL;
		size_t sz = 0;

		CHECK_RET(perf_buffer__buffer(pb, 0, &buf, &sz), 0, 0);
		CHECK(buf != NULL && sz == (size_t)getpagesize(), "buffer %p %zu", buf, sz);
		CHECK_RET(perf_buffer__buffer(pb, (int)cnt, &buf, &sz), -EINVAL, EINVAL);
	}

	CHECK_RET(perf_buffer__poll(pb, 0), 0, 0);
	CHECK_RET(perf_buffer__poll(pb, 30), 0, 0);
	CHECK_RET(perf_buffer__consume(pb), 0, ENOENT);

	/* 10 samples on our CPU: poll reports one ready buffer. */
	r.want_size = 64;
	CHECK_EQ(emit_n(10, 0, 64), 10);
	CHECK_RET(perf_buffer__poll(pb, 100), 1, ENOENT);
	CHECK_EQ(r.n, 10);
	CHECK_EQ(r.bad, 0);
	CHECK_EQ(r.bad_cpu, 0);

	/* consume_buffer on our CPU's buffer (found by its fd's position). */
	for (i = 0; i < cnt; i++) {
		CHECK_EQ(emit_n(1, r.next_seq, 64), 1);
		n = r.n;
		CHECK_RET(perf_buffer__consume_buffer(pb, i), 0, ENOENT);
		if (r.n != n) {
			idx = (int)i;
			break;
		}
		perf_buffer__consume(pb);
	}
	CHECK(idx >= 0, "no buffer held our CPU's sample");

	/* Wraparound: 36-byte samples take 48 bytes, which does not divide the
	 * 4096-byte ring; batches of 40 go round it several times. */
	r.want_size = 36;
	for (n = 0; n < 400; n += 40) {
		CHECK_EQ(emit_n(40, r.next_seq, 36), 40);
		CHECK_RET(perf_buffer__consume(pb), 0, ENOENT);
	}
	CHECK_EQ(r.bad, 0);

	/* A full ring: lost samples are reported by lost_cb with the count of
	 * failed outputs. */
	r.want_size = 64;
	n = r.n;
	ok = emit_n(300, r.next_seq, 64);
	CHECK(ok > 0 && ok < 300, "%d of 300 fitted", ok);
	CHECK_RET(perf_buffer__consume(pb), 0, ENOENT);
	CHECK_EQ(r.n - n, ok);
	/* The kernel writes the LOST record before the next sample that fits. */
	CHECK_EQ(emit_n(1, r.next_seq, 64), 1);
	CHECK_RET(perf_buffer__consume(pb), 0, ENOENT);
	CHECK_EQ(r.n - n, ok + 1);
	CHECK_EQ(r.lost, 300 - ok);
	CHECK(r.lost_calls >= 1, "lost_cb calls %d", r.lost_calls);
	CHECK_EQ(r.bad, 0);
	CHECK_EQ(r.bad_cpu, 0);

	/* The epoll fd in the caller's own epoll_wait. */
	{
		struct epoll_event ev;
		int efd = perf_buffer__epoll_fd(pb);

		/* perf readiness is a wakeup flag that polling clears. */
		CHECK(perf_buffer__poll(pb, 0) >= 0, "poll");
		CHECK_RET(epoll_wait(efd, &ev, 1, 0), 0, 0);
		emit_n(1, r.next_seq, 64);
		CHECK_RET(epoll_wait(efd, &ev, 1, 100), 1, 0);
		CHECK_RET(perf_buffer__consume(pb), 0, ENOENT);
	}

	perf_buffer__free(pb);
	CHECK_EQ(h_count_fds(), fds);
	/* The map entries are gone: output now fails. */
	CHECK_EQ(ev_emit(&o, 0, 64, EV_PERF), 1);
}

static int raw_calls, raw_ret, raw_bad;
static enum bpf_perf_event_ret on_event(void *ctx, int cpu, struct perf_event_header *h)
{
	(void)ctx;
	raw_calls++;
	if (cpu != cpu0 || h->type != PERF_RECORD_SAMPLE || h->size != 8 + 4 + raw_size(64))
		raw_bad++;
	return raw_ret;
}

static void check_raw(void)
{
	struct perf_event_attr attr;
	int fds = h_count_fds(), cpus[1] = { cpu0 }, keys[1] = { cpu0 };
	LIBBPF_OPTS(perf_buffer_raw_opts, ro, .cpu_cnt = 1, .cpus = cpus, .map_keys = keys);
	struct perf_buffer *pb;

	ev_output_attr(&attr, 1);
	pb = perf_buffer__new_raw(o.pb_fd, 2, &attr, on_event, NULL, &ro);
	CHECK(pb != NULL, "perf_buffer__new_raw: %s", strerror(errno));
	if (!pb)
		return;
	CHECK_EQ(perf_buffer__buffer_cnt(pb), 1);
	CHECK_EQ(emit_n(5, 0, 64), 5);
	/* DONE stops this buffer's batch after one record; poll still succeeds. */
	raw_ret = LIBBPF_PERF_EVENT_DONE;
	CHECK_RET(perf_buffer__poll(pb, 100), 1, 0);
	CHECK_EQ(raw_calls, 1);
	CHECK_RET(perf_buffer__consume_buffer(pb, 0), 0, 0);
	CHECK_EQ(raw_calls, 2);
	/* ERROR fails the call with -1 (errno EPERM, as libbpf_err(-1)). */
	raw_ret = LIBBPF_PERF_EVENT_ERROR;
	CHECK_RET(perf_buffer__consume(pb), -1, EPERM);
	CHECK_EQ(raw_calls, 3);
	raw_ret = LIBBPF_PERF_EVENT_CONT;
	CHECK_RET(perf_buffer__consume(pb), 0, ENOENT);
	CHECK_EQ(raw_calls, 5);
	CHECK_EQ(raw_bad, 0);
	perf_buffer__free(pb);
	CHECK_EQ(h_count_fds(), fds);
}

/* The 0.x form: perf_buffer__new(fd, page_cnt, &opts{sample_cb, lost_cb, ctx})
 * compiles through the overload macro to perf_buffer__new_deprecated. */
static void check_deprecated(void)
{
	struct rx r = { 0 };
	struct perf_buffer_opts po;
	struct perf_buffer *pb;
	int fds = h_count_fds();

	memset(&po, 0, sizeof(po));
	po.sample_cb = on_sample;
	po.lost_cb = on_lost;
	po.ctx = &r;
	pb = perf_buffer__new(o.pb_fd, 8, &po);
	CHECK(pb != NULL, "perf_buffer__new (3 args): %s", strerror(errno));
	if (!pb)
		return;
	r.want_size = 48;
	CHECK_EQ(emit_n(7, 0, 48), 7);
	CHECK_RET(perf_buffer__poll(pb, 100), 1, ENOENT);
	CHECK_EQ(r.n, 7);
	CHECK_EQ(r.bad, 0);
	perf_buffer__free(pb);
	CHECK_RET(perf_buffer__new(o.pb_fd, 6, &po), NULL, EINVAL);
	CHECK_EQ(h_count_fds(), fds);
}

static void check_tracepoint(void)
{
	struct rx r = { 0 };
	struct perf_buffer *pb;
	int link, i, tries;
	const int N = 50;

	pb = perf_buffer__new(o.pb_fd, 4, on_sample, on_lost, &r, NULL);
	CHECK(pb != NULL, "perf_buffer__new: %s", strerror(errno));
	if (!pb)
		return;
	link = ev_getpid_start(&o);
	CHECK(link > 2, "bpf_raw_tracepoint_open: %s", strerror(errno));
	if (link >= 0) {
		r.want_size = 32;
		for (i = 0; i < N; i++)
			syscall(SYS_getpid);
		for (tries = 0; r.n < N && tries < 20; tries++)
			CHECK(perf_buffer__poll(pb, 100) >= 0, "poll: %s", strerror(errno));
		close(link);
	}
	ev_getpid_stop(&o);
	CHECK_EQ(r.n, N);
	CHECK_EQ(r.bad, 0);
	CHECK_EQ(r.lost, 0);
	perf_buffer__free(pb);
}

int main(void)
{
	const char *why = NULL;

	require_root();
	cpu0 = ev_first_cpu();
	if (ev_pin_cpu(cpu0))
		h_skip("sched_setaffinity");
	if (ev_open(&o, __FILE__, &why)) {
		ev_close(&o);
		h_skip(why);
	}
	check_errors();
	check_samples();
	check_raw();
	check_deprecated();
	check_tracepoint();
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	check_errors();
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	ev_close(&o);
	return h_done("perfbuf");
}
