//! `bpf_map__attach_struct_ops` as libbpf 1.1.2 does it: the kernel value
//! worked out at load, with each program's fd in its function-pointer slot, is
//! written with `BPF_MAP_UPDATE_ELEM` (key 0), which registers the struct_ops
//! (a TCP congestion control, …). The link is the map fd itself, not a BPF
//! link: destroying it deletes the element (unregisters), `bpf_link__fd` gives
//! the map's fd, and `bpf_link__detach` (`BPF_LINK_DETACH` on a map fd) is the
//! kernel's EINVAL. libbpf 1.1.2's `bpf_object__attach_skeleton` attaches
//! programs only, so skeletons do not register struct_ops maps (libbpf 1.5 does).
//! Spec: `libbpf-api.md` §1.2 (`bpf_map__attach_struct_ops`).

use super::{Kind, Link};
use crate::error::Error;
use crate::load::ObjState;
use crate::sys::{self, UserPtr};
use std::os::fd::{AsFd, AsRawFd};

/// Registers struct_ops map `map` of `st`: EINVAL for a map that is not a
/// struct_ops map or has no fd (not loaded), the kernel's errno for a refused
/// update (EBUSY once registered).
pub fn attach(st: &ObjState, map: usize) -> Result<Link, Error> {
    let m = st.maps.get(map).ok_or(Error::Inval("bad map"))?;
    let (Some(so), Some(fd)) = (m.def.st_ops.as_ref(), m.fd.as_ref()) else {
        return Err(Error::Inval("not a loaded struct_ops map"));
    };
    let kern = so
        .kern
        .as_ref()
        .ok_or(Error::Inval("struct_ops map not loaded"))?;
    let mut value = kern.value.clone();
    for &(prog, off, _) in &kern.funcs {
        // libbpf stores `bpf_program__fd()` as an `unsigned long`: -EINVAL for a
        // program that was not loaded, which the kernel then refuses.
        let prog_fd = st
            .progs
            .get(prog)
            .and_then(|p| p.fd.as_ref())
            .map_or(-libc::EINVAL, |f| f.as_raw_fd());
        let slot = value
            .get_mut(off..off + 8)
            .ok_or(Error::Bug("struct_ops slot outside the value"))?;
        slot.copy_from_slice(&i64::from(prog_fd).to_ne_bytes());
    }
    let key = 0u32;
    sys::map::map_update_elem(
        fd.as_fd(),
        UserPtr::from_ptr(&key),
        UserPtr::from_ptr(value.as_ptr()),
        0,
    )?;
    Ok(Link {
        fd: None,
        kind: Kind::StructOps {
            map_fd: fd.as_raw_fd(),
        },
        pin_path: None,
        disconnected: false,
    })
}
