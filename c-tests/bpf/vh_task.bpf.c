// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Built against a vmlinux.h printed by `bpfrs btf dump ... format c` and
 * libbpfrs's include/bpf/ headers (c-tests/object/vmlinux_h.c): on getppid(2)
 * by the test process, reads the caller's task_struct with CO-RE and records
 * what it found. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct vh_seen {
	__u64 hits;
	__s32 pid;
	__s32 tgid;
	__s32 leader_pid;
	__s32 parent_tgid;
	char comm[16];
};

/* Set by the test before the load. */
const volatile __s32 want_tgid = 0;

struct vh_seen seen = {};

SEC("tracepoint/syscalls/sys_enter_getppid")
int vh_getppid(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__s32 tgid = BPF_CORE_READ(t, tgid);

	if (tgid != want_tgid)
		return 0;
	seen.pid = BPF_CORE_READ(t, pid);
	seen.tgid = tgid;
	seen.leader_pid = BPF_CORE_READ(t, group_leader, pid);
	seen.parent_tgid = BPF_CORE_READ(t, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&seen.comm, t, comm);
	__sync_fetch_and_add(&seen.hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
