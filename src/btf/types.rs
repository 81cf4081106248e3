//! Decoded, borrowed views of BTF type records (spec `btf-core.md` §1.3).
//!
//! A [`Type`] points at one native-endian record inside a parsed [`Btf`]; every
//! accessor decodes on demand and reads through bounds-checked helpers, so a view
//! never panics even if a record were shorter than its kind requires.

use super::Btf;
use std::fmt;

/// Size of the common `struct btf_type` header of every record.
pub const TYPE_HDR_LEN: usize = 12;

/// `BTF_KIND_*`. `Void` (0, libbpf's `BTF_KIND_UNKN`) is only ever the kind of ID 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum Kind {
    Void = 0,
    Int = 1,
    Ptr,
    Array,
    Struct,
    Union,
    Enum,
    Fwd,
    Typedef,
    Volatile,
    Const,
    Restrict,
    Func,
    FuncProto,
    Var,
    Datasec,
    Float,
    DeclTag,
    TypeTag,
    Enum64,
}

impl Kind {
    /// The kind for a raw `BTF_KIND_*` number, `None` past `ENUM64` (19).
    pub fn from_raw(k: u32) -> Option<Kind> {
        use Kind::*;
        Some(match k {
            0 => Void,
            1 => Int,
            2 => Ptr,
            3 => Array,
            4 => Struct,
            5 => Union,
            6 => Enum,
            7 => Fwd,
            8 => Typedef,
            9 => Volatile,
            10 => Const,
            11 => Restrict,
            12 => Func,
            13 => FuncProto,
            14 => Var,
            15 => Datasec,
            16 => Float,
            17 => DeclTag,
            18 => TypeTag,
            19 => Enum64,
            _ => return None,
        })
    }

    /// libbpf's lower-case kind name (`btf_kind_str`), as used in its messages.
    pub fn as_str(self) -> &'static str {
        use Kind::*;
        match self {
            Void => "void",
            Int => "int",
            Ptr => "ptr",
            Array => "array",
            Struct => "struct",
            Union => "union",
            Enum => "enum",
            Fwd => "fwd",
            Typedef => "typedef",
            Volatile => "volatile",
            Const => "const",
            Restrict => "restrict",
            Func => "func",
            FuncProto => "func_proto",
            Var => "var",
            Datasec => "datasec",
            Float => "float",
            DeclTag => "decl_tag",
            TypeTag => "type_tag",
            Enum64 => "enum64",
        }
    }

    /// Bytes that follow the 12-byte header for a record of this kind with `vlen`
    /// entries (§1.3 table). Cannot overflow: `vlen` is at most 0xFFFF.
    pub(crate) fn trailing_len(self, vlen: u32) -> usize {
        use Kind::*;
        let vlen = vlen as usize;
        match self {
            Void | Ptr | Fwd | Typedef | Volatile | Const | Restrict | Func | Float | TypeTag => 0,
            Int | Var | DeclTag => 4,
            Array => 12,
            Struct | Union | Datasec | Enum64 => 12 * vlen,
            Enum | FuncProto => 8 * vlen,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `BTF_INT_SIGNED`, `BTF_INT_CHAR`, `BTF_INT_BOOL` (bits 24–27 of the INT word).
pub const INT_SIGNED: u8 = 1;
pub const INT_CHAR: u8 = 2;
pub const INT_BOOL: u8 = 4;

/// FUNC linkage (`vlen` of a FUNC) and VAR linkage values.
pub const LINKAGE_STATIC: u32 = 0;
pub const LINKAGE_GLOBAL: u32 = 1;
pub const LINKAGE_EXTERN: u32 = 2;

/// Reads a native-endian `u32` at `off`, 0 when out of range (never panics).
#[inline]
pub(crate) fn rd32(b: &[u8], off: usize) -> u32 {
    match b.get(off..off.wrapping_add(4)) {
        Some(&[a, b, c, d]) => u32::from_ne_bytes([a, b, c, d]),
        _ => 0,
    }
}

/// Writes a native-endian `u32` at `off`; false (and nothing written) if out of range.
#[inline]
pub(crate) fn wr32(b: &mut [u8], off: usize, v: u32) -> bool {
    match b.get_mut(off..off.wrapping_add(4)) {
        Some(s) => {
            s.copy_from_slice(&v.to_ne_bytes());
            true
        }
        None => false,
    }
}

/// The 4-byte words of a type record (header included) that hold type IDs, for
/// a record with this `info` word, in libbpf's order (`btf_type_visit_type_ids`;
/// a FWD's `type` word included, as libbpf does). `None` for an unknown kind
/// (0, `BTF_KIND_UNKN`, included).
pub(crate) fn type_id_words(info: u32) -> Option<impl Iterator<Item = usize>> {
    let n = (info & 0xffff) as usize;
    // (fixed words, how many of them, then `count` words from `start` by `step`)
    let (fixed, k, start, step, count) = match Kind::from_raw(info >> 24 & 0x1f)? {
        Kind::Void => return None,
        Kind::Int | Kind::Float | Kind::Enum | Kind::Enum64 => ([0, 0], 0, 0, 0, 0),
        Kind::Fwd
        | Kind::Const
        | Kind::Volatile
        | Kind::Restrict
        | Kind::Ptr
        | Kind::Typedef
        | Kind::Func
        | Kind::Var
        | Kind::DeclTag
        | Kind::TypeTag => ([2, 0], 1, 0, 0, 0),
        Kind::Array => ([3, 4], 2, 0, 0, 0),
        Kind::Struct | Kind::Union => ([0, 0], 0, 4, 3, n),
        Kind::FuncProto => ([2, 0], 1, 4, 2, n),
        Kind::Datasec => ([0, 0], 0, 3, 3, n),
    };
    Some(
        fixed
            .into_iter()
            .take(k)
            .chain((0..count).map(move |i| start + step * i)),
    )
}

/// A decoded view of one type record.
#[derive(Clone, Copy)]
pub struct Type<'a> {
    pub(crate) btf: &'a Btf,
    pub(crate) id: u32,
    /// The whole record: 12-byte header plus trailing data.
    pub(crate) rec: &'a [u8],
}

impl<'a> Type<'a> {
    /// The type's ID.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The raw record bytes (header and trailing data), native endian.
    pub fn raw(&self) -> &'a [u8] {
        self.rec
    }

    pub fn name_off(&self) -> u32 {
        rd32(self.rec, 0)
    }

    /// The name, `""` when anonymous (or, for a blob built by hand, not UTF-8).
    pub fn name(&self) -> &'a str {
        self.btf.name_at(self.name_off()).unwrap_or("")
    }

    /// The raw `info` word.
    pub fn info(&self) -> u32 {
        rd32(self.rec, 4)
    }

    pub fn kind(&self) -> Kind {
        Kind::from_raw((self.info() >> 24) & 0x1f).unwrap_or(Kind::Void)
    }

    /// Entry count (members, params, enumerators, vars); FUNC linkage for a FUNC.
    pub fn vlen(&self) -> u32 {
        self.info() & 0xffff
    }

    pub fn kflag(&self) -> bool {
        self.info() >> 31 != 0
    }

    /// `size` of sized kinds (INT, ENUM*, STRUCT, UNION, DATASEC, FLOAT).
    pub fn size(&self) -> u32 {
        rd32(self.rec, 8)
    }

    /// `type` of referencing kinds (PTR, TYPEDEF, modifiers, FUNC, FUNC_PROTO
    /// return, VAR, tags). Same word as [`Type::size`].
    pub fn type_id(&self) -> u32 {
        rd32(self.rec, 8)
    }

    pub fn is_void(&self) -> bool {
        self.kind() == Kind::Void
    }

    /// CONST, VOLATILE, RESTRICT or TYPE_TAG (libbpf's `btf_is_mod`).
    pub fn is_mod(&self) -> bool {
        matches!(
            self.kind(),
            Kind::Const | Kind::Volatile | Kind::Restrict | Kind::TypeTag
        )
    }

    /// STRUCT or UNION.
    pub fn is_composite(&self) -> bool {
        matches!(self.kind(), Kind::Struct | Kind::Union)
    }

    /// ENUM or ENUM64.
    pub fn is_any_enum(&self) -> bool {
        matches!(self.kind(), Kind::Enum | Kind::Enum64)
    }

    /// INT encoding bits (`INT_SIGNED` | `INT_CHAR` | `INT_BOOL`); 0 for other kinds.
    pub fn int_encoding(&self) -> u8 {
        self.int_word().map_or(0, |w| ((w >> 24) & 0x0f) as u8)
    }

    /// INT legacy bit offset (bits 16–23).
    pub fn int_offset(&self) -> u8 {
        self.int_word().map_or(0, |w| ((w >> 16) & 0xff) as u8)
    }

    /// INT width in bits (bits 0–7).
    pub fn int_bits(&self) -> u8 {
        self.int_word().map_or(0, |w| (w & 0xff) as u8)
    }

    fn int_word(&self) -> Option<u32> {
        (self.kind() == Kind::Int).then(|| rd32(self.rec, TYPE_HDR_LEN))
    }

    /// ARRAY data.
    pub fn array(&self) -> Option<Array> {
        (self.kind() == Kind::Array).then(|| Array {
            elem_type: rd32(self.rec, 12),
            index_type: rd32(self.rec, 16),
            nelems: rd32(self.rec, 20),
        })
    }

    /// FUNC linkage (0 static, 1 global, 2 extern).
    pub fn func_linkage(&self) -> Option<u32> {
        (self.kind() == Kind::Func).then(|| self.vlen())
    }

    /// VAR linkage (0 static, 1 global allocated, 2 extern).
    pub fn var_linkage(&self) -> Option<u32> {
        (self.kind() == Kind::Var).then(|| rd32(self.rec, TYPE_HDR_LEN))
    }

    /// DECL_TAG `component_idx` (−1 = the tagged type itself).
    pub fn decl_tag_component_idx(&self) -> Option<i32> {
        (self.kind() == Kind::DeclTag).then(|| rd32(self.rec, TYPE_HDR_LEN) as i32)
    }

    /// True for an ENUM/ENUM64 whose values are signed (kind_flag).
    pub fn enum_signed(&self) -> bool {
        self.is_any_enum() && self.kflag()
    }

    fn entries<T>(&self, ok: bool, size: usize, decode: Decode<'a, T>) -> Entries<'a, T> {
        let data = if ok {
            let n = self.vlen() as usize * size;
            self.rec
                .get(TYPE_HDR_LEN..TYPE_HDR_LEN.saturating_add(n))
                .unwrap_or(&[])
        } else {
            &[]
        };
        Entries {
            btf: self.btf,
            data,
            size,
            kflag: self.kflag(),
            decode,
        }
    }

    /// STRUCT/UNION members (empty for other kinds).
    pub fn members(&self) -> Entries<'a, Member<'a>> {
        self.entries(self.is_composite(), 12, Member::decode)
    }

    /// FUNC_PROTO parameters (empty for other kinds); a final `{0, 0}` is varargs.
    pub fn params(&self) -> Entries<'a, Param<'a>> {
        self.entries(self.kind() == Kind::FuncProto, 8, Param::decode)
    }

    /// [`members`](Self::members) without their names (`name` is empty,
    /// `name_off` set): for walks over member types and offsets, which then
    /// skip the string look-up.
    pub fn members_unnamed(&self) -> Entries<'a, Member<'a>> {
        self.entries(self.is_composite(), 12, Member::decode_unnamed)
    }

    /// [`params`](Self::params) without their names, as
    /// [`members_unnamed`](Self::members_unnamed).
    pub fn params_unnamed(&self) -> Entries<'a, Param<'a>> {
        self.entries(self.kind() == Kind::FuncProto, 8, Param::decode_unnamed)
    }

    /// ENUM/ENUM64 enumerators (empty for other kinds).
    pub fn enum_values(&self) -> Entries<'a, EnumValue<'a>> {
        match self.kind() {
            Kind::Enum => self.entries(true, 8, EnumValue::decode32),
            Kind::Enum64 => self.entries(true, 12, EnumValue::decode64),
            _ => self.entries(false, 8, EnumValue::decode32),
        }
    }

    /// DATASEC entries (empty for other kinds).
    pub fn datasec_vars(&self) -> Entries<'a, VarSecinfo> {
        self.entries(self.kind() == Kind::Datasec, 12, VarSecinfo::decode)
    }
}

impl fmt::Debug for Type<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {} '{}' info={:#x} size/type={}",
            self.id,
            self.kind(),
            self.name(),
            self.info(),
            self.size()
        )
    }
}

/// `struct btf_array`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Array {
    pub elem_type: u32,
    pub index_type: u32,
    pub nelems: u32,
}

type Decode<'a, T> = fn(&'a Btf, &'a [u8], bool) -> T;

/// The entries following a record (members, params, enumerators, DATASEC vars).
#[derive(Clone)]
pub struct Entries<'a, T> {
    btf: &'a Btf,
    data: &'a [u8],
    size: usize,
    kflag: bool,
    decode: Decode<'a, T>,
}

impl<'a, T> Entries<'a, T> {
    /// The `i`-th entry.
    pub fn get(&self, i: usize) -> Option<T> {
        let start = i.checked_mul(self.size)?;
        let raw = self.data.get(start..start.checked_add(self.size)?)?;
        Some((self.decode)(self.btf, raw, self.kflag))
    }

    pub fn is_empty(&self) -> bool {
        self.data.len() < self.size
    }
}

impl<T> Iterator for Entries<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if self.data.len() < self.size {
            return None;
        }
        let (raw, rest) = self.data.split_at(self.size);
        self.data = rest;
        Some((self.decode)(self.btf, raw, self.kflag))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.data.len() / self.size.max(1);
        (n, Some(n))
    }
}

impl<T> ExactSizeIterator for Entries<'_, T> {}

/// `struct btf_member`, with the offset split according to the parent's kind_flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member<'a> {
    pub name_off: u32,
    pub name: &'a str,
    pub type_id: u32,
    /// The raw `offset` word.
    pub raw_offset: u32,
    /// Bit offset from the start of the struct.
    pub bit_offset: u32,
    /// Bitfield width with kind_flag set, 0 otherwise (then the width is the INT's
    /// `nr_bits` for legacy bitfields).
    pub bitfield_size: u32,
}

impl<'a> Member<'a> {
    fn decode(btf: &'a Btf, raw: &'a [u8], kflag: bool) -> Self {
        let m = Member::decode_unnamed(btf, raw, kflag);
        Member {
            name: btf.name_at(m.name_off).unwrap_or(""),
            ..m
        }
    }

    fn decode_unnamed(_: &'a Btf, raw: &'a [u8], kflag: bool) -> Self {
        let raw_offset = rd32(raw, 8);
        let (bit_offset, bitfield_size) = if kflag {
            (raw_offset & 0xff_ffff, raw_offset >> 24)
        } else {
            (raw_offset, 0)
        };
        Member {
            name_off: rd32(raw, 0),
            name: "",
            type_id: rd32(raw, 4),
            raw_offset,
            bit_offset,
            bitfield_size,
        }
    }
}

/// `struct btf_param`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param<'a> {
    pub name_off: u32,
    pub name: &'a str,
    pub type_id: u32,
}

impl<'a> Param<'a> {
    fn decode(btf: &'a Btf, raw: &'a [u8], kflag: bool) -> Self {
        let p = Param::decode_unnamed(btf, raw, kflag);
        Param {
            name: btf.name_at(p.name_off).unwrap_or(""),
            ..p
        }
    }

    fn decode_unnamed(_: &'a Btf, raw: &'a [u8], _: bool) -> Self {
        Param {
            name_off: rd32(raw, 0),
            name: "",
            type_id: rd32(raw, 4),
        }
    }
}

/// One enumerator of an ENUM or ENUM64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnumValue<'a> {
    pub name_off: u32,
    pub name: &'a str,
    /// The value as 64 bits: a signed (kind_flag) ENUM's 32-bit value is
    /// sign-extended, an unsigned one zero-extended; ENUM64 is `hi32 << 32 | lo32`.
    pub value: u64,
}

impl<'a> EnumValue<'a> {
    fn decode32(btf: &'a Btf, raw: &'a [u8], signed: bool) -> Self {
        let name_off = rd32(raw, 0);
        let v = rd32(raw, 4);
        EnumValue {
            name_off,
            name: btf.name_at(name_off).unwrap_or(""),
            value: if signed {
                v as i32 as i64 as u64
            } else {
                u64::from(v)
            },
        }
    }

    fn decode64(btf: &'a Btf, raw: &'a [u8], _: bool) -> Self {
        let name_off = rd32(raw, 0);
        EnumValue {
            name_off,
            name: btf.name_at(name_off).unwrap_or(""),
            value: u64::from(rd32(raw, 8)) << 32 | u64::from(rd32(raw, 4)),
        }
    }
}

/// `struct btf_var_secinfo`: one DATASEC entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VarSecinfo {
    pub type_id: u32,
    pub offset: u32,
    pub size: u32,
}

impl VarSecinfo {
    fn decode(_: &Btf, raw: &[u8], _: bool) -> Self {
        VarSecinfo {
            type_id: rd32(raw, 0),
            offset: rd32(raw, 4),
            size: rd32(raw, 8),
        }
    }
}
