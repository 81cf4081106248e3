//! BTF sanitising for older kernels (libbpf's `bpf_object__sanitize_btf`): the
//! copy of an object's BTF sent to a kernel that lacks some kinds has each such
//! kind rewritten in place into one the kernel knows, keeping every type ID, so
//! that map and program references into the BTF stay valid.
//!
//! Must not call: `crate::sys`. What the kernel lacks comes in as plain flags
//! ([`BtfSupport`]); the loader fills them from its feature probes.
//! Spec: `btf-core.md` §4.4 (BTF upload and sanitisation).
//!
//! The rewrites, in libbpf 1.1.2's order (the first matching one applies):
//! - no DATASEC: VAR → INT (size 1, 8 bits), DATASEC → STRUCT of the same size
//!   whose members are its variables (name, type, bit offset), with `.` in the
//!   section name (and `?`) replaced by `_` in the string section;
//! - no DECL_TAG: DECL_TAG → INT as VAR;
//! - no `?`-named DATASEC: a leading `?` of a DATASEC name becomes `_`;
//! - no FUNC: FUNC_PROTO → ENUM (size 4, one enumerator per parameter),
//!   FUNC → TYPEDEF of the same prototype id;
//! - no global FUNC: every FUNC becomes static;
//! - no FLOAT: FLOAT → anonymous empty STRUCT of the same size;
//! - no TYPE_TAG: TYPE_TAG → anonymous CONST;
//! - no ENUM64: ENUM loses its kind flag (signedness), ENUM64 → UNION of the
//!   same size whose members (named as the enumerators) all have type
//!   `enum64_placeholder`, a 1-byte INT appended once.

use super::types::{rd32, wr32, Kind, TYPE_HDR_LEN};
use super::write::info;
use super::Btf;
use crate::error::Error;
use once_cell::sync::OnceCell;

/// Which BTF forms the kernel accepts; `false` fields are rewritten.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BtfSupport {
    /// FUNC and FUNC_PROTO (Linux 5.0).
    pub func: bool,
    /// FUNC with global linkage (5.6).
    pub global_func: bool,
    /// DATASEC and VAR (5.2).
    pub datasec: bool,
    /// DATASEC names starting with `?`.
    pub qmark_datasec: bool,
    /// FLOAT (5.13).
    pub float: bool,
    /// DECL_TAG (5.16).
    pub decl_tag: bool,
    /// TYPE_TAG (5.17).
    pub type_tag: bool,
    /// ENUM64 and signed ENUM (6.0).
    pub enum64: bool,
}

impl BtfSupport {
    /// A kernel that accepts every kind this library writes.
    pub const ALL: BtfSupport = BtfSupport {
        func: true,
        global_func: true,
        datasec: true,
        qmark_datasec: true,
        float: true,
        decl_tag: true,
        type_tag: true,
        enum64: true,
    };

    /// Whether anything would be rewritten (libbpf's `btf_needs_sanitization`).
    pub fn needs_sanitizing(&self) -> bool {
        *self != BtfSupport::ALL
    }
}

/// A 12-byte-entry rewrite: `(old entry) → new entry`, for DATASEC and ENUM64.
type Entry = [u32; 3];

impl Btf {
    /// A copy of this BTF with every kind `s` lacks rewritten (the original is
    /// kept as it is, for CO-RE and `bpf_object__btf`).
    pub fn sanitized(&self, s: &BtfSupport) -> Result<Btf, Error> {
        let mut copy = self.clone();
        copy.sanitize(s)?;
        Ok(copy)
    }

    /// Rewrites, in place, every own type of a kind `s` lacks (see the module
    /// documentation). Type IDs and record lengths do not change; at most one
    /// INT is appended.
    pub fn sanitize(&mut self, s: &BtfSupport) -> Result<(), Error> {
        if !s.needs_sanitizing() {
            return Ok(());
        }
        self.modified();
        let mut placeholder = 0u32;
        // `offs` grows by the placeholder; it is an INT, which nothing rewrites.
        let mut i = 0;
        while i < self.offs.len() {
            let off = self.offs[i] as usize;
            let word = rd32(self.store.types(), off + 4);
            let (kind, vlen) = (Kind::from_raw(word >> 24 & 0x1f), word & 0xffff);
            match kind {
                Some(Kind::Var) if !s.datasec => self.make_int8(off),
                Some(Kind::DeclTag) if !s.decl_tag => self.make_int8(off),
                Some(Kind::Datasec) if !s.datasec => self.datasec_to_struct(off, vlen, s),
                Some(Kind::Datasec) if !s.qmark_datasec => {
                    let name = rd32(self.store.types(), off);
                    if let Some(b) = self.own_str_mut(name).and_then(|n| n.first_mut()) {
                        if *b == b'?' {
                            *b = b'_';
                        }
                    }
                }
                Some(Kind::FuncProto) if !s.func => {
                    self.set_info(off, info(Kind::Enum, false, vlen));
                    wr32(self.store.types_mut(), off + 8, 4);
                }
                Some(Kind::Func) if !s.func => self.set_info(off, info(Kind::Typedef, false, 0)),
                Some(Kind::Func) if !s.global_func => {
                    self.set_info(off, info(Kind::Func, false, 0))
                }
                Some(Kind::Float) if !s.float => {
                    wr32(self.store.types_mut(), off, 0);
                    self.set_info(off, info(Kind::Struct, false, 0));
                }
                Some(Kind::TypeTag) if !s.type_tag => {
                    wr32(self.store.types_mut(), off, 0);
                    self.set_info(off, info(Kind::Const, false, 0));
                }
                Some(Kind::Enum) if !s.enum64 => self.set_info(off, info(Kind::Enum, false, vlen)),
                Some(Kind::Enum64) if !s.enum64 => {
                    if placeholder == 0 {
                        placeholder = self.add_int(b"enum64_placeholder", 1, 0)?;
                    }
                    self.set_info(off, info(Kind::Union, false, vlen));
                    self.rewrite_entries(off, vlen, |[name, _, _]| [name, placeholder, 0]);
                }
                _ => {}
            }
            i += 1;
        }
        // Names may have changed in place: the lazy indexes start over.
        self.names = OnceCell::new();
        self.strings = OnceCell::new();
        self.essentials = OnceCell::new();
        Ok(())
    }

    fn set_info(&mut self, off: usize, word: u32) {
        wr32(self.store.types_mut(), off + 4, word);
    }

    /// VAR or DECL_TAG → `INT` of size 1, 8 bits (the extra word stays in place).
    fn make_int8(&mut self, off: usize) {
        self.set_info(off, info(Kind::Int, false, 0));
        wr32(self.store.types_mut(), off + 8, 1);
        wr32(self.store.types_mut(), off + TYPE_HDR_LEN, 8);
    }

    /// DATASEC → STRUCT: `{type, offset, size}` entries become `{name of the
    /// VAR, type, offset in bits}` members; the section's name loses its dots.
    fn datasec_to_struct(&mut self, off: usize, vlen: u32, s: &BtfSupport) {
        let name = rd32(self.store.types(), off);
        if let Some(n) = self.own_str_mut(name) {
            for b in n.iter_mut() {
                if *b == b'.' || (*b == b'?' && !s.qmark_datasec) {
                    *b = b'_';
                }
            }
        }
        self.set_info(off, info(Kind::Struct, false, vlen));
        let var_names: Vec<u32> = self
            .entries(off, vlen)
            .map(|[ty, _, _]| self.ty(ty).map_or(0, |t| t.name_off()))
            .collect();
        let mut names = var_names.into_iter();
        self.rewrite_entries(off, vlen, |[ty, at, _]| {
            [names.next().unwrap_or(0), ty, at.wrapping_mul(8)]
        });
    }

    /// The 12-byte entries after the header of the record at `off`.
    fn entries(&self, off: usize, vlen: u32) -> impl Iterator<Item = Entry> + '_ {
        (0..vlen as usize).map(move |j| {
            let e = off + TYPE_HDR_LEN + 12 * j;
            [
                rd32(self.store.types(), e),
                rd32(self.store.types(), e + 4),
                rd32(self.store.types(), e + 8),
            ]
        })
    }

    fn rewrite_entries(&mut self, off: usize, vlen: u32, mut f: impl FnMut(Entry) -> Entry) {
        let old: Vec<Entry> = self.entries(off, vlen).collect();
        for (j, e) in old.into_iter().enumerate() {
            let at = off + TYPE_HDR_LEN + 12 * j;
            for (k, w) in f(e).into_iter().enumerate() {
                wr32(self.store.types_mut(), at + 4 * k, w);
            }
        }
    }

    /// The bytes (without the NUL) of own string `off`, to edit in place.
    fn own_str_mut(&mut self, off: u32) -> Option<&mut [u8]> {
        let start = off.checked_sub(self.start_str)? as usize;
        let tail = self.store.strs_mut().get_mut(start..)?;
        let len = tail.iter().position(|&b| b == 0)?;
        Some(&mut tail[..len])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::write::BtfBuilder;
    use crate::btf::{LINKAGE_GLOBAL, LINKAGE_STATIC};

    /// Every kind the sanitiser knows, one each:
    /// 1 int, 2 float, 3 proto, 4 global func, 5 static func, 6 var a, 7 var b,
    /// 8 DATASEC .data, 9 decl_tag → 6, 10 type_tag → 1, 11 ptr → 10,
    /// 12 signed enum, 13 enum64, 14 DATASEC ?.data.
    fn every_kind() -> Btf {
        let mut b = BtfBuilder::new();
        let int = b.int("int", 4, crate::btf::INT_SIGNED, 32);
        b.float("double", 8);
        let proto = b.func_proto(int, &[("x", int), ("y", int)]);
        b.func("g", proto, LINKAGE_GLOBAL);
        b.func("s", proto, LINKAGE_STATIC);
        let va = b.var("a", int, LINKAGE_GLOBAL);
        let vb = b.var("b", int, LINKAGE_GLOBAL);
        b.datasec(".data", 8, &[(va, 0, 4), (vb, 4, 4)]);
        b.decl_tag("tag", va, -1);
        let tt = b.type_tag("user", int);
        b.ptr(tt);
        b.enum_("e", 4, true, &[("E1", -1)]);
        b.enum64("e64", 8, false, &[("BIG", 1 << 40), ("SMALL", 2)]);
        b.datasec("?.data", 4, &[(vb, 0, 4)]);
        b.build().unwrap()
    }

    fn kinds(b: &Btf) -> Vec<Kind> {
        (1..b.type_cnt()).map(|i| b.ty(i).unwrap().kind()).collect()
    }

    fn without(f: impl FnOnce(&mut BtfSupport)) -> Btf {
        let mut s = BtfSupport::ALL;
        f(&mut s);
        let orig = every_kind();
        let out = orig.sanitized(&s).unwrap();
        // The original is untouched, and the copy reads back as valid BTF.
        assert_eq!(orig.to_bytes(), every_kind().to_bytes());
        Btf::parse(&out.to_bytes()).unwrap()
    }

    #[test]
    fn a_kernel_with_everything_gets_the_same_bytes() {
        assert!(!BtfSupport::ALL.needs_sanitizing());
        let b = every_kind();
        assert_eq!(
            b.sanitized(&BtfSupport::ALL).unwrap().to_bytes(),
            b.to_bytes()
        );
    }

    #[test]
    fn without_datasec_vars_are_ints_and_sections_structs() {
        let b = without(|s| s.datasec = false);
        let v = b.ty(6).unwrap();
        assert_eq!((v.kind(), v.size(), v.name()), (Kind::Int, 1, "a"));
        assert_eq!((v.int_bits(), v.int_encoding(), v.int_offset()), (8, 0, 0));
        let d = b.ty(8).unwrap();
        assert_eq!((d.kind(), d.size(), d.name()), (Kind::Struct, 8, "_data"));
        let m: Vec<_> = d
            .members()
            .map(|m| (b.name_at(m.name_off).unwrap(), m.type_id, m.bit_offset))
            .collect();
        assert_eq!(m, [("a", 6, 0), ("b", 7, 32)]);
        // libbpf 1.1.2 replaces only the dots; a `?` goes too where `?` names
        // are refused as well (every kernel without DATASEC).
        assert_eq!(b.ty(14).unwrap().name(), "?_data");
        assert_eq!(kinds(&b).iter().filter(|&&k| k == Kind::Var).count(), 0);
    }

    #[test]
    fn without_qmark_datasec_only_the_leading_qmark_changes() {
        let b = without(|s| s.qmark_datasec = false);
        assert_eq!(b.ty(14).unwrap().name(), "_.data");
        assert_eq!(b.ty(14).unwrap().kind(), Kind::Datasec);
        assert_eq!(b.ty(8).unwrap().name(), ".data");
    }

    #[test]
    fn without_func_protos_are_enums_and_funcs_typedefs() {
        let b = without(|s| s.func = false);
        let p = b.ty(3).unwrap();
        assert_eq!(
            (p.kind(), p.size(), p.vlen(), p.kflag()),
            (Kind::Enum, 4, 2, false)
        );
        let names: Vec<_> = p.enum_values().map(|v| v.name.to_string()).collect();
        assert_eq!(names, ["x", "y"]);
        for id in [4, 5] {
            let f = b.ty(id).unwrap();
            assert_eq!((f.kind(), f.type_id(), f.vlen()), (Kind::Typedef, 3, 0));
        }
    }

    #[test]
    fn without_global_funcs_every_func_is_static() {
        let b = without(|s| s.global_func = false);
        assert_eq!(b.ty(4).unwrap().func_linkage(), Some(LINKAGE_STATIC));
        assert_eq!(b.ty(4).unwrap().kind(), Kind::Func);
        assert_eq!(b.ty(3).unwrap().kind(), Kind::FuncProto);
    }

    #[test]
    fn without_float_an_anonymous_struct_of_the_same_size() {
        let b = without(|s| s.float = false);
        let f = b.ty(2).unwrap();
        assert_eq!(
            (f.kind(), f.size(), f.name(), f.vlen()),
            (Kind::Struct, 8, "", 0)
        );
    }

    #[test]
    fn without_decl_tag_an_int() {
        let b = without(|s| s.decl_tag = false);
        let t = b.ty(9).unwrap();
        assert_eq!((t.kind(), t.size(), t.int_bits()), (Kind::Int, 1, 8));
        assert_eq!(b.ty(6).unwrap().kind(), Kind::Var);
    }

    #[test]
    fn without_type_tag_an_anonymous_const() {
        let b = without(|s| s.type_tag = false);
        let t = b.ty(10).unwrap();
        assert_eq!((t.kind(), t.name(), t.type_id()), (Kind::Const, "", 1));
        assert_eq!(b.ty(11).unwrap().type_id(), 10);
    }

    #[test]
    fn without_enum64_a_union_of_placeholders_and_unsigned_enums() {
        let b = without(|s| s.enum64 = false);
        assert!(!b.ty(12).unwrap().kflag());
        assert_eq!(b.ty(12).unwrap().kind(), Kind::Enum);
        let ph = b.type_cnt() - 1;
        assert_eq!(ph, 15);
        let p = b.ty(ph).unwrap();
        assert_eq!(
            (p.kind(), p.name(), p.size()),
            (Kind::Int, "enum64_placeholder", 1)
        );
        let u = b.ty(13).unwrap();
        assert_eq!((u.kind(), u.size(), u.name()), (Kind::Union, 8, "e64"));
        let m: Vec<_> = u
            .members()
            .map(|m| (b.name_at(m.name_off).unwrap(), m.type_id, m.bit_offset))
            .collect();
        assert_eq!(m, [("BIG", ph, 0), ("SMALL", ph, 0)]);
    }

    #[test]
    fn one_placeholder_for_every_enum64() {
        let mut bb = BtfBuilder::new();
        bb.enum64("a", 8, false, &[("A", 1)]);
        bb.enum64("b", 8, true, &[("B", 2)]);
        let mut s = BtfSupport::ALL;
        s.enum64 = false;
        let b = bb.build().unwrap().sanitized(&s).unwrap();
        assert_eq!(kinds(&b), [Kind::Union, Kind::Union, Kind::Int]);
    }

    /// A 4.18 kernel (BTF without FUNC, DATASEC and everything later): only the
    /// kinds it knows remain.
    #[test]
    fn a_first_btf_kernel_sees_only_its_kinds() {
        let s = BtfSupport {
            func: false,
            global_func: false,
            datasec: false,
            qmark_datasec: false,
            float: false,
            decl_tag: false,
            type_tag: false,
            enum64: false,
        };
        let b = Btf::parse(&every_kind().sanitized(&s).unwrap().to_bytes()).unwrap();
        assert_eq!(b.ty(14).unwrap().name(), "__data");
        assert!(
            kinds(&b).iter().all(|&k| (k as u32) < Kind::Func as u32),
            "{:?}",
            kinds(&b)
        );
    }
}
