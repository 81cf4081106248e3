//! `set_link_xdp_fd(ifindex, fd, flags)` of bpf_load.c v4.10–v4.16: one rtnetlink
//! `RTM_SETLINK` with a nested `IFLA_XDP` { `IFLA_XDP_FD`, `IFLA_XDP_FLAGS` }
//! request, acknowledged by the kernel. `fd == -1` detaches.
//!
//! Kept minimal and private to the legacy loader (the full netlink layer lives in
//! `sys::netlink`). The only `unsafe` is the socket system calls.
#![allow(unsafe_code)] // socket/bind/getsockname/send/recv on a netlink socket

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const RTM_SETLINK: u16 = 19;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_ACK: u16 = 4;
const NLA_F_NESTED: u16 = 1 << 15;
const IFLA_XDP: u16 = 43;
const IFLA_XDP_FD: u16 = 1;
const IFLA_XDP_FLAGS: u16 = 3;
const NLMSG_HDRLEN: usize = 16;

/// A failure: the errno and the line bpf_load.c printed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XdpError {
    pub errno: i32,
    pub msg: String,
}

fn last(what: &str) -> XdpError {
    let errno = crate::sys::last_errno();
    XdpError {
        errno,
        msg: format!("{what} error: {}\n", crate::error::errno_text(errno)),
    }
}

/// The request bytes: nlmsghdr, ifinfomsg, IFLA_XDP { FD [, FLAGS] }.
pub fn request(ifindex: i32, fd: i32, flags: u32, seq: u32) -> Vec<u8> {
    let mut nested = Vec::new();
    nested.extend_from_slice(&8u16.to_ne_bytes());
    nested.extend_from_slice(&IFLA_XDP_FD.to_ne_bytes());
    nested.extend_from_slice(&fd.to_ne_bytes());
    if flags != 0 {
        nested.extend_from_slice(&8u16.to_ne_bytes());
        nested.extend_from_slice(&IFLA_XDP_FLAGS.to_ne_bytes());
        nested.extend_from_slice(&flags.to_ne_bytes());
    }
    let mut body = Vec::new();
    // struct ifinfomsg: family, pad, type, index, flags, change.
    body.extend_from_slice(&[libc::AF_UNSPEC as u8, 0, 0, 0]);
    body.extend_from_slice(&ifindex.to_ne_bytes());
    body.extend_from_slice(&0u32.to_ne_bytes());
    body.extend_from_slice(&0u32.to_ne_bytes());
    body.extend_from_slice(&((4 + nested.len()) as u16).to_ne_bytes());
    body.extend_from_slice(&(IFLA_XDP | NLA_F_NESTED).to_ne_bytes());
    body.extend_from_slice(&nested);
    let len = (NLMSG_HDRLEN + body.len()) as u32;
    let mut msg = Vec::with_capacity(len as usize);
    msg.extend_from_slice(&len.to_ne_bytes());
    msg.extend_from_slice(&RTM_SETLINK.to_ne_bytes());
    msg.extend_from_slice(&(NLM_F_REQUEST | NLM_F_ACK).to_ne_bytes());
    msg.extend_from_slice(&seq.to_ne_bytes());
    msg.extend_from_slice(&0u32.to_ne_bytes());
    msg.extend_from_slice(&body);
    msg
}

fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    b.get(o..o + 4)
        .map(|s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

/// Sets (or with `fd == -1` removes) the XDP program of `ifindex`.
pub fn set_link_xdp_fd(ifindex: i32, fd: i32, flags: u32) -> Result<(), XdpError> {
    // SAFETY: socket() takes no pointers; the result is checked before use.
    let raw = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            libc::NETLINK_ROUTE,
        )
    };
    if raw < 0 {
        return Err(last("socket"));
    }
    // SAFETY: `raw` is a fresh descriptor nothing else owns.
    let sock = unsafe { OwnedFd::from_raw_fd(raw) };
    // SAFETY: an all-zero sockaddr_nl is a valid value (family set below).
    let mut sa: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    sa.nl_family = libc::AF_NETLINK as u16;
    let sa_len = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    // SAFETY: `sa` is a live sockaddr_nl of `sa_len` bytes, only read by bind.
    if unsafe {
        libc::bind(
            sock.as_raw_fd(),
            &sa as *const _ as *const libc::sockaddr,
            sa_len,
        )
    } < 0
    {
        return Err(last("bind"));
    }
    let mut len = sa_len;
    // SAFETY: `sa`/`len` are live and writable; the kernel writes at most `len` bytes.
    if unsafe {
        libc::getsockname(
            sock.as_raw_fd(),
            &mut sa as *mut _ as *mut libc::sockaddr,
            &mut len,
        )
    } < 0
    {
        return Err(last("getsockname"));
    }
    let my_pid = sa.nl_pid;
    let seq = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_secs() as u32);
    let req = request(ifindex, fd, flags, seq);
    // SAFETY: `req` is a live buffer of `req.len()` bytes, only read by send.
    if unsafe { libc::send(sock.as_raw_fd(), req.as_ptr().cast(), req.len(), 0) } < 0 {
        return Err(last("send"));
    }
    let mut buf = vec![0u8; 8192];
    loop {
        // SAFETY: `buf` is a live, writable buffer of `buf.len()` bytes.
        let n = unsafe { libc::recv(sock.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 {
            return Err(last("recv"));
        }
        let data = &buf[..n as usize];
        let mut off = 0usize;
        while off + NLMSG_HDRLEN <= data.len() {
            let (Some(mlen), Some(tp), Some(mseq), Some(pid)) = (
                u32_at(data, off),
                data.get(off + 4..off + 6)
                    .map(|s| u16::from_ne_bytes([s[0], s[1]])),
                u32_at(data, off + 8),
                u32_at(data, off + 12),
            ) else {
                break;
            };
            let mlen = mlen as usize;
            if mlen < NLMSG_HDRLEN || off + mlen > data.len() {
                break;
            }
            if pid != my_pid {
                return Err(XdpError {
                    errno: libc::EBADMSG,
                    msg: format!("Wrong pid {pid}, expected {my_pid}\n"),
                });
            }
            if mseq == seq {
                match tp {
                    NLMSG_ERROR => {
                        let err = u32_at(data, off + NLMSG_HDRLEN).map_or(0, |e| e as i32);
                        if err == 0 {
                            return Ok(());
                        }
                        return Err(XdpError {
                            errno: -err,
                            msg: format!("nlmsg error {}\n", crate::error::errno_text(-err)),
                        });
                    }
                    NLMSG_DONE => return Ok(()),
                    _ => {}
                }
            }
            off += (mlen + 3) & !3;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_layout() {
        let r = request(7, 5, 2, 9);
        assert_eq!(r.len(), 16 + 16 + 4 + 8 + 8);
        assert_eq!(u32_at(&r, 0), Some(r.len() as u32));
        assert_eq!(u32_at(&r, 20), Some(7));
        let r = request(7, -1, 0, 9);
        assert_eq!(r.len(), 16 + 16 + 4 + 8);
    }
}
