//! `bpf_program__attach*` exports (`bpf/libbpf.h`): each returns a new
//! `struct bpf_link *`, or NULL with errno (libbpf 1.x P1; never ERR_PTR).
//! Spec `libbpf-api.md` §1.2 (attach functions), §4.2 (opts layouts, 1.1.2).

use crate::attach::{self, perf, Link};
use crate::capi::arg;
use crate::capi::boundary::ptr;
use crate::capi::libbpf::link::register;
use crate::capi::libbpf::object::prog_ref;
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::types::*;
use crate::error::Error;
use crate::load::{ObjState, ProgState};
use crate::sys::UserPtr;
use std::ffi::{c_char, c_int, CStr, CString};
use std::os::fd::{FromRawFd, OwnedFd};

/// `struct bpf_perf_event_opts` (libbpf 0.5; 1.1.2 layout, 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_perf_event_opts {
    pub sz: usize,
    pub bpf_cookie: __u64,
}
impl_opts!(bpf_perf_event_opts, bpf_cookie: u64);

/// `struct bpf_tracepoint_opts` (libbpf 0.5; 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_tracepoint_opts {
    pub sz: usize,
    pub bpf_cookie: __u64,
}
impl_opts!(bpf_tracepoint_opts, bpf_cookie: u64);

/// `struct bpf_trace_opts` (libbpf 0.8; 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_trace_opts {
    pub sz: usize,
    pub cookie: __u64,
}
impl_opts!(bpf_trace_opts, cookie: u64);

/// `struct bpf_kprobe_opts` (libbpf 0.5; 1.1.2 layout, 32 bytes, known size 25).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_kprobe_opts {
    pub sz: usize,
    pub bpf_cookie: __u64,
    pub offset: usize,
    pub retprobe: bool,
}
impl_opts!(bpf_kprobe_opts, retprobe: bool);
const _: () = assert!(std::mem::size_of::<bpf_kprobe_opts>() == 32);

/// `struct bpf_ksyscall_opts` (libbpf 1.0; 1.1.2 layout, 24 bytes, known size 17).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_ksyscall_opts {
    pub sz: usize,
    pub bpf_cookie: __u64,
    pub retprobe: bool,
}
impl_opts!(bpf_ksyscall_opts, retprobe: bool);
const _: () = assert!(std::mem::size_of::<bpf_ksyscall_opts>() == 24);

/// `struct bpf_uprobe_opts` (libbpf 0.5, `func_name` 0.8; 1.1.2 layout, 40 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_uprobe_opts {
    pub sz: usize,
    pub ref_ctr_offset: usize,
    pub bpf_cookie: __u64,
    pub retprobe: bool,
    pub func_name: *const c_char,
}
impl_opts!(bpf_uprobe_opts, func_name: *const c_char);
const _: () = assert!(std::mem::size_of::<bpf_uprobe_opts>() == 40);
const _: () = assert!(std::mem::offset_of!(bpf_uprobe_opts, func_name) == 32);

impl Default for bpf_uprobe_opts {
    fn default() -> Self {
        bpf_uprobe_opts {
            sz: 0,
            ref_ctr_offset: 0,
            bpf_cookie: 0,
            retprobe: false,
            func_name: std::ptr::null(),
        }
    }
}

/// `struct bpf_iter_attach_opts` (libbpf 0.0.9; 24 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_iter_attach_opts {
    pub sz: usize,
    pub link_info: *mut bpf_iter_link_info,
    pub link_info_len: __u32,
}
impl_opts!(bpf_iter_attach_opts, link_info_len: u32);
const _: () = assert!(std::mem::size_of::<bpf_iter_attach_opts>() == 24);

/// `struct bpf_usdt_opts` (libbpf 0.8; 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_usdt_opts {
    pub sz: usize,
    pub usdt_cookie: __u64,
}
impl_opts!(bpf_usdt_opts, usdt_cookie: u64);

/// Runs `f` on the live program behind `prog` and registers the link it makes.
fn with_prog(
    prog: *const bpf_program,
    f: impl FnOnce(&ObjState, &ProgState) -> Result<Link, Error>,
) -> Result<*mut bpf_link, Error> {
    let (h, i) = prog_ref(prog)?;
    let p = h.st.progs.get(i).ok_or(Error::Inval("bad program"))?;
    Ok(register(f(&h.st, p)?))
}

/// A tracepoint or function name as libbpf formats it: NULL reads as "(null)"
/// (so a NULL category fails like libbpf 1.1.2, with ENOENT from tracefs).
///
/// # Safety
/// `p` is NULL or a C string.
unsafe fn name_or_null<'a>(p: *const c_char) -> std::borrow::Cow<'a, CStr> {
    // SAFETY: forwarded caller contract.
    match unsafe { arg::opt_cstr(p) } {
        Some(s) => s.into(),
        None => CString::from(c"(null)").into(),
    }
}

/// `bpf_program__attach` (LIBBPF_0.0.7): attaches as the section name says
/// (tracepoint, raw_tp, tp_btf/fentry/fexit/fmod_ret/lsm, iter, kprobe, uprobe …).
/// NULL with errno EOPNOTSUPP when the section has no auto-attach (libbpf 1.x).
#[no_mangle]
pub extern "C" fn bpf_program__attach(prog: *const bpf_program) -> *mut bpf_link {
    ptr("bpf_program__attach", || {
        let (h, i) = prog_ref(prog)?;
        if let Some(r) = super::prog_handler::custom_attach(prog, &h.st, i) {
            // A custom handler's attach that gives no link is EOPNOTSUPP here.
            return r.and_then(|l| {
                (!l.is_null())
                    .then_some(l)
                    .ok_or(Error::Unsupported(attach::NO_AUTO_ATTACH))
            });
        }
        Ok(register(attach::attach_auto(&h.st, i)?))
    })
}

/// Attaches to a caller's perf event; on success the link owns `pfd`.
fn perf_event(prog: *const bpf_program, pfd: c_int, cookie: u64) -> Result<*mut bpf_link, Error> {
    with_prog(prog, |_, p| {
        let how = perf::attach_perf_fd(p, pfd, cookie)?;
        // SAFETY: `pfd >= 0` (checked by `attach_perf_fd`) is the caller's open perf event; libbpf's contract is that a successful attach hands it to the link, which closes it on destroy.
        let event = unsafe { OwnedFd::from_raw_fd(pfd) };
        Ok(how.into_link(event))
    })
}

/// `bpf_program__attach_perf_event_opts` (LIBBPF_0.5.0): attaches to the perf
/// event `pfd` (a BPF link when the kernel has them, else `PERF_EVENT_IOC_SET_BPF`
/// and `ENABLE`). On success the link owns `pfd` and closes it on destroy. P1;
/// `pfd < 0` or an unloaded program → EINVAL.
///
/// # Safety
/// `opts` is NULL or a valid opts struct of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_perf_event_opts(
    prog: *const bpf_program,
    pfd: c_int,
    opts: *const bpf_perf_event_opts,
) -> *mut bpf_link {
    ptr("bpf_program__attach_perf_event_opts", || {
        // SAFETY: NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        perf_event(prog, pfd, o.bpf_cookie)
    })
}

/// `bpf_program__attach_perf_event` (LIBBPF_0.0.4): `_opts` with NULL opts.
#[no_mangle]
pub extern "C" fn bpf_program__attach_perf_event(
    prog: *const bpf_program,
    pfd: c_int,
) -> *mut bpf_link {
    ptr("bpf_program__attach_perf_event", || {
        perf_event(prog, pfd, 0)
    })
}

/// The tracepoint attach of both exports.
///
/// # Safety
/// Names are NULL or C strings.
unsafe fn tracepoint(
    prog: *const bpf_program,
    tp_category: *const c_char,
    tp_name: *const c_char,
    cookie: u64,
) -> Result<*mut bpf_link, Error> {
    // SAFETY: NULL or C strings (caller contract).
    let (cat, name) = unsafe { (name_or_null(tp_category), name_or_null(tp_name)) };
    with_prog(prog, |_, p| perf::attach_tracepoint(p, &cat, &name, cookie))
}

/// `bpf_program__attach_tracepoint_opts` (LIBBPF_0.5.0): a `PERF_TYPE_TRACEPOINT`
/// event for `category/name` (id from tracefs at `/sys/kernel/tracing`, else
/// `/sys/kernel/debug/tracing`, mounting tracefs if neither is there) with the
/// program attached. P1: an unknown tracepoint gives ENOENT.
///
/// # Safety
/// Names are NULL or C strings; `opts` is NULL or a valid opts struct.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_tracepoint_opts(
    prog: *const bpf_program,
    tp_category: *const c_char,
    tp_name: *const c_char,
    opts: *const bpf_tracepoint_opts,
) -> *mut bpf_link {
    ptr("bpf_program__attach_tracepoint_opts", || {
        // SAFETY: NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        // SAFETY: NULL or C strings (caller contract).
        unsafe { tracepoint(prog, tp_category, tp_name, o.bpf_cookie) }
    })
}

/// `bpf_program__attach_tracepoint` (LIBBPF_0.0.4): `_opts` with NULL opts.
///
/// # Safety
/// Names are NULL or C strings.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_tracepoint(
    prog: *const bpf_program,
    tp_category: *const c_char,
    tp_name: *const c_char,
) -> *mut bpf_link {
    ptr("bpf_program__attach_tracepoint", || {
        // SAFETY: NULL or C strings (caller contract).
        unsafe { tracepoint(prog, tp_category, tp_name, 0) }
    })
}

/// `bpf_program__attach_raw_tracepoint` (LIBBPF_0.0.4): `BPF_RAW_TRACEPOINT_OPEN`
/// of `tp_name` (passed to the kernel as is: NULL gives its EFAULT). P1.
///
/// # Safety
/// `tp_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_raw_tracepoint(
    prog: *const bpf_program,
    tp_name: *const c_char,
) -> *mut bpf_link {
    ptr("bpf_program__attach_raw_tracepoint", || {
        // SAFETY: NULL or a C string (caller contract).
        let name = unsafe { arg::opt_cstr(tp_name) };
        with_prog(prog, |_, p| attach::attach_raw_tracepoint(p, name))
    })
}

/// `bpf_program__attach_trace_opts` (LIBBPF_0.8.0): a link of the program's
/// expected attach type (tp_btf, fentry, fexit, fmod_ret) with `opts->cookie`. P1.
///
/// # Safety
/// `opts` is NULL or a valid opts struct of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_trace_opts(
    prog: *const bpf_program,
    opts: *const bpf_trace_opts,
) -> *mut bpf_link {
    ptr("bpf_program__attach_trace_opts", || {
        // SAFETY: NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        with_prog(prog, |_, p| attach::attach_trace(p, o.cookie))
    })
}

/// `bpf_program__attach_trace` (LIBBPF_0.0.6): `_opts` with NULL opts.
#[no_mangle]
pub extern "C" fn bpf_program__attach_trace(prog: *const bpf_program) -> *mut bpf_link {
    ptr("bpf_program__attach_trace", || {
        with_prog(prog, |_, p| attach::attach_trace(p, 0))
    })
}

/// `bpf_program__attach_lsm` (LIBBPF_0.0.8): a `BPF_LSM_MAC` link (the program's
/// expected attach type). P1.
#[no_mangle]
pub extern "C" fn bpf_program__attach_lsm(prog: *const bpf_program) -> *mut bpf_link {
    ptr("bpf_program__attach_lsm", || {
        with_prog(prog, |_, p| attach::attach_trace(p, 0))
    })
}

/// `bpf_program__attach_cgroup` (LIBBPF_0.0.8): a cgroup link of the program's
/// expected attach type. P1.
#[no_mangle]
pub extern "C" fn bpf_program__attach_cgroup(
    prog: *const bpf_program,
    cgroup_fd: c_int,
) -> *mut bpf_link {
    ptr("bpf_program__attach_cgroup", || {
        with_prog(prog, |_, p| attach::attach_to(p, cgroup_fd, None, "cgroup"))
    })
}

/// `bpf_program__attach_netns` (LIBBPF_0.0.9): a network-namespace link (flow
/// dissector, sk_lookup) of the program's expected attach type. P1.
#[no_mangle]
pub extern "C" fn bpf_program__attach_netns(
    prog: *const bpf_program,
    netns_fd: c_int,
) -> *mut bpf_link {
    ptr("bpf_program__attach_netns", || {
        with_prog(prog, |_, p| attach::attach_to(p, netns_fd, None, "netns"))
    })
}

/// `bpf_program__attach_xdp` (LIBBPF_0.1.0): an XDP link (`BPF_XDP`) on
/// `ifindex` (kernel 5.9+). P1.
#[no_mangle]
pub extern "C" fn bpf_program__attach_xdp(
    prog: *const bpf_program,
    ifindex: c_int,
) -> *mut bpf_link {
    ptr("bpf_program__attach_xdp", || {
        with_prog(prog, |_, p| {
            attach::attach_to(p, ifindex, Some(crate::uapi::BPF_XDP), "xdp")
        })
    })
}

/// `bpf_program__attach_freplace` (LIBBPF_0.2.0): an freplace program's link to
/// function `attach_func_name` of the loaded program `target_fd`, or, with 0 and
/// NULL, to the function it was loaded against. P1: EINVAL for one without the
/// other, a program that is not freplace, or one not loaded; ENOENT when the
/// target program's BTF has no such function.
///
/// # Safety
/// `attach_func_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_freplace(
    prog: *const bpf_program,
    target_fd: c_int,
    attach_func_name: *const c_char,
) -> *mut bpf_link {
    ptr("bpf_program__attach_freplace", || {
        // SAFETY: NULL or a C string (caller contract).
        let func = unsafe { arg::opt_cstr(attach_func_name) }.map(|c| c.to_string_lossy());
        with_prog(prog, |_, p| {
            attach::attach_freplace(p, target_fd, func.as_deref())
        })
    })
}

/// `bpf_program__attach_iter` (LIBBPF_0.0.9): a `BPF_TRACE_ITER` link, with
/// `opts->link_info` (e.g. a map for map iterators); read it through
/// `bpf_iter_create(bpf_link__fd(link))`. P1.
///
/// # Safety
/// `opts` is NULL or a valid opts struct; `link_info` as the kernel requires.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_iter(
    prog: *const bpf_program,
    opts: *const bpf_iter_attach_opts,
) -> *mut bpf_link {
    ptr("bpf_program__attach_iter", || {
        // SAFETY: NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        with_prog(prog, |_, p| {
            attach::attach_iter(p, UserPtr::from_mut(o.link_info), o.link_info_len)
        })
    })
}

/// The kprobe attach of both exports.
///
/// # Safety
/// `func_name` is NULL or a C string.
unsafe fn kprobe(
    prog: *const bpf_program,
    func_name: *const c_char,
    o: &perf::KprobeOpts,
) -> Result<*mut bpf_link, Error> {
    // SAFETY: NULL or a C string (caller contract).
    let func = unsafe { arg::opt_cstr(func_name) };
    with_prog(prog, |_, p| perf::attach_kprobe(p, func, o))
}

/// `bpf_program__attach_kprobe_opts` (LIBBPF_0.5.0): a kprobe (or kretprobe) on
/// `func_name + offset` through the `kprobe` PMU. P1. On a kernel without kprobes
/// (no `kprobe` PMU) ENOENT, as libbpf 1.1.2, with a message saying so.
///
/// # Safety
/// `func_name` is NULL or a C string; `opts` is NULL or a valid opts struct.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_kprobe_opts(
    prog: *const bpf_program,
    func_name: *const c_char,
    opts: *const bpf_kprobe_opts,
) -> *mut bpf_link {
    ptr("bpf_program__attach_kprobe_opts", || {
        // SAFETY: NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        let ko = perf::KprobeOpts {
            cookie: o.bpf_cookie,
            offset: o.offset as u64,
            retprobe: o.retprobe,
        };
        // SAFETY: NULL or a C string (caller contract).
        unsafe { kprobe(prog, func_name, &ko) }
    })
}

/// `bpf_program__attach_kprobe` (LIBBPF_0.0.4): `_opts` with `retprobe` set.
///
/// # Safety
/// `func_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_kprobe(
    prog: *const bpf_program,
    retprobe: bool,
    func_name: *const c_char,
) -> *mut bpf_link {
    ptr("bpf_program__attach_kprobe", || {
        let ko = perf::KprobeOpts {
            retprobe,
            ..Default::default()
        };
        // SAFETY: NULL or a C string (caller contract).
        unsafe { kprobe(prog, func_name, &ko) }
    })
}

/// `bpf_program__attach_ksyscall` (LIBBPF_1.0.0): a kprobe on the kernel
/// function of syscall `syscall_name` (`__x64_sys_NAME` where the kernel has
/// syscall wrappers, else `sys_NAME`). P1; without kprobes ENOENT, as
/// `attach_kprobe`; a NULL name → EINVAL.
///
/// # Safety
/// `syscall_name` is NULL or a C string; `opts` is NULL or a valid opts struct.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_ksyscall(
    prog: *const bpf_program,
    syscall_name: *const c_char,
    opts: *const bpf_ksyscall_opts,
) -> *mut bpf_link {
    ptr("bpf_program__attach_ksyscall", || {
        // SAFETY: NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        // SAFETY: NULL or a C string (caller contract).
        let name = unsafe { arg::cstr(syscall_name, "syscall_name is NULL") }?;
        let func = CString::new(perf::ksyscall_func(&name.to_string_lossy()))
            .map_err(|_| Error::Inval("syscall name"))?;
        let ko = perf::KprobeOpts {
            cookie: o.bpf_cookie,
            offset: 0,
            retprobe: o.retprobe,
        };
        with_prog(prog, |_, p| perf::attach_kprobe(p, Some(&func), &ko))
    })
}

/// The uprobe attach of both exports.
///
/// # Safety
/// `binary_path` is NULL or a C string.
unsafe fn uprobe(
    prog: *const bpf_program,
    pid: c_int,
    binary_path: *const c_char,
    func_offset: usize,
    o: &perf::UprobeOpts,
) -> Result<*mut bpf_link, Error> {
    // SAFETY: NULL or a C string (caller contract).
    let path = unsafe { arg::cstr(binary_path, "binary_path is NULL") }?;
    with_prog(prog, |_, p| {
        perf::attach_uprobe(p, pid, path, func_offset as u64, o)
    })
}

/// `bpf_program__attach_uprobe_opts` (LIBBPF_0.5.0): a uprobe (or uretprobe) on
/// `binary_path` at file offset `func_offset`, plus the offset of
/// `opts->func_name` found in the ELF's symbols when given. `pid` -1: every
/// process; `pid` 0: this one. A path without `/` is searched as libbpf does.
/// P1: NULL path → EINVAL; missing file or function → ENOENT.
///
/// # Safety
/// `binary_path` is NULL or a C string; `opts` is NULL or a valid opts struct
/// whose `func_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_uprobe_opts(
    prog: *const bpf_program,
    pid: c_int,
    binary_path: *const c_char,
    func_offset: usize,
    opts: *const bpf_uprobe_opts,
) -> *mut bpf_link {
    ptr("bpf_program__attach_uprobe_opts", || {
        // SAFETY: NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        // SAFETY: NULL or a C string (caller contract).
        let func = unsafe { arg::opt_cstr(o.func_name) }.map(CStr::to_owned);
        let uo = perf::UprobeOpts {
            ref_ctr_offset: o.ref_ctr_offset as u64,
            cookie: o.bpf_cookie,
            retprobe: o.retprobe,
            func_name: func,
        };
        // SAFETY: NULL or a C string (caller contract).
        unsafe { uprobe(prog, pid, binary_path, func_offset, &uo) }
    })
}

/// `bpf_program__attach_uprobe` (LIBBPF_0.0.4): `_opts` with `retprobe` set.
///
/// # Safety
/// `binary_path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_uprobe(
    prog: *const bpf_program,
    retprobe: bool,
    pid: c_int,
    binary_path: *const c_char,
    func_offset: usize,
) -> *mut bpf_link {
    ptr("bpf_program__attach_uprobe", || {
        let uo = perf::UprobeOpts {
            retprobe,
            ..Default::default()
        };
        // SAFETY: NULL or a C string (caller contract).
        unsafe { uprobe(prog, pid, binary_path, func_offset, &uo) }
    })
}

/// `bpf_program__attach_usdt` (LIBBPF_0.8.0): one uprobe per site of USDT probe
/// `usdt_provider:usdt_name` in `binary_path` (`pid` -1: every process), the
/// spec of each in the object's `usdt.bpf.h` maps and `opts->usdt_cookie` in it.
/// NULL with ESRCH when the object lacks those maps, ENOENT when the binary has
/// no such probe, EINVAL for a NULL string.
///
/// # Safety
/// Strings are NULL or C strings; `opts` is NULL or a valid opts struct.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__attach_usdt(
    prog: *const bpf_program,
    pid: c_int,
    binary_path: *const c_char,
    usdt_provider: *const c_char,
    usdt_name: *const c_char,
    opts: *const bpf_usdt_opts,
) -> *mut bpf_link {
    ptr("bpf_program__attach_usdt", || {
        // SAFETY: NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        // SAFETY: NULL or C strings (caller contract).
        let (path, provider, name) = unsafe {
            (
                arg::cstr(binary_path, "binary_path is NULL")?,
                arg::cstr(usdt_provider, "usdt_provider is NULL")?,
                arg::cstr(usdt_name, "usdt_name is NULL")?,
            )
        };
        let (provider, name) = (provider.to_string_lossy(), name.to_string_lossy());
        with_prog(prog, |obj, p| {
            attach::usdt::attach(obj, p, pid, path, &provider, &name, o.usdt_cookie)
        })
    })
}
