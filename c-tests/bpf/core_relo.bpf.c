/* CO-RE relocations against the running kernel (c-tests/object/core_relo.c and
 * c-tests/oracle/core.c). Built with a vmlinux.h generated at test time by
 * `bpftool btf dump file /sys/kernel/btf/vmlinux format c`. `core_read` fills
 * `res` (one slot per relocation kind exercised) when run by BPF_PROG_TEST_RUN;
 * `core_poison` reads a field the kernel does not have, unguarded, so the
 * verifier must reject it (it is not autoloaded unless the test asks). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* A field 6.18 does not have (renamed `__state` in 5.14). */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

/* The kernel's task_struct seen through a local flavor with another layout. */
struct task_struct___mine {
	int tgid;
	int pid;
	char comm[4];
} __attribute__((preserve_access_index));

/* A type no kernel has. */
struct libbpfrs_no_such_type {
	int x;
};

/* PIDTYPE_MAX is 4 in the kernel, 2 here; PIDTYPE_GONE does not exist. */
enum pid_type___local { PIDTYPE_PID___local = 0, PIDTYPE_MAX___local = 2, PIDTYPE_GONE___local = 3 };
/* An ENUM64 in the kernel, a 32-bit enum here. */
enum blake2b_iv___local { BLAKE2B_IV1___local = 1 };

enum {
	R_PID, R_TGID_MINE, R_OLD_STATE_EXISTS, R_PID_EXISTS, R_PIDTYPE_MAX, R_GONE_EXISTS,
	R_TS_EXISTS, R_NO_TYPE_EXISTS, R_TS_SIZE, R_COMM_SIZE, R_PID_OFFSET, R_GUARDED,
	R_BITFIELD, R_TS_ID, R_ENUM64, R_COMM0,
	CORE_RES_SLOTS
};

#include "core_res.h"

SEC("syscall")
int core_read(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct task_struct___mine *m = (void *)t;
	struct task_struct___old *old = (void *)t;
	char comm[4] = {};

	put(R_PID, BPF_CORE_READ(t, pid));
	put(R_TGID_MINE, BPF_CORE_READ(m, tgid));
	bpf_core_read(&comm, sizeof(comm), &m->comm);
	put(R_COMM0, comm[0]);
	put(R_OLD_STATE_EXISTS, bpf_core_field_exists(old->state));
	put(R_PID_EXISTS, bpf_core_field_exists(t->pid));
	put(R_PIDTYPE_MAX, bpf_core_enum_value(enum pid_type___local, PIDTYPE_MAX___local));
	put(R_GONE_EXISTS, bpf_core_enum_value_exists(enum pid_type___local, PIDTYPE_GONE___local));
	put(R_TS_EXISTS, bpf_core_type_exists(struct task_struct));
	put(R_NO_TYPE_EXISTS, bpf_core_type_exists(struct libbpfrs_no_such_type));
	put(R_TS_SIZE, bpf_core_type_size(struct task_struct));
	put(R_COMM_SIZE, bpf_core_field_size(t->comm));
	put(R_PID_OFFSET, bpf_core_field_offset(t->pid));
	/* Poisoned (no `state`), but dead code once the guard is relocated to 0. */
	if (bpf_core_field_exists(old->state))
		put(R_GUARDED, BPF_CORE_READ(old, state));
	else
		put(R_GUARDED, 7);
	put(R_BITFIELD, BPF_CORE_READ_BITFIELD_PROBED(t, sched_reset_on_fork) + 10);
	put(R_TS_ID, bpf_core_type_id_kernel(struct task_struct));
	put(R_ENUM64, bpf_core_enum_value(enum blake2b_iv___local, BLAKE2B_IV1___local));
	return 0;
}

SEC("syscall")
int core_poison(void *ctx)
{
	struct task_struct___old *old = (void *)bpf_get_current_task();

	put(0, BPF_CORE_READ(old, state));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
