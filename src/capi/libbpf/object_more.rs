//! Object-level calls beyond open/load/close (`object`): kversion, BTF fd,
//! pinning, unload, the 0.x lookups and constructors, and the 0.x
//! `bpf_prog_load`/`bpf_prog_load_xattr` (spec §1.0 notes, §1.2).

use crate::capi::arg;
use crate::capi::boundary::{hl, legacy_api, ptr, value};
use crate::capi::libbpf::object::{drop_priv, obj_mut, obj_ref, prog_ptr, ObjHandle};
use crate::capi::types::*;
use crate::error::Error;
use crate::load::LegacyLoad;
use std::ffi::{c_char, c_int, c_void};
use std::os::fd::AsRawFd;

/// `bpf_prog_load_deprecated` (LIBBPF_0.6.0; `bpf_prog_load@LIBBPF_0.0.1` in 0.x
/// binaries): the 0.x `bpf_prog_load(file, type, &obj, &prog_fd)`, reached through
/// the `bpf_prog_load` argument-count macro. Opens `file` (any failure: -ENOENT),
/// overrides every program's type when `prog_type` is not UNSPEC (-EINVAL if one
/// stays UNSPEC), -ENOENT without programs, loads, and stores the object and the
/// first program's fd. HL: 0 or -errno with errno set; out-params only on success.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `file` is NULL or a C string; `pobj` and `prog_fd` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_load_deprecated(
    file: *const c_char,
    prog_type: bpf_prog_type,
    pobj: *mut *mut bpf_object,
    prog_fd: *mut c_int,
) -> c_int {
    legacy_api("bpf_prog_load_deprecated", || {
        hl("bpf_prog_load_deprecated", || {
            // SAFETY: NULL or a C string (caller contract).
            let path = unsafe { arg::cstr(file, "file is NULL") }
                .map_err(|_| Error::NotFound("file is NULL"))?;
            let a = LegacyLoad {
                prog_type,
                ..LegacyLoad::default()
            };
            let (obj, fd) =
                crate::capi::libbpf::object::prog_load_legacy(&path.to_string_lossy(), &a)?;
            // SAFETY: NULL or writable out-params (caller contract).
            unsafe {
                arg::write(pobj, obj);
                arg::write(prog_fd, fd);
            }
            Ok(0)
        })
    })
}

/// 0.x `struct bpf_prog_load_attr` (no `sz`; spec §4.3).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_prog_load_attr {
    pub file: *const c_char,
    pub prog_type: bpf_prog_type,
    pub expected_attach_type: bpf_attach_type,
    pub ifindex: c_int,
    pub log_level: c_int,
    pub prog_flags: c_int,
}

/// `bpf_prog_load_xattr` (LIBBPF_0.0.1, 0.x-only): the 4-argument `bpf_prog_load`
/// with the attr's expected attach type (used with `prog_type`), ifindex, log level
/// and extra prog flags. HL; -EINVAL for a NULL attr or file, -ENOENT when the file
/// cannot be opened or has no programs.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `attr` is NULL or a valid `bpf_prog_load_attr`; `pobj`, `prog_fd` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_load_xattr(
    attr: *const bpf_prog_load_attr,
    pobj: *mut *mut bpf_object,
    prog_fd: *mut c_int,
) -> c_int {
    legacy_api("bpf_prog_load_xattr", || {
        hl("bpf_prog_load_xattr", || {
            // SAFETY: NULL or a valid attr (caller contract).
            let a = unsafe { arg::read(attr, "attr is NULL") }?;
            // SAFETY: NULL or a C string (caller contract).
            let path = unsafe { arg::cstr(a.file, "attr->file is NULL") }?;
            let l = LegacyLoad {
                prog_type: a.prog_type,
                expected_attach_type: a.expected_attach_type,
                ifindex: a.ifindex as u32,
                log_level: a.log_level as u32,
                prog_flags: a.prog_flags as u32,
            };
            let (obj, fd) =
                crate::capi::libbpf::object::prog_load_legacy(&path.to_string_lossy(), &l)?;
            // SAFETY: NULL or writable out-params (caller contract).
            unsafe {
                arg::write(pobj, obj);
                arg::write(prog_fd, fd);
            }
            Ok(0)
        })
    })
}

/// `bpf_object__kversion` (LIBBPF_0.0.1): the `version` section's value (0 if
/// invalid).
#[no_mangle]
pub extern "C" fn bpf_object__kversion(obj: *const bpf_object) -> u32 {
    value("bpf_object__kversion", 0, || {
        obj_ref(obj).map_or(0, |h| h.st.kversion)
    })
}

/// `bpf_object__set_kversion` (LIBBPF_0.4.0): HL, -EINVAL after load.
#[no_mangle]
pub extern "C" fn bpf_object__set_kversion(obj: *mut bpf_object, kern_version: __u32) -> c_int {
    hl("bpf_object__set_kversion", || {
        obj_mut(obj)?.st.set_kversion(kern_version)?;
        Ok(0)
    })
}

/// `bpf_object__btf_fd` (LIBBPF_0.0.1): the loaded BTF's fd, or -1.
#[no_mangle]
pub extern "C" fn bpf_object__btf_fd(obj: *const bpf_object) -> c_int {
    value("bpf_object__btf_fd", -1, || {
        obj_ref(obj)
            .ok()
            .and_then(|h| h.st.btf_fd.as_ref().map(|f| f.as_raw_fd()))
            .unwrap_or(-1)
    })
}

/// `bpf_object__unload` (LIBBPF_0.0.1, 0.x): closes every map and program fd.
/// HL: -EINVAL for an invalid object.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_object__unload(obj: *mut bpf_object) -> c_int {
    legacy_api("bpf_object__unload", || {
        hl("bpf_object__unload", || {
            obj_mut(obj)?.st.unload();
            Ok(0)
        })
    })
}

/// `bpf_object__find_program_by_title` (LIBBPF_0.0.1, 0.x): the first program
/// whose **section** name is `title`. N (NULL, errno ENOENT).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `title` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__find_program_by_title(
    obj: *const bpf_object,
    title: *const c_char,
) -> *mut bpf_program {
    legacy_api("bpf_object__find_program_by_title", || {
        ptr("bpf_object__find_program_by_title", || {
            let h = obj_ref(obj)?;
            // SAFETY: NULL or a C string (caller contract).
            let t = unsafe { arg::cstr(title, "title is NULL") }?;
            let i = (h.st.progs.iter())
                .position(|p| p.def.sec_name.as_c_str() == t)
                .ok_or(Error::NotFound("no program in that section"))?;
            Ok(prog_ptr(h, i))
        })
    })
}

/// `bpf_object__find_map_by_offset` (LIBBPF_0.0.1, 0.x): long a stub in libbpf;
/// NULL with errno EOPNOTSUPP (ENOTSUP).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_object__find_map_by_offset(
    obj: *mut bpf_object,
    offset: usize,
) -> *mut bpf_map {
    legacy_api("bpf_object__find_map_by_offset", || {
        let _ = (obj, offset);
        ptr("bpf_object__find_map_by_offset", || {
            Err(Error::Unsupported("bpf_object__find_map_by_offset"))
        })
    })
}

/// `bpf_object__open_buffer` (LIBBPF_0.0.1, 0.x): `open_mem` with an object name.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// As `bpf_object__open_mem`; `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__open_buffer(
    obj_buf: *const c_void,
    obj_buf_sz: usize,
    name: *const c_char,
) -> *mut bpf_object {
    legacy_api("bpf_object__open_buffer", || {
        let opts = crate::capi::libbpf::object::bpf_object_open_opts {
            // Up to the last field: the trailing padding a Rust literal leaves
            // undefined would otherwise be read as non-zero "extra bytes".
            sz: <crate::capi::libbpf::object::bpf_object_open_opts as crate::capi::opts::Opts>::KNOWN,
            object_name: name,
            relaxed_maps: true,
            relaxed_core_relocs: false,
            pin_root_path: std::ptr::null(),
            attach_prog_fd: 0,
            kconfig: std::ptr::null(),
            btf_custom_path: std::ptr::null(),
            kernel_log_buf: std::ptr::null_mut(),
            kernel_log_size: 0,
            kernel_log_level: 0,
        };
        // SAFETY: forwarded caller contract; `opts` is a valid local.
        unsafe { crate::capi::libbpf::object::bpf_object__open_mem(obj_buf, obj_buf_sz, &opts) }
    })
}

/// `bpf_object__next` (LIBBPF_0.0.1, 0.x): the open object after `prev` (the
/// first for NULL) in creation order; NULL at the end.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_object__next(prev: *mut bpf_object) -> *mut bpf_object {
    legacy_api("bpf_object__next", || {
        value("bpf_object__next", std::ptr::null_mut(), || {
            crate::capi::libbpf::object::next_object(prev)
        })
    })
}

/// 0.x destructor type of `bpf_object__set_priv`.
pub(crate) type ObjClearPriv = Option<unsafe extern "C" fn(*mut bpf_object, *mut c_void)>;

/// `bpf_object__set_priv` (LIBBPF_0.0.1, 0.x): user data; the old destructor runs
/// first, the last one at close. HL.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `clear_priv` is NULL or a function safe to call with the handle and `priv_`.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__set_priv(
    obj: *mut bpf_object,
    priv_: *mut c_void,
    clear_priv: ObjClearPriv,
) -> c_int {
    legacy_api("bpf_object__set_priv", || {
        hl("bpf_object__set_priv", || {
            let h = obj_mut(obj)?;
            let old = std::mem::replace(&mut h.priv_, (priv_, clear_priv));
            // SAFETY: the caller's registered destructor with its own pointers.
            unsafe { drop_priv(old, obj) };
            Ok(0)
        })
    })
}

/// `bpf_object__priv` (LIBBPF_0.0.1, 0.x): the user data, NULL if none/invalid.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_object__priv(obj: *const bpf_object) -> *mut c_void {
    legacy_api("bpf_object__priv", || {
        ptr("bpf_object__priv", || Ok(obj_ref(obj)?.priv_.0))
    })
}

/// The object of the pin calls: libbpf 1.1.2 answers ENOENT for NULL.
fn pin_obj<'a>(obj: *mut bpf_object) -> Result<&'a mut ObjHandle, Error> {
    if obj.is_null() {
        return Err(Error::NotFound("object is NULL"));
    }
    obj_mut(obj)
}

fn opt_path(path: *const c_char) -> Option<String> {
    // SAFETY: NULL or a C string (callers' contract, forwarded).
    unsafe { arg::opt_cstr(path) }.map(|c| c.to_string_lossy().into_owned())
}

fn req_path(path: *const c_char) -> Result<String, Error> {
    opt_path(path).ok_or(Error::Inval("path is NULL"))
}

/// `bpf_object__pin_maps` (LIBBPF_0.0.1): pins every created map at
/// `path/<name>`, or (NULL path) each map that has a pin path at it. HL; -ENOENT
/// before load; what was pinned is undone on failure.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__pin_maps(obj: *mut bpf_object, path: *const c_char) -> c_int {
    hl("bpf_object__pin_maps", || {
        pin_obj(obj)?.st.pin_maps(opt_path(path).as_deref())?;
        Ok(0)
    })
}

/// `bpf_object__unpin_maps` (LIBBPF_0.0.1): the reverse of `pin_maps`. HL.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__unpin_maps(
    obj: *mut bpf_object,
    path: *const c_char,
) -> c_int {
    hl("bpf_object__unpin_maps", || {
        pin_obj(obj)?.st.unpin_maps(opt_path(path).as_deref())?;
        Ok(0)
    })
}

/// `bpf_object__pin_programs` (LIBBPF_0.0.1): pins each loaded program at
/// `path/<name>`. HL; -ENOENT before load.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__pin_programs(
    obj: *mut bpf_object,
    path: *const c_char,
) -> c_int {
    hl("bpf_object__pin_programs", || {
        let h = pin_obj(obj)?;
        h.st.pin_programs(&req_path(path)?)?;
        Ok(0)
    })
}

/// `bpf_object__unpin_programs` (LIBBPF_0.0.1): the reverse of `pin_programs`. HL.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__unpin_programs(
    obj: *mut bpf_object,
    path: *const c_char,
) -> c_int {
    hl("bpf_object__unpin_programs", || {
        let h = pin_obj(obj)?;
        h.st.unpin_programs(&req_path(path)?)?;
        Ok(0)
    })
}

/// `bpf_object__pin` (LIBBPF_0.0.1): `pin_maps` then `pin_programs` under `path`.
/// HL.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__pin(obj: *mut bpf_object, path: *const c_char) -> c_int {
    hl("bpf_object__pin", || {
        let h = pin_obj(obj)?;
        h.st.pin_all(&req_path(path)?)?;
        Ok(0)
    })
}
