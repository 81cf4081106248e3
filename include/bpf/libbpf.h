/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfrs: bpf/libbpf.h compatibility path. Declarations come from the
 * generated libbpfrs.h; this file adds only what cbindgen cannot emit. */
#ifndef __LIBBPF_LIBBPF_H
#define __LIBBPF_LIBBPF_H

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>
#include <linux/bpf.h>

#include "libbpf_common.h"
#include "libbpf_legacy.h"
#include "bpf.h"
#include "libbpfrs.h"

/* Iteration over an object's programs and maps (the 1.x forms). */
#define bpf_object__for_each_program(pos, obj)			\
	for ((pos) = bpf_object__next_program((obj), NULL);	\
	     (pos) != NULL;					\
	     (pos) = bpf_object__next_program((obj), (pos)))

#define bpf_object__for_each_map(pos, obj)			\
	for ((pos) = bpf_object__next_map((obj), NULL);		\
	     (pos) != NULL;					\
	     (pos) = bpf_object__next_map((obj), (pos)))

#define bpf_map__for_each bpf_object__for_each_map

/* perf_buffer__new: the 0.x 3-argument form (map_fd, page_cnt, opts with
 * sample_cb/lost_cb/ctx) reaches perf_buffer__new_deprecated; the 6-argument
 * form (map_fd, page_cnt, sample_cb, lost_cb, ctx, opts) the 1.x function. */
#ifndef perf_buffer__new
#define perf_buffer__new(...) ___libbpf_overload(___perf_buffer_new, __VA_ARGS__)
#define ___perf_buffer_new3(map_fd, page_cnt, opts) \
	perf_buffer__new_deprecated(map_fd, page_cnt, opts)
#define ___perf_buffer_new6(map_fd, page_cnt, sample_cb, lost_cb, ctx, opts) \
	perf_buffer__new(map_fd, page_cnt, sample_cb, lost_cb, ctx, opts)
#endif

#endif /* __LIBBPF_LIBBPF_H */
