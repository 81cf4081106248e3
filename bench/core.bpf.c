/* CO-RE load benchmark object (bench/core-run): about fifty CO-RE
 * relocations over task_struct, mm_struct, file, inode, sk_buff, sock and
 * net_device, in a tracepoint and a raw tracepoint program. Built at run time
 * against a vmlinux.h from `bpftool btf dump file /sys/kernel/btf/vmlinux
 * format c`. The programs are only loaded, never attached: what they compute
 * does not matter, only the relocations they carry. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

__u64 sink[64];

#define PUT(i, v) (sink[(i)] += (__u64)(v))

SEC("tp/sched/sched_process_exec")
int task_side(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	struct file *exe = BPF_CORE_READ(mm, exe_file);
	struct inode *ino = BPF_CORE_READ(exe, f_inode);

	PUT(0, BPF_CORE_READ(t, pid));
	PUT(1, BPF_CORE_READ(t, tgid));
	PUT(2, BPF_CORE_READ(t, flags));
	PUT(3, BPF_CORE_READ(t, prio));
	PUT(4, BPF_CORE_READ(t, static_prio));
	PUT(10, BPF_CORE_READ(t, real_parent, tgid));
	PUT(11, BPF_CORE_READ(t, se.vruntime));
	PUT(12, BPF_CORE_READ(t, cred, uid.val));
	PUT(13, BPF_CORE_READ(t, nsproxy, pid_ns_for_children, level));
	PUT(14, BPF_CORE_READ(t, signal, nr_threads));
	PUT(15, bpf_core_field_size(t->comm));
	PUT(16, BPF_CORE_READ(mm, total_vm));
	PUT(17, BPF_CORE_READ(mm, arg_start));
	PUT(18, BPF_CORE_READ(mm, arg_end));
	PUT(19, BPF_CORE_READ(mm, env_start));
	PUT(20, BPF_CORE_READ(mm, start_stack));
	PUT(21, BPF_CORE_READ(mm, map_count));
	PUT(23, BPF_CORE_READ(exe, f_flags));
	PUT(24, BPF_CORE_READ(exe, f_mode));
	PUT(25, BPF_CORE_READ(exe, f_pos));
	PUT(26, BPF_CORE_READ(exe, f_path.dentry, d_name.len));
	PUT(27, BPF_CORE_READ(ino, i_ino));
	PUT(28, BPF_CORE_READ(ino, i_size));
	PUT(29, BPF_CORE_READ(ino, i_mode));
	PUT(30, BPF_CORE_READ(ino, i_sb, s_magic));
	return 0;
}

SEC("raw_tp/net_dev_xmit")
int skb_side(struct bpf_raw_tracepoint_args *ctx)
{
	struct sk_buff *skb = (void *)ctx->args[0];
	struct sock *sk = BPF_CORE_READ(skb, sk);

	PUT(32, BPF_CORE_READ(skb, len));
	PUT(33, BPF_CORE_READ(skb, data_len));
	PUT(34, BPF_CORE_READ(skb, protocol));
	PUT(35, BPF_CORE_READ(skb, mark));
	PUT(36, BPF_CORE_READ(skb, priority));
	PUT(37, BPF_CORE_READ(skb, hash));
	PUT(40, BPF_CORE_READ(skb, dev, ifindex));
	PUT(41, BPF_CORE_READ(skb, dev, mtu));
	PUT(42, BPF_CORE_READ(sk, __sk_common.skc_family));
	PUT(43, BPF_CORE_READ(sk, __sk_common.skc_daddr));
	PUT(44, BPF_CORE_READ(sk, __sk_common.skc_dport));
	PUT(45, BPF_CORE_READ(sk, sk_rcvbuf));
	PUT(47, BPF_CORE_READ(sk, sk_protocol));
	PUT(48, BPF_CORE_READ(sk, sk_mark));
	PUT(49, bpf_core_field_exists(skb->tstamp));
	return 0;
}
