//! libbpf's return conventions (spec `libbpf-api.md` §2), in one place.
//!
//! The rule, also written in the header's preamble and the README ("Error convention"):
//! - low-level (LL, `bpf.h`) int calls return `-errno`, errno set too: libbpf 1.x's
//!   convention, the default (our headers announce libbpf 1.1, so a program built
//!   against them, e.g. a bpftool skeleton user testing `bpf_map__lookup_elem` for
//!   `-ENOENT`, gets what it was written for);
//! - the process switches to libbpf 0.x's convention on its first call of an export
//!   that only libbpf 0.x or `samples/bpf/bpf_load.c` had: each such export goes
//!   through [`crate::capi::boundary::legacy_api`] (`build.rs` checks that these are
//!   exactly the exports of `abi/libbpf-0.x.tsv` and of `src/capi/legacy/`), which
//!   calls [`legacy_api_called`]. From then on a *kernel* refusal returns `-1` with
//!   errno set (so `while (bpf_map_get_next_key(...) != -1)` ends), as libbpf 0.8's
//!   default did for such programs; user-space argument checks still return
//!   `-errno`. A debug message names the call that caused the switch; there is no
//!   way back but `libbpf_set_strict_mode`;
//! - pins, which a 0.x-only call does not move: `libbpf_set_strict_mode()` (at each
//!   call: `LIBBPF_STRICT_DIRECT_ERRS` or `ALL` → 1.x, other flags → 0.x);
//!   `LIBBPFRS_STRICT=1` (1.x) or `=0` (0.x) in the environment; the library loaded
//!   under the file name `libbpf.so.1` (1.x binaries: 1.x) or `libbpf.so.0`
//!   (0.x binaries: 0.x);
//! - the other strict-mode flags (`strict_flags`: legacy `SEC("maps")` refused, …)
//!   come only with an explicit `libbpf_set_strict_mode`, `LIBBPFRS_STRICT=1` or the
//!   `libbpf.so.1` name, never with the 1.x default;
//! - object-API (HL) int calls always return a negative code with errno set;
//! - pointer calls always return NULL with errno set (never `ERR_PTR`).
//!
//! Residual risk: a 0.x program that calls no 0.x-only export but tests LL results
//! against `-1` (e.g. `bpf_map_get_next_key(...) != -1` on a map made by
//! `bpf_map_create` or an object) gets `-errno`, unless it runs with
//! `LIBBPFRS_STRICT=0`, calls `libbpf_set_strict_mode(LIBBPF_STRICT_NONE)`, or loads
//! the library as `libbpf.so.0`.

use crate::error::Error;
use crate::events::Abort;
use std::ffi::c_int;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};

/// `LIBBPF_STRICT_DIRECT_ERRS`.
pub const STRICT_DIRECT_ERRS: u32 = 0x02;

/// Not decided yet: the first LL failure or 0.x-only call reads the environment.
const MODE_UNSET: u8 = 0;
/// 1.x returns, the default: the first 0.x-only call moves to `MODE_0X`.
const MODE_1X: u8 = 1;
/// 0.x returns since a 0.x-only call (only `libbpf_set_strict_mode` moves it).
const MODE_0X: u8 = 2;
/// Pinned (strict mode set, `LIBBPFRS_STRICT`, or the library's file name).
const MODE_PINNED_0X: u8 = 3;
const MODE_PINNED_1X: u8 = 4;

static MODE: AtomicU8 = AtomicU8::new(MODE_UNSET);
static STRICT_FLAGS: AtomicU32 = AtomicU32::new(0);

/// The libbpf major version a binary that loaded this library under a compat file
/// name was built for: `libbpf.so.1` (or `libbpf.so.1.x`) → 1, `libbpf.so.0`
/// (or `libbpf.so.0.x`) → 0; any other name (`libbpfrs.so.1`, a static link) → None.
fn loaded_as_libbpf() -> Option<u8> {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    let addr = loaded_as_libbpf as *const libc::c_void;
    // SAFETY: dladdr only reads the loader's tables and fills `info`; `addr` is code in this library.
    let ok = unsafe { libc::dladdr(addr, info.as_mut_ptr()) } != 0;
    if !ok {
        return None;
    }
    // SAFETY: dladdr succeeded, so `info` is filled; dli_fname is NULL or a NUL-terminated path owned by the loader.
    let fname = unsafe { info.assume_init() }.dli_fname;
    if fname.is_null() {
        return None;
    }
    // SAFETY: non-NULL NUL-terminated string that lives as long as the loaded object.
    let path = unsafe { std::ffi::CStr::from_ptr(fname) }.to_bytes();
    compat_major(path.rsplit(|&b| b == b'/').next().unwrap_or(path))
}

/// `libbpf.so.N` or `libbpf.so.N.…` with N 0 or 1 → Some(N).
fn compat_major(base: &[u8]) -> Option<u8> {
    let rest = base.strip_prefix(b"libbpf.so.")?;
    let major = match rest.first()? {
        b'0' => 0,
        b'1' => 1,
        _ => return None,
    };
    matches!(rest.get(1), None | Some(b'.')).then_some(major)
}

#[cold]
fn init_mode() -> u8 {
    // LIBBPFRS_STRICT=1 pins the 1.x convention, =0 the 0.x one; otherwise the
    // file name the library was loaded as pins it; otherwise 1.x, switchable.
    let m = match std::env::var_os("LIBBPFRS_STRICT") {
        Some(v) if v == "1" => MODE_PINNED_1X,
        Some(v) if v == "0" => MODE_PINNED_0X,
        _ => match loaded_as_libbpf() {
            Some(1) => MODE_PINNED_1X,
            Some(_) => MODE_PINNED_0X,
            None => MODE_1X,
        },
    };
    // Another thread may have set the mode meanwhile: keep theirs (and their flags).
    match MODE.compare_exchange(MODE_UNSET, m, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => {
            if m == MODE_PINNED_1X {
                // As libbpf 1.x: every strict behaviour (legacy SEC("maps") refused),
                // unless libbpf_set_strict_mode has just stored its own flags.
                let _ = STRICT_FLAGS.compare_exchange(
                    0,
                    u32::MAX,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                );
            }
            m
        }
        Err(cur) => cur,
    }
}

#[inline]
fn mode() -> u8 {
    let m = MODE.load(Ordering::Relaxed);
    if m == MODE_UNSET {
        init_mode()
    } else {
        m
    }
}

/// True when LL calls return `-errno` (1.x convention).
#[inline]
pub fn direct_errs() -> bool {
    matches!(mode(), MODE_1X | MODE_PINNED_1X)
}

/// A 0.x-only export (`boundary::legacy_api`) is being called: the first one moves
/// the process from the 1.x default to the 0.x convention (not a pinned mode).
#[inline]
pub fn legacy_api_called(name: &'static str) {
    if mode() == MODE_1X {
        switch_to_0x(name);
    }
}

#[cold]
fn switch_to_0x(name: &'static str) {
    if MODE
        .compare_exchange(MODE_1X, MODE_0X, Ordering::Relaxed, Ordering::Relaxed)
        .is_ok()
    {
        crate::log::debug(format_args!(
            "{name}() is a libbpf 0.x API: low-level calls now return -1 with errno set when the kernel refuses (libbpf 0.x convention)"
        ));
    }
}

/// `libbpf_set_strict_mode`: stores the flags and pins the convention:
/// DIRECT_ERRS (or ALL) `-errno`, anything else 0.x's `-1`.
pub fn set_strict_mode(flags: u32) {
    STRICT_FLAGS.store(flags, Ordering::Relaxed);
    let m = if flags & STRICT_DIRECT_ERRS != 0 {
        MODE_PINNED_1X
    } else {
        MODE_PINNED_0X
    };
    MODE.store(m, Ordering::Relaxed);
}

/// The strict-mode flags last set (for features that depend on other bits): those
/// of `libbpf_set_strict_mode`, all of them under `LIBBPFRS_STRICT=1` or the
/// `libbpf.so.1` name, none otherwise (the 1.x default and a 0.x switch set none).
pub fn strict_flags() -> u32 {
    let _ = mode();
    STRICT_FLAGS.load(Ordering::Relaxed)
}

/// Sets the calling thread's errno.
#[inline]
pub fn set_errno(e: c_int) {
    // SAFETY: __errno_location returns the calling thread's errno slot, valid for the thread's lifetime.
    unsafe { *libc::__errno_location() = e };
}

/// Reads the calling thread's errno.
#[inline]
pub fn get_errno() -> c_int {
    // SAFETY: as in `set_errno`.
    unsafe { *libc::__errno_location() }
}

/// LL failure value: sets errno; `-1` for kernel refusals in legacy mode, else `-errno`.
#[inline]
pub fn ll_fail(e: &Error) -> c_int {
    let errno = e.errno();
    let ret = if e.is_syscall() && !direct_errs() {
        -1
    } else {
        -errno
    };
    set_errno(errno);
    ret
}

/// [`ll_fail`] for a kernel refusal (`Error::Sys`) with this errno.
#[inline]
pub fn ll_sys_fail(errno: i32) -> c_int {
    let ret = if direct_errs() { -errno } else { -1 };
    set_errno(errno);
    ret
}

/// HL failure value: `-errno`, errno set.
#[inline]
pub fn hl_fail(e: &Error) -> c_int {
    let errno = e.errno();
    set_errno(errno);
    -errno
}

/// Pointer failure: errno set; the caller returns NULL.
#[inline]
pub fn ptr_fail(e: &Error) {
    set_errno(e.errno());
}

/// libbpf's `libbpf_err(ret)`: a negative `ret` sets errno to `-ret`, and `ret`
/// is returned as is. For values passed through to C unchanged: a ring or perf
/// buffer callback's result, an `ERR_PTR` code.
#[inline]
pub fn libbpf_err(ret: c_int) -> c_int {
    if ret < 0 {
        set_errno(ret.wrapping_neg());
    }
    ret
}

/// The return of an HL export when an export it called (NULL or negative) has
/// failed: that call's errno, passed on as libbpf passes it
/// (`libbpf_err(-errno)`; skeletons open and load through the object API).
#[inline]
pub fn pass_errno() -> c_int {
    libbpf_err(get_errno().wrapping_neg())
}

/// What a ring or perf buffer poll/consume returns to C: the count, the
/// stopping callback's value through [`libbpf_err`], or the failure.
pub fn poll_result(r: Result<c_int, Abort>) -> Result<c_int, Error> {
    match r {
        Ok(n) => Ok(n),
        Err(Abort::Callback(c)) => Ok(libbpf_err(c)),
        Err(Abort::Sys(e)) => Err(e),
    }
}

/// A failure value of a call with its own convention (bpf_load.c's `1`/`-1`,
/// `bpf_perf_event_read_simple`'s `LIBBPF_PERF_EVENT_ERROR`, a void export's
/// `()`): errno set to the positive `errno`, `ret` returned.
#[inline]
pub fn fail_with<T>(ret: T, errno: c_int) -> T {
    set_errno(errno);
    ret
}

/// Runs `f` (a C callback) and restores errno afterwards, as libbpf does around
/// its print callback.
#[inline]
pub fn keep_errno<T>(f: impl FnOnce() -> T) -> T {
    let saved = get_errno();
    let r = f();
    set_errno(saved);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libbpf_err_sets_errno_for_negative_values_only() {
        set_errno(0);
        assert_eq!(libbpf_err(7), 7);
        assert_eq!(get_errno(), 0);
        assert_eq!(libbpf_err(-libc::ENOENT), -libc::ENOENT);
        assert_eq!(get_errno(), libc::ENOENT);
        assert_eq!(libbpf_err(i32::MIN), i32::MIN);
    }

    #[test]
    fn fail_with_and_keep_errno() {
        assert_eq!(fail_with(-1, libc::EBADF), -1);
        assert_eq!(get_errno(), libc::EBADF);
        let r = keep_errno(|| fail_with(1, libc::ENOMEM));
        assert_eq!((r, get_errno()), (1, libc::EBADF));
        assert_eq!(pass_errno(), -libc::EBADF);
        assert_eq!(get_errno(), libc::EBADF);
    }

    #[test]
    fn compat_file_names() {
        assert_eq!(compat_major(b"libbpf.so.1"), Some(1));
        assert_eq!(compat_major(b"libbpf.so.1.1.2"), Some(1));
        assert_eq!(compat_major(b"libbpf.so.0"), Some(0));
        assert_eq!(compat_major(b"libbpf.so.0.8.1"), Some(0));
        assert_eq!(compat_major(b"libbpf.so.10"), None);
        assert_eq!(compat_major(b"libbpf.so"), None);
        assert_eq!(compat_major(b"libbpfrs.so.1"), None);
        assert_eq!(compat_major(b"a.out"), None);
    }

    #[test]
    fn hl_and_ptr_failures_use_the_error_table() {
        assert_eq!(hl_fail(&Error::NoMatch("x")), -libc::ESRCH);
        assert_eq!(get_errno(), libc::ESRCH);
        ptr_fail(&Error::Already("x"));
        assert_eq!(get_errno(), libc::EBUSY);
    }
}
