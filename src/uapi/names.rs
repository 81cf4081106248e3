//! The names libbpf gives the UAPI enums (`libbpf_bpf_{map,prog,attach,link}_type_str`).
//!
//! Owns: one table per enum, indexed by the enum value; plain data, no I/O.
//! Must not call: anything (`sys`, `capi`).
//! Spec: `libbpf-api.md` §1.2 (`libbpf_bpf_*_type_str`, LIBBPF_1.0.0: NULL if unknown).
//!
//! Every value libbpf 1.1.2 knows has exactly its string (checked against the installed
//! library by `c-tests/oracle/library.c`). Later values follow the Linux 6.18 UAPI
//! (`linux/bpf.h`, as the running kernel's BTF lists it) with the names newer libbpf
//! releases give them. In 6.18 all four enums are dense from 0, so a table is a slice.
#![forbid(unsafe_code)]

use std::ffi::CStr;

/// `enum bpf_map_type`, `BPF_MAP_TYPE_UNSPEC` (0) to `BPF_MAP_TYPE_ARENA` (33).
const MAP_TYPES: &[&CStr] = &[
    c"unspec",                // 0
    c"hash",                  // 1
    c"array",                 // 2
    c"prog_array",            // 3
    c"perf_event_array",      // 4
    c"percpu_hash",           // 5
    c"percpu_array",          // 6
    c"stack_trace",           // 7
    c"cgroup_array",          // 8
    c"lru_hash",              // 9
    c"lru_percpu_hash",       // 10
    c"lpm_trie",              // 11
    c"array_of_maps",         // 12
    c"hash_of_maps",          // 13
    c"devmap",                // 14
    c"sockmap",               // 15
    c"cpumap",                // 16
    c"xskmap",                // 17
    c"sockhash",              // 18
    c"cgroup_storage",        // 19
    c"reuseport_sockarray",   // 20
    c"percpu_cgroup_storage", // 21
    c"queue",                 // 22
    c"stack",                 // 23
    c"sk_storage",            // 24
    c"devmap_hash",           // 25
    c"struct_ops",            // 26
    c"ringbuf",               // 27
    c"inode_storage",         // 28
    c"task_storage",          // 29
    c"bloom_filter",          // 30
    c"user_ringbuf",          // 31
    c"cgrp_storage",          // 32: last one libbpf 1.1.2 knows
    c"arena",                 // 33 (Linux 6.9)
];

/// `enum bpf_prog_type`, `BPF_PROG_TYPE_UNSPEC` (0) to `BPF_PROG_TYPE_NETFILTER` (32).
const PROG_TYPES: &[&CStr] = &[
    c"unspec",                  // 0
    c"socket_filter",           // 1
    c"kprobe",                  // 2
    c"sched_cls",               // 3
    c"sched_act",               // 4
    c"tracepoint",              // 5
    c"xdp",                     // 6
    c"perf_event",              // 7
    c"cgroup_skb",              // 8
    c"cgroup_sock",             // 9
    c"lwt_in",                  // 10
    c"lwt_out",                 // 11
    c"lwt_xmit",                // 12
    c"sock_ops",                // 13
    c"sk_skb",                  // 14
    c"cgroup_device",           // 15
    c"sk_msg",                  // 16
    c"raw_tracepoint",          // 17
    c"cgroup_sock_addr",        // 18
    c"lwt_seg6local",           // 19
    c"lirc_mode2",              // 20
    c"sk_reuseport",            // 21
    c"flow_dissector",          // 22
    c"cgroup_sysctl",           // 23
    c"raw_tracepoint_writable", // 24
    c"cgroup_sockopt",          // 25
    c"tracing",                 // 26
    c"struct_ops",              // 27
    c"ext",                     // 28
    c"lsm",                     // 29
    c"sk_lookup",               // 30
    c"syscall",                 // 31: last one libbpf 1.1.2 knows
    c"netfilter",               // 32 (Linux 6.4)
];

/// `enum bpf_attach_type`, `BPF_CGROUP_INET_INGRESS` (0) to `BPF_TRACE_UPROBE_SESSION` (57).
const ATTACH_TYPES: &[&CStr] = &[
    c"cgroup_inet_ingress",            // 0
    c"cgroup_inet_egress",             // 1
    c"cgroup_inet_sock_create",        // 2
    c"cgroup_sock_ops",                // 3
    c"sk_skb_stream_parser",           // 4
    c"sk_skb_stream_verdict",          // 5
    c"cgroup_device",                  // 6
    c"sk_msg_verdict",                 // 7
    c"cgroup_inet4_bind",              // 8
    c"cgroup_inet6_bind",              // 9
    c"cgroup_inet4_connect",           // 10
    c"cgroup_inet6_connect",           // 11
    c"cgroup_inet4_post_bind",         // 12
    c"cgroup_inet6_post_bind",         // 13
    c"cgroup_udp4_sendmsg",            // 14
    c"cgroup_udp6_sendmsg",            // 15
    c"lirc_mode2",                     // 16
    c"flow_dissector",                 // 17
    c"cgroup_sysctl",                  // 18
    c"cgroup_udp4_recvmsg",            // 19
    c"cgroup_udp6_recvmsg",            // 20
    c"cgroup_getsockopt",              // 21
    c"cgroup_setsockopt",              // 22
    c"trace_raw_tp",                   // 23
    c"trace_fentry",                   // 24
    c"trace_fexit",                    // 25
    c"modify_return",                  // 26
    c"lsm_mac",                        // 27
    c"trace_iter",                     // 28
    c"cgroup_inet4_getpeername",       // 29
    c"cgroup_inet6_getpeername",       // 30
    c"cgroup_inet4_getsockname",       // 31
    c"cgroup_inet6_getsockname",       // 32
    c"xdp_devmap",                     // 33
    c"cgroup_inet_sock_release",       // 34
    c"xdp_cpumap",                     // 35
    c"sk_lookup",                      // 36
    c"xdp",                            // 37
    c"sk_skb_verdict",                 // 38
    c"sk_reuseport_select",            // 39
    c"sk_reuseport_select_or_migrate", // 40
    c"perf_event",                     // 41
    c"trace_kprobe_multi",             // 42
    c"lsm_cgroup",                     // 43: last one libbpf 1.1.2 knows
    c"struct_ops",                     // 44 (Linux 6.4)
    c"netfilter",                      // 45 (6.4)
    c"tcx_ingress",                    // 46 (6.6)
    c"tcx_egress",                     // 47 (6.6)
    c"trace_uprobe_multi",             // 48 (6.6)
    c"cgroup_unix_connect",            // 49 (6.7)
    c"cgroup_unix_sendmsg",            // 50 (6.7)
    c"cgroup_unix_recvmsg",            // 51 (6.7)
    c"cgroup_unix_getpeername",        // 52 (6.7)
    c"cgroup_unix_getsockname",        // 53 (6.7)
    c"netkit_primary",                 // 54 (6.7)
    c"netkit_peer",                    // 55 (6.7)
    c"trace_kprobe_session",           // 56 (6.10)
    c"trace_uprobe_session",           // 57 (6.13)
];

/// `enum bpf_link_type`, `BPF_LINK_TYPE_UNSPEC` (0) to `BPF_LINK_TYPE_SOCKMAP` (14).
const LINK_TYPES: &[&CStr] = &[
    c"unspec",         // 0
    c"raw_tracepoint", // 1
    c"tracing",        // 2
    c"cgroup",         // 3
    c"iter",           // 4
    c"netns",          // 5
    c"xdp",            // 6
    c"perf_event",     // 7
    c"kprobe_multi",   // 8
    c"struct_ops",     // 9: last one libbpf 1.1.2 knows
    c"netfilter",      // 10 (Linux 6.4)
    c"tcx",            // 11 (6.6)
    c"uprobe_multi",   // 12 (6.6)
    c"netkit",         // 13 (6.7)
    c"sockmap",        // 14 (6.10)
];

fn lookup(table: &'static [&'static CStr], t: u32) -> Option<&'static CStr> {
    table.get(usize::try_from(t).ok()?).copied()
}

/// libbpf's name for `enum bpf_map_type` value `t` (`"hash"`, …), `None` if unknown.
pub fn map_type(t: u32) -> Option<&'static CStr> {
    lookup(MAP_TYPES, t)
}

/// libbpf's name for `enum bpf_prog_type` value `t` (`"socket_filter"`, …).
pub fn prog_type(t: u32) -> Option<&'static CStr> {
    lookup(PROG_TYPES, t)
}

/// libbpf's name for `enum bpf_attach_type` value `t` (`"cgroup_inet_ingress"`, …).
pub fn attach_type(t: u32) -> Option<&'static CStr> {
    lookup(ATTACH_TYPES, t)
}

/// libbpf's name for `enum bpf_link_type` value `t` (`"raw_tracepoint"`, …).
pub fn link_type(t: u32) -> Option<&'static CStr> {
    lookup(LINK_TYPES, t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uapi::*;

    /// Linux 6.18 UAPI: one past the last value of each enum (`__MAX_BPF_*`).
    const MAX_6_18: [(&str, u32); 4] = [
        ("map", BPF_MAP_TYPE_ARENA + 1),
        ("prog", BPF_PROG_TYPE_NETFILTER + 1),
        ("attach", BPF_TRACE_UPROBE_SESSION + 1),
        ("link", BPF_LINK_TYPE_SOCKMAP + 1),
    ];

    #[test]
    fn tables_cover_linux_6_18_exactly() {
        let lens = [
            MAP_TYPES.len(),
            PROG_TYPES.len(),
            ATTACH_TYPES.len(),
            LINK_TYPES.len(),
        ];
        for ((what, max), len) in MAX_6_18.iter().zip(lens) {
            assert_eq!(len, *max as usize, "{what} table length");
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(map_type(BPF_MAP_TYPE_HASH), Some(c"hash"));
        assert_eq!(map_type(BPF_MAP_TYPE_CGRP_STORAGE), Some(c"cgrp_storage"));
        assert_eq!(map_type(BPF_MAP_TYPE_ARENA), Some(c"arena"));
        assert_eq!(prog_type(BPF_PROG_TYPE_XDP), Some(c"xdp"));
        assert_eq!(prog_type(BPF_PROG_TYPE_NETFILTER), Some(c"netfilter"));
        assert_eq!(
            attach_type(BPF_CGROUP_INET_INGRESS),
            Some(c"cgroup_inet_ingress")
        );
        assert_eq!(attach_type(BPF_LSM_CGROUP), Some(c"lsm_cgroup"));
        assert_eq!(attach_type(BPF_NETFILTER), Some(c"netfilter"));
        assert_eq!(
            attach_type(BPF_CGROUP_UNIX_CONNECT),
            Some(c"cgroup_unix_connect")
        );
        assert_eq!(
            attach_type(BPF_TRACE_UPROBE_SESSION),
            Some(c"trace_uprobe_session")
        );
        assert_eq!(link_type(BPF_LINK_TYPE_STRUCT_OPS), Some(c"struct_ops"));
        assert_eq!(link_type(BPF_LINK_TYPE_SOCKMAP), Some(c"sockmap"));
    }

    #[test]
    fn unknown_values_are_none() {
        for ((_, max), f) in MAX_6_18
            .iter()
            .zip([map_type, prog_type, attach_type, link_type])
        {
            assert_eq!(f(*max), None);
        }
        for f in [map_type, prog_type, attach_type, link_type] {
            assert_eq!(f(200), None);
            assert_eq!(f(u32::MAX), None); // (enum)-1 from C
        }
    }

    /// Each name is the UAPI one, lowercase, without its prefix, for every value the
    /// generated header knows (libbpf derives them the same way).
    #[test]
    fn names_follow_the_uapi_names() {
        let enums: [(&[&CStr], &[&str], &str); 4] = [
            (MAP_TYPES, &BPF_MAP_TYPE_NAMES, "BPF_MAP_TYPE_"),
            (PROG_TYPES, &BPF_PROG_TYPE_NAMES, "BPF_PROG_TYPE_"),
            (ATTACH_TYPES, &BPF_ATTACH_TYPE_NAMES, "BPF_"),
            (LINK_TYPES, &BPF_LINK_TYPE_NAMES, "BPF_LINK_TYPE_"),
        ];
        for (table, uapi, prefix) in enums {
            assert!(table.len() >= uapi.len());
            for (ours, theirs) in table.iter().zip(uapi) {
                let want = theirs.strip_prefix(prefix).unwrap().to_ascii_lowercase();
                assert_eq!(ours.to_str().unwrap(), want);
            }
        }
    }

    #[test]
    fn names_are_lowercase_identifiers() {
        for table in [MAP_TYPES, PROG_TYPES, ATTACH_TYPES, LINK_TYPES] {
            for s in table {
                let b = s.to_bytes();
                assert!(!b.is_empty());
                assert!(b
                    .iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_'));
            }
        }
    }
}
