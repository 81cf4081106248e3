//! [`Store`]: the bytes of a [`super::Btf`]'s own type and string sections,
//! kept as the encoded blob (24-byte header, types, strings: what
//! `BPF_BTF_LOAD` takes) for as long as they keep that layout.
//!
//! A BTF read from a canonical blob (and one emptied or rebuilt whole) starts
//! *joined*: the header, the types and the strings in one buffer, so handing
//! the kernel its bytes copies nothing, and a change in place (a DATASEC
//! fix-up, a linkage, a sanitised kind) leaves them encoded. The first change
//! that grows or shrinks a section *splits* the store: types and strings get
//! buffers of their own (the writer appends to both) and the blob is made again
//! when asked for. Which of the two holds is the store's own state: no caller
//! has to say that the encoding went stale.
#![forbid(unsafe_code)]

use super::emit;
use super::BTF_HDR_LEN;
use std::borrow::Cow;

/// The own sections of a BTF; see the module documentation.
#[derive(Clone, Default)]
pub(super) struct Store {
    /// The types at `types`; when joined, the header before them and the
    /// strings after them.
    buf: Vec<u8>,
    /// Split: the strings; joined: empty.
    strs: Vec<u8>,
    /// Where the types are in `buf` (kept for every length change, so that
    /// reading them is one range).
    types: (usize, usize),
    joined: bool,
}

impl Store {
    /// Split sections.
    pub(super) fn split(types: Vec<u8>, strs: Vec<u8>) -> Store {
        Store {
            types: (0, types.len()),
            buf: types,
            strs,
            joined: false,
        }
    }

    /// A canonical native-endian blob (header, types, strings, nothing else)
    /// whose type section is `type_len` bytes, kept as it is.
    pub(super) fn joined(blob: Vec<u8>, type_len: usize) -> Store {
        debug_assert!(blob.len() >= BTF_HDR_LEN + type_len);
        Store {
            buf: blob,
            strs: Vec::new(),
            types: (BTF_HDR_LEN, BTF_HDR_LEN + type_len),
            joined: true,
        }
    }

    #[inline]
    pub(super) fn types(&self) -> &[u8] {
        &self.buf[self.types.0..self.types.1]
    }

    #[inline]
    pub(super) fn strs(&self) -> &[u8] {
        if self.joined {
            &self.buf[self.types.1..]
        } else {
            &self.strs
        }
    }

    /// The types, to change in place (their length stays).
    #[inline]
    pub(super) fn types_mut(&mut self) -> &mut [u8] {
        &mut self.buf[self.types.0..self.types.1]
    }

    /// The strings, to change in place (their length stays).
    #[inline]
    pub(super) fn strs_mut(&mut self) -> &mut [u8] {
        if self.joined {
            &mut self.buf[self.types.1..]
        } else {
            &mut self.strs
        }
    }

    /// The types to change in place, with the strings to read.
    #[inline]
    pub(super) fn parts_mut(&mut self) -> (&mut [u8], &[u8]) {
        let (t0, t1) = self.types;
        if self.joined {
            let (types, strs) = self.buf[t0..].split_at_mut(t1 - t0);
            (types, strs)
        } else {
            (&mut self.buf[t0..t1], &self.strs)
        }
    }

    /// Appends to the type section: splits the store.
    pub(super) fn extend_types(&mut self, bytes: &[u8]) {
        self.unjoin();
        self.buf.extend_from_slice(bytes);
        self.types.1 = self.buf.len();
    }

    /// Cuts the type section to `len` bytes: splits the store.
    pub(super) fn truncate_types(&mut self, len: usize) {
        self.unjoin();
        self.buf.truncate(len);
        self.types.1 = self.buf.len();
    }

    /// The string section as a growable buffer: splits the store.
    pub(super) fn strs_vec(&mut self) -> &mut Vec<u8> {
        self.unjoin();
        &mut self.strs
    }

    /// Replaces the type section.
    pub(super) fn set_types(&mut self, types: Vec<u8>) {
        self.unjoin();
        self.types = (0, types.len());
        self.buf = types;
    }

    /// Takes the type section out (leaving it empty).
    pub(super) fn take_types(&mut self) -> Vec<u8> {
        self.unjoin();
        self.types = (0, 0);
        std::mem::take(&mut self.buf)
    }

    /// Replaces the string section.
    pub(super) fn set_strs(&mut self, strs: Vec<u8>) {
        self.unjoin();
        self.strs = strs;
    }

    /// Gives types and strings buffers of their own.
    fn unjoin(&mut self) {
        if self.joined {
            let (t0, t1) = self.types;
            self.strs = self.buf[t1..].to_vec();
            self.buf.truncate(t1);
            self.buf.drain(..t0);
            self.types = (0, self.buf.len());
            self.joined = false;
        }
    }

    /// The native-endian blob: the joined buffer as it is, else encoded now.
    pub(super) fn encoded(&self) -> Cow<'_, [u8]> {
        if self.joined {
            Cow::Borrowed(&self.buf)
        } else {
            Cow::Owned(emit::encode(self.types(), &self.strs))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joined_store_reads_like_a_split_one_and_splits_on_growth() {
        let types = vec![1u8, 0, 0, 0, 2, 0, 0, 0];
        let strs = b"\0ab\0".to_vec();
        let blob = emit::encode(&types, &strs);
        let mut j = Store::joined(blob.clone(), types.len());
        let s = Store::split(types.clone(), strs.clone());
        assert_eq!((j.types(), j.strs()), (s.types(), s.strs()));
        assert_eq!(j.encoded(), s.encoded());
        assert!(matches!(j.encoded(), Cow::Borrowed(_)));
        // In place: still the one buffer, still the blob.
        j.types_mut()[0] = 9;
        assert!(matches!(j.encoded(), Cow::Borrowed(b) if b[BTF_HDR_LEN] == 9));
        // Growth splits; the bytes stay what they were.
        j.strs_vec().extend_from_slice(b"c\0");
        assert_eq!(j.types()[0], 9);
        j.extend_types(&[3, 0, 0, 0]);
        assert_eq!(j.types(), [9, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
        j.truncate_types(8);
        assert!(matches!(j.encoded(), Cow::Owned(_)));
        assert_eq!(j.types()[0], 9);
        assert_eq!(j.strs(), b"\0ab\0c\0");
        assert_eq!(&j.encoded()[BTF_HDR_LEN + 8..], b"\0ab\0c\0");
    }
}
