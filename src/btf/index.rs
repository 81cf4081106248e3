//! Hash indexes over `u32` values keyed by the bytes they name: the lazily built
//! name index (name → type IDs) and string index (string → string offsets) of a
//! [`Btf`](super::Btf).
//!
//! Only 32-bit hashes are stored: a lookup yields the values of one hash in
//! ascending order and the caller compares the real bytes. The values present
//! when the index is built go into one sorted vector (a radix sort: sequential
//! passes, no per-entry allocation, so indexing vmlinux's 125,000 names costs
//! about as much as parsing it); values appended later go into hash chains.
//! Must not call: anything outside this file.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// End of a chain.
const END: u32 = u32::MAX;
const K: u64 = 0x9e37_79b9_7f4a_7c15;
const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Hash → values, ascending.
#[derive(Clone, Default)]
pub(super) struct Index {
    /// `hash << 32 | value` of the values present at build time, sorted.
    bulk: Vec<u64>,
    /// Values appended since: hash → (first, last) entry of its chain.
    heads: HashMap<u32, (u32, u32), BuildHasherDefault<Prehashed>>,
    /// Entry → (value, next entry of the same hash or `END`).
    links: Vec<(u32, u32)>,
}

impl Index {
    /// An index of `entries`, each `hash << 32 | value` (hashes from [`hash`] or
    /// [`hash_str_at`]), in ascending value order.
    pub(super) fn from_entries(mut entries: Vec<u64>) -> Index {
        sort_by_hash(&mut entries);
        Index {
            bulk: entries,
            ..Index::default()
        }
    }

    /// Appends `value`, larger than every value already in, under `key`.
    pub(super) fn push(&mut self, key: &[u8], value: u32) {
        let at = self.links.len() as u32;
        self.links.push((value, END));
        let h = hash(key);
        match self.heads.get_mut(&h) {
            Some((_, last)) => {
                if let Some(l) = self.links.get_mut(*last as usize) {
                    l.1 = at;
                }
                *last = at;
            }
            None => {
                self.heads.insert(h, (at, at));
            }
        }
    }

    /// The values under `key`'s hash, ascending (other keys with the same hash
    /// included: the caller checks).
    pub(super) fn get<'a>(&'a self, key: &[u8]) -> impl Iterator<Item = u32> + 'a {
        let h = hash(key);
        let start = self.bulk.partition_point(|&e| ((e >> 32) as u32) < h);
        let bulk = self.bulk[start..]
            .iter()
            .take_while(move |&&e| (e >> 32) as u32 == h)
            .map(|&e| e as u32);
        let mut at = self.heads.get(&h).map_or(END, |&(first, _)| first);
        let tail = std::iter::from_fn(move || {
            let &(value, next) = self.links.get(at as usize)?;
            at = next;
            Some(value)
        });
        bulk.chain(tail)
    }
}

/// Stable LSD radix sort of `v` by the high 32 bits (the hash), 8 bits a pass.
fn sort_by_hash(v: &mut Vec<u64>) {
    let mut tmp = vec![0u64; v.len()];
    for shift in [32u32, 40, 48, 56] {
        let mut at = [0usize; 256];
        for &e in v.iter() {
            at[(e >> shift) as usize & 0xff] += 1;
        }
        let mut sum = 0;
        for a in at.iter_mut() {
            (*a, sum) = (sum, sum + *a);
        }
        for &e in v.iter() {
            let b = (e >> shift) as usize & 0xff;
            tmp[at[b]] = e;
            at[b] += 1;
        }
        std::mem::swap(v, &mut tmp);
    }
}

/// Mixes one 8-byte word into `h`.
#[inline]
fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(23) ^ w).wrapping_mul(K)
}

/// The final hash of a string of `len` bytes after mixing its words into `h`.
#[inline]
fn finish(h: u64, len: usize) -> u32 {
    let h = (h ^ len as u64).wrapping_mul(K);
    (h >> 32) as u32
}

/// The 32-bit hash of `key` (word at a time, little-endian words, the last one
/// zero-padded).
pub(super) fn hash(key: &[u8]) -> u32 {
    let mut h = 0u64;
    let mut words = key.chunks_exact(8);
    for c in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h, u64::from_le_bytes(w));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(w));
    }
    finish(h, key.len())
}

/// [`hash`] of the NUL-terminated string at `off` of `strs`, and its length,
/// found in one pass (no separate search for the NUL); `None` when `off` is out
/// of range or no NUL follows.
pub(super) fn hash_str_at(strs: &[u8], off: usize) -> Option<(u32, usize)> {
    let s = strs.get(off..)?;
    let mut h = 0u64;
    let mut i = 0;
    while let Some(c) = s.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let w = u64::from_le_bytes(w);
        // The lowest flagged byte is the first zero byte (flags above it may be
        // false positives, never below).
        let zero = w.wrapping_sub(LOW_BITS) & !w & HIGH_BITS;
        if zero != 0 {
            let n = zero.trailing_zeros() as usize / 8;
            if n > 0 {
                h = mix(h, w & (u64::MAX >> (64 - 8 * n)));
            }
            return Some((finish(h, i + n), i + n));
        }
        h = mix(h, w);
        i += 8;
    }
    let n = s[i..].iter().position(|&c| c == 0)?;
    if n > 0 {
        let mut w = [0u8; 8];
        w[..n].copy_from_slice(&s[i..i + n]);
        h = mix(h, u64::from_le_bytes(w));
    }
    Some((finish(h, i + n), i + n))
}

/// The table's hasher: keys are already [`hash`]es.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        // Spread the 32-bit hash over the 64 bits the table uses (control bits
        // come from the top, bucket bits from the bottom).
        self.0.wrapping_mul(K)
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u32` is used (keys are u32); fold anything else in.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n);
    }
}

/// A relaxed event counter that clones as its current value (a `Btf` is
/// `Clone` and `Sync`).
#[derive(Default, Debug)]
pub(super) struct Counter(std::sync::atomic::AtomicU32);

impl Counter {
    /// Counts one event; the count before it.
    pub(super) fn bump(&self) -> u32 {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

impl Clone for Counter {
    fn clone(&self) -> Self {
        Counter(std::sync::atomic::AtomicU32::new(
            self.0.load(std::sync::atomic::Ordering::Relaxed),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(keys: &[&[u8]]) -> Vec<u64> {
        let v = keys.iter().enumerate();
        v.map(|(i, k)| u64::from(hash(k)) << 32 | i as u64)
            .collect()
    }

    #[test]
    fn values_come_back_ascending_per_key() {
        let mut x = Index::from_entries(entries(&[b"a", b"b", b"a", b"", b"a"]));
        x.push(b"a", 10);
        x.push(b"c", 11);
        x.push(b"a", 12);
        assert_eq!(x.get(b"a").collect::<Vec<_>>(), [0, 2, 4, 10, 12]);
        assert_eq!(x.get(b"b").collect::<Vec<_>>(), [1]);
        assert_eq!(x.get(b"").collect::<Vec<_>>(), [3]);
        assert_eq!(x.get(b"c").collect::<Vec<_>>(), [11]);
        assert_eq!(x.get(b"zzz").count(), 0);
        let big: Vec<u64> = (0..5000u32)
            .map(|i| u64::from(hash(&i.to_le_bytes())) << 32 | u64::from(i))
            .collect();
        let x = Index::from_entries(big);
        assert!((0..5000u32).all(|i| x.get(&i.to_le_bytes()).any(|v| v == i)));
    }

    #[test]
    fn one_pass_string_hash_matches() {
        let strs = b"\0a\0abcdefgh\0abcdefghijklmnopq\0abcdefg\0tail-without-nul";
        let mut off = 0;
        for s in strs.split(|&c| c == 0).take(5) {
            assert_eq!(hash_str_at(strs, off), Some((hash(s), s.len())), "{s:?}");
            off += s.len() + 1;
        }
        assert_eq!(hash_str_at(strs, off), None, "no NUL");
        assert_eq!(hash_str_at(strs, strs.len() + 1), None);
        assert_ne!(hash(b"abcdefgh1"), hash(b"abcdefgh2"));
        assert_ne!(hash(b"ab"), hash(b"ab\0"));
    }
}
