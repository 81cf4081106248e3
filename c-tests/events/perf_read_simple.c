/* The 0.x bpf_perf_event_read_simple() on a perf ring the test maps itself, the
 * way old samples/bpf programs (trace_output_user.c) used it: a raw tracepoint
 * program run on CPU 0 writes numbered records to a PERF_EVENT_ARRAY; the test
 * reads them back in batches, with records that wrap around the ring end copied
 * into the caller's malloc'ed buffer, an early stop (DONE) resumed by the next
 * call, and bad arguments refused. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "harness.h"
#include "bpfobj.h"

struct sample {
	struct perf_event_header hdr;
	__u32 size;
	__u32 seq;
	__u32 len;
};

static __u32 next_seq = 1, want_len;
static int seen, bad, stop_after = -1;

static enum bpf_perf_event_ret on_rec(struct perf_event_header *hdr, void *priv)
{
	struct sample *s = (struct sample *)hdr;

	(void)priv;
	if (hdr->type != PERF_RECORD_SAMPLE || s->seq != next_seq || s->len != want_len ||
	    s->size < want_len)
		bad++;
	next_seq = s->seq + 1;
	seen++;
	if (stop_after >= 0 && seen == stop_after)
		return LIBBPF_PERF_EVENT_DONE;
	return LIBBPF_PERF_EVENT_CONT;
}

static int run_on_cpu0(int prog_fd, int n)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = 0);
	int i;

	for (i = 0; i < n; i++)
		if (bpf_prog_test_run_opts(prog_fd, &o))
			return -1;
	return 0;
}

int main(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		.wakeup_events = 1,
	};
	size_t page = (size_t)sysconf(_SC_PAGESIZE), copy_size = 0;
	void *copy = NULL, *ring;
	char path[PATH_MAX];
	struct bpf_object *obj;
	int pfd, map_fd, data_fd, prog_fd, r, round;
	__u32 k = 0;

	require_root();
	r = bpfobj_build("perf_simple", "perf_simple.o", "-g", path, sizeof(path));
	if (r == 77)
		h_skip("clang not installed");
	CHECK_EQ(r, 0);
	obj = bpf_object__open_file(path, NULL);
	CHECK(obj != NULL, "open");
	CHECK_EQ(bpf_object__load(obj), 0);
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "emit"));
	map_fd = bpf_object__find_map_fd_by_name(obj, "events");
	data_fd = bpf_object__find_map_fd_by_name(obj, ".data");
	pfd = (int)syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	CHECK(pfd >= 0, "perf_event_open: errno %d", errno);
	ring = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, pfd, 0);
	CHECK(ring != MAP_FAILED, "mmap: errno %d", errno);
	CHECK_EQ(ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0), 0);
	CHECK_EQ(bpf_map_update_elem(map_fd, &k, &pfd, BPF_ANY), 0);

	/* 36-byte payloads: 48-byte records, which do not divide the 4096-byte ring,
	 * so some of them wrap; read in batches of 50 (2,400 bytes, no loss). */
	want_len = 36;
	CHECK_EQ(bpf_map_update_elem(data_fd, &k, &want_len, BPF_ANY), 0);
	for (round = 0; round < 8; round++) {
		CHECK_EQ(run_on_cpu0(prog_fd, 50), 0);
		r = bpf_perf_event_read_simple(ring, page, page, &copy, &copy_size, on_rec, NULL);
		CHECK_EQ(r, LIBBPF_PERF_EVENT_CONT);
	}
	CHECK_EQ(seen, 400);
	CHECK_EQ(bad, 0);
	CHECK(copy != NULL && copy_size >= 48, "a wrapped record went through the copy buffer");

	/* DONE stops early; the next call resumes at the next record. */
	CHECK_EQ(run_on_cpu0(prog_fd, 10), 0);
	seen = 0;
	stop_after = 4;
	CHECK_EQ(bpf_perf_event_read_simple(ring, page, page, &copy, &copy_size, on_rec, NULL),
		 LIBBPF_PERF_EVENT_DONE);
	CHECK_EQ(seen, 4);
	stop_after = -1;
	CHECK_EQ(bpf_perf_event_read_simple(ring, page, page, &copy, &copy_size, on_rec, NULL),
		 LIBBPF_PERF_EVENT_CONT);
	CHECK_EQ(seen, 10);
	CHECK_EQ(bad, 0);
	/* Empty ring: CONT, no callback. */
	CHECK_EQ(bpf_perf_event_read_simple(ring, page, page, &copy, &copy_size, on_rec, NULL),
		 LIBBPF_PERF_EVENT_CONT);
	CHECK_EQ(seen, 10);

	/* Bad arguments. */
	CHECK_RET(bpf_perf_event_read_simple(ring, page - 8, page, &copy, &copy_size, on_rec, NULL),
		  LIBBPF_PERF_EVENT_ERROR, EINVAL);
	CHECK_RET(bpf_perf_event_read_simple(ring, page, page, &copy, &copy_size, NULL, NULL),
		  LIBBPF_PERF_EVENT_ERROR, EINVAL);

	free(copy);
	munmap(ring, 2 * page);
	close(pfd);
	bpf_object__close(obj);
	bpfobj_clean("perf_simple", "perf_simple.o");
	return h_done("perf_read_simple");
}
