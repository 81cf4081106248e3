/* Shared helpers of the c-tests/legacy/ tests (the bpf_load.c loader): build
 * a c-tests/bpf/lg_*.bpf.c object with clang at run time, private network
 * namespaces, and small socket utilities. */
#ifndef LG_UTIL_H
#define LG_UTIL_H

#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "harness.h"

static char lg_dir[64];

/* The directory holding c-tests/bpf: beside this file's folder, or upwards from
 * cwd. */
static inline int lg_find_bpf_dir(char *out, size_t n)
{
	char dir[PATH_MAX / 2], probe[PATH_MAX + 64];
	int i;

	snprintf(out, n, "%s", __FILE__);
	char *slash = strrchr(out, '/');
	if (slash) {
		*slash = 0;
		snprintf(probe, sizeof(probe), "%s/../bpf/lg_helpers.h", out);
		if (!access(probe, R_OK)) {
			strncat(out, "/../bpf", n - strlen(out) - 1);
			return 0;
		}
	}
	if (!getcwd(dir, sizeof(dir)))
		return -1;
	for (i = 0; i < 8; i++) {
		snprintf(probe, sizeof(probe), "%s/c-tests/bpf/lg_helpers.h", dir);
		if (!access(probe, R_OK)) {
			snprintf(out, n, "%s/c-tests/bpf", dir);
			return 0;
		}
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = 0;
	}
	return -1;
}

/* Builds c-tests/bpf/<name>.bpf.c (with extra clang flags) into
 * /tmp/lg_<pid>/<out>.o; the object path is written to `path`. Skips the test
 * without clang; returns 0 or -1. */
static inline int lg_build(const char *name, const char *flags, const char *out, char *path, size_t n)
{
	char bpf_dir[PATH_MAX], cmd[4 * PATH_MAX];

	if (system("command -v clang >/dev/null 2>&1") != 0)
		h_skip("clang not installed");
	if (lg_find_bpf_dir(bpf_dir, sizeof(bpf_dir)))
		return -1;
	if (!lg_dir[0]) {
		snprintf(lg_dir, sizeof(lg_dir), "/tmp/lg_%d", (int)getpid());
		if (mkdir(lg_dir, 0700) && errno != EEXIST)
			return -1;
	}
	snprintf(path, n, "%s/%s.o", lg_dir, out);
	snprintf(cmd, sizeof(cmd),
		 "clang -O2 -target bpf -I/usr/include/$(uname -m)-linux-gnu %s -c '%s/%s.bpf.c' -o '%s'",
		 flags ? flags : "", bpf_dir, name, path);
	return system(cmd) ? -1 : 0;
}

static inline void lg_cleanup(void)
{
	char cmd[128];

	if (lg_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", lg_dir);
		if (system(cmd)) {
		}
	}
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
