//! Link wrappers of `bpf/bpf.h`: `bpf_link_create` (with its opts), `bpf_link_update`,
//! `bpf_link_detach`, `bpf_raw_tracepoint_open`, `bpf_iter_create`.
//! Spec `libbpf-api.md` §1.1, §4.2 (opts layouts of libbpf 1.1.2).
//!
//! `bpf_link_create_opts` has an anonymous union in libbpf's header, which cbindgen
//! cannot write: its C definition is hand-written in `cbindgen.toml`
//! (`after_includes`), and the Rust mirror below, excluded from the header, spells
//! the same bytes with a raw byte array.

use super::prog::fd_out;
use crate::capi::arg;
use crate::capi::boundary::ll;
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::types::*;
use crate::sys;
use crate::sys::link::LinkCreate;
use std::ffi::{c_char, c_int, c_void};
use std::mem::{offset_of, size_of};

/// `struct bpf_link_update_opts` (libbpf 0.0.8+; layout of 1.1.2, 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_link_update_opts {
    pub sz: usize,
    pub flags: __u32,
    pub old_prog_fd: __u32,
}
impl_opts!(bpf_link_update_opts, old_prog_fd: u32);
const _: () = assert!(size_of::<bpf_link_update_opts>() == 16);

/// Mirror of `struct bpf_link_create_opts` (libbpf 0.0.8+; layout of 1.1.2,
/// 64 bytes, last `kprobe_multi.cookies`). The C definition, with its anonymous
/// union (`perf_event.bpf_cookie` / `kprobe_multi.{flags, cnt, syms, addrs,
/// cookies}` / `tracing.cookie` at 32), is hand-written in the header.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_link_create_opts {
    pub sz: usize,
    pub flags: __u32,
    pub _pad0: __u32,
    /// `union bpf_iter_link_info *`.
    pub iter_info: *mut c_void,
    pub iter_info_len: __u32,
    pub target_btf_id: __u32,
    /// The anonymous union at 32, as raw bytes.
    pub per_type: [u8; 32],
}
impl_opts!(bpf_link_create_opts, per_type: [u8; 32]);
const _: () = {
    assert!(size_of::<bpf_link_create_opts>() == 64);
    assert!(offset_of!(bpf_link_create_opts, iter_info) == 16);
    assert!(offset_of!(bpf_link_create_opts, iter_info_len) == 24);
    assert!(offset_of!(bpf_link_create_opts, target_btf_id) == 28);
    assert!(offset_of!(bpf_link_create_opts, per_type) == 32);
};

/// `bpf_raw_tracepoint_open` (LIBBPF_0.0.1): attaches a raw tracepoint program to
/// the tracepoint `name` (NULL for BTF-typed programs, which name their target at
/// load). A new fd (≥ 3; closing it detaches) or the LL failure value.
///
/// # Safety
/// `name` is NULL or a C string (the kernel reads it).
#[no_mangle]
pub unsafe extern "C" fn bpf_raw_tracepoint_open(name: *const c_char, prog_fd: c_int) -> c_int {
    ll("bpf_raw_tracepoint_open", || {
        Ok(fd_out(sys::attach::raw_tracepoint_open(
            arg::uptr(name),
            prog_fd,
        )?))
    })
}

/// `bpf_link_create` (LIBBPF_0.0.8): creates a BPF link of `attach_type` from the
/// program to `target_fd` (a cgroup, netns, map or program fd, an ifindex for XDP,
/// or 0). A new link fd (≥ 3) or the LL failure value; options the attach type does
/// not use, or `iter_info_len` with `target_btf_id` → `-EINVAL` directly. On EINVAL
/// from the kernel for RAW_TP/LSM/FENTRY/FEXIT/MODIFY_RETURN with no target and no
/// options, falls back to `bpf_raw_tracepoint_open(NULL, prog_fd)` like libbpf.
///
/// # Safety
/// `opts` is NULL or a valid opts struct of `opts->sz` bytes; its pointers as the
/// kernel requires.
#[no_mangle]
pub unsafe extern "C" fn bpf_link_create(
    prog_fd: c_int,
    target_fd: c_int,
    attach_type: bpf_attach_type,
    opts: *const bpf_link_create_opts,
) -> c_int {
    ll("bpf_link_create", || {
        // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        let p = LinkCreate {
            prog_fd,
            target: target_fd,
            attach_type,
            flags: o.flags,
            pad0: o._pad0,
            iter_info: arg::uptr(o.iter_info),
            iter_info_len: o.iter_info_len,
            target_btf_id: o.target_btf_id,
            per_type: o.per_type,
        };
        Ok(fd_out(sys::link::link_create(&p)?))
    })
}

/// `bpf_link_detach` (LIBBPF_0.1.0): detaches the link from its target; the fd
/// stays open. 0 or the LL failure value.
#[no_mangle]
pub extern "C" fn bpf_link_detach(link_fd: c_int) -> c_int {
    ll("bpf_link_detach", || {
        sys::link::link_detach(link_fd)?;
        Ok(0)
    })
}

/// `bpf_link_update` (LIBBPF_0.0.8): replaces the link's program with
/// `new_prog_fd` (with `BPF_F_REPLACE` in `opts->flags`, only if `old_prog_fd`
/// is the current one). 0 or the LL failure value; bad opts → `-EINVAL`.
///
/// # Safety
/// `opts` is NULL or a valid opts struct of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_link_update(
    link_fd: c_int,
    new_prog_fd: c_int,
    opts: *const bpf_link_update_opts,
) -> c_int {
    ll("bpf_link_update", || {
        // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        sys::link::link_update(link_fd, new_prog_fd, o.flags, o.old_prog_fd)?;
        Ok(0)
    })
}

/// `bpf_iter_create` (LIBBPF_0.0.9): a new fd (≥ 3) whose reads run the iterator
/// link, or the LL failure value.
#[no_mangle]
pub extern "C" fn bpf_iter_create(link_fd: c_int) -> c_int {
    ll("bpf_iter_create", || {
        Ok(fd_out(sys::link::iter_create(link_fd)?))
    })
}
