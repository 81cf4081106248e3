//! `bpf_object__gen_loader`: instead of creating maps and loading programs,
//! `bpf_object__load` records the `bpf()` commands that would do it as a
//! `BPF_PROG_TYPE_SYSCALL` program (the "loader") plus the data blob it works
//! on. A light skeleton (`skel_internal.h`'s `bpf_load_and_run`) loads that
//! program and runs it with `BPF_PROG_RUN`; the map and program fds land in the
//! skeleton's `struct bpf_loader_ctx` descriptors.
//!
//! The loader consults [`ObjState::gen`] at each point where it would call the
//! kernel (BTF load, map create, initial values, freeze, program load) and hands
//! the work here. Nothing in this module calls the kernel, except what libbpf
//! 1.1.2 also asks it when generating: a target program's BTF (freplace,
//! `attach_prog_fd`) and a pinned map's auto-pin.
//!
//! - `emit`: the instruction emitter and the blob.
//! - `attr`: the `bpf_attr` images.
//! - `maps`: BTF load, map create, initial values, freeze.
//! - `ksyms`: `.ksyms` externs and kfunc calls resolved at run time.
//! - `progs`: program relocation (map indexes), attach targets, CO-RE records,
//!   program load.
//! - here: the prologue with its cleanup path, and the epilogue that hands the
//!   fds to the context.

mod attr;
mod emit;
mod ksyms;
mod maps;
mod progs;

pub use maps::create_map;
pub use progs::{prog_load, relocate};

use super::ObjState;
use crate::error::Error;
use emit::*;

/// Receives the finished loader: its instructions and its data blob. Both stay
/// owned by the object until it is closed.
pub type Sink = Box<dyn FnMut(&[u8], &[u8]) + Send>;

/// The generator of one object's loader program.
pub struct Gen {
    e: Emitter,
    /// Offset in the blob of the `fd_array` (map fds, then kfunc BTF fds).
    fd_array: u32,
    /// Maps and programs recorded so far (the descriptor indexes).
    nr_maps: usize,
    nr_progs: usize,
    /// The BTF load was recorded: maps and programs refer to its fd.
    btf: bool,
    /// Kfunc module BTF slots in use after the map slots of the `fd_array`.
    nr_fd_array: usize,
    sink: Sink,
    /// The finished loader (instructions, blob), kept for the caller's pointers.
    out: Option<(Vec<u8>, Vec<u8>)>,
}

impl std::fmt::Debug for Gen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gen")
            .field("insns", &self.e.insns.len())
            .field("data", &self.e.data.len())
            .field("nr_maps", &self.nr_maps)
            .field("nr_progs", &self.nr_progs)
            .finish()
    }
}

impl Gen {
    /// A generator whose result goes to `sink` when a load finishes.
    pub fn new(sink: Sink) -> Gen {
        Gen {
            e: Emitter::default(),
            fd_array: 0,
            nr_maps: 0,
            nr_progs: 0,
            btf: false,
            nr_fd_array: 0,
            sink,
            out: None,
        }
    }

    /// True once the BTF load is recorded (maps and programs then carry BTF ids).
    pub fn has_btf(&self) -> bool {
        self.btf
    }

    /// The offset of fd slot `i` of the `fd_array` in the blob.
    fn fd_slot(&self, i: usize) -> u32 {
        self.fd_array + 4 * i as u32
    }

    /// The prologue: R6 = ctx, the stack frame zeroed, then (jumped over) the
    /// cleanup code every failure branches to: close each fd on the stack (BTF,
    /// inner map, programs) and in the map slots, return R7.
    fn init(&mut self, nr_progs: usize, nr_maps: usize) {
        let e = &mut self.e;
        self.fd_array = e.add_zeros((MAX_USED_MAPS + MAX_KFUNC_DESCS) * 4);
        e.mov_reg(R6, R1);
        e.mov_reg(R1, R10);
        e.alu64_imm(ADD, R1, -STACK_SIZE);
        e.mov_imm(R2, STACK_SIZE);
        e.mov_imm(R3, 0);
        // Reading from NULL fails and zeroes the destination.
        e.call(FN_PROBE_READ_KERNEL);
        let stack_slots = 2 + nr_progs;
        let cleanup_len = stack_slots * 3 + 2 + nr_maps * CLOSE_BLOB_LEN;
        e.jmp_imm(JA, 0, 0, cleanup_len as i16);
        e.cleanup_label = e.insns.len();
        for i in 0..stack_slots {
            e.ldx(4, R1, R10, STACK_BTF_FD + 4 * i as i16);
            e.jmp_imm(JSLE, R1, 0, 1);
            e.call(FN_SYS_CLOSE);
        }
        for i in 0..nr_maps {
            let slot = self.fd_array + 4 * i as u32;
            e.close_blob(slot);
        }
        e.mov_reg(R0, R7);
        e.exit();
    }

    /// The epilogue: close the BTF fd, copy program and map fds into the
    /// context, return 0. Every map must have been recorded; programs left out
    /// (autoload off) shift the later programs' descriptors, as in libbpf 1.1.2.
    fn finish(&mut self, nr_progs: usize, nr_maps: usize) -> Result<(), Error> {
        if nr_progs < self.nr_progs || nr_maps != self.nr_maps {
            crate::log::warn(format_args!(
                "nr_progs {}/{} nr_maps {}/{} mismatch",
                nr_progs, self.nr_progs, nr_maps, self.nr_maps
            ));
            return Err(Error::BadAddress(
                "gen_loader: not every program and map was recorded",
            ));
        }
        self.e.close_stack(STACK_BTF_FD);
        for i in 0..self.nr_progs {
            let ctx = ctx_prog(self.nr_maps, i);
            self.e.stack2ctx(ctx, 4, stack_prog_fd(i));
        }
        for i in 0..self.nr_maps {
            let slot = self.fd_slot(i);
            self.e.blob2ctx(ctx_map(i, 0), 4, slot);
        }
        self.e.mov_imm(R0, 0);
        self.e.exit();
        crate::log::debug(format_args!("gen: finish 0"));
        if let Some(e) = self.e.error.take() {
            return Err(e);
        }
        let insns = crate::insn::encode_all(&self.e.insns);
        let data = std::mem::take(&mut self.e.data);
        (self.sink)(&insns, &data);
        self.out = Some((insns, data));
        Ok(())
    }
}

/// Starts a load in generate mode: refuses more programs or maps than the
/// loader has room for, then emits the prologue for the object's programs and maps.
pub fn begin(st: &mut ObjState) -> Result<(), Error> {
    let (nr_progs, nr_maps) = (st.progs.len(), st.maps.len());
    // libbpf 1.1.2 sizes the cleanup code by its program count, which takes in
    // every function of the object (subprograms too).
    let nr_funcs = st.obj.code.iter().map(|c| c.funcs.len()).sum();
    let Some(g) = st.gen.as_mut() else {
        return Ok(());
    };
    if nr_progs > MAX_USED_PROGS {
        crate::log::warn(format_args!(
            "gen_loader: {nr_progs} programs, at most {MAX_USED_PROGS} supported"
        ));
        return Err(Error::TooBig("gen_loader: too many programs"));
    }
    if nr_maps > MAX_USED_MAPS {
        crate::log::warn(format_args!("Total maps exceeds {MAX_USED_MAPS}"));
        return Err(Error::TooBig("gen_loader: too many maps"));
    }
    g.init(nr_funcs, nr_maps);
    Ok(())
}

/// Ends a load in generate mode: the epilogue, and the result to the sink.
pub fn finish(st: &mut ObjState) -> Result<(), Error> {
    let (nr_progs, nr_maps) = (st.progs.len(), st.maps.len());
    match st.gen.as_mut() {
        Some(g) => g.finish(nr_progs, nr_maps),
        None => Ok(()),
    }
}
