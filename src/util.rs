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
