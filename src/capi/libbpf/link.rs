//! `struct bpf_link` exports (`bpf/libbpf.h`): fd, pin/unpin, update, detach,
//! disconnect, destroy, open from a pin. Spec `libbpf-api.md` §1.0 (destroy),
//! §1.2 (`bpf_link__*`), §2.5 (NULL/ERR_PTR handling).
//!
//! Handles: a `struct bpf_link *` is a [`Registry`] handle over a `Link`, checked
//! before any dereference, so NULL, ERR_PTR, garbage
//! or destroyed pointers give EINVAL (or are ignored by destroy), never a crash.

use crate::attach::Link;
use crate::capi::arg;
use crate::capi::boundary::{hl, ptr, value};
use crate::capi::registry::Registry;
use crate::capi::types::*;
use crate::error::Error;
use std::ffi::{c_char, c_int};

/// Live links.
static LINKS: Registry<Link> = Registry::new("bpf_link");

/// Hands a new link to C.
pub(crate) fn register(link: Link) -> *mut bpf_link {
    LINKS.register(link)
}

/// The live link behind `link`, or EINVAL.
pub(crate) fn link_mut<'a>(link: *const bpf_link) -> Result<&'a mut Link, Error> {
    LINKS.get_mut(link)
}

/// `bpf_link__fd` (LIBBPF_0.0.8): the link's fd (the perf event fd for a perf
/// event attached by ioctl). -EINVAL with errno for NULL or an unknown pointer
/// (libbpf would crash).
#[no_mangle]
pub extern "C" fn bpf_link__fd(link: *const bpf_link) -> c_int {
    hl("bpf_link__fd", || Ok(link_mut(link)?.fd()))
}

/// `bpf_link__pin_path` (LIBBPF_0.0.8): where the link is pinned, or NULL (not
/// pinned; errno ENOENT — EINVAL for an invalid link).
#[no_mangle]
pub extern "C" fn bpf_link__pin_path(link: *const bpf_link) -> *const c_char {
    ptr("bpf_link__pin_path", || {
        link_mut(link)?
            .pin_path()
            .map(|p| p.as_ptr() as *mut c_char)
            .ok_or(Error::NotFound("link is not pinned"))
    })
}

/// `bpf_link__pin` (LIBBPF_0.0.8): pins the link at `path`, which must be on a
/// bpffs. 0, or HL: -EBUSY if already pinned, -EINVAL for a path off bpffs or
/// NULL, the kernel's -errno otherwise.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_link__pin(link: *mut bpf_link, path: *const c_char) -> c_int {
    hl("bpf_link__pin", || {
        let l = link_mut(link)?;
        // SAFETY: NULL or a C string (caller contract).
        let p = unsafe { arg::cstr(path, "path is NULL") }?;
        l.pin(p)?;
        Ok(0)
    })
}

/// `bpf_link__unpin` (LIBBPF_0.0.8): removes the pin file. 0, or HL: -EINVAL if
/// not pinned, the unlink's -errno.
#[no_mangle]
pub extern "C" fn bpf_link__unpin(link: *mut bpf_link) -> c_int {
    hl("bpf_link__unpin", || {
        link_mut(link)?.unpin()?;
        Ok(0)
    })
}

/// `bpf_link__update_program` (LIBBPF_0.0.8): makes the link run `prog`
/// (`BPF_LINK_UPDATE`). 0, or HL (-errno).
#[no_mangle]
pub extern "C" fn bpf_link__update_program(link: *mut bpf_link, prog: *mut bpf_program) -> c_int {
    hl("bpf_link__update_program", || {
        let l = link_mut(link)?;
        let (h, i) = crate::capi::libbpf::object::prog_ref(prog)?;
        let fd =
            h.st.progs
                .get(i)
                .and_then(|p| p.fd.as_ref())
                .map_or(-1, std::os::fd::AsRawFd::as_raw_fd);
        l.update_program(fd)?;
        Ok(0)
    })
}

/// `bpf_link__disconnect` (LIBBPF_0.0.7): `bpf_link__destroy` will then free the
/// link without detaching the program (its fd is left open). Invalid links are
/// ignored.
#[no_mangle]
pub extern "C" fn bpf_link__disconnect(link: *mut bpf_link) {
    value("bpf_link__disconnect", (), || {
        if let Ok(l) = link_mut(link) {
            l.disconnect();
        }
    })
}

/// `bpf_link__detach` (LIBBPF_0.1.0): `BPF_LINK_DETACH`; the link stays valid
/// (defunct) until destroyed. 0, or HL (-errno).
#[no_mangle]
pub extern "C" fn bpf_link__detach(link: *mut bpf_link) -> c_int {
    hl("bpf_link__detach", || {
        link_mut(link)?.detach()?;
        Ok(0)
    })
}

/// `bpf_link__destroy` (LIBBPF_0.0.4): detaches (unless disconnected) and frees
/// the link, closing its fds (for a perf event link also the event; an event
/// attached by ioctl is disabled first). NULL and ERR_PTR give 0; an unknown
/// pointer gives -EINVAL.
#[no_mangle]
pub extern "C" fn bpf_link__destroy(link: *mut bpf_link) -> c_int {
    hl("bpf_link__destroy", || {
        let v = link as isize;
        if link.is_null() || (-4095..0).contains(&v) {
            return Ok(0);
        }
        let Some(l) = LINKS.take(link)? else {
            return Err(Error::Stale("bpf_link"));
        };
        l.destroy()?;
        Ok(0)
    })
}

/// `bpf_link__open` (LIBBPF_0.0.8): the link pinned at `path` (`BPF_OBJ_GET`),
/// remembering `path` as its pin path. NULL with errno on failure (the kernel's
/// errno; a NULL path gives its EFAULT, as libbpf).
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_link__open(path: *const c_char) -> *mut bpf_link {
    ptr("bpf_link__open", || {
        // SAFETY: NULL or a C string (caller contract).
        let Some(p) = (unsafe { arg::opt_cstr(path) }) else {
            crate::log::warn(format_args!("failed to open link at (null): -14"));
            return Err(Error::Sys(crate::SysError {
                call: "BPF_OBJ_GET",
                errno: libc::EFAULT,
            }));
        };
        Ok(register(Link::open(p)?))
    })
}
