//! The BPF instruction (`struct bpf_insn`, 8 bytes) as a value type.
#![forbid(unsafe_code)]

use crate::uapi::{
    BPF_CALL, BPF_DW, BPF_IMM, BPF_JMP, BPF_JMP32, BPF_LD, BPF_PSEUDO_CALL, BPF_PSEUDO_FUNC,
};

/// One BPF instruction. `ld_imm64` occupies two of these.
///
/// The fields are `struct bpf_insn`'s in its order and sizes, so on a
/// little-endian host a `[Insn]` is the kernel's instruction array as it is
/// (see [`wire_slice`]): a program goes to `BPF_PROG_LOAD` without being
/// encoded again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Insn {
    pub code: u8,
    /// dst_reg in the low nibble, src_reg in the high nibble (little-endian layout).
    pub regs: u8,
    pub off: i16,
    pub imm: i32,
}

/// `ld_imm64` opcode.
pub const LD_IMM64: u8 = BPF_LD | BPF_IMM | BPF_DW;
/// `call` opcode.
pub const CALL: u8 = BPF_JMP | BPF_CALL;

impl Insn {
    pub const SIZE: usize = 8;

    /// Decodes little-endian instruction bytes (the length must be a multiple of 8;
    /// a trailing partial instruction is ignored by the caller's check).
    pub fn decode_all(bytes: &[u8]) -> Vec<Insn> {
        bytes
            .chunks_exact(Self::SIZE)
            .map(|c| Insn {
                code: c[0],
                regs: c[1],
                off: i16::from_le_bytes([c[2], c[3]]),
                imm: i32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            })
            .collect()
    }

    /// Encodes to the 8-byte wire form.
    pub fn to_bytes(self) -> [u8; 8] {
        let o = self.off.to_le_bytes();
        let i = self.imm.to_le_bytes();
        [self.code, self.regs, o[0], o[1], i[0], i[1], i[2], i[3]]
    }

    pub fn dst(self) -> u8 {
        self.regs & 0x0f
    }

    pub fn src(self) -> u8 {
        self.regs >> 4
    }

    pub fn set_src(&mut self, src: u8) {
        self.regs = (self.regs & 0x0f) | (src << 4);
    }

    pub fn is_ld_imm64(self) -> bool {
        self.code == LD_IMM64
    }

    /// A BPF-to-BPF call (`call` with src_reg = BPF_PSEUDO_CALL).
    pub fn is_pseudo_call(self) -> bool {
        self.code == CALL && self.src() == BPF_PSEUDO_CALL
    }

    /// `ld_imm64 rX, <subprog address>` (src_reg = BPF_PSEUDO_FUNC).
    pub fn is_pseudo_func(self) -> bool {
        self.code == LD_IMM64 && self.src() == BPF_PSEUDO_FUNC
    }

    /// Possibly a call of `bpf_probe_read_{kernel,user}[_str]` (helpers a
    /// kernel before 5.5 lacks): a `call` of the JMP or JMP32 class with one
    /// of their ids, whatever its registers (the loader looks closer).
    pub fn may_call_probe_read(self) -> bool {
        use crate::uapi::kernels::{
            BPF_FUNC_PROBE_READ_KERNEL_STR, BPF_FUNC_PROBE_READ_USER, BPF_FUNC_PROBE_READ_USER_STR,
        };
        (self.code == CALL || self.code == BPF_JMP32 | BPF_CALL)
            && matches!(
                self.imm,
                crate::uapi::BPF_FUNC_PROBE_READ_KERNEL
                    | BPF_FUNC_PROBE_READ_USER
                    | BPF_FUNC_PROBE_READ_KERNEL_STR
                    | BPF_FUNC_PROBE_READ_USER_STR
            )
    }

    /// A helper call (`call imm`, src_reg 0).
    pub fn is_helper_call(self) -> bool {
        self.code == CALL && self.src() == 0
    }
}

/// One look at each instruction of a piece of code for what linking needs:
/// `None` when it makes a BPF-to-BPF call or takes a subprogram's address
/// (`ld_imm64` with `BPF_PSEUDO_FUNC`), else whether it may call one of the
/// `bpf_probe_read_{kernel,user}[_str]` helpers ([`Insn::may_call_probe_read`]).
pub fn scan_plain(code: &[Insn]) -> Option<bool> {
    let mut probe_reads = false;
    for i in code {
        // Only calls and `ld_imm64` matter: one table look rules out the rest.
        match LINK_KIND[usize::from(i.code)] {
            0 => {}
            LINK_LD_IMM64 if i.src() == BPF_PSEUDO_FUNC => return None,
            LINK_CALL if i.src() == BPF_PSEUDO_CALL => return None,
            LINK_LD_IMM64 => {}
            _ => probe_reads |= i.may_call_probe_read(),
        }
    }
    Some(probe_reads)
}

/// [`scan_plain`]'s classes of opcodes: 0 for any but these.
const LINK_LD_IMM64: u8 = 1;
const LINK_CALL: u8 = 2;
const LINK_CALL32: u8 = 3;
const LINK_KIND: [u8; 256] = {
    let mut t = [0; 256];
    t[LD_IMM64 as usize] = LINK_LD_IMM64;
    t[CALL as usize] = LINK_CALL;
    t[(BPF_JMP32 | BPF_CALL) as usize] = LINK_CALL32;
    t
};

// `struct bpf_insn`: `code` at 0, the register byte at 1, `off` at 2, `imm`
// at 4, 8 bytes in all.
const _: () = assert!(
    std::mem::offset_of!(Insn, code) == 0
        && std::mem::offset_of!(Insn, regs) == 1
        && std::mem::offset_of!(Insn, off) == 2
        && std::mem::offset_of!(Insn, imm) == 4
        && std::mem::size_of::<Insn>() == Insn::SIZE
);

/// `insns` where their memory is already `struct bpf_insn`s (a little-endian
/// host: the register nibbles and the `off`/`imm` bytes lie as the kernel reads
/// them), for handing the slice's address to the kernel; `None` elsewhere
/// (then [`encode_all`] makes the bytes).
pub fn wire_slice(insns: &[Insn]) -> Option<&[Insn]> {
    cfg!(target_endian = "little").then_some(insns)
}

/// Encodes a whole program for `BPF_PROG_LOAD`.
pub fn encode_all(insns: &[Insn]) -> Vec<u8> {
    let mut out = Vec::with_capacity(insns.len() * Insn::SIZE);
    for i in insns {
        out.extend_from_slice(&i.to_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uapi::BPF_PSEUDO_MAP_FD;

    #[test]
    fn round_trip() {
        let bytes = [
            0x18, 0x21, 0xfe, 0xff, 0x78, 0x56, 0x34, 0x12, 0x85, 0x10, 0, 0, 5, 0, 0, 0,
        ];
        let v = Insn::decode_all(&bytes);
        assert_eq!(v.len(), 2);
        assert!(v[0].is_ld_imm64());
        assert_eq!(
            (v[0].dst(), v[0].src(), v[0].off, v[0].imm),
            (1, 2, -2, 0x12345678)
        );
        assert!(v[1].is_pseudo_call());
        assert_eq!(encode_all(&v), bytes);
        assert_eq!(wire_slice(&v), Some(&v[..]));
        let mut i = v[0];
        i.set_src(BPF_PSEUDO_MAP_FD);
        assert_eq!((i.dst(), i.src()), (1, 1));
    }
}
