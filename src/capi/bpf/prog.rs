//! Program load, attach, query and test-run wrappers of `bpf/bpf.h`: the 1.x
//! names and the 0.x ones (`bpf_load_program*`, `bpf_verify_program`,
//! `bpf_prog_test_run(_xattr)`, `bpf_prog_attach_xattr`). Links are in
//! `link.rs`, BTF loads in `btf.rs`.
//! Spec `libbpf-api.md` §1.1, §2, §4.2 (opts layouts of libbpf 1.1.2), §4.3.
//!
//! `bpf_load_program_attr` has anonymous unions in libbpf's header, which cbindgen
//! cannot write: its C definition is hand-written in `cbindgen.toml`
//! (`after_includes`), and the Rust mirror below, excluded from the header, spells
//! the same bytes with named padding (as `link.rs` does for `bpf_link_create_opts`).

use crate::capi::arg;
use crate::capi::boundary::{legacy_api, ll};
use crate::capi::opts::{impl_opts, opts_in, opts_out};
use crate::capi::types::*;
use crate::error::Error;
use crate::sys::attach::Query;
use crate::sys::prog::{Log, ProgLoad, Recs};
use crate::sys::test_run::TestRun;
use crate::sys::{self, UserPtr};
use std::ffi::{c_char, c_int, c_uint, c_void};
use std::mem::{offset_of, size_of};
use std::os::fd::{IntoRawFd, OwnedFd};

/// `struct bpf_prog_load_opts` (libbpf 0.6+; layout of 1.1.2, 104 bytes, last `log_buf`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_prog_load_opts {
    pub sz: usize,
    pub attempts: c_int,
    pub expected_attach_type: bpf_attach_type,
    pub prog_btf_fd: __u32,
    pub prog_flags: __u32,
    pub prog_ifindex: __u32,
    pub kern_version: __u32,
    pub attach_btf_id: __u32,
    pub attach_prog_fd: __u32,
    pub attach_btf_obj_fd: __u32,
    pub fd_array: *const c_int,
    pub func_info: *const c_void,
    pub func_info_cnt: __u32,
    pub func_info_rec_size: __u32,
    pub line_info: *const c_void,
    pub line_info_cnt: __u32,
    pub line_info_rec_size: __u32,
    pub log_level: __u32,
    pub log_size: __u32,
    pub log_buf: *mut c_char,
}
impl_opts!(bpf_prog_load_opts, log_buf: *mut c_char);
const _: () = {
    assert!(size_of::<bpf_prog_load_opts>() == 104);
    assert!(offset_of!(bpf_prog_load_opts, attempts) == 8);
    assert!(offset_of!(bpf_prog_load_opts, attach_btf_obj_fd) == 40);
    assert!(offset_of!(bpf_prog_load_opts, fd_array) == 48);
    assert!(offset_of!(bpf_prog_load_opts, func_info) == 56);
    assert!(offset_of!(bpf_prog_load_opts, func_info_rec_size) == 68);
    assert!(offset_of!(bpf_prog_load_opts, line_info) == 72);
    assert!(offset_of!(bpf_prog_load_opts, line_info_rec_size) == 84);
    assert!(offset_of!(bpf_prog_load_opts, log_level) == 88);
    assert!(offset_of!(bpf_prog_load_opts, log_size) == 92);
    assert!(offset_of!(bpf_prog_load_opts, log_buf) == 96);
};

/// `struct bpf_test_run_opts` (libbpf 0.2+; layout of 1.1.2, 80 bytes, last `batch_size`).
/// `data_size_out`, `ctx_size_out`, `retval` and `duration` are written back.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_test_run_opts {
    pub sz: usize,
    pub data_in: *const c_void,
    pub data_out: *mut c_void,
    pub data_size_in: __u32,
    pub data_size_out: __u32,
    pub ctx_in: *const c_void,
    pub ctx_out: *mut c_void,
    pub ctx_size_in: __u32,
    pub ctx_size_out: __u32,
    pub retval: __u32,
    pub repeat: c_int,
    pub duration: __u32,
    pub flags: __u32,
    pub cpu: __u32,
    pub batch_size: __u32,
}
impl_opts!(bpf_test_run_opts, batch_size: u32);
const _: () = {
    assert!(size_of::<bpf_test_run_opts>() == 80);
    assert!(offset_of!(bpf_test_run_opts, data_size_in) == 24);
    assert!(offset_of!(bpf_test_run_opts, ctx_in) == 32);
    assert!(offset_of!(bpf_test_run_opts, ctx_size_in) == 48);
    assert!(offset_of!(bpf_test_run_opts, retval) == 56);
    assert!(offset_of!(bpf_test_run_opts, repeat) == 60);
    assert!(offset_of!(bpf_test_run_opts, duration) == 64);
    assert!(offset_of!(bpf_test_run_opts, batch_size) == 76);
};

/// `struct bpf_prog_attach_opts` (libbpf 0.0.8+; layout of 1.1.2, 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_prog_attach_opts {
    pub sz: usize,
    pub flags: c_uint,
    pub replace_prog_fd: c_int,
}
impl_opts!(bpf_prog_attach_opts, replace_prog_fd: c_int);
const _: () = {
    assert!(size_of::<bpf_prog_attach_opts>() == 16);
    assert!(offset_of!(bpf_prog_attach_opts, replace_prog_fd) == 12);
};

/// `struct bpf_prog_query_opts` (libbpf 1.0+; layout of 1.1.2, 40 bytes).
/// `attach_flags` and `prog_cnt` are written back.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_prog_query_opts {
    pub sz: usize,
    pub query_flags: __u32,
    pub attach_flags: __u32,
    pub prog_ids: *mut __u32,
    pub prog_cnt: __u32,
    pub prog_attach_flags: *mut __u32,
}
impl_opts!(bpf_prog_query_opts, prog_attach_flags: *mut u32);
const _: () = {
    assert!(size_of::<bpf_prog_query_opts>() == 40);
    assert!(offset_of!(bpf_prog_query_opts, attach_flags) == 12);
    assert!(offset_of!(bpf_prog_query_opts, prog_ids) == 16);
    assert!(offset_of!(bpf_prog_query_opts, prog_cnt) == 24);
    assert!(offset_of!(bpf_prog_query_opts, prog_attach_flags) == 32);
};

/// `struct bpf_prog_bind_opts` (libbpf 0.2+; 16 bytes, last `flags`, known size 12).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_prog_bind_opts {
    pub sz: usize,
    pub flags: __u32,
}
impl_opts!(bpf_prog_bind_opts, flags: u32);
const _: () = assert!(size_of::<bpf_prog_bind_opts>() == 16);

/// Mirror of the 0.x `struct bpf_load_program_attr` (no `sz`, 96 bytes, §4.3). In C
/// `kern_version` shares its slot with `attach_prog_fd` and `prog_ifindex` with
/// `attach_btf_id` (anonymous unions; the C definition is hand-written in the header).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_load_program_attr {
    pub prog_type: bpf_prog_type,
    pub expected_attach_type: bpf_attach_type,
    pub name: *const c_char,
    pub insns: *const bpf_insn,
    pub insns_cnt: usize,
    pub license: *const c_char,
    /// Union: `kern_version` / `attach_prog_fd`.
    pub kern_version: __u32,
    /// Union: `prog_ifindex` / `attach_btf_id`.
    pub prog_ifindex: __u32,
    pub prog_btf_fd: __u32,
    pub func_info_rec_size: __u32,
    pub func_info: *const c_void,
    pub func_info_cnt: __u32,
    pub line_info_rec_size: __u32,
    pub line_info: *const c_void,
    pub line_info_cnt: __u32,
    pub log_level: __u32,
    pub prog_flags: __u32,
}
const _: () = {
    assert!(size_of::<bpf_load_program_attr>() == 96);
    assert!(offset_of!(bpf_load_program_attr, insns_cnt) == 24);
    assert!(offset_of!(bpf_load_program_attr, kern_version) == 40);
    assert!(offset_of!(bpf_load_program_attr, prog_ifindex) == 44);
    assert!(offset_of!(bpf_load_program_attr, func_info) == 56);
    assert!(offset_of!(bpf_load_program_attr, line_info_rec_size) == 68);
    assert!(offset_of!(bpf_load_program_attr, line_info_cnt) == 80);
    assert!(offset_of!(bpf_load_program_attr, log_level) == 84);
    assert!(offset_of!(bpf_load_program_attr, prog_flags) == 88);
};

/// `struct bpf_prog_test_run_attr` (libbpf 0.x, no `sz`, 80 bytes, §4.3).
/// `data_size_out`, `retval`, `duration` and `ctx_size_out` are written back.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_prog_test_run_attr {
    pub prog_fd: c_int,
    pub repeat: c_int,
    pub data_in: *const c_void,
    pub data_size_in: __u32,
    pub data_out: *mut c_void,
    pub data_size_out: __u32,
    pub retval: __u32,
    pub duration: __u32,
    pub ctx_in: *const c_void,
    pub ctx_size_in: __u32,
    pub ctx_out: *mut c_void,
    pub ctx_size_out: __u32,
}
const _: () = {
    assert!(size_of::<bpf_prog_test_run_attr>() == 80);
    assert!(offset_of!(bpf_prog_test_run_attr, data_size_in) == 16);
    assert!(offset_of!(bpf_prog_test_run_attr, data_out) == 24);
    assert!(offset_of!(bpf_prog_test_run_attr, retval) == 36);
    assert!(offset_of!(bpf_prog_test_run_attr, ctx_in) == 48);
    assert!(offset_of!(bpf_prog_test_run_attr, ctx_out) == 64);
    assert!(offset_of!(bpf_prog_test_run_attr, ctx_size_out) == 72);
};

// `opts_out!` sizes a field through `Default`; all-zero is the C default.
macro_rules! zero_default {
    ($($ty:ident),*) => {$(
        impl Default for $ty {
            fn default() -> Self {
                // SAFETY: a #[repr(C)] struct of integers and raw pointers, for which all-zero bytes are a valid value (NULL, 0).
                unsafe { std::mem::zeroed() }
            }
        }
    )*};
}
zero_default!(bpf_test_run_opts, bpf_prog_query_opts);

pub(super) fn fd_out(fd: OwnedFd) -> c_int {
    fd.into_raw_fd()
}

fn name_bytes(name: *const c_char) -> [u8; 16] {
    // SAFETY: libbpf's contract: a program name is NULL or a NUL-terminated string.
    unsafe { arg::opt_cstr(name) }
        .map(|s| crate::sys::attr::obj_name(s.to_bytes()))
        .unwrap_or_default()
}

/// `bpf_prog_load` (LIBBPF_0.6.0; the 6-argument form): loads `insn_cnt`
/// instructions as a program of `prog_type`. Returns a new fd (≥ 3), or the LL
/// failure value: the kernel's errno (EACCES when the verifier refuses), or
/// `-EINVAL`/`-E2BIG` directly for bad opts (`sz`, `attempts < 0`, `log_buf` and
/// `log_size` not set together, `log_level` above 7 or without `log_buf`, both
/// attach fds) and `insn_cnt > UINT_MAX`, as libbpf 1.1.2 checks them.
/// Retries EAGAIN `opts->attempts` times (default 5), resends BTF func/line info
/// with zeroed record tails when the kernel asks (E2BIG), and with `log_level` 0
/// and a `log_buf`, retries a failed load once at log level 1 to fill the buffer.
///
/// # Safety
/// `prog_name`/`license` are NULL or C strings; `insns` points to `insn_cnt`
/// instructions (the kernel reads them); `opts` is NULL or a valid opts struct of
/// `opts->sz` bytes whose `func_info`/`line_info` hold `cnt * rec_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_load(
    prog_type: bpf_prog_type,
    prog_name: *const c_char,
    license: *const c_char,
    insns: *const bpf_insn,
    insn_cnt: usize,
    opts: *const bpf_prog_load_opts,
) -> c_int {
    ll("bpf_prog_load", || {
        // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        // SAFETY: libbpf's contract: each array holds `cnt * rec_size` bytes, valid and unchanged for the duration of this call.
        let func_info = unsafe {
            Recs::new(
                arg::uptr(o.func_info),
                o.func_info_cnt,
                o.func_info_rec_size,
            )
        };
        // SAFETY: as above.
        let line_info = unsafe {
            Recs::new(
                arg::uptr(o.line_info),
                o.line_info_cnt,
                o.line_info_rec_size,
            )
        };
        let p = ProgLoad {
            prog_type,
            name: name_bytes(prog_name),
            license: arg::uptr(license),
            insns: arg::uptr(insns),
            insn_cnt,
            expected_attach_type: o.expected_attach_type,
            prog_btf_fd: o.prog_btf_fd,
            prog_flags: o.prog_flags,
            prog_ifindex: o.prog_ifindex,
            kern_version: o.kern_version,
            attach_btf_id: o.attach_btf_id,
            attach_prog_fd: o.attach_prog_fd,
            attach_btf_obj_fd: o.attach_btf_obj_fd,
            fd_array: arg::uptr(o.fd_array),
            func_info,
            line_info,
            log: Log {
                buf: arg::uptr(o.log_buf),
                size: o.log_size,
                level: o.log_level,
            },
            attempts: o.attempts,
        };
        Ok(fd_out(sys::prog::prog_load(&p)?))
    })
}

/// The 0.x attr as a 1.x load request (libbpf 0.7–0.8 `bpf_load_program_xattr`).
///
/// # Safety
/// The attr's pointers as in `bpf_prog_load`'s contract.
unsafe fn legacy_load(
    a: &bpf_load_program_attr,
    log_buf: *mut c_char,
    log_size: usize,
) -> ProgLoad<'_> {
    // SAFETY: libbpf's contract for the attr's func_info/line_info arrays.
    let func_info = unsafe {
        Recs::new(
            arg::uptr(a.func_info),
            a.func_info_cnt,
            a.func_info_rec_size,
        )
    };
    // SAFETY: as above.
    let line_info = unsafe {
        Recs::new(
            arg::uptr(a.line_info),
            a.line_info_cnt,
            a.line_info_rec_size,
        )
    };
    let mut p = ProgLoad {
        prog_type: a.prog_type,
        name: name_bytes(a.name),
        license: arg::uptr(a.license),
        insns: arg::uptr(a.insns),
        insn_cnt: a.insns_cnt,
        expected_attach_type: a.expected_attach_type,
        prog_btf_fd: a.prog_btf_fd,
        prog_flags: a.prog_flags,
        func_info,
        line_info,
        // libbpf stores the size_t in a __u32 (a size of 2^32 becomes 0: EINVAL).
        log: Log {
            buf: arg::uptr(log_buf),
            size: log_size as u32,
            level: a.log_level,
        },
        ..ProgLoad::default()
    };
    p.set_legacy_unions(a.kern_version, a.prog_ifindex);
    p
}

/// `bpf_load_program_xattr` (LIBBPF_0.0.1, 0.x-only): `bpf_prog_load` from a 0.x
/// attr struct and a separate log buffer, with the same retries (a failed load
/// without a log level is retried at level 1 when a buffer is given). NULL attr, or
/// a buffer without a size (or the reverse) → `-EINVAL`; else as `bpf_prog_load`.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `load_attr` is NULL or a valid `bpf_load_program_attr` whose pointers follow
/// `bpf_prog_load`'s contract; `log_buf` is NULL or `log_buf_sz` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_load_program_xattr(
    load_attr: *const bpf_load_program_attr,
    log_buf: *mut c_char,
    log_buf_sz: usize,
) -> c_int {
    legacy_api("bpf_load_program_xattr", || {
        ll("bpf_load_program_xattr", || {
            // SAFETY: NULL or a caller's struct, per the contract.
            let a = unsafe { arg::read(load_attr, "load_attr is NULL") }?;
            if log_buf.is_null() != (log_buf_sz == 0) {
                return Err(Error::inval("log_buf and log_buf_sz must be set together"));
            }
            // SAFETY: forwarded contract.
            let p = unsafe { legacy_load(&a, log_buf, log_buf_sz) };
            Ok(fd_out(sys::prog::prog_load(&p)?))
        })
    })
}

/// `bpf_load_program` (LIBBPF_0.0.1, 0.x-only): loads an unnamed program; the log
/// buffer is filled only if the load fails (one retry at log level 1).
/// A new fd or the LL failure value, as `bpf_load_program_xattr`.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// As `bpf_prog_load`; `log_buf` is NULL or `log_buf_sz` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_load_program(
    prog_type: bpf_prog_type,
    insns: *const bpf_insn,
    insns_cnt: usize,
    license: *const c_char,
    kern_version: __u32,
    log_buf: *mut c_char,
    log_buf_sz: usize,
) -> c_int {
    legacy_api("bpf_load_program", || {
        ll("bpf_load_program", || {
            if log_buf.is_null() != (log_buf_sz == 0) {
                return Err(Error::inval("log_buf and log_buf_sz must be set together"));
            }
            let a = bpf_load_program_attr {
                prog_type,
                expected_attach_type: 0,
                name: std::ptr::null(),
                insns,
                insns_cnt,
                license,
                kern_version,
                prog_ifindex: 0,
                prog_btf_fd: 0,
                func_info_rec_size: 0,
                func_info: std::ptr::null(),
                func_info_cnt: 0,
                line_info_rec_size: 0,
                line_info: std::ptr::null(),
                line_info_cnt: 0,
                log_level: 0,
                prog_flags: 0,
            };
            // SAFETY: no BTF arrays; the rest is forwarded contract.
            let p = unsafe { legacy_load(&a, log_buf, log_buf_sz) };
            Ok(fd_out(sys::prog::prog_load(&p)?))
        })
    })
}

/// `bpf_verify_program` (LIBBPF_0.0.1, 0.x-only): one load that always sends the
/// log as given (`log_level`, `log_buf`, `log_buf_sz`, no log retry), after
/// setting `log_buf[0] = 0`. A new fd or the LL failure value. A NULL `log_buf`
/// (which libbpf would dereference) → `-EINVAL`.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// As `bpf_prog_load`; `log_buf` is NULL or `log_buf_sz` (≥ 1) writable bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_verify_program(
    prog_type: bpf_prog_type,
    insns: *const bpf_insn,
    insns_cnt: usize,
    prog_flags: __u32,
    license: *const c_char,
    kern_version: __u32,
    log_buf: *mut c_char,
    log_buf_sz: usize,
    log_level: c_int,
) -> c_int {
    legacy_api("bpf_verify_program", || {
        ll("bpf_verify_program", || {
            if log_buf.is_null() {
                return Err(Error::inval("bpf_verify_program: log_buf is NULL"));
            }
            // SAFETY: non-NULL; libbpf writes this byte too, so the caller's buffer has room for it.
            unsafe { arg::write(log_buf, 0) };
            let p = ProgLoad {
                prog_type,
                insns: arg::uptr(insns),
                insn_cnt: insns_cnt,
                license: arg::uptr(license),
                kern_version,
                prog_flags,
                log: Log {
                    buf: arg::uptr(log_buf),
                    size: log_buf_sz as u32,
                    level: log_level as u32,
                },
                ..ProgLoad::default()
            };
            Ok(fd_out(sys::prog::prog_load_plain(&p)?))
        })
    })
}

/// `bpf_prog_test_run_opts` (LIBBPF_0.2.0): runs the program once or `repeat`
/// times on the given data/context. 0 or the LL failure value (bad opts →
/// `-EINVAL` directly). `data_size_out`, `ctx_size_out`, `duration` and `retval`
/// are written back into `opts` (when its `sz` covers them) whether or not the run
/// succeeded, as libbpf does.
///
/// # Safety
/// `opts` is NULL or a valid, writable opts struct of `opts->sz` bytes; its
/// buffers as the kernel requires.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_test_run_opts(
    prog_fd: c_int,
    opts: *mut bpf_test_run_opts,
) -> c_int {
    ll("bpf_prog_test_run_opts", || {
        // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts as *const bpf_test_run_opts) }?;
        let t = TestRun {
            data_in: arg::uptr(o.data_in),
            data_out: arg::uptr(o.data_out),
            data_size_in: o.data_size_in,
            data_size_out: o.data_size_out,
            ctx_in: arg::uptr(o.ctx_in),
            ctx_out: arg::uptr(o.ctx_out),
            ctx_size_in: o.ctx_size_in,
            ctx_size_out: o.ctx_size_out,
            repeat: o.repeat as u32,
            duration: o.duration,
            flags: o.flags,
            cpu: o.cpu,
            batch_size: o.batch_size,
        };
        let (r, out) = sys::test_run::prog_test_run(prog_fd, &t);
        opts_out!(opts, bpf_test_run_opts, data_size_out, out.data_size_out);
        opts_out!(opts, bpf_test_run_opts, ctx_size_out, out.ctx_size_out);
        opts_out!(opts, bpf_test_run_opts, duration, out.duration);
        opts_out!(opts, bpf_test_run_opts, retval, out.retval);
        r?;
        Ok(0)
    })
}

/// `bpf_prog_test_run` (LIBBPF_0.0.1, 0.x-only): runs the program `repeat` times on
/// `data` (`size` bytes), output unchecked in size. 0 or the LL failure value;
/// `*size_out`, `*retval`, `*duration` are written when non-NULL, whatever the result.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// Each out-pointer is NULL or writable; `data`/`data_out` as the kernel requires.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_test_run(
    prog_fd: c_int,
    repeat: c_int,
    data: *mut c_void,
    size: __u32,
    data_out: *mut c_void,
    size_out: *mut __u32,
    retval: *mut __u32,
    duration: *mut __u32,
) -> c_int {
    legacy_api("bpf_prog_test_run", || {
        ll("bpf_prog_test_run", || {
            let t = TestRun {
                data_in: arg::uptr(data),
                data_out: arg::uptr(data_out),
                data_size_in: size,
                repeat: repeat as u32,
                ..TestRun::default()
            };
            let (r, out) = sys::test_run::prog_test_run(prog_fd, &t);
            // SAFETY: each pointer is NULL or writable per the contract.
            unsafe {
                arg::write(size_out, out.data_size_out);
                arg::write(retval, out.retval);
                arg::write(duration, out.duration);
            }
            r?;
            Ok(0)
        })
    })
}

/// `bpf_prog_test_run_xattr` (LIBBPF_0.0.1, 0.x-only): as `bpf_prog_test_run_opts`
/// from the 0.x attr. NULL attr, or `data_size_out > 0` without `data_out` →
/// `-EINVAL`. The out-fields are written back into the attr whatever the result.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `test_attr` is NULL or a valid, writable `bpf_prog_test_run_attr`.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_test_run_xattr(test_attr: *mut bpf_prog_test_run_attr) -> c_int {
    legacy_api("bpf_prog_test_run_xattr", || {
        ll("bpf_prog_test_run_xattr", || {
            // SAFETY: NULL or a caller's struct, per the contract.
            let a = unsafe {
                arg::read(
                    test_attr as *const bpf_prog_test_run_attr,
                    "test_attr is NULL",
                )
            }?;
            let t = TestRun {
                data_in: arg::uptr(a.data_in),
                data_out: arg::uptr(a.data_out),
                data_size_in: a.data_size_in,
                data_size_out: a.data_size_out,
                ctx_in: arg::uptr(a.ctx_in),
                ctx_out: arg::uptr(a.ctx_out),
                ctx_size_in: a.ctx_size_in,
                ctx_size_out: a.ctx_size_out,
                repeat: a.repeat as u32,
                ..TestRun::default()
            };
            t.check_out_buffer()?;
            let (r, out) = sys::test_run::prog_test_run(a.prog_fd, &t);
            // SAFETY: `test_attr` is non-NULL (read above) and writable per the contract.
            unsafe {
                let p = test_attr;
                std::ptr::addr_of_mut!((*p).data_size_out).write_unaligned(out.data_size_out);
                std::ptr::addr_of_mut!((*p).ctx_size_out).write_unaligned(out.ctx_size_out);
                std::ptr::addr_of_mut!((*p).retval).write_unaligned(out.retval);
                std::ptr::addr_of_mut!((*p).duration).write_unaligned(out.duration);
            }
            r?;
            Ok(0)
        })
    })
}

/// `bpf_prog_attach` (LIBBPF_0.0.1): attaches a program to a cgroup, map or netns
/// target with `BPF_F_ALLOW_OVERRIDE`/`BPF_F_ALLOW_MULTI`/`BPF_F_REPLACE` flags.
/// 0 or the LL failure value.
#[no_mangle]
pub extern "C" fn bpf_prog_attach(
    prog_fd: c_int,
    attachable_fd: c_int,
    r#type: bpf_attach_type,
    flags: c_uint,
) -> c_int {
    ll("bpf_prog_attach", || {
        sys::attach::prog_attach(prog_fd, attachable_fd, r#type, flags, 0)?;
        Ok(0)
    })
}

/// # Safety
/// `opts` is NULL or a valid opts struct of `opts->sz` bytes.
unsafe fn attach_opts(
    prog_fd: c_int,
    target: c_int,
    r#type: bpf_attach_type,
    opts: *const bpf_prog_attach_opts,
) -> Result<c_int, Error> {
    // SAFETY: per this function's contract.
    let o = unsafe { opts_in(opts) }?;
    sys::attach::prog_attach(prog_fd, target, r#type, o.flags, o.replace_prog_fd)?;
    Ok(0)
}

/// `bpf_prog_attach_opts` (LIBBPF_0.0.8; first shipped in 0.7.0): as
/// `bpf_prog_attach` with `flags` and `replace_prog_fd` (for `BPF_F_REPLACE`) in
/// `opts`. 0 or the LL failure value; bad opts → `-EINVAL`.
///
/// # Safety
/// `opts` is NULL or a valid opts struct of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_attach_opts(
    prog_fd: c_int,
    attachable_fd: c_int,
    r#type: bpf_attach_type,
    opts: *const bpf_prog_attach_opts,
) -> c_int {
    // SAFETY: forwarded contract.
    ll("bpf_prog_attach_opts", || unsafe {
        attach_opts(prog_fd, attachable_fd, r#type, opts)
    })
}

/// `bpf_prog_attach_xattr` (LIBBPF_0.0.7, 0.x-only): the earlier name of
/// `bpf_prog_attach_opts`, same arguments and results.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `opts` is NULL or a valid opts struct of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_attach_xattr(
    prog_fd: c_int,
    attachable_fd: c_int,
    r#type: bpf_attach_type,
    opts: *const bpf_prog_attach_opts,
) -> c_int {
    legacy_api("bpf_prog_attach_xattr", || {
        // SAFETY: forwarded contract.
        ll("bpf_prog_attach_xattr", || unsafe {
            attach_opts(prog_fd, attachable_fd, r#type, opts)
        })
    })
}

/// `bpf_prog_detach` (LIBBPF_0.0.1): detaches the program attached to the target
/// for `type` (single-program attach points). 0 or the LL failure value.
#[no_mangle]
pub extern "C" fn bpf_prog_detach(attachable_fd: c_int, r#type: bpf_attach_type) -> c_int {
    ll("bpf_prog_detach", || {
        sys::attach::prog_detach(0, attachable_fd, r#type)?;
        Ok(0)
    })
}

/// `bpf_prog_detach2` (LIBBPF_0.0.1): detaches `prog_fd` from the target for
/// `type` (needed with `BPF_F_ALLOW_MULTI`). 0 or the LL failure value.
#[no_mangle]
pub extern "C" fn bpf_prog_detach2(
    prog_fd: c_int,
    attachable_fd: c_int,
    r#type: bpf_attach_type,
) -> c_int {
    ll("bpf_prog_detach2", || {
        sys::attach::prog_detach(prog_fd, attachable_fd, r#type)?;
        Ok(0)
    })
}

/// `bpf_prog_query_opts` (LIBBPF_1.0.0): lists the programs attached to a target.
/// `opts->prog_cnt` is in/out (room at `prog_ids`, then the count); `attach_flags`
/// and `prog_cnt` are written back whatever the result. 0 or the LL failure value
/// (ENOSPC when `prog_ids` is too small; bad opts → `-EINVAL`).
///
/// # Safety
/// `opts` is NULL or a valid, writable opts struct of `opts->sz` bytes; its arrays
/// as the kernel requires.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_query_opts(
    target_fd: c_int,
    r#type: bpf_attach_type,
    opts: *mut bpf_prog_query_opts,
) -> c_int {
    ll("bpf_prog_query_opts", || {
        // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts as *const bpf_prog_query_opts) }?;
        let q = Query {
            query_flags: o.query_flags,
            prog_ids: arg::uptr(o.prog_ids),
            prog_cnt: o.prog_cnt,
            prog_attach_flags: arg::uptr(o.prog_attach_flags),
        };
        let (r, out) = sys::attach::prog_query(target_fd, r#type, &q);
        opts_out!(opts, bpf_prog_query_opts, attach_flags, out.attach_flags);
        opts_out!(opts, bpf_prog_query_opts, prog_cnt, out.prog_cnt);
        r?;
        Ok(0)
    })
}

/// `bpf_prog_query` (LIBBPF_0.0.1): as `bpf_prog_query_opts`; `*prog_cnt` is
/// in/out and, with `*attach_flags` (if non-NULL), written whatever the result.
/// A NULL `prog_cnt` (which libbpf would dereference) → `-EINVAL`.
///
/// # Safety
/// `prog_cnt` points to a `__u32`; `attach_flags` is NULL or writable; `prog_ids`
/// holds `*prog_cnt` entries (the kernel writes them).
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_query(
    target_fd: c_int,
    r#type: bpf_attach_type,
    query_flags: __u32,
    attach_flags: *mut __u32,
    prog_ids: *mut __u32,
    prog_cnt: *mut __u32,
) -> c_int {
    ll("bpf_prog_query", || {
        // SAFETY: NULL or readable per the contract.
        let cnt = unsafe { arg::read(prog_cnt as *const __u32, "prog_cnt is NULL") }?;
        let q = Query {
            query_flags,
            prog_ids: arg::uptr(prog_ids),
            prog_cnt: cnt,
            prog_attach_flags: UserPtr::NULL,
        };
        let (r, out) = sys::attach::prog_query(target_fd, r#type, &q);
        // SAFETY: both NULL or writable per the contract (`prog_cnt` was read above).
        unsafe {
            arg::write(attach_flags, out.attach_flags);
            arg::write(prog_cnt, out.prog_cnt);
        }
        r?;
        Ok(0)
    })
}

/// `bpf_prog_bind_map` (LIBBPF_0.2.0): ties the map's lifetime to the program's.
/// 0 or the LL failure value; bad opts → `-EINVAL`.
///
/// # Safety
/// `opts` is NULL or a valid opts struct of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_bind_map(
    prog_fd: c_int,
    map_fd: c_int,
    opts: *const bpf_prog_bind_opts,
) -> c_int {
    ll("bpf_prog_bind_map", || {
        // SAFETY: `opts` is NULL or a caller's opts struct of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        sys::prog::prog_bind_map(prog_fd, map_fd, o.flags)?;
        Ok(0)
    })
}
