//! Library-level calls: modes, errors, versions, CPUs (spec §1.0, §2, `libbpf.h` tail).

use crate::capi::boundary::{hl, value};
use crate::capi::errno::{get_errno, libbpf_err, set_strict_mode};
use crate::capi::types::libbpf_strict_mode;
use crate::error::{libbpf_errno, Error};
use std::ffi::{c_char, c_int, c_long, c_void};

/// `libbpf_set_strict_mode` (LIBBPF_0.5.0): stores the flags and returns 0.
/// Pins the low-level return convention, which later 0.x-only calls no longer
/// change: `LIBBPF_STRICT_DIRECT_ERRS` (or `ALL`) `-errno` (libbpf 1.x), other
/// flags (`LIBBPF_STRICT_NONE`) the 0.x `-1` with errno.
#[no_mangle]
pub extern "C" fn libbpf_set_strict_mode(mode: libbpf_strict_mode) -> c_int {
    value("libbpf_set_strict_mode", 0, || {
        set_strict_mode(mode);
        0
    })
}

/// `libbpf_get_error` (LIBBPF_0.0.1): 0 for a valid pointer; for NULL, `-errno`;
/// for an `ERR_PTR` value (in [-4095, -1]), the code, with errno set to it.
#[no_mangle]
pub extern "C" fn libbpf_get_error(ptr: *const c_void) -> c_long {
    value("libbpf_get_error", 0, || {
        let v = ptr as isize;
        if ptr.is_null() {
            -(get_errno() as c_long)
        } else if (-4095..0).contains(&v) {
            libbpf_err(v as c_int) as c_long
        } else {
            0
        }
    })
}

/// `libbpf_strerror` (LIBBPF_0.0.1): text for an errno or a `LIBBPF_ERRNO__*` code
/// (either sign) into `buf`, always NUL-terminated. `-EINVAL` for a NULL or empty
/// buffer. Codes below 4000 go to the XSI `strerror_r`, whose result is returned as
/// libbpf 1.x returns it: 0, or a *positive* `ERANGE` (truncated) / `EINVAL`
/// (unknown errno), errno untouched. Codes 4000+: 0, `-ERANGE` if truncated, or
/// `-ENOENT` ("Unknown libbpf error N"), errno set.
///
/// # Safety
/// `buf` is NULL or points to `size` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn libbpf_strerror(err: c_int, buf: *mut c_char, size: usize) -> c_int {
    hl("libbpf_strerror", || {
        if buf.is_null() || size == 0 {
            return Err(Error::inval("libbpf_strerror: no buffer"));
        }
        // SAFETY: non-NULL, `size` writable bytes per the contract.
        let out = unsafe { crate::capi::arg::buf_mut(buf, size, "buf") }?;
        // libbpf negates negative codes; INT_MIN stays negative and goes to strerror_r.
        let code = err.wrapping_abs();
        if code < libbpf_errno::START {
            // SAFETY: `out` is the caller's buffer as a live `&mut [u8]`; strerror_r writes at most `out.len()` bytes into it.
            let ret = unsafe { libc::strerror_r(code, out.as_mut_ptr().cast(), out.len()) };
            out[size - 1] = 0;
            return Ok(ret);
        }
        // libbpf 1.x's table has no text for LIBBPF_ERRNO__LOAD; its "%s" of NULL
        // prints glibc's "(null)".
        let (text, unknown) = if code == libbpf_errno::LOAD {
            ("(null)".to_string(), false)
        } else if let Some(m) = libbpf_errno::message(code) {
            (m.to_string(), false)
        } else {
            (format!("Unknown libbpf error {code}"), true)
        };
        let bytes = text.as_bytes();
        let n = bytes.len().min(size - 1);
        out[..n].copy_from_slice(&bytes[..n]);
        out[n] = 0;
        if bytes.len() >= size {
            return Err(Error::Range("libbpf_strerror: buffer too small"));
        }
        if unknown {
            return Err(Error::NotFound("libbpf_strerror: unknown code"));
        }
        Ok(0)
    })
}

/// `libbpf_num_possible_cpus` (LIBBPF_0.0.4): the possible-CPU count (cached), or a
/// negative error.
#[no_mangle]
pub extern "C" fn libbpf_num_possible_cpus() -> c_int {
    hl("libbpf_num_possible_cpus", || {
        Ok(crate::sys::cpus::num_possible_cpus()? as c_int)
    })
}

/// The libbpf release whose API libbpfrs implements (also `LIBBPF_MAJOR_VERSION`
/// and `LIBBPF_MINOR_VERSION` in `bpf/libbpf_version.h`).
pub const LIBBPF_MAJOR: u32 = 1;
pub const LIBBPF_MINOR: u32 = 1;

/// `libbpf_major_version` (LIBBPF_0.6.0).
#[no_mangle]
pub extern "C" fn libbpf_major_version() -> u32 {
    LIBBPF_MAJOR
}

/// `libbpf_minor_version` (LIBBPF_0.6.0).
#[no_mangle]
pub extern "C" fn libbpf_minor_version() -> u32 {
    LIBBPF_MINOR
}

/// `libbpf_version_string` (LIBBPF_0.6.0): `"v1.1"`.
#[no_mangle]
pub extern "C" fn libbpf_version_string() -> *const c_char {
    c"v1.1".as_ptr()
}
