/* kprobe.multi programs for c-tests/attach/kprobe_multi.c and
 * c-tests/oracle/kprobe_multi.c: the section forms libbpf 1.1.2 knows, with and
 * without an auto-attach pattern. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 km_hits;

SEC("kprobe.multi/do_nanosleep")
int km_one(void *ctx)
{
	km_hits++;
	return 0;
}

SEC("kretprobe.multi/hrtimer_nano*")
int km_glob_ret(void *ctx)
{
	return 0;
}

SEC("kprobe.multi")
int km_bare(void *ctx)
{
	return 0;
}

SEC("kprobe.multi/bpfrs_no_such_function_*")
int km_none(void *ctx)
{
	return 0;
}

SEC("kprobe.multi/")
int km_empty(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
