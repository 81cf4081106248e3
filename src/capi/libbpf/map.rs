//! `bpf_map__*` getters and setters, initial values, reuse, pinning and the
//! size-checked element calls (spec `libbpf-api.md` §1.2). The rules live in
//! `load::edit` / `load::pin`; this file converts pointers and conventions.

use crate::capi::arg;
use crate::capi::boundary::{hl, legacy_api, ll, ptr, value};
use crate::capi::libbpf::object::{cstring, drop_priv, inner_edit, map_mut, map_ref, map_state};
use crate::capi::types::*;
use crate::error::Error;
use crate::load::MapState;
use crate::sys::map as sys;
use std::ffi::{c_char, c_int, c_void};

fn getter<T>(name: &'static str, map: *const bpf_map, d: T, f: impl Fn(&MapState) -> T) -> T
where
    T: Copy,
{
    value(name, d, || map_state(map).map_or(d, f))
}

/// A setter refused (EBUSY) once the map has an fd.
fn setter(name: &'static str, map: *mut bpf_map, f: impl Fn(&mut MapState)) -> c_int {
    hl(name, || {
        if let Some(r) = inner_edit(map, &f) {
            return r.map(|()| 0);
        }
        let (h, i) = map_mut(map)?;
        f(h.st.map_edit_uncreated(i)?);
        Ok(0)
    })
}

/// `bpf_map__set_type` (LIBBPF_0.1.0): HL, -EBUSY once the map has an fd.
#[no_mangle]
pub extern "C" fn bpf_map__set_type(map: *mut bpf_map, type_: bpf_map_type) -> c_int {
    setter("bpf_map__set_type", map, |m| m.def.map_type = type_)
}

/// `bpf_map__set_max_entries` (LIBBPF_0.1.0): HL, -EBUSY after load; ring buffer
/// sizes are rounded up to a power-of-two number of pages.
#[no_mangle]
pub extern "C" fn bpf_map__set_max_entries(map: *mut bpf_map, max_entries: __u32) -> c_int {
    hl("bpf_map__set_max_entries", || {
        if let Some(r) = inner_edit(map, |m| m.def.max_entries = max_entries) {
            return r.map(|()| 0);
        }
        let (h, i) = map_mut(map)?;
        h.st.set_max_entries(i, max_entries)?;
        Ok(0)
    })
}

/// `bpf_map__resize` (LIBBPF_0.0.2, 0.x): HL; -EINVAL for 0, -EBUSY once created.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_map__resize(map: *mut bpf_map, max_entries: __u32) -> c_int {
    legacy_api("bpf_map__resize", || {
        hl("bpf_map__resize", || {
            let (h, i) = map_mut(map)?;
            h.st.resize(i, max_entries)?;
            Ok(0)
        })
    })
}

/// `bpf_map__map_flags` (LIBBPF_0.1.0).
#[no_mangle]
pub extern "C" fn bpf_map__map_flags(map: *const bpf_map) -> __u32 {
    getter("bpf_map__map_flags", map, 0, |m| m.def.map_flags)
}

/// `bpf_map__set_map_flags` (LIBBPF_0.1.0): HL, -EBUSY once the map has an fd.
#[no_mangle]
pub extern "C" fn bpf_map__set_map_flags(map: *mut bpf_map, flags: __u32) -> c_int {
    setter("bpf_map__set_map_flags", map, |m| m.def.map_flags = flags)
}

/// `bpf_map__numa_node` (LIBBPF_0.1.0).
#[no_mangle]
pub extern "C" fn bpf_map__numa_node(map: *const bpf_map) -> __u32 {
    getter("bpf_map__numa_node", map, 0, |m| m.def.numa_node)
}

/// `bpf_map__set_numa_node` (LIBBPF_0.1.0): HL, -EBUSY once the map has an fd.
#[no_mangle]
pub extern "C" fn bpf_map__set_numa_node(map: *mut bpf_map, numa_node: __u32) -> c_int {
    setter("bpf_map__set_numa_node", map, |m| {
        m.def.numa_node = numa_node
    })
}

/// `bpf_map__set_key_size` (LIBBPF_0.1.0): HL, -EBUSY once the map has an fd.
#[no_mangle]
pub extern "C" fn bpf_map__set_key_size(map: *mut bpf_map, size: __u32) -> c_int {
    setter("bpf_map__set_key_size", map, |m| m.def.key_size = size)
}

/// `bpf_map__set_value_size` (LIBBPF_0.1.0): HL, -EBUSY once the map has an fd.
#[no_mangle]
pub extern "C" fn bpf_map__set_value_size(map: *mut bpf_map, size: __u32) -> c_int {
    setter("bpf_map__set_value_size", map, |m| m.def.value_size = size)
}

/// `bpf_map__btf_key_type_id` (LIBBPF_0.0.1).
#[no_mangle]
pub extern "C" fn bpf_map__btf_key_type_id(map: *const bpf_map) -> __u32 {
    getter("bpf_map__btf_key_type_id", map, 0, |m| {
        m.def.btf_key_type_id
    })
}

/// `bpf_map__btf_value_type_id` (LIBBPF_0.0.1).
#[no_mangle]
pub extern "C" fn bpf_map__btf_value_type_id(map: *const bpf_map) -> __u32 {
    getter("bpf_map__btf_value_type_id", map, 0, |m| {
        m.def.btf_value_type_id
    })
}

/// `bpf_map__ifindex` (LIBBPF_0.1.0).
#[no_mangle]
pub extern "C" fn bpf_map__ifindex(map: *const bpf_map) -> __u32 {
    getter("bpf_map__ifindex", map, 0, |m| m.def.ifindex)
}

/// `bpf_map__set_ifindex` (LIBBPF_0.0.1; `int` since 0.1): HL, -EBUSY once the map
/// has an fd.
#[no_mangle]
pub extern "C" fn bpf_map__set_ifindex(map: *mut bpf_map, ifindex: __u32) -> c_int {
    setter("bpf_map__set_ifindex", map, |m| m.def.ifindex = ifindex)
}

/// `bpf_map__map_extra` (LIBBPF_0.6.0).
#[no_mangle]
pub extern "C" fn bpf_map__map_extra(map: *const bpf_map) -> __u64 {
    getter("bpf_map__map_extra", map, 0, |m| m.def.map_extra)
}

/// `bpf_map__set_map_extra` (LIBBPF_0.6.0): HL, -EBUSY once the map has an fd.
#[no_mangle]
pub extern "C" fn bpf_map__set_map_extra(map: *mut bpf_map, map_extra: __u64) -> c_int {
    setter("bpf_map__set_map_extra", map, |m| {
        m.def.map_extra = map_extra
    })
}

/// `bpf_map__is_internal` (LIBBPF_0.0.3): a global-data map.
#[no_mangle]
pub extern "C" fn bpf_map__is_internal(map: *const bpf_map) -> bool {
    getter("bpf_map__is_internal", map, false, |m| m.def.is_internal())
}

/// `bpf_map__is_offload_neutral` (LIBBPF_0.0.1, 0.x): a PERF_EVENT_ARRAY.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_map__is_offload_neutral(map: *const bpf_map) -> bool {
    legacy_api("bpf_map__is_offload_neutral", || {
        getter("bpf_map__is_offload_neutral", map, false, |m| {
            m.def.map_type == crate::uapi::BPF_MAP_TYPE_PERF_EVENT_ARRAY
        })
    })
}

/// `bpf_map__autocreate` (LIBBPF_0.8.0).
#[no_mangle]
pub extern "C" fn bpf_map__autocreate(map: *const bpf_map) -> bool {
    getter("bpf_map__autocreate", map, false, |m| m.autocreate)
}

/// `bpf_map__set_autocreate` (LIBBPF_0.8.0): HL, -EBUSY after load.
#[no_mangle]
pub extern "C" fn bpf_map__set_autocreate(map: *mut bpf_map, autocreate: bool) -> c_int {
    hl("bpf_map__set_autocreate", || {
        let (h, i) = map_mut(map)?;
        h.st.map_edit(i)?.autocreate = autocreate;
        Ok(0)
    })
}

/// `bpf_map__initial_value` (LIBBPF_0.5.0): a global-data map's value area —
/// before load the initial value (writable; changes are what load writes), after
/// load the map's own memory at the same address. NULL for other maps; the size
/// goes to `*psize`.
///
/// # Safety
/// `psize` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bpf_map__initial_value(
    map: *mut bpf_map,
    psize: *mut usize,
) -> *const c_void {
    ptr("bpf_map__initial_value", || {
        let (h, i) = map_ref(map)?;
        let m = &h.st.maps[i];
        let mm = m
            .mmap
            .as_ref()
            .ok_or(Error::NotFound("map has no value area"))?;
        // SAFETY: NULL or writable (caller contract).
        unsafe { arg::write(psize, m.def.value_size as usize) };
        Ok(mm.as_ptr().cast::<c_void>())
    })
    .cast_const()
}

/// `bpf_map__set_initial_value` (LIBBPF_0.0.8): HL; -EINVAL unless a global-data
/// map and `size == value_size`; -EBUSY after load.
///
/// # Safety
/// `data` is NULL or `size` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_map__set_initial_value(
    map: *mut bpf_map,
    data: *const c_void,
    size: usize,
) -> c_int {
    hl("bpf_map__set_initial_value", || {
        let (h, i) = map_mut(map)?;
        if data.is_null() && size != 0 {
            return Err(Error::Inval("data is NULL"));
        }
        let bytes = if size == 0 {
            &[][..]
        } else {
            // SAFETY: non-NULL with `size` readable bytes (caller contract).
            unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size) }
        };
        h.st.set_initial_value(i, bytes)?;
        Ok(0)
    })
}

/// `bpf_map__reuse_fd` (LIBBPF_0.0.1): use an existing map (a dup of `fd`)
/// instead of creating one; the definition and name become the kernel's. HL.
#[no_mangle]
pub extern "C" fn bpf_map__reuse_fd(map: *mut bpf_map, fd: c_int) -> c_int {
    hl("bpf_map__reuse_fd", || {
        let (h, i) = map_mut(map)?;
        h.st.reuse_fd(i, fd)?;
        Ok(0)
    })
}

/// `bpf_map__set_inner_map_fd` (LIBBPF_0.0.1): the template for a map-in-map's
/// inner maps. HL; -EINVAL for other map types or a second call.
#[no_mangle]
pub extern "C" fn bpf_map__set_inner_map_fd(map: *mut bpf_map, fd: c_int) -> c_int {
    hl("bpf_map__set_inner_map_fd", || {
        let (h, i) = map_mut(map)?;
        h.st.set_inner_map_fd(i, arg::fd(fd)?)?;
        Ok(0)
    })
}

/// `bpf_map__set_pin_path` (LIBBPF_0.0.6): where `pin_maps(NULL)`/load pin the
/// map (NULL clears). HL.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_map__set_pin_path(map: *mut bpf_map, path: *const c_char) -> c_int {
    hl("bpf_map__set_pin_path", || {
        let (h, i) = map_mut(map)?;
        // SAFETY: NULL or a C string (caller contract).
        let p = unsafe { arg::opt_cstr(path) }.map(|c| c.to_string_lossy().into_owned());
        h.st.set_pin_path(i, p.as_deref())?;
        h.map_extra_mut(i).pin_path = p.map(|p| cstring(&p));
        Ok(0)
    })
}

/// `bpf_map__pin_path` (LIBBPF_0.5.0): the pin path, NULL if none.
#[no_mangle]
pub extern "C" fn bpf_map__pin_path(map: *const bpf_map) -> *const c_char {
    ptr("bpf_map__pin_path", || {
        let (h, i) = map_mut(map)?;
        // Refresh the C copy: load may have set the path (LIBBPF_PIN_BY_NAME).
        let c = h.st.maps[i].pin_path.as_deref().map(cstring);
        if c.is_none() && h.map_extra(i).is_none() {
            return Ok(std::ptr::null_mut());
        }
        let e = h.map_extra_mut(i);
        e.pin_path = c;
        Ok(e.pin_path
            .as_ref()
            .map_or(std::ptr::null_mut(), |c| c.as_ptr() as *mut c_char))
    })
    .cast_const()
}

/// `bpf_map__get_pin_path` (LIBBPF_0.0.6): as `bpf_map__pin_path`.
#[no_mangle]
pub extern "C" fn bpf_map__get_pin_path(map: *const bpf_map) -> *const c_char {
    bpf_map__pin_path(map)
}

/// `bpf_map__is_pinned` (LIBBPF_0.0.6).
#[no_mangle]
pub extern "C" fn bpf_map__is_pinned(map: *const bpf_map) -> bool {
    getter("bpf_map__is_pinned", map, false, |m| m.pinned)
}

/// `bpf_map__pin` (LIBBPF_0.0.1): pins at `path` (or the map's own pin path). HL.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_map__pin(map: *mut bpf_map, path: *const c_char) -> c_int {
    hl("bpf_map__pin", || {
        let (h, i) = map_mut(map)?;
        // SAFETY: NULL or a C string (caller contract).
        let p = unsafe { arg::opt_cstr(path) }.map(|c| c.to_string_lossy().into_owned());
        h.st.pin_map(i, p.as_deref())?;
        Ok(0)
    })
}

/// `bpf_map__unpin` (LIBBPF_0.0.1): removes the pin. HL.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_map__unpin(map: *mut bpf_map, path: *const c_char) -> c_int {
    hl("bpf_map__unpin", || {
        let (h, i) = map_mut(map)?;
        // SAFETY: NULL or a C string (caller contract).
        let p = unsafe { arg::opt_cstr(path) }.map(|c| c.to_string_lossy().into_owned());
        h.st.unpin_map(i, p.as_deref())?;
        Ok(0)
    })
}

/// 0.x `struct bpf_map_def` as `bpf_map__def` returns it.
///
/// cbindgen:field-names=[type, key_size, value_size, max_entries, map_flags]
#[repr(C)]
pub struct bpf_map_def {
    pub type_: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub map_flags: u32,
}

/// `bpf_map__def` (LIBBPF_0.0.1, 0.x): the map's definition (type, key size,
/// value size, max entries, flags), NULL with errno for an invalid map.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_map__def(map: *const bpf_map) -> *const bpf_map_def {
    legacy_api("bpf_map__def", || {
        ptr("bpf_map__def", || {
            let (h, i) = map_mut(map)?;
            let d = &h.st.maps[i].def;
            let view = [
                d.map_type,
                d.key_size,
                d.value_size,
                d.max_entries,
                d.map_flags,
            ];
            let e = h.map_extra_mut(i);
            e.def_view = view;
            Ok(e.def_view.as_mut_ptr().cast::<bpf_map_def>())
        })
        .cast_const()
    })
}

/// 0.x destructor type of `bpf_map__set_priv`.
pub(crate) type MapClearPriv = Option<unsafe extern "C" fn(*mut bpf_map, *mut c_void)>;

/// `bpf_map__set_priv` (LIBBPF_0.0.1, 0.x): user data; the old destructor runs
/// first, the last one at close. HL.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `clear_priv` is NULL or a function safe to call with the handle and `priv_`.
#[no_mangle]
pub unsafe extern "C" fn bpf_map__set_priv(
    map: *mut bpf_map,
    priv_: *mut c_void,
    clear_priv: MapClearPriv,
) -> c_int {
    legacy_api("bpf_map__set_priv", || {
        hl("bpf_map__set_priv", || {
            let (h, i) = map_mut(map)?;
            let old = std::mem::replace(&mut h.map_extra_mut(i).priv_, (priv_, clear_priv));
            // SAFETY: the caller's registered destructor with its own pointers.
            unsafe { drop_priv(old, map) };
            Ok(0)
        })
    })
}

/// `bpf_map__priv` (LIBBPF_0.0.1, 0.x): the user data (NULL if none/invalid).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_map__priv(map: *const bpf_map) -> *mut c_void {
    legacy_api("bpf_map__priv", || {
        ptr("bpf_map__priv", || {
            let (h, i) = map_ref(map)?;
            Ok(h.map_extra(i).map_or(std::ptr::null_mut(), |e| e.priv_.0))
        })
    })
}

/// `bpf_map__lookup_elem` (LIBBPF_0.8.0): size-checked `bpf_map_lookup_elem_flags`.
/// -EINVAL for a key/value size that differs from the map's (per-CPU maps: one
/// 8-byte-rounded value per possible CPU), -ENOENT before the map exists; kernel
/// failures follow the low-level convention.
#[no_mangle]
pub extern "C" fn bpf_map__lookup_elem(
    map: *const bpf_map,
    key: *const c_void,
    key_sz: usize,
    value: *mut c_void,
    value_sz: usize,
    flags: __u64,
) -> c_int {
    ll("bpf_map__lookup_elem", || {
        let (h, i) = map_ref(map)?;
        let fd = h.st.map_op_fd(i, key_sz, Some(value_sz))?;
        sys::map_lookup_elem(fd, arg::uptr(key), arg::uptr(value), flags)?;
        Ok(0)
    })
}

/// `bpf_map__update_elem` (LIBBPF_0.8.0): size-checked `bpf_map_update_elem`.
#[no_mangle]
pub extern "C" fn bpf_map__update_elem(
    map: *const bpf_map,
    key: *const c_void,
    key_sz: usize,
    value: *const c_void,
    value_sz: usize,
    flags: __u64,
) -> c_int {
    ll("bpf_map__update_elem", || {
        let (h, i) = map_ref(map)?;
        let fd = h.st.map_op_fd(i, key_sz, Some(value_sz))?;
        sys::map_update_elem(fd, arg::uptr(key), arg::uptr(value), flags)?;
        Ok(0)
    })
}

/// `bpf_map__delete_elem` (LIBBPF_0.8.0): size-checked `bpf_map_delete_elem_flags`.
#[no_mangle]
pub extern "C" fn bpf_map__delete_elem(
    map: *const bpf_map,
    key: *const c_void,
    key_sz: usize,
    flags: __u64,
) -> c_int {
    ll("bpf_map__delete_elem", || {
        let (h, i) = map_ref(map)?;
        let fd = h.st.map_op_fd(i, key_sz, None)?;
        sys::map_delete_elem(fd, arg::uptr(key), flags)?;
        Ok(0)
    })
}

/// `bpf_map__lookup_and_delete_elem` (LIBBPF_0.8.0): size-checked
/// `bpf_map_lookup_and_delete_elem_flags`.
#[no_mangle]
pub extern "C" fn bpf_map__lookup_and_delete_elem(
    map: *const bpf_map,
    key: *const c_void,
    key_sz: usize,
    value: *mut c_void,
    value_sz: usize,
    flags: __u64,
) -> c_int {
    ll("bpf_map__lookup_and_delete_elem", || {
        let (h, i) = map_ref(map)?;
        let fd = h.st.map_op_fd(i, key_sz, Some(value_sz))?;
        sys::map_lookup_and_delete_elem(fd, arg::uptr(key), arg::uptr(value), flags)?;
        Ok(0)
    })
}

/// `bpf_map__get_next_key` (LIBBPF_0.8.0): size-checked `bpf_map_get_next_key`.
#[no_mangle]
pub extern "C" fn bpf_map__get_next_key(
    map: *const bpf_map,
    cur_key: *const c_void,
    next_key: *mut c_void,
    key_sz: usize,
) -> c_int {
    ll("bpf_map__get_next_key", || {
        let (h, i) = map_ref(map)?;
        let fd = h.st.map_op_fd(i, key_sz, None)?;
        sys::map_get_next_key(fd, arg::uptr(cur_key), arg::uptr(next_key))?;
        Ok(0)
    })
}
