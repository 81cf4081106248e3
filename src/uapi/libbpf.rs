//! Constants of libbpf's own headers (not the kernel's), which C callers compile
//! into their programs, so their values are ABI.
//! Must not call: anything (plain data).

/// `enum bpf_tc_attach_point` (`libbpf.h`, LIBBPF_0.6.0).
pub const BPF_TC_INGRESS: u32 = 1 << 0;
pub const BPF_TC_EGRESS: u32 = 1 << 1;
pub const BPF_TC_CUSTOM: u32 = 1 << 2;

/// `enum bpf_tc_flags` (`libbpf.h`).
pub const BPF_TC_F_REPLACE: u32 = 1 << 0;

/// `BPF_LOG_BUF_SIZE` (`bpf.h` of libbpf ≥ 0.0.3, and samples' `bpf_load.h`):
/// `UINT32_MAX >> 8`, also the size of the exported `bpf_log_buf[]`.
pub const BPF_LOG_BUF_SIZE: u32 = u32::MAX >> 8;
