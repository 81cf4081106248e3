//! Phase 6: the object's maps, appended to [`Object::maps`] in libbpf's order:
//! legacy `SEC("maps")` definitions ([`legacy`]), BTF-defined `SEC(".maps")`
//! ([`btf_defined`]), then one internal map per global-data section ([`data`]).
//! The definitions themselves are decoded by `object::maps` and `btf::maps`.
//! Must not call: `crate::sys`.

use super::sections::Elf;
use super::{DataSec, NameBuild, SecKind, Shdr, Symbol};
use crate::btf::{parse_btf_map_def, Btf, BtfMapDef, Kind};
use crate::error::Error;
use crate::object::maps::{data_map, parse_legacy_def, MapDef, MapKind};
use crate::object::{format_err, Few, Name, NameTable, Object, OpenOpts};
use crate::uapi;
use object::elf as E;
use object::read::elf::SectionHeader;
use std::collections::HashSet;

/// Legacy definitions of section `shndx`: one per named symbol in it, all of the
/// size that divides the section evenly among them (16, 20, 28… bytes).
pub(super) fn legacy(
    obj: &mut Object,
    elf: &Elf<'_>,
    syms: &[Symbol],
    shndx: usize,
    shdr: &Shdr,
    path_name: &str,
    opts: &OpenOpts,
) -> Result<(), Error> {
    let bytes = shdr
        .data(elf.endian, elf.data)
        .map_err(|_| format_err(format!("{path_name}: maps: data past the end")))?;
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
        if obj.maps.iter().any(|m| *m.name == *s.name) {
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
        let mut m = MapDef::empty(&*s.name, MapKind::Legacy { def: raw.to_vec() }, shndx);
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

/// The maps of the `.maps` DATASEC (section `shndx`, `sec_size` bytes); needs BTF.
/// The list gets room for `more` maps after them (the global-data ones).
pub(super) fn btf_defined(
    obj: &mut Object,
    shndx: usize,
    sec_size: u64,
    more: usize,
    table: &NameTable,
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
    let mut defs = Few::new();
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
        let name = var.name();
        if u64::from(v.offset) + u64::from(v.size) > sec_size {
            return Err(format_err(format!(
                "map '{name}': lies outside the .maps section"
            )));
        }
        crate::log::debug(format_args!(
            "map '{name}': at sec_idx {shndx}, offset {}.",
            v.offset
        ));
        let def = parse_btf_map_def(btf, var.type_id(), name, opts.relaxed_maps)?;
        if crate::log::enabled(crate::log::Level::Debug) {
            log_def_members(btf, var.type_id(), name, &def);
        }
        defs.push((name, v.offset, v.size, def));
    }
    // Names already taken (legacy maps come first), for the duplicate check:
    // a few are compared one by one, more through a hash set.
    const FEW_MAPS: usize = 8;
    let hashed = obj.maps.len() + defs.len() > FEW_MAPS;
    let mut taken: HashSet<&str, NameBuild> = if hashed {
        obj.maps.iter().map(|m| m.name.as_str()).collect()
    } else {
        HashSet::default()
    };
    let mut maps: Few<MapDef> = Few::with_capacity(defs.len() + more);
    for (name, off, size, d) in defs {
        let dup = if hashed {
            !taken.insert(name)
        } else {
            obj.maps.iter().chain(maps.iter()).any(|m| m.name == name)
        };
        if dup {
            return Err(format_err(format!("duplicate map name '{name}'")));
        }
        let mut m = from_btf_def(table.name(name), &d, shndx)?;
        m.sec_off = u64::from(off);
        m.sec_size = u64::from(size);
        maps.push(m);
    }
    if obj.maps.is_empty() {
        obj.maps = maps;
    } else {
        obj.maps.extend(maps);
    }
    Ok(())
}

/// The debug lines of one BTF map definition (and of its inner map's).
fn log_def_members(btf: &Btf, var_type: u32, name: &str, def: &BtfMapDef) {
    let members: Vec<&str> = match btf.skip_mods_and_typedefs(var_type) {
        Some((_, t)) => t.members().map(|m| m.name).collect(),
        None => Vec::new(),
    };
    log_def(name, def, &|f| members.contains(&f));
    if let Some(inner) = &def.inner {
        log_def(&format!("{name}.inner"), inner, &|f| match f {
            "max_entries" => inner.max_entries != 0,
            "map_flags" => inner.map_flags != 0,
            "numa_node" => inner.numa_node != 0,
            _ => false,
        });
    }
}

/// libbpf's account of a BTF map definition, in its fixed order (not the
/// order of the members); `has` says whether the definition sets a member.
fn log_def(name: &str, d: &BtfMapDef, has: &dyn Fn(&str) -> bool) {
    let found = |what: std::fmt::Arguments<'_>| {
        crate::log::debug(format_args!("map '{name}': found {what}."));
    };
    found(format_args!("type = {}", d.map_type.unwrap_or(0)));
    for (what, id, size) in [
        ("key", d.key_type_id, d.key_size),
        ("value", d.value_type_id, d.value_size),
    ] {
        let sz = size.unwrap_or(0);
        if id != 0 {
            found(format_args!("{what} [{id}], sz = {sz}"));
        } else if has(&format!("{what}_size")) {
            found(format_args!("{what}_size = {sz}"));
        }
    }
    if has("max_entries") {
        found(format_args!("max_entries = {}", d.max_entries));
    }
    if has("map_flags") {
        found(format_args!("map_flags = {:#x}", d.map_flags));
    }
    if has("map_extra") {
        found(format_args!("map_extra = {}", d.map_extra));
    }
    if has("pinning") {
        found(format_args!("pinning = {}", d.pinning));
    }
    if has("numa_node") {
        found(format_args!("numa_node = {}", d.numa_node));
    }
    if d.inner.is_some() {
        found(format_args!("inner map definition"));
    }
}

fn from_btf_def(name: Name, d: &BtfMapDef, shndx: usize) -> Result<MapDef, Error> {
    let mut m = MapDef::empty(name.clone(), MapKind::Btf, shndx);
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
            Name::new(&format!("{name}.inner")),
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

/// One array map per global-data section, typed by its DATASEC when there is BTF;
/// marks each section [`SecKind::Data`] with its map's index.
pub(super) fn data(
    obj: &mut Object,
    data_secs: Vec<DataSec<'_>>,
    kinds: &mut [SecKind],
) -> Result<(), Error> {
    for (shndx, name, kind, size, init) in data_secs {
        let mut m = data_map(&name, kind, shndx, size, init)?;
        if let Some(btf) = &obj.btf {
            m.btf_value_type_id = btf.datasec_by_name(&name).unwrap_or(0);
        }
        // As libbpf: mmapable only when the section's DATASEC has a non-static
        // variable (something a skeleton would expose).
        let exposed = obj.btf.as_ref().is_some_and(|btf| {
            btf.ty(m.btf_value_type_id)
                .filter(|t| m.btf_value_type_id != 0 && t.kind() == Kind::Datasec)
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
        log_data_map(obj, &name, shndx, m.map_flags);
        kinds[shndx] = SecKind::Data(obj.maps.len());
        obj.maps.push(m);
    }
    Ok(())
}

/// libbpf's debug lines for the global-data map of section `name` (index
/// `shndx`), about to become map number `obj.maps.len()`.
pub(super) fn log_data_map(obj: &Object, name: &str, shndx: usize, flags: u32) {
    let real = crate::object::maps::internal_map_name(&obj.name, name);
    crate::log::debug(format_args!(
        "map '{real}' (global data): at sec_idx {shndx}, offset 0, flags {flags:x}."
    ));
    crate::log::debug(format_args!("map {} is \"{real}\"", obj.maps.len()));
}

#[cfg(test)]
mod tests {
    use super::super::testelf::*;
    use super::*;
    use crate::btf::write::BtfBuilder;
    use crate::btf::{INT_SIGNED, LINKAGE_GLOBAL, LINKAGE_STATIC};
    use crate::error::libbpf_errno::FORMAT;
    use crate::object::maps::DataKind;

    fn parse(b: &ElfBuilder, opts: &OpenOpts) -> Result<Object, Error> {
        super::super::parse(&b.build(), "t.o", opts)
    }

    /// An object with one program and a `maps` section of `n` definitions of
    /// `size` bytes each, map k being {type k+1, key 4, value 8, max 16·(k+1),
    /// flags k} plus `tail` in every byte past 20.
    fn legacy_maps(size: usize, n: usize, tail: u8) -> (ElfBuilder, usize) {
        let mut defs = Vec::new();
        for k in 0..n as u32 {
            let mut d = Vec::new();
            for v in [k + 1, 4, 8, 16 * (k + 1), k] {
                d.extend_from_slice(&v.to_le_bytes());
            }
            d.resize(size.max(20), tail);
            d.truncate(size);
            defs.extend(d);
        }
        let mut b = ElfBuilder::new();
        let xdp = b.code("xdp", &[mov_r0(2), exit()]);
        b.func("prog", xdp, 0, 2, true);
        let maps = b.data("maps", &defs);
        // Symbols in reverse: maps come out in offset order.
        for k in (0..n).rev() {
            b.object(&format!("m{k}"), maps, (k * size) as u64, size as u64);
        }
        (b, maps)
    }

    #[test]
    fn legacy_definitions_of_16_20_and_28_bytes() {
        for size in [16, 20, 28] {
            let (b, shndx) = legacy_maps(size, 2, 0);
            let obj = parse(&b, &OpenOpts::default()).unwrap();
            assert_eq!(obj.maps.len(), 2);
            for (k, m) in obj.maps.iter().enumerate() {
                let k = k as u32;
                let flags = if size == 16 { 0 } else { k };
                assert_eq!(m.name, format!("m{k}"));
                assert_eq!(
                    (
                        m.map_type,
                        m.key_size,
                        m.value_size,
                        m.max_entries,
                        m.map_flags
                    ),
                    (k + 1, 4, 8, 16 * (k + 1), flags),
                    "{size}-byte definition"
                );
                let MapKind::Legacy { def } = &m.kind else {
                    panic!("not legacy: {:?}", m.kind);
                };
                assert_eq!(def.len(), size);
                assert_eq!(
                    (m.shndx, m.sec_off, m.sec_size),
                    (shndx, u64::from(k) * size as u64, size as u64)
                );
            }
        }
    }

    #[test]
    fn legacy_definition_tails() {
        // Non-zero bytes past struct bpf_map_def: refused unless relaxed.
        let (b, _) = legacy_maps(28, 1, 7);
        let e = failure(parse(&b, &OpenOpts::default()));
        let want =
            "invalid argument: legacy map definition has non-zero bytes past struct bpf_map_def";
        assert_eq!(e, (libc::EINVAL, want.into()));
        let relaxed = OpenOpts {
            relaxed_maps: true,
            ..OpenOpts::default()
        };
        let obj = parse(&b, &relaxed).unwrap();
        assert_eq!(obj.maps[0].max_entries, 16);
    }

    #[test]
    fn legacy_errors() {
        let fmt = |m: &str| (FORMAT, format!("t.o: {m}: BPF object format invalid"));
        let def = OpenOpts::default();
        // 40 bytes among 3 symbols.
        let (mut b, maps) = legacy_maps(20, 2, 0);
        b.object("m2", maps, 20, 20);
        let want = fmt("'maps' section of 40 bytes does not divide into 3 map definitions");
        assert_eq!(failure(parse(&b, &def)), want);
        // Offset not on a definition, or past the section.
        let (mut b, maps) = legacy_maps(20, 1, 0);
        b.object("m1", maps, 5, 20);
        assert_eq!(
            failure(parse(&b, &def)),
            fmt("map 'm1': bad offset 5 in 'maps'")
        );
        let (mut b, maps) = legacy_maps(20, 1, 0);
        b.object("m1", maps, 40, 20);
        assert_eq!(
            failure(parse(&b, &def)),
            fmt("map 'm1': bad offset 40 in 'maps'")
        );
        // Two symbols with one name.
        let (mut b, maps) = legacy_maps(20, 1, 0);
        b.object("m0", maps, 20, 20);
        assert_eq!(failure(parse(&b, &def)), fmt("duplicate map name 'm0'"));
        // Symbols, but no bytes.
        let mut b = ElfBuilder::new();
        let maps = b.data("maps", &[]);
        b.object("m", maps, 0, 0);
        let want = fmt("'maps' section of 0 bytes does not divide into 1 map definitions");
        assert_eq!(failure(parse(&b, &def)), want);
        // Definitions outside the file.
        let (b, maps) = legacy_maps(20, 1, 0);
        let mut f = b.build();
        patch_shdr(&mut f, maps, SH_SIZE, &(1u64 << 33).to_le_bytes());
        let e = failure(super::super::parse(&f, "t.o", &def));
        assert_eq!(e, fmt("maps: data past the end"));
        // A section without named symbols defines no map.
        let mut b = ElfBuilder::new();
        let maps = b.data("maps", &[0; 20]);
        b.section_symbol(maps);
        assert!(parse(&b, &def).unwrap().maps.is_empty());
    }

    #[test]
    fn data_sections() {
        let mut b = ElfBuilder::new();
        let rodata = b.data(".rodata", &[9; 4]);
        let data = b.data(".data", &[1, 2, 3, 4, 5, 6, 7, 8]);
        let bss = b.nobits(".bss", 16);
        b.section_symbol(data);
        let obj = parse(&b, &OpenOpts::default()).unwrap();
        let got = fields(&obj.maps, |m| {
            (
                m.name.as_str(),
                m.kind.clone(),
                m.shndx,
                m.value_size,
                m.map_flags,
                m.init.clone(),
            )
        });
        let ro = uapi::BPF_F_RDONLY_PROG;
        assert_eq!(
            got,
            [
                (
                    ".rodata",
                    MapKind::Data(DataKind::Rodata),
                    rodata,
                    4,
                    ro,
                    Some(vec![9; 4])
                ),
                (
                    ".data",
                    MapKind::Data(DataKind::Data),
                    data,
                    8,
                    0,
                    Some(vec![1, 2, 3, 4, 5, 6, 7, 8])
                ),
                (".bss", MapKind::Data(DataKind::Bss), bss, 16, 0, None),
            ]
        );
        for m in &obj.maps {
            assert_eq!(
                (m.map_type, m.key_size, m.max_entries),
                (uapi::BPF_MAP_TYPE_ARRAY, 4, 1)
            );
            assert_eq!((m.sec_off, m.btf_value_type_id), (0, 0));
        }
        // Data maps come after the legacy ones.
        let (mut b, _) = legacy_maps(20, 1, 0);
        b.nobits(".bss", 4);
        let obj = parse(&b, &OpenOpts::default()).unwrap();
        let names = fields(&obj.maps, |m| m.name.as_str());
        assert_eq!(names, ["m0", ".bss"]);
    }

    #[test]
    fn data_sections_with_btf() {
        // .data has a global variable (mmapable, as a skeleton exposes it); .bss
        // only a static one (not mmapable).
        let mut t = BtfBuilder::new();
        let int = t.int("int", 4, INT_SIGNED, 32);
        let g = t.var("g", int, LINKAGE_GLOBAL);
        let s = t.var("s", int, LINKAGE_STATIC);
        let data_ds = t.datasec(".data", 0, &[(g, 0, 4)]);
        let bss_ds = t.datasec(".bss", 0, &[(s, 0, 4)]);
        let mut b = ElfBuilder::new();
        let data = b.data(".data", &[0; 4]);
        let bss = b.nobits(".bss", 4);
        b.data(".BTF", &t.to_bytes());
        b.object("g", data, 0, 4);
        b.symbol("s", bss, 0, 4, E::STT_OBJECT, E::STB_LOCAL, 0);
        let obj = parse(&b, &OpenOpts::default()).unwrap();
        assert!(obj.btf.is_some());
        let m = fields(&obj.maps, |m| (m.btf_value_type_id, m.map_flags));
        assert_eq!(m, [(data_ds, uapi::BPF_F_MMAPABLE), (bss_ds, 0)]);
    }

    #[test]
    fn btf_defined_maps() {
        let mut b = ElfBuilder::new();
        let maps = b.data(".maps", &[0; 64]);
        b.data(".BTF", &btf_hash_maps(&["a", "b"]));
        b.object("a", maps, 0, 32);
        b.object("b", maps, 32, 32);
        let obj = parse(&b, &OpenOpts::default()).unwrap();
        let got = fields(&obj.maps, |m| {
            (
                m.name.as_str(),
                m.kind.clone(),
                m.map_type,
                m.key_size,
                m.value_size,
                m.max_entries,
                m.sec_off,
                m.sec_size,
            )
        });
        assert_eq!(
            got,
            [
                ("a", MapKind::Btf, 1, 4, 4, 4, 0, 32),
                ("b", MapKind::Btf, 1, 4, 4, 4, 32, 32),
            ]
        );
        assert!(obj
            .maps
            .iter()
            .all(|m| m.shndx == maps && m.btf_key_type_id == 1));
    }

    #[test]
    fn btf_defined_map_errors() {
        let fmt = |m: &str| (FORMAT, format!("{m}: BPF object format invalid"));
        let def = OpenOpts::default();
        // No BTF, or BTF that does not parse.
        for btf in [None, Some(&b"garbage"[..])] {
            let mut b = ElfBuilder::new();
            let maps = b.data(".maps", &[0; 32]);
            if let Some(bytes) = btf {
                b.data(".BTF", bytes);
            }
            b.object("a", maps, 0, 32);
            let want = fmt("BTF is required for SEC(\".maps\"), but is missing or corrupted");
            assert_eq!(failure(parse(&b, &def)), want);
        }
        // BTF without a .maps DATASEC.
        let mut b = ElfBuilder::new();
        b.data(".maps", &[0; 32]);
        b.data(".BTF", &BtfBuilder::new().to_bytes());
        assert_eq!(
            failure(parse(&b, &def)),
            fmt("DATASEC '.maps' not found in BTF")
        );
        // A map name used by a legacy map too.
        let (mut b, _) = legacy_maps(20, 1, 0);
        let maps = b.data(".maps", &[0; 32]);
        b.data(".BTF", &btf_hash_maps(&["m0"]));
        b.object("m0", maps, 0, 32);
        assert_eq!(failure(parse(&b, &def)), fmt("duplicate map name 'm0'"));
    }
}
