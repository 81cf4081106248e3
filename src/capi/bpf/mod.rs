//! `bpf/bpf.h`: the low-level `bpf()` wrappers, one file per command family —
//! `map` (`bpf_map_*`, `bpf_create_map*`), `prog` (`bpf_prog_*` load, test run,
//! attach, query; `bpf_link_*`; `bpf_btf_load`), `obj` (`bpf_obj_*`, ids, info,
//! stats, `bpf_task_fd_query`).

pub mod map;
pub mod obj;
pub mod prog;
