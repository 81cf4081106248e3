/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* usdt.bpf.h: BPF_USDT and the argument accessors over the spec and IP
 * maps (their layout is checked against libbpf's by the user-space side). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>

char LICENSE[] SEC("license") = "GPL";

long got[4];

SEC("usdt")
int BPF_USDT(probe, int a, long b, const char *s)
{
	long third = 0;

	got[0] = a + b + (long)s;
	got[1] = bpf_usdt_arg_cnt(ctx) + bpf_usdt_cookie(ctx);
	got[2] = bpf_usdt_arg(ctx, 2, &third);
	got[3] = third;
	return 0;
}

SEC("usdt")
int BPF_USDT(bare)
{
	got[0]++;
	return 0;
}
