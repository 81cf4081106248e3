/* Helpers for the oracle programs in c-tests/oracle/. Each program is built twice
 * by c-tests/run: against the system libbpf 1.1.2 (-DORACLE_SYSTEM, system headers,
 * -lbpf) and against libbpfrs (our include/, -lbpfrs, LIBBPFRS_STRICT=1); the two
 * stdouts must be byte-identical. So stdout carries only what must match: one line
 * per call with its arguments, return value and errno, with fd numbers printed as
 * "fd" and object ids as "id". Checks that concern libbpfrs alone (APIs or enum
 * values 1.1.2 lacks) go to stderr and the exit code via o_self_check(). */
#ifndef LIBBPFRS_ORACLE_H
#define LIBBPFRS_ORACLE_H

/* Include this first: strerrorname_np needs _GNU_SOURCE before any libc header. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bpfobj.h"

#ifdef ORACLE_SYSTEM
#define O_SIDE "libbpf"
#else
#define O_SIDE "libbpfrs"
#endif

static int o_self_failed;

/* errno as "E<name>" (glibc's name), or the number if glibc has none. */
static inline const char *o_errname(int e)
{
	static char buf[32];
	const char *n;

	if (e == 0)
		return "0";
	n = strerrorname_np(e);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "%d", e);
	return buf;
}

/* A call returning an int or long: "call = ret errno=E". */
#define O_INT(fmt, call, ...)                                                      \
	do {                                                                       \
		errno = 0;                                                         \
		long __r = (long)(call);                                           \
		int __e = errno;                                                   \
		printf(fmt " = %ld errno=%s\n", ##__VA_ARGS__, __r, o_errname(__e)); \
	} while (0)

/* A call returning an fd: a non-negative result prints as "fd" (and is closed). */
#define O_FD(fmt, call, ...)                                                       \
	do {                                                                       \
		errno = 0;                                                         \
		long __r = (long)(call);                                           \
		int __e = errno;                                                   \
		if (__r >= 0) {                                                    \
			printf(fmt " = fd errno=%s\n", ##__VA_ARGS__, o_errname(__e)); \
			if (__r > 2)                                               \
				close((int)__r);                                   \
		} else {                                                           \
			printf(fmt " = %ld errno=%s\n", ##__VA_ARGS__, __r,        \
			       o_errname(__e));                                    \
		}                                                                  \
	} while (0)

/* A call returning a `struct bpf_link *`: "call = link" (then destroyed) or
 * "= NULL errno=E". errno is not printed for a link: libbpf leaves stale values
 * there. */
#define O_LINK(fmt, call, ...)                                                    \
	do {                                                                      \
		errno = 0;                                                        \
		struct bpf_link *__l = (call);                                    \
		int __e = errno;                                                  \
		if (__l) {                                                        \
			printf(fmt " = link\n", ##__VA_ARGS__);                   \
			bpf_link__destroy(__l);                                   \
		} else {                                                          \
			printf(fmt " = NULL errno=%s\n", ##__VA_ARGS__,           \
			       o_errname(__e));                                   \
		}                                                                 \
	} while (0)

/* A call returning a pointer: "call = ptr errno=E" or "call = NULL errno=E"; with
 * `null_only`, errno is printed only for NULL ("-" after a pointer). */
#define O_PTR_ERRNO(null_only, fmt, call, ...)                                     \
	do {                                                                       \
		errno = 0;                                                         \
		void *__p = (void *)(call);                                        \
		int __e = errno;                                                   \
		printf(fmt " = %s errno=%s\n", ##__VA_ARGS__, __p ? "ptr" : "NULL", \
		       __p && (null_only) ? "-" : o_errname(__e));                 \
	} while (0)

/* A libbpfrs-only check: reported on stderr, fails the run through the exit code. */
#define o_self_check(cond, ...)                                                    \
	do {                                                                       \
		if (!(cond)) {                                                     \
			o_self_failed++;                                           \
			fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond);  \
			fprintf(stderr, __VA_ARGS__);                              \
			fprintf(stderr, "\n");                                     \
		}                                                                  \
	} while (0)

static inline void o_require_root(void)
{
	if (geteuid() != 0) {
		printf("SKIP: needs root for bpf()\n");
		exit(77);
	}
}

/* Builds c-tests/bpf/<name>.bpf.c (bpfobj_build) or ends the program: exit 77
 * when clang is missing, 1 when the build fails. */
static inline void o_build(const char *name, const char *out, const char *flags, char *path,
			   size_t n)
{
	int r = bpfobj_build(name, out, flags, path, n);

	if (r == 77) {
		printf("SKIP: clang not installed\n");
		exit(77);
	}
	if (r) {
		printf("FAIL: could not build c-tests/bpf/%s.bpf.c\n", name);
		exit(1);
	}
}

/* fd 0 made /dev/null on both sides, so calls given fd 0 ("not a map", "not a
 * program") see the same file whatever stdin the harness gave. */
static inline void o_stdin_devnull(void)
{
	int null_fd = open("/dev/null", O_RDONLY);

	if (null_fd > 0) {
		dup2(null_fd, 0);
		close(null_fd);
	}
}

static inline int o_done(void)
{
	fflush(stdout);
	return o_self_failed ? 1 : 0;
}

#endif
