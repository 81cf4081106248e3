//! The 0.x 4-argument `bpf_prog_load(file, type, &obj, &prog_fd)` (spec §1.0 notes),
//! on top of the object API in `object_api`.

use super::arg;
use super::boundary::hl;
use super::types::{bpf_object, bpf_prog_type};
use std::ffi::{c_char, c_int};

/// `bpf_prog_load_deprecated` (LIBBPF_0.6.0; `bpf_prog_load@LIBBPF_0.0.1` in 0.x
/// binaries): the 0.x `bpf_prog_load(file, type, &obj, &prog_fd)`, reached through
/// the `bpf_prog_load` argument-count macro. Opens `file` (any failure: -ENOENT),
/// overrides every program's type when `prog_type` is not UNSPEC (-EINVAL if one
/// stays UNSPEC), -ENOENT without programs, loads, and stores the object and the
/// first program's fd. HL: 0 or -errno with errno set; out-params only on success.
///
/// # Safety
/// `file` is NULL or a C string; `pobj` and `prog_fd` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_load_deprecated(
    file: *const c_char,
    prog_type: bpf_prog_type,
    pobj: *mut *mut bpf_object,
    prog_fd: *mut c_int,
) -> c_int {
    hl("bpf_prog_load_deprecated", || {
        // SAFETY: NULL or a C string (caller contract).
        let path = unsafe { arg::cstr(file, "file is NULL") }
            .map_err(|_| crate::error::Error::Errno(libc::ENOENT, "file is NULL"))?;
        let (obj, fd) = super::object_api::prog_load_legacy(&path.to_string_lossy(), prog_type)?;
        // SAFETY: NULL or writable out-params (caller contract).
        unsafe {
            arg::write(pobj, obj);
            arg::write(prog_fd, fd);
        }
        Ok(0)
    })
}
