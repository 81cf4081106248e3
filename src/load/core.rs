//! CO-RE at `bpf_object__load` (`btf-core.md` §5.3): before any kernel object
//! is created, every program to load that has CO-RE relocations is linked and
//! relocated against the target BTF, the `btf_custom_path` file if given, else
//! the running kernel's vmlinux BTF (the process-wide copy) and, for types
//! vmlinux lacks, the module BTFs under `/sys/kernel/btf/`.

use super::ObjState;
use crate::btf::{Btf, Checks, FileKind};
use crate::error::Error;
use crate::object::calls::{link, Linked};
use crate::object::core::{relocate_program, Poisoned, Relocator, TargetBtf};
use std::path::Path;
use std::sync::Arc;

/// Programs linked and relocated ahead of loading, by program index.
#[derive(Default)]
pub struct Prepared {
    progs: Vec<Option<(Linked, Vec<Poisoned>)>>,
}

impl Prepared {
    /// Program `i`'s relocated code and poisoned instructions, if it had
    /// CO-RE relocations.
    pub fn take(&mut self, i: usize) -> Option<(Linked, Vec<Poisoned>)> {
        self.progs.get_mut(i).and_then(Option::take)
    }
}

/// The module BTFs of the running kernel, split on `vmlinux`; a module whose
/// BTF does not parse is left out with a warning.
fn module_btfs(vmlinux: &Arc<Btf>) -> Vec<TargetBtf> {
    let Ok(dir) = std::fs::read_dir("/sys/kernel/btf") else {
        return Vec::new();
    };
    let mut names: Vec<String> = dir
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n != "vmlinux")
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let path = format!("/sys/kernel/btf/{name}");
        let base = Some(vmlinux.clone());
        match Btf::from_path(Path::new(&path), FileKind::Raw, base, Checks::Strict, false) {
            Ok((btf, _)) => out.push(TargetBtf {
                name,
                btf: Arc::new(btf),
            }),
            Err(e) => crate::log::warn(format_args!("failed to load module [{name}]'s BTF: {e}")),
        }
    }
    out
}

/// The main target: `btf_custom_path` (which also disables module search),
/// else vmlinux.
fn main_target(custom: Option<&str>) -> Result<(TargetBtf, bool), Error> {
    match custom {
        Some(p) => {
            let btf = Btf::from_file(Path::new(p)).inspect_err(|e| {
                crate::log::warn(format_args!("failed to parse target BTF: {e}"))
            })?;
            let t = TargetBtf {
                name: "vmlinux".into(),
                btf: Arc::new(btf),
            };
            Ok((t, true))
        }
        None => {
            let btf = Btf::vmlinux().inspect_err(|e| {
                crate::log::warn(format_args!("Error loading vmlinux BTF: {e}"))
            })?;
            let t = TargetBtf {
                name: "vmlinux".into(),
                btf,
            };
            Ok((t, false))
        }
    }
}

/// True if a piece of program `i`'s linked code has CO-RE records.
fn has_relos(st: &ObjState, linked: &Linked) -> bool {
    let Some(ext) = &st.obj.btf_ext else {
        return false;
    };
    linked
        .pieces
        .iter()
        .any(|p| super::ext_info::has_core_relos(ext, &st.obj.code[p.code].name, p.sec_off, p.cnt))
}

/// Links and relocates every autoloaded program with CO-RE relocations
/// (programs whose code `set_insns` replaced keep their code).
#[inline]
pub fn relocate_all(st: &ObjState) -> Result<Prepared, Error> {
    match &st.obj.btf_ext {
        Some(ext) if ext.has_core_relos() => relocate_with_core(st),
        _ => Ok(Prepared::default()),
    }
}

fn relocate_with_core(st: &ObjState) -> Result<Prepared, Error> {
    let mut prepared = Prepared::default();
    let (Some(local), Some(ext)) = (&st.obj.btf, &st.obj.btf_ext) else {
        return Ok(prepared);
    };
    if !ext.has_core_relos() {
        return Ok(prepared);
    }
    for b in ext.core_relo_blocks() {
        let n = b.core_relos().count();
        crate::log::debug(format_args!(
            "sec '{}': found {n} CO-RE relocations",
            b.sec()
        ));
    }
    let mut relocator: Option<Relocator<'_>> = None;
    for (i, p) in st.progs.iter().enumerate() {
        if !p.autoload || p.insns.is_some() {
            continue;
        }
        let mut linked = link(&st.obj, &p.def)?;
        if !has_relos(st, &linked) {
            continue;
        }
        let r = match &mut relocator {
            Some(r) => r,
            None => {
                let (main, custom) = main_target(st.opts.btf_custom_path.as_deref())?;
                let vmlinux = main.btf.clone();
                let mut r = Relocator::new(local, main);
                if !custom {
                    r = r.with_modules(Box::new(move || module_btfs(&vmlinux)));
                }
                relocator.insert(r)
            }
        };
        let poisoned = relocate_program(&st.obj, ext, &p.def.name, &mut linked, r)?;
        if prepared.progs.len() <= i {
            prepared.progs.resize_with(i + 1, || None);
        }
        prepared.progs[i] = Some((linked, poisoned));
    }
    Ok(prepared)
}

/// libbpf's rewrite of a verifier log that stopped at a poisoned instruction:
/// `N: (85) call unknown#195896080` and the `invalid func` line after it become
/// `N: <invalid CO-RE relocation>` and `failed to resolve CO-RE relocation
/// <spec>`. Other logs come back unchanged.
pub fn fixup_log(text: &str, poisoned: &[Poisoned]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let hit = line
            .strip_suffix(": (85) call unknown#195896080")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|_| lines.get(i + 1) == Some(&"invalid func unknown#195896080"))
            .and_then(|n| poisoned.iter().find(|p| p.insn == n).map(|p| (n, p)));
        match hit {
            Some((n, p)) => {
                out.push_str(&format!(
                    "{n}: <invalid CO-RE relocation>\nfailed to resolve CO-RE relocation {}\n",
                    p.spec
                ));
                i += 2;
            }
            None => {
                out.push_str(line);
                out.push('\n');
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_stopped_at_a_poisoned_instruction_names_the_relocation() {
        let log = "0: R1=ctx() R10=fp0\n0: (85) call bpf_get_current_task#35\n\
                   1: (85) call unknown#195896080\ninvalid func unknown#195896080\n\
                   processed 2 insns\n";
        let p = [Poisoned {
            insn: 1,
            spec: "<byte_off> [3] struct s.x (0:0 @ offset 0)".into(),
        }];
        assert_eq!(
            fixup_log(log, &p),
            "0: R1=ctx() R10=fp0\n0: (85) call bpf_get_current_task#35\n\
             1: <invalid CO-RE relocation>\n\
             failed to resolve CO-RE relocation <byte_off> [3] struct s.x (0:0 @ offset 0)\n\
             processed 2 insns\n"
        );
        // Not one of ours (or no poisoned instruction): unchanged.
        assert_eq!(fixup_log(log, &[]), log);
    }
}
