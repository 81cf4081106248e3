//! [`Btf`] → blob: the 24-byte header, the own types, the own strings, in native
//! or opposite byte order (`btf__raw_data`, `btf__set_endianness`, the bytes
//! `BPF_BTF_LOAD` gets).
//!
//! Must not call: `crate::sys` (loading the bytes into the kernel is the caller's).
//! Spec: `btf-core.md` §1.1 (layout), §6.1 (`btf__raw_data`, byte order).

use super::{Btf, BTF_HDR_LEN, BTF_MAGIC};
use std::borrow::Cow;

/// Header + types + strings, with `type_off` 0 and `str_off = type_len` (the
/// layout the kernel requires: no gaps, strings last).
pub fn encode(types: &[u8], strs: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(BTF_HDR_LEN + types.len() + strs.len());
    out.extend_from_slice(&header(types.len() as u32, strs.len() as u32));
    out.extend_from_slice(types);
    out.extend_from_slice(strs);
    out
}

/// The 24-byte header of a blob with `type_len` bytes of types then `str_len`
/// bytes of strings.
fn header(type_len: u32, str_len: u32) -> [u8; BTF_HDR_LEN] {
    let mut h = [0u8; BTF_HDR_LEN];
    h[..2].copy_from_slice(&BTF_MAGIC.to_ne_bytes());
    h[2] = 1; // version; flags 0
    for (i, v) in [BTF_HDR_LEN as u32, 0, type_len, type_len, str_len]
        .into_iter()
        .enumerate()
    {
        h[4 + 4 * i..8 + 4 * i].copy_from_slice(&v.to_ne_bytes());
    }
    h
}

/// Swaps every 4-byte word of `b` in place (a BTF type section is all words).
pub(super) fn swap_words(b: &mut [u8]) {
    for w in b.chunks_exact_mut(4) {
        w.reverse();
    }
}

impl Btf {
    /// The native-endian blob, as `BPF_BTF_LOAD` wants it (§1.1): the input
    /// while unmodified, else a 24-byte header, the own types, then the own
    /// strings (extra header bytes of the input are dropped).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode(false)
    }

    /// The blob in the selected byte order (`btf__raw_data`).
    pub fn raw_data(&self) -> Vec<u8> {
        self.encode(self.swapped)
    }

    /// True when [`Btf::raw_data`] is big-endian (`btf__endianness`).
    pub fn big_endian(&self) -> bool {
        cfg!(target_endian = "big") != self.swapped
    }

    /// Selects the byte order of [`Btf::raw_data`] (`btf__set_endianness`); the
    /// types stay native in memory and [`Btf::to_bytes`] is unaffected.
    pub fn set_big_endian(&mut self, big: bool) {
        self.swapped = cfg!(target_endian = "big") != big;
    }

    /// The native-endian blob without a copy where it is kept: the input
    /// while unmodified, or the sections while they keep the input's layout
    /// (the bytes `BPF_BTF_LOAD` gets; [`Btf::to_bytes`] owns a copy).
    pub fn encoded(&self) -> Cow<'_, [u8]> {
        match self.orig_in(false) {
            Some(o) => Cow::Borrowed(o),
            None => self.store.encoded(),
        }
    }

    /// The input blob, if kept and in byte order `swapped`.
    fn orig_in(&self, swapped: bool) -> Option<&[u8]> {
        let o = self.orig.as_deref()?;
        let orig_swapped = o.get(..2) == Some(&BTF_MAGIC.swap_bytes().to_ne_bytes()[..]);
        (orig_swapped == swapped).then_some(o)
    }

    fn encode(&self, swapped: bool) -> Vec<u8> {
        if !swapped {
            return self.encoded().into_owned();
        }
        if let Some(o) = self.orig_in(swapped) {
            return o.to_vec();
        }
        let types = self.store.types();
        let mut out = encode(types, self.store.strs());
        out[..2].reverse();
        swap_words(&mut out[4..BTF_HDR_LEN + types.len()]);
        out
    }
}
