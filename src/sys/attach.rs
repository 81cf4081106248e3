//! Attachment without links: `BPF_PROG_ATTACH`, `BPF_PROG_DETACH`,
//! `BPF_PROG_QUERY` and `BPF_RAW_TRACEPOINT_OPEN`.
//!
//! Owns: the attach/detach/query attrs and the query out-fields.
//! Must not call: `capi`.
//! Spec: `libbpf-api.md` §1.1 (rows of these calls).
//!
//! Descriptors here are numbers the kernel resolves, passed through unchanged as
//! libbpf passes them (an fd *or* an ifindex, or 0), so every return value and
//! errno stays the kernel's own.

use super::attr::{ProgAttachAttr, ProgQueryAttr, RawTpAttr};
use super::{call, call_fd, call_out, Cmd, UserPtr};
use crate::error::SysError;
use std::os::fd::OwnedFd;

/// `BPF_PROG_ATTACH` (Linux 4.10; `replace_bpf_fd` 5.6). `target` is a cgroup,
/// map or netns fd, or 0, as the attach type says.
pub fn prog_attach(
    prog_fd: i32,
    target: i32,
    attach_type: u32,
    flags: u32,
    replace_prog_fd: i32,
) -> Result<(), SysError> {
    let mut attr = ProgAttachAttr {
        target_fd: target as u32,
        attach_bpf_fd: prog_fd as u32,
        attach_type,
        attach_flags: flags,
        replace_bpf_fd: replace_prog_fd as u32,
    };
    call(Cmd::ProgAttach, &mut attr).map(drop)
}

/// `BPF_PROG_DETACH` (Linux 4.10). `prog_fd` 0 detaches whatever single program is
/// attached (the 2-argument `bpf_prog_detach`).
pub fn prog_detach(prog_fd: i32, target: i32, attach_type: u32) -> Result<(), SysError> {
    let mut attr = ProgAttachAttr {
        target_fd: target as u32,
        attach_bpf_fd: prog_fd as u32,
        attach_type,
        ..ProgAttachAttr::default()
    };
    call(Cmd::ProgDetach, &mut attr).map(drop)
}

/// Inputs of `BPF_PROG_QUERY` (Linux 4.15; `prog_attach_flags` 6.0).
#[derive(Clone, Copy, Debug, Default)]
pub struct Query {
    pub query_flags: u32,
    pub prog_ids: UserPtr,
    /// In: the room at `prog_ids`; out: the number attached.
    pub prog_cnt: u32,
    pub prog_attach_flags: UserPtr,
}

/// What `BPF_PROG_QUERY` leaves in the attr (copied back on failure too, as libbpf does).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueryOut {
    pub attach_flags: u32,
    pub prog_cnt: u32,
}

/// `BPF_PROG_QUERY` (Linux 4.15).
pub fn prog_query(target: i32, attach_type: u32, q: &Query) -> (Result<(), SysError>, QueryOut) {
    let attr = ProgQueryAttr {
        target_fd: target as u32,
        attach_type,
        query_flags: q.query_flags,
        attach_flags: 0,
        prog_ids: q.prog_ids.0,
        prog_cnt: q.prog_cnt,
        _pad0: 0,
        prog_attach_flags: q.prog_attach_flags.0,
    };
    call_out(Cmd::ProgQuery, attr, |a| QueryOut {
        attach_flags: a.attach_flags,
        prog_cnt: a.prog_cnt,
    })
}

/// `BPF_RAW_TRACEPOINT_OPEN` (Linux 4.17). `name` is a C string the kernel reads;
/// NULL is right for BTF-typed programs (fentry, LSM, tp_btf), which carry their target.
pub fn raw_tracepoint_open(name: UserPtr, prog_fd: i32) -> Result<OwnedFd, SysError> {
    let mut attr = RawTpAttr {
        name: name.0,
        prog_fd: prog_fd as u32,
        _pad0: 0,
    };
    call_fd(Cmd::RawTracepointOpen, &mut attr)
}
