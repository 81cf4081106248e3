/* bpf_load.c legacy loader, tracing sections: a tracepoint/syscalls/sys_enter_getppid
 * counter loaded twice (prog_cnt accumulates, map_fd[] is overwritten while the
 * first load's maps stay open, event_fd[] holds each perf event, both copies
 * count), then a raw_tracepoint/sys_enter object (event_fd = raw tracepoint fd). */
#define _GNU_SOURCE
#include <bpf_load.h>
#include <sys/syscall.h>
#include "legacy_util.h"

static long lookup_long(int fd, __u32 key)
{
	long v = -1;

	if (bpf_map_lookup_elem(fd, &key, &v))
		return -1;
	return v;
}

int main(void)
{
	char tp[PATH_MAX], raw[PATH_MAX];
	int first_count, first_cfg, i;
	__u32 key = 0, me = getpid();
	struct stat st;

	require_root();
	if (stat("/sys/kernel/tracing/events/syscalls/sys_enter_getppid", &st) &&
	    stat("/sys/kernel/debug/tracing/events/syscalls/sys_enter_getppid", &st))
		h_skip("no syscalls/sys_enter_getppid tracepoint (tracefs or FTRACE_SYSCALLS)");
	if (lg_build("lg_tp", NULL, "lg_tp", tp, sizeof(tp)) ||
	    lg_build("lg_rawtp", NULL, "lg_rawtp", raw, sizeof(raw)))
		h_skip("cannot build the lg_tp/lg_rawtp objects");

	/* First load. */
	if (load_bpf_file(tp)) {
		printf("%s", bpf_log_buf);
		CHECK(0, "first load_bpf_file(%s) failed", tp);
		return h_done("legacy_trace");
	}
	CHECK_EQ(prog_cnt, 1);
	CHECK_EQ(map_data_count, 2);
	CHECK(event_fd[0] > 2, "event_fd[0] = %d (perf event)", event_fd[0]);
	first_count = map_fd[0];
	first_cfg = map_fd[1];
	CHECK_RET(bpf_map_update_elem(first_cfg, &key, &me, BPF_ANY), 0, 0);

	/* Second load of the same file: appended, maps replaced in map_fd[]. */
	if (load_bpf_file(tp)) {
		printf("%s", bpf_log_buf);
		CHECK(0, "second load_bpf_file(%s) failed", tp);
		return h_done("legacy_trace");
	}
	CHECK_EQ(prog_cnt, 2);
	CHECK(prog_fd[1] > 2 && prog_fd[1] != prog_fd[0], "prog_fd %d %d", prog_fd[0], prog_fd[1]);
	CHECK(event_fd[1] > 2 && event_fd[1] != event_fd[0], "event_fd %d %d", event_fd[0],
	      event_fd[1]);
	CHECK(map_fd[0] != first_count && map_fd[1] != first_cfg, "map_fd[] overwritten");
	CHECK_EQ(map_data[0].fd, map_fd[0]);
	CHECK_RET(bpf_map_update_elem(map_fd[1], &key, &me, BPF_ANY), 0, 0);

	for (i = 0; i < 7; i++)
		syscall(SYS_getppid);
	/* Both programs are attached and each counts into its own map. */
	CHECK_EQ(lookup_long(first_count, 0), 7); /* the first load's map is still open */
	CHECK_EQ(lookup_long(map_fd[0], 0), 7);

	/* Closing the first perf event detaches the first program only. */
	close(event_fd[0]);
	syscall(SYS_getppid);
	CHECK_EQ(lookup_long(first_count, 0), 7);
	CHECK_EQ(lookup_long(map_fd[0], 0), 8);

	/* raw_tracepoint/sys_enter: appended as program 3; event_fd = raw tp fd. */
	if (load_bpf_file(raw)) {
		printf("%s", bpf_log_buf);
		CHECK(0, "load_bpf_file(%s) failed", raw);
		return h_done("legacy_trace");
	}
	CHECK_EQ(prog_cnt, 3);
	CHECK(event_fd[2] > 2, "event_fd[2] = %d (raw tracepoint)", event_fd[2]);
	{
		struct bpf_link_info li = { 0 };
		__u32 len = sizeof(li);

		/* A raw tracepoint fd is a link fd since 5.7: check what it is. */
		CHECK_RET(bpf_obj_get_info_by_fd(event_fd[2], &li, &len), 0, 0);
		CHECK_EQ(li.type, BPF_LINK_TYPE_RAW_TRACEPOINT);
	}
	CHECK_RET(bpf_map_update_elem(map_fd[0], &key, &me, BPF_ANY), 0, 0);
	for (i = 0; i < 5; i++)
		syscall(SYS_getppid);
	__u64 nr = SYS_getppid;
	long cnt = -1;
	CHECK_RET(bpf_map_lookup_elem(map_fd[1], &nr, &cnt), 0, 0);
	CHECK_EQ(cnt, 5);
	close(event_fd[2]);
	for (i = 0; i < 3; i++)
		syscall(SYS_getppid);
	CHECK_RET(bpf_map_lookup_elem(map_fd[1], &nr, &cnt), 0, 0);
	CHECK_EQ(cnt, 5);

	lg_cleanup();
	return h_done("legacy_trace");
}
