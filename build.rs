// Builds the small C shim (va_list trampoline for the print callback).
fn main() {
    println!("cargo:rerun-if-changed=c-shim");
    cc::Build::new()
        .file("c-shim/print.c")
        .flag_if_supported("-Wall")
        .flag_if_supported("-Wextra")
        .warnings_into_errors(true)
        .compile("bpfrs_shim");
}
