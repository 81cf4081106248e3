//! Enum names and the memlock setting (`libbpf.h` / `bpf.h` tail): thin exports over
//! `crate::uapi::names` and `crate::sys::memlock`. Spec `libbpf-api.md` §1.1, §1.2.

use crate::capi::boundary::{hl, value};
use crate::capi::types::{bpf_attach_type, bpf_link_type, bpf_map_type, bpf_prog_type};
use std::ffi::{c_char, c_int, CStr};
use std::ptr;

fn c_or_null(s: Option<&'static CStr>) -> *const c_char {
    s.map_or(ptr::null(), CStr::as_ptr)
}

/// `libbpf_bpf_map_type_str` (LIBBPF_1.0.0): libbpf's name for a map type
/// (`"hash"`, …), a static string; NULL (errno untouched) if unknown.
#[no_mangle]
pub extern "C" fn libbpf_bpf_map_type_str(t: bpf_map_type) -> *const c_char {
    value("libbpf_bpf_map_type_str", ptr::null(), || {
        c_or_null(crate::uapi::names::map_type(t))
    })
}

/// `libbpf_bpf_prog_type_str` (LIBBPF_1.0.0): libbpf's name for a program type
/// (`"socket_filter"`, …), a static string; NULL (errno untouched) if unknown.
#[no_mangle]
pub extern "C" fn libbpf_bpf_prog_type_str(t: bpf_prog_type) -> *const c_char {
    value("libbpf_bpf_prog_type_str", ptr::null(), || {
        c_or_null(crate::uapi::names::prog_type(t))
    })
}

/// `libbpf_bpf_attach_type_str` (LIBBPF_1.0.0): libbpf's name for an attach type
/// (`"cgroup_inet_ingress"`, …), a static string; NULL (errno untouched) if unknown.
#[no_mangle]
pub extern "C" fn libbpf_bpf_attach_type_str(t: bpf_attach_type) -> *const c_char {
    value("libbpf_bpf_attach_type_str", ptr::null(), || {
        c_or_null(crate::uapi::names::attach_type(t))
    })
}

/// `libbpf_bpf_link_type_str` (LIBBPF_1.0.0): libbpf's name for a link type
/// (`"raw_tracepoint"`, …), a static string; NULL (errno untouched) if unknown.
#[no_mangle]
pub extern "C" fn libbpf_bpf_link_type_str(t: bpf_link_type) -> *const c_char {
    value("libbpf_bpf_link_type_str", ptr::null(), || {
        c_or_null(crate::uapi::names::link_type(t))
    })
}

/// `libbpf_set_memlock_rlim` (LIBBPF_0.7.0; exported by libbpf only from 1.4.0):
/// the RLIMIT_MEMLOCK value the library applies before its first map, program or
/// BTF load on kernels without memcg accounting (default infinity, 0 disables).
/// Returns 0, or `-EBUSY` (errno set) once that bump has happened — never on
/// kernels ≥ 5.11, where nothing is bumped.
#[no_mangle]
pub extern "C" fn libbpf_set_memlock_rlim(memlock_bytes: usize) -> c_int {
    hl("libbpf_set_memlock_rlim", || {
        crate::sys::memlock::set_limit(memlock_bytes as u64)?;
        Ok(0)
    })
}
