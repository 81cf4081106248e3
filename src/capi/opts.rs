//! The `opts->sz` protocol (spec `libbpf-api.md` §4.1), in one helper.
//!
//! - NULL opts: all defaults (zero).
//! - `sz < sizeof(size_t)`: EINVAL.
//! - `sz` larger than we know (`KNOWN` = end of the last field, not `sizeof`): every
//!   byte from `KNOWN` to `sz` must be zero, else EINVAL.
//! - `sz` smaller (older caller): the missing fields read as zero, and write-backs
//!   (`opts_out`) are skipped for fields the caller's struct lacks.

use crate::error::Error;
use std::mem::size_of;

/// An opts struct with `size_t sz` first.
///
/// # Safety
/// Implementors are `#[repr(C)]` plain data for which all-zero bytes are valid,
/// with `sz: usize` at offset 0 and `KNOWN <= size_of::<Self>()`.
pub unsafe trait Opts: Sized {
    /// `offsetofend(last field)` of the newest layout we support.
    const KNOWN: usize;
    /// The struct's C name, for messages.
    const NAME: &'static str;
}

/// Reads a caller's opts struct under the `sz` rules.
///
/// # Safety
/// `p` is NULL or points to at least `p->sz` readable bytes (libbpf's contract).
pub unsafe fn opts_in<T: Opts>(p: *const T) -> Result<T, Error> {
    const { assert!(T::KNOWN <= size_of::<T>()) };
    // SAFETY: all-zero bytes are a valid `T` (trait contract).
    let mut out: T = unsafe { std::mem::zeroed() };
    if p.is_null() {
        return Ok(out);
    }
    // SAFETY: non-NULL; `sz` is the first field, readable per the contract.
    let sz = unsafe { p.cast::<usize>().read_unaligned() };
    if sz < size_of::<usize>() {
        crate::log::warn(format_args!("{} size ({sz}) is too small", T::NAME));
        return Err(Error::Inval("opts.sz too small"));
    }
    if sz > T::KNOWN {
        let start = p.cast::<u8>().wrapping_add(T::KNOWN);
        // SAFETY: the caller promises `sz` readable bytes at `p`, so `start..p+sz` is readable.
        let tail = unsafe { std::slice::from_raw_parts(start, sz - T::KNOWN) };
        if tail.iter().any(|&b| b != 0) {
            crate::log::warn(format_args!("{} has non-zero extra bytes", T::NAME));
            return Err(Error::Inval("opts: non-zero bytes past known fields"));
        }
    }
    let n = sz.min(T::KNOWN);
    // SAFETY: `n <= sz` bytes are readable at `p`; `n <= KNOWN <= size_of::<T>()` fit in `out`; `T` is plain data so any bytes form a valid value (trait contract).
    unsafe { std::ptr::copy_nonoverlapping(p.cast::<u8>(), (&mut out as *mut T).cast::<u8>(), n) };
    Ok(out)
}

/// The caller's `sz` (0 for NULL), to decide whether an output field exists.
///
/// # Safety
/// As [`opts_in`].
pub unsafe fn opts_sz<T: Opts>(p: *const T) -> usize {
    if p.is_null() {
        0
    } else {
        // SAFETY: non-NULL; `sz` is the first field.
        unsafe { p.cast::<usize>().read_unaligned() }
    }
}

/// Writes an output field back into a caller's opts struct, only if the caller's
/// `sz` covers it (libbpf's `OPTS_SET`).
#[allow(unused_macros)]
macro_rules! opts_out {
    ($p:expr, $ty:ty, $field:ident, $v:expr) => {{
        let p: *mut $ty = $p;
        let end = ::std::mem::offset_of!($ty, $field)
            + ::std::mem::size_of_val(&<$ty as Default>::default().$field);
        // SAFETY: `opts_sz` reads `sz` from a non-NULL opts pointer.
        if !p.is_null() && unsafe { $crate::capi::opts::opts_sz(p as *const $ty) } >= end {
            // SAFETY: the caller's struct has at least `sz >= end` bytes, so the field lies within it.
            unsafe { ::std::ptr::addr_of_mut!((*p).$field).write_unaligned($v) };
        }
    }};
}
#[allow(unused_imports)]
pub(crate) use opts_out;

/// Declares the `Opts` impl with `KNOWN` = end of the named last field (of type `$t`).
macro_rules! impl_opts {
    ($ty:ident, $last:ident: $t:ty) => {
        // SAFETY: `$ty` is a #[repr(C)] struct of integers and raw pointers (all-zero
        // valid) with `sz: usize` first; KNOWN is the end of a field inside it.
        unsafe impl $crate::capi::opts::Opts for $ty {
            const KNOWN: usize = ::std::mem::offset_of!($ty, $last) + ::std::mem::size_of::<$t>();
            const NAME: &'static str = stringify!($ty);
        }
    };
}
pub(crate) use impl_opts;
