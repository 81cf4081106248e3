//! `set_link_xdp_fd(ifindex, fd, flags)` of bpf_load.c v4.10–v4.16: the
//! `RTM_SETLINK`/`IFLA_XDP` request is [`crate::attach::xdp_tc::xdp_set`] (the one netlink
//! layer); this maps its failures to the lines bpf_load.c printed. `fd == -1`
//! detaches.

use crate::error::{errno_text, Error};

/// A failure: the errno and the line bpf_load.c printed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XdpError {
    pub errno: i32,
    pub msg: String,
}

/// Sets (or with `fd == -1` removes) the XDP program of `ifindex`.
pub fn set_link_xdp_fd(ifindex: i32, fd: i32, flags: u32) -> Result<(), XdpError> {
    crate::attach::xdp_tc::xdp_set(ifindex, fd, -1, flags).map_err(|e| {
        let errno = e.errno();
        let msg = match &e {
            // The kernel's NLMSG_ERROR answer, as bpf_load.c reported it.
            Error::Sys(s) if s.call == "netlink" => format!("nlmsg error {}\n", errno_text(errno)),
            Error::Sys(s) => format!("{} error: {}\n", s.call, errno_text(errno)),
            other => format!("nlmsg error {other}\n"),
        };
        XdpError { errno, msg }
    })
}
