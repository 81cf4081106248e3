//! `.BTF.ext` func_info/line_info merged into one linked program's arrays
//! (`btf-core.md` §3.2): for each piece of the program (main code, then appended
//! subprograms), the records whose instruction lies in the piece, with `insn_off`
//! rewritten from a section byte offset to an instruction index in the program.

use crate::btf::{BtfExt, InfoBlock};
use crate::object::calls::Linked;
use crate::object::Object;

/// Merged records: `(rec_size, count, bytes)`.
pub type Merged = (u32, u32, Vec<u8>);

/// func_info and line_info for a linked program (either may be absent).
#[derive(Debug, Default)]
pub struct ProgExt {
    pub func_info: Option<Merged>,
    pub line_info: Option<Merged>,
}

/// True if `sec` has CO-RE relocation records for instructions in
/// `[insn_off, insn_off + cnt)`.
pub fn has_core_relos(ext: &BtfExt, sec: &str, insn_off: usize, cnt: usize) -> bool {
    ext.core_relos(sec).is_some_and(|b| {
        b.records().any(|r| {
            let at = rec_insn(r) as usize / 8;
            (insn_off..insn_off + cnt).contains(&at)
        })
    })
}

fn rec_insn(r: &[u8]) -> u32 {
    r.get(..4)
        .map_or(u32::MAX, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn merge<'a>(
    obj: &Object,
    linked: &Linked,
    block: impl Fn(&str) -> Option<InfoBlock<'a>>,
    what: &str,
    prog: &str,
) -> Option<Merged> {
    let mut out = Vec::new();
    let mut rec_size = 0u32;
    let mut cnt = 0u32;
    for (n, piece) in linked.pieces.iter().enumerate() {
        let sec = &obj.code[piece.code].name;
        let mut found = false;
        if let Some(b) = block(sec) {
            if rec_size != 0 && rec_size != b.rec_size() {
                crate::log::warn(format_args!(
                    "prog '{prog}': inconsistent .BTF.ext {what} record sizes; skipped"
                ));
                return None;
            }
            rec_size = b.rec_size();
            let (lo, hi) = (
                piece.sec_off as u64 * 8,
                (piece.sec_off + piece.cnt) as u64 * 8,
            );
            let start = out.len();
            match b.sorted_span(lo, hi) {
                // A sorted block: the piece's records are one run, copied at once.
                Some(span) => out.extend_from_slice(span),
                None => b.records_in(lo, hi).for_each(|r| out.extend_from_slice(r)),
            }
            let sz = rec_size.max(1) as usize;
            for r in out[start..].chunks_exact_mut(sz) {
                let at = (rec_insn(r) / 8) as usize;
                let new_off = (at - piece.sec_off + piece.out_off) as u32;
                r[..4].copy_from_slice(&new_off.to_le_bytes());
                cnt += 1;
                found = true;
            }
        }
        if !found {
            if n == 0 {
                crate::log::warn(format_args!(
                    "prog '{prog}': missing .BTF.ext {what} for the main program, skipping all of .BTF.ext {what}"
                ));
            } else {
                crate::log::warn(format_args!(
                    "prog '{prog}': missing .BTF.ext {what} for a subprogram in '{sec}'; skipped"
                ));
            }
            return None;
        }
    }
    (cnt > 0).then_some((rec_size, cnt, out))
}

/// The merged func_info and line_info of one linked program.
pub fn for_program(obj: &Object, ext: &BtfExt, prog: &str, linked: &Linked) -> ProgExt {
    ProgExt {
        func_info: merge(obj, linked, |s| ext.func_info(s), "func_info", prog),
        line_info: merge(obj, linked, |s| ext.line_info(s), "line_info", prog),
    }
}
