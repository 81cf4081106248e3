//! Facts about the running kernel read from procfs (its release), for the
//! loader's defaults. Must not call: anything above `sys`.

use crate::file::read_text;
use std::path::Path;

/// The running kernel's version as `KERNEL_VERSION(major, minor, patch)` (patch
/// capped at 255), from Ubuntu's `/proc/version_signature` when present, else
/// `uname`; 0 if neither parses. The default `kern_version` of an object without
/// a `version` section, as in libbpf 1.x.
pub fn kernel_version() -> u32 {
    fn parse(s: &str) -> Option<u32> {
        let mut it = s.split(|c: char| !c.is_ascii_digit());
        let a: u32 = it.next()?.parse().ok()?;
        let b: u32 = it.next()?.parse().ok()?;
        let c: u32 = it.next()?.parse().ok()?;
        Some((a << 16) + (b << 8) + c.min(255))
    }
    if let Ok(sig) = read_text(Path::new("/proc/version_signature")) {
        // "Ubuntu 5.15.0-91.101-generic 5.15.131": the third field.
        return sig.split_whitespace().nth(2).and_then(parse).unwrap_or(0);
    }
    read_text(Path::new("/proc/sys/kernel/osrelease"))
        .ok()
        .and_then(|r| parse(r.trim()))
        .unwrap_or(0)
}

/// The running kernel's config as libbpf looks for it: `/boot/config-$(uname -r)`,
/// else `/proc/config.gz` (either may be gzip-compressed; decoding is the
/// caller's). `None` when neither can be read.
pub fn kconfig_file() -> Option<(String, Vec<u8>)> {
    let release = read_text(Path::new("/proc/sys/kernel/osrelease")).ok();
    let boot = release.map(|r| format!("/boot/config-{}", r.trim()));
    boot.into_iter()
        .chain(["/proc/config.gz".to_string()])
        .find_map(|p| crate::file::read(Path::new(&p)).ok().map(|b| (p, b)))
}

/// The text of `/proc/kallsyms`.
pub fn kallsyms() -> Result<Vec<u8>, crate::file::ReadError> {
    crate::file::read(Path::new("/proc/kallsyms"))
}

/// Runs `f` and puts the calling thread's errno back as it was: for look-ups
/// whose failed system calls are answers, not errors (a missing config file, a
/// feature probe the kernel refuses), so that they do not show through the
/// caller's success.
pub fn keeping_errno<T>(f: impl FnOnce() -> T) -> T {
    let saved = super::last_errno();
    let r = f();
    // SAFETY: __errno_location returns the calling thread's errno slot, valid for the thread's lifetime.
    unsafe { *libc::__errno_location() = saved };
    r
}

/// What libbpf 1.1.2 adds after a program load refused with EPERM when it runs
/// as root under a finite RLIMIT_MEMLOCK (`pr_perm_msg`): the limit, in libbpf's
/// units. `None` when it would say nothing.
pub fn perm_hint() -> Option<String> {
    // SAFETY: geteuid has no preconditions and touches no memory.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let mut cur = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into `cur`, a live local.
    if unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut cur) } != 0
        || cur.rlim_cur == libc::RLIM_INFINITY
    {
        return None;
    }
    let l = cur.rlim_cur;
    Some(if l < 1024 {
        format!("{l} bytes")
    } else if l < 1024 * 1024 {
        format!("{:.1} KiB", l as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", l as f64 / (1024.0 * 1024.0))
    })
}

/// Raises RLIMIT_MEMLOCK (soft and hard) to `bytes`; a limit already at least
/// that high is left alone, so the bump never lowers it.
pub fn raise_memlock(bytes: u64) -> Result<(), crate::error::Error> {
    let mut cur = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into `cur`, a live local.
    if unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut cur) } == 0
        && cur.rlim_cur >= bytes
        && cur.rlim_max >= bytes
    {
        return Ok(());
    }
    let new = libc::rlimit {
        rlim_cur: bytes.max(cur.rlim_cur),
        rlim_max: bytes.max(cur.rlim_max),
    };
    // SAFETY: setrlimit reads one rlimit from `new`, a live local.
    if unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &new) } != 0 {
        return Err(super::last_error("setrlimit").into());
    }
    Ok(())
}
