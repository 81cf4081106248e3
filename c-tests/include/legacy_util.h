/* Shared helpers of the c-tests/legacy/ tests (the bpf_load.c loader): build
 * a c-tests/bpf/lg_*.bpf.c object with clang at run time, capture what the
 * loader prints, private network namespaces, and small socket utilities.
 * Define _GNU_SOURCE before including any header (O_TMPFILE). */
#ifndef LG_UTIL_H
#define LG_UTIL_H

#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "harness.h"
#include "bpfobj.h"

static char lg_dir[64];

/* Builds c-tests/bpf/<name>.bpf.c (with extra clang flags) into
 * /tmp/lg.<pid>/<out>.o; the object path is written to `path`. Skips the test
 * without clang; returns 0 or -1. */
static inline int lg_build(const char *name, const char *flags, const char *out, char *path, size_t n)
{
	char src[PATH_MAX];

	if (!bpfobj_have_clang())
		h_skip("clang not installed");
	if (bpfobj_find(name, src, sizeof(src)))
		return -1;
	if (!lg_dir[0] && bpfobj_tmpdir("lg", lg_dir, sizeof(lg_dir)))
		return -1;
	snprintf(path, n, "%s/%s.o", lg_dir, out);
	return bpfobj_compile(src, flags, path);
}

static inline void lg_cleanup(void)
{
	bpfobj_rmdir(lg_dir);
}

/* stdout sent to an unnamed temporary file around a call, for the messages
 * the loader prints: lg_stdout_begin(&c), the call, then lg_stdout_end(&c, out,
 * size) copies what was printed into `out` (NUL-terminated) and leaves errno as
 * the call left it. */
struct lg_capture {
	int saved, fd;
};

static inline void lg_stdout_begin(struct lg_capture *c)
{
	fflush(stdout);
	c->fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	c->saved = dup(1);
	dup2(c->fd, 1);
	errno = 0;
}

static inline void lg_stdout_end(struct lg_capture *c, char *out, size_t size)
{
	int e = errno;
	ssize_t n;

	fflush(stdout);
	dup2(c->saved, 1);
	close(c->saved);
	n = pread(c->fd, out, size - 1, 0);
	out[n > 0 ? n : 0] = 0;
	close(c->fd);
	errno = e;
}

/* Moves this process into a new network namespace and brings its lo up, so the
 * packets a test counts are its own. */
static inline int lg_private_netns(void)
{
	struct ifreq ifr = { 0 };
	int s;

	if (unshare(CLONE_NEWNET))
		return -1;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return 0;
}

/* Sends `n` UDP datagrams to 127.0.0.1:`port`; returns how many were sent. */
static inline int lg_send_udp(int n, int port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s, r, i, sent = 0;

	/* A receiver, so no ICMP port-unreachable adds to the traffic. */
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (r < 0 || bind(r, (struct sockaddr *)&to, sizeof(to)))
		return 0;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (sendto(s, "lg", 2, 0, (struct sockaddr *)&to, sizeof(to)) == 2)
			sent++;
	close(s);
	close(r);
	return sent;
}

#endif
