//! BTF and `.BTF.ext` (libbpf's `linker_append_btf`, `linker_append_btf_ext`,
//! `finalize_btf`, `finalize_btf_ext`): each input's types are appended with
//! their IDs remapped, except that a global VAR or FUNC already in the output
//! is reused (and re-pointed at the definition's type once an extern is
//! resolved); DATASECs are rebuilt per output section with variable offsets
//! moved by the section's offset; `.BTF.ext` records move with their code and
//! point to the output's types and strings.
//!
//! Must not call: `crate::sys`.

use super::input::SrcObj;
use super::symbols::btf_is_non_static;
use super::{ExtRecs, Linker};
use crate::btf::{Btf, BtfExt, InfoBlock, Kind};
use crate::error::Error;
use crate::log::warn;

/// `BTF_MAGIC`, version 1, flags 0, `hdr_len` 32: the `.BTF.ext` header.
const EXT_HDR_LEN: usize = 32;

/// Deduplicates the linked BTF and rewrites the `.BTF.ext` records' type IDs
/// and strings to match, as libbpf runs `btf__dedup` on the linker's output
/// (without `.BTF.ext` when the output has no records).
pub fn dedup_linked(btf: &mut Btf, ext: Option<&mut BtfExt>) -> Result<(), Error> {
    btf.dedup(ext, false)
}

/// Which `.BTF.ext` records a block holds.
#[derive(Clone, Copy)]
enum ExtKind {
    Func,
    Line,
    Core,
}

fn rd32(b: &[u8], off: usize) -> u32 {
    u32::from_ne_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

fn wr32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_ne_bytes());
}

impl Linker {
    pub(super) fn append_btf(&mut self, obj: &mut SrcObj) -> Result<(), Error> {
        let Some(src) = obj.btf.take() else {
            return Ok(());
        };
        let r = self.append_btf_types(obj, &src);
        obj.btf = Some(src);
        r?;
        self.append_datasecs(obj)
    }

    fn append_btf_types(&mut self, obj: &mut SrcObj, src: &Btf) -> Result<(), Error> {
        let start_id = self.btf.type_cnt();
        let mut map = vec![0u32; src.type_cnt() as usize + 1];
        for t in src.types() {
            if t.kind() == Kind::Datasec {
                continue;
            }
            let mut glob = None;
            if btf_is_non_static(&t) {
                // Global VARs without a global symbol are those of skipped
                // (deduplicated) sections: `license`, `version`.
                let Some(g) = self.find_glob_sym(t.name()) else {
                    continue;
                };
                let gs = &mut self.glob_syms[g];
                if gs.underlying_btf_id == 0 {
                    gs.underlying_btf_id = -i64::from(t.type_id());
                }
                if gs.btf_id != 0 {
                    map[t.id() as usize] = gs.btf_id;
                    continue;
                }
                glob = Some(g);
            }
            let id = self.btf.add_type(src, t.raw()).inspect_err(|_| {
                warn(format_args!(
                    "failed to append BTF type #{} from file '{}'",
                    t.id(),
                    obj.filename
                ));
            })?;
            map[t.id() as usize] = id;
            if let Some(g) = glob {
                let gs = &mut self.glob_syms[g];
                gs.btf_id = id;
                gs.underlying_btf_id = -i64::from(t.type_id());
            }
        }
        self.btf
            .remap_type_ids(start_id, &mut |id| match map.get(id as usize) {
                Some(&new) if new != 0 || id == 0 => Ok(new),
                _ => {
                    warn(format_args!(
                        "failed to find new ID mapping for original BTF type ID {id}"
                    ));
                    Err(Error::Inval("unmapped BTF type ID"))
                }
            })?;
        for g in 0..self.glob_syms.len() {
            let u = self.glob_syms[g].underlying_btf_id;
            if u >= 0 {
                continue;
            }
            let new = map.get((-u) as usize).copied().unwrap_or(0);
            self.glob_syms[g].underlying_btf_id = i64::from(new);
            self.btf.set_type_word(self.glob_syms[g].btf_id, 2, new)?;
        }
        obj.btf_type_map = map;
        Ok(())
    }

    /// Each input DATASEC's entries added to its output section's list, at the
    /// section's offset; a global already listed only gets its size updated.
    fn append_datasecs(&mut self, obj: &SrcObj) -> Result<(), Error> {
        let Some(src) = &obj.btf else {
            return Ok(());
        };
        for s in &obj.secs[1..] {
            if s.sec_type_id == 0 || s.skipped {
                continue;
            }
            let dst = s.dst_id;
            self.secs[dst].has_btf = true;
            let Some(t) = src.ty(s.sec_type_id) else {
                continue;
            };
            for (j, vi) in t.datasec_vars().enumerate() {
                let new_id = obj
                    .btf_type_map
                    .get(vi.type_id as usize)
                    .copied()
                    .unwrap_or(0);
                let mut glob = None;
                if let Some(nt) = self.btf.ty(new_id).filter(btf_is_non_static) {
                    let name = nt.name().to_string();
                    let is_func = nt.kind() == Kind::Func;
                    if let Some(g) = self.find_glob_sym(&name) {
                        let gs = &self.glob_syms[g];
                        if gs.sec_id != dst {
                            warn(format_args!(
                                "global '{name}': section mismatch {} vs {dst}",
                                gs.sec_id
                            ));
                            return Err(Error::Inval("global symbol in another section"));
                        }
                        if let Some(vi_idx) = gs.var_idx {
                            if !is_func {
                                self.update_var_size(g, dst, vi_idx, &name)?;
                            }
                            continue;
                        }
                        glob = Some(g);
                    }
                }
                let off = s.dst_off as u32 + s.var_offs.get(j).copied().unwrap_or(vi.offset);
                let d = &mut self.secs[dst];
                d.sec_vars.push((new_id, off, vi.size));
                if let Some(g) = glob {
                    self.glob_syms[g].var_idx = Some(d.sec_vars.len() - 1);
                }
            }
        }
        Ok(())
    }

    /// A global's type may have changed (an extern resolved): its DATASEC
    /// entry takes the size of the new type.
    fn update_var_size(
        &mut self,
        g: usize,
        dst: usize,
        vi_idx: usize,
        name: &str,
    ) -> Result<(), Error> {
        let u = self.glob_syms[g].underlying_btf_id;
        let sz = u32::try_from(u)
            .map_err(|_| Error::Inval("unresolved type"))
            .and_then(|id| self.btf.resolve_size(id));
        match sz {
            Ok(sz) => {
                if let Some(v) = self.secs[dst].sec_vars.get_mut(vi_idx) {
                    v.2 = sz;
                }
                Ok(())
            }
            Err(e) => {
                warn(format_args!(
                    "global '{name}': failed to resolve size of underlying type: -{}",
                    e.errno()
                ));
                Err(Error::Inval("global of unknown size"))
            }
        }
    }

    pub(super) fn append_btf_ext(&mut self, obj: &SrcObj) -> Result<(), Error> {
        let (Some(ext), Some(src)) = (&obj.btf_ext, &obj.btf) else {
            return Ok(());
        };
        for b in ext.func_info_blocks() {
            self.append_ext_block(obj, src, &b, ExtKind::Func)?;
        }
        for b in ext.line_info_blocks() {
            self.append_ext_block(obj, src, &b, ExtKind::Line)?;
        }
        for b in ext.core_relo_blocks() {
            self.append_ext_block(obj, src, &b, ExtKind::Core)?;
        }
        Ok(())
    }

    fn append_ext_block(
        &mut self,
        obj: &SrcObj,
        src: &Btf,
        b: &InfoBlock<'_>,
        kind: ExtKind,
    ) -> Result<(), Error> {
        let Some(s) = obj.find_sec(b.sec()) else {
            warn(format_args!(
                "can't find section '{}' referenced from .BTF.ext",
                b.sec()
            ));
            return Err(Error::Inval(".BTF.ext section not found"));
        };
        let (dst, dst_off) = (obj.secs[s].dst_id, obj.secs[s].dst_off as u32);
        let rec_sz = b.rec_size();
        let recs = self.ext_recs(dst, kind);
        if recs.rec_sz == 0 {
            recs.rec_sz = rec_sz;
        }
        if recs.rec_sz != rec_sz {
            warn(format_args!(
                "incompatible .BTF.ext record sizes for section '{}'",
                b.sec()
            ));
            return Err(Error::Inval(".BTF.ext record size"));
        }
        let map = &obj.btf_type_map;
        for r in b.records() {
            let mut r = r.to_vec();
            let insn_off = rd32(&r, 0).wrapping_add(dst_off);
            wr32(&mut r, 0, insn_off);
            let (id_at, str_at): (Option<usize>, &[usize]) = match kind {
                ExtKind::Func => (Some(4), &[]),
                ExtKind::Line => (None, &[4, 8]),
                ExtKind::Core => (Some(4), &[8]),
            };
            if let Some(at) = id_at {
                let id = map.get(rd32(&r, at) as usize).copied().unwrap_or(0);
                wr32(&mut r, at, id);
            }
            for &at in str_at {
                let s = src.name_bytes_at(rd32(&r, at)).unwrap_or_default().to_vec();
                let off = self
                    .btf
                    .add_str(&s)
                    .map_err(|_| Error::NoMem("BTF strings"))?;
                wr32(&mut r, at, off);
            }
            let recs = self.ext_recs(dst, kind);
            recs.recs.extend_from_slice(&r);
            recs.cnt += 1;
        }
        Ok(())
    }

    fn ext_recs(&mut self, dst: usize, kind: ExtKind) -> &mut ExtRecs {
        let d = &mut self.secs[dst];
        match kind {
            ExtKind::Func => &mut d.func_info,
            ExtKind::Line => &mut d.line_info,
            ExtKind::Core => &mut d.core_relo_info,
        }
    }

    /// The output's `.BTF` and `.BTF.ext` sections (name in `.strtab`, bytes);
    /// none when no input had BTF.
    pub(super) fn finalize_btf(&mut self) -> Result<Vec<(u32, Vec<u8>)>, Error> {
        if self.btf.type_cnt() == 1 {
            return Ok(Vec::new());
        }
        for i in 1..self.secs.len() {
            if !self.secs[i].has_btf {
                continue;
            }
            let (name, sz) = (self.secs[i].name.clone(), self.secs[i].sec_sz as u32);
            self.btf
                .add_sized(Kind::Datasec, Some(name.as_bytes()), sz, false)
                .inspect_err(|e| {
                    warn(format_args!(
                        "failed to add consolidated BTF type for datasec '{name}': -{}",
                        e.errno()
                    ));
                })?;
            for j in 0..self.secs[i].sec_vars.len() {
                let (ty, off, size) = self.secs[i].sec_vars[j];
                self.btf
                    .add_datasec_var_info(ty as i32, off, size)
                    .map_err(|_| Error::Inval("DATASEC entry"))?;
            }
        }
        let mut ext = self.finalize_btf_ext().inspect_err(|e| {
            warn(format_args!(".BTF.ext generation failed: -{}", e.errno()));
        })?;
        dedup_linked(&mut self.btf, ext.as_mut()).inspect_err(|e| {
            warn(format_args!("BTF dedup failed: -{}", e.errno()));
        })?;
        let mut out = vec![(self.strtab.add(".BTF"), self.btf.raw_data())];
        if let Some(ext) = ext {
            out.push((self.strtab.add(".BTF.ext"), ext.raw_data().to_vec()));
        }
        Ok(out)
    }

    /// The merged `.BTF.ext` (header, then func_info, line_info and core_relo
    /// sub-sections, each of one record size and a block per output section),
    /// `None` without records.
    fn finalize_btf_ext(&mut self) -> Result<Option<BtfExt>, Error> {
        let kinds = [ExtKind::Func, ExtKind::Line, ExtKind::Core];
        let names = ["func_info", "line_info", "core_relo_info"];
        let mut subs: [Vec<u8>; 3] = Default::default();
        for (k, kind) in kinds.into_iter().enumerate() {
            let mut rec_sz = 0;
            for i in 1..self.secs.len() {
                let recs = self.ext_recs(i, kind).clone();
                if recs.cnt == 0 {
                    continue;
                }
                if rec_sz == 0 {
                    rec_sz = recs.rec_sz;
                    subs[k].extend_from_slice(&rec_sz.to_ne_bytes());
                }
                if rec_sz != recs.rec_sz {
                    warn(format_args!(
                        "mismatch in {} record size {rec_sz} != {}",
                        names[k], recs.rec_sz
                    ));
                    return Err(Error::Inval(".BTF.ext record sizes"));
                }
                let name = self.secs[i].name.clone();
                let off = self
                    .btf
                    .add_str(name.as_bytes())
                    .map_err(|_| Error::NoMem("BTF strings"))?;
                subs[k].extend_from_slice(&off.to_ne_bytes());
                subs[k].extend_from_slice(&(recs.cnt as u32).to_ne_bytes());
                subs[k].extend_from_slice(&recs.recs);
            }
        }
        if subs.iter().all(|s| s.is_empty()) {
            return Ok(None);
        }
        let lens = subs.each_ref().map(|s| s.len() as u32);
        let mut data = Vec::with_capacity(EXT_HDR_LEN + lens.iter().sum::<u32>() as usize);
        data.extend_from_slice(&crate::btf::BTF_MAGIC.to_ne_bytes());
        data.extend_from_slice(&[1, 0]);
        data.extend_from_slice(&(EXT_HDR_LEN as u32).to_ne_bytes());
        let mut off = 0u32;
        for len in lens {
            data.extend_from_slice(&off.to_ne_bytes());
            data.extend_from_slice(&len.to_ne_bytes());
            off += len;
        }
        for s in &subs {
            data.extend_from_slice(s);
        }
        BtfExt::parse(&data, &self.btf).map(Some).inspect_err(|e| {
            warn(format_args!(
                "failed to parse final .BTF.ext data: -{}",
                e.errno()
            ));
        })
    }
}
