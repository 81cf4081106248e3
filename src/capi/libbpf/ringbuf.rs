//! `ring_buffer__*` of `bpf/libbpf.h` (LIBBPF_0.0.9, `epoll_fd` 0.3.0).
//! Spec `libbpf-api.md` §1.2, §4.5.
//!
//! Handles live in the registry (`registry`): garbage, freed or NULL handles
//! give EINVAL. Polls and consumes run under `Registry::with`, so a callback
//! that re-enters the same buffer gets EBUSY instead of an aliased mutable
//! borrow, and a callback that frees it defers the free to the end of the
//! running call.

use crate::capi::boundary::{hl, ptr, value};
use crate::capi::errno::poll_result;
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::registry::Registry;
use crate::events::ring::RingBuffer;
use std::ffi::{c_int, c_void};

/// `struct ring_buffer` (libbpf.h): opaque to C.
pub struct ring_buffer {
    _opaque: (),
}

/// `ring_buffer_sample_fn`: `int (*)(void *ctx, void *data, size_t size)`.
pub type ring_buffer_sample_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, data: *mut c_void, size: usize) -> c_int>;

/// `struct ring_buffer_opts` (LIBBPF_0.0.9, 8 bytes: only `sz`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ring_buffer_opts {
    pub sz: usize,
}
impl_opts!(ring_buffer_opts, sz: usize);

/// Per-ring data: the C callback and its context.
#[derive(Clone, Copy)]
pub(crate) struct Sink {
    cb: ring_buffer_sample_fn,
    ctx: *mut c_void,
}

type Rb = RingBuffer<Sink>;
static RINGS: Registry<Rb, c_int> = Registry::new("ring_buffer");

#[inline]
fn deliver(s: &Sink, data: *mut u8, len: u32) -> i32 {
    match s.cb {
        // SAFETY: a C callback given to ring_buffer__new/add, called as its typedef says with the caller's context and a sample readable for `len` bytes.
        Some(cb) => unsafe { cb(s.ctx, data.cast(), len as usize) },
        None => 0,
    }
}

/// `ring_buffer__new` (LIBBPF_0.0.9): a consumer of the RINGBUF map `map_fd` with
/// `sample_cb(ctx, data, size)` per record. NULL with errno on failure (EINVAL for
/// bad opts or a map that is not a RINGBUF, the kernel's errno for a bad fd).
///
/// # Safety
/// `opts` is NULL or a valid `ring_buffer_opts`; `sample_cb` is NULL or a function
/// of that type, callable with `ctx` during polls.
#[no_mangle]
pub unsafe extern "C" fn ring_buffer__new(
    map_fd: c_int,
    sample_cb: ring_buffer_sample_fn,
    ctx: *mut c_void,
    opts: *const ring_buffer_opts,
) -> *mut ring_buffer {
    ptr("ring_buffer__new", || {
        // SAFETY: NULL or a caller's opts of `sz` bytes.
        unsafe { opts_in(opts) }?;
        let mut rb = Rb::new()?;
        rb.add(map_fd, Sink { cb: sample_cb, ctx })?;
        let epoll = rb.epoll_fd();
        Ok(RINGS.register_with(rb, epoll))
    })
}

/// `ring_buffer__add` (LIBBPF_0.0.9): adds another RINGBUF map. 0, or a negative
/// errno (HL): -EINVAL if the map is not a RINGBUF or `rb` is invalid.
///
/// # Safety
/// As [`ring_buffer__new`].
#[no_mangle]
pub unsafe extern "C" fn ring_buffer__add(
    rb: *mut ring_buffer,
    map_fd: c_int,
    sample_cb: ring_buffer_sample_fn,
    ctx: *mut c_void,
) -> c_int {
    hl("ring_buffer__add", || {
        RINGS.with(rb, |b| b.add(map_fd, Sink { cb: sample_cb, ctx }))??;
        Ok(0)
    })
}

/// `ring_buffer__poll` (LIBBPF_0.0.9): waits up to `timeout_ms` (-1: forever) for
/// data and consumes the ready rings. The number of records consumed (capped at
/// INT_MAX; 0 on timeout), a callback's negative return (which stops), or a
/// negative errno (`epoll_wait`, e.g. -EINTR).
#[no_mangle]
pub extern "C" fn ring_buffer__poll(rb: *mut ring_buffer, timeout_ms: c_int) -> c_int {
    hl("ring_buffer__poll", || {
        poll_result(RINGS.with(rb, |b| b.poll(timeout_ms, deliver))?)
    })
}

/// `ring_buffer__consume` (LIBBPF_0.0.9): consumes every ring without waiting.
/// Returns as [`ring_buffer__poll`].
#[no_mangle]
pub extern "C" fn ring_buffer__consume(rb: *mut ring_buffer) -> c_int {
    hl("ring_buffer__consume", || {
        poll_result(RINGS.with(rb, |b| b.consume(deliver))?)
    })
}

/// `ring_buffer__epoll_fd` (LIBBPF_0.3.0): the epoll fd, for the caller's own
/// event loop; -EINVAL for an invalid `rb`.
#[no_mangle]
pub extern "C" fn ring_buffer__epoll_fd(rb: *const ring_buffer) -> c_int {
    hl("ring_buffer__epoll_fd", || RINGS.fixed(rb).copied())
}

/// `ring_buffer__free` (LIBBPF_0.0.9): unmaps every ring and closes the epoll fd.
/// NULL and unknown pointers are ignored.
#[no_mangle]
pub extern "C" fn ring_buffer__free(rb: *mut ring_buffer) {
    value("ring_buffer__free", (), || {
        RINGS.free(rb);
    })
}
