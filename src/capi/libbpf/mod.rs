//! `bpf/libbpf.h`: the object API and everything around it, one file per C type
//! or family — `object` (`bpf_object__*` open/load/close, lookups, iteration),
//! `object_more` (`bpf_object__*` pinning, kversion, priv data, 0.x calls),
//! `program` (`bpf_program__*`), `map` (`bpf_map__*`), `attach`
//! (`bpf_program__attach*`; `kprobe_multi`: `bpf_program__attach_kprobe_multi_opts`), `link` (`bpf_link__*`), `netlink` (`bpf_xdp_*`,
//! `bpf_tc_*`), `ringbuf`/`perfbuf`/`user_ringbuf` (`ring_buffer__*`,
//! `perf_buffer__*`, `user_ring_buffer__*`), `skeleton`
//! (`bpf_object__*_skeleton`), `struct_ops` (`bpf_map__attach_struct_ops`),
//! `prog_linfo` (`bpf_prog_linfo__*`), `probes`
//! (`libbpf_probe_*`), `linker` (`bpf_linker__*`: the static linker),
//! `secnames` (`libbpf_prog_type_by_name` & co), `prog_handler`
//! (`libbpf_register_prog_handler`: custom `SEC()` callbacks), `names`
//! (`libbpf_bpf_*_type_str`), `print` (`libbpf_set_print`), `library` (strict
//! mode, errors, versions, CPUs).

pub mod attach;
pub mod gen_loader;
pub mod kprobe_multi;
pub mod library;
pub mod link;
pub mod linker;
pub mod map;
pub mod names;
pub mod netlink;
pub mod object;
pub mod object_more;
pub mod perfbuf;
pub mod print;
pub mod probes;
pub mod prog_handler;
pub mod prog_linfo;
pub mod program;
pub mod ringbuf;
pub mod secnames;
pub mod skeleton;
pub mod struct_ops;
pub mod user_ringbuf;
