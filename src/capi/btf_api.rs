//! The BTF API of `bpf/btf.h` (spec `btf-core.md`, the `btf__*` section): the
//! object's BTF (`bpf_object__btf`), standalone BTF objects (`btf__new*`,
//! `btf__parse*`, kernel BTF), accessors, the writer API (`btf__add_*`) and
//! `struct btf_ext`.
//!
//! Handles: a `struct btf *` is either
//! - the object-owned BTF from `bpf_object__btf`: a pointer at the object's parsed
//!   [`Btf`], freed with the object (`btf__free` on it does nothing). Writer calls
//!   extend it (before load, as under libbpf); `btf__load_into_kernel` and
//!   `btf__set_endianness` on it fail with `EOPNOTSUPP`, `btf__set_fd` and
//!   `btf__set_pointer_size` are ignored (its fd is the object's, pointers are 8
//!   bytes), or
//! - a standalone BTF: a leaked `Box<BtfHandle>` over a [`BtfEdit`], listed in a
//!   registry until `btf__free`.
//!
//! Every call checks the pointer against both, so a garbage or freed pointer gives
//! EINVAL (or is ignored), never a crash. `struct btf_ext *` is a leaked
//! `Box<BtfExt>` in its own registry. Pointers handed out (types, strings, raw
//! data) stay valid until the BTF is modified or freed, as in libbpf.

use super::arg;
use super::boundary::{hl, ptr, value};
use super::errno::{hl_fail, set_errno};
use super::types::*;
use crate::btf::files::{
    find_str_in, kernel_btf_data, load_vmlinux, parse_any, parse_elf, parse_raw,
};
use crate::btf::{Btf, BtfEdit, BtfExt, BtfRead, Kind};
use crate::capi::libbpf::object::{live, obj_ref, ObjHandle};
use crate::error::Error;
use crate::sys::UserPtr;
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Mutex, MutexGuard};

/// What a standalone `struct btf *` points to.
pub(crate) struct BtfHandle {
    /// Shared with split BTFs built on this one (copy-on-write on change).
    core: Arc<BtfEdit>,
    /// The caller's base pointer (`btf__base_btf`), NULL if not split.
    base: *const btf,
    /// The kernel fd (`btf__fd`), -1 if not loaded.
    fd: c_int,
    /// The bytes `btf__raw_data` last handed out.
    raw: Option<Vec<u8>>,
}

impl BtfHandle {
    fn core_mut(&mut self) -> &mut BtfEdit {
        self.raw = None;
        Arc::make_mut(&mut self.core)
    }
}

impl Drop for BtfHandle {
    fn drop(&mut self) {
        if self.fd >= 0 {
            // SAFETY: a BTF fd is owned by its `struct btf` (libbpf closes it in `btf__free`); taking ownership here closes it once.
            drop(unsafe { OwnedFd::from_raw_fd(self.fd) });
        }
    }
}

/// Addresses of live standalone `BtfHandle`s.
static BTFS: Lazy<Mutex<Vec<usize>>> = Lazy::new(|| Mutex::new(Vec::new()));
/// Addresses of live `BtfExt`s.
static EXTS: Lazy<Mutex<Vec<usize>>> = Lazy::new(|| Mutex::new(Vec::new()));
/// `btf__raw_data` bytes of object-owned BTFs, by BTF address.
static OBJ_RAW: Lazy<Mutex<HashMap<usize, Vec<u8>>>> = Lazy::new(|| Mutex::new(HashMap::new()));

fn lock<T>(m: &'static Mutex<T>) -> MutexGuard<'static, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A resolved `struct btf *`: a live object whose `btf` is `Some`, or a
/// standalone handle.
enum Handle<'a> {
    Obj(&'a mut ObjHandle),
    Own(&'a mut BtfHandle),
}

/// Stands in for an object's BTF if it were gone (never, by construction).
static NO_BTF: Lazy<Btf> = Lazy::new(Btf::default);

impl Handle<'_> {
    /// The object's BTF.
    fn obj_btf(h: &ObjHandle) -> &Btf {
        h.st.obj.btf.as_ref().unwrap_or(&NO_BTF)
    }

    fn read(&self) -> &dyn BtfRead {
        match self {
            Handle::Obj(h) => Handle::obj_btf(h),
            Handle::Own(h) => &*h.core,
        }
    }

    /// Applies a writer call: to the standalone BTF, or to a copy of the object's
    /// BTF that replaces it on success (libbpf lets callers extend an object's BTF
    /// before load).
    fn write(&mut self, f: impl FnOnce(&mut BtfEdit) -> Result<u32, Error>) -> Result<u32, Error> {
        match self {
            Handle::Own(o) => f(o.core_mut()),
            Handle::Obj(h) => match h.st.obj.btf.as_mut() {
                Some(b) => b.edit(f),
                None => Err(Error::Inval("object has no BTF")),
            },
        }
    }

    fn own(&mut self) -> Result<&mut BtfHandle, Error> {
        match self {
            Handle::Own(h) => Ok(h),
            Handle::Obj(..) => Err(Error::Errno(
                libc::EOPNOTSUPP,
                "not supported on the BTF of a bpf_object in libbpfrs",
            )),
        }
    }

    /// A shareable snapshot, for use as the base of a split BTF.
    fn snapshot(&self) -> Arc<BtfEdit> {
        match self {
            Handle::Obj(h) => Arc::new(BtfEdit::from_btf(Handle::obj_btf(h))),
            Handle::Own(h) => Arc::clone(&h.core),
        }
    }
}

/// Resolves a `struct btf *` (NULL or unknown → EINVAL).
fn handle<'a>(btf: *const btf) -> Result<Handle<'a>, Error> {
    if btf.is_null() {
        return Err(Error::Inval("btf is NULL"));
    }
    if lock(&BTFS).contains(&(btf as usize)) {
        // SAFETY: registry addresses are `Box<BtfHandle>`s leaked by `register` and not yet freed by `btf__free`; as in libbpf, a BTF is not freed while another call on it runs.
        return Ok(Handle::Own(unsafe { &mut *(btf as *mut BtfHandle) }));
    }
    for &a in live().iter() {
        // SAFETY: every registry address is a live `ObjHandle` (see `object_api::obj_mut`); libbpf's contract is that an object is not closed or used from another thread while a call on its BTF runs.
        let h = unsafe { &mut *(a as *mut ObjHandle) };
        if let Some(b) = &h.st.obj.btf {
            if std::ptr::eq(b as *const Btf, btf.cast()) {
                return Ok(Handle::Obj(h));
            }
        }
    }
    Err(Error::Inval("not a live struct btf"))
}

/// An optional base: NULL → none.
fn base_of(base: *const btf) -> Result<Option<Arc<BtfEdit>>, Error> {
    if base.is_null() {
        return Ok(None);
    }
    Ok(Some(handle(base)?.snapshot()))
}

fn register(core: BtfEdit, base: *const btf) -> *mut btf {
    let h = Box::new(BtfHandle {
        core: Arc::new(core),
        base,
        fd: -1,
        raw: None,
    });
    let p = Box::into_raw(h);
    lock(&BTFS).push(p as usize);
    p.cast()
}

fn register_ext(e: BtfExt) -> *mut btf_ext {
    let p = Box::into_raw(Box::new(e));
    lock(&EXTS).push(p as usize);
    p.cast()
}

fn ext_ref<'a>(e: *const btf_ext) -> Result<&'a BtfExt, Error> {
    if e.is_null() || !lock(&EXTS).contains(&(e as usize)) {
        return Err(Error::Inval("not a live struct btf_ext"));
    }
    // SAFETY: registry addresses are `Box<BtfExt>`s leaked by `register_ext` and not yet freed by `btf_ext__free`.
    Ok(unsafe { &*(e as *const BtfExt) })
}

/// A C string argument as bytes (NULL → EINVAL).
///
/// # Safety
/// `s` is NULL or a C string alive for the call.
unsafe fn bytes<'a>(s: *const c_char, what: &'static str) -> Result<&'a [u8], Error> {
    // SAFETY: forwarded caller contract.
    Ok(unsafe { arg::cstr(s, what) }?.to_bytes())
}

/// An optional C string (NULL → `None`).
///
/// # Safety
/// As [`bytes`].
unsafe fn opt_bytes<'a>(s: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: forwarded caller contract.
    unsafe { arg::opt_cstr(s) }.map(CStr::to_bytes)
}

/// A path argument.
///
/// # Safety
/// As [`bytes`].
unsafe fn path_arg<'a>(p: *const c_char) -> Result<&'a std::path::Path, Error> {
    use std::os::unix::ffi::OsStrExt;
    if p.is_null() {
        // What opening a NULL path gives under libbpf.
        return Err(Error::Errno(libc::EFAULT, "path is NULL"));
    }
    // SAFETY: forwarded caller contract.
    let b = unsafe { bytes(p, "path is NULL") }?;
    Ok(std::path::Path::new(std::ffi::OsStr::from_bytes(b)))
}

/// Writes `*btf_ext` (if the caller asked) after a successful ELF parse.
///
/// # Safety
/// `out` is NULL or a writable `struct btf_ext *`.
unsafe fn put_ext(out: *mut *mut btf_ext, e: Option<Option<BtfExt>>) {
    if let Some(e) = e {
        let p = e.map_or(std::ptr::null_mut(), register_ext);
        // SAFETY: forwarded caller contract.
        unsafe { arg::write(out, p) };
    }
}

/// `bpf_object__btf` (LIBBPF_0.0.2): the object's BTF, NULL if it has none (errno
/// ENOENT) or the object is invalid.
#[no_mangle]
pub extern "C" fn bpf_object__btf(obj: *const bpf_object) -> *mut btf {
    ptr("bpf_object__btf", || {
        let h = obj_ref(obj)?;
        h.st.obj
            .btf
            .as_ref()
            .map(|b| b as *const Btf as *mut btf)
            .ok_or(Error::Errno(libc::ENOENT, "object has no BTF"))
    })
}

// ---------------------------------------------------------------------------
// Constructors and destructors.

/// `btf__free` (LIBBPF_0.0.1): frees a standalone BTF (closing its fd). NULL, the
/// BTF of a `bpf_object` (owned by the object) and unknown pointers are ignored.
#[no_mangle]
pub extern "C" fn btf__free(btf: *mut btf) {
    value("btf__free", (), || {
        let mut set = lock(&BTFS);
        if let Some(i) = set.iter().position(|&a| a == btf as usize) {
            set.remove(i);
            drop(set);
            // SAFETY: the address was in the registry, so it is a live `Box<BtfHandle>` from `register`; removing it first makes this the only free.
            drop(unsafe { Box::from_raw(btf as *mut BtfHandle) });
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
        let d: &[u8] = if size == 0 {
            &[]
        } else if data.is_null() {
            return Err(Error::Inval("data is NULL"));
        } else {
            // SAFETY: non-NULL, `size` readable bytes per the caller's contract.
            unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size as usize) }
        };
        Ok(register(BtfEdit::parse(d, base)?, base_btf))
    })
}

/// `btf__new_empty` (LIBBPF_0.2.0): an empty BTF to fill with `btf__add_*`.
#[no_mangle]
pub extern "C" fn btf__new_empty() -> *mut btf {
    ptr("btf__new_empty", || {
        Ok(register(BtfEdit::new_empty(None), std::ptr::null()))
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
        Ok(register(BtfEdit::new_empty(base), base_btf))
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
        // SAFETY: caller contract (NULL is skipped).
        unsafe { arg::write(btf_ext, std::ptr::null_mut()) };
        // SAFETY: caller contract.
        let path = unsafe { path_arg(path) }?;
        let (b, e) = parse_any(path, None, !btf_ext.is_null())?;
        // SAFETY: caller contract.
        unsafe { put_ext(btf_ext, e) };
        Ok(register(b, std::ptr::null()))
    })
}

/// `btf__parse_split` (LIBBPF_0.3.0): `btf__parse` of split BTF on `base_btf`.
///
/// # Safety
/// `path` is a C string; `base_btf` outlives the result.
#[no_mangle]
pub unsafe extern "C" fn btf__parse_split(path: *const c_char, base_btf: *mut btf) -> *mut btf {
    ptr("btf__parse_split", || {
        // SAFETY: caller contract.
        let path = unsafe { path_arg(path) }?;
        let (b, _) = parse_any(path, base_of(base_btf)?, false)?;
        Ok(register(b, base_btf))
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
        // SAFETY: caller contract (NULL is skipped).
        unsafe { arg::write(btf_ext, std::ptr::null_mut()) };
        // SAFETY: caller contract.
        let path = unsafe { path_arg(path) }?;
        let (b, e) = parse_elf(path, None, !btf_ext.is_null())?;
        // SAFETY: caller contract.
        unsafe { put_ext(btf_ext, Some(e)) };
        Ok(register(b, std::ptr::null()))
    })
}

/// `btf__parse_elf_split` (LIBBPF_0.3.0): `btf__parse_elf` of split BTF.
///
/// # Safety
/// `path` is a C string; `base_btf` outlives the result.
#[no_mangle]
pub unsafe extern "C" fn btf__parse_elf_split(path: *const c_char, base_btf: *mut btf) -> *mut btf {
    ptr("btf__parse_elf_split", || {
        // SAFETY: caller contract.
        let path = unsafe { path_arg(path) }?;
        let (b, _) = parse_elf(path, base_of(base_btf)?, false)?;
        Ok(register(b, base_btf))
    })
}

/// `btf__parse_raw` (LIBBPF_0.1.0): a raw BTF file (EPROTO if it is not one).
///
/// # Safety
/// `path` is a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__parse_raw(path: *const c_char) -> *mut btf {
    ptr("btf__parse_raw", || {
        // SAFETY: caller contract.
        let path = unsafe { path_arg(path) }?;
        Ok(register(parse_raw(path, None)?, std::ptr::null()))
    })
}

/// `btf__parse_raw_split` (LIBBPF_0.3.0): a raw split BTF file on `base_btf`.
///
/// # Safety
/// `path` is a C string; `base_btf` outlives the result.
#[no_mangle]
pub unsafe extern "C" fn btf__parse_raw_split(path: *const c_char, base_btf: *mut btf) -> *mut btf {
    ptr("btf__parse_raw_split", || {
        // SAFETY: caller contract.
        let path = unsafe { path_arg(path) }?;
        Ok(register(parse_raw(path, base_of(base_btf)?)?, base_btf))
    })
}

/// `btf__load_vmlinux_btf` (LIBBPF_0.5.0): a new BTF of the running kernel
/// (`/sys/kernel/btf/vmlinux`, then libbpf's ELF locations); ESRCH if none.
#[no_mangle]
pub extern "C" fn btf__load_vmlinux_btf() -> *mut btf {
    ptr("btf__load_vmlinux_btf", || {
        Ok(register(load_vmlinux()?, std::ptr::null()))
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
        let (b, _) = parse_any(std::path::Path::new(&path), base_of(vmlinux_btf)?, false)?;
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
        let fd = crate::sys::obj::get_fd_by_id(crate::sys::obj::IdKind::Btf, id, 0)?;
        let data = kernel_btf_data(fd.as_raw_fd())?;
        Ok(register(BtfEdit::parse(&data, base)?, base_btf))
    })
}

// ---------------------------------------------------------------------------
// Accessors.

/// `btf__fd` (LIBBPF_0.0.1): the fd of the BTF loaded into the kernel, -1 before
/// load (or if the kernel refused it), -EINVAL for an invalid pointer.
#[no_mangle]
pub extern "C" fn btf__fd(btf: *const btf) -> c_int {
    value("btf__fd", -libc::EINVAL, || match handle(btf) {
        Ok(Handle::Obj(h)) => h.st.btf_fd.as_ref().map_or(-1, |f| f.as_raw_fd()),
        Ok(Handle::Own(h)) => h.fd,
        Err(_) => -libc::EINVAL,
    })
}

/// `btf__set_fd` (LIBBPF_0.1.0): records `fd` as the BTF's kernel fd (the BTF now
/// owns it). Ignored for an invalid pointer or an object's BTF.
#[no_mangle]
pub extern "C" fn btf__set_fd(btf: *mut btf, fd: c_int) {
    value("btf__set_fd", (), || {
        if let Ok(Handle::Own(h)) = handle(btf) {
            h.fd = fd;
        }
    })
}

/// `btf__type_cnt` (LIBBPF_0.6.0): the number of types plus one (ids run from 1;
/// base types of split BTF count). 0 for an invalid pointer.
#[no_mangle]
pub extern "C" fn btf__type_cnt(btf: *const btf) -> __u32 {
    value("btf__type_cnt", 0, || {
        handle(btf).map_or(0, |h| h.read().cnt())
    })
}

/// `btf__get_nr_types` (LIBBPF_0.0.2, deprecated): the number of types.
#[no_mangle]
pub extern "C" fn btf__get_nr_types(btf: *const btf) -> __u32 {
    btf__type_cnt(btf).saturating_sub(1)
}

/// `btf__type_by_id` (LIBBPF_0.0.1): the raw `struct btf_type` of `id` (0 is
/// void; base types for split BTF), NULL with errno EINVAL when out of range.
#[no_mangle]
pub extern "C" fn btf__type_by_id(btf: *const btf, type_id: __u32) -> *const btf_type {
    ptr("btf__type_by_id", || {
        let h = handle(btf)?;
        h.read()
            .rec(type_id)
            .map(|t| t.as_ptr() as *mut btf_type)
            .ok_or(Error::Inval("type id out of range"))
    })
    .cast_const()
}

fn str_ptr(btf: *const btf, offset: u32) -> Result<*mut c_char, Error> {
    let h = handle(btf)?;
    let tail = match &h {
        Handle::Obj(h) => Handle::obj_btf(h).strings_section().get(offset as usize..),
        Handle::Own(o) => o.core.str_tail(offset),
    };
    tail.filter(|t| !t.is_empty())
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
        let mut h = handle(btf)?;
        // SAFETY: caller contract.
        let s = unsafe { bytes(s, "string is NULL") }?;
        let off = match &mut h {
            Handle::Obj(h) => find_str_in(Handle::obj_btf(h).strings_section(), s)
                .ok_or(Error::Errno(libc::ENOENT, "string not found"))?,
            // A BTF shared as a split base is searched without building an index
            // (which would copy it).
            Handle::Own(o) => match Arc::get_mut(&mut o.core) {
                Some(c) => c.find_str(s)?,
                None => o
                    .core
                    .find_str_ro(s)
                    .ok_or(Error::Errno(libc::ENOENT, "string not found"))?,
            },
        };
        Ok(off as c_int)
    })
}

/// `btf__find_by_name` (LIBBPF_0.0.1): the id of the first type called
/// `type_name` ("void" is 0), or -ENOENT (errno set).
///
/// # Safety
/// `type_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__find_by_name(btf: *const btf, type_name: *const c_char) -> __s32 {
    hl("btf__find_by_name", || {
        let h = handle(btf)?;
        // SAFETY: NULL or a C string (caller contract).
        let n = unsafe { bytes(type_name, "type_name is NULL") }?;
        h.read()
            .find_named(n, None)
            .map(|id| id as i32)
            .ok_or(Error::Errno(libc::ENOENT, "no such BTF type"))
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
        let h = handle(btf)?;
        // SAFETY: NULL or a C string (caller contract).
        let n = unsafe { bytes(type_name, "type_name is NULL") }?;
        h.read()
            .find_named(n, Some(kind))
            .map(|id| id as i32)
            .ok_or(Error::Errno(libc::ENOENT, "no such BTF type"))
    })
}

/// `btf__resolve_size` (LIBBPF_0.0.1): the byte size of type `type_id`;
/// -EINVAL for unsized types, -E2BIG on overflow (errno set).
#[no_mangle]
pub extern "C" fn btf__resolve_size(btf: *const btf, type_id: __u32) -> __s64 {
    value(
        "btf__resolve_size",
        -i64::from(libc::ENOTRECOVERABLE),
        || match handle(btf).and_then(|h| h.read().size_of(type_id)) {
            Ok(v) => v,
            Err(e) => i64::from(hl_fail(&e)),
        },
    )
}

/// `btf__resolve_type` (LIBBPF_0.0.1): the id after skipping typedefs, modifiers
/// and VARs; -EINVAL at void/FWD, past depth 32 or for an invalid id.
#[no_mangle]
pub extern "C" fn btf__resolve_type(btf: *const btf, type_id: __u32) -> c_int {
    hl("btf__resolve_type", || {
        Ok(handle(btf)?.read().resolve(type_id)? as c_int)
    })
}

/// `btf__align_of` (LIBBPF_0.0.7): the alignment of type `id` (1 for packed
/// structs); 0 with errno EINVAL for kinds without one.
#[no_mangle]
pub extern "C" fn btf__align_of(btf: *const btf, id: __u32) -> c_int {
    value("btf__align_of", 0, || {
        match handle(btf).and_then(|h| h.read().align(id, 0)) {
            Ok(v) => v as c_int,
            Err(e) => {
                set_errno(e.errno());
                0
            }
        }
    })
}

/// `btf__base_btf` (LIBBPF_0.3.0): the base of a split BTF, NULL otherwise.
#[no_mangle]
pub extern "C" fn btf__base_btf(btf: *const btf) -> *const btf {
    value("btf__base_btf", std::ptr::null(), || match handle(btf) {
        Ok(Handle::Own(h)) => h.base,
        _ => std::ptr::null(),
    })
}

/// `btf__endianness` (LIBBPF_0.2.0): the byte order `btf__raw_data` produces
/// (`BTF_LITTLE_ENDIAN` 0 / `BTF_BIG_ENDIAN` 1).
#[no_mangle]
pub extern "C" fn btf__endianness(btf: *const btf) -> btf_endianness {
    let native = u32::from(cfg!(target_endian = "big"));
    value("btf__endianness", native, || match handle(btf) {
        Ok(Handle::Own(h)) => u32::from(h.core.big_endian()),
        _ => native,
    })
}

/// `btf__set_endianness` (LIBBPF_0.2.0): selects the byte order of
/// `btf__raw_data`; -EINVAL for other values.
#[no_mangle]
pub extern "C" fn btf__set_endianness(btf: *mut btf, endian: btf_endianness) -> c_int {
    hl("btf__set_endianness", || {
        let mut h = handle(btf)?;
        if endian > 1 {
            return Err(Error::Inval(
                "endianness must be BTF_LITTLE_ENDIAN or BTF_BIG_ENDIAN",
            ));
        }
        let o = h.own()?;
        o.raw = None;
        Arc::make_mut(&mut o.core).set_big_endian(endian == 1);
        Ok(0)
    })
}

/// `btf__pointer_size` (LIBBPF_0.1.0): the target pointer size (4 or 8), taken
/// from the ELF class or a `long` INT type; 0 if unknown.
#[no_mangle]
pub extern "C" fn btf__pointer_size(btf: *const btf) -> usize {
    value("btf__pointer_size", 0, || match handle(btf) {
        Ok(Handle::Own(h)) => h.core.pointer_size() as usize,
        Ok(Handle::Obj(..)) => crate::btf::PTR_SIZE as usize,
        Err(_) => 0,
    })
}

/// `btf__set_pointer_size` (LIBBPF_0.1.0): 4 or 8, else -EINVAL.
#[no_mangle]
pub extern "C" fn btf__set_pointer_size(btf: *mut btf, ptr_sz: usize) -> c_int {
    hl("btf__set_pointer_size", || {
        let mut h = handle(btf)?;
        if ptr_sz != 4 && ptr_sz != 8 {
            return Err(Error::Inval("pointer size must be 4 or 8"));
        }
        match &mut h {
            Handle::Obj(..) => {}
            Handle::Own(o) => o.core.set_pointer_size(ptr_sz)?,
        }
        Ok(0)
    })
}

fn raw_data(btf: *const btf, size: *mut __u32) -> Result<*mut c_void, Error> {
    let (p, len) = match handle(btf)? {
        Handle::Own(h) => {
            let v = h.raw.get_or_insert_with(|| h.core.raw_data());
            (v.as_ptr(), v.len())
        }
        Handle::Obj(h) => {
            let mut m = lock(&OBJ_RAW);
            let v = m.entry(btf as usize).or_default();
            *v = Handle::obj_btf(h).to_bytes();
            (v.as_ptr(), v.len())
        }
    };
    // SAFETY: `size` is a writable `__u32` (caller contract); NULL is skipped.
    unsafe { arg::write(size, len as u32) };
    Ok(p as *mut c_void)
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

/// `btf__load_into_kernel` (LIBBPF_0.5.0): `BPF_BTF_LOAD` of the native-endian
/// blob; on failure retried with a growing log that is then printed. 0 on
/// success (the fd is `btf__fd`), -EEXIST if already loaded, else -errno (and,
/// as in libbpf, `btf__fd` then returns that -errno).
#[no_mangle]
pub extern "C" fn btf__load_into_kernel(btf: *mut btf) -> c_int {
    hl("btf__load_into_kernel", || {
        let mut h = handle(btf)?;
        let o = h.own()?;
        if o.fd >= 0 {
            return Err(Error::Errno(libc::EEXIST, "BTF already loaded"));
        }
        let data = o.core.raw_native();
        let load = |log: crate::sys::prog::Log| {
            crate::sys::btf::btf_load(UserPtr::from_ptr(data.as_ptr()), data.len() as u32, log)
        };
        let mut r = load(crate::sys::prog::Log::default());
        let mut buf: Vec<u8> = Vec::new();
        let mut size = 0u32;
        while let Err(e) = &r {
            if !buf.is_empty() && (e.errno() != libc::ENOSPC || size > u32::MAX / 2) {
                break;
            }
            size = crate::uapi::BPF_LOG_BUF_SIZE.max(size.saturating_mul(2));
            buf = vec![0u8; size as usize];
            r = load(crate::sys::prog::Log {
                buf: UserPtr::from_mut(buf.as_mut_ptr()),
                size,
                level: 1,
            });
        }
        match r {
            Ok(fd) => {
                use std::os::fd::IntoRawFd;
                o.fd = fd.into_raw_fd();
                Ok(0)
            }
            Err(e) => {
                // libbpf keeps the failed load's result as the fd.
                o.fd = -e.errno();
                crate::log::warn(format_args!("BTF loading error: {}", -e.errno()));
                let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
                if end > 0 {
                    crate::log::warn(format_args!(
                        "-- BEGIN BTF LOAD LOG ---\n{}\n-- END BTF LOAD LOG --",
                        String::from_utf8_lossy(&buf[..end])
                    ));
                }
                Err(e)
            }
        }
    })
}

// ---------------------------------------------------------------------------
// Writer API: each call appends to a standalone BTF and returns the new type id
// (or 0 for entry calls, the string offset for `btf__add_str`), -errno on
// failure, with libbpf 1.1.2's argument checks.

/// Runs a writer call on a standalone BTF.
fn write_op(
    name: &'static str,
    btf: *mut btf,
    f: impl FnOnce(&mut BtfEdit) -> Result<u32, Error>,
) -> c_int {
    hl(name, || Ok(handle(btf)?.write(f)? as c_int))
}

/// `btf__add_str` (LIBBPF_0.2.0): the offset of `s`, added once.
///
/// # Safety
/// `s` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_str(btf: *mut btf, s: *const c_char) -> c_int {
    // SAFETY: caller contract.
    let s = unsafe { opt_bytes(s) };
    write_op("btf__add_str", btf, |b| {
        b.add_str(s.ok_or(Error::Inval("string is NULL"))?)
    })
}

/// `btf__add_int` (LIBBPF_0.2.0): INT `name` of `byte_sz` (1, 2, 4, 8, 16) bytes
/// with `encoding` (`BTF_INT_SIGNED | BTF_INT_CHAR | BTF_INT_BOOL`).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_int(
    btf: *mut btf,
    name: *const c_char,
    byte_sz: usize,
    encoding: c_int,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_int", btf, |b| {
        b.add_int(name.unwrap_or_default(), byte_sz, encoding)
    })
}

/// `btf__add_float` (LIBBPF_0.4.0): FLOAT `name` of 2, 4, 8, 12 or 16 bytes.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_float(
    btf: *mut btf,
    name: *const c_char,
    byte_sz: usize,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_float", btf, |b| {
        b.add_float(name.unwrap_or_default(), byte_sz)
    })
}

/// `btf__add_ptr` (LIBBPF_0.2.0): PTR to `ref_type_id`.
#[no_mangle]
pub extern "C" fn btf__add_ptr(btf: *mut btf, ref_type_id: c_int) -> c_int {
    write_op("btf__add_ptr", btf, |b| {
        b.add_ref(Kind::Ptr, None, ref_type_id, false)
    })
}

/// `btf__add_array` (LIBBPF_0.2.0): ARRAY of `nr_elems` `elem_type_id` indexed by
/// `index_type_id`.
#[no_mangle]
pub extern "C" fn btf__add_array(
    btf: *mut btf,
    index_type_id: c_int,
    elem_type_id: c_int,
    nr_elems: __u32,
) -> c_int {
    write_op("btf__add_array", btf, |b| {
        b.add_array(index_type_id, elem_type_id, nr_elems)
    })
}

/// `btf__add_struct` (LIBBPF_0.2.0): STRUCT (NULL or "" name: anonymous) of
/// `sz` bytes; add members with `btf__add_field`.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_struct(btf: *mut btf, name: *const c_char, sz: __u32) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_struct", btf, |b| {
        b.add_sized(Kind::Struct, name, sz, false)
    })
}

/// `btf__add_union` (LIBBPF_0.2.0): UNION, as `btf__add_struct`.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_union(btf: *mut btf, name: *const c_char, sz: __u32) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_union", btf, |b| {
        b.add_sized(Kind::Union, name, sz, false)
    })
}

/// `btf__add_field` (LIBBPF_0.2.0): a member of the last STRUCT/UNION (-EINVAL
/// otherwise); bitfields set kind_flag. 0 on success.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_field(
    btf: *mut btf,
    name: *const c_char,
    field_type_id: c_int,
    bit_offset: __u32,
    bit_size: __u32,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_field", btf, |b| {
        b.add_field(name, field_type_id, bit_offset, bit_size)
            .map(|()| 0)
    })
}

/// `btf__add_enum` (LIBBPF_0.2.0): ENUM of `bytes_sz` (1, 2, 4, 8) bytes; add
/// values with `btf__add_enum_value`.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_enum(
    btf: *mut btf,
    name: *const c_char,
    bytes_sz: __u32,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_enum", btf, |b| {
        add_enum(b, name, bytes_sz, Kind::Enum, false)
    })
}

fn add_enum(
    b: &mut BtfEdit,
    name: Option<&[u8]>,
    sz: u32,
    kind: Kind,
    signed: bool,
) -> Result<u32, Error> {
    if !sz.is_power_of_two() || sz > 8 {
        return Err(Error::Inval("enum size must be 1, 2, 4 or 8"));
    }
    b.add_sized(kind, name, sz, signed)
}

/// `btf__add_enum_value` (LIBBPF_0.2.0): a value of the last ENUM; -E2BIG
/// outside [INT_MIN, UINT_MAX]; a negative value marks the enum signed.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_enum_value(
    btf: *mut btf,
    name: *const c_char,
    value: __s64,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_enum_value", btf, |b| {
        b.add_enum_value(name.unwrap_or_default(), value)
            .map(|()| 0)
    })
}

/// `btf__add_enum64` (LIBBPF_1.0.0): ENUM64 of `bytes_sz` bytes, signed or not.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_enum64(
    btf: *mut btf,
    name: *const c_char,
    bytes_sz: __u32,
    is_signed: bool,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_enum64", btf, |b| {
        add_enum(b, name, bytes_sz, Kind::Enum64, is_signed)
    })
}

/// `btf__add_enum64_value` (LIBBPF_1.0.0): a value of the last ENUM64.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_enum64_value(
    btf: *mut btf,
    name: *const c_char,
    value: __u64,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_enum64_value", btf, |b| {
        b.add_enum64_value(name.unwrap_or_default(), value)
            .map(|()| 0)
    })
}

/// `btf__add_fwd` (LIBBPF_0.2.0): a forward declaration: `BTF_FWD_STRUCT`,
/// `BTF_FWD_UNION` (FWD with kind_flag) or `BTF_FWD_ENUM` (an empty 4-byte ENUM).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_fwd(
    btf: *mut btf,
    name: *const c_char,
    fwd_kind: btf_fwd_kind,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_fwd", btf, |b| {
        let name = name
            .filter(|n| !n.is_empty())
            .ok_or(Error::Inval("FWD needs a name"))?;
        match fwd_kind {
            0 | 1 => b.add_ref(Kind::Fwd, Some(name), 0, fwd_kind == 1),
            2 => add_enum(b, Some(name), 4, Kind::Enum, false),
            _ => Err(Error::Inval("invalid forward declaration kind")),
        }
    })
}

/// A named reference kind (TYPEDEF, TYPE_TAG): the name must not be empty.
fn add_named_ref(
    b: &mut BtfEdit,
    kind: Kind,
    name: Option<&[u8]>,
    to: c_int,
) -> Result<u32, Error> {
    let name = name
        .filter(|n| !n.is_empty())
        .ok_or(Error::Inval("a name is required"))?;
    b.add_ref(kind, Some(name), to, false)
}

/// `btf__add_typedef` (LIBBPF_0.2.0): TYPEDEF `name` of `ref_type_id`.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_typedef(
    btf: *mut btf,
    name: *const c_char,
    ref_type_id: c_int,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_typedef", btf, |b| {
        add_named_ref(b, Kind::Typedef, name, ref_type_id)
    })
}

/// `btf__add_volatile` (LIBBPF_0.2.0): VOLATILE of `ref_type_id`.
#[no_mangle]
pub extern "C" fn btf__add_volatile(btf: *mut btf, ref_type_id: c_int) -> c_int {
    write_op("btf__add_volatile", btf, |b| {
        b.add_ref(Kind::Volatile, None, ref_type_id, false)
    })
}

/// `btf__add_const` (LIBBPF_0.2.0): CONST of `ref_type_id`.
#[no_mangle]
pub extern "C" fn btf__add_const(btf: *mut btf, ref_type_id: c_int) -> c_int {
    write_op("btf__add_const", btf, |b| {
        b.add_ref(Kind::Const, None, ref_type_id, false)
    })
}

/// `btf__add_restrict` (LIBBPF_0.2.0): RESTRICT of `ref_type_id`.
#[no_mangle]
pub extern "C" fn btf__add_restrict(btf: *mut btf, ref_type_id: c_int) -> c_int {
    write_op("btf__add_restrict", btf, |b| {
        b.add_ref(Kind::Restrict, None, ref_type_id, false)
    })
}

/// `btf__add_type_tag` (LIBBPF_0.6.0): TYPE_TAG `value` on `ref_type_id`.
///
/// # Safety
/// `value` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_type_tag(
    btf: *mut btf,
    value: *const c_char,
    ref_type_id: c_int,
) -> c_int {
    // SAFETY: caller contract.
    let value = unsafe { opt_bytes(value) };
    write_op("btf__add_type_tag", btf, |b| {
        add_named_ref(b, Kind::TypeTag, value, ref_type_id)
    })
}

/// `btf__add_func` (LIBBPF_0.2.0): FUNC `name` with `linkage` (`BTF_FUNC_STATIC`,
/// `_GLOBAL`, `_EXTERN`) of FUNC_PROTO `proto_type_id`.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_func(
    btf: *mut btf,
    name: *const c_char,
    linkage: c_int,
    proto_type_id: c_int,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_func", btf, |b| {
        b.add_func(name.unwrap_or_default(), linkage, proto_type_id)
    })
}

/// `btf__add_func_proto` (LIBBPF_0.2.0): FUNC_PROTO returning `ret_type_id`; add
/// parameters with `btf__add_func_param`.
#[no_mangle]
pub extern "C" fn btf__add_func_proto(btf: *mut btf, ret_type_id: c_int) -> c_int {
    write_op("btf__add_func_proto", btf, |b| {
        b.add_ref(Kind::FuncProto, None, ret_type_id, false)
    })
}

/// `btf__add_func_param` (LIBBPF_0.2.0): a parameter of the last FUNC_PROTO.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_func_param(
    btf: *mut btf,
    name: *const c_char,
    type_id: c_int,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_func_param", btf, |b| {
        b.add_func_param(name, type_id).map(|()| 0)
    })
}

/// `btf__add_var` (LIBBPF_0.2.0): VAR `name` of `type_id` with `linkage`.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_var(
    btf: *mut btf,
    name: *const c_char,
    linkage: c_int,
    type_id: c_int,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_var", btf, |b| {
        b.add_var(name.unwrap_or_default(), linkage, type_id)
    })
}

/// `btf__add_datasec` (LIBBPF_0.2.0): DATASEC `name` of `byte_sz` bytes; add
/// entries with `btf__add_datasec_var_info`.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_datasec(
    btf: *mut btf,
    name: *const c_char,
    byte_sz: __u32,
) -> c_int {
    // SAFETY: caller contract.
    let name = unsafe { opt_bytes(name) };
    write_op("btf__add_datasec", btf, |b| {
        let name = name
            .filter(|n| !n.is_empty())
            .ok_or(Error::Inval("DATASEC needs a name"))?;
        b.add_sized(Kind::Datasec, Some(name), byte_sz, false)
    })
}

/// `btf__add_datasec_var_info` (LIBBPF_0.2.0): an entry of the last DATASEC.
#[no_mangle]
pub extern "C" fn btf__add_datasec_var_info(
    btf: *mut btf,
    var_type_id: c_int,
    offset: __u32,
    byte_sz: __u32,
) -> c_int {
    write_op("btf__add_datasec_var_info", btf, |b| {
        b.add_datasec_var_info(var_type_id, offset, byte_sz)
            .map(|()| 0)
    })
}

/// `btf__add_decl_tag` (LIBBPF_0.6.0): DECL_TAG `value` on `ref_type_id`
/// (`component_idx` -1 for the type itself, else a member/parameter index).
///
/// # Safety
/// `value` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_decl_tag(
    btf: *mut btf,
    value: *const c_char,
    ref_type_id: c_int,
    component_idx: c_int,
) -> c_int {
    // SAFETY: caller contract.
    let value = unsafe { opt_bytes(value) };
    write_op("btf__add_decl_tag", btf, |b| {
        b.add_decl_tag(value.unwrap_or_default(), ref_type_id, component_idx)
    })
}

/// `btf__add_type` (LIBBPF_0.4.0): appends a copy of `src_type` (a type of
/// `src_btf`): its strings are re-added here, type ids are copied unchanged.
///
/// # Safety
/// `src_type` is NULL or points to a whole BTF type record.
#[no_mangle]
pub unsafe extern "C" fn btf__add_type(
    btf: *mut btf,
    src_btf: *const btf,
    src_type: *const btf_type,
) -> c_int {
    hl("btf__add_type", || {
        let src = handle(src_btf)?;
        if src_type.is_null() {
            return Err(Error::Inval("src_type is NULL"));
        }
        // SAFETY: non-NULL; the caller passes a BTF type record, whose 12-byte header is readable.
        let hdr = unsafe { std::slice::from_raw_parts(src_type.cast::<u8>(), 12) };
        let len = crate::btf::record_len(hdr).ok_or(Error::Inval("unknown BTF kind"))?;
        // SAFETY: as above; a record of this kind has `len` readable bytes.
        let rec = unsafe { std::slice::from_raw_parts(src_type.cast::<u8>(), len) }.to_vec();
        let src_copy;
        let reader: &dyn BtfRead = if std::ptr::eq(src_btf, btf.cast_const()) {
            src_copy = src.snapshot();
            &*src_copy
        } else {
            src.read()
        };
        let rec_ref = &rec;
        Ok(handle(btf)?.write(|b| b.add_type(reader, rec_ref))? as c_int)
    })
}

/// `btf__add_btf` (LIBBPF_0.6.0): appends all types of `src_btf` (not split:
/// -ENOTSUP), remapping ids and strings; the id of the first added type.
#[no_mangle]
pub extern "C" fn btf__add_btf(btf: *mut btf, src_btf: *const btf) -> c_int {
    hl("btf__add_btf", || {
        let src = handle(src_btf)?;
        let split = matches!(&src, Handle::Own(h) if h.core.base().is_some());
        let snap = src.snapshot();
        Ok(handle(btf)?.write(|b| b.add_btf(&*snap, split))? as c_int)
    })
}

// ---------------------------------------------------------------------------
// struct btf_ext.

/// `btf_ext__new` (LIBBPF_0.0.2): parses a `.BTF.ext` blob (copied). NULL with
/// errno on failure (EINVAL malformed, ENOTSUP other byte orders or versions).
///
/// # Safety
/// `data` points to `size` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn btf_ext__new(data: *const __u8, size: __u32) -> *mut btf_ext {
    ptr("btf_ext__new", || {
        let d: &[u8] = if size == 0 {
            &[]
        } else if data.is_null() {
            return Err(Error::Inval("data is NULL"));
        } else {
            // SAFETY: non-NULL, `size` readable bytes per the caller's contract.
            unsafe { std::slice::from_raw_parts(data, size as usize) }
        };
        Ok(register_ext(BtfExt::parse_standalone(d)?))
    })
}

/// `btf_ext__free` (LIBBPF_0.0.2): frees a `struct btf_ext`; NULL and unknown
/// pointers are ignored.
#[no_mangle]
pub extern "C" fn btf_ext__free(btf_ext: *mut btf_ext) {
    value("btf_ext__free", (), || {
        let mut set = lock(&EXTS);
        if let Some(i) = set.iter().position(|&a| a == btf_ext as usize) {
            set.remove(i);
            drop(set);
            // SAFETY: the address was in the registry, so it is a live `Box<BtfExt>` from `register_ext`; removing it first makes this the only free.
            drop(unsafe { Box::from_raw(btf_ext as *mut BtfExt) });
        }
    })
}

fn ext_raw(e: *const btf_ext, size: *mut __u32) -> Result<*mut c_void, Error> {
    let d = ext_ref(e)?.raw_data();
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

// ---------------------------------------------------------------------------
// 0.x names (removed in 1.0), for programs built against libbpf 0.x.

/// `btf__load` (LIBBPF_0.0.2, removed in 1.0): same as `btf__load_into_kernel`.
#[no_mangle]
pub extern "C" fn btf__load(btf: *mut btf) -> c_int {
    btf__load_into_kernel(btf)
}

/// `btf__get_from_id` (LIBBPF_0.0.1, removed in 1.0): kernel BTF object `id` into
/// `*btf`. 0, or -errno (errno set; `*btf` untouched).
///
/// # Safety
/// `btf` is NULL or a writable `struct btf *`.
#[no_mangle]
pub unsafe extern "C" fn btf__get_from_id(id: __u32, btf: *mut *mut btf) -> c_int {
    hl("btf__get_from_id", || {
        if btf.is_null() {
            return Err(Error::Inval("btf is NULL"));
        }
        let p = btf__load_from_kernel_by_id(id);
        if p.is_null() {
            return Err(Error::Errno(super::errno::get_errno(), "btf__get_from_id"));
        }
        // SAFETY: non-NULL and writable (caller contract).
        unsafe { arg::write(btf, p) };
        Ok(0)
    })
}

/// `btf_ext__func_info_rec_size` (LIBBPF_0.0.2, removed in 1.0): the func_info
/// record size, 0 for an invalid pointer or no func_info.
#[no_mangle]
pub extern "C" fn btf_ext__func_info_rec_size(btf_ext: *const btf_ext) -> __u32 {
    value("btf_ext__func_info_rec_size", 0, || {
        ext_ref(btf_ext).map_or(0, |e| e.func_info_rec_size())
    })
}

/// `btf_ext__line_info_rec_size` (LIBBPF_0.0.2, removed in 1.0): the line_info
/// record size, 0 for an invalid pointer or no line_info.
#[no_mangle]
pub extern "C" fn btf_ext__line_info_rec_size(btf_ext: *const btf_ext) -> __u32 {
    value("btf_ext__line_info_rec_size", 0, || {
        ext_ref(btf_ext).map_or(0, |e| e.line_info_rec_size())
    })
}
