//! rtnetlink I/O: one request, its replies, and the attribute codec.
//!
//! Owns: the `NETLINK_ROUTE` socket ([`NlSocket`], closed on drop), the request
//! builder ([`NlRequest`]: header, fixed family header, attributes, nests), the
//! receive loop with libbpf's checks (port id, sequence, `NLMSG_ERROR`, multipart
//! dumps) and a bounds-checked attribute parser ([`attrs`]).
//! Must not call: anything above `sys`. The only `unsafe` here is the socket syscalls.
//! Spec: `libbpf-api.md` §1.2 (XDP and TC by netlink).

use crate::error::{libbpf_errno, Error, SysError};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// `NETLINK_ROUTE`.
pub const NETLINK_ROUTE: i32 = 0;
const SOL_NETLINK: i32 = 270;
const NETLINK_EXT_ACK: i32 = 11;

/// `nlmsghdr` flags (`linux/netlink.h`).
pub const NLM_F_REQUEST: u16 = 0x01;
pub const NLM_F_MULTI: u16 = 0x02;
pub const NLM_F_ACK: u16 = 0x04;
pub const NLM_F_ECHO: u16 = 0x08;
pub const NLM_F_ROOT: u16 = 0x100;
pub const NLM_F_MATCH: u16 = 0x200;
pub const NLM_F_DUMP: u16 = NLM_F_ROOT | NLM_F_MATCH;
pub const NLM_F_REPLACE: u16 = 0x100;
pub const NLM_F_EXCL: u16 = 0x200;
pub const NLM_F_CREATE: u16 = 0x400;
const NLM_F_CAPPED: u16 = 0x100;
const NLM_F_ACK_TLVS: u16 = 0x200;

const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLMSGERR_ATTR_MSG: u16 = 1;

/// `NLA_F_NESTED`; attribute types are compared without the two flag bits.
pub const NLA_F_NESTED: u16 = 0x8000;
const NLA_TYPE_MASK: u16 = 0x3fff;

const NLMSG_HDRLEN: usize = 16;
const NLA_HDRLEN: usize = 4;

/// Netlink messages and attributes are padded to 4 bytes.
pub const fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// `struct sockaddr_nl`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct SockaddrNl {
    nl_family: u16,
    nl_pad: u16,
    nl_pid: u32,
    nl_groups: u32,
}

fn sys_err(call: &'static str) -> Error {
    Error::Sys(crate::sys::last_error(call))
}

/// A netlink socket, bound, with its kernel-assigned port id. Closed on drop.
pub struct NlSocket {
    fd: OwnedFd,
    pid: u32,
    seq: u32,
}

/// What a reply handler wants next (libbpf's `NL_CONT`/`NL_NEXT`/`NL_DONE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Go on with the next message of this datagram.
    Cont,
    /// Skip the rest of this datagram and read the next one.
    Next,
    /// Stop: the request succeeded.
    Done,
}

/// One received message: its type, flags and payload (after the 16-byte header).
#[derive(Clone, Copy, Debug)]
pub struct NlMsg<'a> {
    pub ty: u16,
    pub flags: u16,
    pub payload: &'a [u8],
}

impl NlSocket {
    /// Opens and binds a netlink socket of `proto` (`SOCK_CLOEXEC`), asking for
    /// extended acks (a kernel without them is fine: only the messages are lost).
    pub fn open(proto: i32) -> Result<Self, Error> {
        let kind = libc::SOCK_RAW | libc::SOCK_CLOEXEC;
        // SAFETY: socket(2) with integer arguments touches no memory of ours.
        let raw = unsafe { libc::socket(libc::AF_NETLINK, kind, proto) };
        if raw < 0 {
            return Err(sys_err("socket(AF_NETLINK)"));
        }
        // SAFETY: `raw` is a fresh descriptor from socket(2) that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let one: i32 = 1;
        // SAFETY: setsockopt reads `size_of::<i32>()` bytes from `one`, which lives on our stack for the call.
        let r = unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                SOL_NETLINK,
                NETLINK_EXT_ACK,
                (&one as *const i32).cast(),
                std::mem::size_of::<i32>() as libc::socklen_t,
            )
        };
        if r < 0 {
            crate::log::warn(format_args!("Netlink error reporting not supported"));
        }
        let mut sa = SockaddrNl {
            nl_family: libc::AF_NETLINK as u16,
            ..SockaddrNl::default()
        };
        let sa_len = std::mem::size_of::<SockaddrNl>() as libc::socklen_t;
        // SAFETY: bind reads `sa_len` bytes of `sa`, a live #[repr(C)] sockaddr_nl.
        if unsafe { libc::bind(fd.as_raw_fd(), (&sa as *const SockaddrNl).cast(), sa_len) } < 0 {
            return Err(sys_err("bind(AF_NETLINK)"));
        }
        let mut len = sa_len;
        // SAFETY: getsockname writes at most `len` bytes into `sa`, which we hold exclusively, and updates `len`.
        let r = unsafe {
            libc::getsockname(
                fd.as_raw_fd(),
                (&mut sa as *mut SockaddrNl).cast(),
                &mut len,
            )
        };
        if r < 0 {
            return Err(sys_err("getsockname(AF_NETLINK)"));
        }
        if len != sa_len {
            return Err(Error::Libbpf(
                libbpf_errno::INTERNAL,
                "netlink: unexpected address length".into(),
            ));
        }
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as u32)
            .unwrap_or(1);
        Ok(NlSocket {
            fd,
            pid: sa.nl_pid,
            seq: seed,
        })
    }

    fn send(&self, buf: &[u8]) -> Result<(), Error> {
        // SAFETY: send reads `buf.len()` bytes from a live slice.
        let r = unsafe { libc::send(self.fd.as_raw_fd(), buf.as_ptr().cast(), buf.len(), 0) };
        if r < 0 {
            return Err(sys_err("send(netlink)"));
        }
        Ok(())
    }

    /// One datagram into `buf` (grown to fit, found with `MSG_PEEK | MSG_TRUNC`).
    /// Returns its length (0 at end of stream).
    fn recv(&self, buf: &mut Vec<u8>) -> Result<usize, Error> {
        let want = self.recv_once(buf, libc::MSG_PEEK | libc::MSG_TRUNC)?;
        if want > buf.len() {
            buf.resize(want, 0);
        }
        self.recv_once(buf, 0)
    }

    fn recv_once(&self, buf: &mut [u8], flags: i32) -> Result<usize, Error> {
        loop {
            // SAFETY: recv writes at most `buf.len()` bytes into a live, exclusively borrowed slice.
            let r = unsafe {
                libc::recv(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    flags,
                )
            };
            if r >= 0 {
                return Ok(r as usize);
            }
            let e = crate::sys::last_errno();
            if e != libc::EINTR && e != libc::EAGAIN {
                return Err(Error::Sys(SysError {
                    call: "recv(netlink)",
                    errno: e,
                }));
            }
        }
    }

    /// Sends `req` and reads the replies until an ack, an error, `NLMSG_DONE`,
    /// the end of a multipart answer, or `on_msg` says [`Flow::Done`]. Every reply
    /// must carry our port id (`LIBBPF_ERRNO__WRNGPID`) and the request's sequence
    /// number (`LIBBPF_ERRNO__INVSEQ`); a kernel error comes back as its errno.
    pub fn transact(
        &mut self,
        req: &mut NlRequest,
        mut on_msg: impl FnMut(&NlMsg<'_>) -> Result<Flow, Error>,
    ) -> Result<(), Error> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let bytes = req.finish(seq);
        self.send(bytes)?;
        let mut buf = vec![0u8; 4096];
        let mut multipart = true;
        'datagrams: while multipart {
            multipart = false;
            let len = self.recv(&mut buf)?;
            if len == 0 {
                break;
            }
            let mut rest = buf.get(..len).unwrap_or_default();
            while let Some((hdr, payload, next)) = split_msg(rest) {
                rest = next;
                if hdr.pid != self.pid {
                    return Err(Error::Libbpf(
                        libbpf_errno::WRNGPID,
                        format!("netlink: reply for port {}, not {}", hdr.pid, self.pid),
                    ));
                }
                if hdr.seq != seq {
                    return Err(Error::Libbpf(
                        libbpf_errno::INVSEQ,
                        format!("netlink: sequence {}, expected {seq}", hdr.seq),
                    ));
                }
                if hdr.flags & NLM_F_MULTI != 0 {
                    multipart = true;
                }
                match hdr.ty {
                    NLMSG_ERROR => {
                        let err = read_i32(payload, 0).ok_or_else(nlparse)?;
                        if err == 0 {
                            continue;
                        }
                        report_ext_ack(hdr.flags, payload);
                        return Err(Error::Sys(SysError {
                            call: "netlink",
                            errno: err.checked_neg().unwrap_or(libc::EINVAL),
                        }));
                    }
                    NLMSG_DONE => return Ok(()),
                    _ => {}
                }
                let msg = NlMsg {
                    ty: hdr.ty,
                    flags: hdr.flags,
                    payload,
                };
                match on_msg(&msg)? {
                    Flow::Cont => {}
                    Flow::Next => {
                        multipart = true;
                        continue 'datagrams;
                    }
                    Flow::Done => return Ok(()),
                }
            }
        }
        Ok(())
    }
}

/// Opens a socket of `proto`, runs one request, closes the socket (libbpf opens
/// one socket per call too).
pub fn request(
    proto: i32,
    req: &mut NlRequest,
    on_msg: impl FnMut(&NlMsg<'_>) -> Result<Flow, Error>,
) -> Result<(), Error> {
    NlSocket::open(proto)?.transact(req, on_msg)
}

fn nlparse() -> Error {
    Error::Libbpf(libbpf_errno::NLPARSE, "netlink: malformed message".into())
}

/// Logs the kernel's extended-ack message, if the error carries one.
fn report_ext_ack(flags: u16, payload: &[u8]) {
    if flags & NLM_F_ACK_TLVS == 0 {
        return;
    }
    // nlmsgerr: the error, then the request's header, and its payload unless capped.
    let orig_len = if flags & NLM_F_CAPPED != 0 {
        NLMSG_HDRLEN
    } else {
        read_u32(payload, 4).map_or(NLMSG_HDRLEN, |l| l as usize)
    };
    let Some(tlvs) = payload.get(4 + align4(orig_len)..) else {
        return;
    };
    if let Some(msg) = attrs(tlvs).find_map(|a| a.ok().filter(|a| a.ty == NLMSGERR_ATTR_MSG)) {
        let text = msg.data.split(|&b| b == 0).next().unwrap_or_default();
        crate::log::warn(format_args!(
            "Kernel error message: {}",
            String::from_utf8_lossy(text)
        ));
    }
}

struct Hdr {
    ty: u16,
    flags: u16,
    seq: u32,
    pid: u32,
}

/// Splits the first message off a datagram: header, payload, the rest.
/// `None` when no whole message is left (libbpf's `NLMSG_OK`).
fn split_msg(buf: &[u8]) -> Option<(Hdr, &[u8], &[u8])> {
    let len = read_u32(buf, 0)? as usize;
    if len < NLMSG_HDRLEN || len > buf.len() {
        return None;
    }
    let hdr = Hdr {
        ty: read_u16(buf, 4)?,
        flags: read_u16(buf, 6)?,
        seq: read_u32(buf, 8)?,
        pid: read_u32(buf, 12)?,
    };
    let payload = buf.get(NLMSG_HDRLEN..len)?;
    let rest = buf.get(align4(len).min(buf.len())..)?;
    Some((hdr, payload, rest))
}

/// Native-endian readers over byte slices: `None` when out of bounds.
pub fn read_u16(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(off..off + 2)?.try_into().ok()?))
}

/// See [`read_u16`].
pub fn read_u32(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(off..off + 4)?.try_into().ok()?))
}

/// See [`read_u16`].
pub fn read_i32(b: &[u8], off: usize) -> Option<i32> {
    read_u32(b, off).map(|v| v as i32)
}

/// A request being built: `nlmsghdr`, the family header, then attributes.
#[derive(Clone, Debug)]
pub struct NlRequest {
    buf: Vec<u8>,
}

impl NlRequest {
    /// A request of type `ty` with `flags`, followed by the fixed family header
    /// `family_hdr` (`ifinfomsg`, `tcmsg`, …), padded to 4 bytes.
    pub fn new(ty: u16, flags: u16, family_hdr: &[u8]) -> Self {
        let mut buf = Vec::with_capacity(256);
        buf.extend_from_slice(&0u32.to_ne_bytes()); // length, set by `finish`
        buf.extend_from_slice(&ty.to_ne_bytes());
        buf.extend_from_slice(&flags.to_ne_bytes());
        buf.extend_from_slice(&0u32.to_ne_bytes()); // sequence, set by `finish`
        buf.extend_from_slice(&0u32.to_ne_bytes()); // port id: 0 = the kernel
        buf.extend_from_slice(family_hdr);
        buf.resize(align4(buf.len()), 0);
        NlRequest { buf }
    }

    /// Appends one attribute.
    pub fn put(&mut self, ty: u16, data: &[u8]) -> &mut Self {
        let len = NLA_HDRLEN + data.len();
        self.buf.extend_from_slice(&(len as u16).to_ne_bytes());
        self.buf.extend_from_slice(&ty.to_ne_bytes());
        self.buf.extend_from_slice(data);
        self.buf.resize(align4(self.buf.len()), 0);
        self
    }

    /// Appends a `u32` attribute.
    pub fn put_u32(&mut self, ty: u16, v: u32) -> &mut Self {
        self.put(ty, &v.to_ne_bytes())
    }

    /// Appends an `s32` attribute.
    pub fn put_i32(&mut self, ty: u16, v: i32) -> &mut Self {
        self.put(ty, &v.to_ne_bytes())
    }

    /// Appends a string attribute with its NUL.
    pub fn put_str(&mut self, ty: u16, s: &[u8]) -> &mut Self {
        let mut v = Vec::with_capacity(s.len() + 1);
        v.extend_from_slice(s);
        v.push(0);
        self.put(ty, &v)
    }

    /// Opens a nested attribute (`NLA_F_NESTED` set); close it with [`Self::end_nested`].
    pub fn begin_nested(&mut self, ty: u16) -> Nest {
        let at = self.buf.len();
        self.put(ty | NLA_F_NESTED, &[]);
        Nest(at)
    }

    /// Closes a nest: its length now covers everything added since it was opened.
    pub fn end_nested(&mut self, nest: Nest) -> &mut Self {
        let len = (self.buf.len() - nest.0) as u16;
        if let Some(slot) = self.buf.get_mut(nest.0..nest.0 + 2) {
            slot.copy_from_slice(&len.to_ne_bytes());
        }
        self
    }

    /// Sets length and sequence; the bytes to send.
    fn finish(&mut self, seq: u32) -> &[u8] {
        let len = self.buf.len() as u32;
        if let Some(slot) = self.buf.get_mut(0..4) {
            slot.copy_from_slice(&len.to_ne_bytes());
        }
        if let Some(slot) = self.buf.get_mut(8..12) {
            slot.copy_from_slice(&seq.to_ne_bytes());
        }
        &self.buf
    }

    /// The bytes built so far (for tests).
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }
}

/// An open nest of an [`NlRequest`] (the offset of its header).
#[must_use]
#[derive(Debug)]
pub struct Nest(usize);

/// One parsed attribute: its type (flag bits removed) and payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr<'a> {
    pub ty: u16,
    pub data: &'a [u8],
}

impl<'a> Attr<'a> {
    /// The payload as a `u8` (`None` if too short).
    pub fn u8(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// The payload as a `u32` (`None` if too short).
    pub fn u32(&self) -> Option<u32> {
        read_u32(self.data, 0)
    }

    /// The attributes nested in this one.
    pub fn nested(&self) -> Attrs<'a> {
        attrs(self.data)
    }
}

/// Iterates over the attributes in `buf`. A truncated or malformed attribute
/// yields one `Err` (`LIBBPF_ERRNO__NLPARSE`) and ends the iteration.
pub fn attrs(buf: &[u8]) -> Attrs<'_> {
    Attrs { rest: buf }
}

/// Iterator of [`attrs`].
#[derive(Clone, Debug)]
pub struct Attrs<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Result<Attr<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.len() < NLA_HDRLEN {
            return None; // trailing padding
        }
        let buf = std::mem::take(&mut self.rest);
        let (Some(len), Some(ty)) = (read_u16(buf, 0), read_u16(buf, 2)) else {
            return Some(Err(nlparse()));
        };
        let len = len as usize;
        if len < NLA_HDRLEN || len > buf.len() {
            return Some(Err(nlparse()));
        }
        let data = buf.get(NLA_HDRLEN..len).unwrap_or_default();
        self.rest = buf.get(align4(len).min(buf.len())..).unwrap_or_default();
        Some(Ok(Attr {
            ty: ty & NLA_TYPE_MASK,
            data,
        }))
    }
}

impl<'a> Attrs<'a> {
    /// The last attribute of type `ty` (later ones win, as in libbpf's table),
    /// or the parse error.
    pub fn get(self, ty: u16) -> Result<Option<Attr<'a>>, Error> {
        let mut found = None;
        for a in self {
            let a = a?;
            if a.ty == ty {
                found = Some(a);
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_layout_and_nesting() {
        let mut r = NlRequest::new(19, NLM_F_REQUEST | NLM_F_ACK, &[0u8; 16]);
        let n = r.begin_nested(43);
        r.put_i32(1, -1).put_u32(3, 2);
        r.end_nested(n);
        r.put_str(1, b"bpf");
        let b = r.finish(7).to_vec();
        assert_eq!(read_u32(&b, 0), Some(b.len() as u32));
        assert_eq!(read_u16(&b, 4), Some(19));
        assert_eq!(read_u16(&b, 6), Some(NLM_F_REQUEST | NLM_F_ACK));
        assert_eq!(read_u32(&b, 8), Some(7));
        let body = &b[32..];
        let top: Vec<_> = attrs(body).map(|a| a.unwrap()).collect();
        assert_eq!(top.len(), 2);
        assert_eq!(top[0].ty, 43);
        assert_eq!(read_u16(body, 0), Some(4 + 8 + 8));
        assert_eq!(read_u16(body, 2), Some(43 | NLA_F_NESTED));
        let inner: Vec<_> = top[0].nested().map(|a| a.unwrap()).collect();
        assert_eq!(inner[0].u32(), Some(u32::MAX));
        assert_eq!(inner[1].u32(), Some(2));
        assert_eq!(top[1].data, b"bpf\0");
        assert_eq!(b.len() % 4, 0);
    }

    #[test]
    fn parser_rejects_truncation() {
        // length 12 but only 8 bytes present
        let bad = [12u8, 0, 1, 0, 1, 2, 3, 4];
        let mut it = attrs(&bad);
        assert!(matches!(it.next(), Some(Err(_))));
        assert!(it.next().is_none());
        // length below the header size
        let bad = [2u8, 0, 1, 0];
        assert!(attrs(&bad).get(1).is_err());
        // empty and padding-only buffers have no attributes
        assert!(attrs(&[]).next().is_none());
        assert!(attrs(&[0, 0]).next().is_none());
        // the last duplicate wins, flags are masked off
        let two = [8u8, 0, 5, 0x80, 1, 0, 0, 0, 8, 0, 5, 0, 2, 0, 0, 0];
        assert_eq!(attrs(&two).get(5).unwrap().unwrap().u32(), Some(2));
    }

    #[test]
    fn split_messages() {
        let mut r = NlRequest::new(3, NLM_F_MULTI, &[]);
        let one = r.finish(1).to_vec();
        let mut two = one.clone();
        two.extend_from_slice(&one);
        let (h, p, rest) = split_msg(&two).unwrap();
        assert_eq!((h.ty, h.seq, p.len(), rest.len()), (3, 1, 0, 16));
        assert!(split_msg(&two[..10]).is_none());
        let mut huge = one.clone();
        huge[0] = 200;
        assert!(split_msg(&huge).is_none());
    }
}
