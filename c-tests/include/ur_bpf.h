/* Shared by c-tests/events/user_ringbuf.c and c-tests/oracle/user_ringbuf.c: builds
 * c-tests/bpf/ur_drain.bpf.c with clang at run time, loads it with the object
 * API, and drives its `drain` program (bpf_user_ringbuf_drain) by test runs. */
#ifndef LIBBPFRS_UR_BPF_H
#define LIBBPFRS_UR_BPF_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>
#include "bpfobj.h"

/* Must match c-tests/bpf/ur_drain.bpf.c. */
struct ur_sample {
	__u64 value;
	__u32 seq;
	__u32 size;
};

struct ur_args {
	__u64 flags;
	__u64 limit;
};

enum ur_slot { UR_COUNT, UR_SUM, UR_RET, UR_BAD, UR_NEXT_SEQ, UR_SIZES, UR_NSLOTS };

struct ur_obj {
	struct bpf_object *obj;
	int rb_fd, out_fd, drain_fd;
	char path[PATH_MAX];
};

/* 0; 77 when clang is missing; -1 with a reason in `why`. */
static inline int ur_open(struct ur_obj *o, const char **why)
{
	struct bpf_program *p;
	int r;

	memset(o, 0, sizeof(*o));
	o->rb_fd = o->out_fd = o->drain_fd = -1;
	r = bpfobj_build("ur_drain", "ur_drain.o", "-g", o->path, sizeof(o->path));
	if (r) {
		*why = r == 77 ? "clang not installed" : "clang failed on ur_drain.bpf.c";
		return r;
	}
	o->obj = bpf_object__open_file(o->path, NULL);
	if (!o->obj || libbpf_get_error(o->obj)) {
		o->obj = NULL;
		*why = "bpf_object__open_file";
		return -1;
	}
	/* SEC("syscall") programs load sleepable: the loader adds BPF_F_SLEEPABLE. */
	if (bpf_object__load(o->obj)) {
		*why = "bpf_object__load (USER_RINGBUF / bpf_user_ringbuf_drain support?)";
		return 77;
	}
	o->rb_fd = bpf_object__find_map_fd_by_name(o->obj, "ur_rb");
	o->out_fd = bpf_object__find_map_fd_by_name(o->obj, "ur_out");
	p = bpf_object__find_program_by_name(o->obj, "drain");
	o->drain_fd = p ? bpf_program__fd(p) : -1;
	if (o->rb_fd < 0 || o->out_fd < 0 || o->drain_fd < 0) {
		*why = "object fds";
		return -1;
	}
	return 0;
}

static inline void ur_close(struct ur_obj *o)
{
	if (o->obj)
		bpf_object__close(o->obj);
	o->obj = NULL;
	bpfobj_clean("ur_drain", "ur_drain.o");
}

/* Runs `drain` once: bpf_user_ringbuf_drain's return (samples drained or a
 * negative errno), or -10000 if the test run itself failed. */
static inline long ur_drain(struct ur_obj *o, __u64 flags, __u64 limit)
{
	struct ur_args a = { flags, limit };
	__u64 v = 0;
	__u32 k = UR_RET;
	LIBBPF_OPTS(bpf_test_run_opts, t, .ctx_in = &a, .ctx_size_in = sizeof(a));

	if (bpf_prog_test_run_opts(o->drain_fd, &t) || t.retval)
		return -10000;
	if (bpf_map_lookup_elem(o->out_fd, &k, &v))
		return -10000;
	return (long)(__s64)v;
}

static inline __u64 ur_slot(struct ur_obj *o, __u32 k)
{
	__u64 v = ~0ULL;

	bpf_map_lookup_elem(o->out_fd, &k, &v);
	return v;
}

/* Reserves a `size`-byte sample and fills it with (value, seq, size) and a byte
 * pattern; NULL (errno from the reserve) on failure. */
static inline struct ur_sample *ur_fill(void *p, __u64 value, __u32 seq, __u32 size)
{
	struct ur_sample *s = p;
	__u32 i;

	if (!s)
		return NULL;
	s->value = value;
	s->seq = seq;
	s->size = size;
	for (i = sizeof(*s); i < size; i++)
		((__u8 *)p)[i] = (__u8)(seq + i);
	return s;
}

#endif
