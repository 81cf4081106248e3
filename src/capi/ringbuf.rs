//! `ring_buffer__*` of `bpf/libbpf.h` (LIBBPF_0.0.9, `epoll_fd` 0.3.0), and the
//! handle registry shared with `perfbuf`. Spec `libbpf-api.md` §1.2, §4.5.
//!
//! Handles are `Box::into_raw` pointers kept in a registry: garbage, freed or
//! NULL handles give EINVAL. A handle is marked busy while a poll or consume
//! runs, so a callback that re-enters the same buffer gets EBUSY instead of an
//! aliased mutable borrow, and a callback that frees it defers the free to the
//! end of the running call.

use super::boundary::{hl, ptr, value};
use super::errno::set_errno;
use super::opts::{impl_opts, opts_in};
use crate::error::Error;
use crate::events::ring::{Abort, RingBuffer};
use once_cell::sync::Lazy;
use std::cell::UnsafeCell;
use std::collections::HashSet;
use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard};

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

const IDLE: u8 = 0;
const BUSY: u8 = 1;
const DOOMED: u8 = 2;

/// A registered buffer: immutable facts readable at any time, and the buffer
/// itself, borrowed mutably only under the BUSY state.
pub(crate) struct Handle<B, F> {
    state: AtomicU8,
    /// Facts fixed at creation (epoll fd, per-buffer fds), readable while busy.
    pub(crate) fixed: F,
    buf: UnsafeCell<B>,
}

/// Addresses of live handles of one kind.
pub(crate) struct Registry(Lazy<Mutex<HashSet<usize>>>);

impl Registry {
    pub(crate) const fn new() -> Self {
        Registry(Lazy::new(|| Mutex::new(HashSet::new())))
    }

    fn set(&self) -> MutexGuard<'_, HashSet<usize>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Leaks a new handle and records it.
    pub(crate) fn register<B, F, T>(&self, buf: B, fixed: F) -> *mut T {
        let p = Box::into_raw(Box::new(Handle {
            state: AtomicU8::new(IDLE),
            fixed,
            buf: UnsafeCell::new(buf),
        }));
        self.set().insert(p as usize);
        p.cast()
    }

    /// Reads the fixed facts of a live handle.
    pub(crate) fn with_fixed<B, F, R>(
        &self,
        p: *const c_void,
        f: impl FnOnce(&F) -> R,
    ) -> Result<R, Error> {
        let set = self.set();
        if p.is_null() || !set.contains(&(p as usize)) {
            return Err(Error::inval("not a live buffer handle"));
        }
        // SAFETY: registered addresses are leaked `Handle<B, F>` boxes of this registry's kind; holding the registry lock keeps `free` from releasing it meanwhile, and `fixed` is never mutated.
        let h = unsafe { &*(p as *const Handle<B, F>) };
        Ok(f(&h.fixed))
    }

    /// Runs `f` with exclusive access to a live, idle handle's buffer. EINVAL for
    /// an unknown handle, EBUSY when a call on it is already running (a callback
    /// re-entering it). A `free` during `f` takes effect when `f` returns.
    pub(crate) fn with_buf<B, F, R>(
        &self,
        p: *const c_void,
        f: impl FnOnce(&mut B) -> R,
    ) -> Result<R, Error> {
        let h = {
            let set = self.set();
            if p.is_null() || !set.contains(&(p as usize)) {
                return Err(Error::inval("not a live buffer handle"));
            }
            // SAFETY: as in `with_fixed`; the handle stays allocated until its state leaves BUSY (see `free`), which only this call does.
            let h = unsafe { &*(p as *const Handle<B, F>) };
            if h.state
                .compare_exchange(IDLE, BUSY, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                return Err(Error::Errno(libc::EBUSY, "buffer is in use"));
            }
            h
        };
        struct Exit<B, F>(*mut Handle<B, F>);
        impl<B, F> Drop for Exit<B, F> {
            fn drop(&mut self) {
                // SAFETY: the handle is alive while BUSY or DOOMED; only we leave those states.
                let h = unsafe { &*self.0 };
                if h.state
                    .compare_exchange(BUSY, IDLE, Ordering::Release, Ordering::Acquire)
                    .is_err()
                {
                    // DOOMED: freed during the call; we are the last user.
                    // SAFETY: the address came from `Box::into_raw` in `register` and left the registry in `free`, which saw BUSY and left the release to us.
                    drop(unsafe { Box::from_raw(self.0) });
                }
            }
        }
        let exit = Exit(h as *const Handle<B, F> as *mut Handle<B, F>);
        // SAFETY: the BUSY state we set gives this call exclusive access to `buf` until `exit` drops.
        let r = f(unsafe { &mut *h.buf.get() });
        drop(exit);
        Ok(r)
    }

    /// Unregisters and frees a handle (NULL and unknown pointers are ignored).
    pub(crate) fn free<B, F>(&self, p: *const c_void) {
        let h = {
            let mut set = self.set();
            if p.is_null() || !set.remove(&(p as usize)) {
                return;
            }
            p as *mut Handle<B, F>
        };
        // SAFETY: it was registered, so it is a live leaked box; nobody else can free it now that it left the registry.
        let state = unsafe { &(*h).state };
        if state
            .compare_exchange(BUSY, DOOMED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            return; // the running call frees it on exit
        }
        // SAFETY: IDLE and unregistered: no call holds it, and none can start.
        drop(unsafe { Box::from_raw(h) });
    }
}

/// Per-ring data: the C callback and its context.
#[derive(Clone, Copy)]
pub(crate) struct Sink {
    cb: ring_buffer_sample_fn,
    ctx: *mut c_void,
}

type Rb = RingBuffer<Sink>;
static RINGS: Registry = Registry::new();

#[inline]
fn deliver(s: &Sink, data: *mut u8, len: u32) -> i32 {
    match s.cb {
        // SAFETY: a C callback given to ring_buffer__new/add, called as its typedef says with the caller's context and a sample readable for `len` bytes.
        Some(cb) => unsafe { cb(s.ctx, data.cast(), len as usize) },
        None => 0,
    }
}

fn result(r: Result<i32, Abort>) -> Result<c_int, Error> {
    match r {
        Ok(n) => Ok(n),
        Err(Abort::Sys(e)) => Err(e),
        Err(Abort::Callback(c)) => {
            // libbpf_err(c): errno = -c, the callback's value returned as is.
            set_errno(c.wrapping_neg());
            Ok(c)
        }
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
        Ok(RINGS.register(rb, epoll))
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
        RINGS.with_buf::<Rb, c_int, _>(rb.cast(), |b| {
            b.add(map_fd, Sink { cb: sample_cb, ctx })
        })??;
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
        result(RINGS.with_buf::<Rb, c_int, _>(rb.cast(), |b| b.poll(timeout_ms, deliver))?)
    })
}

/// `ring_buffer__consume` (LIBBPF_0.0.9): consumes every ring without waiting.
/// Returns as [`ring_buffer__poll`].
#[no_mangle]
pub extern "C" fn ring_buffer__consume(rb: *mut ring_buffer) -> c_int {
    hl("ring_buffer__consume", || {
        result(RINGS.with_buf::<Rb, c_int, _>(rb.cast(), |b| b.consume(deliver))?)
    })
}

/// `ring_buffer__epoll_fd` (LIBBPF_0.3.0): the epoll fd, for the caller's own
/// event loop; -EINVAL for an invalid `rb`.
#[no_mangle]
pub extern "C" fn ring_buffer__epoll_fd(rb: *const ring_buffer) -> c_int {
    hl("ring_buffer__epoll_fd", || {
        RINGS.with_fixed::<Rb, c_int, _>(rb.cast(), |&fd| fd)
    })
}

/// `ring_buffer__free` (LIBBPF_0.0.9): unmaps every ring and closes the epoll fd.
/// NULL and unknown pointers are ignored.
#[no_mangle]
pub extern "C" fn ring_buffer__free(rb: *mut ring_buffer) {
    value("ring_buffer__free", (), || {
        RINGS.free::<Rb, c_int>(rb.cast())
    })
}
