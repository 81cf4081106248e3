//! CO-RE relocations of one linked program: for each piece (the program, then
//! each subprogram appended), the `.BTF.ext` core_relo records whose
//! instruction lies in it, resolved and patched at the piece's position.

use super::{patch, Relocator, Site};
use crate::btf::BtfExt;
use crate::error::{CoreError, Error};
use crate::object::calls::Linked;
use crate::object::Object;

/// An instruction poisoned because its relocation found no target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Poisoned {
    /// Its index in the linked program.
    pub insn: usize,
    /// The relocation as libbpf formats a spec.
    pub spec: String,
}

/// The name of the function of `sec` holding instruction `at`, and its start
/// (libbpf numbers a relocation's instruction from its function's start).
fn owner<'o>(obj: &'o Object, code: usize, at: usize, fallback: &'o str) -> (&'o str, usize) {
    obj.code[code]
        .funcs
        .iter()
        .find(|f| (f.off..f.off + f.cnt).contains(&at))
        .map_or((fallback, 0), |f| (f.name.as_str(), f.off))
}

fn record_err(prog: &str, relo: usize, at: usize, what: &str) -> Error {
    Error::Core(Box::new(CoreError {
        prog: prog.to_string(),
        relo,
        insn: at,
        ty: String::new(),
        access: String::new(),
        what: what.to_string(),
        errno: libc::EINVAL,
    }))
}

/// Applies the CO-RE relocations of `linked` (program `prog` of `obj`) with
/// `r`; returns the instructions poisoned.
pub fn relocate_program(
    obj: &Object,
    ext: &BtfExt,
    prog: &str,
    linked: &mut Linked,
    r: &mut Relocator<'_>,
) -> Result<Vec<Poisoned>, Error> {
    let mut poisoned = Vec::new();
    for piece in linked.pieces.clone() {
        let sec = &obj.code[piece.code].name;
        let Some(block) = ext.core_relos(sec) else {
            continue;
        };
        for (i, relo) in block.core_relos().enumerate() {
            let off = relo.insn_off as usize;
            let at = off / 8;
            if !(piece.sec_off..piece.sec_off + piece.cnt).contains(&at) {
                continue;
            }
            let (name, start) = owner(obj, piece.code, at, prog);
            if off % 8 != 0 {
                return Err(record_err(
                    name,
                    i,
                    at,
                    "instruction offset not a multiple of 8",
                ));
            }
            let site = Site {
                prog: name,
                relo: i,
                insn: at - start,
            };
            let idx = piece.out_off + at - piece.sec_off;
            let res = r.resolve(&site, &relo).inspect_err(|e| {
                crate::log::warn(format_args!(
                    "prog '{name}': relo #{i}: failed to relocate: {e}"
                ))
            })?;
            let was_poisoned = patch(&site, &mut linked.insns, idx, &res.res)
                .map_err(|f| r.err(&site, &relo, f))
                .inspect_err(|e| {
                    crate::log::warn(format_args!(
                        "prog '{name}': relo #{i}: failed to patch insn #{}: {e}",
                        site.insn
                    ))
                })?;
            if was_poisoned {
                poisoned.push(Poisoned {
                    insn: idx,
                    spec: res.spec,
                });
            }
        }
    }
    Ok(poisoned)
}
