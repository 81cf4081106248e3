//! Checking a BPF object without a kernel: what `bpf_object__open` makes of it
//! (programs, maps, relocations, global data, externs), every CO-RE relocation
//! resolved against given target BTFs as the loader would, and the oldest
//! kernel that loads it (from `uapi::kernels`) — or, for a given kernel
//! version, what it lacks and whether libbpf would fall back.
//!
//! Owns: the report ([`Report`], [`check`]), its text and JSON forms
//! (`report`), the CO-RE walk (`core`), reachability of poisoned instructions
//! (`reach`), the kernel needs (`need`), bpftool's C and raw BTF listings
//! (`cdump`, `raw`) and skeleton and subskeleton headers (`skel`, `subskel`).
//! Must not call: `crate::sys` or `crate::load` (no kernel calls, no root).
#![forbid(unsafe_code)]

pub mod cdump;
pub mod core;
pub mod helpers;
pub mod json;
pub mod need;
pub mod raw;
mod reach;
pub mod report;
pub mod skel;
pub mod subskel;

use crate::error::Error;
use crate::object::core::TargetBtf;
use crate::object::{MapDef, MapKind, Object, OpenOpts, RelocKind};
use crate::uapi::names;
pub use need::Need;

/// One program as open sees it.
#[derive(Clone, Debug)]
pub struct Program {
    pub name: String,
    pub section: String,
    pub prog_type: String,
    pub attach_type: String,
    pub insns: usize,
    /// Helpers called by it and its subprograms, by name, in order of first call.
    pub helpers: Vec<String>,
    pub relocs: RelocCounts,
    pub sleepable: bool,
}

/// A program's relocations by kind (its linked code: subprograms included).
#[derive(Clone, Copy, Debug, Default)]
pub struct RelocCounts {
    pub map: usize,
    pub global_data: usize,
    pub subprog_calls: usize,
    pub externs: usize,
    pub core: usize,
}

/// One map as open sees it.
#[derive(Clone, Debug)]
pub struct Map {
    pub name: String,
    /// `btf` (`.maps`), `legacy` (`maps`) or `data` (a global-data section).
    pub defined: &'static str,
    pub map_type: String,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub flags: u32,
    pub pinning: u32,
    pub inner: Option<Box<Map>>,
}

/// An extern symbol.
#[derive(Clone, Debug)]
pub struct Extern {
    pub name: String,
    /// `kconfig`, `ksym (typeless)`, `ksym (typed)` or `kfunc`.
    pub kind: &'static str,
    pub weak: bool,
}

/// A gap between the object and a given kernel.
#[derive(Clone, Debug)]
pub struct Lack {
    pub need: Need,
    /// True when libbpf falls back (the load still succeeds).
    pub falls_back: bool,
}

/// Everything `bpfrs check` reports.
#[derive(Clone, Debug)]
pub struct Report {
    pub object: String,
    pub license: String,
    pub programs: Vec<Program>,
    pub maps: Vec<Map>,
    /// Global-data sections: (section, the map's kernel name, size).
    pub datasecs: Vec<(String, String, u32)>,
    pub externs: Vec<Extern>,
    pub core: Vec<core::CoreRelo>,
    /// The target BTFs relocations were resolved against.
    pub targets: Vec<String>,
    pub needs: Vec<Need>,
    pub min_kernel: (u32, u32),
    /// The kernel compared against, and what it lacks.
    pub kernel: Option<(u32, u32)>,
    pub lacking: Vec<Lack>,
    pub problems: Vec<String>,
}

impl Report {
    /// True when the object would load (on `kernel`, if given).
    pub fn loads(&self) -> bool {
        self.problems.is_empty()
    }
}

fn cname(s: Option<&'static std::ffi::CStr>, n: u32) -> String {
    s.and_then(|c| c.to_str().ok())
        .map_or_else(|| format!("{n}"), str::to_string)
}

fn map_info(m: &MapDef) -> Map {
    Map {
        name: m.name.to_string(),
        defined: match m.kind {
            MapKind::Btf => "btf",
            MapKind::Legacy { .. } => "legacy",
            MapKind::Data(_) => "data",
            MapKind::StructOps => "struct_ops",
        },
        map_type: cname(names::map_type(m.map_type), m.map_type),
        key_size: m.key_size,
        value_size: m.value_size,
        max_entries: m.max_entries,
        flags: m.map_flags,
        pinning: m.pinning,
        inner: m.inner.as_deref().map(|i| Box::new(map_info(i))),
    }
}

fn program_info(obj: &Object, i: usize, problems: &mut Vec<String>) -> Program {
    let p = &obj.progs[i];
    let mut out = Program {
        name: p.name.to_string(),
        section: p.sec_name.to_string(),
        prog_type: cname(names::prog_type(p.prog_type), p.prog_type),
        // 0 is BPF_CGROUP_INET_INGRESS, but only cgroup_skb programs mean it.
        attach_type: if p.expected_attach_type == 0
            && p.prog_type != crate::uapi::BPF_PROG_TYPE_CGROUP_SKB
        {
            "none".into()
        } else {
            cname(
                names::attach_type(p.expected_attach_type),
                p.expected_attach_type,
            )
        },
        insns: p.insn_cnt,
        helpers: Vec::new(),
        relocs: RelocCounts::default(),
        sleepable: p.sec_def.is_some_and(|d| d.is_sleepable()),
    };
    if p.sec_def.is_none() {
        problems.push(format!(
            "program '{}': section '{}' names no program type libbpf knows",
            p.name, p.sec_name
        ));
    }
    let linked = match crate::object::calls::link(obj, p) {
        Ok(l) => l,
        Err(e) => {
            problems.push(format!("program '{}': {e}", p.name));
            return out;
        }
    };
    for insn in &linked.insns {
        if insn.is_helper_call() {
            let n = helpers::NAMES
                .get(insn.imm as usize)
                .filter(|s| !s.is_empty())
                .map_or_else(|| format!("#{}", insn.imm), |s| format!("bpf_{s}"));
            if !out.helpers.contains(&n) {
                out.helpers.push(n);
            }
        } else if insn.is_pseudo_call() || insn.is_pseudo_func() {
            out.relocs.subprog_calls += 1;
        }
    }
    for (_, k) in &linked.map_refs {
        match k {
            RelocKind::MapFd { .. } => out.relocs.map += 1,
            RelocKind::MapValue { .. } => out.relocs.global_data += 1,
            RelocKind::Extern { .. } => out.relocs.externs += 1,
            _ => {}
        }
    }
    if let Some(ext) = &obj.btf_ext {
        for piece in &linked.pieces {
            if let Some(b) = ext.core_relos(&obj.code[piece.code].name) {
                let (lo, hi) = (piece.sec_off * 8, (piece.sec_off + piece.cnt) * 8);
                out.relocs.core += b
                    .core_relos()
                    .filter(|r| (lo..hi).contains(&(r.insn_off as usize)))
                    .count();
            }
        }
    }
    out
}

fn extern_info(e: &crate::object::externs::Extern) -> Extern {
    use crate::object::externs::ExternKind;
    Extern {
        name: e.name.clone(),
        kind: match e.kind {
            ExternKind::Kcfg(_) => "kconfig",
            ExternKind::Ksym { func: true, .. } => "kfunc",
            ExternKind::Ksym { type_id: 0, .. } => "ksym (typeless)",
            ExternKind::Ksym { .. } => "ksym (typed)",
        },
        weak: e.weak,
    }
}

/// What libbpf 1.x says of an object with a `maps` section, and what it means.
pub const LEGACY_MAPS: &str = "elf: legacy map definitions in 'maps' section are not \
     supported by libbpf v1.0+ (bpf_object__open fails with -EOPNOTSUPP; libbpfrs \
     opens such objects only for bpf_load.c and libbpf 0.x clients)";

/// Opens `data` as libbpf 1.x's `bpf_object__open` does, which refuses a legacy
/// `maps` section; such an object is then opened as 0.x would, so the report
/// can still describe it, and the flag says libbpf 1.x refuses it.
fn open_as_libbpf_1(data: &[u8], path: &str) -> Result<(Object, bool), Error> {
    let strict = OpenOpts {
        reject_legacy_maps: true,
        ..OpenOpts::default()
    };
    match Object::parse(data, path, &strict) {
        Ok(obj) => Ok((obj, false)),
        Err(Error::Unsupported(_)) => Ok((Object::parse(data, path, &OpenOpts::default())?, true)),
        Err(e) => Err(e),
    }
}

/// Parses `data` (read from `path`) as `bpf_object__open` does and checks it
/// against `targets` (vmlinux first, then module BTFs) and, if given, a kernel
/// version. A malformed object is an error; everything else is in the report.
pub fn check(
    data: &[u8],
    path: &str,
    targets: &[TargetBtf],
    kernel: Option<(u32, u32)>,
) -> Result<Report, Error> {
    let (obj, legacy_maps) = open_as_libbpf_1(data, path)?;
    let mut problems = Vec::new();
    if legacy_maps {
        problems.push(LEGACY_MAPS.to_string());
    }
    let programs = (0..obj.progs.len())
        .map(|i| program_info(&obj, i, &mut problems))
        .collect();
    let datasecs = obj
        .maps
        .iter()
        .filter(|m| m.is_internal())
        .map(|m| {
            let kernel_name = crate::object::maps::internal_map_name(&obj.name, &m.name);
            (m.name.to_string(), kernel_name, m.value_size)
        })
        .collect();
    let (core, core_problems) = core::check(&obj, targets);
    problems.extend(core_problems);
    let needs = need::needs(&obj);
    let min_kernel = need::min_kernel(&needs);
    let mut lacking = Vec::new();
    if let Some(k) = kernel {
        for n in needs.iter().filter(|n| n.since > k) {
            let falls_back = n.fallback.is_some();
            if !falls_back {
                problems.push(format!(
                    "Linux {}.{} lacks {} (since {}.{}){}",
                    k.0,
                    k.1,
                    n.item,
                    n.since.0,
                    n.since.1,
                    users_text(&n.users)
                ));
            }
            lacking.push(Lack {
                need: n.clone(),
                falls_back,
            });
        }
    }
    Ok(Report {
        object: obj.name.to_string(),
        license: obj.license.to_string(),
        programs,
        maps: obj.maps.iter().map(map_info).collect(),
        datasecs,
        externs: obj.externs.iter().map(extern_info).collect(),
        core,
        targets: targets.iter().map(|t| t.name.clone()).collect(),
        needs,
        min_kernel,
        kernel,
        lacking,
        problems,
    })
}

pub(crate) fn users_text(users: &[String]) -> String {
    if users.is_empty() {
        String::new()
    } else {
        format!(" [{}]", users.join(", "))
    }
}

/// Parses `X.Y` (a trailing `.Z` or `-suffix` is ignored, as in `uname -r`).
pub fn parse_version(s: &str) -> Option<(u32, u32)> {
    let mut it = s.split(['.', '-']);
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_helper_table_matches_bpf_helper_defs_h() {
        let defs = include_str!("../../include/bpf/bpf_helper_defs.h");
        let mut n = 0;
        for line in defs.lines().filter(|l| l.starts_with("static ")) {
            let Some((_, rest)) = line.split_once("(* const bpf_") else {
                continue;
            };
            let name = rest.split(')').next().unwrap();
            let id: usize = line
                .rsplit("(void *) ")
                .next()
                .unwrap()
                .trim_end_matches(';')
                .parse()
                .unwrap();
            assert_eq!(super::helpers::NAMES[id], name);
            n += 1;
        }
        assert_eq!(n, super::helpers::NAMES.len() - 1);
    }

    #[test]
    fn versions_parse_as_uname_prints_them() {
        assert_eq!(super::parse_version("5.4"), Some((5, 4)));
        assert_eq!(super::parse_version("6.18.0-rc1"), Some((6, 18)));
        assert_eq!(super::parse_version("5"), None);
    }
}
