/* libbpf-bootstrap's "usdt": BPF_USDT programs on probes of the test binary
 * (bs_auto, auto-attached from SEC("usdt//proc/self/exe:bs_prov:bs_auto");
 * bs_manual, attached by bpf_program__attach_usdt with a cookie) and on a probe
 * of a shared library the test builds and loads (bs_lib). Each records its
 * arguments, argument count, cookie and hits. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

long auto_x = 0, manual_a = 0, manual_b = 0, lib_a = 0, lib_b = 0;
long manual_cnt = 0, lib_cnt = 0;
unsigned long long manual_cookie = 0, lib_cookie = 0;
unsigned auto_hits = 0, manual_hits = 0, lib_hits = 0;

SEC("usdt//proc/self/exe:bs_prov:bs_auto")
int BPF_USDT(usdt_auto, long x)
{
	auto_x = x;
	__sync_fetch_and_add(&auto_hits, 1);
	return 0;
}

/* One probe of the two attached by hand: its arguments, argument count and
 * cookie go to the slots given. */
static __always_inline void seen(struct pt_regs *ctx, long a, long b, long *pa, long *pb,
				 long *pcnt, unsigned long long *pcookie, unsigned *hits)
{
	*pa = a;
	*pb = b;
	*pcnt = bpf_usdt_arg_cnt(ctx);
	*pcookie = bpf_usdt_cookie(ctx);
	__sync_fetch_and_add(hits, 1);
}

SEC("usdt")
int BPF_USDT(usdt_manual, long a, long b)
{
	seen(ctx, a, b, &manual_a, &manual_b, &manual_cnt, &manual_cookie, &manual_hits);
	return 0;
}

SEC("usdt")
int BPF_USDT(usdt_lib, long a, long b)
{
	seen(ctx, a, b, &lib_a, &lib_b, &lib_cnt, &lib_cookie, &lib_hits);
	return 0;
}
