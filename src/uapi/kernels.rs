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
