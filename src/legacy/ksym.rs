//! `load_kallsyms()` / `ksym_search()` of bpf_load.c v4.10–v4.17 (later
//! `trace_helpers.c`): `/proc/kallsyms` sorted by address, and a search for the
//! symbol that contains an address.

/// At most this many symbols are kept (bpf_load.c's static array).
pub const MAX_SYMS: usize = 300_000;

/// Parses `/proc/kallsyms` text (`ADDR TYPE NAME [module]`), skipping address 0,
/// stopping at the first malformed line, sorted by address.
pub fn parse(text: &str) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut it = line.split_ascii_whitespace();
        let (Some(a), Some(_t), Some(name)) = (it.next(), it.next(), it.next()) else {
            break;
        };
        let Ok(addr) = u64::from_str_radix(a, 16) else {
            break;
        };
        if addr == 0 {
            continue;
        }
        if out.len() == MAX_SYMS {
            break;
        }
        out.push((addr as i64, name.to_string()));
    }
    out.sort_by_key(|s| s.0 as u64);
    out
}

/// Reads and parses `/proc/kallsyms`; the errno when it cannot be read.
pub fn load() -> Result<Vec<(i64, String)>, i32> {
    crate::file::read_text(std::path::Path::new("/proc/kallsyms"))
        .map(|s| parse(&s))
        .map_err(|e| e.errno())
}

/// Index of the symbol containing `key` in `addrs` (sorted): the last symbol
/// whose address is `<= key`; index 0 (bpf_load's "_stext" answer) when `key` is
/// below the first symbol or past the last; `None` when nothing is loaded.
pub fn search(
    n: usize,
    addr: impl Fn(usize) -> std::ffi::c_long,
    key: std::ffi::c_long,
) -> Option<usize> {
    if n == 0 {
        return None;
    }
    let key = key as u64;
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if addr(mid) as u64 <= key {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    // lo = number of symbols at or below key.
    if lo == 0 || (lo == n && addr(n - 1) as u64 != key) {
        return Some(0);
    }
    Some(lo - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_search() {
        let t = "0000000000000000 A zero\nffffffff81000200 T b\nffffffff81000100 T a [mod]\nffffffff81000300 t c\n";
        let s = parse(t);
        let names: Vec<_> = s.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        let f = |i: usize| s[i].0;
        assert_eq!(search(3, f, 0xffffffff81000100u64 as i64), Some(0));
        assert_eq!(search(3, f, 0xffffffff81000250u64 as i64), Some(1));
        assert_eq!(search(3, f, 0xffffffff81000300u64 as i64), Some(2));
        assert_eq!(search(3, f, 0x10), Some(0));
        assert_eq!(search(3, f, 0xffffffff81000400u64 as i64), Some(0));
        assert_eq!(search(0, f, 1), None);
    }
}
