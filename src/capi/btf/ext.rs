//! `struct btf_ext` of `bpf/btf.h` (spec `btf-core.md` §3, §6.3): `.BTF.ext`
//! parsed standalone (`btf_ext__new`, or beside `.BTF` by `btf__parse*`), its raw
//! bytes and 0.x record sizes.
//!
//! Handles: a `struct btf_ext *` is a [`Registry`] handle over a [`BtfExt`]; NULL,
//! freed and garbage pointers give EINVAL (or are ignored by `btf_ext__free`).
//! Must not: hold logic the core `BtfExt` lacks.

use crate::btf::BtfExt;
use crate::capi::arg;
use crate::capi::boundary::{legacy_api, ptr, value};
use crate::capi::btf::handle::blob;
use crate::capi::registry::Registry;
use crate::capi::types::*;
use crate::error::Error;
use std::ffi::c_void;

/// The live `struct btf_ext *` handles.
static EXTS: Registry<BtfExt> = Registry::new("btf_ext");

/// The [`BtfExt`] behind a live `struct btf_ext *` (EINVAL otherwise), to change.
pub(super) fn ext_mut<'a>(e: *const btf_ext) -> Result<&'a mut BtfExt, Error> {
    EXTS.get_mut(e)
}

/// Makes `e` a new `struct btf_ext *`.
pub(super) fn register_ext(e: BtfExt) -> *mut btf_ext {
    EXTS.register(e)
}

/// `btf_ext__new` (LIBBPF_0.0.2): parses a `.BTF.ext` blob (copied). NULL with
/// errno on failure (EINVAL malformed, ENOTSUP other byte orders or versions).
///
/// # Safety
/// `data` points to `size` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn btf_ext__new(data: *const __u8, size: __u32) -> *mut btf_ext {
    ptr("btf_ext__new", || {
        // SAFETY: `data` points to `size` readable bytes (caller contract).
        let d = unsafe { blob(data.cast(), size) }?;
        Ok(register_ext(BtfExt::parse_standalone(d)?))
    })
}

/// `btf_ext__free` (LIBBPF_0.0.2): frees a `struct btf_ext`; NULL and unknown
/// pointers are ignored.
#[no_mangle]
pub extern "C" fn btf_ext__free(btf_ext: *mut btf_ext) {
    value("btf_ext__free", (), || {
        EXTS.free(btf_ext);
    })
}

fn ext_raw(e: *const btf_ext, size: *mut __u32) -> Result<*mut c_void, Error> {
    let d = EXTS.get(e)?.raw_data();
    // SAFETY: `size` is a writable `__u32` (caller contract); NULL is skipped.
    unsafe { arg::write(size, d.len() as u32) };
    Ok(d.as_ptr() as *mut c_void)
}

/// `btf_ext__raw_data` (LIBBPF_1.4.0; declared since 0.7 but first exported in 1.4): the `.BTF.ext` bytes, length in `*size`.
///
/// # Safety
/// `size` is a writable `__u32`.
#[no_mangle]
pub unsafe extern "C" fn btf_ext__raw_data(
    btf_ext: *const btf_ext,
    size: *mut __u32,
) -> *const c_void {
    ptr("btf_ext__raw_data", || ext_raw(btf_ext, size)).cast_const()
}

/// `btf_ext__get_raw_data` (LIBBPF_0.0.2, removed in 1.0): same as
/// `btf_ext__raw_data`.
///
/// # Safety
/// `size` is a writable `__u32`.
#[no_mangle]
pub unsafe extern "C" fn btf_ext__get_raw_data(
    btf_ext: *const btf_ext,
    size: *mut __u32,
) -> *const c_void {
    ptr("btf_ext__get_raw_data", || ext_raw(btf_ext, size)).cast_const()
}

/// `btf_ext__func_info_rec_size` (LIBBPF_0.0.2, removed in 1.0): the func_info
/// record size, 0 for an invalid pointer or no func_info.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn btf_ext__func_info_rec_size(btf_ext: *const btf_ext) -> __u32 {
    legacy_api("btf_ext__func_info_rec_size", || {
        value("btf_ext__func_info_rec_size", 0, || {
            EXTS.get(btf_ext).map_or(0, |e| e.func_info_rec_size())
        })
    })
}

/// `btf_ext__line_info_rec_size` (LIBBPF_0.0.2, removed in 1.0): the line_info
/// record size, 0 for an invalid pointer or no line_info.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn btf_ext__line_info_rec_size(btf_ext: *const btf_ext) -> __u32 {
    legacy_api("btf_ext__line_info_rec_size", || {
        value("btf_ext__line_info_rec_size", 0, || {
            EXTS.get(btf_ext).map_or(0, |e| e.line_info_rec_size())
        })
    })
}
