//! CO-RE: relocating an object's field offsets, sizes, type facts and enum
//! values to a target BTF (`btf-core.md` §5), with no kernel calls: the target
//! BTFs are given ([`TargetBtf`]), so the engine works offline on any BTF.
//!
//! Owns: access strings and specs (`spec`), matching a spec to a candidate
//! (`matching`), the values a relocation writes (`calc`), instruction patching
//! and poisoning (`patch`), candidate search with its per-load cache
//! ([`Relocator`]) and the walk over a linked program's records (`apply`).
//! Must not call: `crate::sys`; module BTFs come from the caller's loader.
//! Spec: `btf-core.md` §3 (core_relo records), §5, §7.3, §8.2.
#![forbid(unsafe_code)]

mod apply;
mod calc;
mod matching;
mod patch;
mod spec;
#[cfg(test)]
mod tests;

pub use apply::{relocate_program, Poisoned};
pub use calc::RelocRes;
pub use patch::{patch, poison, POISON_HELPER};
pub use spec::{essential, format_spec, parse_access, parse_spec, CoreKind, Spec};

use crate::btf::{Btf, CoreRelo};
use crate::error::{CoreError, Error};
use std::collections::HashMap;
use std::sync::Arc;

/// A failure inside the engine: errno and text, turned into an
/// [`Error::Core`] with the relocation's context by [`Relocator`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fail {
    pub errno: i32,
    pub what: String,
}

impl Fail {
    pub fn new(errno: i32, what: impl Into<String>) -> Self {
        Fail {
            errno,
            what: what.into(),
        }
    }

    pub fn inval(what: impl Into<String>) -> Self {
        Fail::new(libc::EINVAL, what)
    }
}

/// A BTF relocations may resolve to: vmlinux (or its replacement), or a
/// kernel module's split BTF (whose own types are the candidates).
#[derive(Clone, Debug)]
pub struct TargetBtf {
    /// `vmlinux` or the module's name, for messages.
    pub name: String,
    pub btf: Arc<Btf>,
}

/// A candidate: type `id` of target `target` (index into the relocator's list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cand {
    target: usize,
    id: u32,
}

/// Supplies module BTFs when the main target has no candidate for a type.
pub type ModuleLoader<'a> = Box<dyn FnMut() -> Vec<TargetBtf> + 'a>;

/// Where a relocation is, for messages and errors.
#[derive(Clone, Copy, Debug)]
pub struct Site<'s> {
    /// The (sub)program holding the instruction.
    pub prog: &'s str,
    /// The record's index in its section's CO-RE records.
    pub relo: usize,
    /// The instruction, counted from the start of that (sub)program.
    pub insn: usize,
}

/// A resolved relocation: what to patch, and the local spec as libbpf prints it.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub res: RelocRes,
    pub spec: String,
}

/// Resolves CO-RE relocations of one object against its targets, caching the
/// candidates of each local root type for the whole load.
pub struct Relocator<'a> {
    local: &'a Btf,
    /// The main target first, then module BTFs once loaded.
    targets: Vec<TargetBtf>,
    modules: Option<ModuleLoader<'a>>,
    cache: HashMap<u32, Vec<Cand>>,
}

impl<'a> Relocator<'a> {
    /// A relocator of `local`'s relocations to `main` (vmlinux or the
    /// `btf_custom_path` BTF).
    pub fn new(local: &'a Btf, main: TargetBtf) -> Self {
        Relocator {
            local,
            targets: vec![main],
            modules: None,
            cache: HashMap::new(),
        }
    }

    /// Module BTFs searched when the main target has no candidate (called at
    /// most once).
    pub fn with_modules(mut self, loader: ModuleLoader<'a>) -> Self {
        self.modules = Some(loader);
        self
    }

    /// Appends the candidates for local root `root` found in target `t`
    /// (libbpf's `bpf_core_add_cands`), in ID order.
    fn add_cands(&mut self, root: u32, t: usize, out: &mut Vec<Cand>) {
        let Some(lt) = self.local.ty(root) else {
            return;
        };
        let (lname, lkind) = (lt.name(), lt.kind());
        let btf = self.targets[t].btf.clone();
        let ids = btf.own_ids_by_essential(essential(lname).as_bytes(), lkind);
        for id in ids {
            let Some(tt) = btf.ty(id) else { continue };
            if !matching::kinds_compat(&tt, &lt) {
                continue;
            }
            crate::log::debug(format_args!(
                "CO-RE relocating [{root}] {lkind} {lname}: found target candidate [{id}] {} {} in [{}]",
                tt.kind(),
                tt.name(),
                self.targets[t].name
            ));
            out.push(Cand { target: t, id });
        }
    }

    /// The candidates of local root `root` (libbpf's `bpf_core_find_cands`):
    /// the main target's, else the modules'.
    fn find_cands(&mut self, root: u32) -> Vec<Cand> {
        let mut out = Vec::new();
        self.add_cands(root, 0, &mut out);
        if !out.is_empty() {
            return out;
        }
        if let Some(mut load) = self.modules.take() {
            let mods = load();
            self.targets.extend(mods);
        }
        for t in 1..self.targets.len() {
            self.add_cands(root, t, &mut out);
        }
        out
    }

    fn err(&self, site: &Site<'_>, relo: &CoreRelo, f: Fail) -> Error {
        Error::Core(Box::new(CoreError {
            prog: site.prog.to_string(),
            relo: site.relo,
            insn: site.insn,
            ty: spec::type_desc(self.local, relo.type_id),
            access: self.access(relo).to_string(),
            what: f.what,
            errno: f.errno,
        }))
    }

    fn access(&self, relo: &CoreRelo) -> &'a str {
        self.local.name_at(relo.access_str_off).unwrap_or("<?>")
    }

    /// Resolves one relocation (libbpf's `bpf_core_resolve_relo` and
    /// `bpf_core_calc_relo_insn`): the local spec, every candidate matched,
    /// all matches agreeing, or poison/zero when none matches.
    pub fn resolve(&mut self, site: &Site<'_>, relo: &CoreRelo) -> Result<Resolved, Error> {
        let local = self.local;
        let prog = site.prog;
        let n = site.relo;
        let root = local
            .ty(relo.type_id)
            .filter(|_| relo.type_id != 0)
            .ok_or_else(|| self.err(site, relo, Fail::inval("root type out of range")))?;
        let kind = CoreKind(relo.kind);
        let lspec = parse_spec(local, relo.type_id, kind, self.access(relo)).map_err(|f| {
            crate::log::warn(format_args!(
                "prog '{prog}': relo #{n}: parsing {} + {} failed: {}",
                spec::type_desc(local, relo.type_id),
                self.access(relo),
                -f.errno
            ));
            self.err(site, relo, Fail::new(libc::EINVAL, f.what))
        })?;
        let spec_str = format_spec(&lspec);
        crate::log::debug(format_args!("prog '{prog}': relo #{n}: {spec_str}"));
        if relo.kind == crate::uapi::BPF_CORE_TYPE_ID_LOCAL {
            let res = RelocRes {
                orig_val: u64::from(relo.type_id),
                new_val: u64::from(relo.type_id),
                ..RelocRes::default()
            };
            return Ok(Resolved {
                res,
                spec: spec_str,
            });
        }
        if root.name().is_empty() {
            crate::log::warn(format_args!(
                "prog '{prog}': relo #{n}: target candidate search failed for {}: {}",
                spec::type_desc(local, relo.type_id),
                -libc::EINVAL
            ));
            return Err(self.err(
                site,
                relo,
                Fail::inval("no candidate search for an anonymous type"),
            ));
        }
        let cands = match self.cache.get(&relo.type_id) {
            Some(c) => c.clone(),
            None => {
                let c = self.find_cands(relo.type_id);
                self.cache.insert(relo.type_id, c.clone());
                c
            }
        };
        let res = self
            .match_cands(site, &lspec, &cands)
            .map_err(|f| self.err(site, relo, f))?;
        Ok(Resolved {
            res,
            spec: spec_str,
        })
    }

    /// Matches every candidate; the matching ones must agree. Shrinks the
    /// cached list to the matching candidates, if any.
    fn match_cands(
        &mut self,
        site: &Site<'_>,
        lspec: &Spec<'_>,
        cands: &[Cand],
    ) -> Result<RelocRes, Fail> {
        let (prog, n) = (site.prog, site.relo);
        let mut kept = Vec::new();
        let mut chosen: Option<(RelocRes, u32)> = None;
        for (i, c) in cands.iter().enumerate() {
            let tb = &self.targets[c.target].btf;
            let (ok, tspec) = matching::spec_match(lspec, tb, c.id).inspect_err(|f| {
                crate::log::warn(format_args!(
                    "prog '{prog}': relo #{n}: error matching candidate #{i} [{}]: {}",
                    c.id, f.what
                ))
            })?;
            crate::log::debug(format_args!(
                "prog '{prog}': relo #{n}: {} candidate #{i} {}",
                if ok { "matching" } else { "non-matching" },
                format_spec(&tspec)
            ));
            if !ok {
                continue;
            }
            let r = calc::calc(lspec, Some(&tspec))?;
            match chosen {
                None => chosen = Some((r, tspec.bit_offset)),
                Some((_, off)) if off != tspec.bit_offset => {
                    return Err(Fail::inval(format!(
                        "field offset ambiguity: {} != {off}",
                        tspec.bit_offset
                    )));
                }
                Some((first, _)) if first.poison != r.poison || first.new_val != r.new_val => {
                    let word = |p: bool| if p { "failure" } else { "success" };
                    return Err(Fail::inval(format!(
                        "relocation decision ambiguity: {} {} != {} {}",
                        word(r.poison),
                        r.new_val,
                        word(first.poison),
                        first.new_val
                    )));
                }
                Some(_) => {}
            }
            kept.push(*c);
        }
        if let Some((r, _)) = chosen {
            self.cache.insert(lspec.root_id, kept);
            return Ok(r);
        }
        crate::log::debug(format_args!(
            "prog '{prog}': relo #{n}: no matching targets found"
        ));
        calc::calc(lspec, None)
    }
}
