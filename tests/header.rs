//! The committed `include/libbpfrs.h` must equal a fresh cbindgen run.
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
    let path = root.join("include/libbpfrs.h");
    if std::env::var_os("LIBBPFRS_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/libbpfrs.h is out of date: run `LIBBPFRS_BLESS=1 cargo test --test header` and commit it"
    );
}
