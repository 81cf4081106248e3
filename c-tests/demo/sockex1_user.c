/* Demo, legacy style: the kernel's old samples/bpf/sockex1_user.c flow on
 * libbpfrs. load_bpf_file() loads sockex1_kern.o (map_fd[0], prog_fd[0] come
 * from bpf_load.c's globals), the socket filter is attached to a packet socket on
 * lo, the demo sends UDP and TCP traffic to itself and prints the bytes counted
 * per protocol, reading the map with bpf_map_lookup_elem. */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf_load.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int open_raw_sock(const char *name)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int sock = socket(PF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));

	if (sock < 0)
		return -1;
	sll.sll_ifindex = (int)if_nametoindex(name);
	if (bind(sock, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(sock);
		return -1;
	}
	return sock;
}

static void traffic(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int u = socket(AF_INET, SOCK_DGRAM, 0), l = socket(AF_INET, SOCK_STREAM, 0), c;
	int i;

	bind(u, (struct sockaddr *)&a, sizeof(a));
	getsockname(u, (struct sockaddr *)&a, &len);
	for (i = 0; i < 10; i++)
		sendto(u, "ping", 4, 0, (struct sockaddr *)&a, sizeof(a));
	a.sin_port = 0;
	bind(l, (struct sockaddr *)&a, sizeof(a));
	listen(l, 1);
	len = sizeof(a);
	getsockname(l, (struct sockaddr *)&a, &len);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) == 0)
		for (i = 0; i < 5; i++)
			send(c, "hello", 5, 0);
	close(c);
	close(l);
	close(u);
}

int main(int argc, char **argv)
{
	char filename[256];
	long tcp = 0, udp = 0, icmp = 0;
	int sock, key;

	snprintf(filename, sizeof(filename), "%s_kern.o", argv[0]);
	(void)argc;
	if (load_bpf_file(filename)) {
		printf("%s", bpf_log_buf);
		return 1;
	}
	sock = open_raw_sock("lo");
	if (sock < 0 || setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, prog_fd, sizeof(prog_fd[0]))) {
		fprintf(stderr, "attach: %s\n", strerror(errno));
		return 1;
	}
	traffic();
	usleep(100 * 1000);
	key = IPPROTO_TCP;
	bpf_map_lookup_elem(map_fd[0], &key, &tcp);
	key = IPPROTO_UDP;
	bpf_map_lookup_elem(map_fd[0], &key, &udp);
	key = IPPROTO_ICMP;
	bpf_map_lookup_elem(map_fd[0], &key, &icmp);
	printf("sockex1 (load_bpf_file, map_fd[0]=%d, prog_fd[0]=%d, prog_cnt=%d): "
	       "TCP %ld bytes, UDP %ld bytes, ICMP %ld bytes\n",
	       map_fd[0], prog_fd[0], prog_cnt, tcp, udp, icmp);
	close(sock);
	return tcp > 0 && udp > 0 ? 0 : 1;
}
