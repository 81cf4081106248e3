#![allow(non_camel_case_types)] // C type names, exactly as libbpf spells them
//! The C ABI skin: the only place with `extern "C"` exports.
//!
//! Every export has libbpf's exact C signature, written out by hand, and a body
//! that is one `boundary::<kind>(name, || …)` call (see `boundary`). Arguments are
//! converted only by `arg` and `opts`; errors become libbpf's return conventions
//! only in `errno`. No logic lives here that the core lacks.
//! Spec: `libbpf-api.md` §1 (signatures), §2 (errors), §4 (struct layouts).

pub mod arg;
pub mod attach;
pub mod boundary;
pub mod bpf_load;
pub mod btf_api;
pub mod btf_ext;
pub mod btf_write;
pub mod errno;
pub mod library;
pub mod link;
pub mod map;
pub mod map_api;
pub mod names;
pub mod netlink;
pub mod obj;
pub mod object;
pub mod object_api;
pub mod opts;
pub mod perfbuf;
pub mod print;
pub mod probes;
pub mod prog;
pub mod prog_linfo;
pub mod program_api;
pub mod registry;
pub mod ringbuf;
pub mod secnames;
pub mod skeleton;
pub mod types;
pub mod user_ringbuf;
