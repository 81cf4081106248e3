//! The user ring buffer producer (`BPF_MAP_TYPE_USER_RINGBUF`, Linux 6.1): user
//! space writes records, a BPF program drains them with `bpf_user_ringbuf_drain()`.
//!
//! The roles of [`super::ring`] are swapped: page 0 is the kernel's consumer
//! position, which the kernel only lets us map read-only; page 1 is our producer
//! position and the data area follows it (both mapped read-write, the data area
//! twice in a row so that a record crossing the ring end is one contiguous slice).
//! A reservation writes the record header (length with the BUSY bit, zero pad),
//! then publishes the new producer position (release); submit/discard clear BUSY
//! (discard also sets DISCARD) with one atomic exchange, which the kernel's
//! acquire load of the header pairs with. The map fd is watched with `EPOLLOUT`,
//! which the kernel raises whenever the ring is not full and signals after a
//! drain that consumed samples: `reserve_blocking` waits on it.

use super::{Epoll, RingPages, RingSide};
use crate::error::{Error, SysError};
use crate::uapi::{
    BPF_MAP_TYPE_USER_RINGBUF, BPF_RINGBUF_BUSY_BIT as BUSY_BIT,
    BPF_RINGBUF_DISCARD_BIT as DISCARD_BIT, BPF_RINGBUF_HDR_SZ as HDR_SZ,
};
use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

/// Bytes a record of `size` payload bytes takes: header plus payload, rounded up
/// to 8. `size` is below 2^30 here (the flag bits are refused first).
#[inline]
pub fn total_size(size: u32) -> u32 {
    (size + HDR_SZ).div_ceil(8) * 8
}

/// One mapped user ring: immutable after [`UserRing::open`]; every change goes
/// through the shared memory, atomically.
#[derive(Debug)]
pub struct UserRing {
    pages: RingPages,
    epoll: Epoll,
    map_fd: i32,
}

/// Watches `fd` for `EPOLLOUT` (level-triggered, as libbpf registers it).
fn epoll_add_out(ep: &Epoll, fd: BorrowedFd<'_>) -> Result<(), SysError> {
    ep.add_events(fd, libc::EPOLLOUT as u32, 0)
}

impl UserRing {
    /// Maps the USER_RINGBUF map `map_fd`, in libbpf's order: epoll instance, map
    /// info (the kernel's errno for a bad fd), type check (EINVAL), read-only
    /// consumer page, read-write producer and data pages, epoll registration.
    pub fn open(map_fd: i32) -> Result<UserRing, Error> {
        let epoll = Epoll::new().inspect_err(|e| {
            crate::log::warn(format_args!(
                "user ringbuf: failed to create epoll instance: {e}"
            ))
        })?;
        let info = crate::sys::obj::map_info_raw(map_fd).inspect_err(|e| {
            crate::log::warn(format_args!(
                "user ringbuf: failed to get map info for fd={map_fd}: {e}"
            ))
        })?;
        if info.map_type != BPF_MAP_TYPE_USER_RINGBUF {
            crate::log::warn(format_args!(
                "user ringbuf: map fd={map_fd} is not BPF_MAP_TYPE_USER_RINGBUF"
            ));
            return Err(Error::inval("map is not a user ring buffer"));
        }
        let map = crate::sys::borrow_fd(map_fd)?;
        let data = info.max_entries as usize;
        if !data.is_power_of_two() {
            return Err(Error::inval("user ring buffer size is not a power of 2"));
        }
        let pages = RingPages::map(map, map_fd, data, RingSide::Producer)?;
        epoll_add_out(&epoll, map).inspect_err(|e| {
            crate::log::warn(format_args!(
                "user ringbuf: failed to epoll add map fd={map_fd}: {e}"
            ))
        })?;
        Ok(UserRing {
            pages,
            epoll,
            map_fd,
        })
    }

    pub fn map_fd(&self) -> i32 {
        self.map_fd
    }

    /// The data area size in bytes (`max_entries`).
    pub fn size(&self) -> usize {
        self.pages.mask + 1
    }

    /// The 32-bit header word at data offset `off` (8-aligned, < size).
    #[inline]
    fn hdr_word(&self, off: usize) -> &AtomicU32 {
        // SAFETY: `off` is 8-aligned and inside the first copy of the data area, so the u32 is aligned and mapped read-write for the life of `self`; the kernel and we access it only atomically.
        unsafe { &*(self.pages.data().add(off) as *const AtomicU32) }
    }

    /// Reserves `size` bytes: a pointer to the 8-byte aligned sample, or E2BIG
    /// (flag bits set in `size`, or a record larger than the ring) or ENOSPC (not
    /// enough free space now). Not thread-safe among producers (as libbpf).
    pub fn reserve(&self, size: u32) -> Result<*mut u8, Error> {
        if size & (BUSY_BIT | DISCARD_BIT) != 0 {
            return Err(Error::TooBig("sample size uses the flag bits"));
        }
        let cons = self.pages.consumer_pos().load(Ordering::Acquire);
        let prod = self.pages.producer_pos().load(Ordering::Acquire);
        let max = self.size();
        let avail = max.saturating_sub(prod.wrapping_sub(cons));
        let total = total_size(size) as usize;
        if total > max {
            return Err(Error::TooBig("sample larger than the ring"));
        }
        if avail < total {
            return Err(Error::NoSpace("user ring buffer is full"));
        }
        let off = prod & self.pages.mask;
        self.hdr_word(off).store(size | BUSY_BIT, Ordering::Relaxed);
        // The pad word: the second u32 of the 8-byte header.
        // SAFETY: `off + 4` is 4-aligned and inside the header, within the mapping.
        unsafe { &*(self.pages.data().add(off + 4) as *const AtomicU32) }
            .store(0, Ordering::Relaxed);
        self.pages
            .producer_pos()
            .store(prod.wrapping_add(total), Ordering::Release);
        // SAFETY: `(prod + 8) & mask` < size, inside the first copy of the data area.
        Ok(unsafe {
            self.pages
                .data()
                .add(prod.wrapping_add(HDR_SZ as usize) & self.pages.mask)
        })
    }

    /// As [`UserRing::reserve`], waiting up to `timeout_ms` (-1: forever; other
    /// negative values EINVAL) for the kernel to drain while the ring lacks
    /// space. After the timeout one last attempt is made, so the failure is
    /// ENOSPC (as libbpf 1.1.2); an `epoll_wait` failure (EINTR) is returned.
    pub fn reserve_blocking(&self, size: u32, timeout_ms: i32) -> Result<*mut u8, Error> {
        if timeout_ms < -1 {
            return Err(Error::inval("negative timeout other than -1"));
        }
        let start = Instant::now();
        let mut remaining = timeout_ms;
        let mut ev = [libc::epoll_event { events: 0, u64: 0 }];
        loop {
            match self.reserve(size) {
                Ok(p) => return Ok(p),
                Err(e) if e.errno() != libc::ENOSPC => return Err(e),
                Err(_) => {}
            }
            self.epoll.wait(&mut ev, remaining)?;
            if timeout_ms == -1 {
                continue;
            }
            let elapsed = i32::try_from(start.elapsed().as_millis()).unwrap_or(i32::MAX);
            remaining = timeout_ms.saturating_sub(elapsed);
            if remaining <= 0 {
                break;
            }
        }
        self.reserve(size)
    }

    /// Commits the reserved `sample`: clears BUSY (and sets DISCARD for
    /// `discard`) with release ordering. A pointer that is not a sample of this
    /// ring, or whose record is not BUSY (already committed), is refused with
    /// EINVAL and nothing is written.
    pub fn commit(&self, sample: *mut u8, discard: bool) -> Result<(), Error> {
        let off = (sample as usize).wrapping_sub(self.pages.data() as usize);
        if off > self.pages.mask || off & 7 != 0 {
            return Err(Error::inval("not a sample of this user ring buffer"));
        }
        let hdr = self.hdr_word(off.wrapping_add(self.size() - HDR_SZ as usize) & self.pages.mask);
        let len = hdr.load(Ordering::Relaxed);
        if len & BUSY_BIT == 0 {
            return Err(Error::inval("sample is not reserved"));
        }
        let new = (len & !BUSY_BIT) | if discard { DISCARD_BIT } else { 0 };
        hdr.compare_exchange(len, new, Ordering::AcqRel, Ordering::Relaxed)
            .map(drop)
            .map_err(|_| Error::inval("sample committed concurrently"))
    }

    /// Bytes reserved and not yet consumed by the kernel.
    pub fn pending(&self) -> usize {
        self.pages.pending()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_sizes_round_to_eight_with_header() {
        assert_eq!(total_size(0), 8);
        assert_eq!(total_size(1), 16);
        assert_eq!(total_size(8), 16);
        assert_eq!(total_size(9), 24);
        assert_eq!(total_size(4088), 4096);
        assert_eq!(total_size(4089), 4104);
        assert_eq!(total_size(DISCARD_BIT - 1), DISCARD_BIT + 8);
    }

    #[test]
    fn open_rejects_bad_fds() {
        assert!(UserRing::open(-1).is_err());
    }

    /// A real USER_RINGBUF map (needs root: skipped otherwise): reservation
    /// spans, ENOSPC/E2BIG at the limits, commit checks, the blocking timeout.
    #[test]
    fn reserve_commit_on_a_real_map() {
        use std::os::fd::AsRawFd;
        let mut name = [0u8; 16];
        name[..9].copy_from_slice(b"ur_unit_r");
        let Ok(map) = crate::sys::map::map_create(&crate::sys::map::MapCreate {
            map_type: BPF_MAP_TYPE_USER_RINGBUF,
            name,
            max_entries: 4096,
            ..Default::default()
        }) else {
            crate::testutil::test_skip("cannot create a USER_RINGBUF map (root, Linux 6.1)");
            return;
        };
        let r = UserRing::open(map.as_raw_fd()).unwrap();
        assert_eq!(r.size(), 4096);
        let e = |x: Result<*mut u8, Error>| x.err().map(|e| e.errno());
        assert_eq!(e(r.reserve(4089)), Some(libc::E2BIG));
        assert_eq!(e(r.reserve(BUSY_BIT)), Some(libc::E2BIG));
        let a = r.reserve(12).unwrap();
        let b = r.reserve(1).unwrap();
        assert_eq!(b as usize - a as usize, 24);
        assert_eq!(r.pending(), 40);
        assert_eq!(e(r.reserve(4096 - 40 - 7)), Some(libc::ENOSPC));
        let c = r.reserve(4096 - 40 - 8).unwrap();
        assert_eq!(e(r.reserve(0)), Some(libc::ENOSPC));
        assert_eq!(e(r.reserve_blocking(0, 0)), Some(libc::ENOSPC));
        assert_eq!(e(r.reserve_blocking(0, -2)), Some(libc::EINVAL));
        let t = Instant::now();
        assert_eq!(e(r.reserve_blocking(0, 30)), Some(libc::ENOSPC));
        assert!(t.elapsed().as_millis() >= 30);
        // SAFETY: `a` is an 8-aligned sample inside the live mapping; its header precedes it.
        let hdr = unsafe { &*(a.sub(8) as *const AtomicU32) };
        assert_eq!(hdr.load(Ordering::Relaxed), 12 | BUSY_BIT);
        r.commit(a, false).unwrap();
        assert_eq!(hdr.load(Ordering::Relaxed), 12);
        assert!(r.commit(a, false).is_err()); // no longer BUSY
        r.commit(b, true).unwrap();
        r.commit(c, false).unwrap();
        assert!(r.commit(a.wrapping_add(4), false).is_err());
        assert!(r.commit(std::ptr::null_mut(), false).is_err());
    }
}
