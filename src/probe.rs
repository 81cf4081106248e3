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
use std::os::fd::AsRawFd;

/// The kernel's internal `ENOTSUPP`, which reaches user space for some probes.
const ENOTSUPP: i32 = 524;
/// The last program type libbpf 1.1.2 knows (`BPF_PROG_TYPE_SYSCALL`).
const LAST_PROG_TYPE: u32 = 31;
/// The last map type libbpf 1.1.2 knows (`BPF_MAP_TYPE_CGRP_STORAGE`).
const LAST_MAP_TYPE: u32 = 32;

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
    // BPF_CGROUP_INET4_CONNECT 10, BPF_CGROUP_GETSOCKOPT 21, BPF_SK_LOOKUP 36,
    // BPF_LIRC_MODE2 16, BPF_TRACE_FENTRY 24, BPF_LSM_MAC 27.
    match prog_type {
        18 => req.expected_attach_type = 10,
        25 => req.expected_attach_type = 21,
        30 => req.expected_attach_type = 36,
        2 => req.kern_version = crate::util::kernel_version(),
        16 => req.expected_attach_type = 16,
        26 | 29 => {
            req.expected_attach_type = if prog_type == 26 { 24 } else { 27 };
            req.attach_btf_id = 1;
            expect = Some(Expect {
                errno: libc::EINVAL,
                msg: Some("attach_btf_id 1 is not a function"),
            });
        }
        28 => {
            req.attach_btf_id = 1;
            expect = Some(Expect {
                errno: libc::EINVAL,
                msg: Some("Cannot replace kernel functions"),
            });
        }
        31 => req.prog_flags = 1 << 4, // BPF_F_SLEEPABLE
        27 => {
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
        code: 0xb7, // BPF_ALU64 | BPF_MOV | BPF_K
        regs: 0,
        off: 0,
        imm: 0,
    },
    Insn {
        code: 0x95, // BPF_JMP | BPF_EXIT
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
    if matches!(prog_type, 26..=29) {
        return Err(Error::Unsupported(
            "helper probes for tracing, extension, struct_ops and LSM programs",
        ));
    }
    let insns = [
        Insn {
            code: 0x85, // BPF_JMP | BPF_CALL
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
    if map_type == 0 || map_type > LAST_MAP_TYPE {
        return Err(Error::Unsupported("unknown map type"));
    }
    let (mut key, mut value, mut max) = (4u32, 4u32, 1u32);
    let mut req = MapCreate::new(map_type, None, 0, 0, 0);
    let mut expect = None;
    let mut btf = None;
    match map_type {
        7 => value = 8, // STACK_TRACE
        11 => {
            // LPM_TRIE
            key = 8;
            value = 8;
            req.map_flags = 1; // BPF_F_NO_PREALLOC
        }
        19 | 21 => {
            // CGROUP_STORAGE, PERCPU_CGROUP_STORAGE
            key = 16; // struct bpf_cgroup_storage_key (u64, u32, padding)
            value = 8;
            max = 0;
        }
        22 | 23 => key = 0, // QUEUE, STACK
        24 | 28 | 29 | 32 => {
            // SK/INODE/TASK/CGRP storage
            value = 8;
            max = 0;
            req.map_flags = 1;
            btf = Some(local_storage_btf()?);
            req.btf_key_type_id = 1;
            req.btf_value_type_id = 3;
        }
        27 | 31 => {
            // RINGBUF, USER_RINGBUF
            key = 0;
            value = 0;
            max = crate::sys::mmap::page_size() as u32;
        }
        26 => {
            // STRUCT_OPS: an invalid vmlinux type id gives ENOTSUPP when supported
            req.btf_vmlinux_value_type_id = 1;
            expect = Some(ENOTSUPP);
        }
        30 => {
            // BLOOM_FILTER
            key = 0;
        }
        _ => {}
    }
    req.key_size = key;
    req.value_size = value;
    req.max_entries = max;
    if let Some(b) = &btf {
        req.btf_fd = b.as_raw_fd() as u32;
    }
    let inner;
    if matches!(map_type, 12 | 13) {
        inner = map_create(&MapCreate::new(1, None, 4, 4, 1))?;
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
