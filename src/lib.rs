//! libbpfrs: libbpf's user-space C API, implemented in Rust.
//!
//! Data flows one way: bytes → object → fds → links. Each module below may use
//! only the modules its line names; `tests/layering.rs` reads this list and fails
//! on any other `crate::` edge (and on `extern "C"` outside `capi` and `legacy`).
//!
//! Layers:
//! - `uapi`: the kernel's numbers (generated from `linux/bpf.h`) and libbpf's
//!   header constants; plain data. May use: nothing.
//! - `error`: the single error type and its errno table. May use: uapi.
//! - `log`: message levels and the sink the C layer installs. May use: nothing.
//! - `file`: whole-file reads, regular files only and bounded by their size;
//!   never blocks on a FIFO or device. May use: error.
//! - `insn`: the BPF instruction type. May use: error, uapi.
//! - `sys`: one safe wrapper per `bpf()` command, perf events, netlink, procfs and
//!   rlimits; the only kernel I/O. May use: error, log, file, insn, uapi.
//! - `btf`: BTF and `.BTF.ext` parsed, queried, written; no kernel calls. May use:
//!   error, log, file, uapi.
//! - `object`: a BPF ELF file as maps, programs and relocations; no kernel calls.
//!   May use: btf, insn, error, log, uapi.
//! - `linker`: the BPF static linker, several objects merged into one ELF file;
//!   no kernel calls. May use: btf, object, error, log, file, uapi.
//! - `load`: an object turned into kernel objects (fds), feature probes. May use:
//!   object, btf, sys, insn, error, log, uapi.
//! - `attach`: loaded programs attached (links, perf events, XDP/TC). May use:
//!   load, object, btf, sys, insn, error, log, file, uapi.
//! - `check`: an object checked offline: open's view, CO-RE against given BTFs,
//!   the minimum kernel; bpftool's raw BTF listing and skeleton headers; no
//!   kernel calls. May use: object, btf, insn, error, log, file, uapi.
//! - `events`: ring and perf buffers. May use: sys, error, log, uapi.
//! - `legacy`: the `samples/bpf` `bpf_load.c` loader. May use: attach, load,
//!   object, btf, sys, insn, error, log, file, uapi.
//! - `capi`: the C ABI skin (`extern "C"`), converting pointers, sizes,
//!   `opts->sz`, handles and errors to libbpf's conventions; no logic the core
//!   lacks. May use: every module. No module may use it.
//! - `bin`: the `bpfrs` command (`src/bin/bpfrs/`), its own crate on the
//!   library's public API. May use: check, object, btf, log, file, error.
//! - `testutil`: helpers for unit tests only. May use: nothing; any module's
//!   tests may use it.
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod attach;
pub mod btf;
pub mod check;
pub mod error;
pub mod events;
pub mod file;
pub mod insn;
pub mod legacy;
pub mod linker;
pub mod load;
pub mod log;

pub mod object;
pub mod sys;
#[cfg(test)]
mod testutil;
pub mod uapi;

#[allow(unsafe_code)] // the C ABI: raw pointers from C callers, errno, va_list shims
pub mod capi;

pub use error::{Error, SysError};
