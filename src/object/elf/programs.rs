//! Phase 5: the functions of each code section ([`functions`], from `STT_FUNC`
//! symbols), then the entry-point programs ([`entry_points`]: every function of
//! every code section but `.text`, with the program type its section name implies).
//! Must not call: `crate::sys`.

use super::{SecKind, Symbol, SHN_COMMON};
use crate::error::Error;
use crate::object::{format_err, sec, CodeSection, Func, ProgDef};
use object::elf as E;

/// Fills `funcs` of every code section, in offset order. A function of size 0 runs
/// to the next one or the end of its section; a section without function symbols
/// (very old objects) is one function, named by a global symbol at its start or by
/// the section itself.
pub(super) fn functions(
    code: &mut [CodeSection],
    kinds: &[SecKind],
    syms: &[Symbol],
    path_name: &str,
) -> Result<(), Error> {
    for s in syms {
        if s.typ != E::STT_FUNC || s.shndx == SHN_COMMON {
            continue;
        }
        let Some(SecKind::Code(ci)) = kinds.get(s.shndx).copied() else {
            continue;
        };
        let cs = &mut code[ci];
        if s.value % 8 != 0 || s.size % 8 != 0 {
            return Err(format_err(format!(
                "{path_name}: function {}: misaligned in {}",
                s.name, cs.name
            )));
        }
        let off = (s.value / 8) as usize;
        let cnt = (s.size / 8) as usize;
        if off >= cs.insns.len() || off.checked_add(cnt).is_none_or(|e| e > cs.insns.len()) {
            return Err(format_err(format!(
                "{path_name}: function {} lies outside section {}",
                s.name, cs.name
            )));
        }
        cs.funcs.push(Func {
            name: s.name.clone(),
            off,
            cnt,
            global: s.bind != E::STB_LOCAL,
        });
    }
    for cs in code {
        cs.funcs.sort_by_key(|f| f.off);
        let n = cs.funcs.len();
        for k in 0..n {
            if cs.funcs[k].cnt == 0 {
                let end = if k + 1 < n {
                    cs.funcs[k + 1].off
                } else {
                    cs.insns.len()
                };
                cs.funcs[k].cnt = end.saturating_sub(cs.funcs[k].off);
            }
        }
        if cs.funcs.is_empty() {
            let name = syms
                .iter()
                .find(|s| {
                    s.shndx == cs.shndx
                        && s.value == 0
                        && s.bind != E::STB_LOCAL
                        && s.typ != E::STT_SECTION
                })
                .map(|s| s.name.clone())
                .unwrap_or_else(|| cs.name.clone());
            cs.funcs.push(Func {
                name,
                off: 0,
                cnt: cs.insns.len(),
                global: true,
            });
        }
    }
    Ok(())
}

/// The programs, in section then offset order. A static function in a program
/// section is refused (ENOTSUP), as libbpf refuses it.
pub(super) fn entry_points(code: &[CodeSection]) -> Result<Vec<ProgDef>, Error> {
    let mut progs = Vec::new();
    for (ci, cs) in code.iter().enumerate() {
        if cs.name == ".text" {
            continue;
        }
        let def = sec::find_sec_def(&cs.name).or_else(|| sec::find_sec_def_legacy(&cs.name));
        for f in &cs.funcs {
            if !f.global {
                return Err(Error::Errno(
                    libc::ENOTSUP,
                    "static programs are not supported",
                ))
                .inspect_err(|_| {
                    crate::log::warn(format_args!(
                        "sec '{}': program '{}' is static and not supported",
                        cs.name, f.name
                    ))
                });
            }
            progs.push(ProgDef {
                name: f.name.clone(),
                sec_name: cs.name.clone(),
                code: ci,
                insn_off: f.off,
                insn_cnt: f.cnt,
                prog_type: def.map_or(0, |d| d.prog_type),
                expected_attach_type: def.map_or(0, |d| d.expected_attach_type),
                sec_def: def,
            });
        }
    }
    Ok(progs)
}
