//! `bpfrs btf dump` compared byte for byte with `bpftool btf dump file`:
//! vmlinux, test objects, a BTF with every kind written with the `Btf` writer,
//! and split BTF on a base (`--base` / bpftool's `-B`). Nothing is committed:
//! every input is made at test time.

mod bpfrs_util;
use bpfrs::btf::{Btf, Kind};
use bpfrs_util::*;
use std::path::Path;
use std::sync::Arc;

/// Both tools on `file` (extra bpftool options first): identical output.
fn same(file: &str, format: &str, base: Option<&str>) {
    let mut bt = Vec::new();
    let mut ours = vec!["btf", "dump", file, "format", format];
    if let Some(b) = base {
        bt.extend(["-B", b]);
        ours.extend(["--base", b]);
    }
    bt.extend(["btf", "dump", "file", file, "format", format]);
    let Some((rc, want, err)) = bpftool(&bt) else {
        return;
    };
    assert_eq!(rc, 0, "bpftool: {err}");
    let (rc, got, err) = bpfrs(&ours);
    assert_eq!(rc, 0, "bpfrs: {err}");
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(got.lines().count().min(want.lines().count()));
        panic!(
            "{file} format {format}: differs from bpftool at line {}:\n bpfrs:   {:?}\n bpftool: {:?}",
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line)
        );
    }
}

#[test]
fn vmlinux_as_bpftool_dumps_it() {
    let p = "/sys/kernel/btf/vmlinux";
    if std::fs::File::open(p).is_err() {
        skip("no readable /sys/kernel/btf/vmlinux");
        return;
    }
    same(p, "raw", None);
    same(p, "c", None);
}

#[test]
fn test_objects_as_bpftool_dumps_them() {
    let d = tmpdir("btf-objects");
    for n in [
        "skel_demo",
        "skel_externs",
        "ev_events",
        "obj_btf_maps",
        "obj_globals",
        "tg_target",
        "lg_sockex",
    ] {
        let src = Path::new(ROOT).join(format!("c-tests/bpf/{n}.bpf.c"));
        let Some(o) = compile_file(&d, n, &src) else {
            return;
        };
        let o = o.display().to_string();
        same(&o, "raw", None);
        same(&o, "c", None);
    }
}

/// Every BTF kind, with the variants bpftool prints differently.
fn every_kind() -> Btf {
    let mut b = Btf::new_empty(None);
    let int = b.add_int(b"int", 4, 1).unwrap() as i32;
    b.add_int(b"_Bool", 1, 4).unwrap();
    b.add_int(b"char", 1, 2).unwrap();
    let u64t = b.add_int(b"unsigned long", 8, 0).unwrap() as i32;
    let ptr = b.add_ref(Kind::Ptr, None, int, false).unwrap() as i32;
    let arr = b.add_array(int, int, 3).unwrap() as i32;
    b.add_sized(Kind::Struct, Some(b"st"), 24, true).unwrap();
    b.add_field(Some(b"a"), int, 0, 0).unwrap();
    b.add_field(Some(b"bits"), int, 32, 3).unwrap();
    b.add_field(Some(b"p"), ptr, 64, 0).unwrap();
    b.add_field(None, arr, 128, 0).unwrap();
    b.add_sized(Kind::Union, Some(b"un"), 8, false).unwrap();
    b.add_field(Some(b"x"), int, 0, 0).unwrap();
    b.add_field(Some(b"y"), u64t, 0, 0).unwrap();
    b.add_sized(Kind::Enum, Some(b"e_unsigned"), 4, false)
        .unwrap();
    b.add_enum_value(b"U0", 0).unwrap();
    b.add_enum_value(b"U_BIG", 0xffff_fff0).unwrap();
    b.add_sized(Kind::Enum, Some(b"e_signed"), 4, true).unwrap();
    b.add_enum_value(b"S_NEG", -5).unwrap();
    b.add_sized(Kind::Enum64, Some(b"e64"), 8, false).unwrap();
    b.add_enum64_value(b"BIG", 1 << 40).unwrap();
    b.add_sized(Kind::Enum64, Some(b"e64s"), 8, true).unwrap();
    b.add_enum64_value(b"NEG", (-3i64) as u64).unwrap();
    b.add_ref(Kind::Fwd, Some(b"fwd_u"), 0, true).unwrap();
    b.add_ref(Kind::Fwd, Some(b"fwd_s"), 0, false).unwrap();
    let td = b
        .add_ref(Kind::Typedef, Some(b"myint"), int, false)
        .unwrap() as i32;
    let v = b.add_ref(Kind::Volatile, None, td, false).unwrap() as i32;
    let c = b.add_ref(Kind::Const, None, v, false).unwrap() as i32;
    b.add_ref(Kind::Restrict, None, ptr, false).unwrap();
    let proto = b.add_ref(Kind::FuncProto, None, int, false).unwrap() as i32;
    b.add_func_param(Some(b"arg"), c).unwrap();
    b.add_func_param(None, 0).unwrap();
    let f = b.add_func(b"fn_global", 1, proto).unwrap() as i32;
    b.add_ref(Kind::FuncProto, None, 0, false).unwrap();
    let var = b.add_var(b"v_global", 1, int).unwrap() as i32;
    let var_s = b.add_var(b"v_static", 0, u64t).unwrap() as i32;
    b.add_sized(Kind::Datasec, Some(b".data"), 16, false)
        .unwrap();
    b.add_datasec_var_info(var, 0, 4).unwrap();
    b.add_datasec_var_info(var_s, 8, 8).unwrap();
    b.add_float(b"double", 8).unwrap();
    b.add_decl_tag(b"tag_fn", f, -1).unwrap();
    b.add_decl_tag(b"tag_arg", f, 0).unwrap();
    b.add_ref(Kind::TypeTag, Some(b"user"), int, false).unwrap();
    b
}

#[test]
fn every_kind_as_bpftool_lists_it() {
    let d = tmpdir("btf-kinds");
    let p = d.join("kinds.btf");
    std::fs::write(&p, every_kind().raw_data()).unwrap();
    let p = p.display().to_string();
    same(&p, "raw", None);
    same(&p, "c", None);
}

#[test]
fn split_btf_on_a_base() {
    let d = tmpdir("btf-split");
    let base = Arc::new(every_kind());
    let mut split = Btf::new_empty(Some(base.clone()));
    let int = base.find_by_name("int").unwrap() as i32;
    split
        .add_sized(Kind::Struct, Some(b"in_module"), 4, false)
        .unwrap();
    split.add_field(Some(b"m"), int, 0, 0).unwrap();
    let (bp, sp) = (d.join("base.btf"), d.join("split.btf"));
    std::fs::write(&bp, base.raw_data()).unwrap();
    std::fs::write(&sp, split.raw_data()).unwrap();
    let (bp, sp) = (bp.display().to_string(), sp.display().to_string());
    same(&sp, "raw", Some(&bp));
    let (rc, out, _) = bpfrs(&["btf", "dump", &sp, "--base", &bp]);
    assert_eq!(rc, 0);
    assert!(
        out.starts_with(&format!("[{}] STRUCT 'in_module'", base.type_cnt())),
        "{out}"
    );
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let (rc, _, err) = bpfrs(&["btf", "dump", "/nonexistent/file"]);
    assert_eq!(rc, 2);
    assert!(
        err.starts_with("bpfrs: failed to load BTF from /nonexistent/file"),
        "{err}"
    );
    let (rc, _, err) = bpfrs(&["btf", "dump", "x", "format", "json"]);
    assert_eq!(rc, 2);
    assert!(
        err.contains("unrecognized format specifier: 'json'"),
        "{err}"
    );
    assert_eq!(bpfrs(&["btf", "dump", "--help"]).0, 0);
}
