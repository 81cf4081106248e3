/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfrs: libbpf's common macros (libbpf_common.h), which cbindgen cannot emit. */
#ifndef __LIBBPF_LIBBPF_COMMON_H
#define __LIBBPF_LIBBPF_COMMON_H

#include <string.h>
#include "libbpf_version.h"

#ifndef LIBBPF_API
#define LIBBPF_API __attribute__((visibility("default")))
#endif

/* Deprecation markers expand to nothing: 0.x code built with -Werror must compile. */
#define LIBBPF_DEPRECATED(msg)
#define LIBBPF_DEPRECATED_SINCE(major, minor, msg)
#define __LIBBPF_MARK_DEPRECATED_0_7(X)
#define __LIBBPF_MARK_DEPRECATED_0_8(X)
#define __LIBBPF_MARK_DEPRECATED_1_0(X)
#define __LIBBPF_CURRENT_VERSION_GEQ(major, minor) \
	(LIBBPF_MAJOR_VERSION > (major) || \
	 (LIBBPF_MAJOR_VERSION == (major) && LIBBPF_MINOR_VERSION >= (minor)))

/* Argument-count dispatch: ___libbpf_overload(NAME, a, b, c) calls NAME3(a, b, c).
 * It lets one header serve the 4- and 6-argument bpf_prog_load and the 3- and
 * 6-argument perf_buffer__new (libbpf-api.md section 3). */
#define ___libbpf_cat(A, B) A ## B
#define ___libbpf_select(NAME, NUM) ___libbpf_cat(NAME, NUM)
#define ___libbpf_nth(_1, _2, _3, _4, _5, _6, N, ...) N
#define ___libbpf_cnt(...) ___libbpf_nth(__VA_ARGS__, 6, 5, 4, 3, 2, 1)
#define ___libbpf_overload(NAME, ...) \
	___libbpf_select(NAME, ___libbpf_cnt(__VA_ARGS__))(__VA_ARGS__)

/* Declares an opts struct with every byte zeroed (padding included, so the
 * library's non-zero-tail check passes) and .sz set to the caller's sizeof. */
#define LIBBPF_OPTS(TYPE, NAME, ...)                                  \
	struct TYPE NAME = ({                                         \
		memset(&NAME, 0, sizeof(struct TYPE));                \
		(struct TYPE) {                                       \
			.sz = sizeof(struct TYPE),                    \
			__VA_ARGS__                                   \
		};                                                    \
	})

#endif /* __LIBBPF_LIBBPF_COMMON_H */
