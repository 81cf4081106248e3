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
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Arc<str>);

impl Name {
    /// A name with the text `s` (one allocation). A NUL inside `s` ends the C view
    /// ([`Name::as_c_str`]) there; names read from an ELF string table never
    /// have one.
    pub fn new(s: &str) -> Name {
        const STACK: usize = 64;
        if s.len() < STACK {
            let mut buf = [0u8; STACK];
            buf[..s.len()].copy_from_slice(s.as_bytes());
            // `s` plus a NUL byte is UTF-8 and ends on a character boundary.
            let text = std::str::from_utf8(&buf[..=s.len()]).unwrap_or("\0");
            return Name(Arc::from(text));
        }
        let mut text = String::with_capacity(s.len() + 1);
        text.push_str(s);
        text.push('\0');
        Name(Arc::from(text))
    }

    /// The text, without the NUL.
    pub fn as_str(&self) -> &str {
        let n = self.0.len() - 1;
        self.0.get(..n).unwrap_or("")
    }

    /// The text as a C string (up to its first NUL).
    pub fn as_c_str(&self) -> &CStr {
        CStr::from_bytes_until_nul(self.0.as_bytes()).unwrap_or_default()
    }

    /// The text as a C string pointer, valid while this name (or a clone) lives.
    pub fn as_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::new("")
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
        assert_eq!(Name::default().as_str(), "");
        assert_eq!(
            format!("{} {:?}", Name::new("m"), Name::new("m")),
            "m \"m\""
        );
    }
}
