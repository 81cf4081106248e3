//! `btf__dedup` of `bpf/btf.h` (spec `btf-core.md` §6.2): the 1.x form with
//! `struct btf_dedup_opts`, and the 0.x form `(btf, btf_ext, opts)` under its
//! old version node.
//!
//! Must not: hold logic the core `Btf::dedup` lacks.

use crate::capi::boundary::{hl, legacy_api};
use crate::capi::btf::ext::ext_mut;
use crate::capi::btf::handle::handle;
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::types::*;
use crate::error::Error;
use std::ffi::{c_int, c_void};

/// `struct btf_dedup_opts` (libbpf 1.x, 24 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct btf_dedup_opts {
    pub sz: usize,
    /// Optional `.BTF.ext` deduplicated along with the BTF (its strings are
    /// kept, its type IDs and string offsets rewritten).
    pub btf_ext: *mut btf_ext,
    /// Force hash collisions (tests the equality checks).
    pub force_collisions: bool,
}
impl_opts!(btf_dedup_opts, force_collisions: bool);

fn dedup(btf: *mut btf, ext: *mut btf_ext, force_collisions: bool) -> Result<c_int, Error> {
    let b = handle(btf)?.btf_mut()?;
    let e = if ext.is_null() {
        None
    } else {
        Some(ext_mut(ext)?)
    };
    b.dedup(e, force_collisions)?;
    Ok(0)
}

/// `btf__dedup` (LIBBPF_0.6.0): deduplicates the types and strings of `btf`
/// in place (and rewrites `opts->btf_ext`). 0, or -errno (EINVAL for bad
/// `opts` or a bad type ID, ELOOP for a reference type cycle).
///
/// # Safety
/// `opts` is NULL or a valid `btf_dedup_opts` of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn btf__dedup(btf: *mut btf, opts: *const btf_dedup_opts) -> c_int {
    hl("btf__dedup", || {
        // SAFETY: NULL or a caller's opts of `sz` bytes (caller contract).
        let o = unsafe { opts_in(opts) }?;
        dedup(btf, o.btf_ext, o.force_collisions)
    })
}

/// `btf__dedup_deprecated` (LIBBPF_0.6.0; the 0.0.2 form,
/// `btf__dedup@LIBBPF_0.0.2`): `(btf, btf_ext, opts)`. The 0.x options are no
/// longer supported: a non-NULL `opts` is refused with ENOTSUP, as libbpf 0.6-0.8
/// refused it.
#[no_mangle]
pub extern "C" fn btf__dedup_deprecated(
    btf: *mut btf,
    btf_ext: *mut btf_ext,
    unused_opts: *const c_void,
) -> c_int {
    legacy_api("btf__dedup_deprecated", || {
        hl("btf__dedup_deprecated", || {
            if !unused_opts.is_null() {
                crate::log::warn(format_args!(
                    "please use new version of btf__dedup() that supports options"
                ));
                return Err(Error::Unsupported("0.x btf__dedup options"));
            }
            dedup(btf, btf_ext, false)
        })
    })
}
