/* bpf_load.c legacy loader, sockex1 style: a socket filter from a "socket1"
 * section counts outgoing packets per IP protocol into an ARRAY; the test attaches
 * prog_fd[0] to a raw packet socket on lo (SO_ATTACH_BPF) in a private network
 * namespace, sends UDP datagrams and ICMP echo requests, and checks the counts.
 * Also the globals (map_fd, prog_fd, prog_cnt, map_data, map_data_count) as seen
 * from this client (PIE and non-PIE builds: copy relocations). */
#define _GNU_SOURCE
#include <bpf_load.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/ip_icmp.h>
#include "legacy_util.h"

_Static_assert(sizeof(struct bpf_load_map_def) == 28, "bpf_load_map_def");
_Static_assert(sizeof(struct bpf_map_data) == 56, "bpf_map_data");
_Static_assert(sizeof(map_data) == 32 * 56, "map_data[32]");
_Static_assert(sizeof(map_fd) == 32 * sizeof(int), "map_fd[32]");
_Static_assert(sizeof(bpf_log_buf) == BPF_LOG_BUF_SIZE, "bpf_log_buf");

extern int prog_array_fd; /* not in the header, but exported by bpf_load.c */

static int open_raw_sock(const char *name)
{
	struct sockaddr_ll sll = { 0 };
	int sock;

	sock = socket(PF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (sock < 0)
		return -1;
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(name);
	sll.sll_protocol = htons(ETH_P_ALL);
	if (bind(sock, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(sock);
		return -1;
	}
	return sock;
}

static int send_pings(int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct icmphdr h = { .type = ICMP_ECHO };
	int s, i, sent = 0;

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (s < 0)
		s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (s < 0)
		return 0;
	for (i = 0; i < n; i++) {
		h.un.echo.sequence = htons(i + 1);
		if (sendto(s, &h, sizeof(h), 0, (struct sockaddr *)&to, sizeof(to)) == sizeof(h))
			sent++;
	}
	usleep(100000);
	close(s);
	return sent;
}

int main(void)
{
	char path[PATH_MAX];
	long udp = -1, icmp = -1;
	int sock, key, fds;

	require_root();
	if (lg_build("lg_sockex", NULL, "lg_sockex", path, sizeof(path)))
		h_skip("cannot build c-tests/bpf/lg_sockex.bpf.c");
	if (lg_private_netns())
		h_skip("cannot create a network namespace");

	/* Before any load: the BSS values and prog_array_fd's -1. */
	CHECK_EQ(prog_cnt, 0);
	CHECK_EQ(prog_array_fd, -1);
	CHECK_EQ(map_data_count, 0);

	/* A missing file: 1, errno ENOENT, no fd leaked, globals untouched. */
	fds = h_count_fds();
	CHECK_RET(load_bpf_file("/nonexistent/lg_none.o"), 1, ENOENT);
	CHECK_EQ(h_count_fds(), fds);
	CHECK_EQ(prog_cnt, 0);

	if (load_bpf_file(path)) {
		printf("%s", bpf_log_buf);
		CHECK(0, "load_bpf_file(%s) failed", path);
		return h_done("legacy_socket");
	}
	CHECK_EQ(prog_cnt, 1);
	CHECK(prog_fd[0] > 2, "prog_fd[0] = %d", prog_fd[0]);
	CHECK(map_fd[0] > 2, "map_fd[0] = %d", map_fd[0]);
	CHECK_EQ(map_data_count, 1);
	CHECK_EQ(map_data[0].fd, map_fd[0]);
	CHECK(map_data[0].name && !strcmp(map_data[0].name, "lg_proto_count"), "name %s",
	      map_data[0].name ? map_data[0].name : "(null)");
	CHECK_EQ(map_data[0].elf_offset, 0);
	CHECK_EQ(map_data[0].def.type, BPF_MAP_TYPE_ARRAY);
	CHECK_EQ(map_data[0].def.key_size, 4);
	CHECK_EQ(map_data[0].def.value_size, sizeof(long));
	CHECK_EQ(map_data[0].def.max_entries, 256);
	CHECK_EQ(map_data[1].fd, -1); /* all 32 slots reset when "maps" is seen */
	CHECK_EQ(map_data[31].fd, -1);
	CHECK_EQ(event_fd[0], 0);     /* socket programs are not auto-attached */
	CHECK_EQ(prog_array_fd, -1);  /* no PROG_ARRAY in this object */

	sock = open_raw_sock("lo");
	CHECK(sock >= 0, "open_raw_sock(lo): %s", strerror(errno));
	if (sock < 0)
		return h_done("legacy_socket");
	CHECK_RET(setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, prog_fd, sizeof(prog_fd[0])), 0, 0);

	CHECK_EQ(lg_send_udp(5, 9), 5);
	int pings = send_pings(3);
	CHECK_EQ(pings, 3);
	usleep(100000);

	key = IPPROTO_UDP;
	CHECK_RET(bpf_map_lookup_elem(map_fd[0], &key, &udp), 0, 0);
	key = IPPROTO_ICMP;
	CHECK_RET(bpf_map_lookup_elem(map_fd[0], &key, &icmp), 0, 0);
	printf("UDP %ld ICMP %ld packets\n", udp, icmp);
	/* Outgoing only: the 5 datagrams; the 3 echo requests (whether the kernel's
	 * replies count as outgoing on lo depends on its reply path: allow them). */
	CHECK_EQ(udp, 5);
	CHECK(icmp == pings || icmp == 2 * pings, "icmp %ld for %d echo requests", icmp, pings);
	key = IPPROTO_TCP;
	long tcp = -1;
	CHECK_RET(bpf_map_lookup_elem(map_fd[0], &key, &tcp), 0, 0);
	CHECK_EQ(tcp, 0);
	close(sock);
	lg_cleanup();
	return h_done("legacy_socket");
}
