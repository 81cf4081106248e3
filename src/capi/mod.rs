#![allow(non_camel_case_types)] // C type names, exactly as libbpf spells them
//! The C ABI skin: the only place with `extern "C"` exports.
//!
//! Every export has libbpf's exact C signature, written out by hand, and a body
//! that is one `boundary::<kind>(name, || …)` call (see `boundary`); an export only
//! libbpf 0.x or `bpf_load.c` had wraps that in `boundary::legacy_api(name, || …)`,
//! which switches the process to 0.x returns (`build.rs` checks which). Arguments are
//! converted only by `arg` and `opts`; errors become libbpf's return conventions
//! only in `errno`. No logic lives here that the core lacks.
//! Spec: `libbpf-api.md` §1 (signatures), §2 (errors), §4 (struct layouts).

pub mod arg;
pub mod boundary;
pub mod bpf;
pub mod btf;
pub mod errno;
pub mod legacy;
pub mod libbpf;
pub mod opts;
pub mod registry;
pub mod types;
