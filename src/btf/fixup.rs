//! Fix-ups the object loader applies to an object's `.BTF` before load: DATASEC
//! sizes and variable offsets from the ELF file, hidden symbols made static, and
//! the linkage setters.
//!
//! Must not call: `crate::sys`.
//! Spec: `btf-core.md` §4.2 (DATASEC fix-up).

use super::types::{
    rd32, wr32, Kind, LINKAGE_EXTERN, LINKAGE_GLOBAL, LINKAGE_STATIC, TYPE_HDR_LEN,
};
use super::Btf;
use crate::error::Error;

/// The UTF-8 string at `off` of a (non-split) string section, `""` otherwise.
fn str_at(strs: &[u8], off: u32) -> &str {
    super::query::str_bytes_at(strs, off as usize)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
}

impl Btf {
    /// Sets the linkage of FUNC `id` (0 static, 1 global, 2 extern).
    pub fn set_func_linkage(&mut self, id: u32, linkage: u32) -> Result<(), Error> {
        let off = self.record_off(id, Kind::Func)?;
        self.modified();
        let info = rd32(self.store.types(), off + 4);
        wr32(
            self.store.types_mut(),
            off + 4,
            (info & !0xffff) | (linkage & 0xffff),
        );
        Ok(())
    }

    /// Sets the linkage of VAR `id` (0 static, 1 global, 2 extern).
    pub fn set_var_linkage(&mut self, id: u32, linkage: u32) -> Result<(), Error> {
        let off = self.record_off(id, Kind::Var)?;
        self.modified();
        wr32(self.store.types_mut(), off + TYPE_HDR_LEN, linkage);
        Ok(())
    }

    /// The offset in the own type section of own type `id` of kind `kind`.
    fn record_off(&self, id: u32, kind: Kind) -> Result<usize, Error> {
        let i = id.checked_sub(self.start_id).map(|i| i as usize);
        match (i.and_then(|i| self.offs.get(i)), self.ty(id)) {
            (Some(&off), Some(t)) if t.kind() == kind => Ok(off as usize),
            _ => Err(Error::inval("BTF type ID of the wrong kind")),
        }
    }

    /// DATASEC fix-up (§4.2, `btf_fixup_datasec`) of a non-split BTF, applied to
    /// every DATASEC except `.kconfig`/`.ksyms` (whose entries are only sorted):
    /// - size 0 → `sec_size(name)`; `None` or 0 → `ENOENT` (the section is named
    ///   in a warning); VAR offsets are then taken from the symbols;
    /// - each entry must be a VAR (`EINVAL`); static and extern VARs are skipped;
    ///   for the others `sym(var name)` gives `(st_value, hidden)`: missing →
    ///   `ENOENT`; hidden (STV_HIDDEN/STV_INTERNAL) → the VAR becomes static;
    /// - entries are sorted by offset.
    ///
    /// Then every global FUNC whose name `sym` reports as hidden becomes static, as
    /// libbpf does before upload for hidden subprograms; FUNCs `sym` does not know
    /// are left alone.
    pub fn fixup_datasecs(
        &mut self,
        sec_size: &dyn Fn(&str) -> Option<u32>,
        sym: &dyn Fn(&str) -> Option<(u32, bool)>,
    ) -> Result<(), Error> {
        if self.base.is_some() {
            return Err(Error::BadBtf("DATASEC fix-up of split BTF"));
        }
        self.modified();
        let Btf { store, offs, .. } = self;
        let (types, strs) = store.parts_mut();
        for &off in offs.iter() {
            let off = off as usize;
            let info = rd32(types, off + 4);
            match Kind::from_raw(info >> 24 & 0x1f) {
                Some(Kind::Datasec) => fixup_datasec(types, strs, offs, off, sec_size, sym)?,
                Some(Kind::Func) if info & 0xffff == LINKAGE_GLOBAL => {
                    if let Some((_, true)) = sym(str_at(strs, rd32(types, off))) {
                        wr32(types, off + 4, info & !0xffff);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// One DATASEC of [`Btf::fixup_datasecs`]; `off` is the DATASEC record's offset,
/// `offs[id - 1]` type `id`'s.
fn fixup_datasec(
    types: &mut [u8],
    strs: &[u8],
    offs: &[u32],
    off: usize,
    sec_size: &dyn Fn(&str) -> Option<u32>,
    sym: &dyn Fn(&str) -> Option<(u32, bool)>,
) -> Result<(), Error> {
    let name = str_at(strs, rd32(types, off));
    let vlen = (rd32(types, off + 4) & 0xffff) as usize;
    let first = off + TYPE_HDR_LEN;
    if name != ".kconfig" && name != ".ksyms" {
        let mut fix_offsets = false;
        if rd32(types, off + 8) == 0 {
            match sec_size(name) {
                Some(sz) if sz != 0 => {
                    wr32(types, off + 8, sz);
                    fix_offsets = true;
                }
                _ => {
                    crate::log::warn(format_args!(
                        "sec '{name}': failed to determine size from ELF"
                    ));
                    return Err(Error::NotFound(
                        "DATASEC fix-up: ELF section size not found",
                    ));
                }
            }
        }
        for i in 0..vlen {
            let e = first + 12 * i;
            let var_id = rd32(types, e) as usize;
            let var_off = match var_id.checked_sub(1).and_then(|i| offs.get(i)) {
                Some(&o) if rd32(types, o as usize + 4) >> 24 & 0x1f == Kind::Var as u32 => {
                    o as usize
                }
                _ => {
                    crate::log::warn(format_args!(
                        "sec '{name}': unexpected non-VAR type [{var_id}] found"
                    ));
                    return Err(Error::BadBtf("DATASEC fix-up: entry is not a VAR"));
                }
            };
            let linkage = rd32(types, var_off + TYPE_HDR_LEN);
            if linkage == LINKAGE_STATIC || linkage == LINKAGE_EXTERN {
                continue;
            }
            let var_name = str_at(strs, rd32(types, var_off));
            let Some((value, hidden)) = sym(var_name) else {
                crate::log::warn(format_args!(
                    "sec '{name}': failed to find ELF symbol for VAR '{var_name}'"
                ));
                return Err(Error::NotFound(
                    "DATASEC fix-up: ELF symbol for VAR not found",
                ));
            };
            if fix_offsets {
                wr32(types, e + 4, value);
            }
            if hidden {
                wr32(types, var_off + TYPE_HDR_LEN, LINKAGE_STATIC);
            }
        }
    }
    // Sort the entries by offset (stable, so equal offsets keep their order).
    let Some(area) = types.get_mut(first..first + 12 * vlen) else {
        return Ok(());
    };
    let mut entries: Vec<[u8; 12]> = area
        .chunks_exact(12)
        .map(|c| {
            let mut a = [0u8; 12];
            a.copy_from_slice(c);
            a
        })
        .collect();
    entries.sort_by_key(|e| rd32(e, 4));
    for (dst, src) in area.chunks_exact_mut(12).zip(&entries) {
        dst.copy_from_slice(src);
    }
    Ok(())
}
