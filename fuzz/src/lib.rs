//! What the fuzz targets share: silencing libbpfrs, and walking a `struct btf *`
//! through every read-only query of `bpf/btf.h` the way a C program does (type
//! records read through the pointers `btf__type_by_id` hands out, names looked
//! up and looked up again), with the invariants a caller may rely on asserted.
//!
//! Everything goes through the C ABI exports, so the C boundary's argument and
//! handle checks are fuzzed too. A panic inside libbpfrs is caught there and
//! turned into an error, but libfuzzer-sys' panic hook aborts first, so it still
//! counts as a crash.

use bpfrs::capi::btf::ext::btf_ext__raw_data;
use bpfrs::capi::btf::handle::{
    btf__align_of, btf__base_btf, btf__endianness, btf__find_by_name, btf__find_by_name_kind,
    btf__find_str, btf__free, btf__name_by_offset, btf__new_split, btf__pointer_size,
    btf__raw_data, btf__resolve_size, btf__resolve_type, btf__set_endianness, btf__str_by_offset,
    btf__type_by_id, btf__type_cnt,
};
use bpfrs::capi::btf::write::btf__add_btf;
use bpfrs::capi::libbpf::print::libbpf_set_print;
use bpfrs::capi::types::{btf, btf_ext};
use std::ffi::{CStr, CString};
use std::hint::black_box;
use std::sync::Once;

/// At most this many names are looked up by `btf__find_by_name*` and
/// `btf__find_str` per BTF, so that one input costs linear time.
const NAME_LOOKUPS: usize = 256;

/// Silences libbpfrs' messages (once per process).
pub fn quiet() {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        // SAFETY: a NULL callback silences libbpfrs' messages; no pointer is passed.
        unsafe { libbpf_set_print(None) };
    });
}

/// Sums `len` bytes at `p`, so that a pointer libbpfrs hands out is read over
/// all the length it promises (AddressSanitizer catches a short buffer).
///
/// # Safety
/// `p` points to `len` readable bytes.
unsafe fn touch(p: *const u8, len: usize) {
    // SAFETY: forwarded caller contract.
    let s = unsafe { std::slice::from_raw_parts(p, len) };
    black_box(s.iter().fold(0u8, |a, &b| a.wrapping_add(b)));
}

/// The byte size of the records after a type's 12-byte `struct btf_type`, by
/// kind and vlen, as `linux/btf.h` lays them out (0 for kinds with none).
fn trailer_len(kind: u32, vlen: usize) -> usize {
    match kind {
        1 | 14 | 17 => 4,             // INT encoding, VAR linkage, DECL_TAG component
        3 => 12,                      // ARRAY
        4 | 5 | 15 | 19 => 12 * vlen, // STRUCT/UNION members, DATASEC vars, ENUM64 values
        6 | 13 => 8 * vlen,           // ENUM values, FUNC_PROTO params
        _ => 0,
    }
}

/// The name at `off`, `None` where `btf__name_by_offset` gives NULL (and the
/// same pointer from `btf__str_by_offset`).
fn name_at(b: *mut btf, off: u32) -> Option<CString> {
    let n = btf__name_by_offset(b, off);
    assert_eq!(n, btf__str_by_offset(b, off), "name and str lookups differ");
    // SAFETY: a non-NULL name is a C string in the BTF's string data.
    (!n.is_null()).then(|| unsafe { CStr::from_ptr(n) }.to_owned())
}

/// Reads type `id` as a C program would: its header, the records after it, and
/// the names of the type and of its members. Returns the type's name and raw
/// kind, or `None` if `btf__type_by_id` gave NULL.
fn walk_type(b: *mut btf, id: u32) -> Option<(Option<CString>, u32)> {
    let t = btf__type_by_id(b, id).cast::<u8>();
    if t.is_null() {
        return None;
    }
    let word = |i: usize| {
        // SAFETY: `t` is a `struct btf_type` followed by its records; the callers read
        // only within `12 + trailer_len(..)`, which the type claims.
        unsafe { t.add(4 * i).cast::<u32>().read_unaligned() }
    };
    let (name_off, info) = (word(0), word(1));
    let (kind, vlen) = (info >> 24 & 0x1f, (info & 0xffff) as usize);
    let extra = trailer_len(kind, vlen);
    // SAFETY: as above: the type and its records are readable.
    unsafe { touch(t, 12 + extra) };
    let stride = match kind {
        4 | 5 | 19 => 3,
        6 | 13 => 2,
        _ => 0,
    };
    if stride > 0 {
        for m in 0..vlen {
            black_box(name_at(b, word(3 + m * stride)));
        }
    }
    Some((name_at(b, name_off), kind))
}

/// Every read-only query of `bpf/btf.h` on `b`, for every type id (and the first
/// ids past the end), then `btf__find_str`, the raw data in both byte orders
/// and `btf__add_btf` into a fresh BTF. Afterwards `b` may be in the other byte
/// order and its strings indexed; it is otherwise unchanged.
pub fn query_all(b: *mut btf) {
    let cnt = btf__type_cnt(b);
    assert!(cnt >= 1, "type_cnt counts void");
    black_box((btf__pointer_size(b), btf__endianness(b), btf__base_btf(b)));
    // A base type's name offset may be out of range in the base yet name a
    // string of the split BTF (`btf__name_by_offset` on the split BTF reads
    // it there, as libbpf does); such a name is not its name, and is not
    // looked up.
    let base = btf__base_btf(b).cast_mut();
    let base_cnt = if base.is_null() {
        0
    } else {
        btf__type_cnt(base)
    };
    let mut names = Vec::new();
    for id in 0..cnt.saturating_add(2) {
        let Some((name, kind)) = walk_type(b, id) else {
            assert!(
                id >= cnt,
                "btf__type_by_id({id}) is NULL below type_cnt {cnt}"
            );
            continue;
        };
        assert!(
            id < cnt,
            "btf__type_by_id({id}) is a type past type_cnt {cnt}"
        );
        black_box((btf__resolve_size(b, id), btf__align_of(b, id)));
        let r = btf__resolve_type(b, id);
        assert!(
            r < cnt as i32,
            "btf__resolve_type({id}) = {r} is past type_cnt"
        );
        // Anonymous types are not looked up ("" is type 0's name, and finds the
        // first anonymous type).
        let Some(name) = name.filter(|n| !n.is_empty() && names.len() < NAME_LOOKUPS) else {
            continue;
        };
        if id < base_cnt && walk_type(base, id).and_then(|(n, _)| n).as_ref() != Some(&name) {
            continue;
        }
        // SAFETY: `name` is a C string.
        let any = unsafe { btf__find_by_name(b, name.as_ptr()) };
        // SAFETY: as above.
        let same = unsafe { btf__find_by_name_kind(b, name.as_ptr(), kind) };
        for (what, found) in [("find_by_name", any), ("find_by_name_kind", same)] {
            assert!(
                (0..=id as i32).contains(&found),
                "btf__{what}({name:?}) = {found}, but type {id} has that name"
            );
        }
        names.push(name);
    }
    for n in &names {
        // SAFETY: `n` is a C string; the type pointers read above are no longer held
        // (finding a string may make the BTF writable, as under libbpf).
        black_box(unsafe { btf__find_str(b, n.as_ptr()) });
    }
    reparse_raw(b);
    if btf__set_endianness(b, 1 - btf__endianness(b)) == 0 {
        reparse_raw(b);
    }
    let fresh = bpfrs::capi::btf::handle::btf__new_empty();
    if btf__add_btf(fresh, b) > 0 {
        reparse_raw(fresh);
    }
    btf__free(fresh);
}

/// `btf__raw_data` of `b`, read whole and parsed again (on the same base): it
/// must parse, with as many types.
pub fn reparse_raw(b: *mut btf) {
    let mut size = 0u32;
    // SAFETY: `size` is a writable u32.
    let raw = unsafe { btf__raw_data(b, &mut size) };
    assert!(!raw.is_null(), "btf__raw_data failed on a valid BTF");
    let copy = {
        // SAFETY: `raw` is `size` bytes, valid until `b` changes.
        unsafe { std::slice::from_raw_parts(raw.cast::<u8>(), size as usize) }.to_vec()
    };
    let base = btf__base_btf(b).cast_mut();
    // SAFETY: `copy` is `size` readable bytes; `base` is `b`'s base, still alive.
    let again = unsafe { btf__new_split(copy.as_ptr().cast(), size, base) };
    assert!(!again.is_null(), "btf__raw_data does not parse back");
    assert_eq!(
        btf__type_cnt(again),
        btf__type_cnt(b),
        "types lost in raw data"
    );
    btf__free(again);
}

/// `btf_ext__raw_data` of `e`, read whole and copied.
pub fn ext_raw(e: *mut btf_ext) -> Vec<u8> {
    let mut size = 0u32;
    // SAFETY: `size` is a writable u32.
    let raw = unsafe { btf_ext__raw_data(e, &mut size) };
    assert!(
        !raw.is_null(),
        "btf_ext__raw_data failed on a parsed .BTF.ext"
    );
    // SAFETY: `raw` is `size` bytes, valid while `e` lives.
    unsafe { std::slice::from_raw_parts(raw.cast::<u8>(), size as usize) }.to_vec()
}
