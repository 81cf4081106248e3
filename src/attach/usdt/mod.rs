//! USDT attach (`bpf_program__attach_usdt`, `SEC("usdt/PATH:PROVIDER:NAME")`):
//! one uprobe per probe site of the binary, each with a spec id as its BPF
//! cookie; the spec (where each argument lives, the caller's cookie) is written
//! to the object's `__bpf_usdt_specs` map under that id, and, on kernels
//! without BPF cookies, the probe address to `__bpf_usdt_ip_to_spec_id`.
//!
//! Owns: the spec id pool of each specs map (ids go back to it when the link
//! is destroyed) and the order of the steps, as libbpf 1.1.2's USDT manager.
//! `note` and `arg` are the pure parts. Calls `sys` for the maps, `perf` for
//! the uprobes; never `capi`.
//! Spec: `libbpf-api.md` §1.2 (`bpf_program__attach_usdt`).

pub mod arg;
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
    let targets = note::targets(&elf, &shown, provider, name)?;
    let has_cookie = crate::load::features::has(crate::load::features::Feature::BpfCookie);
    if elf.is_dyn && !has_cookie {
        crate::log::warn(format_args!(
            "usdt: attaching to shared libraries and PIE binaries without BPF cookies is not supported by libbpfrs ('{shown}')"
        ));
        return Err(Error::Unsupported("USDT on ET_DYN without BPF cookies"));
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
