//! Map commands: create, element operations, batches, freeze.

use super::attr::{MapBatchAttr, MapCreateAttr, MapElemAttr, MapFdAttr};
use super::{call, call_fd, call_out, Cmd, UserPtr};
use crate::error::SysError;
use crate::uapi::BPF_F_NUMA_NODE;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

/// Everything `BPF_MAP_CREATE` takes (Linux 3.18; names 4.15; BTF 4.18; map_extra 5.16).
#[derive(Clone, Copy, Debug, Default)]
pub struct MapCreate {
    pub map_type: u32,
    /// Up to 15 bytes are sent (libbpf truncates the same way).
    pub name: [u8; 16],
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub map_flags: u32,
    pub inner_map_fd: u32,
    pub numa_node: u32,
    pub map_ifindex: u32,
    pub btf_fd: u32,
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
    pub btf_vmlinux_value_type_id: u32,
    pub map_extra: u64,
}

/// `BPF_MAP_CREATE` (Linux 3.18): a new map fd, above 2, close-on-exec.
pub fn map_create(p: &MapCreate) -> Result<OwnedFd, SysError> {
    let mut attr = MapCreateAttr {
        map_type: p.map_type,
        key_size: p.key_size,
        value_size: p.value_size,
        max_entries: p.max_entries,
        map_flags: p.map_flags,
        inner_map_fd: p.inner_map_fd,
        numa_node: p.numa_node,
        map_name: crate::sys::attr::kernel_name(p.name),
        map_ifindex: p.map_ifindex,
        btf_fd: p.btf_fd,
        btf_key_type_id: p.btf_key_type_id,
        btf_value_type_id: p.btf_value_type_id,
        btf_vmlinux_value_type_id: p.btf_vmlinux_value_type_id,
        map_extra: p.map_extra,
    };
    call_fd(Cmd::MapCreate, &mut attr)
}

#[inline]
fn elem(
    cmd: Cmd,
    map: BorrowedFd<'_>,
    key: UserPtr,
    value: UserPtr,
    flags: u64,
) -> Result<(), SysError> {
    let mut attr = MapElemAttr {
        map_fd: map.as_raw_fd() as u32,
        _pad0: 0,
        key: key.0,
        value: value.0,
        flags,
    };
    call(cmd, &mut attr).map(drop)
}

/// `BPF_MAP_LOOKUP_ELEM` (Linux 3.18; `flags` 5.1).
#[inline]
pub fn map_lookup_elem(
    map: BorrowedFd<'_>,
    key: UserPtr,
    value: UserPtr,
    flags: u64,
) -> Result<(), SysError> {
    elem(Cmd::MapLookupElem, map, key, value, flags)
}

/// `BPF_MAP_UPDATE_ELEM` (Linux 3.18).
#[inline]
pub fn map_update_elem(
    map: BorrowedFd<'_>,
    key: UserPtr,
    value: UserPtr,
    flags: u64,
) -> Result<(), SysError> {
    elem(Cmd::MapUpdateElem, map, key, value, flags)
}

/// `BPF_MAP_DELETE_ELEM` (Linux 3.18; `flags` 6.0 for some map types).
#[inline]
pub fn map_delete_elem(map: BorrowedFd<'_>, key: UserPtr, flags: u64) -> Result<(), SysError> {
    elem(Cmd::MapDeleteElem, map, key, UserPtr::NULL, flags)
}

/// `BPF_MAP_GET_NEXT_KEY` (Linux 3.18; NULL key = first key since 4.12).
#[inline]
pub fn map_get_next_key(
    map: BorrowedFd<'_>,
    key: UserPtr,
    next_key: UserPtr,
) -> Result<(), SysError> {
    elem(Cmd::MapGetNextKey, map, key, next_key, 0)
}

/// `BPF_MAP_LOOKUP_AND_DELETE_ELEM` (Linux 4.20; hash maps 5.14; `flags` 5.14).
#[inline]
pub fn map_lookup_and_delete_elem(
    map: BorrowedFd<'_>,
    key: UserPtr,
    value: UserPtr,
    flags: u64,
) -> Result<(), SysError> {
    elem(Cmd::MapLookupAndDeleteElem, map, key, value, flags)
}

/// `BPF_MAP_FREEZE` (Linux 5.2).
pub fn map_freeze(map: BorrowedFd<'_>) -> Result<(), SysError> {
    let mut attr = MapFdAttr {
        map_fd: map.as_raw_fd() as u32,
    };
    call(Cmd::MapFreeze, &mut attr).map(drop)
}

/// Arguments of the four batch commands (Linux 5.6).
#[derive(Clone, Copy, Debug, Default)]
pub struct Batch {
    pub in_batch: UserPtr,
    pub out_batch: UserPtr,
    pub keys: UserPtr,
    pub values: UserPtr,
    pub elem_flags: u64,
    pub flags: u64,
}

/// `BPF_MAP_{LOOKUP,LOOKUP_AND_DELETE,UPDATE,DELETE}_BATCH` (Linux 5.6).
///
/// `count` is in/out: the kernel writes back how many elements it processed,
/// also when it fails (e.g. ENOENT at the end of a lookup walk), so the value is
/// returned alongside the result.
pub fn map_batch(
    cmd: Cmd,
    map: BorrowedFd<'_>,
    b: &Batch,
    count: u32,
) -> (Result<(), SysError>, u32) {
    debug_assert!(matches!(
        cmd,
        Cmd::MapLookupBatch
            | Cmd::MapLookupAndDeleteBatch
            | Cmd::MapUpdateBatch
            | Cmd::MapDeleteBatch
    ));
    let attr = MapBatchAttr {
        in_batch: b.in_batch.0,
        out_batch: b.out_batch.0,
        keys: b.keys.0,
        values: b.values.0,
        count,
        map_fd: map.as_raw_fd() as u32,
        elem_flags: b.elem_flags,
        flags: b.flags,
    };
    call_out(cmd, attr, |a| a.count)
}

impl MapCreate {
    /// A creation request with the basic sizes and the name (truncated to 15 bytes).
    pub fn new(
        map_type: u32,
        name: Option<&[u8]>,
        key_size: u32,
        value_size: u32,
        max_entries: u32,
    ) -> Self {
        MapCreate {
            map_type,
            name: name.map(crate::sys::attr::obj_name).unwrap_or_default(),
            key_size,
            value_size,
            max_entries,
            ..Default::default()
        }
    }

    /// libbpf 0.x `bpf_create_map_node`: a node ≥ 0 is set with `BPF_F_NUMA_NODE`;
    /// a negative node means "any".
    pub fn numa(mut self, node: i32) -> Self {
        if node >= 0 {
            self.numa_node = node as u32;
            self.map_flags |= BPF_F_NUMA_NODE;
        }
        self
    }
}
