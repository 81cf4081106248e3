//! `bpf/bpf.h`: the low-level `bpf()` wrappers, one file per command family —
//! `map` (`bpf_map_*`, `bpf_create_map*`), `prog` (`bpf_prog_*` load, test run,
//! attach, query), `link` (`bpf_link_*`, `bpf_raw_tracepoint_open`,
//! `bpf_iter_create`), `btf` (`bpf_btf_load`, `bpf_load_btf`), `obj` (`bpf_obj_*`,
//! ids, info, stats, `bpf_task_fd_query`).

pub mod btf;
pub mod link;
pub mod map;
pub mod obj;
pub mod prog;
