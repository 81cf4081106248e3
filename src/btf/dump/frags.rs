//! The text of one dumper call, cut where libbpf 1.1.2 makes one call of the
//! user's printf callback: a declaration of `int *p` is the fragments `int`,
//! ` *` and `p`, as libbpf prints it in three calls.
//!
//! All fragments live in one buffer, each followed by a NUL byte, so that a C
//! caller passes each as a C string without copying it; the buffer is reused
//! from call to call.

use std::fmt;

/// Fragments of text, in order; a fragment may be empty (libbpf calls the
/// callback with an empty `%s`, e.g. a top-level indentation).
#[derive(Default)]
pub struct Fragments {
    /// The fragments, each followed by NUL.
    buf: String,
    /// Where each fragment's NUL is.
    ends: Vec<usize>,
}

impl Fragments {
    /// Appends to the fragment under way.
    pub(super) fn push_str(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    /// Appends `v` in decimal (as `%u`/`%llu`), without the formatting
    /// machinery: declarations print many small numbers.
    pub(super) fn push_u64(&mut self, mut v: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        // ASCII digits only.
        self.buf
            .push_str(std::str::from_utf8(&digits[i..]).unwrap_or_default());
    }

    /// Appends `v` in decimal (as `%d`/`%lld`).
    pub(super) fn push_i64(&mut self, v: i64) {
        if v < 0 {
            self.buf.push('-');
        }
        self.push_u64(v.unsigned_abs());
    }

    /// Ends the fragment under way (one callback call).
    pub(super) fn end(&mut self) {
        self.ends.push(self.buf.len());
        self.buf.push('\0');
    }

    /// Forgets all fragments, keeping the memory.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
    }

    /// How many callback calls the fragments make.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// No fragment, not even an empty one.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Each fragment with its terminating NUL.
    pub fn iter_with_nul(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let f = &self.buf.as_bytes()[start..=end];
            start = end + 1;
            f
        })
    }

    /// Each fragment.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let f = &self.buf[start..end];
            start = end + 1;
            f
        })
    }

    /// The whole text.
    pub fn text(&self) -> String {
        let mut s = String::with_capacity(self.buf.len() - self.ends.len());
        self.iter().for_each(|f| s.push_str(f));
        s
    }
}

impl fmt::Write for Fragments {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}
