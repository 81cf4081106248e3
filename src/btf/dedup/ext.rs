//! `.BTF.ext` after compaction: the type ID of every func_info and CO-RE
//! relocation record follows its type (`btf_ext_visit_type_ids`). Its string
//! offsets were rewritten with the string section (`strings`).

use super::super::types::{rd32, wr32};
use super::{BtfExt, Dedup};
use crate::error::Error;

impl Dedup<'_> {
    pub(super) fn remap_ext(&self, ext: &mut BtfExt) -> Result<(), Error> {
        let slots = ext.type_id_slots();
        let raw = ext.raw_data_mut();
        for at in slots {
            let v = self.remapped(rd32(raw, at))?;
            wr32(raw, at, v);
        }
        Ok(())
    }
}
