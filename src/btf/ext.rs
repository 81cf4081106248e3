//! `.BTF.ext`: func_info, line_info and CO-RE relocation records, grouped per ELF
//! code section (spec `btf-core.md` §3.1).
//!
//! Records are kept exactly as in the ELF (byte `insn_off`, the file's `rec_size`);
//! turning them into per-program arrays with instruction indexes (§3.2) is the
//! loader's job.

use super::types::rd32;
use super::{format_err, Btf, BTF_MAGIC};
use crate::error::Error;
use std::fmt;

/// Minimum record sizes (§3.1).
const FUNC_INFO_MIN: u32 = 8;
const LINE_INFO_MIN: u32 = 16;
const CORE_RELO_MIN: u32 = 16;

/// One block: the records of one ELF section.
#[derive(Clone, Debug)]
struct Block {
    /// The section name: `BtfExt::names[name.0..name.1]`.
    name: (usize, usize),
    num: u32,
    /// Offset of the first record in `BtfExt::data`.
    start: usize,
    /// Records in non-decreasing `insn_off` order (as clang writes them).
    sorted: bool,
    /// The `insn_off` of the first and of the last record.
    first: u32,
    last: u32,
}

/// One sub-section (func_info, line_info or core_relo): its record size and
/// its blocks, `BtfExt::blocks[blocks.0..blocks.1]`.
#[derive(Clone, Copy, Debug, Default)]
struct Sub {
    rec_size: u32,
    blocks: (usize, usize),
}

/// A parsed `.BTF.ext` section (native endian only). Three heap blocks
/// whatever its size: the section, the blocks of all three sub-sections,
/// and their section names back to back.
#[derive(Clone)]
pub struct BtfExt {
    data: Vec<u8>,
    blocks: Vec<Block>,
    names: String,
    func: Sub,
    line: Sub,
    core: Sub,
}

impl fmt::Debug for BtfExt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = |s: &Sub| self.of(s).iter().map(|b| b.num as usize).sum::<usize>();
        f.debug_struct("BtfExt")
            .field("len", &self.data.len())
            .field("func_info", &n(&self.func))
            .field("line_info", &n(&self.line))
            .field("core_relo", &n(&self.core))
            .finish()
    }
}

/// The records of one ELF section in one sub-section.
#[derive(Clone, Copy, Debug)]
pub struct InfoBlock<'a> {
    sec: &'a str,
    rec_size: u32,
    sorted: bool,
    /// The `insn_off` of the first and of the last record.
    first: u32,
    last: u32,
    /// Whole records (`num_info × rec_size` bytes).
    data: &'a [u8],
}

impl<'a> InfoBlock<'a> {
    /// The ELF section name (from the `.BTF` strings).
    pub fn sec(&self) -> &'a str {
        self.sec
    }

    /// Record size as found in the file (≥ the known size, a multiple of 4).
    pub fn rec_size(&self) -> u32 {
        self.rec_size
    }

    /// `num_info × rec_size` bytes of records, as in the ELF.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Number of records (`num_info`, > 0).
    pub fn len(&self) -> usize {
        self.data.len() / self.rec_size.max(1) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The raw bytes of record `i`.
    pub fn record(&self, i: usize) -> Option<&'a [u8]> {
        let sz = self.rec_size as usize;
        let start = i.checked_mul(sz)?;
        self.data.get(start..start.checked_add(sz)?)
    }

    /// All records, raw.
    pub fn records(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.data.chunks_exact(self.rec_size.max(1) as usize)
    }

    /// The records whose `insn_off` (bytes) lies in `[lo, hi)`, in file order:
    /// a binary search when the block is sorted (the usual case), a scan if not.
    pub fn records_in(&self, lo: u64, hi: u64) -> impl Iterator<Item = &'a [u8]> + 'a {
        let sz = self.rec_size.max(1) as usize;
        let span = self.sorted_span(lo, hi).unwrap_or(self.data);
        span[..span.len() / sz * sz]
            .chunks_exact(sz)
            .filter(move |r| (lo..hi).contains(&u64::from(rd32(r, 0))))
    }

    /// For a sorted block, the contiguous bytes of the records whose
    /// `insn_off` (bytes) lies in `[lo, hi)`; `None` when the block is unsorted.
    pub fn sorted_span(&self, lo: u64, hi: u64) -> Option<&'a [u8]> {
        if !self.sorted {
            return None;
        }
        // Most often the range covers the whole block (a section of one program).
        if u64::from(self.first) >= lo && u64::from(self.last) < hi {
            return Some(self.data);
        }
        let sz = self.rec_size.max(1) as usize;
        let recs = self.data;
        let n = recs.len() / sz;
        let off = |i: usize| u64::from(rd32(recs, i * sz));
        // The first record at or after `lo`, then the run up to `hi` (the
        // piece's own records, copied next anyway).
        let first = partition_point(n, |i| off(i) < lo);
        let mut last = first;
        while last < n && off(last) < hi {
            last += 1;
        }
        Some(&recs[first * sz..last * sz])
    }

    /// The records read as func_info.
    pub fn func_infos(&self) -> impl Iterator<Item = FuncInfo> + 'a {
        self.records().map(FuncInfo::from_record)
    }

    /// The records read as line_info.
    pub fn line_infos(&self) -> impl Iterator<Item = LineInfo> + 'a {
        self.records().map(LineInfo::from_record)
    }

    /// The records read as CO-RE relocations.
    pub fn core_relos(&self) -> impl Iterator<Item = CoreRelo> + 'a {
        self.records().map(CoreRelo::from_record)
    }
}

/// `struct bpf_func_info` as in the ELF: `insn_off` in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuncInfo {
    pub insn_off: u32,
    pub type_id: u32,
}

impl FuncInfo {
    /// Decodes the first 8 bytes of a record (missing bytes read as 0).
    pub fn from_record(r: &[u8]) -> Self {
        FuncInfo {
            insn_off: rd32(r, 0),
            type_id: rd32(r, 4),
        }
    }
}

/// `struct bpf_line_info` as in the ELF: `insn_off` in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineInfo {
    pub insn_off: u32,
    pub file_name_off: u32,
    pub line_off: u32,
    pub line_col: u32,
}

impl LineInfo {
    pub fn from_record(r: &[u8]) -> Self {
        LineInfo {
            insn_off: rd32(r, 0),
            file_name_off: rd32(r, 4),
            line_off: rd32(r, 8),
            line_col: rd32(r, 12),
        }
    }

    /// `line_col >> 10`.
    pub fn line(&self) -> u32 {
        self.line_col >> 10
    }

    /// `line_col & 0x3ff`.
    pub fn col(&self) -> u32 {
        self.line_col & 0x3ff
    }
}

/// `struct bpf_core_relo`: `insn_off` in bytes, `kind` a `BPF_CORE_*` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoreRelo {
    pub insn_off: u32,
    pub type_id: u32,
    pub access_str_off: u32,
    pub kind: u32,
}

impl CoreRelo {
    pub fn from_record(r: &[u8]) -> Self {
        CoreRelo {
            insn_off: rd32(r, 0),
            type_id: rd32(r, 4),
            access_str_off: rd32(r, 8),
            kind: rd32(r, 12),
        }
    }
}

/// The first `i` in `0..n` for which `pred(i)` is false (`pred` is true on a
/// prefix of `0..n`).
fn partition_point(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

impl BtfExt {
    /// Parses `.BTF.ext` with libbpf's checks (§3.1); block section names are
    /// looked up in `btf`'s strings. Opposite-endian data, other versions and
    /// non-zero flags are `Unsupported` (libbpf 1.1: `-ENOTSUP`).
    pub fn parse(data: &[u8], btf: &Btf) -> Result<BtfExt, Error> {
        BtfExt::parse_with(data, Some(btf))
    }

    /// `btf_ext__new`: parses without a BTF (block section names are left empty),
    /// with libbpf 1.1.2's error codes: `EINVAL` for malformed data, `ENOTSUP` for
    /// other byte orders, versions or flags.
    pub fn parse_standalone(data: &[u8]) -> Result<BtfExt, Error> {
        if data.len() < 8 {
            return Err(Error::BadBtf("BTF.ext header not found"));
        }
        let magic = u16::from_ne_bytes([data[0], data[1]]);
        if magic == BTF_MAGIC.swap_bytes() || (magic == BTF_MAGIC && (data[2] != 1 || data[3] != 0))
        {
            return Err(Error::UnsupportedInput("unsupported BTF.ext"));
        }
        BtfExt::parse_with(data, None).map_err(|e| match e {
            Error::Libbpf(..) => Error::BadBtf("malformed BTF.ext"),
            e => e,
        })
    }

    fn parse_with(data: &[u8], btf: Option<&Btf>) -> Result<BtfExt, Error> {
        if data.len() < 8 {
            return Err(format_err("BTF.ext header not found".to_string()));
        }
        let magic = u16::from_ne_bytes([data[0], data[1]]);
        if magic == BTF_MAGIC.swap_bytes() {
            return Err(Error::Unsupported(
                "BTF.ext in non-native byte order is not supported",
            ));
        }
        if magic != BTF_MAGIC {
            return Err(format_err(format!("invalid BTF.ext magic {magic:#06x}")));
        }
        let hdr_len = rd32(data, 4) as usize;
        if data.len() < hdr_len {
            return Err(format_err(format!(
                "BTF.ext header len {hdr_len} larger than data size {}",
                data.len()
            )));
        }
        if data[2] != 1 {
            return Err(Error::Unsupported("BTF.ext version other than 1"));
        }
        if data[3] != 0 {
            return Err(Error::Unsupported("BTF.ext flags other than 0"));
        }
        if data.len() == hdr_len {
            return Err(format_err("BTF.ext has no data".to_string()));
        }
        if hdr_len < 24 {
            return Err(format_err(format!(
                "BTF.ext header len {hdr_len} smaller than 24"
            )));
        }
        let mut ext = BtfExt {
            data: data.to_vec(),
            blocks: Vec::new(),
            names: String::new(),
            func: Sub::default(),
            line: Sub::default(),
            core: Sub::default(),
        };
        let mut sub = |at: usize, min: u32, what: &str| {
            let (off, len) = (rd32(data, at), rd32(data, at + 4));
            ext.parse_sub(hdr_len, off, len, min, what, btf)
        };
        let func = sub(8, FUNC_INFO_MIN, "func_info")?;
        let line = sub(16, LINE_INFO_MIN, "line_info")?;
        // The core_relo fields exist only in 32-byte headers (clang ≥ 10).
        let core = if hdr_len >= 32 {
            sub(24, CORE_RELO_MIN, "core_relo")?
        } else {
            Sub::default()
        };
        (ext.func, ext.line, ext.core) = (func, line, core);
        Ok(ext)
    }

    /// The blocks of `sub`.
    fn of(&self, sub: &Sub) -> &[Block] {
        &self.blocks[sub.blocks.0..sub.blocks.1]
    }

    fn find<'a>(&'a self, sub: &Sub, sec: &str) -> Option<InfoBlock<'a>> {
        self.of(sub)
            .iter()
            .find(|b| self.names.as_bytes().get(b.name.0..b.name.1) == Some(sec.as_bytes()))
            .and_then(|b| self.block(sub, b))
    }

    fn block<'a>(&'a self, sub: &Sub, b: &Block) -> Option<InfoBlock<'a>> {
        let len = b.num as usize * sub.rec_size as usize;
        Some(InfoBlock {
            sec: self.names.get(b.name.0..b.name.1)?,
            rec_size: sub.rec_size,
            sorted: b.sorted,
            first: b.first,
            last: b.last,
            data: self.data.get(b.start..b.start.checked_add(len)?)?,
        })
    }

    fn all<'a>(&'a self, sub: &'a Sub) -> impl Iterator<Item = InfoBlock<'a>> + 'a {
        self.of(sub).iter().filter_map(move |b| self.block(sub, b))
    }

    /// func_info records of ELF section `sec` (the first block of that name).
    pub fn func_info(&self, sec: &str) -> Option<InfoBlock<'_>> {
        self.find(&self.func, sec)
    }

    /// line_info records of ELF section `sec`.
    pub fn line_info(&self, sec: &str) -> Option<InfoBlock<'_>> {
        self.find(&self.line, sec)
    }

    /// [`BtfExt::func_info`] and [`BtfExt::line_info`] of `sec`, its name
    /// compared once.
    pub fn func_and_line_info(&self, sec: &str) -> (Option<InfoBlock<'_>>, Option<InfoBlock<'_>>) {
        let names = self.names.as_bytes();
        let named = |b: &Block| names.get(b.name.0..b.name.1) == Some(sec.as_bytes());
        let (funcs, lines) = (self.of(&self.func), self.of(&self.line));
        let at = funcs.iter().position(named);
        // Each name is kept once: the blocks of `sec` share its range. clang
        // writes both kinds in the same section order, so the line_info block
        // is most often the one at the func_info block's place.
        let line = match at {
            Some(k) => {
                let name = funcs[k].name;
                match lines.get(k) {
                    Some(l) if l.name == name => Some(l),
                    _ => lines.iter().find(|l| l.name == name),
                }
            }
            None => lines.iter().find(|l| named(l)),
        };
        (
            at.and_then(|k| self.block(&self.func, &funcs[k])),
            line.and_then(|b| self.block(&self.line, b)),
        )
    }

    /// CO-RE relocation records of ELF section `sec`.
    pub fn core_relos(&self, sec: &str) -> Option<InfoBlock<'_>> {
        self.find(&self.core, sec)
    }

    /// Every func_info block, in file order.
    pub fn func_info_blocks(&self) -> impl Iterator<Item = InfoBlock<'_>> + '_ {
        self.all(&self.func)
    }

    pub fn line_info_blocks(&self) -> impl Iterator<Item = InfoBlock<'_>> + '_ {
        self.all(&self.line)
    }

    pub fn core_relo_blocks(&self) -> impl Iterator<Item = InfoBlock<'_>> + '_ {
        self.all(&self.core)
    }

    /// True if any CO-RE relocation record is present.
    pub fn has_core_relos(&self) -> bool {
        !self.of(&self.core).is_empty()
    }

    /// Record sizes as found in the file (0 for an absent sub-section).
    pub fn func_info_rec_size(&self) -> u32 {
        self.func.rec_size
    }

    pub fn line_info_rec_size(&self) -> u32 {
        self.line.rec_size
    }

    pub fn core_relo_rec_size(&self) -> u32 {
        self.core.rec_size
    }

    /// The section as parsed (`btf_ext__raw_data`).
    pub fn raw_data(&self) -> &[u8] {
        &self.data
    }

    /// The section, for rewriting type IDs and string offsets in place.
    pub(super) fn raw_data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// Byte offsets in the section of every string offset it holds, in
    /// libbpf's order (`btf_ext_visit_str_offs`): func_info section names;
    /// line_info section names, each followed by its records' file and line
    /// strings; core_relo section names, each followed by its records' access
    /// strings.
    pub(super) fn str_off_slots(&self) -> Vec<usize> {
        let mut v = Vec::new();
        v.extend(self.of(&self.func).iter().map(|b| b.start - 8));
        for (sub, at) in [(&self.line, &[4usize, 8][..]), (&self.core, &[8][..])] {
            for b in self.of(sub) {
                v.push(b.start - 8);
                for i in 0..b.num as usize {
                    let rec = b.start + i * sub.rec_size as usize;
                    v.extend(at.iter().map(|a| rec + a));
                }
            }
        }
        v
    }

    /// Byte offsets in the section of every type ID it holds (func_info and
    /// core_relo records), in libbpf's order (`btf_ext_visit_type_ids`).
    pub(super) fn type_id_slots(&self) -> Vec<usize> {
        let mut v = Vec::new();
        for sub in [&self.func, &self.core] {
            for b in self.of(sub) {
                v.extend((0..b.num as usize).map(|i| b.start + i * sub.rec_size as usize + 4));
            }
        }
        v
    }
}

impl BtfExt {
    /// Parses one sub-section (`off`/`len` from the header, relative to its
    /// end) of `self.data`, adding its blocks and their names.
    fn parse_sub(
        &mut self,
        hdr_len: usize,
        off: u32,
        len: u32,
        min_rec: u32,
        what: &str,
        btf: Option<&Btf>,
    ) -> Result<Sub, Error> {
        let data = &self.data[..];
        if len == 0 {
            return Ok(Sub::default());
        }
        if off % 4 != 0 {
            return Err(format_err(format!(
                ".BTF.ext {what} section is not aligned to 4 bytes"
            )));
        }
        let start = hdr_len as u64 + u64::from(off);
        let end = start + u64::from(len);
        if end > data.len() as u64 {
            return Err(format_err(format!(
                ".BTF.ext {what} section (off {off}, len {len}) is beyond the end of .BTF.ext"
            )));
        }
        // Both bounds are ≤ data.len(), so they fit in usize.
        let (start, end) = (start as usize, end as usize);
        let info = &data[start..end];
        if info.len() < 4 {
            return Err(format_err(format!(".BTF.ext {what} record size not found")));
        }
        let rec_size = rd32(info, 0);
        if rec_size < min_rec || rec_size % 4 != 0 {
            return Err(format_err(format!(
                ".BTF.ext {what} section has invalid record size {rec_size}"
            )));
        }
        let mut pos = start + 4;
        if pos == end {
            return Err(format_err(format!(
                ".BTF.ext {what} section has no records"
            )));
        }
        let first = self.blocks.len();
        while pos < end {
            let left = (end - pos) as u64;
            if left < 8 {
                return Err(format_err(format!(
                    ".BTF.ext {what} block header is truncated"
                )));
            }
            let name_off = rd32(data, pos);
            let num = rd32(data, pos + 4);
            let total = 8 + u64::from(num) * u64::from(rec_size);
            if num == 0 || total > left {
                return Err(format_err(format!(
                    ".BTF.ext {what} block has incorrect num_info {num}"
                )));
            }
            let sec = match btf {
                Some(btf) => btf.name_at(name_off).ok_or_else(|| {
                    format_err(format!(
                        ".BTF.ext {what} block has invalid section name offset {name_off}"
                    ))
                })?,
                None => "",
            };
            let recs = &data[pos + 8..pos + total as usize];
            let mut offs = recs.chunks_exact(rec_size as usize).map(|r| rd32(r, 0));
            let (first, last) = (rd32(recs, 0), rd32(recs, recs.len() - rec_size as usize));
            let sorted = offs
                .try_fold(0, |prev, off| (off >= prev).then_some(off))
                .is_some();
            // func_info, line_info and core_relo blocks mostly name the same
            // sections: each name is kept once.
            let seen = self.blocks.iter().map(|b| b.name);
            let names = self.names.as_bytes();
            let name = match seen
                .into_iter()
                .find(|n| names.get(n.0..n.1) == Some(sec.as_bytes()))
            {
                Some(n) => n,
                None => {
                    self.names.push_str(sec);
                    (self.names.len() - sec.len(), self.names.len())
                }
            };
            self.blocks.push(Block {
                name,
                num,
                start: pos + 8,
                sorted,
                first,
                last,
            });
            pos += total as usize;
        }
        Ok(Sub {
            rec_size,
            blocks: (first, self.blocks.len()),
        })
    }
}
