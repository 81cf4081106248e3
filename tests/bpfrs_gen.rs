//! `bpfrs gen skeleton` compared byte for byte with `bpftool gen skeleton` on
//! the skeleton test objects and on one with custom `.data.*`/`.rodata.*`
//! sections, padding, static variables, arrays and `.kconfig`; names given
//! and derived from the file name. (`tests/bpfrs_gen.sh` builds and runs the C
//! skeleton tests on the generated headers.)

mod bpfrs_util;
use bpfrs_util::*;
use std::path::Path;

fn same(obj: &str, name: Option<&str>) {
    let mut args = vec!["gen", "skeleton", obj];
    if let Some(n) = name {
        args.extend(["name", n]);
    }
    let Some((rc, want, err)) = bpftool(&args) else {
        return;
    };
    assert_eq!(rc, 0, "bpftool: {err}");
    let (rc, got, err) = bpfrs(&args);
    assert_eq!(rc, 0, "bpfrs: {err}");
    if got != want {
        let line = got.lines().zip(want.lines()).position(|(a, b)| a != b);
        panic!(
            "{obj}: differs from bpftool at line {line:?}:\n bpfrs:   {:?}\n bpftool: {:?}",
            line.and_then(|l| got.lines().nth(l)),
            line.and_then(|l| want.lines().nth(l))
        );
    }
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
    let (rc, out, _) = bpfrs(&["gen", "--help"]);
    assert_eq!(rc, 0);
    assert!(out.contains("NAME__open"));
}
