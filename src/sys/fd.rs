//! File-descriptor hygiene shared by every fd-returning call.

use crate::error::SysError;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// Moves a descriptor numbered 0, 1 or 2 above 2 with `F_DUPFD_CLOEXEC`, closing
/// the low one (libbpf ≥ 0.6): the UAPI reads fd 0 as "none" in several fields,
/// and a program that closed stdin must not get a BPF object on fd 0.
pub fn ensure_good_fd(fd: OwnedFd) -> Result<OwnedFd, SysError> {
    if fd.as_raw_fd() > 2 {
        return Ok(fd);
    }
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) on a descriptor we own; it only creates a new descriptor and touches no memory.
    let new = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 3) };
    if new < 0 {
        return Err(crate::sys::last_error("fcntl(F_DUPFD_CLOEXEC)"));
    }
    drop(fd);
    // SAFETY: `new` is a fresh descriptor from fcntl that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// Borrows a C caller's fd. A negative value is refused with EBADF (what the kernel
/// itself answers), since `BorrowedFd::borrow_raw(-1)` would be undefined behaviour.
pub fn borrow_fd<'a>(fd: i32) -> Result<BorrowedFd<'a>, SysError> {
    if fd < 0 {
        return Err(SysError {
            call: "fd",
            errno: libc::EBADF,
        });
    }
    // SAFETY: `fd` is non-negative; the C caller keeps it open for the duration of the call it passed it to, and we never close or keep a borrowed fd.
    Ok(unsafe { BorrowedFd::borrow_raw(fd) })
}

/// A close-on-exec duplicate (above 2) of a caller's fd number.
pub fn dup_cloexec(fd: i32) -> Result<OwnedFd, SysError> {
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) only creates a new descriptor; an invalid `fd` gives EBADF.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
    if new < 0 {
        return Err(crate::sys::last_error("fcntl(F_DUPFD_CLOEXEC)"));
    }
    // SAFETY: `new` is a fresh descriptor nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}
