//! The values a relocation writes (`btf-core.md` §5.1, §5.5): computed from the
//! local spec (what the compiler assumed) and from a target spec (what the
//! target BTF says), or poison when the target has no match.

use super::spec::Spec;
use super::Fail;
use crate::btf::{Kind, INT_SIGNED};
use crate::uapi;

/// The outcome of one relocation, ready for patching.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RelocRes {
    /// The value the instruction must hold now (checked when `validate`).
    pub orig_val: u64,
    /// The value written.
    pub new_val: u64,
    /// No target: the instruction becomes a call to the invalid helper.
    pub poison: bool,
    pub validate: bool,
    /// A load/store's size may not change to the target's (poisoned instead).
    pub fail_memsz_adjust: bool,
    /// Field sizes a load/store moves, local and target (0: not a plain field).
    pub orig_sz: u32,
    pub new_sz: u32,
    pub(super) orig_type_id: u32,
    pub(super) new_type_id: u32,
}

/// A field value, or `None` for "poison".
struct FieldVal {
    val: u64,
    size: u32,
    type_id: u32,
    validate: bool,
}

fn size(spec: &Spec<'_>, id: u32) -> Result<u32, Fail> {
    spec.btf
        .resolve_size(id)
        .map_err(|_| Fail::inval(format!("type [{id}] has no size")))
}

/// libbpf's `bpf_core_calc_field_relo` for a spec that exists.
fn field_value(spec: &Spec<'_>, kind: u32) -> Result<FieldVal, Fail> {
    let Some(acc) = spec.acc.last() else {
        return Err(Fail::inval("empty field spec"));
    };
    let mut out = FieldVal {
        val: 0,
        size: 0,
        type_id: 0,
        validate: true,
    };
    if acc.name.is_none() {
        let sz = size(spec, acc.type_id)?;
        match kind {
            uapi::BPF_CORE_FIELD_BYTE_OFFSET => {
                out.val = u64::from(spec.bit_offset / 8);
                out.size = sz;
                out.type_id = acc.type_id;
            }
            uapi::BPF_CORE_FIELD_BYTE_SIZE => out.val = u64::from(sz),
            _ => {
                return Err(Fail::inval(
                    "relocation kind can't be applied to array access",
                ))
            }
        }
        return Ok(out);
    }
    let t = spec
        .btf
        .ty(acc.type_id)
        .ok_or_else(|| Fail::inval("field parent out of range"))?;
    let m = t
        .members()
        .get(acc.idx as usize)
        .ok_or_else(|| Fail::inval("member out of range"))?;
    let (field_id, mt) = spec
        .btf
        .skip_mods_and_typedefs(m.type_id)
        .ok_or_else(|| Fail::inval("member type does not resolve"))?;
    let bit_off = spec.bit_offset;
    let mut bit_sz = m.bitfield_size;
    let bitfield = bit_sz > 0;
    let (byte_off, byte_sz);
    if bitfield {
        let mut sz = mt.size();
        if sz == 0 {
            return Err(Fail::inval("bitfield of a sizeless type"));
        }
        let mut off = bit_off / 8 / sz * sz;
        while u64::from(bit_off) + u64::from(bit_sz) - u64::from(off) * 8 > u64::from(sz) * 8 {
            if sz >= 8 {
                return Err(Fail::new(
                    libc::E2BIG,
                    "bitfield can't be read with a 64-bit load",
                ));
            }
            sz *= 2;
            off = bit_off / 8 / sz * sz;
        }
        (byte_off, byte_sz) = (off, sz);
    } else {
        byte_sz = size(spec, field_id)?;
        byte_off = bit_off / 8;
        bit_sz = byte_sz.wrapping_mul(8);
    }
    out.validate = !bitfield;
    match kind {
        uapi::BPF_CORE_FIELD_BYTE_OFFSET => {
            out.val = u64::from(byte_off);
            if !bitfield {
                out.size = byte_sz;
                out.type_id = field_id;
            }
        }
        uapi::BPF_CORE_FIELD_BYTE_SIZE => out.val = u64::from(byte_sz),
        uapi::BPF_CORE_FIELD_SIGNED => {
            let signed = (mt.is_any_enum() && mt.kflag())
                || (mt.kind() == Kind::Int && mt.int_encoding() & INT_SIGNED != 0);
            out.val = u64::from(signed);
            out.validate = true;
        }
        uapi::BPF_CORE_FIELD_LSHIFT_U64 => {
            let end = i64::from(bit_off) + i64::from(bit_sz) - i64::from(byte_off) * 8;
            out.val = if cfg!(target_endian = "little") {
                (64 - end) as u64
            } else {
                ((8 - i64::from(byte_sz)) * 8 + i64::from(bit_off) - i64::from(byte_off) * 8) as u64
            };
        }
        uapi::BPF_CORE_FIELD_RSHIFT_U64 => {
            out.val = (64 - i64::from(bit_sz)) as u64;
            out.validate = true;
        }
        _ => return Err(Fail::new(libc::EOPNOTSUPP, "unrecognized CO-RE relocation")),
    }
    Ok(out)
}

/// A type value (TYPE_ID_TARGET, TYPE_EXISTS, TYPE_MATCHES, TYPE_SIZE); 0 when
/// the type is missing.
fn type_value(spec: Option<&Spec<'_>>, kind: u32) -> Result<u64, Fail> {
    let Some(spec) = spec else { return Ok(0) };
    Ok(match kind {
        uapi::BPF_CORE_TYPE_ID_TARGET => u64::from(spec.root_id),
        uapi::BPF_CORE_TYPE_EXISTS | uapi::BPF_CORE_TYPE_MATCHES => 1,
        uapi::BPF_CORE_TYPE_SIZE => u64::from(size(spec, spec.root_id)?),
        _ => return Err(Fail::new(libc::EOPNOTSUPP, "unrecognized CO-RE relocation")),
    })
}

/// An enumerator value (`None`: poison).
fn enum_value(spec: Option<&Spec<'_>>, kind: u32) -> Result<Option<u64>, Fail> {
    match kind {
        uapi::BPF_CORE_ENUMVAL_EXISTS => Ok(Some(u64::from(spec.is_some()))),
        uapi::BPF_CORE_ENUMVAL_VALUE => {
            let Some(spec) = spec else { return Ok(None) };
            let acc = spec.acc.first().ok_or_else(|| Fail::inval("empty spec"))?;
            let v = spec
                .btf
                .ty(acc.type_id)
                .and_then(|t| t.enum_values().get(acc.idx as usize))
                .ok_or_else(|| Fail::inval("enumerator out of range"))?;
            Ok(Some(v.value))
        }
        _ => Err(Fail::new(libc::EOPNOTSUPP, "unrecognized CO-RE relocation")),
    }
}

/// libbpf's `bpf_core_calc_relo`: local and target values of one relocation,
/// `targ` `None` when no candidate matched.
pub fn calc(local: &Spec<'_>, targ: Option<&Spec<'_>>) -> Result<RelocRes, Fail> {
    let kind = local.kind.0;
    let mut res = RelocRes {
        validate: true,
        ..RelocRes::default()
    };
    if local.kind.is_field() {
        if kind == uapi::BPF_CORE_FIELD_EXISTS {
            res.orig_val = 1;
            res.new_val = u64::from(targ.is_some());
            return Ok(res);
        }
        let l = field_value(local, kind)?;
        (res.orig_val, res.orig_sz, res.orig_type_id, res.validate) =
            (l.val, l.size, l.type_id, l.validate);
        let Some(targ) = targ else {
            res.poison = true;
            return Ok(res);
        };
        let t = field_value(targ, kind)?;
        (res.new_val, res.new_sz, res.new_type_id) = (t.val, t.size, t.type_id);
        if res.orig_sz != res.new_sz {
            let ot = local.btf.ty(res.orig_type_id);
            let nt = targ.btf.ty(res.new_type_id);
            let ok = match (ot, nt) {
                (Some(o), Some(n)) if o.kind() == Kind::Ptr && n.kind() == Kind::Ptr => true,
                (Some(o), Some(n)) => {
                    o.kind() == Kind::Int
                        && n.kind() == Kind::Int
                        && o.int_encoding() != INT_SIGNED
                        && n.int_encoding() != INT_SIGNED
                }
                _ => false,
            };
            res.fail_memsz_adjust = !ok;
        }
    } else if local.kind.is_type() {
        res.orig_val = type_value(Some(local), kind)?;
        res.new_val = type_value(targ, kind)?;
        // A type ID changes when objects are linked: never checked.
        if kind == uapi::BPF_CORE_TYPE_ID_TARGET {
            res.validate = false;
        }
    } else if local.kind.is_enumval() {
        res.orig_val = enum_value(Some(local), kind)?.unwrap_or(0);
        match enum_value(targ, kind)? {
            Some(v) => res.new_val = v,
            None => res.poison = true,
        }
    } else {
        return Err(Fail::new(libc::EOPNOTSUPP, "unrecognized CO-RE relocation"));
    }
    Ok(res)
}
