//! Loads of real objects under fake older kernels: what reached the kernel.

use super::{LoadOpts, ObjState};
use crate::object::OpenOpts;
use crate::sys::fake_kernel::{self, Personality, Record, LINUX_4_18, LINUX_5_4};
use crate::uapi::*;

pub(super) const HDR: &str = "typedef unsigned int u32;\ntypedef unsigned long long u64;\n\
#define SEC(n) __attribute__((section(n), used))\n\
#define __uint(n, v) int (*n)[v]\n#define __type(n, t) t *n\n\
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;\n\
char _license[] SEC(\"license\") = \"GPL\";\n";

pub(super) const MAP_PROG: &str =
    "struct { __uint(type, 2); __uint(max_entries, 1); __type(key, u32); \
__type(value, u64); } counts SEC(\".maps\");\n\
SEC(\"socket\") int count(void *ctx) { u32 k = 0; u64 *v = bpf_map_lookup_elem(&counts, &k); \
if (v) (*v)++; return 0; }\n";

const GLOBAL: &str = "u64 calls;\nSEC(\"socket\") int count(void *ctx) { calls++; return 0; }\n";

const RINGBUF: &str =
    "struct { __uint(type, 27); __uint(max_entries, 4096); } rb SEC(\".maps\");\n\
SEC(\"socket\") int count(void *ctx) { return 0; }\n";

/// A load's result, what reached the fake kernel, and the object afterwards.
pub(super) type Loaded = (Result<(), crate::Error>, Vec<Record>, ObjState);

/// Opens `body` (after [`HDR`]), lets `edit` change the object, and loads it
/// under `p`; `None` (after a skip line) without `bpf()` or clang.
pub(super) fn load_with(
    p: Personality,
    body: &str,
    edit: impl FnOnce(&mut ObjState),
) -> Option<Loaded> {
    if !super::probe::prog_type(BPF_PROG_TYPE_SOCKET_FILTER).unwrap_or(false) {
        crate::testutil::test_skip("bpf() not permitted");
        return None;
    }
    let elf = crate::testutil::compile_bpf(&format!("{HDR}{body}"))?;
    let mut st =
        ObjState::open(&elf[..], "t.o", &OpenOpts::default(), LoadOpts::default()).unwrap();
    edit(&mut st);
    let _k = fake_kernel::set(p);
    let r = st.load();
    Some((r, fake_kernel::journal(), st))
}

/// Opens `body` and loads it under `p`: the load's result and the journal.
fn load_under(p: Personality, body: &str) -> Option<(Result<(), crate::Error>, Vec<Record>)> {
    load_with(p, body, |_| {}).map(|(r, j, _)| (r, j))
}

pub(super) fn sent(j: &[Record], cmd: u32) -> Vec<&Record> {
    j.iter()
        .filter(|r| r.cmd == cmd && r.refused == 0)
        .collect()
}

#[test]
fn names_are_dropped_before_4_15() {
    let old = Personality {
        name: "4.14",
        version: (4, 14),
    };
    let Some((r, j)) = load_under(old, MAP_PROG) else {
        return;
    };
    r.unwrap();
    let (maps, progs) = (sent(&j, BPF_MAP_CREATE), sent(&j, BPF_PROG_LOAD));
    assert!(maps.iter().any(|m| m.obj_type == BPF_MAP_TYPE_ARRAY));
    assert!(
        maps.iter().chain(&progs).all(|r| r.name.is_empty()),
        "{j:?}"
    );
    assert!(!progs.is_empty());
    // 4.18 knows names: the object's names reach it.
    let (r, j) = load_under(LINUX_4_18, MAP_PROG).unwrap();
    r.unwrap();
    assert!(sent(&j, BPF_MAP_CREATE).iter().any(|m| m.name == b"counts"));
    assert!(sent(&j, BPF_PROG_LOAD).iter().any(|m| m.name == b"count"));
}

/// Before 5.2 global-data maps are not created and the program addressing one
/// is refused by the kernel (EINVAL), at the same step as under libbpf 1.1.2,
/// with a warning naming the feature. 5.10 loads it.
#[test]
fn global_data_needs_5_2() {
    let Some((r, j)) = load_under(LINUX_4_18, GLOBAL) else {
        return;
    };
    assert_eq!(r.unwrap_err().errno(), libc::EINVAL);
    // The data map was not created; the program reached the kernel with the
    // map reference turned into calls of helper 2001000000 + map index.
    assert!(!j
        .iter()
        .any(|m| m.cmd == BPF_MAP_CREATE && m.name.ends_with(b".bss")));
    let prog = j
        .iter()
        .find(|r| r.cmd == BPF_PROG_LOAD && r.name == b"count");
    // (The fake kernel lets it through; the real verifier refuses the call.)
    assert!(prog.unwrap().helpers.contains(&2_001_000_000), "{j:?}");
    let (r, _) = load_under(fake_kernel::LINUX_5_10, GLOBAL).unwrap();
    r.unwrap();
}

/// Before 5.8 the kernel refuses the ring buffer map (EINVAL, as under libbpf
/// 1.1.2); 5.10 creates it.
#[test]
fn ring_buffer_needs_5_8() {
    let Some((r, j)) = load_under(LINUX_5_4, RINGBUF) else {
        return;
    };
    assert_eq!(r.unwrap_err().errno(), libc::EINVAL);
    let rb = j
        .iter()
        .find(|m| m.cmd == BPF_MAP_CREATE && m.obj_type == BPF_MAP_TYPE_RINGBUF);
    assert_eq!(rb.map(|r| r.refused), Some(libc::EINVAL), "{j:?}");
    let (r, _) = load_under(fake_kernel::LINUX_5_10, RINGBUF).unwrap();
    r.unwrap();
}
