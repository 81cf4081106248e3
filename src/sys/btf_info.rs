//! Reading a loaded BTF object back from the kernel: its raw bytes by fd
//! (`BPF_OBJ_GET_INFO_BY_FD` with `struct bpf_btf_info`'s `btf`/`btf_size`) or by
//! id (`BPF_BTF_GET_FD_BY_ID` first), as `btf__load_from_kernel_by_id` needs.
//!
//! Owns: the `bpf_btf_info` layout this reads. Must not call: anything above
//! `sys` (parsing the bytes is `btf`'s).
//! Spec: `btf-core.md` §6.1 (kernel BTF), `libbpf-api.md` §4.6 (info queries).

use super::obj::{get_fd_by_id, obj_get_info_by_fd, IdKind};
use super::UserPtr;
use crate::error::SysError;
use std::mem::{offset_of, size_of};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

/// `struct bpf_btf_info` (`linux/bpf.h`, Linux 5.11 layout: 32 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct BtfInfo {
    btf: u64,
    btf_size: u32,
    id: u32,
    name: u64,
    name_len: u32,
    kernel_btf: u32,
}
const _: () = {
    assert!(offset_of!(BtfInfo, btf_size) == 8);
    assert!(offset_of!(BtfInfo, name) == 16);
    assert!(size_of::<BtfInfo>() == 32);
};

/// The first buffer size tried (libbpf's `btf_get_from_fd` starts there too).
const FIRST_SIZE: u32 = 4096;

/// `BPF_OBJ_GET_INFO_BY_FD` of BTF object `fd` into `info`, whose pointers name
/// buffers the caller holds: the kernel writes at most `size_of::<BtfInfo>()`
/// bytes into `info` (every byte pattern is a valid `BtfInfo`: plain integers).
fn get_info(fd: BorrowedFd<'_>, info: &mut BtfInfo) -> Result<(), SysError> {
    obj_get_info_by_fd(
        fd.as_raw_fd(),
        UserPtr::from_mut(info),
        size_of::<BtfInfo>() as u32,
    )
    .map(drop)
}

/// The raw BTF blob of the loaded BTF object `fd` (Linux 4.18): asked for with a
/// 4 KiB buffer, then again with the size the kernel reports when that was short
/// (it copies what fits and says how much there is).
pub fn btf_data(fd: BorrowedFd<'_>) -> Result<Vec<u8>, SysError> {
    let mut size = FIRST_SIZE;
    loop {
        let mut buf = vec![0u8; size as usize];
        let mut info = BtfInfo {
            btf: UserPtr::from_mut(buf.as_mut_ptr()).0,
            btf_size: size,
            ..BtfInfo::default()
        };
        // The kernel writes at most `size` bytes into `buf`, held here.
        get_info(fd, &mut info)?;
        if info.btf_size <= size {
            buf.truncate(info.btf_size as usize);
            return Ok(buf);
        }
        size = info.btf_size;
    }
}

/// The raw BTF blob of the kernel BTF object with id `id` (Linux 5.4): a new fd
/// by id (ENOENT if none), read with [`btf_data`], then closed.
pub fn btf_data_by_id(id: u32) -> Result<Vec<u8>, SysError> {
    let fd = get_fd_by_id(IdKind::Btf, id, 0)?;
    btf_data(fd.as_fd())
}

/// The name of the loaded BTF object `fd` (`vmlinux`, a module's name, or empty
/// for a program's BTF) and whether it is kernel BTF (`kernel_btf`, Linux 5.11).
pub fn btf_name(fd: BorrowedFd<'_>) -> Result<(String, bool), SysError> {
    let mut name = [0u8; 64];
    let mut info = BtfInfo {
        name: UserPtr::from_mut(name.as_mut_ptr()).0,
        name_len: name.len() as u32,
        ..BtfInfo::default()
    };
    // The kernel writes at most `name_len` bytes into `name`, held here.
    get_info(fd, &mut info)?;
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    Ok((
        String::from_utf8_lossy(&name[..end]).into_owned(),
        info.kernel_btf != 0,
    ))
}
