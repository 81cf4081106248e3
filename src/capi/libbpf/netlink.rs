//! XDP and TC by netlink (`bpf/libbpf.h`): `bpf_xdp_*`, the 0.x
//! `bpf_set_link_xdp_fd(_opts)` / `bpf_get_link_xdp_id` / `bpf_get_link_xdp_info`,
//! and `bpf_tc_*`. Every call follows the HL convention (libbpf's `libbpf_err`):
//! a negative errno, with errno set, in every mode.
//! Spec `libbpf-api.md` §1.2 (XDP and TC), §4.2 (layouts).

use crate::attach::xdp_tc::{self, TcHook, TcOpts, XDP_FLAGS_MASK, XDP_FLAGS_REPLACE};
use crate::capi::arg;
use crate::capi::boundary::{hl, legacy_api};
use crate::capi::opts::{impl_opts, opts_in, opts_out};
use crate::capi::types::*;
use crate::error::Error;
use std::ffi::c_int;

/// `struct bpf_xdp_set_link_opts` (libbpf 0.0.8–0.8, 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_xdp_set_link_opts {
    pub sz: usize,
    pub old_fd: c_int,
}
impl_opts!(bpf_xdp_set_link_opts, old_fd: c_int);

/// `struct bpf_xdp_attach_opts` (libbpf 0.7+, 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_xdp_attach_opts {
    pub sz: usize,
    pub old_prog_fd: c_int,
}
impl_opts!(bpf_xdp_attach_opts, old_prog_fd: c_int);

/// `struct bpf_xdp_query_opts` (libbpf 0.7–1.1 layout, last field `attach_mode`,
/// 32 bytes). All fields after `sz` are outputs.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_xdp_query_opts {
    pub sz: usize,
    pub prog_id: __u32,
    pub drv_prog_id: __u32,
    pub hw_prog_id: __u32,
    pub skb_prog_id: __u32,
    pub attach_mode: __u8,
}
impl_opts!(bpf_xdp_query_opts, attach_mode: u8);

/// `struct xdp_link_info` (libbpf 0.0.6–0.8, no `sz`, 20 bytes): filled by
/// `bpf_get_link_xdp_info` up to the caller's `info_size`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct xdp_link_info {
    pub prog_id: __u32,
    pub drv_prog_id: __u32,
    pub hw_prog_id: __u32,
    pub skb_prog_id: __u32,
    pub attach_mode: __u8,
}

/// `struct bpf_tc_hook` (libbpf 0.4+, 24 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_tc_hook {
    pub sz: usize,
    pub ifindex: c_int,
    pub attach_point: bpf_tc_attach_point,
    pub parent: __u32,
}
impl_opts!(bpf_tc_hook, parent: u32);

/// `struct bpf_tc_opts` (libbpf 0.4+, 32 bytes). `prog_id`, `handle` and
/// `priority` are written back by `bpf_tc_attach` and `bpf_tc_query`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_tc_opts {
    pub sz: usize,
    pub prog_fd: c_int,
    pub flags: __u32,
    pub prog_id: __u32,
    pub handle: __u32,
    pub priority: __u32,
}
impl_opts!(bpf_tc_opts, priority: u32);

const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<bpf_xdp_attach_opts>() == 16);
    assert!(offset_of!(bpf_xdp_query_opts, attach_mode) == 24);
    assert!(size_of::<bpf_xdp_query_opts>() == 32);
    assert!(size_of::<xdp_link_info>() == 20);
    assert!(offset_of!(bpf_tc_hook, parent) == 16);
    assert!(size_of::<bpf_tc_hook>() == 24);
    assert!(offset_of!(bpf_tc_opts, priority) == 24);
    assert!(size_of::<bpf_tc_opts>() == 32);
};

/// `bpf_xdp_attach` (LIBBPF_0.7.0): sets `prog_fd` as the XDP program of
/// `ifindex` by netlink. A non-zero `opts->old_prog_fd` adds `XDP_FLAGS_REPLACE`
/// (the kernel refuses with EEXIST if another program is attached).
/// 0, or a negative errno (errno set).
///
/// # Safety
/// `opts` is NULL or a valid `bpf_xdp_attach_opts` of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_xdp_attach(
    ifindex: c_int,
    prog_fd: c_int,
    flags: __u32,
    opts: *const bpf_xdp_attach_opts,
) -> c_int {
    hl("bpf_xdp_attach", || {
        // SAFETY: forwarded caller contract.
        unsafe { xdp_attach(ifindex, prog_fd, flags, opts) }
    })
}

/// The body of `bpf_xdp_attach` and `bpf_xdp_detach`.
///
/// # Safety
/// `opts` is NULL or a valid `bpf_xdp_attach_opts` of `opts->sz` bytes.
unsafe fn xdp_attach(
    ifindex: c_int,
    prog_fd: c_int,
    flags: u32,
    opts: *const bpf_xdp_attach_opts,
) -> Result<c_int, Error> {
    // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
    let o = unsafe { opts_in(opts) }?;
    let (old, flags) = if o.old_prog_fd != 0 {
        (o.old_prog_fd, flags | XDP_FLAGS_REPLACE)
    } else {
        (-1, flags)
    };
    xdp_tc::xdp_set(ifindex, prog_fd, old, flags)?;
    Ok(0)
}

/// `bpf_xdp_detach` (LIBBPF_0.7.0): removes the XDP program of `ifindex`
/// (`bpf_xdp_attach` with fd -1). 0, or a negative errno (errno set).
///
/// # Safety
/// As [`bpf_xdp_attach`].
#[no_mangle]
pub unsafe extern "C" fn bpf_xdp_detach(
    ifindex: c_int,
    flags: __u32,
    opts: *const bpf_xdp_attach_opts,
) -> c_int {
    hl("bpf_xdp_detach", || {
        // SAFETY: forwarded caller contract.
        unsafe { xdp_attach(ifindex, -1, flags, opts) }
    })
}

/// `bpf_xdp_query` (LIBBPF_0.7.0): the XDP program ids of `ifindex` and how they
/// are attached, from a link dump, written into `opts` (fields its `sz` covers).
/// `flags` may hold at most one mode flag (else -EINVAL). A device without XDP,
/// or without an entry, reads as all zero. 0, or a negative errno (errno set).
///
/// # Safety
/// `opts` is NULL or a valid, writable `bpf_xdp_query_opts` of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_xdp_query(
    ifindex: c_int,
    flags: c_int,
    opts: *mut bpf_xdp_query_opts,
) -> c_int {
    hl("bpf_xdp_query", || {
        // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
        unsafe { opts_in(opts as *const bpf_xdp_query_opts) }?;
        let info = xdp_tc::xdp_query(ifindex, flags as u32)?;
        opts_out!(opts, bpf_xdp_query_opts, prog_id, info.prog_id);
        opts_out!(opts, bpf_xdp_query_opts, drv_prog_id, info.drv_prog_id);
        opts_out!(opts, bpf_xdp_query_opts, hw_prog_id, info.hw_prog_id);
        opts_out!(opts, bpf_xdp_query_opts, skb_prog_id, info.skb_prog_id);
        opts_out!(opts, bpf_xdp_query_opts, attach_mode, info.attach_mode);
        Ok(0)
    })
}

/// `bpf_xdp_query_id` (LIBBPF_0.7.0): the id of the XDP program of `ifindex` in
/// the mode `flags` names (no mode: the only program, 0 if several are attached).
/// 0 with `*prog_id` set, or a negative errno (errno set; NULL `prog_id` -EINVAL).
///
/// # Safety
/// `prog_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bpf_xdp_query_id(
    ifindex: c_int,
    flags: c_int,
    prog_id: *mut __u32,
) -> c_int {
    hl("bpf_xdp_query_id", || {
        let info = xdp_tc::xdp_query(ifindex, flags as u32)?;
        if prog_id.is_null() {
            return Err(Error::Inval("prog_id is NULL"));
        }
        // SAFETY: non-NULL and writable per the caller's contract.
        unsafe { arg::write(prog_id, info.id_for(flags as u32)) };
        Ok(0)
    })
}

/// `bpf_set_link_xdp_fd` (LIBBPF_0.0.1, 0.x-only; `bpf_xdp_attach` in 1.x): sets
/// (`fd` ≥ 0) or removes (`fd` = -1) the XDP program of `ifindex`.
/// 0, or a negative errno (errno set).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_set_link_xdp_fd(ifindex: c_int, fd: c_int, flags: __u32) -> c_int {
    legacy_api("bpf_set_link_xdp_fd", || {
        hl("bpf_set_link_xdp_fd", || {
            xdp_tc::xdp_set(ifindex, fd, 0, flags)?;
            Ok(0)
        })
    })
}

/// `bpf_set_link_xdp_fd_opts` (LIBBPF_0.0.8, 0.x-only): as `bpf_set_link_xdp_fd`;
/// when `opts` covers `old_fd`, `XDP_FLAGS_REPLACE` is added and `old_fd` is the
/// program expected to be attached (as libbpf 0.x, even when it is 0).
/// 0, or a negative errno (errno set).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `opts` is NULL or a valid `bpf_xdp_set_link_opts` of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_set_link_xdp_fd_opts(
    ifindex: c_int,
    fd: c_int,
    flags: __u32,
    opts: *const bpf_xdp_set_link_opts,
) -> c_int {
    legacy_api("bpf_set_link_xdp_fd_opts", || {
        hl("bpf_set_link_xdp_fd_opts", || {
            // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
            let o = unsafe { opts_in(opts) }?;
            // SAFETY: as above; `opts_sz` reads only `sz`.
            let has_old = unsafe { crate::capi::opts::opts_sz(opts) }
                >= std::mem::offset_of!(bpf_xdp_set_link_opts, old_fd) + 4;
            let (old, flags) = if has_old {
                (o.old_fd, flags | XDP_FLAGS_REPLACE)
            } else {
                (-1, flags)
            };
            xdp_tc::xdp_set(ifindex, fd, old, flags)?;
            Ok(0)
        })
    })
}

/// `bpf_get_link_xdp_info` (LIBBPF_0.0.6, 0.x-only; `bpf_xdp_query` in 1.x):
/// fills `info_size` bytes of `info` with the 20-byte `struct xdp_link_info`
/// (truncated, or zero-padded beyond it). `info_size` 0, unknown flags or more
/// than one mode flag give -EINVAL. 0, or a negative errno (errno set).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `info` is NULL or `info_size` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_get_link_xdp_info(
    ifindex: c_int,
    info: *mut xdp_link_info,
    info_size: usize,
    flags: __u32,
) -> c_int {
    legacy_api("bpf_get_link_xdp_info", || {
        hl("bpf_get_link_xdp_info", || {
            if flags & !XDP_FLAGS_MASK != 0 || info_size == 0 {
                return Err(Error::Inval("flags or info_size"));
            }
            xdp_tc::check_query_flags(flags)?;
            // SAFETY: `info` is NULL or `info_size` writable bytes (caller's contract).
            let out = unsafe { arg::buf_mut(info.cast(), info_size, "info is NULL") }?;
            let got = xdp_tc::xdp_query(ifindex, flags)?;
            let mut bytes = [0u8; std::mem::size_of::<xdp_link_info>()];
            for (i, v) in [
                got.prog_id,
                got.drv_prog_id,
                got.hw_prog_id,
                got.skb_prog_id,
            ]
            .into_iter()
            .enumerate()
            {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
            }
            bytes[16] = got.attach_mode;
            let n = out.len().min(bytes.len());
            out[..n].copy_from_slice(&bytes[..n]);
            out[n..].fill(0);
            Ok(0)
        })
    })
}

/// `bpf_get_link_xdp_id` (LIBBPF_0.0.2, 0.x-only; `bpf_xdp_query_id` in 1.x, whose
/// last two arguments are swapped): the XDP program id of `ifindex` for `flags`.
/// 0 with `*prog_id` set, or a negative errno (errno set; NULL `prog_id` -EINVAL).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `prog_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bpf_get_link_xdp_id(
    ifindex: c_int,
    prog_id: *mut __u32,
    flags: __u32,
) -> c_int {
    legacy_api("bpf_get_link_xdp_id", || {
        hl("bpf_get_link_xdp_id", || {
            let info = xdp_tc::xdp_query(ifindex, flags)?;
            if prog_id.is_null() {
                return Err(Error::Inval("prog_id is NULL"));
            }
            // SAFETY: non-NULL and writable per the caller's contract.
            unsafe { arg::write(prog_id, info.id_for(flags)) };
            Ok(0)
        })
    })
}

/// A caller's hook: NULL or a bad `sz` → EINVAL.
///
/// # Safety
/// `hook` is NULL or a valid `bpf_tc_hook` of `hook->sz` bytes.
unsafe fn hook_in(hook: *const bpf_tc_hook) -> Result<TcHook, Error> {
    if hook.is_null() {
        return Err(Error::Inval("hook is NULL"));
    }
    // SAFETY: non-NULL, and a hook struct of `sz` bytes per the caller's contract.
    let h = unsafe { opts_in(hook) }?;
    Ok(TcHook {
        ifindex: h.ifindex,
        attach_point: h.attach_point,
        parent: h.parent,
    })
}

/// A caller's tc opts (NULL reads as all zero; bad `sz` → EINVAL).
///
/// # Safety
/// `opts` is NULL or a valid `bpf_tc_opts` of `opts->sz` bytes.
unsafe fn tc_opts_in(opts: *const bpf_tc_opts) -> Result<TcOpts, Error> {
    // SAFETY: forwarded caller contract.
    let o = unsafe { opts_in(opts) }?;
    Ok(TcOpts {
        prog_fd: o.prog_fd,
        flags: o.flags,
        prog_id: o.prog_id,
        handle: o.handle,
        priority: o.priority,
    })
}

/// The hook and opts of `bpf_tc_attach`, `_detach` and `_query`: NULL opts,
/// then a bad hook, then a bad opts `sz` → EINVAL.
///
/// # Safety
/// `hook` as [`hook_in`]; `opts` as [`tc_opts_in`].
unsafe fn tc_args(
    hook: *const bpf_tc_hook,
    opts: *const bpf_tc_opts,
) -> Result<(TcHook, TcOpts), Error> {
    if opts.is_null() {
        return Err(Error::Inval("opts is NULL"));
    }
    // SAFETY: forwarded caller contract.
    let h = unsafe { hook_in(hook) }?;
    // SAFETY: forwarded caller contract.
    Ok((h, unsafe { tc_opts_in(opts) }?))
}

fn tc_out(opts: *mut bpf_tc_opts, f: &xdp_tc::TcFilter) {
    opts_out!(opts, bpf_tc_opts, prog_id, f.prog_id);
    opts_out!(opts, bpf_tc_opts, handle, f.handle);
    opts_out!(opts, bpf_tc_opts, priority, f.priority);
}

/// `bpf_tc_hook_create` (LIBBPF_0.4.0): creates the `clsact` qdisc of
/// `hook->ifindex` for ingress, egress or both. -EEXIST if it already exists
/// (callers treat that as success), -EOPNOTSUPP for `BPF_TC_CUSTOM`, -EINVAL for
/// a bad hook. 0, or a negative errno (errno set).
///
/// # Safety
/// `hook` is NULL or a valid `bpf_tc_hook` of `hook->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_tc_hook_create(hook: *mut bpf_tc_hook) -> c_int {
    hl("bpf_tc_hook_create", || {
        // SAFETY: forwarded caller contract.
        let h = unsafe { hook_in(hook) }?;
        xdp_tc::hook_create(&h)?;
        Ok(0)
    })
}

/// `bpf_tc_hook_destroy` (LIBBPF_0.4.0): for one direction, removes all its
/// filters; for `BPF_TC_INGRESS | BPF_TC_EGRESS`, deletes the `clsact` qdisc.
/// 0, or a negative errno (errno set).
///
/// # Safety
/// As [`bpf_tc_hook_create`].
#[no_mangle]
pub unsafe extern "C" fn bpf_tc_hook_destroy(hook: *mut bpf_tc_hook) -> c_int {
    hl("bpf_tc_hook_destroy", || {
        // SAFETY: forwarded caller contract.
        let h = unsafe { hook_in(hook) }?;
        xdp_tc::hook_destroy(&h)?;
        Ok(0)
    })
}

/// `bpf_tc_attach` (LIBBPF_0.4.0): attaches `opts->prog_fd` as a direct-action
/// `bpf` filter at `opts->handle`/`opts->priority` (0 = kernel picks) on the hook;
/// `BPF_TC_F_REPLACE` in `opts->flags` allows replacing, else -EEXIST. On success
/// writes `prog_id`, `handle` and `priority` back. `prog_id` set on input, no
/// `prog_fd`, unknown flags or priority > 0xFFFF give -EINVAL.
/// 0, or a negative errno (errno set).
///
/// # Safety
/// `hook` as [`bpf_tc_hook_create`]; `opts` is NULL or a valid, writable
/// `bpf_tc_opts` of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_tc_attach(hook: *const bpf_tc_hook, opts: *mut bpf_tc_opts) -> c_int {
    hl("bpf_tc_attach", || {
        // SAFETY: forwarded caller contract.
        let (h, o) = unsafe { tc_args(hook, opts) }?;
        let f = xdp_tc::tc_attach(&h, &o)?;
        tc_out(opts, &f);
        Ok(0)
    })
}

/// `bpf_tc_detach` (LIBBPF_0.4.0): removes the filter at `opts->handle` and
/// `opts->priority` (both required; `prog_fd`, `prog_id` and `flags` must be 0).
/// 0, or a negative errno (errno set; -ENOENT if there is no such filter).
///
/// # Safety
/// `hook` as [`bpf_tc_hook_create`]; `opts` is NULL or a valid `bpf_tc_opts`.
#[no_mangle]
pub unsafe extern "C" fn bpf_tc_detach(
    hook: *const bpf_tc_hook,
    opts: *const bpf_tc_opts,
) -> c_int {
    hl("bpf_tc_detach", || {
        // SAFETY: forwarded caller contract.
        let (h, o) = unsafe { tc_args(hook, opts) }?;
        xdp_tc::tc_detach(&h, Some(&o))?;
        Ok(0)
    })
}

/// `bpf_tc_query` (LIBBPF_0.4.0): the program id of the filter at `opts->handle`
/// and `opts->priority` (both required; `prog_fd`, `prog_id` and `flags` must be
/// 0), written back with handle and priority. 0, or a negative errno (errno set;
/// -ENOENT if there is no such filter).
///
/// # Safety
/// As [`bpf_tc_attach`].
#[no_mangle]
pub unsafe extern "C" fn bpf_tc_query(hook: *const bpf_tc_hook, opts: *mut bpf_tc_opts) -> c_int {
    hl("bpf_tc_query", || {
        // SAFETY: forwarded caller contract.
        let (h, o) = unsafe { tc_args(hook, opts) }?;
        let f = xdp_tc::tc_query(&h, &o)?;
        tc_out(opts, &f);
        Ok(0)
    })
}
