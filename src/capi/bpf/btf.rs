//! BTF-load wrappers of `bpf/bpf.h`: `bpf_btf_load` (1.x, with its opts) and the
//! 0.x `bpf_load_btf`. Spec `libbpf-api.md` §1.1, §4.2.

use super::prog::fd_out;
use crate::capi::arg;
use crate::capi::boundary::{legacy_api, ll};
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::types::*;
use crate::sys;
use crate::sys::prog::Log;
use std::ffi::{c_char, c_int, c_void};
use std::mem::{offset_of, size_of};

/// `struct bpf_btf_load_opts` (libbpf 0.7+; layout of 1.1.2, 24 bytes, last `log_size`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_btf_load_opts {
    pub sz: usize,
    pub log_buf: *mut c_char,
    pub log_level: __u32,
    pub log_size: __u32,
}
impl_opts!(bpf_btf_load_opts, log_size: u32);
const _: () = {
    assert!(size_of::<bpf_btf_load_opts>() == 24);
    assert!(offset_of!(bpf_btf_load_opts, log_buf) == 8);
    assert!(offset_of!(bpf_btf_load_opts, log_level) == 16);
    assert!(offset_of!(bpf_btf_load_opts, log_size) == 20);
};

/// `bpf_btf_load` (LIBBPF_0.7.0): loads raw BTF (`btf_size` bytes) into the kernel.
/// A new fd (≥ 3) or the LL failure value; `log_size` without `log_buf`, or bad
/// opts → `-EINVAL` directly. The log is sent only when `log_level` is set; with
/// level 0 and a `log_buf`, a failed load is retried once at level 1.
///
/// # Safety
/// `opts` is NULL or a valid opts struct of `opts->sz` bytes; `btf_data` and the
/// log buffer as the kernel requires.
#[no_mangle]
pub unsafe extern "C" fn bpf_btf_load(
    btf_data: *const c_void,
    btf_size: usize,
    opts: *const bpf_btf_load_opts,
) -> c_int {
    ll("bpf_btf_load", || {
        // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        let log = Log {
            buf: arg::uptr(o.log_buf),
            size: o.log_size,
            level: o.log_level,
        };
        // libbpf stores the size_t in the attr's __u32.
        Ok(fd_out(sys::btf::btf_load(
            arg::uptr(btf_data),
            btf_size as u32,
            log,
        )?))
    })
}

/// `bpf_load_btf` (LIBBPF_0.0.1, 0.x-only): loads raw BTF; with `do_log` the log
/// (level 1) is requested from the start, otherwise a failed load is retried with
/// it when a buffer is given. A new fd (≥ 3) or the LL failure value.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `btf` and `log_buf` as the kernel requires.
#[no_mangle]
pub unsafe extern "C" fn bpf_load_btf(
    btf: *const c_void,
    btf_size: __u32,
    log_buf: *mut c_char,
    log_buf_size: __u32,
    do_log: bool,
) -> c_int {
    legacy_api("bpf_load_btf", || {
        ll("bpf_load_btf", || {
            Ok(fd_out(sys::btf::btf_load_legacy(
                arg::uptr(btf),
                btf_size,
                arg::uptr(log_buf),
                log_buf_size,
                do_log,
            )?))
        })
    })
}
