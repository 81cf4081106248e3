//! Perf-event based attachment: tracepoints (tracefs ids), kprobes and uprobes
//! (dynamic PMUs), and attaching a program to any perf event fd.
//!
//! A program goes onto a perf event through a `BPF_LINK_CREATE` of type
//! `BPF_PERF_EVENT` when the kernel has it (5.15+, probed once), else through
//! `PERF_EVENT_IOC_SET_BPF` + `PERF_EVENT_IOC_ENABLE`, as libbpf 1.1.2 does; the
//! `bpf_link` then owns the event fd, and destroying it disables and closes the
//! event, which detaches the program.
//! Spec: `libbpf-api.md` §1.2 (attach functions), §4.2 (kprobe/uprobe opts).

use super::{prog_fd, Kind, Link};
use crate::error::Error;
use crate::load::ProgState;
use crate::sys;
use crate::sys::perf::{self as sp, PerfEventAttr};
use crate::uapi;
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::OnceLock;

const TRACEFS: &str = "/sys/kernel/tracing";
const DEBUGFS_TRACING: &str = "/sys/kernel/debug/tracing";

/// The tracing directory: tracefs at `/sys/kernel/tracing`, else the debugfs copy,
/// else tracefs mounted at `/sys/kernel/tracing` now (root only).
pub fn tracefs_root() -> Result<&'static str, Error> {
    static ROOT: OnceLock<&'static str> = OnceLock::new();
    if let Some(r) = ROOT.get() {
        return Ok(r);
    }
    let has = |d: &str| std::path::Path::new(&format!("{d}/events")).is_dir();
    let root = if has(TRACEFS) {
        TRACEFS
    } else if has(DEBUGFS_TRACING) {
        DEBUGFS_TRACING
    } else {
        sys::perf::mount_tracefs(c"/sys/kernel/tracing").inspect_err(|e| {
            crate::log::warn(format_args!(
                "tracefs is not mounted at {TRACEFS} or {DEBUGFS_TRACING}, and mounting it failed: {e}"
            ))
        })?;
        TRACEFS
    };
    Ok(ROOT.get_or_init(|| root))
}

/// The perf event id of tracepoint `cat/name` (`<tracefs>/events/<cat>/<name>/id`).
pub fn tracepoint_id(cat: &str, name: &str) -> Result<u64, Error> {
    let path = format!("{}/events/{cat}/{name}/id", tracefs_root()?);
    let fail = |e: Error| {
        crate::log::warn(format_args!(
            "failed to determine tracepoint '{cat}/{name}' perf event ID: {}",
            crate::error::errno_text(e.errno())
        ));
        e
    };
    let s = crate::file::read_text(std::path::Path::new(&path)).map_err(|e| {
        crate::log::debug(format_args!(
            "failed to open '{path}': {}",
            crate::error::errno_text(e.errno())
        ));
        fail(e.into_error("tracepoint id"))
    })?;
    s.trim()
        .parse()
        .map_err(|_| fail(Error::Inval("tracepoint id")))
}

/// Whether the kernel links programs to perf events with `BPF_LINK_CREATE`
/// (`BPF_PERF_EVENT`, 5.15): the loader's `PerfLink` probe, answered once per
/// process (by the fake kernel's personality in unit tests).
///
/// `LIBBPFRS_FORCE_PERF_IOCTL=1` in the environment answers "no", so the tests
/// can run the pre-5.15 `PERF_EVENT_IOC_SET_BPF` path on a new kernel.
fn perf_link_supported() -> bool {
    static FORCE_IOCTL: OnceLock<bool> = OnceLock::new();
    let force = *FORCE_IOCTL
        .get_or_init(|| std::env::var_os("LIBBPFRS_FORCE_PERF_IOCTL").is_some_and(|v| v == "1"));
    !force && crate::load::features::has(crate::load::features::Feature::PerfLink)
}

/// How a program went onto a perf event, before the link owns the event fd.
pub enum PerfAttach {
    /// A BPF link fd.
    Link(OwnedFd),
    /// `PERF_EVENT_IOC_SET_BPF` + `ENABLE` on the event itself.
    Ioctl,
}

impl PerfAttach {
    /// The link that owns `event` from now on (closed at destroy).
    pub fn into_link(self, event: OwnedFd) -> Link {
        match self {
            PerfAttach::Link(fd) => Link {
                fd: Some(fd),
                kind: Kind::Perf { event },
                pin_path: None,
                disconnected: false,
            },
            PerfAttach::Ioctl => Link {
                fd: Some(event),
                kind: Kind::PerfIoctl,
                pin_path: None,
                disconnected: false,
            },
        }
    }
}

/// `bpf_program__attach_perf_event_opts` without taking ownership: attaches the
/// program to the event `pfd` (a link, or the ioctl on old kernels, where a
/// cookie is EOPNOTSUPP). A negative `pfd` or an unloaded program is EINVAL.
pub fn attach_perf_fd(p: &ProgState, pfd: i32, cookie: u64) -> Result<PerfAttach, Error> {
    if pfd < 0 {
        crate::log::warn(format_args!(
            "prog '{}': invalid perf event FD {pfd}",
            p.def.name
        ));
        return Err(Error::Inval("invalid perf event fd"));
    }
    let fd = prog_fd(p)?;
    if perf_link_supported() {
        let mut lc = sys::link::LinkCreate {
            prog_fd: fd,
            target: pfd,
            attach_type: uapi::BPF_PERF_EVENT,
            ..Default::default()
        };
        lc.per_type[..8].copy_from_slice(&cookie.to_ne_bytes());
        return sys::link::link_create(&lc)
            .map(PerfAttach::Link)
            .inspect_err(|e| {
                crate::log::warn(format_args!(
                    "prog '{}': failed to create BPF link for perf_event FD {pfd}: -{} ({})",
                    p.def.name,
                    e.errno(),
                    crate::error::errno_text(e.errno())
                ))
            });
    }
    if cookie != 0 {
        crate::log::warn(format_args!(
            "prog '{}': user context value is not supported",
            p.def.name
        ));
        return Err(Error::Unsupported("bpf_cookie needs BPF perf links"));
    }
    let ev = sys::borrow_fd(pfd)?;
    let prog = sys::borrow_fd(fd)?;
    sp::set_bpf(ev, prog).inspect_err(|e| {
        crate::log::warn(format_args!(
            "prog '{}': failed to attach to perf_event FD {pfd}: {e}",
            p.def.name
        ));
        if e.errno == libc::EPROTO {
            crate::log::warn(format_args!(
                "prog '{}': try add PERF_SAMPLE_CALLCHAIN to or remove exclude_callchain_[kernel|user] from pfd {pfd}",
                p.def.name
            ));
        }
    })?;
    sp::enable(ev).inspect_err(|e| {
        crate::log::warn(format_args!(
            "prog '{}': failed to enable perf_event FD {pfd}: {e}",
            p.def.name
        ))
    })?;
    Ok(PerfAttach::Ioctl)
}

/// Attaches to an event this module opened; the link owns it (closed on failure).
fn attach_owned(p: &ProgState, event: OwnedFd, cookie: u64) -> Result<Link, Error> {
    let how = attach_perf_fd(p, event.as_raw_fd(), cookie)?;
    Ok(how.into_link(event))
}

/// `bpf_program__attach_tracepoint_opts`.
pub fn attach_tracepoint(
    p: &ProgState,
    cat: &CStr,
    name: &CStr,
    cookie: u64,
) -> Result<Link, Error> {
    let (c, n) = (cat.to_string_lossy(), name.to_string_lossy());
    let id = tracepoint_id(&c, &n).inspect_err(|e| {
        crate::log::warn(format_args!(
            "prog '{}': failed to create tracepoint '{c}/{n}' perf event: {}",
            p.def.name,
            crate::error::errno_text(e.errno())
        ))
    })?;
    let attr = PerfEventAttr::new(sp::TYPE_TRACEPOINT, id);
    let ev = sp::perf_event_open(&attr, -1, 0, -1, 0).inspect_err(|e| {
        crate::log::warn(format_args!(
            "tracepoint '{c}/{n}' perf_event_open() failed: {}",
            crate::error::errno_text(e.errno)
        ))
    })?;
    attach_owned(p, ev, cookie)
}

/// `bpf_kprobe_opts` after `sz`.
#[derive(Clone, Copy, Debug, Default)]
pub struct KprobeOpts {
    pub cookie: u64,
    pub offset: u64,
    pub retprobe: bool,
}

/// The config bit that makes a `kprobe`/`uprobe` PMU event a return probe.
fn retprobe_config(pmu: &str, retprobe: bool) -> Result<u64, Error> {
    if !retprobe {
        return Ok(0);
    }
    let bit = sp::pmu_retprobe_bit(pmu)?;
    if bit >= 64 {
        return Err(Error::Inval("retprobe bit out of range"));
    }
    Ok(1 << bit)
}

/// `bpf_program__attach_kprobe_opts` through the `kprobe` PMU. Without that PMU
/// libbpf 1.1.2 falls back to a legacy kprobe event made in tracefs's
/// `kprobe_events`: a kernel without kprobes at all (like this project's CI
/// kernel) has no such file, and the attach fails with ENOENT there, with
/// libbpf's messages; a kernel that has the file but no PMU (before 4.17) gets
/// EOPNOTSUPP: libbpfrs does not make legacy kprobe events.
pub fn attach_kprobe(p: &ProgState, func: Option<&CStr>, o: &KprobeOpts) -> Result<Link, Error> {
    let kind = if o.retprobe { "kretprobe" } else { "kprobe" };
    let fname = func.map_or_else(|| "(null)".into(), |f| f.to_string_lossy());
    let failed = |e: &Error| {
        crate::log::warn(format_args!(
            "prog '{}': failed to create {kind} '{fname}+{:#x}' perf event: {}",
            p.def.name,
            o.offset,
            crate::error::errno_text(e.errno())
        ))
    };
    let Ok(ty) = sp::pmu_type("kprobe") else {
        let e = legacy_kprobe(&fname, o.offset);
        failed(&e);
        return Err(e);
    };
    let mut attr = PerfEventAttr::new(ty, retprobe_config("kprobe", o.retprobe)?);
    attr.config1 = func.map_or(0, |f| f.as_ptr() as usize as u64);
    attr.config2 = o.offset;
    let ev = sp::perf_event_open(&attr, -1, 0, -1, 0).map_err(|e| {
        let e = Error::from(e);
        failed(&e);
        e
    })?;
    attach_owned(p, ev, o.cookie)
}

/// The legacy kprobe event libbpf 1.1.2 would add to `kprobe_events` (debugfs's
/// tracing directory when there is one, else tracefs's): the error of opening
/// that file, or EOPNOTSUPP when it opens (not made by libbpfrs).
fn legacy_kprobe(func: &str, offset: u64) -> Error {
    let dir = if std::path::Path::new(DEBUGFS_TRACING).exists() {
        DEBUGFS_TRACING
    } else {
        TRACEFS
    };
    let path = format!("{dir}/kprobe_events");
    let e = match std::fs::OpenOptions::new().append(true).open(&path) {
        Ok(_) => {
            crate::log::warn(format_args!(
                "kprobe '{func}+{offset:#x}': legacy kprobe events ({path}) are not supported by libbpfrs"
            ));
            return Error::Unsupported("legacy kprobe events");
        }
        Err(e) => Error::io("open kprobe_events", &e),
    };
    crate::log::warn(format_args!(
        "failed to add legacy kprobe event for '{func}+{offset:#x}': {}",
        crate::error::errno_text(e.errno())
    ));
    e
}

/// The kernel function of syscall `name` for `ksyscall`, as libbpf 1.1.2
/// chooses it: the arch wrapper (`__x64_sys_NAME`) when the kernel has syscall
/// wrappers (the `SyscallWrapper` probe, the answer `LINUX_HAS_SYSCALL_WRAPPER`
/// gives the program too), else `__se_sys_NAME`.
pub fn ksyscall_func(name: &str) -> String {
    use crate::load::features::{has, Feature};
    if has(Feature::SyscallWrapper) {
        format!("{}{name}", syscall_prefix())
    } else {
        format!("__se_sys_{name}")
    }
}

/// The arch prefix of syscall entry functions (`ksyscall/NAME`).
pub fn syscall_prefix() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "__x64_sys_",
        "x86" => "__ia32_sys_",
        "aarch64" => "__arm64_sys_",
        "s390x" => "__s390x_sys_",
        "riscv64" => "__riscv_sys_",
        "arm" => "__arm_sys_",
        "powerpc64" | "powerpc" => "__powerpc_sys_",
        _ => "sys_",
    }
}

/// `bpf_uprobe_opts` after `sz` (libbpf 1.1.2 fields).
#[derive(Clone, Debug, Default)]
pub struct UprobeOpts {
    pub ref_ctr_offset: u64,
    pub cookie: u64,
    pub retprobe: bool,
    pub func_name: Option<CString>,
}

/// Where a uprobe's `ref_ctr_offset` goes in `config` (`PERF_UPROBE_REF_CTR_OFFSET_SHIFT`).
const REF_CTR_SHIFT: u32 = 32;

/// `bpf_program__attach_uprobe_opts`: a uprobe on `path` at file offset
/// `func_offset`, plus the offset of `func_name` in the ELF when given. `pid` -1
/// is every process (on CPU 0's event, as libbpf), otherwise that process.
pub fn attach_uprobe(
    p: &ProgState,
    pid: i32,
    path: &CStr,
    func_offset: u64,
    o: &UprobeOpts,
) -> Result<Link, Error> {
    let kind = if o.retprobe { "uretprobe" } else { "uprobe" };
    let path = super::elf::resolve_path(path)?;
    let mut offset = func_offset;
    if let Some(f) = &o.func_name {
        // The lookup says what failed, in libbpf's words.
        let sym = super::elf::func_offset(&path, &f.to_string_lossy())?;
        offset = offset.wrapping_add(sym);
    }
    let ty = sp::pmu_type("uprobe").inspect_err(|e| {
        crate::log::warn(format_args!(
            "prog '{}': uprobes are unavailable on this kernel (no 'uprobe' PMU: {e})",
            p.def.name
        ))
    })?;
    let mut attr = PerfEventAttr::new(
        ty,
        retprobe_config("uprobe", o.retprobe)? | (o.ref_ctr_offset << REF_CTR_SHIFT),
    );
    attr.config1 = path.as_ptr() as usize as u64;
    attr.config2 = offset;
    let (ev_pid, cpu) = (
        if pid < 0 { -1 } else { pid },
        if pid == -1 { 0 } else { -1 },
    );
    let ev = sp::perf_event_open(&attr, ev_pid, cpu, -1, 0).inspect_err(|e| {
        crate::log::warn(format_args!(
            "prog '{}': failed to create {kind} '{}:{offset:#x}' perf event: {}",
            p.def.name,
            path.to_string_lossy(),
            crate::error::errno_text(e.errno)
        ))
    })?;
    attach_owned(p, ev, o.cookie).inspect_err(|e| {
        crate::log::warn(format_args!(
            "prog '{}': failed to attach to {kind} '{}:{offset:#x}': {}",
            p.def.name,
            path.to_string_lossy(),
            crate::error::errno_text(e.errno())
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracepoint_ids_from_tracefs() {
        if tracefs_root().is_err() {
            crate::testutil::test_skip("no tracefs");
            return;
        }
        match tracepoint_id("syscalls", "sys_enter_getpid") {
            Ok(id) => assert!(id > 0),
            Err(e) => assert_eq!(e.errno(), libc::ENOENT), // no syscall tracepoints
        }
        assert_eq!(
            tracepoint_id("at_nope", "at_nope").unwrap_err().errno(),
            libc::ENOENT
        );
    }

    /// A tracepoint program counting getpid() calls, loaded and attached under
    /// `p`: the `BPF_LINK_CREATE`s that reached the kernel, and whether the
    /// count moved while attached and stopped after the link was destroyed.
    fn getpid_counter_under(
        p: crate::sys::fake_kernel::Personality,
    ) -> Option<(Vec<crate::sys::fake_kernel::Record>, bool, bool)> {
        use crate::load::{LoadOpts, ObjState};
        use crate::sys::fake_kernel;
        use std::os::fd::AsFd;
        if tracepoint_id("syscalls", "sys_enter_getpid").is_err() {
            crate::testutil::test_skip("no syscall tracepoints");
            return None;
        }
        let src = "typedef unsigned int u32; typedef unsigned long long u64;\n\
#define SEC(n) __attribute__((section(n), used))\n\
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;\n\
struct { int (*type)[2]; int (*max_entries)[1]; u32 *key; u64 *value; } hits SEC(\".maps\");\n\
SEC(\"tracepoint/syscalls/sys_enter_getpid\") int on_getpid(void *ctx) { u32 k = 0; \
u64 *v = bpf_map_lookup_elem(&hits, &k); if (v) __sync_fetch_and_add(v, 1); return 0; }\n\
char _license[] SEC(\"license\") = \"GPL\";\n";
        let elf = crate::testutil::compile_bpf(src)?;
        let opts = crate::object::OpenOpts::default();
        let mut st = ObjState::open(&elf[..], "tp.o", &opts, LoadOpts::default()).unwrap();
        let _k = fake_kernel::set(p);
        st.load().unwrap();
        let map = st.maps[0].fd.as_ref().unwrap().try_clone().unwrap();
        let hits = || {
            let (k, mut v) = (0u32, 0u64);
            let (kp, vp) = (sys::UserPtr::from_ptr(&k), sys::UserPtr::from_mut(&mut v));
            sys::map::map_lookup_elem(map.as_fd(), kp, vp, 0).unwrap();
            v
        };
        let link = attach_tracepoint(&st.progs[0], c"syscalls", c"sys_enter_getpid", 0).unwrap();
        // `process::id` is one getpid(2) each time (glibc caches nothing).
        let before = hits();
        let _ = std::process::id();
        let counted = hits() > before;
        link.destroy().unwrap();
        let after = hits();
        let _ = std::process::id();
        let detached = hits() == after;
        let links = fake_kernel::journal()
            .into_iter()
            .filter(|r| r.cmd == uapi::BPF_LINK_CREATE)
            .collect();
        Some((links, counted, detached))
    }

    /// Before 5.15 the program goes on the event by ioctl: the only
    /// `BPF_LINK_CREATE` is the feature probe's, refused; the program runs, and
    /// destroying the link detaches it. 5.15 gets a perf link.
    #[test]
    fn perf_attach_without_perf_links_uses_the_ioctl() {
        use crate::sys::fake_kernel::{LINUX_5_10, LINUX_5_15};
        let Some((links, counted, detached)) = getpid_counter_under(LINUX_5_10) else {
            return;
        };
        assert!(
            counted && detached,
            "counted {counted}, detached {detached}"
        );
        assert!(links.iter().all(|r| r.refused == libc::EINVAL), "{links:?}");
        let (links, counted, detached) = getpid_counter_under(LINUX_5_15).unwrap();
        assert!(
            counted && detached,
            "counted {counted}, detached {detached}"
        );
        assert!(links.iter().any(|r| r.refused == 0), "{links:?}");
    }

    #[test]
    fn ksyscall_names() {
        // The same answer as the program's LINUX_HAS_SYSCALL_WRAPPER: with
        // kprobes unavailable libbpf 1.1.2 has no wrapper and names __se_sys_.
        use crate::load::features::{has, Feature};
        let want = if has(Feature::SyscallWrapper) {
            format!("{}getpid", syscall_prefix())
        } else {
            "__se_sys_getpid".to_string()
        };
        assert_eq!(ksyscall_func("getpid"), want);
    }
}
