//! [`StrTab`]: an ELF string table (`.strtab`, `.shstrtab`) checked for UTF-8
//! once, its names then sliced out of it without a check of their own.
//! Must not call: `crate::sys`.

use std::borrow::Cow;

/// An ELF string table: NUL-terminated names at offsets.
#[derive(Clone, Copy, Default)]
pub(super) struct StrTab<'a> {
    bytes: &'a [u8],
    /// The whole table as text, when it is UTF-8.
    text: Option<&'a str>,
}

impl<'a> StrTab<'a> {
    /// The table at `bytes`; `same` is another table, taken as it is when it
    /// is the same bytes (`.strtab` is often `.shstrtab`).
    pub(super) fn new_or(bytes: &'a [u8], same: &StrTab<'a>) -> StrTab<'a> {
        if std::ptr::eq(bytes, same.bytes) {
            *same
        } else {
            StrTab::new(bytes)
        }
    }

    pub(super) fn new(bytes: &'a [u8]) -> StrTab<'a> {
        StrTab {
            bytes,
            text: std::str::from_utf8(bytes).ok(),
        }
    }

    /// The table as text, when it is UTF-8.
    pub(super) fn text(&self) -> Option<&'a str> {
        self.text
    }

    /// The name at `off`, up to its NUL: borrowed when it is UTF-8, else
    /// copied with U+FFFD for what is not. `None` when `off` is outside the
    /// table or no NUL follows it there.
    pub(super) fn get(&self, off: u32) -> Option<Cow<'a, str>> {
        let off = usize::try_from(off).ok()?;
        let b = crate::btf::str_bytes_at(self.bytes, off)?;
        if let Some(s) = self.text.and_then(|t| t.get(off..off + b.len())) {
            return Some(Cow::Borrowed(s));
        }
        Some(match std::str::from_utf8(b) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(b),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_at_offsets() {
        let t = StrTab::new(b"\0abc\0de\0tail");
        assert_eq!(t.get(0).as_deref(), Some(""));
        assert_eq!(t.get(1).as_deref(), Some("abc"));
        assert_eq!(t.get(2).as_deref(), Some("bc"));
        assert_eq!(t.get(5).as_deref(), Some("de"));
        assert_eq!(t.get(8), None, "no NUL after it");
        assert_eq!(t.get(12), None, "at the end");
        assert_eq!(t.get(u32::MAX), None);
        assert_eq!(StrTab::default().get(0), None);
    }

    #[test]
    fn not_utf8() {
        // A table with a bad byte: names elsewhere in it are still borrowed.
        let t = StrTab::new(b"\0ok\0b\xffd\0\xc3\xa9\0");
        assert!(t.text().is_none());
        assert!(matches!(t.get(1), Some(Cow::Borrowed("ok"))));
        assert_eq!(t.get(4).as_deref(), Some("b\u{fffd}d"));
        assert!(matches!(t.get(8), Some(Cow::Borrowed("é"))));
        // Inside a character of a UTF-8 table: copied, as the bytes are not text.
        let t = StrTab::new("\0é\0".as_bytes());
        assert!(t.text().is_some());
        assert_eq!(t.get(2).as_deref(), Some("\u{fffd}"));
        assert!(matches!(t.get(1), Some(Cow::Borrowed("é"))));
    }
}
