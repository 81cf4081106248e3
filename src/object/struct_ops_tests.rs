//! struct_ops parsing and kernel-layout matching on clang-built objects; the
//! "kernel" BTF is a clang-built object too, so no kernel is needed.

use super::*;
use crate::object::OpenOpts;
use crate::testutil::compile_bpf;
use crate::uapi::BPF_PROG_TYPE_XDP;

const HDR: &str = r#"
#define SEC(n) __attribute__((section(n), used))
typedef unsigned int u32;
typedef unsigned long long u64;
struct sock;
"#;

/// The object's side: a struct with 3 function pointers and 2 data members,
/// `extra` inserted by the test where it wants one.
fn object_src(flags_ty: &str, extra: &str, undo: &str, init: &str) -> String {
    format!(
        r#"{HDR}
struct tcp_congestion_ops {{
    u32 (*ssthresh)(struct sock *sk);
    u32 (*undo_cwnd)(struct sock *sk);
    {extra}
    void (*init)(struct sock *sk);
    {flags_ty} flags;
    char name[16];
}};
SEC("struct_ops/a") u32 ss(u64 *ctx) {{ return 1; }}
SEC("struct_ops/b") u32 undo(u64 *ctx) {{ return 2; }}
SEC("struct_ops/c") void ini(u64 *ctx) {{ }}
SEC("xdp") int x(void *ctx) {{ return 2; }}
SEC(".struct_ops") struct tcp_congestion_ops one = {{
    .ssthresh = (void *)ss, .undo_cwnd = (void *){undo}, .init = (void *){init},
    .flags = 3, .name = "one",
}};
SEC(".struct_ops") struct tcp_congestion_ops two = {{
    .ssthresh = (void *)ss, .undo_cwnd = (void *)undo, .name = "two",
}};
char LICENSE[] SEC("license") = "GPL";
"#
    )
}

/// A "kernel" BTF: the struct with members in another order, one more member,
/// and the value type wrapping it after a 16-byte header.
fn kernel_btf() -> Option<Btf> {
    let src = format!(
        r#"{HDR}
struct tcp_congestion_ops {{
    u64 list[2];
    u32 flags;
    u32 (*ssthresh)(struct sock *sk);
    void (*cong_avoid)(struct sock *sk, u32 ack, u32 acked);
    u32 (*undo_cwnd)(struct sock *sk);
    char name[16];
    void (*init)(struct sock *sk);
}};
struct bpf_struct_ops_tcp_congestion_ops {{
    u64 refcnt;
    u64 state;
    struct tcp_congestion_ops data;
}};
struct bpf_struct_ops_tcp_congestion_ops v SEC(".data");
"#
    );
    let elf = compile_bpf(&src)?;
    Some(Btf::from_elf(&elf).expect("kernel-side BTF"))
}

fn open(src: &str) -> Option<Result<Object, Error>> {
    let elf = compile_bpf(src)?;
    Some(Object::parse(&elf, "so.bpf.o", &OpenOpts::default()))
}

fn prog(obj: &Object, name: &str) -> usize {
    obj.find_prog(name).unwrap()
}

#[test]
fn variables_become_struct_ops_maps_with_their_programs() {
    let Some(obj) = open(&object_src("u32", "", "undo", "ini")) else {
        return;
    };
    let obj = obj.unwrap();
    let so: Vec<_> = obj.maps.iter().filter(|m| m.st_ops.is_some()).collect();
    assert_eq!(so.len(), 2);
    for (m, name) in so.iter().zip(["one", "two"]) {
        assert_eq!(m.name, name);
        assert_eq!(m.kind, MapKind::StructOps);
        // Before load the value size is the object's struct (3 pointers, 2 data).
        assert_eq!((m.map_type, m.key_size, m.value_size), (26, 4, 48));
        assert_eq!((m.max_entries, m.map_flags), (1, 0));
    }
    let st = so[0].st_ops.as_ref().unwrap();
    assert_eq!(st.tname, "tcp_congestion_ops");
    let (ss, undo, ini) = (prog(&obj, "ss"), prog(&obj, "undo"), prog(&obj, "ini"));
    assert_eq!(st.progs, vec![Some(ss), Some(undo), Some(ini), None, None]);
    assert_eq!(&st.data[28..32], &[b'o', b'n', b'e', 0]);
    let st2 = so[1].st_ops.as_ref().unwrap();
    assert_eq!(st2.progs, vec![Some(ss), Some(undo), None, None, None]);
    // Until load, a program's expected attach type is its member's index.
    let eat = |i: usize| obj.progs[i].expected_attach_type;
    assert_eq!((eat(ss), eat(undo), eat(ini)), (0, 1, 2));
}

#[test]
fn kernel_value_follows_the_kernel_layout() {
    let (Some(obj), Some(kern)) = (open(&object_src("u32", "", "undo", "ini")), kernel_btf())
    else {
        return;
    };
    let obj = obj.unwrap();
    let m = &obj.maps[obj.find_map("one").unwrap()];
    let btf = obj.btf.as_ref().unwrap();
    let kv = kernel_value(m.st_ops.as_ref().unwrap(), "one", btf, &kern, &[]).unwrap();
    assert_eq!(kern.ty(kv.type_id).unwrap().name(), "tcp_congestion_ops");
    assert_eq!(
        kern.ty(kv.value_type_id).unwrap().name(),
        "bpf_struct_ops_tcp_congestion_ops"
    );
    // 16-byte header, then the kernel struct: list@0 (member 0), flags@16 (1),
    // ssthresh@24 (2), cong_avoid@32 (3), undo_cwnd@40 (4), name@48 (5),
    // init@64 (6); size 72.
    assert_eq!(kv.value.len(), 16 + 72);
    assert_eq!(&kv.value[16 + 16..16 + 20], &3u32.to_le_bytes());
    assert_eq!(&kv.value[16 + 48..16 + 52], b"one\0");
    let (ss, undo, ini) = (prog(&obj, "ss"), prog(&obj, "undo"), prog(&obj, "ini"));
    assert_eq!(
        kv.funcs,
        vec![(ss, 16 + 24, 2), (undo, 16 + 40, 4), (ini, 16 + 64, 6)]
    );
    // Function-pointer slots stay zero until attach fills in program fds.
    assert!(kv.value[16 + 24..16 + 32].iter().all(|&b| b == 0));
}

/// The errno `kernel_value` refuses map "one" of the object built from `src`
/// with, against the kernel-side BTF; `None` without clang.
fn kernel_value_errno(src: &str) -> Option<i32> {
    let (obj, kern) = (open(src)?, kernel_btf()?);
    let obj = obj.unwrap();
    let m = &obj.maps[obj.find_map("one").unwrap()];
    let e = kernel_value(
        m.st_ops.as_ref().unwrap(),
        "one",
        obj.btf.as_ref().unwrap(),
        &kern,
        &[],
    );
    Some(e.unwrap_err().errno())
}

#[test]
fn a_struct_the_kernel_lacks_is_enoent() {
    let src = object_src("u32", "", "undo", "ini").replace("tcp_congestion_ops", "no_such_ops");
    if let Some(errno) = kernel_value_errno(&src) {
        assert_eq!(errno, libc::ENOENT);
    }
}

#[test]
fn a_member_the_kernel_lacks_is_eopnotsupp() {
    let extra = "void (*no_such_member)(struct sock *sk);";
    if let Some(errno) = kernel_value_errno(&object_src("u32", extra, "undo", "ini")) {
        assert_eq!(errno, libc::EOPNOTSUPP);
    }
}

#[test]
fn a_member_of_another_size_is_eopnotsupp() {
    if let Some(errno) = kernel_value_errno(&object_src("u64", "", "undo", "ini")) {
        assert_eq!(errno, libc::EOPNOTSUPP);
    }
}

#[test]
fn one_program_in_two_members_is_refused_at_open() {
    // `ss` serves ssthresh (member 0) and undo_cwnd (member 1).
    let Some(r) = open(&object_src("u32", "", "ss", "ini")) else {
        return;
    };
    assert_eq!(r.unwrap_err().errno(), libc::EINVAL);
}

#[test]
fn a_program_of_another_type_is_refused_at_open() {
    let Some(r) = open(&object_src("u32", "", "undo", "x")) else {
        return;
    };
    assert_eq!(r.unwrap_err().errno(), libc::EINVAL);
    let Some(ok) = open(&object_src("u32", "", "undo", "ini")) else {
        return;
    };
    let ok = ok.unwrap();
    assert_eq!(ok.progs[prog(&ok, "x")].prog_type, BPF_PROG_TYPE_XDP);
}

#[test]
fn the_link_section_of_libbpf_1_2_is_not_read() {
    let src =
        object_src("u32", "", "undo", "ini").replace("\".struct_ops\"", "\".struct_ops.link\"");
    let Some(obj) = open(&src) else {
        return;
    };
    let obj = obj.unwrap();
    assert!(obj.maps.iter().all(|m| m.st_ops.is_none()));
    assert_eq!(obj.progs[prog(&obj, "ini")].expected_attach_type, 0);
}
