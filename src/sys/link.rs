//! BPF links: `BPF_LINK_CREATE` (with libbpf's option checks and its
//! raw-tracepoint fallback), `BPF_LINK_UPDATE`, `BPF_LINK_DETACH`, `BPF_ITER_CREATE`.
//!
//! Owns: the per-attach-type union of `link_create` and its zero checks.
//! Must not call: `capi`.
//! Spec: `libbpf-api.md` §1.1 (rows of `bpf_link_*`, `bpf_iter_create`).
//!
//! Descriptors here are numbers the kernel resolves, passed through unchanged as
//! libbpf passes them (an fd *or* an ifindex, or 0), so every return value and
//! errno stays the kernel's own.

use super::attach::raw_tracepoint_open;
use super::attr::{IterCreateAttr, LinkCreateAttr, LinkDetachAttr, LinkUpdateAttr, MapElemAttr};
use super::{call, call_fd, Cmd, UserPtr};
use crate::error::{Error, SysError};
use std::os::fd::OwnedFd;

/// The contents of libbpf 1.1's `struct bpf_link_create_opts` after `sz`, byte for
/// byte (its zero checks cover padding too), plus the call's arguments.
#[derive(Clone, Copy, Debug, Default)]
pub struct LinkCreate {
    pub prog_fd: i32,
    /// An fd or an ifindex (XDP), or 0, as the attach type says.
    pub target: i32,
    pub attach_type: u32,
    pub flags: u32,
    /// Bytes 12..16 of the C opts (alignment padding).
    pub pad0: u32,
    pub iter_info: UserPtr,
    pub iter_info_len: u32,
    pub target_btf_id: u32,
    /// The per-attach-type union at offset 32 (`perf_event` / `kprobe_multi` /
    /// `tracing`), as raw bytes in host order.
    pub per_type: [u8; 32],
}

impl LinkCreate {
    fn u32_at(&self, off: usize) -> u32 {
        let mut b = [0u8; 4];
        b.copy_from_slice(&self.per_type[off..off + 4]);
        u32::from_ne_bytes(b)
    }

    fn u64_at(&self, off: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.per_type[off..off + 8]);
        u64::from_ne_bytes(b)
    }

    /// libbpf's `OPTS_ZEROED(opts, <member>)`: every byte after the union member that
    /// ends `end` bytes into the union is zero.
    fn union_zero_from(&self, end: usize) -> bool {
        self.per_type[end..].iter().all(|&b| b == 0)
    }

    /// `OPTS_ZEROED(opts, flags)`: nothing after `flags` is set.
    fn zero_after_flags(&self) -> bool {
        self.pad0 == 0
            && self.iter_info.is_null()
            && self.iter_info_len == 0
            && self.target_btf_id == 0
            && self.union_zero_from(0)
    }
}

/// Writes a `u32`/`u64` into the link_create attr's union (offset 16 of the command).
struct LinkUnion([u8; 48]);

impl LinkUnion {
    fn put32(&mut self, off: usize, v: u32) {
        self.0[off..off + 4].copy_from_slice(&v.to_ne_bytes());
    }

    fn put64(&mut self, off: usize, v: u64) {
        self.0[off..off + 8].copy_from_slice(&v.to_ne_bytes());
    }

    fn words(&self) -> [u64; 6] {
        let mut w = [0u64; 6];
        for (i, c) in self.0.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            w[i] = u64::from_ne_bytes(b);
        }
        w
    }
}

/// `BPF_LINK_CREATE` (Linux 5.7) as libbpf 1.1's `bpf_link_create`: a new link fd.
///
/// Checks as libbpf: `iter_info_len` with `target_btf_id` → EINVAL; either of them
/// with anything set in the union → EINVAL; per attach type, set bytes past the
/// member it uses → EINVAL. If the kernel answers EINVAL for a raw-tracepoint-style
/// attach type (RAW_TP, LSM_MAC, FENTRY, FEXIT, MODIFY_RETURN) and nothing but the
/// program was given, it falls back to `BPF_RAW_TRACEPOINT_OPEN(NULL, prog)` as
/// libbpf does for kernels before 5.8.
pub fn link_create(p: &LinkCreate) -> Result<OwnedFd, Error> {
    link_create_with(
        p,
        |attr| call_fd(Cmd::LinkCreate, attr),
        |fd| raw_tracepoint_open(UserPtr::NULL, fd),
    )
}

fn link_create_with(
    p: &LinkCreate,
    mut sys: impl FnMut(&mut LinkCreateAttr) -> Result<OwnedFd, SysError>,
    raw_tp: impl FnOnce(i32) -> Result<OwnedFd, SysError>,
) -> Result<OwnedFd, Error> {
    use crate::uapi::*;
    const BAD: &str = "bpf_link_create: options set that the attach type does not use";
    if p.iter_info_len != 0 || p.target_btf_id != 0 {
        if p.iter_info_len != 0 && p.target_btf_id != 0 {
            return Err(Error::inval(
                "bpf_link_create: both iter_info_len and target_btf_id",
            ));
        }
        if !p.union_zero_from(0) {
            return Err(Error::inval(BAD));
        }
    }
    let mut u = LinkUnion([0; 48]);
    if p.target_btf_id != 0 {
        u.put32(0, p.target_btf_id);
    } else {
        match p.attach_type {
            BPF_TRACE_ITER => {
                u.put64(0, p.iter_info.0);
                u.put32(8, p.iter_info_len);
            }
            BPF_PERF_EVENT => {
                u.put64(0, p.u64_at(0)); // perf_event.bpf_cookie
                if !p.union_zero_from(8) {
                    return Err(Error::inval(BAD));
                }
            }
            BPF_TRACE_KPROBE_MULTI => {
                u.put32(0, p.u32_at(0)); // kprobe_multi.flags
                u.put32(4, p.u32_at(4)); // .cnt
                u.put64(8, p.u64_at(8)); // .syms
                u.put64(16, p.u64_at(16)); // .addrs
                u.put64(24, p.u64_at(24)); // .cookies
            }
            BPF_TRACE_FENTRY | BPF_TRACE_FEXIT | BPF_MODIFY_RETURN | BPF_LSM_MAC => {
                u.put64(8, p.u64_at(0)); // tracing.cookie (after the attr's target_btf_id)
                if !p.union_zero_from(8) {
                    return Err(Error::inval(BAD));
                }
            }
            _ => {
                if !p.zero_after_flags() {
                    return Err(Error::inval(BAD));
                }
            }
        }
    }
    let [u0, u1, u2, u3, u4, u5] = u.words();
    let mut attr = LinkCreateAttr {
        prog_fd: p.prog_fd as u32,
        target_fd: p.target as u32,
        attach_type: p.attach_type,
        flags: p.flags,
        u0,
        u1,
        u2,
        u3,
        u4,
        u5,
    };
    let err = match sys(&mut attr) {
        Ok(fd) => return Ok(fd),
        Err(e) => e,
    };
    // Kernels before 5.8 answer EINVAL for tracing programs: use the older command,
    // but only when it can express the request (no target, no options at all).
    let fallback = err.errno == libc::EINVAL
        && p.target == 0
        && p.target_btf_id == 0
        && p.flags == 0
        && p.zero_after_flags()
        && matches!(
            p.attach_type,
            BPF_TRACE_RAW_TP | BPF_LSM_MAC | BPF_TRACE_FENTRY | BPF_TRACE_FEXIT | BPF_MODIFY_RETURN
        );
    if fallback {
        Ok(raw_tp(p.prog_fd)?)
    } else {
        Err(err.into())
    }
}

/// `BPF_LINK_CREATE` with `BPF_TRACE_KPROBE_MULTI` (Linux 5.18), as libbpf 1.1.2's
/// `bpf_program__attach_kprobe_multi_opts` sends it: `cnt` functions named by
/// `syms` (an array of C strings) or `addrs` (an array of addresses), optional
/// per-function `cookies`, `BPF_F_KPROBE_MULTI_RETURN` in `flags` for return probes.
/// The arrays are read by the kernel (EFAULT if they are bad).
pub fn kprobe_multi_link(
    prog_fd: i32,
    flags: u32,
    cnt: u32,
    syms: UserPtr,
    addrs: UserPtr,
    cookies: UserPtr,
) -> Result<OwnedFd, Error> {
    let mut p = LinkCreate {
        prog_fd,
        attach_type: crate::uapi::BPF_TRACE_KPROBE_MULTI,
        ..LinkCreate::default()
    };
    p.per_type[..4].copy_from_slice(&flags.to_ne_bytes());
    p.per_type[4..8].copy_from_slice(&cnt.to_ne_bytes());
    p.per_type[8..16].copy_from_slice(&syms.0.to_ne_bytes());
    p.per_type[16..24].copy_from_slice(&addrs.0.to_ne_bytes());
    p.per_type[24..32].copy_from_slice(&cookies.0.to_ne_bytes());
    link_create(&p)
}

/// `BPF_MAP_DELETE_ELEM` of key 0 on the struct_ops map `map_fd` (Linux 5.6):
/// unregisters what `BPF_MAP_UPDATE_ELEM` registered. `map_fd` is the number a
/// struct_ops link keeps, as libbpf's does, passed through for the kernel to
/// resolve.
pub fn struct_ops_unregister(map_fd: i32) -> Result<(), SysError> {
    let key = 0u32;
    let mut attr = MapElemAttr {
        map_fd: map_fd as u32,
        _pad0: 0,
        key: UserPtr::from_ptr(&key).0,
        value: 0,
        flags: 0,
    };
    call(Cmd::MapDeleteElem, &mut attr).map(drop)
}

/// `BPF_LINK_DETACH` (Linux 5.9): detaches the link; its fd stays valid (defunct).
pub fn link_detach(link_fd: i32) -> Result<(), SysError> {
    let mut attr = LinkDetachAttr {
        link_fd: link_fd as u32,
    };
    call(Cmd::LinkDetach, &mut attr).map(drop)
}

/// `BPF_LINK_UPDATE` (Linux 5.7): swaps the link's program; with
/// `BPF_F_REPLACE` only if `old_prog_fd` is the current one.
pub fn link_update(
    link_fd: i32,
    new_prog_fd: i32,
    flags: u32,
    old_prog_fd: u32,
) -> Result<(), SysError> {
    let mut attr = LinkUpdateAttr {
        link_fd: link_fd as u32,
        new_prog_fd: new_prog_fd as u32,
        flags,
        old_prog_fd,
    };
    call(Cmd::LinkUpdate, &mut attr).map(drop)
}

/// `BPF_ITER_CREATE` (Linux 5.8): a readable fd that runs the iterator link.
pub fn iter_create(link_fd: i32) -> Result<OwnedFd, SysError> {
    let mut attr = IterCreateAttr {
        link_fd: link_fd as u32,
        flags: 0,
    };
    call_fd(Cmd::IterCreate, &mut attr)
}

#[cfg(test)]
mod tests {
    use super::super::fake::{devnull, err};
    use super::*;

    fn link(attach_type: u32) -> LinkCreate {
        LinkCreate {
            prog_fd: 7,
            attach_type,
            ..LinkCreate::default()
        }
    }

    fn run_link(p: &LinkCreate, kernel: i32) -> (Result<(), i32>, Vec<LinkCreateAttr>, bool) {
        let mut seen = Vec::new();
        let mut fell_back = false;
        let r = link_create_with(
            p,
            |a| {
                seen.push(*a);
                if kernel == 0 {
                    Ok(devnull())
                } else {
                    Err(err(kernel))
                }
            },
            |fd| {
                assert_eq!(fd, 7);
                fell_back = true;
                Ok(devnull())
            },
        );
        (r.map(drop).map_err(|e| e.errno()), seen, fell_back)
    }

    #[test]
    fn link_create_fills_the_union_per_attach_type() {
        use crate::uapi::*;
        let mut p = link(BPF_TRACE_KPROBE_MULTI);
        p.per_type[..4].copy_from_slice(&1u32.to_ne_bytes());
        p.per_type[4..8].copy_from_slice(&3u32.to_ne_bytes());
        p.per_type[24..32].copy_from_slice(&0x1234u64.to_ne_bytes());
        let (r, seen, _) = run_link(&p, 0);
        assert!(r.is_ok());
        assert_eq!(seen[0].u0, (3u64 << 32) | 1);
        assert_eq!(seen[0].u3, 0x1234);

        let mut p = link(BPF_TRACE_FENTRY);
        p.per_type[..8].copy_from_slice(&99u64.to_ne_bytes());
        let (_, seen, _) = run_link(&p, 0);
        assert_eq!((seen[0].u0, seen[0].u1), (0, 99));

        let mut p = link(BPF_TRACE_ITER);
        p.iter_info = UserPtr(0x1000);
        p.iter_info_len = 8;
        let (_, seen, _) = run_link(&p, 0);
        assert_eq!((seen[0].u0, seen[0].u1), (0x1000, 8));

        let mut p = link(BPF_TRACE_FENTRY);
        p.target_btf_id = 55;
        let (_, seen, _) = run_link(&p, 0);
        assert_eq!((seen[0].u0, seen[0].u1), (55, 0));
    }

    #[test]
    fn link_create_zero_checks() {
        use crate::uapi::*;
        let mut p = link(BPF_CGROUP_INET_SOCK_CREATE); // no union member
        p.per_type[31] = 1;
        assert_eq!(run_link(&p, 0).0, Err(libc::EINVAL));
        let mut p = link(BPF_CGROUP_INET_SOCK_CREATE);
        p.pad0 = 1;
        assert_eq!(run_link(&p, 0).0, Err(libc::EINVAL));
        let mut p = link(BPF_PERF_EVENT);
        p.per_type[..8].copy_from_slice(&5u64.to_ne_bytes());
        assert!(run_link(&p, 0).0.is_ok());
        p.per_type[8] = 1;
        assert_eq!(run_link(&p, 0).0, Err(libc::EINVAL));
        let mut p = link(BPF_TRACE_ITER);
        p.iter_info_len = 4;
        p.target_btf_id = 4;
        assert_eq!(run_link(&p, 0).0, Err(libc::EINVAL));
        let mut p = link(BPF_TRACE_FENTRY);
        p.target_btf_id = 4;
        p.per_type[0] = 1;
        assert_eq!(run_link(&p, 0).0, Err(libc::EINVAL));
    }

    #[test]
    fn link_create_raw_tp_fallback() {
        use crate::uapi::*;
        let (r, _, fell) = run_link(&link(BPF_TRACE_RAW_TP), libc::EINVAL);
        assert!(r.is_ok() && fell);
        // Other errnos, other types, targets or options: no fallback.
        let (r, _, fell) = run_link(&link(BPF_TRACE_RAW_TP), libc::EPERM);
        assert_eq!((r, fell), (Err(libc::EPERM), false));
        let (r, _, fell) = run_link(&link(BPF_CGROUP_INET_SOCK_CREATE), libc::EINVAL);
        assert_eq!((r, fell), (Err(libc::EINVAL), false));
        let mut p = link(BPF_TRACE_FENTRY);
        p.target = 5;
        assert!(!run_link(&p, libc::EINVAL).2);
        let mut p = link(BPF_TRACE_FENTRY);
        p.per_type[0] = 1;
        assert!(!run_link(&p, libc::EINVAL).2);
        let mut p = link(BPF_LSM_MAC);
        p.flags = 1;
        assert!(!run_link(&p, libc::EINVAL).2);
    }
}
