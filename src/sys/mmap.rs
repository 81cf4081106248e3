//! Shared mappings of map memory (`BPF_F_MMAPABLE` arrays: global data).

use crate::error::SysError;
use std::os::fd::{AsRawFd, BorrowedFd};

/// An owned `mmap` of a map's value area; unmapped on drop.
#[derive(Debug)]
pub struct Mapping {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: the mapping is plain shared memory with no thread affinity; access to
// its bytes is the C caller's business, as with libbpf's mmaped pointers.
unsafe impl Send for Mapping {}
// SAFETY: as above; we never create Rust references into it.
unsafe impl Sync for Mapping {}

impl Mapping {
    /// Maps `len` bytes of `map` read-write (or read-only), shared.
    pub fn map(map: BorrowedFd<'_>, len: usize, writable: bool) -> Result<Mapping, SysError> {
        Self::map_at(map, len, 0, writable)
    }

    /// Maps `len` bytes of `fd` from byte `offset` (a multiple of the page size),
    /// read-write or read-only, shared: ring buffer pages, perf event rings.
    pub fn map_at(
        map: BorrowedFd<'_>,
        len: usize,
        offset: usize,
        writable: bool,
    ) -> Result<Mapping, SysError> {
        let prot = libc::PROT_READ | if writable { libc::PROT_WRITE } else { 0 };
        let offset = libc::off_t::try_from(offset).map_err(|_| SysError {
            call: "mmap",
            errno: libc::E2BIG,
        })?;
        // SAFETY: a fresh shared mapping chosen by the kernel (addr NULL); it aliases no Rust memory, and we own it until drop.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                prot,
                libc::MAP_SHARED,
                map.as_raw_fd(),
                offset,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(crate::sys::last_error("mmap"));
        }
        Ok(Mapping { ptr: p.cast(), len })
    }

    /// An anonymous private read-write mapping of `len` bytes, zero-filled: the
    /// stable home of a global-data map's initial value before load.
    pub fn anon(len: usize) -> Result<Mapping, SysError> {
        Ok(Mapping {
            ptr: anon_pages(len)?,
            len,
        })
    }

    /// Replaces this mapping, at the same address, with a shared mapping of `map`
    /// (libbpf keeps the address so pointers from `bpf_map__initial_value` and
    /// skeletons stay valid across load). On failure the old mapping is kept.
    pub fn remap_shared(&mut self, map: BorrowedFd<'_>, writable: bool) -> Result<(), SysError> {
        let prot = libc::PROT_READ | if writable { libc::PROT_WRITE } else { 0 };
        // SAFETY: MAP_FIXED over `ptr..ptr+len`, a range this Mapping owns exclusively; no Rust references into it exist, so replacing its pages invalidates nothing Rust holds.
        let p = unsafe {
            libc::mmap(
                self.ptr.cast(),
                self.len,
                prot,
                libc::MAP_SHARED | libc::MAP_FIXED,
                map.as_raw_fd(),
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(crate::sys::last_error("mmap"));
        }
        Ok(())
    }

    /// The mapped bytes, copied (for the initial value written to a new map).
    pub fn to_vec(&self) -> Vec<u8> {
        // SAFETY: `ptr..ptr+len` is a live readable mapping we own; the copy is taken immediately (C writers racing with it would race under libbpf too).
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }.to_vec()
    }

    /// Overwrites the first `data.len()` bytes (`bpf_map__set_initial_value`).
    pub fn write_at_start(&mut self, data: &[u8]) -> bool {
        if data.len() > self.len {
            return false;
        }
        // SAFETY: `data.len() <= len`, the mapping is writable (anon mappings are RW; callers only use this before load), and `data` cannot overlap a mapping we own exclusively.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), self.ptr, data.len()) };
        true
    }

    /// The address, for C callers (`bpf_map__initial_value`, skeletons).
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` describe a mapping we created and still own.
        unsafe { libc::munmap(self.ptr.cast(), self.len) };
    }
}

/// A fresh private anonymous read-write mapping of `len` bytes, zero-filled and
/// not yet touched; the caller owns it (and unmaps it).
pub(super) fn anon_pages(len: usize) -> Result<*mut u8, SysError> {
    // SAFETY: a fresh anonymous mapping chosen by the kernel; it aliases no Rust memory, and the caller owns it.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(crate::sys::last_error("mmap"));
    }
    Ok(p.cast())
}

/// The system page size.
pub fn page_size() -> usize {
    // SAFETY: sysconf has no memory effects.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as usize
    } else {
        4096
    }
}
