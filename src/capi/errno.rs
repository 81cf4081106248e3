//! libbpf's return conventions (spec `libbpf-api.md` §2), in one place.
//!
//! The rule, also written in the header:
//! - low-level (LL) int calls return `-1` with `errno` set when the *kernel* refuses
//!   (libbpf 0.x default, so `while (bpf_map_get_next_key(...) != -1)` ends), and
//!   `-errno` (errno set too) for user-space argument checks. Once
//!   `libbpf_set_strict_mode()` sets `LIBBPF_STRICT_DIRECT_ERRS` (or `ALL`), or the
//!   environment has `LIBBPFRS_STRICT=1`, every LL failure returns `-errno` (libbpf 1.x);
//! - object-API (HL) int calls always return a negative code with errno set;
//! - pointer calls always return NULL with errno set (never `ERR_PTR`).

use crate::error::Error;
use std::ffi::c_int;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};

/// `LIBBPF_STRICT_DIRECT_ERRS`.
pub const STRICT_DIRECT_ERRS: u32 = 0x02;

const MODE_UNSET: u8 = 0;
const MODE_LEGACY: u8 = 1;
const MODE_DIRECT: u8 = 2;

static MODE: AtomicU8 = AtomicU8::new(MODE_UNSET);
static STRICT_FLAGS: AtomicU32 = AtomicU32::new(0);

#[cold]
fn init_mode() -> u8 {
    let direct = std::env::var_os("LIBBPFRS_STRICT").is_some_and(|v| v == "1");
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
