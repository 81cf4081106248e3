//! Possible-CPU count (`/sys/devices/system/cpu/possible`), cached as libbpf does.
#![forbid(unsafe_code)]

use crate::error::Error;
use once_cell::sync::OnceCell;

/// Parses a sysfs CPU list such as `0-3,8,10-11` into the number of CPUs it names.
pub fn parse_cpu_list(s: &str) -> Result<usize, Error> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Error::inval("empty CPU list"));
    }
    let mut n = 0usize;
    for part in s.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a, b),
            None => (part, part),
        };
        let a: usize = a.trim().parse().map_err(|_| Error::inval("bad CPU list"))?;
        let b: usize = b.trim().parse().map_err(|_| Error::inval("bad CPU list"))?;
        if b < a {
            return Err(Error::inval("bad CPU range"));
        }
        n = n
            .checked_add(b - a + 1)
            .ok_or(Error::inval("CPU list overflows"))?;
    }
    Ok(n)
}

static POSSIBLE: OnceCell<usize> = OnceCell::new();

/// The number of possible CPUs (the per-CPU map value stride), cached after the first read.
pub fn num_possible_cpus() -> Result<usize, Error> {
    POSSIBLE
        .get_or_try_init(|| {
            let s = std::fs::read_to_string("/sys/devices/system/cpu/possible").map_err(|e| {
                Error::Errno(
                    e.raw_os_error().unwrap_or(libc::EIO),
                    "reading /sys/devices/system/cpu/possible",
                )
            })?;
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
