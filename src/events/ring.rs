//! The BPF ring buffer consumer (`BPF_MAP_TYPE_RINGBUF`, Linux 5.8).
//!
//! Layout of a ring map's mapping: page 0 is the consumer position (mapped
//! read-write: we publish it), page 1 the producer position, then the data area
//! of `max_entries` bytes (a power of two), which the kernel lets us map twice in
//! a row so that a record crossing the end reads as one contiguous slice. Each
//! record has an 8-byte header whose first `u32` is the length with the BUSY bit
//! (31: still being written) and the DISCARD bit (30: skip it); records are
//! 8-byte aligned. Positions only grow; the data offset is `pos & mask`.

use super::{reserve_one, Abort, Epoll, RingPages, RingSide};
use crate::error::{Error, SysError};
use crate::uapi::{
    BPF_MAP_TYPE_RINGBUF, BPF_RINGBUF_BUSY_BIT as BUSY_BIT, BPF_RINGBUF_DISCARD_BIT as DISCARD_BIT,
    BPF_RINGBUF_HDR_SZ as HDR_SZ,
};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicU32, Ordering};

/// Bytes a record with header length word `len` takes in the ring.
#[inline]
pub fn record_span(len: u32) -> usize {
    let len = (len & !(BUSY_BIT | DISCARD_BIT)) as usize + HDR_SZ as usize;
    (len + 7) & !7
}

/// One mapped ring.
#[derive(Debug)]
pub struct Ring {
    pages: RingPages,
    map_fd: i32,
}

impl Ring {
    /// Maps the ring of the RINGBUF map `map`: checks the type (EINVAL otherwise).
    pub fn open(map_fd: i32) -> Result<Ring, Error> {
        let info = crate::sys::obj::map_info_raw(map_fd).inspect_err(|e| {
            crate::log::warn(format_args!(
                "ringbuf: failed to get map info for fd={map_fd}: {e}"
            ))
        })?;
        let map = crate::sys::borrow_fd(map_fd)?;
        if info.map_type != BPF_MAP_TYPE_RINGBUF {
            crate::log::warn(format_args!(
                "ringbuf: map fd={} is not BPF_MAP_TYPE_RINGBUF",
                map.as_raw_fd()
            ));
            return Err(Error::inval("map is not a ring buffer"));
        }
        let pages = RingPages::map(map, map_fd, info.max_entries as usize, RingSide::Consumer)?;
        Ok(Ring {
            pages,
            map_fd: map.as_raw_fd(),
        })
    }

    pub fn map_fd(&self) -> i32 {
        self.map_fd
    }

    /// Hands every committed record to `f(data, len)`, in order, until the ring
    /// is empty or a record is still BUSY; discarded records are skipped
    /// uncounted. The consumer position is published (release) after each
    /// record. A negative return from `f` publishes the position past that
    /// record and stops. Returns the number of records given to `f`.
    #[inline]
    pub fn process(&self, mut f: impl FnMut(*mut u8, u32) -> i32) -> Result<i64, i32> {
        let cons = self.pages.consumer_pos();
        let prod = self.pages.producer_pos();
        let data = self.pages.data();
        let mut cnt: i64 = 0;
        let mut cons_pos = cons.load(Ordering::Acquire);
        loop {
            let mut got_new = false;
            let prod_pos = prod.load(Ordering::Acquire);
            while cons_pos < prod_pos {
                // SAFETY: `pos & mask` < ring size, so the 8-byte header lies in the first copy of the data area; headers are 8-byte aligned, and the kernel writes the length word atomically.
                let hdr = unsafe { data.add(cons_pos & self.pages.mask) };
                // SAFETY: as above: an aligned u32 inside the mapping, accessed atomically.
                let len = unsafe { &*(hdr as *const AtomicU32) }.load(Ordering::Acquire);
                if len & BUSY_BIT != 0 {
                    return Ok(cnt);
                }
                got_new = true;
                cons_pos = cons_pos.wrapping_add(record_span(len));
                if len & DISCARD_BIT == 0 {
                    // SAFETY: the sample follows its header; the double mapping makes `len` bytes from there readable even across the ring end.
                    let sample = unsafe { hdr.add(HDR_SZ as usize) };
                    let r = f(sample, len);
                    if r < 0 {
                        cons.store(cons_pos, Ordering::Release);
                        return Err(r);
                    }
                    cnt += 1;
                }
                cons.store(cons_pos, Ordering::Release);
            }
            if !got_new {
                return Ok(cnt);
            }
        }
    }

    /// Bytes written by the producer and not yet consumed.
    pub fn avail(&self) -> usize {
        self.pages.pending()
    }
}

/// A set of rings behind one epoll instance; `T` is the caller's per-ring data
/// (the C callback and its context).
#[derive(Debug)]
pub struct RingBuffer<T> {
    epoll: Epoll,
    rings: Vec<(Ring, T)>,
    events: Vec<libc::epoll_event>,
}

fn cap(n: i64) -> i32 {
    n.min(i32::MAX as i64) as i32
}

impl<T> RingBuffer<T> {
    pub fn new() -> Result<Self, Error> {
        let epoll = Epoll::new().inspect_err(|e| {
            crate::log::warn(format_args!(
                "ringbuf: failed to create epoll instance: {e}"
            ))
        })?;
        Ok(RingBuffer {
            epoll,
            rings: Vec::new(),
            events: Vec::new(),
        })
    }

    /// Adds the ring of `map` with its data `t`.
    pub fn add(&mut self, map_fd: i32, t: T) -> Result<(), Error> {
        let ring = Ring::open(map_fd)?;
        let map = crate::sys::borrow_fd(map_fd)?;
        reserve_one(&mut self.rings, &mut self.events, "ring list")?;
        self.epoll
            .add(map, self.rings.len() as u64)
            .inspect_err(|e: &SysError| {
                crate::log::warn(format_args!(
                    "ringbuf: failed to epoll add map fd={}: {e}",
                    map.as_raw_fd()
                ))
            })?;
        self.rings.push((ring, t));
        self.events.push(libc::epoll_event { events: 0, u64: 0 });
        Ok(())
    }

    pub fn epoll_fd(&self) -> i32 {
        self.epoll.raw_fd()
    }

    pub fn rings(&self) -> impl Iterator<Item = &Ring> {
        self.rings.iter().map(|(r, _)| r)
    }

    /// Waits up to `timeout_ms` for ready rings and consumes them: the number of
    /// records consumed (capped at `i32::MAX`).
    pub fn poll(
        &mut self,
        timeout_ms: i32,
        mut f: impl FnMut(&T, *mut u8, u32) -> i32,
    ) -> Result<i32, Abort> {
        let n = self
            .epoll
            .wait(&mut self.events, timeout_ms)
            .map_err(|e| Abort::Sys(e.into()))?;
        let mut res: i64 = 0;
        for i in 0..n {
            let id = self.events.get(i).map_or(usize::MAX, |e| e.u64 as usize);
            let Some((ring, t)) = self.rings.get(id) else {
                continue;
            };
            res += ring.process(|p, l| f(t, p, l)).map_err(Abort::Callback)?;
        }
        Ok(cap(res))
    }

    /// Consumes every ring without waiting.
    pub fn consume(&mut self, mut f: impl FnMut(&T, *mut u8, u32) -> i32) -> Result<i32, Abort> {
        let mut res: i64 = 0;
        for (ring, t) in &self.rings {
            res += ring.process(|p, l| f(t, p, l)).map_err(Abort::Callback)?;
        }
        Ok(cap(res))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_aligned_and_ignore_flag_bits() {
        assert_eq!(record_span(0), 8);
        assert_eq!(record_span(1), 16);
        assert_eq!(record_span(8), 16);
        assert_eq!(record_span(9), 24);
        assert_eq!(record_span(12 | DISCARD_BIT), 24);
        assert_eq!(record_span(12 | BUSY_BIT), 24);
    }
}
