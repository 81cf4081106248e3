//! Kconfig text (`CONFIG_FOO=y` lines, as in `/boot/config-*`, `/proc/config.gz`
//! or the `kconfig` open option) turned into `.kconfig` extern values, with
//! libbpf 1.1.2's rules: `y`/`n`/`m` for bool, tristate and char; quoted strings
//! for char arrays; integers (`strtoull` base 0) for char and integer types,
//! range-checked against the extern's size and signedness. The first value
//! given for an extern wins. Pure: the text is read elsewhere.

use crate::error::Error;
use crate::object::externs::{Extern, Kcfg, KcfgType};

/// `enum libbpf_tristate`.
const TRI_NO: u64 = 0;
const TRI_YES: u64 = 1;
const TRI_MODULE: u64 = 2;

/// Where kconfig text came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The `kconfig` open option.
    Memory,
    /// The running kernel's config file.
    System,
}

/// The `.kconfig` map's value being filled in, and which externs have a value.
pub struct Values<'a> {
    pub externs: &'a [Extern],
    pub set: &'a mut [bool],
    pub data: &'a mut [u8],
}

impl Values<'_> {
    /// Applies every line of `text`; the first bad line stops it (libbpf's
    /// message names the line).
    pub fn apply_text(&mut self, text: &[u8], src: Source) -> Result<(), Error> {
        for line in text.split(|&b| b == b'\n') {
            let line = String::from_utf8_lossy(line);
            if let Err((e, shown)) = self.apply_line(&line) {
                let what = match src {
                    Source::Memory => "in-memory",
                    Source::System => "system",
                };
                crate::log::warn(format_args!(
                    "error parsing {what} Kconfig line '{shown}': -{}",
                    e.errno()
                ));
                return Err(e);
            }
        }
        Ok(())
    }

    /// One line; on failure the error and the part of the line libbpf shows.
    fn apply_line<'l>(&mut self, line: &'l str) -> Result<(), (Error, &'l str)> {
        if !line.starts_with("CONFIG_") {
            return Ok(());
        }
        let Some((name, value)) = line.split_once('=') else {
            crate::log::warn(format_args!("failed to parse '{line}': no separator"));
            return Err((Error::Inval("kconfig line without '='"), line));
        };
        if value.is_empty() {
            crate::log::warn(format_args!("failed to parse '{line}': no value"));
            return Err((Error::Inval("kconfig line without a value"), line));
        }
        let externs = self.externs;
        let found = externs.iter().enumerate().find_map(|(i, e)| {
            let k = e.kcfg()?;
            (e.name == name && !self.set[i]).then_some((i, *k))
        });
        let Some((i, k)) = found else {
            return Ok(());
        };
        let ext = &externs[i];
        let r = match value.as_bytes()[0] {
            b'y' | b'n' | b'm' => self.set_tristate(ext, &k, value.as_bytes()[0]),
            b'"' => self.set_string(ext, &k, value),
            _ => parse_u64(value)
                .inspect_err(|_| {
                    crate::log::warn(format_args!(
                        "extern (kcfg) '{name}': value '{value}' isn't a valid integer"
                    ))
                })
                .and_then(|num| {
                    if !matches!(k.ty, KcfgType::Int | KcfgType::Char) {
                        crate::log::warn(format_args!(
                            "extern (kcfg) '{name}': value '{value}' implies integer type"
                        ));
                        return Err(Error::Inval("kconfig integer for a non-integer extern"));
                    }
                    self.set_num(ext, &k, num)
                }),
        };
        r.map_err(|e| (e, name))?;
        self.set[i] = true;
        crate::log::debug(format_args!("extern (kcfg) '{name}': set to {value}"));
        Ok(())
    }

    /// The bytes of `k` in the map value.
    fn slot(&mut self, k: &Kcfg) -> Result<&mut [u8], Error> {
        let start = k.data_off as usize;
        self.data
            .get_mut(start..start + k.size as usize)
            .ok_or(Error::Inval(".kconfig extern outside the .kconfig map"))
    }

    /// `y`, `n` or `m` (`c`) for extern `ext`.
    fn set_tristate(&mut self, ext: &Extern, k: &Kcfg, c: u8) -> Result<(), Error> {
        let name = &ext.name;
        let v = match (k.ty, c) {
            (KcfgType::Bool, b'm') => {
                crate::log::warn(format_args!(
                    "extern (kcfg) '{name}': value 'm' implies tristate or char type"
                ));
                return Err(Error::Inval("kconfig 'm' for a bool extern"));
            }
            (KcfgType::Bool, _) => u64::from(c == b'y'),
            (KcfgType::Tristate, b'y') => TRI_YES,
            (KcfgType::Tristate, b'm') => TRI_MODULE,
            (KcfgType::Tristate, _) => TRI_NO,
            (KcfgType::Char, _) => u64::from(c),
            _ => {
                crate::log::warn(format_args!(
                    "extern (kcfg) '{name}': value '{}' implies bool, tristate, or char type",
                    c as char
                ));
                return Err(Error::Inval("kconfig y/n/m for a non-bool extern"));
            }
        };
        write_le(self.slot(k)?, v);
        Ok(())
    }

    /// A quoted string for char array extern `ext`, truncated to fit with its NUL.
    fn set_string(&mut self, ext: &Extern, k: &Kcfg, value: &str) -> Result<(), Error> {
        let name = &ext.name;
        if k.ty != KcfgType::CharArr {
            crate::log::warn(format_args!(
                "extern (kcfg) '{name}': value '{value}' implies char array type"
            ));
            return Err(Error::Inval("kconfig string for a non-array extern"));
        }
        let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
            crate::log::warn(format_args!(
                "extern (kcfg) '{name}': invalid string config '{value}'"
            ));
            return Err(Error::Inval("kconfig string without its closing quote"));
        };
        let mut len = inner.len();
        if len >= k.size as usize {
            crate::log::warn(format_args!(
                "extern (kcfg) '{name}': long string '{value}' of ({len} bytes) truncated to {} bytes",
                k.size - 1
            ));
            len = k.size as usize - 1;
        }
        let slot = self.slot(k)?;
        slot[..len].copy_from_slice(&inner.as_bytes()[..len]);
        slot[len] = 0;
        Ok(())
    }

    /// A number for extern `ext` (integer, char or bool), range-checked.
    pub fn set_num(&mut self, ext: &Extern, k: &Kcfg, v: u64) -> Result<(), Error> {
        let name = &ext.name;
        if !matches!(k.ty, KcfgType::Int | KcfgType::Char | KcfgType::Bool) {
            crate::log::warn(format_args!(
                "extern (kcfg) '{name}': value '{v}' implies integer, char, or boolean type"
            ));
            return Err(Error::Inval("number for a non-integer extern"));
        }
        if k.ty == KcfgType::Bool && v > 1 {
            crate::log::warn(format_args!(
                "extern (kcfg) '{name}': value '{v}' isn't boolean compatible"
            ));
            return Err(Error::Inval("number for a bool extern"));
        }
        if !fits(k, v) {
            crate::log::warn(format_args!(
                "extern (kcfg) '{name}': value '{v}' doesn't fit in {} bytes",
                k.size
            ));
            return Err(Error::Range("kconfig value does not fit its extern"));
        }
        write_le(self.slot(k)?, v);
        Ok(())
    }
}

/// Whether `v` (as `strtoull` read it) fits extern `k` without loss.
fn fits(k: &Kcfg, v: u64) -> bool {
    let bits = k.size * 8;
    if bits >= 64 {
        true
    } else if k.signed {
        v.wrapping_add(1 << (bits - 1)) < 1 << bits
    } else {
        v >> bits == 0
    }
}

/// The low `slot.len()` bytes of `v`, little-endian (BPF's and the host's order).
fn write_le(slot: &mut [u8], v: u64) {
    let b = v.to_le_bytes();
    let n = slot.len().min(8);
    slot[..n].copy_from_slice(&b[..n]);
}

/// `strtoull(s, &end, 0)` that must consume all of `s`: leading blanks, a sign
/// (`-` negates modulo 2^64), `0x` hex, `0` octal, else decimal.
pub fn parse_u64(s: &str) -> Result<u64, Error> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let hex = t.len() > 2
        && (t.starts_with("0x") || t.starts_with("0X"))
        && t.as_bytes()[2].is_ascii_hexdigit();
    let (radix, digits) = if hex {
        (16, &t[2..])
    } else if t.starts_with('0') {
        (8, t)
    } else {
        (10, t)
    };
    let end = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    if end == 0 || end != digits.len() {
        crate::log::warn(format_args!("failed to parse '{s}' as integer completely"));
        return Err(Error::Inval("not an integer"));
    }
    let mut v: u64 = 0;
    for c in digits.chars() {
        let d = u64::from(c.to_digit(radix).unwrap_or(0));
        v = v
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(d))
            .ok_or_else(|| {
                crate::log::warn(format_args!("failed to parse '{s}' as integer: -34"));
                Error::Range("integer out of range")
            })?;
    }
    Ok(if neg { v.wrapping_neg() } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::externs::ExternKind;

    fn ext(name: &str, ty: KcfgType, size: u32, signed: bool, data_off: u32) -> Extern {
        Extern {
            name: name.into(),
            sym_idx: 0,
            btf_id: 0,
            weak: false,
            kind: ExternKind::Kcfg(Kcfg {
                ty,
                size,
                align: size.min(8),
                signed,
                data_off,
            }),
        }
    }

    fn externs() -> Vec<Extern> {
        vec![
            ext("CONFIG_B", KcfgType::Bool, 1, false, 0),
            ext("CONFIG_T", KcfgType::Tristate, 4, false, 4),
            ext("CONFIG_C", KcfgType::Char, 1, true, 8),
            ext("CONFIG_S", KcfgType::CharArr, 6, false, 9),
            ext("CONFIG_I", KcfgType::Int, 4, true, 16),
            ext("CONFIG_U", KcfgType::Int, 2, false, 20),
            ext("CONFIG_Q", KcfgType::Int, 8, false, 24),
        ]
    }

    /// Applies `text`; the map value and which externs were set, or the error.
    fn apply(text: &str) -> Result<(Vec<u8>, Vec<bool>), (i32, String)> {
        let e = externs();
        let mut set = vec![false; e.len()];
        let mut data = vec![0xaa; 32];
        let mut v = Values {
            externs: &e,
            set: &mut set,
            data: &mut data,
        };
        v.apply_text(text.as_bytes(), Source::Memory)
            .map_err(|e| (e.errno(), e.to_string()))?;
        Ok((data, set))
    }

    fn word(d: &[u8], off: usize, n: usize) -> u64 {
        let mut b = [0u8; 8];
        b[..n].copy_from_slice(&d[off..off + n]);
        u64::from_le_bytes(b)
    }

    #[test]
    fn values_of_every_kind() {
        let text = "# comment\nCONFIG_B=y\nCONFIG_T=m\nCONFIG_C=n\nCONFIG_S=\"hello\"\n\
                    CONFIG_I=-5\nCONFIG_U=0x1f\nCONFIG_Q=017\nCONFIG_OTHER=whatever\n";
        let (d, set) = apply(text).unwrap();
        assert!(set.iter().all(|&s| s));
        assert_eq!(d[0], 1);
        assert_eq!(word(&d, 4, 4), TRI_MODULE);
        assert_eq!(d[8], b'n');
        assert_eq!(&d[9..15], b"hello\0");
        assert_eq!(word(&d, 16, 4) as u32 as i32, -5);
        assert_eq!(word(&d, 20, 2), 0x1f);
        assert_eq!(word(&d, 24, 8), 0o17);
        let (d, set) = apply("CONFIG_B=n\nCONFIG_T=y\nCONFIG_C=65\nCONFIG_T=n").unwrap();
        assert_eq!((d[0], word(&d, 4, 4), d[8]), (0, TRI_YES, 65));
        assert_eq!(set, [true, true, true, false, false, false, false]);
        // The first value wins.
        let (d, _) = apply("CONFIG_I=1\nCONFIG_I=2").unwrap();
        assert_eq!(word(&d, 16, 4), 1);
        // Strings are cut to fit with their NUL.
        let (d, _) = apply("CONFIG_S=\"toolongvalue\"").unwrap();
        assert_eq!(&d[9..15], b"toolo\0");
        let (d, _) = apply("CONFIG_S=\"\"").unwrap();
        assert_eq!(d[9], 0);
    }

    #[test]
    fn bad_values() {
        let inval = |t: &str| apply(t).map(drop).map_err(|e| e.0);
        assert_eq!(inval("CONFIG_B"), Err(libc::EINVAL));
        assert_eq!(inval("CONFIG_B="), Err(libc::EINVAL));
        assert_eq!(inval("CONFIG_B=m"), Err(libc::EINVAL));
        assert_eq!(inval("CONFIG_B=2"), Err(libc::EINVAL));
        assert_eq!(
            inval("CONFIG_B=1"),
            Err(libc::EINVAL),
            "a number needs int or char"
        );
        assert_eq!(inval("CONFIG_I=y"), Err(libc::EINVAL));
        assert_eq!(inval("CONFIG_I=\"s\""), Err(libc::EINVAL));
        assert_eq!(inval("CONFIG_S=\"open"), Err(libc::EINVAL));
        assert_eq!(inval("CONFIG_S=\""), Err(libc::EINVAL));
        assert_eq!(inval("CONFIG_I=12abc"), Err(libc::EINVAL));
        assert_eq!(inval("CONFIG_I=0x"), Err(libc::EINVAL));
        assert_eq!(inval("CONFIG_T=5"), Err(libc::EINVAL));
        assert_eq!(inval("CONFIG_U=65536"), Err(libc::ERANGE));
        assert_eq!(inval("CONFIG_I=2147483648"), Err(libc::ERANGE));
        assert_eq!(inval("CONFIG_C=128"), Err(libc::ERANGE));
        assert_eq!(inval("CONFIG_Q=18446744073709551616"), Err(libc::ERANGE));
        // Lines of other names are not looked at, whatever their value.
        assert!(apply("CONFIG_X=\"unterminated\nNOT_CONFIG").is_ok());
        // In range at the edges.
        let (d, _) = apply("CONFIG_I=-2147483648\nCONFIG_U=65535\nCONFIG_C=-128").unwrap();
        assert_eq!(word(&d, 16, 4), 0x8000_0000);
        assert_eq!((word(&d, 20, 2), d[8]), (65535, 0x80));
    }

    #[test]
    fn strtoull_base_zero() {
        assert_eq!(parse_u64("42").unwrap(), 42);
        assert_eq!(parse_u64("  0x2A").unwrap(), 42);
        assert_eq!(parse_u64("052").unwrap(), 42);
        assert_eq!(parse_u64("0").unwrap(), 0);
        assert_eq!(parse_u64("+7").unwrap(), 7);
        assert_eq!(parse_u64("-1").unwrap(), u64::MAX);
        assert_eq!(parse_u64("18446744073709551615").unwrap(), u64::MAX);
        for bad in ["", "-", "0x", "08", "1 ", "x1", "0xg"] {
            assert!(parse_u64(bad).is_err(), "{bad:?}");
        }
    }
}
