//! ELF bytes → [`Object`]: sections, symbols, programs, maps, relocations.
//!
//! Every offset, size and index read from the file is checked (the `object` crate
//! bounds-checks section data; we check symbol/instruction indexes); malformed input
//! is a `LIBBPF_ERRNO__FORMAT`/`__RELOC` error naming the section or program.

use super::maps::{data_map, parse_legacy_def, DataKind, MapDef, MapKind};
use super::{
    format_err, reloc_err, sec, CodeSection, Func, Object, OpenOpts, ProgDef, Reloc, RelocKind,
};
use crate::btf::{parse_btf_map_def, Btf, BtfExt, Kind};
use crate::error::{libbpf_errno, Error};
use crate::insn::Insn;
use crate::uapi;
use object::elf::{self as E, FileHeader64};
use object::read::elf::{FileHeader, Rel, SectionHeader, Sym};
use object::Endianness;

type Hdr = FileHeader64<Endianness>;

/// One symbol, decoded.
#[derive(Debug, Clone)]
struct Symbol {
    name: String,
    shndx: usize,
    value: u64,
    size: u64,
    typ: u8,
    bind: u8,
    hidden: bool,
}

/// What a section is to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecKind {
    Code(usize),
    LegacyMaps,
    BtfMaps,
    Data(usize),
    Other,
}

/// A global-data section: index, name, kind, size, initial bytes.
type DataSec = (usize, String, DataKind, u64, Option<Vec<u8>>);

const SHN_COMMON: usize = E::SHN_COMMON as usize;

pub fn parse(data: &[u8], path_name: &str, opts: &OpenOpts) -> Result<Object, Error> {
    if data.len() < 4 || &data[..4] != b"\x7fELF" {
        return Err(format_err(format!(
            "'{path_name}' is not a proper ELF object"
        )));
    }
    let hdr = Hdr::parse(data)
        .map_err(|e| format_err(format!("{path_name}: invalid ELF header: {e}")))?;
    let endian = hdr
        .endian()
        .map_err(|e| format_err(format!("{path_name}: {e}")))?;
    if endian != Endianness::Little {
        return Err(Error::Libbpf(
            libbpf_errno::ENDIAN,
            format!("{path_name}: big-endian BPF object; this host is little-endian"),
        ));
    }
    let machine = hdr.e_machine(endian);
    if hdr.e_type(endian) != E::ET_REL || (machine != 0 && machine != E::EM_BPF) {
        return Err(format_err(format!(
            "{path_name}: not a BPF relocatable object (e_type {}, e_machine {machine})",
            hdr.e_type(endian)
        )));
    }
    let sections = hdr
        .sections(endian, data)
        .map_err(|e| format_err(format!("{path_name}: bad section table: {e}")))?;
    let symtab = sections
        .symbols(endian, data, E::SHT_SYMTAB)
        .map_err(|e| format_err(format!("{path_name}: bad symbol table: {e}")))?;
    if symtab.is_empty() {
        return Err(format_err(format!(
            "{path_name}: no symbol table (.symtab)"
        )));
    }

    // Symbols.
    let mut syms = Vec::with_capacity(symtab.len());
    for (i, s) in symtab.symbols().iter().enumerate() {
        let name = symtab
            .symbol_name(endian, s)
            .map_err(|_| format_err(format!("{path_name}: symbol #{i}: name outside .strtab")))?;
        syms.push(Symbol {
            name: String::from_utf8_lossy(name).into_owned(),
            shndx: usize::from(s.st_shndx(endian)),
            value: s.st_value(endian),
            size: s.st_size(endian),
            typ: s.st_type(),
            bind: s.st_bind(),
            hidden: matches!(s.st_other() & 3, E::STV_HIDDEN | E::STV_INTERNAL),
        });
    }

    let mut obj = Object {
        name: opts
            .object_name
            .clone()
            .unwrap_or_else(|| Object::name_from_path(path_name)),
        license: String::new(),
        kversion: 0,
        maps: Vec::new(),
        progs: Vec::new(),
        code: Vec::new(),
        btf: None,
        btf_ext: None,
    };

    let mut kinds = vec![SecKind::Other; sections.len()];
    let mut sec_names = vec![String::new(); sections.len()];
    let mut sec_sizes = vec![0u64; sections.len()];
    let mut legacy_maps_shndx = None;
    let mut btf_maps_shndx = None;
    let mut btf_data: Option<&[u8]> = None;
    let mut btf_ext_data: Option<&[u8]> = None;
    let mut data_secs: Vec<DataSec> = Vec::new();
    let mut rel_secs = Vec::new();

    for (idx, shdr) in sections.enumerate() {
        let i = idx.0;
        if i == 0 {
            continue;
        }
        let name = sections.section_name(endian, shdr).map_err(|_| {
            format_err(format!("{path_name}: section #{i}: name outside .shstrtab"))
        })?;
        let name = String::from_utf8_lossy(name).into_owned();
        let sh_type = shdr.sh_type(endian);
        let flags = shdr.sh_flags(endian);
        let size = shdr.sh_size(endian);
        sec_sizes[i] = size;
        let bytes = || -> Result<&[u8], Error> {
            if sh_type == E::SHT_NOBITS {
                return Ok(&[]);
            }
            shdr.data(endian, data).map_err(|_| {
                format_err(format!(
                    "{path_name}: section {name}: data past the end of the file"
                ))
            })
        };
        match (name.as_str(), sh_type) {
            ("license", _) => {
                let b = bytes()?;
                let end = b.iter().position(|&c| c == 0).unwrap_or(b.len()).min(127);
                obj.license = String::from_utf8_lossy(&b[..end]).into_owned();
            }
            ("version", _) => {
                let b = bytes()?;
                if b.len() != 4 {
                    return Err(Error::Libbpf(
                        libbpf_errno::KVERSION,
                        format!(
                            "{path_name}: 'version' section has {} bytes, expected 4",
                            b.len()
                        ),
                    ));
                }
                obj.kversion = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
            ("maps", _) => {
                if opts.reject_legacy_maps {
                    crate::log::warn(format_args!(
                        "elf: legacy map definitions in 'maps' section are not supported by libbpf v1.0+"
                    ));
                    return Err(Error::Unsupported("legacy 'maps' section in strict mode"));
                }
                legacy_maps_shndx = Some(i);
                kinds[i] = SecKind::LegacyMaps;
            }
            (".maps", _) => {
                btf_maps_shndx = Some(i);
                kinds[i] = SecKind::BtfMaps;
            }
            (".BTF", _) => btf_data = Some(bytes()?),
            (".BTF.ext", _) => btf_ext_data = Some(bytes()?),
            (_, E::SHT_PROGBITS) if flags & u64::from(E::SHF_EXECINSTR) != 0 => {
                let b = bytes()?;
                if b.is_empty() {
                    // An empty code section (e.g. an unused .text) carries nothing.
                } else if b.len() % Insn::SIZE != 0 {
                    return Err(format_err(format!(
                        "{path_name}: section {name}: size {} is not a multiple of 8",
                        b.len()
                    )));
                } else {
                    kinds[i] = SecKind::Code(obj.code.len());
                    obj.code.push(CodeSection {
                        name: name.clone(),
                        shndx: i,
                        insns: Insn::decode_all(b),
                        funcs: Vec::new(),
                        relocs: Vec::new(),
                    });
                }
            }
            (_, E::SHT_PROGBITS)
                if is_data_sec(&name, ".data") || is_data_sec(&name, ".rodata") =>
            {
                let b = bytes()?;
                if !b.is_empty() {
                    let k = if is_data_sec(&name, ".data") {
                        DataKind::Data
                    } else {
                        DataKind::Rodata
                    };
                    data_secs.push((i, name.clone(), k, size, Some(b.to_vec())));
                }
            }
            (_, E::SHT_NOBITS) if is_data_sec(&name, ".bss") && size > 0 => {
                data_secs.push((i, name.clone(), DataKind::Bss, size, None));
            }
            (_, E::SHT_REL) => rel_secs.push((i, shdr)),
            _ => {}
        }
        sec_names[i] = name;
    }

    // BTF: optional unless BTF-defined maps need it.
    if let Some(b) = btf_data {
        match Btf::parse(b) {
            Ok(mut btf) => {
                let sym_of = |n: &str| {
                    syms.iter()
                        .find(|s| s.name == n && s.typ == E::STT_OBJECT && s.shndx != 0)
                        .and_then(|s| u32::try_from(s.value).ok().map(|v| (v, s.hidden)))
                };
                let size_of = |n: &str| {
                    sec_names
                        .iter()
                        .position(|s| s == n)
                        .and_then(|i| u32::try_from(sec_sizes[i]).ok())
                };
                if let Err(e) = btf.fixup_datasecs(&size_of, &sym_of) {
                    crate::log::warn(format_args!(
                        "{path_name}: BTF DATASEC fix-up failed: {e}; BTF ignored"
                    ));
                } else {
                    if let Some(x) = btf_ext_data {
                        match BtfExt::parse(x, &btf) {
                            Ok(ext) => obj.btf_ext = Some(ext),
                            Err(e) => crate::log::warn(format_args!(
                                "{path_name}: error parsing .BTF.ext: {e}; ignored, continuing"
                            )),
                        }
                    }
                    obj.btf = Some(btf);
                }
            }
            Err(e) => crate::log::warn(format_args!(
                "{path_name}: error parsing .BTF: {e}; ignored, continuing"
            )),
        }
    }

    // Functions of each code section.
    for s in &syms {
        if s.typ != E::STT_FUNC {
            continue;
        }
        if s.shndx == SHN_COMMON {
            continue;
        }
        let Some(SecKind::Code(ci)) = kinds.get(s.shndx).copied() else {
            continue;
        };
        let cs = &mut obj.code[ci];
        if s.value % 8 != 0 || s.size % 8 != 0 {
            return Err(format_err(format!(
                "{path_name}: function {}: misaligned in {}",
                s.name, cs.name
            )));
        }
        let off = (s.value / 8) as usize;
        let cnt = (s.size / 8) as usize;
        if off >= cs.insns.len() || off.checked_add(cnt).is_none_or(|e| e > cs.insns.len()) {
            return Err(format_err(format!(
                "{path_name}: function {} lies outside section {}",
                s.name, cs.name
            )));
        }
        cs.funcs.push(Func {
            name: s.name.clone(),
            off,
            cnt,
            global: s.bind != E::STB_LOCAL,
        });
    }
    for cs in &mut obj.code {
        cs.funcs.sort_by_key(|f| f.off);
        // A size of 0 means "up to the next function or the end of the section".
        let n = cs.funcs.len();
        for k in 0..n {
            if cs.funcs[k].cnt == 0 {
                let end = if k + 1 < n {
                    cs.funcs[k + 1].off
                } else {
                    cs.insns.len()
                };
                cs.funcs[k].cnt = end.saturating_sub(cs.funcs[k].off);
            }
        }
        if cs.funcs.is_empty() {
            // Very old objects: no function symbols; the whole section is one program,
            // named by a global symbol at its start, or by the section itself.
            let name = syms
                .iter()
                .find(|s| {
                    s.shndx == cs.shndx
                        && s.value == 0
                        && s.bind != E::STB_LOCAL
                        && s.typ != E::STT_SECTION
                })
                .map(|s| s.name.clone())
                .unwrap_or_else(|| cs.name.clone());
            cs.funcs.push(Func {
                name,
                off: 0,
                cnt: cs.insns.len(),
                global: true,
            });
        }
    }

    // Programs: every function of every code section except .text, in section order.
    for (ci, cs) in obj.code.iter().enumerate() {
        if cs.name == ".text" {
            continue;
        }
        let def = sec::find_sec_def(&cs.name).or_else(|| sec::find_sec_def_legacy(&cs.name));
        for f in &cs.funcs {
            if !f.global {
                return Err(Error::Errno(
                    libc::ENOTSUP,
                    "static programs are not supported",
                ))
                .inspect_err(|_| {
                    crate::log::warn(format_args!(
                        "sec '{}': program '{}' is static and not supported",
                        cs.name, f.name
                    ))
                });
            }
            obj.progs.push(ProgDef {
                name: f.name.clone(),
                sec_name: cs.name.clone(),
                code: ci,
                insn_off: f.off,
                insn_cnt: f.cnt,
                prog_type: def.map_or(uapi::BPF_PROG_TYPE_UNSPEC, |d| d.prog_type),
                expected_attach_type: def.map_or(0, |d| d.expected_attach_type),
                sec_def: def,
            });
        }
    }

    // Maps, in libbpf's order: legacy, BTF-defined, global data.
    if let Some(ms) = legacy_maps_shndx {
        parse_legacy_maps(
            &mut obj,
            &syms,
            ms,
            sections.section(object::SectionIndex(ms)).ok(),
            endian,
            data,
            path_name,
            opts,
        )?;
    }
    if let Some(ms) = btf_maps_shndx {
        parse_btf_maps(&mut obj, ms, sec_sizes[ms], opts)?;
    }
    for (shndx, name, kind, size, init) in data_secs {
        let mut m = data_map(&name, kind, shndx, size, init)?;
        if let Some(btf) = &obj.btf {
            m.btf_value_type_id = btf.datasec_by_name(&name).unwrap_or(0);
        }
        // As libbpf: mmapable only when the section's DATASEC has a non-static
        // variable (something a skeleton would expose).
        let exposed = obj.btf.as_ref().is_some_and(|btf| {
            btf.ty(m.btf_value_type_id)
                .filter(|t| m.btf_value_type_id != 0 && t.kind() == crate::btf::Kind::Datasec)
                .is_some_and(|t| {
                    t.datasec_vars().any(|v| {
                        btf.ty(v.type_id)
                            .and_then(|vt| vt.var_linkage())
                            .is_some_and(|l| l != 0)
                    })
                })
        });
        if !exposed {
            m.map_flags &= !uapi::BPF_F_MMAPABLE;
        }
        kinds[shndx] = SecKind::Data(obj.maps.len());
        obj.maps.push(m);
    }

    // Relocations.
    for (ri, rshdr) in rel_secs {
        let target = rshdr.sh_info(endian) as usize;
        let rels = match rshdr.rel(endian, data) {
            Ok(Some((rels, _))) => rels,
            Ok(None) => continue,
            Err(_) => {
                return Err(format_err(format!(
                    "{path_name}: {}: bad relocation section",
                    sec_names[ri]
                )))
            }
        };
        match kinds.get(target).copied() {
            Some(SecKind::Code(ci)) => code_relocs(
                &mut obj,
                ci,
                rels,
                &syms,
                &kinds,
                legacy_maps_shndx,
                btf_maps_shndx,
            )?,
            Some(SecKind::BtfMaps) => map_initialisers(&mut obj, rels, &syms, &kinds, target)?,
            _ => {} // .BTF, .BTF.ext, DWARF, .eh_frame: not ours.
        }
    }
    for cs in &mut obj.code {
        cs.relocs.sort_by_key(|r| r.insn);
    }
    Ok(obj)
}

/// `.data`, `.data.foo` (not `.data_foo`): libbpf's DATA_SEC / RODATA_SEC / BSS_SEC rule.
fn is_data_sec(name: &str, base: &str) -> bool {
    name == base || name.strip_prefix(base).is_some_and(|r| r.starts_with('.'))
}

#[allow(clippy::too_many_arguments)]
fn parse_legacy_maps(
    obj: &mut Object,
    syms: &[Symbol],
    shndx: usize,
    shdr: Option<&object::elf::SectionHeader64<Endianness>>,
    endian: Endianness,
    data: &[u8],
    path_name: &str,
    opts: &OpenOpts,
) -> Result<(), Error> {
    let bytes = match shdr {
        Some(h) => h
            .data(endian, data)
            .map_err(|_| format_err(format!("{path_name}: maps: data past the end")))?,
        None => &[][..],
    };
    let mut map_syms: Vec<&Symbol> = syms
        .iter()
        .filter(|s| s.shndx == shndx && s.typ != E::STT_SECTION && !s.name.is_empty())
        .collect();
    if map_syms.is_empty() {
        return Ok(());
    }
    if bytes.is_empty() || bytes.len() % map_syms.len() != 0 {
        return Err(format_err(format!(
            "{path_name}: 'maps' section of {} bytes does not divide into {} map definitions",
            bytes.len(),
            map_syms.len()
        )));
    }
    let def_size = bytes.len() / map_syms.len();
    map_syms.sort_by_key(|s| s.value);
    for s in map_syms {
        if obj.maps.iter().any(|m| m.name == s.name) {
            return Err(format_err(format!(
                "{path_name}: duplicate map name '{}'",
                s.name
            )));
        }
        let off = usize::try_from(s.value)
            .ok()
            .filter(|o| o % def_size == 0 && o + def_size <= bytes.len());
        let Some(off) = off else {
            return Err(format_err(format!(
                "{path_name}: map '{}': bad offset {} in 'maps'",
                s.name, s.value
            )));
        };
        let raw = &bytes[off..off + def_size];
        let f = parse_legacy_def(&s.name, raw, opts.relaxed_maps)?;
        let mut m = MapDef::empty(s.name.clone(), MapKind::Legacy { def: raw.to_vec() }, shndx);
        m.map_type = f[0];
        m.key_size = f[1];
        m.value_size = f[2];
        m.max_entries = f[3];
        m.map_flags = f[4];
        m.sec_off = s.value;
        m.sec_size = def_size as u64;
        obj.maps.push(m);
    }
    Ok(())
}

fn parse_btf_maps(
    obj: &mut Object,
    shndx: usize,
    sec_size: u64,
    opts: &OpenOpts,
) -> Result<(), Error> {
    let Some(btf) = &obj.btf else {
        return Err(format_err(
            "BTF is required for SEC(\".maps\"), but is missing or corrupted".into(),
        ));
    };
    let Some(ds) = btf.datasec_by_name(".maps") else {
        return Err(format_err("DATASEC '.maps' not found in BTF".into()));
    };
    let Some(dst) = btf.ty(ds) else {
        return Err(format_err("bad .maps DATASEC".into()));
    };
    let mut defs = Vec::new();
    for v in dst.datasec_vars() {
        let Some(var) = btf.ty(v.type_id) else {
            return Err(format_err(format!(
                ".maps: entry type {} not found",
                v.type_id
            )));
        };
        if var.kind() != Kind::Var {
            return Err(format_err(".maps: DATASEC entry is not a VAR".into()));
        }
        let name = var.name().to_string();
        if u64::from(v.offset) + u64::from(v.size) > sec_size {
            return Err(format_err(format!(
                "map '{name}': lies outside the .maps section"
            )));
        }
        let def = parse_btf_map_def(btf, var.type_id(), &name, opts.relaxed_maps)?;
        defs.push((name, v.offset, v.size, def));
    }
    for (name, off, size, d) in defs {
        if obj.maps.iter().any(|m| m.name == name) {
            return Err(format_err(format!("duplicate map name '{name}'")));
        }
        let mut m = from_btf_def(&name, &d, shndx)?;
        m.sec_off = u64::from(off);
        m.sec_size = u64::from(size);
        obj.maps.push(m);
    }
    Ok(())
}

fn from_btf_def(name: &str, d: &crate::btf::BtfMapDef, shndx: usize) -> Result<MapDef, Error> {
    let mut m = MapDef::empty(name.to_string(), MapKind::Btf, shndx);
    m.map_type = d
        .map_type
        .ok_or_else(|| format_err(format!("map '{name}': missing map type")))?;
    m.key_size = d.key_size.unwrap_or(0);
    m.value_size = d.value_size.unwrap_or(0);
    m.max_entries = d.max_entries;
    m.map_flags = d.map_flags;
    m.numa_node = d.numa_node;
    m.map_extra = d.map_extra;
    m.pinning = d.pinning;
    m.btf_key_type_id = d.key_type_id;
    m.btf_value_type_id = d.value_type_id;
    m.values_off = d.values_offset;
    if let Some(inner) = &d.inner {
        m.inner = Some(Box::new(from_btf_def(
            &format!("{name}.inner"),
            inner,
            shndx,
        )?));
    }
    if matches!(
        m.map_type,
        uapi::BPF_MAP_TYPE_ARRAY_OF_MAPS | uapi::BPF_MAP_TYPE_HASH_OF_MAPS
    ) && m.inner.is_none()
    {
        crate::log::debug(format_args!(
            "map '{name}': map-in-map without an inner map definition"
        ));
    }
    Ok(m)
}

fn sym_at<'a>(syms: &'a [Symbol], i: usize, sec: &str, rel: usize) -> Result<&'a Symbol, Error> {
    syms.get(i)
        .ok_or_else(|| format_err(format!("{sec}: relo #{rel}: symbol index {i} out of range")))
}

fn code_relocs(
    obj: &mut Object,
    ci: usize,
    rels: &[object::elf::Rel64<Endianness>],
    syms: &[Symbol],
    kinds: &[SecKind],
    legacy_maps: Option<usize>,
    btf_maps: Option<usize>,
) -> Result<(), Error> {
    let endian = Endianness::Little;
    let mut out = Vec::with_capacity(rels.len());
    let cs = &obj.code[ci];
    for (n, r) in rels.iter().enumerate() {
        let off = r.r_offset(endian);
        let sym = sym_at(syms, r.r_sym(endian) as usize, &cs.name, n)?;
        let prog_name = cs
            .funcs
            .iter()
            .find(|f| (f.off as u64..(f.off + f.cnt) as u64).contains(&(off / 8)))
            .map_or(cs.name.as_str(), |f| f.name.as_str());
        let ctx = |what: String| {
            reloc_err(format!(
                "prog '{prog_name}': relo #{n} for insn #{} against '{}': {what}",
                off / 8,
                sym.name
            ))
        };
        if off % 8 != 0 || off / 8 >= cs.insns.len() as u64 {
            return Err(ctx(format!("invalid offset {off} in section {}", cs.name)));
        }
        let idx = (off / 8) as usize;
        let insn = cs.insns[idx];
        if sym.shndx == SHN_COMMON {
            return Err(ctx(
                "symbol is COMMON; initialise the global variable or build with -fno-common".into(),
            ));
        }
        let kind = if insn.code == crate::insn::CALL {
            if insn.src() != uapi::BPF_PSEUDO_CALL {
                return Err(ctx(format!(
                    "call with src_reg {} is not a BPF-to-BPF call",
                    insn.src()
                )));
            }
            // As libbpf: calls that need a relocation may only target .text (a
            // static function of the same section is called without one).
            let tci = match kinds.get(sym.shndx).copied() {
                Some(SecKind::Code(tci)) if obj.code[tci].name == ".text" => tci,
                Some(SecKind::Code(tci)) => {
                    return Err(ctx(format!(
                        "bad call relo: target is in section '{}', not .text",
                        obj.code[tci].name
                    )))
                }
                _ => return Err(ctx("call target is not in a code section".into())),
            };
            if sym.value % 8 != 0 {
                return Err(ctx("misaligned call target".into()));
            }
            let target = (sym.value / 8) as i64 + i64::from(insn.imm) + 1;
            if target < 0 || target as usize >= obj.code[tci].insns.len() {
                return Err(ctx("call target outside its section".into()));
            }
            RelocKind::Call {
                sec: tci,
                insn: target as usize,
            }
        } else if insn.is_ld_imm64() {
            if idx + 1 >= cs.insns.len() {
                return Err(ctx("truncated ld_imm64".into()));
            }
            let addend = i64::from(insn.imm);
            if sym.shndx == 0 {
                return Err(Error::Unsupported("extern symbols (.kconfig/.ksyms)")).inspect_err(
                    |_| {
                        crate::log::warn(format_args!(
                        "prog '{prog_name}': extern '{}' (.kconfig/.ksyms) is not supported yet",
                        sym.name
                    ))
                    },
                );
            }
            // A subprogram's address (a callback): clang emits a plain ld_imm64
            // against the code section; the loader marks it BPF_PSEUDO_FUNC.
            if insn.src() == uapi::BPF_PSEUDO_FUNC
                || matches!(kinds.get(sym.shndx), Some(SecKind::Code(_)))
            {
                let Some(SecKind::Code(tci)) = kinds.get(sym.shndx).copied() else {
                    return Err(ctx("function address outside a code section".into()));
                };
                let t = (sym.value as i64 + addend) / 8;
                if t < 0 || t as usize >= obj.code[tci].insns.len() {
                    return Err(ctx("function address outside its section".into()));
                }
                RelocKind::FuncAddr {
                    sec: tci,
                    insn: t as usize,
                }
            } else if Some(sym.shndx) == legacy_maps || Some(sym.shndx) == btf_maps {
                // Static maps are referenced through the section symbol plus the
                // instruction's implicit addend; globals through their own symbol.
                let moff = sym.value as i64 + if sym.typ == E::STT_SECTION { addend } else { 0 };
                let map = obj
                    .maps
                    .iter()
                    .position(|m| m.shndx == sym.shndx && m.sec_off as i64 == moff);
                let Some(map) = map else {
                    return Err(ctx(format!("no map defined at offset {moff}")));
                };
                RelocKind::MapFd { map }
            } else if let Some(SecKind::Data(map)) = kinds.get(sym.shndx).copied() {
                let o = sym.value as i64 + addend;
                if o < 0 || o as u64 > obj.maps[map].sec_size {
                    return Err(ctx(format!("offset {o} outside {}", obj.maps[map].name)));
                }
                RelocKind::MapValue { map, off: o as u32 }
            } else {
                return Err(ctx(
                    "relocation against a section that is neither a map nor data".into(),
                ));
            }
        } else {
            return Err(ctx(format!(
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
    obj.code[ci].relocs.extend(out);
    Ok(())
}

/// `.maps` relocations: initial slots of PROG_ARRAY and map-in-map definitions.
fn map_initialisers(
    obj: &mut Object,
    rels: &[object::elf::Rel64<Endianness>],
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
        if m.map_type == uapi::BPF_MAP_TYPE_PROG_ARRAY {
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
