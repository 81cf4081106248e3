//! `.ksyms` externs and kfunc calls in the loader program: each reference is
//! resolved at run time, in the program's instructions in the blob, just before
//! its `BPF_PROG_LOAD`:
//! - a typed variable (`BPF_PSEUDO_BTF_ID`): `bpf_btf_find_by_name_kind` gives
//!   its BTF id (`imm`) and module BTF fd (next `imm`); a weak one the kernel
//!   lacks becomes a plain `ld_imm64` of 0;
//! - a typeless one: `bpf_kallsyms_lookup_name` gives its address (a missing
//!   one keeps the address found when the loader was generated, 0 if none);
//! - a kfunc call: its BTF id goes to `imm`, a module BTF fd to a slot of the
//!   `fd_array` after the map fds, whose index goes to `off`; a weak kfunc the
//!   kernel lacks is left `imm` 0 for the verifier to drop as dead code.
//!
//! Each name is looked up once per program (later references copy the first
//! one's result), and the module BTF fds are closed after the load, whatever
//! its result.

use super::emit::*;
use super::Gen;
use crate::error::Error;
use crate::load::ObjState;
use crate::object::calls::Linked;
use crate::object::externs::ExternKind;
use crate::object::RelocKind;

const BTF_KIND_FUNC: u32 = 12;
const BTF_KIND_VAR: u32 = 14;

/// Offsets in a `struct bpf_insn` (the first of an `ld_imm64` pair, or the
/// second's `imm`).
const INSN_REGS: u32 = 1;
const INSN_OFF: u32 = 2;
const INSN_IMM: u32 = 4;
const INSN_IMM2: u32 = 8 + INSN_IMM;

/// One extern reference of a program, as the loader relocates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relo {
    pub name: String,
    pub weak: bool,
    pub typeless: bool,
    /// `BTF_KIND_VAR` (an `ld_imm64`) or `BTF_KIND_FUNC` (a call).
    pub kind: u32,
    pub insn_idx: usize,
}

/// A name's first relocation in the program under load.
#[derive(Debug)]
struct Desc {
    name: String,
    kind: u32,
    refs: usize,
    /// The kfunc's `fd_array` index.
    off: usize,
    /// Blob offset of the instruction later references copy from.
    insn: u32,
    typeless: bool,
}

/// The `.ksyms` references of linked program code, in instruction order:
/// `ld_imm64`s of ksyms (kfuncs' included) and kfunc calls.
pub fn records(st: &ObjState, linked: &Linked) -> Result<Vec<Relo>, Error> {
    let mut out = Vec::new();
    for &(idx, kind) in &linked.map_refs {
        let RelocKind::Extern { ext, call } = kind else {
            continue;
        };
        let e = st.obj.externs.get(ext).ok_or(Error::Bug("extern index"))?;
        let ExternKind::Ksym { type_id, .. } = e.kind else {
            continue;
        };
        out.push(Relo {
            name: e.name.clone(),
            weak: e.weak,
            typeless: !call && type_id == 0,
            kind: if call { BTF_KIND_FUNC } else { BTF_KIND_VAR },
            insn_idx: idx,
        });
    }
    out.sort_by_key(|r| r.insn_idx);
    Ok(out)
}

impl Gen {
    /// Emits the relocations of the program whose instructions are at blob
    /// offset `insns`; returns the names' table for [`Gen::cleanup_relos`].
    fn emit_relos(&mut self, relos: &[Relo], insns: u32) -> Vec<Desc> {
        let mut descs: Vec<Desc> = Vec::new();
        for r in relos {
            crate::log::debug(format_args!(
                "gen: emit_relo ({}): {} at {}",
                r.kind, r.name, r.insn_idx
            ));
            let insn = insns + 8 * r.insn_idx as u32;
            self.e.ld_blob(R8, insn);
            let d = match descs.iter().position(|d| d.name == r.name) {
                Some(i) => {
                    descs[i].refs += 1;
                    i
                }
                None => {
                    descs.push(Desc {
                        name: r.name.clone(),
                        kind: r.kind,
                        refs: 1,
                        off: 0,
                        insn: 0,
                        typeless: false,
                    });
                    descs.len() - 1
                }
            };
            let d = &mut descs[d];
            match (r.kind, r.typeless) {
                (BTF_KIND_FUNC, _) => self.relo_kfunc(r, d, insn),
                (_, true) => self.relo_typeless(r, d, insn),
                _ => self.relo_typed(r, d, insn),
            }
        }
        descs
    }

    /// After the load: closes the module BTF fds the lookups opened.
    fn cleanup_relos(&mut self, descs: &[Desc]) {
        for d in descs {
            if d.kind == BTF_KIND_VAR && !d.typeless {
                self.e.close_blob(d.insn + INSN_IMM2);
            } else if d.kind == BTF_KIND_FUNC {
                let slot = self.fd_slot(d.off);
                self.e.close_blob(slot);
                if d.off < MAX_USED_MAPS + MAX_KFUNC_DESCS {
                    self.nr_fd_array = self.nr_fd_array.saturating_sub(1);
                }
            }
        }
    }

    /// The next `fd_array` index for a kfunc's module BTF fd: after the map
    /// slots, or past them in a blob word of its own once those are used up.
    fn add_kfunc_btf_fd(&mut self) -> usize {
        if self.nr_fd_array == MAX_KFUNC_DESCS {
            let cur = self.e.add_zeros(4);
            return (cur - self.fd_array) as usize / 4;
        }
        self.nr_fd_array += 1;
        MAX_USED_MAPS + self.nr_fd_array - 1
    }

    /// A kfunc call (R8 points to it).
    fn relo_kfunc(&mut self, r: &Relo, d: &mut Desc, insn: u32) {
        let e = &mut self.e;
        if d.refs > 1 {
            copy_first(e, insn, d.insn, (INSN_OFF, 2));
            return;
        }
        d.insn = insn;
        find_by_name_kind(e, &r.name, r.kind);
        if !r.weak {
            e.check_err();
        }
        let idx = self.add_kfunc_btf_fd();
        if idx > i16::MAX as usize {
            crate::log::warn(format_args!(
                "BTF fd off {idx} for kfunc {} exceeds INT16_MAX, cannot process relocation",
                r.name
            ));
            self.e
                .fail(Error::TooBig("gen_loader: kfunc BTF fd index too big"));
            return;
        }
        d.off = idx;
        let slot = self.fd_slot(idx);
        let e = &mut self.e;
        e.jmp_imm(JSGE, R7, 0, 3);
        // Not found: imm and off 0.
        e.st(4, R8, INSN_IMM as i16, 0);
        e.st(2, R8, INSN_OFF as i16, 0);
        e.jmp_imm(JA, 0, 0, 10);
        e.stx(4, R8, R7, INSN_IMM as i16);
        e.mov_reg(R9, R7);
        e.alu64_imm(RSH, R9, 32);
        // In vmlinux: off 0; in a module: its BTF fd to the slot, the slot to off.
        e.jmp_imm(JNE, R9, 0, 2);
        e.st(2, R8, INSN_OFF as i16, 0);
        e.jmp_imm(JA, 0, 0, 4);
        e.ld_blob(R0, slot);
        e.stx(4, R0, R9, 0);
        e.st(2, R8, INSN_OFF as i16, idx as i32);
    }

    /// A typeless ksym's `ld_imm64` (R8 points to it).
    fn relo_typeless(&mut self, r: &Relo, d: &mut Desc, insn: u32) {
        let e = &mut self.e;
        if d.refs > 1 {
            copy_first(e, insn, d.insn, (INSN_IMM2, 4));
            return;
        }
        d.insn = insn;
        d.typeless = true;
        kallsyms_lookup_name(e, &r.name);
        e.jmp_imm(JEQ, R7, -libc::ENOENT, 1);
        e.check_err();
        e.stx(4, R8, R9, INSN_IMM as i16);
        e.alu64_imm(RSH, R9, 32);
        e.stx(4, R8, R9, INSN_IMM2 as i16);
    }

    /// A typed ksym's `ld_imm64` (R8 points to it).
    fn relo_typed(&mut self, r: &Relo, d: &mut Desc, insn: u32) {
        let e = &mut self.e;
        if d.refs > 1 {
            copy_first(e, insn, d.insn, (INSN_IMM2, 4));
            // libbpf 1.1.2 tests R0, which the copy left holding the module BTF
            // fd: a symbol found in a module keeps BPF_PSEUDO_BTF_ID, one in
            // vmlinux (fd 0) loses it as a missing one does.
            e.jmp_imm(JNE, R0, 0, 3);
        } else {
            d.insn = insn;
            find_by_name_kind(e, &r.name, r.kind);
            if !r.weak {
                e.check_err();
            }
            e.jmp_imm(JSGE, R7, 0, 3);
            e.st(4, R8, INSN_IMM as i16, 0);
            e.st(4, R8, INSN_IMM2 as i16, 0);
            e.jmp_imm(JA, 0, 0, 4);
            e.stx(4, R8, R7, INSN_IMM as i16);
            e.alu64_imm(RSH, R7, 32);
            e.stx(4, R8, R7, INSN_IMM2 as i16);
            e.jmp_imm(JSGE, R7, 0, 3);
        }
        // Not found: a plain ld_imm64 of 0 (src_reg cleared).
        e.ldx(1, R9, R8, INSN_REGS as i16);
        e.alu32_imm(AND, R9, 0x0f);
        e.stx(1, R8, R9, INSN_REGS as i16);
    }

    /// Emits the relocations of `relos` for the program at blob offset `insns`
    /// (`load` emits its `BPF_PROG_LOAD` in between), then closes the module
    /// BTF fds they opened.
    pub(super) fn with_relos(&mut self, relos: &[Relo], insns: u32, load: impl FnOnce(&mut Gen)) {
        let descs = self.emit_relos(relos, insns);
        load(self);
        self.cleanup_relos(&descs);
    }
}

/// A later reference to a name: `imm` and `second` (`(offset, size)`: a
/// call's `off`, an `ld_imm64`'s next `imm`) copied from its first reference.
fn copy_first(e: &mut Emitter, insn: u32, first: u32, second: (u32, usize)) {
    e.blob2blob(insn + INSN_IMM, 4, first + INSN_IMM);
    e.blob2blob(insn + second.0, second.1, first + second.0);
}

/// `R7 = bpf_btf_find_by_name_kind(name, kind)`: the BTF id in the low 32 bits,
/// the module BTF fd (0 for vmlinux) in the high ones, or -errno.
pub fn find_by_name_kind(e: &mut Emitter, name: &str, kind: u32) {
    let mut s = name.as_bytes().to_vec();
    s.push(0);
    let off = e.add_data(&s);
    e.ld_blob(R1, off);
    e.mov_imm(R2, s.len() as i32);
    e.mov_imm(R3, kind as i32);
    e.mov_imm(R4, 0);
    e.call(FN_BTF_FIND_BY_NAME_KIND);
    e.mov_reg(R7, R0);
}

/// `R7 = bpf_kallsyms_lookup_name(name, 0, &res)`, `R9 = res` (the address).
fn kallsyms_lookup_name(e: &mut Emitter, name: &str) {
    let mut s = name.as_bytes().to_vec();
    s.push(0);
    let off = e.add_data(&s);
    let res = e.add_zeros(8);
    e.ld_blob(R1, off);
    e.mov_imm(R2, s.len() as i32);
    e.mov_imm(R3, 0);
    e.ld_blob(R4, res);
    e.mov_reg(R7, R4);
    e.call(FN_KALLSYMS_LOOKUP_NAME);
    e.ldx(8, R9, R7, 0);
    e.mov_reg(R7, R0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relo(name: &str, kind: u32, typeless: bool, weak: bool, at: usize) -> Relo {
        Relo {
            name: name.into(),
            weak,
            typeless,
            kind,
            insn_idx: at,
        }
    }

    fn gen() -> Gen {
        let mut g = Gen::new(Box::new(|_, _| {}));
        g.init(1, 0);
        g
    }

    #[test]
    fn a_name_is_looked_up_once_per_program() {
        let mut g = gen();
        let rs = [
            relo("f", BTF_KIND_FUNC, false, false, 3),
            relo("f", BTF_KIND_FUNC, false, false, 9),
        ];
        let before = g.e.insns.len();
        let descs = g.emit_relos(&rs, 64);
        assert_eq!(descs.len(), 1);
        assert_eq!(descs[0].refs, 2);
        assert_eq!(descs[0].insn, 64 + 24);
        assert_eq!(descs[0].off, MAX_USED_MAPS);
        let helpers: Vec<i32> = g.e.insns[before..]
            .iter()
            .filter(|i| i.is_helper_call())
            .map(|i| i.imm)
            .collect();
        assert_eq!(helpers, [FN_BTF_FIND_BY_NAME_KIND]);
        g.cleanup_relos(&descs);
        assert_eq!(g.nr_fd_array, 0, "the slots are free for the next program");
    }

    #[test]
    fn kfunc_slots_follow_the_map_slots_then_the_blob() {
        let mut g = gen();
        g.nr_fd_array = MAX_KFUNC_DESCS - 1;
        assert_eq!(g.add_kfunc_btf_fd(), MAX_USED_MAPS + MAX_KFUNC_DESCS - 1);
        let end = g.e.data.len() as u32;
        assert_eq!(
            g.add_kfunc_btf_fd(),
            (end - g.fd_array) as usize / 4,
            "past the reserved slots"
        );
    }

    #[test]
    fn a_missing_typed_symbol_loses_its_pseudo_src() {
        let mut g = gen();
        let before = g.e.insns.len();
        g.emit_relos(&[relo("v", BTF_KIND_VAR, false, true, 0)], 8);
        let tail = &g.e.insns[g.e.insns.len() - 3..];
        assert_eq!(tail[1].imm, 0x0f);
        assert_eq!(tail[2].off, INSN_REGS as i16);
        // Weak: no branch to the cleanup code.
        let to_cleanup = g.e.insns[before..]
            .iter()
            .filter(|i| i.code == (crate::uapi::BPF_JMP | JSLT | crate::uapi::BPF_K) && i.off < 0)
            .count();
        assert_eq!(to_cleanup, 0);
    }
}
