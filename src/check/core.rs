//! Every CO-RE relocation of an object resolved against the given target BTFs
//! with the loader's engine ([`Relocator`]), offline: once per record for the
//! report, and once per program through [`relocate_program`] (what
//! `bpf_object__load` runs) to learn which poisoned instructions a program can
//! reach ([`super::reach`]) and so fail verification.

use super::reach::reachable;
use crate::btf::{Btf, BtfExt, Kind};
use crate::error::Error;
use crate::object::calls::link;
use crate::object::core::{
    essential, patch, relocate_program, CoreKind, Relocator, Site, TargetBtf,
};
use crate::object::Object;
use std::collections::HashSet;

/// One CO-RE relocation record and what the loader would make of it.
#[derive(Clone, Debug)]
pub struct CoreRelo {
    /// The code section and the function holding the instruction.
    pub section: String,
    pub func: String,
    /// The instruction, counted from the function's start (as libbpf's messages).
    pub insn: usize,
    /// libbpf's name of the relocation kind (`byte_off`, `field_exists`, ...).
    pub kind: &'static str,
    /// The access string (`0:1:2`).
    pub access: String,
    /// The local side: `struct task_struct.pid (0:57)`.
    pub local: String,
    /// Resolved: the value written into the instruction.
    pub resolved: bool,
    pub value: Option<u64>,
    /// Why it did not resolve.
    pub reason: Option<String>,
    /// Unresolved but on no path any program can take (after the other
    /// relocations' values): the verifier never sees it.
    pub guarded: bool,
}

impl CoreRelo {
    /// `struct task_struct.pid (0:57) → off 2456`, or the reason it fails.
    pub fn describe(&self) -> String {
        match (self.resolved, self.value) {
            (true, Some(v)) => format!("{} → {}", self.local, value_text(self.kind, v)),
            _ => format!(
                "{} → unresolved: {}",
                self.local,
                self.reason.as_deref().unwrap_or("?")
            ),
        }
    }
}

fn value_text(kind: &str, v: u64) -> String {
    match kind {
        "byte_off" => format!("off {v}"),
        "byte_sz" | "type_size" => format!("size {v}"),
        "field_exists" | "type_exists" | "enumval_exists" | "type_matches" => {
            if v != 0 { "exists" } else { "missing (0)" }.to_string()
        }
        "local_type_id" | "target_type_id" => format!("id {v}"),
        "enumval_value" => format!("value {}", v as i64),
        _ => format!("{kind} {v}"),
    }
}

/// `<byte_off> [3] struct s.a (0:1 @ offset 4)` → `struct s.a (0:1)`.
fn local_text(spec: &str) -> String {
    let s = spec.split_once("> ").map_or(spec, |(_, r)| r);
    let s = match s.strip_prefix('[') {
        Some(r) => r.split_once("] ").map_or(s, |(_, r)| r),
        None => s,
    };
    match s.find(" @ offset ") {
        Some(i) => format!("{})", &s[..i]),
        None => s.to_string(),
    }
}

/// The function of code section `code` holding instruction `at`, and its start.
fn owner(obj: &Object, code: usize, at: usize) -> (String, usize) {
    obj.code[code]
        .funcs
        .iter()
        .find(|f| (f.off..f.off + f.cnt).contains(&at))
        .map_or((obj.code[code].name.to_string(), 0), |f| {
            (f.name.to_string(), f.off)
        })
}

/// Why a relocation found no target: its root type is absent from every
/// target, or present but without the accessed member / enumerator.
fn poison_reason(local: &Btf, targets: &[TargetBtf], type_id: u32, kind: CoreKind) -> String {
    let Some(t) = local.ty(type_id) else {
        return "root type out of range".into();
    };
    let (name, tk) = (t.name(), t.kind());
    let ess = essential(name);
    let found = targets.iter().any(|tb| {
        let kinds: &[Kind] = if t.is_any_enum() {
            &[Kind::Enum, Kind::Enum64]
        } else {
            &[tk]
        };
        kinds
            .iter()
            .any(|&k| !tb.btf.own_ids_by_essential(ess.as_bytes(), k).is_empty())
    });
    let what = format!("{tk} {ess}");
    if !found {
        format!("missing type: no {what} in the target BTF")
    } else if kind.is_enumval() {
        format!("missing enumerator: no candidate {what} has it")
    } else if kind.is_type() {
        format!("type mismatch: no candidate {what} matches the local layout")
    } else {
        format!("missing field: no candidate {what} has this member path with a compatible type")
    }
}

/// Resolves every record of every section once.
fn resolve_records(
    obj: &Object,
    local: &Btf,
    ext: &BtfExt,
    targets: &[TargetBtf],
    r: &mut Relocator<'_>,
) -> Vec<(usize, usize, CoreRelo)> {
    let mut out = Vec::new();
    for (code, cs) in obj.code.iter().enumerate() {
        let Some(block) = ext.core_relos(&cs.name) else {
            continue;
        };
        let mut scratch = cs.insns.clone();
        for (i, relo) in block.core_relos().enumerate() {
            let at = relo.insn_off as usize / 8;
            let (func, start) = owner(obj, code, at);
            let site = Site {
                prog: &func,
                relo: i,
                insn: at.saturating_sub(start),
            };
            let mut rec = CoreRelo {
                section: cs.name.to_string(),
                func: func.clone(),
                insn: site.insn,
                kind: CoreKind(relo.kind).as_str(),
                access: local.name_at(relo.access_str_off).unwrap_or("").to_string(),
                local: String::new(),
                resolved: false,
                value: None,
                reason: None,
                guarded: false,
            };
            match r.resolve(&site, &relo) {
                Err(e) => {
                    rec.local = format!("{} ({})", describe_type(local, relo.type_id), rec.access);
                    rec.reason = Some(match e {
                        Error::Core(c) => c.what,
                        e => e.to_string(),
                    });
                }
                Ok(res) => {
                    rec.local = local_text(&res.spec);
                    rec.value = Some(res.res.new_val);
                    match patch(&site, &mut scratch, at, &res.res) {
                        Ok(false) => rec.resolved = true,
                        Ok(true) if res.res.poison => {
                            rec.reason = Some(poison_reason(
                                local,
                                targets,
                                relo.type_id,
                                CoreKind(relo.kind),
                            ));
                        }
                        Ok(true) => {
                            rec.reason = Some(format!(
                                "size mismatch: the field is {} bytes in the target, {} here, and this access cannot be adjusted",
                                res.res.new_sz, res.res.orig_sz
                            ));
                        }
                        Err(f) => {
                            rec.value = None;
                            rec.reason = Some(f.what);
                        }
                    }
                }
            }
            out.push((code, at, rec));
        }
    }
    out
}

fn describe_type(btf: &Btf, id: u32) -> String {
    match btf.ty(id) {
        Some(t) if !t.name().is_empty() => format!("{} {}", t.kind(), t.name()),
        Some(t) => format!("{} <anon>", t.kind()),
        None => format!("[{id}]"),
    }
}

/// The CO-RE relocations of `obj` against `targets` (the first the main one,
/// vmlinux; the rest module BTFs searched when it has no candidate), and the
/// problems that stop a program from loading.
pub fn check(obj: &Object, targets: &[TargetBtf]) -> (Vec<CoreRelo>, Vec<String>) {
    let (Some(local), Some(ext)) = (&obj.btf, &obj.btf_ext) else {
        return (Vec::new(), Vec::new());
    };
    if !ext.has_core_relos() {
        return (Vec::new(), Vec::new());
    }
    let Some(main) = targets.first() else {
        let p = "CO-RE relocations present but no target BTF (give --btf FILE)".to_string();
        return (Vec::new(), vec![p]);
    };
    let modules = targets[1..].to_vec();
    let mut r = Relocator::new(local, main.clone()).with_modules(Box::new(move || modules.clone()));
    let mut records = resolve_records(obj, local, ext, targets, &mut r);
    let mut problems = Vec::new();
    // (code section, instruction) of every poisoned instruction some program reaches.
    let mut reached: HashSet<(usize, usize)> = HashSet::new();
    for p in obj.progs.iter() {
        let mut linked = match link(obj, p) {
            Ok(l) => l,
            Err(e) => {
                problems.push(format!("program '{}': {e}", p.name));
                continue;
            }
        };
        let poisoned = match relocate_program(obj, ext, &p.name, &mut linked, &mut r) {
            Ok(x) => x,
            Err(e) => {
                problems.push(format!(
                    "program '{}': CO-RE relocation failed: {e}",
                    p.name
                ));
                continue;
            }
        };
        let live = reachable(&linked.insns);
        for q in poisoned.iter().filter(|q| live.get(q.insn) == Some(&true)) {
            if let Some(piece) = linked
                .pieces
                .iter()
                .find(|pc| (pc.out_off..pc.out_off + pc.cnt).contains(&q.insn))
            {
                reached.insert((piece.code, piece.sec_off + q.insn - piece.out_off));
                problems.push(format!(
                    "program '{}': unguarded CO-RE relocation fails verification: {}",
                    p.name, q.spec
                ));
            }
        }
    }
    for (code, at, rec) in &mut records {
        if !rec.resolved && rec.value.is_some() {
            rec.guarded = !reached.contains(&(*code, *at));
        }
    }
    (records.into_iter().map(|(_, _, r)| r).collect(), problems)
}
