//! `.BTF.ext` func_info/line_info merged into one linked program's arrays
//! (`btf-core.md` §3.2): for each piece of the program (main code, then appended
//! subprograms), the records whose instruction lies in the piece, with `insn_off`
//! rewritten from a section byte offset to an instruction index in the program.

use crate::btf::{BtfExt, InfoBlock};
use crate::object::calls::{Linked, Piece};
use crate::object::inline::Inline;
use crate::object::Object;

/// func_info and line_info for a linked program (either may be absent), in one
/// buffer: the func_info records, then the line_info records.
#[derive(Debug)]
pub struct ProgExt {
    /// Inline for a program of a few functions and lines. The loader fills
    /// the same one for every program in turn ([`for_program_in`]).
    buf: Inline<u8, 256>,
    func_info: Option<Part>,
    line_info: Option<Part>,
}

impl Default for ProgExt {
    fn default() -> Self {
        ProgExt {
            buf: Inline::new(0),
            func_info: None,
            line_info: None,
        }
    }
}

/// One kind's records in [`ProgExt::buf`]: `cnt` records of `rec_size` bytes
/// from byte `start`.
#[derive(Debug, Clone, Copy)]
struct Part {
    rec_size: u32,
    cnt: u32,
    start: usize,
}

impl ProgExt {
    /// No records of either kind.
    pub fn clear(&mut self) {
        self.buf.clear();
        (self.func_info, self.line_info) = (None, None);
    }

    /// `(rec_size, count, bytes)` of the func_info records.
    pub fn func_info(&self) -> Option<(u32, u32, &[u8])> {
        self.part(self.func_info)
    }

    /// `(rec_size, count, bytes)` of the line_info records.
    pub fn line_info(&self) -> Option<(u32, u32, &[u8])> {
        self.part(self.line_info)
    }

    fn part(&self, p: Option<Part>) -> Option<(u32, u32, &[u8])> {
        let p = p?;
        let len = p.cnt as usize * p.rec_size as usize;
        Some((p.rec_size, p.cnt, self.buf.get(p.start..p.start + len)?))
    }
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

/// Rewrites the `insn_off` of `recs` (records of `rec_size` bytes copied from
/// `piece`'s section) from a byte offset in the section to an instruction
/// index in the linked program.
fn to_insn_index(recs: &mut [u8], rec_size: u32, piece: &Piece) {
    let shift = piece.out_off as i64 - piece.sec_off as i64;
    for r in recs.chunks_exact_mut(rec_size as usize) {
        let at = i64::from(rec_insn(r) / 8) + shift;
        r[..4].copy_from_slice(&(at as u32).to_le_bytes());
    }
}

/// One piece's records of one kind.
#[derive(Clone, Copy)]
enum Span<'a> {
    /// The piece has none (or its section no block).
    Missing,
    /// A run of a sorted block.
    Run(&'a [u8]),
    /// An unsorted block, whose records with `insn_off` in `[lo, hi)` belong.
    Scan(InfoBlock<'a>, u64, u64),
}

impl<'a> Span<'a> {
    /// The records of `block(section)` that lie in `piece`.
    fn of(obj: &Object, block: &impl Fn(&str) -> Option<InfoBlock<'a>>, piece: &Piece) -> Self {
        Span::in_block(block(&obj.code[piece.code].name), piece)
    }

    /// The records of `b` (the block of the piece's section) that lie in `piece`.
    fn in_block(b: Option<InfoBlock<'a>>, piece: &Piece) -> Self {
        let Some(b) = b else {
            return Span::Missing;
        };
        let (lo, hi) = (
            piece.sec_off as u64 * 8,
            (piece.sec_off + piece.cnt) as u64 * 8,
        );
        match b.sorted_span(lo, hi) {
            Some([]) => Span::Missing,
            Some(run) => Span::Run(run),
            None if b.records_in(lo, hi).next().is_none() => Span::Missing,
            None => Span::Scan(b, lo, hi),
        }
    }

    fn len(&self) -> usize {
        match self {
            Span::Missing => 0,
            Span::Run(run) => run.len(),
            Span::Scan(b, lo, hi) => b.records_in(*lo, *hi).map(<[u8]>::len).sum(),
        }
    }

    fn append_to(&self, out: &mut Inline<u8, 256>) {
        match self {
            Span::Missing => {}
            // A sorted block: the piece's records are copied at once.
            Span::Run(run) => out.extend_from_slice(run),
            Span::Scan(b, lo, hi) => b
                .records_in(*lo, *hi)
                .for_each(|r| out.extend_from_slice(r)),
        }
    }
}

/// Appends one kind's records of every piece to `out` (`main`: the main
/// piece's, found already), `insn_off` turned from a section byte offset into
/// an instruction index in the linked program. A piece without records drops
/// the kind, with libbpf's warning.
fn merge_into<'a>(
    out: &mut Inline<u8, 256>,
    obj: &Object,
    linked: &Linked,
    (block, main): (&impl Fn(&str) -> Option<InfoBlock<'a>>, Span<'a>),
    rec_size: u32,
    (what, prog): (&str, &str),
) -> Option<Part> {
    let start = out.len();
    for (n, piece) in linked.pieces.iter().enumerate() {
        let span = if n == 0 {
            main
        } else {
            Span::of(obj, block, piece)
        };
        if let Span::Missing = span {
            if n == 0 {
                crate::log::warn(format_args!(
                    "prog '{prog}': missing .BTF.ext {what} for the main program, skipping all of .BTF.ext {what}"
                ));
            } else {
                crate::log::warn(format_args!(
                    "prog '{prog}': missing .BTF.ext {what} for a subprogram in '{}'; skipped",
                    obj.code[piece.code].name
                ));
            }
            out.truncate(start);
            return None;
        }
        let from = out.len();
        span.append_to(out);
        // `insn_off` (bytes from the section start) → index in the program.
        to_insn_index(&mut out[from..], rec_size, piece);
    }
    let cnt = ((out.len() - start) / rec_size as usize) as u32;
    Some(Part {
        rec_size,
        cnt,
        start,
    })
}

/// [`for_program`] of a program of one piece (most are) whose section has
/// both kinds of records, sorted: each kind is one run, copied and rewritten
/// at once. `None` when the program is not that simple (the general merge
/// then decides, with its warnings).
fn one_piece(
    linked: &Linked,
    (func, line): (Option<InfoBlock<'_>>, Option<InfoBlock<'_>>),
    buf: &mut Inline<u8, 256>,
) -> Option<(Part, Part)> {
    let [piece] = &linked.pieces[..] else {
        return None;
    };
    let (lo, hi) = (
        piece.sec_off as u64 * 8,
        (piece.sec_off + piece.cnt) as u64 * 8,
    );
    let (func, line) = (func?, line?);
    let (f, l) = (func.sorted_span(lo, hi)?, line.sorted_span(lo, hi)?);
    if f.is_empty() || l.is_empty() {
        return None;
    }
    let (fs, ls) = (func.rec_size(), line.rec_size());
    buf.reserve(f.len() + l.len());
    buf.extend_from_slice(f);
    buf.extend_from_slice(l);
    let (fb, lb) = buf.split_at_mut(f.len());
    to_insn_index(fb, fs, piece);
    to_insn_index(lb, ls, piece);
    let part = |rec_size: u32, start: usize, len: usize| Part {
        rec_size,
        cnt: (len / rec_size as usize) as u32,
        start,
    };
    Some((part(fs, 0, f.len()), part(ls, f.len(), l.len())))
}

/// The merged func_info and line_info of one linked program, in one buffer
/// (sized for the main piece, which is most often the whole program).
pub fn for_program(obj: &Object, ext: &BtfExt, prog: &str, linked: &Linked) -> ProgExt {
    let mut out = ProgExt::default();
    for_program_in(obj, ext, prog, linked, &mut out);
    out
}

/// [`for_program`] into `out`, whatever an earlier program left there.
pub fn for_program_in(obj: &Object, ext: &BtfExt, prog: &str, linked: &Linked, out: &mut ProgExt) {
    let func = |s: &str| ext.func_info(s);
    let line = |s: &str| ext.line_info(s);
    out.clear();
    let buf = &mut out.buf;
    let Some(main) = linked.pieces.first() else {
        return;
    };
    let (func_block, line_block) = ext.func_and_line_info(&obj.code[main.code].name);
    if let Some((f, l)) = one_piece(linked, (func_block, line_block), buf) {
        (out.func_info, out.line_info) = (Some(f), Some(l));
        return;
    }
    let func_main = Span::in_block(func_block, main);
    let line_main = Span::in_block(line_block, main);
    buf.reserve(func_main.len() + line_main.len());
    out.func_info = merge_into(
        buf,
        obj,
        linked,
        (&func, func_main),
        ext.func_info_rec_size(),
        ("func_info", prog),
    );
    out.line_info = merge_into(
        buf,
        obj,
        linked,
        (&line, line_main),
        ext.line_info_rec_size(),
        ("line_info", prog),
    );
}
