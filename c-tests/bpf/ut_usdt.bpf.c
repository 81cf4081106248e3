/* USDT programs for attach/usdt_attach: ut_explicit (attached by
 * bpf_program__attach_usdt) records its three arguments, argument count, cookie
 * and hit count in slots 0-5 of ut_out; ut_auto (auto-attached to the
 * semaphore-guarded probe of the test binary itself) its argument and hits in
 * slots 6-7, and in slot 8 what reading a missing argument returns. */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, long);
} ut_out SEC(".maps");

static __always_inline void put(__u32 slot, long v)
{
	bpf_map_update_elem(&ut_out, &slot, &v, BPF_ANY);
}

static __always_inline void bump(__u32 slot)
{
	long *v = bpf_map_lookup_elem(&ut_out, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("usdt")
int BPF_USDT(ut_explicit, long a, long b, long c)
{
	put(0, a);
	put(1, b);
	put(2, c);
	put(3, bpf_usdt_cookie(ctx));
	put(4, bpf_usdt_arg_cnt(ctx));
	bump(5);
	return 0;
}

SEC("usdt//proc/self/exe:ut_prov:ut_sema")
int ut_auto(struct pt_regs *ctx)
{
	long v = 0, missing = 0;

	bpf_usdt_arg(ctx, 0, &v);
	put(6, v);
	bump(7);
	put(8, bpf_usdt_arg(ctx, 1, &missing));
	return 0;
}
