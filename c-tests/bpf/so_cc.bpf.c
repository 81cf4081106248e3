/* A minimal TCP congestion control as struct_ops maps, for
 * c-tests/attach/struct_ops.c and c-tests/oracle/struct_ops.c. Only the members
 * used are declared: the loader matches them with the kernel's struct
 * tcp_congestion_ops by name. Both maps share their programs, as libbpf allows
 * for the same member of the same struct type.
 *
 * Variants (-D) that the loader must refuse:
 *   SO_BAD_MEMBER  a function pointer the kernel's struct lacks (load)
 *   SO_BAD_SIZE    `flags` 8 bytes wide where the kernel's is 4 (load)
 *   SO_BAD_TYPE    a struct type the kernel has no struct_ops for (load)
 *   SO_TWICE       one program in two different members (open)
 *   SO_NOT_SO      an XDP program in a function pointer (open)
 *   SO_LINK_SEC    the maps in `.struct_ops.link` (a section of libbpf 1.2+) */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct sock;

#ifdef SO_BAD_TYPE
#define tcp_congestion_ops bpfrs_no_such_ops
#endif

#ifdef SO_LINK_SEC
#define SO_SEC ".struct_ops.link"
#else
#define SO_SEC ".struct_ops"
#endif

struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*init)(struct sock *sk);
#ifdef SO_BAD_MEMBER
	void (*bpfrs_no_such_member)(struct sock *sk);
#endif
#ifdef SO_BAD_SIZE
	__u64 flags;
#else
	__u32 flags;
#endif
	char name[16];
};

/* Connections that started with this congestion control. */
__u64 so_init_calls;

SEC("struct_ops/so_ssthresh")
__u32 BPF_PROG(so_ssthresh, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/so_cong_avoid")
void BPF_PROG(so_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops/so_undo_cwnd")
__u32 BPF_PROG(so_undo_cwnd, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/so_init")
void BPF_PROG(so_init, struct sock *sk)
{
	__sync_fetch_and_add(&so_init_calls, 1);
}

#ifdef SO_BAD_MEMBER
SEC("struct_ops/so_extra")
void BPF_PROG(so_extra, struct sock *sk)
{
}
#endif

#ifdef SO_NOT_SO
SEC("xdp")
int so_xdp(void *ctx)
{
	return 2;
}
#endif

SEC(SO_SEC)
struct tcp_congestion_ops so_cc = {
	.ssthresh = (void *)so_ssthresh,
	.cong_avoid = (void *)so_cong_avoid,
#ifdef SO_TWICE
	.undo_cwnd = (void *)so_ssthresh,
#else
	.undo_cwnd = (void *)so_undo_cwnd,
#endif
#ifdef SO_NOT_SO
	.init = (void *)so_xdp,
#else
	.init = (void *)so_init,
#endif
#ifdef SO_BAD_MEMBER
	.bpfrs_no_such_member = (void *)so_extra,
#endif
	.name = "bpfrs_so_cc",
};

SEC(SO_SEC)
struct tcp_congestion_ops so_cc2 = {
	.ssthresh = (void *)so_ssthresh,
	.cong_avoid = (void *)so_cong_avoid,
	.undo_cwnd = (void *)so_undo_cwnd,
	.name = "bpfrs_so_cc2",
};

char LICENSE[] SEC("license") = "GPL";
