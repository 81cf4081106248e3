//! String deduplication (`btf_dedup_strings`): the string section is rebuilt
//! from the strings the own types (and `.BTF.ext`, if given) name, each once,
//! in the order they are first named; unnamed strings are dropped. In split
//! BTF a string the base has is named by its base offset instead.
//!
//! Runs once per BTF: a BTF whose strings were deduplicated (or that started
//! empty and only gained strings through the writer, which adds each once)
//! skips it, as libbpf does.

use super::super::index;
use super::super::query::str_bytes_at;
use super::super::types::{rd32, wr32, Kind};
use super::{Btf, BtfExt, Dedup};
use crate::error::Error;

/// Calls `f` with the byte offset, within its record, of every string offset a
/// record with this `info` word holds, in libbpf's order
/// (`btf_type_visit_str_offs`).
pub(super) fn for_each_str_slot(
    info: u32,
    mut f: impl FnMut(usize) -> Result<(), Error>,
) -> Result<(), Error> {
    f(0)?;
    let n = (info & 0xffff) as usize;
    let stride = match Kind::from_raw(info >> 24 & 0x1f) {
        Some(Kind::Struct | Kind::Union | Kind::Enum64) => 12,
        Some(Kind::Enum | Kind::FuncProto) => 8,
        _ => return Ok(()),
    };
    (0..n).try_for_each(|i| f(12 + stride * i))
}

/// The new string section being built: an open-addressing set of its strings.
struct StrSet {
    data: Vec<u8>,
    /// `offset + 1` of a string in `data`, 0 for a free slot.
    slots: Vec<u32>,
    len: usize,
}

impl StrSet {
    fn new(with_empty: bool) -> StrSet {
        let mut s = StrSet {
            data: Vec::new(),
            slots: vec![0; 1024],
            len: 0,
        };
        if with_empty {
            s.add(b"");
        }
        s
    }

    fn at(&self, off: u32) -> &[u8] {
        str_bytes_at(&self.data, off as usize).unwrap_or_default()
    }

    /// The offset of `s`, added at the end if new.
    fn add(&mut self, s: &[u8]) -> u32 {
        let mask = self.slots.len() - 1;
        let mut i = index::hash(s) as usize & mask;
        loop {
            match self.slots[i] {
                0 => break,
                o if self.at(o - 1) == s => return o - 1,
                _ => i = (i + 1) & mask,
            }
        }
        let off = self.data.len() as u32;
        self.data.extend_from_slice(s);
        self.data.push(0);
        self.slots[i] = off + 1;
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.grow();
        }
        off
    }

    fn grow(&mut self) {
        let old = std::mem::replace(&mut self.slots, vec![0; (self.len * 4).next_power_of_two()]);
        let mask = self.slots.len() - 1;
        for o in old.into_iter().filter(|&o| o != 0) {
            let mut i = index::hash(self.at(o - 1)) as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = o;
        }
    }
}

/// Maps one string offset of the old section to the new one.
struct Remap<'a> {
    base: Option<&'a Btf>,
    start_str: u32,
    old: &'a [u8],
    set: StrSet,
}

impl Remap<'_> {
    fn remap(&mut self, off: u32) -> Result<u32, Error> {
        if off == 0 || off < self.start_str {
            return Ok(off);
        }
        let s = str_bytes_at(self.old, (off - self.start_str) as usize)
            .ok_or(Error::inval("BTF string offset out of range"))?;
        if let Some(o) = self.base.and_then(|b| b.find_str_ro(s)) {
            return Ok(o);
        }
        let o = self.set.add(s);
        u32::try_from(self.start_str as usize + o as usize)
            .ok()
            .filter(|&v| v as usize <= super::super::MAX_STR_OFFSET)
            .ok_or(Error::TooBig("BTF string section too big"))
    }
}

impl Dedup<'_> {
    /// The new string section; rewrites the own types' string offsets and
    /// `ext`'s.
    pub(super) fn strings(
        &mut self,
        btf: &Btf,
        ext: Option<&mut BtfExt>,
    ) -> Result<Vec<u8>, Error> {
        let mut m = Remap {
            base: self.base,
            start_str: btf.start_str,
            old: btf.store.strs(),
            set: StrSet::new(self.base.is_none()),
        };
        let types = &mut self.types;
        for &off in &self.offs {
            let off = off as usize;
            for_each_str_slot(rd32(types, off + 4), |at| {
                let v = m.remap(rd32(types, off + at))?;
                wr32(types, off + at, v);
                Ok(())
            })?;
        }
        if let Some(e) = ext {
            let slots = e.str_off_slots();
            let raw = e.raw_data_mut();
            for at in slots {
                let v = m.remap(rd32(raw, at))?;
                wr32(raw, at, v);
            }
        }
        Ok(m.set.data)
    }
}
