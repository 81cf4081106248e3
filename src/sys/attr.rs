//! One `#[repr(C)]` struct per `bpf()` command: the command's part of `union bpf_attr`
//! (`linux/bpf.h`), with named zero padding. `SZ` is what libbpf 1.x sends for the
//! command (`offsetofend` of the last field it fills). Offsets are checked against
//! the UAPI at compile time here and against `<linux/bpf.h>` by `tests/uapi_layout.rs`.

use super::Attr;
use std::mem::offset_of;

macro_rules! attr {
    ($name:ident, sz = $sz:expr, { $($f:ident : $t:ty = $off:expr),* $(,)? }) => {
        #[repr(C)]
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name { $(pub $f: $t),* }
        // SAFETY: #[repr(C)] plain integers/arrays with every gap a named field;
        // `SZ` is within the struct (asserted in `call`).
        unsafe impl Attr for $name { const SZ: usize = $sz; }
        const _: () = { $(assert!(offset_of!($name, $f) == $off);)* };
        impl $name {
            /// Every field of the layout, for the UAPI layout test.
            pub const FIELDS: &'static [(&'static str, usize)] = &[$((stringify!($f), $off)),*];
        }
    };
}

attr!(MapCreateAttr, sz = 72, {
    map_type: u32 = 0,
    key_size: u32 = 4,
    value_size: u32 = 8,
    max_entries: u32 = 12,
    map_flags: u32 = 16,
    inner_map_fd: u32 = 20,
    numa_node: u32 = 24,
    map_name: [u8; 16] = 28,
    map_ifindex: u32 = 44,
    btf_fd: u32 = 48,
    btf_key_type_id: u32 = 52,
    btf_value_type_id: u32 = 56,
    btf_vmlinux_value_type_id: u32 = 60,
    map_extra: u64 = 64,
});

attr!(MapElemAttr, sz = 32, {
    map_fd: u32 = 0,
    _pad0: u32 = 4,
    key: u64 = 8,
    value: u64 = 16, // also `next_key`
    flags: u64 = 24,
});

attr!(MapBatchAttr, sz = 56, {
    in_batch: u64 = 0,
    out_batch: u64 = 8,
    keys: u64 = 16,
    values: u64 = 24,
    count: u32 = 32,
    map_fd: u32 = 36,
    elem_flags: u64 = 40,
    flags: u64 = 48,
});

attr!(ProgLoadAttr, sz = 128, {
    prog_type: u32 = 0,
    insn_cnt: u32 = 4,
    insns: u64 = 8,
    license: u64 = 16,
    log_level: u32 = 24,
    log_size: u32 = 28,
    log_buf: u64 = 32,
    kern_version: u32 = 40,
    prog_flags: u32 = 44,
    prog_name: [u8; 16] = 48,
    prog_ifindex: u32 = 64,
    expected_attach_type: u32 = 68,
    prog_btf_fd: u32 = 72,
    func_info_rec_size: u32 = 76,
    func_info: u64 = 80,
    func_info_cnt: u32 = 88,
    line_info_rec_size: u32 = 92,
    line_info: u64 = 96,
    line_info_cnt: u32 = 104,
    attach_btf_id: u32 = 108,
    attach_prog_fd: u32 = 112, // union with attach_btf_obj_fd
    core_relo_cnt: u32 = 116,
    fd_array: u64 = 120,
    core_relos: u64 = 128,
    core_relo_rec_size: u32 = 136,
    log_true_size: u32 = 140,
});

attr!(ObjAttr, sz = 16, {
    pathname: u64 = 0,
    bpf_fd: u32 = 8,
    file_flags: u32 = 12,
});

attr!(ProgAttachAttr, sz = 20, {
    target_fd: u32 = 0,
    attach_bpf_fd: u32 = 4,
    attach_type: u32 = 8,
    attach_flags: u32 = 12,
    replace_bpf_fd: u32 = 16,
});

attr!(TestRunAttr, sz = 80, {
    prog_fd: u32 = 0,
    retval: u32 = 4,
    data_size_in: u32 = 8,
    data_size_out: u32 = 12,
    data_in: u64 = 16,
    data_out: u64 = 24,
    repeat: u32 = 32,
    duration: u32 = 36,
    ctx_size_in: u32 = 40,
    ctx_size_out: u32 = 44,
    ctx_in: u64 = 48,
    ctx_out: u64 = 56,
    flags: u32 = 64,
    cpu: u32 = 68,
    batch_size: u32 = 72,
    _pad0: u32 = 76,
});

attr!(GetIdAttr, sz = 12, {
    start_id: u32 = 0, // union with prog_id/map_id/btf_id/link_id
    next_id: u32 = 4,
    open_flags: u32 = 8,
});

attr!(InfoAttr, sz = 16, {
    bpf_fd: u32 = 0,
    info_len: u32 = 4,
    info: u64 = 8,
});

attr!(ProgQueryAttr, sz = 40, {
    target_fd: u32 = 0,
    attach_type: u32 = 4,
    query_flags: u32 = 8,
    attach_flags: u32 = 12,
    prog_ids: u64 = 16,
    prog_cnt: u32 = 24,
    _pad0: u32 = 28,
    prog_attach_flags: u64 = 32,
});

attr!(RawTpAttr, sz = 16, {
    name: u64 = 0,
    prog_fd: u32 = 8,
    _pad0: u32 = 12,
});

attr!(BtfLoadAttr, sz = 28, {
    btf: u64 = 0,
    btf_log_buf: u64 = 8,
    btf_size: u32 = 16,
    btf_log_size: u32 = 20,
    btf_log_level: u32 = 24,
    btf_log_true_size: u32 = 28,
});

attr!(TaskFdQueryAttr, sz = 48, {
    pid: u32 = 0,
    fd: u32 = 4,
    flags: u32 = 8,
    buf_len: u32 = 12,
    buf: u64 = 16,
    prog_id: u32 = 24,
    fd_type: u32 = 28,
    probe_offset: u64 = 32,
    probe_addr: u64 = 40,
});

attr!(LinkCreateAttr, sz = 64, {
    prog_fd: u32 = 0,
    target_fd: u32 = 4, // union with target_ifindex
    attach_type: u32 = 8,
    flags: u32 = 12,
    // The per-attach-type union at 16 (target_btf_id, iter_info/iter_info_len,
    // perf_event.bpf_cookie, kprobe_multi{flags,cnt,syms,addrs,cookies}, tracing.cookie).
    u0: u64 = 16,
    u1: u64 = 24,
    u2: u64 = 32,
    u3: u64 = 40,
    u4: u64 = 48,
    u5: u64 = 56,
});

attr!(LinkUpdateAttr, sz = 16, {
    link_fd: u32 = 0,
    new_prog_fd: u32 = 4,
    flags: u32 = 8,
    old_prog_fd: u32 = 12,
});

attr!(LinkDetachAttr, sz = 4, {
    link_fd: u32 = 0,
});

attr!(EnableStatsAttr, sz = 4, {
    stats_type: u32 = 0,
});

attr!(IterCreateAttr, sz = 8, {
    link_fd: u32 = 0,
    flags: u32 = 4,
});

attr!(ProgBindMapAttr, sz = 12, {
    prog_fd: u32 = 0,
    map_fd: u32 = 4,
    flags: u32 = 8,
});

attr!(MapFdAttr, sz = 4, {
    map_fd: u32 = 0,
});

/// Copies `name` into a kernel `char[16]` object name: at most 15 bytes, NUL-terminated,
/// as libbpf truncates map and program names (spec §2.5).
pub fn obj_name(name: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    let n = name
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(name.len())
        .min(15);
    out[..n].copy_from_slice(&name[..n]);
    out
}

/// A built `char[16]` name as the kernel gets it: as it is when it ends in a
/// NUL (the kernel reads up to the first one), else cut as [`obj_name`] does.
pub fn kernel_name(name: [u8; 16]) -> [u8; 16] {
    if name[15] == 0 {
        name
    } else {
        obj_name(&name)
    }
}

#[cfg(test)]
mod tests {
    use super::obj_name;

    #[test]
    fn names_truncate_to_15() {
        let n = obj_name(b"a_very_long_map_name_indeed");
        assert_eq!(&n[..15], b"a_very_long_map");
        assert_eq!(n[15], 0);
        assert_eq!(&obj_name(b"ab\0cd")[..3], b"ab\0");
    }
}
