//! `libbpf_set_print` and message delivery to the C callback (spec §2.5 "Printing").
//!
//! The callback is swapped atomically; errno is saved and restored around it; no
//! lock is held while it runs, so it may call back into the library.

use crate::log::Level;
use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::atomic::{AtomicPtr, Ordering};

/// `libbpf_print_fn_t`: `int (*)(enum libbpf_print_level, const char *, va_list)`.
/// The `va_list` is opaque to Rust; only C creates and reads it.
pub type libbpf_print_fn_t = Option<
    unsafe extern "C" fn(level: libbpf_print_level, format: *const c_char, args: va_list) -> c_int,
>;

/// `enum libbpf_print_level` (WARN=0, INFO=1, DEBUG=2); defined in the header preamble.
pub type libbpf_print_level = c_int;
/// C's `va_list` as a function argument (an opaque pointer on LP64 ABIs).
pub type va_list = *mut c_void;

#[allow(unused_doc_comments)] // read by cbindgen, not rustdoc
/// cbindgen:ignore
extern "C" {
    fn bpfrs__print_trampoline(fn_: *mut c_void, level: c_int, fmt: *const c_char) -> c_int;
    fn bpfrs__default_print(level: c_int, fmt: *const c_char, args: *mut c_void) -> c_int;
    fn bpfrs__default_print_level() -> c_int;
}

static PRINT_FN: AtomicPtr<c_void> = AtomicPtr::new(bpfrs__default_print as *mut c_void);

/// This module as the library's message sink (`crate::log`).
pub(crate) static SINK: crate::log::Sink = crate::log::Sink { enabled, emit };

/// Whether a message of `level` would be printed: a callback is installed, and
/// it is not the default one dropping that level (the default prints WARN and
/// INFO unless `LIBBPF_LOG_LEVEL` says otherwise). Saves formatting the many
/// debug lines of an open or load that nobody reads.
pub fn enabled(level: Level) -> bool {
    let f = PRINT_FN.load(Ordering::Relaxed);
    if f.is_null() {
        return false;
    }
    if f != bpfrs__default_print as *mut c_void {
        return true;
    }
    // SAFETY: a C function of the shim without arguments; it reads the environment once and caches the answer.
    (level as c_int) <= unsafe { bpfrs__default_print_level() }
}

/// Delivers one formatted message; `%` is doubled so it passes through `vfprintf`.
pub fn emit(level: Level, msg: &str) {
    let f = PRINT_FN.load(Ordering::Acquire);
    if f.is_null() {
        return;
    }
    let escaped = msg.replace('%', "%%").replace('\0', "\\0");
    let Ok(c) = CString::new(escaped) else { return };
    crate::capi::errno::keep_errno(|| {
        // SAFETY: `f` is a callback the application installed with libbpf's print signature (or our default); the trampoline calls it with a valid va_list that carries no arguments, and `c` outlives the call.
        unsafe { bpfrs__print_trampoline(f, level as c_int, c.as_ptr()) }
    });
}

/// `libbpf_set_print` (LIBBPF_0.0.1; returns the previous callback since 0.0.5).
/// NULL turns printing off.
///
/// # Safety
/// `fn_` is NULL or a function with the `libbpf_print_fn_t` signature.
#[no_mangle]
pub unsafe extern "C" fn libbpf_set_print(fn_: libbpf_print_fn_t) -> libbpf_print_fn_t {
    crate::capi::boundary::value("libbpf_set_print", None, || {
        let new = fn_.map_or(std::ptr::null_mut(), |f| f as *mut c_void);
        let old = PRINT_FN.swap(new, Ordering::AcqRel);
        if old.is_null() {
            None
        } else {
            // SAFETY: every non-NULL value stored in PRINT_FN came from a `libbpf_print_fn_t` (or our default of the same signature).
            Some(unsafe {
                std::mem::transmute::<
                    *mut c_void,
                    unsafe extern "C" fn(c_int, *const c_char, *mut c_void) -> c_int,
                >(old)
            })
        }
    })
}
