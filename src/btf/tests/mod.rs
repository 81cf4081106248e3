//! Unit tests on byte fixtures built with [`BtfBuilder`]; real data (clang, the
//! running kernel) in `real`.

use super::write::{info, BtfBuilder};
use super::*;
use crate::error::libbpf_errno::FORMAT;

fn errno<T: fmt::Debug>(r: Result<T, Error>) -> i32 {
    r.expect_err("expected an error").errno()
}

use crate::testutil::test_skip as skip;
use crate::uapi::*;

/// A blob with a few types: 1 int, 2 ptr→1, 3 array[4] of 1, 4 struct s {int a; int b[4];}.
fn small() -> BtfBuilder {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, INT_SIGNED, 32);
    b.ptr(int);
    let arr = b.array(int, int, 4);
    b.struct_("s", 20, &[("a", int, 0), ("b", arr, 32)]);
    b
}

fn header(bytes: &mut [u8], field_off: usize, v: u32) {
    bytes[field_off..field_off + 4].copy_from_slice(&v.to_ne_bytes());
}

// ---- header and layout --------------------------------------------------------

#[test]
fn parse_small_and_round_trip() {
    let b = small();
    let bytes = b.to_bytes();
    let btf = Btf::parse(&bytes).unwrap();
    assert_eq!(btf.type_cnt(), 5);
    assert_eq!(btf.to_bytes(), bytes);
    let s = btf.ty(4).unwrap();
    assert_eq!(
        (s.kind(), s.name(), s.size(), s.vlen()),
        (Kind::Struct, "s", 20, 2)
    );
    let m: Vec<_> = s
        .members()
        .map(|m| (m.name, m.type_id, m.bit_offset))
        .collect();
    assert_eq!(m, [("a", 1, 0), ("b", 3, 32)]);
    assert!(btf.ty(5).is_none());
    let void = btf.ty(0).unwrap();
    assert!(void.is_void() && void.name().is_empty() && void.members().is_empty());
    assert_eq!(
        format!("{:?}", btf.ty(1).unwrap()),
        "[1] int 'int' info=0x1000000 size/type=4"
    );
}

#[test]
fn header_errors() {
    let good = small().to_bytes();
    // Too short.
    assert_eq!(errno(Btf::parse(&good[..23])), FORMAT);
    assert_eq!(errno(Btf::parse(&[])), FORMAT);
    // Bad magic; opposite-endian magic is a clear "unsupported".
    let mut b = good.clone();
    b[0] = 0x12;
    assert_eq!(errno(Btf::parse(&b)), FORMAT);
    let mut b = good.clone();
    b[..2].copy_from_slice(&BTF_MAGIC.swap_bytes().to_ne_bytes());
    let e = Btf::parse(&b).unwrap_err();
    assert!(
        matches!(e, Error::Unsupported(m) if m.contains("byte order")),
        "{e}"
    );
    // hdr_len below 24 and past the end.
    let mut b = good.clone();
    header(&mut b, 4, 16);
    assert_eq!(errno(Btf::parse(&b)), FORMAT);
    let mut b = good.clone();
    header(&mut b, 4, good.len() as u32 + 1);
    assert_eq!(errno(Btf::parse(&b)), FORMAT);
    // Strings past the end (str_len, and str_off + str_len overflowing u32).
    let mut b = good.clone();
    let sl = u32::from_ne_bytes(b[20..24].try_into().unwrap());
    header(&mut b, 20, sl + 1);
    assert_eq!(errno(Btf::parse(&b)), FORMAT);
    let mut b = good.clone();
    header(&mut b, 16, u32::MAX);
    assert_eq!(errno(Btf::parse(&b)), FORMAT);
    // Types overlapping the strings / strings not last.
    let mut b = good.clone();
    let tl = u32::from_ne_bytes(b[12..16].try_into().unwrap());
    header(&mut b, 12, tl + 4);
    assert_eq!(errno(Btf::parse(&b)), FORMAT);
    let mut b = good.clone();
    header(&mut b, 8, u32::MAX - 2);
    assert_eq!(errno(Btf::parse(&b)), FORMAT);
    // Misaligned type section.
    let mut b = small().to_bytes();
    let types = b[24..24 + tl as usize].to_vec();
    let strs = b[24 + tl as usize..].to_vec();
    b.truncate(24);
    b.extend_from_slice(&strs);
    b.push(0);
    b.extend_from_slice(&types);
    header(&mut b, 8, strs.len() as u32 + 1);
    header(&mut b, 16, 0);
    assert_eq!(errno(Btf::parse(&b)), FORMAT);
}

#[test]
fn strings_first_in_the_blob_is_fine_if_types_do_not_overlap() {
    // libbpf only requires that the types end before str_off; a blob with the
    // type section after the strings fails that, so build the legal variant:
    // a gap between types and strings.
    let good = small().to_bytes();
    let tl = u32::from_ne_bytes(good[12..16].try_into().unwrap()) as usize;
    let mut b = good[..24 + tl].to_vec();
    b.extend_from_slice(&[0, 0, 0, 0]);
    b.extend_from_slice(&good[24 + tl..]);
    header(&mut b, 16, tl as u32 + 4);
    let btf = Btf::parse(&b).unwrap();
    assert_eq!(btf.to_bytes(), good, "re-emitted without the gap");
}

#[test]
fn longer_header_with_zero_tail_is_accepted_and_dropped() {
    let good = small().to_bytes();
    let mut b = good[..24].to_vec();
    b.extend_from_slice(&[0; 4]);
    b.extend_from_slice(&good[24..]);
    header(&mut b, 4, 28);
    assert_eq!(Btf::parse(&b).unwrap().to_bytes(), good);
}

#[test]
fn string_section_errors() {
    let strs_case = |strs: &[u8]| {
        let mut b = BtfBuilder::new();
        b.int("", 4, 0, 32);
        let types = b.to_bytes()[24..24 + 16].to_vec();
        Btf::from_sections(types, strs.to_vec())
    };
    assert!(strs_case(b"\0").is_ok());
    assert!(strs_case(b"\0a\0").is_ok());
    assert_eq!(errno(strs_case(b"")), FORMAT);
    assert_eq!(errno(strs_case(b"a\0")), FORMAT);
    assert_eq!(errno(strs_case(b"\0a")), FORMAT);
}

#[test]
fn truncated_and_malformed_records() {
    // A record header cut short.
    let mut b = small();
    b.push_words(&[0, info(Kind::Int, false, 0)]);
    assert_eq!(errno(b.build()), FORMAT);
    // Trailing data cut short: INT without its encoding word.
    let mut b = small();
    b.push_words(&[0, info(Kind::Int, false, 0), 4]);
    let e = b.build().unwrap_err();
    assert!(e.to_string().contains("[5] is malformed"), "{e}");
    // A struct claiming 2 members with only one present.
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, 0, 32);
    b.push_words(&[0, info(Kind::Struct, false, 2), 8, 0, int, 0]);
    assert_eq!(errno(b.build()), FORMAT);
    // vlen at its maximum with no entries (vlen × 12 past the end).
    let mut b = small();
    b.push_words(&[0, info(Kind::Struct, false, 0xffff), 8]);
    assert_eq!(errno(b.build()), FORMAT);
    let mut b = small();
    b.push_words(&[0, info(Kind::Datasec, false, 0xffff), 8, 1, 2, 3]);
    assert_eq!(errno(b.build()), FORMAT);
    // Unknown kinds (0 and 20..31) are rejected.
    for k in [0u32, 20, 31] {
        let mut b = small();
        b.push_words(&[0, k << 24, 0]);
        let e = b.build().unwrap_err();
        assert!(e.to_string().contains("unsupported BTF_KIND"), "{e}");
    }
    // Odd type_len (a trailing partial word).
    let good = small().to_bytes();
    let tl = u32::from_ne_bytes(good[12..16].try_into().unwrap());
    let mut b = good[..24 + tl as usize].to_vec();
    b.push(0);
    b.extend_from_slice(&good[24 + tl as usize..]);
    header(&mut b, 12, tl + 1);
    header(&mut b, 16, tl + 1);
    assert_eq!(errno(Btf::parse(&b)), FORMAT);
}

#[test]
fn name_and_reference_checks() {
    let strs_len = small().to_bytes().len() as u32; // larger than the string section
                                                    // Type name out of range, exactly str_len, and in range mid-string.
    let mut b = small();
    b.add_raw(strs_len, info(Kind::Typedef, false, 0), 1, &[]);
    assert_eq!(errno(b.build()), FORMAT);
    let mut b = small();
    let len = b.build().unwrap().strings_section().len() as u32;
    b.add_raw(len, info(Kind::Typedef, false, 0), 1, &[]);
    let e = b.build().unwrap_err();
    assert!(e.to_string().contains("invalid name string offset"), "{e}");
    let mut b = small();
    b.add_raw(2, info(Kind::Typedef, false, 0), 1, &[]); // "nt", suffix of "int"
    assert_eq!(b.build().unwrap().ty(5).unwrap().name(), "nt");
    // Member, param and enumerator names.
    let mut b = small();
    b.add_raw(0, info(Kind::Struct, false, 1), 4, &[9999, 1, 0]);
    assert!(b.build().unwrap_err().to_string().contains("member name"));
    let mut b = small();
    b.add_raw(0, info(Kind::FuncProto, false, 1), 1, &[9999, 1]);
    assert!(b.build().unwrap_err().to_string().contains("param name"));
    let mut b = small();
    b.add_raw(0, info(Kind::Enum, false, 1), 4, &[9999, 1]);
    assert!(b
        .build()
        .unwrap_err()
        .to_string()
        .contains("enumerator name"));
    // Referenced IDs past the end.
    for (kind, st, tr) in [
        (Kind::Ptr, 99, vec![]),
        (Kind::Array, 0, vec![1, 99, 3]),
        (Kind::Struct, 4, vec![0, 99, 0]),
        (Kind::Var, 99, vec![1]),
        (Kind::Datasec, 4, vec![99, 0, 4]),
        (Kind::FuncProto, 99, vec![]),
    ] {
        let vlen = u32::from(matches!(kind, Kind::Struct | Kind::Datasec));
        let mut b = small();
        b.add_raw(0, info(kind, false, vlen), st, &tr);
        let e = b.build().unwrap_err();
        assert!(
            e.to_string().contains("invalid referenced type ID 99"),
            "{kind}: {e}"
        );
    }
    // Forward references are fine.
    let mut b = BtfBuilder::new();
    b.ptr(2);
    b.int("int", 4, 0, 32);
    assert!(b.build().is_ok());
    // FUNC must point to a FUNC_PROTO.
    let mut b = small();
    let f = b.add_str("f");
    b.add_raw(f, info(Kind::Func, false, 0), 1, &[]);
    assert!(b
        .build()
        .unwrap_err()
        .to_string()
        .contains("not FUNC_PROTO"));
}

// ---- views --------------------------------------------------------------------

#[test]
fn type_views_of_every_kind() {
    let mut b = BtfBuilder::new();
    let int = b.int("unsigned char", 1, INT_CHAR, 8); // 1
    let s32 = b.int("int", 4, INT_SIGNED, 32); // 2
    let bf = b.composite(
        Kind::Struct,
        "bits",
        true,
        8,
        &[("x", s32, 3 << 24 | 5), ("y", int, 8 << 24 | 32)],
    ); // 3
    let en = b.enum_("e", 4, true, &[("NEG", -2), ("POS", 7)]); // 4
    let en_u = b.enum_("u", 4, false, &[("BIG", 0xffff_fffe)]); // 5
    let e64 = b.enum64("e64", 8, false, &[("HI", 0x1_0000_0002)]); // 6
    let proto = b.func_proto(s32, &[("a", s32), ("", 0)]); // 7
    let func = b.func("f", proto, LINKAGE_GLOBAL); // 8
    let var = b.var("v", s32, LINKAGE_GLOBAL); // 9
    let ds = b.datasec(".data", 8, &[(var, 4, 4)]); // 10
    let fl = b.float("double", 8); // 11
    let tag = b.decl_tag("tag", var, -1); // 12
    let tt = b.type_tag("user", s32); // 13
    let fwd = b.fwd("later", true); // 14
    let un = b.union_("un", 4, &[("i", s32, 0)]); // 15
    let btf = b.build().unwrap();
    assert_eq!(btf.to_bytes(), b.to_bytes());

    let t = btf.ty(int).unwrap();
    assert_eq!(
        (t.int_encoding(), t.int_bits(), t.int_offset()),
        (INT_CHAR, 8, 0)
    );
    let t = btf.ty(bf).unwrap();
    assert!(t.kflag() && t.is_composite());
    let m: Vec<_> = t
        .members()
        .map(|m| (m.name, m.bit_offset, m.bitfield_size))
        .collect();
    assert_eq!(m, [("x", 5, 3), ("y", 32, 8)]);
    assert_eq!(t.members().get(1).unwrap().raw_offset, 8 << 24 | 32);
    assert!(t.members().get(2).is_none());
    let t = btf.ty(en).unwrap();
    assert!(t.enum_signed());
    let v: Vec<_> = t.enum_values().map(|v| (v.name, v.value as i64)).collect();
    assert_eq!(v, [("NEG", -2), ("POS", 7)]);
    assert_eq!(
        btf.ty(en_u).unwrap().enum_values().next().unwrap().value,
        0xffff_fffe
    );
    let t = btf.ty(e64).unwrap();
    assert_eq!(t.enum_values().next().unwrap().value, 0x1_0000_0002);
    let t = btf.ty(proto).unwrap();
    let p: Vec<_> = t.params().map(|p| (p.name, p.type_id)).collect();
    assert_eq!(p, [("a", s32), ("", 0)]);
    assert_eq!(t.params().len(), 2);
    assert_eq!(btf.ty(func).unwrap().func_linkage(), Some(LINKAGE_GLOBAL));
    assert_eq!(btf.ty(var).unwrap().var_linkage(), Some(LINKAGE_GLOBAL));
    let d: Vec<_> = btf.ty(ds).unwrap().datasec_vars().collect();
    assert_eq!(
        d,
        [VarSecinfo {
            type_id: var,
            offset: 4,
            size: 4
        }]
    );
    assert_eq!(btf.ty(fl).unwrap().kind(), Kind::Float);
    assert_eq!(btf.ty(tag).unwrap().decl_tag_component_idx(), Some(-1));
    assert!(btf.ty(tt).unwrap().is_mod());
    assert!(btf.ty(fwd).unwrap().kflag());
    assert_eq!(btf.ty(un).unwrap().members().len(), 1);
    // Accessors of the wrong kind are empty, not garbage.
    let t = btf.ty(s32).unwrap();
    assert!(t.members().is_empty() && t.params().is_empty() && t.enum_values().is_empty());
    assert_eq!(
        (t.array(), t.var_linkage(), t.func_linkage()),
        (None, None, None)
    );
    assert_eq!(btf.types().count(), 15);
    for k in 0..=19 {
        assert_eq!(Kind::from_raw(k).unwrap() as u32, k);
    }
    assert_eq!(Kind::from_raw(20), None);
    assert_eq!(Kind::FuncProto.to_string(), "func_proto");
}

#[test]
fn find_by_name_and_kind() {
    let mut b = BtfBuilder::new();
    let int = b.int("x", 4, 0, 32); // 1
    b.typedef("x", int); // 2
    b.struct_("x", 4, &[("m", int, 0)]); // 3
    b.struct_("x", 4, &[]); // 4
    b.struct_("xy", 4, &[]); // 5
    b.datasec(".data", 4, &[]); // 6
    let btf = b.build().unwrap();
    assert_eq!(btf.find_by_name_kind("x", Kind::Int), Some(1));
    assert_eq!(btf.find_by_name_kind("x", Kind::Typedef), Some(2));
    assert_eq!(
        btf.find_by_name_kind("x", Kind::Struct),
        Some(3),
        "lowest ID"
    );
    assert_eq!(btf.find_by_name_kind("xy", Kind::Struct), Some(5));
    assert_eq!(btf.find_by_name_kind("", Kind::Struct), None);
    assert_eq!(btf.find_by_name_kind("xyz", Kind::Struct), None);
    assert_eq!(btf.find_by_name_kind("x", Kind::Union), None);
    assert_eq!(btf.find_by_name_kind("void", Kind::Struct), Some(0));
    assert_eq!(btf.find_by_name_kind("x", Kind::Void), Some(0));
    assert_eq!(btf.find_by_name("x"), Some(1));
    assert_eq!(btf.find_by_name("void"), Some(0));
    assert_eq!(btf.find_by_name("nope"), None);
    assert_eq!(btf.datasec_by_name(".data"), Some(6));
    assert_eq!(btf.datasec_by_name(".bss"), None);
    assert_eq!(btf.name_at(1), Some("x"));
    assert_eq!(btf.name_at(2), Some(""));
    assert_eq!(btf.name_at(9999), None);
}

// ---- sizes and resolution -----------------------------------------------------

#[test]
fn resolve_sizes() {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, INT_SIGNED, 32); // 1
    let arr = b.array(int, int, 10); // 2
    let arr2 = b.array(arr, int, 3); // 3
    let td = b.typedef("t", arr2); // 4
    let c = b.modifier(Kind::Const, td); // 5
    let v = b.modifier(Kind::Volatile, c); // 6
    let s = b.struct_("s", 24, &[("a", int, 0)]); // 7
    let p = b.ptr(s); // 8
    let fwd = b.fwd("f", false); // 9
    let proto = b.func_proto(0, &[]); // 10
    let big = b.array(int, int, 0x4000_0000); // 11 (4 GiB)
    let zero = b.array(big, int, 0); // 12
    let var = b.var("gv", s, 1); // 13
    let en = b.enum64("e", 8, false, &[]); // 14
    let huge = b.array(big, int, 2); // 15
    let btf = b.build().unwrap();
    assert_eq!(btf.resolve_size(int).unwrap(), 4);
    assert_eq!(btf.resolve_size(arr).unwrap(), 40);
    assert_eq!(btf.resolve_size(arr2).unwrap(), 120);
    assert_eq!(btf.resolve_size(v).unwrap(), 120);
    assert_eq!(btf.resolve_size(s).unwrap(), 24);
    assert_eq!(btf.resolve_size(p).unwrap(), 8);
    assert_eq!(btf.resolve_size(var).unwrap(), 24);
    assert_eq!(btf.resolve_size(en).unwrap(), 8);
    assert_eq!(btf.resolve_size(zero).unwrap(), 0, "zero-length array");
    assert_eq!(errno(btf.resolve_size(big)), libc::E2BIG);
    assert_eq!(errno(btf.resolve_size(huge)), libc::E2BIG);
    for nosize in [0, fwd, proto, 99] {
        assert_eq!(errno(btf.resolve_size(nosize)), libc::EINVAL, "[{nosize}]");
    }
    assert_eq!(btf.skip_mods_and_typedefs(v).map(|(id, _)| id), Some(arr2));
    assert_eq!(btf.skip_mods_and_typedefs(int).map(|(id, _)| id), Some(int));
    assert_eq!(
        btf.skip_mods_and_typedefs(0).map(|(id, t)| (id, t.kind())),
        Some((0, Kind::Void))
    );
    assert!(btf.skip_mods_and_typedefs(99).is_none());
    assert_eq!(btf.resolve_type(var).unwrap(), s);
    assert_eq!(btf.resolve_type(v).unwrap(), arr2);
    assert_eq!(errno(btf.resolve_type(fwd)), libc::EINVAL);
}

#[test]
fn loops_and_depth_limits() {
    // typedef loop 1 -> 2 -> 1; PTR–CONST loop 3 -> 4 -> 3; legal struct pair via ptrs.
    let mut b = BtfBuilder::new();
    b.typedef("a", 2); // 1
    b.typedef("b", 1); // 2
    b.ptr(4); // 3
    b.modifier(Kind::Const, 3); // 4
    b.struct_("s1", 8, &[("p", 7, 0)]); // 5
    b.struct_("s2", 8, &[("p", 8, 0)]); // 6
    b.ptr(6); // 7
    b.ptr(5); // 8
    let btf = b.build().unwrap();
    assert_eq!(errno(btf.resolve_size(1)), libc::EINVAL);
    assert!(btf.skip_mods_and_typedefs(1).is_none());
    assert_eq!(errno(btf.resolve_type(1)), libc::EINVAL);
    assert_eq!(btf.resolve_size(4).unwrap(), 8);
    assert_eq!(btf.resolve_size(5).unwrap(), 8);

    // A chain of N typedefs over an INT: resolve_size visits at most 32 types as
    // libbpf does (31 typedefs resolve, 32 do not); skip_mods_and_typedefs skips
    // up to 32 links (libbpf has no limit there, we stop loops).
    for (n, size_ok, skip_ok) in [(31u32, true, true), (32, false, true), (33, false, false)] {
        let mut b = BtfBuilder::new();
        let mut id = b.int("int", 4, 0, 32);
        for _ in 0..n {
            id = b.typedef("t", id);
        }
        let btf = b.build().unwrap();
        assert_eq!(btf.resolve_size(id).is_ok(), size_ok, "{n} typedefs");
        assert_eq!(
            btf.skip_mods_and_typedefs(id).is_some(),
            skip_ok,
            "{n} typedefs"
        );
    }
}

// ---- DATASEC fix-up -----------------------------------------------------------

struct Syms(Vec<(&'static str, u32, bool)>);

impl Syms {
    fn get(&self, name: &str) -> Option<(u32, bool)> {
        self.0.iter().find(|s| s.0 == name).map(|s| (s.1, s.2))
    }
}

fn fixup_fixture() -> BtfBuilder {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, INT_SIGNED, 32); // 1
    let a = b.var("a", int, LINKAGE_GLOBAL); // 2
    let bb = b.var("b", int, LINKAGE_GLOBAL); // 3
    let st = b.var("st", int, LINKAGE_STATIC); // 4
    let ex = b.var("ex", int, LINKAGE_EXTERN); // 5
    b.datasec(".data", 0, &[(a, 0, 4), (bb, 0, 4), (st, 0, 4), (ex, 0, 4)]); // 6
    let k2 = b.var("CONFIG_B", int, LINKAGE_EXTERN); // 7
    let k1 = b.var("CONFIG_A", int, LINKAGE_EXTERN); // 8
    b.datasec(".kconfig", 8, &[(k2, 4, 4), (k1, 0, 4)]); // 9
    let proto = b.func_proto(int, &[]); // 10
    b.func("hidden_fn", proto, LINKAGE_GLOBAL); // 11
    b.func("visible_fn", proto, LINKAGE_GLOBAL); // 12
    b
}

#[test]
fn datasec_fixup() {
    let mut btf = fixup_fixture().build().unwrap();
    let syms = Syms(vec![
        ("a", 8, false),
        ("b", 0, true),
        ("hidden_fn", 0, true),
        ("visible_fn", 0, false),
    ]);
    let sizes = |n: &str| (n == ".data").then_some(16);
    btf.fixup_datasecs(&sizes, &|n| syms.get(n)).unwrap();
    let ds = btf.ty(6).unwrap();
    assert_eq!(ds.size(), 16);
    let v: Vec<_> = ds.datasec_vars().map(|v| (v.type_id, v.offset)).collect();
    // b (0) before a (8); static/extern VARs keep offset 0, stable order.
    assert_eq!(v, [(3, 0), (4, 0), (5, 0), (2, 8)]);
    assert_eq!(
        btf.ty(3).unwrap().var_linkage(),
        Some(LINKAGE_STATIC),
        "hidden"
    );
    assert_eq!(btf.ty(2).unwrap().var_linkage(), Some(LINKAGE_GLOBAL));
    // .kconfig: only sorted.
    let k: Vec<_> = btf
        .ty(9)
        .unwrap()
        .datasec_vars()
        .map(|v| (v.type_id, v.offset))
        .collect();
    assert_eq!(k, [(8, 0), (7, 4)]);
    assert_eq!(btf.ty(11).unwrap().func_linkage(), Some(LINKAGE_STATIC));
    assert_eq!(btf.ty(12).unwrap().func_linkage(), Some(LINKAGE_GLOBAL));
    // The result re-parses and round-trips.
    let bytes = btf.to_bytes();
    assert_eq!(Btf::parse(&bytes).unwrap().to_bytes(), bytes);
}

#[test]
fn datasec_fixup_errors() {
    let all = Syms(vec![("a", 0, false), ("b", 4, false)]);
    let sym = |n: &str| all.get(n);
    // Unknown section, or size 0.
    let mut btf = fixup_fixture().build().unwrap();
    assert_eq!(errno(btf.fixup_datasecs(&|_| None, &sym)), libc::ENOENT);
    assert_eq!(errno(btf.fixup_datasecs(&|_| Some(0), &sym)), libc::ENOENT);
    // Missing symbol for a global VAR.
    let only_a = Syms(vec![("a", 0, false)]);
    assert_eq!(
        errno(btf.fixup_datasecs(&|_| Some(8), &|n| only_a.get(n))),
        libc::ENOENT
    );
    // A non-VAR entry.
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, 0, 32);
    b.datasec(".data", 0, &[(int, 0, 4)]);
    let mut btf = b.build().unwrap();
    assert_eq!(errno(btf.fixup_datasecs(&|_| Some(4), &sym)), libc::EINVAL);
    // An entry pointing at void.
    let mut b = BtfBuilder::new();
    b.datasec(".data", 0, &[(0, 0, 4)]);
    let mut btf = b.build().unwrap();
    assert_eq!(errno(btf.fixup_datasecs(&|_| Some(4), &sym)), libc::EINVAL);
}

#[test]
fn datasec_fixup_keeps_offsets_of_sized_sections() {
    // Linker output: size and offsets set; symbols still checked, hidden applied.
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, 0, 32);
    let a = b.var("a", int, LINKAGE_GLOBAL);
    let c = b.var("c", int, LINKAGE_GLOBAL);
    b.datasec(".bss", 8, &[(a, 4, 4), (c, 0, 4)]);
    let mut btf = b.build().unwrap();
    let syms = Syms(vec![("a", 100, true), ("c", 200, false)]);
    btf.fixup_datasecs(&|_| panic!("size is known"), &|n| syms.get(n))
        .unwrap();
    let v: Vec<_> = btf
        .ty(4)
        .unwrap()
        .datasec_vars()
        .map(|v| (v.type_id, v.offset))
        .collect();
    assert_eq!(v, [(c, 0), (a, 4)]);
    assert_eq!(btf.ty(a).unwrap().var_linkage(), Some(LINKAGE_STATIC));
}

#[test]
fn linkage_setters() {
    let mut btf = fixup_fixture().build().unwrap();
    btf.set_func_linkage(12, LINKAGE_STATIC).unwrap();
    assert_eq!(btf.ty(12).unwrap().func_linkage(), Some(0));
    assert_eq!(btf.ty(12).unwrap().name(), "visible_fn");
    btf.set_var_linkage(2, LINKAGE_STATIC).unwrap();
    assert_eq!(btf.ty(2).unwrap().var_linkage(), Some(0));
    assert_eq!(errno(btf.set_func_linkage(2, 0)), libc::EINVAL);
    assert_eq!(errno(btf.set_var_linkage(0, 0)), libc::EINVAL);
    assert_eq!(errno(btf.set_var_linkage(999, 0)), libc::EINVAL);
}

// ---- .BTF.ext -----------------------------------------------------------------

/// A sub-section: rec_size then blocks of (name_off, records as words).
fn ext_sub(rec_size: u32, blocks: &[(u32, &[&[u32]])]) -> Vec<u8> {
    let mut v = rec_size.to_ne_bytes().to_vec();
    for (name, recs) in blocks {
        v.extend(name.to_ne_bytes());
        v.extend((recs.len() as u32).to_ne_bytes());
        for r in *recs {
            for w in *r {
                v.extend(w.to_ne_bytes());
            }
        }
    }
    v
}

/// A `.BTF.ext` with the given sub-sections laid out back to back.
fn ext_blob(hdr_len: u32, subs: &[&[u8]]) -> Vec<u8> {
    let mut hdr = BTF_MAGIC.to_ne_bytes().to_vec();
    hdr.extend([1, 0]);
    hdr.extend(hdr_len.to_ne_bytes());
    let mut body = Vec::new();
    for s in subs {
        hdr.extend((body.len() as u32).to_ne_bytes());
        hdr.extend((s.len() as u32).to_ne_bytes());
        body.extend_from_slice(s);
    }
    hdr.resize(hdr_len as usize, 0);
    hdr.extend(body);
    hdr
}

fn ext_btf() -> (Btf, u32, u32) {
    let mut b = small();
    let text = b.add_str(".text");
    let tc = b.add_str("tc");
    (b.build().unwrap(), text, tc)
}

#[test]
fn ext_parse_and_query() {
    let (btf, text, tc) = ext_btf();
    let func = ext_sub(8, &[(text, &[&[0, 7], &[64, 8]]), (tc, &[&[0, 9]])]);
    let line = ext_sub(
        16,
        &[(tc, &[&[0, 1, 2, 10 << 10 | 5], &[8, 1, 2, 11 << 10]])],
    );
    let core = ext_sub(20, &[(tc, &[&[16, 4, 3, 0, 0xdead]])]);
    let blob = ext_blob(32, &[&func, &line, &core]);
    let ext = BtfExt::parse(&blob, &btf).unwrap();
    let f = ext.func_info(".text").unwrap();
    assert_eq!((f.sec(), f.rec_size(), f.len()), (".text", 8, 2));
    let fi: Vec<_> = f.func_infos().collect();
    assert_eq!(
        fi,
        [
            FuncInfo {
                insn_off: 0,
                type_id: 7
            },
            FuncInfo {
                insn_off: 64,
                type_id: 8
            }
        ]
    );
    assert_eq!(
        ext.func_info("tc")
            .unwrap()
            .func_infos()
            .next()
            .unwrap()
            .type_id,
        9
    );
    assert!(ext.func_info("xdp").is_none());
    let l = ext.line_info("tc").unwrap();
    let li: Vec<_> = l.line_infos().collect();
    assert_eq!((li[0].line(), li[0].col(), li[1].insn_off), (10, 5, 8));
    assert!(ext.line_info(".text").is_none());
    let c = ext.core_relos("tc").unwrap();
    assert_eq!(c.rec_size(), 20, "larger records pass through");
    assert_eq!(c.record(0).unwrap().len(), 20);
    assert!(c.record(1).is_none());
    assert_eq!(
        c.core_relos().next().unwrap(),
        CoreRelo {
            insn_off: 16,
            type_id: 4,
            access_str_off: 3,
            kind: 0
        }
    );
    assert!(ext.has_core_relos());
    assert_eq!(ext.func_info_blocks().count(), 2);
    assert_eq!(ext.raw_data(), &blob[..]);
    assert_eq!(
        (
            ext.func_info_rec_size(),
            ext.line_info_rec_size(),
            ext.core_relo_rec_size()
        ),
        (8, 16, 20)
    );
    // A 24-byte header has no CO-RE part; empty sub-sections are fine.
    let ext = BtfExt::parse(&ext_blob(24, &[&func, &[]]), &btf).unwrap();
    assert!(!ext.has_core_relos() && ext.core_relos("tc").is_none());
    assert!(ext.line_info("tc").is_none());
}

#[test]
fn ext_errors() {
    let (btf, text, _) = ext_btf();
    let func = ext_sub(8, &[(text, &[&[0, 1]])]);
    let good = ext_blob(32, &[&func, &[], &[]]);
    assert!(BtfExt::parse(&good, &btf).is_ok());
    let fmt = |b: &[u8]| errno(BtfExt::parse(b, &btf));
    assert_eq!(fmt(&good[..7]), FORMAT);
    let mut b = good.clone();
    b[1] = 0;
    assert_eq!(fmt(&b), FORMAT, "bad magic");
    let mut b = good.clone();
    b[..2].copy_from_slice(&BTF_MAGIC.swap_bytes().to_ne_bytes());
    assert_eq!(fmt(&b), libc::EOPNOTSUPP, "opposite endian");
    let mut b = good.clone();
    b[2] = 2;
    assert_eq!(fmt(&b), libc::EOPNOTSUPP, "version");
    let mut b = good.clone();
    b[3] = 1;
    assert_eq!(fmt(&b), libc::EOPNOTSUPP, "flags");
    assert_eq!(fmt(&good[..32]), FORMAT, "header only");
    let mut b = good.clone();
    header(&mut b, 4, 1000);
    assert_eq!(fmt(&b), FORMAT, "hdr_len past the end");
    let mut b = good.clone();
    header(&mut b, 4, 20);
    assert_eq!(fmt(&b), FORMAT, "hdr_len < 24");
    let mut b = good.clone();
    header(&mut b, 8, 2);
    assert_eq!(fmt(&b), FORMAT, "misaligned");
    let mut b = good.clone();
    header(&mut b, 8, u32::MAX - 3);
    assert_eq!(fmt(&b), FORMAT, "offset past the end");
    let mut b = good.clone();
    header(&mut b, 12, u32::MAX);
    assert_eq!(fmt(&b), FORMAT, "length past the end");
    let mut b = good.clone();
    header(&mut b, 12, 2);
    assert_eq!(fmt(&b), FORMAT, "no record size");
    let mut b = good.clone();
    header(&mut b, 12, 4);
    assert_eq!(fmt(&b), FORMAT, "no records");
    let mut b = good.clone();
    header(&mut b, 12, 8);
    assert_eq!(fmt(&b), FORMAT, "truncated block header");
    for rs in [4u32, 10] {
        let bad = ext_blob(32, &[&ext_sub(rs, &[(text, &[&[0, 1, 2]])])]);
        assert_eq!(fmt(&bad), FORMAT, "rec_size {rs}");
    }
    let bad = ext_blob(32, &[&ext_sub(8, &[(text, &[])])]);
    assert_eq!(fmt(&bad), FORMAT, "num_info 0");
    let mut bad = ext_blob(32, &[&ext_sub(8, &[(text, &[&[0, 1]])])]);
    header(&mut bad, 32 + 8, 2); // num_info 2 with one record
    assert_eq!(fmt(&bad), FORMAT, "num_info too big");
    let mut bad = ext_blob(32, &[&ext_sub(8, &[(text, &[&[0, 1]])])]);
    header(&mut bad, 32 + 8, u32::MAX);
    assert_eq!(fmt(&bad), FORMAT, "num_info overflow");
    let bad = ext_blob(32, &[&ext_sub(8, &[(9999, &[&[0, 1]])])]);
    assert_eq!(fmt(&bad), FORMAT, "section name offset");
    // line_info and core_relo minimums are 16.
    let bad = ext_blob(32, &[&[], &ext_sub(8, &[(text, &[&[0, 1]])])]);
    assert_eq!(fmt(&bad), FORMAT);
    let bad = ext_blob(32, &[&[], &[], &ext_sub(12, &[(text, &[&[0, 1, 2]])])]);
    assert_eq!(fmt(&bad), FORMAT);
    // …but a 28-byte header ignores the core_relo fields entirely.
    let mut ok = ext_blob(28, &[&func, &[]]);
    ok.truncate(ok.len());
    assert!(BtfExt::parse(&ok, &btf).is_ok());
}

// ---- BTF-defined maps ---------------------------------------------------------

/// Encodes map definitions the way clang does for `__uint`/`__type`/`__array`.
struct MapsBuilder {
    b: BtfBuilder,
    int: u32,
}

enum Attr<'a> {
    Uint(&'a str, u32),
    Type(&'a str, u32),
    /// `__array(values, T)` with `T` given.
    Array(&'a str, u32),
    /// Any member type.
    Raw(&'a str, u32),
}

impl MapsBuilder {
    fn new() -> Self {
        let mut b = BtfBuilder::new();
        let int = b.int("int", 4, INT_SIGNED, 32);
        b.int("__ARRAY_SIZE_TYPE__", 4, 0, 32);
        MapsBuilder { b, int }
    }

    fn uint(&mut self, n: u32) -> u32 {
        let arr = self.b.array(self.int, 2, n);
        self.b.ptr(arr)
    }

    /// The anonymous definition STRUCT.
    fn def(&mut self, attrs: &[Attr<'_>]) -> u32 {
        let mut members = Vec::new();
        for (i, a) in attrs.iter().enumerate() {
            let (name, ty) = match *a {
                Attr::Uint(n, v) => (n, self.uint(v)),
                Attr::Type(n, t) => (n, self.b.ptr(t)),
                Attr::Array(n, t) => {
                    let p = self.b.ptr(t);
                    (n, self.b.array(p, 2, 0))
                }
                Attr::Raw(n, t) => (n, t),
            };
            members.push((name, ty, 64 * i as u32));
        }
        let size = 8 * attrs.len() as u32;
        self.b.struct_("", size, &members)
    }

    fn var(&mut self, name: &str, attrs: &[Attr<'_>]) -> u32 {
        let d = self.def(attrs);
        self.b.var(name, d, LINKAGE_GLOBAL)
    }
}

fn map_def(mb: &MapsBuilder, var: u32, relaxed: bool) -> Result<BtfMapDef, Error> {
    parse_btf_map_def(&mb.b.build().unwrap(), var, "m", relaxed)
}

#[test]
fn map_def_all_members() {
    let mut mb = MapsBuilder::new();
    let val = mb.b.struct_("val", 12, &[("a", mb.int, 0)]);
    let var = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_HASH),
            Attr::Uint("max_entries", 128),
            Attr::Type("key", mb.int),
            Attr::Type("value", val),
            Attr::Uint("map_flags", 1),
            Attr::Uint("numa_node", 2),
            Attr::Uint("pinning", 1),
            Attr::Uint("map_extra", 7),
        ],
    );
    let d = map_def(&mb, var, false).unwrap();
    assert_eq!(
        d,
        BtfMapDef {
            map_type: Some(BPF_MAP_TYPE_HASH),
            key_size: Some(4),
            value_size: Some(12),
            key_type_id: mb.int,
            value_type_id: val,
            max_entries: 128,
            map_flags: 1,
            numa_node: 2,
            pinning: 1,
            map_extra: 7,
            ..Default::default()
        }
    );
    // The definition STRUCT's ID (and a typedef of it) works as well as the VAR.
    let btf = mb.b.build().unwrap();
    let def_id = btf.ty(var).unwrap().type_id();
    assert_eq!(parse_btf_map_def(&btf, def_id, "m", false).unwrap(), d);
}

#[test]
fn map_def_sizes_both_ways() {
    let mut mb = MapsBuilder::new();
    let ok = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
            Attr::Uint("key_size", 4),
            Attr::Type("key", mb.int),
            Attr::Uint("value_size", 8),
        ],
    );
    let d = map_def(&mb, ok, false).unwrap();
    assert_eq!(
        (d.key_size, d.key_type_id, d.value_size, d.value_type_id),
        (Some(4), mb.int, Some(8), 0)
    );
    let bad_key = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
            Attr::Type("key", mb.int),
            Attr::Uint("key_size", 8),
        ],
    );
    assert_eq!(errno(map_def(&mb, bad_key, false)), libc::EINVAL);
    let long = mb.b.int("long", 8, INT_SIGNED, 64);
    let bad_val = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
            Attr::Uint("value_size", 4),
            Attr::Type("value", long),
        ],
    );
    assert_eq!(errno(map_def(&mb, bad_val, false)), libc::EINVAL);
    // value_size 0 counts as unset, as in libbpf.
    let zero = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
            Attr::Uint("value_size", 0),
            Attr::Type("value", long),
        ],
    );
    assert_eq!(map_def(&mb, zero, false).unwrap().value_size, Some(8));
    // A key type without a size.
    let proto = mb.b.func_proto(0, &[]);
    let nosize = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
            Attr::Type("key", proto),
        ],
    );
    assert_eq!(errno(map_def(&mb, nosize, false)), libc::EINVAL);
    // `key` that is not a PTR, `__uint` that is not PTR → ARRAY.
    let not_ptr = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
            Attr::Raw("key", mb.int),
        ],
    );
    assert_eq!(errno(map_def(&mb, not_ptr, false)), libc::EINVAL);
    let p = mb.b.ptr(mb.int);
    let not_arr = mb.var("m", &[Attr::Raw("type", p)]);
    assert_eq!(errno(map_def(&mb, not_arr, false)), libc::EINVAL);
    let not_ptr = mb.var("m", &[Attr::Raw("type", mb.int)]);
    assert_eq!(errno(map_def(&mb, not_ptr, false)), libc::EINVAL);
}

#[test]
fn map_def_type_and_unknown_members() {
    let mut mb = MapsBuilder::new();
    let no_type = mb.var("m", &[Attr::Uint("max_entries", 1)]);
    let e = map_def(&mb, no_type, false).unwrap_err();
    assert_eq!(e.errno(), libc::EINVAL);
    let zero_type = mb.var("m", &[Attr::Uint("type", BPF_MAP_TYPE_UNSPEC)]);
    assert_eq!(errno(map_def(&mb, zero_type, false)), libc::EINVAL);
    let unknown = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_HASH),
            Attr::Uint("frobnicate", 3),
        ],
    );
    assert_eq!(errno(map_def(&mb, unknown, false)), libc::EOPNOTSUPP);
    let d = map_def(&mb, unknown, true).unwrap();
    assert_eq!(d.map_type, Some(BPF_MAP_TYPE_HASH));
    let pin2 = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_HASH),
            Attr::Uint("pinning", 2),
        ],
    );
    assert_eq!(errno(map_def(&mb, pin2, false)), libc::EINVAL);
    // Linkage: only global-allocated VARs are maps.
    let d = mb.def(&[Attr::Uint("type", BPF_MAP_TYPE_HASH)]);
    let stat = mb.b.var("s", d, LINKAGE_STATIC);
    assert_eq!(errno(map_def(&mb, stat, false)), libc::EOPNOTSUPP);
    // Definition that is not a STRUCT; bad IDs.
    let v = mb.b.var("v", mb.int, LINKAGE_GLOBAL);
    assert_eq!(errno(map_def(&mb, v, false)), libc::EINVAL);
    assert_eq!(errno(map_def(&mb, 9999, false)), libc::EINVAL);
}

#[test]
fn map_def_map_extra_ulong() {
    let mut mb = MapsBuilder::new();
    let e =
        mb.b.enum64("", 8, false, &[("__unique_value0", 0x1_0000_0001)]);
    let var = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_BLOOM_FILTER),
            Attr::Raw("map_extra", e),
        ],
    );
    assert_eq!(map_def(&mb, var, false).unwrap().map_extra, 0x1_0000_0001);
    let e2 = mb.b.enum_("", 4, false, &[("a", 1), ("b", 2)]);
    let var = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_BLOOM_FILTER),
            Attr::Raw("map_extra", e2),
        ],
    );
    assert_eq!(errno(map_def(&mb, var, false)), libc::EINVAL);
}

#[test]
fn map_def_inner_map_and_prog_array() {
    let mut mb = MapsBuilder::new();
    let inner = mb.def(&[
        Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
        Attr::Uint("max_entries", 1),
        Attr::Type("key", mb.int),
        Attr::Type("value", mb.int),
    ]);
    let outer = mb.var(
        "outer",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY_OF_MAPS),
            Attr::Uint("max_entries", 4),
            Attr::Type("key", mb.int),
            Attr::Array("values", inner),
        ],
    );
    let d = map_def(&mb, outer, false).unwrap();
    assert_eq!(
        (d.map_type, d.value_size, d.values_offset),
        (Some(12), Some(4), Some(24))
    );
    assert!(!d.values_are_progs);
    let i = d.inner.unwrap();
    assert_eq!(
        (i.map_type, i.max_entries, i.key_size, i.value_size),
        (Some(2), 1, Some(4), Some(4))
    );

    // PROG_ARRAY with values = int (void *).
    let vp = mb.b.ptr(0);
    let proto = mb.b.func_proto(mb.int, &[("", vp)]);
    let pa = mb.var(
        "pa",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_PROG_ARRAY),
            Attr::Uint("max_entries", 2),
            Attr::Uint("key_size", 4),
            Attr::Array("values", proto),
        ],
    );
    let d = map_def(&mb, pa, false).unwrap();
    assert!(d.values_are_progs && d.inner.is_none());
    assert_eq!((d.value_size, d.values_offset), (Some(4), Some(24)));

    // values not last; values in a hash; conflicting value size; nested values in
    // the inner; inner pinned; wrong kinds behind values.
    let nl = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY_OF_MAPS),
            Attr::Array("values", inner),
            Attr::Uint("max_entries", 1),
        ],
    );
    assert_eq!(errno(map_def(&mb, nl, false)), libc::EINVAL);
    let hash = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_HASH),
            Attr::Array("values", inner),
        ],
    );
    assert_eq!(errno(map_def(&mb, hash, false)), libc::EOPNOTSUPP);
    let vs = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY_OF_MAPS),
            Attr::Uint("value_size", 8),
            Attr::Array("values", inner),
        ],
    );
    assert_eq!(errno(map_def(&mb, vs, false)), libc::EINVAL);
    let nested = mb.def(&[
        Attr::Uint("type", BPF_MAP_TYPE_ARRAY_OF_MAPS),
        Attr::Array("values", inner),
    ]);
    let o2 = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_HASH_OF_MAPS),
            Attr::Array("values", nested),
        ],
    );
    assert_eq!(errno(map_def(&mb, o2, false)), libc::EOPNOTSUPP);
    let pinned = mb.def(&[
        Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
        Attr::Uint("pinning", 1),
    ]);
    let o3 = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY_OF_MAPS),
            Attr::Array("values", pinned),
        ],
    );
    assert_eq!(errno(map_def(&mb, o3, false)), libc::EINVAL);
    let untyped_inner = mb.def(&[Attr::Uint("max_entries", 1)]);
    let o4 = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY_OF_MAPS),
            Attr::Array("values", untyped_inner),
        ],
    );
    assert_eq!(errno(map_def(&mb, o4, false)), libc::EINVAL);
    let o5 = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY_OF_MAPS),
            Attr::Array("values", proto),
        ],
    );
    assert_eq!(errno(map_def(&mb, o5, false)), libc::EINVAL);
    let pa2 = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_PROG_ARRAY),
            Attr::Array("values", inner),
        ],
    );
    assert_eq!(errno(map_def(&mb, pa2, false)), libc::EINVAL);
    let sized = mb.b.array(mb.int, 2, 3);
    let pa3 = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_PROG_ARRAY),
            Attr::Raw("values", sized),
        ],
    );
    assert_eq!(errno(map_def(&mb, pa3, false)), libc::EINVAL);
    let not_ptr = mb.b.array(mb.int, 2, 0);
    let pa4 = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_PROG_ARRAY),
            Attr::Raw("values", not_ptr),
        ],
    );
    assert_eq!(errno(map_def(&mb, pa4, false)), libc::EINVAL);
}

#[test]
fn maps_datasec() {
    let mut mb = MapsBuilder::new();
    let a = mb.var(
        "a",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
            Attr::Uint("max_entries", 1),
        ],
    );
    let b = mb.var("b", &[Attr::Uint("type", BPF_MAP_TYPE_HASH)]);
    mb.b.datasec(".maps", 24, &[(a, 0, 16), (b, 16, 8)]);
    let btf = mb.b.build().unwrap();
    let maps = parse_btf_maps(&btf, ".maps", 24, false).unwrap();
    let names: Vec<_> = maps
        .iter()
        .map(|m| (m.name.as_str(), m.offset, m.size, m.def.map_type))
        .collect();
    assert_eq!(names, [("a", 0, 16, Some(2)), ("b", 16, 8, Some(1))]);
    assert_eq!(maps[0].var_id, a);
    assert_eq!(
        errno(parse_btf_maps(&btf, ".maps", 20, false)),
        libc::EINVAL,
        "past the section"
    );
    assert_eq!(
        errno(parse_btf_maps(&btf, ".nomaps", 24, false)),
        libc::ENOENT
    );
    // Slot smaller than the definition.
    let mut mb = MapsBuilder::new();
    let a = mb.var(
        "a",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
            Attr::Uint("max_entries", 1),
        ],
    );
    mb.b.datasec(".maps", 8, &[(a, 0, 8)]);
    assert_eq!(
        errno(parse_btf_maps(&mb.b.build().unwrap(), ".maps", 8, false)),
        libc::EINVAL
    );
    // Not a VAR; anonymous.
    let mut mb = MapsBuilder::new();
    let d = mb.def(&[Attr::Uint("type", BPF_MAP_TYPE_ARRAY)]);
    mb.b.datasec(".maps", 8, &[(d, 0, 8)]);
    assert_eq!(
        errno(parse_btf_maps(&mb.b.build().unwrap(), ".maps", 8, false)),
        libc::EINVAL
    );
    let mut mb = MapsBuilder::new();
    let d = mb.def(&[Attr::Uint("type", BPF_MAP_TYPE_ARRAY)]);
    let v = mb.b.var("", d, LINKAGE_GLOBAL);
    mb.b.datasec(".maps", 8, &[(v, 0, 8)]);
    assert_eq!(
        errno(parse_btf_maps(&mb.b.build().unwrap(), ".maps", 8, false)),
        libc::EINVAL
    );
}

// ---- robustness ---------------------------------------------------------------

/// xorshift64*: deterministic pseudo-random bytes without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Touches every accessor of every type, as a user of a parsed blob would.
fn exercise(btf: &Btf) -> u64 {
    let mut parts: Vec<u64> = Vec::new();
    for id in 0..btf.type_cnt() + 2 {
        let Some(t) = btf.ty(id) else { continue };
        parts.push(u64::from(t.vlen()) + t.name().len() as u64 + u64::from(t.int_bits()));
        parts.extend(
            t.members()
                .map(|m| u64::from(m.bit_offset) + m.name.len() as u64),
        );
        parts.extend(t.params().map(|p| u64::from(p.type_id)));
        parts.extend(t.enum_values().map(|v| v.value));
        parts.extend(t.datasec_vars().map(|v| u64::from(v.offset)));
        parts.push(t.array().map_or(0, |a| u64::from(a.nelems)));
        parts.push(btf.resolve_size(id).map_or(1, u64::from));
        parts.push(
            btf.skip_mods_and_typedefs(id)
                .map_or(0, |(i, _)| u64::from(i)),
        );
        let _ = btf.resolve_type(id);
        if t.kind() == Kind::Var {
            let _ = parse_btf_map_def(btf, id, "fuzz", true);
        }
    }
    parts.into_iter().fold(0, u64::wrapping_add)
}

#[test]
fn mutated_blobs_never_panic() {
    let mut mb = MapsBuilder::new();
    let inner = mb.def(&[
        Attr::Uint("type", BPF_MAP_TYPE_ARRAY),
        Attr::Type("key", mb.int),
    ]);
    let v = mb.var(
        "m",
        &[
            Attr::Uint("type", BPF_MAP_TYPE_ARRAY_OF_MAPS),
            Attr::Type("key", mb.int),
            Attr::Array("values", inner),
        ],
    );
    mb.b.datasec(".maps", 24, &[(v, 0, 24)]);
    let fx = fixup_fixture().to_bytes();
    let seeds = [mb.b.to_bytes(), fx, small().to_bytes()];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut parsed = 0;
    for seed in &seeds {
        for cut in 0..seed.len() {
            let _ = Btf::parse(&seed[..cut]);
        }
        for _ in 0..3000 {
            let mut b = seed.clone();
            for _ in 0..1 + rng.next() % 4 {
                let i = (rng.next() % b.len() as u64) as usize;
                b[i] = match rng.next() % 3 {
                    0 => rng.next() as u8,
                    1 => b[i] ^ (1 << (rng.next() % 8)),
                    _ => [0, 0xff, 1, 0x7f][(rng.next() % 4) as usize],
                };
            }
            if let Ok(mut btf) = Btf::parse(&b) {
                parsed += 1;
                exercise(&btf);
                let _ = parse_btf_maps(&btf, ".maps", 24, false);
                let _ = btf.fixup_datasecs(&|_| Some(64), &|_| Some((4, true)));
                let again = Btf::parse(&btf.to_bytes()).expect("fixed-up BTF re-parses");
                assert_eq!(again.type_cnt(), btf.type_cnt());
            }
        }
    }
    assert!(
        parsed > 100,
        "mutations should often still parse ({parsed})"
    );

    let (btf, text, tc) = ext_btf();
    let func = ext_sub(8, &[(text, &[&[0, 7], &[64, 8]]), (tc, &[&[0, 9]])]);
    let line = ext_sub(16, &[(tc, &[&[0, 1, 2, 3]])]);
    let core = ext_sub(16, &[(tc, &[&[16, 4, 3, 0]])]);
    let seed = ext_blob(32, &[&func, &line, &core]);
    for cut in 0..seed.len() {
        let _ = BtfExt::parse(&seed[..cut], &btf);
    }
    for _ in 0..5000 {
        let mut b = seed.clone();
        let i = (rng.next() % b.len() as u64) as usize;
        b[i] = rng.next() as u8;
        if let Ok(ext) = BtfExt::parse(&b, &btf) {
            for blk in ext
                .func_info_blocks()
                .chain(ext.line_info_blocks())
                .chain(ext.core_relo_blocks())
            {
                assert_eq!(blk.records().count(), blk.len());
                let _ =
                    blk.func_infos().count() + blk.line_infos().count() + blk.core_relos().count();
            }
        }
    }
}

mod edit;
mod real;
