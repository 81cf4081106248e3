//! `SEC()` names: program type, expected attach type, flags and auto-attach kind
//! of a program from the name of its ELF section — a pure table, no kernel calls.
//!
//! Owns: libbpf 1.1's section table and its matching rules ([`find_sec_def`]), the
//! loose 0.x prefixes old objects use ([`find_sec_def_legacy`]), the attach target
//! written after the prefix ([`attach_target`]) and the BTF name prefix and kind it
//! is looked up with ([`btf_lookup`], spec `btf-core.md` §4.6).
//! Must not call: `crate::sys` (nothing here touches the kernel).
//! Spec: `libbpf-api.md` §1 (`libbpf_prog_type_by_name`), `user-pain.md` P12.
//!
//! The table was checked entry by entry against the installed libbpf 1.1.2
//! (`c-tests/oracle/secnames.c`): same names, same order (the first match wins),
//! same program and attach types, same "attachable" set.
#![forbid(unsafe_code)]

use crate::uapi::*;
use std::fmt;
use AttachKind as A;

mod custom;
pub use custom::{register_custom, unregister_custom};

/// Properties of a section definition (libbpf's `enum sec_def_flags`, same bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SecFlags(u32);

impl SecFlags {
    pub const NONE: SecFlags = SecFlags(0);
    /// The expected attach type is dropped when the kernel rejects it.
    pub const EXP_ATTACH_OPT: SecFlags = SecFlags(1);
    /// Attachable through `BPF_PROG_ATTACH` (what `libbpf_attach_type_by_name`
    /// accepts; libbpf itself no longer uses it).
    pub const ATTACHABLE: SecFlags = SecFlags(2);
    pub const ATTACHABLE_OPT: SecFlags = SecFlags(2 | 1);
    /// The target is a BTF id (`attach_btf_id`) found by name at load.
    pub const ATTACH_BTF: SecFlags = SecFlags(4);
    /// `BPF_F_SLEEPABLE`.
    pub const SLEEPABLE: SecFlags = SecFlags(8);
    /// `BPF_F_XDP_HAS_FRAGS`.
    pub const XDP_FRAGS: SecFlags = SecFlags(16);

    pub const fn bits(self) -> u32 {
        self.0
    }

    pub const fn union(self, other: SecFlags) -> SecFlags {
        SecFlags(self.0 | other.0)
    }

    /// True when every bit of `other` is set.
    pub const fn contains(self, other: SecFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for SecFlags {
    type Output = SecFlags;
    fn bitor(self, rhs: SecFlags) -> SecFlags {
        self.union(rhs)
    }
}

/// Which auto-attach (`bpf_program__attach`) applies to a section. `None`:
/// `bpf_program__attach` has nothing to do (libbpf 1.1 says `-EOPNOTSUPP`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttachKind {
    None,
    /// `kprobe/FUNC[+OFFSET]`.
    Kprobe,
    /// `kretprobe/FUNC[+OFFSET]`.
    Kretprobe,
    /// `uprobe[.s]/PATH:FUNC[+OFFSET]`.
    Uprobe,
    /// `uretprobe[.s]/PATH:FUNC[+OFFSET]`.
    Uretprobe,
    /// `kprobe.multi/PATTERN`.
    KprobeMulti,
    /// `kretprobe.multi/PATTERN`.
    KretprobeMulti,
    /// `ksyscall/NAME`.
    Ksyscall,
    /// `kretsyscall/NAME`.
    Kretsyscall,
    /// `usdt/PATH:PROVIDER:NAME`.
    Usdt,
    /// `tracepoint/CATEGORY/NAME`, `tp/…`.
    Tracepoint,
    /// `raw_tracepoint[.w]/NAME`, `raw_tp[.w]/…`.
    RawTracepoint,
    /// `BPF_RAW_TRACEPOINT_OPEN`/link of a BTF-targeted program (tp_btf, fentry,
    /// fexit, fmod_ret, freplace).
    Trace,
    /// `lsm[.s]/HOOK`.
    Lsm,
    /// `iter[.s]/NAME`: a `BPF_LINK_CREATE` iterator link.
    Iter,
}

/// How a name matches a definition's [`SecDef::prefix`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecForm {
    /// libbpf `"type"`: the whole name, exactly.
    Exact,
    /// libbpf `"type+"`: exactly `type`, or `type/extras`.
    Extras,
    /// libbpf 0.x `"type/"`: any name starting with the prefix (which ends in `/`).
    Prefix,
}

/// One section definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecDef {
    pub prog_type: u32,
    pub expected_attach_type: u32,
    pub flags: SecFlags,
    pub attach: AttachKind,
    /// The name or prefix, without libbpf's `+` marker.
    pub prefix: &'static str,
    pub form: SecForm,
    /// libbpf 0.x (≤ 0.8, non-strict) also matched this prefix loosely
    /// (`SEC_SLOPPY_PFX`): `socket1`, `xdp_prog`, `classifier/foo`.
    pub loose: bool,
    /// The id `libbpf_register_prog_handler` gave a custom definition; 0 for the
    /// built-in table. The callbacks behind it live with whoever registered it.
    pub handler: i32,
}

impl SecDef {
    const fn new(
        prefix: &'static str,
        form: SecForm,
        prog_type: u32,
        expected_attach_type: u32,
        flags: SecFlags,
        attach: AttachKind,
    ) -> SecDef {
        SecDef {
            prog_type,
            expected_attach_type,
            flags,
            attach,
            prefix,
            form,
            loose: false,
            handler: 0,
        }
    }

    /// Marks the definition as matched loosely by the 0.x rules.
    const fn loose(mut self) -> SecDef {
        self.loose = true;
        self
    }

    /// True when `libbpf_attach_type_by_name` accepts it.
    pub fn is_attachable(&self) -> bool {
        self.flags.contains(SecFlags::ATTACHABLE)
    }

    /// True when the attach target is a BTF id found by name at load.
    pub fn needs_attach_btf(&self) -> bool {
        self.flags.contains(SecFlags::ATTACH_BTF)
    }

    pub fn is_sleepable(&self) -> bool {
        self.flags.contains(SecFlags::SLEEPABLE)
    }

    pub fn has_xdp_frags(&self) -> bool {
        self.flags.contains(SecFlags::XDP_FRAGS)
    }

    /// libbpf 1.x's strict rule for this definition.
    fn matches(&self, name: &str) -> bool {
        match self.form {
            SecForm::Exact => name == self.prefix,
            SecForm::Extras => name
                .strip_prefix(self.prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/')),
            SecForm::Prefix => name.starts_with(self.prefix),
        }
    }
}

/// libbpf's spelling of a definition: `kprobe+` for the extras form.
impl fmt::Display for SecDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix)?;
        if self.form == SecForm::Extras {
            f.write_str("+")?;
        }
        Ok(())
    }
}

const NONE: SecFlags = SecFlags::NONE;
const ATT: SecFlags = SecFlags::ATTACHABLE;
const ATT_OPT: SecFlags = SecFlags::ATTACHABLE_OPT;
const BTF: SecFlags = SecFlags::ATTACH_BTF;
const SLEEP: SecFlags = SecFlags::SLEEPABLE;
const BTF_SLEEP: SecFlags = SecFlags::ATTACH_BTF.union(SecFlags::SLEEPABLE);
const FRAGS: SecFlags = SecFlags::XDP_FRAGS;

/// libbpf `"name"`: matched exactly, not auto-attachable.
const fn exact(name: &'static str, prog_type: u32, attach_type: u32, flags: SecFlags) -> SecDef {
    SecDef::new(name, SecForm::Exact, prog_type, attach_type, flags, A::None)
}

/// [`exact`], and a plain prefix for the legacy matcher (libbpf's `SEC_SLOPPY_PFX`).
const fn loose(name: &'static str, prog_type: u32, attach_type: u32, flags: SecFlags) -> SecDef {
    exact(name, prog_type, attach_type, flags).loose()
}

/// libbpf `"name+"`: `name` or `name/extras`.
const fn extras(
    name: &'static str,
    prog_type: u32,
    attach_type: u32,
    flags: SecFlags,
    attach: AttachKind,
) -> SecDef {
    SecDef::new(name, SecForm::Extras, prog_type, attach_type, flags, attach)
}

/// libbpf 1.1's section table, in its order: the first match wins.
#[rustfmt::skip]
static SECTION_DEFS: [SecDef; 81] = [
    loose ("socket",               BPF_PROG_TYPE_SOCKET_FILTER,            0,                                    NONE),
    loose ("sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT,             BPF_SK_REUSEPORT_SELECT_OR_MIGRATE,   ATT),
    loose ("sk_reuseport",         BPF_PROG_TYPE_SK_REUSEPORT,             BPF_SK_REUSEPORT_SELECT,              ATT),
    extras("kprobe",               BPF_PROG_TYPE_KPROBE,                   0,                                    NONE,      A::Kprobe),
    extras("uprobe",               BPF_PROG_TYPE_KPROBE,                   0,                                    NONE,      A::Uprobe),
    extras("uprobe.s",             BPF_PROG_TYPE_KPROBE,                   0,                                    SLEEP,     A::Uprobe),
    extras("kretprobe",            BPF_PROG_TYPE_KPROBE,                   0,                                    NONE,      A::Kretprobe),
    extras("uretprobe",            BPF_PROG_TYPE_KPROBE,                   0,                                    NONE,      A::Uretprobe),
    extras("uretprobe.s",          BPF_PROG_TYPE_KPROBE,                   0,                                    SLEEP,     A::Uretprobe),
    extras("kprobe.multi",         BPF_PROG_TYPE_KPROBE,                   BPF_TRACE_KPROBE_MULTI,               NONE,      A::KprobeMulti),
    extras("kretprobe.multi",      BPF_PROG_TYPE_KPROBE,                   BPF_TRACE_KPROBE_MULTI,               NONE,      A::KretprobeMulti),
    extras("ksyscall",             BPF_PROG_TYPE_KPROBE,                   0,                                    NONE,      A::Ksyscall),
    extras("kretsyscall",          BPF_PROG_TYPE_KPROBE,                   0,                                    NONE,      A::Kretsyscall),
    extras("usdt",                 BPF_PROG_TYPE_KPROBE,                   0,                                    NONE,      A::Usdt),
    // `tc` was exact in 0.8 too, but old objects wrote `tc/ingress` (user-pain P12).
    loose ("tc",                   BPF_PROG_TYPE_SCHED_CLS,                0,                                    NONE),
    loose ("classifier",           BPF_PROG_TYPE_SCHED_CLS,                0,                                    NONE),
    loose ("action",               BPF_PROG_TYPE_SCHED_ACT,                0,                                    NONE),
    extras("tracepoint",           BPF_PROG_TYPE_TRACEPOINT,               0,                                    NONE,      A::Tracepoint),
    extras("tp",                   BPF_PROG_TYPE_TRACEPOINT,               0,                                    NONE,      A::Tracepoint),
    extras("raw_tracepoint",       BPF_PROG_TYPE_RAW_TRACEPOINT,           0,                                    NONE,      A::RawTracepoint),
    extras("raw_tp",               BPF_PROG_TYPE_RAW_TRACEPOINT,           0,                                    NONE,      A::RawTracepoint),
    extras("raw_tracepoint.w",     BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE,  0,                                    NONE,      A::RawTracepoint),
    extras("raw_tp.w",             BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE,  0,                                    NONE,      A::RawTracepoint),
    extras("tp_btf",               BPF_PROG_TYPE_TRACING,                  BPF_TRACE_RAW_TP,                     BTF,       A::Trace),
    extras("fentry",               BPF_PROG_TYPE_TRACING,                  BPF_TRACE_FENTRY,                     BTF,       A::Trace),
    extras("fmod_ret",             BPF_PROG_TYPE_TRACING,                  BPF_MODIFY_RETURN,                    BTF,       A::Trace),
    extras("fexit",                BPF_PROG_TYPE_TRACING,                  BPF_TRACE_FEXIT,                      BTF,       A::Trace),
    extras("fentry.s",             BPF_PROG_TYPE_TRACING,                  BPF_TRACE_FENTRY,                     BTF_SLEEP, A::Trace),
    extras("fmod_ret.s",           BPF_PROG_TYPE_TRACING,                  BPF_MODIFY_RETURN,                    BTF_SLEEP, A::Trace),
    extras("fexit.s",              BPF_PROG_TYPE_TRACING,                  BPF_TRACE_FEXIT,                      BTF_SLEEP, A::Trace),
    extras("freplace",             BPF_PROG_TYPE_EXT,                      0,                                    BTF,       A::Trace),
    extras("lsm",                  BPF_PROG_TYPE_LSM,                      BPF_LSM_MAC,                          BTF,       A::Lsm),
    extras("lsm.s",                BPF_PROG_TYPE_LSM,                      BPF_LSM_MAC,                          BTF_SLEEP, A::Lsm),
    // Attached with bpf_program__attach_cgroup(), never auto-attached.
    extras("lsm_cgroup",           BPF_PROG_TYPE_LSM,                      BPF_LSM_CGROUP,                       BTF,       A::None),
    extras("iter",                 BPF_PROG_TYPE_TRACING,                  BPF_TRACE_ITER,                       BTF,       A::Iter),
    extras("iter.s",               BPF_PROG_TYPE_TRACING,                  BPF_TRACE_ITER,                       BTF_SLEEP, A::Iter),
    loose ("syscall",              BPF_PROG_TYPE_SYSCALL,                  0,                                    SLEEP),
    exact ("xdp.frags/devmap",     BPF_PROG_TYPE_XDP,                      BPF_XDP_DEVMAP,                       FRAGS),
    exact ("xdp/devmap",           BPF_PROG_TYPE_XDP,                      BPF_XDP_DEVMAP,                       ATT),
    exact ("xdp.frags/cpumap",     BPF_PROG_TYPE_XDP,                      BPF_XDP_CPUMAP,                       FRAGS),
    exact ("xdp/cpumap",           BPF_PROG_TYPE_XDP,                      BPF_XDP_CPUMAP,                       ATT),
    exact ("xdp.frags",            BPF_PROG_TYPE_XDP,                      BPF_XDP,                              FRAGS),
    loose ("xdp",                  BPF_PROG_TYPE_XDP,                      BPF_XDP,                              ATT_OPT),
    loose ("perf_event",           BPF_PROG_TYPE_PERF_EVENT,               0,                                    NONE),
    loose ("lwt_in",               BPF_PROG_TYPE_LWT_IN,                   0,                                    NONE),
    loose ("lwt_out",              BPF_PROG_TYPE_LWT_OUT,                  0,                                    NONE),
    loose ("lwt_xmit",             BPF_PROG_TYPE_LWT_XMIT,                 0,                                    NONE),
    loose ("lwt_seg6local",        BPF_PROG_TYPE_LWT_SEG6LOCAL,            0,                                    NONE),
    loose ("sockops",              BPF_PROG_TYPE_SOCK_OPS,                 BPF_CGROUP_SOCK_OPS,                  ATT_OPT),
    loose ("sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB,                   BPF_SK_SKB_STREAM_PARSER,             ATT_OPT),
    loose ("sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB,                  BPF_SK_SKB_STREAM_VERDICT,            ATT_OPT),
    loose ("sk_skb",               BPF_PROG_TYPE_SK_SKB,                   0,                                    NONE),
    loose ("sk_msg",               BPF_PROG_TYPE_SK_MSG,                   BPF_SK_MSG_VERDICT,                   ATT_OPT),
    loose ("lirc_mode2",           BPF_PROG_TYPE_LIRC_MODE2,               BPF_LIRC_MODE2,                       ATT_OPT),
    loose ("flow_dissector",       BPF_PROG_TYPE_FLOW_DISSECTOR,           BPF_FLOW_DISSECTOR,                   ATT_OPT),
    loose ("cgroup_skb/ingress",   BPF_PROG_TYPE_CGROUP_SKB,               BPF_CGROUP_INET_INGRESS,              ATT_OPT),
    loose ("cgroup_skb/egress",    BPF_PROG_TYPE_CGROUP_SKB,               BPF_CGROUP_INET_EGRESS,               ATT_OPT),
    loose ("cgroup/skb",           BPF_PROG_TYPE_CGROUP_SKB,               0,                                    NONE),
    loose ("cgroup/sock_create",   BPF_PROG_TYPE_CGROUP_SOCK,              BPF_CGROUP_INET_SOCK_CREATE,          ATT),
    loose ("cgroup/sock_release",  BPF_PROG_TYPE_CGROUP_SOCK,              BPF_CGROUP_INET_SOCK_RELEASE,         ATT),
    loose ("cgroup/sock",          BPF_PROG_TYPE_CGROUP_SOCK,              BPF_CGROUP_INET_SOCK_CREATE,          ATT_OPT),
    loose ("cgroup/post_bind4",    BPF_PROG_TYPE_CGROUP_SOCK,              BPF_CGROUP_INET4_POST_BIND,           ATT),
    loose ("cgroup/post_bind6",    BPF_PROG_TYPE_CGROUP_SOCK,              BPF_CGROUP_INET6_POST_BIND,           ATT),
    loose ("cgroup/bind4",         BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_INET4_BIND,                ATT),
    loose ("cgroup/bind6",         BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_INET6_BIND,                ATT),
    loose ("cgroup/connect4",      BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_INET4_CONNECT,             ATT),
    loose ("cgroup/connect6",      BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_INET6_CONNECT,             ATT),
    loose ("cgroup/sendmsg4",      BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_UDP4_SENDMSG,              ATT),
    loose ("cgroup/sendmsg6",      BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_UDP6_SENDMSG,              ATT),
    loose ("cgroup/recvmsg4",      BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_UDP4_RECVMSG,              ATT),
    loose ("cgroup/recvmsg6",      BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_UDP6_RECVMSG,              ATT),
    loose ("cgroup/getpeername4",  BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_INET4_GETPEERNAME,         ATT),
    loose ("cgroup/getpeername6",  BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_INET6_GETPEERNAME,         ATT),
    loose ("cgroup/getsockname4",  BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_INET4_GETSOCKNAME,         ATT),
    loose ("cgroup/getsockname6",  BPF_PROG_TYPE_CGROUP_SOCK_ADDR,         BPF_CGROUP_INET6_GETSOCKNAME,         ATT),
    loose ("cgroup/sysctl",        BPF_PROG_TYPE_CGROUP_SYSCTL,            BPF_CGROUP_SYSCTL,                    ATT),
    loose ("cgroup/getsockopt",    BPF_PROG_TYPE_CGROUP_SOCKOPT,           BPF_CGROUP_GETSOCKOPT,                ATT),
    loose ("cgroup/setsockopt",    BPF_PROG_TYPE_CGROUP_SOCKOPT,           BPF_CGROUP_SETSOCKOPT,                ATT),
    loose ("cgroup/dev",           BPF_PROG_TYPE_CGROUP_DEVICE,            BPF_CGROUP_DEVICE,                    ATT_OPT),
    // libbpf <= 0.5 matched `struct_ops` as a plain prefix.
    extras("struct_ops",           BPF_PROG_TYPE_STRUCT_OPS,               0,                                    NONE,      A::None).loose(),
    loose ("sk_lookup",            BPF_PROG_TYPE_SK_LOOKUP,                BPF_SK_LOOKUP,                        ATT),
];

/// Names libbpf <= 0.8 knew that 1.0 dropped (`xdp_devmap/` became `xdp/devmap`).
/// Tried, as 0.8 did, before any loose prefix (else `xdp` would take them).
static LEGACY_DEFS: [SecDef; 2] = [
    SecDef::new(
        "xdp_devmap/",
        SecForm::Prefix,
        BPF_PROG_TYPE_XDP,
        BPF_XDP_DEVMAP,
        ATT,
        A::None,
    ),
    SecDef::new(
        "xdp_cpumap/",
        SecForm::Prefix,
        BPF_PROG_TYPE_XDP,
        BPF_XDP_CPUMAP,
        ATT,
        A::None,
    ),
];

/// libbpf 1.x strict matching: `type` exactly, `type+` as `type` or `type/…`;
/// the custom definitions first (registration order), then the built-in table
/// in order (the first match wins), then the custom fallback.
pub fn find_sec_def(sec_name: &str) -> Option<&'static SecDef> {
    find_named(sec_name).or_else(custom::fallback)
}

/// The custom and built-in definitions, without the fallback.
fn find_named(sec_name: &str) -> Option<&'static SecDef> {
    custom::find(sec_name).or_else(|| SECTION_DEFS.iter().find(|d| d.matches(sec_name)))
}

/// The matching of libbpf 0.x for old objects: the strict rules first, then the
/// names 1.0 dropped, then a plain prefix match of the loose definitions
/// (`xdp_foo`, `socket1`, `socket/3`, `classifier/foo`), as libbpf ≤ 0.5 (and 0.6–0.8
/// outside `LIBBPF_STRICT_SEC_NAME`) did. The two `*_by_name` exports never use it.
pub fn find_sec_def_legacy(sec_name: &str) -> Option<&'static SecDef> {
    find_named(sec_name)
        .or_else(|| LEGACY_DEFS.iter().find(|d| d.matches(sec_name)))
        .or_else(|| {
            SECTION_DEFS
                .iter()
                .find(|d| d.loose && sec_name.starts_with(d.prefix))
        })
        .or_else(custom::fallback)
}

/// The attach target written after the prefix and its `/`: `sched_switch` for
/// `tp_btf/sched_switch`, `syscalls/sys_enter_write` for a tracepoint,
/// `/bin/bash:readline` for `uprobe//bin/bash:readline`. `None` for the bare form
/// (`SEC("fentry")`: the target comes from `bpf_program__set_attach_target`), for
/// exact-name definitions, and when `sec_name` does not start with the prefix.
/// The target may be empty (`kprobe/`): libbpf then fails at attach or load time,
/// which is the caller's decision.
pub fn attach_target<'a>(sec_name: &'a str, def: &SecDef) -> Option<&'a str> {
    let rest = sec_name.strip_prefix(def.prefix)?;
    match def.form {
        SecForm::Exact => None,
        SecForm::Extras => rest.strip_prefix('/'),
        SecForm::Prefix => Some(rest),
    }
}

/// How an attach target is looked up in kernel BTF (spec `btf-core.md` §4.6): the
/// name searched is `prefix` + target, of BTF kind `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BtfLookup {
    pub prefix: &'static str,
    /// `BTF_KIND_TYPEDEF` or `BTF_KIND_FUNC`.
    pub kind: u32,
}

/// The BTF name prefix and kind for a program's expected attach type: `btf_trace_X`
/// typedefs for `tp_btf`, `bpf_lsm_X` functions for LSM, `bpf_iter_X` functions for
/// iterators, the function `X` itself otherwise (fentry/fexit/fmod_ret, freplace).
pub fn btf_lookup(expected_attach_type: u32) -> BtfLookup {
    let (prefix, kind) = match expected_attach_type {
        BPF_TRACE_RAW_TP => ("btf_trace_", BTF_KIND_TYPEDEF),
        BPF_LSM_MAC | BPF_LSM_CGROUP => ("bpf_lsm_", BTF_KIND_FUNC),
        BPF_TRACE_ITER => ("bpf_iter_", BTF_KIND_FUNC),
        _ => ("", BTF_KIND_FUNC),
    };
    BtfLookup { prefix, kind }
}

/// The list libbpf prints after an unknown name: ` socket sk_reuseport/migrate …`
/// (each name preceded by a space), all definitions or only attachable ones.
/// Formats lazily, so nothing is built when printing is off.
#[derive(Clone, Copy, Debug)]
pub struct TypeNames {
    pub attachable_only: bool,
}

impl fmt::Display for TypeNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        SECTION_DEFS
            .iter()
            .filter(|d| !self.attachable_only || d.is_attachable())
            .try_for_each(|d| write!(f, " {d}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(name: &str) -> Option<(u32, u32)> {
        find_sec_def(name).map(|d| (d.prog_type, d.expected_attach_type))
    }

    fn legacy(name: &str) -> Option<(u32, u32)> {
        find_sec_def_legacy(name).map(|d| (d.prog_type, d.expected_attach_type))
    }

    #[test]
    fn strict_forms() {
        assert_eq!(strict("xdp"), Some((BPF_PROG_TYPE_XDP, BPF_XDP)));
        assert_eq!(strict("xdp_foo"), None);
        assert_eq!(strict("xdp/foo"), None);
        assert_eq!(strict("socket1"), None);
        assert_eq!(strict("kprobe"), Some((BPF_PROG_TYPE_KPROBE, 0)));
        assert_eq!(strict("kprobe/"), Some((BPF_PROG_TYPE_KPROBE, 0)));
        assert_eq!(strict("kprobex"), None);
        assert_eq!(
            strict("kprobe.multi/x*"),
            Some((BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI))
        );
        assert_eq!(
            strict("tp_btf/"),
            Some((BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP))
        );
        assert_eq!(
            strict("fentry.s/f"),
            Some((BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY))
        );
        assert_eq!(
            strict("struct_ops/foo"),
            Some((BPF_PROG_TYPE_STRUCT_OPS, 0))
        );
        assert_eq!(
            strict("sk_reuseport/migrate"),
            Some((
                BPF_PROG_TYPE_SK_REUSEPORT,
                BPF_SK_REUSEPORT_SELECT_OR_MIGRATE
            ))
        );
        assert_eq!(
            strict("cgroup/sock"),
            Some((BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE))
        );
        assert_eq!(
            strict("cgroup/sock_release"),
            Some((BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE))
        );
        assert_eq!(strict("classifier/foo"), None);
        assert_eq!(strict(""), None);
        let d = find_sec_def("lsm.s/file_open").unwrap();
        assert!(d.is_sleepable() && d.needs_attach_btf() && d.attach == AttachKind::Lsm);
        assert!(find_sec_def("xdp.frags").unwrap().has_xdp_frags());
        assert!(find_sec_def("xdp").unwrap().is_attachable());
        assert!(!find_sec_def("sk_skb").unwrap().is_attachable());
        assert_eq!(
            find_sec_def("kretprobe/x").unwrap().attach,
            AttachKind::Kretprobe
        );
    }

    #[test]
    fn legacy_loose_prefixes() {
        assert_eq!(legacy("socket1"), Some((BPF_PROG_TYPE_SOCKET_FILTER, 0)));
        assert_eq!(legacy("socket/3"), Some((BPF_PROG_TYPE_SOCKET_FILTER, 0)));
        assert_eq!(legacy("xdp_prog"), Some((BPF_PROG_TYPE_XDP, BPF_XDP)));
        assert_eq!(legacy("xdp_foo"), Some((BPF_PROG_TYPE_XDP, BPF_XDP)));
        assert_eq!(legacy("kprobe/x"), Some((BPF_PROG_TYPE_KPROBE, 0)));
        assert_eq!(
            legacy("tracepoint/syscalls/sys_enter_write"),
            Some((BPF_PROG_TYPE_TRACEPOINT, 0))
        );
        assert_eq!(
            legacy("raw_tracepoint/sys_enter"),
            Some((BPF_PROG_TYPE_RAW_TRACEPOINT, 0))
        );
        assert_eq!(
            legacy("cgroup/sock"),
            Some((BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE))
        );
        assert_eq!(
            legacy("sockops"),
            Some((BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS))
        );
        assert_eq!(
            legacy("sk_skb/stream_parser"),
            Some((BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER))
        );
        assert_eq!(
            legacy("sk_skb/stream_parser_1"),
            Some((BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER))
        );
        assert_eq!(legacy("sk_skb_x"), Some((BPF_PROG_TYPE_SK_SKB, 0)));
        assert_eq!(legacy("classifier/foo"), Some((BPF_PROG_TYPE_SCHED_CLS, 0)));
        assert_eq!(legacy("tc/ingress"), Some((BPF_PROG_TYPE_SCHED_CLS, 0)));
        assert_eq!(legacy("action_x"), Some((BPF_PROG_TYPE_SCHED_ACT, 0)));
        assert_eq!(
            legacy("xdp_devmap/f"),
            Some((BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP))
        );
        assert_eq!(
            legacy("xdp_cpumap/f"),
            Some((BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP))
        );
        assert_eq!(
            legacy("cgroup/sock_create2"),
            Some((BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE))
        );
        assert_eq!(
            legacy("sk_lookup/lookup"),
            Some((BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP))
        );
        assert_eq!(
            legacy("cgroup_skb/ingress_x"),
            Some((BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS))
        );
        // Strict answers win over loose prefixes.
        assert_eq!(
            legacy("xdp/devmap"),
            Some((BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP))
        );
        assert_eq!(
            legacy("sk_reuseport/migrate"),
            Some((
                BPF_PROG_TYPE_SK_REUSEPORT,
                BPF_SK_REUSEPORT_SELECT_OR_MIGRATE
            ))
        );
        // Tracing prefixes were never loose: a name must still have its `/`.
        assert_eq!(legacy("kprobe_x"), None);
        assert_eq!(legacy("fentry_x"), None);
        assert_eq!(legacy("nonsense"), None);
        assert_eq!(legacy(""), None);
        assert_eq!(legacy("cgroup/connect"), None);
    }

    #[test]
    fn targets() {
        fn t(n: &str) -> Option<&str> {
            find_sec_def(n).and_then(|d| attach_target(n, d))
        }
        assert_eq!(t("tp_btf/sched_switch"), Some("sched_switch"));
        assert_eq!(
            t("tracepoint/syscalls/sys_enter_write"),
            Some("syscalls/sys_enter_write")
        );
        assert_eq!(t("uprobe//bin/bash:readline"), Some("/bin/bash:readline"));
        assert_eq!(t("kprobe/"), Some(""));
        assert_eq!(t("fentry"), None);
        assert_eq!(t("xdp"), None);
        assert_eq!(t("sk_skb/stream_parser"), None);
        let d = find_sec_def_legacy("xdp_devmap/f").unwrap();
        assert_eq!(attach_target("xdp_devmap/f", d), Some("f"));
        assert_eq!(attach_target("other", d), None);
    }

    #[test]
    fn btf_lookups() {
        let l = |n: &str| btf_lookup(find_sec_def(n).unwrap().expected_attach_type);
        assert_eq!(
            l("tp_btf/x"),
            BtfLookup {
                prefix: "btf_trace_",
                kind: BTF_KIND_TYPEDEF
            }
        );
        assert_eq!(
            l("fentry/x"),
            BtfLookup {
                prefix: "",
                kind: BTF_KIND_FUNC
            }
        );
        assert_eq!(
            l("fmod_ret.s/x"),
            BtfLookup {
                prefix: "",
                kind: BTF_KIND_FUNC
            }
        );
        assert_eq!(
            l("lsm/x"),
            BtfLookup {
                prefix: "bpf_lsm_",
                kind: BTF_KIND_FUNC
            }
        );
        assert_eq!(
            l("lsm_cgroup/x"),
            BtfLookup {
                prefix: "bpf_lsm_",
                kind: BTF_KIND_FUNC
            }
        );
        assert_eq!(
            l("iter.s/x"),
            BtfLookup {
                prefix: "bpf_iter_",
                kind: BTF_KIND_FUNC
            }
        );
        assert_eq!(
            l("freplace/x"),
            BtfLookup {
                prefix: "",
                kind: BTF_KIND_FUNC
            }
        );
    }

    #[test]
    fn type_names_list() {
        let all = TypeNames {
            attachable_only: false,
        }
        .to_string();
        assert!(all.starts_with(" socket sk_reuseport/migrate sk_reuseport kprobe+ uprobe+"));
        assert!(all.ends_with(" cgroup/dev struct_ops+ sk_lookup"));
        let att = TypeNames {
            attachable_only: true,
        }
        .to_string();
        assert!(att.starts_with(" sk_reuseport/migrate sk_reuseport xdp/devmap xdp/cpumap xdp"));
        assert!(att.ends_with(" cgroup/dev sk_lookup"));
        assert_eq!(all.split(' ').count() - 1, 81);
    }

    #[test]
    fn every_name_matches_itself_first() {
        for d in SECTION_DEFS.iter() {
            assert!(std::ptr::eq(find_sec_def(d.prefix).unwrap(), d), "{d}");
        }
    }
}
