//! Compaction and remapping (`btf_dedup_compact_types`,
//! `btf_dedup_remap_types`): canonical types move together in ID order,
//! `hypot_map` becomes old ID → new ID, and every type ID a type (or
//! `.BTF.ext`) holds is rewritten to the new ID of its canonical type.

use super::super::types::{rd32, type_id_words, wr32};
use super::{BtfExt, Dedup, MAX_NR_TYPES, UNPROCESSED};
use crate::error::Error;

/// Calls `f` with the byte offset, within its record, of every type ID a
/// record with this `info` word holds ([`type_id_words`]); an unknown kind is
/// EINVAL, as in libbpf.
pub(super) fn for_each_type_slot(
    info: u32,
    mut f: impl FnMut(usize) -> Result<(), Error>,
) -> Result<(), Error> {
    type_id_words(info)
        .ok_or(Error::inval("unknown BTF kind"))?
        .try_for_each(|w| f(4 * w))
}

impl Dedup<'_> {
    /// Every type ID the own types hold names a type (libbpf reads past its
    /// arrays otherwise).
    pub(super) fn check_ids(&self) -> Result<(), Error> {
        let cnt = self.type_cnt();
        for id in self.start_id..cnt {
            let r = self.rec(id);
            for_each_type_slot(rd32(r, 4), |at| {
                if rd32(r, at) >= cnt {
                    return Err(Error::inval("BTF type ID out of range"));
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    pub(super) fn compact_types(&mut self) -> Result<(), Error> {
        for id in 1..self.start_id {
            self.hypot_map[id as usize] = id;
        }
        self.hypot_map[0] = 0;
        let mut next = self.start_id;
        let mut at = 0usize;
        let mut offs = Vec::new();
        for id in self.start_id..self.type_cnt() {
            if self.map[id as usize] != id {
                self.hypot_map[id as usize] = UNPROCESSED;
                continue;
            }
            let off = self.offs[(id - self.start_id) as usize] as usize;
            let len = super::super::record_len(&self.types[off..])
                .ok_or(Error::inval("unknown BTF kind"))?;
            // Moving down within the one buffer: `at <= off` always.
            self.types.copy_within(off..off + len, at);
            self.hypot_map[id as usize] = next;
            offs.push(at as u32);
            at += len;
            next += 1;
        }
        self.types.truncate(at);
        self.types.shrink_to_fit();
        offs.shrink_to_fit();
        self.offs = offs;
        Ok(())
    }

    /// The final ID of (the canonical type of) `id`.
    pub(super) fn remapped(&self, id: u32) -> Result<u32, Error> {
        // IDs from before compaction: `map` has one entry per old type.
        if id as usize >= self.map.len() {
            return Err(Error::inval("BTF type ID out of range"));
        }
        let new = self.hypot_map[self.resolve(id) as usize];
        if new > MAX_NR_TYPES {
            return Err(Error::inval("type without a canonical type after dedup"));
        }
        Ok(new)
    }

    pub(super) fn remap_types(&mut self, ext: Option<&mut BtfExt>) -> Result<(), Error> {
        let mut types = std::mem::take(&mut self.types);
        let r = self.offs.iter().try_for_each(|&off| {
            let off = off as usize;
            for_each_type_slot(rd32(&types, off + 4), |at| {
                let v = self.remapped(rd32(&types, off + at))?;
                wr32(&mut types, off + at, v);
                Ok(())
            })
        });
        self.types = types;
        r?;
        match ext {
            Some(e) => self.remap_ext(e),
            None => Ok(()),
        }
    }
}
