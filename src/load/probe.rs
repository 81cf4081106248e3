//! Feature probes (`libbpf_probe_bpf_prog_type`, `_map_type`, `_helper`): load a
//! minimal program or create a minimal map of the asked-for type and report
//! whether the kernel accepted it. The per-type parameters follow libbpf 1.1.2 so
//! both libraries answer the same on the same kernel.

use crate::btf::write::BtfBuilder;
use crate::error::Error;
use crate::insn::Insn;
use crate::sys::map::{map_create, MapCreate};
use crate::sys::prog::{prog_load, Log, ProgLoad};
use crate::sys::UserPtr;
use crate::uapi::*;
use std::os::fd::AsRawFd;

/// The last program type libbpf 1.1.2 knows.
const LAST_PROG_TYPE: u32 = BPF_PROG_TYPE_SYSCALL;
/// The last map type libbpf 1.1.2 knows.
const LAST_MAP_TYPE: u32 = BPF_MAP_TYPE_CGRP_STORAGE;

/// Program types whose helpers libbpf 1.1.2 does not probe (tracing, struct_ops,
/// extension, LSM: each needs an attach target to load at all).
pub fn helper_probe_unsupported(prog_type: u32) -> bool {
    matches!(
        prog_type,
        BPF_PROG_TYPE_TRACING | BPF_PROG_TYPE_STRUCT_OPS | BPF_PROG_TYPE_EXT | BPF_PROG_TYPE_LSM
    )
}

/// What a probe load expects when success is not possible by design.
struct Expect {
    errno: i32,
    msg: Option<&'static str>,
}

/// Loads `insns` as `prog_type` with libbpf's per-type settings; `Ok(true)` if the
/// kernel accepted it (or refused it exactly as a supporting kernel would).
fn probe_load(prog_type: u32, insns: &[Insn], log: Option<&mut [u8]>) -> Result<bool, Error> {
    if prog_type > LAST_PROG_TYPE {
        return Err(Error::Unsupported("unknown program type"));
    }
    let code: Vec<u8> = insns.iter().flat_map(|i| i.to_bytes()).collect();
    let license = c"GPL";
    let mut req = ProgLoad {
        prog_type,
        license: UserPtr::from_ptr(license.as_ptr()),
        insns: UserPtr::from_ptr(code.as_ptr()),
        insn_cnt: insns.len(),
        attempts: 0,
        ..ProgLoad::default()
    };
    let mut own = [0u8; 4096];
    let mut expect = None;
    let mut log = log;
    match prog_type {
        BPF_PROG_TYPE_CGROUP_SOCK_ADDR => req.expected_attach_type = BPF_CGROUP_INET4_CONNECT,
        BPF_PROG_TYPE_CGROUP_SOCKOPT => req.expected_attach_type = BPF_CGROUP_GETSOCKOPT,
        BPF_PROG_TYPE_SK_LOOKUP => req.expected_attach_type = BPF_SK_LOOKUP,
        BPF_PROG_TYPE_KPROBE => req.kern_version = crate::sys::kernel::kernel_version(),
        BPF_PROG_TYPE_LIRC_MODE2 => req.expected_attach_type = BPF_LIRC_MODE2,
        BPF_PROG_TYPE_TRACING | BPF_PROG_TYPE_LSM => {
            req.expected_attach_type = if prog_type == BPF_PROG_TYPE_TRACING {
                BPF_TRACE_FENTRY
            } else {
                BPF_LSM_MAC
            };
            req.attach_btf_id = 1;
            expect = Some(Expect {
                errno: libc::EINVAL,
                msg: Some("attach_btf_id 1 is not a function"),
            });
        }
        BPF_PROG_TYPE_EXT => {
            req.attach_btf_id = 1;
            expect = Some(Expect {
                errno: libc::EINVAL,
                msg: Some("Cannot replace kernel functions"),
            });
        }
        BPF_PROG_TYPE_SYSCALL => req.prog_flags = BPF_F_SLEEPABLE,
        BPF_PROG_TYPE_STRUCT_OPS => {
            expect = Some(Expect {
                errno: ENOTSUPP,
                msg: None,
            })
        }
        _ => {}
    }
    if expect.as_ref().is_some_and(|e| e.msg.is_some()) && log.is_none() {
        log = Some(&mut own[..]);
    }
    if let Some(buf) = log.as_deref_mut() {
        buf[0] = 0;
        req.log = Log {
            buf: UserPtr::from_mut(buf.as_mut_ptr()),
            size: buf.len() as u32,
            level: 1,
        };
    }
    let res = prog_load(&req);
    let text = log
        .as_deref()
        .map(|b| {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            String::from_utf8_lossy(&b[..end]).into_owned()
        })
        .unwrap_or_default();
    Ok(match (expect, res) {
        (None, r) => r.is_ok(),
        (Some(_), Ok(_)) => false,
        (Some(e), Err(err)) => err.errno() == e.errno && e.msg.is_none_or(|m| text.contains(m)),
    })
}

const RET0: [Insn; 2] = [
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
    let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    let text = String::from_utf8_lossy(&buf[..end]);
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

/// `libbpf_probe_bpf_map_type`: 1 if the kernel supports `map_type`, 0 if not.
pub fn map_type(map_type: u32) -> Result<bool, Error> {
    if map_type == BPF_MAP_TYPE_UNSPEC || map_type > LAST_MAP_TYPE {
        return Err(Error::Unsupported("unknown map type"));
    }
    let (mut key, mut value, mut max) = (4u32, 4u32, 1u32);
    let mut req = MapCreate::new(map_type, None, 0, 0, 0);
    let mut expect = None;
    let mut btf = None;
    match map_type {
        BPF_MAP_TYPE_STACK_TRACE => value = 8,
        BPF_MAP_TYPE_LPM_TRIE => {
            key = 8;
            value = 8;
            req.map_flags = BPF_F_NO_PREALLOC;
        }
        BPF_MAP_TYPE_CGROUP_STORAGE | BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE => {
            key = 16; // struct bpf_cgroup_storage_key (u64, u32, padding)
            value = 8;
            max = 0;
        }
        BPF_MAP_TYPE_QUEUE | BPF_MAP_TYPE_STACK => key = 0,
        BPF_MAP_TYPE_SK_STORAGE
        | BPF_MAP_TYPE_INODE_STORAGE
        | BPF_MAP_TYPE_TASK_STORAGE
        | BPF_MAP_TYPE_CGRP_STORAGE => {
            value = 8;
            max = 0;
            req.map_flags = BPF_F_NO_PREALLOC;
            btf = Some(local_storage_btf()?);
            req.btf_key_type_id = 1;
            req.btf_value_type_id = 3;
        }
        BPF_MAP_TYPE_RINGBUF | BPF_MAP_TYPE_USER_RINGBUF => {
            key = 0;
            value = 0;
            max = crate::sys::mmap::page_size() as u32;
        }
        BPF_MAP_TYPE_STRUCT_OPS => {
            // An invalid vmlinux type id gives ENOTSUPP when supported.
            req.btf_vmlinux_value_type_id = 1;
            expect = Some(ENOTSUPP);
        }
        BPF_MAP_TYPE_BLOOM_FILTER => key = 0,
        _ => {}
    }
    req.key_size = key;
    req.value_size = value;
    req.max_entries = max;
    if let Some(b) = &btf {
        req.btf_fd = b.as_raw_fd() as u32;
    }
    let inner;
    if matches!(
        map_type,
        BPF_MAP_TYPE_ARRAY_OF_MAPS | BPF_MAP_TYPE_HASH_OF_MAPS
    ) {
        inner = map_create(&MapCreate::new(BPF_MAP_TYPE_HASH, None, 4, 4, 1))?;
        req.inner_map_fd = inner.as_raw_fd() as u32;
    }
    let r = map_create(&req);
    Ok(match expect {
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
