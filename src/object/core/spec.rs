//! CO-RE relocation kinds, access strings and the specs built from them
//! (`btf-core.md` §5.1–§5.2): a spec is the path an access string takes through
//! a type, as every raw step (`raw`) and as the steps that matter for matching
//! (`acc`: named members and array indexes), with the bit offset it reaches.

use super::Fail;
use crate::btf::{Btf, Kind, Type};
use crate::uapi;

/// libbpf's `BPF_CORE_SPEC_MAX_LEN`: the most steps an access string may have.
pub const MAX_SPEC_LEN: usize = 64;

/// `enum bpf_core_relo_kind`, grouped the way the engine treats them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoreKind(pub u32);

impl CoreKind {
    /// libbpf's short name (`core_relo_kind_str`), used in its messages.
    pub fn as_str(self) -> &'static str {
        match self.0 {
            uapi::BPF_CORE_FIELD_BYTE_OFFSET => "byte_off",
            uapi::BPF_CORE_FIELD_BYTE_SIZE => "byte_sz",
            uapi::BPF_CORE_FIELD_EXISTS => "field_exists",
            uapi::BPF_CORE_FIELD_SIGNED => "signed",
            uapi::BPF_CORE_FIELD_LSHIFT_U64 => "lshift_u64",
            uapi::BPF_CORE_FIELD_RSHIFT_U64 => "rshift_u64",
            uapi::BPF_CORE_TYPE_ID_LOCAL => "local_type_id",
            uapi::BPF_CORE_TYPE_ID_TARGET => "target_type_id",
            uapi::BPF_CORE_TYPE_EXISTS => "type_exists",
            uapi::BPF_CORE_TYPE_MATCHES => "type_matches",
            uapi::BPF_CORE_TYPE_SIZE => "type_size",
            uapi::BPF_CORE_ENUMVAL_EXISTS => "enumval_exists",
            uapi::BPF_CORE_ENUMVAL_VALUE => "enumval_value",
            _ => "unknown",
        }
    }

    /// Field kinds (0–5): an access string into a struct/union/array.
    pub fn is_field(self) -> bool {
        self.0 <= uapi::BPF_CORE_FIELD_RSHIFT_U64
    }

    /// Type kinds (6–9, 12): access string `0`.
    pub fn is_type(self) -> bool {
        matches!(
            self.0,
            uapi::BPF_CORE_TYPE_ID_LOCAL
                | uapi::BPF_CORE_TYPE_ID_TARGET
                | uapi::BPF_CORE_TYPE_EXISTS
                | uapi::BPF_CORE_TYPE_SIZE
                | uapi::BPF_CORE_TYPE_MATCHES
        )
    }

    /// Enumerator kinds (10, 11): one index into the root enum.
    pub fn is_enumval(self) -> bool {
        matches!(
            self.0,
            uapi::BPF_CORE_ENUMVAL_EXISTS | uapi::BPF_CORE_ENUMVAL_VALUE
        )
    }
}

/// One high-level step: a named member (`name` set, `idx` its index in
/// `type_id`'s members), an array element (`idx` the element), or an enumerator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accessor<'a> {
    pub type_id: u32,
    pub idx: u32,
    pub name: Option<&'a str>,
}

/// A relocation's path through one BTF.
#[derive(Clone, Debug)]
pub struct Spec<'a> {
    pub btf: &'a Btf,
    pub root_id: u32,
    pub kind: CoreKind,
    /// Every step, anonymous members included.
    pub raw: Vec<u32>,
    /// The steps matching compares.
    pub acc: Vec<Accessor<'a>>,
    pub bit_offset: u32,
}

impl<'a> Spec<'a> {
    /// An empty spec rooted at `root_id` of `btf`.
    pub fn empty(btf: &'a Btf, root_id: u32, kind: CoreKind) -> Self {
        Spec {
            btf,
            root_id,
            kind,
            raw: Vec::new(),
            acc: Vec::new(),
            bit_offset: 0,
        }
    }
}

/// The length of `name` without its flavor: up to the last `___` that has a
/// non-`_` character on both sides (`task_struct___v1` → `task_struct`).
pub fn essential_len(name: &str) -> usize {
    crate::btf::essential_len(name.as_bytes())
}

/// `name` without its flavor suffix.
pub fn essential(name: &str) -> &str {
    name.get(..essential_len(name)).unwrap_or(name)
}

/// The steps of an access string: non-empty decimal numbers joined by `:`.
pub fn parse_access(s: &str) -> Result<Vec<u32>, Fail> {
    if s.is_empty() || s.starts_with(':') {
        return Err(Fail::inval("empty access string"));
    }
    let mut out = Vec::new();
    for part in s.split(':') {
        let v = (!part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
            .filter(|&v| v <= i32::MAX as u32)
            .ok_or_else(|| Fail::inval(format!("bad access string '{s}'")))?;
        if out.len() == MAX_SPEC_LEN {
            return Err(Fail::new(libc::E2BIG, "access string too long"));
        }
        out.push(v);
    }
    Ok(out)
}

fn size_of(btf: &Btf, id: u32) -> Result<u32, Fail> {
    btf.resolve_size(id)
        .map_err(|e| Fail::new(e.errno(), format!("type [{id}] has no size")))
}

fn skip<'b>(btf: &'b Btf, id: u32) -> Result<(u32, Type<'b>), Fail> {
    btf.skip_mods_and_typedefs(id)
        .ok_or_else(|| Fail::inval(format!("type [{id}] does not resolve")))
}

/// `offset + idx * size * 8`, refusing to overflow the 32-bit bit offset.
pub fn add_elems(offset: u32, idx: u32, size: u32) -> Result<u32, Fail> {
    u64::from(idx)
        .checked_mul(u64::from(size) * 8)
        .and_then(|d| u32::try_from(u64::from(offset) + d).ok())
        .ok_or_else(|| Fail::new(libc::E2BIG, "access offset overflows"))
}

/// True if array `arr` reached through accessor `parent` is a flexible array
/// member: no elements and the last member of its struct.
pub fn is_flex_array(btf: &Btf, parent: Option<&Accessor<'_>>, nelems: u32) -> bool {
    let Some(p) = parent.filter(|p| p.name.is_some() && nelems == 0) else {
        return false;
    };
    btf.ty(p.type_id)
        .is_some_and(|t| t.vlen() > 0 && p.idx == t.vlen() - 1)
}

/// Builds the local spec of a relocation rooted at `root` with `access` steps
/// (libbpf's `bpf_core_parse_spec`).
pub fn parse_spec<'a>(
    btf: &'a Btf,
    root: u32,
    kind: CoreKind,
    access: &str,
) -> Result<Spec<'a>, Fail> {
    if access.is_empty() || access.starts_with(':') {
        return Err(Fail::inval("empty access string"));
    }
    let mut spec = Spec::empty(btf, root, kind);
    if kind.is_type() {
        if access != "0" {
            return Err(Fail::inval("a type relocation's access string must be '0'"));
        }
        return Ok(spec);
    }
    spec.raw = parse_access(access)?;
    let first = spec.raw[0];
    let (mut id, t) = skip(btf, root)?;
    spec.acc.push(Accessor {
        type_id: id,
        idx: first,
        name: None,
    });
    if kind.is_enumval() {
        let value = t.enum_values().get(first as usize);
        return match value {
            Some(v) if spec.raw.len() == 1 => {
                spec.acc[0].name = Some(v.name);
                Ok(spec)
            }
            _ => Err(Fail::inval("bad enumerator relocation")),
        };
    }
    if !kind.is_field() {
        return Err(Fail::new(libc::EOPNOTSUPP, "unknown relocation kind"));
    }
    spec.bit_offset = add_elems(0, first, size_of(btf, id)?)?;
    for i in 1..spec.raw.len() {
        let step = spec.raw[i];
        let (tid, t) = skip(btf, id)?;
        id = tid;
        if t.is_composite() {
            let m = t
                .members()
                .get(step as usize)
                .ok_or_else(|| Fail::inval(format!("member #{step} out of range")))?;
            spec.bit_offset = spec.bit_offset.wrapping_add(m.bit_offset);
            if m.name_off != 0 {
                if m.name.is_empty() {
                    return Err(Fail::inval("member name unreadable"));
                }
                spec.acc.push(Accessor {
                    type_id: id,
                    idx: step,
                    name: Some(m.name),
                });
            }
            id = m.type_id;
        } else if let Some(a) = t.array() {
            let (elem, _) = skip(btf, a.elem_type)?;
            let flex = is_flex_array(btf, spec.acc.last(), a.nelems);
            if !flex && step >= a.nelems {
                return Err(Fail::inval(format!("array index {step} out of range")));
            }
            spec.acc.push(Accessor {
                type_id: elem,
                idx: step,
                name: None,
            });
            id = elem;
            spec.bit_offset = add_elems(spec.bit_offset, step, size_of(btf, elem)?)?;
        } else {
            return Err(Fail::inval(format!(
                "step {i} reaches type [{id}] of unexpected kind {}",
                t.kind()
            )));
        }
    }
    Ok(spec)
}

/// `[id] kind name` of a type, `<anon>` for no name.
pub fn type_desc(btf: &Btf, id: u32) -> String {
    match btf.ty(id) {
        Some(t) => {
            let n = t.name();
            format!(
                "[{id}] {} {}",
                t.kind(),
                if n.is_empty() { "<anon>" } else { n }
            )
        }
        None => format!("[{id}] <invalid>"),
    }
}

/// libbpf's `bpf_core_format_spec`: `<kind> [id] struct s.a[3].b (0:1:3:0 @ offset 12)`.
pub fn format_spec(spec: &Spec<'_>) -> String {
    let mut out = format!(
        "<{}> {}",
        spec.kind.as_str(),
        type_desc(spec.btf, spec.root_id)
    );
    if spec.kind.is_type() {
        return out;
    }
    if spec.kind.is_enumval() {
        let Some((_, t)) = spec.btf.skip_mods_and_typedefs(spec.root_id) else {
            return out;
        };
        let idx = spec.raw.first().copied().unwrap_or(0) as usize;
        if let Some(v) = t.enum_values().get(idx) {
            let val = if t.enum_signed() {
                format!("{}", v.value as i64)
            } else if t.kind() == Kind::Enum {
                format!("{}", v.value as u32)
            } else {
                format!("{}", v.value)
            };
            out.push_str(&format!("::{} = {val}", v.name));
        }
        return out;
    }
    for (i, a) in spec.acc.iter().enumerate() {
        match a.name {
            Some(n) => out.push_str(&format!(".{n}")),
            None if i > 0 || a.idx > 0 => out.push_str(&format!("[{}]", a.idx)),
            None => {}
        }
    }
    let raw: Vec<String> = spec.raw.iter().map(u32::to_string).collect();
    out.push_str(&format!(" ({}", raw.join(":")));
    if spec.bit_offset % 8 != 0 {
        out.push_str(&format!(
            " @ offset {}.{})",
            spec.bit_offset / 8,
            spec.bit_offset % 8
        ));
    } else {
        out.push_str(&format!(" @ offset {})", spec.bit_offset / 8));
    }
    out
}
