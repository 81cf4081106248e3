//! Writing a relocation's value into its instruction (`btf-core.md` §5.6), with
//! libbpf's checks, or poisoning it: a call to helper `0xbad2310` that the
//! verifier rejects only if it is reachable.

use super::calc::RelocRes;
use super::{Fail, Site};
use crate::insn::{Insn, CALL};
use crate::uapi::{
    BPF_ALU, BPF_ALU64, BPF_B, BPF_DW, BPF_H, BPF_K, BPF_LD, BPF_LDX, BPF_ST, BPF_STX, BPF_W,
};

/// The helper ID of a poisoned instruction: "bad relo" (195896080). The
/// verifier says `invalid func unknown#195896080` if it reaches one.
pub const POISON_HELPER: i32 = 0x0bad_2310;

/// Turns `insn` into the poison call.
fn poison_one(prog: &str, relo: usize, idx: usize, insn: &mut Insn) {
    crate::log::debug(format_args!(
        "prog '{prog}': relo #{relo}: substituting insn #{idx} w/ invalid insn"
    ));
    *insn = Insn {
        code: CALL,
        regs: 0,
        off: 0,
        imm: POISON_HELPER,
    };
}

/// Poisons instruction `idx` of `insns` (both halves of an `ld_imm64`).
pub fn poison(prog: &str, relo: usize, insns: &mut [Insn], idx: usize) {
    if insns.get(idx).is_some_and(|i| i.is_ld_imm64()) {
        if let Some(next) = insns.get_mut(idx + 1) {
            poison_one(prog, relo, idx + 1, next);
        }
    }
    if let Some(i) = insns.get_mut(idx) {
        poison_one(prog, relo, idx, i);
    }
}

fn size_bytes(code: u8) -> Option<u32> {
    match code & 0x18 {
        BPF_DW => Some(8),
        BPF_W => Some(4),
        BPF_H => Some(2),
        BPF_B => Some(1),
        _ => None,
    }
}

fn size_code(bytes: u32) -> Option<u8> {
    match bytes {
        8 => Some(BPF_DW),
        4 => Some(BPF_W),
        2 => Some(BPF_H),
        1 => Some(BPF_B),
        _ => None,
    }
}

/// Patches instruction `idx` of `insns` (numbered `site.insn` in messages)
/// with `res` (libbpf's `bpf_core_patch_insn`). Returns true if it was poisoned.
pub fn patch(
    site: &Site<'_>,
    insns: &mut [Insn],
    idx: usize,
    res: &RelocRes,
) -> Result<bool, Fail> {
    let (prog, relo, shown) = (site.prog, site.relo, site.insn);
    let Some(&insn) = insns.get(idx) else {
        return Err(Fail::inval("instruction out of range"));
    };
    if res.poison {
        poison(prog, relo, insns, idx);
        return Ok(true);
    }
    let (orig, new) = (res.orig_val, res.new_val);
    match insn.code & 0x07 {
        BPF_ALU | BPF_ALU64 => {
            if insn.code & 0x08 != BPF_K {
                return Err(Fail::inval("ALU instruction with a register source"));
            }
            if res.validate && insn.imm as i64 as u64 != orig {
                let msg = format!(
                    "unexpected insn #{shown} (ALU/ALU64) value: got {}, exp {orig} -> {new}",
                    insn.imm as u32
                );
                return Err(Fail::inval(msg));
            }
            insns[idx].imm = new as i32;
            crate::log::debug(format_args!(
                "prog '{prog}': relo #{relo}: patched insn #{shown} (ALU/ALU64) imm {} -> {new}",
                insn.imm as u32
            ));
        }
        BPF_LDX | BPF_ST | BPF_STX => {
            if !patch_mem(site, &mut insns[idx], res)? {
                poison(prog, relo, insns, idx);
                return Ok(true);
            }
        }
        BPF_LD => {
            let next = insns.get(idx + 1).copied().unwrap_or_default();
            if !insn.is_ld_imm64()
                || insn.src() != 0
                || insn.off != 0
                || idx + 1 >= insns.len()
                || next.code != 0
                || next.regs != 0
                || next.off != 0
            {
                return Err(Fail::inval(format!(
                    "insn #{shown} (LDIMM64) has unexpected form"
                )));
            }
            let imm = u64::from(insn.imm as u32) | (u64::from(next.imm as u32) << 32);
            if res.validate && imm != orig {
                return Err(Fail::inval(format!(
                    "unexpected insn #{shown} (LDIMM64) value: got {imm}, exp {orig} -> {new}"
                )));
            }
            insns[idx].imm = new as u32 as i32;
            insns[idx + 1].imm = (new >> 32) as u32 as i32;
            crate::log::debug(format_args!(
                "prog '{prog}': relo #{relo}: patched insn #{shown} (LDIMM64) imm64 {imm} -> {new}"
            ));
        }
        _ => {
            return Err(Fail::inval(format!(
                "trying to relocate unrecognized insn #{shown}, code:{:#x}, src:{:#x}, dst:{:#x}, off:{:#x}, imm:{:#x}",
                insn.code,
                insn.src(),
                insn.dst(),
                insn.off,
                insn.imm
            )))
        }
    }
    Ok(false)
}

/// LDX, ST, STX: the offset, and the access size when the field's size
/// changed. False when the access must be poisoned instead.
fn patch_mem(site: &Site<'_>, slot: &mut Insn, res: &RelocRes) -> Result<bool, Fail> {
    let (prog, relo, shown) = (site.prog, site.relo, site.insn);
    let insn = *slot;
    let (orig, new) = (res.orig_val, res.new_val);
    if res.validate && insn.off as i64 as u64 != orig {
        return Err(Fail::inval(format!(
            "unexpected insn #{shown} (LDX/ST/STX) value: got {}, exp {orig} -> {new}",
            insn.off as i32 as u32
        )));
    }
    if new > i16::MAX as u64 {
        return Err(Fail::new(
            libc::ERANGE,
            format!("insn #{shown} (LDX/ST/STX) value too big: {new}"),
        ));
    }
    if res.fail_memsz_adjust {
        crate::log::warn(format_args!(
            "prog '{prog}': relo #{relo}: insn #{shown} (LDX/ST/STX) accesses field incorrectly. \
             Make sure you are accessing pointers, unsigned integers, or fields of matching type and size."
        ));
        return Ok(false);
    }
    slot.off = new as i16;
    crate::log::debug(format_args!(
        "prog '{prog}': relo #{relo}: patched insn #{shown} (LDX/ST/STX) off {} -> {new}",
        insn.off as i32 as u32
    ));
    if res.new_sz != res.orig_sz {
        let got = size_bytes(insn.code);
        if got != Some(res.orig_sz) {
            return Err(Fail::inval(format!(
                "insn #{shown} (LDX/ST/STX) unexpected mem size: got {}, exp {}",
                got.map_or(-1, i64::from),
                res.orig_sz
            )));
        }
        let Some(code) = size_code(res.new_sz) else {
            return Err(Fail::inval(format!(
                "insn #{shown} (LDX/ST/STX) invalid new mem size: {}",
                res.new_sz
            )));
        };
        slot.code = (insn.code & 0xe0) | code | (insn.code & 0x07);
        crate::log::debug(format_args!(
            "prog '{prog}': relo #{relo}: patched insn #{shown} (LDX/ST/STX) mem_sz {} -> {}",
            res.orig_sz, res.new_sz
        ));
    }
    Ok(true)
}
