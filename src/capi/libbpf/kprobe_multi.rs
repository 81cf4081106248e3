//! `bpf_program__attach_kprobe_multi_opts` (`bpf/libbpf.h`) and its opts struct;
//! the rules live in `attach::kprobe_multi`.
//! Spec `libbpf-api.md` §1.2 (attach functions), §4.2 (opts).

use crate::attach::kprobe_multi::{self, KprobeMultiOpts};
use crate::capi::boundary::ptr;
use crate::capi::libbpf::link::register;
use crate::capi::libbpf::object::prog_ref;
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::types::*;
use crate::error::Error;
use crate::sys::UserPtr;
use std::ffi::{c_char, c_ulong, CStr};

/// `struct bpf_kprobe_multi_opts` (libbpf 0.8; 1.1.2 layout, 48 bytes, known
/// size 41).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_kprobe_multi_opts {
    pub sz: usize,
    /// Function names (`cnt` C strings).
    pub syms: *mut *const c_char,
    /// Function addresses (`cnt` of them).
    pub addrs: *const c_ulong,
    /// Per-function cookies (`cnt`), optional.
    pub cookies: *const __u64,
    pub cnt: usize,
    pub retprobe: bool,
}
impl_opts!(bpf_kprobe_multi_opts, retprobe: bool);
const _: () = assert!(std::mem::size_of::<bpf_kprobe_multi_opts>() == 48);
const _: () = assert!(std::mem::offset_of!(bpf_kprobe_multi_opts, retprobe) == 40);

impl Default for bpf_kprobe_multi_opts {
    fn default() -> Self {
        bpf_kprobe_multi_opts {
            sz: 0,
            syms: std::ptr::null_mut(),
            addrs: std::ptr::null(),
            cookies: std::ptr::null(),
            cnt: 0,
            retprobe: false,
        }
    }
}

/// `bpf_program__attach_kprobe_multi_opts` (LIBBPF_0.8.0): one kprobe.multi link
/// (`BPF_TRACE_KPROBE_MULTI`) on every kernel symbol `pattern` matches in
/// `/proc/kallsyms` (`*` and `?` globs, as libbpf 1.1.2), or on the `cnt`
/// functions of `opts->syms` or `opts->addrs`, with optional cookies; a return
/// probe with `opts->retprobe`. P1: NULL with errno EINVAL for bad opts, no
/// pattern/syms/addrs, a pattern with syms/addrs/cookies/cnt, no pattern and no
/// cnt, or both syms and addrs (and for a NULL `prog`, where libbpf would
/// crash); ENOENT when the pattern matches nothing; the kernel's errno for the
/// link (EOPNOTSUPP on a kernel without kprobes).
///
/// # Safety
/// `pattern` is NULL or a C string; `opts` is NULL or a valid opts struct whose
/// arrays the kernel reads.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_kprobe_multi_opts(
    prog: *const bpf_program,
    pattern: *const c_char,
    opts: *const bpf_kprobe_multi_opts,
) -> *mut bpf_link {
    ptr("bpf_program__attach_kprobe_multi_opts", || {
        // SAFETY: NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        let ko = KprobeMultiOpts {
            syms: UserPtr::from_ptr(o.syms),
            addrs: UserPtr::from_ptr(o.addrs),
            cookies: UserPtr::from_ptr(o.cookies),
            cnt: o.cnt,
            retprobe: o.retprobe,
        };
        // SAFETY: NULL or a C string (caller contract).
        let pat = (!pattern.is_null()).then(|| unsafe { CStr::from_ptr(pattern) });
        // libbpf checks its arguments before it looks at the program.
        kprobe_multi::check_args(pat.is_some(), &ko)?;
        let (h, i) = prog_ref(prog)?;
        let p = h.st.progs.get(i).ok_or(Error::Inval("bad program"))?;
        Ok(register(kprobe_multi::attach(
            p,
            pat.map(CStr::to_bytes),
            &ko,
        )?))
    })
}
