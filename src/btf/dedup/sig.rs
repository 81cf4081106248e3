//! Type signatures: the hashes that key the candidate table and the equality
//! checks that decide between candidates, on raw native-endian records (the
//! 12-byte header `name_off`, `info`, `size`/`type`, then the kind's entries).
//!
//! Hashes are libbpf's (`h * 31 + value` on a signed 64-bit `long`), so that
//! candidates come out of the table in libbpf's order.

use super::super::types::{rd32, Kind};

/// Header words.
const NAME: usize = 0;
const INFO: usize = 4;
const SIZE: usize = 8;
/// Where the entries of a record start.
const ENTRIES: usize = 12;

#[inline]
fn combine(h: i64, v: u32) -> i64 {
    h.wrapping_mul(31).wrapping_add(i64::from(v))
}

#[inline]
pub(super) fn vlen(r: &[u8]) -> usize {
    (rd32(r, INFO) & 0xffff) as usize
}

/// The entries of a record (members, parameters, enumerators), `N` bytes
/// each; none if the record is cut short.
#[inline]
pub(super) fn entries<const N: usize>(r: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
    r.get(ENTRIES..ENTRIES + vlen(r) * N)
        .unwrap_or_default()
        .chunks_exact(N)
        .map(|e| <[u8; N]>::try_from(e).unwrap_or([0; N]))
}

/// The word at byte `at` of an entry.
#[inline]
pub(super) fn word<const N: usize>(e: [u8; N], at: usize) -> u32 {
    u32::from_ne_bytes([e[at], e[at + 1], e[at + 2], e[at + 3]])
}

/// The 12-byte header.
#[inline]
fn header(r: &[u8]) -> Option<&[u8; ENTRIES]> {
    r.first_chunk::<ENTRIES>()
}

/// Name, info and size/type (`btf_hash_common`).
pub(super) fn hash_common(r: &[u8]) -> i64 {
    let h = combine(0, rd32(r, NAME));
    let h = combine(h, rd32(r, INFO));
    combine(h, rd32(r, SIZE))
}

#[inline]
pub(super) fn equal_common(a: &[u8], b: &[u8]) -> bool {
    header(a) == header(b)
}

/// INT and DECL_TAG: the header and the one word after it.
pub(super) fn hash_int_tag(r: &[u8]) -> i64 {
    combine(hash_common(r), rd32(r, ENTRIES))
}

pub(super) fn equal_int_tag(a: &[u8], b: &[u8]) -> bool {
    equal_common(a, b) && rd32(a, ENTRIES) == rd32(b, ENTRIES)
}

/// ENUM and ENUM64: the name only, so that an enum forward declaration (no
/// values, any size) meets the full enum or enum64.
pub(super) fn hash_enum(r: &[u8]) -> i64 {
    combine(0, rd32(r, NAME))
}

/// True when the entries of `a` and `b` (`N` bytes each) agree on the words
/// at the byte offsets `at`. Callers have compared the headers, so both have
/// as many entries.
#[inline]
fn entries_agree<const N: usize>(a: &[u8], b: &[u8], at: &[usize]) -> bool {
    entries::<N>(a)
        .zip(entries::<N>(b))
        .all(|(x, y)| at.iter().all(|&w| word(x, w) == word(y, w)))
}

/// The hash of `h` extended by the words at `at` of every entry.
#[inline]
fn hash_entries<const N: usize>(mut h: i64, r: &[u8], at: &[usize]) -> i64 {
    for e in entries::<N>(r) {
        for &w in at {
            h = combine(h, word(e, w));
        }
    }
    h
}

/// Equal headers and equal enumerators (ENUM: name and value; ENUM64: name,
/// low and high value words).
pub(super) fn equal_enum(a: &[u8], b: &[u8]) -> bool {
    if !equal_common(a, b) {
        return false;
    }
    if rd32(a, INFO) >> 24 & 0x1f == Kind::Enum as u32 {
        entries_agree::<8>(a, b, &[0, 4])
    } else {
        entries_agree::<12>(a, b, &[0, 4, 8])
    }
}

fn is_any_enum(r: &[u8]) -> bool {
    matches!(
        Kind::from_raw(rd32(r, INFO) >> 24 & 0x1f),
        Some(Kind::Enum | Kind::Enum64)
    )
}

/// An enum without values (a forward declaration).
pub(super) fn enum_is_fwd(r: &[u8]) -> bool {
    is_any_enum(r) && vlen(r) == 0
}

/// Two full enums must be equal; a forward declaration matches any enum or
/// enum64 of its name, whatever its size.
pub(super) fn compat_enum(a: &[u8], b: &[u8]) -> bool {
    if !enum_is_fwd(a) && !enum_is_fwd(b) {
        return equal_enum(a, b);
    }
    rd32(a, NAME) == rd32(b, NAME) && is_any_enum(a) && is_any_enum(b)
}

/// STRUCT/UNION: the header, member names and offsets; member types are not
/// hashed (they may not be resolved yet).
pub(super) fn hash_struct(r: &[u8]) -> i64 {
    hash_entries::<12>(hash_common(r), r, &[0, 8])
}

/// Equal headers, member names and offsets (types ignored).
pub(super) fn shallow_equal_struct(a: &[u8], b: &[u8]) -> bool {
    equal_common(a, b) && entries_agree::<12>(a, b, &[0, 8])
}

/// Equal headers and member types too (`btf_dedup_identical_structs`).
pub(super) fn identical_struct(a: &[u8], b: &[u8]) -> bool {
    shallow_equal_struct(a, b) && entries_agree::<12>(a, b, &[4])
}

/// ARRAY: header, element type, index type, element count.
pub(super) fn hash_array(r: &[u8]) -> i64 {
    let h = combine(hash_common(r), rd32(r, ENTRIES));
    let h = combine(h, rd32(r, ENTRIES + 4));
    combine(h, rd32(r, ENTRIES + 8))
}

pub(super) fn equal_array(a: &[u8], b: &[u8]) -> bool {
    equal_common(a, b) && a.get(ENTRIES..ENTRIES + 12) == b.get(ENTRIES..ENTRIES + 12)
}

/// Equal headers and element counts (the types are compared by the caller).
pub(super) fn compat_array(a: &[u8], b: &[u8]) -> bool {
    equal_common(a, b) && rd32(a, ENTRIES + 8) == rd32(b, ENTRIES + 8)
}

/// FUNC_PROTO: header, then each parameter's name and type.
pub(super) fn hash_fnproto(r: &[u8]) -> i64 {
    hash_entries::<8>(hash_common(r), r, &[0, 4])
}

pub(super) fn equal_fnproto(a: &[u8], b: &[u8]) -> bool {
    equal_common(a, b) && entries_agree::<8>(a, b, &[0, 4])
}

/// Same name, info and parameter names (return and parameter types are
/// compared by the caller).
pub(super) fn compat_fnproto(a: &[u8], b: &[u8]) -> bool {
    rd32(a, NAME) == rd32(b, NAME)
        && rd32(a, INFO) == rd32(b, INFO)
        && entries_agree::<8>(a, b, &[0])
}
