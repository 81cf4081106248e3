//! `epoll(7)`: the readiness wait behind the ring buffer, perf buffer and user
//! ring buffer (`*_poll`, `*_epoll_fd`, `user_ring_buffer__reserve_blocking`).

use crate::error::SysError;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// An epoll instance (`epoll_create1(EPOLL_CLOEXEC)`), level-triggered `EPOLLIN`
/// on each registered fd, with the user data word identifying the source.
#[derive(Debug)]
pub struct Epoll {
    fd: OwnedFd,
}

impl Epoll {
    pub fn new() -> Result<Epoll, SysError> {
        // SAFETY: epoll_create1 takes no pointers.
        let r = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if r < 0 {
            return Err(crate::sys::last_error("epoll_create1"));
        }
        // SAFETY: a fresh descriptor nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(r) };
        Ok(Epoll { fd })
    }

    /// Watches `fd` for readability; `data` comes back in [`Epoll::wait`].
    pub fn add(&self, fd: BorrowedFd<'_>, data: u64) -> Result<(), SysError> {
        self.add_events(fd, libc::EPOLLIN as u32, data)
    }

    /// Watches `fd` for `events` (`EPOLLIN`, `EPOLLOUT`, …), level-triggered.
    pub fn add_events(&self, fd: BorrowedFd<'_>, events: u32, data: u64) -> Result<(), SysError> {
        let mut ev = libc::epoll_event { events, u64: data };
        // SAFETY: `ev` is a live epoll_event the kernel only reads.
        let r = unsafe {
            libc::epoll_ctl(
                self.fd.as_raw_fd(),
                libc::EPOLL_CTL_ADD,
                fd.as_raw_fd(),
                &mut ev,
            )
        };
        if r < 0 {
            Err(crate::sys::last_error("epoll_ctl"))
        } else {
            Ok(())
        }
    }

    /// `epoll_wait` into `events` (at most its length, at least one slot used);
    /// the number of ready entries.
    pub fn wait(
        &self,
        events: &mut [libc::epoll_event],
        timeout_ms: i32,
    ) -> Result<usize, SysError> {
        let max = events.len().clamp(1, i32::MAX as usize);
        let mut one = [libc::epoll_event { events: 0, u64: 0 }];
        let buf: &mut [libc::epoll_event] = if events.is_empty() { &mut one } else { events };
        // SAFETY: `buf` holds at least `max` writable epoll_events (max ≤ its length).
        let r = unsafe {
            libc::epoll_wait(
                self.fd.as_raw_fd(),
                buf.as_mut_ptr(),
                max as i32,
                timeout_ms,
            )
        };
        if r < 0 {
            Err(crate::sys::last_error("epoll_wait"))
        } else if events.is_empty() {
            // No source registered can be ready; an empty caller buffer reports none.
            Ok(0)
        } else {
            Ok(r as usize)
        }
    }

    pub fn raw_fd(&self) -> i32 {
        self.fd.as_raw_fd()
    }
}
