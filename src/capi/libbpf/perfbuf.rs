//! `perf_buffer__*` of `bpf/libbpf.h`: the 6-argument `perf_buffer__new`
//! (LIBBPF_0.6.0), the 0.x 3-argument form as `perf_buffer__new_deprecated`
//! (the header's `___libbpf_overload` picks it for 3 arguments),
//! `perf_buffer__new_raw` (1.x layout of `perf_buffer_raw_opts`), and the
//! poll/consume/getters (0.0.4–1.0.0). Spec `libbpf-api.md` §1.2, §3.2, §4.2, §4.5.

use crate::capi::arg;
use crate::capi::boundary::{hl, legacy_api, ptr, value};
use crate::capi::errno::{fail_with, libbpf_err, poll_result};
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::registry::Registry;
use crate::capi::types::__u32;
use crate::capi::types::__u64;
use crate::error::Error;
use crate::events::perf::{decode, CpuSel, PerfBuffer, Record, EVENT_CONT, EVENT_ERROR};
use crate::sys::perf::{PerfEventAttr, COUNT_SW_BPF_OUTPUT, SAMPLE_RAW, TYPE_SOFTWARE};
use std::ffi::{c_int, c_void};

/// `struct perf_buffer` (libbpf.h): opaque to C.
pub struct perf_buffer {
    _opaque: (),
}

/// `struct perf_event_header` (`linux/perf_event.h`): only pointers cross.
#[repr(C)]
pub struct perf_event_header {
    _opaque: [u8; 0],
}

/// `struct perf_event_attr` (`linux/perf_event.h`): only pointers cross.
#[repr(C)]
pub struct perf_event_attr {
    _opaque: [u8; 0],
}

/// `enum bpf_perf_event_ret` (DONE 0, ERROR -1, CONT -2); defined in the header
/// preamble. An `int` here: a C callback may return any value.
pub type bpf_perf_event_ret = c_int;

/// `perf_buffer_sample_fn`: `void (*)(void *ctx, int cpu, void *data, __u32 size)`.
pub type perf_buffer_sample_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, cpu: c_int, data: *mut c_void, size: __u32)>;
/// `perf_buffer_lost_fn`: `void (*)(void *ctx, int cpu, __u64 cnt)`.
pub type perf_buffer_lost_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, cpu: c_int, cnt: __u64)>;
/// `perf_buffer_event_fn`: `enum bpf_perf_event_ret (*)(void *ctx, int cpu, struct perf_event_header *event)`.
pub type perf_buffer_event_fn = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        cpu: c_int,
        event: *mut perf_event_header,
    ) -> bpf_perf_event_ret,
>;

/// `struct perf_buffer_opts`. The header declares it as libbpf 0.6–0.8 did: a
/// union of `sz` (1.x, 8 bytes, last field `sz`) and the 0.x `{sample_cb,
/// lost_cb, ctx}` that `perf_buffer__new_deprecated` reads.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct perf_buffer_opts {
    pub sz: usize,
}
impl_opts!(perf_buffer_opts, sz: usize);

/// The ≤0.5 `perf_buffer_opts` (no `sz`, 24 bytes).
#[repr(C)]
#[derive(Clone, Copy)]
struct LegacyOpts {
    sample_cb: perf_buffer_sample_fn,
    lost_cb: perf_buffer_lost_fn,
    ctx: *mut c_void,
}

/// `struct perf_buffer_raw_opts`, libbpf 1.x layout (32 bytes): `sz`, `cpu_cnt`@8,
/// `cpus`@16, `map_keys`@24 (1.x's two `long :0` take no space).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct perf_buffer_raw_opts {
    pub sz: usize,
    /// If > 0, open only `cpus[i]`, stored at `map_keys[i]`.
    pub cpu_cnt: c_int,
    pub cpus: *mut c_int,
    pub map_keys: *mut c_int,
}
impl_opts!(perf_buffer_raw_opts, map_keys: *mut c_int);
const _: () = assert!(std::mem::size_of::<perf_buffer_raw_opts>() == 32);
const _: () = assert!(std::mem::offset_of!(perf_buffer_raw_opts, cpus) == 16);

impl Default for perf_buffer_raw_opts {
    fn default() -> Self {
        perf_buffer_raw_opts {
            sz: 0,
            cpu_cnt: 0,
            cpus: std::ptr::null_mut(),
            map_keys: std::ptr::null_mut(),
        }
    }
}

/// What each record is handed to.
enum Handler {
    Split {
        sample: perf_buffer_sample_fn,
        lost: perf_buffer_lost_fn,
    },
    Raw(perf_buffer_event_fn),
}

struct Pb {
    pb: PerfBuffer,
    handler: Handler,
    ctx: *mut c_void,
}

/// Facts fixed at creation: epoll fd, and per buffer (fd, ring base).
struct Fixed {
    epoll_fd: c_int,
    bufs: Box<[(c_int, *mut u8)]>,
    mmap_size: usize,
}

static PERF: Registry<Pb, Fixed> = Registry::new("perf_buffer");

impl Pb {
    fn dispatch(handler: &Handler, ctx: *mut c_void) -> impl FnMut(i32, *mut u8) -> i32 + '_ {
        move |cpu, rec| match handler {
            // SAFETY: the caller's event callback, called with its context and a whole record.
            Handler::Raw(Some(cb)) => unsafe { cb(ctx, cpu, rec.cast()) },
            Handler::Raw(None) => EVENT_CONT,
            // SAFETY: `rec` is a whole record (in the ring or the scratch copy).
            Handler::Split { sample, lost } => match unsafe { decode(rec) } {
                Record::Sample(data, size) => {
                    if let Some(cb) = sample {
                        // SAFETY: the caller's sample callback with its context and the raw data (`size` readable bytes).
                        unsafe { cb(ctx, cpu, data.cast(), size) };
                    }
                    EVENT_CONT
                }
                Record::Lost(n) => {
                    if let Some(cb) = lost {
                        // SAFETY: the caller's lost callback with its context.
                        unsafe { cb(ctx, cpu, n) };
                    }
                    EVENT_CONT
                }
                Record::Other(t) => {
                    crate::log::warn(format_args!("unknown perf sample type {t}"));
                    EVENT_ERROR
                }
            },
        }
    }
}

/// libbpf 1.1.2 passes every batch result through `libbpf_err`, so a batch that
/// ends with CONT (-2) leaves errno = ENOENT even when the call succeeds; the
/// oracle test compares errno, so we do the same.
fn batch_errno(r: i32) {
    libbpf_err(r);
}

fn create(
    map_fd: c_int,
    page_cnt: usize,
    attr: &PerfEventAttr,
    sel: Option<CpuSel>,
    handler: Handler,
    ctx: *mut c_void,
) -> Result<*mut perf_buffer, Error> {
    let pb = PerfBuffer::new(map_fd, page_cnt, attr, sel)?;
    let fixed = Fixed {
        epoll_fd: pb.epoll_fd(),
        bufs: pb.bufs().iter().map(|b| (b.fd(), b.base())).collect(),
        mmap_size: pb.mmap_size(),
    };
    Ok(PERF.register_with(Pb { pb, handler, ctx }, fixed))
}

fn default_attr() -> PerfEventAttr {
    let mut a = PerfEventAttr::new(TYPE_SOFTWARE, COUNT_SW_BPF_OUTPUT);
    a.sample_type = SAMPLE_RAW;
    a.sample_period = 1;
    a.wakeup_events = 1;
    a
}

/// `perf_buffer__new` (LIBBPF_0.6.0, 6 arguments): one BPF_OUTPUT perf event per
/// online CPU (possible CPUs, capped at the map's max_entries), `page_cnt` data
/// pages each (a power of two, else EINVAL), stored in the PERF_EVENT_ARRAY
/// `map_fd`. NULL with errno on failure; nothing is leaked.
///
/// # Safety
/// `opts` is NULL or a valid `perf_buffer_opts`; the callbacks are NULL or
/// functions of their types, callable with `ctx` during polls.
#[no_mangle]
pub unsafe extern "C" fn perf_buffer__new(
    map_fd: c_int,
    page_cnt: usize,
    sample_cb: perf_buffer_sample_fn,
    lost_cb: perf_buffer_lost_fn,
    ctx: *mut c_void,
    opts: *const perf_buffer_opts,
) -> *mut perf_buffer {
    ptr("perf_buffer__new", || {
        // SAFETY: NULL or a caller's opts of `sz` bytes.
        unsafe { opts_in(opts) }?;
        let handler = Handler::Split {
            sample: sample_cb,
            lost: lost_cb,
        };
        create(map_fd, page_cnt, &default_attr(), None, handler, ctx)
    })
}

/// `perf_buffer__new_deprecated` (LIBBPF_0.6.0; the 0.0.4 3-argument
/// `perf_buffer__new`): `opts` is the 0.x `{sample_cb, lost_cb, ctx}` (no `sz`),
/// NULL meaning no callbacks. Returns as [`perf_buffer__new`].
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `opts` is NULL or points to the 24-byte 0.x struct.
#[no_mangle]
pub unsafe extern "C" fn perf_buffer__new_deprecated(
    map_fd: c_int,
    page_cnt: usize,
    opts: *const perf_buffer_opts,
) -> *mut perf_buffer {
    legacy_api("perf_buffer__new_deprecated", || {
        ptr("perf_buffer__new_deprecated", || {
            let o = if opts.is_null() {
                None
            } else {
                // SAFETY: a caller of the 0.x form passes its 24-byte 3-pointer struct.
                Some(unsafe { opts.cast::<LegacyOpts>().read_unaligned() })
            };
            let handler = Handler::Split {
                sample: o.and_then(|o| o.sample_cb),
                lost: o.and_then(|o| o.lost_cb),
            };
            let ctx = o.map_or(std::ptr::null_mut(), |o| o.ctx);
            create(map_fd, page_cnt, &default_attr(), None, handler, ctx)
        })
    })
}

/// Copies a caller's `perf_event_attr` of `attr->size` bytes (0 = the 64-byte
/// first version); bytes past what we know must be zero (E2BIG, as the kernel).
///
/// # Safety
/// `p` points to a readable `perf_event_attr` of its declared size.
unsafe fn read_attr(p: *const perf_event_attr) -> Result<PerfEventAttr, Error> {
    let base = p.cast::<u8>();
    // SAFETY: `size` is the u32 at offset 4 of every perf_event_attr version.
    let size = unsafe { base.add(4).cast::<u32>().read_unaligned() } as usize;
    let size = if size == 0 { 64 } else { size };
    let known = std::mem::size_of::<PerfEventAttr>();
    if size > known {
        // SAFETY: the caller's struct has `size` readable bytes.
        let tail = unsafe { std::slice::from_raw_parts(base.add(known), size - known) };
        if tail.iter().any(|&b| b != 0) {
            return Err(Error::TooBig("perf_event_attr too large"));
        }
    }
    let mut a = PerfEventAttr::default();
    // SAFETY: `min(size, known)` bytes are readable at `p` and fit in `a`, a plain-integer struct.
    unsafe {
        std::ptr::copy_nonoverlapping(
            base,
            (&mut a as *mut PerfEventAttr).cast::<u8>(),
            size.min(known),
        )
    };
    a.size = size.min(known) as u32;
    Ok(a)
}

/// `perf_buffer__new_raw` (LIBBPF_0.6.0, 6 arguments): like [`perf_buffer__new`]
/// with the caller's perf_event_attr and a callback that gets every raw record;
/// `opts->cpu_cnt > 0` opens exactly `cpus[i]` at `map_keys[i]`. NULL `attr` →
/// EINVAL. NULL with errno on failure.
///
/// # Safety
/// `attr` is NULL or a valid `perf_event_attr`; `opts` is NULL or a valid 1.x
/// `perf_buffer_raw_opts` whose `cpus`/`map_keys` hold `cpu_cnt` ints.
#[no_mangle]
pub unsafe extern "C" fn perf_buffer__new_raw(
    map_fd: c_int,
    page_cnt: usize,
    attr: *mut perf_event_attr,
    event_cb: perf_buffer_event_fn,
    ctx: *mut c_void,
    opts: *const perf_buffer_raw_opts,
) -> *mut perf_buffer {
    ptr("perf_buffer__new_raw", || {
        if attr.is_null() {
            return Err(Error::inval("attr is NULL"));
        }
        // SAFETY: NULL or a caller's opts of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        // SAFETY: non-NULL, a caller's perf_event_attr.
        let a = unsafe { read_attr(attr) }?;
        let sel = if o.cpu_cnt > 0 {
            if o.cpus.is_null() || o.map_keys.is_null() {
                return Err(Error::inval("cpus/map_keys are NULL"));
            }
            let n = o.cpu_cnt as usize;
            // SAFETY: the caller's arrays hold `cpu_cnt` ints each.
            let (cpus, keys) = unsafe {
                (
                    std::slice::from_raw_parts(o.cpus, n).to_vec(),
                    std::slice::from_raw_parts(o.map_keys, n).to_vec(),
                )
            };
            Some(CpuSel {
                cpus,
                map_keys: keys,
            })
        } else {
            None
        };
        create(map_fd, page_cnt, &a, sel, Handler::Raw(event_cb), ctx)
    })
}

/// `perf_buffer__poll` (LIBBPF_0.0.4): waits up to `timeout_ms` and reads every
/// ready buffer. The number of ready buffers (0 on timeout), -errno from
/// `epoll_wait`, or the first failing record result (-1 for an unknown record
/// type; a raw callback's own value).
#[no_mangle]
pub extern "C" fn perf_buffer__poll(pb: *mut perf_buffer, timeout_ms: c_int) -> c_int {
    hl("perf_buffer__poll", || {
        PERF.with(pb, |b| {
            let mut f = Pb::dispatch(&b.handler, b.ctx);
            poll_result(b.pb.poll(timeout_ms, &mut f, &mut batch_errno))
        })?
    })
}

/// `perf_buffer__consume` (LIBBPF_0.0.9): reads every buffer without waiting. 0,
/// or the first failing record result as in [`perf_buffer__poll`].
#[no_mangle]
pub extern "C" fn perf_buffer__consume(pb: *mut perf_buffer) -> c_int {
    hl("perf_buffer__consume", || {
        PERF.with(pb, |b| {
            let mut f = Pb::dispatch(&b.handler, b.ctx);
            poll_result(b.pb.consume(&mut f, &mut batch_errno).map(|()| 0))
        })?
    })
}

/// `perf_buffer__consume_buffer` (LIBBPF_0.2.0): reads buffer `buf_idx` only. 0, a
/// failing record result, or -EINVAL for an index ≥ `perf_buffer__buffer_cnt`.
#[no_mangle]
pub extern "C" fn perf_buffer__consume_buffer(pb: *mut perf_buffer, buf_idx: usize) -> c_int {
    hl("perf_buffer__consume_buffer", || {
        PERF.with(pb, |b| {
            if buf_idx >= b.pb.bufs().len() {
                return Err(Error::inval("buf_idx out of range"));
            }
            let mut f = Pb::dispatch(&b.handler, b.ctx);
            match b.pb.process(buf_idx, &mut f) {
                EVENT_CONT => {
                    batch_errno(EVENT_CONT);
                    Ok(0)
                }
                r => Ok(libbpf_err(r)),
            }
        })?
    })
}

/// `perf_buffer__buffer_cnt` (LIBBPF_0.2.0): the number of per-CPU buffers (0 for
/// an invalid `pb`).
#[no_mangle]
pub extern "C" fn perf_buffer__buffer_cnt(pb: *const perf_buffer) -> usize {
    value("perf_buffer__buffer_cnt", 0, || {
        PERF.fixed(pb).map(|f| f.bufs.len()).unwrap_or(0)
    })
}

/// `perf_buffer__buffer_fd` (LIBBPF_0.2.0): the perf event fd of buffer
/// `buf_idx`; -EINVAL for an index out of range or an invalid `pb`.
#[no_mangle]
pub extern "C" fn perf_buffer__buffer_fd(pb: *const perf_buffer, buf_idx: usize) -> c_int {
    hl("perf_buffer__buffer_fd", || {
        PERF.fixed(pb)
            .map(|f| f.bufs.get(buf_idx).map(|b| b.0))?
            .ok_or(Error::inval("buf_idx out of range"))
    })
}

/// `perf_buffer__buffer` (LIBBPF_1.0.0): the mapped ring of buffer `buf_idx`
/// (header page included) in `*buf` and its data size in `*buf_size`. 0, or
/// -EINVAL.
///
/// # Safety
/// `buf` and `buf_size` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn perf_buffer__buffer(
    pb: *mut perf_buffer,
    buf_idx: c_int,
    buf: *mut *mut c_void,
    buf_size: *mut usize,
) -> c_int {
    hl("perf_buffer__buffer", || {
        let (base, size) = PERF
            .fixed(pb)
            .map(|f| {
                usize::try_from(buf_idx)
                    .ok()
                    .and_then(|i| f.bufs.get(i))
                    .map(|b| (b.1, f.mmap_size))
            })?
            .ok_or(Error::inval("buf_idx out of range"))?;
        // SAFETY: out-parameters, NULL or writable per the contract.
        unsafe {
            arg::write(buf, base.cast());
            arg::write(buf_size, size);
        }
        Ok(0)
    })
}

/// `perf_buffer__epoll_fd` (LIBBPF_0.2.0): the epoll fd; -EINVAL for an invalid `pb`.
#[no_mangle]
pub extern "C" fn perf_buffer__epoll_fd(pb: *const perf_buffer) -> c_int {
    hl("perf_buffer__epoll_fd", || {
        PERF.fixed(pb).map(|f| f.epoll_fd)
    })
}

/// `perf_buffer__free` (LIBBPF_0.0.4): removes the fds from the map, unmaps,
/// disables and closes every event, closes the epoll fd. NULL and unknown
/// pointers are ignored.
#[no_mangle]
pub extern "C" fn perf_buffer__free(pb: *mut perf_buffer) {
    value("perf_buffer__free", (), || {
        PERF.free(pb);
    })
}

/// `bpf_perf_event_print_t`: `enum bpf_perf_event_ret (*)(struct perf_event_header *hdr,
/// void *private_data)`.
pub type bpf_perf_event_print_t = Option<
    unsafe extern "C" fn(
        hdr: *mut perf_event_header,
        private_data: *mut c_void,
    ) -> bpf_perf_event_ret,
>;

/// The caller's `*copy_mem`/`*copy_size` scratch buffer of
/// `bpf_perf_event_read_simple`, grown with libc `malloc` (the caller frees it).
struct MallocScratch {
    mem: *mut *mut c_void,
    size: *mut usize,
}

impl crate::events::perf::Scratch for MallocScratch {
    fn get(&mut self, n: usize) -> Option<*mut u8> {
        // SAFETY: both out-pointers are valid for the duration of the call (caller contract, checked non-NULL by the export).
        unsafe {
            if *self.size < n || (*self.mem).is_null() {
                libc::free(*self.mem);
                *self.mem = libc::malloc(n);
                if (*self.mem).is_null() {
                    *self.size = 0;
                    return None;
                }
                *self.size = n;
            }
            Some((*self.mem).cast())
        }
    }
}

/// `bpf_perf_event_read_simple` (LIBBPF_0.0.1, 0.x-only): reads every record of a
/// caller-mapped perf ring (`mmap_mem`: a header page of `page_size` bytes, then
/// `mmap_size` bytes of data, a power of two), calling `fn` on each until it
/// returns something other than `LIBBPF_PERF_EVENT_CONT`; a record that wraps is
/// copied into `*copy_mem` (grown with `malloc`, `*copy_size` bytes; the caller
/// frees it). Returns the last callback result (CONT when the ring is empty) or
/// `LIBBPF_PERF_EVENT_ERROR`; errno is set on ERROR.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `mmap_mem` is a live perf mmap of `page_size + mmap_size` bytes; `copy_mem` and
/// `copy_size` are valid (`*copy_mem` NULL or a `malloc`ed block of `*copy_size`).
#[no_mangle]
pub unsafe extern "C" fn bpf_perf_event_read_simple(
    mmap_mem: *mut c_void,
    mmap_size: usize,
    page_size: usize,
    copy_mem: *mut *mut c_void,
    copy_size: *mut usize,
    fn_: bpf_perf_event_print_t,
    private_data: *mut c_void,
) -> bpf_perf_event_ret {
    legacy_api("bpf_perf_event_read_simple", || {
        value("bpf_perf_event_read_simple", EVENT_ERROR, || {
            let (Some(cb), false, false, false, true) = (
                fn_,
                mmap_mem.is_null(),
                copy_mem.is_null(),
                copy_size.is_null(),
                mmap_size.is_power_of_two(),
            ) else {
                return fail_with(EVENT_ERROR, libc::EINVAL);
            };
            let mut scratch = MallocScratch {
                mem: copy_mem,
                size: copy_size,
            };
            let mut f = |rec: *mut u8| {
                // SAFETY: `rec` is a whole record (contiguous, in the ring or the scratch copy); the callback is the caller's.
                unsafe { cb(rec.cast(), private_data) }
            };
            // SAFETY: forwarded caller contract on the mapping.
            let r = unsafe {
                crate::events::perf::read_ring(
                    mmap_mem.cast(),
                    page_size,
                    mmap_size,
                    &mut scratch,
                    &mut f,
                )
            };
            if r == EVENT_ERROR {
                return fail_with(r, libc::ENOMEM);
            }
            r
        })
    })
}
