//! `bpf/btf.h`: `handle` (`struct btf *`: constructors, parsers, kernel BTF, `btf__free`,
//! `bpf_object__btf`, accessors, raw data, `btf__load_into_kernel`), `write`
//! (the `btf__add_*` writer), `dedup` (`btf__dedup`), `ext` (`btf_ext__*`), `dump`
//! (`btf_dump__*`).

pub mod dedup;
pub mod dump;
pub mod ext;
pub mod handle;
pub mod write;
