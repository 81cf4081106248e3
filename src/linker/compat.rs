//! Whether a global symbol's BTF in a new input is compatible with the one
//! already in the output (libbpf's `glob_syms_match`,
//! `glob_sym_btf_matches` and `map_defs_match`), with libbpf 1.1.2's messages.
//!
//! Modifiers and typedefs are skipped on both sides; pointers compare only the
//! shape of what they point to (a FWD matches a STRUCT or UNION of its name);
//! arrays ignore their length; INT, FLOAT and ENUM compare sizes only; FUNC
//! and VAR linkages must agree on static-ness. An extern map in `.maps` must
//! match the definition field by field.
//!
//! Must not call: `crate::sys`.

use super::input::SrcObj;
use super::{GlobSym, Linker};
use crate::btf::{parse_btf_map_def, Btf, BtfMapDef, Kind, Type, LINKAGE_STATIC};
use crate::log::warn;

/// The compared pair's kind name as libbpf prints it.
fn kind_str(t: &Type<'_>) -> &'static str {
    t.kind().as_str()
}

fn struct_or_union(t: &Type<'_>, kflag_union: bool) -> bool {
    (kflag_union && t.kind() == Kind::Union) || (!kflag_union && t.kind() == Kind::Struct)
}

/// One side of a FWD-versus-concrete comparison.
fn fwd_matches(sym: &str, fwd: &Type<'_>, other: &Type<'_>) -> bool {
    if struct_or_union(other, fwd.kflag()) {
        return true;
    }
    warn(format_args!(
        "global '{sym}': incompatible {} forward declaration and concrete kind {}",
        if fwd.kflag() { "union" } else { "struct" },
        kind_str(other)
    ));
    false
}

/// libbpf's `glob_sym_btf_matches`: type `id1` of `btf1` against `id2` of
/// `btf2`; `exact` compares STRUCT/UNION members too.
pub(super) fn btf_matches(
    sym: &str,
    exact: bool,
    btf1: &Btf,
    id1: u32,
    btf2: &Btf,
    id2: u32,
) -> bool {
    let (mut exact, mut id1, mut id2) = (exact, id1, id2);
    loop {
        let (Some((_, t1)), Some((_, t2))) = (
            btf1.skip_mods_and_typedefs(id1),
            btf2.skip_mods_and_typedefs(id2),
        ) else {
            return false;
        };
        let (k1, k2) = (t1.kind(), t2.kind());
        if !exact && (k1 == Kind::Fwd) != (k2 == Kind::Fwd) {
            if t1.name() != t2.name() {
                warn(format_args!(
                    "global '{sym}': incompatible forward declaration names '{}' and '{}'",
                    t1.name(),
                    t2.name()
                ));
                return false;
            }
            return if k1 == Kind::Fwd {
                fwd_matches(sym, &t1, &t2)
            } else {
                fwd_matches(sym, &t2, &t1)
            };
        }
        if k1 != k2 {
            warn(format_args!(
                "global '{sym}': incompatible BTF kinds {} and {}",
                kind_str(&t1),
                kind_str(&t2)
            ));
            return false;
        }
        // libbpf compares names only for these kinds, and prints a NULL name
        // ("(null)") for the others.
        let named = matches!(
            k1,
            Kind::Struct
                | Kind::Union
                | Kind::Enum
                | Kind::Enum64
                | Kind::Fwd
                | Kind::Func
                | Kind::Var
        );
        let n1 = if named { t1.name() } else { "(null)" };
        if named && t1.name() != t2.name() {
            warn(format_args!(
                "global '{sym}': incompatible {} names '{}' and '{}'",
                kind_str(&t1),
                t1.name(),
                t2.name()
            ));
            return false;
        }
        match k1 {
            Kind::Void | Kind::Fwd => return true,
            Kind::Int | Kind::Float | Kind::Enum | Kind::Enum64 => {
                if t1.size() != t2.size() {
                    warn(format_args!(
                        "global '{sym}': incompatible {} '{n1}' size {} and {}",
                        kind_str(&t1),
                        t1.size(),
                        t2.size()
                    ));
                    return false;
                }
                return true;
            }
            Kind::Ptr => {
                exact = false;
                (id1, id2) = (t1.type_id(), t2.type_id());
            }
            Kind::Array => {
                let (Some(a1), Some(a2)) = (t1.array(), t2.array()) else {
                    return false;
                };
                (id1, id2) = (a1.elem_type, a2.elem_type);
            }
            Kind::Func | Kind::Var => {
                let (s1, s2) = if k1 == Kind::Func {
                    (t1.func_linkage(), t2.func_linkage())
                } else {
                    (t1.var_linkage(), t2.var_linkage())
                };
                if (s1 == Some(LINKAGE_STATIC)) != (s2 == Some(LINKAGE_STATIC)) {
                    warn(format_args!(
                        "global '{sym}': incompatible {} '{n1}' linkage",
                        kind_str(&t1)
                    ));
                    return false;
                }
                (id1, id2) = (t1.type_id(), t2.type_id());
            }
            Kind::Struct | Kind::Union => {
                return !exact || members_match(sym, btf1, &t1, btf2, &t2);
            }
            Kind::FuncProto => {
                if t1.vlen() != t2.vlen() {
                    warn(format_args!(
                        "global '{sym}': incompatible number of {} params {} and {}",
                        kind_str(&t1),
                        t1.vlen(),
                        t2.vlen()
                    ));
                    return false;
                }
                // Parameter names are not compared.
                if !t1
                    .params()
                    .zip(t2.params())
                    .all(|(p1, p2)| btf_matches(sym, exact, btf1, p1.type_id, btf2, p2.type_id))
                {
                    return false;
                }
                (id1, id2) = (t1.type_id(), t2.type_id());
            }
            _ => {
                warn(format_args!(
                    "global '{sym}': unsupported BTF kind {}",
                    kind_str(&t1)
                ));
                return false;
            }
        }
    }
}

fn members_match(sym: &str, btf1: &Btf, t1: &Type<'_>, btf2: &Btf, t2: &Type<'_>) -> bool {
    if t1.vlen() != t2.vlen() {
        warn(format_args!(
            "global '{sym}': incompatible number of {} fields {} and {}",
            kind_str(t1),
            t1.vlen(),
            t2.vlen()
        ));
        return false;
    }
    for (i, (m1, m2)) in t1.members().zip(t2.members()).enumerate() {
        if m1.name != m2.name {
            warn(format_args!(
                "global '{sym}': incompatible field #{i} names '{}' and '{}'",
                m1.name, m2.name
            ));
            return false;
        }
        if m1.raw_offset != m2.raw_offset {
            warn(format_args!(
                "global '{sym}': incompatible field #{i} ('{}') offsets",
                m1.name
            ));
            return false;
        }
        if !btf_matches(sym, true, btf1, m1.type_id, btf2, m2.type_id) {
            return false;
        }
    }
    true
}

/// libbpf's `map_defs_match` (its value-type mismatch reads "key type" too).
fn map_defs_match(sym: &str, b1: &Btf, d1: &BtfMapDef, b2: &Btf, d2: &BtfMapDef) -> bool {
    let types_match = |id1: u32, id2: u32| id1 == 0 || btf_matches(sym, true, b1, id1, b2, id2);
    let reason = if d1.map_type.unwrap_or(0) != d2.map_type.unwrap_or(0) {
        "type"
    } else if d1.key_size.unwrap_or(0) != d2.key_size.unwrap_or(0) {
        "key_size"
    } else if (d1.key_type_id != 0) != (d2.key_type_id != 0)
        || !types_match(d1.key_type_id, d2.key_type_id)
    {
        "key type"
    } else if d1.value_size.unwrap_or(0) != d2.value_size.unwrap_or(0) {
        "value_size"
    } else if (d1.value_type_id != 0) != (d2.value_type_id != 0) {
        "value type"
    } else if !types_match(d1.value_type_id, d2.value_type_id) {
        "key type"
    } else if d1.max_entries != d2.max_entries {
        "max_entries"
    } else if d1.map_flags != d2.map_flags {
        "map_flags"
    } else if d1.numa_node != d2.numa_node {
        "numa_node"
    } else if d1.pinning != d2.pinning {
        "pinning"
    } else if d1.inner.is_some() != d2.inner.is_some() {
        "inner map"
    } else {
        return match (&d1.inner, &d2.inner) {
            (Some(i1), Some(i2)) => map_defs_match(&format!("{sym}.inner"), b1, i1, b2, i2),
            _ => true,
        };
    };
    warn(format_args!("global '{sym}': map {reason} mismatch"));
    false
}

/// The map definition a `.maps` VAR's type describes.
fn map_def(btf: &Btf, var: Option<Type<'_>>, sym: &str) -> Option<BtfMapDef> {
    let (sid, _) = btf.skip_mods_and_typedefs(var?.type_id())?;
    parse_btf_map_def(btf, sid, sym, false).ok()
}

impl Linker {
    /// libbpf's `glob_syms_match`: both sides need BTF; only VARs and FUNCs
    /// link; `.maps` definitions compare as maps, the rest as types.
    pub(super) fn glob_syms_match(
        &self,
        sym: &str,
        glob: &GlobSym,
        obj: &SrcObj,
        btf_id: u32,
    ) -> bool {
        let Some(src_btf) = obj.btf.as_ref().filter(|_| glob.btf_id != 0 && btf_id != 0) else {
            warn(format_args!(
                "BTF info is missing for global symbol '{sym}'"
            ));
            return false;
        };
        let Some(src_t) = src_btf.ty(btf_id) else {
            return false;
        };
        if src_t.kind() != Kind::Var && src_t.kind() != Kind::Func {
            warn(format_args!(
                "only extern variables and functions are supported, but got '{}' for '{sym}'",
                kind_str(&src_t)
            ));
            return false;
        }
        if glob.sec_id != 0 && self.secs[glob.sec_id].name == ".maps" {
            if src_t.kind() != Kind::Var {
                warn(format_args!(
                    "global '{sym}': invalid map definition type [{btf_id}]"
                ));
                return false;
            }
            let Some(src_def) = map_def(src_btf, Some(src_t), sym) else {
                warn(format_args!("global '{sym}': invalid map definition"));
                return false;
            };
            let Some(dst_def) = map_def(&self.btf, self.btf.ty(glob.btf_id), sym) else {
                warn(format_args!("global '{sym}': invalid dst map definition"));
                return false;
            };
            return map_defs_match(sym, &self.btf, &dst_def, src_btf, &src_def);
        }
        btf_matches(sym, true, &self.btf, glob.btf_id, src_btf, btf_id)
    }
}
