//! Program and attach types from `SEC()` names (`libbpf.h`): thin exports over
//! [`crate::object::sec`], always with libbpf 1.1's strict matching (never the
//! loose 0.x prefixes). Spec `libbpf-api.md` §1 "Miscellaneous".

use crate::capi::arg;
use crate::capi::boundary::hl;
use crate::capi::types::*;
use crate::error::Error;
use crate::object::sec::{self, SecDef, TypeNames};
use std::borrow::Cow;
use std::ffi::{c_char, c_int};

/// The section name as text. libbpf compares bytes; every table name is ASCII and
/// lossy decoding keeps ASCII bytes in place, so matching is unchanged.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
unsafe fn sec_name<'a>(name: *const c_char) -> Result<Cow<'a, str>, Error> {
    // SAFETY: libbpf's contract: `name` is NULL (→ EINVAL) or a C string alive for the call.
    Ok(unsafe { arg::cstr(name, "section name is NULL") }?.to_string_lossy())
}

/// Which `*_by_name` look-up runs: they differ in what an unknown name logs
/// and returns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lookup {
    ProgType,
    AttachType,
}

/// The definition of the section named by the C string `name` (NULL → EINVAL).
/// For an unknown name, libbpf's two DEBUG lines (what could not be guessed,
/// then the valid names: only the attachable ones for the attach type), then
/// ESRCH for the program type, EINVAL for the attach type.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
unsafe fn sec_def(name: *const c_char, lookup: Lookup) -> Result<&'static SecDef, Error> {
    // SAFETY: forwarded caller contract.
    let name = unsafe { sec_name(name) }?;
    if let Some(def) = sec::find_sec_def(&name) {
        return Ok(def);
    }
    let attachable_only = lookup == Lookup::AttachType;
    if attachable_only {
        crate::log::debug(format_args!(
            "failed to guess attach type based on ELF section name '{name}'"
        ));
    } else {
        crate::log::debug(format_args!(
            "failed to guess program type from ELF section '{name}'"
        ));
    }
    let which = if attachable_only {
        "attachable"
    } else {
        "supported"
    };
    crate::log::debug(format_args!(
        "{which} section(type) names are:{}",
        TypeNames { attachable_only }
    ));
    Err(match lookup {
        Lookup::ProgType => Error::NoMatch("unknown section name"),
        Lookup::AttachType => Error::inval("unknown section name"),
    })
}

/// `libbpf_prog_type_by_name` (LIBBPF_0.0.1): the program type and expected attach
/// type libbpf 1.1 gives a program in section `name`.
///
/// Returns 0 and fills both outputs; `-EINVAL` for a NULL `name`; `-ESRCH` for an
/// unknown name (after two DEBUG lines, as libbpf: the name, then every valid
/// name). errno is set on failure. libbpf 1.1.2 crashes on a NULL output pointer
/// for a known name; this returns `-EINVAL` instead and writes nothing.
///
/// # Safety
/// `name` is NULL or a C string; `prog_type` and `expected_attach_type` are NULL or
/// point to writable `enum` objects.
#[no_mangle]
pub unsafe extern "C" fn libbpf_prog_type_by_name(
    name: *const c_char,
    prog_type: *mut bpf_prog_type,
    expected_attach_type: *mut bpf_attach_type,
) -> c_int {
    hl("libbpf_prog_type_by_name", || {
        // SAFETY: `name` is NULL or a caller's C string.
        let def = unsafe { sec_def(name, Lookup::ProgType) }?;
        if prog_type.is_null() || expected_attach_type.is_null() {
            return Err(Error::inval("NULL output pointer"));
        }
        // SAFETY: both non-NULL; the caller passes writable enum objects.
        unsafe {
            arg::write(prog_type, def.prog_type);
            arg::write(expected_attach_type, def.expected_attach_type);
        }
        Ok(0)
    })
}

/// `libbpf_attach_type_by_name` (LIBBPF_0.0.1): the attach type of section `name`,
/// for the sections libbpf marks attachable (`BPF_PROG_ATTACH` kinds: cgroup,
/// sockmap, xdp, flow dissector, lirc, sk_lookup, sk_reuseport).
///
/// Returns 0 and fills `*attach_type`; otherwise `-EINVAL` (errno set) for a NULL
/// `name`, a section that is not attachable, and — as libbpf 1.1.2 does, after two
/// DEBUG lines — an unknown name. A NULL `attach_type` for an attachable name
/// (a crash in libbpf 1.1.2) is `-EINVAL` too.
///
/// # Safety
/// `name` is NULL or a C string; `attach_type` is NULL or points to a writable
/// `enum bpf_attach_type`.
#[no_mangle]
pub unsafe extern "C" fn libbpf_attach_type_by_name(
    name: *const c_char,
    attach_type: *mut bpf_attach_type,
) -> c_int {
    hl("libbpf_attach_type_by_name", || {
        // SAFETY: `name` is NULL or a caller's C string.
        let def = unsafe { sec_def(name, Lookup::AttachType) }?;
        if !def.is_attachable() {
            return Err(Error::inval("section is not attachable"));
        }
        if attach_type.is_null() {
            return Err(Error::inval("NULL output pointer"));
        }
        // SAFETY: non-NULL; the caller passes a writable enum object.
        unsafe { arg::write(attach_type, def.expected_attach_type) };
        Ok(0)
    })
}
