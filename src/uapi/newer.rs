//! UAPI values newer than the header `generated.rs` was made from (Linux 6.1), by
//! hand, each with the kernel release that introduced it (`linux/bpf.h` of that
//! release). Once the system header has one, it moves to the generator's list
//! (a name defined in both files no longer resolves, so the copy cannot linger).
//! Must not call: anything (plain data).

/// `enum bpf_cmd`: `BPF_TOKEN_CREATE` (Linux 6.9).
pub const BPF_TOKEN_CREATE: u32 = 36;

/// The names of the commands above, continuing `BPF_CMD_NAMES`.
pub const BPF_CMD_NAMES_NEWER: [&str; 1] = ["BPF_TOKEN_CREATE"];

/// `enum bpf_map_type`: `BPF_MAP_TYPE_CGRP_STORAGE` (Linux 6.2).
pub const BPF_MAP_TYPE_CGRP_STORAGE: u32 = 32;
/// `BPF_MAP_TYPE_ARENA` (Linux 6.9).
pub const BPF_MAP_TYPE_ARENA: u32 = 33;

/// `enum bpf_prog_type`: `BPF_PROG_TYPE_NETFILTER` (Linux 6.4).
pub const BPF_PROG_TYPE_NETFILTER: u32 = 32;

/// `enum bpf_attach_type`: `BPF_NETFILTER` (Linux 6.4), the only attach type of
/// `BPF_PROG_TYPE_NETFILTER` programs.
pub const BPF_NETFILTER: u32 = 45;
/// `BPF_CGROUP_UNIX_CONNECT` (Linux 6.7).
pub const BPF_CGROUP_UNIX_CONNECT: u32 = 49;
/// `BPF_TRACE_UPROBE_SESSION` (Linux 6.13).
pub const BPF_TRACE_UPROBE_SESSION: u32 = 57;

/// `enum bpf_link_type`: `BPF_LINK_TYPE_SOCKMAP` (Linux 6.10).
pub const BPF_LINK_TYPE_SOCKMAP: u32 = 14;
