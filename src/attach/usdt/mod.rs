//! USDT attach (`bpf_program__attach_usdt`, `SEC("usdt/PATH:PROVIDER:NAME")`):
//! one uprobe per probe site of the binary, each with a spec id as its BPF
//! cookie; the spec (where each argument lives, the caller's cookie) is written
//! to the object's `__bpf_usdt_specs` map under that id, and, on kernels
//! without BPF cookies, the probe address to `__bpf_usdt_ip_to_spec_id` (for a
//! shared library or PIE, its address in the process given, from that
//! process's `/proc/PID/maps`).
//!
//! Owns: the spec id pool of each specs map (ids go back to it when the link
//! is destroyed) and the order of the steps, as libbpf 1.1.2's USDT manager.
//! `note` and `arg` are the pure parts. Calls `sys` for the maps, `perf` for
//! the uprobes; never `capi`.
//! Spec: `libbpf-api.md` §1.2 (`bpf_program__attach_usdt`).

pub mod arg;
#[cfg(test)]
mod no_cookie_tests;
pub mod note;

use super::{perf, Kind, Link};
use crate::error::Error;
use crate::load::{MapState, ObjState, ProgState};
use crate::sys::{self, UserPtr};
use std::collections::HashMap;
use std::ffi::CStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::sync::{Mutex, OnceLock};

const SPECS_MAP: &str = "__bpf_usdt_specs";
const IP_MAP: &str = "__bpf_usdt_ip_to_spec_id";

/// Free spec ids of one specs map (by its kernel map id): never handed out
/// yet from `next` on, and those given back.
#[derive(Debug, Default)]
struct Pool {
    next: u32,
    free: Vec<u32>,
}

fn pools() -> &'static Mutex<HashMap<u32, Pool>> {
    static POOLS: OnceLock<Mutex<HashMap<u32, Pool>>> = OnceLock::new();
    POOLS.get_or_init(Default::default)
}

fn with_pool<T>(map_id: u32, f: impl FnOnce(&mut Pool) -> T) -> T {
    let mut g = pools().lock().unwrap_or_else(|e| e.into_inner());
    f(g.entry(map_id).or_default())
}

/// What a USDT link gives back when it is destroyed: its spec ids, and its
/// entries of the IP map (kernels without cookies).
#[derive(Debug)]
pub struct Release {
    map_id: u32,
    ids: Vec<u32>,
    ip_map: Option<OwnedFd>,
    ips: Vec<u64>,
}

impl Release {
    /// Removes the IP map entries and returns the spec ids to the pool.
    pub fn run(self) {
        if let Some(m) = &self.ip_map {
            for ip in &self.ips {
                // Best effort, as libbpf: the entry may be gone already.
                let _ = sys::map::map_delete_elem(m.as_fd(), UserPtr::from_ptr(ip), 0);
            }
        }
        with_pool(self.map_id, |p| p.free.extend(self.ids));
    }
}

fn map_named<'a>(obj: &'a ObjState, name: &str) -> Option<&'a MapState> {
    obj.maps.iter().find(|m| m.def.name == name)
}

/// A loaded map's fd, or ESRCH with libbpf's message about `usdt.bpf.h`.
fn support_map<'a>(obj: &'a ObjState, name: &str) -> Result<BorrowedFd<'a>, Error> {
    map_named(obj, name)
        .and_then(|m| m.fd.as_ref())
        .map(|fd| fd.as_fd())
        .ok_or_else(|| {
            crate::log::warn(format_args!(
                "usdt: failed to find USDT support BPF maps, did you forget to include bpf/usdt.bpf.h?"
            ));
            Error::NoMatch("no USDT support maps")
        })
}

/// `bpf_program__attach_usdt`: checks the program is loaded and the support
/// maps exist, then attaches to every site of `provider:name` in `path` for
/// process `pid` (-1: all).
pub fn attach(
    obj: &ObjState,
    p: &ProgState,
    pid: i32,
    path: &CStr,
    provider: &str,
    name: &str,
    cookie: u64,
) -> Result<Link, Error> {
    super::prog_fd(p)?;
    let path = super::elf::resolve_path(path).inspect_err(|e| {
        crate::log::warn(format_args!(
            "prog '{}': failed to resolve full path for '{}': -{}",
            p.def.name,
            path.to_string_lossy(),
            e.errno()
        ))
    })?;
    let specs = support_map(obj, SPECS_MAP)?;
    let ips = support_map(obj, IP_MAP)?;
    let shown = path.to_string_lossy().into_owned();
    let data = crate::file::read(std::path::Path::new(std::ffi::OsStr::from_bytes(
        path.to_bytes(),
    )))
    .map_err(|e| {
        crate::log::warn(format_args!(
            "usdt: failed to open ELF binary '{shown}': -{}",
            e.errno()
        ));
        e.into_error("USDT binary")
    })?;
    let elf = note::parse_elf(&data, &shown)?;
    let mut targets = note::targets(&elf, &shown, provider, name)?;
    let has_cookie = crate::load::features::has(crate::load::features::Feature::BpfCookie);
    if elf.is_dyn && !has_cookie {
        lib_ips(&mut targets, pid, &shown, provider, name)?;
    }
    let arch = arch()?;
    let info = sys::obj::map_info(specs)?;
    let mut rel = Release {
        map_id: info.id,
        ids: Vec::new(),
        ip_map: None,
        ips: Vec::new(),
    };
    if !has_cookie {
        rel.ip_map = Some(ips.try_clone_to_owned().map_err(|e| Error::io("dup", &e))?);
    }
    let mut parts = Vec::with_capacity(targets.len());
    let r = attach_all(
        p,
        &Sites {
            pid,
            path: &path,
            shown: &shown,
            provider,
            name,
            cookie,
            arch,
            max: info.max_entries,
            specs,
            ips,
            has_cookie,
        },
        &targets,
        &mut rel,
        &mut parts,
    );
    if let Err(e) = r {
        for l in parts {
            let _ = l.destroy();
        }
        rel.run();
        return Err(e);
    }
    Ok(Link {
        fd: None,
        kind: Kind::Multi {
            parts,
            release: Some(rel),
        },
        pin_path: None,
        disconnected: false,
    })
}

/// Kernels without BPF cookies: the BPF side finds a site's spec by the address
/// the uprobe fires at, which for a shared library or PIE is known only in one
/// process: its `/proc/PID/maps` gives where the file is mapped. Without a pid
/// there is no one address (ENOTSUP), as in libbpf 1.1.2.
fn lib_ips(
    targets: &mut [note::Target],
    pid: i32,
    path: &str,
    provider: &str,
    name: &str,
) -> Result<(), Error> {
    if pid < 0 {
        crate::log::warn(format_args!(
            "usdt: attaching to shared libraries without specific PID is not supported on current kernel"
        ));
        return Err(Error::Unsupported(
            "USDT on a shared library for all processes without BPF cookies",
        ));
    }
    let vma = vma_segs(pid, path).inspect_err(|e| {
        crate::log::warn(format_args!(
            "usdt: failed to get memory segments in PID {pid} for shared library '{path}': -{}",
            e.errno()
        ))
    })?;
    note::lib_abs_ips(targets, &vma, path, provider, name)
}

/// The executable mappings of `path` (made absolute, links resolved, as the
/// kernel names it in the maps file) in process `pid`; ESRCH when it has none.
fn vma_segs(pid: i32, path: &str) -> Result<Vec<note::Seg>, Error> {
    let real = match std::fs::canonicalize(path) {
        Ok(p) => p.to_string_lossy().into_owned(),
        Err(e) => {
            crate::log::warn(format_args!(
                "usdt: failed to get absolute path of '{path}' (err -{}), using path as is...",
                e.raw_os_error().unwrap_or(libc::EINVAL)
            ));
            path.to_owned()
        }
    };
    let maps = format!("/proc/{pid}/maps");
    let text = crate::file::read_text(std::path::Path::new(&maps)).map_err(|e| {
        crate::log::warn(format_args!(
            "usdt: failed to open '{maps}' to get base addr of '{path}': -{}",
            e.errno()
        ));
        e.into_error("process memory map")
    })?;
    let segs = note::vma_segs(&text, &real);
    if segs.is_empty() {
        crate::log::warn(format_args!(
            "usdt: failed to find '{path}' (resolved to '{real}') within PID {pid} memory mappings"
        ));
        return Err(Error::NoMatch("library not mapped in the process"));
    }
    Ok(segs)
}

/// The operand syntax of this machine's notes.
fn arch() -> Result<arg::Arch, Error> {
    arg::Arch::host().ok_or_else(|| {
        crate::log::warn(format_args!(
            "usdt: argument specs of {} are not supported by libbpfrs",
            std::env::consts::ARCH
        ));
        Error::Unsupported("USDT arguments on this architecture")
    })
}

/// What every site of one attach shares.
struct Sites<'a> {
    pid: i32,
    path: &'a CStr,
    shown: &'a str,
    provider: &'a str,
    name: &'a str,
    cookie: u64,
    arch: arg::Arch,
    max: u32,
    specs: BorrowedFd<'a>,
    ips: BorrowedFd<'a>,
    has_cookie: bool,
}

/// A spec id from the pool, or E2BIG when the specs map is full.
fn take_id(s: &Sites<'_>, map_id: u32) -> Result<u32, Error> {
    let id = with_pool(map_id, |pool| {
        pool.free.pop().or_else(|| {
            (pool.next < s.max).then(|| {
                pool.next += 1;
                pool.next - 1
            })
        })
    });
    id.ok_or_else(|| {
        crate::log::warn(format_args!(
            "usdt: ran out of free spec IDs (max {})",
            s.max
        ));
        Error::TooBig("no free USDT spec id")
    })
}

/// Writes one spec per distinct argument string and attaches one uprobe per
/// site; `rel` and `parts` collect what must be undone.
fn attach_all(
    p: &ProgState,
    s: &Sites<'_>,
    targets: &[note::Target],
    rel: &mut Release,
    parts: &mut Vec<Link>,
) -> Result<(), Error> {
    let mut by_args: HashMap<&str, u32> = HashMap::new();
    for t in targets {
        let id = match by_args.get(t.args.as_str()) {
            Some(&id) => id,
            None => {
                let args = arg::parse_args(s.arch, &t.args).inspect_err(|_| {
                    crate::log::warn(format_args!(
                        "usdt: failed to parse USDT spec '{}' for '{}:{}' in '{}'",
                        t.args, s.provider, s.name, s.shown
                    ))
                })?;
                let id = take_id(s, rel.map_id)?;
                rel.ids.push(id);
                let value = arg::spec_bytes(&args, s.cookie);
                sys::map::map_update_elem(
                    s.specs,
                    UserPtr::from_ptr(&id),
                    UserPtr::from_ptr(value.as_ptr()),
                    0,
                )
                .inspect_err(|e| {
                    crate::log::warn(format_args!(
                        "usdt: failed to set USDT spec #{id} for '{}:{}' in '{}': {e}",
                        s.provider, s.name, s.shown
                    ))
                })?;
                by_args.insert(&t.args, id);
                id
            }
        };
        if !s.has_cookie {
            sys::map::map_update_elem(
                s.ips,
                UserPtr::from_ptr(&t.abs_ip),
                UserPtr::from_ptr(&id),
                crate::uapi::BPF_NOEXIST,
            )
            .inspect_err(|e| {
                crate::log::warn(format_args!(
                    "usdt: failed to map IP {:#x} to spec #{id} for '{}:{}' in '{}': {e}",
                    t.abs_ip, s.provider, s.name, s.shown
                ))
            })?;
            rel.ips.push(t.abs_ip);
        }
        let o = perf::UprobeOpts {
            ref_ctr_offset: t.sema_off,
            cookie: if s.has_cookie { id.into() } else { 0 },
            retprobe: false,
            func_name: None,
        };
        let l = perf::attach_uprobe(p, s.pid, s.path, t.rel_ip, &o).inspect_err(|e| {
            crate::log::warn(format_args!(
                "usdt: failed to attach uprobe at offset {:#x} for '{}:{}' in '{}': -{}",
                t.rel_ip,
                s.provider,
                s.name,
                s.shown,
                e.errno()
            ))
        })?;
        parts.push(l);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[inline(never)]
    fn marker(x: u64) -> u64 {
        std::hint::black_box(x) + 1
    }

    /// This test binary's own code: the address a file offset of its text gets
    /// from `/proc/self/maps` must be where the function is.
    #[test]
    fn addresses_in_this_process() {
        let exe = std::fs::read_link("/proc/self/exe").unwrap();
        let shown = exe.to_string_lossy().into_owned();
        let data = crate::file::read(&exe).unwrap();
        let elf = note::parse_elf(&data, &shown).unwrap();
        let addr = marker as *const () as usize as u64;
        assert_eq!(marker(1), 2);
        // The load bias: where the file's start is mapped (0 for ET_EXEC).
        let maps = crate::file::read_text(std::path::Path::new("/proc/self/maps")).unwrap();
        let bias = if elf.is_dyn {
            maps.lines()
                .filter(|l| l.ends_with(shown.as_str()))
                .filter(|l| l.split_whitespace().nth(2) == Some("00000000"))
                .filter_map(|l| u64::from_str_radix(l.split('-').next()?, 16).ok())
                .min()
                .unwrap()
        } else {
            0
        };
        let vaddr = addr - bias;
        let seg = elf
            .segs
            .iter()
            .find(|s| s.exec && s.start <= vaddr && vaddr < s.end)
            .unwrap();
        let rel_ip = vaddr - seg.start + seg.offset;
        let mut t = vec![note::Target {
            abs_ip: vaddr,
            rel_ip,
            sema_off: 0,
            args: String::new(),
        }];
        let pid = std::process::id() as i32;
        lib_ips(&mut t, pid, &shown, "p", "n").unwrap();
        assert_eq!(t[0].abs_ip, addr);
        // No pid: no single address (ENOTSUP, libbpf's answer).
        let e = lib_ips(&mut t, -1, &shown, "p", "n").unwrap_err();
        assert_eq!(e.errno(), libc::EOPNOTSUPP);
        // A file the process has not mapped: ESRCH.
        let e = vma_segs(pid, "/etc/hostname").unwrap_err();
        assert_eq!(e.errno(), libc::ESRCH);
    }
}
