//! The candidate table: signature hash → canonical type IDs, iterated in the
//! order libbpf's `hashmap` (append mode) yields them.
//!
//! The order matters for identical output: when two canonical types both match
//! a new one (an enum forward declaration and two full enums of its name, or
//! two structs a forward declaration fits), the first one iterated wins. libbpf
//! chains the entries of a bucket newest first and, on each growth, re-links
//! every bucket from its head into the new buckets (which reverses entries that
//! land together); this table does the same, with the entries in one flat
//! arena instead of one allocation each.

/// End of a chain.
const NIL: u32 = u32::MAX;
/// libbpf's `HASHMAP_MIN_CAP_BITS`.
const MIN_CAP_BITS: u32 = 2;

#[derive(Clone, Copy)]
struct Entry {
    key: i64,
    value: u32,
    next: u32,
}

/// A multimap from signature hashes to type IDs.
pub(super) struct Table {
    buckets: Vec<u32>,
    entries: Vec<Entry>,
    cap_bits: u32,
    /// Every key hashes to bucket 0 (`force_collisions`); keys still compare.
    collide: bool,
}

/// libbpf's `hash_bits` on LP64: the top `bits` bits of a multiplicative hash.
fn hash_bits(h: u64, bits: u32) -> usize {
    if bits == 0 {
        return 0;
    }
    (h.wrapping_mul(11_400_714_819_323_198_485) >> (64 - bits)) as usize
}

impl Table {
    pub(super) fn new(collide: bool) -> Table {
        Table {
            buckets: Vec::new(),
            entries: Vec::new(),
            cap_bits: 0,
            collide,
        }
    }

    fn bucket(&self, key: i64, bits: u32) -> usize {
        if self.collide {
            0
        } else {
            hash_bits(key as u64, bits)
        }
    }

    /// Adds `value` under `key` (duplicates allowed).
    pub(super) fn append(&mut self, key: i64, value: u32) {
        let (sz, cap) = (self.entries.len(), self.buckets.len());
        if cap == 0 || (sz + 1) * 4 / 3 > cap {
            self.grow();
        }
        let b = self.bucket(key, self.cap_bits);
        self.entries.push(Entry {
            key,
            value,
            next: self.buckets[b],
        });
        self.buckets[b] = (self.entries.len() - 1) as u32;
    }

    fn grow(&mut self) {
        let bits = (self.cap_bits + 1).max(MIN_CAP_BITS);
        let mut buckets = vec![NIL; 1 << bits];
        for head in std::mem::take(&mut self.buckets) {
            let mut cur = head;
            while cur != NIL {
                let e = &mut self.entries[cur as usize];
                let next = e.next;
                let b = if self.collide {
                    0
                } else {
                    hash_bits(e.key as u64, bits)
                };
                e.next = buckets[b];
                buckets[b] = cur;
                cur = next;
            }
        }
        self.buckets = buckets;
        self.cap_bits = bits;
    }

    /// The values under `key`, in libbpf's iteration order.
    pub(super) fn get(&self, key: i64) -> impl Iterator<Item = u32> + '_ {
        let mut cur = self.head(key);
        std::iter::from_fn(move || self.step(&mut cur, key))
    }

    /// A cursor at the first entry of `key`'s bucket, for walks that need the
    /// table released between steps ([`Table::step`]).
    pub(super) fn head(&self, key: i64) -> u32 {
        if self.buckets.is_empty() {
            NIL
        } else {
            self.buckets[self.bucket(key, self.cap_bits)]
        }
    }

    /// The next value under `key` from cursor `cur`, advancing it.
    pub(super) fn step(&self, cur: &mut u32, key: i64) -> Option<u32> {
        while *cur != NIL {
            let e = self.entries[*cur as usize];
            *cur = e.next;
            if e.key == key {
                return Some(e.value);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Table;

    #[test]
    fn newest_first_then_reordered_by_growth() {
        let mut t = Table::new(false);
        t.append(7, 1);
        t.append(7, 2);
        t.append(7, 3);
        // Three entries fit 4 buckets at 75%: no growth yet, newest first.
        assert_eq!(t.get(7).collect::<Vec<_>>(), [3, 2, 1]);
        t.append(7, 4);
        // The fourth append grows to 8 buckets first: the chain [3, 2, 1] is
        // re-linked head first, becoming [1, 2, 3], then 4 goes in front.
        assert_eq!(t.get(7).collect::<Vec<_>>(), [4, 1, 2, 3]);
        assert_eq!(t.get(8).count(), 0);
    }

    #[test]
    fn collisions_keep_keys_apart() {
        let mut t = Table::new(true);
        for i in 0..100 {
            t.append(i % 3, i as u32);
        }
        let v: Vec<u32> = t.get(1).collect();
        assert_eq!(v.len(), 33);
        assert!(v.iter().all(|x| x % 3 == 1));
    }
}
