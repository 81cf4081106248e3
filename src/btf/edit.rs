//! Mutable, possibly split BTF: the standalone `struct btf` of `bpf/btf.h`.
//!
//! [`BtfEdit`] holds its own type and string sections plus an optional shared,
//! read-only base ([`Arc`]) whose IDs and string offsets come first (split BTF:
//! own IDs start at the base's type count, own string offsets at the base's
//! string-section length). Types and strings can be appended (the `btf__add_*`
//! writer API); strings are deduplicated through a lazily built index, exactly as
//! libbpf's string set does, so the encoded blob matches libbpf's byte for byte.
//!
//! The read-side algorithms (`btf__resolve_size`, `btf__resolve_type`,
//! `btf__align_of`, name lookups) live in [`BtfRead`] and serve both this type and
//! the object-owned [`Btf`]. Errors follow libbpf 1.1.2 (`EINVAL` for malformed
//! input, no reference sanity checks). Nothing here panics on any input.

use super::types::{rd32, wr32, Kind, TYPE_HDR_LEN};
use super::{index_types, Btf, BTF_HDR_LEN, BTF_MAGIC, MAX_RESOLVE_DEPTH, VOID_REC};
use crate::error::Error;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

/// libbpf's `BTF_MAX_STR_OFFSET`.
const MAX_STR_OFFSET: usize = 0x7fff_ffff;
/// libbpf's `BTF_MAX_NR_TYPES`.
const MAX_NR_TYPES: u32 = 0x7fff_ffff;

fn inval(what: &'static str) -> Error {
    Error::Errno(libc::EINVAL, what)
}

/// Read access shared by [`Btf`] and [`BtfEdit`], with libbpf's lookups on top.
pub trait BtfRead {
    /// Last type ID + 1, base types included.
    fn cnt(&self) -> u32;
    /// The raw record of `id` (12-byte header + trailing data); ID 0 is void.
    fn rec(&self, id: u32) -> Option<&[u8]>;
    /// The bytes from string offset `off` up to (excluding) the next NUL.
    fn str_at(&self, off: u32) -> Option<&[u8]>;
    /// The pointer size `btf__resolve_size` and `btf__align_of` use for PTR.
    fn ptr_sz(&self) -> u32;

    /// `btf__find_by_name_kind` (`kind` `None`: any kind, `btf__find_by_name`).
    fn find_named(&self, name: &[u8], kind: Option<u32>) -> Option<u32> {
        if name == b"void" || kind == Some(0) {
            return Some(0);
        }
        (1..self.cnt()).find(|&id| {
            self.rec(id).is_some_and(|r| {
                kind.is_none_or(|k| rd32(r, 4) >> 24 & 0x1f == k)
                    && self.str_at(rd32(r, 0)) == Some(name)
            })
        })
    }

    /// `btf__resolve_size`.
    fn size_of(&self, id: u32) -> Result<i64, Error> {
        let mut nelems: u32 = 1;
        let mut id = id;
        let mut size: i64 = -1;
        for _ in 0..MAX_RESOLVE_DEPTH {
            let Some(r) = self.rec(id).filter(|_| id != 0) else {
                break;
            };
            let k = rd32(r, 4) >> 24 & 0x1f;
            match Kind::from_raw(k) {
                Some(Kind::Fwd) => break,
                Some(
                    Kind::Int
                    | Kind::Struct
                    | Kind::Union
                    | Kind::Enum
                    | Kind::Enum64
                    | Kind::Datasec
                    | Kind::Float,
                ) => {
                    size = i64::from(rd32(r, 8));
                    break;
                }
                Some(Kind::Ptr) => {
                    size = i64::from(self.ptr_sz());
                    break;
                }
                Some(
                    Kind::Typedef
                    | Kind::Volatile
                    | Kind::Const
                    | Kind::Restrict
                    | Kind::Var
                    | Kind::DeclTag
                    | Kind::TypeTag,
                ) => id = rd32(r, 8),
                Some(Kind::Array) => {
                    let n = rd32(r, 20);
                    if nelems != 0 && n > u32::MAX / nelems {
                        return Err(Error::Errno(libc::E2BIG, "BTF array size overflows"));
                    }
                    nelems *= n;
                    id = rd32(r, 12);
                }
                _ => return Err(inval("BTF type has no size")),
            }
        }
        if size < 0 {
            return Err(inval("BTF type has no size"));
        }
        if nelems != 0 && size > i64::from(u32::MAX / nelems) {
            return Err(Error::Errno(libc::E2BIG, "BTF type size overflows"));
        }
        Ok(i64::from(nelems) * size)
    }

    /// `btf__resolve_type`: skips modifiers, typedefs and VARs.
    fn resolve(&self, id: u32) -> Result<u32, Error> {
        let mut id = id;
        let mut depth = 0;
        loop {
            let r = match self.rec(id) {
                Some(r) if id != 0 => r,
                _ => return Err(inval("BTF type does not resolve")),
            };
            match Kind::from_raw(rd32(r, 4) >> 24 & 0x1f) {
                Some(Kind::Fwd) => return Err(inval("BTF type does not resolve")),
                Some(
                    Kind::Typedef
                    | Kind::Volatile
                    | Kind::Const
                    | Kind::Restrict
                    | Kind::TypeTag
                    | Kind::Var,
                ) if depth < MAX_RESOLVE_DEPTH => {
                    id = rd32(r, 8);
                    depth += 1;
                }
                _ if depth == MAX_RESOLVE_DEPTH => {
                    return Err(inval("BTF type resolution too deep"))
                }
                _ => return Ok(id),
            }
        }
    }

    /// `btf__align_of`: 0 (EINVAL) for kinds without an alignment.
    fn align(&self, id: u32, depth: u32) -> Result<u32, Error> {
        let r = self
            .rec(id)
            .filter(|_| depth <= MAX_RESOLVE_DEPTH)
            .ok_or(inval("BTF type has no alignment"))?;
        let info = rd32(r, 4);
        match Kind::from_raw(info >> 24 & 0x1f) {
            Some(Kind::Int | Kind::Enum | Kind::Enum64 | Kind::Float) => {
                Ok(self.ptr_sz().min(rd32(r, 8)))
            }
            Some(Kind::Ptr) => Ok(self.ptr_sz()),
            Some(Kind::Typedef | Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag) => {
                self.align(rd32(r, 8), depth + 1)
            }
            Some(Kind::Array) => self.align(rd32(r, 12), depth + 1),
            Some(Kind::Struct | Kind::Union) => {
                let kflag = info >> 31 != 0;
                let mut max_align = 1;
                for i in 0..(info & 0xffff) as usize {
                    let m = TYPE_HDR_LEN + 12 * i;
                    let a = self.align(rd32(r, m + 4), depth + 1)?;
                    if a == 0 {
                        return Ok(0);
                    }
                    max_align = max_align.max(a);
                    let off = rd32(r, m + 8);
                    let bitfield = kflag && off >> 24 != 0;
                    if !bitfield && off % (8 * a) != 0 {
                        return Ok(1);
                    }
                }
                if rd32(r, 8) % max_align != 0 {
                    return Ok(1);
                }
                Ok(max_align)
            }
            _ => {
                crate::log::warn(format_args!("unsupported BTF_KIND:{}", info >> 24 & 0x1f));
                Err(inval("BTF type has no alignment"))
            }
        }
    }
}

impl BtfRead for Btf {
    fn cnt(&self) -> u32 {
        self.type_cnt()
    }
    fn rec(&self, id: u32) -> Option<&[u8]> {
        self.ty(id).map(|t| t.raw())
    }
    fn str_at(&self, off: u32) -> Option<&[u8]> {
        self.name_bytes_at(off)
    }
    fn ptr_sz(&self) -> u32 {
        super::PTR_SIZE
    }
}

/// Bytes that a record starting at `r` needs (`btf_type_size`), `None` for an
/// unknown kind or a short buffer.
pub fn record_len(r: &[u8]) -> Option<usize> {
    if r.len() < TYPE_HDR_LEN {
        return None;
    }
    let info = rd32(r, 4);
    match Kind::from_raw(info >> 24 & 0x1f) {
        Some(k) if k != Kind::Void => Some(TYPE_HDR_LEN + k.trailing_len(info & 0xffff)),
        _ => None,
    }
}

/// Word indexes (in 4-byte units) of the string offsets of a record, in libbpf's
/// visiting order (`btf_type_visit_str_offs`).
fn str_slots(rec: &[u8]) -> Vec<usize> {
    let info = rd32(rec, 4);
    let vlen = (info & 0xffff) as usize;
    let mut v = vec![0];
    let (first, step) = match Kind::from_raw(info >> 24 & 0x1f) {
        Some(Kind::Struct | Kind::Union | Kind::Enum64) => (3, 3),
        Some(Kind::Enum | Kind::FuncProto) => (3, 2),
        _ => return v,
    };
    v.extend((0..vlen).map(|i| first + i * step));
    v
}

/// Word indexes of the type IDs a record references (`btf_type_visit_type_ids`).
fn type_slots(rec: &[u8]) -> Vec<usize> {
    let info = rd32(rec, 4);
    let vlen = (info & 0xffff) as usize;
    match Kind::from_raw(info >> 24 & 0x1f) {
        Some(
            Kind::Ptr
            | Kind::Typedef
            | Kind::Volatile
            | Kind::Const
            | Kind::Restrict
            | Kind::Var
            | Kind::DeclTag
            | Kind::TypeTag
            | Kind::Func,
        ) => vec![2],
        Some(Kind::Array) => vec![3, 4],
        Some(Kind::Struct | Kind::Union) => (0..vlen).map(|i| 4 + 3 * i).collect(),
        Some(Kind::FuncProto) => std::iter::once(2)
            .chain((0..vlen).map(|i| 4 + 2 * i))
            .collect(),
        Some(Kind::Datasec) => (0..vlen).map(|i| 3 + 3 * i).collect(),
        _ => Vec::new(),
    }
}

/// Swaps every 4-byte word of `b` in place (a BTF type section is all words).
fn swap_words(b: &mut [u8]) {
    for w in b.chunks_exact_mut(4) {
        w.reverse();
    }
}

/// libbpf's lazily cached pointer size (atomic so that shared bases stay `Sync`).
struct PtrSize(AtomicI32);

impl PtrSize {
    fn get(&self) -> i32 {
        self.0.load(Ordering::Relaxed)
    }
    fn set(&self, v: i32) {
        self.0.store(v, Ordering::Relaxed)
    }
}

impl Clone for PtrSize {
    fn clone(&self) -> Self {
        PtrSize(AtomicI32::new(self.get()))
    }
}

/// A standalone, appendable BTF (see the module docs).
#[derive(Clone)]
pub struct BtfEdit {
    base: Option<Arc<BtfEdit>>,
    start_id: u32,
    start_str: u32,
    types: Vec<u8>,
    /// Own string section (for non-split BTF it starts with the empty string).
    strs: Vec<u8>,
    /// `offs[i]` = offset in `types` of type `start_id + i`.
    offs: Vec<u32>,
    /// Own strings → own offset, built on first use (first occurrence wins).
    str_idx: Option<HashMap<Vec<u8>, u32>>,
    /// 0 unknown, -1 undeterminable, else 4 or 8 (libbpf's lazily cached `ptr_sz`).
    ptr_size: PtrSize,
    /// Encoded in the opposite byte order (`btf__set_endianness`).
    swapped: bool,
    /// The input blob, kept while the BTF is unmodified (`btf__raw_data`).
    orig: Option<Vec<u8>>,
}

impl BtfRead for BtfEdit {
    fn cnt(&self) -> u32 {
        self.start_id + self.offs.len() as u32
    }
    fn rec(&self, id: u32) -> Option<&[u8]> {
        if id == 0 {
            return Some(&VOID_REC);
        }
        if id < self.start_id {
            return self.base.as_ref()?.rec(id);
        }
        let off = *self.offs.get((id - self.start_id) as usize)? as usize;
        let len = record_len(self.types.get(off..)?)?;
        self.types.get(off..off + len)
    }
    fn str_at(&self, off: u32) -> Option<&[u8]> {
        let tail = self.str_tail(off)?;
        let end = tail.iter().position(|&c| c == 0)?;
        Some(&tail[..end])
    }
    fn ptr_sz(&self) -> u32 {
        match self.pointer_size() {
            0 => std::mem::size_of::<usize>() as u32,
            n => n,
        }
    }
}

impl BtfEdit {
    /// `btf__new_empty` / `btf__new_empty_split`.
    pub fn new_empty(base: Option<Arc<BtfEdit>>) -> BtfEdit {
        let (start_id, start_str, strs, swapped) = match &base {
            Some(b) => (b.cnt(), b.strs_end(), Vec::new(), b.swapped),
            None => (1, 0, vec![0], false),
        };
        BtfEdit {
            base,
            start_id,
            start_str,
            types: Vec::new(),
            strs,
            offs: Vec::new(),
            str_idx: None,
            // libbpf's `btf_new_empty` assumes the host's pointer size.
            ptr_size: PtrSize(AtomicI32::new(std::mem::size_of::<usize>() as i32)),
            swapped,
            orig: None,
        }
    }

    /// A copy of an object's parsed BTF.
    pub fn from_btf(b: &Btf) -> BtfEdit {
        let mut e = BtfEdit::new_empty(None);
        e.types = b.types_section().to_vec();
        e.strs = b.strings_section().to_vec();
        e.offs = b.offs.get(1..).unwrap_or_default().to_vec();
        e.ptr_size.set(8);
        e
    }

    /// `btf__new` / `btf__new_split`: parses a blob of either byte order with
    /// libbpf 1.1.2's checks (all failures `EINVAL`, opposite-endian with an
    /// unusual header `ENOTSUP`). The data is copied.
    pub fn parse(data: &[u8], base: Option<Arc<BtfEdit>>) -> Result<BtfEdit, Error> {
        if data.len() < BTF_HDR_LEN {
            return Err(inval("BTF header not found"));
        }
        let magic = u16::from_ne_bytes([data[0], data[1]]);
        let swapped = magic == BTF_MAGIC.swap_bytes();
        let word = |at: usize| {
            let w = rd32(data, at);
            if swapped {
                w.swap_bytes()
            } else {
                w
            }
        };
        if swapped {
            if word(4) as usize != BTF_HDR_LEN {
                return Err(Error::Errno(
                    libc::ENOTSUP,
                    "non-native BTF with an unsupported header length",
                ));
            }
        } else if magic != BTF_MAGIC {
            return Err(inval("invalid BTF magic"));
        }
        let (hdr_len, type_off, type_len, str_off, str_len) =
            (word(4), word(8), word(12), word(16), word(20));
        if (hdr_len as usize) < BTF_HDR_LEN || hdr_len as usize > data.len() {
            return Err(inval("invalid BTF header length"));
        }
        let body = &data[hdr_len as usize..];
        if u64::from(str_off) + u64::from(str_len) > body.len() as u64 {
            return Err(inval("invalid BTF total size"));
        }
        if u64::from(type_off) + u64::from(type_len) > u64::from(str_off) {
            return Err(inval("invalid BTF data sections layout"));
        }
        if type_off % 4 != 0 {
            return Err(inval("BTF type section is not aligned to 4 bytes"));
        }
        let sec = |off: u32, len: u32| body.get(off as usize..off as usize + len as usize);
        let strs = sec(str_off, str_len).ok_or(inval("BTF string section out of range"))?;
        let mut types = sec(type_off, type_len)
            .ok_or(inval("BTF type section out of range"))?
            .to_vec();
        let split = base.is_some();
        if !(split && strs.is_empty())
            && (strs.is_empty()
                || strs.len() - 1 > MAX_STR_OFFSET
                || strs.last() != Some(&0)
                || (!split && strs.first() != Some(&0)))
        {
            return Err(inval("invalid BTF string section"));
        }
        if types.len() % 4 != 0 {
            return Err(inval("BTF type section is malformed"));
        }
        if swapped {
            swap_words(&mut types);
        }
        let offs = index_types(&types).map_err(|_| inval("BTF type section is malformed"))?;
        let mut e = BtfEdit::new_empty(base);
        e.types = types;
        e.strs = strs.to_vec();
        e.offs = offs.get(1..).unwrap_or_default().to_vec();
        e.swapped = swapped;
        e.ptr_size.set(0);
        e.orig = Some(data.to_vec());
        Ok(e)
    }

    /// The base BTF of a split BTF.
    pub fn base(&self) -> Option<&Arc<BtfEdit>> {
        self.base.as_ref()
    }

    /// First own type ID (1 without a base).
    pub fn start_id(&self) -> u32 {
        self.start_id
    }

    /// Number of own types.
    pub fn own_types(&self) -> u32 {
        self.offs.len() as u32
    }

    /// The own type section, string section and per-ID offsets.
    pub fn into_sections(self) -> (Vec<u8>, Vec<u8>, Vec<u32>) {
        (self.types, self.strs, self.offs)
    }

    /// The own string section (after the base's, for split BTF).
    pub fn strings_section(&self) -> &[u8] {
        &self.strs
    }

    fn strs_end(&self) -> u32 {
        self.start_str + self.strs.len() as u32
    }

    /// From string offset `off` to the end of the section holding it
    /// (`btf__str_by_offset`).
    pub fn str_tail(&self, off: u32) -> Option<&[u8]> {
        if off < self.start_str {
            return self.base.as_ref()?.str_tail(off);
        }
        self.strs.get((off - self.start_str) as usize..)
    }

    /// `btf__pointer_size`: 0 when it cannot be determined.
    pub fn pointer_size(&self) -> u32 {
        if self.ptr_size.get() == 0 {
            self.ptr_size.set(self.determine_ptr_size());
        }
        u32::try_from(self.ptr_size.get()).unwrap_or(0)
    }

    fn determine_ptr_size(&self) -> i32 {
        const LONGS: [&[u8]; 11] = [
            b"long",
            b"long int",
            b"int long",
            b"unsigned long",
            b"long unsigned",
            b"unsigned long int",
            b"unsigned int long",
            b"long unsigned int",
            b"long int unsigned",
            b"int unsigned long",
            b"int long unsigned",
        ];
        if let Some(b) = &self.base {
            if b.ptr_size.get() > 0 {
                return b.ptr_size.get();
            }
        }
        for id in 1..self.cnt() {
            let Some(r) = self.rec(id) else { continue };
            let size = rd32(r, 8);
            if rd32(r, 4) >> 24 & 0x1f != Kind::Int as u32 || (size != 4 && size != 8) {
                continue;
            }
            if let Some(n) = self.str_at(rd32(r, 0)) {
                if LONGS.contains(&n) {
                    return size as i32;
                }
            }
        }
        -1
    }

    /// `btf__set_pointer_size`: 4 or 8, else `EINVAL`.
    pub fn set_pointer_size(&self, sz: usize) -> Result<(), Error> {
        if sz != 4 && sz != 8 {
            return Err(inval("pointer size must be 4 or 8"));
        }
        self.ptr_size.set(sz as i32);
        Ok(())
    }

    /// True when encoded big-endian (`btf__endianness`).
    pub fn big_endian(&self) -> bool {
        cfg!(target_endian = "big") != self.swapped
    }

    /// `btf__set_endianness`.
    pub fn set_big_endian(&mut self, big: bool) {
        self.swapped = cfg!(target_endian = "big") != big;
    }

    /// The blob in the selected byte order (`btf__raw_data`): the input bytes while
    /// unmodified, else header (24 bytes) + types + own strings.
    pub fn raw_data(&self) -> Vec<u8> {
        self.encode(self.swapped)
    }

    /// The native-endian blob (`btf__load_into_kernel`).
    pub fn raw_native(&self) -> Vec<u8> {
        self.encode(false)
    }

    fn encode(&self, swapped: bool) -> Vec<u8> {
        if let Some(o) = &self.orig {
            let orig_swapped = o.get(..2) == Some(&BTF_MAGIC.swap_bytes().to_ne_bytes()[..]);
            if orig_swapped == swapped {
                return o.clone();
            }
        }
        let mut out = super::write::encode(&self.types, &self.strs);
        if swapped {
            out[..2].reverse();
            swap_words(&mut out[4..BTF_HDR_LEN + self.types.len()]);
        }
        out
    }

    fn modified(&mut self) {
        self.orig = None;
    }

    fn ensure_idx(&mut self) -> &mut HashMap<Vec<u8>, u32> {
        let strs = &self.strs;
        self.str_idx.get_or_insert_with(|| {
            let mut m = HashMap::new();
            let mut off = 0usize;
            while off < strs.len() {
                let end = strs[off..]
                    .iter()
                    .position(|&c| c == 0)
                    .map_or(strs.len(), |p| off + p);
                m.entry(strs[off..end].to_vec()).or_insert(off as u32);
                off = end + 1;
            }
            m
        })
    }

    /// `btf__find_str`: the offset of string `s` (base first), `ENOENT` if absent.
    pub fn find_str(&mut self, s: &[u8]) -> Result<u32, Error> {
        if let Some(b) = &self.base {
            if let Some(off) = b.find_str_ro(s) {
                return Ok(off);
            }
        }
        self.modified();
        let start = self.start_str;
        self.ensure_idx()
            .get(s)
            .map(|&o| start + o)
            .ok_or(Error::Errno(libc::ENOENT, "string not found"))
    }

    /// Read-only string search (for a shared base): the index if built, else a
    /// scan of whole strings.
    pub fn find_str_ro(&self, s: &[u8]) -> Option<u32> {
        if let Some(b) = &self.base {
            if let Some(off) = b.find_str_ro(s) {
                return Some(off);
            }
        }
        if let Some(m) = &self.str_idx {
            return m.get(s).map(|&o| self.start_str + o);
        }
        let mut off = 0usize;
        for part in self.strs.split(|&c| c == 0) {
            if part == s && off < self.strs.len() {
                return Some(self.start_str + off as u32);
            }
            off += part.len() + 1;
        }
        None
    }

    /// `btf__add_str`: the offset of `s`, appended once (base strings reused).
    pub fn add_str(&mut self, s: &[u8]) -> Result<u32, Error> {
        if let Some(b) = &self.base {
            if let Some(off) = b.find_str_ro(s) {
                return Ok(off);
            }
        }
        self.modified();
        let start = self.start_str;
        let cur = self.strs.len();
        if cur + s.len() > MAX_STR_OFFSET {
            return Err(Error::Errno(libc::E2BIG, "BTF string section too big"));
        }
        let idx = self.ensure_idx();
        if let Some(&o) = idx.get(s) {
            return Ok(start + o);
        }
        idx.insert(s.to_vec(), cur as u32);
        self.strs.extend_from_slice(s);
        self.strs.push(0);
        Ok(start + cur as u32)
    }

    fn name_off(&mut self, name: Option<&[u8]>) -> Result<u32, Error> {
        match name {
            Some(n) if !n.is_empty() => self.add_str(n),
            _ => Ok(0),
        }
    }

    /// Appends one whole record; returns the new type's ID.
    fn push(&mut self, words: &[u32]) -> Result<u32, Error> {
        if self.cnt() > MAX_NR_TYPES {
            return Err(Error::Errno(libc::E2BIG, "too many BTF types"));
        }
        self.modified();
        self.offs.push(self.types.len() as u32);
        for w in words {
            self.types.extend_from_slice(&w.to_ne_bytes());
        }
        Ok(self.cnt() - 1)
    }

    /// The last own type's offset and kind, if it has one of `kinds`.
    fn last_of(&self, kinds: &[Kind]) -> Result<usize, Error> {
        let off = *self.offs.last().ok_or(inval("no type to extend"))? as usize;
        let k = rd32(&self.types, off + 4) >> 24 & 0x1f;
        if kinds.iter().any(|&w| w as u32 == k) {
            Ok(off)
        } else {
            Err(inval("last type is of the wrong kind"))
        }
    }

    /// Appends one entry to the last type and bumps its vlen (and sets kflag if
    /// `kflag`).
    fn push_entry(&mut self, off: usize, words: &[u32], kflag: bool) {
        self.modified();
        for w in words {
            self.types.extend_from_slice(&w.to_ne_bytes());
        }
        let info = rd32(&self.types, off + 4);
        let vlen = (info & 0xffff).wrapping_add(1) & 0xffff;
        let kf = if kflag { 1 << 31 } else { info & (1 << 31) };
        wr32(&mut self.types, off + 4, kf | (info & (0x1f << 24)) | vlen);
    }

    /// `btf__add_int`.
    pub fn add_int(&mut self, name: &[u8], size: usize, encoding: i32) -> Result<u32, Error> {
        if name.is_empty() {
            return Err(inval("INT needs a name"));
        }
        if !matches!(size, 1 | 2 | 4 | 8 | 16) {
            return Err(inval("invalid INT size"));
        }
        if encoding & !(super::INT_SIGNED | super::INT_CHAR | super::INT_BOOL) as i32 != 0 {
            return Err(inval("invalid INT encoding"));
        }
        let n = self.add_str(name)?;
        let word = (encoding as u32) << 24 | (size as u32 * 8);
        self.push(&[n, info(Kind::Int, false, 0), size as u32, word])
    }

    /// `btf__add_float`.
    pub fn add_float(&mut self, name: &[u8], size: usize) -> Result<u32, Error> {
        if name.is_empty() {
            return Err(inval("FLOAT needs a name"));
        }
        if !matches!(size, 2 | 4 | 8 | 12 | 16) {
            return Err(inval("invalid FLOAT size"));
        }
        let n = self.add_str(name)?;
        self.push(&[n, info(Kind::Float, false, 0), size as u32])
    }

    /// PTR, TYPEDEF, modifiers, TYPE_TAG, FWD (`btf_add_ref_kind`).
    pub fn add_ref(
        &mut self,
        kind: Kind,
        name: Option<&[u8]>,
        to: i32,
        kflag: bool,
    ) -> Result<u32, Error> {
        let to = check_id(to)?;
        let n = self.name_off(name)?;
        self.push(&[n, info(kind, kflag, 0), to])
    }

    /// `btf__add_array`.
    pub fn add_array(&mut self, index: i32, elem: i32, nelems: u32) -> Result<u32, Error> {
        let (index, elem) = (check_id(index)?, check_id(elem)?);
        self.push(&[0, info(Kind::Array, false, 0), 0, elem, index, nelems])
    }

    /// `btf__add_struct` / `btf__add_union` / `btf__add_enum` / `btf__add_enum64` /
    /// `btf__add_datasec` headers (no entries yet).
    pub fn add_sized(
        &mut self,
        kind: Kind,
        name: Option<&[u8]>,
        size: u32,
        kflag: bool,
    ) -> Result<u32, Error> {
        let n = self.name_off(name)?;
        self.push(&[n, info(kind, kflag, 0), size])
    }

    /// `btf__add_field`.
    pub fn add_field(
        &mut self,
        name: Option<&[u8]>,
        ty: i32,
        bit_off: u32,
        bit_size: u32,
    ) -> Result<(), Error> {
        let off = self.last_of(&[Kind::Struct, Kind::Union])?;
        let ty = check_id(ty)?;
        let bitfield = bit_size != 0 || bit_off % 8 != 0;
        if bitfield && (bit_size == 0 || bit_size > 255 || bit_off > 0xff_ffff) {
            return Err(inval("invalid bitfield"));
        }
        let is_union = rd32(&self.types, off + 4) >> 24 & 0x1f == Kind::Union as u32;
        if is_union && bit_off != 0 {
            return Err(inval("union members must be at offset 0"));
        }
        let n = self.name_off(name)?;
        self.push_entry(off, &[n, ty, bit_off | bit_size << 24], bitfield);
        Ok(())
    }

    /// `btf__add_enum_value`.
    pub fn add_enum_value(&mut self, name: &[u8], value: i64) -> Result<(), Error> {
        let off = self.last_of(&[Kind::Enum])?;
        if name.is_empty() {
            return Err(inval("enumerator needs a name"));
        }
        if value < i64::from(i32::MIN) || value > i64::from(u32::MAX) {
            return Err(Error::Errno(libc::E2BIG, "enumerator value out of range"));
        }
        let n = self.add_str(name)?;
        self.push_entry(off, &[n, value as u32], value < 0);
        Ok(())
    }

    /// `btf__add_enum64_value`.
    pub fn add_enum64_value(&mut self, name: &[u8], value: u64) -> Result<(), Error> {
        let off = self.last_of(&[Kind::Enum64])?;
        if name.is_empty() {
            return Err(inval("enumerator needs a name"));
        }
        let n = self.add_str(name)?;
        self.push_entry(off, &[n, value as u32, (value >> 32) as u32], false);
        Ok(())
    }

    /// `btf__add_func`.
    pub fn add_func(&mut self, name: &[u8], linkage: i32, proto: i32) -> Result<u32, Error> {
        if name.is_empty() {
            return Err(inval("FUNC needs a name"));
        }
        if !(0..=2).contains(&linkage) {
            return Err(inval("invalid FUNC linkage"));
        }
        let proto = check_id(proto)?;
        let n = self.add_str(name)?;
        self.push(&[n, info(Kind::Func, false, linkage as u32), proto])
    }

    /// `btf__add_func_param`.
    pub fn add_func_param(&mut self, name: Option<&[u8]>, ty: i32) -> Result<(), Error> {
        let off = self.last_of(&[Kind::FuncProto])?;
        let ty = check_id(ty)?;
        let n = self.name_off(name)?;
        self.push_entry(off, &[n, ty], false);
        Ok(())
    }

    /// `btf__add_var`.
    pub fn add_var(&mut self, name: &[u8], linkage: i32, ty: i32) -> Result<u32, Error> {
        if name.is_empty() {
            return Err(inval("VAR needs a name"));
        }
        if !(0..=2).contains(&linkage) {
            return Err(inval("invalid VAR linkage"));
        }
        let ty = check_id(ty)?;
        let n = self.add_str(name)?;
        self.push(&[n, info(Kind::Var, false, 0), ty, linkage as u32])
    }

    /// `btf__add_datasec_var_info`.
    pub fn add_datasec_var_info(&mut self, var: i32, off: u32, size: u32) -> Result<(), Error> {
        let at = self.last_of(&[Kind::Datasec])?;
        let var = check_id(var)?;
        self.push_entry(at, &[var, off, size], false);
        Ok(())
    }

    /// `btf__add_decl_tag`.
    pub fn add_decl_tag(&mut self, value: &[u8], to: i32, component: i32) -> Result<u32, Error> {
        if value.is_empty() {
            return Err(inval("DECL_TAG needs a value"));
        }
        if component < -1 {
            return Err(inval("invalid DECL_TAG component index"));
        }
        let to = check_id(to)?;
        let n = self.add_str(value)?;
        self.push(&[n, info(Kind::DeclTag, false, 0), to, component as u32])
    }

    /// `btf__add_type`: copies record `rec` (names looked up in `src`, re-added
    /// here; type IDs kept as they are).
    pub fn add_type(&mut self, src: &dyn BtfRead, rec: &[u8]) -> Result<u32, Error> {
        let len = record_len(rec).ok_or(inval("unknown BTF kind"))?;
        let mut r = rec.get(..len).ok_or(inval("short BTF record"))?.to_vec();
        self.modified();
        for slot in str_slots(&r) {
            let off = rd32(&r, 4 * slot);
            if off != 0 {
                let s = src.str_at(off).ok_or(inval("string offset out of range"))?;
                let n = self.add_str(s)?;
                wr32(&mut r, 4 * slot, n);
            }
        }
        self.offs.push(self.types.len() as u32);
        self.types.extend_from_slice(&r);
        Ok(self.cnt() - 1)
    }

    /// `btf__add_btf`: appends all types of a non-split `src`, remapping its type IDs
    /// and strings; the first new ID. On failure nothing is appended (strings
    /// added so far are rolled back too).
    pub fn add_btf(&mut self, src: &dyn BtfRead, src_split: bool) -> Result<u32, Error> {
        if src_split {
            return Err(Error::Errno(libc::ENOTSUP, "appending split BTF"));
        }
        self.modified();
        let shift = self.cnt() - 1;
        let first = self.cnt();
        let (old_strs, old_types, old_offs) = (self.strs.len(), self.types.len(), self.offs.len());
        let idx_backup = self.str_idx.clone();
        let r = (|| {
            for id in 1..src.cnt() {
                let mut r = src.rec(id).ok_or(inval("bad source type"))?.to_vec();
                for slot in str_slots(&r) {
                    let off = rd32(&r, 4 * slot);
                    if off != 0 {
                        let s = src.str_at(off).ok_or(inval("string offset out of range"))?;
                        let n = self.add_str(s)?;
                        wr32(&mut r, 4 * slot, n);
                    }
                }
                for slot in type_slots(&r) {
                    let t = rd32(&r, 4 * slot);
                    if t != 0 {
                        wr32(&mut r, 4 * slot, t.wrapping_add(shift));
                    }
                }
                self.offs.push(self.types.len() as u32);
                self.types.extend_from_slice(&r);
            }
            Ok(first)
        })();
        if r.is_err() {
            self.strs.truncate(old_strs);
            self.types.truncate(old_types);
            self.offs.truncate(old_offs);
            self.str_idx = idx_backup;
        }
        r
    }
}

/// libbpf's `validate_type_id`: negative IDs are invalid.
fn check_id(id: i32) -> Result<u32, Error> {
    u32::try_from(id).map_err(|_| inval("invalid type ID"))
}

fn info(kind: Kind, kflag: bool, vlen: u32) -> u32 {
    super::write::info(kind, kflag, vlen)
}
