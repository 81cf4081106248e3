//! Phase 7: `SHT_REL` sections. Relocations of a code section become [`Reloc`]s
//! (map fd, global-data address, BPF-to-BPF call, callback address); relocations
//! of `.maps` are the initial slots of PROG_ARRAY and map-in-map definitions.
//! Relocations of other sections (`.BTF`, `.BTF.ext`, DWARF) are not ours.
//! Must not call: `crate::sys`.

use super::sections::Elf;
use super::{Layout, SecKind, Symbol, SHN_COMMON};
use crate::error::Error;
use crate::insn::{self, Insn};
use crate::object::externs::ExternKind;
use crate::object::maps::{internal_map_name, MapKind};
use crate::object::{
    format_err, reloc_err, CodeSection, Name, NameTable, Object, Reloc, RelocKind,
};
use crate::uapi;
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
    syms: &[Symbol<'_>],
    table: &NameTable,
    path_name: &str,
) -> Result<(), Error> {
    // The name of each symbol relocations refer to, made once and shared.
    let mut shared = Shared {
        table,
        names: vec![None; syms.len()],
        maps_at: MapsAt::new(obj),
    };
    for &(ri, rshdr) in &layout.rels {
        let target = rshdr.sh_info(elf.endian) as usize;
        let rels = match rshdr.rel(elf.endian, elf.data) {
            Ok(Some((rels, _))) => rels,
            Ok(None) => continue,
            Err(_) => {
                return Err(format_err(format!(
                    "{path_name}: {}: bad relocation section",
                    layout.secs[ri].name
                )))
            }
        };
        match layout.kinds.get(target).copied() {
            Some(SecKind::Code(ci)) => {
                crate::log::debug(format_args!(
                    "sec '{}': collecting relocation for section({target}) '{}'",
                    layout.secs[ri].name, obj.code[ci].name
                ));
                let rel_name = &layout.secs[ri].name;
                let cs = &obj.code[ci];
                let out = code_relocs(obj, cs, rel_name, rels, syms, layout, &mut shared)?;
                let relocs = &mut obj.code[ci].relocs;
                if relocs.is_empty() {
                    *relocs = out;
                } else {
                    relocs.extend(out);
                }
            }
            Some(SecKind::BtfMaps) => map_initialisers(obj, rels, syms, &layout.kinds, target)?,
            Some(SecKind::StructOps) => struct_ops_relos(obj, rels, syms)?,
            _ => {} // .BTF, .BTF.ext, DWARF, .eh_frame: not ours.
        }
    }
    // Compilers write them in order: a sort (stable, so with a scratch copy as
    // large as the list) only for a section that is not.
    for cs in &mut obj.code {
        if !cs.relocs.is_sorted_by_key(|r| r.insn) {
            cs.relocs.sort_by_key(|r| r.insn);
        }
    }
    Ok(())
}

/// `.rel.struct_ops`: the programs of struct_ops maps' function pointers.
fn struct_ops_relos(obj: &mut Object, rels: &Rels, syms: &[Symbol<'_>]) -> Result<(), Error> {
    let endian = Endianness::Little;
    for (n, r) in rels.iter().enumerate() {
        let sym_idx = r.r_sym(endian) as usize;
        let Ok(sym) = sym_at(syms, sym_idx, ".rel.struct_ops", n) else {
            crate::log::warn(format_args!(
                "struct_ops reloc: symbol {sym_idx:x} not found"
            ));
            return Err(format_err(format!(
                ".rel.struct_ops: relo #{n}: bad symbol"
            )));
        };
        let relo = crate::object::struct_ops::StRelo {
            offset: r.r_offset(endian),
            sym_name: &sym.name,
            sym_shndx: sym.shndx,
            sym_value: sym.value,
            sym_idx,
        };
        crate::object::struct_ops::assign_program(obj, &relo)?;
    }
    Ok(())
}

fn sym_at<'a, 's>(
    syms: &'a [Symbol<'s>],
    i: usize,
    sec: &str,
    rel: usize,
) -> Result<&'a Symbol<'s>, Error> {
    syms.get(i)
        .ok_or_else(|| format_err(format!("{sec}: relo #{rel}: symbol index {i} out of range")))
}

/// What the relocations of every code section share: the name of each symbol
/// they refer to, made once, and the maps by position.
struct Shared<'t> {
    table: &'t NameTable,
    names: Vec<Option<Name>>,
    maps_at: MapsAt,
}

/// The maps by (section, offset), for the map relocations of every program.
struct MapsAt(Vec<(usize, u64, usize)>);

impl MapsAt {
    fn new(obj: &Object) -> MapsAt {
        let mut v: Vec<_> = (obj.maps.iter().enumerate())
            .map(|(i, m)| (m.shndx, m.sec_off, i))
            .collect();
        v.sort_unstable();
        MapsAt(v)
    }

    /// The first map defined at `off` of section `shndx`.
    fn find(&self, shndx: usize, off: i64) -> Option<usize> {
        let off = u64::try_from(off).ok()?;
        let i = self.0.partition_point(|&(s, o, _)| (s, o) < (shndx, off));
        self.0
            .get(i)
            .filter(|&&(s, o, _)| (s, o) == (shndx, off))
            .map(|&(_, _, m)| m)
    }
}

/// One relocation record of a program, for its error messages.
struct Site<'a> {
    cs: &'a CodeSection,
    n: usize,
    off: u64,
    sym: &'a Symbol<'a>,
}

impl Site<'_> {
    /// The function holding the instruction (the section's name if none does):
    /// looked up only when a message needs it.
    fn prog(&self) -> &str {
        self.func().0
    }

    /// The function holding the instruction and the instruction's index in it
    /// (the section's name and index in the section if no function holds it).
    fn func(&self) -> (&str, u64) {
        let at = self.off / 8;
        self.cs
            .funcs
            .iter()
            .find(|f| (f.off as u64..(f.off + f.cnt) as u64).contains(&at))
            .map_or((self.cs.name.as_str(), at), |f| {
                (f.name.as_str(), at - f.off as u64)
            })
    }

    /// libbpf's debug line for what the relocation was found to be (calls and
    /// function addresses have none).
    fn log_found(&self, obj: &Object, kind: &RelocKind) {
        let (prog, at) = self.func();
        match *kind {
            RelocKind::Extern { ext, .. } => crate::log::debug(format_args!(
                "prog '{prog}': found extern #{ext} '{}' (sym {}) for insn #{at}",
                obj.externs[ext].name, obj.externs[ext].sym_idx
            )),
            RelocKind::MapFd { map } => {
                let m = &obj.maps[map];
                crate::log::debug(format_args!(
                    "prog '{prog}': found map {map} ({}, sec {}, off {}) for insn #{at}",
                    m.name, m.shndx, m.sec_off
                ))
            }
            RelocKind::MapValue { map, .. } => {
                let m = &obj.maps[map];
                crate::log::debug(format_args!(
                    "prog '{prog}': found data map {map} ({}, sec {}, off 0) for insn {at}",
                    internal_map_name(&obj.name, &m.name),
                    m.shndx
                ))
            }
            _ => {}
        }
    }

    fn err(&self, what: String) -> Error {
        reloc_err(format!(
            "prog '{}': relo #{} for insn #{} against '{}': {what}",
            self.prog(),
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
    rel_name: &str,
    rels: &Rels,
    syms: &[Symbol<'_>],
    layout: &Layout<'_>,
    shared: &mut Shared<'_>,
) -> Result<Vec<Reloc>, Error> {
    let endian = Endianness::Little;
    let mut out = Vec::with_capacity(rels.len());
    for (n, r) in rels.iter().enumerate() {
        let off = r.r_offset(endian);
        let sym_idx = r.r_sym(endian) as usize;
        let sym = sym_at(syms, sym_idx, &cs.name, n)?;
        let site = Site { cs, n, off, sym };
        if off % 8 != 0 || off / 8 >= cs.insns.len() as u64 {
            return Err(site.err(format!("invalid offset {off} in section {}", cs.name)));
        }
        let idx = (off / 8) as usize;
        // A static function's relocation names its section symbol.
        let shown = if sym.typ == E::STT_SECTION && sym.name.is_empty() {
            layout.secs.get(sym.shndx).map_or("<?", |s| &*s.name)
        } else {
            &*sym.name
        };
        crate::log::debug(format_args!(
            "sec '{rel_name}': relo #{n}: insn #{idx} against '{shown}'"
        ));
        let insn = cs.insns[idx];
        if sym.shndx == SHN_COMMON {
            return Err(site.err(
                "symbol is COMMON; initialise the global variable or build with -fno-common".into(),
            ));
        }
        if insn.is_ld_imm64() && idx + 1 >= cs.insns.len() {
            return Err(site.err("truncated ld_imm64".into()));
        }
        let ext = obj.externs.iter().position(|e| e.sym_idx == sym_idx);
        let kind = if let Some(ext) = ext {
            extern_target(obj, ext, insn, &site)?
        } else if insn.code == insn::CALL {
            call_target(&obj.code, &layout.kinds, insn, &site)?
        } else if insn.is_ld_imm64() {
            ld_imm64_target(obj, layout, &shared.maps_at, insn, &site)?
        } else {
            return Err(site.err(format!(
                "insn code {:#04x} is not ld_imm64 or call",
                insn.code
            )));
        };
        // Finding the function that holds the instruction scans the section's
        // functions: only for a line that is printed.
        if crate::log::enabled(crate::log::Level::Debug) {
            site.log_found(obj, &kind);
        }
        // A map's own symbol shares the map's name.
        let map_name = match kind {
            RelocKind::MapFd { map } | RelocKind::MapValue { map, .. } => {
                obj.maps.get(map).map(|m| &m.name)
            }
            _ => None,
        };
        let sym = shared.names[sym_idx].get_or_insert_with(|| match map_name {
            Some(n) if *n == *sym.name => n.clone(),
            _ => shared.table.name(&sym.name),
        });
        out.push(Reloc {
            insn: idx,
            kind,
            sym: sym.clone(),
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
    if insn.src() != uapi::BPF_PSEUDO_CALL {
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
    maps_at: &MapsAt,
    insn: Insn,
    site: &Site<'_>,
) -> Result<RelocKind, Error> {
    let sym = site.sym;
    let addend = i64::from(insn.imm);
    if sym.shndx == 0 {
        return Err(
            site.err("undefined symbol that is no extern; forgot to initialize global var?".into())
        );
    }
    let kind = layout.kinds.get(sym.shndx).copied();
    // A subprogram's address (a callback): clang emits a plain ld_imm64 against the
    // code section; the loader marks it BPF_PSEUDO_FUNC.
    if insn.src() == uapi::BPF_PSEUDO_FUNC || matches!(kind, Some(SecKind::Code(_))) {
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
        let Some(map) = maps_at.find(sym.shndx, moff) else {
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

/// A reference to extern `ext`: a call must call a kfunc (an extern FUNC in
/// `.ksyms`), anything else must be an `ld_imm64`.
fn extern_target(
    obj: &Object,
    ext: usize,
    insn: Insn,
    site: &Site<'_>,
) -> Result<RelocKind, Error> {
    let call = insn.code == insn::CALL;
    let is_func = matches!(obj.externs[ext].kind, ExternKind::Ksym { func: true, .. });
    if call && !is_func {
        return Err(site.err("call of an extern that is not a kernel function".into()));
    }
    if !call && !insn.is_ld_imm64() {
        return Err(site.err(format!(
            "insn code {:#04x} is not ld_imm64 or call",
            insn.code
        )));
    }
    Ok(RelocKind::Extern { ext, call })
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
        let sym_idx = r.r_sym(endian) as usize;
        let sym = sym_at(syms, sym_idx, ".maps", n)?;
        crate::log::debug(format_args!(
            ".maps relo #{n}: for {sym_idx} value {} rel->r_offset {off} name {} ('{}')",
            sym.value, sym.name_off, sym.name
        ));
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
        let is_prog = m.map_type == uapi::BPF_MAP_TYPE_PROG_ARRAY;
        if is_prog {
            if !matches!(kinds.get(sym.shndx), Some(SecKind::Code(_))) || sym.typ != E::STT_FUNC {
                return Err(format_err(format!(
                    "map '{}': slot {slot}: '{}' is not a program",
                    m.name, sym.name
                )));
            }
            obj.maps[mi].init_progs.push((slot, sym.name.to_string()));
        } else {
            if sym.shndx != shndx {
                return Err(format_err(format!(
                    "map '{}': slot {slot}: '{}' is not a map",
                    m.name, sym.name
                )));
            }
            obj.maps[mi].init_maps.push((slot, sym.name.to_string()));
        }
        crate::log::debug(format_args!(
            ".maps relo #{n}: map '{}' slot [{slot}] points to {} '{}'",
            obj.maps[mi].name,
            if is_prog { "prog" } else { "map" },
            sym.name
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testelf::*;
    use super::*;
    use crate::error::libbpf_errno::{FORMAT, RELOC};
    use crate::object::OpenOpts;

    fn parse(file: &[u8]) -> Result<Object, Error> {
        super::super::parse(file, "t.o", &OpenOpts::default())
    }

    fn code_of(insns: &[[Insn; 2]], tail: &[Insn]) -> Vec<Insn> {
        insns.iter().flatten().chain(tail).copied().collect()
    }

    #[test]
    fn relocations_to_maps_calls_and_data() {
        let mut b = ElfBuilder::new();
        let text = b.code(".text", &[mov_r0(1), exit()]);
        let insns = code_of(
            &[ld_imm64(0), ld_imm64(20), ld_imm64(4), ld_imm64(0)],
            &[call(-1), ld_imm64(8)[0], ld_imm64(8)[1], exit()],
        );
        let xdp = b.code("xdp", &insns);
        let maps = b.data("maps", &[0; 40]);
        let data = b.data(".data", &[0; 8]);
        b.func("prog", xdp, 0, 12, true);
        let sub = b.func("sub", text, 0, 2, true);
        let m0 = b.object("m0", maps, 0, 20);
        b.object("m1", maps, 20, 20);
        let maps_sec = b.section_symbol(maps);
        let data_sec = b.section_symbol(data);
        let g = b.object("g", data, 4, 4);
        let text_sec = b.section_symbol(text);
        // Out of insn order: the parser sorts them.
        b.rel(
            xdp,
            &[
                (64, sub),
                (0, m0),
                (16, maps_sec),
                (32, data_sec),
                (48, g),
                (72, text_sec),
            ],
        );
        let obj = parse(&b.build()).unwrap();
        let names: Vec<_> = obj.maps.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["m0", "m1", ".data"]);
        let got: Vec<_> = obj.code[1]
            .relocs
            .iter()
            .map(|r| (r.insn, r.kind, r.sym.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, RelocKind::MapFd { map: 0 }, "m0"),
                (2, RelocKind::MapFd { map: 1 }, ""), // static map: section + addend
                (4, RelocKind::MapValue { map: 2, off: 4 }, ""),
                (6, RelocKind::MapValue { map: 2, off: 4 }, "g"),
                (8, RelocKind::Call { sec: 0, insn: 0 }, "sub"),
                (9, RelocKind::FuncAddr { sec: 0, insn: 1 }, ""),
            ]
        );
        assert!(obj.code[0].relocs.is_empty());
    }

    /// `xdp` = [ld_imm64 0, mov, exit] with one relocation `(offset, symbol)`,
    /// the symbol made by `sym` (given the builder and the sections: xdp, tc,
    /// `.data`, `license`).
    fn one_reloc(off: u64, sym: impl FnOnce(&mut ElfBuilder, [usize; 4]) -> u32) -> (i32, String) {
        let mut b = ElfBuilder::new();
        let xdp = b.code("xdp", &code_of(&[ld_imm64(0)], &[mov_r0(0), exit()]));
        let tc = b.code("tc", &[call(-1), exit()]);
        let data = b.data(".data", &[0; 8]);
        let lic = b.data("license", b"GPL\0");
        b.func("prog", xdp, 0, 4, true);
        b.func("cls", tc, 0, 2, true);
        let s = sym(&mut b, [xdp, tc, data, lic]);
        b.rel(xdp, &[(off, s)]);
        failure(parse(&b.build()))
    }

    #[test]
    fn relocation_errors() {
        let reloc = |insn: u64, prog: &str, sym: &str, what: &str| {
            let m = format!("prog '{prog}': relo #0 for insn #{insn} against '{sym}': {what}");
            (RELOC, format!("{m}: Relocation failed"))
        };
        let data_obj = |b: &mut ElfBuilder, s: [usize; 4]| b.object("v", s[2], 0, 4);
        assert_eq!(
            one_reloc(0, |_, _| 99),
            (
                FORMAT,
                "xdp: relo #0: symbol index 99 out of range: BPF object format invalid".into()
            )
        );
        assert_eq!(
            one_reloc(96, data_obj),
            reloc(12, "xdp", "v", "invalid offset 96 in section xdp")
        );
        assert_eq!(
            one_reloc(4, data_obj),
            reloc(0, "prog", "v", "invalid offset 4 in section xdp")
        );
        assert_eq!(
            one_reloc(16, data_obj),
            reloc(2, "prog", "v", "insn code 0xb7 is not ld_imm64 or call")
        );
        let common = |b: &mut ElfBuilder, _| b.object("c", SHN_COMMON, 0, 4);
        let want = "symbol is COMMON; initialise the global variable or build with -fno-common";
        assert_eq!(one_reloc(0, common), reloc(0, "prog", "c", want));
        let outside = |b: &mut ElfBuilder, s: [usize; 4]| {
            let sec = b.section_symbol(s[2]);
            b.object("x", s[2], 9, 0);
            sec + 1
        };
        assert_eq!(
            one_reloc(0, outside),
            reloc(0, "prog", "x", "offset 9 outside .data")
        );
        let lic = |b: &mut ElfBuilder, s: [usize; 4]| b.object("l", s[3], 0, 4);
        let want = "relocation against a section that is neither a map nor data";
        assert_eq!(one_reloc(0, lic), reloc(0, "prog", "l", want));
        let tc_fn = |b: &mut ElfBuilder, s: [usize; 4]| {
            b.symbol("f", s[1], 16, 0, E::STT_NOTYPE, E::STB_LOCAL, 0)
        };
        assert_eq!(
            one_reloc(0, tc_fn),
            reloc(0, "prog", "f", "function address outside its section")
        );
        // Undefined, but an OBJECT: not an extern.
        let undef = |b: &mut ElfBuilder, _| b.object("CONFIG_HZ", 0, 0, 0);
        let want = "undefined symbol that is no extern; forgot to initialize global var?";
        assert_eq!(one_reloc(0, undef), reloc(0, "prog", "CONFIG_HZ", want));
    }

    #[test]
    fn call_errors() {
        let calls = |target: &dyn Fn(&mut ElfBuilder, usize, usize) -> u32| {
            let mut b = ElfBuilder::new();
            let text = b.code(".text", &[exit()]);
            let xdp = b.code("xdp", &[call(-1), exit(), ld_imm64(0)[0]]);
            let tc = b.code("tc", &[exit()]);
            b.func("prog", xdp, 0, 2, true);
            b.func("cls", tc, 0, 1, true);
            let s = target(&mut b, text, tc);
            let (ld, truncated) = (b.func("prog2", xdp, 2, 1, true), 16);
            b.rel(xdp, &[(0, s), (truncated, ld)]);
            failure(parse(&b.build()))
        };
        let reloc = |sym: &str, what: &str| {
            let m = format!("prog 'prog': relo #0 for insn #0 against '{sym}': {what}");
            (RELOC, format!("{m}: Relocation failed"))
        };
        let want = "bad call relo: target is in section 'tc', not .text";
        assert_eq!(
            calls(&|b, _, tc| b.func("t", tc, 0, 1, true)),
            reloc("t", want)
        );
        let want = "call target is not in a code section";
        assert_eq!(
            calls(&|b, _, _| b.object("lic", 0xff00, 0, 1)),
            reloc("lic", want)
        );
        let want = "misaligned call target";
        let odd = |b: &mut ElfBuilder, text: usize, _| {
            b.symbol("o", text, 3, 0, E::STT_NOTYPE, E::STB_GLOBAL, 0)
        };
        assert_eq!(calls(&odd), reloc("o", want));
        let want = "call target outside its section";
        let far = |b: &mut ElfBuilder, text: usize, _| {
            b.symbol("far", text, 8, 0, E::STT_NOTYPE, E::STB_GLOBAL, 0)
        };
        assert_eq!(calls(&far), reloc("far", want));
        // A good call: the error is the second record's truncated ld_imm64.
        let e = calls(&|b, text, _| b.func("sub", text, 0, 1, true));
        let m = "prog 'prog2': relo #1 for insn #2 against 'prog2': truncated ld_imm64";
        assert_eq!(e, (RELOC, format!("{m}: Relocation failed")));
    }

    #[test]
    fn map_relocation_errors() {
        let mut b = ElfBuilder::new();
        let xdp = b.code("xdp", &code_of(&[ld_imm64(8)], &[exit()]));
        let maps = b.data("maps", &[0; 20]);
        b.func("prog", xdp, 0, 3, true);
        b.object("m", maps, 0, 20);
        let sec = b.section_symbol(maps);
        b.rel(xdp, &[(0, sec)]);
        let m = "prog 'prog': relo #0 for insn #0 against '': no map defined at offset 8";
        assert_eq!(
            failure(parse(&b.build())),
            (RELOC, format!("{m}: Relocation failed"))
        );
    }

    #[test]
    fn bad_and_foreign_relocation_sections() {
        let mut b = ElfBuilder::new();
        let xdp = b.code("xdp", &[exit()]);
        let lic = b.data("license", b"GPL\0");
        b.func("prog", xdp, 0, 1, true);
        // Relocations of a section that is not code or .maps are not looked at.
        b.rel(lic, &[(1000, 99)]);
        let rel = b.rel(xdp, &[]);
        let good = b.build();
        assert!(parse(&good).is_ok());
        let mut f = good.clone();
        patch_shdr(
            &mut f,
            rel,
            SH_OFFSET,
            &(good.len() as u64 + 16).to_le_bytes(),
        );
        let want = "t.o: .relxdp: bad relocation section: BPF object format invalid";
        assert_eq!(failure(parse(&f)), (FORMAT, want.into()));
        let mut f = good.clone();
        patch_shdr(
            &mut f,
            rel,
            SH_SIZE,
            &(REL_SIZE as u64 * 1000).to_le_bytes(),
        );
        assert_eq!(failure(parse(&f)), (FORMAT, want.into()));
        // A symbol index patched out of range in the records.
        let mut b = ElfBuilder::new();
        let xdp = b.code("xdp", &code_of(&[ld_imm64(0)], &[exit()]));
        let data = b.data(".data", &[0; 8]);
        b.func("prog", xdp, 0, 3, true);
        let v = b.object("v", data, 0, 8);
        let rel = b.rel(xdp, &[(0, v)]);
        let mut f = b.build();
        assert!(parse(&f).is_ok());
        patch_record(&mut f, rel, REL_SIZE, 0, R_INFO + 4, &7u32.to_le_bytes());
        let want = "xdp: relo #0: symbol index 7 out of range: BPF object format invalid";
        assert_eq!(failure(parse(&f)), (FORMAT, want.into()));
        patch_record(&mut f, rel, REL_SIZE, 0, R_OFFSET, &8u64.to_le_bytes());
        patch_record(&mut f, rel, REL_SIZE, 0, R_INFO + 4, &v.to_le_bytes());
        let m =
            "prog 'prog': relo #0 for insn #1 against 'v': insn code 0x00 is not ld_imm64 or call";
        assert_eq!(
            failure(parse(&f)),
            (RELOC, format!("{m}: Relocation failed"))
        );
        // The symbol's section index out of range.
        patch_record(&mut f, rel, REL_SIZE, 0, R_OFFSET, &0u64.to_le_bytes());
        let symtab = rel + 1;
        patch_record(
            &mut f,
            symtab,
            SYM_SIZE,
            v as usize,
            ST_SHNDX,
            &0x7fffu16.to_le_bytes(),
        );
        let m = "prog 'prog': relo #0 for insn #0 against 'v': \
                 relocation against a section that is neither a map nor data";
        assert_eq!(
            failure(parse(&f)),
            (RELOC, format!("{m}: Relocation failed"))
        );
    }

    #[test]
    fn maps_section_initialisers() {
        let build = |off: u64, sym: Option<u32>| {
            let mut b = ElfBuilder::new();
            let maps = b.data(".maps", &[0; 32]);
            b.data(".BTF", &btf_hash_maps(&["a"]));
            let a = b.object("a", maps, 0, 32);
            b.rel(maps, &[(off, sym.unwrap_or(a))]);
            failure(parse(&b.build()))
        };
        let fmt = |m: &str| (FORMAT, format!("{m}: BPF object format invalid"));
        assert_eq!(
            build(40, None),
            fmt(".maps: relo #0 at offset 40 is not inside a map")
        );
        assert_eq!(
            build(8, None),
            fmt("map 'a': initialiser for a map without 'values'")
        );
        assert_eq!(
            build(8, Some(42)),
            fmt(".maps: relo #0: symbol index 42 out of range")
        );
    }
}
