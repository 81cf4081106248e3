// Builds the small C shim (va_list trampoline for the print callback).
fn main() {
    println!("cargo:rerun-if-changed=c-shim");
    cc::Build::new()
        .file("c-shim/print.c")
        .flag_if_supported("-Wall")
        .flag_if_supported("-Wextra")
        .warnings_into_errors(true)
        .compile("bpfrs_shim");
    // Exports the legacy bpf_load.c data symbols (weak, defined in assembly).
    println!("cargo:rerun-if-changed=src/capi/bpf_load.map");
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    println!("cargo:rustc-cdylib-link-arg=-Wl,--version-script={dir}/src/capi/bpf_load.map");
}
