//! `bpf_load.h`: the legacy `samples/bpf` loader's C surface (`load_bpf_file`,
//! `map_fd[]`, `prog_fd[]`, …) over `crate::legacy`.

pub mod bpf_load;
