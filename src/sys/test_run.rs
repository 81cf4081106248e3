//! `BPF_PROG_TEST_RUN`: one run of a loaded program on caller-given input.
//!
//! Owns: the test-run inputs and the out-fields libbpf copies back.
//! Must not call: `capi`.
//! Spec: `libbpf-api.md` §1.1 (rows of `bpf_prog_test_run*`).

use super::attr::TestRunAttr;
use super::{call_out, Cmd, UserPtr};
use crate::error::{Error, SysError};

/// Inputs of `BPF_PROG_TEST_RUN` (Linux 4.12; ctx 5.2; flags/cpu 5.10; batch 5.18).
#[derive(Clone, Copy, Debug, Default)]
pub struct TestRun {
    pub data_in: UserPtr,
    pub data_out: UserPtr,
    pub data_size_in: u32,
    /// In: the room at `data_out` (0 = unchecked, the 0.x call); out: the length.
    pub data_size_out: u32,
    pub ctx_in: UserPtr,
    pub ctx_out: UserPtr,
    pub ctx_size_in: u32,
    pub ctx_size_out: u32,
    pub repeat: u32,
    pub duration: u32,
    pub flags: u32,
    pub cpu: u32,
    pub batch_size: u32,
}

impl TestRun {
    /// libbpf 0.x `bpf_prog_test_run_xattr`: an output size without an output
    /// buffer is refused (EINVAL) before the kernel sees it.
    pub fn check_out_buffer(&self) -> Result<(), Error> {
        if self.data_out.is_null() && self.data_size_out > 0 {
            return Err(Error::inval("data_size_out > 0 without data_out"));
        }
        Ok(())
    }
}

/// What `BPF_PROG_TEST_RUN` leaves in the attr: libbpf copies these back whether
/// the call succeeded or not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TestRunOut {
    pub retval: u32,
    pub duration: u32,
    pub data_size_out: u32,
    pub ctx_size_out: u32,
}

/// `BPF_PROG_TEST_RUN` (Linux 4.12): the result and the out-fields of the attr.
pub fn prog_test_run(prog_fd: i32, t: &TestRun) -> (Result<(), SysError>, TestRunOut) {
    let attr = TestRunAttr {
        prog_fd: prog_fd as u32,
        retval: 0,
        data_size_in: t.data_size_in,
        data_size_out: t.data_size_out,
        data_in: t.data_in.0,
        data_out: t.data_out.0,
        repeat: t.repeat,
        duration: t.duration,
        ctx_size_in: t.ctx_size_in,
        ctx_size_out: t.ctx_size_out,
        ctx_in: t.ctx_in.0,
        ctx_out: t.ctx_out.0,
        flags: t.flags,
        cpu: t.cpu,
        batch_size: t.batch_size,
        _pad0: 0,
    };
    call_out(Cmd::ProgTestRun, attr, |a| TestRunOut {
        retval: a.retval,
        duration: a.duration,
        data_size_out: a.data_size_out,
        ctx_size_out: a.ctx_size_out,
    })
}
