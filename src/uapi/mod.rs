//! The numbers C and the kernel share with us, each defined once: the kernel UAPI
//! (`linux/bpf.h`, and the few values of `bpf_common.h`, `btf.h` and `magic.h` the
//! crate uses) and the constants of libbpf's own headers.
//!
//! Owns: `generated.rs` (written by `tests/uapi.rs` from the system headers, never
//! by hand), `newer.rs` (values newer than those headers, each with its kernel
//! version), `libbpf.rs` (libbpf header constants), `kernels.rs` (when each capability
//! entered Linux), the kernel-internal
//! [`ENOTSUPP`], and the `bpf()` command names ([`cmd_name`]).
//! Must not call: anything. Plain data, so every module may use it, `object/` and
//! `btf/` included.
#![forbid(unsafe_code)]

mod generated;
pub mod kernels;
mod libbpf;
pub mod names;
mod newer;

pub use generated::*;
pub use libbpf::*;
pub use newer::*;

/// The kernel-internal `ENOTSUPP` (`include/linux/errno.h`, not UAPI), which some
/// commands return to user space anyway (struct_ops maps, some link types).
pub const ENOTSUPP: i32 = 524;

/// `BPF_FUNC_get_attach_cookie` (Linux 5.15) of `enum bpf_func_id`, which
/// `linux/bpf.h` writes through a macro the generator does not expand.
pub const BPF_FUNC_GET_ATTACH_COOKIE: i32 = 174;
/// Instruction-class bits (`linux/bpf_common.h`) the generator leaves out.
pub const BPF_MEM: u8 = 0x60;
pub const BPF_X: u8 = 0x08;
pub const BPF_ADD: u8 = 0x00;

/// `BPF_FUNC_probe_read_kernel` (Linux 5.5), as above.
pub const BPF_FUNC_PROBE_READ_KERNEL: i32 = 113;
/// `BPF_FUNC_ktime_get_coarse_ns` (Linux 5.11, with memcg accounting), as above.
pub const BPF_FUNC_KTIME_GET_COARSE_NS: i32 = 160;

/// `BPF_NOEXIST`, the map update flag of `linux/bpf.h`'s unnamed enum (which the
/// generator skips): fail with EEXIST when the key is present.
pub const BPF_NOEXIST: u64 = 1;

/// The UAPI name of `bpf()` command `cmd` (`"BPF_MAP_CREATE"`), `None` if unknown.
pub fn cmd_name(cmd: u32) -> Option<&'static str> {
    let i = usize::try_from(cmd).ok()?;
    match BPF_CMD_NAMES.get(i) {
        Some(name) => Some(name),
        None => BPF_CMD_NAMES_NEWER.get(i - BPF_CMD_NAMES.len()).copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names() {
        assert_eq!(cmd_name(BPF_MAP_CREATE), Some("BPF_MAP_CREATE"));
        // An alias keeps the first name.
        assert_eq!(cmd_name(BPF_PROG_RUN), Some("BPF_PROG_TEST_RUN"));
        assert_eq!(cmd_name(BPF_PROG_BIND_MAP), Some("BPF_PROG_BIND_MAP"));
        assert_eq!(cmd_name(BPF_TOKEN_CREATE), Some("BPF_TOKEN_CREATE"));
        assert_eq!(cmd_name(BPF_TOKEN_CREATE + 1), None);
        assert_eq!(cmd_name(u32::MAX), None);
    }

    /// The newer values continue the generated enums without a gap or overlap.
    #[test]
    fn newer_values_follow_the_header() {
        let first_newer = BPF_CMD_NAMES.len() as u32;
        assert_eq!(BPF_TOKEN_CREATE, first_newer);
        assert_eq!(BPF_MAP_TYPE_CGRP_STORAGE, BPF_MAP_TYPE_NAMES.len() as u32);
        assert_eq!(BPF_PROG_TYPE_NETFILTER, BPF_PROG_TYPE_NAMES.len() as u32);
        assert!(BPF_TRACE_UPROBE_SESSION >= BPF_ATTACH_TYPE_NAMES.len() as u32);
        assert!(BPF_LINK_TYPE_SOCKMAP >= BPF_LINK_TYPE_NAMES.len() as u32);
    }
}
