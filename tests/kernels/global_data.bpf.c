/* .bss, .data and .rodata with variables a skeleton would expose, and a data
 * section holding only a static variable (not mmap()able). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 calls;
__u64 step = 1;
const volatile __u64 limit = 5;
static __u64 seen SEC(".data.priv");

SEC("socket")
int count(void *ctx)
{
	if (calls < limit)
		calls += step;
	seen++;
	return 0;
}

char _license[] SEC("license") = "GPL";
