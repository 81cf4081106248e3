//! Externs in an object's BTF: finding an extern VAR or FUNC and its DATASEC, and
//! the rewrite of the `.ksyms` and `.kconfig` DATASECs the object loader applies
//! at open (libbpf's `bpf_object__collect_externs`). The kernel refuses extern
//! linkage in uploaded BTF, so externs become allocated globals: `.ksyms` entries
//! 4-byte `int` slots (FUNCs behind a `dummy_ksym` VAR), `.kconfig` entries their
//! offsets in the `.kconfig` map.
//!
//! Must not call: `crate::sys`.

use super::types::{rd32, wr32, Kind, LINKAGE_EXTERN, LINKAGE_GLOBAL, TYPE_HDR_LEN};
use super::Btf;
use crate::error::Error;

/// Size of one DATASEC entry (`struct btf_var_secinfo`) and one FUNC_PROTO
/// parameter (`struct btf_param`).
const SECINFO_LEN: usize = 12;
const PARAM_LEN: usize = 8;

impl Btf {
    /// The extern VAR or FUNC named `name`: the first VAR or FUNC of that name
    /// must have extern linkage. `NotFound` (ENOENT) when there is none,
    /// `BadBtf` (EINVAL) when it is not extern.
    pub fn find_extern(&self, name: &str) -> Result<u32, Error> {
        let t = self
            .types()
            .find(|t| matches!(t.kind(), Kind::Var | Kind::Func) && t.name() == name)
            .ok_or(Error::NotFound("no BTF VAR or FUNC of the extern's name"))?;
        let linkage = match t.kind() {
            Kind::Var => t.var_linkage(),
            _ => t.func_linkage(),
        };
        if linkage == Some(LINKAGE_EXTERN) {
            Ok(t.id())
        } else {
            Err(Error::BadBtf("the extern's BTF VAR or FUNC is not extern"))
        }
    }

    /// The first DATASEC with an entry of type `id`.
    pub fn datasec_containing(&self, id: u32) -> Option<u32> {
        self.types()
            .find(|t| t.kind() == Kind::Datasec && t.datasec_vars().any(|v| v.type_id == id))
            .map(|t| t.id())
    }

    /// The first 32-bit INT, or 0 (void) when there is none.
    pub fn first_int32(&self) -> u32 {
        self.types()
            .find(|t| t.kind() == Kind::Int && t.int_bits() == 32)
            .map_or(0, |t| t.id())
    }

    /// The own record of type `id` and its kind; `BadBtf` for a base or unknown ID.
    fn own_record(&self, id: u32) -> Result<(usize, Kind), Error> {
        let t = self.ty(id).filter(|_| id >= self.start_id && id != 0);
        let off = id
            .checked_sub(self.start_id)
            .and_then(|i| self.offs.get(i as usize));
        match (t, off) {
            (Some(t), Some(&off)) => Ok((off as usize, t.kind())),
            _ => Err(Error::BadBtf("BTF type ID out of range")),
        }
    }

    /// Rewrites DATASEC `sec` as `.ksyms` (every entry a VAR or FUNC): entry `i`
    /// is placed at offset `4 * i` with size 4; each VAR becomes a global `int`
    /// (the first 32-bit INT); each FUNC becomes global, its unnamed parameters
    /// take the name of a `dummy_ksym` VAR (added once, for the first FUNC), and
    /// its entry points at that VAR. The DATASEC's size becomes `4 * n`.
    pub fn rewrite_ksyms(&mut self, sec: u32) -> Result<(), Error> {
        let entries = self.datasec_entries(sec)?;
        let int = self.first_int32();
        let has_func = entries
            .iter()
            .any(|&id| self.ty(id).is_some_and(|t| t.kind() == Kind::Func));
        let dummy = if has_func {
            Some(self.add_var(b"dummy_ksym", LINKAGE_GLOBAL as i32, int as i32)?)
        } else {
            None
        };
        self.modified();
        let (sec_off, _) = self.own_record(sec)?;
        for (i, &id) in entries.iter().enumerate() {
            let (off, kind) = self.own_record(id)?;
            let mut entry_type = id;
            match (kind, dummy) {
                (Kind::Var, _) => {
                    wr32(self.store.types_mut(), off + 8, int);
                    wr32(self.store.types_mut(), off + TYPE_HDR_LEN, LINKAGE_GLOBAL);
                }
                (Kind::Func, Some(dummy)) => {
                    let (dummy_off, _) = self.own_record(dummy)?;
                    let dummy_name = rd32(self.store.types(), dummy_off);
                    self.name_unnamed_params(rd32(self.store.types(), off + 8), dummy_name)?;
                    let info = rd32(self.store.types(), off + 4);
                    wr32(
                        self.store.types_mut(),
                        off + 4,
                        (info & !0xffff) | LINKAGE_GLOBAL,
                    );
                    entry_type = dummy;
                }
                _ => return Err(Error::BadBtf(".ksyms entry is not a VAR or FUNC")),
            }
            let e = sec_off + TYPE_HDR_LEN + SECINFO_LEN * i;
            let slot = 4 * i as u32;
            wr32(self.store.types_mut(), e, entry_type);
            wr32(self.store.types_mut(), e + 4, slot);
            wr32(self.store.types_mut(), e + 8, 4);
        }
        wr32(
            self.store.types_mut(),
            sec_off + 8,
            4 * entries.len() as u32,
        );
        Ok(())
    }

    /// Names every unnamed, non-void parameter of FUNC_PROTO `proto` `name_off`.
    fn name_unnamed_params(&mut self, proto: u32, name_off: u32) -> Result<(), Error> {
        let (off, kind) = self.own_record(proto)?;
        if kind != Kind::FuncProto {
            return Err(Error::BadBtf("FUNC whose type is not a FUNC_PROTO"));
        }
        let vlen = (rd32(self.store.types(), off + 4) & 0xffff) as usize;
        for p in 0..vlen {
            let at = off + TYPE_HDR_LEN + PARAM_LEN * p;
            if rd32(self.store.types(), at) == 0 && rd32(self.store.types(), at + 4) != 0 {
                wr32(self.store.types_mut(), at, name_off);
            }
        }
        Ok(())
    }

    /// Rewrites DATASEC `sec` as `.kconfig` (every entry a VAR): each VAR becomes
    /// a global placed at `offset_of(name)` (`None` is an error), the entries are
    /// sorted by offset and the DATASEC's size becomes `size`.
    pub fn rewrite_kconfig(
        &mut self,
        sec: u32,
        size: u32,
        offset_of: &dyn Fn(&str) -> Option<u32>,
    ) -> Result<(), Error> {
        let entries = self.datasec_entries(sec)?;
        let mut placed = Vec::with_capacity(entries.len());
        for (i, &id) in entries.iter().enumerate() {
            let t = self.ty(id).filter(|t| t.kind() == Kind::Var);
            let off = t.and_then(|t| offset_of(t.name()));
            let Some(off) = off else {
                return Err(Error::NoMatch(".kconfig entry without an extern"));
            };
            placed.push((i, id, off));
        }
        self.modified();
        let (sec_off, _) = self.own_record(sec)?;
        let first = sec_off + TYPE_HDR_LEN;
        let sizes: Vec<u32> = (0..entries.len())
            .map(|i| rd32(self.store.types(), first + SECINFO_LEN * i + 8))
            .collect();
        placed.sort_by_key(|&(i, _, off)| (off, i));
        for (slot, &(i, id, off)) in placed.iter().enumerate() {
            let (var_off, _) = self.own_record(id)?;
            wr32(
                self.store.types_mut(),
                var_off + TYPE_HDR_LEN,
                LINKAGE_GLOBAL,
            );
            let e = first + SECINFO_LEN * slot;
            wr32(self.store.types_mut(), e, id);
            wr32(self.store.types_mut(), e + 4, off);
            wr32(self.store.types_mut(), e + 8, sizes[i]);
        }
        wr32(self.store.types_mut(), sec_off + 8, size);
        Ok(())
    }

    /// The entry types of own DATASEC `sec`.
    fn datasec_entries(&self, sec: u32) -> Result<Vec<u32>, Error> {
        let t = self
            .ty(sec)
            .filter(|t| t.kind() == Kind::Datasec && sec >= self.start_id)
            .ok_or(Error::BadBtf("not a DATASEC of this BTF"))?;
        Ok(t.datasec_vars().map(|v| v.type_id).collect())
    }
}
