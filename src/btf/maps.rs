//! BTF-defined maps: the `SEC(".maps")` VARs and their `__uint`/`__type`/`__array`
//! members (spec `btf-core.md` §4.5, libbpf's `parse_btf_map_def`).
//!
//! Failures print one warning naming the map (as libbpf's `pr_warn` does) and
//! return libbpf's errno: `EINVAL` for malformed definitions, `EOPNOTSUPP` for
//! unknown members (unless relaxed) and unsupported nesting.

use super::types::{Kind, Member, Type, LINKAGE_GLOBAL};
use super::Btf;
use crate::error::Error;
use crate::uapi::{
    BPF_MAP_TYPE_ARRAY_OF_MAPS, BPF_MAP_TYPE_HASH_OF_MAPS, BPF_MAP_TYPE_PROG_ARRAY,
    BPF_MAP_TYPE_UNSPEC,
};

/// `LIBBPF_PIN_NONE`, `LIBBPF_PIN_BY_NAME`.
const PIN_BY_NAME: u32 = 1;

/// A BTF-defined map (§4.5) decoded from a VAR in the `.maps` DATASEC.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BtfMapDef {
    pub map_type: Option<u32>,
    /// From `key_size` or the size of `key`'s type.
    pub key_size: Option<u32>,
    /// From `value_size`, the size of `value`'s type, or 4 with `values`.
    pub value_size: Option<u32>,
    /// `key`'s type (0 if not given).
    pub key_type_id: u32,
    /// `value`'s type (0 if not given).
    pub value_type_id: u32,
    pub max_entries: u32,
    pub map_flags: u32,
    pub numa_node: u32,
    /// 0 (none) or 1 (`LIBBPF_PIN_BY_NAME`).
    pub pinning: u32,
    pub map_extra: u64,
    /// The inner map of a map-in-map (`__array(values, struct inner)`).
    pub inner: Option<Box<BtfMapDef>>,
    /// `__array(values, int (void *))` of a PROG_ARRAY.
    pub values_are_progs: bool,
    /// Byte offset of the `values` member inside the map's VAR: `.maps`
    /// relocations past it initialise slots (`(r_offset − var offset −
    /// values_offset) / 8`).
    pub values_offset: Option<u32>,
}

/// One map of the `.maps` DATASEC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BtfMap {
    /// The VAR's name (the map name).
    pub name: String,
    pub var_id: u32,
    /// The VAR's offset and size in the `.maps` section.
    pub offset: u32,
    pub size: u32,
    pub def: BtfMapDef,
}

fn warn(map: &str, args: std::fmt::Arguments<'_>) {
    crate::log::warn(format_args!("map '{map}': {args}"));
}

fn inval(map: &str, args: std::fmt::Arguments<'_>) -> Error {
    warn(map, args);
    Error::BadBtf("invalid BTF map definition")
}

/// Decodes the map definition of VAR `var_type_id` (a global VAR whose type,
/// modifiers and typedefs skipped, is a STRUCT). A STRUCT ID is accepted directly.
///
/// `relaxed` = libbpf's `relaxed_maps`: unknown members are ignored instead of
/// `EOPNOTSUPP`.
pub fn parse_btf_map_def(
    btf: &Btf,
    var_type_id: u32,
    map_name: &str,
    relaxed: bool,
) -> Result<BtfMapDef, Error> {
    let t = btf
        .ty(var_type_id)
        .ok_or_else(|| inval(map_name, format_args!("type [{var_type_id}] not found")))?;
    let def_id = if t.kind() == Kind::Var {
        if t.var_linkage() != Some(LINKAGE_GLOBAL) {
            warn(map_name, format_args!("unsupported map linkage"));
            return Err(Error::Unsupported("BTF map VAR is not global"));
        }
        t.type_id()
    } else {
        var_type_id
    };
    let def = struct_def(btf, def_id, map_name)?;
    parse_def(btf, def, map_name, relaxed, false)
}

fn struct_def<'a>(btf: &'a Btf, id: u32, map_name: &str) -> Result<Type<'a>, Error> {
    match btf.skip_mods_and_typedefs(id) {
        Some((_, t)) if t.kind() == Kind::Struct => Ok(t),
        Some((_, t)) => Err(inval(
            map_name,
            format_args!("unexpected def kind {}", t.kind()),
        )),
        None => Err(inval(map_name, format_args!("def type [{id}] not found"))),
    }
}

/// Decodes every map of the `.maps` DATASEC, with libbpf's per-VAR checks
/// (`bpf_object__init_user_btf_map`): named, within `sec_len` bytes, a global
/// VAR, a STRUCT definition no larger than its slot. No DATASEC → `ENOENT`.
pub fn parse_btf_maps(
    btf: &Btf,
    sec_name: &str,
    sec_len: u64,
    relaxed: bool,
) -> Result<Vec<BtfMap>, Error> {
    let Some(sec) = btf.datasec_by_name(sec_name).and_then(|id| btf.ty(id)) else {
        crate::log::warn(format_args!("DATASEC '{sec_name}' not found."));
        return Err(Error::NotFound("maps DATASEC not found"));
    };
    let mut maps = Vec::with_capacity(sec.vlen() as usize);
    for (i, vi) in sec.datasec_vars().enumerate() {
        let var = btf.ty(vi.type_id).ok_or_else(|| {
            crate::log::warn(format_args!("map #{i}: type [{}] not found.", vi.type_id));
            Error::BadBtf("invalid BTF map definition")
        })?;
        let name = var.name();
        if name.is_empty() {
            crate::log::warn(format_args!("map #{i}: empty name."));
            return Err(Error::BadBtf("BTF map with empty name"));
        }
        if u64::from(vi.offset) + u64::from(vi.size) > sec_len {
            return Err(inval(name, format_args!("BTF data is corrupted.")));
        }
        if var.kind() != Kind::Var {
            return Err(inval(
                name,
                format_args!("unexpected var kind {}.", var.kind()),
            ));
        }
        let def = parse_btf_map_def(btf, vi.type_id, name, relaxed)?;
        let def_size = struct_def(btf, var.type_id(), name)?.size();
        if def_size > vi.size {
            return Err(inval(name, format_args!("invalid def size.")));
        }
        maps.push(BtfMap {
            name: name.to_string(),
            var_id: vi.type_id,
            offset: vi.offset,
            size: vi.size,
            def,
        });
    }
    Ok(maps)
}

/// `__uint(name, N)`: PTR (modifiers skipped) to an ARRAY of N elements.
fn field_uint(btf: &Btf, m: &Member<'_>, map: &str) -> Result<u32, Error> {
    let attr = m.name;
    let t = match btf.skip_mods_and_typedefs(m.type_id) {
        Some((_, t)) if t.kind() == Kind::Ptr => t,
        Some((_, t)) => {
            return Err(inval(
                map,
                format_args!("attr '{attr}': expected PTR, got {}.", t.kind()),
            ))
        }
        None => {
            return Err(inval(
                map,
                format_args!("attr '{attr}': type [{}] not found.", m.type_id),
            ))
        }
    };
    match btf.ty(t.type_id()) {
        Some(a) => match a.array() {
            Some(arr) => Ok(arr.nelems),
            None => Err(inval(
                map,
                format_args!("attr '{attr}': expected ARRAY, got {}.", a.kind()),
            )),
        },
        None => Err(inval(
            map,
            format_args!("attr '{attr}': type [{}] not found.", t.type_id()),
        )),
    }
}

/// `__ulong(name, V)` (libbpf 1.4): an ENUM/ENUM64 with exactly one enumerator;
/// falls back to `__uint`.
fn field_ulong(btf: &Btf, m: &Member<'_>, map: &str) -> Result<u64, Error> {
    match btf.skip_mods_and_typedefs(m.type_id) {
        Some((_, t)) if t.is_any_enum() => match (t.vlen(), t.enum_values().next()) {
            (1, Some(v)) => Ok(v.value),
            _ => Err(inval(
                map,
                format_args!("attr '{}': invalid __ulong", m.name),
            )),
        },
        _ => field_uint(btf, m, map).map(u64::from),
    }
}

/// `__type(name, T)`: PTR to T; returns (T, sizeof T).
fn field_type(btf: &Btf, m: &Member<'_>, map: &str) -> Result<(u32, u32), Error> {
    let what = m.name;
    let t = btf
        .ty(m.type_id)
        .ok_or_else(|| inval(map, format_args!("{what} type [{}] not found.", m.type_id)))?;
    if t.kind() != Kind::Ptr {
        return Err(inval(
            map,
            format_args!("{what} spec is not PTR: {}.", t.kind()),
        ));
    }
    let size = btf.resolve_size(t.type_id()).inspect_err(|e| {
        warn(
            map,
            format_args!(
                "can't determine {what} size for type [{}]: {e}.",
                t.type_id()
            ),
        )
    })?;
    Ok((t.type_id(), size))
}

/// Records a key or value size, checking it against one given the other way.
/// As in libbpf, a previous size of 0 counts as unset.
fn set_size(slot: &mut Option<u32>, sz: u32, what: &str, map: &str) -> Result<(), Error> {
    match *slot {
        Some(old) if old != 0 && old != sz => Err(inval(
            map,
            format_args!("conflicting {what} size {old} != {sz}."),
        )),
        _ => {
            *slot = Some(sz);
            Ok(())
        }
    }
}

fn parse_def(
    btf: &Btf,
    def: Type<'_>,
    map: &str,
    relaxed: bool,
    is_inner: bool,
) -> Result<BtfMapDef, Error> {
    let mut d = BtfMapDef::default();
    let vlen = def.members().len();
    for (i, m) in def.members().enumerate() {
        match m.name {
            "type" => d.map_type = Some(field_uint(btf, &m, map)?),
            "max_entries" => d.max_entries = field_uint(btf, &m, map)?,
            "map_flags" => d.map_flags = field_uint(btf, &m, map)?,
            "numa_node" => d.numa_node = field_uint(btf, &m, map)?,
            "key_size" => {
                let sz = field_uint(btf, &m, map)?;
                set_size(&mut d.key_size, sz, "key", map)?;
            }
            "value_size" => {
                let sz = field_uint(btf, &m, map)?;
                set_size(&mut d.value_size, sz, "value", map)?;
            }
            "key" => {
                let (id, sz) = field_type(btf, &m, map)?;
                set_size(&mut d.key_size, sz, "key", map)?;
                d.key_type_id = id;
            }
            "value" => {
                let (id, sz) = field_type(btf, &m, map)?;
                set_size(&mut d.value_size, sz, "value", map)?;
                d.value_type_id = id;
            }
            "values" => {
                let is_prog_array = d.map_type == Some(BPF_MAP_TYPE_PROG_ARRAY);
                let is_map_in_map = matches!(
                    d.map_type,
                    Some(BPF_MAP_TYPE_ARRAY_OF_MAPS | BPF_MAP_TYPE_HASH_OF_MAPS)
                );
                if is_inner {
                    warn(map, format_args!("multi-level inner maps not supported."));
                    return Err(Error::Unsupported("multi-level inner maps"));
                }
                if i + 1 != vlen {
                    return Err(inval(map, format_args!("'values' member should be last.")));
                }
                if !is_map_in_map && !is_prog_array {
                    warn(map, format_args!("should be map-in-map or prog-array."));
                    return Err(Error::Unsupported(
                        "'values' in a map that is neither map-in-map nor prog-array",
                    ));
                }
                set_size(&mut d.value_size, 4, "value", map)?;
                let desc = if is_map_in_map {
                    "map-in-map inner"
                } else {
                    "prog-array value"
                };
                let elem = match btf.ty(m.type_id).and_then(|t| t.array()) {
                    Some(a) if a.nelems == 0 => a.elem_type,
                    _ => {
                        return Err(inval(
                            map,
                            format_args!("{desc} spec is not a zero-sized array."),
                        ))
                    }
                };
                let ptr = match btf.skip_mods_and_typedefs(elem) {
                    Some((_, p)) if p.kind() == Kind::Ptr => p,
                    other => {
                        let k = other.map_or("invalid", |(_, t)| t.kind().as_str());
                        return Err(inval(
                            map,
                            format_args!("{desc} def is of unexpected kind {k}."),
                        ));
                    }
                };
                let target = btf.skip_mods_and_typedefs(ptr.type_id());
                let kind = target.map(|(_, t)| t.kind());
                if is_prog_array {
                    if kind != Some(Kind::FuncProto) {
                        return Err(inval(
                            map,
                            format_args!("{desc} def is of unexpected kind."),
                        ));
                    }
                    d.values_are_progs = true;
                } else {
                    let Some((_, inner_t)) = target.filter(|(_, t)| t.kind() == Kind::Struct)
                    else {
                        return Err(inval(
                            map,
                            format_args!("{desc} def is of unexpected kind."),
                        ));
                    };
                    let inner_name = format!("{map}.inner");
                    let inner = parse_def(btf, inner_t, &inner_name, relaxed, true)?;
                    d.inner = Some(Box::new(inner));
                }
                d.values_offset = Some(m.bit_offset / 8);
            }
            "pinning" => {
                if is_inner {
                    return Err(inval(map, format_args!("inner def can't be pinned.")));
                }
                let v = field_uint(btf, &m, map)?;
                if v > PIN_BY_NAME {
                    return Err(inval(map, format_args!("invalid pinning value {v}.")));
                }
                d.pinning = v;
            }
            "map_extra" => d.map_extra = field_ulong(btf, &m, map)?,
            other => {
                if !relaxed {
                    warn(map, format_args!("unknown field '{other}'."));
                    return Err(Error::Unsupported("unknown BTF map definition field"));
                }
                crate::log::debug(format_args!(
                    "map '{map}': ignoring unknown field '{other}'."
                ));
            }
        }
    }
    // libbpf compares with BPF_MAP_TYPE_UNSPEC, so `__uint(type, 0)` is missing too.
    if matches!(d.map_type, None | Some(BPF_MAP_TYPE_UNSPEC)) {
        return Err(inval(map, format_args!("map type isn't specified.")));
    }
    Ok(d)
}
