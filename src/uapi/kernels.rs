//! When each kernel capability the loader adapts to entered Linux: one row each, with
//! the upstream commit that introduced it (release, abbreviated commit id and, for
//! all but helper rows, the commit subject as in `git log` of torvalds/linux). A
//! personality of version V lacks every row whose `since` is newer than V. Plain
//! data: the test-only fake kernel answers from it, and the object checker computes
//! an object's minimum kernel from it.
//!
//! Checked against ebpf-docs `data/feature-versions.yaml` (isovalent/ebpf-docs,
//! releases found from the git tags containing each commit) and bcc
//! `docs/kernel-versions.md` (iovisor/bcc): every helper, program type, map type,
//! command, map/program flag and link attach type row agrees with the former; where
//! bcc gives another release the row says so. Where the two disagree the release
//! follows ebpf-docs, whose dates also keep helper ids in merge order, which bcc's
//! do not (e.g. it dates id 119 before id 118). Rows for BTF kinds, attr fields,
//! instruction forms and memcg accounting are in neither list: their release and
//! subject are those of the named commit.

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
    row(What::Names, (4, 15), "v4.15, ad5b177bd73f: bpf: Add map_name to bpf_map_info (prog_name: cb4d2b3f03d8)"),
    row(What::Cmd(BPF_BTF_LOAD), (4, 18), "v4.18, f56a653c1fd1: bpf: btf: Add BTF support to libbpf (BPF_BTF_LOAD; BTF itself: 69b693f0aefa)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SK_REUSEPORT), (4, 19), "v4.19, 2dbb9b9e6df6: bpf: Introduce BPF_PROG_TYPE_SK_REUSEPORT"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_CGROUP_STORAGE), (4, 19), "v4.19, de9cbbaadba5: bpf: introduce cgroup storage maps"),
    row(What::BtfKindsFrom(12), (5, 0), "v5.0: bpf: btf: Add BTF_KIND_FUNC and BTF_KIND_FUNC_PROTO"),
    row(What::AttrFrom(BPF_PROG_LOAD, 72), (5, 0), "v5.0: bpf: Introduce bpf_func_info (prog_btf_fd, func_info*)"),
    row(What::Cmd(BPF_MAP_FREEZE), (5, 2), "v5.2, 87df15de441b: bpf: add syscall side map freeze support"),
    row(What::PseudoMapValue, (5, 2), "v5.2: bpf: implement lookup-free direct value access for maps"),
    row(What::BtfKindsFrom(14), (5, 2), "v5.2: bpf: kernel side support for BTF Var and DataSec"),
    row(What::Cmd(BPF_BTF_GET_NEXT_ID), (5, 4), "v5.4, 1b9ed84ecf26: bpf: add new BPF_BTF_GET_NEXT_ID syscall command"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_STRUCT_OPS), (5, 6), "v5.6, 85d33df357b6: bpf: Introduce BPF_MAP_TYPE_STRUCT_OPS"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_TRACING), (5, 5), "v5.5, f1b9509c2fb0: bpf: Introduce BPF_PROG_TYPE_TRACING"),
    row(What::MapFlag(BPF_F_MMAPABLE), (5, 5), "v5.5, fc9702273e2e: bpf: Add mmap() support for BPF_MAP_TYPE_ARRAY"),
    row(What::AttrFrom(BPF_PROG_LOAD, 108), (5, 5), "v5.5: bpf: Introduce BPF_PROG_TYPE_TRACING (attach_btf_id)"),
    row(What::GlobalFuncLinkage, (5, 6), "v5.6: bpf: Introduce function-by-function verification"),
    row(What::AttrFrom(BPF_MAP_CREATE, 60), (5, 6), "v5.6, 85d33df357b6: bpf: Introduce BPF_MAP_TYPE_STRUCT_OPS (btf_vmlinux_value_type_id)"),
    row(What::Cmd(BPF_LINK_CREATE), (5, 7), "v5.7, af6eea57437a: bpf: Implement bpf_link-based cgroup BPF program attachment"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_RINGBUF), (5, 8), "v5.8, 457f44363a88: bpf: Implement BPF ring buffer and verifier support for it"),
    row(What::Cmd(BPF_PROG_BIND_MAP), (5, 10), "v5.10, ef15314aa5de: bpf: Add BPF_PROG_BIND_MAP syscall"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_TASK_STORAGE), (5, 11), "v5.11, 4cf1bc1f1045: bpf: Implement task local storage"),
    row(What::MemcgAccounting, (5, 11), "v5.11: bpf: Eliminate rlimit-based memory accounting for bpf maps"),
    row(What::BtfKindsFrom(16), (5, 13), "v5.13: bpf: Support BTF_KIND_FLOAT in BTF"),
    row(What::LinkAttach(BPF_PERF_EVENT), (5, 15), "v5.15, b89fbfbb854c: bpf: Implement minimal BPF perf link"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_BLOOM_FILTER), (5, 16), "v5.16, 9330986c0300: bpf: Add bloom filter map implementation"),
    row(What::BtfKindsFrom(17), (5, 16), "v5.16: bpf: Support for new btf kind BTF_KIND_TAG (renamed DECL_TAG)"),
    row(What::AttrFrom(BPF_MAP_CREATE, 64), (5, 16), "v5.16, 9330986c0300: bpf: Add bloom filter map implementation (map_extra)"),
    row(What::BtfKindsFrom(18), (5, 17), "v5.17: bpf: Support for new btf kind BTF_KIND_TYPE_TAG"),
    row(What::AttrFrom(BPF_PROG_LOAD, 116), (5, 17), "v5.17: bpf: Pass a set of bpf_core_relo-s to prog_load command (core_relos)"),
    row(What::BtfKindsFrom(19), (6, 0), "v6.0: bpf: Add btf enum64 support"),
    // Program and map types, one step each (a row covers its type and every
    // later number up to the next row's).
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SOCKET_FILTER), (3, 19), "v3.19, ddd872bc3098: bpf: verifier: add checks for BPF_ABS | BPF_IND instructions (BPF_PROG_TYPE_SOCKET_FILTER)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_KPROBE), (4, 1), "v4.1, 2541517c32be: tracing, perf: Implement BPF programs attached to kprobes (SCHED_CLS/ACT: 96be4325f443, 94caee8c312d)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_TRACEPOINT), (4, 7), "v4.7, 98b5c2c65c29: perf, bpf: allow bpf programs attach to tracepoints"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_XDP), (4, 8), "v4.8, 6a773a15a1e8: bpf: add XDP prog type for early driver filter"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_PERF_EVENT), (4, 9), "v4.9, 0515e5999a46: bpf: introduce BPF_PROG_TYPE_PERF_EVENT program type"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_CGROUP_SKB), (4, 10), "v4.10, 0e33661de493: bpf: add new prog type for cgroup socket filtering (CGROUP_SOCK: 610236587600; LWT_*: 3a0af8fd61f9)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SOCK_OPS), (4, 13), "v4.13, 40304b2a1567: bpf: BPF support for sock_ops"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SK_SKB), (4, 14), "v4.14, b005fd189cec: bpf: introduce new program type for skbs on sockets"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_CGROUP_DEVICE), (4, 15), "v4.15, ebc614f68736: bpf, cgroup: implement eBPF-based device controller for cgroup v2"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SK_MSG), (4, 17), "v4.17, 4f738adba30a: bpf: create tcp_bpf_ulp allowing BPF to monitor socket TX/RX data (SK_MSG; RAW_TRACEPOINT: c4f6699dfcb8; CGROUP_SOCK_ADDR: 4fbac77d2d09)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_LWT_SEG6LOCAL), (4, 18), "v4.18, 004d4b274e2a: ipv6: sr: Add seg6local action End.BPF (LWT_SEG6LOCAL; LIRC_MODE2: f4364dcfc86d)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_FLOW_DISSECTOR), (4, 20), "v4.20, d58e468b1112: flow_dissector: implements flow dissector BPF hook"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_CGROUP_SYSCTL), (5, 2), "v5.2, 7b146cebe30c: bpf: Sysctl hook (RAW_TRACEPOINT_WRITABLE: 9df1c28bb752)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_CGROUP_SOCKOPT), (5, 3), "v5.3, 0d01da6afc54: bpf: implement getsockopt and setsockopt hooks"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_STRUCT_OPS), (5, 6), "v5.6, 27ae7997a661: bpf: Introduce BPF_PROG_TYPE_STRUCT_OPS (EXT: be8704ff07d2)"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_LSM), (5, 7), "v5.7, fc611f47f218: bpf: Introduce BPF_PROG_TYPE_LSM"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SK_LOOKUP), (5, 9), "v5.9, e9ddbb7707ff: bpf: Introduce SK_LOOKUP program type with a dedicated attach point"),
    row(What::ProgTypesFrom(BPF_PROG_TYPE_SYSCALL), (5, 14), "v5.14, 79a7f8bdb159: bpf: Introduce bpf_sys_bpf() helper and program type. (bcc: 5.15)"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_HASH), (3, 19), "v3.19, 0f8e4bd8a1fc: bpf: add hashtable type of eBPF maps (ARRAY: 28fbcfa08d8e)"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_PROG_ARRAY), (4, 2), "v4.2, 04fd61ab36ec: bpf: allow bpf programs to tail-call other bpf programs"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_PERF_EVENT_ARRAY), (4, 3), "v4.3, ea317b267e9d: bpf: Add new bpf map type to store the pointer to struct perf_event"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_PERCPU_HASH), (4, 6), "v4.6, 824bd0ce6c7c: bpf: introduce BPF_MAP_TYPE_PERCPU_HASH map (PERCPU_ARRAY: a10423b87a7e; STACK_TRACE: d5a3b1f69186)"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_CGROUP_ARRAY), (4, 8), "v4.8, 4ed8ec521ed5: cgroup: bpf: Add BPF_MAP_TYPE_CGROUP_ARRAY"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_LRU_HASH), (4, 10), "v4.10, 29ba732acbee: bpf: Add BPF_MAP_TYPE_LRU_HASH (LRU_PERCPU_HASH: 8f8449384ec3)"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_LPM_TRIE), (4, 11), "v4.11, b95a5c4db09b: bpf: add a longest prefix match trie map implementation"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_ARRAY_OF_MAPS), (4, 12), "v4.12, 56f668dfe00d: bpf: Add array of maps support (HASH_OF_MAPS: bcc6b1b7ebf8)"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_DEVMAP), (4, 14), "v4.14, 546ac1ffb70d: bpf: add devmap, a map for storing net device references (SOCKMAP: 174a79ff9515)"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_CPUMAP), (4, 15), "v4.15, 6710e1126934: bpf: introduce new bpf cpu map type BPF_MAP_TYPE_CPUMAP"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_XSKMAP), (4, 18), "v4.18, fbfc504a24f5: bpf: introduce new bpf AF_XDP map type BPF_MAP_TYPE_XSKMAP (SOCKHASH: 81110384441a)"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE), (4, 20), "v4.20, b741f1630346: bpf: introduce per-cpu cgroup local storage (QUEUE, STACK: f1a2e44a3aec)"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_SK_STORAGE), (5, 2), "v5.2, 6ac99e8f23d4: bpf: Introduce bpf sk local storage"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_DEVMAP_HASH), (5, 4), "v5.4, 6f9d451ab1a3: xdp: Add devmap_hash map type for looking up devices by hashed index"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_INODE_STORAGE), (5, 10), "v5.10, 8ea636848aca: bpf: Implement bpf_local_storage for inodes"),
    row(What::MapTypesFrom(BPF_MAP_TYPE_USER_RINGBUF), (6, 1), "v6.1, 583c1f420173: bpf: Define new BPF_MAP_TYPE_USER_RINGBUF map type"),
    // Instruction forms and program flags.
    row(What::Cmd(BPF_RAW_TRACEPOINT_OPEN), (4, 17), "v4.17, c4f6699dfcb8: bpf: introduce BPF_RAW_TRACEPOINT"),
    row(What::PseudoCall, (4, 16), "v4.16, cc8b0b92a169: bpf: introduce function calls (function boundaries)"),
    row(What::MapFlag(BPF_F_RDONLY_PROG), (5, 2), "v5.2, 591fe9888d78: bpf: add program side {rd, wr}only support for maps"),
    row(What::PseudoBtfId, (5, 10), "v5.10: bpf: Introduce pseudo_btf_id"),
    row(What::ProgFlag(BPF_F_SLEEPABLE), (5, 10), "v5.10, 1e6c62a88215: bpf: Introduce sleepable BPF programs"),
    row(What::KfuncCall, (5, 13), "v5.13: bpf: Support bpf program calling kernel function"),
    row(What::PseudoFunc, (5, 13), "v5.13, 69c087ba6225: bpf: add bpf_for_each_map_elem() helper (BPF_PSEUDO_FUNC, same series)"),
    row(What::LinkAttach(BPF_TRACE_ITER), (5, 8), "v5.8, 15d83c4d7cef: bpf: Allow loading of a bpf_iter program"),
    row(What::LinkAttach(BPF_XDP), (5, 9), "v5.9, aa8d3a716b59: bpf, xdp: Add bpf_link-based XDP attachment API"),
    row(What::LinkAttach(BPF_TRACE_KPROBE_MULTI), (5, 18), "v5.18, 0dcac2725406: bpf: Add multi kprobe link"),
    // Helpers, one row per id of the 6.1 UAPI (`include/bpf/bpf_helper_defs.h`
    // names them): release and commit from ebpf-docs `data/feature-versions.yaml`,
    // cross-checked with bcc `docs/kernel-versions.md` (its release noted where it
    // differs). Ids are handed out in merge order, so releases never decrease with
    // the id, and an id past the last row is dated by the row below it.
    helper(1, (3, 19), "v3.19, d0003ec01c66: bpf_map_lookup_elem (in the v3.18 enum (0a542a86d73b), callable from v3.19 socket filters)"),
    helper(2, (3, 19), "v3.19, d0003ec01c66: bpf_map_update_elem (in the v3.18 enum (0a542a86d73b), callable from v3.19 socket filters)"),
    helper(3, (3, 19), "v3.19, d0003ec01c66: bpf_map_delete_elem"),
    helper(4, (4, 1), "v4.1, 2541517c32be: bpf_probe_read"),
    helper(5, (4, 1), "v4.1, d9847d310ab4: bpf_ktime_get_ns"),
    helper(6, (4, 1), "v4.1, 9c959c863f82: bpf_trace_printk"),
    helper(7, (4, 1), "v4.1, 03e69b508b6f: bpf_get_prandom_u32 (ebpf-docs: v4.17 (df4a37d8b53f), below ids dated v4.1)"),
    helper(8, (4, 1), "v4.1, c04167ce2ca0: bpf_get_smp_processor_id"),
    helper(9, (4, 1), "v4.1, 608cd71a9c7c: bpf_skb_store_bytes"),
    helper(10, (4, 1), "v4.1, 91bc4822c3d6: bpf_l3_csum_replace"),
    helper(11, (4, 1), "v4.1, 91bc4822c3d6: bpf_l4_csum_replace"),
    helper(12, (4, 2), "v4.2, 04fd61ab36ec: bpf_tail_call"),
    helper(13, (4, 2), "v4.2, 3896d655f4d4: bpf_clone_redirect"),
    helper(14, (4, 2), "v4.2, ffeedafbf023: bpf_get_current_pid_tgid"),
    helper(15, (4, 2), "v4.2, ffeedafbf023: bpf_get_current_uid_gid"),
    helper(16, (4, 2), "v4.2, ffeedafbf023: bpf_get_current_comm"),
    helper(17, (4, 3), "v4.3, 8d20aabe1c76: bpf_get_cgroup_classid"),
    helper(18, (4, 3), "v4.3, 4e10df9a60d9: bpf_skb_vlan_push"),
    helper(19, (4, 3), "v4.3, 4e10df9a60d9: bpf_skb_vlan_pop"),
    helper(20, (4, 3), "v4.3, d3aa45ce6b94: bpf_skb_get_tunnel_key"),
    helper(21, (4, 3), "v4.3, d3aa45ce6b94: bpf_skb_set_tunnel_key"),
    helper(22, (4, 3), "v4.3, 35578d798400: bpf_perf_event_read"),
    helper(23, (4, 4), "v4.4, 27b29f63058d: bpf_redirect"),
    helper(24, (4, 4), "v4.4, c46646d0484f: bpf_get_route_realm"),
    helper(25, (4, 4), "v4.4, a43eec304259: bpf_perf_event_output"),
    helper(26, (4, 5), "v4.5, 05c74e5e53f6: bpf_skb_load_bytes"),
    helper(27, (4, 6), "v4.6, d5a3b1f69186: bpf_get_stackid"),
    helper(28, (4, 6), "v4.6, 7d672345ed29: bpf_csum_diff"),
    helper(29, (4, 6), "v4.6, 14ca0751c96f: bpf_skb_get_tunnel_opt"),
    helper(30, (4, 6), "v4.6, 14ca0751c96f: bpf_skb_set_tunnel_opt"),
    helper(31, (4, 8), "v4.8, 6578171a7ff0: bpf_skb_change_proto"),
    helper(32, (4, 8), "v4.8, d2485c4242a8: bpf_skb_change_type"),
    helper(33, (4, 8), "v4.8, 747ea55e4f78: bpf_skb_under_cgroup"),
    helper(34, (4, 8), "v4.8, 13c5c240f789: bpf_get_hash_recalc"),
    helper(35, (4, 8), "v4.8, 606274c5abd8: bpf_get_current_task"),
    helper(36, (4, 8), "v4.8, 96ae52279594: bpf_probe_write_user"),
    helper(37, (4, 9), "v4.9, 60d20f9195b2: bpf_current_task_under_cgroup"),
    helper(38, (4, 9), "v4.9, 5293efe62df8: bpf_skb_change_tail"),
    helper(39, (4, 9), "v4.9, 36bbef52c7eb: bpf_skb_pull_data"),
    helper(40, (4, 9), "v4.9, 36bbef52c7eb: bpf_csum_update"),
    helper(41, (4, 9), "v4.9, 7a4b28c6cc9f: bpf_set_hash_invalid"),
    helper(42, (4, 10), "v4.10, 2d0e30c30f84: bpf_get_numa_node_id"),
    helper(43, (4, 10), "v4.10, 3a0af8fd61f9: bpf_skb_change_head"),
    helper(44, (4, 10), "v4.10, 17bedab27231: bpf_xdp_adjust_head"),
    helper(45, (4, 11), "v4.11, a5e8c07059d0: bpf_probe_read_str"),
    helper(46, (4, 12), "v4.12, 91b8270f2a4d: bpf_get_socket_cookie"),
    helper(47, (4, 12), "v4.12, 6acc5c291068: bpf_get_socket_uid"),
    helper(48, (4, 13), "v4.13, ded092cd73c2: bpf_set_hash"),
    helper(49, (4, 13), "v4.13, 8c4b4c7e9ff0: bpf_setsockopt"),
    helper(50, (4, 13), "v4.13, 2be7e212d541: bpf_skb_adjust_room"),
    helper(51, (4, 14), "v4.14, 546ac1ffb70d: bpf_redirect_map"),
    helper(52, (4, 14), "v4.14, 174a79ff9515: bpf_sk_redirect_map"),
    helper(53, (4, 14), "v4.14, 174a79ff9515: bpf_sock_map_update"),
    helper(54, (4, 15), "v4.15, de8f3a83b0a0: bpf_xdp_adjust_meta"),
    helper(55, (4, 15), "v4.15, 908432ca84fc: bpf_perf_event_read_value"),
    helper(56, (4, 15), "v4.15, 4bebdc7a85aa: bpf_perf_prog_read_value"),
    helper(57, (4, 15), "v4.15, cd86d1fd2102: bpf_getsockopt"),
    helper(58, (4, 16), "v4.16, 9802d86585db: bpf_override_return"),
    helper(59, (4, 16), "v4.16, b13d88072172: bpf_sock_ops_cb_flags_set"),
    helper(60, (4, 17), "v4.17, 4f738adba30a: bpf_msg_redirect_map"),
    helper(61, (4, 17), "v4.17, 2a100317c9eb: bpf_msg_apply_bytes"),
    helper(62, (4, 17), "v4.17, 91843d540a13: bpf_msg_cork_bytes"),
    helper(63, (4, 17), "v4.17, 015632bb30da: bpf_msg_pull_data"),
    helper(64, (4, 17), "v4.17, d74bad4e74ee: bpf_bind"),
    helper(65, (4, 18), "v4.18, b32cc5b9a346: bpf_xdp_adjust_tail"),
    helper(66, (4, 18), "v4.18, 12bed760a78d: bpf_skb_get_xfrm_state"),
    helper(67, (4, 18), "v4.18, c195651e565a: bpf_get_stack"),
    helper(68, (4, 18), "v4.18, 4e1ec56cdc59: bpf_skb_load_bytes_relative"),
    helper(69, (4, 18), "v4.18, 87f5fc7e48dd: bpf_fib_lookup"),
    helper(70, (4, 18), "v4.18, 81110384441a: bpf_sock_hash_update"),
    helper(71, (4, 18), "v4.18, 81110384441a: bpf_msg_redirect_hash"),
    helper(72, (4, 18), "v4.18, 81110384441a: bpf_sk_redirect_hash"),
    helper(73, (4, 18), "v4.18, fe94cc290f53: bpf_lwt_push_encap"),
    helper(74, (4, 18), "v4.18, fe94cc290f53: bpf_lwt_seg6_store_bytes"),
    helper(75, (4, 18), "v4.18, fe94cc290f53: bpf_lwt_seg6_adjust_srh"),
    helper(76, (4, 18), "v4.18, fe94cc290f53: bpf_lwt_seg6_action"),
    helper(77, (4, 18), "v4.18, f4364dcfc86d: bpf_rc_repeat"),
    helper(78, (4, 18), "v4.18, f4364dcfc86d: bpf_rc_keydown"),
    helper(79, (4, 18), "v4.18, cb20b08ead40: bpf_skb_cgroup_id"),
    helper(80, (4, 18), "v4.18, bf6fa2c893c5: bpf_get_current_cgroup_id"),
    helper(81, (4, 19), "v4.19, cd3394317653: bpf_get_local_storage"),
    helper(82, (4, 19), "v4.19, 2dbb9b9e6df6: bpf_sk_select_reuseport"),
    helper(83, (4, 19), "v4.19, 7723628101aa: bpf_skb_ancestor_cgroup_id"),
    helper(84, (4, 20), "v4.20, 6acc9b432e67: bpf_sk_lookup_tcp"),
    helper(85, (4, 20), "v4.20, 6acc9b432e67: bpf_sk_lookup_udp"),
    helper(86, (4, 20), "v4.20, 6acc9b432e67: bpf_sk_release"),
    helper(87, (4, 20), "v4.20, f1a2e44a3aec: bpf_map_push_elem"),
    helper(88, (4, 20), "v4.20, f1a2e44a3aec: bpf_map_pop_elem"),
    helper(89, (4, 20), "v4.20, f1a2e44a3aec: bpf_map_peek_elem"),
    helper(90, (4, 20), "v4.20, 6fff607e2f14: bpf_msg_push_data"),
    helper(91, (5, 0), "v5.0, 7246d8ed4dcc: bpf_msg_pop_data"),
    helper(92, (5, 0), "v5.0, 01d3240a04f4: bpf_rc_pointer_rel"),
    helper(93, (5, 1), "v5.1, d83525ca62cf: bpf_spin_lock"),
    helper(94, (5, 1), "v5.1, d83525ca62cf: bpf_spin_unlock"),
    helper(95, (5, 1), "v5.1, 46f8bc92758c: bpf_sk_fullsock"),
    helper(96, (5, 1), "v5.1, 655a51e536c0: bpf_tcp_sock"),
    helper(97, (5, 1), "v5.1, f7c917ba11a6: bpf_skb_ecn_set_ce"),
    helper(98, (5, 1), "v5.1, dbafd7ddd623: bpf_get_listener_sock"),
    helper(99, (5, 2), "v5.2, edbf8c01de5a: bpf_skc_lookup_tcp"),
    helper(100, (5, 2), "v5.2, 399040847084: bpf_tcp_check_syncookie"),
    helper(101, (5, 2), "v5.2, 808649fb787d: bpf_sysctl_get_name"),
    helper(102, (5, 2), "v5.2, 1d11b3016cec: bpf_sysctl_get_current_value"),
    helper(103, (5, 2), "v5.2, 4e63acdff864: bpf_sysctl_get_new_value"),
    helper(104, (5, 2), "v5.2, 4e63acdff864: bpf_sysctl_set_new_value"),
    helper(105, (5, 2), "v5.2, d7a4cb9b6705: bpf_strtol"),
    helper(106, (5, 2), "v5.2, d7a4cb9b6705: bpf_strtoul"),
    helper(107, (5, 2), "v5.2, 6ac99e8f23d4: bpf_sk_storage_get"),
    helper(108, (5, 2), "v5.2, 6ac99e8f23d4: bpf_sk_storage_delete"),
    helper(109, (5, 3), "v5.3, 8b401f9ed244: bpf_send_signal"),
    helper(110, (5, 4), "v5.4, 70d66244317e: bpf_tcp_gen_syncookie (bcc: 5.3)"),
    helper(111, (5, 5), "v5.5, a7658e1a4164: bpf_skb_output"),
    helper(112, (5, 5), "v5.5, 6ae08ae3dea2: bpf_probe_read_user"),
    helper(113, (5, 5), "v5.5, 6ae08ae3dea2: bpf_probe_read_kernel"),
    helper(114, (5, 5), "v5.5, 6ae08ae3dea2: bpf_probe_read_user_str"),
    helper(115, (5, 5), "v5.5, 6ae08ae3dea2: bpf_probe_read_kernel_str"),
    helper(116, (5, 6), "v5.6, 206057fe020a: bpf_tcp_send_ack (bcc: 5.5)"),
    helper(117, (5, 6), "v5.6, 8482941f0906: bpf_send_signal_thread (bcc: 5.5)"),
    helper(118, (5, 6), "v5.6, 5576b991e9c1: bpf_jiffies64 (bcc: 5.5)"),
    helper(119, (5, 7), "v5.7, fff7b64355ea: bpf_read_branch_records (bcc: 5.6)"),
    helper(120, (5, 7), "v5.7, b4490c5c4e02: bpf_get_ns_current_pid_tgid"),
    helper(121, (5, 7), "v5.7, d831ee84bfc9: bpf_xdp_output (bcc: 5.6)"),
    helper(122, (5, 7), "v5.7, f318903c0bf4: bpf_get_netns_cookie"),
    helper(123, (5, 7), "v5.7, 0f09abd105da: bpf_get_current_ancestor_cgroup_id (bcc: 5.6)"),
    helper(124, (5, 7), "v5.7, cf7fbe660f2d: bpf_sk_assign (bcc: 5.6)"),
    helper(125, (5, 8), "v5.8, 71d19214776e: bpf_ktime_get_boot_ns"),
    helper(126, (5, 8), "v5.8, 492e639f0c22: bpf_seq_printf (bcc: 5.7)"),
    helper(127, (5, 8), "v5.8, 492e639f0c22: bpf_seq_write (bcc: 5.7)"),
    helper(128, (5, 8), "v5.8, f307fa2cb4c9: bpf_sk_cgroup_id (bcc: 5.7)"),
    helper(129, (5, 8), "v5.8, f307fa2cb4c9: bpf_sk_ancestor_cgroup_id (bcc: 5.7)"),
    helper(130, (5, 8), "v5.8, 457f44363a88: bpf_ringbuf_output"),
    helper(131, (5, 8), "v5.8, 457f44363a88: bpf_ringbuf_reserve"),
    helper(132, (5, 8), "v5.8, 457f44363a88: bpf_ringbuf_submit"),
    helper(133, (5, 8), "v5.8, 457f44363a88: bpf_ringbuf_discard"),
    helper(134, (5, 8), "v5.8, 457f44363a88: bpf_ringbuf_query"),
    helper(135, (5, 8), "v5.8, 7cdec54f9713: bpf_csum_level (bcc: 5.7)"),
    helper(136, (5, 9), "v5.9, af7ec1383361: bpf_skc_to_tcp6_sock"),
    helper(137, (5, 9), "v5.9, 478cfbdf5f13: bpf_skc_to_tcp_sock"),
    helper(138, (5, 9), "v5.9, 478cfbdf5f13: bpf_skc_to_tcp_timewait_sock"),
    helper(139, (5, 9), "v5.9, 478cfbdf5f13: bpf_skc_to_tcp_request_sock"),
    helper(140, (5, 9), "v5.9, 0d4fad3e57df: bpf_skc_to_udp6_sock"),
    helper(141, (5, 9), "v5.9, fa28dcb82a38: bpf_get_task_stack"),
    helper(142, (5, 10), "v5.10, 0813a841566f: bpf_load_hdr_opt"),
    helper(143, (5, 10), "v5.10, 0813a841566f: bpf_store_hdr_opt"),
    helper(144, (5, 10), "v5.10, 0813a841566f: bpf_reserve_hdr_opt"),
    helper(145, (5, 10), "v5.10, 8ea636848aca: bpf_inode_storage_get"),
    helper(146, (5, 10), "v5.10, 8ea636848aca: bpf_inode_storage_delete"),
    helper(147, (5, 10), "v5.10, 6e22ab9da793: bpf_d_path"),
    helper(148, (5, 10), "v5.10, 1e6c62a88215: bpf_copy_from_user"),
    helper(149, (5, 10), "v5.10, c4d0bfb45068: bpf_snprintf_btf"),
    helper(150, (5, 10), "v5.10, eb411377aed9: bpf_seq_printf_btf"),
    helper(151, (5, 10), "v5.10, b426ce83baa7: bpf_skb_cgroup_classid"),
    helper(152, (5, 10), "v5.10, b4ab31414970: bpf_redirect_neigh"),
    helper(153, (5, 10), "v5.10, eaa6bcb71ef6: bpf_per_cpu_ptr"),
    helper(154, (5, 10), "v5.10, 63d9b80dcf2c: bpf_this_cpu_ptr"),
    helper(155, (5, 10), "v5.10, 9aa1206e8f48: bpf_redirect_peer"),
    helper(156, (5, 11), "v5.11, 4cf1bc1f1045: bpf_task_storage_get"),
    helper(157, (5, 11), "v5.11, 4cf1bc1f1045: bpf_task_storage_delete"),
    helper(158, (5, 11), "v5.11, 3ca1032ab7ab: bpf_get_current_task_btf"),
    helper(159, (5, 11), "v5.11, 3f6719c7b62f: bpf_bprm_opts_set"),
    helper(160, (5, 11), "v5.11, d05512618056: bpf_ktime_get_coarse_ns"),
    helper(161, (5, 11), "v5.11, 27672f0d280a: bpf_ima_inode_hash"),
    helper(162, (5, 11), "v5.11, 4f19cab76136: bpf_sock_from_file"),
    helper(163, (5, 12), "v5.12, 34b2021cc616: bpf_check_mtu"),
    helper(164, (5, 13), "v5.13, 69c087ba6225: bpf_for_each_map_elem"),
    helper(165, (5, 13), "v5.13, 7b15523a989b: bpf_snprintf"),
    helper(166, (5, 14), "v5.14, 79a7f8bdb159: bpf_sys_bpf"),
    helper(167, (5, 14), "v5.14, 3d78417b60fb: bpf_btf_find_by_name_kind"),
    helper(168, (5, 14), "v5.14, 3abea089246f: bpf_sys_close"),
    helper(169, (5, 15), "v5.15, b00628b1c7d5: bpf_timer_init"),
    helper(170, (5, 15), "v5.15, b00628b1c7d5: bpf_timer_set_callback"),
    helper(171, (5, 15), "v5.15, b00628b1c7d5: bpf_timer_start"),
    helper(172, (5, 15), "v5.15, b00628b1c7d5: bpf_timer_cancel"),
    helper(173, (5, 15), "v5.15, 9b99edcae5c8: bpf_get_func_ip"),
    helper(174, (5, 15), "v5.15, 82e6b1eee6a8: bpf_get_attach_cookie"),
    helper(175, (5, 15), "v5.15, dd6e10fbd9fb: bpf_task_pt_regs"),
    helper(176, (5, 16), "v5.16, 856c02dbce4f: bpf_get_branch_snapshot"),
    helper(177, (5, 16), "v5.16, 10aceb629e19: bpf_trace_vprintk"),
    helper(178, (5, 16), "v5.16, 9eeb3aa33ae0: bpf_skc_to_unix_sock"),
    helper(179, (5, 16), "v5.16, d6aef08a872b: bpf_kallsyms_lookup_name"),
    helper(180, (5, 17), "v5.17, 7c7e3d31e785: bpf_find_vma"),
    helper(181, (5, 17), "v5.17, e6f2dd0f8067: bpf_loop"),
    helper(182, (5, 17), "v5.17, c5fb19937455: bpf_strncmp"),
    helper(183, (5, 17), "v5.17, f92c1e183604: bpf_get_func_arg"),
    helper(184, (5, 17), "v5.17, f92c1e183604: bpf_get_func_ret"),
    helper(185, (5, 17), "v5.17, f92c1e183604: bpf_get_func_arg_cnt"),
    helper(186, (5, 18), "v5.18, b44123b4a3dc: bpf_get_retval"),
    helper(187, (5, 18), "v5.18, b44123b4a3dc: bpf_set_retval"),
    helper(188, (5, 18), "v5.18, 0165cc817075: bpf_xdp_get_buff_len"),
    helper(189, (5, 18), "v5.18, 3f364222d032: bpf_xdp_load_bytes"),
    helper(190, (5, 18), "v5.18, 3f364222d032: bpf_xdp_store_bytes"),
    helper(191, (5, 18), "v5.18, 376040e47334: bpf_copy_from_user_task"),
    helper(192, (5, 18), "v5.18, 9bb984f28d5b: bpf_skb_set_tstamp"),
    helper(193, (5, 18), "v5.18, 174b16946e39: bpf_ima_file_hash"),
    helper(194, (5, 19), "v5.19, c0a5a21c25f3: bpf_kptr_xchg"),
    helper(195, (5, 19), "v5.19, 07343110b293: bpf_map_lookup_percpu_elem"),
    helper(196, (5, 19), "v5.19, 3bc253c2e652: bpf_skc_to_mptcp_sock"),
    helper(197, (5, 19), "v5.19, 263ae152e962: bpf_dynptr_from_mem"),
    helper(198, (5, 19), "v5.19, bc34dee65a65: bpf_ringbuf_reserve_dynptr"),
    helper(199, (5, 19), "v5.19, bc34dee65a65: bpf_ringbuf_submit_dynptr"),
    helper(200, (5, 19), "v5.19, bc34dee65a65: bpf_ringbuf_discard_dynptr"),
    helper(201, (5, 19), "v5.19, 13bbbfbea759: bpf_dynptr_read"),
    helper(202, (5, 19), "v5.19, 13bbbfbea759: bpf_dynptr_write"),
    helper(203, (5, 19), "v5.19, 34d4ef5775f7: bpf_dynptr_data"),
    helper(204, (6, 0), "v6.0, 33bf9885040c: bpf_tcp_raw_gen_syncookie_ipv4"),
    helper(205, (6, 0), "v6.0, 33bf9885040c: bpf_tcp_raw_gen_syncookie_ipv6"),
    helper(206, (6, 0), "v6.0, 33bf9885040c: bpf_tcp_raw_check_syncookie_ipv4"),
    helper(207, (6, 0), "v6.0, 33bf9885040c: bpf_tcp_raw_check_syncookie_ipv6"),
    helper(208, (6, 1), "v6.1, c8996c98f703: bpf_ktime_get_tai_ns"),
    helper(209, (6, 1), "v6.1, 205715673844: bpf_user_ringbuf_drain"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_starts_with_its_release() {
        for r in ROWS {
            let tag = format!("v{}.{}", r.since.0, r.since.1);
            let head = r.source.split([',', ':']).next().unwrap_or("");
            assert_eq!(head, tag, "{:?}: {}", r.what, r.source);
        }
    }

    #[test]
    fn no_capability_has_two_rows() {
        for (i, a) in ROWS.iter().enumerate() {
            assert!(
                ROWS[i + 1..].iter().all(|b| b.what != a.what),
                "{:?} has two rows",
                a.what
            );
        }
    }
}
