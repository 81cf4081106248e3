//! Small pure helpers shared by the core: no kernel calls.
#![forbid(unsafe_code)]

/// Copies `name` into a kernel `char[16]` object name: at most 15 bytes, NUL-terminated,
/// as libbpf truncates map and program names (spec §2.5).
pub fn obj_name(name: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    let n = name
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(name.len())
        .min(15);
    out[..n].copy_from_slice(&name[..n]);
    out
}

/// The running kernel's version as `KERNEL_VERSION(major, minor, patch)` (patch
/// capped at 255), from Ubuntu's `/proc/version_signature` when present, else
/// `uname`; 0 if neither parses. The default `kern_version` of an object without
/// a `version` section, as in libbpf 1.x.
pub fn kernel_version() -> u32 {
    fn parse(s: &str) -> Option<u32> {
        let mut it = s.split(|c: char| !c.is_ascii_digit());
        let a: u32 = it.next()?.parse().ok()?;
        let b: u32 = it.next()?.parse().ok()?;
        let c: u32 = it.next()?.parse().ok()?;
        Some((a << 16) + (b << 8) + c.min(255))
    }
    if let Ok(sig) = std::fs::read_to_string("/proc/version_signature") {
        // "Ubuntu 5.15.0-91.101-generic 5.15.131": the third field.
        return sig.split_whitespace().nth(2).and_then(parse).unwrap_or(0);
    }
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .and_then(|r| parse(r.trim()))
        .unwrap_or(0)
}

/// For tests that need root or a kernel feature: prints a one-line skip, or fails
/// when CI requires the kernel (`LIBBPFRS_REQUIRE_KERNEL=1`).
#[cfg(test)]
pub(crate) fn test_skip(what: &str) {
    let required = std::env::var("LIBBPFRS_REQUIRE_KERNEL").is_ok_and(|v| v == "1");
    assert!(!required, "required but unavailable: {what}");
    eprintln!("SKIP: {what}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_truncate_to_15() {
        let n = obj_name(b"a_very_long_map_name_indeed");
        assert_eq!(&n[..15], b"a_very_long_map");
        assert_eq!(n[15], 0);
        assert_eq!(&obj_name(b"ab\0cd")[..3], b"ab\0");
    }
}
