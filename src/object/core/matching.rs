//! Matching a local spec against one candidate type of a target BTF
//! (`btf-core.md` §5.4): field compatibility, type compatibility (TYPE_ID_TARGET,
//! TYPE_EXISTS, TYPE_SIZE), the stricter TYPE_MATCHES relation, enumerators, and
//! the walk of a field access over the candidate.

use super::spec::{add_elems, essential, is_flex_array, Accessor, Spec, MAX_SPEC_LEN};
use super::Fail;
use crate::btf::{Btf, Kind, Type};

/// How deep type comparisons recurse (libbpf's limit).
const MAX_DEPTH: u32 = 32;

/// Same kind, with ENUM and ENUM64 counting as one (`btf_kind_core_compat`).
pub fn kinds_compat(a: &Type<'_>, b: &Type<'_>) -> bool {
    a.kind() == b.kind() || (a.is_any_enum() && b.is_any_enum())
}

fn skip<'b>(btf: &'b Btf, id: u32) -> Result<(u32, Type<'b>), Fail> {
    btf.skip_mods_and_typedefs(id)
        .ok_or_else(|| Fail::inval(format!("type [{id}] does not resolve")))
}

/// Essential names equal, or either side anonymous (enums and forwards).
fn names_compat(a: &str, b: &str) -> bool {
    let (a, b) = (essential(a), essential(b));
    a.is_empty() || b.is_empty() || a == b
}

/// libbpf's `bpf_core_fields_are_compat`: may a local member of type `lid` be
/// relocated to a target member of type `tid`?
pub fn fields_compat(lb: &Btf, lid: u32, tb: &Btf, tid: u32) -> Result<bool, Fail> {
    let (mut lid, mut tid) = (lid, tid);
    for _ in 0..=MAX_DEPTH {
        let (_, lt) = skip(lb, lid)?;
        let (_, tt) = skip(tb, tid)?;
        if lt.is_composite() && tt.is_composite() {
            return Ok(true);
        }
        if !kinds_compat(&lt, &tt) {
            return Ok(false);
        }
        return Ok(match lt.kind() {
            Kind::Ptr | Kind::Float => true,
            Kind::Fwd | Kind::Enum | Kind::Enum64 => names_compat(lt.name(), tt.name()),
            Kind::Int => lt.int_offset() == 0 && tt.int_offset() == 0,
            Kind::Array => {
                let (la, ta) = (lt.array(), tt.array());
                lid = la.map_or(0, |a| a.elem_type);
                tid = ta.map_or(0, |a| a.elem_type);
                continue;
            }
            _ => false,
        });
    }
    Err(Fail::inval("type nesting too deep"))
}

/// libbpf's `bpf_core_types_are_compat`: the roots' kinds agree (after
/// modifiers and typedefs), pointers and arrays recursively, function
/// prototypes by arity, parameters and return type.
pub fn types_compat(lb: &Btf, lid: u32, tb: &Btf, tid: u32, level: u32) -> Result<bool, Fail> {
    let (Some(l0), Some(t0)) = (lb.ty(lid), tb.ty(tid)) else {
        return Err(Fail::inval("type ID out of range"));
    };
    if !kinds_compat(&l0, &t0) {
        return Ok(false);
    }
    let (mut lid, mut tid) = (lid, tid);
    for _ in 0..MAX_DEPTH {
        let (_, lt) = skip(lb, lid)?;
        let (_, tt) = skip(tb, tid)?;
        if !kinds_compat(&lt, &tt) {
            return Ok(false);
        }
        match lt.kind() {
            Kind::Void | Kind::Struct | Kind::Union | Kind::Enum | Kind::Enum64 | Kind::Fwd => {
                return Ok(true)
            }
            Kind::Int => return Ok(lt.int_offset() == 0 && tt.int_offset() == 0),
            Kind::Ptr => (lid, tid) = (lt.type_id(), tt.type_id()),
            Kind::Array => {
                lid = lt.array().map_or(0, |a| a.elem_type);
                tid = tt.array().map_or(0, |a| a.elem_type);
            }
            Kind::FuncProto => {
                if lt.vlen() != tt.vlen() {
                    return Ok(false);
                }
                for (lp, tp) in lt.params().zip(tt.params()) {
                    if level == 0 {
                        return Err(Fail::inval("type nesting too deep"));
                    }
                    let (lp, _) = skip(lb, lp.type_id)?;
                    let (tp, _) = skip(tb, tp.type_id)?;
                    if !types_compat(lb, lp, tb, tp, level - 1)? {
                        return Ok(false);
                    }
                }
                (lid, tid) = (lt.type_id(), tt.type_id());
            }
            _ => return Ok(false),
        }
    }
    Err(Fail::inval("type nesting too deep"))
}

/// Essential names equal; an anonymous target matches only an anonymous local.
fn names_match(l: &str, t: &str) -> bool {
    if t.is_empty() {
        return l.is_empty();
    }
    essential(l) == essential(t)
}

fn enums_match(lt: &Type<'_>, tt: &Type<'_>) -> bool {
    lt.size() == tt.size()
        && lt.vlen() <= tt.vlen()
        && lt
            .enum_values()
            .all(|lv| tt.enum_values().any(|tv| names_match(lv.name, tv.name)))
}

fn composites_match(
    lb: &Btf,
    lt: &Type<'_>,
    tb: &Btf,
    tt: &Type<'_>,
    behind_ptr: bool,
    level: u32,
) -> Result<bool, Fail> {
    if lt.vlen() > tt.vlen() {
        return Ok(false);
    }
    for lm in lt.members() {
        let mut matched = false;
        for tm in tt.members() {
            if names_match(lm.name, tm.name)
                && types_match(lb, lm.type_id, tb, tm.type_id, behind_ptr, level - 1)?
            {
                matched = true;
                break;
            }
        }
        if !matched {
            return Ok(false);
        }
    }
    Ok(true)
}

/// libbpf's `__bpf_core_types_match` (TYPE_MATCHES): names, kinds and shapes
/// agree at every level; behind a pointer a struct/union also matches a
/// forward declaration of the same flavour.
pub fn types_match(
    lb: &Btf,
    lid: u32,
    tb: &Btf,
    tid: u32,
    behind_ptr: bool,
    level: u32,
) -> Result<bool, Fail> {
    if level == 0 {
        return Err(Fail::inval("type nesting too deep"));
    }
    let (mut lid, mut tid, mut behind_ptr) = (lid, tid, behind_ptr);
    for _ in 0..MAX_DEPTH {
        let (_, lt) = skip(lb, lid)?;
        let (_, tt) = skip(tb, tid)?;
        if !names_match(lt.name(), tt.name()) {
            return Ok(false);
        }
        let (lk, tk) = (lt.kind(), tt.kind());
        match lk {
            Kind::Void => return Ok(tk == Kind::Void),
            Kind::Fwd => {
                let lf = lt.kflag();
                return Ok(if behind_ptr && tk != Kind::Fwd {
                    (tk == Kind::Struct && !lf) || (tk == Kind::Union && lf)
                } else {
                    lk == tk && lf == tt.kflag()
                });
            }
            Kind::Enum | Kind::Enum64 => return Ok(tt.is_any_enum() && enums_match(&lt, &tt)),
            Kind::Struct | Kind::Union => {
                if behind_ptr {
                    return Ok(lk == tk || (tk == Kind::Fwd && (lk == Kind::Union) == tt.kflag()));
                }
                return Ok(lk == tk && composites_match(lb, &lt, tb, &tt, behind_ptr, level)?);
            }
            Kind::Int => {
                let sign = |t: &Type<'_>| t.int_encoding() & crate::btf::INT_SIGNED;
                return Ok(lk == tk && lt.size() == tt.size() && sign(&lt) == sign(&tt));
            }
            Kind::Ptr => {
                if lk != tk {
                    return Ok(false);
                }
                behind_ptr = true;
                (lid, tid) = (lt.type_id(), tt.type_id());
            }
            Kind::Array => {
                let (Some(la), Some(ta)) = (lt.array(), tt.array()) else {
                    return Ok(false);
                };
                if la.nelems != ta.nelems {
                    return Ok(false);
                }
                (lid, tid) = (la.elem_type, ta.elem_type);
            }
            Kind::FuncProto => {
                if lk != tk || lt.vlen() != tt.vlen() {
                    return Ok(false);
                }
                for (lp, tp) in lt.params().zip(tt.params()) {
                    if !types_match(lb, lp.type_id, tb, tp.type_id, behind_ptr, level - 1)? {
                        return Ok(false);
                    }
                }
                (lid, tid) = (lt.type_id(), tt.type_id());
            }
            _ => return Ok(false),
        }
    }
    Err(Fail::inval("type nesting too deep"))
}

/// Finds local named member `acc` in target composite `tid`, depth-first
/// through anonymous members, extending `spec` on the way. On a match,
/// `next` is the target member's type.
fn match_member<'t>(
    lb: &Btf,
    acc: &Accessor<'_>,
    tb: &'t Btf,
    tid: u32,
    spec: &mut Spec<'t>,
    next: &mut u32,
) -> Result<bool, Fail> {
    let (tid, tt) = skip(tb, tid)?;
    if !tt.is_composite() {
        return Ok(false);
    }
    let lm = lb
        .ty(acc.type_id)
        .and_then(|t| t.members().get(acc.idx as usize))
        .ok_or_else(|| Fail::inval("local member out of range"))?;
    for (i, m) in tt.members().enumerate() {
        if spec.raw.len() == MAX_SPEC_LEN {
            return Err(Fail::new(libc::E2BIG, "struct nesting too deep"));
        }
        spec.bit_offset = spec.bit_offset.wrapping_add(m.bit_offset);
        spec.raw.push(i as u32);
        if m.name.is_empty() {
            if match_member(lb, acc, tb, m.type_id, spec, next)? {
                return Ok(true);
            }
        } else if m.name == lm.name {
            *next = m.type_id;
            let ok = fields_compat(lb, lm.type_id, tb, m.type_id)?;
            if ok {
                spec.acc.push(Accessor {
                    type_id: tid,
                    idx: i as u32,
                    name: Some(m.name),
                });
            }
            return Ok(ok);
        }
        spec.bit_offset = spec.bit_offset.wrapping_sub(m.bit_offset);
        spec.raw.pop();
    }
    Ok(false)
}

/// Walks a field spec's steps over candidate `tid` (libbpf's field part of
/// `bpf_core_spec_match`).
fn match_fields<'t>(local: &Spec<'_>, tb: &'t Btf, spec: &mut Spec<'t>) -> Result<bool, Fail> {
    let mut tid = spec.root_id;
    for (i, la) in local.acc.iter().enumerate() {
        let (id, tt) = skip(tb, tid)?;
        tid = id;
        if la.name.is_some() {
            if !match_member(local.btf, la, tb, tid, spec, &mut tid)? {
                return Ok(false);
            }
            continue;
        }
        if i > 0 {
            let Some(a) = tt.array() else {
                return Ok(false);
            };
            let flex = is_flex_array(tb, spec.acc.last(), a.nelems);
            if !flex && la.idx >= a.nelems {
                return Ok(false);
            }
            tid = skip(tb, a.elem_type)?.0;
        }
        if spec.raw.len() == MAX_SPEC_LEN {
            return Err(Fail::new(libc::E2BIG, "struct nesting too deep"));
        }
        spec.acc.push(Accessor {
            type_id: tid,
            idx: la.idx,
            name: None,
        });
        spec.raw.push(la.idx);
        let sz = tb
            .resolve_size(tid)
            .map_err(|e| Fail::new(e.errno(), format!("type [{tid}] has no size")))?;
        spec.bit_offset = add_elems(spec.bit_offset, la.idx, sz)?;
    }
    Ok(true)
}

/// Matches `local` against candidate `tid` of `tb`: whether it matches, and the
/// target spec built so far (complete when it matches).
pub fn spec_match<'t>(local: &Spec<'_>, tb: &'t Btf, tid: u32) -> Result<(bool, Spec<'t>), Fail> {
    let mut spec = Spec::empty(tb, tid, local.kind);
    if local.kind.is_type() {
        let ok = if local.kind.0 == crate::uapi::BPF_CORE_TYPE_MATCHES {
            types_match(local.btf, local.root_id, tb, tid, false, MAX_DEPTH)?
        } else {
            types_compat(local.btf, local.root_id, tb, tid, MAX_DEPTH)?
        };
        return Ok((ok, spec));
    }
    if local.kind.is_enumval() {
        let (eid, et) = skip(tb, tid)?;
        let want = local.acc.first().and_then(|a| a.name).unwrap_or("");
        let found = et
            .enum_values()
            .enumerate()
            .find(|(_, v)| essential(v.name) == essential(want));
        if let Some((i, v)) = found.filter(|_| et.is_any_enum()) {
            spec.acc.push(Accessor {
                type_id: eid,
                idx: i as u32,
                name: Some(v.name),
            });
            spec.raw.push(i as u32);
            return Ok((true, spec));
        }
        return Ok((false, spec));
    }
    if !local.kind.is_field() {
        return Err(Fail::new(libc::EOPNOTSUPP, "unknown relocation kind"));
    }
    let ok = match_fields(local, tb, &mut spec)?;
    Ok((ok, spec))
}
