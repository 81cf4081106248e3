//! The one error type of the crate and its single errno mapping ([`Error::errno`]).
//!
//! The core never sees libbpf's return-value modes (spec `libbpf-api.md` §2); the
//! C skin (`capi::errno`) turns an [`Error`] into `-1`, `-errno` or NULL.

use crate::uapi::ENOTSUPP;
use std::fmt;

/// libbpf's private error codes (`LIBBPF_ERRNO__*`, spec §2.5).
pub mod libbpf_errno {
    pub const START: i32 = 4000;
    pub const LIBELF: i32 = 4000;
    pub const FORMAT: i32 = 4001;
    pub const KVERSION: i32 = 4002;
    pub const ENDIAN: i32 = 4003;
    pub const INTERNAL: i32 = 4004;
    pub const RELOC: i32 = 4005;
    pub const LOAD: i32 = 4006;
    pub const VERIFY: i32 = 4007;
    pub const PROG2BIG: i32 = 4008;
    pub const KVER: i32 = 4009;
    pub const PROGTYPE: i32 = 4010;
    pub const WRNGPID: i32 = 4011;
    pub const INVSEQ: i32 = 4012;
    pub const NLPARSE: i32 = 4013;
    pub const END: i32 = 4014;

    /// libbpf's text for each code, in order from `LIBELF`.
    pub const MESSAGES: [&str; 14] = [
        "Something wrong in libelf",
        "BPF object format invalid",
        "'version' section incorrect or lost",
        "Endian mismatch",
        "Internal error in libbpf",
        "Relocation failed",
        "Load program failure for unknown reason",
        "Kernel verifier blocks program loading",
        "Program too big",
        "Incorrect kernel version",
        "Kernel doesn't support this program type",
        "Wrong pid in netlink message",
        "Invalid netlink sequence",
        "Incorrect netlink message parsing",
    ];

    /// The message for a libbpf code, positive or negative.
    pub fn message(code: i32) -> Option<&'static str> {
        let c = code.checked_abs()?;
        if (START..END).contains(&c) {
            MESSAGES.get((c - START) as usize).copied()
        } else {
            None
        }
    }
}

/// A failed `bpf()` (or other) system call: which call, and the errno it gave.
///
/// `Copy` and allocation-free: a map lookup of a missing key is a hot failure path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SysError {
    /// The command, e.g. `"BPF_MAP_LOOKUP_ELEM"`.
    pub call: &'static str,
    /// The positive errno value.
    pub errno: i32,
}

impl fmt::Display for SysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.call, errno_text(self.errno))
    }
}

/// Every failure the library reports.
#[derive(Debug)]
pub enum Error {
    /// The kernel refused a system call. Under libbpf 0.x rules this is the
    /// "-1 with errno" case.
    Sys(SysError),
    /// A user-space argument check failed (EINVAL), with what was wrong.
    Inval(&'static str),
    /// A user-space check failed with a specific errno (e.g. E2BIG, ENOENT, ENOMEM).
    Errno(i32, &'static str),
    /// The feature is not implemented or not available (EOPNOTSUPP).
    Unsupported(&'static str),
    /// A libbpf private code (`LIBBPF_ERRNO__*`) with a message.
    Libbpf(i32, String),
    /// A panic caught at the C boundary: a bug in libbpfrs (ENOTRECOVERABLE).
    Bug(&'static str),
    /// A C handle that is NULL, freed or garbage (EINVAL), naming its C type.
    Stale(&'static str),
    /// A C handle already in use by a running call, e.g. re-entered from a
    /// callback (EBUSY), naming its C type.
    Busy(&'static str),
}

impl Error {
    /// The positive errno for this error: the only errno table of the crate.
    pub fn errno(&self) -> i32 {
        match self {
            Error::Sys(e) => e.errno,
            Error::Inval(_) => libc::EINVAL,
            Error::Errno(e, _) => *e,
            Error::Unsupported(_) => libc::EOPNOTSUPP,
            Error::Libbpf(code, _) => *code,
            Error::Bug(_) => libc::ENOTRECOVERABLE,
            Error::Stale(_) => libc::EINVAL,
            Error::Busy(_) => libc::EBUSY,
        }
    }

    /// True when the kernel produced the error (libbpf 0.x returns -1 for these).
    pub fn is_syscall(&self) -> bool {
        matches!(self, Error::Sys(_))
    }

    /// Shorthand for an EINVAL argument error.
    pub fn inval(what: &'static str) -> Self {
        Error::Inval(what)
    }
}

impl From<SysError> for Error {
    fn from(e: SysError) -> Self {
        Error::Sys(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Sys(e) => e.fmt(f),
            Error::Inval(w) => write!(f, "invalid argument: {w}"),
            Error::Errno(e, w) => write!(f, "{w}: {}", errno_text(*e)),
            Error::Unsupported(w) => write!(f, "not supported: {w}"),
            Error::Libbpf(c, w) => {
                write!(
                    f,
                    "{w}: {}",
                    libbpf_errno::message(*c).unwrap_or("unknown libbpf error")
                )
            }
            Error::Bug(w) => write!(f, "internal error in {w} (please report)"),
            Error::Stale(k) => write!(f, "not a live struct {k}"),
            Error::Busy(k) => write!(f, "struct {k} is in use by a running call"),
        }
    }
}

impl std::error::Error for Error {}

/// `strerror` text for a positive errno, knowing the kernel-internal codes that
/// reach user space ([`ENOTSUPP`]).
pub fn errno_text(errno: i32) -> String {
    match errno {
        ENOTSUPP => "Operation not supported (ENOTSUPP, kernel-internal 524)".to_string(),
        e => std::io::Error::from_raw_os_error(e)
            .to_string()
            .split(" (os error")
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libbpf_codes_have_messages_both_signs() {
        assert_eq!(
            libbpf_errno::message(4001),
            Some("BPF object format invalid")
        );
        assert_eq!(
            libbpf_errno::message(-4013),
            Some("Incorrect netlink message parsing")
        );
        assert_eq!(libbpf_errno::message(4014), None);
        assert_eq!(libbpf_errno::message(3999), None);
        assert_eq!(libbpf_errno::message(i32::MIN), None);
    }

    #[test]
    fn errno_mapping() {
        assert_eq!(Error::inval("x").errno(), libc::EINVAL);
        assert_eq!(Error::Unsupported("x").errno(), libc::EOPNOTSUPP);
        let s = Error::Sys(SysError {
            call: "BPF_MAP_CREATE",
            errno: libc::EPERM,
        });
        assert!(s.is_syscall());
        assert_eq!(s.to_string(), "BPF_MAP_CREATE: Operation not permitted");
        assert!(errno_text(ENOTSUPP).contains("524"));
    }
}
