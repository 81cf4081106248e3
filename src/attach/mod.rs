//! Attaching loaded programs and the link object (`struct bpf_link`).
//!
//! Owns: [`Link`] (a BPF link fd, a perf event attached through a BPF link, or a
//! perf event attached with `PERF_EVENT_IOC_SET_BPF`) and its lifecycle (pin,
//! unpin, update, detach, disconnect, destroy); what each `bpf_program__attach*`
//! does (`perf` for the perf-event based kinds and tracefs, `elf` for uprobe
//! targets); auto-attach by section definition ([`attach_auto`]).
//! Calls `sys` for kernel I/O, `load` for the program state; never `capi`.
//! Spec: `libbpf-api.md` §1.2 (attach functions, `bpf_link__*`), §4.2 (opts).

pub mod elf;
pub mod kprobe_multi;
pub mod perf;
pub mod struct_ops;
pub mod usdt;
pub mod xdp_tc;

use crate::error::Error;
use crate::load::{ObjState, ProgState};
use crate::object::sec::{self, AttachKind};
use crate::sys::{self, UserPtr};
use crate::uapi::{self, ENOTSUPP};
use std::ffi::{CStr, CString};
use std::os::fd::{AsFd, AsRawFd, IntoRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::DirBuilderExt;

/// How a link is attached, which decides how it is taken down.
#[derive(Debug)]
enum Kind {
    /// A BPF link fd: closing it detaches (unless pinned).
    Bpf,
    /// A BPF link on a perf event (`BPF_PERF_EVENT`): the event fd is closed too.
    Perf { event: OwnedFd },
    /// A perf event with the program set by `PERF_EVENT_IOC_SET_BPF`: disabled,
    /// then closed.
    PerfIoctl,
    /// Several links taken down together (a USDT attach: one uprobe per probe
    /// site), then what they hold released.
    Multi {
        parts: Vec<Link>,
        release: Option<usdt::Release>,
    },
    /// A registered struct_ops map (`struct_ops`): the map's fd, which the
    /// object owns; taking it down deletes the map's element.
    StructOps { map_fd: i32 },
}

/// An attachment: what `struct bpf_link *` points to.
#[derive(Debug)]
pub struct Link {
    /// The link fd, or the perf event fd for [`Kind::PerfIoctl`]; none for
    /// [`Kind::Multi`].
    fd: Option<OwnedFd>,
    kind: Kind,
    pin_path: Option<CString>,
    disconnected: bool,
}

impl Link {
    /// A link owning a BPF link fd.
    pub fn from_fd(fd: OwnedFd) -> Link {
        Link {
            fd: Some(fd),
            kind: Kind::Bpf,
            pin_path: None,
            disconnected: false,
        }
    }

    /// `bpf_link__open`: the link pinned at `path` (`BPF_OBJ_GET`), which
    /// remembers `path` as its pin path.
    pub fn open(path: &CStr) -> Result<Link, Error> {
        let fd = sys::obj::obj_get(UserPtr::from_ptr(path.as_ptr()), 0).inspect_err(|e| {
            crate::log::warn(format_args!(
                "failed to open link at {}: -{}",
                path.to_string_lossy(),
                e.errno
            ))
        })?;
        let mut l = Link::from_fd(fd);
        l.pin_path = Some(path.to_owned());
        Ok(l)
    }

    /// The fd `bpf_link__fd` reports (-1 for a link of several).
    pub fn fd(&self) -> i32 {
        match self.kind {
            Kind::StructOps { map_fd } => map_fd,
            _ => self.fd.as_ref().map_or(-1, |fd| fd.as_raw_fd()),
        }
    }

    /// Where the link is pinned, if it is.
    pub fn pin_path(&self) -> Option<&CStr> {
        self.pin_path.as_deref()
    }

    /// `bpf_link__pin`: pins on a bpffs, creating the last directory of the path
    /// as libbpf does; EBUSY if already pinned, EINVAL if the directory is not
    /// on a bpffs.
    pub fn pin(&mut self, path: &CStr) -> Result<(), Error> {
        if self.pin_path.is_some() {
            crate::log::warn(format_args!(
                "link fd={}: already pinned at {}",
                self.fd(),
                self.pin_path()
                    .map_or_else(Default::default, |p| p.to_string_lossy())
            ));
            return Err(Error::Already("link already pinned"));
        }
        make_parent_dir(path)?;
        check_bpffs(path)?;
        sys::obj::obj_pin(self.fd(), UserPtr::from_ptr(path.as_ptr()))?;
        crate::log::debug(format_args!(
            "link fd={}: pinned at {}",
            self.fd(),
            path.to_string_lossy()
        ));
        self.pin_path = Some(path.to_owned());
        Ok(())
    }

    /// `bpf_link__unpin`: removes the pin file; EINVAL if not pinned.
    pub fn unpin(&mut self) -> Result<(), Error> {
        let Some(path) = self.pin_path.as_deref() else {
            return Err(Error::Inval("link is not pinned"));
        };
        let p = std::path::Path::new(<std::ffi::OsStr as OsStrExt>::from_bytes(path.to_bytes()));
        std::fs::remove_file(p).map_err(|e| Error::io("unlink of the pin path", &e))?;
        crate::log::debug(format_args!(
            "link fd={}: unpinned from {}",
            self.fd(),
            path.to_string_lossy()
        ));
        self.pin_path = None;
        Ok(())
    }

    /// `bpf_link__update_program`: `BPF_LINK_UPDATE` to `prog_fd`.
    pub fn update_program(&self, prog_fd: i32) -> Result<(), Error> {
        Ok(sys::link::link_update(self.fd(), prog_fd, 0, 0)?)
    }

    /// `bpf_link__detach`: `BPF_LINK_DETACH`; the fd stays open.
    pub fn detach(&self) -> Result<(), Error> {
        Ok(sys::link::link_detach(self.fd())?)
    }

    /// `bpf_link__disconnect`: [`Link::destroy`] will then free the link without
    /// detaching it.
    pub fn disconnect(&mut self) {
        self.disconnected = true;
    }

    /// `bpf_link__destroy`: detaches (closes the fds, disabling an ioctl-attached
    /// perf event first) unless disconnected. A disconnected link's fds are left
    /// open on purpose, as libbpf does: closing them would detach the program.
    pub fn destroy(self) -> Result<(), Error> {
        if self.disconnected {
            let _ = self.fd.map(IntoRawFd::into_raw_fd);
            match self.kind {
                Kind::Perf { event } => {
                    let _ = event.into_raw_fd();
                }
                Kind::Multi { parts, .. } => {
                    for mut l in parts {
                        l.disconnect();
                        let _ = l.destroy();
                    }
                }
                Kind::Bpf | Kind::PerfIoctl | Kind::StructOps { .. } => {}
            }
            return Ok(());
        }
        match self.kind {
            Kind::Bpf => drop(self.fd),
            Kind::Perf { event } => {
                drop(self.fd);
                drop(event);
            }
            Kind::PerfIoctl => {
                // Best effort, as libbpf: the close below detaches anyway.
                if let Some(fd) = &self.fd {
                    let _ = sys::perf::disable(fd.as_fd());
                }
                drop(self.fd);
            }
            Kind::Multi { parts, release } => {
                let mut first_err = None;
                for l in parts {
                    if let Err(e) = l.destroy() {
                        first_err.get_or_insert(e);
                    }
                }
                if let Some(r) = release {
                    r.run();
                }
                return first_err.map_or(Ok(()), Err);
            }
            Kind::StructOps { map_fd } => sys::link::struct_ops_unregister(map_fd)?,
        }
        Ok(())
    }
}

/// The directory part of a path (`dirname`).
fn parent(path: &CStr) -> &[u8] {
    let bytes = path.to_bytes();
    match bytes.iter().rposition(|&b| b == b'/') {
        Some(0) => b"/",
        Some(i) => &bytes[..i],
        None => b".",
    }
}

/// libbpf's `make_parent_dir`: `mkdir(dirname(path), 0700)`, an existing
/// directory being fine (one level only, as libbpf).
fn make_parent_dir(path: &CStr) -> Result<(), Error> {
    let dir = std::path::Path::new(<std::ffi::OsStr as OsStrExt>::from_bytes(parent(path)));
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
            let e = Error::io("mkdir of the pin directory", &e);
            crate::log::warn(format_args!(
                "failed to mkdir {}: {}",
                path.to_string_lossy(),
                crate::error::errno_text(e.errno())
            ));
            Err(e)
        }
        _ => Ok(()),
    }
}

/// libbpf's pin-path check: the directory of `path` must be on a bpffs.
fn check_bpffs(path: &CStr) -> Result<(), Error> {
    let dir_c = CString::new(parent(path)).map_err(|_| Error::Inval("pin path"))?;
    let t = sys::obj::fs_type(&dir_c).inspect_err(|e| {
        crate::log::warn(format_args!(
            "failed to statfs {}: {}",
            dir_c.to_string_lossy(),
            crate::error::errno_text(e.errno)
        ))
    })?;
    if t != uapi::BPF_FS_MAGIC {
        crate::log::warn(format_args!(
            "specified path {} is not on BPF FS",
            path.to_string_lossy()
        ));
        return Err(Error::Inval("pin path is not on a bpffs"));
    }
    Ok(())
}

/// The loaded program's fd, or EINVAL with libbpf's message.
pub fn prog_fd(p: &ProgState) -> Result<i32, Error> {
    loaded_fd(p, "can't attach BPF program w/o FD (did you load it?)")
}

/// The loaded program's fd for the `bpf_link` attaches (raw tracepoint, trace,
/// fd targets, iterators), or EINVAL with libbpf's message for those.
pub fn link_prog_fd(p: &ProgState) -> Result<i32, Error> {
    loaded_fd(p, "can't attach before loaded")
}

fn loaded_fd(p: &ProgState, msg: &str) -> Result<i32, Error> {
    p.fd.as_ref().map(|fd| fd.as_raw_fd()).ok_or_else(|| {
        crate::log::warn(format_args!("prog '{}': {msg}", p.def.name));
        Error::Inval("program not loaded")
    })
}

fn warn_failed(p: &ProgState, what: std::fmt::Arguments<'_>, e: &Error) {
    crate::log::warn(format_args!(
        "prog '{}': failed to attach{what}: {}",
        p.def.name,
        crate::error::errno_text(e.errno())
    ));
}

/// `bpf_program__attach_raw_tracepoint`: `BPF_RAW_TRACEPOINT_OPEN`. `name` is
/// passed to the kernel as given (NULL: the kernel's EFAULT, as libbpf).
pub fn attach_raw_tracepoint(p: &ProgState, name: Option<&CStr>) -> Result<Link, Error> {
    let fd = link_prog_fd(p)?;
    let ptr = name.map_or(UserPtr::NULL, |n| UserPtr::from_ptr(n.as_ptr()));
    sys::attach::raw_tracepoint_open(ptr, fd)
        .map(Link::from_fd)
        .map_err(Error::from)
        .inspect_err(|e| {
            let n = name.map_or_else(|| "(null)".into(), |n| n.to_string_lossy());
            warn_failed(p, format_args!(" to raw tracepoint '{n}'"), e)
        })
}

/// `bpf_program__attach_trace(_opts)` and `attach_lsm`: a link of the program's
/// expected attach type (tp_btf, fentry, fexit, fmod_ret, lsm), with an optional
/// cookie; `BPF_RAW_TRACEPOINT_OPEN` on kernels before 5.8 (in `sys`).
pub fn attach_trace(p: &ProgState, cookie: u64) -> Result<Link, Error> {
    let fd = link_prog_fd(p)?;
    let mut lc = sys::link::LinkCreate {
        prog_fd: fd,
        attach_type: p.def.expected_attach_type,
        ..Default::default()
    };
    lc.per_type[..8].copy_from_slice(&cookie.to_ne_bytes());
    let r = sys::link::link_create(&lc).map(Link::from_fd);
    r.inspect_err(|e| {
        if e.errno() == libc::EPERM || e.errno() == ENOTSUPP {
            crate::log::warn(format_args!(
                "prog '{}': the kernel refused the {} link ({}): BPF trampolines \
                 (fentry/fexit/fmod_ret/lsm) may be unavailable or restricted here",
                p.def.name,
                p.def.sec_name,
                crate::error::errno_text(e.errno())
            ));
        }
        warn_failed(p, format_args!(""), e)
    })
}

/// A link to an fd or ifindex target: cgroup and netns (the program's expected
/// attach type), XDP (`BPF_XDP`).
pub fn attach_to(
    p: &ProgState,
    target: i32,
    attach_type: Option<u32>,
    what: &str,
) -> Result<Link, Error> {
    let fd = link_prog_fd(p)?;
    let lc = sys::link::LinkCreate {
        prog_fd: fd,
        target,
        attach_type: attach_type.unwrap_or(p.def.expected_attach_type),
        ..Default::default()
    };
    link_to(p, &lc, what)
}

/// `BPF_LINK_CREATE` as `lc` says, with libbpf's message naming `what` on failure.
fn link_to(p: &ProgState, lc: &sys::link::LinkCreate, what: &str) -> Result<Link, Error> {
    sys::link::link_create(lc)
        .map(Link::from_fd)
        .inspect_err(|e| warn_failed(p, format_args!(" to {what}"), e))
}

/// `bpf_program__attach_freplace`: an freplace program's link replacing function
/// `func` of the loaded program `target_fd` (`BPF_LINK_CREATE` with the function's
/// id in that program's BTF as `target_btf_id`), or, given neither, replacing the
/// function it was loaded against ([`attach_trace`]). EINVAL for one without the
/// other and for a program that is not `BPF_PROG_TYPE_EXT`; the target is looked
/// up before the program's fd is checked, as libbpf 1.1.2 does.
pub fn attach_freplace(p: &ProgState, target_fd: i32, func: Option<&str>) -> Result<Link, Error> {
    if (target_fd != 0) != func.is_some() {
        crate::log::warn(format_args!(
            "prog '{}': supply none or both of target_fd and attach_func_name",
            p.def.name
        ));
        return Err(Error::Inval("target_fd and attach_func_name go together"));
    }
    if p.def.prog_type != uapi::BPF_PROG_TYPE_EXT {
        crate::log::warn(format_args!(
            "prog '{}': only BPF_PROG_TYPE_EXT can attach as freplace",
            p.def.name
        ));
        return Err(Error::Inval("not an freplace program"));
    }
    let Some(func) = func else {
        return attach_trace(p, 0);
    };
    let target_btf_id = crate::load::target::prog_func_btf_id(func, target_fd)?;
    let lc = sys::link::LinkCreate {
        prog_fd: link_prog_fd(p)?,
        target: target_fd,
        attach_type: p.def.expected_attach_type,
        target_btf_id,
        ..Default::default()
    };
    link_to(p, &lc, "freplace")
}

/// `bpf_program__attach_iter`: a `BPF_TRACE_ITER` link with the caller's
/// `bpf_iter_link_info` (an address the kernel reads).
pub fn attach_iter(p: &ProgState, link_info: UserPtr, link_info_len: u32) -> Result<Link, Error> {
    let fd = link_prog_fd(p)?;
    let lc = sys::link::LinkCreate {
        prog_fd: fd,
        attach_type: uapi::BPF_TRACE_ITER,
        iter_info: link_info,
        iter_info_len: link_info_len,
        ..Default::default()
    };
    link_to(p, &lc, "iterator")
}

/// `kprobe/FUNC[+OFFSET]` → (FUNC, OFFSET). libbpf accepts `[A-Za-z0-9_.]` names
/// and a C integer offset.
fn parse_func_offset(s: &str) -> Option<(&str, u64)> {
    let (func, off) = match s.split_once('+') {
        Some((f, o)) => (f, parse_c_int(o)?),
        None => (s, 0),
    };
    let ok = !func.is_empty()
        && func
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    ok.then_some((func, off))
}

/// `strtol(s, 0)`-style: decimal, `0x` hex or leading-`0` octal.
fn parse_c_int(s: &str) -> Option<u64> {
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

fn bad_section(p: &ProgState) -> Error {
    crate::log::warn(format_args!(
        "prog '{}': invalid section name '{}'",
        p.def.name, p.def.sec_name
    ));
    Error::Inval("section name has no valid attach target")
}

/// The error text of a section that has no automatic attach (skeletons skip it).
pub const NO_AUTO_ATTACH: &str = "section cannot be auto-attached";

/// `bpf_program__attach`: attaches as the program's section says. A section with
/// no auto-attach (or a bare `kprobe`, `tp`, `uprobe`, … without a target) is
/// EOPNOTSUPP, as libbpf 1.x.
pub fn attach_auto(obj: &ObjState, idx: usize) -> Result<Link, Error> {
    let p = obj.progs.get(idx).ok_or(Error::Inval("bad program"))?;
    // libbpf 1.1.2 says nothing here: the caller sees EOPNOTSUPP.
    let no_auto = || Error::Unsupported(NO_AUTO_ATTACH);
    let Some(def) = p.def.sec_def else {
        return Err(no_auto());
    };
    let target = sec::attach_target(&p.def.sec_name, def);
    match def.attach {
        AttachKind::None => Err(no_auto()),
        AttachKind::Trace | AttachKind::Lsm => attach_trace(p, 0),
        AttachKind::Iter => attach_iter(p, UserPtr::NULL, 0),
        AttachKind::Tracepoint => {
            let t = target.ok_or_else(no_auto)?;
            let (cat, name) = t.split_once('/').ok_or_else(|| bad_section(p))?;
            let cat = CString::new(cat).map_err(|_| bad_section(p))?;
            let name = CString::new(name).map_err(|_| bad_section(p))?;
            perf::attach_tracepoint(p, &cat, &name, 0)
        }
        AttachKind::RawTracepoint => {
            let t = target.ok_or_else(no_auto)?;
            let name = CString::new(t).map_err(|_| bad_section(p))?;
            attach_raw_tracepoint(p, Some(&name))
        }
        AttachKind::Kprobe | AttachKind::Kretprobe => {
            let t = target.ok_or_else(no_auto)?;
            let (func, off) = parse_func_offset(t).ok_or_else(|| bad_section(p))?;
            let func = CString::new(func).map_err(|_| bad_section(p))?;
            let o = perf::KprobeOpts {
                offset: off,
                retprobe: def.attach == AttachKind::Kretprobe,
                cookie: 0,
            };
            perf::attach_kprobe(p, Some(&func), &o)
        }
        AttachKind::Ksyscall | AttachKind::Kretsyscall => {
            let t = target.ok_or_else(no_auto)?;
            let func = CString::new(perf::ksyscall_func(t)).map_err(|_| bad_section(p))?;
            let o = perf::KprobeOpts {
                offset: 0,
                retprobe: def.attach == AttachKind::Kretsyscall,
                cookie: 0,
            };
            perf::attach_kprobe(p, Some(&func), &o)
        }
        AttachKind::Uprobe | AttachKind::Uretprobe => {
            let t = target.ok_or_else(no_auto)?;
            let (path, rest) = t.split_once(':').ok_or_else(|| bad_section(p))?;
            let (func, off) = match parse_c_int(rest) {
                Some(off) => (None, off),
                None => {
                    let (f, o) = parse_func_offset(rest).ok_or_else(|| bad_section(p))?;
                    (Some(CString::new(f).map_err(|_| bad_section(p))?), o)
                }
            };
            let path = CString::new(path).map_err(|_| bad_section(p))?;
            let o = perf::UprobeOpts {
                ref_ctr_offset: 0,
                cookie: 0,
                retprobe: def.attach == AttachKind::Uretprobe,
                func_name: func,
            };
            perf::attach_uprobe(p, -1, &path, off, &o)
        }
        AttachKind::Usdt => attach_usdt_auto(obj, p, target.ok_or_else(no_auto)?),
        AttachKind::KprobeMulti | AttachKind::KretprobeMulti => {
            let t = target.ok_or_else(no_auto)?;
            kprobe_multi::attach_auto(p, t, def.attach == AttachKind::KretprobeMulti)
        }
    }
}

/// `SEC("usdt/PATH:PROVIDER:NAME")`: [`usdt::attach`] for every process, with
/// no cookie. A target without three parts is EINVAL, as libbpf says.
fn attach_usdt_auto(obj: &ObjState, p: &ProgState, target: &str) -> Result<Link, Error> {
    let mut it = target.split(':');
    let (Some(path), Some(provider), Some(name), None) =
        (it.next(), it.next(), it.next(), it.next())
    else {
        crate::log::warn(format_args!(
            "prog '{}': invalid format of section definition '{}'",
            p.def.name, p.def.sec_name
        ));
        return Err(Error::Inval("usdt section is not usdt/PATH:PROVIDER:NAME"));
    };
    let path = CString::new(path).map_err(|_| bad_section(p))?;
    usdt::attach(obj, p, -1, &path, provider, name, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn func_offsets() {
        assert_eq!(parse_func_offset("do_sys_open"), Some(("do_sys_open", 0)));
        assert_eq!(parse_func_offset("f+0x10"), Some(("f", 16)));
        assert_eq!(parse_func_offset("f+8"), Some(("f", 8)));
        assert_eq!(parse_func_offset("f.isra.0+010"), Some(("f.isra.0", 8)));
        assert_eq!(parse_func_offset(""), None);
        assert_eq!(parse_func_offset("a b"), None);
        assert_eq!(parse_func_offset("f+zz"), None);
        assert_eq!(parse_c_int("0"), Some(0));
    }
}
