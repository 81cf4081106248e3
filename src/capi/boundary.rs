//! The panic boundary every export goes through.
//!
//! We live inside other programs (`ip`, `tc`): a bug in libbpfrs must not unwind into
//! C (undefined behaviour) nor abort the host. Each export's body is one call here;
//! a panic is caught, reported with one WARN line naming the function, and turned
//! into the export's failure value with errno `ENOTRECOVERABLE` (which `bpf()` never
//! returns, so our bugs never pass for kernel refusals).
//!
//! An export that only libbpf 0.x or `samples/bpf/bpf_load.c` had wraps its usual
//! body in [`legacy_api`] (`legacy_api("bpf_create_map", || ll("bpf_create_map", …))`),
//! which moves the process to libbpf 0.x's return convention (see `errno`).
//! `build.rs` fails unless exactly the exports of `abi/libbpf-0.x.tsv` and of
//! `src/capi/legacy/` do so.

use super::errno::{hl_fail, legacy_api_called, ll_fail, ll_sys_fail, ptr_fail};
use crate::error::Error;
use std::ffi::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Makes sure library messages reach the print callback (`crate::log` has no
/// sink until the C layer installs one). Every kind of export does this on
/// entry except `ll`: the low-level wrappers log nothing themselves, and the
/// `bpf_map__*` element calls that use `ll` work on an object whose open (a
/// `ptr` call) installed it; a panic installs it before its warning. Keeping it
/// out of `ll` keeps the map fast path at the raw syscall's cost plus ~10
/// instructions.
#[inline]
fn sink() {
    crate::log::install(&crate::capi::libbpf::print::SINK);
}

#[cold]
fn caught(name: &'static str) -> Error {
    sink();
    crate::log::warn(format_args!(
        "{name}: internal error (panic caught at the C boundary)"
    ));
    Error::Bug(name)
}

#[inline]
fn run<T>(name: &'static str, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(caught(name)))
}

/// A libbpf 0.x-only (or `bpf_load.h`) export: `f` (the export's body, itself a
/// call of another kind, or a call of the 1.x export that does the work) runs
/// after the first such call has switched LL returns to libbpf 0.x's convention
/// (`errno::legacy_api_called`; a debug message names the call). Listed in
/// `abi/libbpf-0.x.tsv` or in `src/capi/legacy/`: `build.rs` checks both ways.
#[inline]
pub fn legacy_api<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    sink();
    // The switch prints through the application's callback: a panic there must
    // not unwind into C either (the switch itself is done by then).
    if catch_unwind(|| legacy_api_called(name)).is_err() {
        caught(name);
    }
    f()
}

/// A low-level (`bpf.h`) int call: the LL convention of `errno::ll_fail`.
///
/// Every failure, the kernel's refusals included, takes one out-of-line cold
/// call, so the success path of the map element calls is the syscall and a
/// sign test, with no registers kept across the call for error handling.
#[inline]
pub fn ll(name: &'static str, f: impl FnOnce() -> Result<c_int, Error>) -> c_int {
    match run(name, f) {
        Ok(v) => v,
        Err(e) => ll_fail_cold(e),
    }
}

#[cold]
#[inline(never)]
fn ll_fail_cold(e: Error) -> c_int {
    match e {
        Error::Sys(s) => ll_sys_fail(s.errno),
        e => ll_fail(&e),
    }
}

/// An object-API int call: `-errno` with errno set.
#[inline]
pub fn hl(name: &'static str, f: impl FnOnce() -> Result<c_int, Error>) -> c_int {
    sink();
    match run(name, f) {
        Ok(v) => v,
        Err(e) => hl_fail(&e),
    }
}

/// An object-API int call that libbpf 1.1.2 fails with a bare `-errno`, leaving
/// errno untouched (e.g. `bpf_program__set_log_buf`).
#[inline]
pub fn hl_keep_errno(name: &'static str, f: impl FnOnce() -> Result<c_int, Error>) -> c_int {
    sink();
    match run(name, f) {
        Ok(v) => v,
        Err(e) => -e.errno(),
    }
}

/// A pointer-returning call: NULL with errno set.
#[inline]
pub fn ptr<T>(name: &'static str, f: impl FnOnce() -> Result<*mut T, Error>) -> *mut T {
    sink();
    match run(name, f) {
        Ok(v) => v,
        Err(e) => {
            ptr_fail(&e);
            std::ptr::null_mut()
        }
    }
}

/// A getter or void call with no error reporting: `default` if it panics.
#[inline]
pub fn value<T>(name: &'static str, default: T, f: impl FnOnce() -> T) -> T {
    sink();
    match run(name, || Ok(f())) {
        Ok(v) => v,
        Err(_) => {
            super::errno::set_errno(libc::ENOTRECOVERABLE);
            default
        }
    }
}

/// Test-only export that panics on purpose, so a C test can check that the
/// boundary turns a panic into an error return instead of unwinding into C.
///
/// Returns the LL failure value with errno `ENOTRECOVERABLE`. Not in the header.
///
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn bpfrs__test_panic() -> c_int {
    ll("bpfrs__test_panic", || -> Result<c_int, Error> {
        panic!("deliberate test panic")
    })
}
