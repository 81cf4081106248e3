//! libbpfrs: libbpf's user-space C API, implemented in Rust.
//!
//! Data flows one way through the modules:
//! - [`uapi`]: the kernel's (and libbpf's headers') numbers, generated from
//!   `linux/bpf.h`; depends on nothing.
//! - [`sys`]: one safe wrapper per `bpf()` command; the only kernel I/O.
//! - [`error`]: the single error type and its errno mapping.
//! - [`log`]: messages routed to the C print callback.
//! - `capi`: the C ABI skin (`extern "C"`), converting pointers, sizes, `opts->sz`
//!   and errors to libbpf's conventions. No logic lives there that the core lacks.
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod attach;
pub mod btf;
pub mod cpus;
pub mod error;
pub mod events;
pub mod insn;
pub mod legacy;
pub mod load;
pub mod log;
pub mod memlock;
pub mod names;
pub mod object;
pub mod probe;
pub mod prog_linfo;
pub mod sys;
pub mod uapi;
pub mod util;
pub mod xdp_tc;

#[allow(unsafe_code)] // the C ABI: raw pointers from C callers, errno, va_list shims
pub mod capi;

pub use error::{Error, SysError};
