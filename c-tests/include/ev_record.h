/* The record c-tests/bpf/ev_events.bpf.c writes to its ring and perf buffers and
 * include/ringbuf_bpf.h checks: one layout for both sides. */
#ifndef LIBBPFRS_EV_RECORD_H
#define LIBBPFRS_EV_RECORD_H

#include <linux/types.h>

struct ev {
	__u32 seq;
	__u32 pid;
	__u32 size;
	__u32 magic;
	__u8 fill[48];
};
#define EV_MAGIC 0xe7e7e7e7u

#endif
