//! What an object asks of the kernel, dated by `uapi::kernels`: each need is
//! a capability with the release that brought it, and either a fallback
//! libbpf uses on a kernel without it (sanitised BTF, names dropped,
//! `probe_read_kernel` rewritten, memlock raised) or none (the load fails).

use super::helpers;
use crate::btf::Kind;
use crate::object::sec::AttachKind;
use crate::object::{MapDef, Object, RelocKind};
use crate::uapi::kernels::{Row, What, ROWS};
use crate::uapi::*;

/// One capability the object needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    /// What, in words (`map type ringbuf`, `helper bpf_ringbuf_output`).
    pub item: String,
    /// Who needs it (program or map names).
    pub users: Vec<String>,
    /// (major, minor) of the first release with it.
    pub since: (u32, u32),
    /// The upstream commit that introduced it.
    pub source: &'static str,
    /// What libbpf does on a kernel without it; `None`: the load fails.
    pub fallback: Option<&'static str>,
}

/// The row dating `what`: the exact row, else for numbered ranges (program,
/// map types, BTF kinds, helpers) the row of the nearest number at or below.
pub fn row_for(what: What) -> Option<&'static Row> {
    if let Some(r) = ROWS.iter().find(|r| r.what == what) {
        return Some(r);
    }
    let (n, same): (u32, fn(What) -> Option<u32>) = match what {
        What::ProgTypesFrom(t) => (t, |w| match w {
            What::ProgTypesFrom(n) => Some(n),
            _ => None,
        }),
        What::MapTypesFrom(t) => (t, |w| match w {
            What::MapTypesFrom(n) => Some(n),
            _ => None,
        }),
        What::BtfKindsFrom(t) => (t, |w| match w {
            What::BtfKindsFrom(n) => Some(n),
            _ => None,
        }),
        What::Helper(h) => (h as u32, |w| match w {
            What::Helper(n) => Some(n as u32),
            _ => None,
        }),
        _ => return None,
    };
    ROWS.iter()
        .filter_map(|r| same(r.what).filter(|&m| m <= n).map(|m| (m, r)))
        .max_by_key(|&(m, r)| (m, r.since))
        .map(|(_, r)| r)
}

fn cname(s: Option<&'static std::ffi::CStr>, n: u32) -> String {
    s.and_then(|c| c.to_str().ok())
        .map_or_else(|| format!("#{n}"), str::to_string)
}

/// Collects needs, merging users of the same item.
#[derive(Default)]
struct Needs(Vec<Need>);

impl Needs {
    fn add(&mut self, what: What, item: String, user: &str, fallback: Option<&'static str>) {
        let Some(row) = row_for(what) else { return };
        if let Some(n) = self.0.iter_mut().find(|n| n.item == item) {
            if !user.is_empty() && !n.users.iter().any(|u| u == user) {
                n.users.push(user.to_string());
            }
            return;
        }
        self.0.push(Need {
            item,
            users: if user.is_empty() {
                Vec::new()
            } else {
                vec![user.to_string()]
            },
            since: row.since,
            source: row.source,
            fallback,
        });
    }
}

const PROBE_READ_REWRITE: &str =
    "libbpf rewrites it to bpf_probe_read / bpf_probe_read_str (FEAT_PROBE_READ_KERN)";
const BTF_SANITISED: &str =
    "libbpf sanitises the kind away before loading the BTF (no minimum raised)";

fn map_needs(n: &mut Needs, m: &MapDef) {
    let t = m.map_type;
    n.add(
        What::MapTypesFrom(t),
        format!("map type {}", cname(names::map_type(t), t)),
        &m.name,
        None,
    );
    if m.map_flags & BPF_F_MMAPABLE != 0 && m.is_internal() {
        n.add(
            What::MapFlag(BPF_F_MMAPABLE),
            "BPF_F_MMAPABLE on global data maps".into(),
            &m.name,
            Some("libbpf creates the map without it; the skeleton's mmap of it is lost"),
        );
    }
    if let Some(inner) = &m.inner {
        map_needs(n, inner);
    }
}

fn attach_needs(n: &mut Needs, kind: AttachKind, user: &str) {
    let perf = Some("libbpf attaches with PERF_EVENT_IOC_SET_BPF instead of a BPF link");
    match kind {
        AttachKind::Kprobe
        | AttachKind::Kretprobe
        | AttachKind::Uprobe
        | AttachKind::Uretprobe
        | AttachKind::Ksyscall
        | AttachKind::Kretsyscall
        | AttachKind::Usdt
        | AttachKind::Tracepoint => n.add(
            What::LinkAttach(BPF_PERF_EVENT),
            "BPF perf link (auto-attach)".into(),
            user,
            perf,
        ),
        AttachKind::RawTracepoint | AttachKind::Trace | AttachKind::Lsm => n.add(
            What::Cmd(BPF_RAW_TRACEPOINT_OPEN),
            "BPF_RAW_TRACEPOINT_OPEN link (auto-attach)".into(),
            user,
            None,
        ),
        AttachKind::Iter => {
            n.add(
                What::Cmd(BPF_LINK_CREATE),
                "BPF_LINK_CREATE".into(),
                user,
                None,
            );
            n.add(
                What::LinkAttach(BPF_TRACE_ITER),
                "BPF iterator link".into(),
                user,
                None,
            );
        }
        AttachKind::KprobeMulti | AttachKind::KretprobeMulti => n.add(
            What::LinkAttach(BPF_TRACE_KPROBE_MULTI),
            "kprobe.multi link".into(),
            user,
            None,
        ),
        AttachKind::None => {}
    }
}

fn prog_needs(n: &mut Needs, obj: &Object, i: usize) {
    let p = &obj.progs[i];
    let name = p.name.as_str();
    let t = p.prog_type;
    n.add(
        What::ProgTypesFrom(t),
        format!("program type {}", cname(names::prog_type(t), t)),
        name,
        None,
    );
    if let Some(def) = p.sec_def {
        attach_needs(n, def.attach, name);
        if def.is_sleepable() {
            n.add(
                What::ProgFlag(BPF_F_SLEEPABLE),
                "sleepable programs (BPF_F_SLEEPABLE)".into(),
                name,
                None,
            );
        }
    }
    let Ok(linked) = crate::object::calls::link(obj, p) else {
        return;
    };
    for insn in &linked.insns {
        if insn.is_helper_call() {
            let id = insn.imm;
            let hname = helpers::NAMES
                .get(id as usize)
                .filter(|s| !s.is_empty())
                .map_or_else(|| format!("#{id}"), |s| format!("bpf_{s}"));
            let fb = (113..=116).contains(&id).then_some(PROBE_READ_REWRITE);
            n.add(What::Helper(id), format!("helper {hname}"), name, fb);
        } else if insn.is_pseudo_call() {
            n.add(What::PseudoCall, "BPF-to-BPF calls".into(), name, None);
        } else if insn.is_pseudo_func() {
            n.add(
                What::PseudoFunc,
                "callbacks (BPF_PSEUDO_FUNC)".into(),
                name,
                None,
            );
        }
    }
    for (_, kind) in &linked.map_refs {
        match *kind {
            RelocKind::MapValue { .. } => n.add(
                What::PseudoMapValue,
                "global data (BPF_PSEUDO_MAP_VALUE)".into(),
                name,
                None,
            ),
            RelocKind::Extern { ext, call } => extern_needs(n, obj, ext, call, name),
            _ => {}
        }
    }
}

fn extern_needs(n: &mut Needs, obj: &Object, ext: usize, call: bool, user: &str) {
    use crate::object::externs::ExternKind;
    let Some(e) = obj.externs.get(ext) else {
        return;
    };
    match e.kind {
        ExternKind::Kcfg(_) => n.add(
            What::PseudoMapValue,
            "global data (BPF_PSEUDO_MAP_VALUE)".into(),
            user,
            None,
        ),
        ExternKind::Ksym { func: true, .. } if call => {
            n.add(What::KfuncCall, "kfunc calls".into(), user, None)
        }
        ExternKind::Ksym { type_id, .. } if type_id != 0 => n.add(
            What::PseudoBtfId,
            "typed ksyms (BPF_PSEUDO_BTF_ID)".into(),
            user,
            None,
        ),
        ExternKind::Ksym { .. } => {}
    }
}

fn btf_needs(n: &mut Needs, obj: &Object) {
    let Some(btf) = &obj.btf else { return };
    n.add(
        What::Cmd(BPF_BTF_LOAD),
        "BTF".into(),
        "",
        Some("libbpf loads the object without its BTF (BTF is optional for it)"),
    );
    let mut kinds: Vec<Kind> = btf.types().map(|t| t.kind()).collect();
    kinds.sort();
    kinds.dedup();
    for k in kinds {
        let raw = k as u32;
        if raw < Kind::Func as u32 {
            continue;
        }
        n.add(
            What::BtfKindsFrom(raw),
            format!("BTF kind {}", k.as_str().to_uppercase()),
            "",
            Some(BTF_SANITISED),
        );
    }
    if btf
        .types()
        .any(|t| t.kind() == Kind::Func && t.func_linkage() == Some(1))
    {
        n.add(
            What::GlobalFuncLinkage,
            "global BTF functions".into(),
            "",
            Some("libbpf marks them static in the BTF it loads"),
        );
    }
}

/// Every need of `obj`, oldest first.
pub fn needs(obj: &Object) -> Vec<Need> {
    let mut n = Needs::default();
    for i in 0..obj.progs.len() {
        prog_needs(&mut n, obj, i);
    }
    for m in &obj.maps {
        map_needs(&mut n, m);
    }
    if !obj.progs.is_empty() || !obj.maps.is_empty() {
        n.add(
            What::Names,
            "program and map names".into(),
            "",
            Some("libbpf leaves the names out"),
        );
    }
    if !obj.maps.is_empty() {
        n.add(
            What::MemcgAccounting,
            "memcg-based memory accounting".into(),
            "",
            Some("maps are charged to RLIMIT_MEMLOCK: libbpf raises it (libbpf_set_memlock_rlim)"),
        );
    }
    btf_needs(&mut n, obj);
    let mut v = n.0;
    v.sort_by(|a, b| a.since.cmp(&b.since).then_with(|| a.item.cmp(&b.item)));
    v
}

/// The oldest release with every need that has no fallback.
pub fn min_kernel(needs: &[Need]) -> (u32, u32) {
    needs
        .iter()
        .filter(|n| n.fallback.is_none())
        .map(|n| n.since)
        .max()
        .unwrap_or((3, 19))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_date_the_numbers_between_their_rows() {
        // An id past the last helper row is dated by the row below it.
        let last = helpers::NAMES.len() as i32 - 1;
        assert_eq!(
            row_for(What::Helper(last + 1)).map(|r| r.since),
            row_for(What::Helper(last)).map(|r| r.since)
        );
        assert_eq!(
            row_for(What::MapTypesFrom(BPF_MAP_TYPE_RINGBUF)).map(|r| r.since),
            Some((5, 8))
        );
        assert_eq!(
            row_for(What::ProgTypesFrom(BPF_PROG_TYPE_KPROBE)).map(|r| r.since),
            Some((4, 1))
        );
        // Global BTF functions and DECL_TAG: dated, though sanitised.
        assert_eq!(
            row_for(What::BtfKindsFrom(17)).map(|r| r.since),
            Some((5, 16))
        );
    }

    /// Every `BPF_FUNC_*` id of the 6.1 UAPI has its own row, naming that
    /// helper (which catches rows shifted by one id), and releases never
    /// decrease with the id: the rule that dates later ids by the row below
    /// them relies on it.
    #[test]
    fn every_helper_the_headers_name_has_its_row() {
        let mut prev = (0, 0);
        for (id, name) in helpers::NAMES.iter().enumerate().skip(1) {
            let want = What::Helper(id as i32);
            let row = ROWS.iter().find(|r| r.what == want);
            let row = row.unwrap_or_else(|| panic!("no row for helper {id} (bpf_{name})"));
            let named = row.source.split(": ").nth(1).unwrap_or("");
            let named = named.split(' ').next().unwrap_or("");
            assert_eq!(named, format!("bpf_{name}"), "helper {id}: {}", row.source);
            assert!(
                row.since >= prev,
                "helper {id} (bpf_{name}) predates id {}",
                id - 1
            );
            prev = row.since;
        }
    }
}
