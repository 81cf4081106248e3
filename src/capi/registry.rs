//! The one registry of C handles (style §2.4): every owning `struct X *` that
//! libbpfrs hands to C (`bpf_object`, `bpf_link`, `btf`, `btf_ext`,
//! `ring_buffer`, `perf_buffer`, `user_ring_buffer`, `bpf_prog_linfo`, …) is a
//! leaked `Box<Slot<T, F>>` whose address is listed in the [`Registry<T>`] of its
//! kind until the matching `__free`/`__close`/`__destroy`.
//!
//! One locking rule: a registry's mutex is held only to check or change
//! membership (and while [`Registry::cloned`]
//! clones); it is never held while a handle's value is in use, so callbacks
//! may re-enter the library freely.
//!
//! One stale-pointer answer: NULL, garbage, freed and ERR_PTR pointers are not
//! members, so every lookup gives `EINVAL` ("not a live <kind>") before any
//! dereference, and `free` ignores them (as libbpf's destructors ignore NULL and
//! ERR_PTR).
//!
//! Three ways in:
//! - [`Registry::get`]/[`Registry::get_mut`]: plain access, under libbpf's own
//!   contract that a handle is not freed while another call on it runs (objects,
//!   links, BTF).
//! - [`Registry::with`]: exclusive access guarded by a busy flag, for handles
//!   whose calls run C callbacks (ring and perf buffers): a callback that
//!   re-enters the same handle gets `EBUSY` instead of an aliased `&mut`, and
//!   a callback that frees it defers the free to the end of the running call.
//! - [`Registry::cloned`]: a clone of a shared (`Arc`) value taken under the
//!   lock, for handles that several threads use at once by design (user ring
//!   buffers): a free from another thread only drops the registry's reference.
//!
//! Child handles: a handle may own further addresses that C holds and passes
//! back (a `bpf_object`'s `struct bpf_map *` and `struct bpf_program *`, which
//! point into its value). [`Registry::register_parent`] lists them as a few
//! [`Children`] ranges (the elements of one boxed slice each, with a tag saying
//! what they are), and [`Registry::child`] maps such an address back to its
//! parent's value and the element's index by a binary search over the ranges,
//! without dereferencing it; a parent's ranges are unlisted with it. Listing an
//! object costs the same for 1 program as for 1,000.
//!
//! Must not: hold logic of any handle type; it only knows addresses.

use crate::error::Error;
use once_cell::sync::Lazy;
use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard};

const IDLE: u8 = 0;
const BUSY: u8 = 1;
const DOOMED: u8 = 2;

/// What a handle address points to: facts fixed at creation (readable at any
/// time, even while a call holds the value), and the value.
struct Slot<T, F> {
    state: AtomicU8,
    fixed: F,
    value: UnsafeCell<T>,
}

/// The live handles of one C type, and their child handles (tagged `K`).
pub(crate) struct Registry<T, F = (), K = ()> {
    kind: &'static str,
    live: Lazy<Mutex<Members<K>>>,
    _t: PhantomData<fn() -> (T, F)>,
}

/// Child handles as their parent lists them: the elements of one slice of its
/// value, each element's address a handle C holds, all of kind `tag`; the
/// element's position is its index.
#[derive(Clone, Copy)]
pub(crate) struct Children<K> {
    base: usize,
    len: usize,
    stride: usize,
    tag: K,
}

impl<K> Children<K> {
    /// Every element of `s` (none for an empty slice), tagged `tag`.
    pub(crate) fn of<T>(s: &[T], tag: K) -> Children<K> {
        Children {
            base: s.as_ptr() as usize,
            len: s.len(),
            // A zero-sized element has no address of its own: list none.
            stride: std::mem::size_of::<T>(),
            tag,
        }
    }

    fn end(&self) -> usize {
        self.base + self.len * self.stride
    }
}

/// A listed range of child addresses and the parent it belongs to.
struct Listed<K> {
    children: Children<K>,
    parent: usize,
}

/// Membership: handle address → registration sequence number (creation order,
/// for iteration such as `bpf_object__next`); child ranges, sorted by address
/// and never overlapping (they lie in distinct live allocations).
struct Members<K> {
    seq: u64,
    by_addr: HashMap<usize, u64, AddrHash>,
    children: Vec<Listed<K>>,
}

impl<K> Members<K> {
    fn new() -> Self {
        Members {
            seq: 0,
            by_addr: HashMap::default(),
            children: Vec::new(),
        }
    }

    /// True when `p` is a listed handle (never NULL).
    fn has<C>(&self, p: *const C) -> bool {
        !p.is_null() && self.by_addr.contains_key(&(p as usize))
    }

    /// Unlists `addr` and its children; false when it was not listed.
    fn remove(&mut self, addr: usize) -> bool {
        if self.by_addr.remove(&addr).is_none() {
            return false;
        }
        self.children.retain(|l| l.parent != addr);
        true
    }

    /// Lists a range of children of `parent` (empty ones are not listed).
    fn add_children(&mut self, children: Children<K>, parent: usize) {
        if children.len == 0 || children.stride == 0 {
            return;
        }
        let at = self
            .children
            .partition_point(|l| l.children.base < children.base);
        debug_assert!(
            at == 0 || self.children[at - 1].children.end() <= children.base,
            "child ranges overlap"
        );
        self.children.insert(at, Listed { children, parent });
    }

    /// The parent, tag and index of child address `addr`: the element of a
    /// listed range that starts exactly there.
    fn child(&self, addr: usize) -> Option<(usize, K, usize)>
    where
        K: Copy,
    {
        let at = self.children.partition_point(|l| l.children.base <= addr);
        let l = self.children.get(at.checked_sub(1)?)?;
        let c = &l.children;
        let off = addr - c.base;
        (addr < c.end() && off % c.stride == 0).then_some((l.parent, c.tag, off / c.stride))
    }
}

impl<T, F, K: Copy> Registry<T, F, K> {
    /// An empty registry; `kind` is the C type name used in error messages.
    pub(crate) const fn new(kind: &'static str) -> Self {
        Registry {
            kind,
            live: Lazy::new(|| Mutex::new(Members::new())),
            _t: PhantomData,
        }
    }

    fn members(&self) -> MutexGuard<'_, Members<K>> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stale(&self) -> Error {
        Error::Stale(self.kind)
    }

    /// Leaks `value` as a new handle and lists it.
    pub(crate) fn register<C>(&self, value: T) -> *mut C
    where
        F: Default,
    {
        self.register_with(value, F::default())
    }

    /// Leaks `value`, with facts `fixed` readable through [`Registry::fixed`]
    /// even while a call holds the value, as a new handle and lists it.
    pub(crate) fn register_with<C>(&self, value: T, fixed: F) -> *mut C {
        self.register_parent(value, fixed, |_| [])
    }

    /// As [`Registry::register_with`], and lists the child handles that
    /// `children` names in the value (slices whose element addresses stay
    /// valid while the value lives in its slot: its boxed slices).
    pub(crate) fn register_parent<C, const N: usize>(
        &self,
        value: T,
        fixed: F,
        children: impl FnOnce(&T) -> [Children<K>; N],
    ) -> *mut C {
        let p = Box::into_raw(Box::new(Slot {
            state: AtomicU8::new(IDLE),
            fixed,
            value: UnsafeCell::new(value),
        }));
        // SAFETY: `p` was just leaked and is not listed yet: nobody else can reach it.
        let kids = children(unsafe { &*(*p).value.get() });
        let mut m = self.members();
        for c in kids {
            m.add_children(c, p as usize);
        }
        m.seq += 1;
        let seq = m.seq;
        m.by_addr.insert(p as usize, seq);
        p.cast()
    }

    /// True when `p` is a live handle of this registry.
    pub(crate) fn contains<C>(&self, p: *const C) -> bool {
        self.members().has(p)
    }

    /// The slot behind a live handle, or EINVAL.
    fn slot<C>(&self, p: *const C) -> Result<*const Slot<T, F>, Error> {
        if !self.contains(p) {
            return Err(self.stale());
        }
        Ok(p as *const Slot<T, F>)
    }

    /// The fixed facts of a live handle (EINVAL otherwise); safe while a call
    /// holds its value.
    pub(crate) fn fixed<'a, C>(&self, p: *const C) -> Result<&'a F, Error> {
        let s = self.slot(p)?;
        // SAFETY: member addresses are `Box<Slot<T, F>>`s leaked by `register_with` of this registry and not yet released by `free`/`take`, which unlist them first; `fixed` is never mutated.
        Ok(unsafe { &(*s).fixed })
    }

    /// Shared access to a live handle's value (EINVAL otherwise).
    ///
    /// Valid under libbpf's contract: a handle is not freed while another call
    /// on it runs.
    pub(crate) fn get<'a, C>(&self, p: *const C) -> Result<&'a T, Error> {
        let s = self.slot(p)?;
        // SAFETY: a live leaked slot (see `fixed`); mutable access only happens through `get_mut`/`with`, which libbpf's threading contract (one call per handle at a time) keeps from overlapping this one.
        Ok(unsafe { &*(*s).value.get() })
    }

    /// Mutable access to a live handle's value (EINVAL otherwise), under the
    /// same contract as [`Registry::get`].
    #[allow(clippy::mut_from_ref)] // the registry hands out the C caller's handle, not its own state
    pub(crate) fn get_mut<'a, C>(&self, p: *const C) -> Result<&'a mut T, Error> {
        let s = self.slot(p)?;
        // SAFETY: as in `get`: the slot is live, and libbpf callers do not run two calls on one handle at once.
        Ok(unsafe { &mut *(*s).value.get() })
    }

    /// Runs `f` with exclusive access to a live, idle handle. EINVAL for a
    /// stale pointer, EBUSY when a call on the handle is already running (a
    /// callback re-entering it). A `free` during `f` takes effect when `f`
    /// returns.
    pub(crate) fn with<C, R>(&self, p: *const C, f: impl FnOnce(&mut T) -> R) -> Result<R, Error> {
        let s = {
            let m = self.members();
            if !m.has(p) {
                return Err(self.stale());
            }
            // SAFETY: listed, so a live leaked slot; it stays allocated while BUSY (see `free`), a state only this call leaves.
            let s = unsafe { &*(p as *const Slot<T, F>) };
            if s.state
                .compare_exchange(IDLE, BUSY, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                return Err(Error::Busy(self.kind));
            }
            s
        };
        struct Exit<T, F>(*mut Slot<T, F>);
        impl<T, F> Drop for Exit<T, F> {
            fn drop(&mut self) {
                // SAFETY: the slot is alive while BUSY or DOOMED; only this guard leaves those states.
                let s = unsafe { &*self.0 };
                if s.state
                    .compare_exchange(BUSY, IDLE, Ordering::Release, Ordering::Acquire)
                    .is_err()
                {
                    // DOOMED: freed during the call; this guard is the last user.
                    // SAFETY: the address came from `Box::into_raw` in `register` and was unlisted by `free`, which saw BUSY and left the release to us.
                    drop(unsafe { Box::from_raw(self.0) });
                }
            }
        }
        let exit = Exit(s as *const Slot<T, F> as *mut Slot<T, F>);
        // SAFETY: the BUSY state set above gives this call exclusive access to the value until `exit` drops.
        let r = f(unsafe { &mut *s.value.get() });
        drop(exit);
        Ok(r)
    }

    /// Unlists and drops a handle. NULL, stale and ERR_PTR pointers are
    /// ignored (false). A handle in use by [`Registry::with`] is dropped when
    /// that call ends.
    pub(crate) fn free<C>(&self, p: *const C) -> bool {
        let s = {
            if p.is_null() || !self.members().remove(p as usize) {
                return false;
            }
            p as *mut Slot<T, F>
        };
        // SAFETY: it was listed, so a live leaked slot; nobody else can free it now that it is unlisted.
        let state = unsafe { &(*s).state };
        if state
            .compare_exchange(BUSY, DOOMED, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            // SAFETY: IDLE and unlisted: no call holds it and none can start.
            drop(unsafe { Box::from_raw(s) });
        }
        true
    }

    /// Unlists a handle and gives its value back to the caller (NULL and stale
    /// pointers: `None`). For destructors that must run code around the drop.
    /// Refuses (EBUSY) a handle in use by [`Registry::with`].
    pub(crate) fn take<C>(&self, p: *const C) -> Result<Option<T>, Error> {
        Ok(self.take_in_place(p)?.map(Taken::into_inner))
    }

    /// [`Registry::take`] without moving the value out of its slot (no copy of
    /// a large value; C's child addresses into it stay valid meanwhile): the
    /// returned owner frees the slot when dropped.
    pub(crate) fn take_in_place<C>(&self, p: *const C) -> Result<Option<Taken<T, F>>, Error> {
        let mut m = self.members();
        if !m.has(p) {
            return Ok(None);
        }
        let s = p as *mut Slot<T, F>;
        // SAFETY: listed, so a live leaked slot; the members lock keeps `free`/`take` out meanwhile.
        if unsafe { &(*s).state }.load(Ordering::Acquire) != IDLE {
            return Err(Error::Busy(self.kind));
        }
        m.remove(p as usize);
        drop(m);
        // SAFETY: IDLE and now unlisted: the only owner of the leaked box from `register`.
        Ok(Some(Taken(unsafe { Box::from_raw(s) })))
    }

    /// The live handle registered right after `prev` (NULL: the first), in
    /// creation order; NULL at the end or when `prev` is stale.
    pub(crate) fn next<C>(&self, prev: *const C) -> *mut C {
        let m = self.members();
        let after = if prev.is_null() {
            0
        } else {
            match m.by_addr.get(&(prev as usize)) {
                Some(&seq) => seq,
                None => return std::ptr::null_mut(),
            }
        };
        m.by_addr
            .iter()
            .filter(|(_, &seq)| seq > after)
            .min_by_key(|(_, &seq)| seq)
            .map_or(std::ptr::null_mut(), |(&a, _)| a as *mut C)
    }

    /// The parent slot, tag and index of a listed child address.
    fn parent_of<C>(&self, p: *const C) -> Option<(*mut Slot<T, F>, K, usize)> {
        if p.is_null() {
            return None;
        }
        let (parent, tag, index) = self.members().child(p as usize)?;
        Some((parent as *mut Slot<T, F>, tag, index))
    }

    /// The parent value, tag and index of a live child handle; `None` for
    /// NULL, garbage, foreign pointers and children of freed handles. `p` is
    /// only looked up, never dereferenced. Same contract as [`Registry::get`].
    pub(crate) fn child<'a, C>(&self, p: *const C) -> Option<(&'a T, K, usize)> {
        let (s, tag, index) = self.parent_of(p)?;
        // SAFETY: children are unlisted together with their parent, so `s` is a listed (live) slot leaked by `register_parent`; readers only, as in `get`.
        Some((unsafe { &*(*s).value.get() }, tag, index))
    }

    /// [`Registry::child`] with mutable access to the parent's value, under
    /// the contract of [`Registry::get_mut`].
    #[allow(clippy::mut_from_ref)] // the registry hands out the C caller's handle, not its own state
    pub(crate) fn child_mut<'a, C>(&self, p: *const C) -> Option<(&'a mut T, K, usize)> {
        let (s, tag, index) = self.parent_of(p)?;
        // SAFETY: a live slot, as in `child`; as in `get_mut`, libbpf callers do not run two calls on one handle at once.
        Some((unsafe { &mut *(*s).value.get() }, tag, index))
    }
}

impl<T: Clone, F, K: Copy> Registry<T, F, K> {
    /// A clone of a live handle's value, taken under the members lock (EINVAL
    /// for a stale pointer). For shared values (`Arc`) that a call keeps using
    /// while another thread may free the handle: the free then only drops the
    /// registry's reference. Such values must not be changed through
    /// [`Registry::get_mut`] or [`Registry::with`].
    pub(crate) fn cloned<C>(&self, p: *const C) -> Result<T, Error> {
        let m = self.members();
        if !m.has(p) {
            return Err(self.stale());
        }
        // SAFETY: listed under the held lock, so a live slot that `free`/`take` cannot release meanwhile; the value is only read (see above).
        Ok(unsafe { (*(*(p as *const Slot<T, F>)).value.get()).clone() })
    }
}

/// A handle taken out of its registry ([`Registry::take_in_place`]): owns the
/// slot, gives access to the value in place, frees both when dropped.
pub(crate) struct Taken<T, F>(Box<Slot<T, F>>);

impl<T, F> Taken<T, F> {
    /// The value, where it lies.
    pub(crate) fn value(&mut self) -> &mut T {
        self.0.value.get_mut()
    }

    /// The value, moved out of the slot.
    pub(crate) fn into_inner(self) -> T {
        self.0.value.into_inner()
    }
}

/// Hashes handle addresses: keys are our own heap addresses (never chosen by
/// the caller), so a multiplicative hash is enough and keeps registering an
/// object's programs and maps cheap (SipHash cost more than the rest of the
/// registry work).
#[derive(Clone, Copy, Default)]
struct AddrHash;

impl std::hash::BuildHasher for AddrHash {
    type Hasher = AddrHasher;
    fn build_hasher(&self) -> AddrHasher {
        AddrHasher(0)
    }
}

struct AddrHasher(u64);

impl std::hash::Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        // Fibonacci hashing; the high bits (which hashbrown uses) mix all input bits.
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    struct Counted<'a>(u32, &'a AtomicUsize);
    impl Drop for Counted<'_> {
        fn drop(&mut self) {
            self.1.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn register_get_free() {
        static R: Registry<u32> = Registry::new("thing");
        let p: *mut u8 = R.register(7);
        assert_eq!(*R.get(p).unwrap(), 7);
        *R.get_mut(p).unwrap() = 8;
        assert_eq!(*R.get(p).unwrap(), 8);
        assert!(R.free(p));
        let e = R.get(p).unwrap_err();
        assert_eq!(e.errno(), libc::EINVAL);
        assert!(e.to_string().contains("thing"));
        assert!(!R.free(p), "double free is ignored");
        assert!(!R.free(std::ptr::null::<u8>()));
        assert!(!R.free(-22isize as *const u8), "ERR_PTR is ignored");
        assert!(R.get(0x1000 as *const u8).is_err(), "garbage is refused");
    }

    #[test]
    fn with_is_exclusive_and_defers_free() {
        let drops = AtomicUsize::new(0);
        let r: Registry<Counted<'_>> = Registry::new("buf");
        let p: *mut u8 = r.register(Counted(1, &drops));
        let inner = r.with(p, |v| {
            v.0 += 1;
            // A callback re-entering the same handle.
            let again = r.with(p, |_| ()).unwrap_err();
            assert_eq!(again.errno(), libc::EBUSY);
            assert!(matches!(r.take(p), Err(Error::Busy(_))));
            // A callback freeing it: deferred to the end of this call.
            assert!(r.free(p));
            assert_eq!(drops.load(Ordering::SeqCst), 0);
            v.0
        });
        assert_eq!(inner.unwrap(), 2);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert!(r.with(p, |_| ()).is_err());
    }

    #[test]
    fn order_next_take() {
        let r: Registry<u32> = Registry::new("obj");
        let a: *mut u8 = r.register(1);
        let b: *mut u8 = r.register(2);
        let c: *mut u8 = r.register(3);
        assert_eq!(r.next(std::ptr::null::<u8>()), a);
        assert_eq!(r.next(a), b);
        assert_eq!(r.take(b).unwrap(), Some(2));
        assert_eq!(r.next(a), c);
        assert_eq!(r.next(c), std::ptr::null_mut());
        assert_eq!(r.next(b), std::ptr::null_mut(), "stale prev");
        assert!(r.free(a) && r.free(c));
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Part {
        A,
        B,
    }

    /// A parent whose boxed slices are its children.
    struct Family {
        a: Box<[u64]>,
        b: Box<[u64]>,
    }

    fn kids(f: &Family) -> [Children<Part>; 2] {
        [Children::of(&f.a, Part::A), Children::of(&f.b, Part::B)]
    }

    #[test]
    fn children_resolve_to_parent_and_die_with_it() {
        let r: Registry<Family, (), Part> = Registry::new("family");
        let fam = |n| Family {
            a: vec![n; 3].into(),
            b: vec![n + 1; 2].into(),
        };
        let p: *mut u8 = r.register_parent(fam(10), (), kids);
        let q: *mut u8 = r.register_parent(fam(20), (), kids);
        let (pa1, pb0, qa2) = {
            let (f, g) = (r.get(p).unwrap(), r.get(q).unwrap());
            (
                &f.a[1] as *const u64,
                &f.b[0] as *const u64,
                &g.a[2] as *const u64,
            )
        };
        let (f, tag, i) = r.child(pa1).unwrap();
        assert_eq!((f.a[0], tag, i), (10, Part::A, 1));
        let (f, tag, i) = r.child_mut(pb0).unwrap();
        f.b[i] = 99;
        assert_eq!(tag, Part::B);
        assert_eq!(r.get(p).unwrap().b[0], 99);
        let (g, tag, i) = r.child(qa2).unwrap();
        assert!(std::ptr::eq(g, r.get(q).unwrap()));
        assert_eq!((tag, i), (Part::A, 2));
        // Not children: NULL, garbage, a misaligned interior pointer, a parent,
        // one past the end of a slice.
        assert!(r.child(std::ptr::null::<u64>()).is_none());
        assert!(r.child((pa1 as usize + 16) as *const u64).is_none());
        assert!(r.child((pb0 as usize + 16) as *const u64).is_none());
        assert!(r.child(0x1000 as *const u64).is_none());
        assert!(r.child((pa1 as usize + 1) as *const u8).is_none());
        assert!(r.child(p).is_none());
        assert!(r.get(pa1).is_err(), "a child is not a handle");
        // Freed (or taken) parents take their children with them.
        assert!(r.free(p));
        assert!(r.child(pa1).is_none() && r.child(pb0).is_none());
        assert!(r.child(qa2).is_some());
        assert!(r.take(q).unwrap().is_some());
        assert!(r.child(qa2).is_none());
        assert!(r.members().children.is_empty());
    }

    #[test]
    fn cloned_outlives_free() {
        let r: Registry<std::sync::Arc<u32>> = Registry::new("shared");
        let p: *mut u8 = r.register(std::sync::Arc::new(5));
        let mine = r.cloned(p).unwrap();
        assert!(r.free(p));
        assert_eq!(*mine, 5, "the clone keeps the value alive");
        assert_eq!(std::sync::Arc::strong_count(&mine), 1);
        assert_eq!(r.cloned(p).unwrap_err().errno(), libc::EINVAL);
        assert!(r.cloned(std::ptr::null::<u8>()).is_err());
    }
}
