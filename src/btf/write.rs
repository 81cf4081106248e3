//! [`BtfBuilder`], a small native-endian type-by-type encoder (used by tests and
//! by code that needs to synthesize BTF, such as feature probes), and the `info`
//! word every record starts with.
//!
//! Spec: `btf-core.md` §1.1–§1.3. The builder does not validate semantics (it can
//! write blobs the kernel would refuse); [`BtfBuilder::build`] runs the reader's
//! checks.

use super::emit::encode;
use super::types::Kind;
use super::Btf;
use crate::error::Error;
use std::collections::HashMap;

/// The `info` word: vlen bits 0–15, kind bits 24–28, kind_flag bit 31.
pub fn info(kind: Kind, kflag: bool, vlen: u32) -> u32 {
    (u32::from(kflag) << 31) | ((kind as u32) << 24) | (vlen & 0xffff)
}

/// Appends types one at a time; IDs start at 1 and strings are kept unique.
#[derive(Clone, Debug)]
pub struct BtfBuilder {
    types: Vec<u8>,
    strs: Vec<u8>,
    str_offs: HashMap<String, u32>,
    next_id: u32,
}

impl Default for BtfBuilder {
    fn default() -> Self {
        BtfBuilder::new()
    }
}

/// Entry lists longer than this are truncated (vlen is 16 bits).
const MAX_VLEN: usize = 0xffff;

impl BtfBuilder {
    /// An empty builder: no types, string section `"\0"`.
    pub fn new() -> Self {
        BtfBuilder {
            types: Vec::new(),
            strs: vec![0],
            str_offs: HashMap::new(),
            next_id: 1,
        }
    }

    /// The offset of `s` in the string section, adding it once; `""` is 0.
    pub fn add_str(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&off) = self.str_offs.get(s) {
            return off;
        }
        let off = self.strs.len() as u32;
        self.strs.extend_from_slice(s.as_bytes());
        self.strs.push(0);
        self.str_offs.insert(s.to_string(), off);
        off
    }

    /// Appends raw words (a record or a piece of one) to the type section without
    /// counting a type: for building malformed blobs in tests.
    pub fn push_words(&mut self, words: &[u32]) {
        for w in words {
            self.types.extend_from_slice(&w.to_ne_bytes());
        }
    }

    /// Appends one record `{name_off, info, size_or_type}` + `trailing` words and
    /// returns its ID.
    pub fn add_raw(
        &mut self,
        name_off: u32,
        info: u32,
        size_or_type: u32,
        trailing: &[u32],
    ) -> u32 {
        self.push_words(&[name_off, info, size_or_type]);
        self.push_words(trailing);
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn add(
        &mut self,
        name: &str,
        kind: Kind,
        kflag: bool,
        vlen: usize,
        st: u32,
        tr: &[u32],
    ) -> u32 {
        let n = self.add_str(name);
        self.add_raw(n, info(kind, kflag, vlen as u32), st, tr)
    }

    /// INT of `size` bytes, `bits` wide, with `encoding` (`INT_SIGNED`…).
    pub fn int(&mut self, name: &str, size: u32, encoding: u8, bits: u8) -> u32 {
        let word = u32::from(encoding) << 24 | u32::from(bits);
        self.add(name, Kind::Int, false, 0, size, &[word])
    }

    pub fn float(&mut self, name: &str, size: u32) -> u32 {
        self.add(name, Kind::Float, false, 0, size, &[])
    }

    pub fn ptr(&mut self, to: u32) -> u32 {
        self.add("", Kind::Ptr, false, 0, to, &[])
    }

    pub fn array(&mut self, elem: u32, index: u32, nelems: u32) -> u32 {
        self.add("", Kind::Array, false, 0, 0, &[elem, index, nelems])
    }

    /// STRUCT or UNION (per `kind`) with members `(name, type, raw offset word)`.
    pub fn composite(
        &mut self,
        kind: Kind,
        name: &str,
        kflag: bool,
        size: u32,
        members: &[(&str, u32, u32)],
    ) -> u32 {
        let members = &members[..members.len().min(MAX_VLEN)];
        let mut tr = Vec::with_capacity(3 * members.len());
        for &(n, ty, off) in members {
            tr.extend([self.add_str(n), ty, off]);
        }
        self.add(name, kind, kflag, members.len(), size, &tr)
    }

    /// STRUCT without kind_flag: members `(name, type, bit offset)`.
    pub fn struct_(&mut self, name: &str, size: u32, members: &[(&str, u32, u32)]) -> u32 {
        self.composite(Kind::Struct, name, false, size, members)
    }

    pub fn union_(&mut self, name: &str, size: u32, members: &[(&str, u32, u32)]) -> u32 {
        self.composite(Kind::Union, name, false, size, members)
    }

    /// ENUM (32-bit values; negative values need `signed`).
    pub fn enum_(&mut self, name: &str, size: u32, signed: bool, values: &[(&str, i64)]) -> u32 {
        let values = &values[..values.len().min(MAX_VLEN)];
        let mut tr = Vec::with_capacity(2 * values.len());
        for &(n, v) in values {
            tr.extend([self.add_str(n), v as u32]);
        }
        self.add(name, Kind::Enum, signed, values.len(), size, &tr)
    }

    pub fn enum64(&mut self, name: &str, size: u32, signed: bool, values: &[(&str, u64)]) -> u32 {
        let values = &values[..values.len().min(MAX_VLEN)];
        let mut tr = Vec::with_capacity(3 * values.len());
        for &(n, v) in values {
            tr.extend([self.add_str(n), v as u32, (v >> 32) as u32]);
        }
        self.add(name, Kind::Enum64, signed, values.len(), size, &tr)
    }

    pub fn fwd(&mut self, name: &str, is_union: bool) -> u32 {
        self.add(name, Kind::Fwd, is_union, 0, 0, &[])
    }

    pub fn typedef(&mut self, name: &str, to: u32) -> u32 {
        self.add(name, Kind::Typedef, false, 0, to, &[])
    }

    /// CONST, VOLATILE, RESTRICT (per `kind`) of `to`.
    pub fn modifier(&mut self, kind: Kind, to: u32) -> u32 {
        self.add("", kind, false, 0, to, &[])
    }

    pub fn func(&mut self, name: &str, proto: u32, linkage: u32) -> u32 {
        self.add(name, Kind::Func, false, linkage as usize, proto, &[])
    }

    /// FUNC_PROTO returning `ret` with params `(name, type)`.
    pub fn func_proto(&mut self, ret: u32, params: &[(&str, u32)]) -> u32 {
        let params = &params[..params.len().min(MAX_VLEN)];
        let mut tr = Vec::with_capacity(2 * params.len());
        for &(n, ty) in params {
            tr.extend([self.add_str(n), ty]);
        }
        self.add("", Kind::FuncProto, false, params.len(), ret, &tr)
    }

    pub fn var(&mut self, name: &str, ty: u32, linkage: u32) -> u32 {
        self.add(name, Kind::Var, false, 0, ty, &[linkage])
    }

    /// DATASEC with entries `(var id, offset, size)`.
    pub fn datasec(&mut self, name: &str, size: u32, vars: &[(u32, u32, u32)]) -> u32 {
        let vars = &vars[..vars.len().min(MAX_VLEN)];
        let tr: Vec<u32> = vars.iter().flat_map(|&(v, o, s)| [v, o, s]).collect();
        self.add(name, Kind::Datasec, false, vars.len(), size, &tr)
    }

    pub fn decl_tag(&mut self, value: &str, to: u32, component_idx: i32) -> u32 {
        self.add(value, Kind::DeclTag, false, 0, to, &[component_idx as u32])
    }

    pub fn type_tag(&mut self, value: &str, to: u32) -> u32 {
        self.add(value, Kind::TypeTag, false, 0, to, &[])
    }

    /// The ID the next type will get.
    pub fn next_id(&self) -> u32 {
        self.next_id
    }

    /// The encoded blob.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode(&self.types, &self.strs)
    }

    /// Parses the encoded blob with [`Btf::parse`]'s checks.
    pub fn build(&self) -> Result<Btf, Error> {
        Btf::from_sections(self.types.clone(), self.strs.clone())
    }
}
