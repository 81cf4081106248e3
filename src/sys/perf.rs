//! `perf_event_open(2)` and the perf ioctls BPF attachment uses.
//!
//! Used by tracepoint/kprobe/uprobe/perf_event attachment (legacy
//! `PERF_EVENT_IOC_SET_BPF` or a `BPF_LINK_CREATE` on the perf fd) and by the perf
//! event buffer (`PERF_COUNT_SW_BPF_OUTPUT`). Spec: `libbpf-api.md` §1.2 (attach).

use super::ensure_good_fd;
use crate::error::SysError;
use crate::file::read_text;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::path::Path;

/// `PERF_TYPE_HARDWARE`.
pub const TYPE_HARDWARE: u32 = 0;
/// `PERF_TYPE_SOFTWARE`.
pub const TYPE_SOFTWARE: u32 = 1;
/// `PERF_TYPE_TRACEPOINT`.
pub const TYPE_TRACEPOINT: u32 = 2;
/// `PERF_COUNT_SW_CPU_CLOCK`.
pub const COUNT_SW_CPU_CLOCK: u64 = 0;
/// `PERF_COUNT_SW_BPF_OUTPUT`.
pub const COUNT_SW_BPF_OUTPUT: u64 = 10;
/// `PERF_SAMPLE_RAW`.
pub const SAMPLE_RAW: u64 = 1 << 10;
/// `PERF_FLAG_FD_CLOEXEC`.
pub const FLAG_FD_CLOEXEC: u64 = 1 << 3;

/// Bits of [`PerfEventAttr::flags`] (the C bitfield after `read_format`).
pub mod flag {
    pub const DISABLED: u64 = 1 << 0;
    pub const INHERIT: u64 = 1 << 1;
    pub const EXCLUDE_USER: u64 = 1 << 4;
    pub const EXCLUDE_KERNEL: u64 = 1 << 5;
    pub const FREQ: u64 = 1 << 10;
    pub const WATERMARK: u64 = 1 << 14;
}

/// `struct perf_event_attr`, `PERF_ATTR_SIZE_VER7` (128 bytes): every field a BPF
/// loader sets. Unions are named after their most common member; the comments
/// give the others.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PerfEventAttr {
    pub type_: u32,
    pub size: u32,
    pub config: u64,
    /// `sample_period` / `sample_freq`.
    pub sample_period: u64,
    pub sample_type: u64,
    pub read_format: u64,
    /// The `disabled:1, inherit:1, …` bitfield; see [`flag`].
    pub flags: u64,
    /// `wakeup_events` / `wakeup_watermark`.
    pub wakeup_events: u32,
    pub bp_type: u32,
    /// `bp_addr` / `kprobe_func` / `uprobe_path` / `config1`.
    pub config1: u64,
    /// `bp_len` / `kprobe_addr` / `probe_offset` / `config2`.
    pub config2: u64,
    pub branch_sample_type: u64,
    pub sample_regs_user: u64,
    pub sample_stack_user: u32,
    pub clockid: i32,
    pub sample_regs_intr: u64,
    pub aux_watermark: u32,
    pub sample_max_stack: u16,
    pub reserved_2: u16,
    pub aux_sample_size: u32,
    pub reserved_3: u32,
    pub sig_data: u64,
}
const _: () = assert!(std::mem::size_of::<PerfEventAttr>() == 128);
const _: () = assert!(std::mem::offset_of!(PerfEventAttr, flags) == 40);
const _: () = assert!(std::mem::offset_of!(PerfEventAttr, config1) == 56);
const _: () = assert!(std::mem::offset_of!(PerfEventAttr, sig_data) == 120);

impl PerfEventAttr {
    /// An attr of `type_`/`config` with `size` filled in.
    pub fn new(type_: u32, config: u64) -> Self {
        PerfEventAttr {
            type_,
            size: std::mem::size_of::<Self>() as u32,
            config,
            ..Default::default()
        }
    }
}

/// `perf_event_open(attr, pid, cpu, group_fd, flags | PERF_FLAG_FD_CLOEXEC)`; the
/// new fd is moved above 2.
pub fn perf_event_open(
    attr: &PerfEventAttr,
    pid: i32,
    cpu: i32,
    group_fd: i32,
    flags: u64,
) -> Result<OwnedFd, SysError> {
    // SAFETY: `attr` is a live #[repr(C)] perf_event_attr whose `size` field matches its length; the kernel only reads it (and may write `size` back on E2BIG, within the struct).
    let ret = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            attr as *const PerfEventAttr,
            pid as libc::c_long,
            cpu as libc::c_long,
            group_fd as libc::c_long,
            (flags | FLAG_FD_CLOEXEC) as libc::c_ulong,
        )
    };
    if ret < 0 {
        return Err(crate::sys::last_error("perf_event_open"));
    }
    // SAFETY: a successful perf_event_open returns a new descriptor nothing else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(ret as i32) };
    ensure_good_fd(fd)
}

const IOC_ENABLE: libc::c_ulong = 0x2400;
const IOC_DISABLE: libc::c_ulong = 0x2401;
const IOC_SET_BPF: libc::c_ulong = 0x4004_2408;

fn ioctl(
    fd: BorrowedFd<'_>,
    req: libc::c_ulong,
    arg: libc::c_ulong,
    what: &'static str,
) -> Result<(), SysError> {
    // SAFETY: the three perf ioctls used here take an integer argument (not a pointer), so no memory is passed to the kernel.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), req as _, arg) };
    if r < 0 {
        Err(crate::sys::last_error(what))
    } else {
        Ok(())
    }
}

/// `PERF_EVENT_IOC_ENABLE`.
pub fn enable(fd: BorrowedFd<'_>) -> Result<(), SysError> {
    ioctl(fd, IOC_ENABLE, 0, "PERF_EVENT_IOC_ENABLE")
}

/// `PERF_EVENT_IOC_DISABLE`.
pub fn disable(fd: BorrowedFd<'_>) -> Result<(), SysError> {
    ioctl(fd, IOC_DISABLE, 0, "PERF_EVENT_IOC_DISABLE")
}

/// `PERF_EVENT_IOC_SET_BPF`: attaches `prog_fd` to the perf event (pre-5.15 way,
/// and the legacy `bpf_load.c` way).
pub fn set_bpf(fd: BorrowedFd<'_>, prog_fd: BorrowedFd<'_>) -> Result<(), SysError> {
    ioctl(
        fd,
        IOC_SET_BPF,
        prog_fd.as_raw_fd() as libc::c_ulong,
        "PERF_EVENT_IOC_SET_BPF",
    )
}

/// `/sys/bus/event_source/devices/<pmu>/<file>`; a failure is the failed `call`
/// with the read's errno (ENOENT when it has none).
fn read_pmu_file(pmu: &str, file: &str, call: &'static str) -> Result<String, SysError> {
    let path = format!("/sys/bus/event_source/devices/{pmu}/{file}");
    read_text(Path::new(&path)).map_err(|e| {
        // libbpf's debug line for a PMU file it cannot open.
        crate::log::debug(format_args!(
            "failed to open '{path}': {}",
            crate::error::errno_text(e.errno())
        ));
        SysError {
            call,
            errno: e.errno(),
        }
    })
}

/// The dynamic PMU type of `kprobe`/`uprobe`/… from
/// `/sys/bus/event_source/devices/<pmu>/type`; ENOENT when the PMU is absent
/// (e.g. a kernel without kprobes).
pub fn pmu_type(pmu: &str) -> Result<u32, SysError> {
    let s = read_pmu_file(pmu, "type", "read PMU type")?;
    s.trim().parse().map_err(|_| SysError {
        call: "parse PMU type",
        errno: libc::EINVAL,
    })
}

/// The bit of `config` that selects a return probe, from
/// `/sys/bus/event_source/devices/<pmu>/format/retprobe` (`config:N`).
pub fn pmu_retprobe_bit(pmu: &str) -> Result<u32, SysError> {
    let s = read_pmu_file(pmu, "format/retprobe", "read PMU retprobe format")?;
    s.trim()
        .strip_prefix("config:")
        .and_then(|n| n.parse().ok())
        .ok_or(SysError {
            call: "parse PMU retprobe format",
            errno: libc::EINVAL,
        })
}

/// `mount("tracefs", target, "tracefs", 0, NULL)`: makes the tracing files
/// available when neither `/sys/kernel/tracing` nor the debugfs copy is mounted.
pub fn mount_tracefs(target: &std::ffi::CStr) -> Result<(), SysError> {
    // SAFETY: all three strings are NUL-terminated and live for the call; `data` is NULL, which mount(2) accepts for tracefs.
    let r = unsafe {
        libc::mount(
            c"tracefs".as_ptr(),
            target.as_ptr(),
            c"tracefs".as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if r < 0 {
        Err(crate::sys::last_error("mount(tracefs)"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn software_event_opens_and_toggles() {
        let mut a = PerfEventAttr::new(TYPE_SOFTWARE, COUNT_SW_CPU_CLOCK);
        a.flags = flag::DISABLED;
        a.sample_period = 1_000_000;
        let fd = match perf_event_open(&a, 0, -1, -1, 0) {
            Ok(fd) => fd,
            Err(e) if e.errno == libc::EACCES || e.errno == libc::EPERM => {
                crate::testutil::test_skip("perf_event_open not permitted");
                return;
            }
            Err(e) => panic!("perf_event_open: {e:?}"),
        };
        assert!(fd.as_raw_fd() > 2);
        enable(fd.as_fd()).expect("enable");
        disable(fd.as_fd()).expect("disable");
        // Not a BPF program fd: the kernel refuses.
        assert!(set_bpf(fd.as_fd(), fd.as_fd()).is_err());
    }

    #[test]
    fn missing_pmu_is_enoent() {
        assert_eq!(pmu_type("no-such-pmu").unwrap_err().errno, libc::ENOENT);
    }

    use std::os::fd::AsFd;
}
