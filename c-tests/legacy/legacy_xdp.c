/* bpf_load.c era XDP: an "xdp_*" section loaded by load_bpf_file (not attached),
 * then attached to lo of a private network namespace with the bpf_load
 * set_link_xdp_fd() (3-argument form, generic/SKB mode, and the old 2-argument
 * form through the header's macro); the program counts the test's UDP packets;
 * UPDATE_IF_NOEXIST on an attached device, a bad ifindex, detaching (fd -1). */
#define _GNU_SOURCE
#include <bpf_load.h>
#include <linux/if_link.h>
#include <fcntl.h>
#include "legacy_util.h"

static char out[4096];

static int xdp_captured(int ifindex, int fd, __u32 flags)
{
	struct lg_capture c;
	int r;

	lg_stdout_begin(&c);
	r = set_link_xdp_fd(ifindex, fd, flags);
	lg_stdout_end(&c, out, sizeof(out));
	return r;
}

static long count(void)
{
	__u32 k = 0;
	long v = -1;

	bpf_map_lookup_elem(map_fd[0], &k, &v);
	return v;
}

int main(void)
{
	char path[PATH_MAX];
	long before;
	int fds, r;

	require_root();
	if (lg_build("lg_xdp", NULL, "lg_xdp", path, sizeof(path)))
		h_skip("cannot build c-tests/bpf/lg_xdp.bpf.c");
	if (lg_private_netns())
		h_skip("cannot create a network namespace");
	if (load_bpf_file(path)) {
		printf("%s", bpf_log_buf);
		CHECK(0, "load_bpf_file(%s) failed", path);
		return h_done("legacy_xdp");
	}
	CHECK_EQ(prog_cnt, 1);
	CHECK_EQ(event_fd[0], 0);
	/* Not attached by the loader: traffic is not counted yet. */
	CHECK_EQ(lg_send_udp(3, 7), 3);
	CHECK_EQ(count(), 0);

	fds = h_count_fds();
	CHECK_RET(xdp_captured(1, prog_fd[0], XDP_FLAGS_SKB_MODE), 0, 0);
	CHECK_EQ(lg_send_udp(4, 7), 4);
	CHECK(count() >= 4, "xdp counted %ld packets", count());

	/* Already attached: UPDATE_IF_NOEXIST is refused (EBUSY), with a message. */
	r = xdp_captured(1, prog_fd[0], XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST);
	CHECK_EQ(r, -1);
	CHECK_EQ(errno, EBUSY);
	CHECK(!strncmp(out, "nlmsg error ", 12), "output: %s", out);

	/* Detach: nothing is counted any more. */
	CHECK_RET(xdp_captured(1, -1, XDP_FLAGS_SKB_MODE), 0, 0);
	before = count();
	CHECK_EQ(lg_send_udp(4, 7), 4);
	CHECK_EQ(count(), before);

	/* The v4.10 two-argument form (the kernel picks generic mode for lo). */
	CHECK_RET(set_link_xdp_fd(1, prog_fd[0]), 0, 0);
	CHECK_EQ(lg_send_udp(2, 7), 2);
	CHECK(count() >= before + 2, "counted %ld, before %ld", count(), before);
	CHECK_RET(set_link_xdp_fd(1, -1), 0, 0);

	/* No such device. */
	r = xdp_captured(99999, prog_fd[0], XDP_FLAGS_SKB_MODE);
	CHECK_EQ(r, -1);
	CHECK_EQ(errno, ENODEV);
	CHECK_EQ(h_count_fds(), fds);

	lg_cleanup();
	return h_done("legacy_xdp");
}
