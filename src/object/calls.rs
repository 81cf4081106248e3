//! BPF-to-BPF linking of one program, with no kernel calls: the program's code,
//! then every subprogram it reaches (depth-first order of discovery, each once),
//! with call and callback offsets rewritten; map references are listed at their
//! final instruction index for the loader to patch with fds.

use super::{Object, RelocKind};
use crate::error::{Error, RelocError};
use crate::insn::Insn;

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
    pub map_refs: Vec<(usize, RelocKind)>,
    pub pieces: Vec<Piece>,
}

/// A link failure at instruction `insn` (of the linked program) in section `sec`.
fn link_err(obj: &Object, prog: &str, sec: &str, insn: usize, what: String) -> Error {
    Error::Reloc(Box::new(RelocError {
        obj: obj.name.clone(),
        prog: prog.to_string(),
        sec: sec.to_string(),
        insn,
        what,
    }))
}

/// Links program `prog` of `obj`.
pub fn link(obj: &Object, prog: usize) -> Result<Linked, Error> {
    let p = obj.progs.get(prog).ok_or(Error::Inval("no such program"))?;
    let mut out: Vec<Insn> = Vec::new();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut map_refs = Vec::new();

    let add = |code: usize,
               sec_off: usize,
               cnt: usize,
               out: &mut Vec<Insn>,
               pieces: &mut Vec<Piece>|
     -> usize {
        let out_off = out.len();
        out.extend_from_slice(&obj.code[code].insns[sec_off..sec_off + cnt]);
        pieces.push(Piece {
            code,
            sec_off,
            cnt,
            out_off,
        });
        out_off
    };
    add(p.code, p.insn_off, p.insn_cnt, &mut out, &mut pieces);

    let mut i = 0;
    while i < pieces.len() {
        let piece = pieces[i];
        let cs = &obj.code[piece.code];
        // The relocations inside the piece: searched per instruction below.
        let first = cs.relocs.partition_point(|r| r.insn < piece.sec_off);
        let last =
            first + cs.relocs[first..].partition_point(|r| r.insn < piece.sec_off + piece.cnt);
        let relocs = &cs.relocs[first..last];
        let mut k = 0;
        while k < piece.cnt {
            let sec_idx = piece.sec_off + k;
            let out_idx = piece.out_off + k;
            let reloc = relocs
                .binary_search_by_key(&sec_idx, |r| r.insn)
                .ok()
                .map(|j| &relocs[j]);
            let insn = out[out_idx];
            let fail = |what: String| link_err(obj, &p.name, &cs.name, out_idx, what);
            let target = match (reloc.map(|r| r.kind), insn) {
                (Some(RelocKind::Call { sec, insn }), _) => Some((sec, insn)),
                (Some(RelocKind::FuncAddr { sec, insn }), _) => Some((sec, insn)),
                (
                    Some(
                        kind @ (RelocKind::MapFd { .. }
                        | RelocKind::MapValue { .. }
                        | RelocKind::Extern { .. }),
                    ),
                    _,
                ) => {
                    map_refs.push((out_idx, kind));
                    None
                }
                (None, i) if i.is_pseudo_call() => {
                    let t = sec_idx as i64 + i64::from(i.imm) + 1;
                    if t < 0 || t as usize >= cs.insns.len() {
                        return Err(fail(format!("call target outside section {}", cs.name)));
                    }
                    Some((piece.code, t as usize))
                }
                (None, i) if i.is_pseudo_func() => {
                    return Err(fail("subprogram address without a relocation".into()));
                }
                _ => None,
            };
            if let Some(RelocKind::FuncAddr { .. }) = reloc.map(|r| r.kind) {
                out[out_idx].set_src(crate::uapi::BPF_PSEUDO_FUNC);
            }
            if let Some((tcode, tinsn)) = target {
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
                let start = match pieces
                    .iter()
                    .find(|q| q.code == tcode && q.sec_off == f.off)
                {
                    Some(q) => q.out_off,
                    None => add(tcode, f.off, f.cnt, &mut out, &mut pieces),
                };
                let new_target = (start + (tinsn - f.off)) as i64;
                let rel = new_target - (out_idx as i64 + 1);
                out[out_idx].imm =
                    i32::try_from(rel).map_err(|_| Error::Inval("program too large"))?;
            }
            k += if insn.is_ld_imm64() { 2 } else { 1 };
        }
        i += 1;
    }
    Ok(Linked {
        insns: out,
        map_refs,
        pieces,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::{CodeSection, ProgDef};

    fn one_prog(insns: Vec<Insn>) -> Object {
        let cnt = insns.len();
        Object {
            name: "o".into(),
            path: "o.o".into(),
            license: "GPL".into(),
            kversion: 0,
            maps: Vec::new(),
            progs: vec![ProgDef {
                name: "main".into(),
                sec_name: "socket".into(),
                code: 0,
                insn_off: 0,
                insn_cnt: cnt,
                prog_type: 0,
                expected_attach_type: 0,
                sec_def: None,
            }],
            code: vec![CodeSection {
                name: "socket".into(),
                shndx: 3,
                insns,
                funcs: Vec::new(),
                relocs: Vec::new(),
            }],
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
        let Err(Error::Reloc(e)) = link(&obj, 0) else {
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
}
