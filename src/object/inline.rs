//! [`Inline`]: a list of `Copy` values kept inline while it holds at most `N`,
//! moved to the heap past that. The link of a program mostly has one piece
//! and a handful of map references, and a loaded program a few func/line
//! records: none of them then costs an allocation.
#![forbid(unsafe_code)]

use std::fmt;
use std::ops::{Deref, DerefMut};

/// Up to `N` values inline, any number on the heap. Reads as a slice.
#[derive(Clone)]
pub struct Inline<T: Copy, const N: usize> {
    /// Values `..len` while `heap` is empty.
    inline: [T; N],
    len: usize,
    /// Every value once there were more than `N`.
    heap: Vec<T>,
}

impl<T: Copy, const N: usize> Inline<T, N> {
    /// An empty list; `fill` only initialises the unused inline slots.
    pub fn new(fill: T) -> Self {
        Inline {
            inline: [fill; N],
            len: 0,
            heap: Vec::new(),
        }
    }

    #[inline]
    pub fn push(&mut self, v: T) {
        if self.heap.is_empty() && self.len < N {
            self.inline[self.len] = v;
            self.len += 1;
        } else {
            self.push_on_heap(v);
        }
    }

    /// [`Inline::push`] past `N`: the values move to (or are on) the heap.
    #[cold]
    #[inline(never)]
    fn push_on_heap(&mut self, v: T) {
        if self.heap.is_empty() {
            self.heap.reserve(2 * N.max(1));
            self.heap.extend_from_slice(&self.inline[..self.len]);
        }
        self.heap.push(v);
        self.len += 1;
    }

    /// Makes room for `more` values beyond the current ones: on the heap at
    /// once if they will not fit inline.
    pub fn reserve(&mut self, more: usize) {
        if !self.heap.is_empty() {
            self.heap.reserve(more);
        } else if self.len + more > N {
            self.heap.reserve(self.len + more);
            self.heap.extend_from_slice(&self.inline[..self.len]);
        }
    }

    /// Appends `vs`, in order.
    #[inline]
    pub fn extend_from_slice(&mut self, vs: &[T]) {
        if self.heap.is_empty() && self.len + vs.len() <= N {
            self.inline[self.len..self.len + vs.len()].copy_from_slice(vs);
        } else {
            if self.heap.is_empty() {
                self.heap.reserve(self.len + vs.len());
                self.heap.extend_from_slice(&self.inline[..self.len]);
            }
            self.heap.extend_from_slice(vs);
        }
        self.len += vs.len();
    }

    /// Drops the values from `len` on.
    pub fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.len = len;
            if !self.heap.is_empty() {
                self.heap.truncate(len);
                if len == 0 {
                    self.heap = Vec::new();
                }
            }
        }
    }

    pub fn clear(&mut self) {
        self.truncate(0);
    }
}

impl<T: Copy, const N: usize> Deref for Inline<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }
}

impl<T: Copy, const N: usize> DerefMut for Inline<T, N> {
    fn deref_mut(&mut self) -> &mut [T] {
        if self.heap.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.heap
        }
    }
}

impl<'a, T: Copy, const N: usize> IntoIterator for &'a Inline<T, N> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Copy, const N: usize> IntoIterator for Inline<T, N> {
    type Item = T;
    type IntoIter = IntoIter<T, N>;
    fn into_iter(self) -> Self::IntoIter {
        IntoIter { few: self, at: 0 }
    }
}

/// The values of a [`Inline`], by value, in order.
pub struct IntoIter<T: Copy, const N: usize> {
    few: Inline<T, N>,
    at: usize,
}

impl<T: Copy, const N: usize> Iterator for IntoIter<T, N> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        let v = self.few.get(self.at).copied();
        self.at += usize::from(v.is_some());
        v
    }
}

impl<T: Copy + fmt::Debug, const N: usize> fmt::Debug for Inline<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Copy + PartialEq, const N: usize> PartialEq<[T]> for Inline<T, N> {
    fn eq(&self, other: &[T]) -> bool {
        **self == *other
    }
}

#[cfg(test)]
mod tests {
    use super::Inline;

    #[test]
    fn values_move_to_the_heap_past_n_and_read_the_same() {
        let mut f: Inline<u32, 2> = Inline::new(0);
        assert!(f.is_empty());
        f.push(1);
        f.push(2);
        assert_eq!(&f[..], [1, 2]);
        f.push(3);
        f.extend_from_slice(&[4, 5]);
        assert_eq!(&f[..], [1, 2, 3, 4, 5]);
        f[0] = 9;
        assert_eq!(f.iter().copied().collect::<Vec<_>>(), [9, 2, 3, 4, 5]);
        f.truncate(3);
        assert_eq!(f.clone().into_iter().collect::<Vec<_>>(), [9, 2, 3]);
        f.clear();
        assert!(f.is_empty());
        f.extend_from_slice(&[7, 8]);
        assert_eq!(&f[..], [7, 8]);
        f.extend_from_slice(&[6]);
        assert_eq!(&f[..], [7, 8, 6]);
        let mut g: Inline<u8, 4> = Inline::new(0);
        g.push(1);
        g.reserve(3);
        g.extend_from_slice(&[2, 3, 4]);
        g.reserve(10);
        g.extend_from_slice(&[5; 10]);
        assert_eq!(g.len(), 14);
        assert_eq!(&g[..5], [1, 2, 3, 4, 5]);
        assert_eq!(format!("{f:?}"), "[7, 8, 6]");
    }
}
