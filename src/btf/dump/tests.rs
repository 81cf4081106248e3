//! Unit tests of the dumper on hand-built BTF: layouts and declarations whose C
//! text libbpf 1.1.2 fixes (the vmlinux oracle covers the rest).

use super::{BtfDump, DeclOpts};
use crate::btf::{Btf, Kind};

const SIGNED: i32 = 1;

fn base() -> (Btf, u32, u32, u32) {
    let mut b = Btf::new_empty(None);
    let int = b.add_int(b"int", 4, SIGNED).unwrap();
    let chr = b.add_int(b"char", 1, SIGNED).unwrap();
    let long = b.add_int(b"long", 8, SIGNED).unwrap();
    (b, int, chr, long)
}

fn dump(b: &Btf, id: u32) -> String {
    BtfDump::new(b).dump_type(b, id).unwrap()
}

#[test]
fn anonymous_members_bitfields_and_tail_padding() {
    let (mut b, int, chr, _) = base();
    let u = b.add_sized(Kind::Union, None, 4, false).unwrap();
    b.add_field(Some(b"x"), int as i32, 0, 0).unwrap();
    b.add_field(Some(b"y"), chr as i32, 0, 0).unwrap();
    let inner = b.add_sized(Kind::Struct, None, 1, false).unwrap();
    b.add_field(Some(b"c"), chr as i32, 0, 0).unwrap();
    let s = b.add_sized(Kind::Struct, Some(b"s"), 16, true).unwrap();
    b.add_field(Some(b"a"), int as i32, 0, 3).unwrap();
    b.add_field(Some(b"b"), int as i32, 3, 5).unwrap();
    b.add_field(None, u as i32, 32, 0).unwrap();
    b.add_field(None, inner as i32, 64, 0).unwrap();
    assert_eq!(
        dump(&b, s),
        "struct s {\n\tint a: 3;\n\tint b: 5;\n\tunion {\n\t\tint x;\n\t\tchar y;\n\t};\n\
         \tstruct {\n\t\tchar c;\n\t};\n\tlong: 0;\n};\n\n"
    );
}

#[test]
fn packed_struct_and_gap_padding() {
    let (mut b, int, chr, long) = base();
    let p = b.add_sized(Kind::Struct, Some(b"p"), 5, false).unwrap();
    b.add_field(Some(b"c"), chr as i32, 0, 0).unwrap();
    b.add_field(Some(b"i"), int as i32, 8, 0).unwrap();
    assert_eq!(
        dump(&b, p),
        "struct p {\n\tchar c;\n\tint i;\n} __attribute__((packed));\n\n"
    );
    // A member placed past its natural offset gets explicit padding.
    let g = b.add_sized(Kind::Struct, Some(b"g"), 24, false).unwrap();
    b.add_field(Some(b"c"), chr as i32, 0, 0).unwrap();
    b.add_field(Some(b"l"), long as i32, 128, 0).unwrap();
    assert_eq!(
        dump(&b, g),
        "struct g {\n\tchar c;\n\tlong: 64;\n\tlong l;\n};\n\n"
    );
}

#[test]
fn array_of_function_pointers_and_modifiers() {
    let (mut b, int, chr, _) = base();
    let proto = b.add_ref(Kind::FuncProto, None, 0, false).unwrap();
    b.add_func_param(Some(b"n"), int as i32).unwrap();
    let fp = b.add_ref(Kind::Ptr, None, proto as i32, false).unwrap();
    let arr = b.add_array(int as i32, fp as i32, 4).unwrap();
    let s = b.add_sized(Kind::Struct, Some(b"ops"), 32, false).unwrap();
    b.add_field(Some(b"handlers"), arr as i32, 0, 0).unwrap();
    assert_eq!(
        dump(&b, s),
        "struct ops {\n\tvoid (*handlers[4])(int n);\n};\n\n"
    );
    let c = b.add_ref(Kind::Const, None, chr as i32, false).unwrap();
    let pc = b.add_ref(Kind::Ptr, None, c as i32, false).unwrap();
    let vpc = b.add_ref(Kind::Volatile, None, pc as i32, false).unwrap();
    let mut d = BtfDump::new(&b);
    let mut decl = |name, strip_mods| {
        let o = DeclOpts {
            field_name: name,
            indent_level: 0,
            strip_mods,
        };
        d.emit_type_decl(&b, vpc, &o).unwrap()
    };
    assert_eq!(decl("p", false), "const char * volatile p");
    assert_eq!(decl("p", true), "char *p");
    assert_eq!(decl("", false), "const char * volatile");
}

#[test]
fn forward_declarations_break_pointer_cycles() {
    let (mut b, _, _, _) = base();
    // PTR (to the later `struct b`), `struct a`, `struct b`.
    let pb = b
        .add_ref(Kind::Ptr, None, b.type_cnt() as i32 + 2, false)
        .unwrap();
    let a = b.add_sized(Kind::Struct, Some(b"a"), 8, false).unwrap();
    b.add_field(Some(b"b"), pb as i32, 0, 0).unwrap();
    let sb = b.add_sized(Kind::Struct, Some(b"b"), 8, false).unwrap();
    b.add_field(Some(b"a"), a as i32, 0, 0).unwrap();
    assert_eq!(sb, pb + 2);
    let mut d = BtfDump::new(&b);
    assert_eq!(
        d.dump_type(&b, a).unwrap(),
        "struct b;\n\nstruct a {\n\tstruct b *b;\n};\n\n"
    );
    assert_eq!(
        d.dump_type(&b, sb).unwrap(),
        "struct b {\n\tstruct a a;\n};\n\n"
    );
    // Each type once per dumper.
    assert_eq!(d.dump_type(&b, a).unwrap(), "");
}

#[test]
fn embedding_cycle_is_eloop() {
    let (mut b, _, _, _) = base();
    let c = b.add_sized(Kind::Struct, Some(b"c"), 4, false).unwrap();
    b.add_field(Some(b"d"), c as i32 + 1, 0, 0).unwrap();
    b.add_sized(Kind::Struct, Some(b"d"), 4, false).unwrap();
    b.add_field(Some(b"c"), c as i32, 0, 0).unwrap();
    let e = BtfDump::new(&b).dump_type(&b, c).unwrap_err();
    assert_eq!(e.errno(), libc::ELOOP);
    let mut d = BtfDump::new(&b);
    assert_eq!(
        d.dump_type(&b, b.type_cnt()).unwrap_err().errno(),
        libc::EINVAL
    );
}

#[test]
fn enums_signed_64_bit_sized_and_renamed() {
    let (mut b, _, _, _) = base();
    let e = b.add_sized(Kind::Enum, Some(b"e"), 4, true).unwrap();
    b.add_enum_value(b"NEG", -2).unwrap();
    b.add_enum_value(b"POS", 7).unwrap();
    let e64 = b.add_sized(Kind::Enum64, Some(b"big"), 8, false).unwrap();
    b.add_enum64_value(b"HUGE", 1 << 40).unwrap();
    let w = b.add_sized(Kind::Enum, Some(b"w"), 8, false).unwrap();
    b.add_enum_value(b"POS", 1).unwrap();
    let byte = b.add_sized(Kind::Enum, Some(b"e"), 1, false).unwrap();
    b.add_enum_value(b"ONE", 1).unwrap();
    let anon = b.add_sized(Kind::Enum, None, 4, false).unwrap();
    b.add_enum_value(b"FLAG", 4).unwrap();
    let mut d = BtfDump::new(&b);
    let mut out = String::new();
    for id in [e, e64, w, byte, anon] {
        out += &d.dump_type(&b, id).unwrap();
    }
    assert_eq!(
        out,
        "enum e {\n\tNEG = -2,\n\tPOS = 7,\n};\n\n\
         enum big {\n\tHUGE = 1099511627776ULL,\n};\n\n\
         enum w {\n\tPOS___2 = 1,\n} __attribute__((mode(word)));\n\n\
         enum e___2 {\n\tONE = 1,\n} __attribute__((mode(byte)));\n\n\
         enum {\n\tFLAG = 4,\n};\n\n"
    );
}

#[test]
fn typedef_of_anonymous_struct_and_fwd() {
    let (mut b, int, _, _) = base();
    let s = b.add_sized(Kind::Struct, None, 4, false).unwrap();
    b.add_field(Some(b"v"), int as i32, 0, 0).unwrap();
    let t = b
        .add_ref(Kind::Typedef, Some(b"t_t"), s as i32, false)
        .unwrap();
    let f = b.add_ref(Kind::Fwd, Some(b"opaque"), 0, true).unwrap();
    let mut d = BtfDump::new(&b);
    assert_eq!(
        d.dump_type(&b, t).unwrap(),
        "typedef struct {\n\tint v;\n} t_t;\n\n"
    );
    assert_eq!(d.dump_type(&b, f).unwrap(), "union opaque;\n\n");
}

fn data(b: &Btf, id: u32, bytes: &[u8], opts: &super::DataOpts) -> (String, i32) {
    let (text, r) = BtfDump::new(b).dump_type_data(b, id, bytes, bytes.len(), 0, opts);
    (text, r.unwrap_or_else(|e| -e.errno()))
}

#[test]
fn typed_data_struct_chars_zeroes_and_short_data() {
    let (mut b, int, chr, _) = base();
    let idx = b.add_int(b"unsigned int", 4, 0).unwrap();
    let arr = b.add_array(idx as i32, chr as i32, 4).unwrap();
    let s = b.add_sized(Kind::Struct, Some(b"s"), 12, false).unwrap();
    b.add_field(Some(b"a"), int as i32, 0, 0).unwrap();
    b.add_field(Some(b"z"), int as i32, 32, 0).unwrap();
    b.add_field(Some(b"n"), arr as i32, 64, 0).unwrap();
    let bytes = [0xfe, 0xff, 0xff, 0xff, 0, 0, 0, 0, b'h', b'i', 0, b'x'];
    let opts = super::DataOpts::default();
    // A NUL is a zero element (left out); with emit_zeroes it ends the string.
    assert_eq!(
        data(&b, s, &bytes, &opts),
        (
            "(struct s){\n\t.a = (int)-2,\n\t.n = (char[4])[\n\t\t'h',\n\t\t'i',\n\t\t'x',\n\t],\n}".into(),
            12
        )
    );
    let compact = super::DataOpts {
        compact: true,
        skip_names: true,
        emit_zeroes: true,
        ..Default::default()
    };
    assert_eq!(
        data(&b, s, &bytes, &compact),
        ("{-2,0,['h','i',],}".into(), 12)
    );
    let (text, r) = data(&b, s, &bytes[..6], &opts);
    assert_eq!(
        (text.as_str(), r),
        ("(struct s){\n\t.a = (int)-2,\n", -libc::E2BIG)
    );
    assert_eq!(data(&b, 99, &bytes, &opts).1, -libc::ENOENT);
}

#[test]
fn name_counts_go_by_the_text_not_the_offset() {
    let strs = ["", "task", "task", "file"];
    let name_of = |off: u32| strs[off as usize];
    let mut c = super::NameCounts::default();
    assert_eq!(c.count(1, "task", name_of), 1);
    assert_eq!(c.count(2, "task", name_of), 2); // another offset, same text
    assert_eq!(c.count(3, "file", name_of), 1);
    assert_eq!(c.count(1, "task", name_of), 3);
}

#[test]
fn a_struct_that_grows_between_calls_gets_its_new_alignment() {
    let (mut b, _, chr, long) = base();
    let s = b.add_sized(Kind::Struct, Some(b"s"), 16, false).unwrap();
    b.add_field(Some(b"c"), chr as i32, 0, 0).unwrap();
    let mut d = BtfDump::new(&b);
    d.dump_type(&b, s).unwrap(); // alignment of s: 1
    b.add_field(Some(b"l"), long as i32, 64, 0).unwrap(); // now 8
    let o = b.add_sized(Kind::Struct, Some(b"o"), 24, false).unwrap();
    b.add_field(Some(b"x"), chr as i32, 0, 0).unwrap();
    b.add_field(Some(b"in"), s as i32, 64, 0).unwrap();
    let reused = d.dump_type(&b, o).unwrap();
    let fresh = dump(&b, o);
    let def = |t: &str| t[t.find("struct o {").unwrap()..].to_owned();
    assert_eq!(def(&reused), def(&fresh));
    assert!(!fresh.contains("long: 0;"), "{fresh}");
}

fn frags(f: &super::Fragments) -> Vec<&str> {
    f.iter().collect()
}

#[test]
fn fragments_end_where_libbpf_calls_the_callback() {
    let (mut b, int, chr, _) = base();
    let ptr = b.add_ref(Kind::Ptr, None, int as i32, false).unwrap();
    let td = b
        .add_ref(Kind::Typedef, Some(b"ip"), ptr as i32, false)
        .unwrap();
    let e = b.add_sized(Kind::Enum, Some(b"e"), 4, false).unwrap();
    b.add_enum_value(b"A", 1).unwrap();
    let s = b.add_sized(Kind::Struct, Some(b"s"), 4, false).unwrap();
    b.add_field(Some(b"c"), chr as i32, 0, 0).unwrap();
    let mut d = BtfDump::new(&b);
    let mut out = super::Fragments::default();
    d.dump_type_into(&b, td, &mut out).unwrap();
    // "typedef ", the chain (int, *, then the name as "%s%s"), ";\n\n".
    assert_eq!(frags(&out), ["typedef ", "int", " *", "ip", ";\n\n"]);
    // An enumerator is one call; the struct's end is "\n" then "%s}".
    d.dump_type_into(&b, e, &mut out).unwrap();
    assert_eq!(frags(&out), ["enum e", " {", "\n\tA = 1,", "\n}", ";\n\n"]);
    d.dump_type_into(&b, s, &mut out).unwrap();
    // A padding marker is one call.
    assert_eq!(
        frags(&out),
        [
            "struct s {",
            "\n\t",
            "char",
            " c",
            ";",
            "\n\tint: 0;",
            "\n",
            "}",
            ";\n\n"
        ]
    );
    assert_eq!(out.len(), 9);
    // An empty name is still a call: "%s%s" with two empty strings.
    let opts = DeclOpts::default();
    d.emit_type_decl_into(&b, int, &opts, &mut out).unwrap();
    assert_eq!(frags(&out), ["int", ""]);
    assert!(out.iter_with_nul().all(|f| f.last() == Some(&0)));
    // A type dumped before prints nothing: no call at all.
    d.dump_type_into(&b, td, &mut out).unwrap();
    assert!(out.is_empty());
}

#[test]
fn typed_data_fragments_per_value_and_indent_unit() {
    let (mut b, int, _, _) = base();
    let s = b.add_sized(Kind::Struct, Some(b"s"), 4, false).unwrap();
    b.add_field(Some(b"a"), int as i32, 0, 0).unwrap();
    let mut d = BtfDump::new(&b);
    let mut out = super::Fragments::default();
    let opts = super::DataOpts {
        indent_level: 1,
        ..Default::default()
    };
    let r = d.dump_type_data_into(&b, s, (&[7, 0, 0, 0], 4, 0), &opts, &mut out);
    assert_eq!(r.unwrap(), 4);
    assert_eq!(
        frags(&out),
        [
            "\t", "(", "struct s", "", ")", "{\n", "\t", "\t", ".a = ", "(", "int", "", ")",
            "7,\n", "\t", "}"
        ]
    );
}
