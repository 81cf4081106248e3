/* Programs that attach to a function of another BPF program (tg_target.bpf.c's
 * `tg_global`): an freplace replacing it, an fentry and an fexit tracing it, an
 * freplace naming a function the target lacks, and a bare freplace whose target
 * comes from bpf_program__set_attach_target() alone. Build with -g. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace/tg_global")
int tg_new(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("fentry/tg_global")
int tg_entry(void *ctx)
{
	return 0;
}

SEC("fexit/tg_global")
int tg_exit(void *ctx)
{
	return 0;
}

SEC("freplace/tg_absent")
int tg_absent(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("freplace")
int tg_bare(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
