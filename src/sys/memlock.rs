//! The RLIMIT_MEMLOCK policy: `libbpf_set_memlock_rlim` and the one-time bump.
//!
//! Owns: the limit to apply (default `RLIM_INFINITY`) and whether it was applied.
//! Must not call: `sys` or `capi`; the kernel probe and `setrlimit` are passed in by
//! the loader, so this stays pure and testable.
//! Spec: `libbpf-api.md` §1.1 (`libbpf_set_memlock_rlim`, node 0.7.0, exported from
//! 1.4.0) and §2.5 (RLIMIT_MEMLOCK).
//!
//! libbpf ≥ 1.0 raises RLIMIT_MEMLOCK once, before the first map, program or BTF
//! load, and only on kernels that still charge BPF memory to it (no memcg
//! accounting, before 5.11). After that bump `libbpf_set_memlock_rlim` fails with
//! EBUSY; until then it only records the value (0 disables the bump). On kernels
//! with memcg accounting nothing is ever bumped, so the setter always succeeds.
#![forbid(unsafe_code)]

use crate::error::Error;
use std::sync::{Mutex, MutexGuard};

/// `RLIM_INFINITY` on Linux.
pub const RLIM_INFINITY: u64 = u64::MAX;

/// The policy state; one process-wide instance lives behind [`set_limit`] / [`bump_once`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memlock {
    limit: u64,
    bumped: bool,
}

impl Memlock {
    /// No bump yet; the bump would raise the limit to infinity.
    pub const fn new() -> Self {
        Memlock {
            limit: RLIM_INFINITY,
            bumped: false,
        }
    }

    /// Records the limit for a later bump; EBUSY once the bump has happened.
    pub fn set_limit(&mut self, bytes: u64) -> Result<(), Error> {
        if self.bumped {
            return Err(Error::Already(
                "libbpf_set_memlock_rlim: RLIMIT_MEMLOCK already raised",
            ));
        }
        self.limit = bytes;
        Ok(())
    }

    /// The limit a bump would apply.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// True once the library has raised RLIMIT_MEMLOCK.
    pub fn bumped(&self) -> bool {
        self.bumped
    }

    /// Raises RLIMIT_MEMLOCK at most once. `memcg_accounting` says whether the kernel
    /// charges BPF memory to the memory cgroup (then nothing happens, and the state is
    /// unchanged so that a later setter still succeeds); `apply` sets both soft and
    /// hard limit. A limit of 0 marks the bump done without touching the rlimit.
    pub fn bump_once(
        &mut self,
        memcg_accounting: impl FnOnce() -> bool,
        apply: impl FnOnce(u64) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if self.bumped || memcg_accounting() {
            return Ok(());
        }
        self.bumped = true;
        if self.limit == 0 {
            return Ok(());
        }
        apply(self.limit)
    }
}

impl Default for Memlock {
    fn default() -> Self {
        Self::new()
    }
}

static STATE: Mutex<Memlock> = Mutex::new(Memlock::new());

fn state() -> MutexGuard<'static, Memlock> {
    // The state is two plain fields, valid even if a holder panicked.
    STATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Forgets a bump, for tests that load under several fake kernels.
#[cfg(test)]
pub fn reset() {
    *state() = Memlock::new();
}

/// `libbpf_set_memlock_rlim(bytes)` on the process-wide state.
pub fn set_limit(bytes: u64) -> Result<(), Error> {
    state().set_limit(bytes)
}

/// [`Memlock::bump_once`] on the process-wide state: the loader calls it before each
/// map, program or BTF load. With memcg accounting (5.11+) there is never anything
/// to do, so that is asked first, without taking the state's lock.
pub fn bump_once(
    memcg_accounting: impl FnOnce() -> bool,
    apply: impl FnOnce(u64) -> Result<(), Error>,
) -> Result<(), Error> {
    if memcg_accounting() {
        return Ok(());
    }
    state().bump_once(|| false, apply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setter_stores_until_bumped() {
        let mut m = Memlock::new();
        assert_eq!(m.limit(), RLIM_INFINITY);
        m.set_limit(1 << 20).unwrap();
        m.set_limit(64 << 20).unwrap();
        assert_eq!(m.limit(), 64 << 20);
        assert!(!m.bumped());
    }

    #[test]
    fn memcg_kernel_never_bumps() {
        let mut m = Memlock::new();
        for _ in 0..3 {
            m.bump_once(|| true, |_| panic!("must not setrlimit"))
                .unwrap();
        }
        assert!(!m.bumped());
        assert!(m.set_limit(5).is_ok());
    }

    #[test]
    fn old_kernel_bumps_once_then_setter_is_busy() {
        let mut m = Memlock::new();
        m.set_limit(1234).unwrap();
        let mut applied = Vec::new();
        m.bump_once(
            || false,
            |v| {
                applied.push(v);
                Ok(())
            },
        )
        .unwrap();
        m.bump_once(|| false, |_| panic!("bumped twice")).unwrap();
        assert_eq!(applied, [1234]);
        let e = m.set_limit(1).unwrap_err();
        assert_eq!(e.errno(), libc::EBUSY);
        assert!(!e.is_syscall());
        assert_eq!(m.limit(), 1234);
    }

    #[test]
    fn zero_limit_disables_the_bump_but_counts_as_done() {
        let mut m = Memlock::new();
        m.set_limit(0).unwrap();
        m.bump_once(|| false, |_| panic!("limit 0 must not setrlimit"))
            .unwrap();
        assert!(m.bumped());
        assert_eq!(m.set_limit(1).unwrap_err().errno(), libc::EBUSY);
    }

    #[test]
    fn failed_setrlimit_is_reported_once() {
        let mut m = Memlock::new();
        let refused = crate::error::SysError {
            call: "setrlimit",
            errno: libc::EPERM,
        };
        let r = m.bump_once(|| false, |_| Err(refused.into()));
        assert_eq!(r.unwrap_err().errno(), libc::EPERM);
        assert!(m.bump_once(|| false, |_| panic!("retried")).is_ok());
    }
}
