/* Shared by c-tests/events/ringbuf.c, c-tests/events/perfbuf.c,
 * c-tests/oracle/events.c and bench/ringbuf.c: compiles
 * c-tests/bpf/ev_events.bpf.c with clang at run time, loads it with the object
 * API and drives its `emit` program by test runs. */
#ifndef LIBBPFRS_RINGBUF_BPF_H
#define LIBBPFRS_RINGBUF_BPF_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bpfobj.h"
#include "ev_record.h"

/* This process's pid, read once: getpid() itself would trigger on_getpid. */
static __u32 ev_pid;

enum ev_mode { EV_OUTPUT = 0, EV_SUBMIT = 1, EV_DISCARD = 2, EV_PERF = 3 };

struct ev_obj {
	struct bpf_object *obj;
	int rb_fd, pb_fd, cfg_fd, emit_fd, getpid_fd;
	char path[PATH_MAX];
};

/* Compiles and loads the object; `file` (the includer's __FILE__) is kept for
 * the callers' signature. 0, or -1 with a reason in `why`. */
static inline int ev_open(struct ev_obj *o, const char *file, const char **why)
{
	struct bpf_program *p;
	int r;

	(void)file;
	memset(o, 0, sizeof(*o));
	ev_pid = (__u32)getpid();
	r = bpfobj_build("ev_events", "ev_events.o", "-g", o->path, sizeof(o->path));
	if (r) {
		*why = r == 77 ? "clang not installed" : "building ev_events.bpf.c failed";
		return -1;
	}
	o->obj = bpf_object__open_file(o->path, NULL);
	if (!o->obj || libbpf_get_error(o->obj)) {
		o->obj = NULL;
		*why = "bpf_object__open_file";
		return -1;
	}
	if (bpf_object__load(o->obj)) {
		*why = "bpf_object__load (ringbuf/raw_tp support?)";
		return -1;
	}
	o->rb_fd = bpf_object__find_map_fd_by_name(o->obj, "ev_rb");
	o->pb_fd = bpf_object__find_map_fd_by_name(o->obj, "ev_pb");
	o->cfg_fd = bpf_object__find_map_fd_by_name(o->obj, "ev_cfg");
	p = bpf_object__find_program_by_name(o->obj, "emit");
	o->emit_fd = p ? bpf_program__fd(p) : -1;
	p = bpf_object__find_program_by_name(o->obj, "on_getpid");
	o->getpid_fd = p ? bpf_program__fd(p) : -1;
	if (o->rb_fd < 0 || o->pb_fd < 0 || o->cfg_fd < 0 || o->emit_fd < 0 || o->getpid_fd < 0) {
		*why = "object fds";
		return -1;
	}
	return 0;
}

static inline void ev_close(struct ev_obj *o)
{
	if (o->obj)
		bpf_object__close(o->obj);
	o->obj = NULL;
	bpfobj_clean("ev_events", "ev_events.o");
}

/* Runs `emit` once: the program's return value (0 = record written), or -1 if
 * the test run itself failed. */
static inline int ev_emit(struct ev_obj *o, __u32 seq, __u32 size, int mode)
{
	__u64 args[3] = { seq, size, (__u64)mode };
	LIBBPF_OPTS(bpf_test_run_opts, t, .ctx_in = args, .ctx_size_in = sizeof(args));

	if (bpf_prog_test_run_opts(o->emit_fd, &t))
		return -1;
	return (int)t.retval;
}

/* Attaches `on_getpid` to sys_enter: from now on every getpid() of this process
 * emits one record to both buffers, numbered from 0. Returns the raw
 * tracepoint's fd (negative on failure); ev_getpid_stop() once it is closed. */
static inline int ev_getpid_start(struct ev_obj *o)
{
	__u32 k;
	__u64 v;

	k = 1; v = SYS_getpid; bpf_map_update_elem(o->cfg_fd, &k, &v, 0);
	k = 2; v = 0; bpf_map_update_elem(o->cfg_fd, &k, &v, 0);
	k = 0; v = ev_pid; bpf_map_update_elem(o->cfg_fd, &k, &v, 0);
	return bpf_raw_tracepoint_open("sys_enter", o->getpid_fd);
}

/* No process's getpid() emits records any more. */
static inline void ev_getpid_stop(struct ev_obj *o)
{
	__u32 k = 0;
	__u64 v = 0;

	bpf_map_update_elem(o->cfg_fd, &k, &v, 0);
}

/* The perf event of a PERF_EVENT_ARRAY slot: every BPF output sample, raw data,
 * and a wakeup after each `wakeup_events` samples (0: the kernel's default). */
static inline void ev_output_attr(struct perf_event_attr *attr, __u32 wakeup_events)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = PERF_TYPE_SOFTWARE;
	attr->config = PERF_COUNT_SW_BPF_OUTPUT;
	attr->sample_type = PERF_SAMPLE_RAW;
	attr->sample_period = 1;
	attr->wakeup_events = wakeup_events;
}

/* Checks a received record against what `emit` wrote for `seq`. */
static inline int ev_valid(const struct ev *e, __u32 seq, __u32 size)
{
	int i;

	if (e->seq != seq || e->pid != ev_pid || e->size != size || e->magic != EV_MAGIC)
		return 0;
	for (i = 0; i < (int)size - 16 && i < 48; i++)
		if (e->fill[i] != (__u8)(seq + i))
			return 0;
	return 1;
}

/* Number of mappings of this process, for mapping-leak checks. */
static inline int ev_count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int c, n = 0;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Pins the process to one CPU so per-CPU perf records stay in order. */
static inline int ev_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static inline int ev_first_cpu(void)
{
	cpu_set_t set;
	int i;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			return i;
	return 0;
}

#endif
