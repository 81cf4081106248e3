//! Kernel feature probes and the vmlinux BTF id lookup (`libbpf.h`, LIBBPF_0.7.0 /
//! LIBBPF_0.0.6). The probing itself is `crate::load::probe`.

use crate::capi::arg;
use crate::capi::boundary::hl;
use crate::capi::types::*;
use crate::error::Error;
use std::ffi::{c_char, c_int, c_void};

fn no_opts(opts: *const c_void) -> Result<(), Error> {
    if opts.is_null() {
        Ok(())
    } else {
        Err(Error::Inval("opts must be NULL"))
    }
}

/// `libbpf_probe_bpf_prog_type` (LIBBPF_0.7.0): 1 if the kernel supports the
/// program type, 0 if not; -EINVAL for non-NULL opts, -EOPNOTSUPP for a type
/// `libbpf_bpf_prog_type_str` does not name (libbpf 1.1.2 also refuses the ones
/// newer than it, netfilter; libbpfrs probes them).
#[no_mangle]
pub extern "C" fn libbpf_probe_bpf_prog_type(
    prog_type: bpf_prog_type,
    opts: *const c_void,
) -> c_int {
    hl("libbpf_probe_bpf_prog_type", || {
        no_opts(opts)?;
        Ok(crate::load::probe::prog_type(prog_type)? as c_int)
    })
}

/// `libbpf_probe_bpf_map_type` (LIBBPF_0.7.0): 1 if the kernel supports the map
/// type, 0 if not; errors as `libbpf_probe_bpf_prog_type` (`BPF_MAP_TYPE_UNSPEC`
/// included; libbpfrs also probes arena maps, newer than libbpf 1.1.2).
#[no_mangle]
pub extern "C" fn libbpf_probe_bpf_map_type(map_type: bpf_map_type, opts: *const c_void) -> c_int {
    hl("libbpf_probe_bpf_map_type", || {
        no_opts(opts)?;
        Ok(crate::load::probe::map_type(map_type)? as c_int)
    })
}

/// `libbpf_probe_bpf_helper` (LIBBPF_0.7.0): 1 if `helper_id` may be called from
/// `prog_type`, 0 if not; -EOPNOTSUPP for tracing, extension, struct_ops and LSM
/// programs (which cannot be probed this way).
#[no_mangle]
pub extern "C" fn libbpf_probe_bpf_helper(
    prog_type: bpf_prog_type,
    helper_id: bpf_func_id,
    opts: *const c_void,
) -> c_int {
    // libbpf 1.1.2 refuses the unprobeable program types with a bare -EOPNOTSUPP,
    // errno untouched.
    if opts.is_null() && crate::load::probe::helper_probe_unsupported(prog_type) {
        return -libc::EOPNOTSUPP;
    }
    hl("libbpf_probe_bpf_helper", || {
        no_opts(opts)?;
        Ok(crate::load::probe::helper(prog_type, helper_id)? as c_int)
    })
}

/// `libbpf_find_vmlinux_btf_id` (LIBBPF_0.0.6): the vmlinux BTF id of the
/// function `name` for `attach_type` (with libbpf's `bpf_lsm_`/`btf_trace_`/
/// `bpf_iter_` prefixes); -ENOENT when absent (HL).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn libbpf_find_vmlinux_btf_id(
    name: *const c_char,
    attach_type: bpf_attach_type,
) -> c_int {
    hl("libbpf_find_vmlinux_btf_id", || {
        // SAFETY: NULL or a C string (caller contract).
        let n = unsafe { arg::cstr(name, "name is NULL") }?.to_string_lossy();
        Ok(crate::load::progs::find_vmlinux_btf_id(&n, attach_type, None)? as c_int)
    })
}
