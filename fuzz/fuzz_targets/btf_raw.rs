//! Fuzzes the raw BTF parser (`btf__new`, `btf__new_split`) and every query on
//! what it accepts (`libbpfrs_fuzz::query_all`). The input is parsed three ways:
//! whole; whole as split BTF on a small fixed base; and, when it starts with a
//! BTF blob whose header ends before the input does, as that blob (the base)
//! plus the rest (split BTF on it), so seeds are two blobs back to back.
#![no_main]

use bpfrs::capi::btf::handle::{btf__free, btf__new_empty, btf__new_split};
use bpfrs::capi::btf::write::{btf__add_field, btf__add_int, btf__add_ptr, btf__add_struct};
use bpfrs::capi::types::btf;
use libbpfrs_fuzz::{query_all, quiet};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Parses `d` on `base` (NULL: standalone), NULL if refused.
fn parse(d: &[u8], base: *mut btf) -> *mut btf {
    // SAFETY: `d` is `d.len()` readable bytes; `base` is NULL or a live BTF.
    unsafe { btf__new_split(d.as_ptr().cast(), d.len() as u32, base) }
}

/// A base of four types: `int`, `char`, `char *` and `struct pair { int n; char *s; }`.
fn fixed_base() -> *mut btf {
    static BASE: OnceLock<usize> = OnceLock::new();
    *BASE.get_or_init(|| {
        let b = btf__new_empty();
        // SAFETY: the names are C strings; `b` is a live BTF.
        unsafe {
            assert_eq!(btf__add_int(b, c"int".as_ptr(), 4, 1), 1);
            assert_eq!(btf__add_int(b, c"char".as_ptr(), 1, 2), 2);
            assert_eq!(btf__add_ptr(b, 2), 3);
            assert_eq!(btf__add_struct(b, c"pair".as_ptr(), 16), 4);
            assert_eq!(btf__add_field(b, c"n".as_ptr(), 1, 0, 0), 0);
            assert_eq!(btf__add_field(b, c"s".as_ptr(), 3, 64, 0), 0);
        }
        b as usize
    }) as *mut btf
}

/// Where the BTF blob at the start of `d` ends by its own header (either byte
/// order), if it is a blob.
fn blob_len(d: &[u8]) -> Option<usize> {
    let big = match d.get(..2)? {
        [0x9f, 0xeb] => false,
        [0xeb, 0x9f] => true,
        _ => return None,
    };
    let word = |i: usize| -> Option<u64> {
        let b: [u8; 4] = d.get(i..i + 4)?.try_into().ok()?;
        Some(u64::from(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }))
    };
    let (hdr, types, strs) = (word(4)?, word(8)? + word(12)?, word(16)? + word(20)?);
    usize::try_from(hdr + types.max(strs)).ok()
}

/// Queries, then frees, what parsed.
fn check(b: *mut btf) {
    if !b.is_null() {
        query_all(b);
        btf__free(b);
    }
}

fuzz_target!(|data: &[u8]| {
    quiet();
    check(parse(data, std::ptr::null_mut()));
    check(parse(data, fixed_base()));
    if let Some(cut) = blob_len(data).filter(|&c| c < data.len()) {
        let base = parse(&data[..cut], std::ptr::null_mut());
        if !base.is_null() {
            check(parse(&data[cut..], base));
            btf__free(base);
        }
    }
});
