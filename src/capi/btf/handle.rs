//! The BTF API of `bpf/btf.h` (spec `btf-core.md` §6): `struct btf` handles
//! (constructors, `btf__free`, `bpf_object__btf`), accessors, raw data and
//! `btf__load_into_kernel`. The writer is `write`, `struct btf_ext` is
//! `ext`.
//!
//! Handles: every `struct btf *` libbpfrs hands out is a handle in one
//! [`Registry`] ([`BTFS`]), found by one membership check, over a [`BtfHandle`]:
//! - a BTF of its own (`btf__new*`, `btf__parse*`, kernel BTF), shared (copy on
//!   write) with split BTFs built on it, freed by `btf__free`;
//! - or the BTF of a `bpf_object` (`bpf_object__btf`, registered on first call):
//!   calls reach the object's own [`Btf`], so the loader sees what the writer
//!   adds and uses the fd `btf__load_into_kernel` got, as under libbpf. It dies
//!   with the object (`bpf_object__close`); `btf__free` on it does nothing,
//!   `btf__set_fd` and `btf__set_pointer_size` are ignored (its fd is the
//!   object's, its pointers are 8 bytes).
//!
//! A garbage or freed pointer gives EINVAL (or is ignored), never a crash.
//! Pointers handed out (types, strings, raw data) stay valid until the BTF is
//! modified or freed, as in libbpf.
//! Must not: hold logic the core [`Btf`] lacks; kernel I/O goes through `sys`.

use crate::btf::{Btf, Checks, FileKind};
use crate::capi::arg;
use crate::capi::boundary::{hl, legacy_api, ptr, value};
use crate::capi::btf::ext::register_ext;
use crate::capi::errno::{hl_fail, ptr_fail};
use crate::capi::libbpf::object::{obj_mut, obj_ref};
use crate::capi::registry::Registry;
use crate::capi::types::*;
use crate::error::Error;
use crate::sys::UserPtr;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use std::path::Path;
use std::sync::Arc;

/// The live `struct btf *` handles.
pub(crate) static BTFS: Registry<BtfHandle> = Registry::new("btf");

/// What a `struct btf *` handle refers to.
enum Target {
    /// A BTF of its own, shared with the split BTFs built on it.
    Own(Arc<Btf>),
    /// The BTF of the live `bpf_object` at this address.
    Object(*const bpf_object),
}

/// The value behind a `struct btf *` handle.
pub(crate) struct BtfHandle {
    target: Target,
    /// The caller's base pointer (`btf__base_btf`), NULL if not split.
    base: *const btf,
    /// `btf__fd` of a BTF of its own: -1 before load, then the fd it owns, or
    /// -errno after a refused load (as libbpf keeps it). An object's BTF keeps a
    /// loaded fd in the object; only -1 or -errno here.
    fd: c_int,
    /// The bytes `btf__raw_data` last handed out; dropped on every change.
    raw: Option<Vec<u8>>,
}

impl Drop for BtfHandle {
    fn drop(&mut self) {
        if self.fd >= 0 {
            // SAFETY: a non-negative `fd` is owned by this BTF (libbpf closes it in `btf__free`); taking ownership here closes it once.
            drop(unsafe { OwnedFd::from_raw_fd(self.fd) });
        }
    }
}

impl BtfHandle {
    /// The BTF to read.
    pub(super) fn btf(&self) -> Result<&Btf, Error> {
        match self.target {
            Target::Own(ref b) => Ok(b),
            Target::Object(o) => obj_ref(o)?
                .st
                .obj
                .btf
                .as_ref()
                .ok_or(Error::Inval("object has no BTF")),
        }
    }

    /// The BTF to change: the raw data handed out is dropped, and a BTF shared
    /// as a split base is copied first.
    pub(super) fn btf_mut(&mut self) -> Result<&mut Btf, Error> {
        self.raw = None;
        match self.target {
            Target::Own(ref mut b) => Ok(Arc::make_mut(b)),
            Target::Object(o) => obj_mut(o)?
                .st
                .obj
                .btf
                .as_mut()
                .ok_or(Error::Inval("object has no BTF")),
        }
    }

    /// A shareable snapshot, for use as the base of a split BTF or as a source
    /// that must not see the change it feeds.
    pub(super) fn snapshot(&self) -> Result<Arc<Btf>, Error> {
        match self.target {
            Target::Own(ref b) => Ok(Arc::clone(b)),
            Target::Object(_) => Ok(Arc::new(self.btf()?.clone())),
        }
    }

    /// `btf__fd`: an object's loaded BTF fd lives in the object.
    fn fd(&self) -> c_int {
        match self.target {
            Target::Object(o) => obj_ref(o)
                .ok()
                .and_then(|h| h.st.btf_fd.as_ref())
                .map_or(self.fd, |f| f.as_raw_fd()),
            Target::Own(_) => self.fd,
        }
    }
}

/// The handle behind a `struct btf *` (NULL, freed or garbage: EINVAL).
pub(super) fn handle<'a>(btf: *const btf) -> Result<&'a mut BtfHandle, Error> {
    BTFS.get_mut(btf)
}

/// Makes `b` a new `struct btf *` on the caller's `base`.
fn register(b: Btf, base: *const btf) -> *mut btf {
    BTFS.register(BtfHandle {
        target: Target::Own(Arc::new(b)),
        base,
        fd: -1,
        raw: None,
    })
}

/// An optional base: NULL → none.
fn base_of(base: *const btf) -> Result<Option<Arc<Btf>>, Error> {
    if base.is_null() {
        return Ok(None);
    }
    Ok(Some(handle(base)?.snapshot()?))
}

/// Frees the `struct btf *` of a closing object (NULL if it never had one).
pub(crate) fn drop_object_btf(btf: *mut btf) {
    BTFS.free(btf);
}

/// A C string argument as bytes (NULL → EINVAL).
///
/// # Safety
/// `s` is NULL or a C string alive for the call.
pub(super) unsafe fn bytes<'a>(s: *const c_char, what: &'static str) -> Result<&'a [u8], Error> {
    // SAFETY: forwarded caller contract.
    Ok(unsafe { arg::cstr(s, what) }?.to_bytes())
}

/// An optional C string (NULL → `None`).
///
/// # Safety
/// As [`bytes`].
pub(super) unsafe fn opt_bytes<'a>(s: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: forwarded caller contract.
    unsafe { arg::opt_cstr(s) }.map(CStr::to_bytes)
}

/// A `(data, size)` blob argument: empty for size 0, EINVAL for NULL data.
///
/// # Safety
/// `data` is NULL or points to `size` readable bytes alive for the call.
pub(super) unsafe fn blob<'a>(data: *const c_void, size: u32) -> Result<&'a [u8], Error> {
    if size == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(Error::Inval("data is NULL"));
    }
    // SAFETY: non-NULL, `size` readable bytes per the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size as usize) })
}

/// A path argument.
///
/// # Safety
/// As [`bytes`].
unsafe fn path_arg<'a>(p: *const c_char) -> Result<&'a Path, Error> {
    use std::os::unix::ffi::OsStrExt;
    if p.is_null() {
        // What opening a NULL path gives under libbpf.
        return Err(Error::BadAddress("path is NULL"));
    }
    // SAFETY: forwarded caller contract.
    let b = unsafe { bytes(p, "path is NULL") }?;
    Ok(Path::new(std::ffi::OsStr::from_bytes(b)))
}

/// Parses the file at `path` as `kind` on `base` (libbpf 1.1.2's checks) and
/// registers it; with `btf_ext` non-NULL, an ELF file's `.BTF.ext` goes there
/// (NULL if absent; already NULL for raw files).
///
/// # Safety
/// `path` is NULL or a C string; `btf_ext` is NULL or writable.
unsafe fn parse_file(
    path: *const c_char,
    kind: FileKind,
    base_btf: *mut btf,
    btf_ext: *mut *mut btf_ext,
) -> Result<*mut btf, Error> {
    // SAFETY: caller contract (NULL is skipped).
    unsafe { arg::write(btf_ext, std::ptr::null_mut()) };
    // SAFETY: caller contract.
    let path = unsafe { path_arg(path) }?;
    let base = base_of(base_btf)?;
    let (b, e) = Btf::from_path(path, kind, base, Checks::Layout, !btf_ext.is_null())?;
    if let Some(e) = e {
        // SAFETY: caller contract; `e` is only `Some` when `btf_ext` is non-NULL.
        unsafe { arg::write(btf_ext, register_ext(e)) };
    }
    Ok(register(b, base_btf))
}

/// `bpf_object__btf` (LIBBPF_0.0.2): the object's BTF, NULL if it has none (errno
/// ENOENT) or the object is invalid.
#[no_mangle]
pub extern "C" fn bpf_object__btf(obj: *const bpf_object) -> *mut btf {
    ptr("bpf_object__btf", || {
        let h = obj_mut(obj)?;
        if h.st.obj.btf.is_none() {
            return Err(Error::NotFound("object has no BTF"));
        }
        if h.btf.is_null() {
            h.btf = BTFS.register(BtfHandle {
                target: Target::Object(obj),
                base: std::ptr::null(),
                fd: -1,
                raw: None,
            });
        }
        Ok(h.btf)
    })
}

// ---------------------------------------------------------------------------
// Constructors and destructors.

/// `btf__free` (LIBBPF_0.0.1): frees a standalone BTF (closing its fd). NULL, the
/// BTF of a `bpf_object` (owned by the object) and unknown pointers are ignored.
#[no_mangle]
pub extern "C" fn btf__free(btf: *mut btf) {
    value("btf__free", (), || {
        if matches!(BTFS.get(btf), Ok(h) if matches!(h.target, Target::Own(_))) {
            BTFS.free(btf);
        }
    })
}

/// `btf__new` (LIBBPF_0.0.1): parses a BTF blob (either byte order; the data is
/// copied). NULL with errno on failure (EINVAL for malformed data).
///
/// # Safety
/// `data` points to `size` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn btf__new(data: *const c_void, size: __u32) -> *mut btf {
    // SAFETY: forwarded caller contract.
    unsafe { btf__new_split(data, size, std::ptr::null_mut()) }
}

/// `btf__new_split` (LIBBPF_1.4.0; declared since 0.3 but first exported in 1.4): parses split BTF on `base_btf` (NULL: as
/// `btf__new`); its type IDs and string offsets continue after the base's.
///
/// # Safety
/// `data` points to `size` readable bytes; `base_btf` outlives the result.
#[no_mangle]
pub unsafe extern "C" fn btf__new_split(
    data: *const c_void,
    size: __u32,
    base_btf: *mut btf,
) -> *mut btf {
    ptr("btf__new_split", || {
        let base = base_of(base_btf)?;
        // SAFETY: `data` points to `size` readable bytes (caller contract).
        let d = unsafe { blob(data, size) }?;
        Ok(register(Btf::parse_split(d, base)?, base_btf))
    })
}

/// `btf__new_empty` (LIBBPF_0.2.0): an empty BTF to fill with `btf__add_*`.
#[no_mangle]
pub extern "C" fn btf__new_empty() -> *mut btf {
    ptr("btf__new_empty", || {
        Ok(register(Btf::new_empty(None), std::ptr::null()))
    })
}

/// `btf__new_empty_split` (LIBBPF_0.3.0): an empty split BTF on `base_btf`.
///
/// # Safety
/// `base_btf` outlives the result.
#[no_mangle]
pub unsafe extern "C" fn btf__new_empty_split(base_btf: *mut btf) -> *mut btf {
    ptr("btf__new_empty_split", || {
        let base = base_of(base_btf)?;
        Ok(register(Btf::new_empty(base), base_btf))
    })
}

/// `btf__parse` (LIBBPF_0.1.0): BTF from a raw BTF file or an ELF file's `.BTF`;
/// for ELF and non-NULL `btf_ext`, also `.BTF.ext` (`*btf_ext` NULL if absent;
/// untouched for raw files). NULL with errno on failure.
///
/// # Safety
/// `path` is a C string; `btf_ext` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn btf__parse(path: *const c_char, btf_ext: *mut *mut btf_ext) -> *mut btf {
    ptr("btf__parse", || {
        // SAFETY: forwarded caller contract.
        unsafe { parse_file(path, FileKind::Any, std::ptr::null_mut(), btf_ext) }
    })
}

/// `btf__parse_split` (LIBBPF_0.3.0): `btf__parse` of split BTF on `base_btf`.
///
/// # Safety
/// `path` is a C string; `base_btf` outlives the result.
#[no_mangle]
pub unsafe extern "C" fn btf__parse_split(path: *const c_char, base_btf: *mut btf) -> *mut btf {
    ptr("btf__parse_split", || {
        // SAFETY: forwarded caller contract.
        unsafe { parse_file(path, FileKind::Any, base_btf, std::ptr::null_mut()) }
    })
}

/// `btf__parse_elf` (LIBBPF_0.0.4): `.BTF` (and `.BTF.ext` if `btf_ext` is
/// non-NULL) of an ELF file. ENODATA without `.BTF`, `LIBBPF_ERRNO__FORMAT` for
/// a non-ELF file.
///
/// # Safety
/// `path` is a C string; `btf_ext` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn btf__parse_elf(
    path: *const c_char,
    btf_ext: *mut *mut btf_ext,
) -> *mut btf {
    ptr("btf__parse_elf", || {
        // SAFETY: forwarded caller contract.
        unsafe { parse_file(path, FileKind::Elf, std::ptr::null_mut(), btf_ext) }
    })
}

/// `btf__parse_elf_split` (LIBBPF_0.3.0): `btf__parse_elf` of split BTF.
///
/// # Safety
/// `path` is a C string; `base_btf` outlives the result.
#[no_mangle]
pub unsafe extern "C" fn btf__parse_elf_split(path: *const c_char, base_btf: *mut btf) -> *mut btf {
    ptr("btf__parse_elf_split", || {
        // SAFETY: forwarded caller contract.
        unsafe { parse_file(path, FileKind::Elf, base_btf, std::ptr::null_mut()) }
    })
}

/// `btf__parse_raw` (LIBBPF_0.1.0): a raw BTF file (EPROTO if it is not one).
///
/// # Safety
/// `path` is a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__parse_raw(path: *const c_char) -> *mut btf {
    ptr("btf__parse_raw", || {
        // SAFETY: forwarded caller contract.
        unsafe {
            parse_file(
                path,
                FileKind::Raw,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        }
    })
}

/// `btf__parse_raw_split` (LIBBPF_0.3.0): a raw split BTF file on `base_btf`.
///
/// # Safety
/// `path` is a C string; `base_btf` outlives the result.
#[no_mangle]
pub unsafe extern "C" fn btf__parse_raw_split(path: *const c_char, base_btf: *mut btf) -> *mut btf {
    ptr("btf__parse_raw_split", || {
        // SAFETY: forwarded caller contract.
        unsafe { parse_file(path, FileKind::Raw, base_btf, std::ptr::null_mut()) }
    })
}

/// `btf__load_vmlinux_btf` (LIBBPF_0.5.0): a new BTF of the running kernel
/// (`/sys/kernel/btf/vmlinux`, then libbpf's ELF locations); ESRCH if none.
#[no_mangle]
pub extern "C" fn btf__load_vmlinux_btf() -> *mut btf {
    ptr("btf__load_vmlinux_btf", || {
        Ok(register(
            Btf::load_vmlinux(Checks::Layout)?,
            std::ptr::null(),
        ))
    })
}

/// `libbpf_find_kernel_btf` (LIBBPF_0.0.7): same as `btf__load_vmlinux_btf`.
#[no_mangle]
pub extern "C" fn libbpf_find_kernel_btf() -> *mut btf {
    btf__load_vmlinux_btf()
}

/// `btf__load_module_btf` (LIBBPF_0.5.0): the BTF of kernel module `module_name`
/// (`/sys/kernel/btf/<name>`), split on `vmlinux_btf`.
///
/// # Safety
/// `module_name` is a C string; `vmlinux_btf` outlives the result.
#[no_mangle]
pub unsafe extern "C" fn btf__load_module_btf(
    module_name: *const c_char,
    vmlinux_btf: *mut btf,
) -> *mut btf {
    ptr("btf__load_module_btf", || {
        // SAFETY: caller contract.
        let name = unsafe { bytes(module_name, "module_name is NULL") }?;
        let path = format!("/sys/kernel/btf/{}", String::from_utf8_lossy(name));
        let base = base_of(vmlinux_btf)?;
        let (b, _) = Btf::from_path(Path::new(&path), FileKind::Any, base, Checks::Layout, false)?;
        Ok(register(b, vmlinux_btf))
    })
}

/// `btf__load_from_kernel_by_id` (LIBBPF_0.5.0): a copy of kernel BTF object `id`.
#[no_mangle]
pub extern "C" fn btf__load_from_kernel_by_id(id: __u32) -> *mut btf {
    // SAFETY: a NULL base is always valid.
    unsafe { btf__load_from_kernel_by_id_split(id, std::ptr::null_mut()) }
}

/// `btf__load_from_kernel_by_id_split` (LIBBPF_0.5.0): kernel BTF object `id` as
/// split BTF on `base_btf` (module BTF on vmlinux).
///
/// # Safety
/// `base_btf` is NULL or outlives the result.
#[no_mangle]
pub unsafe extern "C" fn btf__load_from_kernel_by_id_split(
    id: __u32,
    base_btf: *mut btf,
) -> *mut btf {
    ptr("btf__load_from_kernel_by_id_split", || {
        let base = base_of(base_btf)?;
        let data = crate::sys::btf_info::btf_data_by_id(id)?;
        Ok(register(Btf::parse_split(&data, base)?, base_btf))
    })
}

// ---------------------------------------------------------------------------
// Accessors.

/// `btf__fd` (LIBBPF_0.0.1): the fd of the BTF loaded into the kernel, -1 before
/// load (or if the kernel refused it), -EINVAL for an invalid pointer.
#[no_mangle]
pub extern "C" fn btf__fd(btf: *const btf) -> c_int {
    value("btf__fd", -libc::EINVAL, || {
        handle(btf).map_or(-libc::EINVAL, |h| h.fd())
    })
}

/// `btf__set_fd` (LIBBPF_0.1.0): records `fd` as the BTF's kernel fd (the BTF now
/// owns it). Ignored for an invalid pointer or an object's BTF.
#[no_mangle]
pub extern "C" fn btf__set_fd(btf: *mut btf, fd: c_int) {
    value("btf__set_fd", (), || {
        if let Ok(h) = handle(btf) {
            if matches!(h.target, Target::Own(_)) {
                h.fd = fd;
            }
        }
    })
}

/// `btf__type_cnt` (LIBBPF_0.6.0): the number of types plus one (ids run from 1;
/// base types of split BTF count). 0 for an invalid pointer.
#[no_mangle]
pub extern "C" fn btf__type_cnt(btf: *const btf) -> __u32 {
    value("btf__type_cnt", 0, || {
        handle(btf)
            .and_then(|h| h.btf().map(Btf::type_cnt))
            .unwrap_or(0)
    })
}

/// `btf__get_nr_types` (LIBBPF_0.0.2, deprecated): the number of types.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn btf__get_nr_types(btf: *const btf) -> __u32 {
    legacy_api("btf__get_nr_types", || btf__type_cnt(btf).saturating_sub(1))
}

/// `btf__type_by_id` (LIBBPF_0.0.1): the raw `struct btf_type` of `id` (0 is
/// void; base types for split BTF), NULL with errno EINVAL when out of range.
#[no_mangle]
pub extern "C" fn btf__type_by_id(btf: *const btf, type_id: __u32) -> *const btf_type {
    ptr("btf__type_by_id", || {
        handle(btf)?
            .btf()?
            .ty(type_id)
            .map(|t| t.raw().as_ptr() as *mut btf_type)
            .ok_or(Error::Inval("type id out of range"))
    })
    .cast_const()
}

fn str_ptr(btf: *const btf, offset: u32) -> Result<*mut c_char, Error> {
    handle(btf)?
        .btf()?
        .str_tail(offset)
        .filter(|t| !t.is_empty())
        .map(|s| s.as_ptr() as *mut c_char)
        .ok_or(Error::Inval("string offset out of range"))
}

/// `btf__name_by_offset` (LIBBPF_0.0.1): the string at `offset` in the string
/// section (of the base for split BTF below its offsets), NULL with errno EINVAL
/// when out of range.
#[no_mangle]
pub extern "C" fn btf__name_by_offset(btf: *const btf, offset: __u32) -> *const c_char {
    ptr("btf__name_by_offset", || str_ptr(btf, offset)).cast_const()
}

/// `btf__str_by_offset` (LIBBPF_0.2.0): same as `btf__name_by_offset`.
#[no_mangle]
pub extern "C" fn btf__str_by_offset(btf: *const btf, offset: __u32) -> *const c_char {
    ptr("btf__str_by_offset", || str_ptr(btf, offset)).cast_const()
}

/// `btf__find_str` (LIBBPF_0.2.0): the offset of string `s` (base strings first),
/// `-ENOENT` if absent.
///
/// # Safety
/// `s` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__find_str(btf: *mut btf, s: *const c_char) -> c_int {
    hl("btf__find_str", || {
        let h = handle(btf)?;
        // SAFETY: caller contract.
        let s = unsafe { bytes(s, "string is NULL") }?;
        let found = match h.target {
            // A BTF shared as a split base is searched without being copied.
            Target::Own(ref mut b) => match Arc::get_mut(b) {
                Some(b) => return Ok(b.find_str(s)? as c_int),
                None => b.find_str_ro(s),
            },
            Target::Object(_) => h.btf()?.find_str_ro(s),
        };
        found
            .map(|off| off as c_int)
            .ok_or(Error::NotFound("string not found"))
    })
}

/// The id of the first type called `name` of raw kind `kind` (any: `None`).
///
/// # Safety
/// `name` is NULL or a C string.
unsafe fn find(btf: *const btf, name: *const c_char, kind: Option<u32>) -> Result<c_int, Error> {
    let b = handle(btf)?.btf()?;
    // SAFETY: forwarded caller contract.
    let n = unsafe { bytes(name, "type_name is NULL") }?;
    b.find_type(n, kind)
        .map(|id| id as c_int)
        .ok_or(Error::NotFound("no such BTF type"))
}

/// `btf__find_by_name` (LIBBPF_0.0.1): the id of the first type called
/// `type_name` ("void" is 0), or -ENOENT (errno set).
///
/// # Safety
/// `type_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__find_by_name(btf: *const btf, type_name: *const c_char) -> __s32 {
    hl("btf__find_by_name", || {
        // SAFETY: forwarded caller contract.
        unsafe { find(btf, type_name, None) }
    })
}

/// `btf__find_by_name_kind` (LIBBPF_0.0.6): as `btf__find_by_name`, of kind
/// `kind` (kind 0 gives 0).
///
/// # Safety
/// `type_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__find_by_name_kind(
    btf: *const btf,
    type_name: *const c_char,
    kind: __u32,
) -> __s32 {
    hl("btf__find_by_name_kind", || {
        // SAFETY: forwarded caller contract.
        unsafe { find(btf, type_name, Some(kind)) }
    })
}

/// `btf__resolve_size` (LIBBPF_0.0.1): the byte size of type `type_id`;
/// -EINVAL for unsized types, -E2BIG on overflow (errno set).
#[no_mangle]
pub extern "C" fn btf__resolve_size(btf: *const btf, type_id: __u32) -> __s64 {
    value(
        "btf__resolve_size",
        -i64::from(libc::ENOTRECOVERABLE),
        || match handle(btf).and_then(|h| h.btf()?.resolve_size(type_id)) {
            Ok(v) => i64::from(v),
            Err(e) => i64::from(hl_fail(&e)),
        },
    )
}

/// `btf__resolve_type` (LIBBPF_0.0.1): the id after skipping typedefs, modifiers
/// and VARs; -EINVAL at void/FWD, past depth 32 or for an invalid id.
#[no_mangle]
pub extern "C" fn btf__resolve_type(btf: *const btf, type_id: __u32) -> c_int {
    hl("btf__resolve_type", || {
        Ok(handle(btf)?.btf()?.resolve_type(type_id)? as c_int)
    })
}

/// `btf__align_of` (LIBBPF_0.0.7): the alignment of type `id` (1 for packed
/// structs); 0 with errno EINVAL for kinds without one.
#[no_mangle]
pub extern "C" fn btf__align_of(btf: *const btf, id: __u32) -> c_int {
    value("btf__align_of", 0, || {
        match handle(btf).and_then(|h| h.btf()?.align_of(id)) {
            Ok(v) => v as c_int,
            Err(e) => {
                ptr_fail(&e);
                0
            }
        }
    })
}

/// `btf__base_btf` (LIBBPF_0.3.0): the base of a split BTF, NULL otherwise.
#[no_mangle]
pub extern "C" fn btf__base_btf(btf: *const btf) -> *const btf {
    value("btf__base_btf", std::ptr::null(), || {
        handle(btf).map_or(std::ptr::null(), |h| h.base)
    })
}

/// `btf__endianness` (LIBBPF_0.2.0): the byte order `btf__raw_data` produces
/// (`BTF_LITTLE_ENDIAN` 0 / `BTF_BIG_ENDIAN` 1).
#[no_mangle]
pub extern "C" fn btf__endianness(btf: *const btf) -> btf_endianness {
    let native = u32::from(cfg!(target_endian = "big"));
    value("btf__endianness", native, || {
        handle(btf)
            .and_then(|h| h.btf().map(|b| u32::from(b.big_endian())))
            .unwrap_or(native)
    })
}

/// `btf__set_endianness` (LIBBPF_0.2.0): selects the byte order of
/// `btf__raw_data` (an object's BTF is still loaded native-endian); -EINVAL for
/// other values.
#[no_mangle]
pub extern "C" fn btf__set_endianness(btf: *mut btf, endian: btf_endianness) -> c_int {
    hl("btf__set_endianness", || {
        let h = handle(btf)?;
        if endian > 1 {
            return Err(Error::Inval(
                "endianness must be BTF_LITTLE_ENDIAN or BTF_BIG_ENDIAN",
            ));
        }
        h.btf_mut()?.set_big_endian(endian == 1);
        Ok(0)
    })
}

/// `btf__pointer_size` (LIBBPF_0.1.0): the target pointer size (4 or 8), taken
/// from the ELF class or a `long` INT type; 0 if unknown.
#[no_mangle]
pub extern "C" fn btf__pointer_size(btf: *const btf) -> usize {
    value("btf__pointer_size", 0, || {
        handle(btf)
            .and_then(|h| h.btf().map(|b| b.pointer_size() as usize))
            .unwrap_or(0)
    })
}

/// `btf__set_pointer_size` (LIBBPF_0.1.0): 4 or 8, else -EINVAL.
#[no_mangle]
pub extern "C" fn btf__set_pointer_size(btf: *mut btf, ptr_sz: usize) -> c_int {
    hl("btf__set_pointer_size", || {
        let h = handle(btf)?;
        if ptr_sz != 4 && ptr_sz != 8 {
            return Err(Error::Inval("pointer size must be 4 or 8"));
        }
        if let Target::Own(ref b) = h.target {
            b.set_pointer_size(ptr_sz)?;
        }
        Ok(0)
    })
}

fn raw_data(btf: *const btf, size: *mut __u32) -> Result<*mut c_void, Error> {
    let h = handle(btf)?;
    if h.raw.is_none() {
        let bytes = h.btf()?.raw_data();
        h.raw = Some(bytes);
    }
    let v = h.raw.as_deref().unwrap_or_default();
    // SAFETY: `size` is a writable `__u32` (caller contract); NULL is skipped.
    unsafe { arg::write(size, v.len() as u32) };
    Ok(v.as_ptr() as *mut c_void)
}

/// `btf__raw_data` (LIBBPF_0.6.0): the encoded BTF (header, types, strings) in
/// the selected byte order, its length in `*size`; valid until the BTF changes
/// or is freed.
///
/// # Safety
/// `size` is a writable `__u32`.
#[no_mangle]
pub unsafe extern "C" fn btf__raw_data(btf: *const btf, size: *mut __u32) -> *const c_void {
    ptr("btf__raw_data", || raw_data(btf, size)).cast_const()
}

/// `btf__get_raw_data` (LIBBPF_0.0.2, removed in 1.0): same as `btf__raw_data`.
///
/// # Safety
/// As `btf__raw_data`.
#[no_mangle]
pub unsafe extern "C" fn btf__get_raw_data(btf: *const btf, size: *mut __u32) -> *const c_void {
    ptr("btf__get_raw_data", || raw_data(btf, size)).cast_const()
}

/// `BPF_LOG_BUF_SIZE` of libbpf: the first log buffer for a failed load.
const LOG_BUF_SIZE: u32 = u32::MAX >> 8;

/// `BPF_BTF_LOAD` of `data` as libbpf's `btf_load_into_kernel`: first without a
/// log; on failure again with a log that grows on ENOSPC, then printed.
fn load_blob(data: &[u8]) -> Result<OwnedFd, Error> {
    use crate::sys::btf::btf_load;
    use crate::sys::prog::Log;
    let load = |log: Log| btf_load(UserPtr::from_ptr(data.as_ptr()), data.len() as u32, log);
    let mut r = load(Log::default());
    let mut buf: Vec<u8> = Vec::new();
    let mut size = 0u32;
    while let Err(e) = &r {
        if !buf.is_empty() && (e.errno() != libc::ENOSPC || size > u32::MAX / 2) {
            break;
        }
        size = LOG_BUF_SIZE.max(size.saturating_mul(2));
        buf = vec![0u8; size as usize];
        r = load(Log {
            buf: UserPtr::from_mut(buf.as_mut_ptr()),
            size,
            level: 1,
        });
    }
    r.inspect_err(|e| {
        crate::log::warn(format_args!("BTF loading error: {}", -e.errno()));
        let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
        if end > 0 {
            crate::log::warn(format_args!(
                "-- BEGIN BTF LOAD LOG ---\n{}\n-- END BTF LOAD LOG --",
                String::from_utf8_lossy(&buf[..end])
            ));
        }
    })
}

/// `btf__load_into_kernel` (LIBBPF_0.5.0): `BPF_BTF_LOAD` of the native-endian
/// blob; on failure retried with a growing log that is then printed. 0 on
/// success (the fd is `btf__fd`; for an object's BTF also `bpf_object__btf_fd`,
/// and `bpf_object__load` then uses it), -EEXIST if already loaded, else -errno
/// (and, as in libbpf, `btf__fd` then returns that -errno).
#[no_mangle]
pub extern "C" fn btf__load_into_kernel(btf: *mut btf) -> c_int {
    hl("btf__load_into_kernel", || {
        let h = handle(btf)?;
        if h.fd() >= 0 {
            return Err(Error::Exists("BTF already loaded"));
        }
        let r = load_blob(&h.btf()?.to_bytes());
        let fd = r.inspect_err(|e| h.fd = -e.errno())?;
        match h.target {
            Target::Own(_) => h.fd = fd.into_raw_fd(),
            Target::Object(o) => {
                h.fd = -1;
                obj_mut(o)?.st.btf_fd = Some(fd);
            }
        }
        Ok(0)
    })
}

// ---------------------------------------------------------------------------
// 0.x names (removed in 1.0), for programs built against libbpf 0.x.

/// `btf__load` (LIBBPF_0.0.2, removed in 1.0): same as `btf__load_into_kernel`.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn btf__load(btf: *mut btf) -> c_int {
    legacy_api("btf__load", || btf__load_into_kernel(btf))
}

/// `btf__get_from_id` (LIBBPF_0.0.1, removed in 1.0): kernel BTF object `id` into
/// `*btf`. 0, or -errno (errno set; `*btf` untouched).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `btf` is NULL or a writable `struct btf *`.
#[no_mangle]
pub unsafe extern "C" fn btf__get_from_id(id: __u32, btf: *mut *mut btf) -> c_int {
    legacy_api("btf__get_from_id", || {
        hl("btf__get_from_id", || {
            if btf.is_null() {
                return Err(Error::Inval("btf is NULL"));
            }
            let p = btf__load_from_kernel_by_id(id);
            if p.is_null() {
                return Ok(crate::capi::errno::pass_errno());
            }
            // SAFETY: non-NULL and writable (caller contract).
            unsafe { arg::write(btf, p) };
            Ok(0)
        })
    })
}
