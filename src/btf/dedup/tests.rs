//! Unit tests of [`Btf::dedup`] on BTF built with the writer.

use super::super::{Btf, Kind};

fn int(b: &mut Btf, name: &str) -> u32 {
    b.add_int(name.as_bytes(), 4, 1).unwrap()
}

#[test]
fn duplicate_ints_collapse() {
    let mut b = Btf::default();
    int(&mut b, "int");
    int(&mut b, "int");
    b.add_ref(Kind::Ptr, None, 2, false).unwrap();
    b.dedup(None, false).unwrap();
    assert_eq!(b.type_cnt(), 3);
    assert_eq!(b.ty(2).unwrap().kind(), Kind::Ptr);
    assert_eq!(b.ty(2).unwrap().size(), 1);
}

/// `struct s { struct s *next; }` written twice: one struct, one pointer.
#[test]
fn pointer_cycles_compare() {
    let mut b = Btf::default();
    for _ in 0..2 {
        let s = b.add_sized(Kind::Struct, Some(b"s"), 8, false).unwrap();
        b.add_field(Some(b"next"), s as i32 + 1, 0, 0).unwrap();
        b.add_ref(Kind::Ptr, None, s as i32, false).unwrap();
    }
    b.dedup(None, false).unwrap();
    assert_eq!(b.type_cnt(), 3);
    assert_eq!(b.ty(1).unwrap().kind(), Kind::Struct);
    assert_eq!(b.ty(2).unwrap().size(), 1);
}

/// A FWD in no compared graph resolves to the one struct of its name; the
/// pointers to both then collapse.
#[test]
fn unambiguous_fwd_resolves() {
    let mut b = Btf::default();
    let i = int(&mut b, "int");
    let s = b.add_sized(Kind::Struct, Some(b"foo"), 4, false).unwrap();
    b.add_field(Some(b"u"), i as i32, 0, 0).unwrap();
    b.add_ref(Kind::Ptr, None, s as i32, false).unwrap();
    let f = b.add_ref(Kind::Fwd, Some(b"foo"), 0, false).unwrap();
    b.add_ref(Kind::Ptr, None, f as i32, false).unwrap();
    b.dedup(None, false).unwrap();
    assert_eq!(b.type_cnt(), 4);
    assert!(b.types().all(|t| t.kind() != Kind::Fwd));
}

/// A cycle of reference types with no struct in it: ELOOP.
#[test]
fn reference_cycle_is_eloop() {
    let mut b = Btf::default();
    b.add_ref(Kind::Typedef, Some(b"a"), 2, false).unwrap();
    b.add_ref(Kind::Ptr, None, 1, false).unwrap();
    let e = b.dedup(None, false).unwrap_err();
    assert_eq!(e.errno(), libc::ELOOP);
}

/// Two same-shaped structs whose first members reach distinct VARs and
/// whose second members differ in their types' names: the walk meets the
/// VARs first, so the dedup fails with EINVAL (as libbpf's), though the
/// names alone rule the pair out.
#[test]
fn walk_error_before_differing_names() {
    let mut b = Btf::default();
    let i = int(&mut b, "int");
    let l = int(&mut b, "long");
    let v1 = b.add_var(b"v", 0, i as i32).unwrap();
    let v2 = b.add_var(b"v", 0, i as i32).unwrap();
    for (v, t) in [(v1, i), (v2, l)] {
        b.add_sized(Kind::Struct, Some(b"s"), 16, false).unwrap();
        b.add_field(Some(b"m"), v as i32, 0, 0).unwrap();
        b.add_field(Some(b"n"), t as i32, 64, 0).unwrap();
    }
    let e = b.dedup(None, false).unwrap_err();
    assert_eq!(e.errno(), libc::EINVAL);
}
