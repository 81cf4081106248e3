//! Real data: an object compiled by clang from inline C, and the running kernel's BTF.

use super::*;
use std::path::Path;
use std::sync::Arc;

const PROG_SRC: &str = r#"
#include <linux/bpf.h>
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_tail_call)(void *ctx, void *map, __u32 idx) = (void *)12;

struct val { long long a; int b; };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, int);
	__type(value, struct val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} hmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 8);
	__uint(max_entries, 4);
	__uint(pinning, 1);
} arr SEC(".maps");

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, int);
} inner1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, int);
	__array(values, struct inner);
} outer SEC(".maps") = { .values = { &inner1 } };

int tailprog(void *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, int);
	__array(values, int (void *));
} progs SEC(".maps") = { .values = { [1] = (void *)&tailprog } };

int counter = 1;
int zeroed;
__attribute__((visibility("hidden"))) int hidden_var = 5;
const volatile int ro = 3;

struct task { int pad; int pid; } __attribute__((preserve_access_index));

SEC("xdp") int tailprog(void *ctx) { return 1; }

__attribute__((noinline, visibility("hidden"))) int hidden_fn(int x)
{
	return x + counter + hidden_var + ro + zeroed;
}

SEC("tc") int prog(void *ctx)
{
	int k = 0;
	struct val *v = bpf_map_lookup_elem(&hmap, &k);
	bpf_tail_call(ctx, &progs, 1);
	return v ? hidden_fn(v->b) : 0;
}

SEC("tp_btf/sched_switch") int core(struct task *t) { return t->pid; }

char _license[] SEC("license") = "GPL";
"#;

#[test]
fn clang_object() {
    use object::{Object, ObjectSection, ObjectSymbol, SymbolFlags, SymbolKind};
    let Some(elf) = crate::testutil::compile_bpf(PROG_SRC) else {
        return;
    };
    let file = object::File::parse(&*elf).unwrap();
    let sec = |n: &str| file.section_by_name(n).unwrap().data().unwrap().to_vec();
    let mut btf = Btf::parse(&sec(".BTF")).unwrap();
    assert_eq!(Btf::from_elf(&elf).unwrap().to_bytes(), btf.to_bytes());
    let ext = BtfExt::parse(&sec(".BTF.ext"), &btf).unwrap();

    // .BTF.ext: one func_info per program section, line info, CO-RE for `core`.
    let fi = ext.func_info("tc").unwrap();
    let first = fi.func_infos().next().unwrap();
    assert_eq!(first.insn_off, 0);
    assert_eq!(btf.ty(first.type_id).unwrap().name(), "prog");
    assert_eq!(
        ext.func_info(".text").unwrap().func_infos().count(),
        1,
        "hidden_fn"
    );
    assert!(ext.line_info("tc").unwrap().len() > 1);
    assert!(ext.has_core_relos());
    let cr = ext
        .core_relos("tp_btf/sched_switch")
        .unwrap()
        .core_relos()
        .next()
        .unwrap();
    assert_eq!(btf.ty(cr.type_id).unwrap().name(), "task");
    assert_eq!(btf.name_at(cr.access_str_off), Some("0:1"));

    // Maps.
    let maps_len = file.section_by_name(".maps").unwrap().size();
    let maps = parse_btf_maps(&btf, ".maps", maps_len, false).unwrap();
    let get = |n: &str| &maps.iter().find(|m| m.name == n).unwrap().def;
    let h = get("hmap");
    assert_eq!((h.map_type, h.max_entries, h.map_flags), (Some(1), 128, 1));
    assert_eq!((h.key_size, h.value_size), (Some(4), Some(16)));
    assert_eq!(btf.ty(h.value_type_id).unwrap().name(), "val");
    let a = get("arr");
    assert_eq!(
        (
            a.map_type,
            a.key_size,
            a.value_size,
            a.pinning,
            a.key_type_id
        ),
        (Some(2), Some(4), Some(8), 1, 0)
    );
    let o = get("outer");
    assert_eq!(
        (o.map_type, o.value_size, o.values_offset),
        (Some(12), Some(4), Some(24))
    );
    let inner = o.inner.as_deref().unwrap();
    assert_eq!(
        (inner.map_type, inner.max_entries, inner.value_size),
        (Some(2), 1, Some(4))
    );
    assert_eq!(get("inner1"), inner);
    let p = get("progs");
    assert!(p.values_are_progs && p.value_size == Some(4) && p.values_offset == Some(24));

    // DATASEC fix-up against the ELF symbol table.
    let sec_size = |n: &str| file.section_by_name(n).map(|s| s.size() as u32);
    let sym = |n: &str| {
        file.symbols()
            .find(|s| s.name() == Ok(n) && matches!(s.kind(), SymbolKind::Data | SymbolKind::Text))
            .map(|s| {
                let vis = match s.flags() {
                    SymbolFlags::Elf { st_other, .. } => st_other & 3,
                    _ => 0,
                };
                (s.address() as u32, vis == 1 || vis == 2)
            })
    };
    btf.fixup_datasecs(&sec_size, &sym).unwrap();
    let data = btf.ty(btf.datasec_by_name(".data").unwrap()).unwrap();
    assert_eq!(data.size(), sec_size(".data").unwrap());
    let vars: Vec<_> = data
        .datasec_vars()
        .map(|v| (btf.ty(v.type_id).unwrap().name(), v.offset))
        .collect();
    assert_eq!(vars.len(), 2, "{vars:?}");
    assert!(
        vars.windows(2).all(|w| w[0].1 <= w[1].1),
        "sorted: {vars:?}"
    );
    for (name, off) in &vars {
        assert_eq!(sym(name).unwrap().0, *off, "{name}");
    }
    let hv = btf.find_by_name_kind("hidden_var", Kind::Var).unwrap();
    assert_eq!(btf.ty(hv).unwrap().var_linkage(), Some(LINKAGE_STATIC));
    let cv = btf.find_by_name_kind("counter", Kind::Var).unwrap();
    assert_eq!(btf.ty(cv).unwrap().var_linkage(), Some(LINKAGE_GLOBAL));
    let hf = btf.find_by_name_kind("hidden_fn", Kind::Func).unwrap();
    assert_eq!(btf.ty(hf).unwrap().func_linkage(), Some(LINKAGE_STATIC));
    let pf = btf.find_by_name_kind("prog", Kind::Func).unwrap();
    assert_eq!(btf.ty(pf).unwrap().func_linkage(), Some(LINKAGE_GLOBAL));
    assert!(
        btf.ty(btf.datasec_by_name(".rodata").unwrap())
            .unwrap()
            .size()
            >= 4
    );
    let bytes = btf.to_bytes();
    assert_eq!(Btf::parse(&bytes).unwrap().to_bytes(), bytes);
    exercise(&btf);
}

#[test]
fn kernel_vmlinux() {
    let path = Path::new("/sys/kernel/btf/vmlinux");
    if !path.exists() {
        skip("/sys/kernel/btf/vmlinux not present");
        return;
    }
    let raw = std::fs::read(path).unwrap();
    let t0 = std::time::Instant::now();
    let btf = Btf::parse(&raw).unwrap();
    let parse = t0.elapsed();
    let t1 = std::time::Instant::now();
    let from_file = Btf::from_file(path).unwrap();
    let read_parse = t1.elapsed();
    eprintln!(
        "vmlinux: {} bytes, {} types; parse {:.2} ms, read+parse {:.2} ms",
        raw.len(),
        btf.type_cnt(),
        parse.as_secs_f64() * 1e3,
        read_parse.as_secs_f64() * 1e3
    );
    assert_eq!(from_file.type_cnt(), btf.type_cnt());
    assert!(btf.type_cnt() > 10_000);
    let ts = btf.find_by_name_kind("task_struct", Kind::Struct).unwrap();
    assert!(btf.resolve_size(ts).unwrap() > 1000);
    assert!(btf.ty(ts).unwrap().members().any(|m| m.name == "pid"));
    let tp = btf
        .find_by_name_kind("btf_trace_sched_switch", Kind::Typedef)
        .unwrap();
    let (_, ptr) = btf.skip_mods_and_typedefs(tp).unwrap();
    assert_eq!(ptr.kind(), Kind::Ptr);
    assert_eq!(btf.ty(ptr.type_id()).unwrap().kind(), Kind::FuncProto);
    let f = btf
        .find_by_name_kind("bpf_lsm_file_open", Kind::Func)
        .unwrap();
    assert_eq!(
        btf.ty(btf.ty(f).unwrap().type_id()).unwrap().kind(),
        Kind::FuncProto
    );
    let t2 = std::time::Instant::now();
    let sum = exercise(&btf);
    eprintln!(
        "vmlinux: decoded every type in {:.2} ms ({sum})",
        t2.elapsed().as_secs_f64() * 1e3
    );
    // A 24-byte-header blob re-encodes byte for byte.
    if u32::from_ne_bytes(raw[4..8].try_into().unwrap()) == 24 {
        assert!(btf.to_bytes() == raw, "vmlinux round trip");
    }
    let shared = Btf::vmlinux().unwrap();
    assert!(Arc::ptr_eq(&shared, &Btf::vmlinux().unwrap()));
    assert_eq!(shared.type_cnt(), btf.type_cnt());
}

/// Parse and lookup timings on the running kernel's BTF (best of 20; run with
/// `--release --nocapture` for meaningful numbers).
#[test]
fn vmlinux_timing() {
    let path = Path::new("/sys/kernel/btf/vmlinux");
    if !path.exists() {
        skip("/sys/kernel/btf/vmlinux not present");
        return;
    }
    let raw = std::fs::read(path).unwrap();
    let ms = |t: std::time::Instant| t.elapsed().as_secs_f64() * 1e3;
    let mut best = [f64::MAX; 5];
    for _ in 0..20 {
        let t = std::time::Instant::now();
        drop(Btf::parse(&raw).unwrap());
        best[0] = best[0].min(ms(t));
        let t = std::time::Instant::now();
        drop(Btf::parse_split(&raw, None).unwrap());
        best[1] = best[1].min(ms(t));
    }
    for _ in 0..20 {
        let strict = Btf::parse(&raw).unwrap();
        let layout = Btf::parse_split(&raw, None).unwrap();
        let t = std::time::Instant::now();
        let miss = strict.find_by_name("no_such_type_anywhere");
        best[2] = best[2].min(ms(t));
        let t = std::time::Instant::now();
        let ts = strict.find_by_name_kind("task_struct", Kind::Struct);
        best[3] = best[3].min(ms(t));
        let t = std::time::Instant::now();
        let _ = layout.find_str_ro(b"task_struct");
        best[4] = best[4].min(ms(t));
        assert_eq!(miss, None);
        assert_eq!(
            ts,
            layout.find_type(b"task_struct", Some(Kind::Struct as u32))
        );
    }
    eprintln!(
        "vmlinux timing: parse {:.2} ms (strict), {:.2} ms (btf__new); first name lookup \
         (index build) {:.2} ms, next lookup {:.4} ms; first string lookup {:.2} ms",
        best[0], best[1], best[2], best[3], best[4]
    );
}
