/* libbpf-bootstrap's "uprobe": entry and return probes on functions of the test
 * binary (bs_uprobed_add, attached by function name; bs_uprobed_sub,
 * auto-attached from its section name) and on a C library function (atoi, by
 * name in libc.so.6). The arguments come from pt_regs through BPF_KPROBE, the
 * return values through BPF_KRETPROBE; each probe records what it saw and how
 * often it ran. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

int add_a = 0, add_b = 0, add_ret = 0, sub_a = 0, sub_b = 0, sub_ret = 0, atoi_ret = 0;
unsigned add_hits = 0, add_ret_hits = 0, sub_hits = 0, sub_ret_hits = 0;
unsigned atoi_hits = 0, atoi_ret_hits = 0;
char atoi_arg[16] = {};

/* What one entry probe saw: the two arguments, one more hit. */
static __always_inline void seen_args(int *pa, int *pb, unsigned *hits, int a, int b)
{
	*pa = a;
	*pb = b;
	__sync_fetch_and_add(hits, 1);
}

/* What one return probe saw. */
static __always_inline void seen_ret(int *pret, unsigned *hits, int ret)
{
	*pret = ret;
	__sync_fetch_and_add(hits, 1);
}

SEC("uprobe")
int BPF_KPROBE(uprobe_add, int a, int b)
{
	seen_args(&add_a, &add_b, &add_hits, a, b);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(uretprobe_add, int ret)
{
	seen_ret(&add_ret, &add_ret_hits, ret);
	return 0;
}

SEC("uprobe//proc/self/exe:bs_uprobed_sub")
int BPF_KPROBE(uprobe_sub, int a, int b)
{
	seen_args(&sub_a, &sub_b, &sub_hits, a, b);
	return 0;
}

SEC("uretprobe//proc/self/exe:bs_uprobed_sub")
int BPF_KRETPROBE(uretprobe_sub, int ret)
{
	seen_ret(&sub_ret, &sub_ret_hits, ret);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(uprobe_atoi, const char *s)
{
	bpf_probe_read_user_str(atoi_arg, sizeof(atoi_arg), s);
	__sync_fetch_and_add(&atoi_hits, 1);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(uretprobe_atoi, int ret)
{
	seen_ret(&atoi_ret, &atoi_ret_hits, ret);
	return 0;
}
