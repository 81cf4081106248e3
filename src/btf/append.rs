//! Appending to a [`Btf`]: strings (deduplicated against the base's and the own
//! strings, exactly as libbpf's string set does, so the emitted blob matches
//! libbpf's byte for byte) and types, the writer behind `btf__add_*`,
//! `btf__add_type` and `btf__add_btf`.
//!
//! Argument checks and errors follow libbpf 1.1.2 (`EINVAL` for bad arguments,
//! `E2BIG` past libbpf's limits); new records are not sanity-checked, as in
//! libbpf's writer. IDs and string offsets of existing types never change.
//! Must not call: `crate::sys`.
//! Spec: `btf-core.md` §1.2 (strings), §6.2 (the writer API).

use super::index::{self, Index};
use super::types::{rd32, wr32, Kind, INT_BOOL, INT_CHAR, INT_SIGNED, TYPE_HDR_LEN};
use super::write::info;
use super::{Btf, MAX_STR_OFFSET};
use crate::error::Error;
use once_cell::sync::OnceCell;

/// libbpf's `BTF_MAX_NR_TYPES`.
const MAX_NR_TYPES: u32 = 0x7fff_ffff;

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

/// Word indexes of the type IDs a record references (`btf_type_visit_type_ids`;
/// none for an unknown kind).
pub(super) fn type_slots(rec: &[u8]) -> impl Iterator<Item = usize> {
    super::types::type_id_words(rd32(rec, 4))
        .into_iter()
        .flatten()
}

/// libbpf's `validate_type_id`: negative IDs are invalid.
fn check_id(id: i32) -> Result<u32, Error> {
    u32::try_from(id).map_err(|_| Error::inval("invalid type ID"))
}

/// A FUNC's or VAR's name and linkage (static, global or extern): EINVAL with
/// `no_name` for an empty name, with `bad_linkage` for another linkage.
fn check_named_linkage(
    name: &[u8],
    linkage: i32,
    no_name: &'static str,
    bad_linkage: &'static str,
) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::inval(no_name));
    }
    if !(0..=2).contains(&linkage) {
        return Err(Error::inval(bad_linkage));
    }
    Ok(())
}

/// True if the own string at `off` is exactly `s`.
fn str_eq(strs: &[u8], off: usize, s: &[u8]) -> bool {
    let end = off.wrapping_add(s.len());
    end >= off && strs.get(off..end) == Some(s) && strs.get(end) == Some(&0)
}

impl Btf {
    /// The string index of the own strings, built on first use: every string of
    /// the section, so a lookup finds the first occurrence (as libbpf's set does).
    fn string_index(&self) -> &Index {
        self.strings.get_or_init(|| {
            let mut entries = Vec::with_capacity(self.offs.len());
            let mut off = 0usize;
            while let Some((h, len)) = index::hash_str_at(self.store.strs(), off) {
                entries.push(u64::from(h) << 32 | off as u64);
                off += len + 1;
            }
            Index::from_entries(entries)
        })
    }

    /// The offset of `s` among the own strings (relative to them).
    fn find_own_str(&self, s: &[u8]) -> Option<u32> {
        self.string_index()
            .get(s)
            .find(|&o| str_eq(self.store.strs(), o as usize, s))
    }

    /// Read-only string search (for a shared base): base strings first.
    pub fn find_str_ro(&self, s: &[u8]) -> Option<u32> {
        if let Some(off) = self.base.as_ref().and_then(|b| b.find_str_ro(s)) {
            return Some(off);
        }
        self.find_own_str(s).map(|o| self.start_str + o)
    }

    /// `btf__find_str`: the offset of string `s` (base first), `ENOENT` if absent.
    /// As in libbpf, looking makes the BTF modifiable: `raw_data` re-encodes.
    pub fn find_str(&mut self, s: &[u8]) -> Result<u32, Error> {
        if let Some(off) = self.base.as_ref().and_then(|b| b.find_str_ro(s)) {
            return Ok(off);
        }
        self.modified();
        self.find_own_str(s)
            .map(|o| self.start_str + o)
            .ok_or(Error::NotFound("string not found"))
    }

    /// `btf__add_str`: the offset of `s`, appended once (base strings reused).
    pub fn add_str(&mut self, s: &[u8]) -> Result<u32, Error> {
        if let Some(off) = self.base.as_ref().and_then(|b| b.find_str_ro(s)) {
            return Ok(off);
        }
        self.modified();
        let cur = self.store.strs().len();
        if cur + s.len() > MAX_STR_OFFSET {
            return Err(Error::TooBig("BTF string section too big"));
        }
        if let Some(o) = self.find_own_str(s) {
            return Ok(self.start_str + o);
        }
        self.store.strs_vec().extend_from_slice(s);
        self.store.strs_vec().push(0);
        if let Some(c) = self.strings.get_mut() {
            c.push(s, cur as u32);
        }
        Ok(self.start_str + cur as u32)
    }

    fn name_off(&mut self, name: Option<&[u8]>) -> Result<u32, Error> {
        match name {
            Some(n) if !n.is_empty() => self.add_str(n),
            _ => Ok(0),
        }
    }

    /// Appends one whole record (already in native words); returns its ID.
    fn push_record(&mut self, rec: &[u8]) -> u32 {
        let id = self.type_cnt();
        self.offs.push(self.store.types().len() as u32);
        self.store.extend_types(rec);
        self.index_name(id, rd32(rec, 0));
        id
    }

    /// Appends one whole record of `words`; returns the new type's ID.
    fn push(&mut self, words: &[u32]) -> Result<u32, Error> {
        if self.type_cnt() > MAX_NR_TYPES {
            return Err(Error::TooBig("too many BTF types"));
        }
        self.modified();
        let rec: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
        Ok(self.push_record(&rec))
    }

    /// The last own type's offset, if it has one of `kinds`.
    fn last_of(&self, kinds: &[Kind]) -> Result<usize, Error> {
        let off = *self.offs.last().ok_or(Error::inval("no type to extend"))? as usize;
        let k = rd32(self.store.types(), off + 4) >> 24 & 0x1f;
        if kinds.iter().any(|&w| w as u32 == k) {
            Ok(off)
        } else {
            Err(Error::inval("last type is of the wrong kind"))
        }
    }

    /// Appends one entry to the last type and bumps its vlen (and sets kflag if
    /// `kflag`).
    fn push_entry(&mut self, off: usize, words: &[u32], kflag: bool) {
        self.modified();
        for w in words {
            self.store.extend_types(&w.to_ne_bytes());
        }
        let info = rd32(self.store.types(), off + 4);
        let vlen = (info & 0xffff).wrapping_add(1) & 0xffff;
        let kf = if kflag { 1 << 31 } else { info & (1 << 31) };
        wr32(
            self.store.types_mut(),
            off + 4,
            kf | (info & (0x1f << 24)) | vlen,
        );
    }

    /// `btf__add_int`.
    pub fn add_int(&mut self, name: &[u8], size: usize, encoding: i32) -> Result<u32, Error> {
        if name.is_empty() {
            return Err(Error::inval("INT needs a name"));
        }
        if !matches!(size, 1 | 2 | 4 | 8 | 16) {
            return Err(Error::inval("invalid INT size"));
        }
        if encoding & !(INT_SIGNED | INT_CHAR | INT_BOOL) as i32 != 0 {
            return Err(Error::inval("invalid INT encoding"));
        }
        let n = self.add_str(name)?;
        let word = (encoding as u32) << 24 | (size as u32 * 8);
        self.push(&[n, info(Kind::Int, false, 0), size as u32, word])
    }

    /// `btf__add_float`.
    pub fn add_float(&mut self, name: &[u8], size: usize) -> Result<u32, Error> {
        if name.is_empty() {
            return Err(Error::inval("FLOAT needs a name"));
        }
        if !matches!(size, 2 | 4 | 8 | 12 | 16) {
            return Err(Error::inval("invalid FLOAT size"));
        }
        let n = self.add_str(name)?;
        self.push(&[n, info(Kind::Float, false, 0), size as u32])
    }

    /// PTR, TYPEDEF, modifiers, TYPE_TAG, FWD, FUNC_PROTO (`btf_add_ref_kind`).
    pub fn add_ref(
        &mut self,
        kind: Kind,
        name: Option<&[u8]>,
        to: i32,
        kflag: bool,
    ) -> Result<u32, Error> {
        // `type` shares its word with `size` (one union in `struct btf_type`).
        self.add_sized(kind, name, check_id(to)?, kflag)
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
            return Err(Error::inval("invalid bitfield"));
        }
        let is_union = rd32(self.store.types(), off + 4) >> 24 & 0x1f == Kind::Union as u32;
        if is_union && bit_off != 0 {
            return Err(Error::inval("union members must be at offset 0"));
        }
        let n = self.name_off(name)?;
        self.push_entry(off, &[n, ty, bit_off | bit_size << 24], bitfield);
        Ok(())
    }

    /// `btf__add_enum_value`.
    pub fn add_enum_value(&mut self, name: &[u8], value: i64) -> Result<(), Error> {
        let off = self.last_of(&[Kind::Enum])?;
        if name.is_empty() {
            return Err(Error::inval("enumerator needs a name"));
        }
        if value < i64::from(i32::MIN) || value > i64::from(u32::MAX) {
            return Err(Error::TooBig("enumerator value out of range"));
        }
        let n = self.add_str(name)?;
        self.push_entry(off, &[n, value as u32], value < 0);
        Ok(())
    }

    /// `btf__add_enum64_value`.
    pub fn add_enum64_value(&mut self, name: &[u8], value: u64) -> Result<(), Error> {
        let off = self.last_of(&[Kind::Enum64])?;
        if name.is_empty() {
            return Err(Error::inval("enumerator needs a name"));
        }
        let n = self.add_str(name)?;
        self.push_entry(off, &[n, value as u32, (value >> 32) as u32], false);
        Ok(())
    }

    /// `btf__add_func`.
    pub fn add_func(&mut self, name: &[u8], linkage: i32, proto: i32) -> Result<u32, Error> {
        check_named_linkage(name, linkage, "FUNC needs a name", "invalid FUNC linkage")?;
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
        check_named_linkage(name, linkage, "VAR needs a name", "invalid VAR linkage")?;
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
            return Err(Error::inval("DECL_TAG needs a value"));
        }
        if component < -1 {
            return Err(Error::inval("invalid DECL_TAG component index"));
        }
        let to = check_id(to)?;
        let n = self.add_str(value)?;
        self.push(&[n, info(Kind::DeclTag, false, 0), to, component as u32])
    }

    /// Re-adds the strings a copied record names (looked up in `src`) and points
    /// the record at them.
    fn readd_strings(&mut self, src: &Btf, r: &mut [u8]) -> Result<(), Error> {
        for slot in str_slots(r) {
            let off = rd32(r, 4 * slot);
            if off != 0 {
                let s = src
                    .name_bytes_at(off)
                    .ok_or(Error::inval("string offset out of range"))?;
                let n = self.add_str(s)?;
                wr32(r, 4 * slot, n);
            }
        }
        Ok(())
    }

    /// `btf__add_type`: copies record `rec` (names looked up in `src`, re-added
    /// here; type IDs kept as they are).
    pub fn add_type(&mut self, src: &Btf, rec: &[u8]) -> Result<u32, Error> {
        let len = record_len(rec).ok_or(Error::inval("unknown BTF kind"))?;
        let mut r = rec
            .get(..len)
            .ok_or(Error::inval("short BTF record"))?
            .to_vec();
        self.modified();
        self.readd_strings(src, &mut r)?;
        Ok(self.push_record(&r))
    }

    /// `btf__add_btf`: appends all types of a non-split `src` (split: `ENOTSUP`),
    /// remapping its type IDs and strings; the first new ID. On failure nothing
    /// is appended (strings added so far are rolled back too).
    pub fn add_btf(&mut self, src: &Btf) -> Result<u32, Error> {
        if src.base.is_some() {
            return Err(Error::UnsupportedInput("appending split BTF"));
        }
        self.modified();
        let shift = self.type_cnt() - 1;
        let first = self.type_cnt();
        let (old_strs, old_types, old_offs) = (
            self.store.strs().len(),
            self.store.types().len(),
            self.offs.len(),
        );
        let r = (|| {
            for t in src.types() {
                let mut r = t.raw().to_vec();
                self.readd_strings(src, &mut r)?;
                for slot in type_slots(&r) {
                    let id = rd32(&r, 4 * slot);
                    if id != 0 {
                        wr32(&mut r, 4 * slot, id.wrapping_add(shift));
                    }
                }
                self.push_record(&r);
            }
            Ok(first)
        })();
        if r.is_err() {
            self.store.strs_vec().truncate(old_strs);
            self.store.truncate_types(old_types);
            self.offs.truncate(old_offs);
            // Rebuilt from the restored sections on next use.
            self.names = OnceCell::new();
            self.strings = OnceCell::new();
            self.essentials = OnceCell::new();
        }
        r
    }
}
