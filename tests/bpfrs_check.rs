//! `bpfrs check`: objects built with clang, checked against the running
//! kernel's BTF and against target BTFs written with the `Btf` writer, where a
//! field is missing, a type is flavored (`___v2`), a field changed size or a
//! type is gone; the minimum kernel of ring buffer, link, global data and
//! DECL_TAG objects; `--kernel`; `--json` well-formedness; exit statuses.

mod bpfrs_util;
use bpfrs::btf::{Btf, Kind};
use bpfrs_util::*;
use std::path::Path;

/// Local types the relocation tests read (with CO-RE access records).
const TYPES: &str = r#"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
struct s { int a; int b; int c; } __attribute__((preserve_access_index));
struct s___v2 { int b; } __attribute__((preserve_access_index));
struct gone { int x; } __attribute__((preserve_access_index));
char LICENSE[] SEC("license") = "GPL";
"#;

/// An object of `TYPES` plus one program `body`.
fn obj(dir: &Path, name: &str, body: &str) -> Option<String> {
    let o = compile(dir, name, &format!("{TYPES}\n{body}\n"))?;
    Some(o.display().to_string())
}

/// A target BTF with `struct s` of `fields` (name, size in bytes) and, if
/// `gone`, `struct gone { int x; }`; written to `dir/name.btf`.
fn target(dir: &Path, name: &str, fields: &[(&str, u32)], gone: bool) -> String {
    let mut b = Btf::new_empty(None);
    let int = b.add_int(b"int", 4, 1).unwrap() as i32;
    let long = b.add_int(b"long", 8, 1).unwrap() as i32;
    let size: u32 = fields.iter().map(|f| f.1).sum();
    b.add_sized(Kind::Struct, Some(b"s"), size, false).unwrap();
    let mut off = 0;
    for (n, sz) in fields {
        let ty = if *sz == 8 { long } else { int };
        b.add_field(Some(n.as_bytes()), ty, off * 8, 0).unwrap();
        off += sz;
    }
    if gone {
        b.add_sized(Kind::Struct, Some(b"gone"), 4, false).unwrap();
        b.add_field(Some(b"x"), int, 0, 0).unwrap();
    }
    let p = dir.join(format!("{name}.btf"));
    std::fs::write(&p, b.raw_data()).unwrap();
    p.display().to_string()
}

/// `bpfrs check ARGS --json`: exit code and the parsed report.
fn check_json(args: &[&str]) -> (i32, Json) {
    let mut a = vec!["check"];
    a.extend_from_slice(args);
    a.push("--json");
    let (rc, out, err) = bpfrs(&a);
    assert!(rc == 0 || rc == 1, "rc {rc}: {err}");
    (rc, parse_json(&out))
}

fn relos(r: &Json) -> Vec<Json> {
    r.get("core_relocations").arr().to_vec()
}

const READ_B: &str = r#"SEC("socket") int read_b(struct s *p) { return p->b; }"#;

#[test]
fn relocations_resolve_against_a_full_target_and_give_offsets() {
    let d = tmpdir("check-full");
    let Some(o) = obj(&d, "full", READ_B) else {
        return;
    };
    let t = target(&d, "full", &[("a", 4), ("b", 4), ("c", 4)], true);
    let (rc, r) = check_json(&[&o, "--btf", &t]);
    assert_eq!(rc, 0);
    let v = relos(&r);
    assert_eq!(v.len(), 1);
    assert!(v[0].get("resolved").bool());
    assert_eq!(v[0].get("access").str(), "0:1");
    assert_eq!(v[0].get("local").str(), "struct s.b (0:1)");
    assert_eq!(v[0].get("value"), &Json::Num(4.0));
    assert!(r.get("problems").arr().is_empty());
    // Field b moved: the offset follows the target.
    let t = target(&d, "moved", &[("a", 4), ("pad", 4), ("b", 4)], true);
    let (rc, r) = check_json(&[&o, "--btf", &t]);
    assert_eq!((rc, relos(&r)[0].get("value")), (0, &Json::Num(8.0)));
}

#[test]
fn a_missing_or_renamed_field_poisons_and_fails_when_unguarded() {
    let d = tmpdir("check-missing");
    let Some(o) = obj(&d, "missing", READ_B) else {
        return;
    };
    let t = target(&d, "renamed", &[("a", 4), ("b2", 4)], true);
    let (rc, r) = check_json(&[&o, "--btf", &t]);
    assert_eq!(rc, 1);
    let v = &relos(&r)[0];
    assert!(!v.get("resolved").bool());
    assert!(!v.get("guarded").bool());
    assert!(v.get("reason").str().starts_with("missing field"), "{v:?}");
    let p = r.get("problems").arr();
    assert!(
        p.iter()
            .any(|x| x.str().contains("unguarded CO-RE relocation")),
        "{p:?}"
    );
    // The text form says the same.
    let (rc, out, _) = bpfrs(&["check", &o, "--btf", &t]);
    assert_eq!(rc, 1);
    assert!(
        out.contains("struct s.b (0:1) → unresolved: missing field"),
        "{out}"
    );
    assert!(out.contains("result: does not load"), "{out}");
}

#[test]
fn a_guarded_missing_field_does_not_stop_the_load() {
    let d = tmpdir("check-guarded");
    let body = r#"SEC("socket") int read_c(struct s *p)
        { if (bpf_core_field_exists(p->c)) return p->c; return 7; }"#;
    let Some(o) = obj(&d, "guarded", body) else {
        return;
    };
    let t = target(&d, "noc", &[("a", 4), ("b", 4)], true);
    let (rc, r) = check_json(&[&o, "--btf", &t]);
    assert_eq!(rc, 0, "{r:?}");
    let v = relos(&r);
    let exists = v
        .iter()
        .find(|x| x.get("kind").str() == "field_exists")
        .unwrap();
    assert!(exists.get("resolved").bool());
    assert_eq!(exists.get("value"), &Json::Num(0.0));
    let off = v
        .iter()
        .find(|x| x.get("kind").str() == "byte_off")
        .unwrap();
    assert!(!off.get("resolved").bool());
    assert!(off.get("guarded").bool());
    // With c present, everything resolves.
    let t = target(&d, "withc", &[("a", 4), ("b", 4), ("c", 4)], true);
    let (rc, r) = check_json(&[&o, "--btf", &t]);
    assert_eq!(rc, 0);
    assert!(relos(&r).iter().all(|x| x.get("resolved").bool()));
}

#[test]
fn a_flavored_type_matches_its_essential_name() {
    let d = tmpdir("check-flavor");
    let body = r#"SEC("socket") int read_v2(struct s___v2 *p) { return p->b; }"#;
    let Some(o) = obj(&d, "flavor", body) else {
        return;
    };
    let t = target(&d, "flavor", &[("a", 4), ("b", 4)], true);
    let (rc, r) = check_json(&[&o, "--btf", &t]);
    assert_eq!(rc, 0);
    let v = &relos(&r)[0];
    assert_eq!(v.get("local").str(), "struct s___v2.b (0:0)");
    assert!(v.get("resolved").bool());
    assert_eq!(v.get("value"), &Json::Num(4.0));
}

#[test]
fn a_field_of_another_size_is_poisoned_with_the_reason() {
    let d = tmpdir("check-size");
    let Some(o) = obj(&d, "size", READ_B) else {
        return;
    };
    let t = target(&d, "long_b", &[("a", 4), ("b", 8)], true);
    let (rc, r) = check_json(&[&o, "--btf", &t]);
    assert_eq!(rc, 1);
    let v = &relos(&r)[0];
    assert!(!v.get("resolved").bool());
    let why = v.get("reason").str();
    assert!(
        why.starts_with("size mismatch") && why.contains("8 bytes in the target, 4 here"),
        "{why}"
    );
}

#[test]
fn a_missing_type_is_named() {
    let d = tmpdir("check-gone");
    let body = r#"SEC("socket") int read_gone(struct gone *p) { return p->x; }"#;
    let Some(o) = obj(&d, "gone", body) else {
        return;
    };
    let t = target(&d, "nogone", &[("a", 4)], false);
    let (rc, r) = check_json(&[&o, "--btf", &t]);
    assert_eq!(rc, 1);
    let v = &relos(&r)[0];
    assert!(!v.get("resolved").bool());
    assert_eq!(
        v.get("reason").str(),
        "missing type: no struct gone in the target BTF"
    );
}

/// The running kernel's BTF, or `None` after a skip.
fn vmlinux() -> Option<&'static str> {
    let p = "/sys/kernel/btf/vmlinux";
    if std::fs::File::open(p).is_err() {
        skip("no readable /sys/kernel/btf/vmlinux");
        return None;
    }
    Some(p)
}

/// The byte offset of `strct.member` in the running kernel's BTF, read from
/// bpftool's raw dump (`'pid' type_id=N bits_offset=M`); `None` (after a skip
/// line) only when bpftool is missing: a dump without the member fails.
fn bpftool_member_offset(strct: &str, member: &str) -> Option<u64> {
    let (_, raw, _) = bpftool(&[
        "btf",
        "dump",
        "file",
        "/sys/kernel/btf/vmlinux",
        "format",
        "raw",
    ])?;
    let head = format!("STRUCT '{strct}' ");
    let want = format!("\t'{member}' ");
    let bits = raw
        .lines()
        .skip_while(|l| !l.contains(&head))
        .skip(1)
        .take_while(|l| l.starts_with('\t'))
        .find(|l| l.starts_with(&want))
        .and_then(|l| {
            l.split("bits_offset=")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .unwrap_or_else(|| panic!("bpftool's raw dump has no {strct}.{member} offset"));
    Some(bits / 8)
}

#[test]
fn test_objects_against_the_running_kernel() {
    let Some(vm) = vmlinux() else { return };
    let d = tmpdir("check-kernel");
    let src = Path::new(ROOT).join("c-tests/bpf/skel_core.bpf.c");
    let Some(o) = compile_file(&d, "skel_core", &src) else {
        return;
    };
    let o = o.display().to_string();
    let (rc, r) = check_json(&[&o]);
    assert_eq!(rc, 0, "{r:?}");
    assert_eq!(r.get("targets").arr(), &[Json::Str("vmlinux".into())]);
    let v = relos(&r);
    let pid = v
        .iter()
        .find(|x| x.get("local").str().starts_with("struct task_struct.pid "))
        .expect("a task_struct.pid relocation");
    assert!(pid.get("resolved").bool());
    // The offset bpftool reads from the same BTF.
    if let Some(want) = bpftool_member_offset("task_struct", "pid") {
        assert_eq!(pid.get("value"), &Json::Num(want as f64));
    }
    // The field no kernel has is missing, not an error: field_exists gives 0.
    let none = v
        .iter()
        .find(|x| x.get("kind").str() == "field_exists")
        .expect("a field_exists relocation");
    assert_eq!(none.get("value"), &Json::Num(0.0));
    // Explicit --btf gives the same report.
    let (rc2, r2) = check_json(&[&o, "--btf", vm]);
    assert_eq!((rc2, r2), (rc, r));
    // The CO-RE test object of the running kernel (vmlinux.h from
    // `bpfrs btf dump`).
    let (rc, h, _) = bpfrs(&["btf", "dump", vm, "format", "c"]);
    assert_eq!(rc, 0);
    std::fs::write(d.join("vmlinux.h"), h).unwrap();
    for n in ["core_relo"] {
        let src = Path::new(ROOT).join(format!("c-tests/bpf/{n}.bpf.c"));
        let Some(o) = compile_file(&d, n, &src) else {
            return;
        };
        let (rc, r) = check_json(&[&o.display().to_string()]);
        assert!(!relos(&r).is_empty(), "{n}: no CO-RE relocations");
        // core_relo's `core_poison` reads a field no kernel has, unguarded, by
        // design (c-tests/object/core_relo.c expects its load to fail): it alone
        // may stay unresolved, and it makes the object fail.
        for x in relos(&r) {
            let ok = x.get("resolved").bool() || x.get("guarded").bool();
            assert!(ok || x.get("function").str() == "core_poison", "{n}: {x:?}");
        }
        let poisoned = relos(&r)
            .iter()
            .any(|x| x.get("function").str() == "core_poison" && !x.get("resolved").bool());
        assert_eq!(rc, i32::from(poisoned), "{n}: {r:?}");
    }
}

fn min_kernel(r: &Json) -> (u32, u32) {
    let s = r.get("min_kernel").str();
    let (a, b) = s.split_once('.').unwrap();
    (a.parse().unwrap(), b.parse().unwrap())
}

fn need<'a>(r: &'a Json, item: &str) -> &'a Json {
    r.get("needs")
        .arr()
        .iter()
        .find(|n| n.get("item").str() == item)
        .unwrap_or_else(|| panic!("no need '{item}' in {r:?}"))
}

#[test]
fn a_ring_buffer_object_needs_5_8_and_fails_on_5_4() {
    let d = tmpdir("check-ringbuf");
    let src = Path::new(ROOT).join("c-tests/demo/syscount.bpf.c");
    let Some(o) = compile_file(&d, "syscount", &src) else {
        return;
    };
    let o = o.display().to_string();
    let (_, r) = check_json(&[&o, "--btf", &target(&d, "t", &[("a", 4)], false)]);
    assert!(min_kernel(&r) >= (5, 8));
    assert_eq!(need(&r, "map type ringbuf").get("since").str(), "5.8");
    let (rc, out, _) = bpfrs(&["check", &o, "--kernel", "5.4"]);
    assert_eq!(rc, 1, "{out}");
    assert!(
        out.contains("Linux 5.4 lacks map type ringbuf (since 5.8) [events]"),
        "{out}"
    );
    let (rc, _, _) = bpfrs(&["check", &o, "--kernel", "5.8"]);
    assert_eq!(rc, 0);
}

#[test]
fn links_global_data_and_decl_tags() {
    let d = tmpdir("check-needs");
    let iter = r#"#include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>
        SEC("iter/task") int it(void *ctx) { return 0; }
        char LICENSE[] SEC("license") = "GPL";"#;
    let Some(o) = compile(&d, "iter", iter) else {
        return;
    };
    let (_, r) = check_json(&[&o.display().to_string()]);
    assert_eq!(need(&r, "BPF iterator link").get("since").str(), "5.8");
    assert_eq!(need(&r, "BPF iterator link").get("fallback"), &Json::Null);
    assert!(min_kernel(&r) >= (5, 8));

    let global = |tag: &str| {
        format!(
            r#"#include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            int counter {tag};
            SEC("socket") int count(void *ctx) {{ counter++; return 0; }}
            char LICENSE[] SEC("license") = "GPL";"#
        )
    };
    let Some(plain) = compile(&d, "global", &global("")) else {
        return;
    };
    let tagged = global(r#"__attribute__((btf_decl_tag("a_tag")))"#);
    let Some(tagged) = compile(&d, "tagged", &tagged) else {
        return;
    };
    let (_, rp) = check_json(&[&plain.display().to_string()]);
    let (_, rt) = check_json(&[&tagged.display().to_string()]);
    assert_eq!(
        need(&rp, "global data (BPF_PSEUDO_MAP_VALUE)")
            .get("since")
            .str(),
        "5.2"
    );
    assert!(min_kernel(&rp) >= (5, 2));
    // DECL_TAG (5.16) is listed, sanitised away, and raises nothing.
    let tag = need(&rt, "BTF kind DECL_TAG");
    assert_eq!(tag.get("since").str(), "5.16");
    assert!(matches!(tag.get("fallback"), Json::Str(s) if s.contains("sanitises")));
    assert_eq!(min_kernel(&rt), min_kernel(&rp));
    // Below 5.2 the global data fails the load.
    let (rc, out, _) = bpfrs(&["check", &plain.display().to_string(), "--kernel", "5.1"]);
    assert_eq!(rc, 1);
    assert!(out.contains("lacks global data"), "{out}");
}

#[test]
fn json_output_is_well_formed_with_the_promised_keys() {
    let d = tmpdir("check-json");
    let Some(o) = obj(&d, "json", READ_B) else {
        return;
    };
    let t = target(&d, "t", &[("a", 4)], true);
    let (rc, out, _) = bpfrs(&["check", &o, "--btf", &t, "--kernel", "4.19", "--json"]);
    assert_eq!(rc, 1);
    let r = parse_json(&out);
    for k in [
        "programs",
        "maps",
        "core_relocations",
        "min_kernel",
        "problems",
    ] {
        r.get(k);
    }
    assert_eq!(r.get("programs").arr()[0].get("name").str(), "read_b");
    assert_eq!(r.get("kernel").str(), "4.19");
    assert!(!r.get("loads").bool());
}

#[test]
fn bad_objects_and_usage_exit_2() {
    let d = tmpdir("check-bad");
    let junk = d.join("junk.o");
    std::fs::write(&junk, b"not an ELF file").unwrap();
    let (rc, _, err) = bpfrs(&["check", &junk.display().to_string()]);
    assert_eq!(rc, 2);
    assert!(err.starts_with("bpfrs: "), "{err}");
    assert_eq!(bpfrs(&["check"]).0, 2);
    assert_eq!(bpfrs(&["check", "x.o", "--kernel", "five"]).0, 2);
    assert_eq!(bpfrs(&["nonsense"]).0, 2);
    let (rc, out, _) = bpfrs(&["check", "--help"]);
    assert_eq!(rc, 0);
    assert!(out.starts_with("Usage: bpfrs check"));
}

/// Opens `obj` with the system libbpf (1.x, the oracle): its
/// `bpf_object__open_file` result (0 or -errno) and the warnings it printed.
fn libbpf_open(dir: &Path, obj: &str) -> Option<(i32, String)> {
    const SRC: &str = r#"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
static int print(enum libbpf_print_level l, const char *f, va_list ap)
{
	return l == LIBBPF_WARN ? vfprintf(stderr, f, ap) : 0;
}
int main(int argc, char **argv)
{
	struct bpf_object *o;
	libbpf_set_print(print);
	o = bpf_object__open_file(argv[1], NULL);
	printf("%d\n", o ? 0 : -errno);
	bpf_object__close(o);
	return 0;
}
"#;
    let c = dir.join("open.c");
    let exe = dir.join("open");
    std::fs::write(&c, SRC).unwrap();
    let built = std::process::Command::new("gcc")
        .arg(&c)
        .arg("-o")
        .arg(&exe)
        .arg("-lbpf")
        .output()
        .is_ok_and(|o| o.status.success());
    if !built {
        skip("gcc or the system libbpf (-lbpf), the oracle");
        return None;
    }
    let out = std::process::Command::new(&exe).arg(obj).output().unwrap();
    let rc = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    Some((rc, String::from_utf8_lossy(&out.stderr).into_owned()))
}

/// libbpf 1.x refuses a legacy `SEC("maps")` object at open: `check` reports
/// it as a problem in libbpf's words (exit 1), where the system libbpf fails
/// `bpf_object__open_file` with -EOPNOTSUPP and prints the same sentence; a
/// `.maps` object has no such problem and opens with libbpf.
#[test]
fn legacy_maps_do_not_open_with_libbpf_1() {
    let d = tmpdir("check-legacy");
    let src = Path::new(ROOT).join("c-tests/bpf/lg_xdp.bpf.c");
    let Some(o) = compile_file(&d, "lg_xdp", &src) else {
        return;
    };
    let o = o.display().to_string();
    let Some((rc, warned)) = libbpf_open(&d, &o) else {
        return;
    };
    assert_eq!(rc, -libc::EOPNOTSUPP, "{warned}");
    let said = warned
        .lines()
        .find(|l| l.contains("'maps'"))
        .unwrap_or_else(|| panic!("libbpf said: {warned}"))
        .trim_start_matches("libbpf: ");
    let (rc, out, _) = bpfrs(&["check", &o]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains(said), "libbpf: {said:?}\nbpfrs: {out}");
    assert!(out.contains("-EOPNOTSUPP"), "{out}");
    // The report still describes the object, as 0.x opens it.
    let (rc, r) = check_json(&[&o]);
    assert_eq!(rc, 1);
    assert!(r
        .get("problems")
        .arr()
        .iter()
        .any(|p| p.str().contains(said)));
    assert!(r
        .get("maps")
        .arr()
        .iter()
        .any(|m| m.get("defined").str() == "legacy"));

    let src = Path::new(ROOT).join("c-tests/bpf/obj_btf_maps.bpf.c");
    let Some(o) = compile_file(&d, "obj_btf_maps", &src) else {
        return;
    };
    let o = o.display().to_string();
    assert_eq!(libbpf_open(&d, &o).map(|r| r.0), Some(0));
    let (_, out, _) = bpfrs(&["check", &o]);
    assert!(!out.contains("'maps' section"), "{out}");
}
