//! The object API (`bpf/libbpf.h`): for now only the 0.x 4-argument `bpf_prog_load`,
//! which needs the ELF object loader (not yet implemented).

use super::boundary::hl;
use super::types::{bpf_object, bpf_prog_type};
use crate::error::Error;
use std::ffi::{c_char, c_int};

/// `bpf_prog_load_deprecated` (LIBBPF_0.6.0; `bpf_prog_load@LIBBPF_0.0.1` in 0.x
/// binaries): the 0.x `bpf_prog_load(file, type, &obj, &prog_fd)`, reached through
/// the `bpf_prog_load` argument-count macro. Returns `-EOPNOTSUPP` until the ELF
/// object loader lands; `*pobj` and `*prog_fd` are left untouched.
#[no_mangle]
pub extern "C" fn bpf_prog_load_deprecated(
    file: *const c_char,
    prog_type: bpf_prog_type,
    pobj: *mut *mut bpf_object,
    prog_fd: *mut c_int,
) -> c_int {
    let _ = (file, prog_type, pobj, prog_fd);
    hl("bpf_prog_load_deprecated", || {
        crate::log::warn(format_args!(
            "bpf_prog_load(file, ...): BPF ELF object loading is not supported yet"
        ));
        Err(Error::Unsupported("BPF ELF object loading"))
    })
}
