/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bpf_core_read.h over a vmlinux.h generated from the running kernel's BTF:
 * every CO-RE read and query, so the object carries .BTF.ext core
 * relocations (c-tests/run checks that it does). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* A local flavor of task_struct: matched to the kernel's by name. */
struct task_struct___local {
	int pid;
	int tgid;
	int no_such_field;
} __attribute__((preserve_access_index));

struct with_kptr {
	struct task_struct __kptr_ref *task;
	struct task_struct __kptr *weak_task;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct with_kptr);
} kptrs SEC(".maps");

extern const int bpf_prog_active __ksym;
extern void bpf_rcu_read_lock(void) __ksym __weak;

long out[32];
char comm[16];
char parent_comm[16];

SEC("tp_btf/sched_switch")
int reads(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct task_struct___local *l = (void *)t;
	int pid = 0;
	long i = 0;

	/* One to nine fields. */
	out[i++] = BPF_CORE_READ(t, pid);
	out[i++] = BPF_CORE_READ(t, real_parent, tgid);
	out[i++] = BPF_CORE_READ(t, mm, exe_file, f_inode, i_ino);
	out[i++] = BPF_CORE_READ(t, real_parent, real_parent, real_parent, real_parent,
				 real_parent, real_parent, real_parent, real_parent, pid);
	out[i++] = BPF_CORE_READ(t, group_leader, signal, rlim[0].rlim_cur);
	out[i++] = BPF_CORE_READ_USER(t, pid);
	out[i++] = BPF_PROBE_READ(t, real_parent, pid);
	BPF_CORE_READ_INTO(&pid, t, group_leader, pid);
	out[i++] = pid;
	out[i++] = BPF_CORE_READ_STR_INTO(&comm, t, comm);
	out[i++] = BPF_CORE_READ_STR_INTO(&parent_comm, t, real_parent, comm);
	out[i++] = BPF_PROBE_READ_STR_INTO(&comm, t, comm);
	bpf_core_read(&pid, sizeof(pid), &t->tgid);
	bpf_core_read_str(comm, sizeof(comm), &t->comm);
	out[i++] = pid;

	/* Fields, types and enum values on the running kernel. */
	out[i++] = bpf_core_field_exists(t->pid) + bpf_core_field_exists(l->no_such_field) +
		   bpf_core_field_exists(struct task_struct, tgid);
	out[i++] = bpf_core_field_size(t->comm) + bpf_core_field_size(struct task_struct, pid);
	out[i++] = bpf_core_field_offset(t->tgid) + bpf_core_field_offset(struct task_struct, mm);
	out[i++] = bpf_core_type_exists(struct task_struct) + bpf_core_type_exists(struct task_struct___local);
	out[i++] = bpf_core_type_size(struct task_struct);
	out[i++] = bpf_core_type_id_local(struct task_struct) + bpf_core_type_id_kernel(struct task_struct);
	out[i++] = bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF) +
		   bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF);
#if __clang_major__ >= 15
	out[i++] = bpf_core_type_matches(struct task_struct);
#elif !defined(bpf_core_type_matches)
#error "bpf_core_type_matches is missing"
#endif

	/* Bitfields: task_struct's in_execve is one. */
	out[i++] = BPF_CORE_READ_BITFIELD_PROBED(t, in_execve);
	out[i++] = BPF_CORE_READ_BITFIELD(t, in_execve);

	out[i++] = bpf_prog_active;
#ifdef HDR_LIBBPFRS
	if (bpf_ksym_exists(bpf_rcu_read_lock))
		out[i++] = 1;
#endif
	return 0;
}

SEC("iter/task")
int dump(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;

	if (!t)
		return 0;
	BPF_SEQ_PRINTF(ctx->meta->seq, "%d %s\n", t->pid, t->comm);
	BPF_SEQ_PRINTF(ctx->meta->seq, "task\n");
	return 0;
}
