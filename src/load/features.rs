//! Kernel feature probes (libbpf 1.1.2's `kernel_supports` and its `feat_*`
//! table): each feature is probed by loading a tiny program, map or BTF blob
//! through `sys`, once per process, on first use.
//!
//! Owns: [`Feature`], the per-feature answer slots. Calls `sys` (and `probe` for
//! the map-type and kprobe loads it already knows).
//! Spec: `libbpf-api.md` §2.5 (kernel feature detection and fallbacks).
//!
//! Every answer is logged at debug level the one time it is computed. Under a
//! fake-kernel personality (unit tests only) answers are computed afresh instead,
//! so that the personality and not an earlier probe of the real kernel decides.

use crate::btf::write::BtfBuilder;
use crate::btf::{Kind, LINKAGE_GLOBAL, LINKAGE_STATIC};
use crate::error::Error;
use crate::insn::{Insn, CALL, LD_IMM64};
use crate::sys::map::{map_create, MapCreate};
use crate::sys::prog::{prog_load, Log, ProgLoad, Recs};
use crate::sys::UserPtr;
use crate::uapi::*;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::OnceLock;

/// Declares [`Feature`] and [`ALL`] (every feature, in declaration order) from
/// one list.
macro_rules! features {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// A kernel capability the loader adapts to.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Feature {
            $($(#[$doc])* $name,)*
        }

        /// Every feature, in [`Feature`] order.
        pub const ALL: [Feature; [$(Feature::$name),*].len()] = [$(Feature::$name),*];
    };
}

features! {
    /// `prog_name`/`map_name` in the attr (Linux 4.15).
    ProgName,
    /// Global data: ARRAY map values addressed by `ld_imm64` (5.2).
    GlobalData,
    /// `BPF_BTF_LOAD` of a plain INT (4.18).
    Btf,
    /// BTF FUNC and FUNC_PROTO (5.0).
    BtfFunc,
    /// FUNC with global linkage (5.6).
    BtfGlobalFunc,
    /// BTF DATASEC and VAR (5.2).
    BtfDatasec,
    /// A DATASEC named `?.data` (6.3, after the kernel accepted any name).
    BtfQmarkDatasec,
    /// BTF FLOAT (5.13).
    BtfFloat,
    /// BTF DECL_TAG (5.16).
    BtfDeclTag,
    /// BTF TYPE_TAG (5.17).
    BtfTypeTag,
    /// BTF ENUM64 (6.0).
    BtfEnum64,
    /// `BPF_F_MMAPABLE` ARRAY maps (5.5).
    ArrayMmap,
    /// `expected_attach_type` at program load (4.17).
    ExpAttachType,
    /// The `bpf_probe_read_kernel` helper (5.5).
    ProbeReadKernel,
    /// `func_info` records at program load (5.0).
    ProgBtfInfo,
    /// `BPF_PROG_BIND_MAP` (5.10).
    ProgBindMap,
    /// `BPF_MAP_TYPE_RINGBUF` (5.8).
    Ringbuf,
    /// `BPF_LINK_CREATE` for perf events (5.15).
    PerfLink,
    /// `bpf_get_attach_cookie` (5.15).
    BpfCookie,
    /// BPF memory charged to the memory cgroup, not RLIMIT_MEMLOCK (5.11).
    MemcgAccount,
    /// Syscalls entered through `__<arch>_sys_*` wrappers taking `pt_regs` (4.17).
    SyscallWrapper,
}

static CACHE: [OnceLock<bool>; ALL.len()] = [const { OnceLock::new() }; ALL.len()];

impl Feature {
    /// libbpf's description, used in the debug line and in errors.
    pub fn desc(self) -> &'static str {
        use Feature::*;
        match self {
            ProgName => "BPF program name",
            GlobalData => "global variables",
            Btf => "minimal BTF",
            BtfFunc => "BTF functions",
            BtfGlobalFunc => "BTF global function",
            BtfDatasec => "BTF data section and variable",
            BtfQmarkDatasec => "BTF DATASEC names starting from '?'",
            BtfFloat => "BTF_KIND_FLOAT support",
            BtfDeclTag => "BTF_KIND_DECL_TAG support",
            BtfTypeTag => "BTF_KIND_TYPE_TAG support",
            BtfEnum64 => "BTF_KIND_ENUM64 support",
            ArrayMmap => "ARRAY map mmap()",
            ExpAttachType => "BPF_PROG_LOAD expected_attach_type attribute",
            ProbeReadKernel => "bpf_probe_read_kernel() helper",
            ProgBtfInfo => "BPF program BTF func info",
            ProgBindMap => "BPF_PROG_BIND_MAP support",
            Ringbuf => "BPF ring buffer map",
            PerfLink => "BPF perf link support",
            BpfCookie => "BPF cookie support",
            MemcgAccount => "memcg-based memory accounting",
            SyscallWrapper => "Kernel using syscall wrapper",
        }
    }

    fn probe(self) -> bool {
        use Feature::*;
        match self {
            ProgName => socket_prog(&RET0, |p| p.name = *b"libbpf_nametest\0").is_ok(),
            GlobalData => global_data(),
            Btf => btf_loads(|_, _| {}),
            BtfFunc => btf_func(LINKAGE_STATIC).is_some(),
            BtfGlobalFunc => btf_func(LINKAGE_GLOBAL).is_some(),
            BtfDatasec => btf_datasec(".data"),
            BtfQmarkDatasec => btf_datasec("?.data"),
            BtfFloat => btf_loads(|b, _| {
                b.float("float", 4);
            }),
            BtfDeclTag => btf_loads(|b, int| {
                let v = b.var("a", int, LINKAGE_GLOBAL);
                b.decl_tag("tag", v, -1);
            }),
            BtfTypeTag => btf_loads(|b, int| {
                let t = b.type_tag("tag", int);
                b.ptr(t);
            }),
            BtfEnum64 => btf_loads(|b, _| {
                b.enum64("e", 8, false, &[("a", 1)]);
            }),
            ArrayMmap => {
                let mut m = MapCreate::new(BPF_MAP_TYPE_ARRAY, None, 4, 4, 1);
                m.map_flags = BPF_F_MMAPABLE;
                map_create(&m).is_ok()
            }
            ExpAttachType => load(BPF_PROG_TYPE_CGROUP_SOCK, &RET0, |p| {
                p.expected_attach_type = BPF_CGROUP_INET_SOCK_CREATE;
            })
            .is_ok(),
            ProbeReadKernel => probe_read_kernel(),
            ProgBtfInfo => prog_btf_info(),
            ProgBindMap => prog_bind_map(),
            Ringbuf => super::probe::map_type(BPF_MAP_TYPE_RINGBUF).unwrap_or(false),
            PerfLink => perf_link(),
            BpfCookie => bpf_cookie(),
            MemcgAccount => {
                socket_prog(&[call(BPF_FUNC_KTIME_GET_COARSE_NS), RET0[1]], |_| {}).is_ok()
            }
            SyscallWrapper => syscall_wrapper(),
        }
    }
}

/// Whether the running kernel has `f`: probed on first use, then cached for the
/// life of the process (each slot is computed at most once, even under races).
pub fn has(f: Feature) -> bool {
    kept(&CACHE[f as usize], || probe_logged(f))
}

/// A kernel-probe answer kept in `cell` for the life of the process once
/// `probe` has given it. Unit tests that fake a kernel swap kernels within one
/// process: under a fake kernel the probe runs every time.
pub fn kept<T: Copy>(cell: &OnceLock<T>, probe: impl FnOnce() -> T) -> T {
    #[cfg(test)]
    if crate::sys::fake_kernel::active() {
        return probe();
    }
    *cell.get_or_init(probe)
}

fn probe_logged(f: Feature) -> bool {
    let yes = f.probe();
    crate::log::debug(format_args!(
        "feature probe: {}: {}",
        f.desc(),
        if yes { "supported" } else { "not supported" }
    ));
    yes
}

/// The error for an object that needs `f` on a kernel without it.
pub fn missing(f: Feature, what: &str) -> Error {
    crate::log::warn(format_args!("{what}: kernel doesn't support {}", f.desc()));
    Error::Unsupported(f.desc())
}

use super::probe::RET0;

const fn call(helper: i32) -> Insn {
    Insn {
        code: CALL,
        regs: 0,
        off: 0,
        imm: helper,
    }
}

/// Loads `insns` as `prog_type` (GPL), after `edit` sets what the probe needs.
fn load<'a>(
    prog_type: u32,
    insns: &[Insn],
    edit: impl FnOnce(&mut ProgLoad<'a>),
) -> Result<OwnedFd, Error> {
    let code = crate::insn::encode_all(insns);
    let mut req = ProgLoad {
        prog_type,
        license: UserPtr::from_ptr(c"GPL".as_ptr()),
        insns: UserPtr::from_ptr(code.as_ptr()),
        insn_cnt: insns.len(),
        ..ProgLoad::default()
    };
    edit(&mut req);
    prog_load(&req)
}

fn socket_prog<'a>(insns: &[Insn], edit: impl FnOnce(&mut ProgLoad<'a>)) -> Result<OwnedFd, Error> {
    load(BPF_PROG_TYPE_SOCKET_FILTER, insns, edit)
}

fn load_blob(data: &[u8]) -> Option<OwnedFd> {
    crate::sys::btf::btf_load(
        UserPtr::from_ptr(data.as_ptr()),
        data.len() as u32,
        Log::default(),
    )
    .ok()
}

/// Whether BTF of an `int` (type 1) plus what `add` appends loads.
fn btf_loads(add: impl FnOnce(&mut BtfBuilder, u32)) -> bool {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, 1, 32);
    add(&mut b, int);
    load_blob(&b.to_bytes()).is_some()
}

/// BTF with `int a(int)` of `linkage` as type 3.
fn btf_func(linkage: u32) -> Option<OwnedFd> {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, 1, 32);
    let proto = b.func_proto(int, &[("a", int)]);
    b.func("a", proto, linkage);
    load_blob(&b.to_bytes())
}

fn btf_datasec(name: &str) -> bool {
    btf_loads(|b, int| {
        let v = b.var("a", int, LINKAGE_GLOBAL);
        b.datasec(name, 4, &[(v, 0, 4)]);
    })
}

fn global_data() -> bool {
    let Ok(map) = map_create(&MapCreate::new(BPF_MAP_TYPE_ARRAY, None, 4, 32, 1)) else {
        return false;
    };
    let insns = [
        Insn {
            code: LD_IMM64,
            regs: 1 | (BPF_PSEUDO_MAP_VALUE << 4),
            off: 0,
            imm: map.as_raw_fd(),
        },
        Insn::default(),
        Insn {
            code: BPF_ST | BPF_MEM | BPF_DW,
            regs: 1,
            off: 0,
            imm: 42,
        },
        RET0[0],
        RET0[1],
    ];
    socket_prog(&insns, |_| {}).is_ok()
}

fn probe_read_kernel() -> bool {
    let insns = [
        Insn {
            code: BPF_ALU64 | BPF_MOV | BPF_X,
            regs: 1 | (10 << 4),
            off: 0,
            imm: 0,
        },
        Insn {
            code: BPF_ALU64 | BPF_ADD | BPF_K,
            regs: 1,
            off: 0,
            imm: -8,
        },
        Insn {
            code: BPF_ALU64 | BPF_MOV | BPF_K,
            regs: 2,
            off: 0,
            imm: 8,
        },
        Insn {
            code: BPF_ALU64 | BPF_MOV | BPF_K,
            regs: 3,
            off: 0,
            imm: 0,
        },
        call(BPF_FUNC_PROBE_READ_KERNEL),
        RET0[1],
    ];
    load(BPF_PROG_TYPE_TRACEPOINT, &insns, |_| {}).is_ok()
}

/// A socket program whose one function is described by a `func_info` record.
fn prog_btf_info() -> bool {
    let Some(btf) = btf_func(LINKAGE_STATIC) else {
        return false;
    };
    // struct bpf_func_info { insn_off, type_id }: instruction 0 is FUNC 3.
    let rec: Vec<u8> = [0u32, 3].into_iter().flat_map(u32::to_ne_bytes).collect();
    let Some(recs) = Recs::from_slice(&rec, 1, 8) else {
        return false;
    };
    socket_prog(&RET0, |p| {
        p.prog_btf_fd = btf.as_raw_fd() as u32;
        p.func_info = recs;
    })
    .is_ok()
}

fn prog_bind_map() -> bool {
    let Ok(map) = map_create(&MapCreate::new(BPF_MAP_TYPE_ARRAY, None, 4, 8, 1)) else {
        return false;
    };
    let Ok(prog) = socket_prog(&RET0, |_| {}) else {
        return false;
    };
    crate::sys::prog::prog_bind_map(prog.as_raw_fd(), map.as_raw_fd(), 0).is_ok()
}

/// A perf-event link to fd -1: EBADF from a kernel that knows the attach type.
fn perf_link() -> bool {
    let Ok(prog) = load(BPF_PROG_TYPE_TRACEPOINT, &RET0, |_| {}) else {
        return false;
    };
    let req = crate::sys::link::LinkCreate {
        prog_fd: prog.as_raw_fd(),
        target: -1,
        attach_type: BPF_PERF_EVENT,
        ..Default::default()
    };
    matches!(crate::sys::link::link_create(&req), Err(e) if e.errno() == libc::EBADF)
}

/// libbpf's `FEAT_BPF_COOKIE` (`LINUX_HAS_BPF_COOKIE`): a kprobe program calling
/// `bpf_get_attach_cookie` loads.
fn bpf_cookie() -> bool {
    let insns = [call(BPF_FUNC_GET_ATTACH_COOKIE), RET0[0], RET0[1]];
    load(BPF_PROG_TYPE_KPROBE, &insns, |p| {
        p.kern_version = crate::sys::kernel::kernel_version();
    })
    .is_ok()
}

/// The prefix of the kernel's syscall entry points on this architecture
/// (`__<prefix>_sys_bpf`), as libbpf knows them; `None` where it knows none.
fn syscall_prefix() -> Option<&'static str> {
    match std::env::consts::ARCH {
        "x86" => Some("ia32"),
        "x86_64" => Some("x64"),
        "aarch64" => Some("arm64"),
        "arm" => Some("arm"),
        "s390x" => Some("s390x"),
        "powerpc64" | "powerpc" => Some("powerpc"),
        "riscv64" => Some("riscv"),
        _ => None,
    }
}

/// libbpf's `FEAT_SYSCALL_WRAPPER` (`LINUX_HAS_SYSCALL_WRAPPER`): a kprobe perf
/// event on `__<arch>_sys_bpf` can be opened (syscalls go through wrappers
/// taking a `pt_regs`).
fn syscall_wrapper() -> bool {
    let Some(pfx) = syscall_prefix() else {
        return false;
    };
    let Ok(ty) = crate::sys::perf::pmu_type("kprobe") else {
        return false;
    };
    let Ok(name) = std::ffi::CString::new(format!("__{pfx}_sys_bpf")) else {
        return false;
    };
    let mut attr = crate::sys::perf::PerfEventAttr::new(ty, 0);
    attr.config1 = name.as_ptr() as usize as u64;
    let pid = std::process::id() as i32;
    crate::sys::perf::perf_event_open(&attr, pid, -1, -1, 0).is_ok()
}

/// The BTF kinds a kernel without `f` refuses, for the sanitiser.
pub fn btf_kinds_needing(f: Feature) -> &'static [Kind] {
    match f {
        Feature::BtfFunc => &[Kind::Func, Kind::FuncProto],
        Feature::BtfDatasec => &[Kind::Var, Kind::Datasec],
        Feature::BtfFloat => &[Kind::Float],
        Feature::BtfDeclTag => &[Kind::DeclTag],
        Feature::BtfTypeTag => &[Kind::TypeTag],
        Feature::BtfEnum64 => &[Kind::Enum64],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_enum_order() {
        for (i, f) in ALL.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?}");
            assert!(!f.desc().is_empty());
        }
    }

    /// This kernel (6.x) has every feature libbpf 1.1.2 probes for.
    #[test]
    fn a_current_kernel_has_everything() {
        if !super::super::probe::prog_type(BPF_PROG_TYPE_SOCKET_FILTER).unwrap_or(false) {
            crate::testutil::test_skip("bpf() not permitted");
            return;
        }
        let missing: Vec<_> = ALL
            .iter()
            .filter(|&&f| f != Feature::SyscallWrapper && !has(f))
            .collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
        // Cached: the second answer comes from the slot.
        assert_eq!(CACHE[Feature::Btf as usize].get(), Some(&true));
    }

    /// Under each personality, the probes answer what its table says it lacks.
    #[test]
    fn personalities_answer_their_table() {
        use crate::sys::fake_kernel::{self, PERSONALITIES};
        if !super::super::probe::prog_type(BPF_PROG_TYPE_SOCKET_FILTER).unwrap_or(false) {
            crate::testutil::test_skip("bpf() not permitted");
            return;
        }
        let expect = |v: (u32, u32), f: Feature| match f {
            Feature::ProgName | Feature::Btf | Feature::ExpAttachType => true,
            Feature::BtfFunc | Feature::ProgBtfInfo => v >= (5, 0),
            Feature::GlobalData | Feature::BtfDatasec => v >= (5, 2),
            Feature::ArrayMmap | Feature::ProbeReadKernel => v >= (5, 5),
            Feature::BtfGlobalFunc => v >= (5, 6),
            Feature::Ringbuf => v >= (5, 8),
            Feature::ProgBindMap => v >= (5, 10),
            Feature::MemcgAccount => v >= (5, 11),
            Feature::BtfFloat => v >= (5, 13),
            Feature::PerfLink | Feature::BpfCookie => v >= (5, 15),
            Feature::BtfDeclTag => v >= (5, 16),
            Feature::BtfTypeTag => v >= (5, 17),
            Feature::BtfEnum64 => v >= (6, 0),
            // Not modelled by the fake kernel: the real kernel answers.
            Feature::BtfQmarkDatasec | Feature::SyscallWrapper => has(f),
        };
        let real: Vec<bool> = ALL.iter().map(|&f| has(f)).collect();
        for p in PERSONALITIES {
            let _k = fake_kernel::set(p);
            for (i, &f) in ALL.iter().enumerate() {
                assert_eq!(has(f), expect(p.version, f) && real[i], "{} {f:?}", p.name);
            }
        }
        assert!(!fake_kernel::active());
    }
}
