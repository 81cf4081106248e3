//! `bpfrs gen skeleton` and `gen subskeleton` compared byte for byte with
//! `bpftool gen skeleton` / `gen subskeleton` on the skeleton test objects, on
//! one with custom `.data.*`/`.rodata.*` sections, padding, static variables,
//! arrays and `.kconfig`, on one with array, typedef-array and function-pointer
//! globals, and on every object of `c-tests/bpf/`; names given and derived from
//! the file name. Objects bpftool refuses (legacy `maps` sections, which libbpf
//! 1.x does not open) are refused too. (`tests/bpfrs_gen.sh` builds and runs
//! the C skeleton tests on the generated headers.)

mod bpfrs_util;
use bpfrs_util::*;
use std::path::Path;

fn same(obj: &str, name: Option<&str>) {
    same_as_bpftool("skeleton", obj, name);
}

/// `bpfrs gen WHAT OBJ [name NAME]` writes what bpftool writes, or both fail.
/// Returns bpftool's exit status (`None` without bpftool).
fn same_as_bpftool(what: &str, obj: &str, name: Option<&str>) -> Option<i32> {
    let mut args = vec!["gen", what, obj];
    if let Some(n) = name {
        args.extend(["name", n]);
    }
    let (want_rc, want, want_err) = bpftool(&args)?;
    let (rc, got, err) = bpfrs(&args);
    if want_rc != 0 {
        assert_ne!(
            rc, 0,
            "{obj}: bpftool failed ({want_err}) but bpfrs did not"
        );
        return Some(want_rc);
    }
    assert_eq!(rc, 0, "{obj}: bpfrs: {err}");
    if got != want {
        let line = got.lines().zip(want.lines()).position(|(a, b)| a != b);
        panic!(
            "{obj}: differs from bpftool at line {line:?}:\n bpfrs:   {:?}\n bpftool: {:?}",
            line.and_then(|l| got.lines().nth(l)),
            line.and_then(|l| want.lines().nth(l))
        );
    }
    Some(want_rc)
}

#[test]
fn skeleton_test_objects_as_bpftool_writes_them() {
    let d = tmpdir("gen-objects");
    for n in ["skel_demo", "skel_core", "skel_externs"] {
        let src = Path::new(ROOT).join(format!("c-tests/bpf/{n}.bpf.c"));
        let Some(o) = compile_file(&d, n, &src) else {
            return;
        };
        let o = o.display().to_string();
        same(&o, Some(n));
        same(&o, None); // name from the file: skel_demo_bpf
                        // As c-tests/run names them for the tests that include one.
        let lib = format!("{n}_lib");
        assert_eq!(same_as_bpftool("subskeleton", &o, Some(&lib)), Some(0));
        assert_eq!(same_as_bpftool("subskeleton", &o, None), Some(0));
    }
}

const CUSTOM: &str = r#"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct pair { char c; long long v; };
const volatile char tag = 1;
const volatile long long big = 2;
const volatile int arr_ro[3] = {1, 2, 3};
char small SEC(".data.custom") = 1;
long long after_small SEC(".data.custom") = 2;
int ro_custom SEC(".rodata.custom") = 3;
struct pair pairs[2];
static int hidden;
int (*fnptr)(int);
extern int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig __weak;
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1);
         __type(key, int); __type(value, long); } counts SEC(".maps");
SEC("tp/syscalls/sys_enter_getpid") int tp_prog(void *ctx)
{
	int k = 0; long *v = bpf_map_lookup_elem(&counts, &k);
	if (v) *v += tag + big + small + after_small + ro_custom + pairs[1].v + hidden++
		+ arr_ro[1] + LINUX_KERNEL_VERSION + CONFIG_BPF_SYSCALL + (fnptr != 0);
	return 0;
}
SEC("xdp") int xdp_prog(struct xdp_md *ctx) { return XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
"#;

#[test]
fn custom_sections_padding_and_kconfig_as_bpftool_writes_them() {
    let d = tmpdir("gen-custom");
    let Some(o) = compile(&d, "custom", CUSTOM) else {
        return;
    };
    let o = o.display().to_string();
    same(&o, Some("custom"));
    let (_, h, _) = bpfrs(&["gen", "skeleton", &o, "name", "custom"]);
    for want in [
        "struct custom__data_custom {",
        "struct custom__rodata_custom {",
        "} *kconfig;",
        "\t\tstruct bpf_link *xdp_prog;",
        "custom__elf_bytes(size_t *sz)",
    ] {
        assert!(h.contains(want), "no {want:?}");
    }
    assert_eq!(same_as_bpftool("subskeleton", &o, Some("custom")), Some(0));
}

const ODD: &str = r#"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
typedef int arr4_t[4];
struct pt { int x; char y[3]; };
int (*fptr)(int) = 0;
arr4_t tarr = {1};
int *iptr = 0;
const volatile int carr[2] = {1, 2};
const volatile arr4_t ctarr = {3};
struct pt pts[2] = {};
volatile int vint = 1;
int two_d[2][3] = {};
char LICENSE[] SEC("license") = "GPL";
SEC("socket") int prog(void *ctx)
{
	return tarr[0] + carr[1] + vint + ctarr[0] + two_d[1][1] + (iptr ? 1 : 0);
}
"#;

#[test]
fn subskeleton_pointers_to_arrays_and_function_pointers_as_bpftool_writes_them() {
    let d = tmpdir("gen-odd");
    let Some(o) = compile(&d, "odd", ODD) else {
        return;
    };
    let o = o.display().to_string();
    assert_eq!(same_as_bpftool("subskeleton", &o, Some("odd")), Some(0));
    assert_eq!(same_as_bpftool("skeleton", &o, Some("odd")), Some(0));
    let (_, h, _) = bpfrs(&["gen", "subskeleton", &o, "name", "odd"]);
    for want in [
        "\t\ttypeof(int (*)(int)) *fptr;",
        "\t\ttypeof(arr4_t) *ctarr;",
        "\t\tint * *iptr;",
        "\ts->vars[0].name = \"fptr\";",
        "struct odd *odd::open(const struct bpf_object *src)",
    ] {
        assert!(h.contains(want), "no {want:?}");
    }
}

/// Without BTF (no `-g`): the skeleton has no size asserts and the
/// subskeleton is refused, as bpftool refuses it ("need btf type
/// information").
#[test]
fn an_object_without_btf_as_bpftool_handles_it() {
    let d = tmpdir("gen-nobtf");
    let Some(o) = compile(&d, "odd", ODD) else {
        return;
    };
    let plain = d.join("plain.o");
    let out = std::process::Command::new("llvm-strip")
        .args(["--strip-debug", "-R", ".BTF", "-R", ".BTF.ext"])
        .arg(&o)
        .arg("-o")
        .arg(&plain)
        .output();
    if !out.is_ok_and(|o| o.status.success()) {
        skip("llvm-strip");
        return;
    }
    let plain = plain.display().to_string();
    assert_eq!(same_as_bpftool("skeleton", &plain, None), Some(0));
    assert_ne!(same_as_bpftool("subskeleton", &plain, None), Some(0));
    let (_, _, err) = bpfrs(&["gen", "subskeleton", &plain]);
    assert!(err.contains("need btf type information"), "{err}");
}

/// Every object the C tests build, skeleton and subskeleton: identical to
/// bpftool's, or refused where bpftool refuses (legacy `maps` sections,
/// broken externs), and at least one of each.
#[test]
fn every_c_test_object_as_bpftool_writes_it() {
    let d = tmpdir("gen-all");
    let mut srcs: Vec<_> = std::fs::read_dir(Path::new(ROOT).join("c-tests/bpf"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".bpf.c"))
        .collect();
    srcs.sort();
    let (mut written, mut refused, mut legacy) = (0, 0, false);
    for src in &srcs {
        let n = src
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".bpf.c", "");
        // Some sources are meant not to compile on their own; skip those.
        let ok = std::process::Command::new("clang")
            .args(["-O2", "-g", "-target", "bpf", "-c"])
            .arg(format!("-I{ROOT}/include"))
            .arg(format!(
                "-I/usr/include/{}-linux-gnu",
                std::env::consts::ARCH
            ))
            .arg(src)
            .arg("-o")
            .arg(d.join(format!("{n}.o")))
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            continue;
        }
        let o = d.join(format!("{n}.o")).display().to_string();
        for what in ["skeleton", "subskeleton"] {
            let Some(rc) = same_as_bpftool(what, &o, None) else {
                return;
            };
            if rc == 0 {
                written += 1;
            } else {
                refused += 1;
                let (_, _, err) = bpfrs(&["gen", what, &o]);
                legacy |= err.contains("legacy 'maps' section");
            }
        }
    }
    assert!(written >= 40, "only {written} headers compared");
    assert!(refused > 0 && legacy, "no legacy-maps object refused");
}

#[test]
fn bad_input_exits_2() {
    let (rc, _, err) = bpfrs(&["gen", "skeleton", "/nonexistent.o"]);
    assert_eq!(rc, 2);
    assert!(
        err.starts_with("bpfrs: cannot read /nonexistent.o"),
        "{err}"
    );
    assert_eq!(bpfrs(&["gen", "object", "x"]).0, 2);
    assert_eq!(bpfrs(&["gen", "skeleton", "x.o", "title", "y"]).0, 2);
    assert_eq!(bpfrs(&["gen", "subskeleton"]).0, 2);
    let (rc, out, _) = bpfrs(&["gen", "--help"]);
    assert_eq!(rc, 0);
    assert!(out.contains("NAME__open"));
    assert!(out.contains("subskeleton"));
}
