//! The perf event buffer: one `PERF_COUNT_SW_BPF_OUTPUT` event per CPU, each with
//! a mapped ring (`1 + page_cnt` pages: the `perf_event_mmap_page` header, then a
//! power-of-two data area), stored in a `BPF_MAP_TYPE_PERF_EVENT_ARRAY` at the
//! CPU's index so that `bpf_perf_event_output` finds it.
//!
//! Reading follows the perf ABI: load `data_head` (acquire), walk records from
//! `data_tail`, copy a record that crosses the end of the data area into a
//! scratch buffer, then publish `data_tail` (release) once the batch is done.

use super::{reserve_one, Abort, Epoll};
use crate::error::Error;
use crate::sys::mmap::{page_size, Mapping};
use crate::sys::perf::{self as sysperf, PerfEventAttr};
use crate::sys::{borrow_fd, UserPtr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};

/// `PERF_RECORD_LOST`.
pub const RECORD_LOST: u32 = 2;
/// `PERF_RECORD_SAMPLE`.
pub const RECORD_SAMPLE: u32 = 9;

/// `enum bpf_perf_event_ret`.
pub const EVENT_DONE: i32 = 0;
pub const EVENT_ERROR: i32 = -1;
pub const EVENT_CONT: i32 = -2;

/// Offsets of `data_head` and `data_tail` in `struct perf_event_mmap_page`.
const DATA_HEAD: usize = 1024;
const DATA_TAIL: usize = 1032;

/// What a record is, for the default (non-raw) handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// `PERF_RECORD_SAMPLE` with `PERF_SAMPLE_RAW`: the raw data and its size.
    Sample(*mut u8, u32),
    /// `PERF_RECORD_LOST`: how many samples were dropped.
    Lost(u64),
    /// Any other record type.
    Other(u32),
}

/// Decodes the record at `hdr` (its `size` bytes are readable).
///
/// # Safety
/// `hdr` points to a whole perf record (header included) of at least 8 bytes.
pub unsafe fn decode(hdr: *mut u8) -> Record {
    // SAFETY: the header's 8 bytes are readable (caller).
    let (ty, size) = unsafe {
        (
            hdr.cast::<u32>().read_unaligned(),
            hdr.add(6).cast::<u16>().read_unaligned() as usize,
        )
    };
    match ty {
        RECORD_SAMPLE if size >= 12 => {
            // SAFETY: `size >= 12`, so the u32 raw size at offset 8 is inside the record.
            let raw = unsafe { hdr.add(8).cast::<u32>().read_unaligned() };
            let raw = raw.min((size - 12) as u32);
            // SAFETY: offset 12 is within (or just at the end of) the record.
            Record::Sample(unsafe { hdr.add(12) }, raw)
        }
        RECORD_LOST if size >= 24 => {
            // SAFETY: `size >= 24`: `lost` at offset 16 is inside the record.
            Record::Lost(unsafe { hdr.add(16).cast::<u64>().read_unaligned() })
        }
        RECORD_SAMPLE => Record::Sample(hdr, 0),
        t => Record::Other(t),
    }
}

/// One CPU's event and ring.
#[derive(Debug)]
pub struct CpuBuf {
    ring: Mapping,
    fd: OwnedFd,
    cpu: i32,
    map_key: i32,
    scratch: Vec<u8>,
}

impl Drop for CpuBuf {
    fn drop(&mut self) {
        let _ = sysperf::disable(self.fd.as_fd());
    }
}

impl CpuBuf {
    pub fn cpu(&self) -> i32 {
        self.cpu
    }
    pub fn fd(&self) -> i32 {
        self.fd.as_raw_fd()
    }
    pub fn base(&self) -> *mut u8 {
        self.ring.as_ptr()
    }
}

/// Explicit CPUs and map keys (`perf_buffer_raw_opts.cpus`/`map_keys`).
#[derive(Debug, Default)]
pub struct CpuSel {
    pub cpus: Vec<i32>,
    pub map_keys: Vec<i32>,
}

/// A perf buffer over a PERF_EVENT_ARRAY map.
#[derive(Debug)]
pub struct PerfBuffer {
    bufs: Vec<CpuBuf>,
    epoll: Epoll,
    events: Vec<libc::epoll_event>,
    map_fd: i32,
    page_size: usize,
    mmap_size: usize,
}

impl Drop for PerfBuffer {
    fn drop(&mut self) {
        if let Ok(map) = borrow_fd(self.map_fd) {
            for b in &self.bufs {
                let key = b.map_key;
                let _ = crate::sys::map::map_delete_elem(map, UserPtr::from_ptr(&key), 0);
            }
        }
    }
}

impl PerfBuffer {
    /// Opens one event per CPU (the online possible CPUs, or `sel`), maps and
    /// enables it and stores its fd in `map` at the CPU's key.
    pub fn new(
        map_fd: i32,
        page_cnt: usize,
        attr: &PerfEventAttr,
        sel: Option<CpuSel>,
    ) -> Result<PerfBuffer, Error> {
        if page_cnt == 0 || !page_cnt.is_power_of_two() {
            crate::log::warn(format_args!(
                "page count should be power of two, but is {page_cnt}"
            ));
            return Err(Error::inval("page_cnt is not a power of two"));
        }
        let mut max_entries = 0u32;
        match crate::sys::obj::map_info_raw(map_fd) {
            Ok(info) => {
                if info.map_type != crate::uapi::BPF_MAP_TYPE_PERF_EVENT_ARRAY {
                    let n = info.name.iter().position(|&b| b == 0).unwrap_or(16);
                    crate::log::warn(format_args!(
                        "map '{}' should be BPF_MAP_TYPE_PERF_EVENT_ARRAY",
                        String::from_utf8_lossy(info.name.get(..n).unwrap_or_default())
                    ));
                    return Err(Error::inval("map is not a PERF_EVENT_ARRAY"));
                }
                max_entries = info.max_entries;
            }
            // An old kernel without the command says EINVAL: go on unchecked.
            Err(e) if e.errno == libc::EINVAL => {}
            Err(e) => {
                crate::log::warn(format_args!(
                    "failed to get map info for map FD {map_fd}: {e}"
                ));
                return Err(e.into());
            }
        }
        let page = page_size();
        let mmap_size = page
            .checked_mul(page_cnt)
            .ok_or(Error::inval("page_cnt too large"))?;
        let map = borrow_fd(map_fd)?;
        let epoll = Epoll::new()?;
        let mut pb = PerfBuffer {
            bufs: Vec::new(),
            epoll,
            events: Vec::new(),
            map_fd: map.as_raw_fd(),
            page_size: page,
            mmap_size,
        };
        let explicit = sel.as_ref().is_some_and(|s| !s.cpus.is_empty());
        let cnt = match &sel {
            Some(s) if explicit => s.cpus.len().min(s.map_keys.len()),
            _ => {
                let n = crate::sys::cpus::num_possible_cpus()?;
                if max_entries != 0 && (max_entries as usize) < n {
                    max_entries as usize
                } else {
                    n
                }
            }
        };
        let online = crate::sys::cpus::online_cpus().inspect_err(|e| {
            crate::log::warn(format_args!("failed to get online CPU mask: {e}"))
        })?;
        for i in 0..cnt {
            let (cpu, key) = match &sel {
                Some(s) if explicit => (
                    s.cpus.get(i).copied().unwrap_or(-1),
                    s.map_keys.get(i).copied().unwrap_or(-1),
                ),
                _ => (i as i32, i as i32),
            };
            if !explicit && !online.get(i).copied().unwrap_or(false) {
                continue;
            }
            pb.open_cpu(map, attr, cpu, key)?;
        }
        Ok(pb)
    }

    fn open_cpu(
        &mut self,
        map: BorrowedFd<'_>,
        attr: &PerfEventAttr,
        cpu: i32,
        key: i32,
    ) -> Result<(), Error> {
        let fd = sysperf::perf_event_open(attr, -1, cpu, -1, 0).inspect_err(|e| {
            crate::log::warn(format_args!(
                "failed to open perf buffer event on cpu #{cpu}: {e}"
            ))
        })?;
        let ring = Mapping::map_at(fd.as_fd(), self.mmap_size + self.page_size, 0, true)
            .inspect_err(|e| {
                crate::log::warn(format_args!(
                    "failed to mmap perf buffer on cpu #{cpu}: {e}"
                ))
            })?;
        let buf = CpuBuf {
            ring,
            fd,
            cpu,
            map_key: key,
            scratch: Vec::new(),
        };
        sysperf::enable(buf.fd.as_fd()).inspect_err(|e| {
            crate::log::warn(format_args!(
                "failed to enable perf buffer event on cpu #{cpu}: {e}"
            ))
        })?;
        reserve_one(&mut self.bufs, &mut self.events, "perf buffers")?;
        let idx = self.bufs.len() as u64;
        let value = buf.fd.as_raw_fd();
        self.bufs.push(buf);
        self.events.push(libc::epoll_event { events: 0, u64: 0 });
        crate::sys::map::map_update_elem(
            map,
            UserPtr::from_ptr(&key),
            UserPtr::from_ptr(&value),
            0,
        )
        .inspect_err(|e| {
            crate::log::warn(format_args!(
                "failed to set cpu #{cpu}, key {key} -> perf FD {value}: {e}"
            ))
        })?;
        let fd = self.bufs.last().map(|b| b.fd.as_fd());
        if let Some(fd) = fd {
            self.epoll.add(fd, idx).inspect_err(|e| {
                crate::log::warn(format_args!(
                    "failed to epoll_ctl cpu #{cpu} perf FD {value}: {e}"
                ))
            })?;
        }
        Ok(())
    }

    pub fn epoll_fd(&self) -> i32 {
        self.epoll.raw_fd()
    }

    pub fn bufs(&self) -> &[CpuBuf] {
        &self.bufs
    }

    /// Size of each data area (`page_cnt` pages).
    pub fn mmap_size(&self) -> usize {
        self.mmap_size
    }

    /// Reads every record of buffer `idx` (see [`read_records`]); CONT for an
    /// unknown index.
    pub fn process(&mut self, idx: usize, f: &mut impl FnMut(i32, *mut u8) -> i32) -> i32 {
        let (page, size) = (self.page_size, self.mmap_size);
        match self.bufs.get_mut(idx) {
            Some(b) => read_records(b, page, size, f),
            None => EVENT_CONT,
        }
    }

    /// Waits up to `timeout_ms`, then reads each ready buffer: the number of
    /// ready buffers, or [`Abort::Callback`] with the first non-CONT, non-zero
    /// callback result (DONE only ends that buffer's batch, as in libbpf).
    /// `after` sees each buffer's batch result.
    pub fn poll(
        &mut self,
        timeout_ms: i32,
        f: &mut impl FnMut(i32, *mut u8) -> i32,
        after: &mut impl FnMut(i32),
    ) -> Result<i32, Abort> {
        let n = self
            .epoll
            .wait(&mut self.events, timeout_ms)
            .map_err(|e| Abort::Sys(e.into()))?;
        let (page, size) = (self.page_size, self.mmap_size);
        for i in 0..n {
            let idx = self.events.get(i).map_or(usize::MAX, |e| e.u64 as usize);
            let Some(b) = self.bufs.get_mut(idx) else {
                continue;
            };
            let r = read_records(b, page, size, f);
            after(r);
            if r != EVENT_CONT && r != EVENT_DONE {
                return Err(Abort::Callback(r));
            }
        }
        Ok(n as i32)
    }

    /// Reads every buffer: [`Abort::Callback`] as in [`PerfBuffer::poll`].
    pub fn consume(
        &mut self,
        f: &mut impl FnMut(i32, *mut u8) -> i32,
        after: &mut impl FnMut(i32),
    ) -> Result<(), Abort> {
        let (page, size) = (self.page_size, self.mmap_size);
        for b in &mut self.bufs {
            let r = read_records(b, page, size, f);
            after(r);
            if r != EVENT_CONT && r != EVENT_DONE {
                return Err(Abort::Callback(r));
            }
        }
        Ok(())
    }
}

/// Where a record that wraps around the end of the data area is copied so the
/// callback sees it contiguous.
pub trait Scratch {
    /// A buffer of at least `n` bytes, or None when it cannot be had.
    fn get(&mut self, n: usize) -> Option<*mut u8>;
}

impl Scratch for Vec<u8> {
    fn get(&mut self, n: usize) -> Option<*mut u8> {
        if self.len() < n {
            self.clear();
            self.try_reserve_exact(n).ok()?;
            self.resize(n, 0);
        }
        Some(self.as_mut_ptr())
    }
}

/// Reads every record of buffer `b` (see [`read_ring`]).
fn read_records(
    b: &mut CpuBuf,
    page: usize,
    size: usize,
    f: &mut impl FnMut(i32, *mut u8) -> i32,
) -> i32 {
    let cpu = b.cpu;
    // SAFETY: `ring` is our live mapping: a header page then `size` bytes of data.
    unsafe {
        read_ring(b.ring.as_ptr(), page, size, &mut b.scratch, &mut |r| {
            f(cpu, r)
        })
    }
}

/// Reads every record of the perf ring at `base` (data area of `size` bytes, a
/// power of two, after a `page`-byte header page), calling `f(record)` until it
/// returns something other than [`EVENT_CONT`], which is then returned;
/// `data_tail` is published once at the end. Shared by the perf buffer and the
/// 0.x `bpf_perf_event_read_simple`.
///
/// # Safety
/// `base` is a live, writable perf mmap of `page + size` bytes.
pub unsafe fn read_ring(
    base: *mut u8,
    page: usize,
    size: usize,
    scratch: &mut impl Scratch,
    f: &mut impl FnMut(*mut u8) -> i32,
) -> i32 {
    // SAFETY: the header page is mapped read-write; data_head/data_tail are aligned u64 fields at fixed offsets, shared with the kernel and accessed atomically.
    let (head, tail) = unsafe {
        (
            &*(base.add(DATA_HEAD) as *const AtomicU64),
            &*(base.add(DATA_TAIL) as *const AtomicU64),
        )
    };
    let head_pos = head.load(Ordering::Acquire);
    let mut tail_pos = tail.load(Ordering::Relaxed);
    // SAFETY: the data area starts one page into the mapping.
    let data = unsafe { base.add(page) };
    let mut ret = EVENT_CONT;
    while head_pos != tail_pos {
        let off = (tail_pos as usize) & (size - 1);
        // SAFETY: `off < size`; records are 8-byte aligned so the 8-byte header never crosses the end of the data area.
        let hdr = unsafe { data.add(off) };
        // SAFETY: the header's `size` field (u16 at offset 6) is inside the data area.
        let rec_size = unsafe { hdr.add(6).cast::<u16>().read_unaligned() } as usize;
        if rec_size < 8 {
            ret = EVENT_ERROR;
            break;
        }
        let rec = if off + rec_size > size {
            let first = size - off;
            let Some(buf) = scratch.get(rec_size) else {
                ret = EVENT_ERROR;
                break;
            };
            // SAFETY: `first` bytes from `hdr` reach exactly the end of the data area, the rest wraps to its start; `buf` holds `rec_size` bytes and does not overlap the mapping.
            unsafe {
                std::ptr::copy_nonoverlapping(hdr, buf, first);
                std::ptr::copy_nonoverlapping(data, buf.add(first), rec_size - first);
            }
            buf
        } else {
            hdr
        };
        ret = f(rec);
        tail_pos = tail_pos.wrapping_add(rec_size as u64);
        if ret != EVENT_CONT {
            break;
        }
    }
    tail.store(tail_pos, Ordering::Release);
    ret
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_sample_lost_and_other() {
        // PERF_RECORD_SAMPLE, size 24: u32 raw size 8 + 8 data bytes (+4 pad).
        let mut rec = [0u8; 24];
        rec[0..4].copy_from_slice(&RECORD_SAMPLE.to_ne_bytes());
        rec[6..8].copy_from_slice(&24u16.to_ne_bytes());
        rec[8..12].copy_from_slice(&8u32.to_ne_bytes());
        let p = rec.as_mut_ptr();
        // SAFETY: a whole 24-byte record.
        match unsafe { decode(p) } {
            Record::Sample(d, n) => {
                assert_eq!(d as usize, p as usize + 12);
                assert_eq!(n, 8);
            }
            r => panic!("{r:?}"),
        }
        // A raw size larger than the record is clamped to it.
        rec[8..12].copy_from_slice(&1000u32.to_ne_bytes());
        // SAFETY: as above.
        assert!(matches!(unsafe { decode(p) }, Record::Sample(_, 12)));
        rec[0..4].copy_from_slice(&RECORD_LOST.to_ne_bytes());
        rec[16..24].copy_from_slice(&7u64.to_ne_bytes());
        // SAFETY: as above.
        assert_eq!(unsafe { decode(p) }, Record::Lost(7));
        rec[0..4].copy_from_slice(&3u32.to_ne_bytes());
        // SAFETY: as above.
        assert_eq!(unsafe { decode(p) }, Record::Other(3));
    }
}
