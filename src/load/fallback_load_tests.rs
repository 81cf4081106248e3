//! Map and program fallbacks under fake older kernels: mmap()able data maps,
//! `.rodata` freezing and binding, the probe_read helpers, RLIMIT_MEMLOCK.

use super::fallback_tests::{load_with, sent};
use crate::object::maps::{DataKind, MapKind};
use crate::sys::fake_kernel::{self, Record, LINUX_4_18, LINUX_5_10, LINUX_5_4};
use crate::uapi::kernels::{BPF_FUNC_PROBE_READ, BPF_FUNC_PROBE_READ_STR};
use crate::uapi::*;

/// `.bss` and `.rodata` with values a skeleton would expose.
const DATA: &str = "u64 calls;\nconst volatile u64 limit = 5;\n\
SEC(\"socket\") int count(void *ctx) { if (calls < limit) calls++; return 0; }\n";

/// A tracepoint program reading through the 5.5 helpers.
const PROBE_READS: &str =
    "static long (*bpf_probe_read_kernel)(void *d, u32 n, const void *s) = (void *)113;\n\
static long (*bpf_probe_read_user_str)(void *d, u32 n, const void *s) = (void *)114;\n\
SEC(\"tracepoint/syscalls/sys_enter_getpid\") int rd(void *ctx) { char b[8]; \
bpf_probe_read_kernel(b, 8, ctx); bpf_probe_read_user_str(b, 8, ctx); return b[0]; }\n";

fn data_map<'a>(j: &'a [Record], suffix: &[u8]) -> &'a Record {
    sent(j, BPF_MAP_CREATE)
        .into_iter()
        .find(|m| m.name.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {} map in {j:?}", String::from_utf8_lossy(suffix)))
}

/// Without array mmap (5.4) data maps are created without `BPF_F_MMAPABLE`; the
/// definition shows it, and the initial value stays readable. 5.10 gets the flag.
#[test]
fn data_maps_lose_mmapable_before_5_5() {
    let Some((r, j, mut st)) = load_with(LINUX_5_4, DATA, |_| {}) else {
        return;
    };
    r.unwrap();
    let (bss, ro) = (data_map(&j, b".bss"), data_map(&j, b".rodata"));
    assert_eq!(bss.map_flags, 0);
    assert_eq!(ro.map_flags, BPF_F_RDONLY_PROG);
    for (i, m) in st.maps.iter().enumerate() {
        assert_eq!(m.def.map_flags & BPF_F_MMAPABLE, 0, "map {i}");
    }
    let ro_idx = st
        .maps
        .iter()
        .position(|m| m.def.kind == MapKind::Data(DataKind::Rodata))
        .unwrap();
    // The initial value is still there to read; the map is not mapped over it.
    let init = st.maps[ro_idx].mmap.as_ref().unwrap().to_vec();
    assert_eq!(&init[..8], &5u64.to_ne_bytes());
    assert_eq!(st.remap_data_map(ro_idx).unwrap(), None);

    let (r, j, mut st) = load_with(LINUX_5_10, DATA, |_| {}).unwrap();
    r.unwrap();
    assert_eq!(data_map(&j, b".bss").map_flags, BPF_F_MMAPABLE);
    assert_eq!(
        data_map(&j, b".rodata").map_flags,
        BPF_F_MMAPABLE | BPF_F_RDONLY_PROG
    );
    assert!(st.remap_data_map(ro_idx).unwrap().is_some());
}

/// libbpf 1.1.2 toggles the flag: a data section with only a static variable
/// (created without it) gains it before 5.5, and the kernel refuses the map.
#[test]
fn a_static_only_data_map_gains_mmapable_before_5_5() {
    let body = "static u64 seen SEC(\".data.priv\");\n\
SEC(\"socket\") int count(void *ctx) { seen++; return 0; }\n";
    let Some((r, j, _)) = load_with(LINUX_5_4, body, |_| {}) else {
        return;
    };
    assert_eq!(r.unwrap_err().errno(), libc::EINVAL);
    let m = j
        .iter()
        .find(|m| m.cmd == BPF_MAP_CREATE && m.name == b".data.priv");
    assert_eq!(
        m.map(|m| (m.map_flags, m.refused)),
        Some((BPF_F_MMAPABLE, libc::EINVAL))
    );
    let (r, j, _) = load_with(LINUX_5_10, body, |_| {}).unwrap();
    r.unwrap();
    assert_eq!(data_map(&j, b".data.priv").map_flags, 0);
}

/// `.rodata` is frozen wherever global data exists (both came with 5.2, so
/// libbpf 1.1.2 has no fallback); on 4.18 the map is never created.
#[test]
fn rodata_is_frozen_from_5_2() {
    let Some((r, j, _)) = load_with(LINUX_5_4, DATA, |_| {}) else {
        return;
    };
    r.unwrap();
    assert_eq!(sent(&j, BPF_MAP_FREEZE).len(), 1);
    let (r, j, _) = load_with(LINUX_4_18, DATA, |_| {}).unwrap();
    assert_eq!(r.unwrap_err().errno(), libc::EINVAL);
    assert!(j.iter().all(|r| r.cmd != BPF_MAP_FREEZE));
}

/// `.rodata` is bound to each program only where `BPF_PROG_BIND_MAP` exists
/// (5.10); before, only the feature probe tried it.
#[test]
fn rodata_is_bound_from_5_10() {
    let Some((r, j, _)) = load_with(LINUX_5_4, DATA, |_| {}) else {
        return;
    };
    r.unwrap();
    let binds = j.iter().filter(|r| r.cmd == BPF_PROG_BIND_MAP).count();
    assert_eq!(binds, 1, "{j:?}");
    let (r, j, _) = load_with(LINUX_5_10, DATA, |_| {}).unwrap();
    r.unwrap();
    // The probe's bind and the object's.
    assert_eq!(sent(&j, BPF_PROG_BIND_MAP).len(), 2);
}

/// Before 5.5 the kernel and user probe_read helpers become `bpf_probe_read`
/// and `bpf_probe_read_str`.
#[test]
fn probe_read_helpers_fall_back_before_5_5() {
    let called = |j: &[Record]| {
        sent(j, BPF_PROG_LOAD)
            .into_iter()
            .find(|p| p.name == b"rd")
            .map(|p| p.helpers.clone())
            .unwrap()
    };
    let Some((r, j, _)) = load_with(LINUX_5_4, PROBE_READS, |_| {}) else {
        return;
    };
    r.unwrap();
    assert_eq!(called(&j), [BPF_FUNC_PROBE_READ, BPF_FUNC_PROBE_READ_STR]);
    let (r, j, _) = load_with(LINUX_5_10, PROBE_READS, |_| {}).unwrap();
    r.unwrap();
    assert_eq!(called(&j), [BPF_FUNC_PROBE_READ_KERNEL, 114]);
}

const MEMLOCK_CHILD: &str = "LIBBPFRS_MEMLOCK_CHILD";

/// Before memcg accounting (5.11) RLIMIT_MEMLOCK is raised before the first
/// map: with a 64 KiB limit the fake 5.10 kernel refuses maps (EPERM) unless
/// the loader raised it. The limit is per process, so this runs in a child;
/// the target is 8 MiB (`libbpf_set_memlock_rlim`), which a process without
/// CAP_SYS_RESOURCE may still reach under the usual hard limit.
#[test]
fn memlock_is_raised_without_memcg() {
    if std::env::var_os(MEMLOCK_CHILD).is_some() {
        return memlock_child();
    }
    if !super::probe::prog_type(BPF_PROG_TYPE_SOCKET_FILTER).unwrap_or(false) {
        crate::testutil::test_skip("bpf() not permitted");
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "load::fallback_load_tests::memlock_is_raised_without_memcg",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(MEMLOCK_CHILD, "1")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && text.contains("1 passed"), "{text}");
}

fn memlock_child() {
    const TARGET: u64 = 8 << 20;
    crate::sys::memlock::reset();
    crate::sys::memlock::set_limit(TARGET).unwrap();
    fake_kernel::set_memlock(64 << 10);
    let (r, j, _) = load_with(LINUX_5_10, super::fallback_tests::MAP_PROG, |_| {}).unwrap();
    r.unwrap();
    assert!(j.iter().all(|r| r.refused != libc::EPERM), "{j:?}");
    assert_eq!(fake_kernel::memlock(), TARGET);
    // A kernel with memcg accounting never bumps.
    crate::sys::memlock::reset();
    fake_kernel::set_memlock(64 << 10);
    let _k = fake_kernel::set(fake_kernel::LINUX_5_15);
    super::maps::bump_memlock();
    assert_eq!(fake_kernel::memlock(), 64 << 10);
}
