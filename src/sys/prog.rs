//! Program, attach, link, test-run and BTF-load commands.
//!
//! Owns: `BPF_PROG_LOAD` with libbpf's three retries (EAGAIN, the kernel's
//! func/line-info record-size hint, the log retry), `BPF_BTF_LOAD` with its log
//! retry, attach/detach/query, raw tracepoints, links, test runs, map binding.
//! Must not call: `capi`.
//! Spec: `libbpf-api.md` §1.1 (rows of these calls) and §2.5 (PROG_LOAD retries).
//!
//! Descriptors in this module are numbers the kernel resolves, passed through
//! unchanged as libbpf passes them: several fields hold an fd *or* an ifindex, or 0
//! for "the current netns", and the kernel checks some arguments before it looks
//! the fd up. Keeping them raw keeps every return value and errno the kernel's own.

use super::attr::{
    BtfLoadAttr, IterCreateAttr, LinkCreateAttr, LinkDetachAttr, LinkUpdateAttr, ProgAttachAttr,
    ProgBindMapAttr, ProgLoadAttr, ProgQueryAttr, RawTpAttr, TestRunAttr,
};
use super::{call, call_fd, Cmd, UserPtr};
use crate::error::{Error, SysError};
use std::marker::PhantomData;
use std::os::fd::OwnedFd;

/// libbpf's default number of `BPF_PROG_LOAD` attempts while the kernel says EAGAIN.
pub const PROG_LOAD_ATTEMPTS: i32 = 5;

/// A caller's log buffer (verifier or BTF log): handed to the kernel, never read here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Log {
    pub buf: UserPtr,
    pub size: u32,
    pub level: u32,
}

/// `.BTF.ext` records of a program (`func_info` or `line_info`): `cnt` records of
/// `rec_size` bytes at a caller's address.
///
/// Rust reads the records only when the kernel asks for a retry with their unknown
/// tail bytes zeroed (E2BIG); otherwise only the kernel touches them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Recs<'a> {
    ptr: UserPtr,
    cnt: u32,
    rec_size: u32,
    _mem: PhantomData<&'a [u8]>,
}

impl<'a> Recs<'a> {
    /// Records at a caller's address.
    ///
    /// # Safety
    /// `ptr` is 0, or the address of `cnt * rec_size` readable bytes that stay valid
    /// and unmodified for `'a` (libbpf's contract for `func_info`/`line_info`).
    pub unsafe fn new(ptr: UserPtr, cnt: u32, rec_size: u32) -> Self {
        Recs {
            ptr,
            cnt,
            rec_size,
            _mem: PhantomData,
        }
    }

    /// Records in a Rust buffer. `None` if the buffer is shorter than `cnt * rec_size`.
    pub fn from_slice(data: &'a [u8], cnt: u32, rec_size: u32) -> Option<Self> {
        let need = (cnt as usize).checked_mul(rec_size as usize)?;
        if data.len() < need {
            return None;
        }
        // SAFETY: `data` holds at least `cnt * rec_size` bytes borrowed for `'a`.
        Some(unsafe { Self::new(UserPtr::from_ptr(data.as_ptr()), cnt, rec_size) })
    }

    /// A copy of the records, each keeping its `rec_size` bytes but with everything
    /// past the first `kernel_size` bytes zeroed (libbpf's answer to the kernel's
    /// E2BIG hint). `None` for a NULL or empty array, or a copy that cannot be
    /// allocated (libbpf's failed `malloc`).
    fn zero_tailed(&self, kernel_size: u32) -> Option<Vec<u8>> {
        let rec = self.rec_size as usize;
        if self.ptr.is_null() || rec == 0 {
            return None;
        }
        let total = (self.cnt as usize).checked_mul(rec)?;
        if total > isize::MAX as usize {
            return None;
        }
        let keep = (kernel_size as usize).min(rec);
        let ptr = usize::try_from(self.ptr.0).ok()? as *const u8;
        // SAFETY: the constructor's contract: `ptr` addresses `cnt * rec_size` (= `total` <= isize::MAX) readable bytes, valid for `'a`, which outlives `self`.
        let src = unsafe { std::slice::from_raw_parts(ptr, total) };
        let mut out = Vec::new();
        out.try_reserve_exact(total).ok()?;
        out.resize(total, 0u8);
        for (dst, rec_src) in out.chunks_exact_mut(rec).zip(src.chunks_exact(rec)) {
            dst[..keep].copy_from_slice(&rec_src[..keep]);
        }
        Some(out)
    }
}

/// Everything `BPF_PROG_LOAD` takes through libbpf's `bpf_prog_load` (Linux 3.18;
/// names 4.15; BTF func/line info 5.0; `fd_array` 5.14).
#[derive(Clone, Copy, Debug, Default)]
pub struct ProgLoad<'a> {
    pub prog_type: u32,
    /// Up to 15 bytes are sent (libbpf truncates the same way).
    pub name: [u8; 16],
    /// The license C string (the kernel reads it; NULL gives its EFAULT).
    pub license: UserPtr,
    pub insns: UserPtr,
    pub insn_cnt: usize,
    pub expected_attach_type: u32,
    pub prog_btf_fd: u32,
    pub prog_flags: u32,
    pub prog_ifindex: u32,
    pub kern_version: u32,
    pub attach_btf_id: u32,
    pub attach_prog_fd: u32,
    pub attach_btf_obj_fd: u32,
    pub fd_array: UserPtr,
    pub func_info: Recs<'a>,
    pub line_info: Recs<'a>,
    /// `level == 0` with a buffer: load without a log, retry once at level 1 on failure.
    pub log: Log,
    /// Tries while the kernel says EAGAIN; 0 means [`PROG_LOAD_ATTEMPTS`], < 0 is EINVAL.
    pub attempts: i32,
}

impl ProgLoad<'_> {
    /// The attr of the first attempt; the log is sent only when `log.level != 0`.
    fn attr(&self) -> ProgLoadAttr {
        let mut attr = ProgLoadAttr {
            prog_type: self.prog_type,
            insn_cnt: self.insn_cnt as u32,
            insns: self.insns.0,
            license: self.license.0,
            kern_version: self.kern_version,
            prog_flags: self.prog_flags,
            prog_name: crate::sys::attr::obj_name(&self.name),
            prog_ifindex: self.prog_ifindex,
            expected_attach_type: self.expected_attach_type,
            prog_btf_fd: self.prog_btf_fd,
            func_info_rec_size: self.func_info.rec_size,
            func_info: self.func_info.ptr.0,
            func_info_cnt: self.func_info.cnt,
            line_info_rec_size: self.line_info.rec_size,
            line_info: self.line_info.ptr.0,
            line_info_cnt: self.line_info.cnt,
            attach_btf_id: self.attach_btf_id,
            // One field in the UAPI: `attach_prog_fd` wins when both are zero or it is set.
            attach_prog_fd: if self.attach_prog_fd != 0 {
                self.attach_prog_fd
            } else {
                self.attach_btf_obj_fd
            },
            fd_array: self.fd_array.0,
            ..ProgLoadAttr::default()
        };
        if self.log.level != 0 {
            set_log(&mut attr, self.log);
        }
        attr
    }
}

impl ProgLoad<'_> {
    /// The two unions of libbpf 0.x `struct bpf_load_program_attr`: `kern_version`
    /// shares its slot with `attach_prog_fd`, `prog_ifindex` with `attach_btf_id`;
    /// the program type says which reading applies (libbpf 0.7–0.8).
    pub fn set_legacy_unions(&mut self, kver_or_attach_prog_fd: u32, ifindex_or_btf_id: u32) {
        use crate::uapi::{
            BPF_PROG_TYPE_EXT, BPF_PROG_TYPE_LSM, BPF_PROG_TYPE_STRUCT_OPS, BPF_PROG_TYPE_TRACING,
        };
        match self.prog_type {
            BPF_PROG_TYPE_STRUCT_OPS | BPF_PROG_TYPE_LSM => self.attach_btf_id = ifindex_or_btf_id,
            BPF_PROG_TYPE_TRACING | BPF_PROG_TYPE_EXT => {
                self.attach_btf_id = ifindex_or_btf_id;
                self.attach_prog_fd = kver_or_attach_prog_fd;
            }
            _ => {
                self.prog_ifindex = ifindex_or_btf_id;
                self.kern_version = kver_or_attach_prog_fd;
            }
        }
    }
}

fn set_log(attr: &mut ProgLoadAttr, log: Log) {
    attr.log_buf = log.buf.0;
    attr.log_size = log.size;
    attr.log_level = log.level;
}

/// One `BPF_PROG_LOAD` retried while the kernel answers EAGAIN, `attempts` tries in
/// all (libbpf's `sys_bpf_prog_load`).
fn load_eagain(
    sys: &mut impl FnMut(&mut ProgLoadAttr) -> Result<OwnedFd, SysError>,
    attr: &mut ProgLoadAttr,
    attempts: i32,
) -> Result<OwnedFd, SysError> {
    let mut left = attempts;
    loop {
        match sys(attr) {
            Err(e) if e.errno == libc::EAGAIN && left > 1 => left -= 1,
            r => return r,
        }
    }
}

/// `BPF_PROG_LOAD` as libbpf 1.1's `bpf_prog_load`: a new program fd, above 2.
///
/// User-space checks first (in libbpf's order): `attempts < 0` → EINVAL,
/// `insn_cnt > UINT_MAX` → E2BIG, both `attach_prog_fd` and `attach_btf_obj_fd` →
/// EINVAL, a log buffer without a size or a size without a buffer, a log level
/// above 7 or a level without a buffer → EINVAL (libbpf 1.1.2). Then:
/// 1. the load, retried while EAGAIN (`attempts` tries, default 5);
/// 2. on E2BIG, if the kernel wrote back a smaller `func_info_rec_size` (then
///    `line_info_rec_size`), a retry with each record's unknown tail zeroed;
/// 3. on failure with `log.level == 0` and a log buffer, one retry at level 1 so the
///    buffer receives the verifier's reasons.
pub fn prog_load(p: &ProgLoad<'_>) -> Result<OwnedFd, Error> {
    prog_load_with(p, |attr| call_fd(Cmd::ProgLoad, attr))
}

fn prog_load_with(
    p: &ProgLoad<'_>,
    mut sys: impl FnMut(&mut ProgLoadAttr) -> Result<OwnedFd, SysError>,
) -> Result<OwnedFd, Error> {
    let attempts = match p.attempts {
        a if a < 0 => return Err(Error::inval("bpf_prog_load: attempts < 0")),
        0 => PROG_LOAD_ATTEMPTS,
        a => a,
    };
    if p.insn_cnt > u32::MAX as usize {
        return Err(Error::Errno(
            libc::E2BIG,
            "bpf_prog_load: insn_cnt > UINT_MAX",
        ));
    }
    if p.attach_prog_fd != 0 && p.attach_btf_obj_fd != 0 {
        return Err(Error::inval(
            "bpf_prog_load: both attach_prog_fd and attach_btf_obj_fd",
        ));
    }
    if p.log.buf.is_null() != (p.log.size == 0) {
        return Err(Error::inval(
            "bpf_prog_load: log_buf and log_size must be set together",
        ));
    }
    // libbpf 1.1 knows levels 1, 2 and 4 (BPF_LOG_LEVEL1/2, BPF_LOG_STATS) and
    // refuses a level without a buffer before the kernel sees either.
    if p.log.level > (4 | 2 | 1) {
        return Err(Error::inval("bpf_prog_load: log_level > 7"));
    }
    if p.log.level != 0 && p.log.buf.is_null() {
        return Err(Error::inval("bpf_prog_load: log_level without log_buf"));
    }

    let mut attr = p.attr();
    let mut r = load_eagain(&mut sys, &mut attr, attempts);

    // The kernel writes back the record size it understands when a record has
    // non-zero bytes past it (E2BIG): resend with those tails zeroed. The buffers
    // must outlive every later attempt, which reads them through `attr`.
    let mut finfo: Option<Vec<u8>> = None;
    let mut linfo: Option<Vec<u8>> = None;
    while matches!(&r, Err(e) if e.errno == libc::E2BIG) && (finfo.is_none() || linfo.is_none()) {
        if finfo.is_none()
            && attr.func_info_cnt != 0
            && attr.func_info_rec_size < p.func_info.rec_size
        {
            let Some(buf) = p.func_info.zero_tailed(attr.func_info_rec_size) else {
                // libbpf gives up with E2BIG here, without the log retry.
                return r.map_err(Error::from);
            };
            attr.func_info = UserPtr::from_ptr(buf.as_ptr()).0;
            attr.func_info_rec_size = p.func_info.rec_size;
            finfo = Some(buf);
        } else if linfo.is_none()
            && attr.line_info_cnt != 0
            && attr.line_info_rec_size < p.line_info.rec_size
        {
            let Some(buf) = p.line_info.zero_tailed(attr.line_info_rec_size) else {
                return r.map_err(Error::from);
            };
            attr.line_info = UserPtr::from_ptr(buf.as_ptr()).0;
            attr.line_info_rec_size = p.line_info.rec_size;
            linfo = Some(buf);
        } else {
            break;
        }
        r = load_eagain(&mut sys, &mut attr, attempts);
    }

    if r.is_err() && p.log.level == 0 && !p.log.buf.is_null() {
        set_log(&mut attr, Log { level: 1, ..p.log });
        r = load_eagain(&mut sys, &mut attr, attempts);
    }
    drop((finfo, linfo));
    r.map_err(Error::from)
}

/// One `BPF_PROG_LOAD` with the log exactly as given and only the EAGAIN retry
/// (libbpf 0.x `bpf_verify_program`). The user-space checks of [`prog_load`] are
/// not made: the kernel judges every field.
pub fn prog_load_plain(p: &ProgLoad<'_>) -> Result<OwnedFd, Error> {
    let mut attr = p.attr();
    set_log(&mut attr, p.log);
    let attempts = if p.attempts > 0 {
        p.attempts
    } else {
        PROG_LOAD_ATTEMPTS
    };
    let mut sys = |a: &mut ProgLoadAttr| call_fd(Cmd::ProgLoad, a);
    Ok(load_eagain(&mut sys, &mut attr, attempts)?)
}

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
    let mut attr = TestRunAttr {
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
    let r = call(Cmd::ProgTestRun, &mut attr).map(drop);
    let out = TestRunOut {
        retval: attr.retval,
        duration: attr.duration,
        data_size_out: attr.data_size_out,
        ctx_size_out: attr.ctx_size_out,
    };
    (r, out)
}

/// `BPF_PROG_ATTACH` (Linux 4.10; `replace_bpf_fd` 5.6). `target` is a cgroup,
/// map or netns fd, or 0, as the attach type says.
pub fn prog_attach(
    prog_fd: i32,
    target: i32,
    attach_type: u32,
    flags: u32,
    replace_prog_fd: i32,
) -> Result<(), SysError> {
    let mut attr = ProgAttachAttr {
        target_fd: target as u32,
        attach_bpf_fd: prog_fd as u32,
        attach_type,
        attach_flags: flags,
        replace_bpf_fd: replace_prog_fd as u32,
    };
    call(Cmd::ProgAttach, &mut attr).map(drop)
}

/// `BPF_PROG_DETACH` (Linux 4.10). `prog_fd` 0 detaches whatever single program is
/// attached (the 2-argument `bpf_prog_detach`).
pub fn prog_detach(prog_fd: i32, target: i32, attach_type: u32) -> Result<(), SysError> {
    let mut attr = ProgAttachAttr {
        target_fd: target as u32,
        attach_bpf_fd: prog_fd as u32,
        attach_type,
        ..ProgAttachAttr::default()
    };
    call(Cmd::ProgDetach, &mut attr).map(drop)
}

/// Inputs of `BPF_PROG_QUERY` (Linux 4.15; `prog_attach_flags` 6.0).
#[derive(Clone, Copy, Debug, Default)]
pub struct Query {
    pub query_flags: u32,
    pub prog_ids: UserPtr,
    /// In: the room at `prog_ids`; out: the number attached.
    pub prog_cnt: u32,
    pub prog_attach_flags: UserPtr,
}

/// What `BPF_PROG_QUERY` leaves in the attr (copied back on failure too, as libbpf does).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueryOut {
    pub attach_flags: u32,
    pub prog_cnt: u32,
}

/// `BPF_PROG_QUERY` (Linux 4.15).
pub fn prog_query(target: i32, attach_type: u32, q: &Query) -> (Result<(), SysError>, QueryOut) {
    let mut attr = ProgQueryAttr {
        target_fd: target as u32,
        attach_type,
        query_flags: q.query_flags,
        attach_flags: 0,
        prog_ids: q.prog_ids.0,
        prog_cnt: q.prog_cnt,
        _pad0: 0,
        prog_attach_flags: q.prog_attach_flags.0,
    };
    let r = call(Cmd::ProgQuery, &mut attr).map(drop);
    let out = QueryOut {
        attach_flags: attr.attach_flags,
        prog_cnt: attr.prog_cnt,
    };
    (r, out)
}

/// `BPF_RAW_TRACEPOINT_OPEN` (Linux 4.17). `name` is a C string the kernel reads;
/// NULL is right for BTF-typed programs (fentry, LSM, tp_btf), which carry their target.
pub fn raw_tracepoint_open(name: UserPtr, prog_fd: i32) -> Result<OwnedFd, SysError> {
    let mut attr = RawTpAttr {
        name: name.0,
        prog_fd: prog_fd as u32,
        _pad0: 0,
    };
    call_fd(Cmd::RawTracepointOpen, &mut attr)
}

/// The contents of libbpf 1.1's `struct bpf_link_create_opts` after `sz`, byte for
/// byte (its zero checks cover padding too), plus the call's arguments.
#[derive(Clone, Copy, Debug, Default)]
pub struct LinkCreate {
    pub prog_fd: i32,
    /// An fd or an ifindex (XDP), or 0, as the attach type says.
    pub target: i32,
    pub attach_type: u32,
    pub flags: u32,
    /// Bytes 12..16 of the C opts (alignment padding).
    pub pad0: u32,
    pub iter_info: UserPtr,
    pub iter_info_len: u32,
    pub target_btf_id: u32,
    /// The per-attach-type union at offset 32 (`perf_event` / `kprobe_multi` /
    /// `tracing`), as raw bytes in host order.
    pub per_type: [u8; 32],
}

impl LinkCreate {
    fn u32_at(&self, off: usize) -> u32 {
        let mut b = [0u8; 4];
        b.copy_from_slice(&self.per_type[off..off + 4]);
        u32::from_ne_bytes(b)
    }

    fn u64_at(&self, off: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.per_type[off..off + 8]);
        u64::from_ne_bytes(b)
    }

    /// libbpf's `OPTS_ZEROED(opts, <member>)`: every byte after the union member that
    /// ends `end` bytes into the union is zero.
    fn union_zero_from(&self, end: usize) -> bool {
        self.per_type[end..].iter().all(|&b| b == 0)
    }

    /// `OPTS_ZEROED(opts, flags)`: nothing after `flags` is set.
    fn zero_after_flags(&self) -> bool {
        self.pad0 == 0
            && self.iter_info.is_null()
            && self.iter_info_len == 0
            && self.target_btf_id == 0
            && self.union_zero_from(0)
    }
}

/// Writes a `u32`/`u64` into the link_create attr's union (offset 16 of the command).
struct LinkUnion([u8; 48]);

impl LinkUnion {
    fn put32(&mut self, off: usize, v: u32) {
        self.0[off..off + 4].copy_from_slice(&v.to_ne_bytes());
    }

    fn put64(&mut self, off: usize, v: u64) {
        self.0[off..off + 8].copy_from_slice(&v.to_ne_bytes());
    }

    fn words(&self) -> [u64; 6] {
        let mut w = [0u64; 6];
        for (i, c) in self.0.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            w[i] = u64::from_ne_bytes(b);
        }
        w
    }
}

/// `BPF_LINK_CREATE` (Linux 5.7) as libbpf 1.1's `bpf_link_create`: a new link fd.
///
/// Checks as libbpf: `iter_info_len` with `target_btf_id` → EINVAL; either of them
/// with anything set in the union → EINVAL; per attach type, set bytes past the
/// member it uses → EINVAL. If the kernel answers EINVAL for a raw-tracepoint-style
/// attach type (RAW_TP, LSM_MAC, FENTRY, FEXIT, MODIFY_RETURN) and nothing but the
/// program was given, it falls back to `BPF_RAW_TRACEPOINT_OPEN(NULL, prog)` as
/// libbpf does for kernels before 5.8.
pub fn link_create(p: &LinkCreate) -> Result<OwnedFd, Error> {
    link_create_with(
        p,
        |attr| call_fd(Cmd::LinkCreate, attr),
        |fd| raw_tracepoint_open(UserPtr::NULL, fd),
    )
}

fn link_create_with(
    p: &LinkCreate,
    mut sys: impl FnMut(&mut LinkCreateAttr) -> Result<OwnedFd, SysError>,
    raw_tp: impl FnOnce(i32) -> Result<OwnedFd, SysError>,
) -> Result<OwnedFd, Error> {
    use crate::uapi::*;
    const BAD: &str = "bpf_link_create: options set that the attach type does not use";
    if p.iter_info_len != 0 || p.target_btf_id != 0 {
        if p.iter_info_len != 0 && p.target_btf_id != 0 {
            return Err(Error::inval(
                "bpf_link_create: both iter_info_len and target_btf_id",
            ));
        }
        if !p.union_zero_from(0) {
            return Err(Error::inval(BAD));
        }
    }
    let mut u = LinkUnion([0; 48]);
    if p.target_btf_id != 0 {
        u.put32(0, p.target_btf_id);
    } else {
        match p.attach_type {
            BPF_TRACE_ITER => {
                u.put64(0, p.iter_info.0);
                u.put32(8, p.iter_info_len);
            }
            BPF_PERF_EVENT => {
                u.put64(0, p.u64_at(0)); // perf_event.bpf_cookie
                if !p.union_zero_from(8) {
                    return Err(Error::inval(BAD));
                }
            }
            BPF_TRACE_KPROBE_MULTI => {
                u.put32(0, p.u32_at(0)); // kprobe_multi.flags
                u.put32(4, p.u32_at(4)); // .cnt
                u.put64(8, p.u64_at(8)); // .syms
                u.put64(16, p.u64_at(16)); // .addrs
                u.put64(24, p.u64_at(24)); // .cookies
            }
            BPF_TRACE_FENTRY | BPF_TRACE_FEXIT | BPF_MODIFY_RETURN | BPF_LSM_MAC => {
                u.put64(8, p.u64_at(0)); // tracing.cookie (after the attr's target_btf_id)
                if !p.union_zero_from(8) {
                    return Err(Error::inval(BAD));
                }
            }
            _ => {
                if !p.zero_after_flags() {
                    return Err(Error::inval(BAD));
                }
            }
        }
    }
    let [u0, u1, u2, u3, u4, u5] = u.words();
    let mut attr = LinkCreateAttr {
        prog_fd: p.prog_fd as u32,
        target_fd: p.target as u32,
        attach_type: p.attach_type,
        flags: p.flags,
        u0,
        u1,
        u2,
        u3,
        u4,
        u5,
    };
    let err = match sys(&mut attr) {
        Ok(fd) => return Ok(fd),
        Err(e) => e,
    };
    // Kernels before 5.8 answer EINVAL for tracing programs: use the older command,
    // but only when it can express the request (no target, no options at all).
    let fallback = err.errno == libc::EINVAL
        && p.target == 0
        && p.target_btf_id == 0
        && p.flags == 0
        && p.zero_after_flags()
        && matches!(
            p.attach_type,
            BPF_TRACE_RAW_TP | BPF_LSM_MAC | BPF_TRACE_FENTRY | BPF_TRACE_FEXIT | BPF_MODIFY_RETURN
        );
    if fallback {
        Ok(raw_tp(p.prog_fd)?)
    } else {
        Err(err.into())
    }
}

/// `BPF_LINK_DETACH` (Linux 5.9): detaches the link; its fd stays valid (defunct).
pub fn link_detach(link_fd: i32) -> Result<(), SysError> {
    let mut attr = LinkDetachAttr {
        link_fd: link_fd as u32,
    };
    call(Cmd::LinkDetach, &mut attr).map(drop)
}

/// `BPF_LINK_UPDATE` (Linux 5.7): swaps the link's program; with
/// `BPF_F_REPLACE` only if `old_prog_fd` is the current one.
pub fn link_update(
    link_fd: i32,
    new_prog_fd: i32,
    flags: u32,
    old_prog_fd: u32,
) -> Result<(), SysError> {
    let mut attr = LinkUpdateAttr {
        link_fd: link_fd as u32,
        new_prog_fd: new_prog_fd as u32,
        flags,
        old_prog_fd,
    };
    call(Cmd::LinkUpdate, &mut attr).map(drop)
}

/// `BPF_ITER_CREATE` (Linux 5.8): a readable fd that runs the iterator link.
pub fn iter_create(link_fd: i32) -> Result<OwnedFd, SysError> {
    let mut attr = IterCreateAttr {
        link_fd: link_fd as u32,
        flags: 0,
    };
    call_fd(Cmd::IterCreate, &mut attr)
}

/// `BPF_PROG_BIND_MAP` (Linux 5.10): keeps `map_fd` alive with the program.
pub fn prog_bind_map(prog_fd: i32, map_fd: i32, flags: u32) -> Result<(), SysError> {
    let mut attr = ProgBindMapAttr {
        prog_fd: prog_fd as u32,
        map_fd: map_fd as u32,
        flags,
    };
    call(Cmd::ProgBindMap, &mut attr).map(drop)
}

/// `BPF_BTF_LOAD` (Linux 4.18) as libbpf 1.1's `bpf_btf_load`: a new BTF fd.
///
/// A log size without a buffer → EINVAL. The log goes to the kernel only when
/// `log.level != 0`; with level 0 and a buffer, a failed load is retried once at
/// level 1 so the buffer receives the reason.
pub fn btf_load(data: UserPtr, size: u32, log: Log) -> Result<OwnedFd, Error> {
    btf_load_with(data, size, log, |attr| call_fd(Cmd::BtfLoad, attr))
}

fn btf_load_with(
    data: UserPtr,
    size: u32,
    log: Log,
    mut sys: impl FnMut(&mut BtfLoadAttr) -> Result<OwnedFd, SysError>,
) -> Result<OwnedFd, Error> {
    if log.size != 0 && log.buf.is_null() {
        return Err(Error::inval("bpf_btf_load: log_size without log_buf"));
    }
    let mut attr = BtfLoadAttr {
        btf: data.0,
        btf_size: size,
        ..BtfLoadAttr::default()
    };
    if log.level != 0 {
        attr.btf_log_buf = log.buf.0;
        attr.btf_log_size = log.size;
        attr.btf_log_level = log.level;
    }
    let mut r = sys(&mut attr);
    if r.is_err() && !log.buf.is_null() && log.level == 0 {
        attr.btf_log_buf = log.buf.0;
        attr.btf_log_size = log.size;
        attr.btf_log_level = 1;
        r = sys(&mut attr);
    }
    Ok(r?)
}

/// libbpf 0.x `bpf_load_btf`: logs from the start when `do_log` (and a buffer is
/// given), else loads without a log and retries with one after a failure.
pub fn btf_load_legacy(
    data: UserPtr,
    size: u32,
    buf: UserPtr,
    buf_size: u32,
    do_log: bool,
) -> Result<OwnedFd, Error> {
    let have_buf = !buf.is_null() && buf_size != 0;
    let with_log = Log {
        buf,
        size: buf_size,
        level: 1,
    };
    let first = if do_log && have_buf {
        with_log
    } else {
        Log::default()
    };
    match btf_load(data, size, first) {
        Err(_) if !do_log && have_buf => btf_load(data, size, with_log),
        r => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    fn devnull() -> OwnedFd {
        File::open("/dev/null").expect("/dev/null").into()
    }

    fn err(errno: i32) -> SysError {
        SysError {
            call: "BPF_PROG_LOAD",
            errno,
        }
    }

    fn small_prog() -> ProgLoad<'static> {
        ProgLoad {
            prog_type: crate::uapi::BPF_PROG_TYPE_SOCKET_FILTER,
            insn_cnt: 2,
            ..ProgLoad::default()
        }
    }

    #[test]
    fn eagain_is_retried_attempts_times() {
        for (attempts, want) in [(0, 5), (1, 1), (3, 3)] {
            let mut n = 0;
            let p = ProgLoad {
                attempts,
                ..small_prog()
            };
            let r = prog_load_with(&p, |_| {
                n += 1;
                Err(err(libc::EAGAIN))
            });
            assert_eq!(r.unwrap_err().errno(), libc::EAGAIN);
            assert_eq!(n, want);
        }
        // Success on the third try.
        let mut n = 0;
        let r = prog_load_with(&small_prog(), |_| {
            n += 1;
            if n < 3 {
                Err(err(libc::EAGAIN))
            } else {
                Ok(devnull())
            }
        });
        assert!(r.is_ok());
        assert_eq!(n, 3);
    }

    #[test]
    fn user_space_checks() {
        let mut calls = 0;
        let mut run = |p: ProgLoad<'_>| {
            prog_load_with(&p, |_| {
                calls += 1;
                Ok(devnull())
            })
            .map(drop)
            .map_err(|e| (e.errno(), e.is_syscall()))
        };
        let buf = [0u8; 8];
        let b = UserPtr::from_ptr(buf.as_ptr());
        assert_eq!(
            run(ProgLoad {
                attempts: -1,
                ..small_prog()
            }),
            Err((libc::EINVAL, false))
        );
        assert_eq!(
            run(ProgLoad {
                insn_cnt: u32::MAX as usize + 1,
                ..small_prog()
            }),
            Err((libc::E2BIG, false))
        );
        assert_eq!(
            run(ProgLoad {
                attach_prog_fd: 3,
                attach_btf_obj_fd: 4,
                ..small_prog()
            }),
            Err((libc::EINVAL, false))
        );
        let log = |buf, size, level| Log { buf, size, level };
        assert_eq!(
            run(ProgLoad {
                log: log(b, 0, 1),
                ..small_prog()
            }),
            Err((libc::EINVAL, false))
        );
        assert_eq!(
            run(ProgLoad {
                log: log(UserPtr::NULL, 8, 0),
                ..small_prog()
            }),
            Err((libc::EINVAL, false))
        );
        for bad in [log(UserPtr::NULL, 0, 1), log(b, 8, 8)] {
            assert_eq!(
                run(ProgLoad {
                    log: bad,
                    ..small_prog()
                }),
                Err((libc::EINVAL, false))
            );
        }
        for good in [log(b, 8, 0), log(b, 8, 7)] {
            assert_eq!(
                run(ProgLoad {
                    log: good,
                    ..small_prog()
                }),
                Ok(())
            );
        }
        assert_eq!(calls, 2);
    }

    #[test]
    fn log_retry_only_with_level_0_and_a_buffer() {
        let buf = [0u8; 64];
        let b = UserPtr::from_ptr(buf.as_ptr());
        for (log, want) in [
            (
                Log {
                    buf: b,
                    size: 64,
                    level: 0,
                },
                vec![(0, 0, 0), (b.0, 64, 1)],
            ),
            (
                Log {
                    buf: b,
                    size: 64,
                    level: 2,
                },
                vec![(b.0, 64, 2)],
            ),
            (Log::default(), vec![(0, 0, 0)]),
        ] {
            let mut seen = Vec::new();
            let p = ProgLoad {
                log,
                ..small_prog()
            };
            let r = prog_load_with(&p, |a| {
                seen.push((a.log_buf, a.log_size, a.log_level));
                Err(err(libc::EACCES))
            });
            assert_eq!(r.unwrap_err().errno(), libc::EACCES);
            assert_eq!(seen, want);
        }
    }

    #[test]
    fn e2big_retries_with_zeroed_record_tails() {
        // Two 12-byte records; the "kernel" understands 8 bytes.
        let recs: [u8; 24] = [
            1, 0, 0, 0, 2, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd, //
            3, 0, 0, 0, 4, 0, 0, 0, 0xee, 0xff, 0x11, 0x22,
        ];
        let buf = [0u8; 16];
        let p = ProgLoad {
            func_info: Recs::from_slice(&recs, 2, 12).unwrap(),
            line_info: Recs::from_slice(&recs, 2, 12).unwrap(),
            log: Log {
                buf: UserPtr::from_ptr(buf.as_ptr()),
                size: 16,
                level: 0,
            },
            ..small_prog()
        };
        let mut seen: Vec<(u32, Vec<u8>, u32, Vec<u8>)> = Vec::new();
        let r = prog_load_with(&p, |a| {
            let read = |ptr: u64, n: u32, size: u32| {
                // SAFETY: test-only: the pointers are `recs` or the loader's own zero-tailed copies, `n * size` bytes each.
                unsafe {
                    std::slice::from_raw_parts(ptr as usize as *const u8, (n * size) as usize)
                }
                .to_vec()
            };
            seen.push((
                a.func_info_rec_size,
                read(a.func_info, a.func_info_cnt, a.func_info_rec_size),
                a.line_info_rec_size,
                read(a.line_info, a.line_info_cnt, a.line_info_rec_size),
            ));
            match seen.len() {
                // The kernel writes back the record size it knows.
                1 => {
                    a.func_info_rec_size = 8;
                    Err(err(libc::E2BIG))
                }
                2 => {
                    a.line_info_rec_size = 8;
                    Err(err(libc::E2BIG))
                }
                _ => Ok(devnull()),
            }
        });
        assert!(r.is_ok());
        assert_eq!(seen.len(), 3);
        let zeroed: Vec<u8> = [
            1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0,
        ]
        .to_vec();
        assert_eq!(seen[0].1, recs.to_vec());
        assert_eq!((seen[1].0, &seen[1].1), (12, &zeroed));
        assert_eq!((seen[1].2, &seen[1].3), (12, &recs.to_vec()));
        assert_eq!((seen[2].0, &seen[2].1), (12, &zeroed));
        assert_eq!((seen[2].2, &seen[2].3), (12, &zeroed));
    }

    #[test]
    fn e2big_without_a_smaller_size_goes_to_the_log_retry() {
        let buf = [0u8; 16];
        let p = ProgLoad {
            log: Log {
                buf: UserPtr::from_ptr(buf.as_ptr()),
                size: 16,
                level: 0,
            },
            ..small_prog()
        };
        let mut levels = Vec::new();
        let r = prog_load_with(&p, |a| {
            levels.push(a.log_level);
            Err(err(libc::E2BIG))
        });
        assert_eq!(r.unwrap_err().errno(), libc::E2BIG);
        assert_eq!(levels, [0, 1]);
    }

    #[test]
    fn zero_tail_copy() {
        let recs = [9u8; 10];
        let r = Recs::from_slice(&recs, 2, 5).unwrap();
        assert_eq!(r.zero_tailed(3).unwrap(), [9, 9, 9, 0, 0, 9, 9, 9, 0, 0]);
        assert_eq!(r.zero_tailed(7).unwrap(), [9; 10]);
        assert!(Recs::from_slice(&recs, 3, 5).is_none());
        assert!(Recs::default().zero_tailed(4).is_none());
        assert!(Recs::from_slice(&recs, 2, 0)
            .unwrap()
            .zero_tailed(0)
            .is_none());
    }

    #[test]
    fn btf_log_rules() {
        let buf = [0u8; 16];
        let b = UserPtr::from_ptr(buf.as_ptr());
        let e = btf_load_with(
            UserPtr::NULL,
            0,
            Log {
                buf: UserPtr::NULL,
                size: 4,
                level: 0,
            },
            |_| panic!("no syscall"),
        );
        assert_eq!(e.unwrap_err().errno(), libc::EINVAL);
        let mut seen = Vec::new();
        let r = btf_load_with(
            UserPtr::NULL,
            0,
            Log {
                buf: b,
                size: 16,
                level: 0,
            },
            |a| {
                seen.push((a.btf_log_buf, a.btf_log_size, a.btf_log_level));
                Err(err(libc::EINVAL))
            },
        );
        assert!(r.unwrap_err().is_syscall());
        assert_eq!(seen, [(0, 0, 0), (b.0, 16, 1)]);
        // A buffer with size 0 is passed on (libbpf has no check for it).
        let mut seen = Vec::new();
        let _ = btf_load_with(
            UserPtr::NULL,
            0,
            Log {
                buf: b,
                size: 0,
                level: 0,
            },
            |a| {
                seen.push(a.btf_log_level);
                Err(err(libc::EINVAL))
            },
        );
        assert_eq!(seen, [0, 1]);
    }

    fn link(attach_type: u32) -> LinkCreate {
        LinkCreate {
            prog_fd: 7,
            attach_type,
            ..LinkCreate::default()
        }
    }

    fn run_link(p: &LinkCreate, kernel: i32) -> (Result<(), i32>, Vec<LinkCreateAttr>, bool) {
        let mut seen = Vec::new();
        let mut fell_back = false;
        let r = link_create_with(
            p,
            |a| {
                seen.push(*a);
                if kernel == 0 {
                    Ok(devnull())
                } else {
                    Err(err(kernel))
                }
            },
            |fd| {
                assert_eq!(fd, 7);
                fell_back = true;
                Ok(devnull())
            },
        );
        (r.map(drop).map_err(|e| e.errno()), seen, fell_back)
    }

    #[test]
    fn link_create_fills_the_union_per_attach_type() {
        use crate::uapi::*;
        let mut p = link(BPF_TRACE_KPROBE_MULTI);
        p.per_type[..4].copy_from_slice(&1u32.to_ne_bytes());
        p.per_type[4..8].copy_from_slice(&3u32.to_ne_bytes());
        p.per_type[24..32].copy_from_slice(&0x1234u64.to_ne_bytes());
        let (r, seen, _) = run_link(&p, 0);
        assert!(r.is_ok());
        assert_eq!(seen[0].u0, (3u64 << 32) | 1);
        assert_eq!(seen[0].u3, 0x1234);

        let mut p = link(BPF_TRACE_FENTRY);
        p.per_type[..8].copy_from_slice(&99u64.to_ne_bytes());
        let (_, seen, _) = run_link(&p, 0);
        assert_eq!((seen[0].u0, seen[0].u1), (0, 99));

        let mut p = link(BPF_TRACE_ITER);
        p.iter_info = UserPtr(0x1000);
        p.iter_info_len = 8;
        let (_, seen, _) = run_link(&p, 0);
        assert_eq!((seen[0].u0, seen[0].u1), (0x1000, 8));

        let mut p = link(BPF_TRACE_FENTRY);
        p.target_btf_id = 55;
        let (_, seen, _) = run_link(&p, 0);
        assert_eq!((seen[0].u0, seen[0].u1), (55, 0));
    }

    #[test]
    fn link_create_zero_checks() {
        use crate::uapi::*;
        let mut p = link(BPF_CGROUP_INET_SOCK_CREATE); // no union member
        p.per_type[31] = 1;
        assert_eq!(run_link(&p, 0).0, Err(libc::EINVAL));
        let mut p = link(BPF_CGROUP_INET_SOCK_CREATE);
        p.pad0 = 1;
        assert_eq!(run_link(&p, 0).0, Err(libc::EINVAL));
        let mut p = link(BPF_PERF_EVENT);
        p.per_type[..8].copy_from_slice(&5u64.to_ne_bytes());
        assert!(run_link(&p, 0).0.is_ok());
        p.per_type[8] = 1;
        assert_eq!(run_link(&p, 0).0, Err(libc::EINVAL));
        let mut p = link(BPF_TRACE_ITER);
        p.iter_info_len = 4;
        p.target_btf_id = 4;
        assert_eq!(run_link(&p, 0).0, Err(libc::EINVAL));
        let mut p = link(BPF_TRACE_FENTRY);
        p.target_btf_id = 4;
        p.per_type[0] = 1;
        assert_eq!(run_link(&p, 0).0, Err(libc::EINVAL));
    }

    #[test]
    fn link_create_raw_tp_fallback() {
        use crate::uapi::*;
        let (r, _, fell) = run_link(&link(BPF_TRACE_RAW_TP), libc::EINVAL);
        assert!(r.is_ok() && fell);
        // Other errnos, other types, targets or options: no fallback.
        let (r, _, fell) = run_link(&link(BPF_TRACE_RAW_TP), libc::EPERM);
        assert_eq!((r, fell), (Err(libc::EPERM), false));
        let (r, _, fell) = run_link(&link(BPF_CGROUP_INET_SOCK_CREATE), libc::EINVAL);
        assert_eq!((r, fell), (Err(libc::EINVAL), false));
        let mut p = link(BPF_TRACE_FENTRY);
        p.target = 5;
        assert!(!run_link(&p, libc::EINVAL).2);
        let mut p = link(BPF_TRACE_FENTRY);
        p.per_type[0] = 1;
        assert!(!run_link(&p, libc::EINVAL).2);
        let mut p = link(BPF_LSM_MAC);
        p.flags = 1;
        assert!(!run_link(&p, libc::EINVAL).2);
    }
}
