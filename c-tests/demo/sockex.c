/* Demo: count packets on the loopback interface by IP protocol, the way the
 * kernel's old samples/bpf/sockex1 did, using only libbpf's low-level API:
 *   bpf_map_create / bpf_prog_load (6 arguments) / bpf_map_lookup_elem /
 *   bpf_map_get_next_key. The socket filter is written as raw instructions and
 *   attached to a packet socket bound to lo; the demo then sends UDP and TCP
 *   traffic to itself and prints what the map counted. */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

int main(void)
{
	char log[4096] = "";
	int map_fd, prog_fd, sock, i;

	map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "proto_count", sizeof(__u32), sizeof(__u64), 256, NULL);
	if (map_fd < 0) {
		fprintf(stderr, "bpf_map_create: %s (are you root?)\n", strerror(errno));
		return 1;
	}
	struct bpf_insn prog[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),          /* r6 = skb */
		INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, ETH_HLEN + 9),  /* r0 = ip->protocol */
		INSN(BPF_STX | BPF_MEM | BPF_W, 10, 0, -4, 0),          /* *(u32 *)(fp - 4) = r0 */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),         /* r2 = fp */
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),         /* r2 -= 4 */
		INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map_fd), /* r1 = map */
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2, 0),            /* if !r0 goto out */
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1),          /* r1 = 1 */
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 0, 1, 0, BPF_ADD),  /* *(u64 *)r0 += r1 */
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),          /* out: r0 = 0 */
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log, .log_size = sizeof(log));
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sockex", "GPL", prog,
				sizeof(prog) / sizeof(prog[0]), &opts);
	if (prog_fd < 0) {
		fprintf(stderr, "bpf_prog_load: %s\n%s\n", strerror(errno), log);
		return 1;
	}

	sock = socket(PF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)if_nametoindex("lo") };
	if (sock < 0 || bind(sock, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd))) {
		fprintf(stderr, "packet socket on lo: %s\n", strerror(errno));
		return 1;
	}

	/* Traffic: 10 UDP datagrams and one TCP connection to ourselves. */
	int u = socket(AF_INET, SOCK_DGRAM, 0), l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	bind(l, (struct sockaddr *)&a, sizeof(a));
	listen(l, 1);
	getsockname(l, (struct sockaddr *)&a, &alen);
	for (i = 0; i < 10; i++)
		sendto(u, "hello", 5, 0, (struct sockaddr *)&a, sizeof(a));
	int t = socket(AF_INET, SOCK_STREAM, 0);
	connect(t, (struct sockaddr *)&a, sizeof(a));
	usleep(100000);

	printf("packets seen on lo by IP protocol (both directions):\n");
	__u32 key, next;
	__u64 count;
	int have_key = 0, ok = 0;
	/* `== 0`, not `!= -1`: this program calls no 0.x-only function, so libbpfrs
	 * gives it libbpf 1.x's -errno returns (README, "Error convention"). */
	while (bpf_map_get_next_key(map_fd, have_key ? &key : NULL, &next) == 0) {
		have_key = 1;
		key = next;
		if (bpf_map_lookup_elem(map_fd, &key, &count) == 0 && count) {
			printf("  protocol %3u (%s): %llu\n", key,
			       key == IPPROTO_TCP ? "TCP" : key == IPPROTO_UDP ? "UDP" :
			       key == IPPROTO_ICMP ? "ICMP" : "other", (unsigned long long)count);
			if (key == IPPROTO_UDP && count >= 10)
				ok = 1;
		}
	}
	close(t); close(u); close(l); close(sock); close(prog_fd); close(map_fd);
	if (!ok) {
		fprintf(stderr, "demo: expected at least 10 UDP packets\n");
		return 1;
	}
	printf("demo: ok\n");
	return 0;
}
