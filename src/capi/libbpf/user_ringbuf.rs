//! `user_ring_buffer__*` of `bpf/libbpf.h` (LIBBPF_1.1.0): the user-space
//! producer side of `BPF_MAP_TYPE_USER_RINGBUF`. Spec `libbpf-api.md` §1.2.
//!
//! Handles are [`Registry`] handles over reference-counted [`UserRing`]s: NULL,
//! garbage and freed handles give EINVAL (libbpf would crash). Each call takes
//! its own reference ([`Registry::cloned`]), so `user_ring_buffer__free` from
//! another thread while a `reserve_blocking` waits leaves the mapping alive
//! until that call returns. The ring itself is immutable (all writes are atomic
//! stores to the shared pages), so calls from several threads need no lock
//! beyond the registry look-up (not `Registry::with`, which would make them
//! exclusive).

use crate::capi::boundary::{ptr, value};
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::registry::Registry;
use crate::capi::types::__u32;
use crate::error::Error;
use crate::events::user_ring::UserRing;
use std::ffi::{c_int, c_void};
use std::sync::Arc;

/// `struct user_ring_buffer` (libbpf.h): opaque to C.
pub struct user_ring_buffer {
    _opaque: (),
}

/// `struct user_ring_buffer_opts` (LIBBPF_1.1.0, 8 bytes: only `sz`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct user_ring_buffer_opts {
    pub sz: usize,
}
impl_opts!(user_ring_buffer_opts, sz: usize);

/// Live rings; values are only read (shared by concurrent calls).
static RINGS: Registry<Arc<UserRing>> = Registry::new("user_ring_buffer");

/// A reference to the ring behind a live handle; EINVAL otherwise.
fn get(rb: *const user_ring_buffer) -> Result<Arc<UserRing>, Error> {
    RINGS.cloned(rb)
}

/// Submit/discard: void in C; a bad handle or sample is reported with a warning
/// and errno EINVAL, and nothing is written.
fn commit(name: &'static str, rb: *mut user_ring_buffer, sample: *mut c_void, discard: bool) {
    value(name, (), || {
        if let Err(e) = get(rb).and_then(|r| r.commit(sample.cast(), discard)) {
            crate::log::warn(format_args!("{name}: {e}"));
            crate::capi::errno::fail_with((), e.errno());
        }
    })
}

/// `user_ring_buffer__new` (LIBBPF_1.1.0): maps the BPF_MAP_TYPE_USER_RINGBUF
/// map `map_fd` for producing samples. NULL with errno on failure: EINVAL for
/// bad opts or another map type, the kernel's errno for a bad fd or mapping.
///
/// # Safety
/// `opts` is NULL or a valid `user_ring_buffer_opts` of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn user_ring_buffer__new(
    map_fd: c_int,
    opts: *const user_ring_buffer_opts,
) -> *mut user_ring_buffer {
    ptr("user_ring_buffer__new", || {
        // SAFETY: NULL or a caller's opts of `sz` bytes.
        unsafe { opts_in(opts) }?;
        Ok(RINGS.register(Arc::new(UserRing::open(map_fd)?)))
    })
}

/// `user_ring_buffer__reserve` (LIBBPF_1.1.0): reserves an 8-byte aligned
/// sample of `size` bytes. NULL with errno: E2BIG if `size` can never fit (or
/// uses the top two bits), ENOSPC if the ring is currently too full, EINVAL for
/// an invalid `rb`. Not thread-safe among producers (as libbpf).
#[no_mangle]
pub extern "C" fn user_ring_buffer__reserve(rb: *mut user_ring_buffer, size: __u32) -> *mut c_void {
    ptr("user_ring_buffer__reserve", || {
        Ok(get(rb)?.reserve(size)?.cast())
    })
}

/// `user_ring_buffer__reserve_blocking` (LIBBPF_1.1.0): as
/// [`user_ring_buffer__reserve`], but while the ring is too full waits up to
/// `timeout_ms` (-1: forever) for the kernel to drain it. NULL with errno:
/// EINVAL for a timeout below -1, E2BIG, ENOSPC when still full at the timeout
/// (libbpf 1.1.2 gives ENOSPC, not ETIMEDOUT), EINTR from `epoll_wait`.
#[no_mangle]
pub extern "C" fn user_ring_buffer__reserve_blocking(
    rb: *mut user_ring_buffer,
    size: __u32,
    timeout_ms: c_int,
) -> *mut c_void {
    ptr("user_ring_buffer__reserve_blocking", || {
        Ok(get(rb)?.reserve_blocking(size, timeout_ms)?.cast())
    })
}

/// `user_ring_buffer__submit` (LIBBPF_1.1.0): publishes a reserved sample to the
/// kernel (clears its BUSY bit, release ordering). A pointer that is not an
/// outstanding sample of `rb` is ignored with errno EINVAL.
///
/// # Safety
/// `sample` came from a reserve on `rb` (it is only compared, never dereferenced,
/// unless it lies inside `rb`'s mapping).
#[no_mangle]
pub unsafe extern "C" fn user_ring_buffer__submit(rb: *mut user_ring_buffer, sample: *mut c_void) {
    commit("user_ring_buffer__submit", rb, sample, false)
}

/// `user_ring_buffer__discard` (LIBBPF_1.1.0): gives back a reserved sample (the
/// kernel skips it): clears BUSY and sets DISCARD. Bad pointers as in
/// [`user_ring_buffer__submit`].
///
/// # Safety
/// As [`user_ring_buffer__submit`].
#[no_mangle]
pub unsafe extern "C" fn user_ring_buffer__discard(rb: *mut user_ring_buffer, sample: *mut c_void) {
    commit("user_ring_buffer__discard", rb, sample, true)
}

/// `user_ring_buffer__free` (LIBBPF_1.1.0): unmaps the ring and closes its epoll
/// fd (once no call on it is running). NULL and unknown pointers are ignored.
#[no_mangle]
pub extern "C" fn user_ring_buffer__free(rb: *mut user_ring_buffer) {
    value("user_ring_buffer__free", (), || {
        RINGS.free(rb);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_handles_are_einval() {
        assert!(user_ring_buffer__reserve(std::ptr::null_mut(), 8).is_null());
        assert_eq!(crate::capi::errno::get_errno(), libc::EINVAL);
        let bogus = 0x1000 as *mut user_ring_buffer;
        assert!(user_ring_buffer__reserve_blocking(bogus, 8, 0).is_null());
        assert_eq!(crate::capi::errno::get_errno(), libc::EINVAL);
        user_ring_buffer__free(bogus);
        user_ring_buffer__free(std::ptr::null_mut());
    }
}
