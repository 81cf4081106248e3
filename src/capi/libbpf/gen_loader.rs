//! `bpf_object__gen_loader`: puts an object into generate mode
//! (`crate::load::gen`); its `bpf_object__load` then fills the caller's
//! `struct gen_loader_opts` with the loader program and its data blob.

use crate::capi::boundary::hl_keep_errno;
use crate::capi::libbpf::object::obj_mut;
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::types::*;
use crate::load::gen::Gen;
use std::ffi::{c_char, c_int};

/// `struct gen_loader_opts` (libbpf.h, LIBBPF_0.5.0).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct gen_loader_opts {
    pub sz: usize,
    pub data: *const c_char,
    pub insns: *const c_char,
    pub data_sz: u32,
    pub insns_sz: u32,
}

impl_opts!(gen_loader_opts, insns_sz: u32);

/// `bpf_object__gen_loader` (LIBBPF_0.5.0): the next `bpf_object__load` of `obj`
/// records a light-skeleton loader program instead of loading, and on success
/// points `opts->insns`/`opts->data` (owned by `obj`, valid until it is closed)
/// at the program and its blob, with their sizes. 0, or as libbpf 1.1.2 a bare
/// `-EFAULT` for NULL `opts` and `-EINVAL` for a bad `opts->sz`, errno untouched.
///
/// # Safety
/// `opts` is NULL or a `struct gen_loader_opts` of at least `opts->sz` bytes that
/// stays writable until the object's load returns.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__gen_loader(
    obj: *mut bpf_object,
    opts: *mut gen_loader_opts,
) -> c_int {
    hl_keep_errno("bpf_object__gen_loader", || {
        if opts.is_null() {
            // libbpf 1.1.2 returns -EFAULT without a message or errno.
            return Ok(-libc::EFAULT);
        }
        // SAFETY: non-NULL, `opts->sz` readable bytes (caller contract).
        unsafe { opts_in(opts as *const gen_loader_opts) }?;
        let h = obj_mut(obj)?;
        let out = opts as usize;
        h.st.gen = Some(Box::new(Gen::new(Box::new(move |insns, data| {
            let p = out as *mut gen_loader_opts;
            // The buffers live in the object until it is closed, as libbpf's do.
            // SAFETY: the caller keeps `opts` writable until the load returns, and this runs inside it.
            unsafe {
                (*p).insns = insns.as_ptr().cast();
                (*p).insns_sz = insns.len() as u32;
                (*p).data = data.as_ptr().cast();
                (*p).data_sz = data.len() as u32;
            }
        }))));
        Ok(0)
    })
}
