//! libbpf's return conventions (spec `libbpf-api.md` §2), in one place.
//!
//! The rule, also written in the header:
//! - low-level (LL) int calls return `-1` with `errno` set when the *kernel* refuses
//!   (libbpf 0.x default, so `while (bpf_map_get_next_key(...) != -1)` ends), and
//!   `-errno` (errno set too) for user-space argument checks. Once
//!   `libbpf_set_strict_mode()` sets `LIBBPF_STRICT_DIRECT_ERRS` (or `ALL`), or the
//!   environment has `LIBBPFRS_STRICT=1`, or the library was loaded as `libbpf.so.1`
//!   (binaries built for 1.x), every LL failure returns `-errno` (libbpf 1.x);
//! - object-API (HL) int calls always return a negative code with errno set;
//! - pointer calls always return NULL with errno set (never `ERR_PTR`).

use crate::error::Error;
use crate::events::Abort;
use std::ffi::c_int;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};

/// `LIBBPF_STRICT_DIRECT_ERRS`.
pub const STRICT_DIRECT_ERRS: u32 = 0x02;

const MODE_UNSET: u8 = 0;
const MODE_LEGACY: u8 = 1;
const MODE_DIRECT: u8 = 2;

static MODE: AtomicU8 = AtomicU8::new(MODE_UNSET);
static STRICT_FLAGS: AtomicU32 = AtomicU32::new(0);

/// True when this library was loaded under the file name `libbpf.so.1` (the
/// drop-in compat name): binaries built for libbpf 1.x expect its `-errno`
/// convention, which has no legacy mode.
fn loaded_as_libbpf1() -> bool {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    let addr = loaded_as_libbpf1 as *const libc::c_void;
    // SAFETY: dladdr only reads the loader's tables and fills `info`; `addr` is code in this library.
    let ok = unsafe { libc::dladdr(addr, info.as_mut_ptr()) } != 0;
    if !ok {
        return false;
    }
    // SAFETY: dladdr succeeded, so `info` is filled; dli_fname is NULL or a NUL-terminated path owned by the loader.
    let fname = unsafe { info.assume_init() }.dli_fname;
    if fname.is_null() {
        return false;
    }
    // SAFETY: non-NULL NUL-terminated string that lives as long as the loaded object.
    let path = unsafe { std::ffi::CStr::from_ptr(fname) }.to_bytes();
    let base = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    base == b"libbpf.so.1" || base.starts_with(b"libbpf.so.1.")
}

#[cold]
fn init_mode() -> u8 {
    // LIBBPFRS_STRICT=1 forces the 1.x convention, =0 the 0.x one; otherwise it
    // follows the name the library was loaded as.
    let direct = match std::env::var_os("LIBBPFRS_STRICT") {
        Some(v) if v == "1" => true,
        Some(v) if v == "0" => false,
        _ => loaded_as_libbpf1(),
    };
    let m = if direct { MODE_DIRECT } else { MODE_LEGACY };
    if direct {
        STRICT_FLAGS.store(u32::MAX, Ordering::Relaxed);
    }
    // Another thread may have set the mode explicitly meanwhile: keep theirs.
    match MODE.compare_exchange(MODE_UNSET, m, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => m,
        Err(cur) => cur,
    }
}

/// True when LL calls return `-errno` (1.x convention).
#[inline]
pub fn direct_errs() -> bool {
    let mut m = MODE.load(Ordering::Relaxed);
    if m == MODE_UNSET {
        m = init_mode();
    }
    m == MODE_DIRECT
}

/// `libbpf_set_strict_mode`: stores the flags; DIRECT_ERRS (or ALL) selects `-errno`.
pub fn set_strict_mode(flags: u32) {
    STRICT_FLAGS.store(flags, Ordering::Relaxed);
    let m = if flags & STRICT_DIRECT_ERRS != 0 {
        MODE_DIRECT
    } else {
        MODE_LEGACY
    };
    MODE.store(m, Ordering::Relaxed);
}

/// The strict-mode flags last set (for features that depend on other bits).
pub fn strict_flags() -> u32 {
    let _ = direct_errs();
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
    fn hl_and_ptr_failures_use_the_error_table() {
        assert_eq!(hl_fail(&Error::NoMatch("x")), -libc::ESRCH);
        assert_eq!(get_errno(), libc::ESRCH);
        ptr_fail(&Error::Already("x"));
        assert_eq!(get_errno(), libc::EBUSY);
    }
}
