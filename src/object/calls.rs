//! BPF-to-BPF linking of one program, with no kernel calls: the program's code,
//! then every subprogram it reaches (each once, appended when first reached and
//! walked at once: depth first, libbpf's layout),
//! with call and callback offsets rewritten; map references are listed at their
//! final instruction index for the loader to patch with fds.

use super::inline::Inline;
use super::{Object, ProgDef, Reloc, RelocKind};
use crate::error::{Error, RelocError};
use crate::insn::Insn;

/// The pieces of a linked program: most programs are one function, or call
/// one or two.
pub type Pieces = Inline<Piece, 1>;
/// `(instruction index, MapFd/MapValue/Extern)`: a few per program.
pub type MapRefs = Inline<(usize, RelocKind), 4>;

/// A contiguous run of a code section copied into the linked program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// Index into [`Object::code`].
    pub code: usize,
    /// First instruction within that section, and the count.
    pub sec_off: usize,
    pub cnt: usize,
    /// Where it starts in the linked program.
    pub out_off: usize,
}

/// A program ready for the loader: instructions plus map references to patch.
#[derive(Debug, Clone)]
pub struct Linked {
    pub insns: Vec<Insn>,
    /// `(instruction index, MapFd/MapValue/Extern)`.
    pub map_refs: MapRefs,
    pub pieces: Pieces,
    /// libbpf's debug lines for the appends and call fix-ups, in its order
    /// (logged by the loader once the maps exist, as libbpf does).
    pub notes: Vec<String>,
    /// False when the code surely calls no `bpf_probe_read_{kernel,user}[_str]`
    /// ([`Insn::may_call_probe_read`]), which older kernels need rewritten.
    pub probe_reads: bool,
}

/// A link failure at instruction `insn` (of the linked program) in section `sec`.
fn link_err(obj: &Object, prog: &str, sec: &str, insn: usize, what: String) -> Error {
    Error::Reloc(Box::new(RelocError {
        obj: obj.name.to_string(),
        prog: prog.to_string(),
        sec: sec.to_string(),
        insn,
        what,
    }))
}

impl Linked {
    /// Nothing linked yet.
    pub fn new() -> Self {
        Linked {
            insns: Vec::new(),
            map_refs: Inline::new((0, RelocKind::MapFd { map: 0 })),
            pieces: Inline::new(Piece {
                code: 0,
                sec_off: 0,
                cnt: 0,
                out_off: 0,
            }),
            notes: Vec::new(),
            probe_reads: true,
        }
    }
}

impl Default for Linked {
    fn default() -> Self {
        Linked::new()
    }
}

/// Links program `p` of `obj` (one of `obj.progs`, or the program state's
/// definition once the object is opened): each subprogram is appended when it
/// is first reached and walked at once (depth first, libbpf 1.1.2's layout).
pub fn link(obj: &Object, p: &ProgDef) -> Result<Linked, Error> {
    let mut l = Linked::new();
    link_into(obj, p, &mut l)?;
    Ok(l)
}

/// [`link`] into `to` (a [`Linked::new`]), where the caller keeps it.
pub fn link_into(obj: &Object, p: &ProgDef, to: &mut Linked) -> Result<(), Error> {
    let main = copy_main(obj, p, to);
    let mut l = Linker {
        obj,
        main: &p.name,
        to,
    };
    let relocs = &obj.code[main.code].relocs;
    if let Some((probe_reads, at)) = plain(relocs, &l.to.insns, &main) {
        list_plain(&relocs[at], &main, probe_reads, l.to);
        return Ok(());
    }
    l.walk(0, &p.name)
}

/// A program [`plain_prog`] vouched for: what its link needs of that look.
#[derive(Debug, Clone, Copy)]
pub struct PlainProg {
    probe_reads: bool,
    /// Where its relocations lie in its section's.
    relocs: (u32, u32),
}

/// Whether program `p` links as one piece without a walk (see
/// [`Linker::plain`]), looked at in its section without copying it. Such a
/// program has nothing to keep between this look and its link
/// ([`link_plain_into`]): no debug lines, no errors.
pub fn plain_prog(obj: &Object, p: &ProgDef) -> Option<PlainProg> {
    let cs = &obj.code[p.code];
    let piece = main_piece(p);
    let (probe_reads, relocs) = plain(&cs.relocs, &cs.insns[p.insn_off..], &piece)?;
    Some(PlainProg {
        probe_reads,
        relocs: (
            u32::try_from(relocs.start).ok()?,
            u32::try_from(relocs.end).ok()?,
        ),
    })
}

/// [`link_into`] of a program [`plain_prog`] vouched for: the code copied and
/// its references listed, no look again.
pub fn link_plain_into(obj: &Object, p: &ProgDef, plain: PlainProg, to: &mut Linked) {
    let main = copy_main(obj, p, to);
    let relocs = &obj.code[main.code].relocs[plain.relocs.0 as usize..plain.relocs.1 as usize];
    list_plain(relocs, &main, plain.probe_reads, to);
}

/// The piece of a program's own code: at the start of the linked program.
#[inline(always)]
fn main_piece(p: &ProgDef) -> Piece {
    Piece {
        code: p.code,
        sec_off: p.insn_off,
        cnt: p.insn_cnt,
        out_off: 0,
    }
}

/// Copies program `p`'s own code into `to` as its first piece.
#[inline(always)]
fn copy_main(obj: &Object, p: &ProgDef, to: &mut Linked) -> Piece {
    let main = main_piece(p);
    to.insns = obj.code[p.code].insns[p.insn_off..p.insn_off + p.insn_cnt].to_vec();
    to.pieces.push(main);
    main
}

/// The relocations (sorted by instruction) inside `piece`.
fn relocs_in<'a>(relocs: &'a [Reloc], piece: &Piece) -> &'a [Reloc] {
    &relocs[reloc_range(relocs, piece)]
}

/// Where the relocations inside `piece` lie in `relocs` (sorted by instruction).
fn reloc_range(relocs: &[Reloc], piece: &Piece) -> std::ops::Range<usize> {
    let first = relocs.partition_point(|r| r.insn < piece.sec_off);
    let last = first + relocs[first..].partition_point(|r| r.insn < piece.sec_off + piece.cnt);
    first..last
}

/// Whether `piece` (its code at the start of `code`; `relocs` its section's)
/// needs no walk (most programs): no BPF-to-BPF call or callback, and only
/// map and extern relocations, one per instruction, each on an `ld_imm64` the
/// walk would reach (the first instruction, or one after an instruction that
/// does not start an `ld_imm64`). If so, whether it may call a probe-read
/// helper ([`crate::insn::scan_plain`]) and where its relocations lie in
/// `relocs`.
#[inline(always)]
fn plain(relocs: &[Reloc], code: &[Insn], piece: &Piece) -> Option<(bool, std::ops::Range<usize>)> {
    let at = reloc_range(relocs, piece);
    let relocs = &relocs[at.clone()];
    let code = code.get(..piece.cnt)?;
    let mut prev = None;
    let simple = relocs.iter().all(|r| {
        let k = r.insn - piece.sec_off;
        let first_half = code[k].is_ld_imm64() && (k == 0 || !code[k - 1].is_ld_imm64());
        let once = prev.replace(r.insn) != Some(r.insn);
        let data = matches!(
            r.kind,
            RelocKind::MapFd { .. } | RelocKind::MapValue { .. } | RelocKind::Extern { .. }
        );
        first_half && once && data
    });
    if !simple {
        return None;
    }
    Some((crate::insn::scan_plain(code)?, at))
}

/// Lists the references of a piece [`plain`] vouched for (`relocs` those
/// inside it): what [`Linker::walk`] would list.
#[inline(always)]
fn list_plain(relocs: &[Reloc], piece: &Piece, probe_reads: bool, to: &mut Linked) {
    to.probe_reads = probe_reads;
    for r in relocs {
        let at = piece.out_off + (r.insn - piece.sec_off);
        to.map_refs.push((at, r.kind));
    }
}

/// One program being linked.
struct Linker<'a> {
    obj: &'a Object,
    main: &'a str,
    to: &'a mut Linked,
}

impl Linker<'_> {
    /// Appends `cnt` instructions of code section `code` from `sec_off`; the
    /// new piece's index.
    fn add(&mut self, code: usize, sec_off: usize, cnt: usize) -> usize {
        let out_off = self.to.insns.len();
        self.to
            .insns
            .extend_from_slice(&self.obj.code[code].insns[sec_off..sec_off + cnt]);
        self.to.pieces.push(Piece {
            code,
            sec_off,
            cnt,
            out_off,
        });
        self.to.pieces.len() - 1
    }

    /// [`plain`] and [`list_plain`] for piece `i`: false, listing nothing,
    /// when the piece is not that simple.
    #[cfg(test)]
    fn plain(&mut self, i: usize) -> bool {
        let piece = self.to.pieces[i];
        let relocs = &self.obj.code[piece.code].relocs;
        let code = &self.to.insns[piece.out_off..];
        match plain(relocs, code, &piece) {
            Some((probe_reads, at)) => {
                list_plain(&relocs[at], &piece, probe_reads, self.to);
                true
            }
            None => false,
        }
    }

    /// Resolves the calls, callbacks and map references of piece `i` (the code
    /// of function `name`). Instructions are visited in order, the second half
    /// of an `ld_imm64` skipped; most have neither a relocation nor a
    /// BPF-to-BPF call and cost one look each.
    fn walk(&mut self, i: usize, name: &str) -> Result<(), Error> {
        let piece = self.to.pieces[i];
        let cs = &self.obj.code[piece.code];
        // The relocations inside the piece, sorted by instruction: a cursor
        // follows the walk.
        let relocs = relocs_in(&cs.relocs, &piece);
        // `next` is the first relocation not yet passed, `next_at` its
        // instruction (a relocation on the second half of an `ld_imm64` is
        // passed over, as that half is).
        let (mut next, mut next_at) = (0, relocs.first().map_or(usize::MAX, |r| r.insn));
        let mut k = 0;
        while k < piece.cnt {
            // The next instruction with a relocation, a call or an `ld_imm64`.
            let code = &self.to.insns[piece.out_off..piece.out_off + piece.cnt];
            let stop = next_at.saturating_sub(piece.sec_off).clamp(k, code.len());
            k += code[k..stop]
                .iter()
                .position(|i| i.code == crate::insn::CALL || i.is_ld_imm64())
                .unwrap_or(stop - k);
            let Some(&insn) = code.get(k) else { break };
            let sec_idx = piece.sec_off + k;
            while next < relocs.len() && relocs[next].insn < sec_idx {
                next += 1;
            }
            let reloc = match relocs.get(next) {
                Some(r) if r.insn == sec_idx => {
                    next += 1;
                    Some(r.kind)
                }
                _ => None,
            };
            next_at = relocs.get(next).map_or(usize::MAX, |r| r.insn);
            if reloc.is_some() || insn.is_pseudo_call() || insn.is_pseudo_func() {
                self.visit(piece, k, reloc, insn, name)?;
            }
            k += if insn.is_ld_imm64() { 2 } else { 1 };
        }
        Ok(())
    }

    /// Instruction `k` of `piece` (a call, an `ld_imm64` or a relocated one):
    /// a map or extern reference is listed; a call or callback is pointed at its
    /// subprogram, which is appended (and walked) when first reached.
    fn visit(
        &mut self,
        piece: Piece,
        k: usize,
        reloc: Option<RelocKind>,
        insn: Insn,
        name: &str,
    ) -> Result<(), Error> {
        let obj = self.obj;
        let cs = &obj.code[piece.code];
        let (sec_idx, out_idx) = (piece.sec_off + k, piece.out_off + k);
        let fail = |what: String| link_err(obj, self.main, &cs.name, out_idx, what);
        let (tcode, tinsn) = match reloc {
            Some(RelocKind::Call { sec, insn }) => (sec, insn),
            Some(RelocKind::FuncAddr { sec, insn }) => {
                self.to.insns[out_idx].set_src(crate::uapi::BPF_PSEUDO_FUNC);
                (sec, insn)
            }
            Some(
                kind @ (RelocKind::MapFd { .. }
                | RelocKind::MapValue { .. }
                | RelocKind::Extern { .. }),
            ) => {
                self.to.map_refs.push((out_idx, kind));
                return Ok(());
            }
            None if insn.is_pseudo_call() => {
                let t = sec_idx as i64 + i64::from(insn.imm) + 1;
                if t < 0 || t as usize >= cs.insns.len() {
                    return Err(fail(format!("call target outside section {}", cs.name)));
                }
                (piece.code, t as usize)
            }
            None if insn.is_pseudo_func() => {
                return Err(fail("subprogram address without a relocation".into()));
            }
            None => return Ok(()),
        };
        let tcs = &obj.code[tcode];
        let Some(f) = tcs
            .funcs
            .iter()
            .find(|f| (f.off..f.off + f.cnt).contains(&tinsn))
        else {
            return Err(fail(format!(
                "call to undefined subprogram at {}+{tinsn}",
                tcs.name
            )));
        };
        let start = match self
            .to
            .pieces
            .iter()
            .find(|q| q.code == tcode && q.sec_off == f.off)
        {
            Some(q) => q.out_off,
            None => {
                let j = self.add(tcode, f.off, f.cnt);
                self.to.notes.push(format!(
                    "prog '{}': added {} insns from sub-prog '{}'",
                    self.main, f.cnt, f.name
                ));
                self.walk(j, &f.name)?;
                self.to.pieces[j].out_off
            }
        };
        let new_target = (start + (tinsn - f.off)) as i64;
        let rel = i32::try_from(new_target - (out_idx as i64 + 1))
            .map_err(|_| Error::Inval("program too large"))?;
        self.to.insns[out_idx].imm = rel;
        self.to.notes.push(format!(
            "prog '{name}': insn #{k} relocated, imm {rel} points to subprog '{}' (now at {start} offset)",
            f.name
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::{CodeSection, Few, ProgDef, Reloc};

    /// The first half of an `ld_imm64`, an `exit`, and a map relocation.
    fn ld() -> Insn {
        Insn {
            code: crate::insn::LD_IMM64,
            ..Insn::default()
        }
    }

    fn exit() -> Insn {
        Insn {
            code: crate::uapi::BPF_JMP | crate::uapi::BPF_EXIT,
            ..Insn::default()
        }
    }

    fn map_reloc(insn: usize, map: usize) -> Reloc {
        Reloc {
            insn,
            kind: RelocKind::MapFd { map },
            sym: "m".into(),
        }
    }

    fn one_prog(insns: Vec<Insn>) -> Object {
        let cnt = insns.len();
        Object {
            name: "o".into(),
            path: "o.o".into(),
            license: "GPL".into(),
            kversion: 0,
            maps: Default::default(),
            progs: Few::from(vec![ProgDef {
                name: "main".into(),
                sec_name: "socket".into(),
                code: 0,
                insn_off: 0,
                insn_cnt: cnt,
                prog_type: 0,
                expected_attach_type: 0,
                sec_def: None,
            }]),
            code: Few::from(vec![CodeSection {
                name: "socket".into(),
                shndx: 3,
                insns,
                funcs: Default::default(),
                relocs: Vec::new(),
            }]),
            btf: None,
            btf_ext: None,
            externs: Vec::new(),
        }
    }

    #[test]
    fn a_call_out_of_the_section_is_a_reloc_error_at_its_instruction() {
        let mut call = Insn {
            code: crate::insn::CALL,
            imm: 40,
            ..Insn::default()
        };
        call.set_src(crate::uapi::BPF_PSEUDO_CALL);
        let exit = Insn {
            code: crate::uapi::BPF_JMP | crate::uapi::BPF_EXIT,
            ..Insn::default()
        };
        let obj = one_prog(vec![exit, call, exit]);
        let Err(Error::Reloc(e)) = link(&obj, &obj.progs[0]) else {
            panic!("not a reloc error");
        };
        assert_eq!((e.obj.as_str(), e.prog.as_str()), ("o", "main"));
        assert_eq!((e.sec.as_str(), e.insn), ("socket", 1));
        let e = Error::Reloc(e);
        assert_eq!(e.errno(), crate::error::libbpf_errno::RELOC);
        assert_eq!(
            e.to_string(),
            "prog 'main': insn #1: call target outside section socket: Relocation failed"
        );
    }

    /// main calls a and b, a calls c: libbpf's depth-first layout is main, a,
    /// c, b, with its lines for each append and call fix-up.
    #[test]
    fn subprograms_are_appended_depth_first() {
        use crate::object::{Func, Reloc};
        let exit = Insn {
            code: crate::uapi::BPF_JMP | crate::uapi::BPF_EXIT,
            ..Insn::default()
        };
        let mut call = Insn {
            code: crate::insn::CALL,
            imm: -1,
            ..Insn::default()
        };
        call.set_src(crate::uapi::BPF_PSEUDO_CALL);
        let mut obj = one_prog(vec![call, call, exit]);
        let func = |name: &str, off, cnt| Func {
            name: name.into(),
            off,
            cnt,
            global: true,
        };
        let to = |insn, target: usize, name: &str| Reloc {
            insn,
            kind: RelocKind::Call {
                sec: 1,
                insn: target,
            },
            sym: name.into(),
        };
        obj.code[0].relocs = vec![to(0, 0, "a"), to(1, 3, "b")];
        obj.code.push(CodeSection {
            name: ".text".into(),
            shndx: 2,
            // a: call c; exit. b: exit. c: exit.
            insns: vec![call, exit, exit, exit],
            funcs: Few::from(vec![func("a", 0, 2), func("b", 3, 1), func("c", 2, 1)]),
            relocs: vec![to(0, 2, "c")],
        });
        let l = link(&obj, &obj.progs[0]).unwrap();
        let order: Vec<_> = l.pieces.iter().map(|p| (p.code, p.sec_off)).collect();
        assert_eq!(order, [(0, 0), (1, 0), (1, 2), (1, 3)]);
        // main's calls land on a (3) and b (6); a's call on c (5).
        assert_eq!((l.insns[0].imm, l.insns[1].imm, l.insns[3].imm), (2, 4, 1));
        assert_eq!(
            l.notes,
            [
                "prog 'main': added 2 insns from sub-prog 'a'",
                "prog 'main': added 1 insns from sub-prog 'c'",
                "prog 'a': insn #0 relocated, imm 1 points to subprog 'c' (now at 5 offset)",
                "prog 'main': insn #0 relocated, imm 2 points to subprog 'a' (now at 3 offset)",
                "prog 'main': added 1 insns from sub-prog 'b'",
                "prog 'main': insn #1 relocated, imm 4 points to subprog 'b' (now at 6 offset)",
            ]
        );
    }

    /// The references a plain piece lists at once are the walk's, and a piece
    /// the shortcut cannot vouch for is walked.
    #[test]
    fn a_plain_piece_lists_what_the_walk_would() {
        let (ld, exit) = (ld(), exit());
        let probe = Insn {
            code: crate::insn::CALL,
            imm: crate::uapi::BPF_FUNC_PROBE_READ_KERNEL,
            ..Insn::default()
        };
        let map = map_reloc;
        // Both ways of linking one program.
        let both = |insns: Vec<Insn>, relocs: Vec<Reloc>| {
            let mut obj = one_prog(insns);
            obj.code[0].relocs = relocs;
            let run = |plain: bool| {
                let mut to = Linked::new();
                to.insns = obj.code[0].insns.clone();
                to.pieces.push(Piece {
                    code: 0,
                    sec_off: 0,
                    cnt: to.insns.len(),
                    out_off: 0,
                });
                let mut l = Linker {
                    obj: &obj,
                    main: "main",
                    to: &mut to,
                };
                let listed = plain && l.plain(0);
                if !listed {
                    l.walk(0, "main").unwrap();
                }
                (listed, to.map_refs.to_vec(), to.probe_reads)
            };
            let (listed, refs, probe_reads) = run(true);
            let (_, walked, _) = run(false);
            assert_eq!(refs, walked);
            (listed, refs.len(), probe_reads)
        };
        // Two map loads: listed at once, no probe read.
        let two = vec![ld, Insn::default(), ld, Insn::default(), exit];
        assert_eq!(
            both(two.clone(), vec![map(0, 0), map(2, 1)]),
            (true, 2, false)
        );
        // A probe-read call is noticed.
        let mut with_probe = two.clone();
        with_probe.insert(4, probe);
        assert_eq!(both(with_probe, vec![map(0, 0)]), (true, 1, true));
        // Back-to-back `ld_imm64` opcodes: a relocation on the second half is
        // the walk's to pass over.
        let chained = vec![ld, ld, Insn::default(), exit];
        assert_eq!(both(chained, vec![map(0, 0), map(1, 1)]), (false, 1, true));
        // Two relocations on one instruction: the walk keeps the first.
        assert_eq!(both(two, vec![map(0, 0), map(0, 1)]), (false, 1, true));
    }

    /// A plain program linked after the look ([`plain_prog`], then
    /// [`link_plain_into`]) is what [`link`] makes of it; one that calls is
    /// not vouched for.
    #[test]
    fn a_plain_program_links_later_as_link_would() {
        let (ld, exit) = (ld(), exit());
        let mut call = Insn {
            code: crate::insn::CALL,
            imm: 1,
            ..Insn::default()
        };
        call.set_src(crate::uapi::BPF_PSEUDO_CALL);
        // Three programs in one section: two map loads; a call; one map load.
        let code = vec![ld, Insn::default(), ld, Insn::default(), exit];
        let mut insns = code.clone();
        insns.extend([call, exit, exit]);
        insns.extend([ld, Insn::default(), exit]);
        let mut obj = one_prog(insns);
        let prog = |name: &str, insn_off, insn_cnt| ProgDef {
            name: name.into(),
            insn_off,
            insn_cnt,
            ..obj.progs[0].clone()
        };
        obj.progs = Few::from(vec![prog("a", 0, 5), prog("b", 5, 3), prog("c", 8, 3)]);
        let map = map_reloc;
        obj.code[0].relocs = vec![map(0, 0), map(2, 1), map(8, 2)];
        assert!(plain_prog(&obj, &obj.progs[1]).is_none());
        for i in [0, 2] {
            let plain = plain_prog(&obj, &obj.progs[i]).unwrap();
            let mut later = Linked::new();
            link_plain_into(&obj, &obj.progs[i], plain, &mut later);
            let now = link(&obj, &obj.progs[i]).unwrap();
            assert_eq!(later.insns, now.insns);
            assert_eq!(later.map_refs.to_vec(), now.map_refs.to_vec());
            assert_eq!(later.pieces.to_vec(), now.pieces.to_vec());
            assert_eq!(later.probe_reads, now.probe_reads);
        }
        assert_eq!(
            link(&obj, &obj.progs[2]).unwrap().map_refs.to_vec(),
            [(0, RelocKind::MapFd { map: 2 })]
        );
    }
}
