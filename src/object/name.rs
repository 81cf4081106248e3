//! [`Name`]: a name of the object (program, function, section, map, symbol),
//! stored once and shared.
//!
//! One name is read by many: a function's name is its program's name, the
//! program state's after open and the `bpf_program__name` the C API hands out; a
//! section's name is the section name of each of its programs; a map symbol's name
//! is that of every relocation against it. Cloning a [`Name`] shares the text
//! (a reference count) instead of copying it, and the text carries its NUL, so
//! the C API hands out a pointer to it without a copy of its own.
//! Must not call: `crate::sys`.

use std::ffi::{c_char, CStr};
use std::fmt;
use std::sync::Arc;

/// An immutable, shared, NUL-terminated name. Derefs to the text without the NUL.
///
/// The text is `len` bytes at `off` in a shared buffer followed by a NUL: a
/// buffer of its own ([`Name::new`]) or one that many names of an object share
/// ([`NameTable`]), so an object's names cost one allocation in all.
#[derive(Clone)]
pub struct Name {
    text: Arc<str>,
    off: u32,
    len: u32,
}

impl Name {
    /// A name with the text `s` (one allocation). A NUL inside `s` ends the C view
    /// ([`Name::as_c_str`]) there; names read from an ELF string table never
    /// have one.
    pub fn new(s: &str) -> Name {
        const STACK: usize = 64;
        let text: Arc<str> = if s.len() < STACK {
            let mut buf = [0u8; STACK];
            buf[..s.len()].copy_from_slice(s.as_bytes());
            // `s` plus a NUL byte is UTF-8 and ends on a character boundary.
            Arc::from(std::str::from_utf8(&buf[..=s.len()]).unwrap_or("\0"))
        } else {
            let mut text = String::with_capacity(s.len() + 1);
            text.push_str(s);
            text.push('\0');
            Arc::from(text)
        };
        Name {
            len: (text.len() - 1) as u32,
            text,
            off: 0,
        }
    }

    /// The text, without the NUL.
    pub fn as_str(&self) -> &str {
        let (off, len) = (self.off as usize, self.len as usize);
        self.text.get(off..off + len).unwrap_or("")
    }

    /// The text as a C string (up to its first NUL).
    pub fn as_c_str(&self) -> &CStr {
        let b = self
            .text
            .as_bytes()
            .get(self.off as usize..)
            .unwrap_or(b"\0");
        CStr::from_bytes_until_nul(b).unwrap_or_default()
    }

    /// The text as a C string pointer, valid while this name (or a clone) lives.
    pub fn as_ptr(&self) -> *const c_char {
        self.as_c_str().as_ptr()
    }
}

/// One buffer for the names of one object: copies of its string tables
/// (each NUL-terminated name in them becomes a [`Name`] into the copy without
/// an allocation of its own) and a few extra strings.
pub struct NameTable {
    text: Arc<str>,
    /// Each copied table: its address and length where it was read, and where
    /// its copy starts in `text`.
    tables: Vec<(usize, usize, usize)>,
    /// Where each extra string starts in `text`, and its length.
    extras: Vec<(usize, usize)>,
}

impl NameTable {
    /// Copies `tables` (string tables: NUL-terminated strings; one that is not
    /// UTF-8, or is listed twice, is left out) and `extras` into one buffer.
    pub fn new(tables: &[&[u8]], extras: &[&str]) -> NameTable {
        let text: Vec<&str> = tables
            .iter()
            .filter_map(|t| std::str::from_utf8(t).ok())
            .collect();
        NameTable::of_text(&text, extras)
    }

    /// [`NameTable::new`] of tables already known to be text.
    pub fn of_text(tables: &[&str], extras: &[&str]) -> NameTable {
        let size = tables.iter().map(|t| t.len() + 1).sum::<usize>()
            + extras.iter().map(|e| e.len() + 1).sum::<usize>();
        let mut text = String::with_capacity(size);
        let mut listed = Vec::with_capacity(tables.len());
        for t in tables {
            let addr = t.as_ptr() as usize;
            if listed.iter().any(|&(a, _, _)| a == addr) {
                continue;
            }
            listed.push((addr, t.len(), text.len()));
            text.push_str(t);
            text.push('\0');
        }
        let mut at = Vec::with_capacity(extras.len());
        for e in extras {
            at.push((text.len(), e.len()));
            text.push_str(e);
            text.push('\0');
        }
        NameTable {
            text: Arc::from(text),
            tables: listed,
            extras: at,
        }
    }

    /// `s` as a name: shared when it is a string of one of the tables (read in
    /// place from it, up to its NUL), else a name of its own.
    pub fn name(&self, s: &str) -> Name {
        let addr = s.as_ptr() as usize;
        let found = self.tables.iter().find_map(|&(base, len, start)| {
            let off = addr.checked_sub(base).filter(|&o| o + s.len() < len)?;
            let at = start + off;
            let nul = *self.text.as_bytes().get(at + s.len())? == 0;
            (nul && self.text.is_char_boundary(at)).then_some(at)
        });
        match found {
            Some(at) => self.at(at, s.len()).unwrap_or_else(|| Name::new(s)),
            None => Name::new(s),
        }
    }

    /// Extra string `i` of [`NameTable::new`] as a name.
    pub fn extra(&self, i: usize) -> Name {
        let (at, len) = self.extras[i];
        self.at(at, len).unwrap_or_default()
    }

    fn at(&self, at: usize, len: usize) -> Option<Name> {
        Some(Name {
            text: Arc::clone(&self.text),
            off: u32::try_from(at).ok()?,
            len: u32::try_from(len).ok()?,
        })
    }
}

impl PartialEq for Name {
    fn eq(&self, o: &Name) -> bool {
        self.as_str() == o.as_str()
    }
}

impl Eq for Name {}

impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, o: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Name {
    fn cmp(&self, o: &Name) -> std::cmp::Ordering {
        self.as_str().cmp(o.as_str())
    }
}

impl Default for Name {
    /// The empty name (one buffer for the whole process: a constant).
    fn default() -> Name {
        static EMPTY: std::sync::OnceLock<Name> = std::sync::OnceLock::new();
        EMPTY.get_or_init(|| Name::new("")).clone()
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(s)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::new(&s)
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Name {
        Name::new(s)
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.as_str().to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, o: &str) -> bool {
        self.as_str() == o
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, o: &&str) -> bool {
        self.as_str() == *o
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, o: &String) -> bool {
        self.as_str() == o.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, o: &Name) -> bool {
        self == o.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, o: &Name) -> bool {
        *self == o.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, o: &Name) -> bool {
        self.as_str() == o.as_str()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_shares_one_buffer() {
        let strtab = b"\0prog\0.maps\0xdp/one\0";
        let other = b"\0counts\0";
        let bad = b"\0\xff\0";
        let t = NameTable::new(&[strtab, other, strtab, bad], &["obj", "/x/obj.o"]);
        let s = |b: &'static [u8], r: std::ops::Range<usize>| std::str::from_utf8(&b[r]).unwrap();
        let prog = t.name(s(strtab, 1..5));
        let tail = t.name(s(strtab, 2..5)); // a suffix is a string too
        let maps = t.name(s(strtab, 6..11));
        let counts = t.name(s(other, 1..7));
        let (obj, path) = (t.extra(0), t.extra(1));
        for (n, want) in [
            (&prog, "prog"),
            (&tail, "rog"),
            (&maps, ".maps"),
            (&counts, "counts"),
            (&obj, "obj"),
            (&path, "/x/obj.o"),
        ] {
            assert_eq!(n.as_str(), want);
            assert_eq!(n.as_c_str().to_bytes(), want.as_bytes());
            assert!(
                Arc::ptr_eq(&n.text, &t.text),
                "{want} is in the shared buffer"
            );
        }
        assert_eq!(prog, Name::new("prog"));
        // Not NUL-terminated in its table, or from elsewhere: a buffer of its own.
        for n in [t.name(s(strtab, 1..3)), t.name("prog")] {
            assert!(!Arc::ptr_eq(&n.text, &t.text));
        }
        assert_eq!(t.name(s(strtab, 1..3)), "pr");
        let h = |n: &Name| {
            use std::hash::{BuildHasher, RandomState};
            let r = RandomState::new();
            (r.hash_one(n), r.hash_one(n.as_str()))
        };
        let (a, b) = h(&maps);
        assert_eq!(a, b, "hashes as its text (Borrow<str>)");
    }

    #[test]
    fn text_c_view_and_sharing() {
        for s in ["", "xdp_prog", &"m".repeat(63), &"long".repeat(40)] {
            let n = Name::new(s);
            assert_eq!(n.as_str(), s);
            assert_eq!(n.as_c_str().to_bytes(), s.as_bytes());
            assert_eq!(n.as_ptr(), n.as_c_str().as_ptr());
            let c = n.clone();
            assert_eq!(c.as_ptr(), n.as_ptr(), "a clone shares the text");
            let owned = String::from(s);
            assert_eq!(n, s);
            assert_eq!(n, owned);
            assert_eq!(*s, n);
        }
        assert_eq!(Name::new("a\0b").as_c_str().to_bytes(), b"a");
        assert_eq!(Name::default().as_ptr(), Name::default().as_ptr());
        assert_eq!(Name::default().as_str(), "");
        assert_eq!(
            format!("{} {:?}", Name::new("m"), Name::new("m")),
            "m \"m\""
        );
    }
}
