//! In-place edits of own type records after they were appended: the static
//! linker's resolution of extern VARs and FUNCs (a VAR's or FUNC's type, its
//! linkage, a parameter's name) and the remapping of appended types' IDs.
//!
//! Names (word 0) are never edited here, so the name index stays valid; a
//! record's kind and length never change.
//! Must not call: `crate::sys`.

use super::append::{record_len, type_slots};
use super::types::{rd32, wr32};
use super::Btf;
use crate::error::Error;

impl Btf {
    /// Overwrites 4-byte word `word` (1 = info, 2 = size or type, 3.. = the
    /// kind's trailing data) of own type `id`. `EINVAL` for another BTF's type,
    /// word 0 (the name), a word past the record, or an info word that would
    /// change the record's kind or length.
    pub fn set_type_word(&mut self, id: u32, word: usize, value: u32) -> Result<(), Error> {
        let i = id
            .checked_sub(self.start_id)
            .map(|i| i as usize)
            .filter(|&i| i < self.offs.len())
            .ok_or(Error::inval("not an own BTF type"))?;
        let off = self.offs[i] as usize;
        let len = record_len(&self.store.types()[off..]).ok_or(Error::inval("bad BTF record"))?;
        if word == 0 || 4 * word + 4 > len {
            return Err(Error::inval("BTF record word out of range"));
        }
        if word == 1 {
            let mut rec = self.store.types()[off..off + len].to_vec();
            wr32(&mut rec, 4, value);
            let old_kind = rd32(self.store.types(), off + 4) >> 24 & 0x1f;
            if value >> 24 & 0x1f != old_kind || record_len(&rec) != Some(len) {
                return Err(Error::inval("BTF info change would alter the record"));
            }
        }
        self.modified();
        wr32(self.store.types_mut(), off + 4 * word, value);
        Ok(())
    }

    /// Rewrites every type ID referenced by own types `from..` through `map`
    /// (void included: `map(0)` is asked too). Stops at `map`'s first error,
    /// leaving earlier types rewritten.
    pub fn remap_type_ids(
        &mut self,
        from: u32,
        map: &mut dyn FnMut(u32) -> Result<u32, Error>,
    ) -> Result<(), Error> {
        let first = from.saturating_sub(self.start_id) as usize;
        self.modified();
        for i in first..self.offs.len() {
            let off = self.offs[i] as usize;
            for slot in type_slots(&self.store.types()[off..]) {
                let at = off + 4 * slot;
                let new = map(rd32(self.store.types(), at))?;
                wr32(self.store.types_mut(), at, new);
            }
        }
        Ok(())
    }
}
