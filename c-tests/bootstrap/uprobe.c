/* libbpf-bootstrap's uprobe on libbpfrs (bpf/bs_uprobe.bpf.c): BPF_KPROBE and
 * BPF_KRETPROBE on a function of this binary attached by name
 * (bpf_program__attach_uprobe_opts with func_name), on another auto-attached
 * from SEC("uprobe//proc/self/exe:bs_uprobed_sub"), and on libc's atoi found by
 * name in libc.so.6; the arguments and return values read from pt_regs must be
 * the ones of the calls. */
#define _GNU_SOURCE
#include "harness.h"
#include "bootstrap.h"

int main(void)
{
	struct bs_uprobe_result r;

	require_root();
	CHECK_EQ(bs_run_uprobe(&r), 0);
	CHECK_EQ(r.load, 0);
	CHECK_EQ(r.attach, 0);
	CHECK_EQ(r.add_link, 0);
	CHECK_EQ(r.add_ret_link, 0);
	CHECK_EQ(r.atoi_link, 0);
	CHECK_EQ(r.atoi_ret_link, 0);
	/* The last of add(i, 10 * i + 1) and sub(100, i + 2), i = 0..2. */
	CHECK_EQ(r.add_hits, 3);
	CHECK_EQ(r.add_ret_hits, 3);
	CHECK_EQ(r.add_a, 2);
	CHECK_EQ(r.add_b, 21);
	CHECK_EQ(r.add_ret, 23);
	CHECK_EQ(r.sub_hits, 3);
	CHECK_EQ(r.sub_ret_hits, 3);
	CHECK_EQ(r.sub_a, 100);
	CHECK_EQ(r.sub_b, 4);
	CHECK_EQ(r.sub_ret, 96);
	CHECK_EQ(r.atoi_hits, 1);
	CHECK_EQ(r.atoi_ret_hits, 1);
	CHECK(!strcmp(r.atoi_arg, "4242"), "atoi's argument read as '%s'", r.atoi_arg);
	CHECK_EQ(r.atoi_ret, 4242);
	return h_done("bootstrap/uprobe");
}
