//! The part of the BTF API (`bpf/btf.h`) that object users need: the object's BTF
//! (`bpf_object__btf`), its fd, type lookup by id and name, and names by offset
//! (spec `libbpf-api.md` §1.2 "Outside these tiers": the introspection subset).
//!
//! A `struct btf *` from `bpf_object__btf` points at the object's parsed BTF and
//! lives as long as the object; every call checks it against the live objects.

use super::arg;
use super::boundary::{ptr, value};
use super::object_api::{live, obj_ref, ObjHandle};
use super::types::*;
use crate::btf::{Btf, Kind};
use crate::error::Error;
use std::ffi::{c_char, c_int};
use std::os::fd::AsRawFd;

/// The live object whose BTF `btf` is.
fn owner<'a>(btf: *const btf) -> Result<(&'a ObjHandle, &'a Btf), Error> {
    if btf.is_null() {
        return Err(Error::Inval("btf is NULL"));
    }
    for &a in live().iter() {
        // SAFETY: every registry address is a live `ObjHandle` (see `object_api::obj_ref`).
        let h = unsafe { &*(a as *const ObjHandle) };
        if let Some(b) = &h.st.obj.btf {
            if std::ptr::eq(b as *const Btf, btf.cast()) {
                return Ok((h, b));
            }
        }
    }
    Err(Error::Inval("not the BTF of a live object"))
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

/// `btf__fd` (LIBBPF_0.0.1): the fd of the BTF loaded into the kernel, -1 before
/// load (or if the kernel refused it), -EINVAL for an invalid pointer.
#[no_mangle]
pub extern "C" fn btf__fd(btf: *const btf) -> c_int {
    value("btf__fd", -libc::EINVAL, || match owner(btf) {
        Ok((h, _)) => h.st.btf_fd.as_ref().map_or(-1, |f| f.as_raw_fd()),
        Err(_) => -libc::EINVAL,
    })
}

/// `btf__type_cnt` (LIBBPF_0.6.0): the number of types plus one (ids run from 1).
#[no_mangle]
pub extern "C" fn btf__type_cnt(btf: *const btf) -> __u32 {
    value("btf__type_cnt", 0, || {
        owner(btf).map_or(0, |(_, b)| b.type_cnt())
    })
}

/// `btf__get_nr_types` (LIBBPF_0.0.2, deprecated): the number of types.
#[no_mangle]
pub extern "C" fn btf__get_nr_types(btf: *const btf) -> __u32 {
    btf__type_cnt(btf).saturating_sub(1)
}

/// `btf__type_by_id` (LIBBPF_0.0.1): the raw `struct btf_type` of `id` (0 is
/// void), NULL with errno EINVAL when out of range.
#[no_mangle]
pub extern "C" fn btf__type_by_id(btf: *const btf, type_id: __u32) -> *const btf_type {
    ptr("btf__type_by_id", || {
        let (_, b) = owner(btf)?;
        b.ty(type_id)
            .map(|t| t.raw().as_ptr() as *mut btf_type)
            .ok_or(Error::Inval("type id out of range"))
    })
    .cast_const()
}

/// `btf__name_by_offset` (LIBBPF_0.0.1): the string at `offset` in the string
/// section, NULL with errno EINVAL when out of range.
#[no_mangle]
pub extern "C" fn btf__name_by_offset(btf: *const btf, offset: __u32) -> *const c_char {
    ptr("btf__name_by_offset", || {
        let (_, b) = owner(btf)?;
        b.name_bytes_at(offset)
            .map(|s| s.as_ptr() as *mut c_char)
            .ok_or(Error::Inval("string offset out of range"))
    })
    .cast_const()
}

/// `btf__find_by_name` (LIBBPF_0.0.1): the id of the first type called
/// `type_name` ("void" is 0), or -ENOENT (errno set).
///
/// # Safety
/// `type_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__find_by_name(btf: *const btf, type_name: *const c_char) -> __s32 {
    super::boundary::hl("btf__find_by_name", || {
        let (_, b) = owner(btf)?;
        // SAFETY: NULL or a C string (caller contract).
        let n = unsafe { arg::cstr(type_name, "type_name is NULL") }?.to_string_lossy();
        if n == "void" {
            return Ok(0);
        }
        b.find_by_name(&n)
            .map(|id| id as i32)
            .ok_or(Error::Errno(libc::ENOENT, "no such BTF type"))
    })
}

/// `btf__find_by_name_kind` (LIBBPF_0.0.6): as `btf__find_by_name`, of kind `kind`.
///
/// # Safety
/// `type_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__find_by_name_kind(
    btf: *const btf,
    type_name: *const c_char,
    kind: __u32,
) -> __s32 {
    super::boundary::hl("btf__find_by_name_kind", || {
        let (_, b) = owner(btf)?;
        // SAFETY: NULL or a C string (caller contract).
        let n = unsafe { arg::cstr(type_name, "type_name is NULL") }?.to_string_lossy();
        if kind == 0 && n == "void" {
            return Ok(0);
        }
        let k = Kind::from_raw(kind).ok_or(Error::Errno(libc::ENOENT, "no such BTF kind"))?;
        b.find_by_name_kind(&n, k)
            .map(|id| id as i32)
            .ok_or(Error::Errno(libc::ENOENT, "no such BTF type"))
    })
}
