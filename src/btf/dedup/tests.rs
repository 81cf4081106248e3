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
