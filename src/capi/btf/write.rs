//! The writer API of `bpf/btf.h` (spec `btf-core.md` §6.2): `btf__add_*`,
//! `btf__add_type` and `btf__add_btf`, on any `struct btf *`, an object's BTF
//! included (before load, as under libbpf).
//!
//! Each call returns the new type id (0 for entry calls, the string offset for
//! `btf__add_str`) or -errno, with libbpf 1.1.2's argument checks; C strings are
//! read inside the boundary. Must not: hold logic the core `Btf` writer lacks.

use crate::btf::{Btf, Kind};
use crate::capi::boundary::hl;
use crate::capi::btf::handle::{handle, opt_bytes, BTFS};
use crate::capi::types::*;
use crate::error::Error;
use std::ffi::{c_char, c_int};
use std::sync::Arc;

/// Runs a writer call on the BTF behind `btf` (its cached raw data dropped).
fn write_op(
    name: &'static str,
    btf: *mut btf,
    f: impl FnOnce(&mut Btf) -> Result<u32, Error>,
) -> c_int {
    hl(name, || Ok(f(handle(btf)?.btf_mut()?)? as c_int))
}

/// `btf__add_str` (LIBBPF_0.2.0): the offset of `s`, added once.
///
/// # Safety
/// `s` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_str(btf: *mut btf, s: *const c_char) -> c_int {
    write_op("btf__add_str", btf, |b| {
        // SAFETY: `s` is NULL or a C string alive for the call (caller contract).
        let s = unsafe { opt_bytes(s) };
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
    write_op("btf__add_int", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_float", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_struct", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
        b.add_sized(Kind::Struct, name, sz, false)
    })
}

/// `btf__add_union` (LIBBPF_0.2.0): UNION, as `btf__add_struct`.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf__add_union(btf: *mut btf, name: *const c_char, sz: __u32) -> c_int {
    write_op("btf__add_union", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_field", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_enum", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
        add_enum(b, name, bytes_sz, Kind::Enum, false)
    })
}

fn add_enum(
    b: &mut Btf,
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
    write_op("btf__add_enum_value", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_enum64", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_enum64_value", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_fwd", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
fn add_named_ref(b: &mut Btf, kind: Kind, name: Option<&[u8]>, to: c_int) -> Result<u32, Error> {
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
    write_op("btf__add_typedef", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_type_tag", btf, |b| {
        // SAFETY: `value` is NULL or a C string alive for the call (caller contract).
        let value = unsafe { opt_bytes(value) };
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
    write_op("btf__add_func", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_func_param", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_var", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_datasec", btf, |b| {
        // SAFETY: `name` is NULL or a C string alive for the call (caller contract).
        let name = unsafe { opt_bytes(name) };
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
    write_op("btf__add_decl_tag", btf, |b| {
        // SAFETY: `value` is NULL or a C string alive for the call (caller contract).
        let value = unsafe { opt_bytes(value) };
        b.add_decl_tag(value.unwrap_or_default(), ref_type_id, component_idx)
    })
}

/// Runs `f` on the BTF behind `src_btf` (read) and the one behind `btf`
/// (written). When both are the same handle, `f` reads a snapshot taken before
/// the change, as libbpf copies the source first.
fn with_src(
    btf: *mut btf,
    src_btf: *const btf,
    f: impl FnOnce(&mut Btf, &Btf) -> Result<u32, Error>,
) -> Result<c_int, Error> {
    let snapshot: Arc<Btf>;
    let src: &Btf = if std::ptr::eq(src_btf, btf.cast_const()) {
        snapshot = handle(src_btf)?.snapshot()?;
        &snapshot
    } else {
        BTFS.get(src_btf)?.btf()?
    };
    Ok(f(handle(btf)?.btf_mut()?, src)? as c_int)
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
        BTFS.get(src_btf)?;
        if src_type.is_null() {
            return Err(Error::Inval("src_type is NULL"));
        }
        // SAFETY: non-NULL; the caller passes a BTF type record, whose 12-byte header is readable.
        let hdr = unsafe { std::slice::from_raw_parts(src_type.cast::<u8>(), 12) };
        let len = crate::btf::record_len(hdr).ok_or(Error::Inval("unknown BTF kind"))?;
        // SAFETY: as above; a record of this kind has `len` readable bytes.
        let rec = unsafe { std::slice::from_raw_parts(src_type.cast::<u8>(), len) }.to_vec();
        with_src(btf, src_btf, |b, src| b.add_type(src, &rec))
    })
}

/// `btf__add_btf` (LIBBPF_0.6.0): appends all types of `src_btf` (not split:
/// -ENOTSUP), remapping ids and strings; the id of the first added type.
#[no_mangle]
pub extern "C" fn btf__add_btf(btf: *mut btf, src_btf: *const btf) -> c_int {
    hl("btf__add_btf", || {
        with_src(btf, src_btf, |b, src| b.add_btf(src))
    })
}
