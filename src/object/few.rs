//! [`Few`]: a growable list that keeps a lone element inline.
//!
//! Most objects have one program, one map, one code section, one function per
//! section: a list of one costs no allocation (and nothing to free at close),
//! an empty one neither; from two elements on it is a `Vec`.
//! Must not call: anything outside this file.

use std::fmt;
use std::ops::{Deref, DerefMut};

/// A list of `T` that holds zero or one element without an allocation.
/// Derefs to `[T]`; the elements of one list are contiguous either way.
#[derive(Clone, PartialEq, Eq)]
pub struct Few<T>(Repr<T>);

#[derive(Clone, PartialEq, Eq)]
enum Repr<T> {
    /// No element, or more than one (an empty `Vec` holds no allocation).
    Many(Vec<T>),
    One(T),
}

impl<T> Few<T> {
    /// The empty list.
    pub const fn new() -> Few<T> {
        Few(Repr::Many(Vec::new()))
    }

    /// An empty list with room for `n` elements (an allocation only for two
    /// or more).
    pub fn with_capacity(n: usize) -> Few<T> {
        match n {
            0 | 1 => Few::new(),
            n => Few(Repr::Many(Vec::with_capacity(n))),
        }
    }

    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            Repr::Many(v) => v,
            Repr::One(t) => std::slice::from_ref(t),
        }
    }

    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match &mut self.0 {
            Repr::Many(v) => v,
            Repr::One(t) => std::slice::from_mut(t),
        }
    }

    /// Appends `t`: inline into an empty list, else into a `Vec`.
    pub fn push(&mut self, t: T) {
        if let Repr::Many(v) = &mut self.0 {
            if v.capacity() > 0 {
                v.push(t);
                return;
            }
        }
        self.0 = match std::mem::replace(&mut self.0, Repr::Many(Vec::new())) {
            Repr::One(first) => Repr::Many(vec![first, t]),
            Repr::Many(_) => Repr::One(t),
        };
    }

    /// Keeps the elements for which `keep` is true, in order.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        match &mut self.0 {
            Repr::Many(v) => v.retain(keep),
            Repr::One(t) => {
                let mut keep = keep;
                if !keep(t) {
                    self.0 = Repr::Many(Vec::new());
                }
            }
        }
    }

    /// The list of `f` of each element, in order, or `f`'s first error: a lone
    /// element stays inline, more go to one `Vec` of the exact length.
    pub fn try_map<U, E>(self, mut f: impl FnMut(T) -> Result<U, E>) -> Result<Few<U>, E> {
        Ok(Few(match self.0 {
            Repr::One(t) => Repr::One(f(t)?),
            Repr::Many(v) => {
                let mut out = Vec::with_capacity(v.len());
                for t in v {
                    out.push(f(t)?);
                }
                Repr::Many(out)
            }
        }))
    }

    pub fn into_vec(self) -> Vec<T> {
        match self.0 {
            Repr::Many(v) => v,
            Repr::One(t) => vec![t],
        }
    }
}

impl<T> Default for Few<T> {
    fn default() -> Few<T> {
        Few::new()
    }
}

impl<T> Deref for Few<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> DerefMut for Few<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T> From<Vec<T>> for Few<T> {
    /// A `Vec` of one element gives its element up (and its allocation).
    fn from(mut v: Vec<T>) -> Few<T> {
        if v.len() == 1 {
            if let Some(t) = v.pop() {
                return Few(Repr::One(t));
            }
        }
        Few(Repr::Many(v))
    }
}

impl<T> FromIterator<T> for Few<T> {
    /// Collects without an allocation for zero or one element.
    fn from_iter<I: IntoIterator<Item = T>>(it: I) -> Few<T> {
        let mut it = it.into_iter();
        let Some(first) = it.next() else {
            return Few::new();
        };
        let Some(second) = it.next() else {
            return Few(Repr::One(first));
        };
        let mut v = Vec::with_capacity(it.size_hint().0.saturating_add(2));
        v.push(first);
        v.push(second);
        v.extend(it);
        Few(Repr::Many(v))
    }
}

impl<T> Extend<T> for Few<T> {
    /// Appends every element; more than one go into one `Vec` sized up front.
    fn extend<I: IntoIterator<Item = T>>(&mut self, it: I) {
        let mut it = it.into_iter();
        if self.is_empty() && it.size_hint().1 == Some(1) {
            if let Some(t) = it.next() {
                self.push(t);
            }
        }
        let Some(t) = it.next() else {
            return;
        };
        let v = match std::mem::replace(&mut self.0, Repr::Many(Vec::new())) {
            Repr::Many(v) => v,
            Repr::One(first) => {
                let mut v = Vec::with_capacity(it.size_hint().0.saturating_add(2));
                v.push(first);
                v
            }
        };
        let mut v = v;
        v.reserve(it.size_hint().0.saturating_add(1));
        v.push(t);
        v.extend(it);
        self.0 = Repr::Many(v);
    }
}

impl<'a, T> IntoIterator for &'a Few<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Few<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_mut_slice().iter_mut()
    }
}

impl<T> IntoIterator for Few<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for Few<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_of_zero_one_and_many() {
        let mut f = Few::new();
        assert!(f.is_empty());
        f.push(String::from("a"));
        assert_eq!(f.as_slice(), ["a"]);
        assert!(matches!(f.0, Repr::One(_)), "one element is inline");
        f.push("b".into());
        f.extend(["c".to_string()]);
        assert_eq!(f.as_slice(), ["a", "b", "c"]);
        f[1].push('!');
        f.retain(|s| s != "a");
        assert_eq!(f.clone().into_vec(), ["b!", "c"]);
        let one: Few<u32> = std::iter::once(7).collect();
        assert!(matches!(one.0, Repr::One(7)));
        let one = Few::from(vec![7u32]);
        assert!(matches!(one.0, Repr::One(7)));
        let mut gone = Few::from(vec![1u8]);
        gone.retain(|&x| x != 1);
        assert!(gone.is_empty());
        let mapped: Few<String> = Few::from(vec![7u32])
            .try_map(|x| Ok::<_, ()>(x.to_string()))
            .unwrap();
        assert!(matches!(mapped.0, Repr::One(ref s) if s == "7"));
        let many: Few<u8> = (0..5).collect();
        let doubled = many.clone().try_map(|x| Ok::<_, ()>(2 * x)).unwrap();
        assert_eq!(doubled.as_slice(), [0, 2, 4, 6, 8]);
        assert_eq!(
            many.clone().try_map(|x| if x < 3 { Ok(x) } else { Err(x) }),
            Err(3)
        );
        assert_eq!((&many).into_iter().count(), 5);
        assert_eq!(format!("{many:?}"), "[0, 1, 2, 3, 4]");
        assert!(Few::<u8>::from(Vec::new()).is_empty());
    }
}
