//! The object's BTF under fake older kernels: the kinds each kernel received
//! (sanitised as libbpf 1.1.2 does), the original kept for the object, and no
//! BTF at all before 4.18.

use super::fallback_tests::{load_with, sent};
use super::ObjState;
use crate::btf::{Btf, Kind};
use crate::sys::fake_kernel::{Personality, Record, What, PERSONALITIES};
use crate::uapi::*;

/// A map whose value type has a FLOAT, a TYPE_TAG pointer and a DECL_TAG
/// member, a global subprogram (global FUNC linkage) and, appended after open
/// (clang 14 cannot emit one), an ENUM64.
const KINDS: &str = "struct val { float f; int __attribute__((btf_type_tag(\"user\"))) *p; \
int t __attribute__((btf_decl_tag(\"member\"))); };\n\
struct { __uint(type, 2); __uint(max_entries, 1); __type(key, u32); __type(value, struct val); } \
vals SEC(\".maps\");\n\
__attribute__((noinline)) int sub(int x) { return x + 1; }\n\
SEC(\"socket\") int count(void *ctx) { u32 k = 0; struct val *v = bpf_map_lookup_elem(&vals, &k); \
if (v) v->t = sub(v->t); return 0; }\n";

fn add_enum64(st: &mut ObjState) {
    let btf = st.obj.btf.as_mut().expect("object BTF");
    btf.add_sized(Kind::Enum64, Some(b"wide"), 8, false)
        .unwrap();
    btf.add_enum64_value(b"W1", 1 << 40).unwrap();
}

/// The kind libbpf 1.1.2 sends for `k` to kernel `p` (`btf::sanitize`).
fn sent_kind(p: &Personality, k: u32) -> u32 {
    let lacks = |n: u32| p.lacks(What::BtfKindsFrom(n));
    match k {
        12 if lacks(12) => Kind::Typedef as u32,
        13 if lacks(12) => Kind::Enum as u32,
        14 if lacks(14) => Kind::Int as u32,
        17 if lacks(17) => Kind::Int as u32,
        15 if lacks(14) => Kind::Struct as u32,
        16 if lacks(16) => Kind::Struct as u32,
        18 if lacks(18) => Kind::Const as u32,
        19 if lacks(19) => Kind::Union as u32,
        _ => k,
    }
}

/// The object's own BTF upload: the largest blob that reached the kernel.
fn object_btf(j: &[Record]) -> &Record {
    sent(j, BPF_BTF_LOAD)
        .into_iter()
        .max_by_key(|r| r.btf_kinds.len())
        .expect("a BTF upload")
}

#[test]
fn each_kernel_receives_only_the_kinds_it_knows() {
    for p in PERSONALITIES {
        let Some((r, j, st)) = load_with(p, KINDS, add_enum64) else {
            return;
        };
        r.unwrap();
        let orig = st.obj.btf.as_ref().unwrap();
        let orig_kinds: Vec<u32> = (1..orig.type_cnt())
            .map(|i| orig.ty(i).unwrap().kind() as u32)
            .collect();
        let got = object_btf(&j);
        let mut want: Vec<u32> = orig_kinds.iter().map(|&k| sent_kind(&p, k)).collect();
        if p.lacks(What::BtfKindsFrom(19)) {
            want.push(Kind::Int as u32); // the enum64 placeholder
        }
        assert_eq!(got.btf_kinds, want, "{}", p.name);
        if p.lacks(What::GlobalFuncLinkage) {
            assert!(got.func_linkages.iter().all(|&l| l == 0), "{}", p.name);
        } else if !p.lacks(What::BtfKindsFrom(12)) {
            assert!(got.func_linkages.contains(&1), "{}", p.name);
        }
        // The object keeps the original: every kind it was compiled with.
        for k in [
            Kind::Float,
            Kind::DeclTag,
            Kind::TypeTag,
            Kind::Enum64,
            Kind::Func,
        ] {
            assert!(orig_kinds.contains(&(k as u32)), "{} {k:?}", p.name);
        }
        // The map was created with the (sanitised) BTF's type ids.
        assert!(st.btf_fd.is_some(), "{}", p.name);
    }
}

/// A sanitised copy parses as BTF again and, on 5.15, differs from the
/// original only where libbpf rewrites.
#[test]
fn the_sanitised_blob_is_valid_btf() {
    let p = crate::sys::fake_kernel::LINUX_5_15;
    let Some((r, _, st)) = load_with(p, KINDS, add_enum64) else {
        return;
    };
    r.unwrap();
    let orig = st.obj.btf.as_ref().unwrap();
    let support = {
        let _k = crate::sys::fake_kernel::set(p);
        super::fallback::btf_support()
    };
    assert!(!support.decl_tag && !support.type_tag && !support.enum64 && support.float);
    let copy = orig.sanitized(&support).unwrap();
    let reparsed = Btf::parse(&copy.to_bytes()).unwrap();
    assert_eq!(reparsed.type_cnt(), orig.type_cnt() + 1);
    assert_eq!(
        reparsed.find_by_name("enum64_placeholder"),
        Some(orig.type_cnt())
    );
}

/// Before 4.18 the kernel has no BTF: none is uploaded (only the feature probe
/// reached it, refused), programs go without func/line info, and the load succeeds.
#[test]
fn no_btf_before_4_18() {
    let old = Personality {
        name: "4.17",
        version: (4, 17),
    };
    let Some((r, j, st)) = load_with(old, KINDS, |_| {}) else {
        return;
    };
    r.unwrap();
    assert!(st.btf_fd.is_none());
    let btf_loads: Vec<_> = j.iter().filter(|r| r.cmd == BPF_BTF_LOAD).collect();
    // One call: the feature probe, refused; the object's BTF was never sent.
    assert!(
        btf_loads.len() == 1 && btf_loads[0].refused == libc::EINVAL,
        "{btf_loads:?}"
    );
    let progs = sent(&j, BPF_PROG_LOAD);
    assert!(progs.iter().any(|p| p.name == b"count"));
    assert!(progs.iter().all(|p| p.func_info == 0 && p.line_info == 0));
}

/// func_info and line_info go with BTF FUNC (5.0): 4.18 has BTF but gets
/// none; 5.4 gets both.
#[test]
fn func_info_needs_btf_func() {
    let Some((r, j, st)) = load_with(crate::sys::fake_kernel::LINUX_4_18, KINDS, |_| {}) else {
        return;
    };
    r.unwrap();
    assert!(st.btf_fd.is_some());
    let count = |j: &[Record]| {
        sent(j, BPF_PROG_LOAD)
            .into_iter()
            .find(|p| p.name == b"count")
            .map(|p| (p.func_info, p.line_info))
            .unwrap()
    };
    assert_eq!(count(&j), (0, 0));
    let (r, j, _) = load_with(crate::sys::fake_kernel::LINUX_5_4, KINDS, |_| {}).unwrap();
    r.unwrap();
    let (fi, li) = count(&j);
    assert!(fi == 2 && li > 0, "{fi} {li}");
}
