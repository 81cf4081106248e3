//! `bpf_program__attach_kprobe_multi_opts` as libbpf 1.1.2 does it: one
//! `BPF_TRACE_KPROBE_MULTI` link for many kernel functions, named by a glob
//! pattern (matched against `/proc/kallsyms`, every symbol, as 1.1.2 does; libbpf
//! 1.2 moved to `available_filter_functions`), or by the caller's `syms` or
//! `addrs` array; and the auto-attach of `SEC("kprobe.multi/PATTERN")` and
//! `SEC("kretprobe.multi/PATTERN")` (a bare `kprobe.multi` has none).
//! Spec: `libbpf-api.md` §1.2 (attach functions), §4.2 (opts).

use super::{Link, ProgState};
use crate::error::Error;
use crate::sys::{self, UserPtr};
use std::os::fd::AsRawFd;

/// `BPF_F_KPROBE_MULTI_RETURN` (`linux/bpf.h`, Linux 5.18).
const KPROBE_MULTI_RETURN: u32 = 1;

/// `struct bpf_kprobe_multi_opts` after its size check: the caller's arrays stay
/// addresses the kernel reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct KprobeMultiOpts {
    pub syms: UserPtr,
    pub addrs: UserPtr,
    pub cookies: UserPtr,
    pub cnt: usize,
    pub retprobe: bool,
}

/// libbpf's `glob_match`: `*` matches any run of characters (none included),
/// `?` any one character; everything else itself.
pub fn glob_match(s: &[u8], pat: &[u8]) -> bool {
    let (mut s, mut pat) = (s, pat);
    while let (Some(&c), Some(&p)) = (s.first(), pat.first()) {
        if p == b'*' {
            break;
        }
        if p != b'?' && c != p {
            return false;
        }
        s = &s[1..];
        pat = &pat[1..];
    }
    if pat.first() == Some(&b'*') {
        while pat.first() == Some(&b'*') {
            pat = &pat[1..];
        }
        if pat.is_empty() {
            return true;
        }
        return (0..s.len()).any(|i| glob_match(&s[i..], pat));
    }
    s.is_empty() && pat.is_empty()
}

/// The addresses of the `/proc/kallsyms` lines (`text`) whose symbol matches
/// `pattern`, in file order; a line that does not read as "ADDR TYPE NAME" is
/// EINVAL ("failed to read kallsyms entry"), as libbpf's parser says.
pub fn resolve_in(text: &[u8], pattern: &[u8]) -> Result<Vec<u64>, Error> {
    let mut addrs = Vec::new();
    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let mut f = line
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty());
        let (Some(addr), Some(_), Some(name)) = (f.next(), f.next(), f.next()) else {
            crate::log::warn(format_args!("failed to read kallsyms entry: {}", -1));
            return Err(Error::Inval("bad /proc/kallsyms line"));
        };
        let Some(addr) = std::str::from_utf8(addr)
            .ok()
            .and_then(|a| u64::from_str_radix(a, 16).ok())
        else {
            crate::log::warn(format_args!("failed to read kallsyms entry: {}", 0));
            return Err(Error::Inval("bad /proc/kallsyms line"));
        };
        if glob_match(name, pattern) {
            addrs.push(addr);
        }
    }
    Ok(addrs)
}

/// [`resolve_in`] on the running kernel's `/proc/kallsyms`; no match is ENOENT.
fn resolve(pattern: &[u8]) -> Result<Vec<u64>, Error> {
    let text = sys::kernel::kallsyms().map_err(|e| {
        crate::log::warn(format_args!(
            "failed to open /proc/kallsyms: -{}",
            e.errno()
        ));
        Error::Io {
            what: "open of /proc/kallsyms",
            errno: e.errno(),
        }
    })?;
    let addrs = resolve_in(&text, pattern)?;
    if addrs.is_empty() {
        return Err(Error::NotFound("no kernel symbol matches the pattern"));
    }
    Ok(addrs)
}

/// libbpf 1.1.2's argument checks, in its order (each EINVAL): nothing named; a
/// pattern with any of syms, addrs, cookies or cnt; no pattern and no cnt; both
/// syms and addrs.
pub fn check_args(pattern: bool, o: &KprobeMultiOpts) -> Result<(), Error> {
    let (syms, addrs) = (!o.syms.is_null(), !o.addrs.is_null());
    if !pattern && !addrs && !syms {
        return Err(Error::Inval("kprobe_multi: no pattern, syms or addrs"));
    }
    if pattern && (addrs || syms || !o.cookies.is_null() || o.cnt != 0) {
        return Err(Error::Inval(
            "kprobe_multi: pattern with syms, addrs, cookies or cnt",
        ));
    }
    if !pattern && o.cnt == 0 {
        return Err(Error::Inval("kprobe_multi: cnt is 0"));
    }
    if addrs && syms {
        return Err(Error::Inval("kprobe_multi: both syms and addrs"));
    }
    Ok(())
}

/// Attaches `p` to the functions `pattern` matches, or to those `o` names,
/// after [`check_args`]. A program without an fd is passed on as libbpf's
/// `bpf_program__fd` gives it (-EINVAL), so the kernel answers (EBADF).
pub fn attach(p: &ProgState, pattern: Option<&[u8]>, o: &KprobeMultiOpts) -> Result<Link, Error> {
    check_args(pattern.is_some(), o)?;
    let resolved = pattern.map(resolve).transpose()?;
    let (addr_ptr, cnt) = match &resolved {
        Some(a) => (UserPtr::from_ptr(a.as_ptr()), a.len()),
        None => (o.addrs, o.cnt),
    };
    let flags = if o.retprobe { KPROBE_MULTI_RETURN } else { 0 };
    let prog_fd = p.fd.as_ref().map_or(-libc::EINVAL, |f| f.as_raw_fd());
    // libbpf passes the count as the attr's 32-bit field.
    sys::link::kprobe_multi_link(prog_fd, flags, cnt as u32, o.syms, addr_ptr, o.cookies)
        .map(Link::from_fd)
        .inspect_err(|e| {
            crate::log::warn(format_args!(
                "prog '{}': failed to attach: {}",
                p.def.name,
                crate::error::errno_text(e.errno())
            ))
        })
}

/// `SEC("kprobe.multi/PATTERN")` / `SEC("kretprobe.multi/PATTERN")`: the pattern
/// is the longest prefix of `[a-zA-Z0-9_.*?]` after the slash (libbpf's
/// `sscanf("%m[...]")`); an empty one is EINVAL.
pub fn attach_auto(p: &ProgState, target: &str, retprobe: bool) -> Result<Link, Error> {
    let ok = |b: &u8| b.is_ascii_alphanumeric() || b"_.*?".contains(b);
    let len = target.bytes().take_while(ok).count();
    if len == 0 {
        // libbpf prints the unset pattern variable here.
        crate::log::warn(format_args!("kprobe multi pattern is invalid: (null)"));
        return Err(Error::Inval("kprobe.multi section without a valid pattern"));
    }
    let o = KprobeMultiOpts {
        retprobe,
        ..KprobeMultiOpts::default()
    };
    attach(p, Some(&target.as_bytes()[..len]), &o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_as_libbpf() {
        let m = |s: &str, p: &str| glob_match(s.as_bytes(), p.as_bytes());
        assert!(m("do_nanosleep", "do_nanosleep"));
        assert!(m("do_nanosleep", "do_*"));
        assert!(m("do_nanosleep", "*sleep"));
        assert!(m("do_nanosleep", "*nano*"));
        assert!(m("do_nanosleep", "do_nan?sleep"));
        assert!(m("", "*"));
        assert!(m("x", "**"));
        assert!(!m("do_nanosleep", "do_"));
        assert!(!m("do_nanosleep", "?do_nanosleep"));
        assert!(!m("ab", "a?b"));
        assert!(!m("do_nanosleep", "*nano"));
    }

    #[test]
    fn kallsyms_lines_resolve_in_file_order() {
        let text = b"ffffffff81000000 T _stext\n\
                     ffffffff81001000 t do_nanosleep\n\
                     ffffffff81002000 T hrtimer_nanosleep\n\
                     ffffffffc0000000 t nano_mod_fn\t[some_mod]\n";
        let got = resolve_in(text, b"*nano*").unwrap();
        assert_eq!(
            got,
            vec![0xffffffff81001000, 0xffffffff81002000, 0xffffffffc0000000]
        );
        assert!(resolve_in(text, b"nothing").unwrap().is_empty());
        assert_eq!(
            resolve_in(b"zz T f\n", b"f").unwrap_err().errno(),
            libc::EINVAL
        );
        assert_eq!(
            resolve_in(b"1 T\n", b"f").unwrap_err().errno(),
            libc::EINVAL
        );
    }
}
