//! When each kernel capability the loader adapts to entered Linux: one row each, with
//! the upstream commit that introduced it (subject, as in `git log` of
//! torvalds/linux, and the first release tag that contains it). A personality of
//! version V lacks every row whose `since` is newer than V. Plain data: the
//! test-only fake kernel answers from it, and the object checker computes an
//! object's minimum kernel from it.

use super::*;

/// `BPF_FUNC_probe_read` (Linux 4.1).
pub const BPF_FUNC_PROBE_READ: i32 = 4;
/// `BPF_FUNC_probe_read_str` (Linux 4.11).
pub const BPF_FUNC_PROBE_READ_STR: i32 = 45;
/// `BPF_FUNC_probe_read_user` (Linux 5.5).
pub const BPF_FUNC_PROBE_READ_USER: i32 = 112;
/// `BPF_FUNC_probe_read_user_str` (Linux 5.5).
pub const BPF_FUNC_PROBE_READ_USER_STR: i32 = 114;
/// `BPF_FUNC_probe_read_kernel_str` (Linux 5.5).
pub const BPF_FUNC_PROBE_READ_KERNEL_STR: i32 = 115;

/// A capability as `bpf()` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    /// A `bpf()` command.
    Cmd(u32),
    /// Program types from this number on.
    ProgTypesFrom(u32),
    /// Map types from this number on.
    MapTypesFrom(u32),
    /// BTF kinds from this number on.
    BtfKindsFrom(u32),
    /// `prog_name` / `map_name`.
    Names,
    /// A helper function id.
    Helper(i32),
    /// `ld_imm64` with `BPF_PSEUDO_MAP_VALUE` (global data).
    PseudoMapValue,
    /// BTF FUNC with global linkage.
    GlobalFuncLinkage,
    /// A `map_flags` bit of `BPF_MAP_CREATE`.
    MapFlag(u32),
    /// Memory charged to memcg; without it map creation needs RLIMIT_MEMLOCK.
    MemcgAccounting,
    /// An attr field: nonzero bytes from `offset` on are refused (E2BIG).
    AttrFrom(u32, usize),
    /// A `BPF_LINK_CREATE` attach type.
    LinkAttach(u32),
    /// A `prog_flags` bit of `BPF_PROG_LOAD`.
    ProgFlag(u32),
    /// BPF-to-BPF calls (`call` with `BPF_PSEUDO_CALL`).
    PseudoCall,
    /// `ld_imm64` of a subprogram's address (`BPF_PSEUDO_FUNC`, callbacks).
    PseudoFunc,
    /// `ld_imm64` of a kernel variable by BTF id (`BPF_PSEUDO_BTF_ID`, typed ksyms).
    PseudoBtfId,
    /// Calls of kernel functions (`call` with `BPF_PSEUDO_KFUNC_CALL`).
    KfuncCall,
}

/// One capability and the release that introduced it.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub what: What,
    /// (major, minor) of the first release with it.
    pub since: (u32, u32),
    /// Upstream commit subject introducing it.
    pub source: &'static str,
}

const fn row(what: What, since: (u32, u32), source: &'static str) -> Row {
    Row {
        what,
        since,
        source,
    }
}

const fn helper(id: i32, since: (u32, u32), source: &'static str) -> Row {
    row(What::Helper(id), since, source)
}

/// The capabilities, oldest first.
pub const ROWS: &[Row] = &[
    row(What::Names, (4, 15), "v4.15: bpf: Add name, load_time, uid and map_ids to bpf_prog_info; bpf: Add map_name to bpf_map_info"),
    row(What::Cmd(BPF_BTF_LOAD), (4, 18), "v4.18: bpf: btf: Introduce BPF Type Format (BTF)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SK_REUSEPORT), (4, 19), "v4.19: bpf: Introduce BPF_PROG_TYPE_SK_REUSEPORT"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_CGROUP_STORAGE), (4, 19), "v4.19: bpf: introduce cgroup storage maps"),
    row(What::BtfKindsFrom(12), (5, 0), "v5.0: bpf: btf: Add BTF_KIND_FUNC and BTF_KIND_FUNC_PROTO"),
    row(What::AttrFrom(BPF_PROG_LOAD, 72), (5, 0), "v5.0: bpf: Introduce bpf_func_info (prog_btf_fd, func_info*)"),
    row(What::Cmd(BPF_MAP_FREEZE), (5, 2), "v5.2: bpf: add syscall side map freeze support"),
    row(What::PseudoMapValue, (5, 2), "v5.2: bpf: implement lookup-free direct value access for maps"),
    row(What::BtfKindsFrom(14), (5, 2), "v5.2: bpf: kernel side support for BTF Var and DataSec"),
    row(What::Cmd(BPF_BTF_GET_NEXT_ID), (5, 4), "v5.4: bpf: Add BPF_BTF_GET_NEXT_ID"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_STRUCT_OPS), (5, 6), "v5.6: bpf: Introduce BPF_MAP_TYPE_STRUCT_OPS"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_TRACING), (5, 5), "v5.5: bpf: Introduce BPF_PROG_TYPE_TRACING"),
    row(What::Helper(BPF_FUNC_PROBE_READ_KERNEL), (5, 5), "v5.5: bpf: Add probe_read_{user, kernel} and probe_read_{user, kernel}_str helpers"),
    row(What::Helper(BPF_FUNC_PROBE_READ_USER), (5, 5), "v5.5: bpf: Add probe_read_{user, kernel} and probe_read_{user, kernel}_str helpers"),
    row(What::Helper(BPF_FUNC_PROBE_READ_USER_STR), (5, 5), "v5.5: bpf: Add probe_read_{user, kernel} and probe_read_{user, kernel}_str helpers"),
    row(What::Helper(BPF_FUNC_PROBE_READ_KERNEL_STR), (5, 5), "v5.5: bpf: Add probe_read_{user, kernel} and probe_read_{user, kernel}_str helpers"),
    row(What::MapFlag(BPF_F_MMAPABLE), (5, 5), "v5.5: bpf: Add mmap() support for BPF_MAP_TYPE_ARRAY"),
    row(What::AttrFrom(BPF_PROG_LOAD, 108), (5, 5), "v5.5: bpf: Introduce BPF_PROG_TYPE_TRACING (attach_btf_id)"),
    row(What::GlobalFuncLinkage, (5, 6), "v5.6: bpf: Introduce function-by-function verification"),
    row(What::AttrFrom(BPF_MAP_CREATE, 60), (5, 6), "v5.6: bpf: Introduce BPF_MAP_TYPE_STRUCT_OPS (btf_vmlinux_value_type_id)"),
    row(What::Cmd(BPF_LINK_CREATE), (5, 7), "v5.7: bpf: Implement bpf_link-based cgroup BPF program attachment"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_RINGBUF), (5, 8), "v5.8: bpf: Implement BPF ring buffer and verifier support for it"),
    row(What::Cmd(BPF_PROG_BIND_MAP), (5, 10), "v5.10: bpf: Add BPF_PROG_BIND_MAP syscall"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_TASK_STORAGE), (5, 11), "v5.11: bpf: Implement task local storage"),
    row(What::MemcgAccounting, (5, 11), "v5.11: bpf: Eliminate rlimit-based memory accounting for bpf maps"),
    row(What::Helper(BPF_FUNC_KTIME_GET_COARSE_NS), (5, 11), "v5.11: bpf: Add bpf_ktime_get_coarse_ns helper"),
    row(What::BtfKindsFrom(16), (5, 13), "v5.13: bpf: Support BTF_KIND_FLOAT in BTF"),
    row(What::LinkAttach(BPF_PERF_EVENT), (5, 15), "v5.15: bpf: Implement minimal BPF perf link"),
    row(What::Helper(BPF_FUNC_GET_ATTACH_COOKIE), (5, 15), "v5.15: bpf: Add bpf_get_attach_cookie() BPF helper to access bpf_cookie value"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_BLOOM_FILTER), (5, 16), "v5.16: bpf: Add bloom filter map implementation"),
    row(What::BtfKindsFrom(17), (5, 16), "v5.16: bpf: Support for new btf kind BTF_KIND_TAG (renamed DECL_TAG)"),
    row(What::AttrFrom(BPF_MAP_CREATE, 64), (5, 16), "v5.16: bpf: Add map_extra to bpf_attr (bloom filter)"),
    row(What::BtfKindsFrom(18), (5, 17), "v5.17: bpf: Support for new btf kind BTF_KIND_TYPE_TAG"),
    row(What::AttrFrom(BPF_PROG_LOAD, 116), (5, 17), "v5.17: bpf: Prepare relo_core.c for kernel duty (core_relo*)"),
    row(What::BtfKindsFrom(19), (6, 0), "v6.0: bpf: Add btf enum64 support"),
    // Program and map types, one step each (a row covers its type and every
    // later number up to the next row's).
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SOCKET_FILTER), (3, 19), "v3.19: bpf: verifier (add verifier core) / bpf: allow BPF programs access 'protocol' and 'vlan_tci' fields"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_KPROBE), (4, 1), "v4.1: tracing: attach BPF programs to kprobes"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_TRACEPOINT), (4, 7), "v4.7: bpf: register BPF_PROG_TYPE_TRACEPOINT program type"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_XDP), (4, 8), "v4.8: bpf: add XDP prog type for early driver filter"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_PERF_EVENT), (4, 9), "v4.9: bpf: introduce BPF_PROG_TYPE_PERF_EVENT program type"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_CGROUP_SKB), (4, 10), "v4.10: bpf: add new prog type for cgroup socket filtering"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SOCK_OPS), (4, 13), "v4.13: bpf: BPF support for sock_ops"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SK_SKB), (4, 14), "v4.14: bpf: sockmap with sk redirect support"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_CGROUP_DEVICE), (4, 15), "v4.15: bpf, cgroup: implement eBPF-based device controller for cgroup v2"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SK_MSG), (4, 17), "v4.17: bpf: sockmap, add bpf_msg_apply_bytes() helper (BPF_PROG_TYPE_SK_MSG)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_LWT_SEG6LOCAL), (4, 18), "v4.18: bpf: Add IPv6 Segment Routing helpers (BPF_PROG_TYPE_LWT_SEG6LOCAL)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_FLOW_DISSECTOR), (4, 20), "v4.20: flow_dissector: implements flow dissector BPF hook"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_CGROUP_SYSCTL), (5, 2), "v5.2: bpf: Sysctl hook"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_CGROUP_SOCKOPT), (5, 3), "v5.3: bpf: implement getsockopt and setsockopt hooks"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_STRUCT_OPS), (5, 6), "v5.6: bpf: Introduce BPF_PROG_TYPE_STRUCT_OPS"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_LSM), (5, 7), "v5.7: bpf: Introduce BPF_PROG_TYPE_LSM"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SK_LOOKUP), (5, 9), "v5.9: bpf: Introduce SK_LOOKUP program type with a dedicated attach point"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SYSCALL), (5, 14), "v5.14: bpf: Introduce bpf_sys_bpf() helper and program type."),
    row(What::MapTypesFrom(BPF_MAP_TYPE_HASH), (3, 19), "v3.19: bpf: add hashtable type of eBPF maps"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_PROG_ARRAY), (4, 2), "v4.2: bpf: allow bpf programs to tail-call other bpf programs"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_PERF_EVENT_ARRAY), (4, 3), "v4.3: bpf: Implement function bpf_perf_event_read() that get the selected hardware PMU conuter"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_PERCPU_HASH), (4, 6), "v4.6: bpf: introduce BPF_MAP_TYPE_PERCPU_HASH map"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_CGROUP_ARRAY), (4, 8), "v4.8: bpf: Add BPF_MAP_TYPE_CGROUP_ARRAY"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_LRU_HASH), (4, 10), "v4.10: bpf: Add BPF_MAP_TYPE_LRU_HASH"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_LPM_TRIE), (4, 11), "v4.11: bpf: add a longest prefix match trie map implementation"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_ARRAY_OF_MAPS), (4, 12), "v4.12: bpf: Add array of maps support"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_DEVMAP), (4, 14), "v4.14: bpf: add devmap, a map for storing net device references"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_CPUMAP), (4, 15), "v4.15: bpf: introduce new bpf cpu map type BPF_MAP_TYPE_CPUMAP"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_XSKMAP), (4, 18), "v4.18: bpf: introduce new bpf AF_XDP map type BPF_MAP_TYPE_XSKMAP"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE), (4, 20), "v4.20: bpf: introduce per-cpu cgroup local storage"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_SK_STORAGE), (5, 2), "v5.2: bpf: Introduce bpf sk local storage"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_DEVMAP_HASH), (5, 4), "v5.4: xdp: Add devmap_hash map type for looking up devices by hashed index"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_INODE_STORAGE), (5, 10), "v5.10: bpf: Implement bpf_local_storage for inodes"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_USER_RINGBUF), (6, 1), "v6.1: bpf: Define new BPF_MAP_TYPE_USER_RINGBUF map type"),
    // Instruction forms and program flags.
    row(What::Cmd(BPF_RAW_TRACEPOINT_OPEN), (4, 17), "v4.17: bpf: introduce BPF_RAW_TRACEPOINT"),
    row(What::PseudoCall, (4, 16), "v4.16: bpf: introduce function calls (function boundaries)"),
    row(What::MapFlag(BPF_F_RDONLY_PROG), (5, 2), "v5.2: bpf: add program side {rd, wr}only support for maps"),
    row(What::PseudoBtfId, (5, 10), "v5.10: bpf: Introduce pseudo_btf_id"),
    row(What::ProgFlag(BPF_F_SLEEPABLE), (5, 10), "v5.10: bpf: Introduce sleepable BPF programs"),
    row(What::KfuncCall, (5, 13), "v5.13: bpf: Support bpf program calling kernel function"),
    row(What::PseudoFunc, (5, 13), "v5.13: bpf: add bpf_for_each_map_elem() helper (BPF_PSEUDO_FUNC)"),
    row(What::LinkAttach(BPF_TRACE_ITER), (5, 8), "v5.8: bpf: Implement common macros/helpers for target iterators"),
    row(What::LinkAttach(BPF_XDP), (5, 9), "v5.9: bpf, xdp: Add bpf_link-based XDP attachment API"),
    row(What::LinkAttach(BPF_TRACE_KPROBE_MULTI), (5, 18), "v5.18: bpf: Add multi kprobe link"),
    // Helpers, by id (`include/bpf/bpf_helper_defs.h` names them). Ids are handed
    // out in merge order, so a row also dates the ids after it up to the next row.
    helper(1, (3, 19), "v3.19: bpf: add lookup/update/delete/iterate methods to BPF maps (map_lookup_elem, map_update_elem, map_delete_elem)"),
    helper(4, (4, 1), "v4.1: tracing: allow BPF programs to call bpf_ktime_get_ns() / bpf: add bpf_probe_read"),
    helper(12, (4, 2), "v4.2: bpf: allow bpf programs to tail-call other bpf programs"),
    helper(14, (4, 2), "v4.2: bpf: introduce current->pid, tgid, uid, gid, comm accessors"),
    helper(17, (4, 3), "v4.3: bpf: add bpf_get_cgroup_classid helper"),
    helper(22, (4, 3), "v4.3: bpf: Implement function bpf_perf_event_read() that get the selected hardware PMU conuter"),
    helper(23, (4, 4), "v4.4: bpf: add bpf_redirect() helper"),
    helper(25, (4, 4), "v4.4: bpf: Implement function bpf_perf_event_output"),
    helper(26, (4, 5), "v4.5: bpf: add bpf_skb_load_bytes helper"),
    helper(27, (4, 6), "v4.6: bpf: introduce bpf_get_stackid() helper"),
    helper(31, (4, 8), "v4.8: bpf: add bpf_skb_change_proto helper"),
    helper(35, (4, 8), "v4.8: bpf: Add bpf_get_current_task() helper"),
    helper(37, (4, 9), "v4.9: bpf: Add bpf_current_task_under_cgroup helper"),
    helper(42, (4, 10), "v4.10: bpf: add bpf_get_numa_node_id helper"),
    helper(45, (4, 11), "v4.11: bpf: add bpf_probe_read_str helper"),
    helper(46, (4, 12), "v4.12: bpf: Add bpf_get_socket_cookie() helper / bpf: Add bpf_get_socket_uid helper"),
    helper(48, (4, 13), "v4.13: bpf: BPF support for sock_ops (bpf_set_hash, bpf_setsockopt)"),
    helper(51, (4, 14), "v4.14: bpf: add bpf_redirect_map helper routine"),
    helper(54, (4, 15), "v4.15: bpf: add meta pointer for direct access"),
    helper(58, (4, 16), "v4.16: bpf: add a bpf_override_function helper"),
    helper(60, (4, 17), "v4.17: bpf: sockmap, add msg_cork_bytes() helper (sk_msg helpers)"),
    helper(65, (4, 18), "v4.18: bpf: add bpf_xdp_adjust_tail helper"),
    helper(67, (4, 18), "v4.18: bpf: add bpf_get_stack helper"),
    helper(80, (4, 18), "v4.18: bpf: Introduce bpf_skb_cgroup_id helper"),
    helper(81, (4, 18), "v4.18: bpf: add bpf_get_current_cgroup_id helper"),
    helper(82, (4, 19), "v4.19: bpf: introduce cgroup storage maps (bpf_get_local_storage)"),
    helper(84, (4, 19), "v4.19: bpf: Introduce bpf_skb_ancestor_cgroup_id helper"),
    helper(85, (4, 20), "v4.20: bpf: Add helper to retrieve socket in BPF"),
    helper(88, (4, 20), "v4.20: bpf: add MAP_LOOKUP_AND_DELETE_ELEM syscall / queue and stack maps (map_push_elem)"),
    helper(92, (5, 0), "v5.0: bpf: sk_msg, sk_msg_pop_data helper"),
    helper(94, (5, 1), "v5.1: bpf: introduce bpf_spin_lock"),
    helper(96, (5, 1), "v5.1: bpf: Add state, dst_ip4, dst_ip6 and dst_port to bpf_sock (bpf_sk_fullsock, bpf_tcp_sock)"),
    helper(100, (5, 2), "v5.2: bpf: add skc_lookup_tcp helper"),
    helper(102, (5, 2), "v5.2: bpf: Sysctl hook (sysctl helpers, bpf_strtol, bpf_strtoul)"),
    helper(108, (5, 2), "v5.2: bpf: Introduce bpf sk local storage"),
    helper(110, (5, 3), "v5.3: bpf: implement bpf_send_signal() helper"),
    helper(112, (5, 5), "v5.5: bpf: Add bpf_skb_output() helper"),
    helper(117, (5, 5), "v5.5: bpf: Add bpf_tcp_send_ack helper"),
    helper(118, (5, 5), "v5.5: bpf: add bpf_send_signal_thread() helper"),
    helper(119, (5, 5), "v5.5: bpf: Add bpf_jiffies64 helper"),
    helper(120, (5, 6), "v5.6: bpf: Add bpf_read_branch_records() helper"),
    helper(121, (5, 7), "v5.7: bpf: added new helper bpf_get_ns_current_pid_tgid"),
    helper(122, (5, 6), "v5.6: bpf: Add bpf_xdp_output() helper"),
    helper(123, (5, 7), "v5.7: bpf: Add netns cookie and enable it for bpf cgroup hooks"),
    helper(125, (5, 7), "v5.7: bpf: Add socket assign support"),
    helper(126, (5, 7), "v5.7: bpf: Add bpf_ktime_get_boot_ns()"),
    helper(127, (5, 7), "v5.7: bpf: Add bpf_seq_printf and bpf_seq_write helpers"),
    helper(129, (5, 8), "v5.8: bpf: Add bpf_sk_{,ancestor_}cgroup_id helpers"),
    helper(131, (5, 8), "v5.8: bpf: Implement BPF ring buffer and verifier support for it"),
    helper(136, (5, 8), "v5.8: bpf: Add csum_level helper for fixing up csum levels"),
    helper(137, (5, 9), "v5.9: bpf: Add bpf_skc_to_tcp6_sock() helper"),
    helper(141, (5, 9), "v5.9: bpf: Add bpf_get_task_stack() helper"),
    helper(142, (5, 10), "v5.10: bpf: tcp: Allow bpf prog to write and parse TCP header option"),
    helper(145, (5, 10), "v5.10: bpf: Implement bpf_local_storage for inodes"),
    helper(147, (5, 10), "v5.10: bpf: Add bpf_d_path helper"),
    helper(148, (5, 10), "v5.10: bpf: Add bpf_copy_from_user() helper."),
    helper(149, (5, 10), "v5.10: bpf: Add bpf_snprintf_btf helper"),
    helper(151, (5, 10), "v5.10: bpf: add bpf_skb_cgroup_classid helper"),
    helper(152, (5, 10), "v5.10: bpf: add redirect_neigh helper as redirect drop-in"),
    helper(153, (5, 10), "v5.10: bpf: Introduce bpf_per_cpu_ptr()"),
    helper(154, (5, 10), "v5.10: bpf: Introduce bpf_this_cpu_ptr()"),
    helper(155, (5, 10), "v5.10: bpf: Add redirect_peer helper"),
    helper(156, (5, 11), "v5.11: bpf: Implement task local storage"),
    helper(158, (5, 11), "v5.11: bpf: Add bpf_get_current_task_btf helper"),
    helper(159, (5, 11), "v5.11: bpf: Add bpf_bprm_opts_set helper"),
    helper(161, (5, 11), "v5.11: bpf: Add a BPF helper for getting the IMA hash of an inode"),
    helper(162, (5, 11), "v5.11: bpf: Add bpf_sock_from_file helper"),
    helper(163, (5, 12), "v5.12: bpf: Add BPF-helper for MTU checking"),
    helper(164, (5, 13), "v5.13: bpf: add bpf_for_each_map_elem() helper"),
    helper(165, (5, 13), "v5.13: bpf: Add a bpf_snprintf helper"),
    helper(166, (5, 14), "v5.14: bpf: Introduce bpf_sys_bpf() helper and program type."),
    helper(169, (5, 15), "v5.15: bpf: Introduce bpf timers."),
    helper(173, (5, 15), "v5.15: bpf: Add bpf_get_func_ip helper for tracing programs"),
    helper(175, (5, 15), "v5.15: bpf: Add bpf_task_pt_regs() helper"),
    helper(176, (5, 16), "v5.16: bpf: Introduce helper bpf_get_branch_snapshot"),
    helper(177, (5, 16), "v5.16: bpf: Add bpf_trace_vprintk helper"),
    helper(178, (5, 16), "v5.16: bpf: Add bpf_skc_to_unix_sock() helper"),
    helper(179, (5, 16), "v5.16: bpf: Add bpf_kallsyms_lookup_name helper"),
    helper(180, (5, 17), "v5.17: bpf: Introduce helper bpf_find_vma"),
    helper(181, (5, 17), "v5.17: bpf: Add bpf_loop helper"),
    helper(182, (5, 17), "v5.17: bpf: Add bpf_strncmp helper"),
    helper(183, (5, 17), "v5.17: bpf: Add get_func_[arg|ret|arg_cnt] helpers"),
    helper(186, (5, 18), "v5.18: bpf: per-cgroup lsm flavor (bpf_get_retval/bpf_set_retval)"),
    helper(188, (5, 18), "v5.18: bpf: add multi-buff support to the bpf_xdp_adjust_tail() API (bpf_xdp_get_buff_len)"),
    helper(189, (5, 18), "v5.18: bpf: introduce bpf_xdp_load_bytes/bpf_xdp_store_bytes helpers"),
    helper(191, (5, 18), "v5.18: bpf: Add bpf_copy_from_user_task() helper"),
    helper(192, (5, 18), "v5.18: bpf: Add __sk_buff->delivery_time_type and bpf_skb_set_skb_delivery_time()"),
    helper(193, (5, 18), "v5.18: bpf: Add bpf_ima_file_hash() helper"),
    helper(194, (5, 19), "v5.19: bpf: Allow storing referenced kptr in map"),
    helper(195, (5, 19), "v5.19: bpf: add bpf_map_lookup_percpu_elem for percpu map"),
    helper(196, (5, 19), "v5.19: bpf: add bpf_skc_to_mptcp_sock_proto"),
    helper(197, (5, 19), "v5.19: bpf: Add bpf_dynptr_from_mem for local dynptr"),
    helper(198, (5, 19), "v5.19: bpf: Dynptr support for ring buffers"),
    helper(201, (5, 19), "v5.19: bpf: Add bpf_dynptr_read and bpf_dynptr_write"),
    helper(203, (5, 19), "v5.19: bpf: Add dynptr data slices"),
    helper(204, (6, 0), "v6.0: bpf: Add helpers to issue and check SYN cookies in XDP"),
    helper(208, (6, 1), "v6.1: bpf: Add bpf_ktime_get_tai_ns()"),
    helper(209, (6, 1), "v6.1: bpf: Add bpf_user_ringbuf_drain() helper"),
];

/// An older kernel as `bpf()` sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Personality {
    pub name: &'static str,
    pub version: (u32, u32),
}

pub const LINUX_4_18: Personality = Personality {
    name: "4.18",
    version: (4, 18),
};
pub const LINUX_5_4: Personality = Personality {
    name: "5.4",
    version: (5, 4),
};
pub const LINUX_5_10: Personality = Personality {
    name: "5.10",
    version: (5, 10),
};
pub const LINUX_5_15: Personality = Personality {
    name: "5.15",
    version: (5, 15),
};

/// The committed personalities.
pub const PERSONALITIES: [Personality; 4] = [LINUX_4_18, LINUX_5_4, LINUX_5_10, LINUX_5_15];

impl Personality {
    /// The rows this kernel lacks.
    pub fn lacking(&self) -> impl Iterator<Item = &'static Row> + '_ {
        ROWS.iter().filter(|r| r.since > self.version)
    }

    /// Whether this kernel lacks `what`.
    pub fn lacks(&self, what: What) -> bool {
        self.lacking().any(|r| r.what == what)
    }
}
