//! Phase 7: `SHT_REL` sections. Relocations of a code section become [`Reloc`]s
//! (map fd, global-data address, BPF-to-BPF call, callback address); relocations
//! of `.maps` are the initial slots of PROG_ARRAY and map-in-map definitions.
//! Relocations of other sections (`.BTF`, `.BTF.ext`, DWARF) are not ours.
//! Must not call: `crate::sys`.

use super::sections::Elf;
use super::{Layout, SecKind, Symbol, SHN_COMMON};
use crate::error::Error;
use crate::insn::{self, Insn};
use crate::object::maps::{self, MapKind};
use crate::object::{format_err, reloc_err, CodeSection, Object, Reloc, RelocKind};
use object::elf::{self as E, Rel64};
use object::read::elf::{Rel, SectionHeader};
use object::Endianness;

type Rels = [Rel64<Endianness>];

/// Reads every relocation section, in section order, into `obj`; each code
/// section's relocations end up sorted by instruction.
pub(super) fn read(
    obj: &mut Object,
    elf: &Elf<'_>,
    layout: &Layout<'_>,
    syms: &[Symbol],
    path_name: &str,
) -> Result<(), Error> {
    for &(ri, rshdr) in &layout.rels {
        let target = rshdr.sh_info(elf.endian) as usize;
        let rels = match rshdr.rel(elf.endian, elf.data) {
            Ok(Some((rels, _))) => rels,
            Ok(None) => continue,
            Err(_) => {
                return Err(format_err(format!(
                    "{path_name}: {}: bad relocation section",
                    layout.names[ri]
                )))
            }
        };
        match layout.kinds.get(target).copied() {
            Some(SecKind::Code(ci)) => {
                let out = code_relocs(obj, &obj.code[ci], rels, syms, layout)?;
                obj.code[ci].relocs.extend(out);
            }
            Some(SecKind::BtfMaps) => map_initialisers(obj, rels, syms, &layout.kinds, target)?,
            _ => {} // .BTF, .BTF.ext, DWARF, .eh_frame: not ours.
        }
    }
    for cs in &mut obj.code {
        cs.relocs.sort_by_key(|r| r.insn);
    }
    Ok(())
}

fn sym_at<'a>(syms: &'a [Symbol], i: usize, sec: &str, rel: usize) -> Result<&'a Symbol, Error> {
    syms.get(i)
        .ok_or_else(|| format_err(format!("{sec}: relo #{rel}: symbol index {i} out of range")))
}

/// One relocation record of a program, for its error messages.
struct Site<'a> {
    prog: &'a str,
    n: usize,
    off: u64,
    sym: &'a Symbol,
}

impl Site<'_> {
    fn err(&self, what: String) -> Error {
        reloc_err(format!(
            "prog '{}': relo #{} for insn #{} against '{}': {what}",
            self.prog,
            self.n,
            self.off / 8,
            self.sym.name
        ))
    }
}

/// The relocations of code section `cs`, in record order.
fn code_relocs(
    obj: &Object,
    cs: &CodeSection,
    rels: &Rels,
    syms: &[Symbol],
    layout: &Layout<'_>,
) -> Result<Vec<Reloc>, Error> {
    let endian = Endianness::Little;
    let mut out = Vec::with_capacity(rels.len());
    for (n, r) in rels.iter().enumerate() {
        let off = r.r_offset(endian);
        let sym = sym_at(syms, r.r_sym(endian) as usize, &cs.name, n)?;
        let prog = cs
            .funcs
            .iter()
            .find(|f| (f.off as u64..(f.off + f.cnt) as u64).contains(&(off / 8)))
            .map_or(cs.name.as_str(), |f| f.name.as_str());
        let site = Site { prog, n, off, sym };
        if off % 8 != 0 || off / 8 >= cs.insns.len() as u64 {
            return Err(site.err(format!("invalid offset {off} in section {}", cs.name)));
        }
        let idx = (off / 8) as usize;
        let insn = cs.insns[idx];
        if sym.shndx == SHN_COMMON {
            return Err(site.err(
                "symbol is COMMON; initialise the global variable or build with -fno-common".into(),
            ));
        }
        let kind = if insn.code == insn::CALL {
            call_target(&obj.code, &layout.kinds, insn, &site)?
        } else if insn.is_ld_imm64() {
            if idx + 1 >= cs.insns.len() {
                return Err(site.err("truncated ld_imm64".into()));
            }
            ld_imm64_target(obj, layout, insn, &site)?
        } else {
            return Err(site.err(format!(
                "insn code {:#04x} is not ld_imm64 or call",
                insn.code
            )));
        };
        out.push(Reloc {
            insn: idx,
            kind,
            sym: sym.name.clone(),
        });
    }
    Ok(out)
}

/// A BPF-to-BPF call: the callee's instruction in `.text`.
fn call_target(
    code: &[CodeSection],
    kinds: &[SecKind],
    insn: Insn,
    site: &Site<'_>,
) -> Result<RelocKind, Error> {
    let sym = site.sym;
    if insn.src() != insn::BPF_PSEUDO_CALL {
        return Err(site.err(format!(
            "call with src_reg {} is not a BPF-to-BPF call",
            insn.src()
        )));
    }
    // As libbpf: calls that need a relocation may only target .text (a static
    // function of the same section is called without one).
    let tci = match kinds.get(sym.shndx).copied() {
        Some(SecKind::Code(tci)) if code[tci].name == ".text" => tci,
        Some(SecKind::Code(tci)) => {
            return Err(site.err(format!(
                "bad call relo: target is in section '{}', not .text",
                code[tci].name
            )))
        }
        _ => return Err(site.err("call target is not in a code section".into())),
    };
    if sym.value % 8 != 0 {
        return Err(site.err("misaligned call target".into()));
    }
    let target = (sym.value / 8) as i64 + i64::from(insn.imm) + 1;
    if target < 0 || target as usize >= code[tci].insns.len() {
        return Err(site.err("call target outside its section".into()));
    }
    Ok(RelocKind::Call {
        sec: tci,
        insn: target as usize,
    })
}

/// What an `ld_imm64` loads: a subprogram's address, a map, or an address inside a
/// global-data map.
fn ld_imm64_target(
    obj: &Object,
    layout: &Layout<'_>,
    insn: Insn,
    site: &Site<'_>,
) -> Result<RelocKind, Error> {
    let sym = site.sym;
    let addend = i64::from(insn.imm);
    if sym.shndx == 0 {
        return Err(Error::Unsupported("extern symbols (.kconfig/.ksyms)")).inspect_err(|_| {
            crate::log::warn(format_args!(
                "prog '{}': extern '{}' (.kconfig/.ksyms) is not supported yet",
                site.prog, sym.name
            ))
        });
    }
    let kind = layout.kinds.get(sym.shndx).copied();
    // A subprogram's address (a callback): clang emits a plain ld_imm64 against the
    // code section; the loader marks it BPF_PSEUDO_FUNC.
    if insn.src() == insn::BPF_PSEUDO_FUNC || matches!(kind, Some(SecKind::Code(_))) {
        let Some(SecKind::Code(tci)) = kind else {
            return Err(site.err("function address outside a code section".into()));
        };
        let t = (sym.value as i64 + addend) / 8;
        if t < 0 || t as usize >= obj.code[tci].insns.len() {
            return Err(site.err("function address outside its section".into()));
        }
        return Ok(RelocKind::FuncAddr {
            sec: tci,
            insn: t as usize,
        });
    }
    let legacy_maps = layout.legacy_maps.map(|(i, _)| i);
    if Some(sym.shndx) == legacy_maps || Some(sym.shndx) == layout.btf_maps {
        // Static maps are referenced through the section symbol plus the
        // instruction's implicit addend; globals through their own symbol.
        let moff = sym.value as i64 + if sym.typ == E::STT_SECTION { addend } else { 0 };
        let map = obj
            .maps
            .iter()
            .position(|m| m.shndx == sym.shndx && m.sec_off as i64 == moff);
        let Some(map) = map else {
            return Err(site.err(format!("no map defined at offset {moff}")));
        };
        return Ok(RelocKind::MapFd { map });
    }
    let Some(SecKind::Data(map)) = kind else {
        return Err(site.err("relocation against a section that is neither a map nor data".into()));
    };
    let o = sym.value as i64 + addend;
    if o < 0 || o as u64 > obj.maps[map].sec_size {
        return Err(site.err(format!("offset {o} outside {}", obj.maps[map].name)));
    }
    Ok(RelocKind::MapValue { map, off: o as u32 })
}

/// `.maps` relocations: initial slots of PROG_ARRAY and map-in-map definitions.
fn map_initialisers(
    obj: &mut Object,
    rels: &Rels,
    syms: &[Symbol],
    kinds: &[SecKind],
    shndx: usize,
) -> Result<(), Error> {
    let endian = Endianness::Little;
    for (n, r) in rels.iter().enumerate() {
        let off = r.r_offset(endian);
        let sym = sym_at(syms, r.r_sym(endian) as usize, ".maps", n)?;
        let Some(mi) = obj.maps.iter().position(|m| {
            m.shndx == shndx
                && m.kind == MapKind::Btf
                && (m.sec_off..m.sec_off + m.sec_size).contains(&off)
        }) else {
            return Err(format_err(format!(
                ".maps: relo #{n} at offset {off} is not inside a map"
            )));
        };
        let m = &obj.maps[mi];
        let Some(vo) = m.values_off else {
            return Err(format_err(format!(
                "map '{}': initialiser for a map without 'values'",
                m.name
            )));
        };
        let rel = off - m.sec_off;
        if rel < u64::from(vo) || (rel - u64::from(vo)) % 8 != 0 {
            return Err(format_err(format!(
                "map '{}': misplaced 'values' initialiser",
                m.name
            )));
        }
        let slot = ((rel - u64::from(vo)) / 8) as u32;
        if m.map_type == maps::BPF_MAP_TYPE_PROG_ARRAY {
            if !matches!(kinds.get(sym.shndx), Some(SecKind::Code(_))) || sym.typ != E::STT_FUNC {
                return Err(format_err(format!(
                    "map '{}': slot {slot}: '{}' is not a program",
                    m.name, sym.name
                )));
            }
            obj.maps[mi].init_progs.push((slot, sym.name.clone()));
        } else {
            if sym.shndx != shndx {
                return Err(format_err(format!(
                    "map '{}': slot {slot}: '{}' is not a map",
                    m.name, sym.name
                )));
            }
            obj.maps[mi].init_maps.push((slot, sym.name.clone()));
        }
    }
    Ok(())
}
