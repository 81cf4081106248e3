//! Feature probes (`libbpf_probe_bpf_prog_type`, `_map_type`, `_helper`): load a
//! minimal program or create a minimal map of the asked-for type and report
//! whether the kernel accepted it.
//!
//! Every type `uapi::names` knows is probed. For the types libbpf 1.1.2 knows, the
//! per-type parameters are libbpf 1.1.2's, so both libraries answer the same on the
//! same kernel; the newer ones get what the kernel needs for them (netfilter
//! programs their only attach type, arena maps one mmapable page). A type the names
//! table does not know is refused with EOPNOTSUPP, as libbpf refuses the types it
//! does not know.

use crate::btf::write::BtfBuilder;
use crate::error::Error;
use crate::insn::Insn;
use crate::sys::map::{map_create, MapCreate};
use crate::sys::prog::{prog_load, Log, ProgLoad};
use crate::sys::UserPtr;
use crate::uapi::*;
use std::os::fd::AsRawFd;

/// Program types whose helpers libbpf 1.1.2 does not probe (tracing, struct_ops,
/// extension, LSM: each needs an attach target to load at all).
pub fn helper_probe_unsupported(prog_type: u32) -> bool {
    matches!(
        prog_type,
        BPF_PROG_TYPE_TRACING | BPF_PROG_TYPE_STRUCT_OPS | BPF_PROG_TYPE_EXT | BPF_PROG_TYPE_LSM
    )
}

/// What a probe load expects when success is not possible by design.
#[derive(Debug, PartialEq)]
struct Expect {
    errno: i32,
    msg: Option<&'static str>,
}

/// How a probe program of one type is loaded.
#[derive(Debug, Default, PartialEq)]
struct ProgSpec {
    expected_attach_type: u32,
    attach_btf_id: u32,
    prog_flags: u32,
    /// Send the running kernel's version (kprobes before Linux 5.0 need it).
    kern_version: bool,
    /// A refusal that proves support, for the types a target-less load cannot pass.
    expect: Option<Expect>,
}

/// The load parameters of a `prog_type` probe; EOPNOTSUPP for a type the names
/// table does not know.
fn prog_spec(prog_type: u32) -> Result<ProgSpec, Error> {
    if names::prog_type(prog_type).is_none() {
        return Err(Error::Unsupported("unknown program type"));
    }
    let attach = |expected_attach_type| ProgSpec {
        expected_attach_type,
        ..ProgSpec::default()
    };
    Ok(match prog_type {
        BPF_PROG_TYPE_CGROUP_SOCK_ADDR => attach(BPF_CGROUP_INET4_CONNECT),
        BPF_PROG_TYPE_CGROUP_SOCKOPT => attach(BPF_CGROUP_GETSOCKOPT),
        BPF_PROG_TYPE_SK_LOOKUP => attach(BPF_SK_LOOKUP),
        BPF_PROG_TYPE_LIRC_MODE2 => attach(BPF_LIRC_MODE2),
        // Linux 6.4 refuses a netfilter program with any other attach type.
        BPF_PROG_TYPE_NETFILTER => attach(BPF_NETFILTER),
        BPF_PROG_TYPE_KPROBE => ProgSpec {
            kern_version: true,
            ..ProgSpec::default()
        },
        // Type 1 of any BTF is no function: a kernel that supports the program
        // type gets that far and says so.
        BPF_PROG_TYPE_TRACING | BPF_PROG_TYPE_LSM => ProgSpec {
            expected_attach_type: if prog_type == BPF_PROG_TYPE_TRACING {
                BPF_TRACE_FENTRY
            } else {
                BPF_LSM_MAC
            },
            attach_btf_id: 1,
            expect: Some(Expect {
                errno: libc::EINVAL,
                msg: Some("attach_btf_id 1 is not a function"),
            }),
            ..ProgSpec::default()
        },
        BPF_PROG_TYPE_EXT => ProgSpec {
            attach_btf_id: 1,
            expect: Some(Expect {
                errno: libc::EINVAL,
                msg: Some("Cannot replace kernel functions"),
            }),
            ..ProgSpec::default()
        },
        BPF_PROG_TYPE_SYSCALL => ProgSpec {
            prog_flags: BPF_F_SLEEPABLE,
            ..ProgSpec::default()
        },
        // Without a struct_ops type to implement, a supporting kernel says ENOTSUPP.
        BPF_PROG_TYPE_STRUCT_OPS => ProgSpec {
            expect: Some(Expect {
                errno: ENOTSUPP,
                msg: None,
            }),
            ..ProgSpec::default()
        },
        _ => ProgSpec::default(),
    })
}

/// Loads `insns` as `prog_type` with its probe parameters; `Ok(true)` if the
/// kernel accepted it (or refused it exactly as a supporting kernel would).
fn probe_load(prog_type: u32, insns: &[Insn], log: Option<&mut [u8]>) -> Result<bool, Error> {
    let spec = prog_spec(prog_type)?;
    let code: Vec<u8> = insns.iter().flat_map(|i| i.to_bytes()).collect();
    let license = c"GPL";
    let req_log = |buf: &mut [u8]| {
        buf[0] = 0;
        Log {
            buf: UserPtr::from_mut(buf.as_mut_ptr()),
            size: buf.len() as u32,
            level: 1,
        }
    };
    let mut own = [0u8; 4096];
    let mut log = match log {
        Some(buf) => Some(buf),
        None if spec.expect.as_ref().is_some_and(|e| e.msg.is_some()) => Some(&mut own[..]),
        None => None,
    };
    let req = ProgLoad {
        prog_type,
        license: UserPtr::from_ptr(license.as_ptr()),
        insns: UserPtr::from_ptr(code.as_ptr()),
        insn_cnt: insns.len(),
        expected_attach_type: spec.expected_attach_type,
        attach_btf_id: spec.attach_btf_id,
        prog_flags: spec.prog_flags,
        kern_version: if spec.kern_version {
            crate::sys::kernel::kernel_version()
        } else {
            0
        },
        log: log.as_deref_mut().map(req_log).unwrap_or_default(),
        attempts: 0,
        ..ProgLoad::default()
    };
    let res = prog_load(&req);
    Ok(match (spec.expect, res) {
        (None, r) => r.is_ok(),
        (Some(_), Ok(_)) => false,
        (Some(e), Err(err)) => {
            let text = log.as_deref().map(log_text).unwrap_or_default();
            err.errno() == e.errno && e.msg.is_none_or(|m| text.contains(m))
        }
    })
}

/// The NUL-terminated text in a verifier log buffer.
fn log_text(buf: &[u8]) -> String {
    let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// `r0 = 0; exit`.
pub(super) const RET0: [Insn; 2] = [
    Insn {
        code: BPF_ALU64 | BPF_MOV | BPF_K,
        regs: 0,
        off: 0,
        imm: 0,
    },
    Insn {
        code: BPF_JMP | BPF_EXIT,
        regs: 0,
        off: 0,
        imm: 0,
    },
];

/// `libbpf_probe_bpf_prog_type`: 1 if the kernel supports `prog_type`, 0 if not.
pub fn prog_type(prog_type: u32) -> Result<bool, Error> {
    probe_load(prog_type, &RET0, None)
}

/// `libbpf_probe_bpf_helper`: whether `helper` may be called from `prog_type`
/// (assumed yes unless the verifier names it an invalid or unknown function).
pub fn helper(prog_type: u32, helper: u32) -> Result<bool, Error> {
    if helper_probe_unsupported(prog_type) {
        return Err(Error::Unsupported(
            "helper probes for tracing, extension, struct_ops and LSM programs",
        ));
    }
    let insns = [
        Insn {
            code: BPF_JMP | BPF_CALL,
            regs: 0,
            off: 0,
            imm: helper as i32,
        },
        RET0[1],
    ];
    let mut buf = vec![0u8; 4096];
    let ok = probe_load(prog_type, &insns, Some(&mut buf))?;
    let text = log_text(&buf);
    Ok(ok || !(text.contains("invalid func ") || text.contains("unknown func ")))
}

/// The BTF of a local-storage value (`int`, `struct bpf_spin_lock`, a value with a
/// counter and a lock), which the storage map types require.
fn local_storage_btf() -> Result<std::os::fd::OwnedFd, Error> {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, 1, 32);
    let lock = b.struct_("bpf_spin_lock", 4, &[("val", int, 0)]);
    b.struct_("val", 8, &[("cnt", int, 0), ("l", lock, 32)]);
    let data = b.to_bytes();
    crate::sys::btf::btf_load(
        UserPtr::from_ptr(data.as_ptr()),
        data.len() as u32,
        Log::default(),
    )
}

/// How a probe map of one type is created.
#[derive(Debug, PartialEq)]
struct MapSpec {
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    map_flags: u32,
    map_extra: u64,
    /// Keys and values typed by [`local_storage_btf`] (`int`, `struct val`).
    local_storage_btf: bool,
    /// An inner map (a one-entry hash) for map-in-map types.
    inner_map: bool,
    btf_vmlinux_value_type_id: u32,
    /// A refusal that proves support, for a type a minimal create cannot pass.
    expect: Option<i32>,
}

/// The creation parameters of a `map_type` probe; EOPNOTSUPP for
/// `BPF_MAP_TYPE_UNSPEC` and the types the names table does not know.
fn map_spec(map_type: u32) -> Result<MapSpec, Error> {
    if map_type == BPF_MAP_TYPE_UNSPEC || names::map_type(map_type).is_none() {
        return Err(Error::Unsupported("unknown map type"));
    }
    let mut s = MapSpec {
        key_size: 4,
        value_size: 4,
        max_entries: 1,
        map_flags: 0,
        map_extra: 0,
        local_storage_btf: false,
        inner_map: false,
        btf_vmlinux_value_type_id: 0,
        expect: None,
    };
    match map_type {
        BPF_MAP_TYPE_STACK_TRACE => s.value_size = 8,
        BPF_MAP_TYPE_LPM_TRIE => {
            (s.key_size, s.value_size) = (8, 8);
            s.map_flags = BPF_F_NO_PREALLOC;
        }
        BPF_MAP_TYPE_CGROUP_STORAGE | BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE => {
            // struct bpf_cgroup_storage_key: u64, u32, padding.
            (s.key_size, s.value_size, s.max_entries) = (16, 8, 0);
        }
        BPF_MAP_TYPE_QUEUE | BPF_MAP_TYPE_STACK | BPF_MAP_TYPE_BLOOM_FILTER => s.key_size = 0,
        BPF_MAP_TYPE_SK_STORAGE
        | BPF_MAP_TYPE_INODE_STORAGE
        | BPF_MAP_TYPE_TASK_STORAGE
        | BPF_MAP_TYPE_CGRP_STORAGE => {
            (s.value_size, s.max_entries) = (8, 0);
            s.map_flags = BPF_F_NO_PREALLOC;
            s.local_storage_btf = true;
        }
        BPF_MAP_TYPE_RINGBUF | BPF_MAP_TYPE_USER_RINGBUF => {
            (s.key_size, s.value_size) = (0, 0);
            s.max_entries = crate::sys::mmap::page_size() as u32;
        }
        BPF_MAP_TYPE_STRUCT_OPS => {
            // An invalid vmlinux type id gives ENOTSUPP when supported.
            s.btf_vmlinux_value_type_id = 1;
            s.expect = Some(ENOTSUPP);
        }
        BPF_MAP_TYPE_ARRAY_OF_MAPS | BPF_MAP_TYPE_HASH_OF_MAPS => s.inner_map = true,
        // One page, mapped wherever the kernel chooses (map_extra 0); an arena
        // exists only to be mmap()ed.
        BPF_MAP_TYPE_ARENA => {
            (s.key_size, s.value_size) = (0, 0);
            s.map_flags = BPF_F_MMAPABLE;
        }
        _ => {}
    }
    Ok(s)
}

/// `libbpf_probe_bpf_map_type`: 1 if the kernel supports `map_type`, 0 if not.
pub fn map_type(map_type: u32) -> Result<bool, Error> {
    let s = map_spec(map_type)?;
    let mut req = MapCreate::new(map_type, None, s.key_size, s.value_size, s.max_entries);
    req.map_flags = s.map_flags;
    req.map_extra = s.map_extra;
    req.btf_vmlinux_value_type_id = s.btf_vmlinux_value_type_id;
    let btf;
    if s.local_storage_btf {
        btf = local_storage_btf()?;
        req.btf_fd = btf.as_raw_fd() as u32;
        req.btf_key_type_id = 1;
        req.btf_value_type_id = 3;
    }
    let inner;
    if s.inner_map {
        inner = map_create(&MapCreate::new(BPF_MAP_TYPE_HASH, None, 4, 4, 1))?;
        req.inner_map_fd = inner.as_raw_fd() as u32;
    }
    let r = map_create(&req);
    Ok(match s.expect {
        Some(e) => matches!(&r, Err(err) if err.errno == e),
        None => r.is_ok(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::Kind;

    #[test]
    fn unknown_types_are_unsupported() {
        assert_eq!(prog_type(99).unwrap_err().errno(), libc::EOPNOTSUPP);
        assert_eq!(map_type(999).unwrap_err().errno(), libc::EOPNOTSUPP);
        assert_eq!(
            map_type(BPF_MAP_TYPE_UNSPEC).unwrap_err().errno(),
            libc::EOPNOTSUPP
        );
        assert_eq!(helper(99, 1).unwrap_err().errno(), libc::EOPNOTSUPP);
    }

    /// Every type the names table knows has probe parameters, the newest included.
    #[test]
    fn every_named_type_is_probed() {
        let known = |f: fn(u32) -> Option<&'static std::ffi::CStr>| {
            (0..).take_while(move |&t| f(t).is_some())
        };
        for t in known(names::prog_type) {
            assert!(prog_spec(t).is_ok(), "program type {t}");
        }
        for t in known(names::map_type).skip(1) {
            assert!(map_spec(t).is_ok(), "map type {t}");
        }
        assert!(prog_spec(BPF_PROG_TYPE_NETFILTER + 1).is_err());
        assert!(map_spec(BPF_MAP_TYPE_ARENA + 1).is_err());
    }

    #[test]
    fn newer_types_get_what_the_kernel_needs() {
        let nf = prog_spec(BPF_PROG_TYPE_NETFILTER).unwrap();
        assert_eq!(nf.expected_attach_type, BPF_NETFILTER);
        assert_eq!(nf.expect, None);
        let arena = map_spec(BPF_MAP_TYPE_ARENA).unwrap();
        assert_eq!((arena.key_size, arena.value_size), (0, 0));
        assert_eq!(arena.max_entries, 1);
        assert_eq!(arena.map_flags, BPF_F_MMAPABLE);
        assert_eq!(arena.map_extra, 0);
        let cgrp = map_spec(BPF_MAP_TYPE_CGRP_STORAGE).unwrap();
        assert!(cgrp.local_storage_btf);
        assert_eq!(cgrp.map_flags, BPF_F_NO_PREALLOC);
    }

    #[test]
    fn local_storage_btf_is_well_formed() {
        let mut b = BtfBuilder::new();
        let int = b.int("int", 4, 1, 32);
        let lock = b.struct_("bpf_spin_lock", 4, &[("val", int, 0)]);
        let val = b.struct_("val", 8, &[("cnt", int, 0), ("l", lock, 32)]);
        assert_eq!((int, lock, val), (1, 2, 3));
        let btf = b.build().unwrap();
        assert_eq!(btf.ty(3).unwrap().kind(), Kind::Struct);
    }
}
