//! The engine on hand-built BTF: a local (object) BTF and a target BTF with
//! different layouts, relocations resolved and instructions patched.

use super::*;
use crate::btf::write::BtfBuilder;
use crate::btf::{Kind, INT_SIGNED};
use crate::insn::Insn;
use crate::uapi::*;

/// Target `s` layouts used by most tests.
const U32: &str = "unsigned int";

fn relo(b: &mut BtfBuilder, type_id: u32, access: &str, kind: u32) -> CoreRelo {
    CoreRelo {
        insn_off: 0,
        type_id,
        access_str_off: b.add_str(access),
        kind,
    }
}

fn target(btf: Btf) -> TargetBtf {
    TargetBtf {
        name: "vmlinux".into(),
        btf: Arc::new(btf),
    }
}

const SITE: Site<'static> = Site {
    prog: "p",
    relo: 3,
    insn: 7,
};

/// A site at instruction `insn` of program `p`.
fn at(insn: usize) -> Site<'static> {
    Site {
        prog: "p",
        relo: 0,
        insn,
    }
}

fn resolve(local: &Btf, targ: &Btf, r: &CoreRelo) -> Result<RelocRes, Error> {
    let mut rel = Relocator::new(local, target(targ.clone()));
    rel.resolve(&SITE, r).map(|x| x.res)
}

fn mov(imm: i32) -> Insn {
    Insn {
        code: BPF_ALU64 | BPF_MOV | BPF_K,
        regs: 1,
        off: 0,
        imm,
    }
}

fn ldx(size: u8, off: i16) -> Insn {
    Insn {
        code: BPF_LDX | 0x60 | size,
        regs: 0x10,
        off,
        imm: 0,
    }
}

fn ld_imm64(v: u64) -> [Insn; 2] {
    let lo = Insn {
        code: crate::insn::LD_IMM64,
        regs: 1,
        off: 0,
        imm: v as u32 as i32,
    };
    let hi = Insn {
        imm: (v >> 32) as u32 as i32,
        ..Insn::default()
    };
    [lo, hi]
}

/// Local: `struct task_struct { int pid; int tgid; unsigned long long start; }`,
/// an `enum e { A, B }`, `struct gone { int x; }`.
fn local_btf() -> (BtfBuilder, u32, u32, u32) {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, INT_SIGNED, 32);
    let u64t = b.int("unsigned long long", 8, 0, 64);
    let ts = b.struct_(
        "task_struct",
        16,
        &[("pid", int, 0), ("tgid", int, 32), ("start", u64t, 64)],
    );
    let e = b.enum_("e", 4, false, &[("A", 0), ("B", 1), ("C", 2)]);
    let _gone = b.struct_("gone", 4, &[("x", int, 0)]);
    (b, ts, e, int)
}

/// Target: `task_struct` with another layout (`tgid` in an anonymous union,
/// `start` an `unsigned int`), and `enum e { B = 5, A = 7 }` (no `C`).
fn target_btf() -> Btf {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, INT_SIGNED, 32);
    let u32t = b.int(U32, 4, 0, 32);
    let long = b.int("long", 8, INT_SIGNED, 64);
    let anon = b.union_("", 4, &[("tgid", int, 0), ("other", u32t, 0)]);
    b.struct_(
        "task_struct",
        24,
        &[
            ("x", long, 0),
            ("", anon, 64),
            ("pid", int, 96),
            ("start", u32t, 128),
        ],
    );
    b.enum_("e", 4, false, &[("B", 5), ("A", 7)]);
    b.build().unwrap()
}

#[test]
fn access_strings_and_essential_names() {
    assert_eq!(parse_access("0:1:22").unwrap(), vec![0, 1, 22]);
    for bad in ["", ":0", "0:", "0::1", "-1", "a", "0:+1"] {
        assert_eq!(parse_access(bad).unwrap_err().errno, libc::EINVAL, "{bad}");
    }
    let long = vec!["0"; 65].join(":");
    assert_eq!(parse_access(&long).unwrap_err().errno, libc::E2BIG);
    assert_eq!(essential("task_struct___v1"), "task_struct");
    assert_eq!(essential("a___b___c"), "a___b");
    assert_eq!(essential("a____b"), "a____b");
    assert_eq!(essential("___x"), "___x");
    assert_eq!(essential("x___"), "x___");
    assert_eq!(essential("ab"), "ab");
}

#[test]
fn field_offsets_follow_the_target_layout_through_anonymous_members() {
    let (mut b, ts, _, _) = local_btf();
    let tgid = relo(&mut b, ts, "0:1", BPF_CORE_FIELD_BYTE_OFFSET);
    let pid = relo(&mut b, ts, "0:0", BPF_CORE_FIELD_BYTE_OFFSET);
    let size = relo(&mut b, ts, "0:2", BPF_CORE_FIELD_BYTE_SIZE);
    let local = b.build().unwrap();
    let targ = target_btf();
    let r = resolve(&local, &targ, &tgid).unwrap();
    assert_eq!((r.orig_val, r.new_val, r.poison), (4, 8, false));
    let mut insns = vec![mov(4), ldx(BPF_W, 4)];
    assert!(!patch(&at(0), &mut insns, 0, &r).unwrap());
    assert!(!patch(&at(1), &mut insns, 1, &r).unwrap());
    assert_eq!((insns[0].imm, insns[1].off), (8, 8));
    assert_eq!(resolve(&local, &targ, &pid).unwrap().new_val, 12);
    let s = resolve(&local, &targ, &size).unwrap();
    assert_eq!((s.orig_val, s.new_val), (8, 4));
    // The spec as libbpf prints it.
    let spec = parse_spec(&local, ts, CoreKind(0), "0:1").unwrap();
    assert_eq!(
        format_spec(&spec),
        "<byte_off> [3] struct task_struct.tgid (0:1 @ offset 4)"
    );
}

#[test]
fn a_resized_unsigned_field_changes_the_load_size_a_signed_one_is_poisoned() {
    let (mut b, ts, _, _) = local_btf();
    let start = relo(&mut b, ts, "0:2", BPF_CORE_FIELD_BYTE_OFFSET);
    let local = b.build().unwrap();
    let r = resolve(&local, &target_btf(), &start).unwrap();
    assert_eq!((r.orig_sz, r.new_sz, r.fail_memsz_adjust), (8, 4, false));
    let mut insns = vec![ldx(BPF_DW, 8)];
    patch(&at(0), &mut insns, 0, &r).unwrap();
    assert_eq!((insns[0].off, insns[0].code), (16, BPF_LDX | 0x60 | BPF_W));
    // Wrong access size for the local field: refused.
    let mut wrong = vec![ldx(BPF_W, 8)];
    assert!(patch(&at(0), &mut wrong, 0, &r).is_err());

    // s64 locally, int in the target: poisoned (with a warning).
    let mut b = BtfBuilder::new();
    let s64 = b.int("long long", 8, INT_SIGNED, 64);
    let s = b.struct_("s", 8, &[("v", s64, 0)]);
    let rr = relo(&mut b, s, "0:0", BPF_CORE_FIELD_BYTE_OFFSET);
    let local = b.build().unwrap();
    let mut t = BtfBuilder::new();
    let int = t.int("int", 4, INT_SIGNED, 32);
    t.struct_("s", 8, &[("pad", int, 0), ("v", int, 32)]);
    let r = resolve(&local, &t.build().unwrap(), &rr).unwrap();
    assert!(r.fail_memsz_adjust);
    let mut insns = vec![ldx(BPF_DW, 0)];
    assert!(patch(&at(0), &mut insns, 0, &r).unwrap());
    assert_eq!((insns[0].code, insns[0].imm), (0x85, POISON_HELPER));
}

#[test]
fn missing_fields_and_types_give_zero_or_poison() {
    let (mut b, ts, _, int) = local_btf();
    let gone = ts + 2; // `struct gone`, absent from the target
    let ts_old = b.struct_("task_struct___old", 4, &[("state", int, 0)]);
    let exists = relo(&mut b, ts_old, "0:0", BPF_CORE_FIELD_EXISTS);
    let off = relo(&mut b, ts_old, "0:0", BPF_CORE_FIELD_BYTE_OFFSET);
    let t_exists = relo(&mut b, gone, "0", BPF_CORE_TYPE_EXISTS);
    let t_size = relo(&mut b, gone, "0", BPF_CORE_TYPE_SIZE);
    let t_id = relo(&mut b, gone, "0", BPF_CORE_TYPE_ID_TARGET);
    let here = relo(&mut b, ts, "0", BPF_CORE_TYPE_SIZE);
    let local_id = relo(&mut b, ts, "0", BPF_CORE_TYPE_ID_LOCAL);
    let local = b.build().unwrap();
    let targ = target_btf();
    let r = resolve(&local, &targ, &exists).unwrap();
    assert_eq!((r.orig_val, r.new_val, r.poison), (1, 0, false));
    assert!(resolve(&local, &targ, &off).unwrap().poison);
    for rr in [t_exists, t_size, t_id] {
        let r = resolve(&local, &targ, &rr).unwrap();
        assert_eq!((r.new_val, r.poison), (0, false));
    }
    assert_eq!(resolve(&local, &targ, &here).unwrap().new_val, 24);
    let r = resolve(&local, &targ, &local_id).unwrap();
    assert_eq!((r.new_val, r.validate), (u64::from(ts), false));
    // An ld_imm64 poisoned: both halves.
    let mut insns = ld_imm64(0).to_vec();
    let p = RelocRes {
        poison: true,
        ..RelocRes::default()
    };
    assert!(patch(&at(0), &mut insns, 0, &p).unwrap());
    assert!(insns
        .iter()
        .all(|i| i.imm == POISON_HELPER && i.code == 0x85));
}

#[test]
fn only_the_matching_flavor_resolves() {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, INT_SIGNED, 32);
    let v1 = b.struct_("s___v1", 4, &[("a", int, 0)]);
    let v2 = b.struct_("s___v2", 4, &[("b", int, 0)]);
    let a_exists = relo(&mut b, v1, "0:0", BPF_CORE_FIELD_EXISTS);
    let b_exists = relo(&mut b, v2, "0:0", BPF_CORE_FIELD_EXISTS);
    let b_off = relo(&mut b, v2, "0:0", BPF_CORE_FIELD_BYTE_OFFSET);
    let local = b.build().unwrap();
    let mut t = BtfBuilder::new();
    let tint = t.int("int", 4, INT_SIGNED, 32);
    t.struct_("s", 8, &[("c", tint, 0), ("b", tint, 32)]);
    let targ = t.build().unwrap();
    assert_eq!(resolve(&local, &targ, &a_exists).unwrap().new_val, 0);
    assert_eq!(resolve(&local, &targ, &b_exists).unwrap().new_val, 1);
    assert_eq!(resolve(&local, &targ, &b_off).unwrap().new_val, 4);
}

/// A struct with bitfields (kind_flag: bit size in the top byte of the offset).
fn bitfield_struct(b: &mut BtfBuilder, name: &str, ty: u32, fields: &[(&str, u32, u32)]) -> u32 {
    let m: Vec<(&str, u32, u32)> = fields
        .iter()
        .map(|&(n, off, bits)| (n, ty, bits << 24 | off))
        .collect();
    b.composite(Kind::Struct, name, true, 16, &m)
}

#[test]
fn bitfields_give_load_unit_offsets_and_shifts() {
    let mut b = BtfBuilder::new();
    let u32t = b.int(U32, 4, 0, 32);
    let s = bitfield_struct(&mut b, "bf", u32t, &[("f", 1, 3), ("g", 4, 4), ("h", 8, 4)]);
    let kinds = [
        BPF_CORE_FIELD_BYTE_OFFSET,
        BPF_CORE_FIELD_BYTE_SIZE,
        BPF_CORE_FIELD_LSHIFT_U64,
        BPF_CORE_FIELD_RSHIFT_U64,
        BPF_CORE_FIELD_SIGNED,
    ];
    let f: Vec<CoreRelo> = kinds.iter().map(|&k| relo(&mut b, s, "0:0", k)).collect();
    let g: Vec<CoreRelo> = kinds.iter().map(|&k| relo(&mut b, s, "0:1", k)).collect();
    let h = relo(&mut b, s, "0:2", BPF_CORE_FIELD_BYTE_OFFSET);
    let local = b.build().unwrap();
    let mut t = BtfBuilder::new();
    let tu32 = t.int(U32, 4, 0, 32);
    let tu64 = t.int("unsigned long long", 8, 0, 64);
    let ts = bitfield_struct(&mut t, "bf", tu32, &[("f", 37, 3), ("g", 30, 4)]);
    let _ = ts;
    // `h` in the target is a u64 bitfield crossing a 64-bit boundary.
    let m = [("h", tu64, 4 << 24 | 62)];
    t.composite(Kind::Struct, "bf___big", true, 16, &m);
    let targ = t.build().unwrap();
    let vals = |rs: &[CoreRelo]| -> Vec<(u64, u64)> {
        rs.iter()
            .map(|r| resolve(&local, &targ, r).unwrap())
            .map(|r| (r.orig_val, r.new_val))
            .collect()
    };
    // f: local bits 1..4 of unit 0; target bits 37..40: unit at byte 4.
    assert_eq!(vals(&f), [(0, 4), (4, 4), (60, 56), (61, 61), (0, 0)]);
    // g straddles a 4-byte unit in the target (bits 30..34): an 8-byte load.
    assert_eq!(vals(&g), [(0, 0), (4, 8), (56, 30), (60, 60), (0, 0)]);
    // More than 8 bytes: E2BIG.
    let e = resolve(&local, &targ, &h).unwrap_err();
    assert_eq!(e.errno(), libc::E2BIG);
    // Bitfield offsets are not validated (the compiler may disagree).
    assert!(!resolve(&local, &targ, &f[0]).unwrap().validate);
}

#[test]
fn enum_values_follow_the_target_and_missing_enumerators_poison() {
    let (mut b, _, e, _) = local_btf();
    let val_b = relo(&mut b, e, "1", BPF_CORE_ENUMVAL_VALUE);
    let ex_c = relo(&mut b, e, "2", BPF_CORE_ENUMVAL_EXISTS);
    let val_c = relo(&mut b, e, "2", BPF_CORE_ENUMVAL_VALUE);
    let bad = relo(&mut b, e, "3", BPF_CORE_ENUMVAL_VALUE);
    let e64 = b.enum64("big", 8, false, &[("X", 1)]);
    let val_x = relo(&mut b, e64, "0", BPF_CORE_ENUMVAL_VALUE);
    let local = b.build().unwrap();
    let mut t = BtfBuilder::new();
    t.enum_("e", 4, false, &[("B", 5), ("A", 7)]);
    t.enum64("big", 8, false, &[("X", 1 << 40)]);
    let targ = t.build().unwrap();
    let r = resolve(&local, &targ, &val_b).unwrap();
    assert_eq!((r.orig_val, r.new_val), (1, 5));
    assert_eq!(resolve(&local, &targ, &ex_c).unwrap().new_val, 0);
    assert!(resolve(&local, &targ, &val_c).unwrap().poison);
    assert_eq!(
        resolve(&local, &targ, &bad).unwrap_err().errno(),
        libc::EINVAL
    );
    let r = resolve(&local, &targ, &val_x).unwrap();
    assert_eq!((r.orig_val, r.new_val), (1, 1 << 40));
    let mut insns = ld_imm64(1).to_vec();
    patch(&at(0), &mut insns, 0, &r).unwrap();
    assert_eq!((insns[0].imm, insns[1].imm), (0, 1 << 8));
    // The local value is checked.
    let mut stale = ld_imm64(2).to_vec();
    assert_eq!(
        patch(&at(0), &mut stale, 0, &r).unwrap_err().errno,
        libc::EINVAL
    );
    // An ENUM64 local enumerator matches an ENUM target one too.
    let mut t = BtfBuilder::new();
    t.enum_("big", 4, true, &[("X", -3)]);
    let r = resolve(&local, &t.build().unwrap(), &val_x).unwrap();
    assert_eq!(r.new_val, -3i64 as u64);
}

#[test]
fn disagreeing_candidates_are_ambiguous_identical_ones_are_not() {
    let (mut b, ts, _, _) = local_btf();
    let pid = relo(&mut b, ts, "0:0", BPF_CORE_FIELD_BYTE_OFFSET);
    let local = b.build().unwrap();
    let mut t = BtfBuilder::new();
    let int = t.int("int", 4, INT_SIGNED, 32);
    t.struct_("task_struct", 8, &[("pid", int, 0)]);
    t.struct_("task_struct___2", 8, &[("pid", int, 0)]);
    let same = t.clone().build().unwrap();
    assert_eq!(resolve(&local, &same, &pid).unwrap().new_val, 0);
    t.struct_("task_struct___3", 8, &[("x", int, 0), ("pid", int, 32)]);
    let e = resolve(&local, &t.build().unwrap(), &pid).unwrap_err();
    assert_eq!(e.errno(), libc::EINVAL);
    assert_eq!(
        e.to_string(),
        "prog 'p': relo #3: insn #7: [3] struct task_struct + 0:0: \
         field offset ambiguity: 32 != 0: Invalid argument"
    );
}

#[test]
fn type_matches_and_type_compatibility() {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, INT_SIGNED, 32);
    let s = b.struct_("m", 8, &[("a", int, 0)]);
    let en = b.enum_("en", 4, false, &[("ONE", 1)]);
    let ms = relo(&mut b, s, "0", BPF_CORE_TYPE_MATCHES);
    let me = relo(&mut b, en, "0", BPF_CORE_TYPE_MATCHES);
    let te = relo(&mut b, en, "0", BPF_CORE_TYPE_EXISTS);
    let local = b.build().unwrap();
    let build = |members: &[&str], enum_size: u32| {
        let mut t = BtfBuilder::new();
        let int = t.int("int", 4, INT_SIGNED, 32);
        let m: Vec<(&str, u32, u32)> = members.iter().map(|&n| (n, int, 0)).collect();
        t.struct_("m", 8, &m);
        t.enum_("en", enum_size, false, &[("ZERO", 0), ("ONE", 1)]);
        t.build().unwrap()
    };
    let extra = build(&["z", "a"], 4);
    assert_eq!(resolve(&local, &extra, &ms).unwrap().new_val, 1);
    assert_eq!(resolve(&local, &extra, &me).unwrap().new_val, 1);
    let missing = build(&["z"], 1);
    assert_eq!(resolve(&local, &missing, &ms).unwrap().new_val, 0);
    // The enum changed size: it no longer matches, but still exists.
    assert_eq!(resolve(&local, &missing, &me).unwrap().new_val, 0);
    assert_eq!(resolve(&local, &missing, &te).unwrap().new_val, 1);
}

#[test]
fn arrays_check_bounds_unless_flexible() {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, INT_SIGNED, 32);
    let arr = b.array(int, int, 8);
    let flex = b.array(int, int, 0);
    let s = b.struct_("a", 40, &[("n", int, 0), ("v", arr, 32), ("f", flex, 288)]);
    let v5 = relo(&mut b, s, "0:1:5", BPF_CORE_FIELD_BYTE_OFFSET);
    let f9 = relo(&mut b, s, "0:2:9", BPF_CORE_FIELD_BYTE_OFFSET);
    let whole = relo(&mut b, s, "0:1", BPF_CORE_FIELD_BYTE_SIZE);
    let local = b.build().unwrap();
    let mut t = BtfBuilder::new();
    let tint = t.int("int", 4, INT_SIGNED, 32);
    let tarr = t.array(tint, tint, 4);
    let tflex = t.array(tint, tint, 0);
    t.struct_(
        "a",
        24,
        &[("v", tarr, 0), ("n", tint, 128), ("f", tflex, 160)],
    );
    let targ = t.build().unwrap();
    // v[5] is beyond the target's 4 elements: poison.
    assert!(resolve(&local, &targ, &v5).unwrap().poison);
    assert_eq!(resolve(&local, &targ, &f9).unwrap().new_val, 20 + 36);
    assert_eq!(resolve(&local, &targ, &whole).unwrap().new_val, 16);
}

#[test]
fn instruction_checks() {
    let r = RelocRes {
        orig_val: 4,
        new_val: 40000,
        validate: true,
        ..RelocRes::default()
    };
    let mut reg_src = vec![Insn {
        code: BPF_ALU64 | 0x08,
        ..mov(4)
    }];
    assert!(patch(&at(0), &mut reg_src, 0, &r).is_err());
    let mut big = vec![ldx(BPF_W, 4)];
    assert_eq!(
        patch(&at(0), &mut big, 0, &r).unwrap_err().errno,
        libc::ERANGE
    );
    let mut wrong = vec![mov(5)];
    assert_eq!(
        patch(&at(0), &mut wrong, 0, &r).unwrap_err().errno,
        libc::EINVAL
    );
    let mut odd_ld = ld_imm64(4).to_vec();
    odd_ld[1].off = 1;
    assert!(patch(&at(0), &mut odd_ld, 0, &r).is_err());
    let mut jmp = vec![Insn {
        code: BPF_JMP | 0x10,
        ..Insn::default()
    }];
    assert!(patch(&at(0), &mut jmp, 0, &r).is_err());
}

#[test]
fn modules_are_searched_only_when_the_main_target_has_no_candidate() {
    let (mut b, ts, _, _) = local_btf();
    let gone = ts + 2;
    let in_main = relo(&mut b, ts, "0:0", BPF_CORE_FIELD_BYTE_OFFSET);
    let in_mod = relo(&mut b, gone, "0:0", BPF_CORE_FIELD_BYTE_OFFSET);
    let local = b.build().unwrap();
    let main = Arc::new(target_btf());
    let mut m = BtfBuilder::new();
    let int = m.int("int", 4, INT_SIGNED, 32);
    m.struct_("gone", 8, &[("pad", int, 0), ("x", int, 32)]);
    let module = Arc::new(m.build().unwrap());
    let calls = std::cell::Cell::new(0);
    let mut rel = Relocator::new(
        &local,
        TargetBtf {
            name: "vmlinux".into(),
            btf: main,
        },
    )
    .with_modules(Box::new(|| {
        calls.set(calls.get() + 1);
        vec![TargetBtf {
            name: "mod".into(),
            btf: module.clone(),
        }]
    }));
    assert_eq!(rel.resolve(&SITE, &in_main).unwrap().res.new_val, 12);
    assert_eq!(calls.get(), 0);
    assert_eq!(rel.resolve(&SITE, &in_mod).unwrap().res.new_val, 4);
    assert_eq!(rel.resolve(&SITE, &in_mod).unwrap().res.new_val, 4);
    assert_eq!(calls.get(), 1);
}
