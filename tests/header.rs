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

/// `include/bpf/` copied alone (as projects vendor or install libbpf's `bpf/`
/// directory) compiles: no header there reaches outside it.
#[test]
fn bpf_directory_stands_alone() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = std::env::temp_dir().join(format!("bpfrs-hdr-{}", std::process::id()));
    let bpf = tmp.join("bpf");
    std::fs::create_dir_all(&bpf).expect("mkdir");
    for e in std::fs::read_dir(root.join("include/bpf")).expect("include/bpf") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "h") {
            std::fs::copy(&p, bpf.join(p.file_name().expect("name"))).expect("copy");
        }
    }
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
