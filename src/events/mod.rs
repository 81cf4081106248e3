//! Event buffers: the BPF ring buffer consumer ([`ring`]) and the perf event
//! buffer ([`perf`]), both driven by one epoll instance (`sys::epoll`).
//!
//! Owns: the shared-memory ring protocols (positions, headers, wraparound) and
//! the lifetime of the mappings and perf fds behind a buffer.
//! Must not call: `capi` (callbacks come in as closures).
//! Spec: `libbpf-api.md` §1.2 (ring and perf buffers), §4.5 (callback types).
#![allow(unsafe_code)] // reads rings the kernel writes through shared mappings

pub mod perf;
pub mod ring;
pub mod user_ring;

pub use crate::sys::cpus::{online_cpus, parse_cpu_mask};
pub use crate::sys::epoll::Epoll;

use crate::error::Error;
use crate::sys::mmap::{page_size, Mapping};
use std::fmt;
use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Room for one more buffer in `bufs` and its slot in `events`, made before the
/// buffer is registered so that storing it afterwards cannot fail (ENOMEM
/// otherwise, naming `what`).
fn reserve_one<T>(
    bufs: &mut Vec<T>,
    events: &mut Vec<libc::epoll_event>,
    what: &'static str,
) -> Result<(), Error> {
    bufs.try_reserve(1).map_err(|_| Error::NoMem(what))?;
    events.try_reserve(1).map_err(|_| Error::NoMem(what))
}

/// Which end of a ring map user space is: the ring buffer consumes, the user
/// ring buffer produces. The kernel lets user space map only its own position
/// page read-write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RingSide {
    Consumer,
    Producer,
}

/// The mappings of a ring map, shared by both ring kinds: page 0 holds the
/// consumer position, page 1 the producer position, then the data area of
/// `mask + 1` bytes (a power of two), mapped twice in a row so that a record
/// crossing the end reads as one contiguous slice. Positions only grow; the
/// data offset is `pos & mask`.
#[derive(Debug)]
struct RingPages {
    consumer: Mapping,
    producer: Mapping,
    mask: usize,
    page: usize,
}

/// What follows "page(s)" in a mapping failure's message: the user ring buffer
/// names its map fd, the ring buffer does not (as libbpf).
struct ForMapFd(Option<i32>);

impl fmt::Display for ForMapFd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(fd) => write!(f, " for map fd={fd}"),
            None => Ok(()),
        }
    }
}

impl RingPages {
    /// Maps the consumer page, then the producer page with the `size`-byte data
    /// area twice after it, each read-write only on `side`'s end; a failure is
    /// logged under that ring kind's prefix.
    fn map(map: BorrowedFd<'_>, map_fd: i32, size: usize, side: RingSide) -> Result<Self, Error> {
        let (who, at, too_big) = match side {
            RingSide::Consumer => ("ringbuf", ForMapFd(None), "ring buffer size"),
            RingSide::Producer => (
                "user ringbuf",
                ForMapFd(Some(map_fd)),
                "user ring buffer size",
            ),
        };
        let page = page_size();
        let consumer = Mapping::map(map, page, side == RingSide::Consumer).inspect_err(|e| {
            crate::log::warn(format_args!("{who}: failed to mmap consumer page{at}: {e}"))
        })?;
        let len = size
            .checked_mul(2)
            .and_then(|d| d.checked_add(page))
            .ok_or(Error::TooBig(too_big))?;
        let producer =
            Mapping::map_at(map, len, page, side == RingSide::Producer).inspect_err(|e| {
                crate::log::warn(format_args!("{who}: failed to mmap data pages{at}: {e}"))
            })?;
        Ok(RingPages {
            consumer,
            producer,
            mask: size.wrapping_sub(1),
            page,
        })
    }

    #[inline]
    fn consumer_pos(&self) -> &AtomicUsize {
        // SAFETY: the consumer page is a live, page-aligned mapping of at least 8 bytes whose first word is the consumer position; `AtomicUsize` has the layout of `unsigned long`, and every access to the word is atomic (the producer side only loads it).
        unsafe { &*(self.consumer.as_ptr() as *const AtomicUsize) }
    }

    #[inline]
    fn producer_pos(&self) -> &AtomicUsize {
        // SAFETY: as `consumer_pos`, for the producer position at the start of the producer mapping (the consumer side only loads it).
        unsafe { &*(self.producer.as_ptr() as *const AtomicUsize) }
    }

    /// The start of the data area.
    #[inline]
    fn data(&self) -> *mut u8 {
        // SAFETY: the producer mapping is `page + 2 * (mask + 1)` bytes long; the data area starts one page in.
        unsafe { self.producer.as_ptr().add(self.page) }
    }

    /// Bytes written by the producer and not yet consumed.
    fn pending(&self) -> usize {
        let p = self.producer_pos().load(Ordering::Acquire);
        let c = self.consumer_pos().load(Ordering::Acquire);
        p.wrapping_sub(c)
    }
}

/// Why a poll or consume stopped early.
#[derive(Debug)]
pub enum Abort {
    /// A callback asked to stop with this value (a ring buffer's negative
    /// sample result; a perf buffer's record result other than CONT and DONE),
    /// which the C caller gets back as is.
    Callback(i32),
    /// A system call failed (`epoll_wait`).
    Sys(crate::error::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_masks() {
        assert_eq!(parse_cpu_mask("0\n").unwrap(), vec![true]);
        assert_eq!(
            parse_cpu_mask("0-1,3").unwrap(),
            vec![true, true, false, true]
        );
        assert!(parse_cpu_mask("").is_err());
        assert!(parse_cpu_mask("2-1").is_err());
        assert!(parse_cpu_mask("x").is_err());
        assert!(online_cpus().unwrap().iter().any(|&c| c));
    }

    #[test]
    fn epoll_timeout_gives_zero() {
        let ep = Epoll::new().unwrap();
        let mut ev = [libc::epoll_event { events: 0, u64: 0 }; 2];
        assert_eq!(ep.wait(&mut ev, 0).unwrap(), 0);
        assert_eq!(ep.wait(&mut [], 0).unwrap(), 0);
    }
}
