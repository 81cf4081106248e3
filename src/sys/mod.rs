//! Kernel I/O: one safe wrapper per `bpf()` command, plus the fd helpers.
//!
//! Owns: the `bpf()` chokepoint [`call`], the per-command attr structs, fd hygiene.
//! Must not call: anything above it (`capi`, object model).
//! Spec: `libbpf-api.md` §1.1 and §2.5 (attr sizing, fds above 2, PROG_LOAD retries).
#![allow(unsafe_code)] // the only module that issues system calls

pub mod attach;
pub mod attr;
pub mod btf;
pub mod btf_info;
pub mod cpus;
pub mod epoll;
#[cfg(test)]
pub mod fake_kernel;
pub mod fd;
pub mod image;
pub mod kernel;
pub mod link;
pub mod map;
pub mod memlock;
pub mod mmap;
pub mod netlink;
pub mod obj;
pub mod perf;
pub mod prog;
pub mod test_run;

use crate::error::SysError;
use crate::uapi;
use std::os::fd::{FromRawFd, OwnedFd};

pub use fd::{borrow_fd, ensure_good_fd};

/// An address in the caller's memory that only the kernel dereferences
/// (`key`, `value`, `log_buf`, …). The kernel validates it and answers EFAULT,
/// exactly as under libbpf; Rust never reads through it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UserPtr(pub u64);

impl UserPtr {
    pub const NULL: UserPtr = UserPtr(0);

    /// The address of a C pointer (NULL stays 0).
    pub fn from_ptr<T>(p: *const T) -> Self {
        UserPtr(p as usize as u64)
    }

    /// The address of a mutable C pointer.
    pub fn from_mut<T>(p: *mut T) -> Self {
        UserPtr(p as usize as u64)
    }

    pub fn is_null(self) -> bool {
        self.0 == 0
    }
}

/// `bpf()` command numbers (`enum bpf_cmd`, `linux/bpf.h`), from [`crate::uapi`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Cmd {
    MapCreate = uapi::BPF_MAP_CREATE,
    MapLookupElem = uapi::BPF_MAP_LOOKUP_ELEM,
    MapUpdateElem = uapi::BPF_MAP_UPDATE_ELEM,
    MapDeleteElem = uapi::BPF_MAP_DELETE_ELEM,
    MapGetNextKey = uapi::BPF_MAP_GET_NEXT_KEY,
    ProgLoad = uapi::BPF_PROG_LOAD,
    ObjPin = uapi::BPF_OBJ_PIN,
    ObjGet = uapi::BPF_OBJ_GET,
    ProgAttach = uapi::BPF_PROG_ATTACH,
    ProgDetach = uapi::BPF_PROG_DETACH,
    ProgTestRun = uapi::BPF_PROG_TEST_RUN,
    ProgGetNextId = uapi::BPF_PROG_GET_NEXT_ID,
    MapGetNextId = uapi::BPF_MAP_GET_NEXT_ID,
    ProgGetFdById = uapi::BPF_PROG_GET_FD_BY_ID,
    MapGetFdById = uapi::BPF_MAP_GET_FD_BY_ID,
    ObjGetInfoByFd = uapi::BPF_OBJ_GET_INFO_BY_FD,
    ProgQuery = uapi::BPF_PROG_QUERY,
    RawTracepointOpen = uapi::BPF_RAW_TRACEPOINT_OPEN,
    BtfLoad = uapi::BPF_BTF_LOAD,
    BtfGetFdById = uapi::BPF_BTF_GET_FD_BY_ID,
    TaskFdQuery = uapi::BPF_TASK_FD_QUERY,
    MapLookupAndDeleteElem = uapi::BPF_MAP_LOOKUP_AND_DELETE_ELEM,
    MapFreeze = uapi::BPF_MAP_FREEZE,
    BtfGetNextId = uapi::BPF_BTF_GET_NEXT_ID,
    MapLookupBatch = uapi::BPF_MAP_LOOKUP_BATCH,
    MapLookupAndDeleteBatch = uapi::BPF_MAP_LOOKUP_AND_DELETE_BATCH,
    MapUpdateBatch = uapi::BPF_MAP_UPDATE_BATCH,
    MapDeleteBatch = uapi::BPF_MAP_DELETE_BATCH,
    LinkCreate = uapi::BPF_LINK_CREATE,
    LinkUpdate = uapi::BPF_LINK_UPDATE,
    LinkGetFdById = uapi::BPF_LINK_GET_FD_BY_ID,
    LinkGetNextId = uapi::BPF_LINK_GET_NEXT_ID,
    EnableStats = uapi::BPF_ENABLE_STATS,
    IterCreate = uapi::BPF_ITER_CREATE,
    LinkDetach = uapi::BPF_LINK_DETACH,
    ProgBindMap = uapi::BPF_PROG_BIND_MAP,
    TokenCreate = uapi::BPF_TOKEN_CREATE,
}

impl Cmd {
    /// The UAPI name, used in error messages (`BPF_MAP_CREATE: Operation not permitted`).
    pub fn name(self) -> &'static str {
        // Every variant is a value of `uapi`, which names them all (tested there).
        uapi::cmd_name(self as u32).unwrap_or("BPF_?")
    }
}

/// A per-command `union bpf_attr` view: `#[repr(C)]`, zero-initialisable, and the
/// number of bytes libbpf sends for it (`offsetofend` of the command's last field,
/// spec §1.1 / libbpf commit "send only the command's part").
///
/// # Safety
/// Implementors must be `#[repr(C)]` plain data with no padding the kernel reads
/// as meaningful (padding fields are named and zeroed), and `SZ <= size_of::<Self>()`.
pub unsafe trait Attr: Sized {
    /// Bytes passed as the `size` argument of `bpf()`.
    const SZ: usize;
}

/// The one chokepoint for `bpf(cmd, attr, size)`.
///
/// Returns the syscall's non-negative result or the errno it failed with.
#[inline]
pub fn call<A: Attr>(cmd: Cmd, attr: &mut A) -> Result<i32, SysError> {
    const { assert!(A::SZ <= std::mem::size_of::<A>()) };
    #[cfg(test)]
    {
        // SAFETY: `attr` is a live #[repr(C)] plain-data struct of at least `A::SZ` bytes (checked above), read here as bytes while exclusively borrowed.
        let bytes = unsafe { std::slice::from_raw_parts(attr as *const A as *const u8, A::SZ) };
        if let Some(r) = fake_kernel::intercept(cmd, bytes) {
            return r;
        }
    }
    // SAFETY: `attr` is a live, exclusively borrowed #[repr(C)] struct of at least `A::SZ` bytes (checked above); the kernel reads and may write back only within those bytes. Pointers inside it are user addresses that the kernel validates itself (EFAULT), so no Rust memory is exposed beyond `attr`.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd as u32 as libc::c_long,
            attr as *mut A as *mut libc::c_void,
            A::SZ as libc::c_uint,
        )
    };
    if ret < 0 {
        Err(SysError {
            call: cmd.name(),
            errno: last_errno(),
        })
    } else {
        Ok(ret as i32)
    }
}

/// [`call`] for a command whose attr carries results back: the result, and what
/// `out` reads from the attr afterwards (whether the call failed or not: libbpf
/// copies the out-fields back either way).
#[inline]
pub fn call_out<A: Attr, O>(
    cmd: Cmd,
    mut attr: A,
    out: impl FnOnce(&A) -> O,
) -> (Result<(), SysError>, O) {
    let r = call(cmd, &mut attr).map(drop);
    (r, out(&attr))
}

/// The calling thread's errno, read directly: cheaper than `io::Error::last_os_error`
/// (whose drop is an out-of-line call that made every map op spill registers).
#[inline]
pub fn last_errno() -> i32 {
    // SAFETY: __errno_location returns the calling thread's errno slot, valid for the lifetime of the thread.
    unsafe { *libc::__errno_location() }
}

/// The failed call `call`, with the calling thread's errno.
#[inline]
pub fn last_error(call: &'static str) -> SysError {
    SysError {
        call,
        errno: last_errno(),
    }
}

/// [`call`] for a command that returns a new fd: wraps it in an [`OwnedFd`] and
/// moves it above 2 (libbpf ≥ 0.6 `ensure_good_fd`).
#[inline]
pub fn call_fd<A: Attr>(cmd: Cmd, attr: &mut A) -> Result<OwnedFd, SysError> {
    let raw = call(cmd, attr)?;
    // SAFETY: a successful fd-returning bpf() command gives a new descriptor that nothing else owns; we take ownership exactly once here.
    let fd = unsafe { OwnedFd::from_raw_fd(raw) };
    ensure_good_fd(fd).map_err(|e| SysError {
        call: cmd.name(),
        errno: e.errno,
    })
}

/// Stand-ins for `bpf()` results in the unit tests of commands whose syscall is
/// injectable (`*_with` functions).
#[cfg(test)]
mod fake {
    use crate::error::SysError;
    use std::fs::File;
    use std::os::fd::OwnedFd;

    /// A real descriptor to hand back as a "new" fd.
    pub fn devnull() -> OwnedFd {
        File::open("/dev/null").expect("/dev/null").into()
    }

    /// A refused command.
    pub fn err(errno: i32) -> SysError {
        SysError {
            call: "BPF_PROG_LOAD",
            errno,
        }
    }
}
