//! The loader program under construction: its instructions, its data blob (every
//! byte the program reads or writes: `bpf_attr`s, strings, instructions, map
//! values), and the instruction patterns it is built from.
//!
//! Registers of the loader program: R6 holds the context (`struct
//! bpf_loader_ctx` followed by the map and program descriptors), R7 the result of
//! the last `bpf_sys_bpf` call, R9 the fd a close is about. The blob is map 0 of
//! the loader's `fd_array`, reached by `ld_imm64` with `BPF_PSEUDO_MAP_IDX_VALUE`.

use crate::error::Error;
use crate::insn::{Insn, CALL, LD_IMM64};
use crate::uapi::{
    BPF_ALU, BPF_ALU64, BPF_B, BPF_DW, BPF_EXIT, BPF_H, BPF_JMP, BPF_K, BPF_LDX, BPF_MEM, BPF_MOV,
    BPF_PSEUDO_MAP_IDX_VALUE, BPF_ST, BPF_STX, BPF_W, BPF_X,
};

/// Jump and ALU operations used by the loader (`BPF_OP` values).
pub const JA: u8 = 0x00;
pub const JEQ: u8 = 0x10;
pub const JSET: u8 = 0x40;
pub const JNE: u8 = 0x50;
pub const JSGE: u8 = 0x70;
pub const JSLT: u8 = 0xc0;
pub const JSLE: u8 = 0xd0;
pub const ADD: u8 = 0x00;
pub const AND: u8 = 0x50;
pub const RSH: u8 = 0x70;

/// The helpers the loader calls (`enum bpf_func_id`).
pub const FN_PROBE_READ_KERNEL: i32 = 113;
pub const FN_COPY_FROM_USER: i32 = 148;
pub const FN_SYS_BPF: i32 = 166;
pub const FN_BTF_FIND_BY_NAME_KIND: i32 = 167;
pub const FN_SYS_CLOSE: i32 = 168;
pub const FN_KALLSYMS_LOOKUP_NAME: i32 = 179;

pub const R0: u8 = 0;
pub const R1: u8 = 1;
pub const R2: u8 = 2;
pub const R3: u8 = 3;
pub const R4: u8 = 4;
pub const R6: u8 = 6;
pub const R7: u8 = 7;
pub const R8: u8 = 8;
pub const R9: u8 = 9;
pub const R10: u8 = 10;

/// The loader's stack frame (`struct loader_stack`): the BTF fd, an inner map's
/// template fd, then one fd per program.
pub const MAX_USED_MAPS: usize = 64;
pub const MAX_USED_PROGS: usize = 32;
pub const MAX_KFUNC_DESCS: usize = 256;
pub const STACK_SIZE: i32 = 4 * (2 + MAX_USED_PROGS as i32);
pub const STACK_BTF_FD: i16 = -(STACK_SIZE as i16);
pub const STACK_INNER_MAP_FD: i16 = STACK_BTF_FD + 4;

/// The stack slot of program `i`'s fd.
pub fn stack_prog_fd(i: usize) -> i16 {
    STACK_BTF_FD + 8 + 4 * i as i16
}

/// `struct bpf_loader_ctx` (skel_internal.h) and the descriptors after it.
pub const CTX_LOG_LEVEL: i16 = 8;
pub const CTX_LOG_SIZE: i16 = 12;
pub const CTX_LOG_BUF: i16 = 16;
pub const CTX_SIZE: usize = 24;
pub const MAP_DESC_SIZE: usize = 16;
pub const PROG_DESC_SIZE: usize = 4;
pub const CTX_FLAGS: i16 = 4;
/// `BPF_SKEL_KERNEL` in `bpf_loader_ctx.flags`: initial values are kernel memory.
pub const SKEL_KERNEL: i32 = 1;

/// Offset in the context of field `field_off` of map descriptor `i`
/// (`map_fd` 0, `max_entries` 4, `initial_value` 8).
pub fn ctx_map(i: usize, field_off: usize) -> i16 {
    (CTX_SIZE + MAP_DESC_SIZE * i + field_off) as i16
}

/// Offset in the context of program descriptor `i`'s `prog_fd`.
pub fn ctx_prog(nr_maps: usize, i: usize) -> i16 {
    (CTX_SIZE + MAP_DESC_SIZE * nr_maps + PROG_DESC_SIZE * i) as i16
}

fn mk(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
    Insn {
        code,
        regs: (src << 4) | (dst & 0x0f),
        off,
        imm,
    }
}

/// `BPF_SIZE` for an access of `n` bytes.
fn size_code(n: usize) -> Result<u8, Error> {
    match n {
        8 => Ok(BPF_DW),
        4 => Ok(BPF_W),
        2 => Ok(BPF_H),
        1 => Ok(BPF_B),
        _ => Err(Error::Bug("gen_loader: access size")),
    }
}

/// The loader program and its blob as they grow; the first failure sticks.
#[derive(Debug, Default)]
pub struct Emitter {
    pub insns: Vec<Insn>,
    pub data: Vec<u8>,
    pub error: Option<Error>,
    /// Where every error branch goes (the cleanup code).
    pub cleanup_label: usize,
}

impl Emitter {
    pub fn emit(&mut self, i: Insn) {
        self.insns.push(i);
    }

    /// Appends `bytes` (or `zeros` zero bytes) padded to 8; returns its offset.
    pub fn add_data(&mut self, bytes: &[u8]) -> u32 {
        let off = self.data.len() as u32;
        self.data.extend_from_slice(bytes);
        self.data
            .resize(off as usize + bytes.len().next_multiple_of(8), 0);
        off
    }

    pub fn add_zeros(&mut self, n: usize) -> u32 {
        let off = self.data.len() as u32;
        self.data.resize(off as usize + n.next_multiple_of(8), 0);
        off
    }

    pub fn fail(&mut self, e: Error) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    pub fn mov_reg(&mut self, dst: u8, src: u8) {
        self.emit(mk(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0));
    }

    pub fn mov_imm(&mut self, dst: u8, imm: i32) {
        self.emit(mk(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm));
    }

    pub fn alu64_imm(&mut self, op: u8, dst: u8, imm: i32) {
        self.emit(mk(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm));
    }

    pub fn alu32_imm(&mut self, op: u8, dst: u8, imm: i32) {
        self.emit(mk(BPF_ALU | op | BPF_K, dst, 0, 0, imm));
    }

    pub fn jmp_imm(&mut self, op: u8, dst: u8, imm: i32, off: i16) {
        self.emit(mk(BPF_JMP | op | BPF_K, dst, 0, off, imm));
    }

    pub fn call(&mut self, helper: i32) {
        self.emit(mk(CALL, 0, 0, 0, helper));
    }

    pub fn exit(&mut self) {
        self.emit(mk(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
    }

    /// `dst = *(size *)(src + off)`.
    pub fn ldx(&mut self, size: usize, dst: u8, src: u8, off: i16) {
        match size_code(size) {
            Ok(s) => self.emit(mk(BPF_LDX | BPF_MEM | s, dst, src, off, 0)),
            Err(e) => self.fail(e),
        }
    }

    /// `*(size *)(dst + off) = imm`.
    pub fn st(&mut self, size: usize, dst: u8, off: i16, imm: i32) {
        match size_code(size) {
            Ok(s) => self.emit(mk(BPF_ST | BPF_MEM | s, dst, 0, off, imm)),
            Err(e) => self.fail(e),
        }
    }

    /// `*(size *)(dst + off) = src`.
    pub fn stx(&mut self, size: usize, dst: u8, src: u8, off: i16) {
        match size_code(size) {
            Ok(s) => self.emit(mk(BPF_STX | BPF_MEM | s, dst, src, off, 0)),
            Err(e) => self.fail(e),
        }
    }

    /// `dst = &blob[off]`.
    pub fn ld_blob(&mut self, dst: u8, off: u32) {
        self.emit(mk(LD_IMM64, dst, BPF_PSEUDO_MAP_IDX_VALUE, 0, 0));
        self.emit(mk(0, 0, 0, 0, off as i32));
    }

    /// `*(u64 *)&blob[off] = &blob[data]`: a pointer field of an attr.
    pub fn rel_store(&mut self, off: u32, data: u32) {
        self.ld_blob(R0, data);
        self.ld_blob(R1, off);
        self.stx(8, R1, R0, 0);
    }

    /// `blob[off] = blob[from]`, `size` bytes.
    pub fn blob2blob(&mut self, off: u32, size: usize, from: u32) {
        self.ld_blob(R2, from);
        self.ldx(size, R0, R2, 0);
        self.ld_blob(R1, off);
        self.stx(size, R1, R0, 0);
    }

    /// `ctx[ctx_off] = blob[from]`.
    pub fn blob2ctx(&mut self, ctx_off: i16, size: usize, from: u32) {
        self.ld_blob(R1, from);
        self.ldx(size, R0, R1, 0);
        self.stx(size, R6, R0, ctx_off);
    }

    /// `blob[off] = ctx[ctx_off]`; with `nonzero`, only when that is not 0.
    pub fn ctx2blob(&mut self, off: u32, size: usize, ctx_off: i16, nonzero: bool) {
        self.ldx(size, R0, R6, ctx_off);
        if nonzero {
            self.jmp_imm(JEQ, R0, 0, 3);
        }
        self.ld_blob(R1, off);
        self.stx(size, R1, R0, 0);
    }

    /// `blob[off] = stack[stack_off]`.
    pub fn stack2blob(&mut self, off: u32, size: usize, stack_off: i16) {
        self.ldx(size, R0, R10, stack_off);
        self.ld_blob(R1, off);
        self.stx(size, R1, R0, 0);
    }

    /// `ctx[ctx_off] = stack[stack_off]`.
    pub fn stack2ctx(&mut self, ctx_off: i16, size: usize, stack_off: i16) {
        self.ldx(size, R0, R10, stack_off);
        self.stx(size, R6, R0, ctx_off);
    }

    /// `R7 = bpf_sys_bpf(cmd, &blob[attr], size)`.
    pub fn sys_bpf(&mut self, cmd: u32, attr: u32, size: usize) {
        self.mov_imm(R1, cmd as i32);
        self.ld_blob(R2, attr);
        self.mov_imm(R3, size as i32);
        self.call(FN_SYS_BPF);
        self.mov_reg(R7, R0);
    }

    /// `if (R7 < 0) goto cleanup`.
    pub fn check_err(&mut self) {
        let off = self.cleanup_label as i64 - self.insns.len() as i64 - 1;
        match i16::try_from(off) {
            Ok(o) => self.jmp_imm(JSLT, R7, 0, o),
            Err(_) => {
                self.fail(Error::Range(
                    "gen_loader: loader program too long to branch",
                ));
                self.jmp_imm(JA, 0, 0, -1);
            }
        }
    }

    /// Closes the fd in R1 if it is > 0 (R9 keeps it).
    fn close_r1(&mut self) {
        self.jmp_imm(JSLE, R1, 0, 2);
        self.mov_reg(R9, R1);
        self.call(FN_SYS_CLOSE);
    }

    /// Closes the fd in stack slot `stack_off`.
    pub fn close_stack(&mut self, stack_off: i16) {
        self.ldx(4, R1, R10, stack_off);
        self.close_r1();
    }

    /// Closes the fd stored at `blob[off]`.
    pub fn close_blob(&mut self, off: u32) {
        self.ld_blob(R0, off);
        self.ldx(4, R1, R0, 0);
        self.close_r1();
    }
}

/// Instructions of [`Emitter::close_blob`].
pub const CLOSE_BLOB_LEN: usize = 6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_data_is_padded_to_eight_bytes() {
        let mut e = Emitter::default();
        assert_eq!(e.add_data(b"GPL\0"), 0);
        assert_eq!(e.add_zeros(12), 8);
        assert_eq!(e.add_data(&[1; 8]), 24);
        assert_eq!(e.data.len(), 32);
        assert_eq!(&e.data[..8], b"GPL\0\0\0\0\0");
    }

    #[test]
    fn close_blob_has_its_documented_length() {
        let mut e = Emitter::default();
        e.close_blob(16);
        assert_eq!(e.insns.len(), CLOSE_BLOB_LEN);
        assert_eq!(e.insns[0].src(), BPF_PSEUDO_MAP_IDX_VALUE);
        assert_eq!(e.insns[1].imm, 16);
    }

    #[test]
    fn an_error_branch_jumps_back_to_the_cleanup_label() {
        let mut e = Emitter::default();
        e.mov_imm(R0, 0);
        e.cleanup_label = 1;
        e.mov_imm(R0, 0);
        e.mov_imm(R0, 0);
        e.check_err();
        // At index 3, `off` -3 lands on 3 + 1 - 3 = 1.
        assert_eq!(e.insns[3].off, -3);
        assert!(e.error.is_none());
    }
}
