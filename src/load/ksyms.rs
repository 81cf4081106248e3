//! Typed `.ksyms` externs found in kernel BTF (libbpf 1.1.2's
//! `bpf_object__resolve_ksyms_btf_id`): variables (`extern const int x __ksym`,
//! loaded as `BPF_PSEUDO_BTF_ID`) and kfuncs (called as `BPF_PSEUDO_KFUNC_CALL`),
//! looked up in vmlinux BTF, then in the BTF of every loaded module. A module's
//! BTF fd goes into the instruction (variables) or into the program's
//! `fd_array`, whose index the call's `off` names (kfuncs).

use super::externs::Value;
use crate::btf::{Btf, Kind, MAX_RESOLVE_DEPTH};
use crate::error::Error;
use crate::object::externs::{Extern, ExternKind};
use crate::sys::obj::{get_fd_by_id, get_next_id, IdKind};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::sync::Arc;

/// The BTF of a loaded kernel module, open for the load.
#[derive(Debug)]
struct ModuleBtf {
    name: String,
    fd: OwnedFd,
    btf: Btf,
    /// Its index in `fd_array` (0: not there yet).
    fd_idx: i16,
}

/// Kernel BTF as the typed ksyms of one load need it.
#[derive(Debug, Default)]
pub struct KernelBtfs {
    vmlinux: Option<Arc<Btf>>,
    /// `None` until looked for (only when vmlinux lacks a symbol).
    modules: Option<Vec<ModuleBtf>>,
    /// The programs' `fd_array`: module BTF fds kfunc calls name by index (index
    /// 0 is never used).
    pub fd_array: Vec<i32>,
}

/// Where a kernel symbol's BTF was found: its id, and the module (`None` for vmlinux).
type Found = (u32, Option<usize>);

impl KernelBtfs {
    fn vmlinux(&mut self) -> Result<Arc<Btf>, Error> {
        if let Some(v) = &self.vmlinux {
            return Ok(v.clone());
        }
        let v = Btf::vmlinux().inspect_err(|e| {
            crate::log::warn(format_args!("Error loading vmlinux BTF: -{}", e.errno()))
        })?;
        self.vmlinux = Some(v.clone());
        Ok(v)
    }

    /// Every module BTF the kernel has loaded (none on kernels without them).
    fn load_modules(&mut self, vmlinux: &Arc<Btf>) -> Result<(), Error> {
        if self.modules.is_some() {
            return Ok(());
        }
        let mut mods = Vec::new();
        let mut id = 0;
        loop {
            id = match get_next_id(IdKind::Btf, id) {
                Ok(id) => id,
                Err(e) if e.errno == libc::ENOENT => break,
                Err(e) => {
                    crate::log::warn(format_args!("failed to iterate BTF objects: {e}"));
                    return Err(e.into());
                }
            };
            let fd = match get_fd_by_id(IdKind::Btf, id, 0) {
                Ok(fd) => fd,
                Err(e) if e.errno == libc::ENOENT => continue, // unloaded meanwhile
                Err(e) => {
                    crate::log::warn(format_args!("failed to get BTF object #{id} FD: {e}"));
                    return Err(e.into());
                }
            };
            let (name, kernel) = crate::sys::btf_info::btf_name(fd.as_fd()).inspect_err(|e| {
                crate::log::warn(format_args!("failed to get BTF object #{id} info: {e}"))
            })?;
            if !kernel || name == "vmlinux" {
                continue;
            }
            let data = crate::sys::btf_info::btf_data(fd.as_fd())?;
            let btf = Btf::parse_split(&data, Some(vmlinux.clone())).inspect_err(|e| {
                crate::log::warn(format_args!(
                    "failed to load module [{name}]'s BTF object #{id}: {e}"
                ))
            })?;
            mods.push(ModuleBtf {
                name,
                fd,
                btf,
                fd_idx: 0,
            });
        }
        self.modules = Some(mods);
        Ok(())
    }

    /// Finds `name` of `kind` in vmlinux, else in the modules.
    fn find(&mut self, name: &str, kind: Kind) -> Result<Option<Found>, Error> {
        let vmlinux = self.vmlinux()?;
        if let Some(id) = vmlinux.find_by_name_kind(name, kind) {
            return Ok(Some((id, None)));
        }
        self.load_modules(&vmlinux)?;
        let mods = self.modules.as_deref().unwrap_or_default();
        Ok(mods.iter().enumerate().find_map(|(i, m)| {
            m.btf
                .find_by_name_kind(name, kind)
                .filter(|&id| id >= m.btf.start_id())
                .map(|id| (id, Some(i)))
        }))
    }

    fn btf_of(&self, module: Option<usize>) -> Option<&Btf> {
        match module {
            None => self.vmlinux.as_deref(),
            Some(i) => self.modules.as_ref()?.get(i).map(|m| &m.btf),
        }
    }

    fn module(&self, module: Option<usize>) -> Option<&ModuleBtf> {
        self.modules.as_ref()?.get(module?)
    }

    /// Resolves typed ksym `e` (its local BTF in `local`) into `v`; a weak one
    /// that is absent stays unset.
    pub fn resolve(&mut self, local: &Btf, e: &Extern, v: &mut Value) -> Result<(), Error> {
        let ExternKind::Ksym { type_id, func } = e.kind else {
            return Ok(());
        };
        let kind = if func { Kind::Func } else { Kind::Var };
        let Some((id, module)) = self.find(&e.name, kind)? else {
            if e.weak {
                return Ok(());
            }
            let what = if func {
                format!(
                    "extern (func ksym) '{}': not found in kernel or module BTFs",
                    e.name
                )
            } else {
                format!("extern (var ksym) '{}': not found in kernel BTF", e.name)
            };
            crate::log::warn(format_args!("{what}"));
            return Err(Error::NoMatch("ksym not found in kernel BTF"));
        };
        let kern = self
            .btf_of(module)
            .ok_or(Error::Bug("kernel BTF vanished"))?;
        let target = kern.ty(id).map_or(0, |t| t.type_id());
        let target = if func {
            target
        } else {
            kern.skip_mods_and_typedefs(target).map_or(0, |(id, _)| id)
        };
        if !types_compatible(local, type_id, kern, target) {
            incompatible(local, type_id, kern, target, e, func);
            return Err(Error::Inval("ksym type differs from the kernel's"));
        }
        let fd = self.module(module).map_or(0, |m| m.fd.as_raw_fd());
        if func {
            v.fd_idx = self.fd_index(module, &e.name)?;
        }
        v.set = true;
        v.btf_id = id;
        v.btf_obj_fd = fd;
        let from = self.module(module).map_or("vmlinux", |m| m.name.as_str());
        crate::log::debug(format_args!(
            "extern (ksym) '{}': resolved to {from} [{id}]",
            e.name
        ));
        Ok(())
    }

    /// The `fd_array` index of `module`'s BTF fd, added on first use (0 for vmlinux).
    fn fd_index(&mut self, module: Option<usize>, name: &str) -> Result<i16, Error> {
        let Some(i) = module else {
            return Ok(0);
        };
        let len = self.fd_array.len();
        let Some(m) = self.modules.as_mut().and_then(|mods| mods.get_mut(i)) else {
            return Err(Error::Bug("module BTF vanished"));
        };
        if m.fd_idx != 0 {
            return Ok(m.fd_idx);
        }
        let idx = len.max(1);
        let Ok(idx16) = i16::try_from(idx) else {
            crate::log::warn(format_args!(
                "extern (func ksym) '{name}': module BTF fd index {idx} too big to fit in bpf_insn offset"
            ));
            return Err(Error::TooBig("too many module BTFs for fd_array"));
        };
        m.fd_idx = idx16;
        let fd = m.fd.as_raw_fd();
        self.fd_array.resize(idx, 0);
        self.fd_array.push(fd);
        Ok(idx16)
    }
}

/// libbpf's message for a ksym whose type differs from the kernel's.
fn incompatible(local: &Btf, lid: u32, kern: &Btf, kid: u32, e: &Extern, func: bool) {
    if func {
        crate::log::warn(format_args!(
            "extern (func ksym) '{}': func_proto [{lid}] incompatible with kernel [{kid}]",
            e.name
        ));
        return;
    }
    fn show(b: &Btf, id: u32) -> (&'static str, &str) {
        b.ty(id)
            .map_or(("void", ""), |t| (t.kind().as_str(), t.name()))
    }
    let (lk, ln) = show(local, lid);
    let (kk, kn) = show(kern, kid);
    crate::log::warn(format_args!(
        "extern (var ksym) '{}': incompatible types, expected [{lid}] {lk} {ln}, but kernel has [{kid}] {kk} {kn}",
        e.name
    ));
}

/// Whether local type `lid` and kernel type `kid` are compatible as libbpf judges
/// ksyms (`bpf_core_types_are_compat`): modifiers and typedefs skipped, the same
/// kind (any two enums match); composites, enums and forward declarations match
/// by kind alone, integers unless bit-field-like, pointers and arrays by their
/// targets, function prototypes by parameter count, parameters and return type.
pub fn types_compatible(local: &Btf, lid: u32, kern: &Btf, kid: u32) -> bool {
    compat_at(local, lid, kern, kid, MAX_RESOLVE_DEPTH)
}

fn compat_at(local: &Btf, lid: u32, kern: &Btf, kid: u32, depth: u32) -> bool {
    let (mut lid, mut kid) = (lid, kid);
    for _ in 0..depth {
        let (Some((l_id, l)), Some((k_id, k))) = (
            local.skip_mods_and_typedefs(lid),
            kern.skip_mods_and_typedefs(kid),
        ) else {
            return false;
        };
        let enums = l.is_any_enum() && k.is_any_enum();
        if l.kind() != k.kind() && !enums {
            return false;
        }
        match l.kind() {
            Kind::Void | Kind::Struct | Kind::Union | Kind::Enum | Kind::Enum64 | Kind::Fwd => {
                return true
            }
            Kind::Int => return l.int_offset() == 0 && k.int_offset() == 0,
            Kind::Ptr => (lid, kid) = (l.type_id(), k.type_id()),
            Kind::Array => match (l.array(), k.array()) {
                (Some(a), Some(b)) => (lid, kid) = (a.elem_type, b.elem_type),
                _ => return false,
            },
            Kind::FuncProto => {
                if l.vlen() != k.vlen() {
                    return false;
                }
                let params_ok = l
                    .params()
                    .zip(k.params())
                    .all(|(a, b)| compat_at(local, a.type_id, kern, b.type_id, depth - 1));
                if !params_ok {
                    return false;
                }
                (lid, kid) = (l.type_id(), k.type_id());
            }
            _ => {
                crate::log::warn(format_args!(
                    "unexpected kind {} relocated, local [{l_id}], target [{k_id}]",
                    l.kind().as_str()
                ));
                return false;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::write::BtfBuilder;
    use crate::btf::INT_SIGNED;

    #[test]
    fn compatibility_as_libbpf_judges_ksyms() {
        let mut a = BtfBuilder::new();
        let int = a.int("int", 4, INT_SIGNED, 32);
        let s = a.struct_("task_struct", 4, &[("pid", int, 0)]);
        let ps = a.ptr(s);
        let f1 = a.func_proto(ps, &[("pid", int)]);
        let f2 = a.func_proto(ps, &[]);
        let cint = a.modifier(Kind::Const, int);
        let e = a.enum_("e", 4, false, &[("A", 0)]);
        let local = a.build().unwrap();

        let mut k = BtfBuilder::new();
        let kint = k.int("int", 4, INT_SIGNED, 32);
        let ku = k.int("unsigned int", 4, 0, 32);
        let ks = k.struct_("task_struct", 100, &[("state", kint, 0), ("pid", kint, 32)]);
        let kps = k.ptr(ks);
        let kf = k.func_proto(kps, &[("", ku)]);
        let ku64 = k.int("u64", 8, 0, 64);
        let kf_other = k.func_proto(ku64, &[("", ku)]);
        let td = k.typedef("pid_t", kint);
        let ke64 = k.enum64("e", 8, false, &[("A", 0)]);
        let kern = k.build().unwrap();

        assert!(types_compatible(&local, f1, &kern, kf));
        assert!(!types_compatible(&local, f2, &kern, kf), "parameter count");
        assert!(
            !types_compatible(&local, f1, &kern, kf_other),
            "return type"
        );
        assert!(types_compatible(&local, cint, &kern, td));
        assert!(types_compatible(&local, e, &kern, ke64));
        assert!(!types_compatible(&local, int, &kern, kps));
        assert!(types_compatible(&local, ps, &kern, kps));
        assert!(types_compatible(&local, 0, &kern, 0));
    }

    #[test]
    fn fd_array_indexes_start_at_one() {
        let mut k = KernelBtfs::default();
        let null = std::fs::File::open("/dev/null").unwrap();
        for name in ["a", "b"] {
            k.modules.get_or_insert_with(Vec::new).push(ModuleBtf {
                name: name.into(),
                fd: null.try_clone().unwrap().into(),
                btf: Btf::default(),
                fd_idx: 0,
            });
        }
        assert_eq!(k.fd_index(None, "x").unwrap(), 0);
        assert_eq!(k.fd_index(Some(1), "x").unwrap(), 1);
        assert_eq!(k.fd_index(Some(0), "x").unwrap(), 2);
        assert_eq!(k.fd_index(Some(1), "x").unwrap(), 1, "once per module");
        assert_eq!(k.fd_array.len(), 3);
        assert_eq!(k.fd_array[0], 0);
    }
}
