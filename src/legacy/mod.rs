//! The legacy `samples/bpf/bpf_load.c` loader (v4.12–v5.10 contract), on top of the
//! object model: `SEC("maps")` definitions of any size, programs by section
//! prefix in ELF section order, tail-call slots (`socket/N`, `sockops/N`,
//! `kprobe/N`) and auto-attach of `tracepoint/`, `raw_tracepoint/`, `kprobe/`.
//!
//! Owns: the load algorithm and its diagnostics. The C globals (`map_fd[]`,
//! `prog_fd[]`, …) live in `capi::bpf_load`; the loader reaches them only through
//! the [`Client`] trait, so this module needs no `unsafe`.
//! Must not call: `capi`.
//! Spec: `bpf-load-legacy.md` (§1.4 parsing, §1.5 attach, §1.7 errors, §1.8 fixes).
//!
//! Deliberate choices (spec §1.8): tracefs is looked up at `/sys/kernel/tracing`
//! before `/sys/kernel/debug/tracing`; kprobe events are never wiped system-wide;
//! `STT_SECTION` symbols are not maps and static maps resolve by section + addend
//! (the object parser does both); more than 32 maps fail cleanly; `sk_skb/N` and
//! `sk_msg/N` keep bpf_load.c's behaviour of never being inserted into the
//! PROG_ARRAY (clients of that era attach them to sockmaps themselves).

pub mod ksym;
pub mod xdp;

use crate::error::{errno_text, Error};
use crate::file::ReadError;
use crate::insn::{self, Insn};
use crate::object::{MapKind, Object, OpenOpts, RelocKind};
use crate::sys::perf::{self, PerfEventAttr};
use crate::sys::prog::{prog_load, Log, ProgLoad};
use crate::sys::{borrow_fd, map as sysmap, UserPtr};
use crate::uapi::*;
use std::ffi::CString;
use std::os::fd::{AsFd, IntoRawFd};

/// `MAX_MAPS` of `bpf_load.h`.
pub const MAX_MAPS: usize = 32;
/// `MAX_PROGS` of `bpf_load.h`.
pub const MAX_PROGS: usize = 32;
/// Size of the loader's `struct bpf_load_map_def` (7 × `unsigned int`).
pub const LOAD_MAP_DEF_SIZE: usize = 28;

/// `struct bpf_load_map_def`: type, key_size, value_size, max_entries, map_flags,
/// inner_map_idx, numa_node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadMapDef {
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub map_flags: u32,
    pub inner_map_idx: u32,
    pub numa_node: u32,
}

impl LoadMapDef {
    /// Decodes a definition of any size: a short one is zero-filled, a longer one
    /// must have nothing but zeros past the 28 known bytes (else EFBIG, as bpf_load.c).
    pub fn decode(raw: &[u8]) -> Result<Self, i32> {
        if raw.len() > LOAD_MAP_DEF_SIZE && raw[LOAD_MAP_DEF_SIZE..].iter().any(|&b| b != 0) {
            return Err(libc::EFBIG);
        }
        let mut f = [0u32; 7];
        for (i, v) in f.iter_mut().enumerate() {
            if let Some(b) = raw.get(i * 4..i * 4 + 4) {
                *v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
        }
        Ok(LoadMapDef {
            map_type: f[0],
            key_size: f[1],
            value_size: f[2],
            max_entries: f[3],
            map_flags: f[4],
            inner_map_idx: f[5],
            numa_node: f[6],
        })
    }
}

/// One `map_data[]` entry as the loader fills it before creating the map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapEntry {
    pub fd: i32,
    pub name: String,
    pub elf_offset: u64,
    pub def: LoadMapDef,
}

/// A failed load: bpf_load.c's return value (1 file/map errors, -1 program or
/// attach errors) and the errno to leave behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failed {
    pub ret: i32,
    pub errno: i32,
}

impl Failed {
    fn file(errno: i32) -> Self {
        Failed { ret: 1, errno }
    }
    fn prog(errno: i32) -> Self {
        Failed { ret: -1, errno }
    }
}

/// The loader's view of the C globals and of stdout. Implemented by
/// `capi::bpf_load` over the exported symbols, and by a plain struct in tests.
pub trait Client {
    /// One diagnostic line (bpf_load.c `printf`s to stdout); `msg` ends in `\n`.
    fn print(&mut self, msg: &str);
    /// `map_data[0..MAX_MAPS].fd = -1` (a `maps` section was found).
    fn reset_map_data_fds(&mut self);
    /// Stores `map_data[i] = e` and runs the fixup callback, if any, on it; returns
    /// the `fd` and `def` the entry holds afterwards.
    fn map_entry(&mut self, i: usize, e: &MapEntry) -> (i32, LoadMapDef);
    /// `map_fd[i] = map_data[i].fd = fd`.
    fn set_map_fd(&mut self, i: usize, fd: i32);
    fn set_map_data_count(&mut self, n: i32);
    fn prog_array_fd(&self) -> i32;
    fn set_prog_array_fd(&mut self, fd: i32);
    fn prog_cnt(&self) -> i32;
    /// `prog_fd[prog_cnt++] = fd`.
    fn add_prog(&mut self, fd: i32);
    /// `event_fd[prog_cnt - 1] = fd`.
    fn set_event_fd(&mut self, fd: i32);
    /// The verifier log buffer and the size the library can trust for it.
    fn log_buf(&mut self) -> (UserPtr, u32);
    /// `bpf_log_buf[0] = 0` (before the logged retry).
    fn clear_log(&mut self);
    /// `bpf_load_program() err=%d\n%s` with the log buffer's contents.
    fn print_load_error(&mut self, errno: i32);
}

/// Program kinds by section prefix, in bpf_load.c's test order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Kprobe,
    Kretprobe,
    Tracepoint,
    RawTracepoint,
    Xdp,
    PerfEvent,
    Socket,
    Cgroup,
    Sockops,
    SkSkb,
    SkMsg,
}

const PREFIXES: [(&str, Kind); 11] = [
    ("kprobe/", Kind::Kprobe),
    ("kretprobe/", Kind::Kretprobe),
    ("tracepoint/", Kind::Tracepoint),
    ("raw_tracepoint/", Kind::RawTracepoint),
    ("xdp", Kind::Xdp),
    ("perf_event", Kind::PerfEvent),
    ("socket", Kind::Socket),
    ("cgroup/", Kind::Cgroup),
    ("sockops", Kind::Sockops),
    ("sk_skb", Kind::SkSkb),
    ("sk_msg", Kind::SkMsg),
];

fn kind_of(sec: &str) -> Option<(Kind, &str)> {
    PREFIXES
        .iter()
        .find_map(|&(p, k)| sec.strip_prefix(p).map(|rest| (k, rest)))
}

/// `enum bpf_prog_type` for a section, or `None` for an unknown `cgroup/…`.
fn prog_type(kind: Kind, rest: &str) -> Option<u32> {
    Some(match kind {
        Kind::Socket => BPF_PROG_TYPE_SOCKET_FILTER,
        Kind::Kprobe | Kind::Kretprobe => BPF_PROG_TYPE_KPROBE,
        Kind::Tracepoint => BPF_PROG_TYPE_TRACEPOINT,
        Kind::Xdp => BPF_PROG_TYPE_XDP,
        Kind::PerfEvent => BPF_PROG_TYPE_PERF_EVENT,
        Kind::Cgroup if rest.starts_with("skb") => BPF_PROG_TYPE_CGROUP_SKB,
        Kind::Cgroup if rest.starts_with("sock") => BPF_PROG_TYPE_CGROUP_SOCK,
        Kind::Cgroup => return None,
        Kind::Sockops => BPF_PROG_TYPE_SOCK_OPS,
        Kind::SkSkb => BPF_PROG_TYPE_SK_SKB,
        Kind::SkMsg => BPF_PROG_TYPE_SK_MSG,
        Kind::RawTracepoint => BPF_PROG_TYPE_RAW_TRACEPOINT,
    })
}

/// The tracefs directory: the attach layer's lookup (`/sys/kernel/tracing`, then
/// the debugfs copy, mounting tracefs if neither is there); the debugfs path when
/// even that fails, so the caller's open reports the error as bpf_load.c did.
pub fn tracefs() -> &'static str {
    crate::attach::perf::tracefs_root().unwrap_or("/sys/kernel/debug/tracing")
}

fn io_errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

/// C `atoi` of the leading decimal digits (bpf_load.c's slot numbers).
fn atoi(s: &str) -> i32 {
    s.bytes().take_while(u8::is_ascii_digit).fold(0i32, |n, d| {
        n.wrapping_mul(10).wrapping_add(i32::from(d - b'0'))
    })
}

/// `load_bpf_file_fixup_map(path, …)`: parse, create the maps (calling the
/// client's fixup first), load and attach every program section in section order.
pub fn load_file(path: &std::path::Path, c: &mut dyn Client) -> Result<(), Failed> {
    let mut data = crate::file::read(path).map_err(|e| Failed::file(e.errno()))?;
    let path_name = path.to_string_lossy();
    // The object parser knows libbpf's 20-byte definition; bpf_load's fields past
    // it (inner_map_idx, numa_node) are decoded here from the original bytes, and
    // zeroed in the copy the parser sees so that it accepts them quietly.
    let maps_raw = hide_load_map_fields(&mut data);
    let opts = OpenOpts {
        object_name: None,
        relaxed_maps: false,
        reject_legacy_maps: false,
    };
    let obj = match Object::parse(&data, &path_name, &opts) {
        Ok(o) => o,
        Err(e) => {
            c.print(&format!("bpf_load: {path_name}: {e}\n"));
            let errno = match e {
                Error::Libbpf(..) | Error::Reloc(_) => libc::EINVAL,
                e => e.errno(),
            };
            return Err(Failed::file(errno));
        }
    };
    let map_fds = load_maps(&obj, maps_raw.as_deref(), c)?;
    load_progs(&obj, &map_fds, c)
}

/// Finds the (last) section named `maps` and its definition size (section size /
/// number of map symbols, as bpf_load.c); zeroes the bytes past 20 of every
/// definition in `data` and returns the section's original bytes. `None` when there is no
/// such section or the file is not a well-formed ELF (the parser then reports it).
fn hide_load_map_fields(data: &mut [u8]) -> Option<Vec<u8>> {
    use object::read::elf::{FileHeader, SectionHeader, Sym};
    let (off, size, def_size) = {
        let hdr = object::elf::FileHeader64::<object::Endianness>::parse(&*data).ok()?;
        let endian = hdr.endian().ok()?;
        let sections = hdr.sections(endian, &*data).ok()?;
        let (idx, sh) = sections
            .enumerate()
            .filter(|(_, sh)| sections.section_name(endian, sh).ok() == Some(b"maps".as_slice()))
            .last()?;
        if sh.sh_type(endian) != object::elf::SHT_PROGBITS {
            return None;
        }
        let syms = sections
            .symbols(endian, &*data, object::elf::SHT_SYMTAB)
            .ok()?;
        let n = syms
            .symbols()
            .iter()
            .filter(|s| {
                usize::from(s.st_shndx(endian)) == idx.0
                    && s.st_type() != object::elf::STT_SECTION
                    && syms.symbol_name(endian, *s).is_ok_and(|n| !n.is_empty())
            })
            .count();
        let (off, size) = sh.file_range(endian)?;
        let (off, size) = (usize::try_from(off).ok()?, usize::try_from(size).ok()?);
        if n == 0 || size % n != 0 || off.checked_add(size)? > data.len() {
            return None;
        }
        (off, size, size / n)
    };
    let orig = data[off..off + size].to_vec();
    if def_size > crate::object::maps::LEGACY_DEF_SIZE {
        // Everything past libbpf's 20 bytes; a non-zero tail past bpf_load's 28
        // bytes is then refused from the original bytes (EFBIG).
        for def in data[off..off + size].chunks_exact_mut(def_size) {
            def[crate::object::maps::LEGACY_DEF_SIZE..].fill(0);
        }
    }
    Some(orig)
}

/// Creates the legacy maps; returns their fds by index (rank of the offset).
fn load_maps(obj: &Object, raw: Option<&[u8]>, c: &mut dyn Client) -> Result<Vec<i32>, Failed> {
    let legacy: Vec<_> = obj
        .maps
        .iter()
        .filter_map(|m| match &m.kind {
            MapKind::Legacy { def } => {
                // The original definition bytes (see `hide_load_map_fields`).
                let orig = usize::try_from(m.sec_off)
                    .ok()
                    .and_then(|o| raw?.get(o..o.checked_add(usize::try_from(m.sec_size).ok()?)?));
                Some((m, orig.unwrap_or(def.as_slice())))
            }
            _ => None,
        })
        .collect();
    if legacy.is_empty() {
        return Ok(Vec::new());
    }
    let fail_parse = |c: &mut dyn Client, errno: i32| {
        c.print(&format!(
            "Error: Failed loading ELF maps (errno:{}):{}\n",
            -errno,
            errno_text(errno)
        ));
        Failed::file(errno)
    };
    if legacy.len() > MAX_MAPS {
        c.print(&format!(
            "bpf_load: {} maps in section 'maps', at most {MAX_MAPS} are supported\n",
            legacy.len()
        ));
        return Err(fail_parse(c, libc::E2BIG));
    }
    let mut entries = Vec::with_capacity(legacy.len());
    for (m, raw) in &legacy {
        let def = LoadMapDef::decode(raw).map_err(|e| fail_parse(c, e))?;
        entries.push(MapEntry {
            fd: -1,
            name: m.name.to_string(),
            elf_offset: m.sec_off,
            def,
        });
    }
    c.reset_map_data_fds();
    let mut fds: Vec<i32> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let (pre_fd, def) = c.map_entry(i, e);
        if pre_fd != -1 {
            // The callback supplied an existing map (e.g. a pinned one): reuse it.
            c.set_map_fd(i, pre_fd);
            fds.push(pre_fd);
            continue;
        }
        let fail = |c: &mut dyn Client, errno: i32| {
            c.print(&format!(
                "failed to create map {i} ({}): {} {}\n",
                e.name,
                errno,
                errno_text(errno)
            ));
            Failed::file(errno)
        };
        let mut req = sysmap::MapCreate::new(
            def.map_type,
            Some(e.name.as_bytes()),
            def.key_size,
            def.value_size,
            def.max_entries,
        );
        req.map_flags = def.map_flags;
        if def.map_flags & BPF_F_NUMA_NODE != 0 {
            req = req.numa(def.numa_node as i32);
        }
        if matches!(
            def.map_type,
            BPF_MAP_TYPE_ARRAY_OF_MAPS | BPF_MAP_TYPE_HASH_OF_MAPS
        ) {
            // bpf_create_map_in_map_node: the inner template must sort earlier.
            let Some(&inner) = fds.get(def.inner_map_idx as usize) else {
                c.print(&format!(
                    "map {i} ({}): inner_map_idx {} does not name an earlier map\n",
                    e.name, def.inner_map_idx
                ));
                return Err(fail(c, libc::EINVAL));
            };
            req.inner_map_fd = inner as u32;
            req.value_size = 4;
        }
        let fd = match sysmap::map_create(&req) {
            Ok(fd) => fd.into_raw_fd(),
            Err(err) => return Err(fail(c, err.errno)),
        };
        c.set_map_fd(i, fd);
        if def.map_type == BPF_MAP_TYPE_PROG_ARRAY {
            c.set_prog_array_fd(fd);
        }
        fds.push(fd);
    }
    c.set_map_data_count(fds.len() as i32);
    Ok(fds)
}

fn load_progs(obj: &Object, map_fds: &[i32], c: &mut dyn Client) -> Result<(), Failed> {
    let license = CString::new(obj.license.replace('\0', "")).unwrap_or_default();
    let mut any = false;
    for cs in &obj.code {
        let Some((kind, rest)) = kind_of(&cs.name) else {
            continue;
        };
        any = true;
        let mut insns = cs.insns.clone();
        apply_relocs(obj, cs, map_fds, &mut insns, c);
        load_and_attach(&cs.name, kind, rest, &insns, &license, obj.kversion, c)?;
    }
    if !any {
        // The 4.19+ copies return 1 when the object has no program section.
        c.print("bpf_load: no program sections found\n");
        return Err(Failed::file(libc::ENOENT));
    }
    Ok(())
}

/// Patches map fds into `insns`. A bad relocation is printed and abandons the
/// rest of the section's relocations, as bpf_load.c; the verifier then judges.
fn apply_relocs(
    obj: &Object,
    cs: &crate::object::CodeSection,
    map_fds: &[i32],
    insns: &mut [Insn],
    c: &mut dyn Client,
) {
    for r in &cs.relocs {
        let code = insns.get(r.insn).map_or(0, |i| i.code);
        match r.kind {
            RelocKind::MapFd { map } => {
                let fd = match obj.maps.get(map).map(|m| &m.kind) {
                    Some(MapKind::Legacy { .. }) => map_fds.get(map).copied(),
                    _ => None,
                };
                let Some(fd) = fd else {
                    c.print(&format!(
                        "invalid relo for insn[{}] no map_data match\n",
                        r.insn
                    ));
                    return;
                };
                let i0 = &mut insns[r.insn];
                i0.set_src(BPF_PSEUDO_MAP_FD);
                i0.imm = fd;
            }
            RelocKind::MapValue { map, .. } => {
                let name = obj.maps.get(map).map_or("?", |m| m.name.as_str());
                c.print(&format!(
                    "invalid relo for insn[{}]: global data ('{name}' via '{}') is not supported by bpf_load\n",
                    r.insn, r.sym
                ));
                return;
            }
            RelocKind::Extern { .. } => {
                c.print(&format!(
                    "invalid relo for insn[{}]: extern '{}' (.kconfig/.ksyms) is not supported by bpf_load\n",
                    r.insn, r.sym
                ));
                return;
            }
            RelocKind::Call { .. } | RelocKind::FuncAddr { .. } => {
                c.print(&format!(
                    "invalid relo for insn[{}].code 0x{code:x} (a call into '{}': BPF-to-BPF calls across sections are not supported by bpf_load)\n",
                    r.insn, r.sym
                ));
                return;
            }
        }
    }
}

fn load_and_attach(
    sec: &str,
    kind: Kind,
    rest: &str,
    insns: &[Insn],
    license: &CString,
    kern_version: u32,
    c: &mut dyn Client,
) -> Result<(), Failed> {
    let Some(ptype) = prog_type(kind, rest) else {
        c.print(&format!("Unknown event '{sec}'\n"));
        return Err(Failed::prog(libc::EINVAL));
    };
    if c.prog_cnt() < 0 || c.prog_cnt() as usize >= MAX_PROGS {
        c.print(&format!(
            "bpf_load: prog_fd[] is full ({MAX_PROGS} programs); '{sec}' not loaded\n"
        ));
        return Err(Failed::prog(libc::E2BIG));
    }
    let bytes = insn::encode_all(insns);
    let mut p = ProgLoad {
        prog_type: ptype,
        license: UserPtr::from_ptr(license.as_ptr()),
        insns: UserPtr::from_ptr(bytes.as_ptr()),
        insn_cnt: insns.len(),
        kern_version,
        ..ProgLoad::default()
    };
    // libbpf 0.x bpf_load_program: no log first; on failure one retry at level 1.
    let fd = match prog_load(&p) {
        Ok(fd) => fd,
        Err(_) => {
            let (buf, size) = c.log_buf();
            let r = if size > 0 {
                c.clear_log();
                p.log = Log {
                    buf,
                    size,
                    level: 1,
                };
                prog_load(&p)
            } else {
                prog_load(&p)
            };
            match r {
                Ok(fd) => fd,
                Err(e) => {
                    let errno = e.errno();
                    c.print_load_error(errno);
                    return Err(Failed::prog(errno));
                }
            }
        }
    };
    let fd = fd.into_raw_fd();
    c.add_prog(fd);

    match kind {
        Kind::Socket | Kind::Sockops | Kind::SkSkb | Kind::SkMsg => {
            // bpf_load.c skips 7 characters for every prefix but `socket`, so
            // `sk_skb/N` and `sk_msg/N` never reach the PROG_ARRAY (kept on purpose).
            let skip = if kind == Kind::Socket { 6 } else { 7 };
            let ev = sec.get(skip..).unwrap_or("");
            let Some(slot) = ev.strip_prefix('/') else {
                return Ok(());
            };
            if !slot.starts_with(|ch: char| ch.is_ascii_digit()) {
                c.print("invalid prog number\n");
                return Err(Failed::prog(libc::EINVAL));
            }
            populate_prog_array(slot, fd, c)
        }
        Kind::Kprobe | Kind::Kretprobe => {
            if rest.is_empty() {
                c.print("event name cannot be empty\n");
                return Err(Failed::prog(libc::EINVAL));
            }
            if rest.starts_with(|ch: char| ch.is_ascii_digit()) {
                return populate_prog_array(rest, fd, c);
            }
            attach_kprobe(rest, kind == Kind::Kretprobe, fd, c)
        }
        Kind::Tracepoint => {
            if rest.is_empty() {
                c.print("event name cannot be empty\n");
                return Err(Failed::prog(libc::EINVAL));
            }
            let dir = format!("{}/events/{rest}", tracefs());
            attach_perf_tracepoint(&dir, rest, fd, c)
        }
        Kind::RawTracepoint => {
            if rest.is_empty() {
                c.print("event name cannot be empty\n");
                return Err(Failed::prog(libc::EINVAL));
            }
            let name = CString::new(rest).map_err(|_| Failed::prog(libc::EINVAL))?;
            match crate::sys::attach::raw_tracepoint_open(UserPtr::from_ptr(name.as_ptr()), fd) {
                Ok(efd) => {
                    c.set_event_fd(efd.into_raw_fd());
                    Ok(())
                }
                Err(e) => {
                    c.print(&format!("tracepoint {rest} {}\n", errno_text(e.errno)));
                    Err(Failed::prog(e.errno))
                }
            }
        }
        Kind::Xdp | Kind::PerfEvent | Kind::Cgroup => Ok(()),
    }
}

fn populate_prog_array(slot: &str, fd: i32, c: &mut dyn Client) -> Result<(), Failed> {
    let ind = atoi(slot);
    let r = borrow_fd(c.prog_array_fd()).and_then(|pa| {
        sysmap::map_update_elem(
            pa,
            UserPtr::from_ptr(&ind as *const i32),
            UserPtr::from_ptr(&fd as *const i32),
            0,
        )
    });
    r.map_err(|e| {
        c.print("failed to store prog_fd in prog_array\n");
        Failed::prog(e.errno)
    })
}

/// Reads a tracefs event id, opens the perf event on CPU 0, enables it and sets
/// the program (bpf_load.c's sequence; the perf fd goes to `event_fd[]` as soon as
/// it exists).
fn attach_perf_tracepoint(
    dir: &str,
    event: &str,
    prog: i32,
    c: &mut dyn Client,
) -> Result<(), Failed> {
    let id_path = format!("{dir}/id");
    let text = match crate::file::read(std::path::Path::new(&id_path)) {
        Ok(t) => t,
        Err(ReadError::Os(libc::ENOENT)) => {
            c.print(&format!("failed to open event {event}\n"));
            return Err(Failed::prog(libc::ENOENT));
        }
        Err(e) => {
            let errno = e.errno();
            c.print(&format!(
                "read from '{event}' failed '{}'\n",
                errno_text(errno)
            ));
            return Err(Failed::prog(errno));
        }
    };
    let id = atoi(String::from_utf8_lossy(&text).trim());
    let mut attr = PerfEventAttr::new(perf::TYPE_TRACEPOINT, id as u64);
    attr.sample_type = perf::SAMPLE_RAW;
    attr.sample_period = 1;
    attr.wakeup_events = 1;
    let efd = match perf::perf_event_open(&attr, -1, 0, -1, 0) {
        Ok(fd) => fd,
        Err(e) => {
            c.print(&format!("event {id} fd -1 err {}\n", errno_text(e.errno)));
            return Err(Failed::prog(e.errno));
        }
    };
    let r = perf::enable(efd.as_fd())
        .map_err(|e| ("PERF_EVENT_IOC_ENABLE", e))
        .and_then(|()| {
            borrow_fd(prog)
                .and_then(|p| perf::set_bpf(efd.as_fd(), p))
                .map_err(|e| ("PERF_EVENT_IOC_SET_BPF", e))
        });
    c.set_event_fd(efd.into_raw_fd());
    r.map_err(|(what, e)| {
        c.print(&format!(
            "ioctl {what} failed err {}\n",
            errno_text(e.errno)
        ));
        Failed::prog(e.errno)
    })
}

/// `kprobe/FN`, `kretprobe/FN`: a `p:`/`r:` event in `kprobe_events`, then the
/// tracepoint sequence on `events/kprobes/<event>`. Without kprobe support
/// (no `kprobe_events`) this fails cleanly with -1 and a message.
fn attach_kprobe(func: &str, ret: bool, prog: i32, c: &mut dyn Client) -> Result<(), Failed> {
    use std::io::Write;
    let root = tracefs();
    let events = format!("{root}/kprobe_events");
    let kind = if ret { 'r' } else { 'p' };
    let mut candidates = Vec::new();
    if cfg!(target_arch = "x86_64") && func.starts_with("sys_") {
        candidates.push(format!("__x64_{func}"));
    }
    candidates.push(func.to_string());
    let mut last = libc::ENOENT;
    for ev in &candidates {
        let line = format!("{kind}:{ev} {ev}\n");
        let r = std::fs::OpenOptions::new()
            .append(true)
            .open(&events)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        match r {
            Ok(()) => {
                let dir = format!("{root}/events/kprobes/{ev}");
                return attach_perf_tracepoint(&dir, ev, prog, c);
            }
            Err(e) => last = io_errno(&e),
        }
    }
    let why = if last == libc::ENOENT && !std::path::Path::new(&events).exists() {
        format!(
            "{} (no {events}: this kernel has no kprobe events)",
            errno_text(last)
        )
    } else {
        errno_text(last)
    };
    c.print(&format!("failed to create kprobe '{func}' error '{why}'\n"));
    Err(Failed::prog(last))
}

/// `trace_pipe` under the tracefs directory.
pub fn trace_pipe_path() -> String {
    format!("{}/trace_pipe", tracefs())
}

/// The size of the symbol `name` in this process's executable (`/proc/self/exe`
/// `.symtab`, then `.dynsym`): how big `bpf_log_buf` really is when the library is
/// linked statically and no dynamic symbol describes it. `None` if unknown.
pub fn exe_symbol_size(name: &str) -> Option<u64> {
    use object::read::elf::{FileHeader, Sym};
    let data = crate::file::read(std::path::Path::new("/proc/self/exe")).ok()?;
    let hdr = object::elf::FileHeader64::<object::Endianness>::parse(&*data).ok()?;
    let endian = hdr.endian().ok()?;
    let sections = hdr.sections(endian, &*data).ok()?;
    for kind in [object::elf::SHT_SYMTAB, object::elf::SHT_DYNSYM] {
        let Ok(table) = sections.symbols(endian, &*data, kind) else {
            continue;
        };
        let found = table.symbols().iter().find(|s| {
            s.st_shndx(endian) != 0
                && s.st_type() == object::elf::STT_OBJECT
                && table.symbol_name(endian, *s).ok() == Some(name.as_bytes())
        });
        if let Some(s) = found {
            return Some(s.st_size(endian));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defs_of_any_size() {
        let mut b = vec![0u8; 40];
        b[0] = 2;
        b[4] = 4;
        b[8] = 8;
        b[12] = 16;
        b[24] = 1;
        let d = LoadMapDef::decode(&b[..16]).unwrap();
        assert_eq!((d.map_type, d.max_entries, d.numa_node), (2, 16, 0));
        let d = LoadMapDef::decode(&b).unwrap();
        assert_eq!(d.numa_node, 1);
        b[32] = 1;
        assert_eq!(LoadMapDef::decode(&b), Err(libc::EFBIG));
    }

    #[test]
    fn prefixes() {
        assert_eq!(kind_of("socket/3"), Some((Kind::Socket, "/3")));
        assert_eq!(
            kind_of("raw_tracepoint/sys_enter").map(|k| k.0),
            Some(Kind::RawTracepoint)
        );
        assert_eq!(kind_of("xdp_tx_iptunnel").map(|k| k.0), Some(Kind::Xdp));
        assert_eq!(kind_of(".text"), None);
        assert_eq!(prog_type(Kind::Cgroup, "dev"), None);
        assert_eq!(
            prog_type(Kind::Cgroup, "sock"),
            Some(BPF_PROG_TYPE_CGROUP_SOCK)
        );
        assert_eq!(atoi("12abc"), 12);
        assert_eq!(atoi("x"), 0);
    }

    #[test]
    fn missing_file_is_1() {
        struct Nop;
        impl Client for Nop {
            fn print(&mut self, _: &str) {}
            fn reset_map_data_fds(&mut self) {}
            fn map_entry(&mut self, _: usize, e: &MapEntry) -> (i32, LoadMapDef) {
                (e.fd, e.def)
            }
            fn set_map_fd(&mut self, _: usize, _: i32) {}
            fn set_map_data_count(&mut self, _: i32) {}
            fn prog_array_fd(&self) -> i32 {
                -1
            }
            fn set_prog_array_fd(&mut self, _: i32) {}
            fn prog_cnt(&self) -> i32 {
                0
            }
            fn add_prog(&mut self, _: i32) {}
            fn set_event_fd(&mut self, _: i32) {}
            fn log_buf(&mut self) -> (UserPtr, u32) {
                (UserPtr::NULL, 0)
            }
            fn clear_log(&mut self) {}
            fn print_load_error(&mut self, _: i32) {}
        }
        let r = load_file(std::path::Path::new("/nonexistent/lg_x.o"), &mut Nop);
        assert_eq!(
            r,
            Err(Failed {
                ret: 1,
                errno: libc::ENOENT
            })
        );
    }
}
