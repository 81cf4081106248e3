//! Event buffers: the BPF ring buffer consumer ([`ring`]) and the perf event
//! buffer ([`perf`]), both driven by one epoll instance ([`Epoll`]).
//!
//! Owns: the shared-memory ring protocols (positions, headers, wraparound) and
//! the lifetime of the mappings and perf fds behind a buffer.
//! Must not call: `capi` (callbacks come in as closures).
//! Spec: `libbpf-api.md` §1.2 (ring and perf buffers), §4.5 (callback types).
#![allow(unsafe_code)] // reads rings the kernel writes through shared mappings; epoll

pub mod perf;
pub mod ring;
pub mod user_ring;

use crate::error::{Error, SysError};
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
            return Err(SysError::last("epoll_create1"));
        }
        // SAFETY: a fresh descriptor nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(r) };
        Ok(Epoll { fd })
    }

    /// Watches `fd` for readability; `data` comes back in [`Epoll::wait`].
    pub fn add(&self, fd: BorrowedFd<'_>, data: u64) -> Result<(), SysError> {
        let mut ev = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: data,
        };
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
            Err(SysError::last("epoll_ctl"))
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
            Err(SysError::last("epoll_wait"))
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

/// A map's info by raw fd, as libbpf asks for it: a negative or closed fd goes
/// to the kernel too, so the errno is the kernel's (EBADFD on current kernels).
pub fn map_info(fd: i32) -> Result<crate::sys::obj::MapInfo, SysError> {
    let mut info = crate::sys::obj::MapInfo::default();
    crate::sys::obj::obj_get_info_by_fd(
        fd,
        crate::sys::UserPtr::from_mut(&mut info),
        std::mem::size_of::<crate::sys::obj::MapInfo>() as u32,
    )?;
    Ok(info)
}

/// Parses a sysfs CPU list (`0-3,8`) into a mask indexed by CPU number.
pub fn parse_cpu_mask(s: &str) -> Result<Vec<bool>, Error> {
    let mut mask = Vec::new();
    for part in s.trim().split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let a: usize = a.trim().parse().map_err(|_| Error::inval("bad CPU mask"))?;
        let b: usize = b.trim().parse().map_err(|_| Error::inval("bad CPU mask"))?;
        if b < a || b >= 1 << 16 {
            return Err(Error::inval("bad CPU range"));
        }
        if mask.len() <= b {
            mask.resize(b + 1, false);
        }
        for m in &mut mask[a..=b] {
            *m = true;
        }
    }
    if mask.is_empty() {
        return Err(Error::inval("empty CPU mask"));
    }
    Ok(mask)
}

/// The online-CPU mask from `/sys/devices/system/cpu/online`.
pub fn online_cpus() -> Result<Vec<bool>, Error> {
    let s = std::fs::read_to_string("/sys/devices/system/cpu/online").map_err(|e| {
        Error::Errno(
            e.raw_os_error().unwrap_or(libc::EIO),
            "reading /sys/devices/system/cpu/online",
        )
    })?;
    parse_cpu_mask(&s)
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
