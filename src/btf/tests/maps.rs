//! BTF-defined maps (`SEC(".maps")`) on byte fixtures encoded the way clang does.

use super::*;

/// Encodes map definitions the way clang does for `__uint`/`__type`/`__array`.
pub(super) struct MapsBuilder {
    pub(super) b: BtfBuilder,
    pub(super) int: u32,
}

pub(super) enum Attr<'a> {
    Uint(&'a str, u32),
    Type(&'a str, u32),
    /// `__array(values, T)` with `T` given.
    Array(&'a str, u32),
    /// Any member type.
    Raw(&'a str, u32),
}

impl MapsBuilder {
    pub(super) fn new() -> Self {
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
    pub(super) fn def(&mut self, attrs: &[Attr<'_>]) -> u32 {
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

    pub(super) fn var(&mut self, name: &str, attrs: &[Attr<'_>]) -> u32 {
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
            Attr::Uint("type", 1),
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
            map_type: Some(1),
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
            Attr::Uint("type", 2),
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
            Attr::Uint("type", 2),
            Attr::Type("key", mb.int),
            Attr::Uint("key_size", 8),
        ],
    );
    assert_eq!(errno(map_def(&mb, bad_key, false)), libc::EINVAL);
    let long = mb.b.int("long", 8, INT_SIGNED, 64);
    let bad_val = mb.var(
        "m",
        &[
            Attr::Uint("type", 2),
            Attr::Uint("value_size", 4),
            Attr::Type("value", long),
        ],
    );
    assert_eq!(errno(map_def(&mb, bad_val, false)), libc::EINVAL);
    // value_size 0 counts as unset, as in libbpf.
    let zero = mb.var(
        "m",
        &[
            Attr::Uint("type", 2),
            Attr::Uint("value_size", 0),
            Attr::Type("value", long),
        ],
    );
    assert_eq!(map_def(&mb, zero, false).unwrap().value_size, Some(8));
    // A key type without a size.
    let proto = mb.b.func_proto(0, &[]);
    let nosize = mb.var("m", &[Attr::Uint("type", 2), Attr::Type("key", proto)]);
    assert_eq!(errno(map_def(&mb, nosize, false)), libc::EINVAL);
    // `key` that is not a PTR, `__uint` that is not PTR → ARRAY.
    let not_ptr = mb.var("m", &[Attr::Uint("type", 2), Attr::Raw("key", mb.int)]);
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
    let zero_type = mb.var("m", &[Attr::Uint("type", 0)]);
    assert_eq!(errno(map_def(&mb, zero_type, false)), libc::EINVAL);
    let unknown = mb.var("m", &[Attr::Uint("type", 1), Attr::Uint("frobnicate", 3)]);
    assert_eq!(errno(map_def(&mb, unknown, false)), libc::EOPNOTSUPP);
    let d = map_def(&mb, unknown, true).unwrap();
    assert_eq!(d.map_type, Some(1));
    let pin2 = mb.var("m", &[Attr::Uint("type", 1), Attr::Uint("pinning", 2)]);
    assert_eq!(errno(map_def(&mb, pin2, false)), libc::EINVAL);
    // Linkage: only global-allocated VARs are maps.
    let d = mb.def(&[Attr::Uint("type", 1)]);
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
    let var = mb.var("m", &[Attr::Uint("type", 30), Attr::Raw("map_extra", e)]);
    assert_eq!(map_def(&mb, var, false).unwrap().map_extra, 0x1_0000_0001);
    let e2 = mb.b.enum_("", 4, false, &[("a", 1), ("b", 2)]);
    let var = mb.var("m", &[Attr::Uint("type", 30), Attr::Raw("map_extra", e2)]);
    assert_eq!(errno(map_def(&mb, var, false)), libc::EINVAL);
}

#[test]
fn map_def_inner_map_and_prog_array() {
    let mut mb = MapsBuilder::new();
    let inner = mb.def(&[
        Attr::Uint("type", 2),
        Attr::Uint("max_entries", 1),
        Attr::Type("key", mb.int),
        Attr::Type("value", mb.int),
    ]);
    let outer = mb.var(
        "outer",
        &[
            Attr::Uint("type", 12),
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
            Attr::Uint("type", 3),
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
            Attr::Uint("type", 12),
            Attr::Array("values", inner),
            Attr::Uint("max_entries", 1),
        ],
    );
    assert_eq!(errno(map_def(&mb, nl, false)), libc::EINVAL);
    let hash = mb.var("m", &[Attr::Uint("type", 1), Attr::Array("values", inner)]);
    assert_eq!(errno(map_def(&mb, hash, false)), libc::EOPNOTSUPP);
    let vs = mb.var(
        "m",
        &[
            Attr::Uint("type", 12),
            Attr::Uint("value_size", 8),
            Attr::Array("values", inner),
        ],
    );
    assert_eq!(errno(map_def(&mb, vs, false)), libc::EINVAL);
    let nested = mb.def(&[Attr::Uint("type", 12), Attr::Array("values", inner)]);
    let o2 = mb.var(
        "m",
        &[Attr::Uint("type", 13), Attr::Array("values", nested)],
    );
    assert_eq!(errno(map_def(&mb, o2, false)), libc::EOPNOTSUPP);
    let pinned = mb.def(&[Attr::Uint("type", 2), Attr::Uint("pinning", 1)]);
    let o3 = mb.var(
        "m",
        &[Attr::Uint("type", 12), Attr::Array("values", pinned)],
    );
    assert_eq!(errno(map_def(&mb, o3, false)), libc::EINVAL);
    let untyped_inner = mb.def(&[Attr::Uint("max_entries", 1)]);
    let o4 = mb.var(
        "m",
        &[Attr::Uint("type", 12), Attr::Array("values", untyped_inner)],
    );
    assert_eq!(errno(map_def(&mb, o4, false)), libc::EINVAL);
    let o5 = mb.var("m", &[Attr::Uint("type", 12), Attr::Array("values", proto)]);
    assert_eq!(errno(map_def(&mb, o5, false)), libc::EINVAL);
    let pa2 = mb.var("m", &[Attr::Uint("type", 3), Attr::Array("values", inner)]);
    assert_eq!(errno(map_def(&mb, pa2, false)), libc::EINVAL);
    let sized = mb.b.array(mb.int, 2, 3);
    let pa3 = mb.var("m", &[Attr::Uint("type", 3), Attr::Raw("values", sized)]);
    assert_eq!(errno(map_def(&mb, pa3, false)), libc::EINVAL);
    let not_ptr = mb.b.array(mb.int, 2, 0);
    let pa4 = mb.var("m", &[Attr::Uint("type", 3), Attr::Raw("values", not_ptr)]);
    assert_eq!(errno(map_def(&mb, pa4, false)), libc::EINVAL);
}

#[test]
fn maps_datasec() {
    let mut mb = MapsBuilder::new();
    let a = mb.var("a", &[Attr::Uint("type", 2), Attr::Uint("max_entries", 1)]);
    let b = mb.var("b", &[Attr::Uint("type", 1)]);
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
    let a = mb.var("a", &[Attr::Uint("type", 2), Attr::Uint("max_entries", 1)]);
    mb.b.datasec(".maps", 8, &[(a, 0, 8)]);
    assert_eq!(
        errno(parse_btf_maps(&mb.b.build().unwrap(), ".maps", 8, false)),
        libc::EINVAL
    );
    // Not a VAR; anonymous.
    let mut mb = MapsBuilder::new();
    let d = mb.def(&[Attr::Uint("type", 2)]);
    mb.b.datasec(".maps", 8, &[(d, 0, 8)]);
    assert_eq!(
        errno(parse_btf_maps(&mb.b.build().unwrap(), ".maps", 8, false)),
        libc::EINVAL
    );
    let mut mb = MapsBuilder::new();
    let d = mb.def(&[Attr::Uint("type", 2)]);
    let v = mb.b.var("", d, LINKAGE_GLOBAL);
    mb.b.datasec(".maps", 8, &[(v, 0, 8)]);
    assert_eq!(
        errno(parse_btf_maps(&mb.b.build().unwrap(), ".maps", 8, false)),
        libc::EINVAL
    );
}
