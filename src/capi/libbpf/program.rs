//! `bpf_program__*` getters and setters, pinning, and the 0.x program calls
//! (spec `libbpf-api.md` §1.2). The rules live in `load::edit` / `load::pin`;
//! this file converts pointers and return conventions.

use crate::capi::arg;
use crate::capi::boundary::{hl, hl_keep_errno, legacy_api, ptr, value};
use crate::capi::libbpf::object::{drop_priv, prog_mut, prog_ref};
use crate::capi::types::*;
use crate::error::Error;
use crate::insn::Insn;
use crate::load::ProgState;
use crate::uapi::*;
use std::ffi::{c_char, c_int, c_void};
use std::os::fd::AsRawFd;

/// The instructions `bpf_program__insns` shows: the loaded (or `set_insns`) code,
/// else the program's own instructions as in the ELF file.
fn current_insns(st: &crate::load::ObjState, i: usize) -> Vec<Insn> {
    let p = &st.progs[i];
    if let Some(v) = &p.insns {
        return v.clone();
    }
    st.obj
        .code
        .get(p.def.code)
        .and_then(|c| c.insns.get(p.def.insn_off..p.def.insn_off + p.def.insn_cnt))
        .map(<[Insn]>::to_vec)
        .unwrap_or_default()
}

/// A program field, or `d` for an invalid handle.
fn getter<T: Copy>(
    name: &'static str,
    prog: *const bpf_program,
    d: T,
    f: impl Fn(&ProgState) -> T,
) -> T {
    value(name, d, || {
        prog_ref(prog).map_or(d, |(h, i)| f(&h.st.progs[i]))
    })
}

/// A setter refused (EBUSY) after load.
fn setter(name: &'static str, prog: *mut bpf_program, f: impl FnOnce(&mut ProgState)) -> c_int {
    hl(name, || {
        let (h, i) = prog_mut(prog)?;
        f(h.st.prog_edit(i)?);
        Ok(0)
    })
}

/// `bpf_program__insns` (LIBBPF_0.6.0): the program's instructions (see
/// [`current_insns`]); valid until the next change to the program. NULL if invalid.
#[no_mangle]
pub extern "C" fn bpf_program__insns(prog: *const bpf_program) -> *const bpf_insn {
    ptr("bpf_program__insns", || {
        let (h, i) = prog_mut(prog)?;
        let bytes: Vec<u8> = current_insns(&h.st, i)
            .into_iter()
            .flat_map(Insn::to_bytes)
            .collect();
        let e = h.prog_extra_mut(i);
        e.view = bytes;
        Ok(e.view.as_ptr() as *mut bpf_insn)
    })
    .cast_const()
}

/// `bpf_program__insn_cnt` (LIBBPF_0.6.0): the number of instructions (0 if invalid).
#[no_mangle]
pub extern "C" fn bpf_program__insn_cnt(prog: *const bpf_program) -> usize {
    value("bpf_program__insn_cnt", 0, || {
        prog_ref(prog).map_or(0, |(h, i)| current_insns(&h.st, i).len())
    })
}

/// `bpf_program__size` (LIBBPF_0.0.6, 0.x): the size in bytes (insn_cnt × 8).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__size(prog: *const bpf_program) -> usize {
    legacy_api("bpf_program__size", || {
        bpf_program__insn_cnt(prog) * Insn::SIZE
    })
}

/// `bpf_program__set_insns` (LIBBPF_0.8.0): replaces the code to load (copied).
/// HL: -EBUSY after load, -EINVAL for NULL/0.
///
/// # Safety
/// `new_insns` is NULL or `new_insn_cnt` readable `struct bpf_insn`s.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__set_insns(
    prog: *mut bpf_program,
    new_insns: *mut bpf_insn,
    new_insn_cnt: usize,
) -> c_int {
    hl("bpf_program__set_insns", || {
        let (h, i) = prog_mut(prog)?;
        if new_insns.is_null() || new_insn_cnt == 0 {
            return Err(Error::Inval("no instructions"));
        }
        let len = new_insn_cnt
            .checked_mul(Insn::SIZE)
            .ok_or(Error::Inval("instruction count overflows"))?;
        // SAFETY: non-NULL with `new_insn_cnt` readable 8-byte instructions (caller contract).
        let bytes = unsafe { std::slice::from_raw_parts(new_insns.cast::<u8>(), len) };
        h.st.prog_edit(i)?.insns = Some(Insn::decode_all(bytes));
        Ok(0)
    })
}

/// `bpf_program__title` (LIBBPF_0.0.1, 0.x): the section name; with `needs_copy`
/// a `malloc`ed copy the caller frees. NULL with errno on error.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__title(prog: *const bpf_program, needs_copy: bool) -> *const c_char {
    legacy_api("bpf_program__title", || {
        ptr("bpf_program__title", || {
            let (h, i) = prog_ref(prog)?;
            let s = h.st.progs[i].def.sec_name.as_ptr();
            if !needs_copy {
                return Ok(s as *mut c_char);
            }
            // SAFETY: `s` is a NUL-terminated string owned by the handle.
            let c = unsafe { libc::strdup(s) };
            if c.is_null() {
                return Err(Error::NoMem("strdup"));
            }
            Ok(c)
        })
        .cast_const()
    })
}

/// `bpf_program__autoload` (LIBBPF_0.1.0): false if invalid.
#[no_mangle]
pub extern "C" fn bpf_program__autoload(prog: *const bpf_program) -> bool {
    getter("bpf_program__autoload", prog, false, |p| p.autoload)
}

/// `bpf_program__set_autoload` (LIBBPF_0.1.0): HL, -EINVAL after load.
#[no_mangle]
pub extern "C" fn bpf_program__set_autoload(prog: *mut bpf_program, autoload: bool) -> c_int {
    hl("bpf_program__set_autoload", || {
        let (h, i) = prog_mut(prog)?;
        h.st.set_autoload(i, autoload)?;
        Ok(0)
    })
}

/// `bpf_program__autoattach` (LIBBPF_1.0.0).
#[no_mangle]
pub extern "C" fn bpf_program__autoattach(prog: *const bpf_program) -> bool {
    getter("bpf_program__autoattach", prog, false, |p| p.autoattach)
}

/// `bpf_program__set_autoattach` (LIBBPF_1.0.0): allowed at any time.
#[no_mangle]
pub extern "C" fn bpf_program__set_autoattach(prog: *mut bpf_program, autoattach: bool) {
    value("bpf_program__set_autoattach", (), || {
        if let Ok((h, i)) = prog_mut(prog) {
            h.st.progs[i].autoattach = autoattach;
        }
    })
}

/// `bpf_program__expected_attach_type` (LIBBPF_0.7.0).
#[no_mangle]
pub extern "C" fn bpf_program__expected_attach_type(prog: *const bpf_program) -> bpf_attach_type {
    getter("bpf_program__expected_attach_type", prog, 0, |p| {
        p.def.expected_attach_type
    })
}

/// `bpf_program__get_expected_attach_type` (LIBBPF_0.0.6, `libbpf_legacy.h`).
#[no_mangle]
pub extern "C" fn bpf_program__get_expected_attach_type(
    prog: *const bpf_program,
) -> bpf_attach_type {
    bpf_program__expected_attach_type(prog)
}

/// `bpf_program__get_type` (LIBBPF_0.0.6, `libbpf_legacy.h`).
#[no_mangle]
pub extern "C" fn bpf_program__get_type(prog: *const bpf_program) -> bpf_prog_type {
    crate::capi::libbpf::object::bpf_program__type(prog)
}

/// `bpf_program__set_expected_attach_type` (LIBBPF_0.0.1; `int` since 1.0): HL,
/// -EBUSY after load.
#[no_mangle]
pub extern "C" fn bpf_program__set_expected_attach_type(
    prog: *mut bpf_program,
    attach_type: bpf_attach_type,
) -> c_int {
    setter("bpf_program__set_expected_attach_type", prog, |p| {
        p.def.expected_attach_type = attach_type
    })
}

/// `bpf_program__flags` (LIBBPF_0.6.0): the extra `prog_flags` for load.
#[no_mangle]
pub extern "C" fn bpf_program__flags(prog: *const bpf_program) -> __u32 {
    getter("bpf_program__flags", prog, 0, |p| p.prog_flags)
}

/// `bpf_program__set_flags` (LIBBPF_0.6.0): HL, -EBUSY after load.
#[no_mangle]
pub extern "C" fn bpf_program__set_flags(prog: *mut bpf_program, flags: __u32) -> c_int {
    setter("bpf_program__set_flags", prog, |p| p.prog_flags = flags)
}

/// `bpf_program__log_level` (LIBBPF_0.7.0).
#[no_mangle]
pub extern "C" fn bpf_program__log_level(prog: *const bpf_program) -> __u32 {
    getter("bpf_program__log_level", prog, 0, |p| p.log_level)
}

/// `bpf_program__set_log_level` (LIBBPF_0.7.0): HL, -EBUSY after load.
#[no_mangle]
pub extern "C" fn bpf_program__set_log_level(prog: *mut bpf_program, log_level: __u32) -> c_int {
    setter("bpf_program__set_log_level", prog, |p| {
        p.log_level = log_level
    })
}

/// `bpf_program__log_buf` (LIBBPF_0.7.0): the caller's log buffer (NULL if none),
/// its size in `*log_size`.
///
/// # Safety
/// `log_size` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__log_buf(
    prog: *const bpf_program,
    log_size: *mut usize,
) -> *const c_char {
    ptr("bpf_program__log_buf", || {
        let (h, i) = prog_ref(prog)?;
        let (buf, size) = h.st.progs[i].log_buf.unwrap_or_default();
        // SAFETY: NULL or writable (caller contract).
        unsafe { arg::write(log_size, size as usize) };
        Ok(buf.0 as usize as *mut c_char)
    })
    .cast_const()
}

/// `bpf_program__set_log_buf` (LIBBPF_0.7.0): the buffer the kernel writes this
/// program's verifier log into. -EINVAL for a size without a buffer or above
/// UINT_MAX, -EBUSY after load; errno is left alone, as in libbpf 1.1.2.
#[no_mangle]
pub extern "C" fn bpf_program__set_log_buf(
    prog: *mut bpf_program,
    log_buf: *mut c_char,
    log_size: usize,
) -> c_int {
    hl_keep_errno("bpf_program__set_log_buf", || {
        let (h, i) = prog_mut(prog)?;
        h.st.set_log_buf(i, arg::uptr(log_buf), log_size)?;
        Ok(0)
    })
}

/// `bpf_program__set_attach_target` (LIBBPF_0.0.8): the BTF target of a
/// tp_btf/fentry/fexit/lsm program (kernel function by name, fd 0), or a function
/// of the loaded program `attach_prog_fd` (freplace, fentry/fexit/fmod_ret; with no
/// name the section's is looked up at load). HL: -EINVAL for a negative fd, after
/// load, or a target program without BTF; -ESRCH when the kernel has no such
/// function, -ENOENT when the target program's BTF has none.
///
/// # Safety
/// `attach_func_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__set_attach_target(
    prog: *mut bpf_program,
    attach_prog_fd: c_int,
    attach_func_name: *const c_char,
) -> c_int {
    hl("bpf_program__set_attach_target", || {
        let (h, i) = prog_mut(prog)?;
        // SAFETY: NULL or a C string (caller contract).
        let func = unsafe { arg::opt_cstr(attach_func_name) }.map(|c| c.to_string_lossy());
        h.st.set_attach_target(i, attach_prog_fd, func.as_deref())?;
        Ok(0)
    })
}

/// `bpf_program__set_ifindex` (LIBBPF_0.0.1): the device for offload.
#[no_mangle]
pub extern "C" fn bpf_program__set_ifindex(prog: *mut bpf_program, ifindex: __u32) {
    value("bpf_program__set_ifindex", (), || {
        if let Ok((h, i)) = prog_mut(prog) {
            h.st.progs[i].ifindex = ifindex;
        }
    })
}

/// `bpf_program__nth_fd` (LIBBPF_0.0.1, 0.x): instance `n`'s fd; a program has one
/// instance (n = 0) once loaded. HL: -EINVAL for another n or before load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__nth_fd(prog: *const bpf_program, n: c_int) -> c_int {
    legacy_api("bpf_program__nth_fd", || {
        hl("bpf_program__nth_fd", || {
            let (h, i) = prog_ref(prog)?;
            match (&h.st.progs[i].fd, n) {
                (Some(fd), 0) => Ok(fd.as_raw_fd()),
                _ => Err(Error::Inval("no such program instance")),
            }
        })
    })
}

/// `bpf_program__unload` (LIBBPF_0.0.1): closes the program's fd.
#[no_mangle]
pub extern "C" fn bpf_program__unload(prog: *mut bpf_program) {
    value("bpf_program__unload", (), || {
        if let Ok((h, i)) = prog_mut(prog) {
            h.st.progs[i].fd = None;
        }
    })
}

/// `bpf_program__pin` (LIBBPF_0.0.1): pins the loaded program at `path` (parent
/// directory created; must be on bpffs). HL.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__pin(prog: *mut bpf_program, path: *const c_char) -> c_int {
    hl("bpf_program__pin", || {
        let (h, i) = prog_ref(prog)?;
        // SAFETY: NULL or a C string (caller contract).
        let p = unsafe { arg::cstr(path, "path is NULL") }?;
        h.st.pin_prog(i, &p.to_string_lossy())?;
        Ok(0)
    })
}

/// `bpf_program__unpin` (LIBBPF_0.0.1): removes the pin at `path`. HL.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__unpin(prog: *mut bpf_program, path: *const c_char) -> c_int {
    hl("bpf_program__unpin", || {
        let (h, i) = prog_ref(prog)?;
        // SAFETY: NULL or a C string (caller contract).
        let p = unsafe { arg::cstr(path, "path is NULL") }?;
        h.st.unpin_prog(i, &p.to_string_lossy())?;
        Ok(0)
    })
}

/// `bpf_program__prev` (LIBBPF_0.0.1, 0.x): the program before `prog` (the last
/// for NULL); NULL at the start.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__prev(
    prog: *mut bpf_program,
    obj: *const bpf_object,
) -> *mut bpf_program {
    legacy_api("bpf_program__prev", || {
        crate::capi::libbpf::object::bpf_object__prev_program(obj, prog)
    })
}

/// Opaque `void *` user data and its destructor (0.x `set_priv`).
pub(crate) type ProgClearPriv = Option<unsafe extern "C" fn(*mut bpf_program, *mut c_void)>;

/// `bpf_program__set_priv` (LIBBPF_0.0.1, 0.x): attaches user data; the previous
/// data's destructor runs first, and the last one runs at `bpf_object__close`. HL.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `clear_priv` is NULL or a function safe to call with the handle and `priv_`.
#[no_mangle]
pub unsafe extern "C" fn bpf_program__set_priv(
    prog: *mut bpf_program,
    priv_: *mut c_void,
    clear_priv: ProgClearPriv,
) -> c_int {
    legacy_api("bpf_program__set_priv", || {
        hl("bpf_program__set_priv", || {
            let (h, i) = prog_mut(prog)?;
            let old = std::mem::replace(&mut h.prog_extra_mut(i).priv_, (priv_, clear_priv));
            // SAFETY: the caller's registered destructor with its own pointers.
            unsafe { drop_priv(old, prog) };
            Ok(0)
        })
    })
}

/// `bpf_program__priv` (LIBBPF_0.0.1, 0.x): the user data (NULL if none/invalid).
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__priv(prog: *const bpf_program) -> *mut c_void {
    legacy_api("bpf_program__priv", || {
        ptr("bpf_program__priv", || {
            let (h, i) = prog_ref(prog)?;
            Ok(h.prog_extra(i).map_or(std::ptr::null_mut(), |e| e.priv_.0))
        })
    })
}

/// Whether `prog` is a program of a live object with type `t` (the 0.x `is_*`).
fn is_type(prog: *const bpf_program, t: bpf_prog_type) -> bool {
    prog_ref(prog).is_ok() && crate::capi::libbpf::object::bpf_program__type(prog) == t
}

/// `bpf_program__set_socket_filter` (LIBBPF_0.0.1, 0.x-only): sets the program type to
/// 1. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_socket_filter(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_socket_filter", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_SOCKET_FILTER)
    })
}

/// `bpf_program__is_socket_filter` (LIBBPF_0.0.1, 0.x-only): whether the program's type is 1.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_socket_filter(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_socket_filter", || {
        is_type(prog, BPF_PROG_TYPE_SOCKET_FILTER)
    })
}

/// `bpf_program__set_kprobe` (LIBBPF_0.0.1, 0.x-only): sets the program type to
/// 2. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_kprobe(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_kprobe", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_KPROBE)
    })
}

/// `bpf_program__is_kprobe` (LIBBPF_0.0.1, 0.x-only): whether the program's type is 2.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_kprobe(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_kprobe", || {
        is_type(prog, BPF_PROG_TYPE_KPROBE)
    })
}

/// `bpf_program__set_sched_cls` (LIBBPF_0.0.1, 0.x-only): sets the program type to
/// 3. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_sched_cls(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_sched_cls", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_SCHED_CLS)
    })
}

/// `bpf_program__is_sched_cls` (LIBBPF_0.0.1, 0.x-only): whether the program's type is 3.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_sched_cls(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_sched_cls", || {
        is_type(prog, BPF_PROG_TYPE_SCHED_CLS)
    })
}

/// `bpf_program__set_sched_act` (LIBBPF_0.0.1, 0.x-only): sets the program type to
/// 4. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_sched_act(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_sched_act", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_SCHED_ACT)
    })
}

/// `bpf_program__is_sched_act` (LIBBPF_0.0.1, 0.x-only): whether the program's type is 4.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_sched_act(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_sched_act", || {
        is_type(prog, BPF_PROG_TYPE_SCHED_ACT)
    })
}

/// `bpf_program__set_tracepoint` (LIBBPF_0.0.1, 0.x-only): sets the program type to
/// 5. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_tracepoint(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_tracepoint", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_TRACEPOINT)
    })
}

/// `bpf_program__is_tracepoint` (LIBBPF_0.0.1, 0.x-only): whether the program's type is 5.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_tracepoint(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_tracepoint", || {
        is_type(prog, BPF_PROG_TYPE_TRACEPOINT)
    })
}

/// `bpf_program__set_xdp` (LIBBPF_0.0.1, 0.x-only): sets the program type to
/// 6. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_xdp(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_xdp", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_XDP)
    })
}

/// `bpf_program__is_xdp` (LIBBPF_0.0.1, 0.x-only): whether the program's type is 6.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_xdp(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_xdp", || is_type(prog, BPF_PROG_TYPE_XDP))
}

/// `bpf_program__set_perf_event` (LIBBPF_0.0.1, 0.x-only): sets the program type to
/// 7. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_perf_event(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_perf_event", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_PERF_EVENT)
    })
}

/// `bpf_program__is_perf_event` (LIBBPF_0.0.1, 0.x-only): whether the program's type is 7.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_perf_event(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_perf_event", || {
        is_type(prog, BPF_PROG_TYPE_PERF_EVENT)
    })
}

/// `bpf_program__set_raw_tracepoint` (LIBBPF_0.0.1, 0.x-only): sets the program type to
/// 17. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_raw_tracepoint(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_raw_tracepoint", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_RAW_TRACEPOINT)
    })
}

/// `bpf_program__is_raw_tracepoint` (LIBBPF_0.0.1, 0.x-only): whether the program's type is 17.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_raw_tracepoint(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_raw_tracepoint", || {
        is_type(prog, BPF_PROG_TYPE_RAW_TRACEPOINT)
    })
}

/// `bpf_program__set_tracing` (LIBBPF_0.0.6, 0.x-only): sets the program type to
/// 26. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_tracing(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_tracing", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_TRACING)
    })
}

/// `bpf_program__is_tracing` (LIBBPF_0.0.6, 0.x-only): whether the program's type is 26.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_tracing(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_tracing", || {
        is_type(prog, BPF_PROG_TYPE_TRACING)
    })
}

/// `bpf_program__set_struct_ops` (LIBBPF_0.0.7, 0.x-only): sets the program type to
/// 27. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_struct_ops(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_struct_ops", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_STRUCT_OPS)
    })
}

/// `bpf_program__is_struct_ops` (LIBBPF_0.0.7, 0.x-only): whether the program's type is 27.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_struct_ops(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_struct_ops", || {
        is_type(prog, BPF_PROG_TYPE_STRUCT_OPS)
    })
}

/// `bpf_program__set_extension` (LIBBPF_0.0.7, 0.x-only): sets the program type to
/// 28. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_extension(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_extension", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_EXT)
    })
}

/// `bpf_program__is_extension` (LIBBPF_0.0.7, 0.x-only): whether the program's type is 28.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_extension(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_extension", || {
        is_type(prog, BPF_PROG_TYPE_EXT)
    })
}

/// `bpf_program__set_lsm` (LIBBPF_0.0.8, 0.x-only): sets the program type to
/// 29. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_lsm(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_lsm", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_LSM)
    })
}

/// `bpf_program__is_lsm` (LIBBPF_0.0.8, 0.x-only): whether the program's type is 29.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_lsm(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_lsm", || is_type(prog, BPF_PROG_TYPE_LSM))
}

/// `bpf_program__set_sk_lookup` (LIBBPF_0.1.0, 0.x-only): sets the program type to
/// 30. HL; -EBUSY after load.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__set_sk_lookup(prog: *mut bpf_program) -> c_int {
    legacy_api("bpf_program__set_sk_lookup", || {
        crate::capi::libbpf::object::bpf_program__set_type(prog, BPF_PROG_TYPE_SK_LOOKUP)
    })
}

/// `bpf_program__is_sk_lookup` (LIBBPF_0.1.0, 0.x-only): whether the program's type is 30.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__is_sk_lookup(prog: *const bpf_program) -> bool {
    legacy_api("bpf_program__is_sk_lookup", || {
        is_type(prog, BPF_PROG_TYPE_SK_LOOKUP)
    })
}
