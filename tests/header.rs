//! The committed `include/bpf/libbpfrs.h` must equal a fresh cbindgen run.
//! `LIBBPFRS_BLESS=1 cargo test --test header` rewrites it.

use std::path::PathBuf;

#[test]
fn generated_header_is_up_to_date() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    // Only the C skin is parsed (cbindgen follows `mod` items from capi/mod.rs):
    // nothing outside `src/capi/` belongs in the header.
    let builder = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/capi/mod.rs"));
    let bindings = builder.generate().expect("cbindgen failed");
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    let path = root.join("include/bpf/libbpfrs.h");
    if std::env::var_os("LIBBPFRS_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/bpf/libbpfrs.h is out of date: run `LIBBPFRS_BLESS=1 cargo test --test header` and commit it"
    );
}

/// A copy of `include/bpf/*.h` alone in `<tmp>/bpf/` (as projects vendor or
/// install libbpf's `bpf/` directory).
fn copy_bpf_dir(tag: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = std::env::temp_dir().join(format!("bpfrs-{tag}-{}", std::process::id()));
    let bpf = tmp.join("bpf");
    std::fs::create_dir_all(&bpf).expect("mkdir");
    for e in std::fs::read_dir(root.join("include/bpf")).expect("include/bpf") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "h") {
            std::fs::copy(&p, bpf.join(p.file_name().expect("name"))).expect("copy");
        }
    }
    tmp
}

/// `include/bpf/` copied alone compiles: no header there reaches outside it.
#[test]
fn bpf_directory_stands_alone() {
    let tmp = copy_bpf_dir("hdr");
    let src = tmp.join("client.c");
    std::fs::write(
        &src,
        "#include <bpf/libbpf.h>\n#include <bpf/bpf.h>\n#include <bpf/btf.h>\n\
         int main(void) { return libbpf_major_version() == 1 ? 0 : 1; }\n",
    )
    .expect("write client");
    let arch = std::env::consts::ARCH;
    let out = std::process::Command::new("cc")
        .args(["-std=gnu11", "-Wall", "-Werror", "-fsyntax-only"])
        .arg(format!("-I{}", tmp.display()))
        .arg(format!("-I/usr/include/{arch}-linux-gnu"))
        .arg(&src)
        .output()
        .expect("run cc");
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        out.status.success(),
        "include/bpf/ alone does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The BPF-side headers of the same copy build a BPF program with clang (and
/// only the UAPI headers besides); skipped without clang.
#[test]
fn bpf_side_stands_alone() {
    let clang = std::process::Command::new("clang")
        .arg("--version")
        .output();
    if !clang.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: clang not installed");
        return;
    }
    let tmp = copy_bpf_dir("bpfside");
    let src = tmp.join("prog.bpf.c");
    std::fs::write(
        &src,
        "#include <linux/bpf.h>\n#include <linux/ptrace.h>\n#include <bpf/bpf_helpers.h>\n\
         #include <bpf/bpf_endian.h>\n#include <bpf/bpf_core_read.h>\n\
         #include <bpf/bpf_tracing.h>\n#include <bpf/usdt.bpf.h>\n\
         char LICENSE[] SEC(\"license\") = \"GPL\";\n\
         SEC(\"kprobe/x\") int BPF_KPROBE(p, long a) { bpf_printk(\"%ld\", a); \
         return bpf_htons(1); }\n",
    )
    .expect("write program");
    let arch = std::env::consts::ARCH;
    let target = match arch {
        "x86_64" => "x86",
        "aarch64" => "arm64",
        "riscv64" => "riscv",
        other => other,
    };
    let out = std::process::Command::new("clang")
        .args(["-O2", "-g", "-target", "bpf", "-Wall", "-Werror", "-c"])
        .arg(format!("-D__TARGET_ARCH_{target}"))
        .arg(format!("-I{}", tmp.display()))
        .arg(format!("-I/usr/include/{arch}-linux-gnu"))
        .arg(&src)
        .arg("-o")
        .arg(tmp.join("prog.bpf.o"))
        .output()
        .expect("run clang");
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        out.status.success(),
        "include/bpf/'s BPF side alone does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
