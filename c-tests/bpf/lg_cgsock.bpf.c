/* cgroup/sock: counts socket creations in the cgroup by type (lg_sock_count[0]
 * UDP datagram sockets, [1] everything else) and refuses SOCK_RAW sockets. */
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#include "lg_helpers.h"

struct bpf_map_def SEC("maps") lg_sock_count = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(long),
	.max_entries = 2,
};

SEC("cgroup/sock")
int lg_sock_create(struct bpf_sock *sk)
{
	__u32 key = sk->type == SOCK_DGRAM ? 0 : 1;
	long *v = bpf_map_lookup_elem(&lg_sock_count, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return sk->type == SOCK_RAW ? 0 : 1;
}

char _license[] SEC("license") = "GPL";
