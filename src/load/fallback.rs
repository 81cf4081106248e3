//! What the loader changes for a kernel older than the object, as libbpf 1.1.2
//! does, each decided by one feature probe ([`super::features`]):
//! - the BTF sent is a sanitised copy ([`btf_support`], `crate::btf::sanitize`);
//! - global-data maps have `BPF_F_MMAPABLE` toggled without array mmap ([`sanitize_maps`]);
//! - `bpf_probe_read_{kernel,user}[_str]` calls become `bpf_probe_read[_str]`
//!   without the newer helpers ([`rewrite_probe_reads`]).
//!
//! Where libbpf has no fallback the kernel's refusal is the error, as under
//! libbpf, and a warning names the missing feature: a ring buffer map before 5.8
//! ([`explain_map_refusal`]); global data before 5.2, whose maps are not created
//! and whose `ld_imm64` references become invalid helper calls the verifier
//! refuses ([`skipped_map`], [`poison_ldimm64`], [`explain_prog_refusal`]).
//!
//! The call sites (BTF upload, map creation, program load) keep the rest:
//! func/line info only with BTF FUNC, `.rodata` bound only with
//! `BPF_PROG_BIND_MAP`, RLIMIT_MEMLOCK raised only without memcg accounting.
//! Spec: `libbpf-api.md` §2.5 (kernel feature detection and fallbacks).

use super::features::{has, Feature};
use super::ObjState;
use crate::btf::BtfSupport;
use crate::insn::Insn;
use crate::object::MapDef;
use crate::uapi::kernels::{
    BPF_FUNC_PROBE_READ, BPF_FUNC_PROBE_READ_KERNEL_STR, BPF_FUNC_PROBE_READ_STR,
    BPF_FUNC_PROBE_READ_USER, BPF_FUNC_PROBE_READ_USER_STR,
};
use crate::uapi::{
    BPF_CALL, BPF_FUNC_PROBE_READ_KERNEL, BPF_F_MMAPABLE, BPF_JMP, BPF_JMP32, BPF_MAP_TYPE_RINGBUF,
};

/// The BTF forms the running kernel accepts, probed (each on first use) and
/// then kept, as the probes' answers are.
pub fn btf_support() -> BtfSupport {
    static SUPPORT: std::sync::OnceLock<BtfSupport> = std::sync::OnceLock::new();
    super::features::kept(&SUPPORT, probe_btf_support)
}

fn probe_btf_support() -> BtfSupport {
    BtfSupport {
        func: has(Feature::BtfFunc),
        global_func: has(Feature::BtfGlobalFunc),
        datasec: has(Feature::BtfDatasec),
        qmark_datasec: has(Feature::BtfQmarkDatasec),
        float: has(Feature::BtfFloat),
        decl_tag: has(Feature::BtfDeclTag),
        type_tag: has(Feature::BtfTypeTag),
        enum64: has(Feature::BtfEnum64),
    }
}

/// libbpf's `bpf_object__sanitize_maps`: without mmap()able arrays (before
/// 5.5) global-data maps are created without `BPF_F_MMAPABLE`. The flag is
/// changed in the map's definition, so `bpf_map__map_flags` shows what the
/// kernel got and a skeleton keeps its initial-value memory instead of mapping
/// the map (`bpf_map__initial_value` keeps working).
///
/// As libbpf 1.1.2, the flag is toggled, not cleared: a data map that had no
/// exposed variable (created without the flag) gains it and the kernel
/// refuses it. libbpf fixed this after 1.1.2 (upstream 6920b08661e3, "libbpf:
/// Fix map creation flags sanitization"); a C program sees 1.1.2's behaviour.
pub fn sanitize_maps(st: &mut ObjState) {
    for m in st.maps.iter_mut().filter(|m| m.def.is_internal()) {
        if !has(Feature::ArrayMmap) {
            m.def.map_flags ^= BPF_F_MMAPABLE;
        }
    }
}

/// The helper id a helper call (`call imm`, no pseudo source) calls.
fn helper_call(i: &Insn) -> Option<i32> {
    // The JMP or JMP32 class, op CALL, source K: two opcodes.
    let call = (i.code == BPF_JMP | BPF_CALL || i.code == BPF_JMP32 | BPF_CALL) && i.regs == 0;
    call.then_some(i.imm)
}

/// libbpf's `bpf_object__sanitize_prog`: on kernels without
/// `bpf_probe_read_kernel` (before 5.5), calls of it and of `_user` become
/// `bpf_probe_read`, and their `_str` forms `bpf_probe_read_str`, in every
/// program type. The probe runs only when such a call is found.
pub fn rewrite_probe_reads(insns: &mut [Insn]) {
    for i in insns.iter_mut() {
        let to = match helper_call(i) {
            Some(BPF_FUNC_PROBE_READ_KERNEL | BPF_FUNC_PROBE_READ_USER) => BPF_FUNC_PROBE_READ,
            Some(BPF_FUNC_PROBE_READ_KERNEL_STR | BPF_FUNC_PROBE_READ_USER_STR) => {
                BPF_FUNC_PROBE_READ_STR
            }
            _ => continue,
        };
        if !has(Feature::ProbeReadKernel) {
            i.imm = to;
        }
    }
}

/// Warns `{what}: kernel doesn't support {feature}` when the kernel lacks `f`.
fn name_if_missing(f: Feature, what: std::fmt::Arguments<'_>) {
    if !has(f) {
        crate::log::warn(format_args!("{what}: kernel doesn't support {}", f.desc()));
    }
}

/// After the kernel refused to create map `def`: names the missing feature if
/// that is why (a ring buffer before 5.8).
pub fn explain_map_refusal(def: &MapDef) {
    if def.map_type == BPF_MAP_TYPE_RINGBUF {
        name_if_missing(Feature::Ringbuf, format_args!("map '{}'", def.name));
    }
}

/// libbpf's `POISON_LDIMM64_MAP_BASE`: `call 2001000000 + map index` stands for
/// a reference to a map that was not created.
const POISON_LDIMM64_MAP_BASE: i32 = 2_001_000_000;

/// Whether map `m` is not created because of the kernel: a global-data map
/// where global data is missing (libbpf 1.1.2 turns off its autocreate).
pub fn skipped_map(m: &super::MapState) -> bool {
    m.fd.is_none() && m.def.is_internal() && !has(Feature::GlobalData)
}

/// libbpf's `poison_map_ldimm64`: the two halves of the `ld_imm64` at `idx`
/// referring to map `map` become two identical calls of helper
/// `2001000000 + map`, which the verifier refuses if they are reachable.
pub fn poison_ldimm64(prog: &str, insns: &mut [Insn], idx: usize, map: usize, name: &str) {
    crate::log::debug(format_args!(
        "prog '{prog}': poisoning insn #{idx} that loads map #{map} '{name}'"
    ));
    let call = Insn {
        code: BPF_JMP | BPF_CALL,
        regs: 0,
        off: 0,
        imm: POISON_LDIMM64_MAP_BASE.saturating_add(map as i32),
    };
    for i in insns.iter_mut().skip(idx).take(2) {
        *i = call;
    }
}

/// After the kernel refused program `prog`: names the missing feature if that
/// is why (a reference to a global-data map the kernel could not have).
pub fn explain_prog_refusal(prog: &str, insns: &[Insn]) {
    if insns
        .iter()
        .any(|i| helper_call(i).is_some_and(|h| h >= POISON_LDIMM64_MAP_BASE))
    {
        name_if_missing(Feature::GlobalData, format_args!("prog '{prog}'"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_helper_calls_count() {
        let call = |code: u8, regs: u8| Insn {
            code,
            regs,
            off: 0,
            imm: BPF_FUNC_PROBE_READ_KERNEL,
        };
        assert_eq!(
            helper_call(&call(BPF_JMP | BPF_CALL, 0)),
            Some(BPF_FUNC_PROBE_READ_KERNEL)
        );
        assert!(helper_call(&call(BPF_JMP32 | BPF_CALL, 0)).is_some());
        // BPF-to-BPF calls (src 1) and kfunc calls (src 2) are not helpers.
        assert!(helper_call(&call(BPF_JMP | BPF_CALL, 0x10)).is_none());
        assert!(helper_call(&call(BPF_JMP | BPF_CALL, 0x20)).is_none());
        assert!(helper_call(&call(BPF_JMP | BPF_CALL | 0x08, 0)).is_none());
        assert!(helper_call(&call(BPF_JMP | 0x50, 0)).is_none());
    }
}
