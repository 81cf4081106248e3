//! The `union bpf_attr` layouts the loader program hands to `bpf_sys_bpf`, as
//! byte images built here and patched at run time (fds, pointers into the blob).
//! Offsets are the kernel's (`include/uapi/linux/bpf.h`).

/// `BPF_BTF_LOAD`: up to `btf_log_level`.
pub mod btf_load {
    pub const SIZE: usize = 28;
    pub const BTF: u32 = 0;
    pub const LOG_BUF: u32 = 8;
    pub const BTF_SIZE: usize = 16;
    pub const LOG_SIZE: u32 = 20;
    pub const LOG_LEVEL: u32 = 24;
}

/// `BPF_MAP_CREATE`: up to `map_extra`.
pub mod map_create {
    pub const SIZE: usize = 72;
    pub const MAP_TYPE: usize = 0;
    pub const KEY_SIZE: usize = 4;
    pub const VALUE_SIZE: usize = 8;
    pub const MAX_ENTRIES: usize = 12;
    pub const MAP_FLAGS: usize = 16;
    pub const INNER_MAP_FD: usize = 20;
    pub const NUMA_NODE: usize = 24;
    pub const MAP_NAME: usize = 28;
    pub const MAP_IFINDEX: usize = 44;
    pub const BTF_FD: usize = 48;
    pub const BTF_KEY_TYPE_ID: usize = 52;
    pub const BTF_VALUE_TYPE_ID: usize = 56;
    pub const MAP_EXTRA: usize = 64;
}

/// `BPF_MAP_UPDATE_ELEM`: up to `flags`.
pub mod map_update {
    pub const SIZE: usize = 32;
    pub const MAP_FD: u32 = 0;
    pub const KEY: u32 = 8;
    pub const VALUE: u32 = 16;
}

/// `BPF_MAP_FREEZE`: `map_fd` only.
pub mod map_freeze {
    pub const SIZE: usize = 4;
}

/// `BPF_PROG_LOAD`: up to `core_relo_rec_size`.
pub mod prog_load {
    pub const SIZE: usize = 140;
    pub const PROG_TYPE: usize = 0;
    pub const INSN_CNT: usize = 4;
    pub const INSNS: u32 = 8;
    pub const LICENSE: u32 = 16;
    pub const LOG_LEVEL: u32 = 24;
    pub const LOG_SIZE: u32 = 28;
    pub const LOG_BUF: u32 = 32;
    pub const PROG_FLAGS: usize = 44;
    pub const PROG_NAME: usize = 48;
    pub const PROG_IFINDEX: usize = 64;
    pub const EXPECTED_ATTACH_TYPE: usize = 68;
    pub const PROG_BTF_FD: u32 = 72;
    pub const FUNC_INFO_REC_SIZE: usize = 76;
    pub const FUNC_INFO: u32 = 80;
    pub const FUNC_INFO_CNT: usize = 88;
    pub const LINE_INFO_REC_SIZE: usize = 92;
    pub const LINE_INFO: u32 = 96;
    pub const LINE_INFO_CNT: usize = 104;
    pub const ATTACH_BTF_ID: usize = 108;
    pub const ATTACH_BTF_OBJ_FD: usize = 112;
    pub const CORE_RELO_CNT: usize = 116;
    pub const FD_ARRAY: u32 = 120;
    pub const CORE_RELOS: u32 = 128;
    pub const CORE_RELO_REC_SIZE: usize = 136;
}

/// A zeroed attr image of `size` bytes with fields set by offset.
#[derive(Debug)]
pub struct Image(pub Vec<u8>);

impl Image {
    pub fn new(size: usize) -> Image {
        Image(vec![0; size])
    }

    pub fn u32(&mut self, off: usize, v: u32) -> &mut Image {
        self.0[off..off + 4].copy_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u64(&mut self, off: usize, v: u64) -> &mut Image {
        self.0[off..off + 8].copy_from_slice(&v.to_le_bytes());
        self
    }

    /// An object name: at most 15 bytes, NUL-padded.
    pub fn name(&mut self, off: usize, name: &[u8]) -> &mut Image {
        let n = name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(name.len())
            .min(15);
        self.0[off..off + n].copy_from_slice(&name[..n]);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_to_fifteen_bytes() {
        let mut a = Image::new(map_create::SIZE);
        a.name(map_create::MAP_NAME, b"a_name_longer_than_fifteen");
        assert_eq!(&a.0[28..44], b"a_name_longer_t\0");
        a.u32(map_create::MAX_ENTRIES, 7);
        assert_eq!(&a.0[12..16], &7u32.to_le_bytes());
    }
}
