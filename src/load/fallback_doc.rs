//! `docs/kernels.md`, rendered from [`super::features::ALL`] and the kernel
//! table (`crate::uapi::kernels::ROWS`): a test fails when the file drifts
//! (`LIBBPFRS_BLESS=1` rewrites it), and when a feature has no row here.

use super::features::{Feature, ALL};
use crate::uapi::kernels::{What, ROWS};
use crate::uapi::*;

/// The capability of the kernel table that decides `f`, if the table has one.
fn what(f: Feature) -> Option<What> {
    use Feature::*;
    Some(match f {
        ProgName => What::Names,
        GlobalData => What::PseudoMapValue,
        Btf => What::Cmd(BPF_BTF_LOAD),
        BtfFunc | ProgBtfInfo => What::BtfKindsFrom(12),
        BtfGlobalFunc => What::GlobalFuncLinkage,
        BtfDatasec => What::BtfKindsFrom(14),
        BtfFloat => What::BtfKindsFrom(16),
        BtfDeclTag => What::BtfKindsFrom(17),
        BtfTypeTag => What::BtfKindsFrom(18),
        BtfEnum64 => What::BtfKindsFrom(19),
        ArrayMmap => What::MapFlag(BPF_F_MMAPABLE),
        ProbeReadKernel => What::Helper(BPF_FUNC_PROBE_READ_KERNEL),
        ProgBindMap => What::Cmd(BPF_PROG_BIND_MAP),
        Ringbuf => What::MapTypesFrom(BPF_MAP_TYPE_RINGBUF),
        PerfLink => What::LinkAttach(BPF_PERF_EVENT),
        BpfCookie => What::Helper(BPF_FUNC_GET_ATTACH_COOKIE),
        MemcgAccount => What::MemcgAccounting,
        BtfQmarkDatasec | ExpAttachType | SyscallWrapper => return None,
    })
}

/// What libbpfrs does without `f`, and the test proving it.
fn behaviour(f: Feature) -> (&'static str, &'static str) {
    use Feature::*;
    match f {
        ProgName => ("map and program names are not sent", "`load::fallback_tests::names_are_dropped_before_4_15`"),
        GlobalData => ("global-data maps are not created; their references become invalid helper calls the verifier refuses (EINVAL, as libbpf 1.1.2) and a warning names the feature", "`load::fallback_tests::global_data_needs_5_2`, `tests/kernels.sh` global_data"),
        Btf => ("no BTF is uploaded (debug: \"Kernel doesn't support BTF, skipping uploading it.\"); EOPNOTSUPP only for struct_ops objects", "`load::fallback_btf_tests::no_btf_before_4_18`"),
        BtfFunc => ("FUNC → TYPEDEF, FUNC_PROTO → ENUM in the BTF sent; no func_info/line_info (libbpf gates both on BTF FUNC, silently)", "`btf::sanitize::tests`, `load::fallback_btf_tests::func_info_needs_btf_func`"),
        BtfGlobalFunc => ("every FUNC sent with static linkage", "`load::fallback_btf_tests::each_kernel_receives_only_the_kinds_it_knows`"),
        BtfDatasec => ("VAR → INT (1 byte), DATASEC → STRUCT of its variables, `.` in its name → `_`", "`btf::sanitize::tests`, `tests/kernels.sh` btf_kinds/global_data on 4.18"),
        BtfQmarkDatasec => ("a leading `?` of a DATASEC name → `_` (not modelled by the fake kernels: the running kernel answers)", "`btf::sanitize::tests::without_qmark_datasec_only_the_leading_qmark_changes`"),
        BtfFloat => ("FLOAT → anonymous empty STRUCT of the same size", "`btf::sanitize::tests`, `tests/kernels.sh` btf_kinds on 5.4/5.10"),
        BtfDeclTag => ("DECL_TAG → INT (1 byte)", "`btf::sanitize::tests`, `tests/kernels.sh` btf_kinds on 5.15"),
        BtfTypeTag => ("TYPE_TAG → anonymous CONST", "`btf::sanitize::tests`, `tests/kernels.sh` btf_kinds on 5.15"),
        BtfEnum64 => ("ENUM64 → UNION of the same size with `enum64_placeholder` (1-byte INT) members; ENUM loses its signedness flag", "`btf::sanitize::tests`, `tests/kernels.sh` btf_kinds"),
        ArrayMmap => ("`BPF_F_MMAPABLE` toggled on global-data maps, as libbpf 1.1.2 (a map that lacked it gains it); skeletons keep the initial-value copy", "`load::fallback_load_tests::data_maps_lose_mmapable_before_5_5`, `…::a_static_only_data_map_gains_mmapable_before_5_5`"),
        ExpAttachType => ("probed as libbpf does; every kernel modelled has it", "`load::features::tests::personalities_answer_their_table`"),
        ProbeReadKernel => ("`bpf_probe_read_{kernel,user}` → `bpf_probe_read`, their `_str` forms → `bpf_probe_read_str`, in every program type", "`load::fallback_load_tests::probe_read_helpers_fall_back_before_5_5`, `tests/kernels.sh` core"),
        ProgBtfInfo => ("probed; func_info follows BTF FUNC, as in libbpf", "`load::fallback_btf_tests::func_info_needs_btf_func`"),
        ProgBindMap => ("`.rodata` is not bound to programs", "`load::fallback_load_tests::rodata_is_bound_from_5_10`"),
        Ringbuf => ("the kernel refuses the map (EINVAL, as libbpf 1.1.2); a warning names the feature", "`load::fallback_tests::ring_buffer_needs_5_8`, `tests/kernels.sh` ringbuf"),
        PerfLink => ("perf-event attach by `PERF_EVENT_IOC_SET_BPF` + `ENABLE`; the link owns the event and detaches on destroy; a cookie is EOPNOTSUPP", "`attach::perf::tests::perf_attach_without_perf_links_uses_the_ioctl`, `tests/kernels.sh` tracepoint"),
        BpfCookie => ("probed as libbpf does (the USDT spec map uses it)", "`load::features::tests::personalities_answer_their_table`"),
        MemcgAccount => ("RLIMIT_MEMLOCK raised once (never lowered) before the first map", "`load::fallback_load_tests::memlock_is_raised_without_memcg`"),
        SyscallWrapper => ("`ksyscall` programs attach to `sys_*` instead of the arch wrapper", "(the running kernel answers)"),
    }
}

fn render() -> String {
    let mut out = String::from(
        "# Older kernels\n\n\
         Generated from `src/load/features.rs` (the features libbpfrs probes, lazily, once per\n\
         process, as libbpf 1.1.2 does) and `src/uapi/kernels.rs` (when each entered Linux, with\n\
         the upstream commit) by `src/load/fallback_doc.rs`; `LIBBPFRS_BLESS=1 cargo test --lib\n\
         fallback_doc` rewrites it. The fake kernels of the unit tests (4.18, 5.4, 5.10, 5.15)\n\
         and the LD_PRELOAD shim of `tests/kernels.sh` (which runs the system libbpf 1.1.2 and\n\
         libbpfrs side by side on the same objects) answer from the same table.\n\n\
         | Feature | First kernel | Without it, libbpfrs | Proven by |\n|---|---|---|---|\n",
    );
    for f in ALL {
        let since = what(f)
            .and_then(|w| ROWS.iter().find(|r| r.what == w))
            .map_or("—".to_string(), |r| {
                format!("{}.{}", r.since.0, r.since.1)
            });
        let (does, test) = behaviour(f);
        out += &format!("| {} | {since} | {does} | {test} |\n", f.desc());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn docs_kernels_md_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/kernels.md");
        let want = render();
        if std::env::var("LIBBPFRS_BLESS").is_ok_and(|v| v == "1") {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/kernels.md is out of date: LIBBPFRS_BLESS=1 cargo test --lib fallback_doc"
        );
    }
}
