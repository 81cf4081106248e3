//! `BPF_BTF_LOAD`: BTF blobs handed to the kernel.
//!
//! Owns: `BPF_BTF_LOAD` with libbpf 1.x's log retry and libbpf 0.x's `bpf_load_btf`.
//! Must not call: `capi`.
//! Spec: `libbpf-api.md` §1.1 (rows of `bpf_btf_load`, `bpf_load_btf`).

use super::attr::BtfLoadAttr;
use super::prog::Log;
use super::{call_fd, Cmd, UserPtr};
use crate::error::{Error, SysError};
use std::os::fd::OwnedFd;

/// `BPF_BTF_LOAD` (Linux 4.18) as libbpf 1.1's `bpf_btf_load`: a new BTF fd.
///
/// A log size without a buffer → EINVAL. The log goes to the kernel only when
/// `log.level != 0`; with level 0 and a buffer, a failed load is retried once at
/// level 1 so the buffer receives the reason.
pub fn btf_load(data: UserPtr, size: u32, log: Log) -> Result<OwnedFd, Error> {
    btf_load_with(data, size, log, |attr| call_fd(Cmd::BtfLoad, attr))
}

fn btf_load_with(
    data: UserPtr,
    size: u32,
    log: Log,
    mut sys: impl FnMut(&mut BtfLoadAttr) -> Result<OwnedFd, SysError>,
) -> Result<OwnedFd, Error> {
    if log.size != 0 && log.buf.is_null() {
        return Err(Error::inval("bpf_btf_load: log_size without log_buf"));
    }
    let mut attr = BtfLoadAttr {
        btf: data.0,
        btf_size: size,
        ..BtfLoadAttr::default()
    };
    if log.level != 0 {
        attr.btf_log_buf = log.buf.0;
        attr.btf_log_size = log.size;
        attr.btf_log_level = log.level;
    }
    let mut r = sys(&mut attr);
    if r.is_err() && !log.buf.is_null() && log.level == 0 {
        attr.btf_log_buf = log.buf.0;
        attr.btf_log_size = log.size;
        attr.btf_log_level = 1;
        r = sys(&mut attr);
    }
    Ok(r?)
}

/// libbpf 0.x `bpf_load_btf`: logs from the start when `do_log` (and a buffer is
/// given), else loads without a log and retries with one after a failure.
pub fn btf_load_legacy(
    data: UserPtr,
    size: u32,
    buf: UserPtr,
    buf_size: u32,
    do_log: bool,
) -> Result<OwnedFd, Error> {
    let have_buf = !buf.is_null() && buf_size != 0;
    let with_log = Log {
        buf,
        size: buf_size,
        level: 1,
    };
    let first = if do_log && have_buf {
        with_log
    } else {
        Log::default()
    };
    match btf_load(data, size, first) {
        Err(_) if !do_log && have_buf => btf_load(data, size, with_log),
        r => r,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fake::err;
    use super::*;

    /// [`btf_load_with`] of no data, with a level-0 log of `size` bytes at `buf`.
    fn load_with_log(
        buf: UserPtr,
        size: u32,
        sys: impl FnMut(&mut BtfLoadAttr) -> Result<OwnedFd, SysError>,
    ) -> Result<OwnedFd, Error> {
        let log = Log {
            buf,
            size,
            level: 0,
        };
        btf_load_with(UserPtr::NULL, 0, log, sys)
    }

    #[test]
    fn btf_log_rules() {
        let buf = [0u8; 16];
        let b = UserPtr::from_ptr(buf.as_ptr());
        let e = load_with_log(UserPtr::NULL, 4, |_| panic!("no syscall"));
        assert_eq!(e.unwrap_err().errno(), libc::EINVAL);
        let mut seen = Vec::new();
        let r = load_with_log(b, 16, |a| {
            seen.push((a.btf_log_buf, a.btf_log_size, a.btf_log_level));
            Err(err(libc::EINVAL))
        });
        assert!(r.unwrap_err().is_syscall());
        assert_eq!(seen, [(0, 0, 0), (b.0, 16, 1)]);
        // A buffer with size 0 is passed on (libbpf has no check for it).
        let mut seen = Vec::new();
        let _ = load_with_log(b, 0, |a| {
            seen.push(a.btf_log_level);
            Err(err(libc::EINVAL))
        });
        assert_eq!(seen, [0, 1]);
    }
}
