//! Map syscall wrappers of `bpf/bpf.h`: creation (0.x and 1.x names), element
//! operations, batches, freeze. Spec `libbpf-api.md` §1.0–§1.1, §4.2–§4.3.

use crate::capi::arg;
use crate::capi::boundary::{legacy_api, ll};
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::types::*;
use crate::error::Error;
use crate::sys::map::{self as sys, Batch, MapCreate};
use crate::sys::Cmd;
use crate::uapi::BPF_MAP_TYPE_STRUCT_OPS;
use std::ffi::{c_char, c_int, c_void};
use std::os::fd::IntoRawFd;

/// `struct bpf_map_create_opts` (libbpf 0.6+; layout of 1.1, 48 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_map_create_opts {
    pub sz: usize,
    pub btf_fd: __u32,
    pub btf_key_type_id: __u32,
    pub btf_value_type_id: __u32,
    pub btf_vmlinux_value_type_id: __u32,
    pub inner_map_fd: __u32,
    pub map_flags: __u32,
    pub map_extra: __u64,
    pub numa_node: __u32,
    pub map_ifindex: __u32,
}
impl_opts!(bpf_map_create_opts, map_ifindex: u32);

/// `struct bpf_map_batch_opts` (libbpf 0.0.7+, 24 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_map_batch_opts {
    pub sz: usize,
    pub elem_flags: __u64,
    pub flags: __u64,
}
impl_opts!(bpf_map_batch_opts, flags: u64);

/// `struct bpf_create_map_attr` (libbpf 0.x, no `sz`, 56 bytes). The last field is a
/// union of `inner_map_fd` and `btf_vmlinux_value_type_id` (struct_ops maps).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_create_map_attr {
    pub name: *const c_char,
    pub map_type: bpf_map_type,
    pub map_flags: __u32,
    pub key_size: __u32,
    pub value_size: __u32,
    pub max_entries: __u32,
    pub numa_node: __u32,
    pub btf_fd: __u32,
    pub btf_key_type_id: __u32,
    pub btf_value_type_id: __u32,
    pub map_ifindex: __u32,
    /// `inner_map_fd`, or `btf_vmlinux_value_type_id` for `BPF_MAP_TYPE_STRUCT_OPS`.
    pub inner_map_fd: __u32,
}
const _: () = assert!(std::mem::size_of::<bpf_create_map_attr>() == 56);

fn create(p: &MapCreate) -> Result<c_int, Error> {
    Ok(sys::map_create(p)?.into_raw_fd())
}

fn name_bytes<'a>(name: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: libbpf's contract: `name` is NULL or a NUL-terminated string.
    unsafe { arg::opt_cstr(name) }.map(|s| s.to_bytes())
}

/// `bpf_map_create` (LIBBPF_0.6.0): a new map fd (≥ 3), or the LL failure value.
///
/// # Safety
/// `map_name` is NULL or a C string; `opts` is NULL or a valid `bpf_map_create_opts`.
#[no_mangle]
pub unsafe extern "C" fn bpf_map_create(
    map_type: bpf_map_type,
    map_name: *const c_char,
    key_size: __u32,
    value_size: __u32,
    max_entries: __u32,
    opts: *const bpf_map_create_opts,
) -> c_int {
    ll("bpf_map_create", || {
        // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        let p = MapCreate {
            btf_fd: o.btf_fd,
            btf_key_type_id: o.btf_key_type_id,
            btf_value_type_id: o.btf_value_type_id,
            btf_vmlinux_value_type_id: o.btf_vmlinux_value_type_id,
            inner_map_fd: o.inner_map_fd,
            map_flags: o.map_flags,
            map_extra: o.map_extra,
            numa_node: o.numa_node,
            map_ifindex: o.map_ifindex,
            ..MapCreate::new(
                map_type,
                name_bytes(map_name),
                key_size,
                value_size,
                max_entries,
            )
        };
        create(&p)
    })
}

/// The attributes of the 0.x create calls: the sizes as C passes them, `name`
/// (NULL: unnamed), `map_flags`, and NUMA `node` when it is ≥ 0 (-1: any node).
fn legacy_attr(
    map_type: bpf_map_type,
    name: *const c_char,
    key_size: c_int,
    value_size: c_int,
    max_entries: c_int,
    map_flags: __u32,
    node: c_int,
) -> MapCreate {
    let mut p = MapCreate::new(
        map_type,
        name_bytes(name),
        key_size as u32,
        value_size as u32,
        max_entries as u32,
    );
    p.map_flags = map_flags;
    p.numa(node)
}

/// `bpf_create_map` (LIBBPF_0.0.1, 0.x-only): an unnamed map.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_create_map(
    map_type: bpf_map_type,
    key_size: c_int,
    value_size: c_int,
    max_entries: c_int,
    map_flags: __u32,
) -> c_int {
    legacy_api("bpf_create_map", || {
        ll("bpf_create_map", || {
            create(&legacy_attr(
                map_type,
                std::ptr::null(),
                key_size,
                value_size,
                max_entries,
                map_flags,
                -1,
            ))
        })
    })
}

/// `bpf_create_map_name` (LIBBPF_0.0.1, 0.x-only).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_create_map_name(
    map_type: bpf_map_type,
    name: *const c_char,
    key_size: c_int,
    value_size: c_int,
    max_entries: c_int,
    map_flags: __u32,
) -> c_int {
    legacy_api("bpf_create_map_name", || {
        ll("bpf_create_map_name", || {
            create(&legacy_attr(
                map_type,
                name,
                key_size,
                value_size,
                max_entries,
                map_flags,
                -1,
            ))
        })
    })
}

/// `bpf_create_map_node` (LIBBPF_0.0.1, 0.x-only): `node >= 0` sets `BPF_F_NUMA_NODE`.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_create_map_node(
    map_type: bpf_map_type,
    name: *const c_char,
    key_size: c_int,
    value_size: c_int,
    max_entries: c_int,
    map_flags: __u32,
    node: c_int,
) -> c_int {
    legacy_api("bpf_create_map_node", || {
        ll("bpf_create_map_node", || {
            create(&legacy_attr(
                map_type,
                name,
                key_size,
                value_size,
                max_entries,
                map_flags,
                node,
            ))
        })
    })
}

/// `bpf_create_map_in_map_node` (LIBBPF_0.0.1, 0.x-only): value size forced to 4.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_create_map_in_map_node(
    map_type: bpf_map_type,
    name: *const c_char,
    key_size: c_int,
    inner_map_fd: c_int,
    max_entries: c_int,
    map_flags: __u32,
    node: c_int,
) -> c_int {
    legacy_api("bpf_create_map_in_map_node", || {
        ll("bpf_create_map_in_map_node", || {
            let mut p = legacy_attr(map_type, name, key_size, 4, max_entries, map_flags, node);
            p.inner_map_fd = inner_map_fd as u32;
            create(&p)
        })
    })
}

/// `bpf_create_map_in_map` (LIBBPF_0.0.1, 0.x-only): value size forced to 4.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_create_map_in_map(
    map_type: bpf_map_type,
    name: *const c_char,
    key_size: c_int,
    inner_map_fd: c_int,
    max_entries: c_int,
    map_flags: __u32,
) -> c_int {
    legacy_api("bpf_create_map_in_map", || {
        ll("bpf_create_map_in_map", || {
            let mut p = legacy_attr(map_type, name, key_size, 4, max_entries, map_flags, -1);
            p.inner_map_fd = inner_map_fd as u32;
            create(&p)
        })
    })
}

/// `bpf_create_map_xattr` (LIBBPF_0.0.1, 0.x-only). NULL attr → -EINVAL.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `create_attr` is NULL or a valid `bpf_create_map_attr`.
#[no_mangle]
pub unsafe extern "C" fn bpf_create_map_xattr(create_attr: *const bpf_create_map_attr) -> c_int {
    legacy_api("bpf_create_map_xattr", || {
        ll("bpf_create_map_xattr", || {
            // SAFETY: NULL or a caller's struct, per the contract.
            let a = unsafe { arg::read(create_attr, "create_attr is NULL") }?;
            let mut p = MapCreate::new(
                a.map_type,
                name_bytes(a.name),
                a.key_size,
                a.value_size,
                a.max_entries,
            );
            p.map_flags = a.map_flags;
            p.numa_node = a.numa_node;
            p.btf_fd = a.btf_fd;
            p.btf_key_type_id = a.btf_key_type_id;
            p.btf_value_type_id = a.btf_value_type_id;
            p.map_ifindex = a.map_ifindex;
            if a.map_type == BPF_MAP_TYPE_STRUCT_OPS {
                p.btf_vmlinux_value_type_id = a.inner_map_fd;
            } else {
                p.inner_map_fd = a.inner_map_fd;
            }
            create(&p)
        })
    })
}

/// `bpf_map_lookup_elem` (LIBBPF_0.0.1): 0, or the LL failure value (ENOENT for a missing key).
#[no_mangle]
pub extern "C" fn bpf_map_lookup_elem(fd: c_int, key: *const c_void, value: *mut c_void) -> c_int {
    ll("bpf_map_lookup_elem", || {
        sys::map_lookup_elem(arg::fd(fd)?, arg::uptr(key), arg::uptr(value), 0)?;
        Ok(0)
    })
}

/// `bpf_map_lookup_elem_flags` (LIBBPF_0.0.2).
#[no_mangle]
pub extern "C" fn bpf_map_lookup_elem_flags(
    fd: c_int,
    key: *const c_void,
    value: *mut c_void,
    flags: __u64,
) -> c_int {
    ll("bpf_map_lookup_elem_flags", || {
        sys::map_lookup_elem(arg::fd(fd)?, arg::uptr(key), arg::uptr(value), flags)?;
        Ok(0)
    })
}

/// `bpf_map_update_elem` (LIBBPF_0.0.1).
#[no_mangle]
pub extern "C" fn bpf_map_update_elem(
    fd: c_int,
    key: *const c_void,
    value: *const c_void,
    flags: __u64,
) -> c_int {
    ll("bpf_map_update_elem", || {
        sys::map_update_elem(arg::fd(fd)?, arg::uptr(key), arg::uptr(value), flags)?;
        Ok(0)
    })
}

/// `bpf_map_delete_elem` (LIBBPF_0.0.1).
#[no_mangle]
pub extern "C" fn bpf_map_delete_elem(fd: c_int, key: *const c_void) -> c_int {
    ll("bpf_map_delete_elem", || {
        sys::map_delete_elem(arg::fd(fd)?, arg::uptr(key), 0)?;
        Ok(0)
    })
}

/// `bpf_map_delete_elem_flags` (LIBBPF_0.8.0).
#[no_mangle]
pub extern "C" fn bpf_map_delete_elem_flags(fd: c_int, key: *const c_void, flags: __u64) -> c_int {
    ll("bpf_map_delete_elem_flags", || {
        sys::map_delete_elem(arg::fd(fd)?, arg::uptr(key), flags)?;
        Ok(0)
    })
}

/// `bpf_map_get_next_key` (LIBBPF_0.0.1). At the end: `-1`/ENOENT (legacy mode) or
/// `-ENOENT` (strict), so `while (bpf_map_get_next_key(...) != -1)` terminates by default.
#[no_mangle]
pub extern "C" fn bpf_map_get_next_key(
    fd: c_int,
    key: *const c_void,
    next_key: *mut c_void,
) -> c_int {
    ll("bpf_map_get_next_key", || {
        sys::map_get_next_key(arg::fd(fd)?, arg::uptr(key), arg::uptr(next_key))?;
        Ok(0)
    })
}

/// `bpf_map_lookup_and_delete_elem` (LIBBPF_0.0.1).
#[no_mangle]
pub extern "C" fn bpf_map_lookup_and_delete_elem(
    fd: c_int,
    key: *const c_void,
    value: *mut c_void,
) -> c_int {
    ll("bpf_map_lookup_and_delete_elem", || {
        sys::map_lookup_and_delete_elem(arg::fd(fd)?, arg::uptr(key), arg::uptr(value), 0)?;
        Ok(0)
    })
}

/// `bpf_map_lookup_and_delete_elem_flags` (LIBBPF_0.5.0).
#[no_mangle]
pub extern "C" fn bpf_map_lookup_and_delete_elem_flags(
    fd: c_int,
    key: *const c_void,
    value: *mut c_void,
    flags: __u64,
) -> c_int {
    ll("bpf_map_lookup_and_delete_elem_flags", || {
        sys::map_lookup_and_delete_elem(arg::fd(fd)?, arg::uptr(key), arg::uptr(value), flags)?;
        Ok(0)
    })
}

/// `bpf_map_freeze` (LIBBPF_0.0.3).
#[no_mangle]
pub extern "C" fn bpf_map_freeze(fd: c_int) -> c_int {
    ll("bpf_map_freeze", || {
        sys::map_freeze(arg::fd(fd)?)?;
        Ok(0)
    })
}

/// The shared body of the four batch calls: `*count` is in/out and is written back
/// even when the kernel fails (libbpf does the same; ENOENT ends a lookup walk).
///
/// # Safety
/// `count` is NULL or a valid `__u32`; `opts` NULL or a valid opts struct.
unsafe fn batch(
    cmd: Cmd,
    fd: c_int,
    b: Batch,
    count: *mut __u32,
    opts: *const bpf_map_batch_opts,
) -> Result<c_int, Error> {
    // SAFETY: per this function's contract.
    let o = unsafe { opts_in(opts) }?;
    // SAFETY: per this function's contract.
    let n = unsafe { arg::read(count, "count is NULL") }?;
    let b = Batch {
        elem_flags: o.elem_flags,
        flags: o.flags,
        ..b
    };
    let (r, out) = sys::map_batch(cmd, arg::fd(fd)?, &b, n);
    // SAFETY: `count` is non-NULL (read above) and writable per the contract.
    unsafe { arg::write(count, out) };
    r?;
    Ok(0)
}

/// The buffers of the two lookup batch calls: the batch cursors in and out, the
/// keys and the values.
fn lookup_buffers(
    in_batch: *mut c_void,
    out_batch: *mut c_void,
    keys: *mut c_void,
    values: *mut c_void,
) -> Batch {
    Batch {
        in_batch: arg::uptr(in_batch),
        out_batch: arg::uptr(out_batch),
        keys: arg::uptr(keys),
        values: arg::uptr(values),
        ..Batch::default()
    }
}

/// `bpf_map_lookup_batch` (LIBBPF_0.0.7).
///
/// # Safety
/// `count` points to a `__u32`; `opts` is NULL or valid; buffers as the kernel requires.
#[no_mangle]
pub unsafe extern "C" fn bpf_map_lookup_batch(
    fd: c_int,
    in_batch: *mut c_void,
    out_batch: *mut c_void,
    keys: *mut c_void,
    values: *mut c_void,
    count: *mut __u32,
    opts: *const bpf_map_batch_opts,
) -> c_int {
    ll("bpf_map_lookup_batch", || {
        let b = lookup_buffers(in_batch, out_batch, keys, values);
        // SAFETY: forwarded contract.
        unsafe { batch(Cmd::MapLookupBatch, fd, b, count, opts) }
    })
}

/// `bpf_map_lookup_and_delete_batch` (LIBBPF_0.0.7).
///
/// # Safety
/// As `bpf_map_lookup_batch`.
#[no_mangle]
pub unsafe extern "C" fn bpf_map_lookup_and_delete_batch(
    fd: c_int,
    in_batch: *mut c_void,
    out_batch: *mut c_void,
    keys: *mut c_void,
    values: *mut c_void,
    count: *mut __u32,
    opts: *const bpf_map_batch_opts,
) -> c_int {
    ll("bpf_map_lookup_and_delete_batch", || {
        let b = lookup_buffers(in_batch, out_batch, keys, values);
        // SAFETY: forwarded contract.
        unsafe { batch(Cmd::MapLookupAndDeleteBatch, fd, b, count, opts) }
    })
}

/// `bpf_map_update_batch` (LIBBPF_0.0.7).
///
/// # Safety
/// As `bpf_map_lookup_batch`.
#[no_mangle]
pub unsafe extern "C" fn bpf_map_update_batch(
    fd: c_int,
    keys: *const c_void,
    values: *const c_void,
    count: *mut __u32,
    opts: *const bpf_map_batch_opts,
) -> c_int {
    ll("bpf_map_update_batch", || {
        let b = Batch {
            keys: arg::uptr(keys),
            values: arg::uptr(values),
            ..Batch::default()
        };
        // SAFETY: forwarded contract.
        unsafe { batch(Cmd::MapUpdateBatch, fd, b, count, opts) }
    })
}

/// `bpf_map_delete_batch` (LIBBPF_0.0.7).
///
/// # Safety
/// As `bpf_map_lookup_batch`.
#[no_mangle]
pub unsafe extern "C" fn bpf_map_delete_batch(
    fd: c_int,
    keys: *const c_void,
    count: *mut __u32,
    opts: *const bpf_map_batch_opts,
) -> c_int {
    ll("bpf_map_delete_batch", || {
        let b = Batch {
            keys: arg::uptr(keys),
            ..Batch::default()
        };
        // SAFETY: forwarded contract.
        unsafe { batch(Cmd::MapDeleteBatch, fd, b, count, opts) }
    })
}
