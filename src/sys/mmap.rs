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
            return Err(SysError::last("mmap"));
        }
        Ok(Mapping { ptr: p.cast(), len })
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
