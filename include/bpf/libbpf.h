/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfrs: bpf/libbpf.h compatibility path. Declarations come from the
 * generated ../libbpfrs.h; this file adds only what cbindgen cannot emit. */
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
#include "../libbpfrs.h"

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

#endif /* __LIBBPF_LIBBPF_H */
