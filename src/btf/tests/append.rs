//! The writer (`btf__add_*`) against the reader, split BTF, byte order, the
//! lazily built indexes, and `btf__new`'s (libbpf 1.1.2) errors.

use super::super::types::rd32;
use super::super::write::{info, BtfBuilder};
use super::*;

fn errno_of<T>(r: Result<T, Error>) -> i32 {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.errno(),
    }
}

/// int, ptr, struct s { int a; int *p; }, enum e { A = -1 }, func proto + func.
fn sample() -> Btf {
    let mut b = Btf::new_empty(None);
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
    assert_eq!(r.type_cnt(), b.type_cnt());
    let s = r.ty(3).unwrap();
    assert_eq!((s.kind(), s.vlen(), s.name()), (Kind::Struct, 2, "s"));
    let e = r.ty(4).unwrap();
    assert!(e.kflag(), "negative enumerator marks the enum signed");
    assert_eq!(r.find_by_name_kind("f", Kind::Func), Some(6));
    assert_eq!(b.resolve_size(3).unwrap(), 16);
    assert_eq!(b.align_of(3).unwrap(), 8);
    assert_eq!(b.resolve_type(2).unwrap(), 2);
    assert_eq!(
        errno_of(b.resolve_size(6)),
        libc::EINVAL,
        "FUNC has no size"
    );
    // Reparsing gives the same bytes back.
    let again = Btf::parse_split(&raw, None).unwrap();
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
    let mut b = Btf::new_empty(None);
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
    assert_eq!(b.type_cnt(), 3, "failed calls add nothing");
}

#[test]
fn split_ids_and_strings_continue_after_the_base() {
    let base = Arc::new(sample());
    let mut s = Btf::new_empty(Some(Arc::clone(&base)));
    assert_eq!(s.type_cnt(), base.type_cnt());
    assert_eq!(s.add_str(b"int").unwrap(), 1, "base strings are reused");
    let off = s.add_str(b"own").unwrap();
    assert_eq!(off as usize, base.strings_section().len());
    let id = s.add_ref(Kind::Typedef, Some(b"own"), 3, false).unwrap();
    assert_eq!(id, base.type_cnt());
    assert_eq!(s.name_bytes_at(off), Some(&b"own"[..]));
    assert_eq!(s.find_type(b"s", Some(Kind::Struct as u32)), Some(3));
    assert_eq!(s.resolve_size(id).unwrap(), 16);
    let raw = s.raw_data();
    let back = Btf::parse_split(&raw, Some(Arc::clone(&base))).unwrap();
    assert_eq!(back.type_cnt(), s.type_cnt());
    assert_eq!(back.name_bytes_at(off), Some(&b"own"[..]));
    // A split blob's strings do not start with NUL: invalid without the base.
    assert_eq!(errno_of(Btf::parse_split(&raw, None)), libc::EINVAL);
    // Appending split BTF is refused.
    let mut other = Btf::new_empty(None);
    assert_eq!(errno_of(other.add_btf(&s)), libc::ENOTSUP);
}

#[test]
fn opposite_byte_order_round_trip() {
    let mut b = sample();
    let native = b.raw_data();
    b.set_big_endian(cfg!(target_endian = "little"));
    let swapped = b.raw_data();
    assert_ne!(swapped, native);
    assert_eq!(swapped.len(), native.len());
    let back = Btf::parse_split(&swapped, None).unwrap();
    assert_eq!(back.raw_data(), swapped, "unmodified: the input bytes");
    assert_eq!(back.to_bytes(), native);
    assert_eq!(back.type_cnt(), b.type_cnt());
}

#[test]
fn add_btf_remaps_ids_and_strings() {
    let src = sample();
    let mut d = Btf::new_empty(None);
    d.add_str(b"zz").unwrap();
    d.add_int(b"char", 1, 0).unwrap();
    let first = d.add_btf(&src).unwrap();
    assert_eq!(first, 2);
    assert_eq!(d.type_cnt(), 1 + 1 + src.type_cnt() - 1);
    // The PTR now points at the copied int (1 + 1).
    let p = d.ty(3).unwrap().raw();
    assert_eq!(rd32(p, 8), 2);
    assert_eq!(d.find_type(b"f", Some(Kind::Func as u32)), Some(7));
    assert!(Btf::parse(&d.raw_data()).is_ok());
}

#[test]
fn malformed_blobs_are_einval() {
    let good = sample().raw_data();
    assert_eq!(errno_of(Btf::parse_split(&good[..10], None)), libc::EINVAL);
    let mut bad = good.clone();
    bad[0] = 0;
    assert_eq!(errno_of(Btf::parse_split(&bad, None)), libc::EINVAL);
    let mut bad = good.clone();
    bad[24 + 7] = 31; // kind 31 in the first record's info
    assert_eq!(errno_of(Btf::parse_split(&bad, None)), libc::EINVAL);
    let mut bad = good;
    let n = bad.len();
    bad[n - 1] = b'x'; // strings not NUL-terminated
    assert_eq!(errno_of(Btf::parse_split(&bad, None)), libc::EINVAL);
    assert_eq!(record_len(&[0; 4]), None);
}

#[test]
fn raw_data_gives_back_a_non_canonical_input() {
    let good = sample().raw_data();
    // A 32-byte header (zero tail): kept as is while unmodified, like libbpf.
    let mut long = good[..24].to_vec();
    long[4..8].copy_from_slice(&32u32.to_ne_bytes());
    long.extend_from_slice(&[0; 8]);
    long.extend_from_slice(&good[24..]);
    let mut b = Btf::parse_split(&long, None).unwrap();
    assert_eq!(b.raw_data(), long);
    assert_eq!(b.to_bytes(), long);
    // A canonical input is re-encoded to the same bytes.
    assert_eq!(Btf::parse_split(&good, None).unwrap().raw_data(), good);
    // Any change (even a lookup, as in libbpf) drops the input.
    b.find_str(b"int").unwrap();
    assert_eq!(b.raw_data(), good);
}

#[test]
fn indexes_follow_appends() {
    let mut b = sample();
    // Built here, then kept up to date by the writer.
    assert_eq!(b.find_type(b"s", None), Some(3));
    assert_eq!(b.find_type(b"t", None), None);
    let t = b.add_ref(Kind::Typedef, Some(b"t"), 3, false).unwrap();
    assert_eq!(b.find_type(b"t", Some(Kind::Typedef as u32)), Some(t));
    let s2 = b.add_sized(Kind::Struct, Some(b"s"), 4, false).unwrap();
    assert_eq!(b.find_type(b"s", None), Some(3), "the lowest ID wins");
    assert_eq!(b.find_type(b"s", Some(Kind::Struct as u32)), Some(3));
    assert_eq!(
        b.find_type(b"", Some(Kind::Ptr as u32)),
        Some(2),
        "anonymous"
    );
    assert_eq!(b.find_type(b"void", Some(Kind::Int as u32)), Some(0));
    assert_eq!(b.find_type(b"x", Some(0)), Some(0));
    assert!(s2 > t);
    // Strings: the index finds the first occurrence, also of new strings.
    let off = b.add_str(b"fresh").unwrap();
    assert_eq!(b.add_str(b"fresh").unwrap(), off);
    assert_eq!(b.find_str_ro(b"fresh"), Some(off));
    // A failed add_btf rolls back; the indexes are rebuilt from what is left.
    let mut bb = BtfBuilder::new();
    bb.int("ok", 4, 0, 32);
    bb.add_raw(9999, info(Kind::Int, false, 0), 4, &[32]); // name past the strings
    let src = Btf::parse_split(&bb.to_bytes(), None).unwrap();
    let before = b.type_cnt();
    assert_eq!(errno_of(b.add_btf(&src)), libc::EINVAL);
    assert_eq!(b.type_cnt(), before);
    assert_eq!(b.find_type(b"t", None), Some(t));
    assert_eq!(b.find_str_ro(b"fresh"), Some(off));
}

#[test]
fn split_lookups_cover_the_base() {
    let base = Arc::new(sample());
    let mut s = Btf::new_empty(Some(Arc::clone(&base)));
    let own = s.add_sized(Kind::Struct, Some(b"own"), 8, false).unwrap();
    s.add_field(Some(b"a"), 1, 0, 0).unwrap();
    assert_eq!(s.find_type(b"int", None), Some(1), "a base type");
    assert_eq!(s.find_type(b"own", None), Some(own));
    assert_eq!(s.ty(1).unwrap().name(), "int");
    assert_eq!(s.ty(own).unwrap().members().next().unwrap().name, "a");
    assert_eq!(s.resolve_size(own).unwrap(), 8);
    assert_eq!(s.pointer_size(), base.pointer_size());
    assert_eq!(s.types().count() as u32, s.type_cnt() - 1);
    // The base's own strings index (built through the split BTF) is shared.
    assert_eq!(s.find_str_ro(b"x"), base.find_str_ro(b"x"));
}
