//! Symbol resolution (libbpf's `linker_append_elf_syms`): local symbols are
//! copied (so static functions of the same name in two inputs stay apart),
//! one STT_SECTION symbol per output section; global, weak and extern symbols
//! are resolved by name against those of earlier inputs, with their BTF VAR or
//! FUNC found and checked for compatibility. A strong definition replaces an
//! extern or a weak one; two strong ones conflict; binding only goes from weak
//! to strong, visibility only towards hidden.
//!
//! Must not call: `crate::sys`.

use super::elf::*;
use super::input::SrcObj;
use super::{GlobSym, Linker};
use crate::btf::{Btf, Kind, LINKAGE_STATIC};
use crate::error::Error;
use crate::log::warn;

/// `BTF_VAR_GLOBAL_ALLOCATED`, `BTF_FUNC_GLOBAL`.
const GLOBAL: u32 = 1;

/// A VAR or FUNC that is not static (libbpf's `btf_is_non_static`).
pub(super) fn btf_is_non_static(t: &crate::btf::Type<'_>) -> bool {
    match t.kind() {
        Kind::Var => t.var_linkage() != Some(LINKAGE_STATIC),
        Kind::Func => t.func_linkage() != Some(LINKAGE_STATIC),
        _ => false,
    }
}

/// libbpf's `find_glob_sym_btf`: the DATASEC and the VAR or FUNC describing a
/// global or extern symbol; a free-floating one (an extern FUNC) has DATASEC 0.
fn find_glob_sym_btf(obj: &SrcObj, name: &str) -> Result<(u32, u32), Error> {
    let Some(btf) = &obj.btf else {
        warn(format_args!(
            "failed to find BTF info for object '{}'",
            obj.filename
        ));
        return Err(Error::Inval("global symbol without BTF"));
    };
    let mut btf_id = 0;
    for t in btf.types() {
        if btf_is_non_static(&t) {
            if t.name() == name {
                btf_id = t.id();
            }
            continue;
        }
        if t.kind() != Kind::Datasec {
            continue;
        }
        for vi in t.datasec_vars() {
            let Some(vt) = btf.ty(vi.type_id) else {
                continue;
            };
            if vt.name() != name || !btf_is_non_static(&vt) {
                continue;
            }
            if btf_id != 0 && btf_id != vi.type_id {
                warn(format_args!(
                    "global/extern '{name}' BTF is ambiguous: both types #{btf_id} and #{} match",
                    vi.type_id
                ));
                return Err(Error::Inval("ambiguous global symbol BTF"));
            }
            return Ok((t.id(), vi.type_id));
        }
    }
    if btf_id != 0 {
        return Ok((0, btf_id));
    }
    warn(format_args!(
        "failed to find BTF info for global/extern symbol '{name}'"
    ));
    Err(Error::NotFound("global symbol BTF"))
}

/// libbpf's `complete_extern_btf_info`: the output VAR or FUNC `dst_id` of a
/// resolved extern becomes a global definition; a FUNC's parameters get the
/// definition's names (extern prototypes have none).
fn complete_extern_btf_info(
    dst: &mut Btf,
    dst_id: u32,
    src: &Btf,
    src_id: u32,
) -> Result<(), Error> {
    let dst_t = dst.ty(dst_id).ok_or(Error::Inval("missing extern BTF"))?;
    if dst_t.kind() == Kind::Var {
        return dst.set_type_word(dst_id, 3, GLOBAL);
    }
    let dst_proto = dst_t.type_id();
    dst.set_type_word(dst_id, 1, (Kind::Func as u32) << 24 | GLOBAL)?;
    let src_proto = src.ty(src_id).map(|t| t.type_id()).unwrap_or(0);
    let names: Vec<Option<Vec<u8>>> = match src.ty(src_proto) {
        Some(p) if p.kind() == Kind::FuncProto => p
            .params()
            .map(|pa| (pa.name_off != 0).then(|| pa.name.as_bytes().to_vec()))
            .collect(),
        _ => Vec::new(),
    };
    let n = dst.ty(dst_proto).map(|p| p.vlen() as usize).unwrap_or(0);
    for (i, name) in names.into_iter().take(n).enumerate() {
        if let Some(name) = name {
            let off = dst.add_str(&name)?;
            dst.set_type_word(dst_proto, 3 + 2 * i, off)?;
        }
    }
    Ok(())
}

impl Linker {
    pub(super) fn append_elf_syms(&mut self, obj: &mut SrcObj) -> Result<(), Error> {
        let n = obj.sym_count();
        obj.sym_map = vec![0; n + 1];
        for i in 1..n {
            let sym = obj.sym(i);
            let Some(name) = obj.sym_name(&sym) else {
                warn(format_args!(
                    "can't fetch symbol name for symbol #{i} in '{}'",
                    obj.filename
                ));
                return Err(Error::Inval("symbol name"));
            };
            self.append_elf_sym(obj, &sym, &name, i)?;
        }
        Ok(())
    }

    fn append_elf_sym(
        &mut self,
        obj: &mut SrcObj,
        sym: &Sym,
        name: &str,
        src_idx: usize,
    ) -> Result<(), Error> {
        let (sym_type, bind) = (sym.sym_type(), sym.bind());
        let is_extern = sym.shndx == 0;
        let mut src_sec = None;
        if is_extern {
            if obj.btf.is_none() {
                warn(format_args!("externs without BTF info are not supported"));
                return Err(Error::UnsupportedInput("externs without BTF"));
            }
        } else if sym.shndx < SHN_LORESERVE {
            let s = &obj.secs[sym.shndx as usize];
            if s.skipped {
                return Ok(());
            }
            let dst = &self.secs[s.dst_id];
            if sym_type == STT_SECTION && dst.sec_sym_idx != 0 {
                obj.sym_map[src_idx] = dst.sec_sym_idx;
                return Ok(());
            }
            src_sec = Some(sym.shndx as usize);
        }
        if bind == STB_LOCAL {
            self.add_sym(obj, sym, name, src_idx, src_sec);
            return Ok(());
        }
        let (btf_sec_id, btf_id) = find_glob_sym_btf(obj, name)?;
        if is_extern && btf_sec_id != 0 {
            let btf = obj.btf.as_ref().ok_or(Error::Inval("no BTF"))?;
            let sec_name = btf
                .ty(btf_sec_id)
                .map(|t| t.name())
                .unwrap_or("")
                .to_string();
            // Clang puts unannotated extern variables in a `.extern` DATASEC:
            // like extern functions, they have no section here.
            if sec_name != ".extern" {
                let Some(s) = obj.find_sec(&sec_name) else {
                    warn(format_args!("failed to find matching ELF sec '{sec_name}'"));
                    return Err(Error::NotFound("extern's section"));
                };
                src_sec = Some(s);
            }
        }
        match self.find_glob_sym(name) {
            Some(g) => self.resolve_glob_sym(obj, sym, name, src_idx, src_sec, g, btf_id),
            None => {
                self.add_sym(obj, sym, name, src_idx, src_sec);
                Ok(())
            }
        }
    }

    /// A global symbol named like one already in the output.
    #[allow(clippy::too_many_arguments)]
    fn resolve_glob_sym(
        &mut self,
        obj: &mut SrcObj,
        sym: &Sym,
        name: &str,
        src_idx: usize,
        src_sec: Option<usize>,
        g: usize,
        btf_id: u32,
    ) -> Result<(), Error> {
        let is_extern = sym.shndx == 0;
        let bind = sym.bind();
        let glob = self.glob_syms[g].clone();
        obj.sym_map[src_idx] = glob.sym_idx;
        if !is_extern && !glob.is_extern && !glob.is_weak && bind != STB_WEAK {
            warn(format_args!(
                "conflicting non-weak symbol #{src_idx} ({name}) definition in '{}'",
                obj.filename
            ));
            return Err(Error::Inval("conflicting strong symbols"));
        }
        if !self.glob_syms_match(name, &glob, obj, btf_id) {
            return Err(Error::Inval("incompatible global symbols"));
        }
        let dst_sym = &mut self.syms[glob.sym_idx];
        if bind == STB_GLOBAL {
            dst_sym.set_bind(STB_GLOBAL);
            self.glob_syms[g].is_weak = false;
        }
        if sym.visibility() > dst_sym.visibility() {
            dst_sym.set_visibility(sym.visibility());
        }
        if is_extern || (!glob.is_extern && bind == STB_WEAK) {
            return Ok(());
        }
        // A strong definition (or the first definition of an extern) wins.
        let s = src_sec.ok_or(Error::Inval("definition outside any section"))?;
        let dst = &self.secs[obj.secs[s].dst_id];
        let (dst_idx, dst_id) = (dst.sec_idx, dst.id);
        dst_sym.set_type(sym.sym_type());
        dst_sym.shndx = dst_idx as u16;
        dst_sym.value = obj.secs[s].dst_off + sym.value;
        dst_sym.size = sym.size;
        let gs = &mut self.glob_syms[g];
        gs.sec_id = dst_id;
        gs.is_extern = false;
        gs.underlying_btf_id = 0;
        let src_btf = obj.btf.as_ref().ok_or(Error::Inval("no BTF"))?;
        complete_extern_btf_info(&mut self.btf, glob.btf_id, src_btf, btf_id)
            .map_err(|_| Error::Inval("extern BTF completion"))
    }

    /// A new output symbol for input symbol `src_idx` (and a new global symbol
    /// unless it is local).
    fn add_sym(
        &mut self,
        obj: &mut SrcObj,
        sym: &Sym,
        name: &str,
        src_idx: usize,
        src_sec: Option<usize>,
    ) {
        let name_off = self.strtab.add(name);
        let dst = src_sec.map(|s| obj.secs[s].dst_id);
        let mut out = Sym {
            name: name_off,
            shndx: dst.map_or(sym.shndx, |d| self.secs[d].sec_idx as u16),
            value: src_sec.map_or(0, |s| obj.secs[s].dst_off) + sym.value,
            ..*sym
        };
        let idx = self.syms.len();
        obj.sym_map[src_idx] = idx;
        if let (STT_SECTION, Some(d)) = (sym.sym_type(), dst) {
            self.secs[d].sec_sym_idx = idx;
            out.value = 0;
        }
        self.syms.push(out);
        if sym.bind() != STB_LOCAL {
            self.glob_syms.push(GlobSym {
                sym_idx: idx,
                sec_id: dst.unwrap_or(0),
                name: name.to_string(),
                btf_id: 0,
                underlying_btf_id: 0,
                var_idx: None,
                is_extern: sym.shndx == 0,
                is_weak: sym.bind() == STB_WEAK,
            });
        }
    }
}
