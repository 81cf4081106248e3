//! [`BtfEdit`]: the writer against the reader, split BTF, byte order, errors.

use super::super::edit::record_len;
use super::*;

fn errno_of<T>(r: Result<T, Error>) -> i32 {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.errno(),
    }
}

/// int, ptr, struct s { int a; int *p; }, enum e { A = -1 }, func proto + func.
fn sample() -> BtfEdit {
    let mut b = BtfEdit::new_empty(None);
    let int = b.add_int(b"int", 4, i32::from(INT_SIGNED)).unwrap();
    let ptr = b.add_ref(Kind::Ptr, None, int as i32, false).unwrap();
    let s = b.add_sized(Kind::Struct, Some(b"s"), 16, false).unwrap();
    b.add_field(Some(b"a"), int as i32, 0, 0).unwrap();
    b.add_field(Some(b"p"), ptr as i32, 64, 0).unwrap();
    assert_eq!(s, 3);
    b.add_sized(Kind::Enum, Some(b"e"), 4, false).unwrap();
    b.add_enum_value(b"A", -1).unwrap();
    let proto = b.add_ref(Kind::FuncProto, None, int as i32, false).unwrap();
    b.add_func_param(Some(b"x"), s as i32).unwrap();
    b.add_func(b"f", 1, proto as i32).unwrap();
    b
}

#[test]
fn writer_output_parses_with_the_reader() {
    let b = sample();
    let raw = b.raw_data();
    let r = Btf::parse(&raw).expect("reader accepts the writer's blob");
    assert_eq!(r.type_cnt(), b.cnt());
    let s = r.ty(3).unwrap();
    assert_eq!((s.kind(), s.vlen(), s.name()), (Kind::Struct, 2, "s"));
    let e = r.ty(4).unwrap();
    assert!(e.kflag(), "negative enumerator marks the enum signed");
    assert_eq!(r.find_by_name_kind("f", Kind::Func), Some(6));
    assert_eq!(b.size_of(3).unwrap(), 16);
    assert_eq!(b.align(3, 0).unwrap(), 8);
    assert_eq!(b.resolve(2).unwrap(), 2);
    assert_eq!(errno_of(b.size_of(6)), libc::EINVAL, "FUNC has no size");
    // Reparsing gives the same bytes back.
    let again = BtfEdit::parse(&raw, None).unwrap();
    assert_eq!(again.raw_data(), raw);
}

#[test]
fn strings_are_deduplicated() {
    let mut b = sample();
    let n = b.strings_section().len();
    assert_eq!(b.add_str(b"int").unwrap(), 1);
    assert_eq!(b.add_str(b"").unwrap(), 0);
    assert_eq!(b.strings_section().len(), n);
    let off = b.add_str(b"new").unwrap();
    assert_eq!(off as usize, n);
    assert_eq!(b.find_str(b"new").unwrap(), off);
    assert_eq!(
        errno_of(b.find_str(b"nt")),
        libc::ENOENT,
        "no suffix matches"
    );
}

#[test]
fn argument_checks() {
    let mut b = BtfEdit::new_empty(None);
    assert_eq!(errno_of(b.add_int(b"", 4, 0)), libc::EINVAL);
    assert_eq!(errno_of(b.add_int(b"x", 3, 0)), libc::EINVAL);
    assert_eq!(errno_of(b.add_int(b"x", 4, 8)), libc::EINVAL);
    assert_eq!(errno_of(b.add_field(None, 1, 0, 0)), libc::EINVAL);
    assert_eq!(
        errno_of(b.add_ref(Kind::Ptr, None, -1, false)),
        libc::EINVAL
    );
    b.add_sized(Kind::Union, Some(b"u"), 4, false).unwrap();
    assert_eq!(errno_of(b.add_field(Some(b"x"), 0, 8, 0)), libc::EINVAL);
    assert_eq!(errno_of(b.add_field(Some(b"x"), 0, 0, 256)), libc::EINVAL);
    b.add_sized(Kind::Enum, Some(b"e"), 4, false).unwrap();
    assert_eq!(errno_of(b.add_enum_value(b"v", 1 << 33)), libc::E2BIG);
    assert_eq!(errno_of(b.add_decl_tag(b"t", 1, -2)), libc::EINVAL);
    assert_eq!(b.cnt(), 3, "failed calls add nothing");
}

#[test]
fn split_ids_and_strings_continue_after_the_base() {
    let base = Arc::new(sample());
    let mut s = BtfEdit::new_empty(Some(Arc::clone(&base)));
    assert_eq!(s.cnt(), base.cnt());
    assert_eq!(s.add_str(b"int").unwrap(), 1, "base strings are reused");
    let off = s.add_str(b"own").unwrap();
    assert_eq!(off as usize, base.strings_section().len());
    let id = s.add_ref(Kind::Typedef, Some(b"own"), 3, false).unwrap();
    assert_eq!(id, base.cnt());
    assert_eq!(s.str_at(off), Some(&b"own"[..]));
    assert_eq!(s.find_named(b"s", Some(Kind::Struct as u32)), Some(3));
    assert_eq!(s.size_of(id).unwrap(), 16);
    let raw = s.raw_data();
    let back = BtfEdit::parse(&raw, Some(Arc::clone(&base))).unwrap();
    assert_eq!(back.cnt(), s.cnt());
    assert_eq!(back.str_at(off), Some(&b"own"[..]));
    // A split blob's strings do not start with NUL: invalid without the base.
    assert_eq!(errno_of(BtfEdit::parse(&raw, None)), libc::EINVAL);
    // Appending split BTF is refused.
    let mut other = BtfEdit::new_empty(None);
    assert_eq!(errno_of(other.add_btf(&s, true)), libc::ENOTSUP);
}

#[test]
fn opposite_byte_order_round_trip() {
    let mut b = sample();
    let native = b.raw_data();
    b.set_big_endian(cfg!(target_endian = "little"));
    let swapped = b.raw_data();
    assert_ne!(swapped, native);
    assert_eq!(swapped.len(), native.len());
    let back = BtfEdit::parse(&swapped, None).unwrap();
    assert_eq!(back.raw_data(), swapped, "unmodified: the input bytes");
    assert_eq!(back.raw_native(), native);
    assert_eq!(back.cnt(), b.cnt());
}

#[test]
fn add_btf_remaps_ids_and_strings() {
    let src = sample();
    let mut d = BtfEdit::new_empty(None);
    d.add_str(b"zz").unwrap();
    d.add_int(b"char", 1, 0).unwrap();
    let first = d.add_btf(&src, false).unwrap();
    assert_eq!(first, 2);
    assert_eq!(d.cnt(), 1 + 1 + src.cnt() - 1);
    // The PTR now points at the copied int (1 + 1).
    let p = d.rec(3).unwrap();
    assert_eq!(rd32(p, 8), 2);
    assert_eq!(d.find_named(b"f", Some(Kind::Func as u32)), Some(7));
    assert!(Btf::parse(&d.raw_data()).is_ok());
}

#[test]
fn malformed_blobs_are_einval() {
    let good = sample().raw_data();
    assert_eq!(errno_of(BtfEdit::parse(&good[..10], None)), libc::EINVAL);
    let mut bad = good.clone();
    bad[0] = 0;
    assert_eq!(errno_of(BtfEdit::parse(&bad, None)), libc::EINVAL);
    let mut bad = good.clone();
    bad[24 + 7] = 31; // kind 31 in the first record's info
    assert_eq!(errno_of(BtfEdit::parse(&bad, None)), libc::EINVAL);
    let mut bad = good;
    let n = bad.len();
    bad[n - 1] = b'x'; // strings not NUL-terminated
    assert_eq!(errno_of(BtfEdit::parse(&bad, None)), libc::EINVAL);
    assert_eq!(record_len(&[0; 4]), None);
}
