//! Source scanning shared by the tests that read `src/` (`layering.rs`,
//! `messages.rs`). Each test crate uses part of it.
#![allow(dead_code)]

use std::ops::Range;
use std::path::{Path, PathBuf};

/// A source with comments and the contents of string and char literals blanked
/// (same length, so offsets hold), and the string literals themselves.
pub struct Scanned {
    pub code: String,
    pub strings: Vec<(usize, String)>,
}

pub fn scan(src: &str) -> Scanned {
    let b = src.as_bytes();
    let mut code = b.to_vec();
    let mut strings = Vec::new();
    let blank = |code: &mut Vec<u8>, r: Range<usize>| {
        for c in &mut code[r] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |n| i + n);
            blank(&mut code, i..end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let mut depth = 0;
            let mut j = i;
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&mut code, i..j);
            i = j;
        } else if let Some(hashes) = raw_string_start(b, i) {
            let open = i + 1 + hashes + 1 + usize::from(b[i] == b'b');
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let end = b[open..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(b.len(), |n| open + n);
            strings.push((i, String::from_utf8_lossy(&b[open..end]).into_owned()));
            blank(&mut code, open..end);
            i = (end + close.len()).min(b.len());
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(b.len());
            strings.push((i, String::from_utf8_lossy(&b[i + 1..end]).into_owned()));
            blank(&mut code, i + 1..end);
            i = end + 1;
        } else if b[i] == b'\'' && i + 2 < b.len() && (b[i + 2] == b'\'' || b[i + 1] == b'\\') {
            // a char literal ('x', '\n', '\''); lifetimes ('a) have no closing quote
            let mut j = i + 1;
            while j < b.len() && b[j] != b'\'' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut code, i + 1..j.min(b.len()));
            i = j + 1;
        } else {
            i += 1;
        }
    }
    Scanned {
        code: String::from_utf8_lossy(&code).into_owned(),
        strings,
    }
}

/// The number of `#` of a raw string (`r"`, `r#"`, `br"`) starting at `i`.
fn raw_string_start(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
        return None;
    }
    let r = if b[i] == b'b' { i + 1 } else { i };
    if b.get(r) != Some(&b'r') {
        return None;
    }
    let hashes = b[r + 1..].iter().take_while(|&&c| c == b'#').count();
    (b.get(r + 1 + hashes) == Some(&b'"')).then_some(hashes)
}

/// The `.rs` files under `dir` for which `keep` holds (directories included:
/// a directory it refuses is not entered), sorted.
pub fn rs_files(dir: &Path, keep: fn(&Path) -> bool) -> Vec<PathBuf> {
    fn walk(dir: &Path, keep: fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("read src/") {
            let p = e.expect("dir entry").path();
            if !keep(&p) {
                continue;
            }
            if p.is_dir() {
                walk(&p, keep, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, keep, &mut out);
    out.sort();
    out
}
