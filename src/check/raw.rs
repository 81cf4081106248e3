//! BTF as `bpftool btf dump ... format raw` lists it: one line per type,
//! `[id] KIND 'name' attrs`, members, parameters, enumerators and section
//! variables on tab-indented lines after it.

use crate::btf::{Btf, Kind, Type};
use std::fmt::Write;

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Void => "UNKNOWN",
        Kind::Int => "INT",
        Kind::Ptr => "PTR",
        Kind::Array => "ARRAY",
        Kind::Struct => "STRUCT",
        Kind::Union => "UNION",
        Kind::Enum => "ENUM",
        Kind::Fwd => "FWD",
        Kind::Typedef => "TYPEDEF",
        Kind::Volatile => "VOLATILE",
        Kind::Const => "CONST",
        Kind::Restrict => "RESTRICT",
        Kind::Func => "FUNC",
        Kind::FuncProto => "FUNC_PROTO",
        Kind::Var => "VAR",
        Kind::Datasec => "DATASEC",
        Kind::Float => "FLOAT",
        Kind::DeclTag => "DECL_TAG",
        Kind::TypeTag => "TYPE_TAG",
        Kind::Enum64 => "ENUM64",
    }
}

fn name(btf: &Btf, off: u32) -> &str {
    if off == 0 {
        return "(anon)";
    }
    btf.name_at(off).unwrap_or("(invalid)")
}

fn linkage(l: u32) -> &'static str {
    match l {
        0 => "static",
        1 => "global",
        2 => "extern",
        _ => "(unknown)",
    }
}

fn int_encoding(e: u8) -> &'static str {
    match e {
        0 => "(none)",
        1 => "SIGNED",
        2 => "CHAR",
        4 => "BOOL",
        _ => "UNKN",
    }
}

/// One type's lines.
fn type_text(btf: &Btf, t: &Type<'_>, o: &mut String) {
    let k = t.kind();
    let _ = write!(
        o,
        "[{}] {} '{}'",
        t.id(),
        kind_name(k),
        name(btf, t.name_off())
    );
    match k {
        Kind::Int => {
            let _ = write!(
                o,
                " size={} bits_offset={} nr_bits={} encoding={}",
                t.size(),
                t.int_offset(),
                t.int_bits(),
                int_encoding(t.int_encoding())
            );
        }
        Kind::Ptr
        | Kind::Const
        | Kind::Volatile
        | Kind::Restrict
        | Kind::Typedef
        | Kind::TypeTag => {
            let _ = write!(o, " type_id={}", t.type_id());
        }
        Kind::Array => {
            if let Some(a) = t.array() {
                let _ = write!(
                    o,
                    " type_id={} index_type_id={} nr_elems={}",
                    a.elem_type, a.index_type, a.nelems
                );
            }
        }
        Kind::Struct | Kind::Union => {
            let _ = write!(o, " size={} vlen={}", t.size(), t.vlen());
            for m in t.members() {
                let _ = write!(
                    o,
                    "\n\t'{}' type_id={} bits_offset={}",
                    name(btf, m.name_off),
                    m.type_id,
                    m.bit_offset
                );
                if m.bitfield_size != 0 {
                    let _ = write!(o, " bitfield_size={}", m.bitfield_size);
                }
            }
        }
        Kind::Enum | Kind::Enum64 => {
            let signed = t.enum_signed();
            let enc = if signed { "SIGNED" } else { "UNSIGNED" };
            let _ = write!(o, " encoding={enc} size={} vlen={}", t.size(), t.vlen());
            for v in t.enum_values() {
                let n = name(btf, v.name_off);
                let _ = match (k, signed) {
                    (Kind::Enum, true) => write!(o, "\n\t'{n}' val={}", v.value as i32),
                    (Kind::Enum, false) => write!(o, "\n\t'{n}' val={}", v.value as u32),
                    (_, true) => write!(o, "\n\t'{n}' val={}LL", v.value as i64),
                    (_, false) => write!(o, "\n\t'{n}' val={}ULL", v.value),
                };
            }
        }
        Kind::Fwd => {
            let fk = if t.kflag() { "union" } else { "struct" };
            let _ = write!(o, " fwd_kind={fk}");
        }
        Kind::Func => {
            let l = t.func_linkage().unwrap_or(0);
            let _ = write!(o, " type_id={} linkage={}", t.type_id(), linkage(l));
        }
        Kind::FuncProto => {
            let _ = write!(o, " ret_type_id={} vlen={}", t.type_id(), t.vlen());
            for p in t.params() {
                let _ = write!(o, "\n\t'{}' type_id={}", name(btf, p.name_off), p.type_id);
            }
        }
        Kind::Var => {
            let l = t.var_linkage().unwrap_or(0);
            let _ = write!(o, " type_id={}, linkage={}", t.type_id(), linkage(l));
        }
        Kind::Datasec => {
            let _ = write!(o, " size={} vlen={}", t.size(), t.vlen());
            for v in t.datasec_vars() {
                let _ = write!(
                    o,
                    "\n\ttype_id={} offset={} size={}",
                    v.type_id, v.offset, v.size
                );
                if let Some(vt) = btf.ty(v.type_id) {
                    let _ = write!(
                        o,
                        " ({} '{}')",
                        kind_name(vt.kind()),
                        name(btf, vt.name_off())
                    );
                }
            }
        }
        Kind::Float => {
            let _ = write!(o, " size={}", t.size());
        }
        Kind::DeclTag => {
            let _ = write!(
                o,
                " type_id={} component_idx={}",
                t.type_id(),
                t.decl_tag_component_idx().unwrap_or(-1)
            );
        }
        Kind::Void => {}
    }
    o.push('\n');
}

/// Every own type of `btf` (a split BTF's base types are left out, as bpftool
/// does), in ID order.
pub fn dump(btf: &Btf) -> String {
    let mut o = String::new();
    for id in btf.start_id()..btf.type_cnt() {
        if let Some(t) = btf.ty(id) {
            type_text(btf, &t, &mut o);
        }
    }
    o
}
