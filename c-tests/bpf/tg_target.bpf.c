/* A target program for BPF-program attach targets (c-tests/attach/attach_target.c,
 * c-tests/oracle/attach_target.c): an XDP program calling a global function, so
 * that the loaded program's BTF has a FUNC `tg_global` that an freplace program
 * can replace and an fentry/fexit program can trace. Build with -g. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__attribute__((noinline)) int tg_global(struct xdp_md *ctx)
{
	return ctx->rx_queue_index ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int tg_xdp(struct xdp_md *ctx)
{
	return tg_global(ctx);
}

char LICENSE[] SEC("license") = "GPL";
