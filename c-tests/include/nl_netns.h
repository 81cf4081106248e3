/* Network fixture for the XDP/TC netlink tests: two network namespaces
 * nl_a<pid> and nl_b<pid> joined by a veth pair (nl_a<pid> in A with 10.199.0.1,
 * nl_b<pid> in B with 10.199.0.2). The test process moves into A, so netlink
 * calls see the A end (nl_ifindex); nl_send_udp() sends from B to A. Everything
 * is deleted at exit. Define _GNU_SOURCE before including any header. */
#ifndef LIBBPFRS_NL_NETNS_H
#define LIBBPFRS_NL_NETNS_H

#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char nl_ns_a[32], nl_ns_b[32], nl_if_a[IFNAMSIZ], nl_if_b[IFNAMSIZ];
static int nl_ifindex;
static pid_t nl_owner;

static int nl_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int nl_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	return system(cmd);
}

static inline void nl_cleanup(void)
{
	if (getpid() != nl_owner)
		return;
	nl_sh("ip netns del %s", nl_ns_a);
	nl_sh("ip netns del %s", nl_ns_b);
}

static void nl_on_signal(int sig)
{
	nl_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int nl_enter(const char *ns)
{
	char path[64];
	int fd, err;

	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	err = setns(fd, CLONE_NEWNET);
	close(fd);
	return err;
}

/* Builds the fixture and enters A. Returns 0, or -1 (the caller skips). */
static int nl_setup(void)
{
	int pid = getpid();

	nl_owner = pid;
	snprintf(nl_ns_a, sizeof(nl_ns_a), "nl_a%d", pid);
	snprintf(nl_ns_b, sizeof(nl_ns_b), "nl_b%d", pid);
	snprintf(nl_if_a, sizeof(nl_if_a), "nl_a%d", pid);
	snprintf(nl_if_b, sizeof(nl_if_b), "nl_b%d", pid);
	atexit(nl_cleanup);
	signal(SIGINT, nl_on_signal);
	signal(SIGTERM, nl_on_signal);
	if (nl_sh("ip netns add %s", nl_ns_a) || nl_sh("ip netns add %s", nl_ns_b) ||
	    nl_sh("ip -n %s link add %s type veth peer name %s netns %s", nl_ns_a, nl_if_a,
		  nl_if_b, nl_ns_b) ||
	    nl_sh("ip -n %s addr add 10.199.0.1/24 dev %s", nl_ns_a, nl_if_a) ||
	    nl_sh("ip -n %s addr add 10.199.0.2/24 dev %s", nl_ns_b, nl_if_b) ||
	    nl_sh("ip -n %s link set lo up", nl_ns_a) ||
	    nl_sh("ip -n %s link set %s up", nl_ns_a, nl_if_a) ||
	    nl_sh("ip -n %s link set %s up", nl_ns_b, nl_if_b))
		return -1;
	if (nl_enter(nl_ns_a))
		return -1;
	nl_ifindex = if_nametoindex(nl_if_a);
	return nl_ifindex > 0 ? 0 : -1;
}

/* Sends n UDP datagrams from B to 10.199.0.1:9 (from a child in B). Returns the
 * number the child sent, or -1. */
static inline int nl_send_udp(int n)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
		int s, i, sent = 0;

		if (nl_enter(nl_ns_b))
			_exit(255);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		inet_pton(AF_INET, "10.199.0.1", &to.sin_addr);
		for (i = 0; i < n; i++) {
			if (sendto(s, "libbpfrs", 8, 0, (struct sockaddr *)&to, sizeof(to)) == 8)
				sent++;
			usleep(20000);
		}
		usleep(50000);
		_exit(sent);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) == 255)
		return -1;
	return WEXITSTATUS(st);
}

#endif
