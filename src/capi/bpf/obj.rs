//! Object syscall wrappers of `bpf/bpf.h`: pinning, id walks, fds by id, info
//! queries, stats and task_fd_query. Spec `libbpf-api.md` §1.1, §2, §4.6.
//!
//! All are LL calls. Fds and paths go to the kernel as given (libbpf checks
//! neither), so a bad fd or a NULL path gets the kernel's own errno. Where libbpf
//! would dereference a NULL out-pointer (`next_id`, `info_len`, the task_fd_query
//! outputs) we answer `-EINVAL` before any system call.

use crate::capi::arg;
use crate::capi::boundary::ll;
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::types::*;
use crate::error::Error;
use crate::sys::obj::{self as sys, IdKind};
use std::ffi::{c_char, c_int, c_void};
use std::os::fd::IntoRawFd;

/// `struct bpf_obj_get_opts` (libbpf 1.0+; layout of 1.1, 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_obj_get_opts {
    pub sz: usize,
    pub file_flags: __u32,
}
impl_opts!(bpf_obj_get_opts, file_flags: u32);
const _: () = assert!(std::mem::size_of::<bpf_obj_get_opts>() == 16);

/// `struct bpf_get_fd_by_id_opts` (libbpf 1.1+, 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_get_fd_by_id_opts {
    pub sz: usize,
    /// Permissions requested for the fd (`BPF_F_RDONLY`, `BPF_F_WRONLY`).
    pub open_flags: __u32,
}
impl_opts!(bpf_get_fd_by_id_opts, open_flags: u32);
const _: () = assert!(std::mem::size_of::<bpf_get_fd_by_id_opts>() == 16);

/// `bpf_obj_pin` (LIBBPF_0.0.1): pins `fd` at `pathname` on a bpffs. 0, or the LL
/// failure value (a NULL or bad `pathname` gives the kernel's EFAULT, as in libbpf).
///
/// # Safety
/// `pathname` is NULL or a C string (the kernel reads it; bad addresses give EFAULT).
#[no_mangle]
pub unsafe extern "C" fn bpf_obj_pin(fd: c_int, pathname: *const c_char) -> c_int {
    ll("bpf_obj_pin", || {
        sys::obj_pin(fd, arg::uptr(pathname))?;
        Ok(0)
    })
}

/// `bpf_obj_get` (LIBBPF_0.0.1): a new fd (≥ 3) for the object pinned at `pathname`,
/// or the LL failure value.
///
/// # Safety
/// As `bpf_obj_pin`.
#[no_mangle]
pub unsafe extern "C" fn bpf_obj_get(pathname: *const c_char) -> c_int {
    ll("bpf_obj_get", || {
        Ok(sys::obj_get(arg::uptr(pathname), 0)?.into_raw_fd())
    })
}

/// `bpf_obj_get_opts` (LIBBPF_1.0.0): `bpf_obj_get` with `file_flags`
/// (`BPF_F_RDONLY`, `BPF_F_WRONLY`). Bad opts give `-EINVAL` directly (errno set).
///
/// # Safety
/// `pathname` as in `bpf_obj_pin`; `opts` is NULL or a valid `bpf_obj_get_opts`.
#[no_mangle]
pub unsafe extern "C" fn bpf_obj_get_opts(
    pathname: *const c_char,
    opts: *const bpf_obj_get_opts,
) -> c_int {
    ll("bpf_obj_get_opts", || {
        // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        Ok(sys::obj_get(arg::uptr(pathname), o.file_flags)?.into_raw_fd())
    })
}

/// The shared body of the `_get_next_id` calls: `*next_id` is written only on success.
///
/// # Safety
/// `next_id` is NULL or a writable `__u32`.
unsafe fn next_id(kind: IdKind, start_id: __u32, next_id: *mut __u32) -> Result<c_int, Error> {
    if next_id.is_null() {
        return Err(Error::inval("next_id is NULL"));
    }
    let id = sys::get_next_id(kind, start_id)?;
    // SAFETY: non-NULL and writable per the contract.
    unsafe { arg::write(next_id, id) };
    Ok(0)
}

/// `bpf_prog_get_next_id` (LIBBPF_0.0.1): the next program id after `start_id` into
/// `*next_id`. 0, or the LL failure value (ENOENT after the last one); NULL
/// `next_id` gives `-EINVAL`.
///
/// # Safety
/// `next_id` is NULL or a writable `__u32`.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_get_next_id(start_id: __u32, next_id: *mut __u32) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_prog_get_next_id", || unsafe {
        self::next_id(IdKind::Prog, start_id, next_id)
    })
}

/// `bpf_map_get_next_id` (LIBBPF_0.0.1): as `bpf_prog_get_next_id`, for maps.
///
/// # Safety
/// `next_id` is NULL or a writable `__u32`.
#[no_mangle]
pub unsafe extern "C" fn bpf_map_get_next_id(start_id: __u32, next_id: *mut __u32) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_map_get_next_id", || unsafe {
        self::next_id(IdKind::Map, start_id, next_id)
    })
}

/// `bpf_btf_get_next_id` (LIBBPF_0.0.5): as `bpf_prog_get_next_id`, for BTF objects.
///
/// # Safety
/// `next_id` is NULL or a writable `__u32`.
#[no_mangle]
pub unsafe extern "C" fn bpf_btf_get_next_id(start_id: __u32, next_id: *mut __u32) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_btf_get_next_id", || unsafe {
        self::next_id(IdKind::Btf, start_id, next_id)
    })
}

/// `bpf_link_get_next_id` (LIBBPF_0.0.9): as `bpf_prog_get_next_id`, for links.
///
/// # Safety
/// `next_id` is NULL or a writable `__u32`.
#[no_mangle]
pub unsafe extern "C" fn bpf_link_get_next_id(start_id: __u32, next_id: *mut __u32) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_link_get_next_id", || unsafe {
        self::next_id(IdKind::Link, start_id, next_id)
    })
}

/// The shared body of the `_get_fd_by_id[_opts]` calls.
///
/// # Safety
/// `opts` is NULL or a valid `bpf_get_fd_by_id_opts`.
unsafe fn fd_by_id(
    kind: IdKind,
    id: __u32,
    opts: *const bpf_get_fd_by_id_opts,
) -> Result<c_int, Error> {
    // SAFETY: per this function's contract.
    let o = unsafe { opts_in(opts) }?;
    Ok(sys::get_fd_by_id(kind, id, o.open_flags)?.into_raw_fd())
}

/// `bpf_prog_get_fd_by_id` (LIBBPF_0.0.1): a new fd (≥ 3) for the program with
/// that id, or the LL failure value (ENOENT if there is none).
#[no_mangle]
pub extern "C" fn bpf_prog_get_fd_by_id(id: __u32) -> c_int {
    // SAFETY: NULL opts.
    ll("bpf_prog_get_fd_by_id", || unsafe {
        fd_by_id(IdKind::Prog, id, std::ptr::null())
    })
}

/// `bpf_map_get_fd_by_id` (LIBBPF_0.0.1): as `bpf_prog_get_fd_by_id`, for maps.
#[no_mangle]
pub extern "C" fn bpf_map_get_fd_by_id(id: __u32) -> c_int {
    // SAFETY: NULL opts.
    ll("bpf_map_get_fd_by_id", || unsafe {
        fd_by_id(IdKind::Map, id, std::ptr::null())
    })
}

/// `bpf_btf_get_fd_by_id` (LIBBPF_0.0.1): as `bpf_prog_get_fd_by_id`, for BTF.
#[no_mangle]
pub extern "C" fn bpf_btf_get_fd_by_id(id: __u32) -> c_int {
    // SAFETY: NULL opts.
    ll("bpf_btf_get_fd_by_id", || unsafe {
        fd_by_id(IdKind::Btf, id, std::ptr::null())
    })
}

/// `bpf_link_get_fd_by_id` (LIBBPF_0.0.9): as `bpf_prog_get_fd_by_id`, for links.
#[no_mangle]
pub extern "C" fn bpf_link_get_fd_by_id(id: __u32) -> c_int {
    // SAFETY: NULL opts.
    ll("bpf_link_get_fd_by_id", || unsafe {
        fd_by_id(IdKind::Link, id, std::ptr::null())
    })
}

/// `bpf_prog_get_fd_by_id_opts` (LIBBPF_1.1.0): with `open_flags`. Bad opts give
/// `-EINVAL` directly (errno set).
///
/// # Safety
/// `opts` is NULL or a valid `bpf_get_fd_by_id_opts`.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_get_fd_by_id_opts(
    id: __u32,
    opts: *const bpf_get_fd_by_id_opts,
) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_prog_get_fd_by_id_opts", || unsafe {
        fd_by_id(IdKind::Prog, id, opts)
    })
}

/// `bpf_map_get_fd_by_id_opts` (LIBBPF_1.1.0): as `bpf_prog_get_fd_by_id_opts`.
///
/// # Safety
/// `opts` is NULL or a valid `bpf_get_fd_by_id_opts`.
#[no_mangle]
pub unsafe extern "C" fn bpf_map_get_fd_by_id_opts(
    id: __u32,
    opts: *const bpf_get_fd_by_id_opts,
) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_map_get_fd_by_id_opts", || unsafe {
        fd_by_id(IdKind::Map, id, opts)
    })
}

/// `bpf_btf_get_fd_by_id_opts` (LIBBPF_1.1.0): as `bpf_prog_get_fd_by_id_opts`.
///
/// # Safety
/// `opts` is NULL or a valid `bpf_get_fd_by_id_opts`.
#[no_mangle]
pub unsafe extern "C" fn bpf_btf_get_fd_by_id_opts(
    id: __u32,
    opts: *const bpf_get_fd_by_id_opts,
) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_btf_get_fd_by_id_opts", || unsafe {
        fd_by_id(IdKind::Btf, id, opts)
    })
}

/// `bpf_link_get_fd_by_id_opts` (LIBBPF_1.1.0): as `bpf_prog_get_fd_by_id_opts`.
///
/// # Safety
/// `opts` is NULL or a valid `bpf_get_fd_by_id_opts`.
#[no_mangle]
pub unsafe extern "C" fn bpf_link_get_fd_by_id_opts(
    id: __u32,
    opts: *const bpf_get_fd_by_id_opts,
) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_link_get_fd_by_id_opts", || unsafe {
        fd_by_id(IdKind::Link, id, opts)
    })
}

/// The shared body of the info calls: the caller's buffer and `*info_len` go to the
/// kernel unchanged; `*info_len` gets the kernel's length back on success only.
///
/// # Safety
/// `info_len` is NULL or a readable and writable `__u32`; `info` is the caller's
/// buffer (the kernel checks it).
unsafe fn info_by_fd(fd: c_int, info: *mut c_void, info_len: *mut __u32) -> Result<c_int, Error> {
    // SAFETY: per this function's contract.
    let len = unsafe { arg::read(info_len, "info_len is NULL") }?;
    let used = sys::obj_get_info_by_fd(fd, arg::uptr(info), len)?;
    // SAFETY: non-NULL (read above) and writable per the contract.
    unsafe { arg::write(info_len, used) };
    Ok(0)
}

/// `bpf_obj_get_info_by_fd` (LIBBPF_0.0.1): the kernel's info struct for a prog,
/// map, BTF or link fd into the caller's `info` of `*info_len` bytes (in/out:
/// the kernel copies at most that much and writes back the length it used).
/// 0, or the LL failure value (E2BIG: the buffer is longer than the kernel's
/// struct and the extra bytes are not zero); NULL `info_len` gives `-EINVAL`.
///
/// # Safety
/// `info_len` is NULL or a valid `__u32`; `info` points to `*info_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_obj_get_info_by_fd(
    bpf_fd: c_int,
    info: *mut c_void,
    info_len: *mut __u32,
) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_obj_get_info_by_fd", || unsafe {
        info_by_fd(bpf_fd, info, info_len)
    })
}

/// `bpf_prog_get_info_by_fd` (LIBBPF_1.2.0): `bpf_obj_get_info_by_fd` typed for programs.
///
/// # Safety
/// As `bpf_obj_get_info_by_fd`.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_get_info_by_fd(
    prog_fd: c_int,
    info: *mut bpf_prog_info,
    info_len: *mut __u32,
) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_prog_get_info_by_fd", || unsafe {
        info_by_fd(prog_fd, info.cast(), info_len)
    })
}

/// `bpf_map_get_info_by_fd` (LIBBPF_1.2.0): `bpf_obj_get_info_by_fd` typed for maps.
///
/// # Safety
/// As `bpf_obj_get_info_by_fd`.
#[no_mangle]
pub unsafe extern "C" fn bpf_map_get_info_by_fd(
    map_fd: c_int,
    info: *mut bpf_map_info,
    info_len: *mut __u32,
) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_map_get_info_by_fd", || unsafe {
        info_by_fd(map_fd, info.cast(), info_len)
    })
}

/// `bpf_btf_get_info_by_fd` (LIBBPF_1.2.0): `bpf_obj_get_info_by_fd` typed for BTF.
///
/// # Safety
/// As `bpf_obj_get_info_by_fd`.
#[no_mangle]
pub unsafe extern "C" fn bpf_btf_get_info_by_fd(
    btf_fd: c_int,
    info: *mut bpf_btf_info,
    info_len: *mut __u32,
) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_btf_get_info_by_fd", || unsafe {
        info_by_fd(btf_fd, info.cast(), info_len)
    })
}

/// `bpf_link_get_info_by_fd` (LIBBPF_1.2.0): `bpf_obj_get_info_by_fd` typed for links.
///
/// # Safety
/// As `bpf_obj_get_info_by_fd`.
#[no_mangle]
pub unsafe extern "C" fn bpf_link_get_info_by_fd(
    link_fd: c_int,
    info: *mut bpf_link_info,
    info_len: *mut __u32,
) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_link_get_info_by_fd", || unsafe {
        info_by_fd(link_fd, info.cast(), info_len)
    })
}

/// `bpf_enable_stats` (LIBBPF_0.0.9): turns on kernel BPF statistics of `type`
/// (`BPF_STATS_RUN_TIME`) while the returned fd (≥ 3) stays open; or the LL
/// failure value.
#[no_mangle]
pub extern "C" fn bpf_enable_stats(r#type: bpf_stats_type) -> c_int {
    ll("bpf_enable_stats", || {
        Ok(sys::enable_stats(r#type)?.into_raw_fd())
    })
}

/// `bpf_task_fd_query` (LIBBPF_0.0.1): what BPF program process `pid` has attached
/// through its perf-event or raw-tracepoint `fd`. `buf`/`*buf_len` receive the
/// probe's name (in/out), and the other pointers the program id, the
/// `BPF_FD_TYPE_*`, and the probe offset and address. 0, or the LL failure value.
///
/// The outputs are written on success, and on ENOSPC (the name was truncated:
/// the kernel filled every field and `*buf_len` holds the full length), as libbpf
/// reports them; other failures leave them untouched (libbpf 1.1 overwrites them
/// with the attr's leftovers). Any NULL out-pointer gives `-EINVAL` (libbpf
/// would crash).
///
/// # Safety
/// `buf` points to `*buf_len` writable bytes (the kernel checks it); the other
/// pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bpf_task_fd_query(
    pid: c_int,
    fd: c_int,
    flags: __u32,
    buf: *mut c_char,
    buf_len: *mut __u32,
    prog_id: *mut __u32,
    fd_type: *mut __u32,
    probe_offset: *mut __u64,
    probe_addr: *mut __u64,
) -> c_int {
    ll("bpf_task_fd_query", || {
        if prog_id.is_null() || fd_type.is_null() || probe_offset.is_null() || probe_addr.is_null()
        {
            return Err(Error::inval("bpf_task_fd_query: NULL output pointer"));
        }
        // SAFETY: NULL or readable per the contract.
        let len = unsafe { arg::read(buf_len, "buf_len is NULL") }?;
        let (r, out) = sys::task_fd_query(pid, fd, flags, arg::uptr(buf), len);
        if r.is_ok() || r.is_err_and(|e| e.errno == libc::ENOSPC) {
            // SAFETY: all five pointers are non-NULL (checked above) and writable per the contract.
            unsafe {
                arg::write(buf_len, out.buf_len);
                arg::write(prog_id, out.prog_id);
                arg::write(fd_type, out.fd_type);
                arg::write(probe_offset, out.probe_offset);
                arg::write(probe_addr, out.probe_addr);
            }
        }
        r?;
        Ok(0)
    })
}
