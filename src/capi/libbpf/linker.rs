//! `bpf_linker__*` (spec `libbpf-api.md` §1.2, Miscellaneous): the BPF static
//! linker of `bpftool gen object`. The linking lives in `crate::linker`; this
//! file converts names, opts, handles and errors to libbpf's conventions.
//!
//! A `struct bpf_linker *` is a [`Registry`] handle over a [`Linker`], checked
//! before any use, so a NULL, garbage or freed pointer gives EINVAL (or is
//! ignored by `__free`), never a crash.

use crate::capi::arg;
use crate::capi::boundary::{hl, ptr, value};
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::registry::Registry;
use crate::error::Error;
use crate::linker::Linker;
use std::ffi::{c_char, c_int};

/// `struct bpf_linker` (libbpf.h): opaque to C.
pub struct bpf_linker {
    _opaque: (),
}

/// `struct bpf_linker_opts` (libbpf 0.4–1.x layout: `sz` only).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_linker_opts {
    pub sz: usize,
}
impl_opts!(bpf_linker_opts, sz: usize);
const _: () = assert!(std::mem::size_of::<bpf_linker_opts>() == 8);

/// `struct bpf_linker_file_opts` (libbpf 0.4–1.x layout: `sz` only).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_linker_file_opts {
    pub sz: usize,
}
impl_opts!(bpf_linker_file_opts, sz: usize);
const _: () = assert!(std::mem::size_of::<bpf_linker_file_opts>() == 8);

/// Live linkers.
static LINKERS: Registry<Linker> = Registry::new("bpf_linker");

/// A file name argument as a Rust string (libbpf's are bytes; names that are
/// not UTF-8 are refused with EINVAL).
///
/// # Safety
/// As [`arg::cstr`].
unsafe fn path<'a>(p: *const c_char, what: &'static str) -> Result<&'a str, Error> {
    // SAFETY: forwarded caller contract.
    let s = unsafe { arg::cstr(p, what) }?;
    s.to_str()
        .map_err(|_| Error::Inval("file name is not UTF-8"))
}

/// `bpf_linker__new` (LIBBPF_0.4.0): creates (truncates) the output file
/// `filename` (mode 0644) for a static link.
/// Returns the linker, or NULL with errno: EINVAL (bad opts, NULL filename),
/// or the error of creating the file (ENOENT, EACCES, EISDIR, ...).
///
/// # Safety
/// `filename` is NULL or a NUL-terminated string; `opts` is NULL or a
/// `struct bpf_linker_opts` of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_linker__new(
    filename: *const c_char,
    opts: *mut bpf_linker_opts,
) -> *mut bpf_linker {
    ptr("bpf_linker__new", || {
        // SAFETY: caller contract on `opts`.
        unsafe { opts_in(opts.cast_const()) }?;
        // SAFETY: caller contract on `filename`.
        let name = unsafe { path(filename, "filename is NULL") }?;
        Ok(LINKERS.register(Linker::new(name)?))
    })
}

/// `bpf_linker__add_file` (LIBBPF_0.4.0): links the BPF object file `filename`
/// into the output: its sections, symbols (externs resolved against earlier
/// files' definitions), relocations, BTF and `.BTF.ext`.
/// Returns 0, or a negative errno (errno set): EINVAL (bad opts, stale or
/// finalized linker, malformed object, conflicting or incompatible symbols),
/// EOPNOTSUPP (not a little-endian BPF relocatable object), ENOENT (missing
/// file, BTF of a global symbol not found), the error of reading the file.
///
/// # Safety
/// `linker` is any pointer; `filename` NULL or a NUL-terminated string; `opts`
/// NULL or a `struct bpf_linker_file_opts` of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_linker__add_file(
    linker: *mut bpf_linker,
    filename: *const c_char,
    opts: *const bpf_linker_file_opts,
) -> c_int {
    hl("bpf_linker__add_file", || {
        // SAFETY: caller contract on `opts`.
        unsafe { opts_in(opts) }?;
        let l = LINKERS.get_mut(linker)?;
        // SAFETY: caller contract on `filename`.
        let name = unsafe { path(filename, "filename is NULL") }?;
        l.add_file(name)?;
        Ok(0)
    })
}

/// `bpf_linker__finalize` (LIBBPF_0.4.0): writes the linked object (with its
/// `.BTF` and `.BTF.ext`) to the output file and closes it; the linker takes no
/// more files.
/// Returns 0, or a negative errno (errno set): EINVAL (stale or already
/// finalized linker, inconsistent `.BTF.ext`), the error of writing the file.
///
/// # Safety
/// `linker` is any pointer.
#[no_mangle]
pub unsafe extern "C" fn bpf_linker__finalize(linker: *mut bpf_linker) -> c_int {
    hl("bpf_linker__finalize", || {
        LINKERS.get_mut(linker)?.finalize()?;
        Ok(0)
    })
}

/// `bpf_linker__free` (LIBBPF_0.4.0): frees the linker (closing its output file
/// if not finalized; what was written stays). NULL, freed or garbage pointers
/// are ignored.
///
/// # Safety
/// `linker` is any pointer.
#[no_mangle]
pub unsafe extern "C" fn bpf_linker__free(linker: *mut bpf_linker) {
    value("bpf_linker__free", (), || {
        LINKERS.free(linker);
    })
}
