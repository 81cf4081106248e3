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
    /// Something the call needs is absent (ENOENT): a file, a pin, an unloaded
    /// object's fds, a map's value area.
    NotFound(&'static str),
    /// A lookup by name matched nothing (ESRCH, libbpf's code for a failed
    /// search): a section name, a kernel BTF attach target, a skeleton entry.
    NoMatch(&'static str),
    /// What the call would create exists already (EEXIST).
    Exists(&'static str),
    /// A step that happens once has happened (EBUSY): the object is loaded, the
    /// map created, the link pinned, the memlock limit raised.
    Already(&'static str),
    /// A size over its limit (E2BIG).
    TooBig(&'static str),
    /// No room left (ENOSPC), e.g. a full ring.
    NoSpace(&'static str),
    /// A name or path longer than the kernel accepts (ENAMETOOLONG).
    NameTooLong(&'static str),
    /// An allocation failed (ENOMEM).
    NoMem(&'static str),
    /// A result does not fit the caller's buffer (ERANGE).
    Range(&'static str),
    /// BTF or `.BTF.ext` data that is malformed or unfit for what is asked of
    /// it (EINVAL): a bad blob, a DATASEC entry that is not a VAR, an invalid
    /// BTF map definition, a type without a size. Unlike `Inval`, printed as
    /// what failed, then the errno text.
    BadBtf(&'static str),
    /// Input of a form libbpf refuses as unsupported too (its `ENOTSUP`, the
    /// same number as EOPNOTSUPP): a static BPF program, opposite-endian BTF
    /// with an unknown header length, a `.BTF.ext` of another version or byte
    /// order, split BTF to append. `Unsupported` is for what libbpfrs or the
    /// kernel lacks.
    UnsupportedInput(&'static str),
    /// The input lacks the part the call reads (ENODATA): an ELF file without
    /// a `.BTF` section.
    NoData(&'static str),
    /// The input is not in the format the call reads (EPROTO): a raw BTF read
    /// of a file without the BTF magic.
    WrongFormat(&'static str),
    /// A pointer the call must read from is NULL (EFAULT), where libbpf passes
    /// it on to a system call that faults.
    BadAddress(&'static str),
    /// A cycle that cannot be broken (ELOOP), e.g. types that embed each other.
    Loop(&'static str),
    /// A file or fd operation other than `bpf()` (read, dup, mkdir, unlink)
    /// failed with this errno. Unlike `Sys`, not a `bpf()` refusal
    /// (`is_syscall` is false).
    Io { what: &'static str, errno: i32 },
    /// A caller's callback failed with this errno (its negative return passed
    /// on): a custom section handler's setup, prepare or attach step.
    Callback { what: &'static str, errno: i32 },
    /// A program of an object failed to load; the errno is the cause's.
    Load(Box<LoadError>),
    /// A program of an object could not be linked (`LIBBPF_ERRNO__RELOC`).
    Reloc(Box<RelocError>),
    /// A CO-RE relocation of a program could not be resolved or applied.
    Core(Box<CoreError>),
}

/// Where a program load failed, and why (`Error::Load`). Boxed in [`Error`] so
/// that every `Result<_, Error>` stays small.
#[derive(Debug)]
pub struct LoadError {
    /// The object's name.
    pub obj: String,
    /// The program's name.
    pub prog: String,
    /// The program's ELF section.
    pub sec: String,
    /// The instruction the verifier stopped at, when the library read its log.
    pub insn: Option<usize>,
    /// What refused it: usually `BPF_PROG_LOAD` (the verifier), or a user-space
    /// check of the load request.
    pub cause: Error,
    /// The CO-RE relocation the verifier stopped at, when it reached an
    /// instruction poisoned for want of a target (the call to `0xbad2310`):
    /// the relocation as libbpf describes it.
    pub core: Option<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // libbpf's line: a kernel refusal as its strerror text alone.
        match &self.cause {
            Error::Sys(s) => write!(
                f,
                "prog '{}': BPF program load failed: {}",
                self.prog,
                errno_text(s.errno)
            )?,
            cause => write!(f, "prog '{}': BPF program load failed: {cause}", self.prog)?,
        }
        if let Some(c) = &self.core {
            write!(
                f,
                " (insn #{} is an unresolved CO-RE relocation, call to 0xbad2310: {c})",
                self.insn.unwrap_or(0)
            )?;
        }
        Ok(())
    }
}

/// A CO-RE relocation that cannot be resolved or applied (`Error::Core`).
#[derive(Debug)]
pub struct CoreError {
    /// The (sub)program whose code holds the instruction.
    pub prog: String,
    /// The relocation's index among its section's CO-RE records.
    pub relo: usize,
    /// The instruction, counted from the start of that (sub)program.
    pub insn: usize,
    /// The relocation's root type, as `[id] kind name`.
    pub ty: String,
    /// The access string (`0:1:2`).
    pub access: String,
    /// What is wrong.
    pub what: String,
    /// The errno libbpf fails with for it.
    pub errno: i32,
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "prog '{}': relo #{}: insn #{}: {} + {}: {}: {}",
            self.prog,
            self.relo,
            self.insn,
            self.ty,
            self.access,
            self.what,
            errno_text(self.errno)
        )
    }
}

/// Where linking a program failed, and why (`Error::Reloc`).
#[derive(Debug)]
pub struct RelocError {
    /// The object's name.
    pub obj: String,
    /// The program's name.
    pub prog: String,
    /// The ELF section of the failing instruction.
    pub sec: String,
    /// The instruction's index in the linked program.
    pub insn: usize,
    /// What is wrong with it.
    pub what: String,
}

impl fmt::Display for RelocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "prog '{}': insn #{}: {}: {}",
            self.prog,
            self.insn,
            self.what,
            libbpf_errno::message(libbpf_errno::RELOC).unwrap_or_default()
        )
    }
}

impl Error {
    /// The positive errno for this error: the only errno table of the crate.
    pub fn errno(&self) -> i32 {
        match self {
            Error::Sys(e) => e.errno,
            Error::Inval(_) => libc::EINVAL,
            Error::Unsupported(_) => libc::EOPNOTSUPP,
            Error::Libbpf(code, _) => *code,
            Error::Bug(_) => libc::ENOTRECOVERABLE,
            Error::Stale(_) => libc::EINVAL,
            Error::Busy(_) => libc::EBUSY,
            Error::NotFound(_) => libc::ENOENT,
            Error::NoMatch(_) => libc::ESRCH,
            Error::Exists(_) => libc::EEXIST,
            Error::Already(_) => libc::EBUSY,
            Error::TooBig(_) => libc::E2BIG,
            Error::NoSpace(_) => libc::ENOSPC,
            Error::NameTooLong(_) => libc::ENAMETOOLONG,
            Error::NoMem(_) => libc::ENOMEM,
            Error::Range(_) => libc::ERANGE,
            Error::BadBtf(_) => libc::EINVAL,
            Error::UnsupportedInput(_) => libc::EOPNOTSUPP,
            Error::NoData(_) => libc::ENODATA,
            Error::WrongFormat(_) => libc::EPROTO,
            Error::BadAddress(_) => libc::EFAULT,
            Error::Loop(_) => libc::ELOOP,
            Error::Io { errno, .. } | Error::Callback { errno, .. } => *errno,
            Error::Load(e) => e.cause.errno(),
            Error::Reloc(_) => libbpf_errno::RELOC,
            Error::Core(e) => e.errno,
        }
    }

    /// True when the kernel produced the error (libbpf 0.x returns -1 for these).
    pub fn is_syscall(&self) -> bool {
        match self {
            Error::Sys(_) => true,
            Error::Load(e) => e.cause.is_syscall(),
            _ => false,
        }
    }

    /// A failed file or fd operation, from its `std::io::Error` (EIO if it has
    /// no OS code).
    pub fn io(what: &'static str, e: &std::io::Error) -> Self {
        Error::Io {
            what,
            errno: e.raw_os_error().unwrap_or(libc::EIO),
        }
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
            Error::NotFound(w)
            | Error::NoMatch(w)
            | Error::Exists(w)
            | Error::Already(w)
            | Error::TooBig(w)
            | Error::NoSpace(w)
            | Error::NameTooLong(w)
            | Error::NoMem(w)
            | Error::Range(w)
            | Error::BadBtf(w)
            | Error::UnsupportedInput(w)
            | Error::NoData(w)
            | Error::WrongFormat(w)
            | Error::BadAddress(w)
            | Error::Loop(w)
            | Error::Io { what: w, .. }
            | Error::Callback { what: w, .. } => write!(f, "{w}: {}", errno_text(self.errno())),
            Error::Load(e) => e.fmt(f),
            Error::Reloc(e) => e.fmt(f),
            Error::Core(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Load(e) => Some(&e.cause),
            _ => None,
        }
    }
}

/// `strerror` text for a positive errno, knowing the kernel-internal codes that
/// reach user space ([`ENOTSUPP`]) and libbpf's own codes (as
/// `libbpf_strerror_r` words them). Never Rust's "(os error N)" suffix.
pub fn errno_text(errno: i32) -> String {
    if let Some(m) = libbpf_errno::message(errno) {
        return m.to_string();
    }
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
        assert_eq!(errno_text(libc::ENOENT), "No such file or directory");
        assert_eq!(
            errno_text(libbpf_errno::FORMAT),
            "BPF object format invalid"
        );
        assert_eq!(
            errno_text(-libbpf_errno::FORMAT),
            "BPF object format invalid"
        );
        assert!(!errno_text(9999).contains("os error"));
    }

    #[test]
    fn what_failed_variants_map_to_their_errno() {
        let cases = [
            (Error::NotFound("x"), libc::ENOENT),
            (Error::NoMatch("x"), libc::ESRCH),
            (Error::Exists("x"), libc::EEXIST),
            (Error::Already("x"), libc::EBUSY),
            (Error::TooBig("x"), libc::E2BIG),
            (Error::NoSpace("x"), libc::ENOSPC),
            (Error::NameTooLong("x"), libc::ENAMETOOLONG),
            (Error::NoMem("x"), libc::ENOMEM),
            (Error::Range("x"), libc::ERANGE),
            (Error::BadBtf("x"), libc::EINVAL),
            (Error::UnsupportedInput("x"), libc::EOPNOTSUPP),
            (Error::NoData("x"), libc::ENODATA),
            (Error::WrongFormat("x"), libc::EPROTO),
            (Error::BadAddress("x"), libc::EFAULT),
            (
                Error::Io {
                    what: "x",
                    errno: libc::EACCES,
                },
                libc::EACCES,
            ),
        ];
        for (e, errno) in cases {
            assert_eq!(e.errno(), errno, "{e:?}");
            assert!(!e.is_syscall(), "{e:?}");
            assert_eq!(e.to_string(), format!("x: {}", errno_text(errno)));
        }
        // What warnings print: what failed, then the errno text.
        let printed = [
            (
                Error::NotFound("object not loaded"),
                "object not loaded: No such file or directory",
            ),
            (
                Error::BadBtf("malformed BTF"),
                "malformed BTF: Invalid argument",
            ),
            (
                Error::UnsupportedInput("unsupported BTF.ext"),
                "unsupported BTF.ext: Operation not supported",
            ),
            (
                Error::NoData("ELF file has no .BTF section"),
                "ELF file has no .BTF section: No data available",
            ),
            (
                Error::WrongFormat("not a raw BTF file"),
                "not a raw BTF file: Protocol error",
            ),
            (
                Error::BadAddress("path is NULL"),
                "path is NULL: Bad address",
            ),
        ];
        for (e, text) in printed {
            assert_eq!(e.to_string(), text);
        }
        // libbpf's ENOTSUP, which UnsupportedInput reports.
        assert_eq!(libc::ENOTSUP, libc::EOPNOTSUPP);
        let io = std::io::Error::from_raw_os_error(libc::EISDIR);
        assert_eq!(Error::io("read", &io).errno(), libc::EISDIR);
        let other = std::io::Error::other("no code");
        assert_eq!(Error::io("read", &other).errno(), libc::EIO);
    }

    #[test]
    fn load_error_names_the_program_and_keeps_the_cause() {
        let e = Error::Load(Box::new(LoadError {
            obj: "reject".into(),
            prog: "bad_prog".into(),
            sec: "socket".into(),
            insn: Some(0),
            cause: Error::Sys(SysError {
                call: "BPF_PROG_LOAD",
                errno: libc::EACCES,
            }),
            core: None,
        }));
        assert_eq!(e.errno(), libc::EACCES);
        assert!(e.is_syscall());
        assert_eq!(
            e.to_string(),
            "prog 'bad_prog': BPF program load failed: Permission denied"
        );
        let src = std::error::Error::source(&e).map(|s| s.to_string());
        assert_eq!(src.as_deref(), Some("BPF_PROG_LOAD: Permission denied"));
        let user = Error::Load(Box::new(LoadError {
            obj: String::new(),
            prog: "p".into(),
            sec: "xdp".into(),
            insn: None,
            cause: Error::inval("bpf_prog_load: log_level > 7"),
            core: None,
        }));
        assert_eq!(user.errno(), libc::EINVAL);
        assert!(!user.is_syscall());
    }

    #[test]
    fn reloc_error_is_libbpf_reloc_with_the_instruction() {
        let e = Error::Reloc(Box::new(RelocError {
            obj: "o".into(),
            prog: "main".into(),
            sec: "socket".into(),
            insn: 12,
            what: "call target outside section socket".into(),
        }));
        assert_eq!(e.errno(), libbpf_errno::RELOC);
        assert!(!e.is_syscall());
        assert_eq!(
            e.to_string(),
            "prog 'main': insn #12: call target outside section socket: Relocation failed"
        );
    }

    #[test]
    fn error_stays_small() {
        // Every `Result<_, Error>` carries it: context is boxed.
        assert!(std::mem::size_of::<Error>() <= 32);
    }
}
