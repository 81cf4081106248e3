//! Which instructions of a linked program can run, as far as constants decide:
//! the verifier prunes a branch whose condition compares a known constant, so
//! an instruction CO-RE poisoned behind `if (bpf_core_field_exists(...))` that
//! relocated to 0 is dead code and the program still loads. This follows
//! constants set by `mov` (and simple arithmetic on them) through every path;
//! anything else is unknown, and both arms of its branches are taken.

use crate::insn::Insn;
use crate::uapi::{BPF_ALU, BPF_ALU64, BPF_JMP, BPF_JMP32, BPF_K, BPF_PSEUDO_CALL, BPF_STX};

/// r0..r10: a known 64-bit value, or unknown.
type Regs = [Option<u64>; 11];

const EXIT: u8 = 0x90;
const CALL_OP: u8 = 0x80;
const JA: u8 = 0x00;

/// The outcome of a conditional jump `op` on `a` and `b` (None: not a compare
/// this knows).
fn compare(op: u8, a: u64, b: u64, wide: bool) -> Option<bool> {
    let (a, b) = if wide {
        (a, b)
    } else {
        (a & 0xffff_ffff, b & 0xffff_ffff)
    };
    let (sa, sb) = if wide {
        (a as i64, b as i64)
    } else {
        (i64::from(a as u32 as i32), i64::from(b as u32 as i32))
    };
    Some(match op {
        0x10 => a == b,
        0x50 => a != b,
        0x20 => a > b,
        0x30 => a >= b,
        0xa0 => a < b,
        0xb0 => a <= b,
        0x40 => a & b != 0,
        0x60 => sa > sb,
        0x70 => sa >= sb,
        0xc0 => sa < sb,
        0xd0 => sa <= sb,
        _ => return None,
    })
}

/// `dst op= src` on known values (None when the result is not tracked).
fn alu(op: u8, dst: Option<u64>, src: u64, wide: bool) -> Option<u64> {
    let v = match op {
        0xb0 => src,
        0x00 => dst?.wrapping_add(src),
        0x10 => dst?.wrapping_sub(src),
        0x40 => dst? | src,
        0x50 => dst? & src,
        0x60 => dst?.checked_shl(src as u32)?,
        0x70 => dst?.checked_shr(src as u32)?,
        0xa0 => dst? ^ src,
        _ => return None,
    };
    Some(if wide { v } else { v & 0xffff_ffff })
}

/// Merges `incoming` into the state at `pc`; true if it changed.
fn merge(states: &mut [Option<Regs>], pc: usize, incoming: &Regs) -> bool {
    match &mut states[pc] {
        None => {
            states[pc] = Some(*incoming);
            true
        }
        Some(cur) => {
            let mut changed = false;
            for (c, i) in cur.iter_mut().zip(incoming) {
                if c.is_some() && c != i {
                    *c = None;
                    changed = true;
                }
            }
            changed
        }
    }
}

/// The successors of the instruction at `pc` with state `r` (updated in place
/// for the fall-through): (pc, state) pairs.
fn step(insns: &[Insn], pc: usize, mut r: Regs) -> Vec<(i64, Regs)> {
    let i = insns[pc];
    let class = i.code & 0x07;
    let op = i.code & 0xf0;
    let (dst, src) = (usize::from(i.dst()).min(10), usize::from(i.src()).min(10));
    let next = pc as i64 + 1;
    if i.is_ld_imm64() {
        let lo = u64::from(i.imm as u32);
        let hi = insns.get(pc + 1).map_or(0, |n| u64::from(n.imm as u32));
        r[dst] = (i.src() == 0).then_some(lo | hi << 32);
        let mut out = vec![(next + 1, r)];
        if i.is_pseudo_func() {
            out.push((next + i64::from(i.imm), [None; 11]));
        }
        return out;
    }
    match class {
        BPF_ALU | BPF_ALU64 => {
            let wide = class == BPF_ALU64;
            let s = if i.code & 0x08 == BPF_K {
                Some(if wide {
                    i.imm as i64 as u64
                } else {
                    u64::from(i.imm as u32)
                })
            } else {
                r[src]
            };
            r[dst] = s.and_then(|s| alu(op, r[dst], s, wide));
            vec![(next, r)]
        }
        BPF_JMP | BPF_JMP32 => match op {
            EXIT if class == BPF_JMP => Vec::new(),
            CALL_OP if class == BPF_JMP => {
                let mut out = Vec::new();
                if i.src() == BPF_PSEUDO_CALL {
                    out.push((next + i64::from(i.imm), [None; 11]));
                }
                r[..6].iter_mut().for_each(|x| *x = None);
                out.push((next, r));
                out
            }
            JA => vec![(next + i64::from(i.off), r)],
            _ => {
                let b = if i.code & 0x08 == BPF_K {
                    Some(i.imm as i64 as u64)
                } else {
                    r[src]
                };
                let taken = next + i64::from(i.off);
                match (r[dst], b) {
                    (Some(a), Some(b)) => match compare(op, a, b, class == BPF_JMP) {
                        Some(true) => vec![(taken, r)],
                        Some(false) => vec![(next, r)],
                        None => vec![(taken, r), (next, r)],
                    },
                    _ => vec![(taken, r), (next, r)],
                }
            }
        },
        0x01 => {
            // LDX
            r[dst] = None;
            vec![(next, r)]
        }
        BPF_STX if i.code & 0xe0 == 0xc0 => {
            // atomics may write their source register (BPF_FETCH, cmpxchg's r0)
            r[src] = None;
            r[0] = None;
            vec![(next, r)]
        }
        _ => vec![(next, r)],
    }
}

/// For each instruction of `insns` (a linked program, entry at 0): whether a
/// path reaches it.
pub fn reachable(insns: &[Insn]) -> Vec<bool> {
    let n = insns.len();
    let mut states: Vec<Option<Regs>> = vec![None; n];
    let mut work = Vec::new();
    if n > 0 {
        states[0] = Some([None; 11]);
        work.push(0usize);
    }
    while let Some(pc) = work.pop() {
        let Some(r) = states[pc] else { continue };
        for (to, s) in step(insns, pc, r) {
            if to < 0 || to as usize >= n {
                continue;
            }
            let to = to as usize;
            if merge(&mut states, to, &s) {
                work.push(to);
            }
        }
    }
    states.iter().map(Option::is_some).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insn::CALL;

    fn ins(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
        Insn {
            code,
            regs: (src << 4) | dst,
            off,
            imm,
        }
    }

    #[test]
    fn a_branch_on_a_known_constant_leaves_the_other_arm_dead() {
        let mov = BPF_ALU64 | 0xb0; // r1 = imm
        let jeq = BPF_JMP | 0x10; // if r1 == imm goto
        let exit = BPF_JMP | EXIT;
        let prog = |exists: i32| {
            vec![
                ins(mov, 1, 0, 0, exists),
                ins(jeq, 1, 0, 1, 0),
                ins(CALL, 0, 0, 0, 0x0bad_2310),
                ins(exit, 0, 0, 0, 0),
            ]
        };
        // The field is missing: exists = 0, the poisoned call is skipped.
        assert_eq!(reachable(&prog(0)), [true, true, false, true]);
        // Present: the call runs.
        assert_eq!(reachable(&prog(1)), [true, true, true, true]);
        // Unknown (a load): both arms.
        let mut p = prog(0);
        p[0] = ins(0x61, 1, 1, 0, 0);
        assert_eq!(reachable(&p), [true, true, true, true]);
    }
}
