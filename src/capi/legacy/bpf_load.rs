//! The legacy `samples/bpf/bpf_load.c` ABI: its exported data symbols (`map_fd[]`,
//! `prog_fd[]`, `event_fd[]`, `prog_cnt`, `map_data[]`, `map_data_count`,
//! `bpf_log_buf[]`, `prog_array_fd`) and functions (`load_bpf_file`,
//! `load_bpf_file_fixup_map`, `read_trace_pipe`, `set_link_xdp_fd`,
//! `load_kallsyms`, `ksym_search`). Declared by the hand-written
//! `include/bpf_load.h`, not by the generated header (clients that define their
//! own `map_fd[9]` must still compile against `<bpf/bpf.h>`).
//! Spec: `bpf-load-legacy.md` §1.1–§1.3, §1.9.
//!
//! The globals are touched only inside these calls and only through raw pointers
//! (never Rust references). Rust code of a shared library reaches an exported
//! `static` through the GOT, so a client's copy (copy relocation) or a client's own
//! definition (interposition) is the storage that gets written. `bpf_log_buf` is
//! written at most up to the size found for the symbol actually bound (see
//! [`log_buf_size`]). Like bpf_load.c, the loader is not thread-safe.
#![allow(non_upper_case_globals)] // C symbol names, exactly as bpf_load.c spells them

use crate::capi::boundary::{legacy_api, ptr, value};
use crate::capi::errno::fail_with;
use crate::capi::types::__u32;
use crate::error::Error;
use crate::legacy::{self, ksym as ksyms, Client, LoadMapDef, MapEntry, MAX_MAPS, MAX_PROGS};
use crate::sys::UserPtr;
use std::ffi::{c_char, c_int, c_long, c_uint, c_void, CStr, CString};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::sync::Mutex;

/// `BPF_LOG_BUF_SIZE` of libbpf ≥ 0.0.3, the length of `bpf_log_buf`.
pub const LOG_BUF_SIZE: usize = crate::uapi::BPF_LOG_BUF_SIZE as usize;
/// What is trusted for `bpf_log_buf` when its bound symbol's size is unknown.
pub const LOG_BUF_FALLBACK: usize = 64 * 1024;

/// `struct bpf_load_map_def` (bpf_load.h v4.19–v5.10; `struct bpf_map_def` in
/// v4.12–v4.18): 7 × `unsigned int`, 28 bytes.
///
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct bpf_load_map_def {
    pub r#type: c_uint,
    pub key_size: c_uint,
    pub value_size: c_uint,
    pub max_entries: c_uint,
    pub map_flags: c_uint,
    pub inner_map_idx: c_uint,
    pub numa_node: c_uint,
}
const _: () = assert!(std::mem::size_of::<bpf_load_map_def>() == 28);

/// `struct bpf_map_data` (bpf_load.h v4.12–v5.10): 56 bytes on LP64.
///
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_map_data {
    pub fd: c_int,
    pub name: *mut c_char,
    pub elf_offset: usize,
    pub def: bpf_load_map_def,
}
const _: () = assert!(std::mem::size_of::<bpf_map_data>() == 56);
const _: () = assert!(std::mem::offset_of!(bpf_map_data, def) == 24);

/// `typedef void (*fixup_map_cb)(struct bpf_map_data *map, int idx)`.
pub type fixup_map_cb = Option<unsafe extern "C" fn(map: *mut bpf_map_data, idx: c_int)>;

/// `struct ksym { long addr; char *name; }` (bpf_load.h v4.10–v4.17).
///
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ksym {
    pub addr: c_long,
    pub name: *mut c_char,
}

// The data symbols are *weak* definitions, written in assembly because stable Rust
// cannot make a `static` weak: a client that defines the same names itself (e.g.
// selftests' test_sockmap.c has `int map_fd[9]; int prog_fd[9];` and
// linux-observability-with-bpf its own `bpf_log_buf`) must still link against
// libbpfrs.a, as it did against bpf_load.o under -fcommon; its definition then
// wins, as it does for the shared library by interposition. Sizes are exactly
// the C declarations' (checked below). rustc's version script only exports Rust
// items, so `src/capi/bpf_load.map` (passed by build.rs) exports these from the
// shared library. Rust reaches them through `extern` declarations, which are
// never assumed local: every access goes through the GOT, so a client's copy
// relocation or own definition is the storage that gets read and written.
core::arch::global_asm!(
    ".pushsection .bss.bpfrs_bpf_load,\"aw\",%nobits",
    ".p2align 6",
    ".weak map_fd",
    ".type map_fd,%object",
    ".size map_fd,128",
    "map_fd:",
    ".zero 128",
    ".weak prog_fd",
    ".type prog_fd,%object",
    ".size prog_fd,128",
    "prog_fd:",
    ".zero 128",
    ".weak event_fd",
    ".type event_fd,%object",
    ".size event_fd,128",
    "event_fd:",
    ".zero 128",
    ".weak map_data",
    ".type map_data,%object",
    ".size map_data,1792",
    "map_data:",
    ".zero 1792",
    ".weak prog_cnt",
    ".type prog_cnt,%object",
    ".size prog_cnt,4",
    "prog_cnt:",
    ".zero 4",
    ".weak map_data_count",
    ".type map_data_count,%object",
    ".size map_data_count,4",
    "map_data_count:",
    ".zero 4",
    ".p2align 6",
    ".weak bpf_log_buf",
    ".type bpf_log_buf,%object",
    ".size bpf_log_buf,16777215",
    "bpf_log_buf:",
    ".zero 16777215",
    ".popsection",
    ".pushsection .data.bpfrs_bpf_load,\"aw\",%progbits",
    ".p2align 2",
    ".weak prog_array_fd",
    ".type prog_array_fd,%object",
    ".size prog_array_fd,4",
    "prog_array_fd:",
    ".long -1",
    ".popsection",
);
const _: () = assert!(std::mem::size_of::<[c_int; MAX_MAPS]>() == 128);
const _: () = assert!(std::mem::size_of::<[bpf_map_data; MAX_MAPS]>() == 1792);
const _: () = assert!(LOG_BUF_SIZE == 16_777_215);

// The functions are *weak* too, for the same reason: a v4.18+ sample links
// selftests' trace_helpers.c (its own load_kallsyms, ksym_search and, from v5.9,
// read_trace_pipe) and a project may carry its own copy of bpf_load.c; either
// must link against libbpfrs.a beside the loader, and its definitions win (in
// the shared library they interpose). Stable Rust cannot make a function weak,
// so each C name is a weak assembly entry tail-jumping to the Rust function of
// the same name below (a jump, not an alias: the Rust function may end up in
// another object file of the archive). `src/capi/legacy/bpf_load.map` exports
// them from cargo's cdylib. Elsewhere than x86_64 and aarch64 the Rust functions
// are the exports themselves (strong).
macro_rules! weak_entries {
    ($jump:literal) => {
        core::arch::global_asm!(
            ".pushsection .text.bpfrs_bpf_load,\"ax\",%progbits",
            ".p2align 4",
            ".weak load_bpf_file",
            ".type load_bpf_file,%function",
            "load_bpf_file:",
            concat!($jump, " {load_bpf_file}"),
            ".size load_bpf_file,.-load_bpf_file",
            ".weak load_bpf_file_fixup_map",
            ".type load_bpf_file_fixup_map,%function",
            "load_bpf_file_fixup_map:",
            concat!($jump, " {load_bpf_file_fixup_map}"),
            ".size load_bpf_file_fixup_map,.-load_bpf_file_fixup_map",
            ".weak read_trace_pipe",
            ".type read_trace_pipe,%function",
            "read_trace_pipe:",
            concat!($jump, " {read_trace_pipe}"),
            ".size read_trace_pipe,.-read_trace_pipe",
            ".weak set_link_xdp_fd",
            ".type set_link_xdp_fd,%function",
            "set_link_xdp_fd:",
            concat!($jump, " {set_link_xdp_fd}"),
            ".size set_link_xdp_fd,.-set_link_xdp_fd",
            ".weak load_kallsyms",
            ".type load_kallsyms,%function",
            "load_kallsyms:",
            concat!($jump, " {load_kallsyms}"),
            ".size load_kallsyms,.-load_kallsyms",
            ".weak ksym_search",
            ".type ksym_search,%function",
            "ksym_search:",
            concat!($jump, " {ksym_search}"),
            ".size ksym_search,.-ksym_search",
            ".popsection",
            load_bpf_file = sym load_bpf_file,
            load_bpf_file_fixup_map = sym load_bpf_file_fixup_map,
            read_trace_pipe = sym read_trace_pipe,
            set_link_xdp_fd = sym set_link_xdp_fd,
            load_kallsyms = sym load_kallsyms,
            ksym_search = sym ksym_search,
        );
    };
}
#[cfg(target_arch = "x86_64")]
weak_entries!("jmp");
#[cfg(target_arch = "aarch64")]
weak_entries!("b");

extern "C" {
    /// `int map_fd[MAX_MAPS]` (bpf_load.c): fd of map *i* of the last load.
    pub static mut map_fd: [c_int; MAX_MAPS];
    /// `int prog_fd[MAX_PROGS]` (bpf_load.c): program fds, appended at `prog_cnt`.
    pub static mut prog_fd: [c_int; MAX_PROGS];
    /// `int event_fd[MAX_PROGS]` (bpf_load.c): perf-event or raw-tracepoint fd of
    /// program *i*, parallel to `prog_fd`.
    pub static mut event_fd: [c_int; MAX_PROGS];
    /// `int prog_cnt` (bpf_load.c v4.10+): programs loaded so far; never reset.
    pub static mut prog_cnt: c_int;
    /// `struct bpf_map_data map_data[MAX_MAPS]` (bpf_load.c v4.12+).
    pub static mut map_data: [bpf_map_data; MAX_MAPS];
    /// `int map_data_count` (bpf_load.c v4.12+).
    pub static mut map_data_count: c_int;
    /// `char bpf_log_buf[BPF_LOG_BUF_SIZE]` (bpf_load.c v4.11+): verifier log of
    /// the last failed program load.
    pub static mut bpf_log_buf: [c_char; LOG_BUF_SIZE];
    /// `int prog_array_fd = -1` (bpf_load.c, not in the header): the last PROG_ARRAY.
    pub static mut prog_array_fd: c_int;
}

/// Map names handed out in `map_data[].name`: kept for the life of the process
/// (bpf_load.c leaks its `strdup`s; here they stay reachable).
static NAMES: Mutex<Vec<CString>> = Mutex::new(Vec::new());

/// `ksym` tables handed out by `ksym_search`: the current one is last; older ones
/// are kept so pointers a client still holds stay valid.
struct KsymTables(Vec<(Vec<ksym>, Vec<CString>)>);
// SAFETY: the raw `name` pointers point into the `CString`s stored beside them, which are never mutated or freed while the table lives; moving the table between threads moves only owned data.
unsafe impl Send for KsymTables {}
static KSYMS: Mutex<KsymTables> = Mutex::new(KsymTables(Vec::new()));

/// Writes `v` to element `i` of a global array through its (GOT-resolved) address.
///
/// # Safety
/// `base` is the address of one of this module's exported arrays of `n` `T`s (or
/// the client's interposing definition of at least that many); no Rust reference
/// to it is live.
unsafe fn put<T>(base: *mut T, n: usize, i: usize, v: T) {
    if i < n {
        // SAFETY: `i < n` elements of the array at `base` (caller's contract).
        unsafe { base.add(i).write(v) }
    }
}

/// The number of bytes of `bpf_log_buf` the library may write: the size of the
/// symbol the address is bound to (`dladdr1(RTLD_DL_SYMENT)`: the client's own,
/// possibly smaller, definition, a copy relocation, or ours); when no dynamic
/// symbol describes it (static linking), the size of the executable's own
/// `bpf_log_buf` symbol; else [`LOG_BUF_FALLBACK`].
fn log_buf_size(p: *mut c_char) -> usize {
    dyn_symbol_size(p)
        .or_else(|| {
            static EXE: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
            *EXE.get_or_init(|| legacy::exe_symbol_size("bpf_log_buf"))
        })
        .map_or(LOG_BUF_FALLBACK, |n| (n as usize).min(LOG_BUF_SIZE))
}

/// `st_size` of the dynamic symbol `bpf_log_buf` that `p` is the start of.
fn dyn_symbol_size(p: *mut c_char) -> Option<u64> {
    #[repr(C)]
    struct Elf64Sym {
        st_name: u32,
        st_info: u8,
        st_other: u8,
        st_shndx: u16,
        st_value: u64,
        st_size: u64,
    }
    const RTLD_DL_SYMENT: c_int = 1;
    // SAFETY: Dl_info is plain data (pointers and integers); all-zero is valid.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let mut sym: *const Elf64Sym = std::ptr::null();
    // SAFETY: `info` and `sym` are live out-parameters of the types dladdr1 writes for RTLD_DL_SYMENT; `p` is only compared against symbol ranges.
    let r = unsafe {
        libc::dladdr1(
            p as *const c_void,
            &mut info,
            &mut sym as *mut *const Elf64Sym as *mut *mut c_void,
            RTLD_DL_SYMENT,
        )
    };
    if r == 0 || sym.is_null() || info.dli_saddr != p as *mut c_void || info.dli_sname.is_null() {
        return None;
    }
    // SAFETY: dladdr1 succeeded: dli_sname is the NUL-terminated symbol name in the object's string table.
    let name = unsafe { CStr::from_ptr(info.dli_sname) };
    if name.to_bytes() != b"bpf_log_buf" {
        return None;
    }
    // SAFETY: for RTLD_DL_SYMENT a successful dladdr1 stores a pointer to the matching ElfW(Sym) in the object's dynamic symbol table, mapped for the life of the object.
    Some(unsafe { (*sym).st_size })
}

/// The loader's access to the C globals.
struct Globals {
    fixup: fixup_map_cb,
    log: *mut c_char,
    log_size: usize,
}

impl Globals {
    fn new(fixup: fixup_map_cb) -> Self {
        let log = (&raw mut bpf_log_buf).cast::<c_char>();
        Globals {
            fixup,
            log,
            log_size: log_buf_size(log),
        }
    }

    fn printf(s: &str) {
        let c = CString::new(s.replace('\0', "")).unwrap_or_default();
        // SAFETY: "%s" with one NUL-terminated string argument.
        unsafe { libc::printf(c"%s".as_ptr(), c.as_ptr()) };
    }
}

impl Client for Globals {
    fn print(&mut self, msg: &str) {
        Self::printf(msg);
    }

    fn reset_map_data_fds(&mut self) {
        let base = (&raw mut map_data).cast::<bpf_map_data>();
        for i in 0..MAX_MAPS {
            // SAFETY: `i < MAX_MAPS` entries of the exported map_data array; no reference to it is live.
            unsafe { (*base.add(i)).fd = -1 };
        }
    }

    fn map_entry(&mut self, i: usize, e: &MapEntry) -> (i32, LoadMapDef) {
        if i >= MAX_MAPS {
            return (e.fd, e.def);
        }
        let name = CString::new(e.name.replace('\0', "")).unwrap_or_default();
        let name_ptr = name.as_ptr() as *mut c_char;
        if let Ok(mut v) = NAMES.lock() {
            v.push(name);
        } else {
            std::mem::forget(name); // keep the pointer valid even so
        }
        let d = e.def;
        let entry = bpf_map_data {
            fd: e.fd,
            name: name_ptr,
            elf_offset: e.elf_offset as usize,
            def: bpf_load_map_def {
                r#type: d.map_type,
                key_size: d.key_size,
                value_size: d.value_size,
                max_entries: d.max_entries,
                map_flags: d.map_flags,
                inner_map_idx: d.inner_map_idx,
                numa_node: d.numa_node,
            },
        };
        let slot = (&raw mut map_data).cast::<bpf_map_data>();
        // SAFETY: `i < MAX_MAPS`; no Rust reference to map_data is live.
        let slot = unsafe { slot.add(i) };
        // SAFETY: `slot` is element `i` of the exported array, valid for writes.
        unsafe { slot.write(entry) };
        if let Some(cb) = self.fixup {
            // SAFETY: the client's fixup_map_cb, called as bpf_load.c does with a pointer to map_data[i] and its index.
            unsafe { cb(slot, i as c_int) };
        }
        // SAFETY: element `i` of the exported array, possibly edited by the callback.
        let m = unsafe { slot.read() };
        let def = LoadMapDef {
            map_type: m.def.r#type,
            key_size: m.def.key_size,
            value_size: m.def.value_size,
            max_entries: m.def.max_entries,
            map_flags: m.def.map_flags,
            inner_map_idx: m.def.inner_map_idx,
            numa_node: m.def.numa_node,
        };
        (m.fd, def)
    }

    fn set_map_fd(&mut self, i: usize, fd: i32) {
        // SAFETY: exported arrays of MAX_MAPS entries; `put` bounds-checks `i`; no reference is live.
        unsafe {
            put((&raw mut map_fd).cast::<c_int>(), MAX_MAPS, i, fd);
            if i < MAX_MAPS {
                (*(&raw mut map_data).cast::<bpf_map_data>().add(i)).fd = fd;
            }
        }
    }

    fn set_map_data_count(&mut self, n: i32) {
        // SAFETY: the exported int, written through its address; no reference is live.
        unsafe { (&raw mut map_data_count).write(n) };
    }

    fn prog_array_fd(&self) -> i32 {
        // SAFETY: the exported int, read through its address.
        unsafe { (&raw const prog_array_fd).read() }
    }

    fn set_prog_array_fd(&mut self, fd: i32) {
        // SAFETY: the exported int, written through its address.
        unsafe { (&raw mut prog_array_fd).write(fd) };
    }

    fn prog_cnt(&self) -> i32 {
        // SAFETY: the exported int, read through its address.
        unsafe { (&raw const prog_cnt).read() }
    }

    fn add_prog(&mut self, fd: i32) {
        let n = self.prog_cnt();
        if n < 0 || n as usize >= MAX_PROGS {
            return;
        }
        // SAFETY: `n < MAX_PROGS` entries of the exported prog_fd array; prog_cnt written through its address.
        unsafe {
            put(
                (&raw mut prog_fd).cast::<c_int>(),
                MAX_PROGS,
                n as usize,
                fd,
            );
            (&raw mut prog_cnt).write(n + 1);
        }
    }

    fn set_event_fd(&mut self, fd: i32) {
        let n = self.prog_cnt();
        if n < 1 {
            return;
        }
        // SAFETY: `put` bounds-checks the index against MAX_PROGS.
        unsafe {
            put(
                (&raw mut event_fd).cast::<c_int>(),
                MAX_PROGS,
                n as usize - 1,
                fd,
            )
        };
    }

    fn log_buf(&mut self) -> (UserPtr, u32) {
        (UserPtr::from_mut(self.log), self.log_size as u32)
    }

    fn clear_log(&mut self) {
        if self.log_size > 0 {
            // SAFETY: byte 0 of the bound bpf_log_buf, whose trusted size is > 0.
            unsafe { self.log.write(0) };
        }
    }

    fn print_load_error(&mut self, errno: i32) {
        let n = self.log_size.min(c_int::MAX as usize) as c_int;
        // SAFETY: "%.*s" reads at most `n` bytes of the log buffer, all within its trusted size.
        unsafe {
            libc::printf(
                c"bpf_load_program() err=%d\n%.*s".as_ptr(),
                errno as c_int,
                n,
                self.log,
            )
        };
    }
}

fn do_load(path: *const c_char, fixup: fixup_map_cb) -> c_int {
    // SAFETY: bpf_load.c's contract: `path` is a NUL-terminated file name (NULL is refused).
    let path = match unsafe { crate::capi::arg::cstr(path, "load_bpf_file: path is NULL") } {
        Ok(p) => p,
        Err(e) => return fail_with(1, e.errno()),
    };
    let path = std::path::Path::new(std::ffi::OsStr::from_bytes(path.to_bytes()));
    let mut g = Globals::new(fixup);
    match legacy::load_file(path, &mut g) {
        Ok(()) => 0,
        Err(f) => fail_with(f.ret, f.errno),
    }
}

/// `load_bpf_file` (bpf_load.c, all versions; not in libbpf): loads the object at
/// `path` (legacy `SEC("maps")`, program sections by prefix), filling `map_fd[]`,
/// `map_data[]`, `prog_fd[]` (appended at `prog_cnt`), `event_fd[]`, and attaching
/// `tracepoint/`, `raw_tracepoint/`, `kprobe/` sections and tail-call slots.
///
/// Returns 0; 1 for file, ELF and map errors; -1 for a program load or attach
/// error (the verifier log is then in `bpf_log_buf`). Diagnostics go to stdout;
/// errno is left as the failing call set it.
///
/// From `bpf_load.h`: the first call switches the process to libbpf 0.x returns
/// (`-1` and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string. Not thread-safe (bpf_load.c isn't).
///
/// cbindgen:ignore
#[cfg_attr(
    not(any(target_arch = "x86_64", target_arch = "aarch64")),
    export_name = "load_bpf_file"
)]
pub unsafe extern "C" fn load_bpf_file(path: *mut c_char) -> c_int {
    legacy_api("load_bpf_file", || {
        value("load_bpf_file", 1, || do_load(path, None))
    })
}

/// `load_bpf_file_fixup_map` (bpf_load.c v4.12+): as `load_bpf_file`, calling
/// `fixup_map(&map_data[i], i)` before map *i* is created; a callback that sets
/// `map_data[i].fd` to an existing map makes the loader reuse it.
///
/// Returns as `load_bpf_file`.
///
/// From `bpf_load.h`: the first call switches the process to libbpf 0.x returns
/// (`-1` and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// As `load_bpf_file`; `fixup_map` is NULL or a valid callback.
///
/// cbindgen:ignore
#[cfg_attr(
    not(any(target_arch = "x86_64", target_arch = "aarch64")),
    export_name = "load_bpf_file_fixup_map"
)]
pub unsafe extern "C" fn load_bpf_file_fixup_map(
    path: *const c_char,
    fixup_map: fixup_map_cb,
) -> c_int {
    legacy_api("load_bpf_file_fixup_map", || {
        value("load_bpf_file_fixup_map", 1, || do_load(path, fixup_map))
    })
}

/// `read_trace_pipe` (bpf_load.c ≤ v5.8): copies the tracing `trace_pipe` to
/// stdout with `puts`, forever; returns at once if it cannot be opened.
///
/// From `bpf_load.h`: the first call switches the process to libbpf 0.x returns
/// (`-1` and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// None beyond writing to the C `stdout`.
///
/// cbindgen:ignore
#[cfg_attr(
    not(any(target_arch = "x86_64", target_arch = "aarch64")),
    export_name = "read_trace_pipe"
)]
pub extern "C" fn read_trace_pipe() {
    legacy_api("read_trace_pipe", || {
        value("read_trace_pipe", (), || {
            let Ok(mut f) = std::fs::File::open(legacy::trace_pipe_path()) else {
                return;
            };
            let mut buf = vec![0u8; 4096];
            loop {
                match f.read(&mut buf[..4095]) {
                    Ok(n) if n > 0 => {
                        let line = CString::new(
                            buf[..n]
                                .iter()
                                .copied()
                                .filter(|&b| b != 0)
                                .collect::<Vec<u8>>(),
                        )
                        .unwrap_or_default();
                        // SAFETY: `line` is a NUL-terminated string.
                        unsafe { libc::puts(line.as_ptr()) };
                    }
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
            }
        })
    })
}

/// `set_link_xdp_fd` (bpf_load.c v4.10–v4.16; 3 arguments from v4.12, the header's
/// macro also accepts the 2-argument form): attaches program `fd` to `ifindex` by
/// rtnetlink (`fd == -1` detaches), with `XDP_FLAGS_*` `flags`.
///
/// Returns 0, or -1 with errno set and a message on stdout.
///
/// From `bpf_load.h`: the first call switches the process to libbpf 0.x returns
/// (`-1` and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// None (integers only).
///
/// cbindgen:ignore
#[cfg_attr(
    not(any(target_arch = "x86_64", target_arch = "aarch64")),
    export_name = "set_link_xdp_fd"
)]
pub extern "C" fn set_link_xdp_fd(ifindex: c_int, fd: c_int, flags: __u32) -> c_int {
    legacy_api("set_link_xdp_fd", || {
        value(
            "set_link_xdp_fd",
            -1,
            || match legacy::xdp::set_link_xdp_fd(ifindex, fd, flags) {
                Ok(()) => 0,
                Err(e) => {
                    Globals::printf(&e.msg);
                    fail_with(-1, e.errno)
                }
            },
        )
    })
}

/// `load_kallsyms` (bpf_load.c v4.10–v4.17, then trace_helpers): reads
/// `/proc/kallsyms` into a table sorted by address for `ksym_search`.
///
/// Returns 0, or `-ENOENT` when the file cannot be opened.
///
/// From `bpf_load.h`: the first call switches the process to libbpf 0.x returns
/// (`-1` and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// None.
///
/// cbindgen:ignore
#[cfg_attr(
    not(any(target_arch = "x86_64", target_arch = "aarch64")),
    export_name = "load_kallsyms"
)]
pub extern "C" fn load_kallsyms() -> c_int {
    legacy_api("load_kallsyms", || {
        value("load_kallsyms", -libc::ENOENT, || {
            let Ok(syms) = ksyms::load() else {
                return -libc::ENOENT;
            };
            let names: Vec<CString> = syms
                .iter()
                .map(|(_, n)| CString::new(n.as_bytes()).unwrap_or_default())
                .collect();
            let table: Vec<ksym> = syms
                .iter()
                .zip(&names)
                .map(|((a, _), n)| ksym {
                    addr: *a as c_long,
                    name: n.as_ptr() as *mut c_char,
                })
                .collect();
            match KSYMS.lock() {
                Ok(mut t) => {
                    t.0.push((table, names));
                    0
                }
                Err(_) => -libc::ENOENT,
            }
        })
    })
}

/// `ksym_search` (bpf_load.c v4.10–v4.17, then trace_helpers): the symbol that
/// contains address `key`, the first symbol when `key` is outside the table, NULL
/// before `load_kallsyms`.
///
/// From `bpf_load.h`: the first call switches the process to libbpf 0.x returns
/// (`-1` and errno for kernel refusals; see the header's preamble).
///
/// # Safety
/// The pointer stays valid for the life of the process; do not write through it.
///
/// cbindgen:ignore
#[cfg_attr(
    not(any(target_arch = "x86_64", target_arch = "aarch64")),
    export_name = "ksym_search"
)]
pub extern "C" fn ksym_search(key: c_long) -> *mut ksym {
    legacy_api("ksym_search", || {
        ptr("ksym_search", || {
            let Ok(mut t) = KSYMS.lock() else {
                return Err(Error::NotFound("ksym_search: no table"));
            };
            let Some((table, _)) = t.0.last_mut() else {
                return Ok(std::ptr::null_mut());
            };
            match ksyms::search(table.len(), |i| table[i].addr, key) {
                Some(i) => Ok(&mut table[i] as *mut ksym),
                None => Ok(std::ptr::null_mut()),
            }
        })
    })
}
