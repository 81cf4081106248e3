//! C type names that the UAPI headers define (`linux/types.h`, `linux/bpf.h`).
//!
//! They are aliases here so that signatures in the generated header read exactly as
//! libbpf's (`__u64 flags`, `enum bpf_map_type map_type`); `cbindgen.toml` excludes
//! their definitions and renames the enums, so the header includes `<linux/bpf.h>`
//! instead of redefining anything from it.
#![allow(non_camel_case_types)]

pub type __u8 = u8;
pub type __u16 = u16;
pub type __u32 = u32;
pub type __u64 = u64;
pub type __s32 = i32;
pub type __s64 = i64;

/// `enum bpf_map_type` (an `unsigned int`-sized C enum).
pub type bpf_map_type = u32;
/// `enum bpf_prog_type`.
pub type bpf_prog_type = u32;
/// `enum bpf_attach_type`.
pub type bpf_attach_type = u32;
/// `enum bpf_link_type`.
pub type bpf_link_type = u32;
/// `enum bpf_stats_type`.
pub type bpf_stats_type = u32;
/// `enum bpf_tc_attach_point` (libbpf.h); defined in the header preamble.
pub type bpf_tc_attach_point = u32;

/// `struct bpf_insn` (8 bytes, `linux/bpf.h`): only pointers to it cross the ABI.
#[repr(C)]
pub struct bpf_insn {
    _opaque: [u8; 0],
}

/// `enum libbpf_strict_mode` (`libbpf_legacy.h`); defined in the header preamble.
pub type libbpf_strict_mode = u32;

/// `struct bpf_object` (libbpf.h): opaque to C.
pub struct bpf_object {
    _opaque: (),
}

/// `struct bpf_prog_info` (`linux/bpf.h`): only pointers to it cross the ABI; the
/// kernel fills the caller's buffer (spec §4.6).
#[repr(C)]
pub struct bpf_prog_info {
    _opaque: [u8; 0],
}

/// `struct bpf_line_info` (`linux/bpf.h`): only pointers to it cross the ABI
/// (`bpf_prog_linfo__lfind` returns records of the caller's line info).
#[repr(C)]
pub struct bpf_line_info {
    _opaque: [u8; 0],
}

/// `struct bpf_prog_linfo` (libbpf.h): opaque to C.
pub struct bpf_prog_linfo {
    _opaque: (),
}

/// `struct bpf_map_info` (`linux/bpf.h`): pointer-only, as `bpf_prog_info`.
#[repr(C)]
pub struct bpf_map_info {
    _opaque: [u8; 0],
}

/// `struct bpf_btf_info` (`linux/bpf.h`): pointer-only, as `bpf_prog_info`.
#[repr(C)]
pub struct bpf_btf_info {
    _opaque: [u8; 0],
}

/// `struct bpf_link_info` (`linux/bpf.h`): pointer-only, as `bpf_prog_info`.
#[repr(C)]
pub struct bpf_link_info {
    _opaque: [u8; 0],
}

/// `struct bpf_program` (libbpf.h): opaque to C.
pub struct bpf_program {
    _opaque: (),
}

/// `struct bpf_map` (libbpf.h): opaque to C.
pub struct bpf_map {
    _opaque: (),
}

/// `struct btf` (btf.h): opaque to C.
pub struct btf {
    _opaque: (),
}

/// `struct btf_type` (`linux/btf.h`): only pointers to it cross the ABI.
pub struct btf_type {
    _opaque: (),
}

/// `enum bpf_func_id` (`linux/bpf.h`).
pub type bpf_func_id = u32;
/// `struct bpf_link` (libbpf.h): opaque to C.
pub struct bpf_link {
    _opaque: (),
}

/// `union bpf_iter_link_info` (`linux/bpf.h`): only pointers to it cross the ABI;
/// the kernel reads the caller's union.
#[repr(C)]
pub struct bpf_iter_link_info {
    _opaque: [u8; 0],
}

/// `struct btf_ext` (btf.h): opaque to C.
pub struct btf_ext {
    _opaque: (),
}

/// `enum btf_endianness` (btf.h); defined in the header preamble.
pub type btf_endianness = u32;

/// `enum btf_fwd_kind` (btf.h); defined in the header preamble.
pub type btf_fwd_kind = u32;
