//! XDP and TC (cls_bpf) attachment by rtnetlink, with libbpf 1.1.2's argument
//! checks and error codes.
//!
//! Owns: the request contents (`RTM_SETLINK` + `IFLA_XDP`, `RTM_GETLINK` dumps,
//! `clsact` qdiscs, `bpf` filters in direct-action mode) and the reply parsing.
//! Must not call: `capi`. The C skin converts opts structs into [`TcHook`] /
//! [`TcOpts`] and writes results back.
//! Spec: `libbpf-api.md` §1.2 (XDP and TC), §4.2 (the opts layouts).
#![forbid(unsafe_code)]

use crate::error::Error;
use crate::sys::netlink::{
    self, Flow, NlMsg, NlRequest, NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_ECHO,
    NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST,
};
use crate::uapi::{BPF_TC_CUSTOM, BPF_TC_EGRESS, BPF_TC_F_REPLACE, BPF_TC_INGRESS};

/// `XDP_FLAGS_*` (`linux/if_link.h`).
pub const XDP_FLAGS_UPDATE_IF_NOEXIST: u32 = 1 << 0;
pub const XDP_FLAGS_SKB_MODE: u32 = 1 << 1;
pub const XDP_FLAGS_DRV_MODE: u32 = 1 << 2;
pub const XDP_FLAGS_HW_MODE: u32 = 1 << 3;
pub const XDP_FLAGS_REPLACE: u32 = 1 << 4;
pub const XDP_FLAGS_MODES: u32 = XDP_FLAGS_SKB_MODE | XDP_FLAGS_DRV_MODE | XDP_FLAGS_HW_MODE;
pub const XDP_FLAGS_MASK: u32 = XDP_FLAGS_UPDATE_IF_NOEXIST | XDP_FLAGS_MODES | XDP_FLAGS_REPLACE;

/// `XDP_ATTACHED_*`.
pub const XDP_ATTACHED_NONE: u8 = 0;
pub const XDP_ATTACHED_MULTI: u8 = 4;

const AF_UNSPEC: u8 = 0;
const AF_PACKET: u8 = 17;
const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_SETLINK: u16 = 19;
const RTM_NEWQDISC: u16 = 36;
const RTM_DELQDISC: u16 = 37;
const RTM_NEWTFILTER: u16 = 44;
const RTM_DELTFILTER: u16 = 45;
const RTM_GETTFILTER: u16 = 46;

const IFLA_XDP: u16 = 43;
const IFLA_XDP_FD: u16 = 1;
const IFLA_XDP_ATTACHED: u16 = 2;
const IFLA_XDP_FLAGS: u16 = 3;
const IFLA_XDP_PROG_ID: u16 = 4;
const IFLA_XDP_DRV_PROG_ID: u16 = 5;
const IFLA_XDP_SKB_PROG_ID: u16 = 6;
const IFLA_XDP_HW_PROG_ID: u16 = 7;
const IFLA_XDP_EXPECTED_FD: u16 = 8;

const TCA_KIND: u16 = 1;
const TCA_OPTIONS: u16 = 2;
const TCA_BPF_FD: u16 = 6;
const TCA_BPF_NAME: u16 = 7;
const TCA_BPF_FLAGS: u16 = 8;
const TCA_BPF_ID: u16 = 11;
const TCA_BPF_FLAG_ACT_DIRECT: u32 = 1;

const TC_H_CLSACT: u32 = 0xFFFF_FFF1;
const TC_H_MIN_INGRESS: u32 = 0xFFF2;
const TC_H_MIN_EGRESS: u32 = 0xFFF3;
const ETH_P_ALL: u16 = 0x0003;

const IFINFOMSG_LEN: usize = 16;
const TCMSG_LEN: usize = 20;

/// `TC_H_MAKE(maj, min)`.
const fn tc_h_make(maj: u32, min: u32) -> u32 {
    (maj & 0xFFFF_0000) | (min & 0x0000_FFFF)
}

fn inval(what: &'static str) -> Error {
    Error::Inval(what)
}

/// `struct ifinfomsg` bytes.
fn ifinfomsg(family: u8, ifindex: i32) -> [u8; IFINFOMSG_LEN] {
    let mut b = [0u8; IFINFOMSG_LEN];
    b[0] = family;
    b[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    b
}

/// `struct tcmsg` bytes.
fn tcmsg(ifindex: i32, handle: u32, parent: u32, info: u32) -> [u8; TCMSG_LEN] {
    let mut b = [0u8; TCMSG_LEN];
    b[0] = AF_UNSPEC;
    b[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    b[8..12].copy_from_slice(&handle.to_ne_bytes());
    b[12..16].copy_from_slice(&parent.to_ne_bytes());
    b[16..20].copy_from_slice(&info.to_ne_bytes());
    b
}

// ---------------------------------------------------------------------------
// XDP
// ---------------------------------------------------------------------------

/// Sets (or with `fd = -1` removes) the XDP program of `ifindex`. With
/// `XDP_FLAGS_REPLACE` in `flags`, `old_fd` is sent as the program expected to
/// be there (the kernel answers EEXIST if another one is).
pub fn xdp_set(ifindex: i32, fd: i32, old_fd: i32, flags: u32) -> Result<(), Error> {
    let mut req = NlRequest::new(
        RTM_SETLINK,
        NLM_F_REQUEST | NLM_F_ACK,
        &ifinfomsg(AF_UNSPEC, ifindex),
    );
    let nest = req.begin_nested(IFLA_XDP);
    req.put_i32(IFLA_XDP_FD, fd);
    if flags != 0 {
        req.put_u32(IFLA_XDP_FLAGS, flags);
    }
    if flags & XDP_FLAGS_REPLACE != 0 {
        req.put_i32(IFLA_XDP_EXPECTED_FD, old_fd);
    }
    req.end_nested(nest);
    netlink::request(NETLINK_ROUTE, &mut req, |_| Ok(Flow::Cont))
}

/// What a link dump says about a device's XDP programs (libbpf's internal
/// `struct xdp_link_info`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct XdpInfo {
    pub prog_id: u32,
    pub drv_prog_id: u32,
    pub hw_prog_id: u32,
    pub skb_prog_id: u32,
    pub attach_mode: u8,
}

impl XdpInfo {
    /// The id for one mode (`bpf_xdp_query_id`): with no mode flag, the only
    /// program unless several are attached; else that mode's program; else 0.
    pub fn id_for(&self, flags: u32) -> u32 {
        let flags = flags & XDP_FLAGS_MODES;
        if self.attach_mode != XDP_ATTACHED_MULTI && flags == 0 {
            self.prog_id
        } else if flags & XDP_FLAGS_DRV_MODE != 0 {
            self.drv_prog_id
        } else if flags & XDP_FLAGS_HW_MODE != 0 {
            self.hw_prog_id
        } else if flags & XDP_FLAGS_SKB_MODE != 0 {
            self.skb_prog_id
        } else {
            0
        }
    }
}

/// libbpf's query flag checks: only known flags, at most one mode.
pub fn check_query_flags(flags: u32) -> Result<(), Error> {
    if flags & !XDP_FLAGS_MASK != 0 {
        return Err(inval("xdp query: unknown flags"));
    }
    let modes = flags & XDP_FLAGS_MODES;
    if modes & modes.wrapping_sub(1) != 0 {
        return Err(inval("xdp query: more than one mode"));
    }
    Ok(())
}

/// Dumps the links and reads `ifindex`'s XDP attributes (`ifindex` 0 matches
/// every link, as in libbpf). A missing device reads as "nothing attached".
pub fn xdp_query(ifindex: i32, flags: u32) -> Result<XdpInfo, Error> {
    check_query_flags(flags)?;
    let mut req = NlRequest::new(
        RTM_GETLINK,
        NLM_F_DUMP | NLM_F_REQUEST,
        &ifinfomsg(AF_PACKET, 0),
    );
    let mut info = XdpInfo::default();
    netlink::request(NETLINK_ROUTE, &mut req, |m| {
        link_xdp_info(m, ifindex, &mut info)?;
        Ok(Flow::Cont)
    })?;
    Ok(info)
}

fn link_xdp_info(m: &NlMsg<'_>, ifindex: i32, info: &mut XdpInfo) -> Result<(), Error> {
    if m.ty != RTM_NEWLINK {
        return Ok(());
    }
    let nlparse = || {
        Error::Libbpf(
            crate::error::libbpf_errno::NLPARSE,
            "netlink: short ifinfomsg".into(),
        )
    };
    let idx = netlink::read_i32(m.payload, 4).ok_or_else(nlparse)?;
    let attrs = m.payload.get(IFINFOMSG_LEN..).ok_or_else(nlparse)?;
    // libbpf parses the whole message before looking at the index.
    let xdp = netlink::attrs(attrs).get(IFLA_XDP)?;
    if ifindex != 0 && idx != ifindex {
        return Ok(());
    }
    let Some(xdp) = xdp else { return Ok(()) };
    let mut attached = None;
    let mut ids = [None; 4];
    for a in xdp.nested() {
        let a = a?;
        match a.ty {
            IFLA_XDP_ATTACHED => attached = a.u8(),
            IFLA_XDP_PROG_ID => ids[0] = a.u32(),
            IFLA_XDP_DRV_PROG_ID => ids[1] = a.u32(),
            IFLA_XDP_HW_PROG_ID => ids[2] = a.u32(),
            IFLA_XDP_SKB_PROG_ID => ids[3] = a.u32(),
            _ => {}
        }
    }
    let Some(mode) = attached else { return Ok(()) };
    info.attach_mode = mode;
    if mode == XDP_ATTACHED_NONE {
        return Ok(());
    }
    let slots = [
        &mut info.prog_id,
        &mut info.drv_prog_id,
        &mut info.hw_prog_id,
        &mut info.skb_prog_id,
    ];
    for (slot, id) in slots.into_iter().zip(ids) {
        if let Some(id) = id {
            *slot = id;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// TC
// ---------------------------------------------------------------------------

/// The fields of a caller's `struct bpf_tc_hook`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TcHook {
    pub ifindex: i32,
    pub attach_point: u32,
    pub parent: u32,
}

/// The input fields of a caller's `struct bpf_tc_opts`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TcOpts {
    pub prog_fd: i32,
    pub flags: u32,
    pub prog_id: u32,
    pub handle: u32,
    pub priority: u32,
}

/// What the kernel reports of a filter: written back into `bpf_tc_opts`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcFilter {
    pub prog_id: u32,
    pub handle: u32,
    pub priority: u32,
}

/// The qdisc for a hook: only `clsact` (for ingress, egress or both), which
/// takes no parent; a custom hook has no qdisc libbpf could create.
fn qdisc_check(hook: &TcHook) -> Result<(), Error> {
    match hook.attach_point {
        BPF_TC_INGRESS | BPF_TC_EGRESS => {}
        x if x == BPF_TC_INGRESS | BPF_TC_EGRESS => {}
        BPF_TC_CUSTOM => return Err(Error::Unsupported("tc hook: custom qdisc")),
        _ => return Err(inval("tc hook: attach_point")),
    }
    if hook.parent != 0 {
        return Err(inval("tc hook: parent set for a clsact hook"));
    }
    Ok(())
}

/// The filter parent (`tcm_parent`) of a hook.
fn tcm_parent(hook: &TcHook) -> Result<u32, Error> {
    match hook.attach_point {
        BPF_TC_INGRESS | BPF_TC_EGRESS if hook.parent != 0 => {
            Err(inval("tc hook: parent set for ingress/egress"))
        }
        BPF_TC_INGRESS => Ok(tc_h_make(TC_H_CLSACT, TC_H_MIN_INGRESS)),
        BPF_TC_EGRESS => Ok(tc_h_make(TC_H_CLSACT, TC_H_MIN_EGRESS)),
        BPF_TC_CUSTOM if hook.parent == 0 => Err(inval("tc hook: custom hook without parent")),
        BPF_TC_CUSTOM => Ok(hook.parent),
        _ => Err(inval("tc hook: attach_point")),
    }
}

fn qdisc_modify(hook: &TcHook, cmd: u16, flags: u16) -> Result<(), Error> {
    qdisc_check(hook)?;
    let mut req = NlRequest::new(
        cmd,
        NLM_F_REQUEST | NLM_F_ACK | flags,
        &tcmsg(hook.ifindex, tc_h_make(TC_H_CLSACT, 0), TC_H_CLSACT, 0),
    );
    req.put_str(TCA_KIND, b"clsact");
    netlink::request(NETLINK_ROUTE, &mut req, |_| Ok(Flow::Cont))
}

/// `bpf_tc_hook_create`: an exclusive `clsact` qdisc (EEXIST if one is there).
pub fn hook_create(hook: &TcHook) -> Result<(), Error> {
    if hook.ifindex <= 0 {
        return Err(inval("tc hook: ifindex"));
    }
    qdisc_modify(hook, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL)
}

/// `bpf_tc_hook_destroy`: one direction flushes its filters; both directions
/// delete the `clsact` qdisc.
pub fn hook_destroy(hook: &TcHook) -> Result<(), Error> {
    if hook.ifindex <= 0 {
        return Err(inval("tc hook: ifindex"));
    }
    match hook.attach_point {
        BPF_TC_INGRESS | BPF_TC_EGRESS => tc_detach(hook, None),
        x if x == BPF_TC_INGRESS | BPF_TC_EGRESS => qdisc_modify(hook, RTM_DELQDISC, 0),
        BPF_TC_CUSTOM => Err(Error::Unsupported("tc hook: custom qdisc")),
        _ => Err(inval("tc hook: attach_point")),
    }
}

fn tcm_info(priority: u32) -> u32 {
    tc_h_make(priority << 16, u32::from(ETH_P_ALL.to_be()))
}

/// `(name, id)` of a program fd, for the filter's `TCA_BPF_NAME` ("name:[id]").
fn prog_name_id(fd: i32) -> Result<(Vec<u8>, u32), Error> {
    let info = crate::sys::obj::prog_info_raw(fd)?;
    let name = info.name.split(|&b| b == 0).next().unwrap_or_default();
    Ok((name.to_vec(), info.id))
}

/// Reads a filter message (echoed by an attach, or answering a query).
/// `unicast` is the echo case: a second echo is an error, and the ack follows.
fn filter_reply(m: &NlMsg<'_>, out: &mut Option<TcFilter>) -> Result<Flow, Error> {
    let Some(attrs) = m.payload.get(TCMSG_LEN..) else {
        return Ok(Flow::Cont);
    };
    let tc = m.payload;
    let mut kind = None;
    let mut options = None;
    for a in netlink::attrs(attrs) {
        // libbpf ignores parse errors here; keep what parsed.
        let Ok(a) = a else { break };
        match a.ty {
            TCA_KIND => kind = Some(a),
            TCA_OPTIONS => options = Some(a),
            _ => {}
        }
    }
    if kind.is_none() {
        return Ok(Flow::Cont);
    }
    let unicast = m.flags & NLM_F_ECHO != 0;
    if unicast && out.is_some() {
        return Err(inval("tc: more than one filter echoed"));
    }
    let Some(options) = options else {
        return Ok(Flow::Cont);
    };
    let mut id = None;
    for a in options.nested() {
        let Ok(a) = a else { break };
        if a.ty == TCA_BPF_ID {
            id = Some(a);
        }
    }
    let id = id
        .and_then(|a| a.u32())
        .ok_or_else(|| inval("tc: filter without a BPF program id"))?;
    let handle = netlink::read_u32(tc, 8).unwrap_or(0);
    let info = netlink::read_u32(tc, 16).unwrap_or(0);
    *out = Some(TcFilter {
        prog_id: id,
        handle,
        priority: (info & 0xFFFF_0000) >> 16,
    });
    Ok(if unicast { Flow::Next } else { Flow::Done })
}

/// `bpf_tc_attach`: a `bpf` filter in direct-action mode with the given handle
/// and priority (0 = kernel's choice); `BPF_TC_F_REPLACE` may replace an existing
/// one, else EEXIST. Returns what the kernel echoed.
pub fn tc_attach(hook: &TcHook, o: &TcOpts) -> Result<TcFilter, Error> {
    if hook.ifindex <= 0 || o.prog_fd == 0 || o.prog_id != 0 {
        return Err(inval("tc attach: ifindex, prog_fd or prog_id"));
    }
    if o.priority > u32::from(u16::MAX) {
        return Err(inval("tc attach: priority"));
    }
    if o.flags & !BPF_TC_F_REPLACE != 0 {
        return Err(inval("tc attach: flags"));
    }
    let excl = if o.flags & BPF_TC_F_REPLACE != 0 {
        NLM_F_REPLACE
    } else {
        NLM_F_EXCL
    };
    let parent = tcm_parent(hook)?;
    let mut req = NlRequest::new(
        RTM_NEWTFILTER,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_ECHO | excl,
        &tcmsg(hook.ifindex, o.handle, parent, tcm_info(o.priority)),
    );
    req.put_str(TCA_KIND, b"bpf");
    let nest = req.begin_nested(TCA_OPTIONS);
    let (name, id) = prog_name_id(o.prog_fd)?;
    req.put_i32(TCA_BPF_FD, o.prog_fd);
    let mut label = name;
    label.extend_from_slice(format!(":[{id}]").as_bytes());
    req.put_str(TCA_BPF_NAME, &label);
    req.put_u32(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
    req.end_nested(nest);
    let mut out = None;
    netlink::request(NETLINK_ROUTE, &mut req, |m| filter_reply(m, &mut out))?;
    out.ok_or(Error::NotFound("tc attach: no filter echoed"))
}

/// `bpf_tc_detach` (`opts` given: one filter by handle and priority) and the
/// flush of one direction by `bpf_tc_hook_destroy` (`opts` None).
pub fn tc_detach(hook: &TcHook, o: Option<&TcOpts>) -> Result<(), Error> {
    let o = o.copied();
    let flush = o.is_none();
    let o = o.unwrap_or_default();
    if hook.ifindex <= 0 || o.flags != 0 || o.prog_fd != 0 || o.prog_id != 0 {
        return Err(inval("tc detach: ifindex, flags, prog_fd or prog_id"));
    }
    if o.priority > u32::from(u16::MAX) {
        return Err(inval("tc detach: priority"));
    }
    if !flush && (o.handle == 0 || o.priority == 0) {
        return Err(inval("tc detach: handle and priority are required"));
    }
    let (handle, info) = if flush {
        (0, 0)
    } else {
        (o.handle, tcm_info(o.priority))
    };
    let parent = tcm_parent(hook)?;
    let mut req = NlRequest::new(
        RTM_DELTFILTER,
        NLM_F_REQUEST | NLM_F_ACK,
        &tcmsg(hook.ifindex, handle, parent, info),
    );
    if !flush {
        req.put_str(TCA_KIND, b"bpf");
    }
    netlink::request(NETLINK_ROUTE, &mut req, |_| Ok(Flow::Cont))
}

/// `bpf_tc_query`: the program id of the filter at (handle, priority).
pub fn tc_query(hook: &TcHook, o: &TcOpts) -> Result<TcFilter, Error> {
    if hook.ifindex <= 0
        || o.flags != 0
        || o.prog_fd != 0
        || o.prog_id != 0
        || o.handle == 0
        || o.priority == 0
    {
        return Err(inval("tc query: needs only ifindex, handle and priority"));
    }
    if o.priority > u32::from(u16::MAX) {
        return Err(inval("tc query: priority"));
    }
    let parent = tcm_parent(hook)?;
    let mut req = NlRequest::new(
        RTM_GETTFILTER,
        NLM_F_REQUEST,
        &tcmsg(hook.ifindex, o.handle, parent, tcm_info(o.priority)),
    );
    req.put_str(TCA_KIND, b"bpf");
    let mut out = None;
    netlink::request(NETLINK_ROUTE, &mut req, |m| filter_reply(m, &mut out))?;
    out.ok_or(Error::NotFound("tc query: no filter"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_and_parents() {
        assert_eq!(tc_h_make(TC_H_CLSACT, 0), 0xFFFF_0000);
        let h = |ap, parent| TcHook {
            ifindex: 1,
            attach_point: ap,
            parent,
        };
        assert_eq!(tcm_parent(&h(BPF_TC_INGRESS, 0)).unwrap(), 0xFFFF_FFF2);
        assert_eq!(tcm_parent(&h(BPF_TC_EGRESS, 0)).unwrap(), 0xFFFF_FFF3);
        assert_eq!(tcm_parent(&h(BPF_TC_CUSTOM, 0x10002)).unwrap(), 0x10002);
        assert!(tcm_parent(&h(BPF_TC_CUSTOM, 0)).is_err());
        assert!(tcm_parent(&h(BPF_TC_INGRESS, 5)).is_err());
        assert!(tcm_parent(&h(3, 0)).is_err());
        assert_eq!(tcm_info(1), 0x0001_0300);
        assert!(qdisc_check(&h(3, 0)).is_ok());
        assert_eq!(
            qdisc_check(&h(BPF_TC_CUSTOM, 0)).unwrap_err().errno(),
            libc::EOPNOTSUPP
        );
        assert!(qdisc_check(&h(8, 0)).is_err());
    }

    #[test]
    fn query_flags_and_ids() {
        assert!(check_query_flags(0).is_ok());
        assert!(check_query_flags(XDP_FLAGS_SKB_MODE | XDP_FLAGS_REPLACE).is_ok());
        assert!(check_query_flags(XDP_FLAGS_SKB_MODE | XDP_FLAGS_DRV_MODE).is_err());
        assert!(check_query_flags(1 << 5).is_err());
        let i = XdpInfo {
            prog_id: 1,
            drv_prog_id: 2,
            hw_prog_id: 3,
            skb_prog_id: 4,
            attach_mode: 2,
        };
        assert_eq!(i.id_for(0), 1);
        assert_eq!(i.id_for(XDP_FLAGS_SKB_MODE), 4);
        assert_eq!(i.id_for(XDP_FLAGS_DRV_MODE), 2);
        let multi = XdpInfo {
            attach_mode: XDP_ATTACHED_MULTI,
            ..i
        };
        assert_eq!(multi.id_for(0), 0);
    }

    #[test]
    fn link_dump_on_loopback() {
        // A real RTM_GETLINK dump (no privilege needed): `lo` has no XDP program.
        let info = xdp_query(1, 0).expect("link dump");
        assert_eq!(info, XdpInfo::default());
        assert_eq!(
            xdp_query(1, XDP_FLAGS_SKB_MODE | XDP_FLAGS_HW_MODE)
                .unwrap_err()
                .errno(),
            libc::EINVAL
        );
    }

    #[test]
    fn filter_reply_parsing() {
        let mut req = NlRequest::new(0, 0, &tcmsg(3, 0x1_0000, 0, 0x0005_0300));
        req.put_str(TCA_KIND, b"bpf");
        let n = req.begin_nested(TCA_OPTIONS);
        req.put_u32(TCA_BPF_ID, 42);
        req.end_nested(n);
        let bytes = req.bytes()[16..].to_vec();
        let mut out = None;
        let m = NlMsg {
            ty: RTM_NEWTFILTER,
            flags: NLM_F_ECHO,
            payload: &bytes,
        };
        assert_eq!(filter_reply(&m, &mut out).unwrap(), Flow::Next);
        assert_eq!(
            out,
            Some(TcFilter {
                prog_id: 42,
                handle: 0x1_0000,
                priority: 5
            })
        );
        assert!(filter_reply(&m, &mut out).is_err());
        let q = NlMsg { flags: 0, ..m };
        assert_eq!(filter_reply(&q, &mut out).unwrap(), Flow::Done);
    }
}
