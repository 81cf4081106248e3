//! Helpers for the crate's own unit tests (compiled only under `cfg(test)`).

/// For tests that need root or a kernel feature: prints a one-line skip, or fails
/// when CI requires the kernel (`LIBBPFRS_REQUIRE_KERNEL=1`).
pub(crate) fn test_skip(what: &str) {
    let required = std::env::var("LIBBPFRS_REQUIRE_KERNEL").is_ok_and(|v| v == "1");
    assert!(!required, "required but unavailable: {what}");
    eprintln!("SKIP: {what}");
}
