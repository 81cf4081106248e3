//! Phase 6: the object's maps, appended to [`Object::maps`] in libbpf's order:
//! legacy `SEC("maps")` definitions ([`legacy`]), BTF-defined `SEC(".maps")`
//! ([`btf_defined`]), then one internal map per global-data section ([`data`]).
//! The definitions themselves are decoded by `object::maps` and `btf::maps`.
//! Must not call: `crate::sys`.

use super::sections::Elf;
use super::{DataSec, SecKind, Shdr, Symbol};
use crate::btf::{parse_btf_map_def, BtfMapDef, Kind};
use crate::error::Error;
use crate::object::maps::{self, data_map, parse_legacy_def, MapDef, MapKind};
use crate::object::{format_err, Object, OpenOpts};
use object::elf as E;
use object::read::elf::SectionHeader;

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

/// The maps of the `.maps` DATASEC (section `shndx`, `sec_size` bytes); needs BTF.
pub(super) fn btf_defined(
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

fn from_btf_def(name: &str, d: &BtfMapDef, shndx: usize) -> Result<MapDef, Error> {
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
        maps::BPF_MAP_TYPE_ARRAY_OF_MAPS | maps::BPF_MAP_TYPE_HASH_OF_MAPS
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
    data_secs: Vec<DataSec>,
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
            m.map_flags &= !maps::BPF_F_MMAPABLE;
        }
        kinds[shndx] = SecKind::Data(obj.maps.len());
        obj.maps.push(m);
    }
    Ok(())
}
