//! Helpers for the crate's own unit tests (compiled only under `cfg(test)`).

/// For tests that need root or a kernel feature: prints a one-line skip, or fails
/// when CI requires the kernel (`LIBBPFRS_REQUIRE_KERNEL=1`).
pub(crate) fn test_skip(what: &str) {
    let required = std::env::var("LIBBPFRS_REQUIRE_KERNEL").is_ok_and(|v| v == "1");
    assert!(!required, "required but unavailable: {what}");
    eprintln!("SKIP: {what}");
}

/// Compiles BPF C source with clang (`-O2 -g -target bpf`); `None` (after a
/// skip line) when clang is missing.
pub(crate) fn compile_bpf(src: &str) -> Option<Vec<u8>> {
    compile_bpf_with(src, &[])
}

/// [`compile_bpf`] with extra clang arguments (include paths, defines).
pub(crate) fn compile_bpf_with(src: &str, extra: &[&str]) -> Option<Vec<u8>> {
    use std::process::Command;
    if Command::new("clang").arg("--version").output().is_err() {
        test_skip("clang not found");
        return None;
    }
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "libbpfrs-obj-{}-{:?}-{}",
        std::process::id(),
        std::thread::current().id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let (c, o) = (dir.join("t.c"), dir.join("t.o"));
    std::fs::write(&c, src).expect("BPF source file");
    let out = Command::new("clang")
        .args(["-O2", "-g", "-target", "bpf", "-c"])
        .args(extra)
        .arg(format!(
            "-I/usr/include/{}-linux-gnu",
            std::env::consts::ARCH
        ))
        .arg(&c)
        .arg("-o")
        .arg(&o)
        .output()
        .expect("clang runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = std::fs::read(&o).expect("clang's output");
    let _ = std::fs::remove_dir_all(&dir);
    Some(data)
}
