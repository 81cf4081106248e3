//! `BPF_PROG_LOAD` and `BPF_PROG_BIND_MAP`.
//!
//! Owns: `BPF_PROG_LOAD` with libbpf's three retries (EAGAIN, the kernel's
//! func/line-info record-size hint, the log retry), the caller's log buffer
//! ([`Log`], also used by `BPF_BTF_LOAD`), map binding.
//! Must not call: `capi`.
//! Spec: `libbpf-api.md` §1.1 (rows of these calls) and §2.5 (PROG_LOAD retries).
//!
//! Descriptors here are numbers the kernel resolves, passed through unchanged as
//! libbpf passes them (an fd *or* an ifindex, or 0), so every return value and
//! errno stays the kernel's own.

use super::attr::{ProgBindMapAttr, ProgLoadAttr};
use super::{call, call_fd, Cmd, UserPtr};
use crate::error::{Error, SysError};
use std::marker::PhantomData;
use std::os::fd::OwnedFd;

/// libbpf's default number of `BPF_PROG_LOAD` attempts while the kernel says EAGAIN.
pub const PROG_LOAD_ATTEMPTS: i32 = 5;

/// A caller's log buffer (verifier or BTF log): handed to the kernel, never read here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Log {
    pub buf: UserPtr,
    pub size: u32,
    pub level: u32,
}

/// `.BTF.ext` records of a program (`func_info` or `line_info`): `cnt` records of
/// `rec_size` bytes at a caller's address.
///
/// Rust reads the records only when the kernel asks for a retry with their unknown
/// tail bytes zeroed (E2BIG); otherwise only the kernel touches them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Recs<'a> {
    ptr: UserPtr,
    cnt: u32,
    rec_size: u32,
    _mem: PhantomData<&'a [u8]>,
}

impl<'a> Recs<'a> {
    /// Records at a caller's address.
    ///
    /// # Safety
    /// `ptr` is 0, or the address of `cnt * rec_size` readable bytes that stay valid
    /// and unmodified for `'a` (libbpf's contract for `func_info`/`line_info`).
    pub unsafe fn new(ptr: UserPtr, cnt: u32, rec_size: u32) -> Self {
        Recs {
            ptr,
            cnt,
            rec_size,
            _mem: PhantomData,
        }
    }

    /// Records in a Rust buffer. `None` if the buffer is shorter than `cnt * rec_size`.
    pub fn from_slice(data: &'a [u8], cnt: u32, rec_size: u32) -> Option<Self> {
        let need = (cnt as usize).checked_mul(rec_size as usize)?;
        if data.len() < need {
            return None;
        }
        // SAFETY: `data` holds at least `cnt * rec_size` bytes borrowed for `'a`.
        Some(unsafe { Self::new(UserPtr::from_ptr(data.as_ptr()), cnt, rec_size) })
    }

    /// A copy of the records, each keeping its `rec_size` bytes but with everything
    /// past the first `kernel_size` bytes zeroed (libbpf's answer to the kernel's
    /// E2BIG hint). `None` for a NULL or empty array, or a copy that cannot be
    /// allocated (libbpf's failed `malloc`).
    fn zero_tailed(&self, kernel_size: u32) -> Option<Vec<u8>> {
        let rec = self.rec_size as usize;
        if self.ptr.is_null() || rec == 0 {
            return None;
        }
        let total = (self.cnt as usize).checked_mul(rec)?;
        if total > isize::MAX as usize {
            return None;
        }
        let keep = (kernel_size as usize).min(rec);
        let ptr = usize::try_from(self.ptr.0).ok()? as *const u8;
        // SAFETY: the constructor's contract: `ptr` addresses `cnt * rec_size` (= `total` <= isize::MAX) readable bytes, valid for `'a`, which outlives `self`.
        let src = unsafe { std::slice::from_raw_parts(ptr, total) };
        let mut out = Vec::new();
        out.try_reserve_exact(total).ok()?;
        out.resize(total, 0u8);
        for (dst, rec_src) in out.chunks_exact_mut(rec).zip(src.chunks_exact(rec)) {
            dst[..keep].copy_from_slice(&rec_src[..keep]);
        }
        Some(out)
    }
}

/// Everything `BPF_PROG_LOAD` takes through libbpf's `bpf_prog_load` (Linux 3.18;
/// names 4.15; BTF func/line info 5.0; `fd_array` 5.14).
#[derive(Clone, Copy, Debug, Default)]
pub struct ProgLoad<'a> {
    pub prog_type: u32,
    /// Up to 15 bytes are sent (libbpf truncates the same way).
    pub name: [u8; 16],
    /// The license C string (the kernel reads it; NULL gives its EFAULT).
    pub license: UserPtr,
    pub insns: UserPtr,
    pub insn_cnt: usize,
    pub expected_attach_type: u32,
    pub prog_btf_fd: u32,
    pub prog_flags: u32,
    pub prog_ifindex: u32,
    pub kern_version: u32,
    pub attach_btf_id: u32,
    pub attach_prog_fd: u32,
    pub attach_btf_obj_fd: u32,
    pub fd_array: UserPtr,
    pub func_info: Recs<'a>,
    pub line_info: Recs<'a>,
    /// `level == 0` with a buffer: load without a log, retry once at level 1 on failure.
    pub log: Log,
    /// Tries while the kernel says EAGAIN; 0 means [`PROG_LOAD_ATTEMPTS`], < 0 is EINVAL.
    pub attempts: i32,
}

impl ProgLoad<'_> {
    /// The attr of the first attempt; the log is sent only when `log.level != 0`.
    fn attr(&self) -> ProgLoadAttr {
        let mut attr = ProgLoadAttr {
            prog_type: self.prog_type,
            insn_cnt: self.insn_cnt as u32,
            insns: self.insns.0,
            license: self.license.0,
            kern_version: self.kern_version,
            prog_flags: self.prog_flags,
            prog_name: crate::sys::attr::kernel_name(self.name),
            prog_ifindex: self.prog_ifindex,
            expected_attach_type: self.expected_attach_type,
            prog_btf_fd: self.prog_btf_fd,
            func_info_rec_size: self.func_info.rec_size,
            func_info: self.func_info.ptr.0,
            func_info_cnt: self.func_info.cnt,
            line_info_rec_size: self.line_info.rec_size,
            line_info: self.line_info.ptr.0,
            line_info_cnt: self.line_info.cnt,
            attach_btf_id: self.attach_btf_id,
            // One field in the UAPI: `attach_prog_fd` wins when both are zero or it is set.
            attach_prog_fd: if self.attach_prog_fd != 0 {
                self.attach_prog_fd
            } else {
                self.attach_btf_obj_fd
            },
            fd_array: self.fd_array.0,
            ..ProgLoadAttr::default()
        };
        if self.log.level != 0 {
            set_log(&mut attr, self.log);
        }
        attr
    }
}

impl ProgLoad<'_> {
    /// The two unions of libbpf 0.x `struct bpf_load_program_attr`: `kern_version`
    /// shares its slot with `attach_prog_fd`, `prog_ifindex` with `attach_btf_id`;
    /// the program type says which reading applies (libbpf 0.7–0.8).
    pub fn set_legacy_unions(&mut self, kver_or_attach_prog_fd: u32, ifindex_or_btf_id: u32) {
        use crate::uapi::{
            BPF_PROG_TYPE_EXT, BPF_PROG_TYPE_LSM, BPF_PROG_TYPE_STRUCT_OPS, BPF_PROG_TYPE_TRACING,
        };
        match self.prog_type {
            BPF_PROG_TYPE_STRUCT_OPS | BPF_PROG_TYPE_LSM => self.attach_btf_id = ifindex_or_btf_id,
            BPF_PROG_TYPE_TRACING | BPF_PROG_TYPE_EXT => {
                self.attach_btf_id = ifindex_or_btf_id;
                self.attach_prog_fd = kver_or_attach_prog_fd;
            }
            _ => {
                self.prog_ifindex = ifindex_or_btf_id;
                self.kern_version = kver_or_attach_prog_fd;
            }
        }
    }
}

fn set_log(attr: &mut ProgLoadAttr, log: Log) {
    attr.log_buf = log.buf.0;
    attr.log_size = log.size;
    attr.log_level = log.level;
}

/// One `BPF_PROG_LOAD` retried while the kernel answers EAGAIN, `attempts` tries in
/// all (libbpf's `sys_bpf_prog_load`).
fn load_eagain(
    sys: &mut impl FnMut(&mut ProgLoadAttr) -> Result<OwnedFd, SysError>,
    attr: &mut ProgLoadAttr,
    attempts: i32,
) -> Result<OwnedFd, SysError> {
    let mut left = attempts;
    loop {
        match sys(attr) {
            Err(e) if e.errno == libc::EAGAIN && left > 1 => left -= 1,
            r => return r,
        }
    }
}

/// `BPF_PROG_LOAD` as libbpf 1.1's `bpf_prog_load`: a new program fd, above 2.
///
/// User-space checks first (in libbpf's order): `attempts < 0` → EINVAL,
/// `insn_cnt > UINT_MAX` → E2BIG, both `attach_prog_fd` and `attach_btf_obj_fd` →
/// EINVAL, a log buffer without a size or a size without a buffer, a log level
/// above 7 or a level without a buffer → EINVAL (libbpf 1.1.2). Then:
/// 1. the load, retried while EAGAIN (`attempts` tries, default 5);
/// 2. on E2BIG, if the kernel wrote back a smaller `func_info_rec_size` (then
///    `line_info_rec_size`), a retry with each record's unknown tail zeroed;
/// 3. on failure with `log.level == 0` and a log buffer, one retry at level 1 so the
///    buffer receives the verifier's reasons.
pub fn prog_load(p: &ProgLoad<'_>) -> Result<OwnedFd, Error> {
    prog_load_with(p, |attr| call_fd(Cmd::ProgLoad, attr))
}

fn prog_load_with(
    p: &ProgLoad<'_>,
    mut sys: impl FnMut(&mut ProgLoadAttr) -> Result<OwnedFd, SysError>,
) -> Result<OwnedFd, Error> {
    let attempts = match p.attempts {
        a if a < 0 => return Err(Error::inval("bpf_prog_load: attempts < 0")),
        0 => PROG_LOAD_ATTEMPTS,
        a => a,
    };
    if p.insn_cnt > u32::MAX as usize {
        return Err(Error::TooBig("bpf_prog_load: insn_cnt > UINT_MAX"));
    }
    if p.attach_prog_fd != 0 && p.attach_btf_obj_fd != 0 {
        return Err(Error::inval(
            "bpf_prog_load: both attach_prog_fd and attach_btf_obj_fd",
        ));
    }
    if p.log.buf.is_null() != (p.log.size == 0) {
        return Err(Error::inval(
            "bpf_prog_load: log_buf and log_size must be set together",
        ));
    }
    // libbpf 1.1 knows levels 1, 2 and 4 (BPF_LOG_LEVEL1/2, BPF_LOG_STATS) and
    // refuses a level without a buffer before the kernel sees either.
    if p.log.level > (4 | 2 | 1) {
        return Err(Error::inval("bpf_prog_load: log_level > 7"));
    }
    if p.log.level != 0 && p.log.buf.is_null() {
        return Err(Error::inval("bpf_prog_load: log_level without log_buf"));
    }

    let mut attr = p.attr();
    let mut r = load_eagain(&mut sys, &mut attr, attempts);

    // The kernel writes back the record size it understands when a record has
    // non-zero bytes past it (E2BIG): resend with those tails zeroed, func_info
    // first, then line_info. The copies must outlive every later attempt, which
    // reads them through `attr`.
    let mut zeroed: [Option<Vec<u8>>; 2] = [None, None];
    'resend: while matches!(&r, Err(e) if e.errno == libc::E2BIG) {
        for (line, slot) in [false, true].into_iter().zip(&mut zeroed) {
            let recs = if line { &p.line_info } else { &p.func_info };
            let (cnt, ptr, rec_size) = info_fields(&mut attr, line);
            if slot.is_some() || cnt == 0 || *rec_size >= recs.rec_size {
                continue;
            }
            let Some(buf) = recs.zero_tailed(*rec_size) else {
                // libbpf gives up with E2BIG here, without the log retry.
                return r.map_err(Error::from);
            };
            *ptr = UserPtr::from_ptr(buf.as_ptr()).0;
            *rec_size = recs.rec_size;
            *slot = Some(buf);
            r = load_eagain(&mut sys, &mut attr, attempts);
            continue 'resend;
        }
        break;
    }

    if r.is_err() && p.log.level == 0 && !p.log.buf.is_null() {
        set_log(&mut attr, Log { level: 1, ..p.log });
        r = load_eagain(&mut sys, &mut attr, attempts);
    }
    drop(zeroed);
    r.map_err(Error::from)
}

/// The count, address and record size of `attr`'s `line_info` (`line`) or
/// `func_info`.
fn info_fields(attr: &mut ProgLoadAttr, line: bool) -> (u32, &mut u64, &mut u32) {
    if line {
        (
            attr.line_info_cnt,
            &mut attr.line_info,
            &mut attr.line_info_rec_size,
        )
    } else {
        (
            attr.func_info_cnt,
            &mut attr.func_info,
            &mut attr.func_info_rec_size,
        )
    }
}

/// One `BPF_PROG_LOAD` with the log exactly as given and only the EAGAIN retry
/// (libbpf 0.x `bpf_verify_program`). The user-space checks of [`prog_load`] are
/// not made: the kernel judges every field.
pub fn prog_load_plain(p: &ProgLoad<'_>) -> Result<OwnedFd, Error> {
    let mut attr = p.attr();
    set_log(&mut attr, p.log);
    let attempts = if p.attempts > 0 {
        p.attempts
    } else {
        PROG_LOAD_ATTEMPTS
    };
    let mut sys = |a: &mut ProgLoadAttr| call_fd(Cmd::ProgLoad, a);
    Ok(load_eagain(&mut sys, &mut attr, attempts)?)
}

/// `BPF_PROG_BIND_MAP` (Linux 5.10): keeps `map_fd` alive with the program.
pub fn prog_bind_map(prog_fd: i32, map_fd: i32, flags: u32) -> Result<(), SysError> {
    let mut attr = ProgBindMapAttr {
        prog_fd: prog_fd as u32,
        map_fd: map_fd as u32,
        flags,
    };
    call(Cmd::ProgBindMap, &mut attr).map(drop)
}

#[cfg(test)]
mod tests {
    use super::super::fake::{devnull, err};
    use super::*;

    fn small_prog() -> ProgLoad<'static> {
        ProgLoad {
            prog_type: crate::uapi::BPF_PROG_TYPE_SOCKET_FILTER,
            insn_cnt: 2,
            ..ProgLoad::default()
        }
    }

    #[test]
    fn eagain_is_retried_attempts_times() {
        for (attempts, want) in [(0, 5), (1, 1), (3, 3)] {
            let mut n = 0;
            let p = ProgLoad {
                attempts,
                ..small_prog()
            };
            let r = prog_load_with(&p, |_| {
                n += 1;
                Err(err(libc::EAGAIN))
            });
            assert_eq!(r.unwrap_err().errno(), libc::EAGAIN);
            assert_eq!(n, want);
        }
        // Success on the third try.
        let mut n = 0;
        let r = prog_load_with(&small_prog(), |_| {
            n += 1;
            if n < 3 {
                Err(err(libc::EAGAIN))
            } else {
                Ok(devnull())
            }
        });
        assert!(r.is_ok());
        assert_eq!(n, 3);
    }

    #[test]
    fn user_space_checks() {
        let mut calls = 0;
        let mut run = |p: ProgLoad<'_>| {
            prog_load_with(&p, |_| {
                calls += 1;
                Ok(devnull())
            })
            .map(drop)
            .map_err(|e| (e.errno(), e.is_syscall()))
        };
        let buf = [0u8; 8];
        let b = UserPtr::from_ptr(buf.as_ptr());
        assert_eq!(
            run(ProgLoad {
                attempts: -1,
                ..small_prog()
            }),
            Err((libc::EINVAL, false))
        );
        assert_eq!(
            run(ProgLoad {
                insn_cnt: u32::MAX as usize + 1,
                ..small_prog()
            }),
            Err((libc::E2BIG, false))
        );
        assert_eq!(
            run(ProgLoad {
                attach_prog_fd: 3,
                attach_btf_obj_fd: 4,
                ..small_prog()
            }),
            Err((libc::EINVAL, false))
        );
        let log = |buf, size, level| Log { buf, size, level };
        assert_eq!(
            run(ProgLoad {
                log: log(b, 0, 1),
                ..small_prog()
            }),
            Err((libc::EINVAL, false))
        );
        assert_eq!(
            run(ProgLoad {
                log: log(UserPtr::NULL, 8, 0),
                ..small_prog()
            }),
            Err((libc::EINVAL, false))
        );
        for bad in [log(UserPtr::NULL, 0, 1), log(b, 8, 8)] {
            assert_eq!(
                run(ProgLoad {
                    log: bad,
                    ..small_prog()
                }),
                Err((libc::EINVAL, false))
            );
        }
        for good in [log(b, 8, 0), log(b, 8, 7)] {
            assert_eq!(
                run(ProgLoad {
                    log: good,
                    ..small_prog()
                }),
                Ok(())
            );
        }
        assert_eq!(calls, 2);
    }

    #[test]
    fn log_retry_only_with_level_0_and_a_buffer() {
        let buf = [0u8; 64];
        let b = UserPtr::from_ptr(buf.as_ptr());
        for (log, want) in [
            (
                Log {
                    buf: b,
                    size: 64,
                    level: 0,
                },
                vec![(0, 0, 0), (b.0, 64, 1)],
            ),
            (
                Log {
                    buf: b,
                    size: 64,
                    level: 2,
                },
                vec![(b.0, 64, 2)],
            ),
            (Log::default(), vec![(0, 0, 0)]),
        ] {
            let mut seen = Vec::new();
            let p = ProgLoad {
                log,
                ..small_prog()
            };
            let r = prog_load_with(&p, |a| {
                seen.push((a.log_buf, a.log_size, a.log_level));
                Err(err(libc::EACCES))
            });
            assert_eq!(r.unwrap_err().errno(), libc::EACCES);
            assert_eq!(seen, want);
        }
    }

    #[test]
    fn e2big_retries_with_zeroed_record_tails() {
        // Two 12-byte records; the "kernel" understands 8 bytes.
        let recs: [u8; 24] = [
            1, 0, 0, 0, 2, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd, //
            3, 0, 0, 0, 4, 0, 0, 0, 0xee, 0xff, 0x11, 0x22,
        ];
        let buf = [0u8; 16];
        let p = ProgLoad {
            func_info: Recs::from_slice(&recs, 2, 12).unwrap(),
            line_info: Recs::from_slice(&recs, 2, 12).unwrap(),
            log: Log {
                buf: UserPtr::from_ptr(buf.as_ptr()),
                size: 16,
                level: 0,
            },
            ..small_prog()
        };
        let mut seen: Vec<(u32, Vec<u8>, u32, Vec<u8>)> = Vec::new();
        let r = prog_load_with(&p, |a| {
            let read = |ptr: u64, n: u32, size: u32| {
                // SAFETY: test-only: the pointers are `recs` or the loader's own zero-tailed copies, `n * size` bytes each.
                unsafe {
                    std::slice::from_raw_parts(ptr as usize as *const u8, (n * size) as usize)
                }
                .to_vec()
            };
            seen.push((
                a.func_info_rec_size,
                read(a.func_info, a.func_info_cnt, a.func_info_rec_size),
                a.line_info_rec_size,
                read(a.line_info, a.line_info_cnt, a.line_info_rec_size),
            ));
            match seen.len() {
                // The kernel writes back the record size it knows.
                1 => {
                    a.func_info_rec_size = 8;
                    Err(err(libc::E2BIG))
                }
                2 => {
                    a.line_info_rec_size = 8;
                    Err(err(libc::E2BIG))
                }
                _ => Ok(devnull()),
            }
        });
        assert!(r.is_ok());
        assert_eq!(seen.len(), 3);
        let zeroed: Vec<u8> = [
            1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0,
        ]
        .to_vec();
        assert_eq!(seen[0].1, recs.to_vec());
        assert_eq!((seen[1].0, &seen[1].1), (12, &zeroed));
        assert_eq!((seen[1].2, &seen[1].3), (12, &recs.to_vec()));
        assert_eq!((seen[2].0, &seen[2].1), (12, &zeroed));
        assert_eq!((seen[2].2, &seen[2].3), (12, &zeroed));
    }

    #[test]
    fn e2big_without_a_smaller_size_goes_to_the_log_retry() {
        let buf = [0u8; 16];
        let p = ProgLoad {
            log: Log {
                buf: UserPtr::from_ptr(buf.as_ptr()),
                size: 16,
                level: 0,
            },
            ..small_prog()
        };
        let mut levels = Vec::new();
        let r = prog_load_with(&p, |a| {
            levels.push(a.log_level);
            Err(err(libc::E2BIG))
        });
        assert_eq!(r.unwrap_err().errno(), libc::E2BIG);
        assert_eq!(levels, [0, 1]);
    }

    #[test]
    fn zero_tail_copy() {
        let recs = [9u8; 10];
        let r = Recs::from_slice(&recs, 2, 5).unwrap();
        assert_eq!(r.zero_tailed(3).unwrap(), [9, 9, 9, 0, 0, 9, 9, 9, 0, 0]);
        assert_eq!(r.zero_tailed(7).unwrap(), [9; 10]);
        assert!(Recs::from_slice(&recs, 3, 5).is_none());
        assert!(Recs::default().zero_tailed(4).is_none());
        assert!(Recs::from_slice(&recs, 2, 0)
            .unwrap()
            .zero_tailed(0)
            .is_none());
    }
}
