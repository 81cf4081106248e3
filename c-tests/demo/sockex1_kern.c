/* Demo BPF side, written the way the kernel's old samples/bpf/sockex1_kern.c was:
 * a legacy SEC("maps") ARRAY of 256 counters indexed by IP protocol, and a socket
 * filter that counts outgoing packets. Loaded by sockex1_user.c with bpf_load.c's
 * load_bpf_file(). SEC(), the map definition and the BPF helper declarations come
 * from c-tests/bpf/lg_helpers.h, as the samples' came from bpf_helpers.h. */
#include <stddef.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include "../bpf/lg_helpers.h"

struct bpf_map_def SEC("maps") my_map = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(long),
	.max_entries = 256,
};

SEC("socket1")
int bpf_prog1(struct __sk_buff *skb)
{
	__u32 index = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
	long *value;

	if (skb->pkt_type != PACKET_OUTGOING)
		return 0;
	value = bpf_map_lookup_elem(&my_map, &index);
	if (value)
		__sync_fetch_and_add(value, skb->len);
	return 0;
}

char _license[] SEC("license") = "GPL";
