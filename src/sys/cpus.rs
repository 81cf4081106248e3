//! Possible-CPU count (`/sys/devices/system/cpu/possible`), cached as libbpf does.
#![forbid(unsafe_code)]

use crate::error::Error;
use once_cell::sync::OnceCell;
use std::path::Path;

/// Parses a sysfs CPU list such as `0-3,8,10-11` into the number of CPUs it names
/// (as libbpf counts them: the CPUs set in the mask).
pub fn parse_cpu_list(s: &str) -> Result<usize, Error> {
    Ok(parse_cpu_mask(s)?.iter().filter(|&&b| b).count())
}

/// Parses a sysfs CPU list (`0-3,8`) into a mask indexed by CPU number.
pub fn parse_cpu_mask(s: &str) -> Result<Vec<bool>, Error> {
    let mut mask = Vec::new();
    for part in s.trim().split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let a: usize = a.trim().parse().map_err(|_| Error::inval("bad CPU mask"))?;
        let b: usize = b.trim().parse().map_err(|_| Error::inval("bad CPU mask"))?;
        if b < a || b >= 1 << 16 {
            return Err(Error::inval("bad CPU range"));
        }
        if mask.len() <= b {
            mask.resize(b + 1, false);
        }
        for m in &mut mask[a..=b] {
            *m = true;
        }
    }
    if mask.is_empty() {
        return Err(Error::inval("empty CPU mask"));
    }
    Ok(mask)
}

/// The online-CPU mask from `/sys/devices/system/cpu/online`.
pub fn online_cpus() -> Result<Vec<bool>, Error> {
    let s = crate::file::read_text(Path::new("/sys/devices/system/cpu/online"))
        .map_err(|e| e.into_error("reading /sys/devices/system/cpu/online"))?;
    parse_cpu_mask(&s)
}

static POSSIBLE: OnceCell<usize> = OnceCell::new();

/// The number of possible CPUs (the per-CPU map value stride), cached after the first read.
pub fn num_possible_cpus() -> Result<usize, Error> {
    POSSIBLE
        .get_or_try_init(|| {
            let s = crate::file::read_text(Path::new("/sys/devices/system/cpu/possible"))
                .map_err(|e| e.into_error("reading /sys/devices/system/cpu/possible"))?;
            parse_cpu_list(&s)
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0\n").unwrap(), 1);
        assert_eq!(parse_cpu_list("0-3").unwrap(), 4);
        assert_eq!(parse_cpu_list("0-3,8,10-11\n").unwrap(), 7);
        assert!(parse_cpu_list("").is_err());
        assert!(parse_cpu_list("3-1").is_err());
        assert!(parse_cpu_list("x").is_err());
    }

    #[test]
    fn this_machine_has_cpus() {
        assert!(num_possible_cpus().unwrap() >= 1);
    }
}
