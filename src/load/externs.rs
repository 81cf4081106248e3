//! Extern values at load (libbpf 1.1.2's `bpf_object__resolve_externs` and the
//! extern cases of `bpf_object__relocate_data`):
//! - `.kconfig`: the virtual `LINUX_KERNEL_VERSION`, `LINUX_HAS_BPF_COOKIE` and
//!   `LINUX_HAS_SYSCALL_WRAPPER` (feature probes), then `CONFIG_*` from the
//!   `kconfig` open option, then from `/boot/config-$(uname -r)` or
//!   `/proc/config.gz`, written into the `.kconfig` map's value;
//! - typeless `.ksyms` from `/proc/kallsyms`, typed ones from kernel BTF
//!   (`ksyms`), or in generate mode by the loader program at run time;
//! - a strong extern left without a value fails the load, a weak one reads 0.
//!
//! Then each program's references are patched: `ld_imm64` of a `.kconfig`
//! extern → `BPF_PSEUDO_MAP_VALUE` into the `.kconfig` map; of a typed ksym →
//! `BPF_PSEUDO_BTF_ID`; of a typeless (or unresolved) one → its address; a kfunc
//! call → `BPF_PSEUDO_KFUNC_CALL` with the BTF id (`imm` 0 when a weak kfunc is
//! absent, for the verifier to drop as dead code).

use super::inflate;
use super::kconfig::{Source, Values};
use super::ksyms::KernelBtfs;
use super::ObjState;
use crate::error::Error;
use crate::object::calls::Linked;
use crate::object::externs::{Extern, ExternKind};
use crate::object::RelocKind;
use crate::sys::UserPtr;
use crate::uapi::{BPF_PSEUDO_BTF_ID, BPF_PSEUDO_KFUNC_CALL, BPF_PSEUDO_MAP_VALUE};
use std::os::fd::AsRawFd;

/// What load found for one extern.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Value {
    pub set: bool,
    /// A typeless ksym's address.
    pub addr: u64,
    /// A typed ksym's kernel BTF id, and the fd of the module BTF holding it
    /// (0 for vmlinux).
    pub btf_id: u32,
    pub btf_obj_fd: i32,
    /// A kfunc's module BTF index in `fd_array` (0 for vmlinux).
    pub fd_idx: i16,
}

/// The externs' values for the load under way, with the kernel BTF they came
/// from (module BTF fds stay open until the programs are loaded).
#[derive(Debug, Default)]
pub struct Resolved {
    pub values: Vec<Value>,
    kernel: KernelBtfs,
}

/// Finds a value for every extern of the object; called once per load, before
/// maps are created (the `.kconfig` map's initial value is written here).
#[inline]
pub fn resolve(st: &mut ObjState) -> Result<(), Error> {
    if st.obj.externs.is_empty() {
        return Ok(());
    }
    resolve_taken(st)
}

fn resolve_taken(st: &mut ObjState) -> Result<(), Error> {
    let externs = std::mem::take(&mut st.obj.externs);
    let r = crate::sys::kernel::keeping_errno(|| resolve_all(st, &externs));
    st.obj.externs = externs;
    r
}

fn resolve_all(st: &mut ObjState, externs: &[Extern]) -> Result<(), Error> {
    if externs.is_empty() {
        return Ok(());
    }
    let mut set = vec![false; externs.len()];
    let kmap = st.kconfig_map();
    let mut data = kconfig_data(st, kmap);
    let mut values = Values {
        externs,
        set: &mut set,
        data: &mut data,
    };
    let (mut need_config, mut need_kallsyms, mut need_btf) = (false, false, false);
    for (i, e) in externs.iter().enumerate() {
        match &e.kind {
            ExternKind::Ksym { type_id: 0, .. } => need_kallsyms = true,
            ExternKind::Ksym { .. } => need_btf = true,
            ExternKind::Kcfg(_) if e.name.starts_with("CONFIG_") => need_config = true,
            ExternKind::Kcfg(k) => {
                let Some(v) = virtual_value(e)? else { continue };
                values.set_num(e, k, v)?;
                values.set[i] = true;
                crate::log::debug(format_args!("extern (kcfg) '{}': set to {v:#x}", e.name));
            }
        }
    }
    if need_config {
        if let Some(text) = st.opts.kconfig.as_deref() {
            values
                .apply_text(text.as_bytes(), Source::Memory)
                .map_err(|_| Error::Inval("bad kconfig open option"))?;
            need_config = externs
                .iter()
                .zip(values.set.iter())
                .any(|(e, &s)| e.kcfg().is_some() && !s);
        }
    }
    if need_config {
        system_kconfig(&mut values)?;
    }
    let mut vals: Vec<Value> = set
        .iter()
        .map(|&set| Value {
            set,
            ..Value::default()
        })
        .collect();
    if need_kallsyms {
        kallsyms(externs, &mut vals)?;
    }
    let mut kernel = KernelBtfs::default();
    if need_btf && st.gen.is_some() {
        // Generate mode: the loader program finds them at run time.
        for (e, v) in externs.iter().zip(vals.iter_mut()) {
            v.set |= matches!(e.kind, ExternKind::Ksym { type_id, .. } if type_id != 0);
        }
    } else if need_btf {
        let local = st
            .obj
            .btf
            .as_ref()
            .ok_or(Error::Bug("externs without BTF"))?;
        for (e, v) in externs.iter().zip(vals.iter_mut()) {
            if matches!(e.kind, ExternKind::Ksym { type_id, .. } if type_id != 0) {
                kernel
                    .resolve(local, e, v)
                    .map_err(|_| Error::Inval("typed ksym not resolved"))?;
            }
        }
    }
    for (e, v) in externs.iter().zip(&vals) {
        if !v.set && !e.weak {
            crate::log::warn(format_args!("extern '{}' (strong): not resolved", e.name));
            return Err(Error::NoMatch("strong extern not resolved"));
        }
        if !v.set {
            crate::log::debug(format_args!(
                "extern '{}' (weak): not resolved, defaulting to zero",
                e.name
            ));
        }
    }
    if let Some(m) = kmap.and_then(|i| st.maps.get_mut(i)) {
        if let Some(mm) = &mut m.mmap {
            mm.write_at_start(&data);
        }
    }
    st.externs = Resolved {
        values: vals,
        kernel,
    };
    Ok(())
}

/// The `.kconfig` map's current value (what `bpf_map__set_initial_value` left),
/// sized to the map.
fn kconfig_data(st: &ObjState, kmap: Option<usize>) -> Vec<u8> {
    let Some(m) = kmap.and_then(|i| st.maps.get(i)) else {
        return Vec::new();
    };
    let mut d = m.mmap.as_ref().map(|mm| mm.to_vec()).unwrap_or_default();
    d.resize(m.def.value_size as usize, 0);
    d
}

/// The value of a `.kconfig` extern libbpf computes itself; `None` for an
/// unknown `LINUX_*` one that is weak (left 0).
fn virtual_value(e: &Extern) -> Result<Option<u64>, Error> {
    Ok(Some(match e.name.as_str() {
        "LINUX_KERNEL_VERSION" => {
            let v = crate::sys::kernel::kernel_version();
            if v == 0 {
                crate::log::warn(format_args!(
                    "extern (kcfg) '{}': failed to get kernel version",
                    e.name
                ));
                return Err(Error::Inval("kernel version unknown"));
            }
            u64::from(v)
        }
        "LINUX_HAS_BPF_COOKIE" => {
            u64::from(super::features::has(super::features::Feature::BpfCookie))
        }
        "LINUX_HAS_SYSCALL_WRAPPER" => u64::from(super::features::has(
            super::features::Feature::SyscallWrapper,
        )),
        n if n.starts_with("LINUX_") && e.weak => return Ok(None),
        _ => {
            crate::log::warn(format_args!(
                "extern (kcfg) '{}': unrecognized virtual extern",
                e.name
            ));
            return Err(Error::Inval("unrecognized virtual kconfig extern"));
        }
    }))
}

/// `CONFIG_*` values from the running kernel's config file.
fn system_kconfig(values: &mut Values<'_>) -> Result<(), Error> {
    let Some((path, bytes)) = crate::sys::kernel::kconfig_file() else {
        crate::log::warn(format_args!("failed to open system Kconfig"));
        return Err(Error::Inval("no kernel config file"));
    };
    let text = if inflate::is_gzip(&bytes) {
        inflate::gunzip(&bytes).map_err(|e| {
            crate::log::warn(format_args!("failed to read system Kconfig {path}: {e}"));
            Error::Inval("kernel config file does not decompress")
        })?
    } else {
        bytes
    };
    values
        .apply_text(&text, Source::System)
        .map_err(|_| Error::Inval("bad kernel config file"))
}

/// Typeless ksyms' addresses from `/proc/kallsyms`.
fn kallsyms(externs: &[Extern], vals: &mut [Value]) -> Result<(), Error> {
    let text = crate::sys::kernel::kallsyms().map_err(|e| {
        let errno = e.errno();
        crate::log::warn(format_args!("failed to open /proc/kallsyms: -{errno}"));
        Error::Inval("/proc/kallsyms unreadable")
    })?;
    let text = String::from_utf8_lossy(&text);
    for line in text.lines() {
        let mut f = line.split_ascii_whitespace();
        let parsed = (f.next(), f.next(), f.next());
        let (Some(addr), Some(_), Some(name)) = parsed else {
            crate::log::warn(format_args!("failed to read kallsyms entry: {line}"));
            return Err(Error::Inval("bad /proc/kallsyms line"));
        };
        let typeless = |e: &Extern| {
            matches!(
                e.kind,
                ExternKind::Ksym {
                    type_id: 0,
                    func: false
                }
            )
        };
        let Some(i) = externs.iter().position(|e| e.name == name && typeless(e)) else {
            continue;
        };
        let Ok(addr) = u64::from_str_radix(addr, 16) else {
            crate::log::warn(format_args!("failed to read kallsyms entry: {line}"));
            return Err(Error::Inval("bad /proc/kallsyms line"));
        };
        let v = &mut vals[i];
        if v.set && v.addr != addr {
            crate::log::warn(format_args!(
                "extern (ksym) '{name}': resolution is ambiguous: {:#x} or {addr:#x}",
                v.addr
            ));
            return Err(Error::Inval("ambiguous ksym"));
        }
        if !v.set {
            v.set = true;
            v.addr = addr;
            crate::log::debug(format_args!("extern (ksym) '{name}': set to {addr:#x}"));
        }
    }
    Ok(())
}

/// Fills in linked program `prog`'s references to externs.
pub fn patch(st: &ObjState, prog: &str, linked: &mut Linked) -> Result<(), Error> {
    if st.obj.externs.is_empty() {
        return Ok(());
    }
    for &(idx, kind) in &linked.map_refs {
        let RelocKind::Extern { ext, call } = kind else {
            continue;
        };
        let e = st.obj.externs.get(ext).ok_or(Error::Bug("extern index"))?;
        let v = st.externs.values.get(ext).copied().unwrap_or_default();
        if idx + usize::from(!call) >= linked.insns.len() {
            return Err(Error::Inval("truncated ld_imm64"));
        }
        let (lo, hi) = match (call, &e.kind) {
            (true, _) => {
                let insn = &mut linked.insns[idx];
                insn.set_src(BPF_PSEUDO_KFUNC_CALL);
                insn.imm = if v.set { v.btf_id as i32 } else { 0 };
                insn.off = if v.set { v.fd_idx } else { 0 };
                continue;
            }
            (false, ExternKind::Kcfg(k)) => {
                let fd =
                    (st.kconfig_map().and_then(|i| st.maps.get(i))).and_then(|m| m.fd.as_ref());
                let Some(fd) = fd else {
                    crate::log::warn(format_args!(
                        "prog '{prog}': map '.kconfig' is used but was not created (autocreate is off)"
                    ));
                    return Err(Error::Inval("program uses a map that was not created"));
                };
                linked.insns[idx].set_src(BPF_PSEUDO_MAP_VALUE);
                (fd.as_raw_fd(), k.data_off as i32)
            }
            (false, ExternKind::Ksym { type_id, .. }) if *type_id != 0 && v.set => {
                linked.insns[idx].set_src(BPF_PSEUDO_BTF_ID);
                (v.btf_id as i32, v.btf_obj_fd)
            }
            (false, ExternKind::Ksym { .. }) => (v.addr as u32 as i32, (v.addr >> 32) as i32),
        };
        linked.insns[idx].imm = lo;
        linked.insns[idx + 1].imm = hi;
    }
    Ok(())
}

/// The `fd_array` programs of this load are given (module BTFs of kfunc calls),
/// null when there is none.
pub fn fd_array(st: &ObjState) -> UserPtr {
    let a = &st.externs.kernel.fd_array;
    if a.is_empty() {
        UserPtr(0)
    } else {
        UserPtr::from_ptr(a.as_ptr())
    }
}
