/* A tiny check framework for the C tests: each program counts its checks, prints
 * one summary line, and exits 0 (all passed), 1 (a check failed) or 77 (skipped:
 * the machine lacks root or a kernel feature). Under LIBBPFRS_REQUIRE_KERNEL=1 a
 * skip is a failure, so CI never passes by skipping. */
#ifndef LIBBPFRS_TEST_HARNESS_H
#define LIBBPFRS_TEST_HARNESS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

static int h_passed, h_failed;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (cond) {                                                     \
			h_passed++;                                             \
		} else {                                                        \
			h_failed++;                                             \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, \
				#cond);                                         \
			fprintf(stderr, __VA_ARGS__);                           \
			fprintf(stderr, "\n");                                  \
		}                                                               \
	} while (0)

/* Compares two integer expressions and prints both on failure. */
#define CHECK_EQ(a, b)                                                          \
	do {                                                                    \
		long long __a = (long long)(a), __b = (long long)(b);           \
		CHECK(__a == __b, "%s = %lld, expected %s = %lld", #a, __a, #b, \
		      __b);                                                     \
	} while (0)

/* Runs a call and checks both its return value and errno. */
#define CHECK_RET(call, want_ret, want_errno)                                   \
	do {                                                                    \
		errno = 0;                                                      \
		long long __r = (long long)(call);                              \
		int __e = errno;                                                \
		CHECK(__r == (long long)(want_ret) && __e == (want_errno),      \
		      "%s returned %lld errno %d (%s); expected %lld errno %d", \
		      #call, __r, __e, strerror(__e), (long long)(want_ret),    \
		      (int)(want_errno));                                       \
	} while (0)

/* The return convention is chosen by the program (README, "Error convention"):
 * libbpf 1.x's -errno unless a 0.x-only function has been called or
 * libbpf_set_strict_mode pinned it. A test written for libbpf 0.x's -1 that may
 * check one before its first 0.x-only call starts with h_use_0x_returns(), which
 * pins 0.x's convention as a 0.x-era program (libbpf 0.6-0.8) would. */
#define h_use_0x_returns() libbpf_set_strict_mode(LIBBPF_STRICT_NONE)

/* Checks a kernel refusal in both errno modes: -1 with errno in 0.x's convention
 * (where the test is when it gets here: h_use_0x_returns, a 0.x-only call or an
 * earlier CHECK_KERR), -errno once libbpf_set_strict_mode(LIBBPF_STRICT_ALL) is
 * on; leaves 0.x's convention pinned. */
#define CHECK_KERR(call, e)                                      \
	do {                                                     \
		CHECK_RET(call, -1, e);                          \
		libbpf_set_strict_mode(LIBBPF_STRICT_ALL);       \
		CHECK_RET(call, -(e), e);                        \
		libbpf_set_strict_mode(LIBBPF_STRICT_NONE);      \
	} while (0)

/* A user-space argument check: -errno with errno set, in both modes. */
#define CHECK_UERR(call, e)                                      \
	do {                                                     \
		CHECK_RET(call, -(e), e);                        \
		libbpf_set_strict_mode(LIBBPF_STRICT_ALL);       \
		CHECK_RET(call, -(e), e);                        \
		libbpf_set_strict_mode(LIBBPF_STRICT_NONE);      \
	} while (0)

/* For checks run in a loop over both errno modes: h_set_mode(s) switches the
 * library to strict mode (s = 1) or pins 0.x's convention (s = 0), and KERR(e) is
 * what a kernel refusal with errno e returns in the mode set. */
static int h_strict __attribute__((unused));
#define KERR(e) (h_strict ? -(e) : -1)
#define h_set_mode(s)                                                                    \
	do {                                                                             \
		h_strict = (s);                                                          \
		libbpf_set_strict_mode(h_strict ? LIBBPF_STRICT_ALL : LIBBPF_STRICT_NONE); \
	} while (0)

/* Skips the whole program (exit 77) with a one-line reason, or fails it when CI
 * requires the kernel feature. */
static inline void h_skip(const char *why)
{
	const char *req = getenv("LIBBPFRS_REQUIRE_KERNEL");

	if (req && !strcmp(req, "1")) {
		fprintf(stderr, "FAIL: required kernel feature missing: %s\n", why);
		exit(1);
	}
	printf("SKIP: %s\n", why);
	exit(77);
}

/* One part of a test cannot run because a kernel feature or tool is missing: a
 * failed check where CI requires the kernel, a one-line note elsewhere. The
 * caller then skips that part. */
static inline void h_missing(const char *why)
{
	const char *req = getenv("LIBBPFRS_REQUIRE_KERNEL");

	if (req && !strcmp(req, "1")) {
		h_failed++;
		fprintf(stderr, "FAIL: required kernel feature missing: %s\n", why);
		return;
	}
	printf("SKIP (part): %s\n", why);
}

static inline void require_root(void)
{
	if (geteuid() != 0)
		h_skip("needs root for bpf()");
}

/* Number of open file descriptors of this process, for leak checks. */
static inline int h_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

static inline int h_done(const char *name)
{
	printf("%s: %d checks passed, %d failed\n", name, h_passed, h_failed);
	return h_failed ? 1 : 0;
}

#endif
