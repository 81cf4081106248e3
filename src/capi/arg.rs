//! The only place that turns C values into Rust ones (style §2.3).
//!
//! Memory the kernel reads or writes (keys, values, log buffers) stays a
//! [`UserPtr`]: the kernel checks it and answers EFAULT, as under libbpf.

use crate::error::Error;
use crate::sys::{borrow_fd, UserPtr};
use std::ffi::{c_char, CStr};
use std::os::fd::BorrowedFd;

/// A caller's fd. Negative → EBADF as a kernel-style failure (what `bpf()` says).
#[inline]
pub fn fd<'a>(fd: i32) -> Result<BorrowedFd<'a>, Error> {
    Ok(borrow_fd(fd)?)
}

/// A kernel-side address from a C pointer.
#[inline]
pub fn uptr<T>(p: *const T) -> UserPtr {
    UserPtr::from_ptr(p)
}

/// A NUL-terminated C string; NULL → EINVAL.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub unsafe fn cstr<'a>(p: *const c_char, what: &'static str) -> Result<&'a CStr, Error> {
    if p.is_null() {
        return Err(Error::Inval(what));
    }
    // SAFETY: non-NULL, and the C contract of every libbpf string argument is a NUL-terminated string alive for the call.
    Ok(unsafe { CStr::from_ptr(p) })
}

/// An optional C string: NULL → `None`.
///
/// # Safety
/// As [`cstr`].
pub unsafe fn opt_cstr<'a>(p: *const c_char) -> Option<&'a CStr> {
    if p.is_null() {
        None
    } else {
        // SAFETY: as in `cstr`.
        Some(unsafe { CStr::from_ptr(p) })
    }
}

/// Reads a `T` through a C pointer; NULL → EINVAL.
///
/// # Safety
/// `p` is NULL or points to a readable `T`.
pub unsafe fn read<T: Copy>(p: *const T, what: &'static str) -> Result<T, Error> {
    if p.is_null() {
        return Err(Error::Inval(what));
    }
    // SAFETY: non-NULL and readable per the caller's contract; unaligned read since C callers may pass packed or odd buffers.
    Ok(unsafe { p.read_unaligned() })
}

/// Writes an out-parameter if the pointer is non-NULL (out-params only on success).
///
/// # Safety
/// `p` is NULL or points to a writable `T`.
pub unsafe fn write<T>(p: *mut T, v: T) {
    if !p.is_null() {
        // SAFETY: non-NULL and writable per the caller's contract.
        unsafe { p.write_unaligned(v) };
    }
}

/// A mutable byte buffer from C (`buf`, `size`); NULL with size 0 gives an empty slice.
///
/// # Safety
/// `p` is NULL or points to `len` writable bytes for `'a`.
pub unsafe fn buf_mut<'a>(
    p: *mut c_char,
    len: usize,
    what: &'static str,
) -> Result<&'a mut [u8], Error> {
    if len == 0 {
        return Ok(&mut []);
    }
    if p.is_null() {
        return Err(Error::Inval(what));
    }
    // SAFETY: non-NULL, `len` writable bytes per the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(p.cast::<u8>(), len) })
}
