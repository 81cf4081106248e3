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
