//! Object commands: pinning, id walks, fds by id, info queries, stats, task_fd_query.
//!
//! The fds these commands take are numbers the kernel validates itself, and it
//! answers differently per command (`BPF_OBJ_PIN`: EINVAL, `BPF_OBJ_GET_INFO_BY_FD`:
//! EBADFD, `BPF_TASK_FD_QUERY`: an fd of *another* process). So they are passed as
//! plain `i32` numbers, never borrowed: Rust does nothing with them but forward
//! them, and the caller sees exactly the kernel's errno, as under libbpf.

use super::attr::{EnableStatsAttr, GetIdAttr, InfoAttr, ObjAttr, TaskFdQueryAttr};
use super::{call, call_fd, call_out, Cmd, UserPtr};
use crate::error::SysError;
use std::ffi::CStr;
use std::mem::{offset_of, size_of};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

/// `BPF_OBJ_PIN` (Linux 4.4): pins `fd` at `path` on a bpffs.
///
/// `path` is the address of a NUL-terminated string; the kernel reads it (NULL or a
/// bad address: EFAULT, as libbpf passes it unchecked).
pub fn obj_pin(fd: i32, path: UserPtr) -> Result<(), SysError> {
    let mut attr = ObjAttr {
        pathname: path.0,
        bpf_fd: fd as u32,
        file_flags: 0,
    };
    call(Cmd::ObjPin, &mut attr).map(drop)
}

/// [`obj_pin`] for Rust callers with a path and an fd in hand.
pub fn obj_pin_path(fd: BorrowedFd<'_>, path: &CStr) -> Result<(), SysError> {
    obj_pin(fd.as_raw_fd(), UserPtr::from_ptr(path.as_ptr()))
}

/// `BPF_OBJ_GET` (Linux 4.4; `file_flags` 4.15): a new fd for the object pinned at
/// `path` (same address rules as [`obj_pin`]).
pub fn obj_get(path: UserPtr, file_flags: u32) -> Result<OwnedFd, SysError> {
    let mut attr = ObjAttr {
        pathname: path.0,
        bpf_fd: 0,
        file_flags,
    };
    call_fd(Cmd::ObjGet, &mut attr)
}

/// [`obj_get`] for Rust callers.
pub fn obj_get_path(path: &CStr, file_flags: u32) -> Result<OwnedFd, SysError> {
    obj_get(UserPtr::from_ptr(path.as_ptr()), file_flags)
}

/// `statfs(path)`: the filesystem type (`f_type`) of the mount holding `path`,
/// used to check that a pin path is on a bpffs before `BPF_OBJ_PIN`.
pub fn fs_type(path: &CStr) -> Result<i64, SysError> {
    // SAFETY: all-zero bytes are a valid `struct statfs` (plain integers).
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated and `st` is a live, writable statfs the kernel fills.
    let r = unsafe { libc::statfs(path.as_ptr(), &mut st) };
    if r < 0 {
        Err(crate::sys::last_error("statfs"))
    } else {
        Ok(st.f_type as i64)
    }
}

/// The four kinds of kernel object with global ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Prog,
    Map,
    Btf,
    Link,
}

impl IdKind {
    fn next_cmd(self) -> Cmd {
        match self {
            IdKind::Prog => Cmd::ProgGetNextId,
            IdKind::Map => Cmd::MapGetNextId,
            IdKind::Btf => Cmd::BtfGetNextId,
            IdKind::Link => Cmd::LinkGetNextId,
        }
    }

    fn fd_cmd(self) -> Cmd {
        match self {
            IdKind::Prog => Cmd::ProgGetFdById,
            IdKind::Map => Cmd::MapGetFdById,
            IdKind::Btf => Cmd::BtfGetFdById,
            IdKind::Link => Cmd::LinkGetFdById,
        }
    }
}

/// `BPF_{PROG,MAP,BTF,LINK}_GET_NEXT_ID` (Linux 4.13; BTF 5.4; links 5.8): the
/// smallest id above `start_id`. Past the last one the kernel answers ENOENT.
pub fn get_next_id(kind: IdKind, start_id: u32) -> Result<u32, SysError> {
    let mut attr = GetIdAttr {
        start_id,
        next_id: 0,
        open_flags: 0,
    };
    call(kind.next_cmd(), &mut attr)?;
    Ok(attr.next_id)
}

/// `BPF_{PROG,MAP,BTF,LINK}_GET_FD_BY_ID` (Linux 4.13; `open_flags` 4.15): a new
/// fd for the object with that id (ENOENT if none).
pub fn get_fd_by_id(kind: IdKind, id: u32, open_flags: u32) -> Result<OwnedFd, SysError> {
    let mut attr = GetIdAttr {
        start_id: id,
        next_id: 0,
        open_flags,
    };
    call_fd(kind.fd_cmd(), &mut attr)
}

/// `BPF_OBJ_GET_INFO_BY_FD` (Linux 4.13) on a caller's buffer: the kernel copies
/// `min(info_len, its struct size)` bytes to `info` (E2BIG if the buffer is longer
/// than its struct and the extra bytes are not zero) and returns the length it used.
///
/// The buffer and its length go to the kernel unchanged (spec §4.6): never through
/// a fixed-size struct of ours, so newer or older UAPI layouts both work.
pub fn obj_get_info_by_fd(fd: i32, info: UserPtr, info_len: u32) -> Result<u32, SysError> {
    let mut attr = InfoAttr {
        bpf_fd: fd as u32,
        info_len,
        info: info.0,
    };
    call(Cmd::ObjGetInfoByFd, &mut attr)?;
    Ok(attr.info_len)
}

/// `struct bpf_map_info` (`linux/bpf.h`) up to `map_extra` (88 bytes, the 5.16+
/// layout), for the library's own queries. A kernel with a longer struct copies
/// only these bytes; an older one leaves the tail zero.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct MapInfo {
    pub map_type: u32,
    pub id: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub map_flags: u32,
    pub name: [u8; 16],
    pub ifindex: u32,
    pub btf_vmlinux_value_type_id: u32,
    pub netns_dev: u64,
    pub netns_ino: u64,
    pub btf_id: u32,
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
    pub _pad0: u32,
    pub map_extra: u64,
}
const _: () = {
    assert!(offset_of!(MapInfo, name) == 24);
    assert!(offset_of!(MapInfo, netns_dev) == 48);
    assert!(offset_of!(MapInfo, btf_id) == 64);
    assert!(offset_of!(MapInfo, map_extra) == 80);
    assert!(size_of::<MapInfo>() == 88);
};

/// The info of a map fd (libbpf zeroes its own `bpf_map_info` and passes `sizeof`).
pub fn map_info(map: BorrowedFd<'_>) -> Result<MapInfo, SysError> {
    map_info_raw(map.as_raw_fd())
}

/// [`map_info`] of a caller's raw fd number, which the kernel validates.
pub fn map_info_raw(fd: i32) -> Result<MapInfo, SysError> {
    info_raw(fd)
}

/// An info struct of ours: `#[repr(C)]` plain integers, so every byte pattern the
/// kernel writes is a valid value, and a zero one asks for no arrays.
trait InfoHead: Default {}
impl InfoHead for MapInfo {}
impl InfoHead for ProgInfo {}

/// `BPF_OBJ_GET_INFO_BY_FD` of `fd` into a zeroed `T`, `size_of::<T>()` bytes long.
fn info_raw<T: InfoHead>(fd: i32) -> Result<T, SysError> {
    let mut info = T::default();
    // The kernel writes at most `size_of::<T>()` bytes into `info`, which we hold
    // exclusively; every byte pattern is a valid `T` (plain integers, see `InfoHead`).
    obj_get_info_by_fd(fd, UserPtr::from_mut(&mut info), size_of::<T>() as u32)?;
    Ok(info)
}

/// `struct bpf_prog_info` (`linux/bpf.h`) up to `nr_prog_tags` (184 bytes, the
/// 5.x layout): the fields the library reads (name and id for tc filters, the
/// line-info fields of `bpf_prog_linfo__new`). A kernel with a longer struct
/// copies only these bytes; an older one leaves the tail zero.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ProgInfo {
    pub prog_type: u32,
    pub id: u32,
    pub tag: [u8; 8],
    pub jited_prog_len: u32,
    pub xlated_prog_len: u32,
    pub jited_prog_insns: u64,
    pub xlated_prog_insns: u64,
    pub load_time: u64,
    pub created_by_uid: u32,
    pub nr_map_ids: u32,
    pub map_ids: u64,
    pub name: [u8; 16],
    pub ifindex: u32,
    /// `gpl_compatible:1` and 31 unused bits.
    pub gpl_compatible: u32,
    pub netns_dev: u64,
    pub netns_ino: u64,
    pub nr_jited_ksyms: u32,
    pub nr_jited_func_lens: u32,
    pub jited_ksyms: u64,
    pub jited_func_lens: u64,
    pub btf_id: u32,
    pub func_info_rec_size: u32,
    pub func_info: u64,
    pub nr_func_info: u32,
    pub nr_line_info: u32,
    pub line_info: u64,
    pub jited_line_info: u64,
    pub nr_jited_line_info: u32,
    pub line_info_rec_size: u32,
    pub jited_line_info_rec_size: u32,
    pub nr_prog_tags: u32,
}
const _: () = {
    assert!(offset_of!(ProgInfo, name) == 64);
    assert!(offset_of!(ProgInfo, nr_jited_ksyms) == 104);
    assert!(offset_of!(ProgInfo, jited_ksyms) == 112);
    assert!(offset_of!(ProgInfo, jited_func_lens) == 120);
    assert!(offset_of!(ProgInfo, nr_line_info) == 148);
    assert!(offset_of!(ProgInfo, line_info) == 152);
    assert!(offset_of!(ProgInfo, jited_line_info) == 160);
    assert!(offset_of!(ProgInfo, nr_jited_line_info) == 168);
    assert!(offset_of!(ProgInfo, jited_line_info_rec_size) == 176);
    assert!(size_of::<ProgInfo>() == 184);
};

/// The [`ProgInfo`] of a caller's raw fd number, which the kernel validates (its
/// array pointers are zero, so the kernel fills in counts only).
pub fn prog_info_raw(fd: i32) -> Result<ProgInfo, SysError> {
    info_raw(fd)
}

/// `BPF_ENABLE_STATS` (Linux 5.8): stats stay on while the returned fd is open.
pub fn enable_stats(stats_type: u32) -> Result<OwnedFd, SysError> {
    let mut attr = EnableStatsAttr { stats_type };
    call_fd(Cmd::EnableStats, &mut attr)
}

/// The output fields of `BPF_TASK_FD_QUERY`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskFdInfo {
    /// The name's length (without the NUL), also when the buffer was too short.
    pub buf_len: u32,
    pub prog_id: u32,
    /// `BPF_FD_TYPE_*`.
    pub fd_type: u32,
    pub probe_offset: u64,
    pub probe_addr: u64,
}

/// `BPF_TASK_FD_QUERY` (Linux 4.18): which program is attached through `fd` of
/// process `pid` (a perf event or raw tracepoint fd), and to what.
///
/// The kernel copies the probe's name into `buf` (`buf_len` bytes, NUL-terminated).
/// The output fields are returned next to the result because the kernel fills them
/// also when it fails with ENOSPC (the name did not fit; `buf_len` then says how
/// long it is). After other failures they are meaningless.
pub fn task_fd_query(
    pid: i32,
    fd: i32,
    flags: u32,
    buf: UserPtr,
    buf_len: u32,
) -> (Result<(), SysError>, TaskFdInfo) {
    let attr = TaskFdQueryAttr {
        pid: pid as u32,
        fd: fd as u32,
        flags,
        buf_len,
        buf: buf.0,
        ..Default::default()
    };
    call_out(Cmd::TaskFdQuery, attr, |a| TaskFdInfo {
        buf_len: a.buf_len,
        prog_id: a.prog_id,
        fd_type: a.fd_type,
        probe_offset: a.probe_offset,
        probe_addr: a.probe_addr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uapi::BPF_MAP_TYPE_ARRAY;

    fn is_root() -> bool {
        // SAFETY: geteuid has no preconditions and touches no memory.
        unsafe { libc::geteuid() == 0 }
    }

    #[test]
    fn kernel_errnos_pass_through() {
        if !is_root() {
            crate::testutil::test_skip("needs root for bpf()");
            return;
        }
        // The kernel's own answers for fds it cannot use, per command.
        assert_eq!(
            obj_get_info_by_fd(-1, UserPtr::NULL, 0).map_err(|e| e.errno),
            Err(libc::EBADFD)
        );
        assert_eq!(
            obj_pin(-1, UserPtr::NULL).map_err(|e| e.errno),
            Err(libc::EINVAL)
        );
        assert_eq!(
            obj_get(UserPtr::NULL, 0).err().map(|e| e.errno),
            Some(libc::EFAULT)
        );
        assert_eq!(
            get_fd_by_id(IdKind::Map, u32::MAX - 1, 0)
                .err()
                .map(|e| e.errno),
            Some(libc::ENOENT)
        );
        let (r, _) = task_fd_query(0, -1, 0, UserPtr::NULL, 0);
        assert!(r.is_err());
    }

    #[test]
    fn map_info_of_a_new_map() {
        if !is_root() {
            crate::testutil::test_skip("needs root for bpf()");
            return;
        }
        let p = super::super::map::MapCreate::new(BPF_MAP_TYPE_ARRAY, Some(b"objtest"), 4, 8, 3);
        let Ok(fd) = super::super::map::map_create(&p) else {
            return;
        };
        let info = map_info(std::os::fd::AsFd::as_fd(&fd)).expect("info");
        assert_eq!(
            (
                info.map_type,
                info.key_size,
                info.value_size,
                info.max_entries
            ),
            (BPF_MAP_TYPE_ARRAY, 4, 8, 3)
        );
        assert_eq!(&info.name[..8], b"objtest\0");
        assert!(info.id > 0);
        let next = get_next_id(IdKind::Map, info.id - 1).expect("next id");
        assert_eq!(next, info.id);
        let again = get_fd_by_id(IdKind::Map, info.id, 0).expect("fd by id");
        let info2 = map_info(std::os::fd::AsFd::as_fd(&again)).expect("info");
        assert_eq!(info2.id, info.id);
    }
}
