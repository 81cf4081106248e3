//! `bpf_prog_linfo__*` (spec `libbpf-api.md` §1.2, Miscellaneous): line-info
//! lookup over what `bpf_prog_get_info_by_fd` returned. The rules live in
//! `crate::load::prog_linfo`; this file reads the caller's `struct bpf_prog_info` and
//! converts pointers and conventions.
//!
//! A `struct bpf_prog_linfo *` is a [`Registry`] handle over a `ProgLinfo`,
//! checked before any dereference, so a NULL, garbage or freed pointer gives
//! EINVAL (or is ignored by `__free`), never a crash.

use crate::capi::boundary::{ptr, value};
use crate::capi::registry::Registry;
use crate::capi::types::*;
use crate::error::Error;
use crate::load::prog_linfo::{JitedInput, ProgLinfo};
use crate::sys::obj::ProgInfo;

/// Live tables.
static TABLES: Registry<ProgLinfo> = Registry::new("bpf_prog_linfo");

/// `n` elements of `T` at the caller's `addr` (a `__u64` pointer field of the
/// info struct); EINVAL for a NULL address with a non-zero count.
///
/// # Safety
/// A non-zero `addr` points to at least `n` readable `T`s for `'a`.
unsafe fn user_slice<'a, T>(addr: u64, n: usize) -> Result<&'a [T], Error> {
    if n == 0 {
        return Ok(&[]);
    }
    if addr == 0 {
        return Err(Error::Inval("info array pointer is NULL"));
    }
    // SAFETY: non-NULL and (caller contract) `n` readable elements; C arrays of `T` are suitably aligned, and u8 slices need none.
    Ok(unsafe { std::slice::from_raw_parts(addr as usize as *const T, n) })
}

/// Builds the table from the caller's info.
///
/// # Safety
/// `info` is NULL or a `struct bpf_prog_info` whose non-zero array pointers hold
/// the element counts it states.
unsafe fn new_linfo(info: *const bpf_prog_info) -> Result<*mut bpf_prog_linfo, Error> {
    // SAFETY: caller contract: NULL or a readable info struct, of which we read the head.
    let h = unsafe { crate::capi::arg::read(info.cast::<ProgInfo>(), "info is NULL") }?;
    if h.nr_line_info == 0 || h.line_info_rec_size < crate::load::prog_linfo::MIN_REC_SIZE {
        return Err(Error::Inval(
            "no line info, or line_info_rec_size too small",
        ));
    }
    let nr = h.nr_line_info as usize;
    // SAFETY: `line_info` holds `nr_line_info` records of `line_info_rec_size` bytes (caller contract).
    let records = unsafe { user_slice::<u8>(h.line_info, nr * h.line_info_rec_size as usize) }?;
    // As libbpf 1.1.2: the jited side is used only when the jited lines pair
    // one-to-one with the lines and the function starts and lengths are both
    // there, equally many; otherwise the table has line info only (no error).
    let jited_complete = h.nr_jited_line_info == h.nr_line_info
        && h.jited_line_info_rec_size >= crate::load::prog_linfo::MIN_JITED_REC_SIZE
        && h.nr_jited_func_lens == h.nr_jited_ksyms
        && h.jited_ksyms != 0
        && h.jited_func_lens != 0;
    let jited = if !jited_complete {
        None
    } else {
        let n_funcs = h.nr_jited_ksyms as usize;
        // SAFETY: the three arrays hold the counts the info states (caller contract).
        let (jrecs, ksyms, lens) = unsafe {
            (
                user_slice::<u8>(h.jited_line_info, nr * h.jited_line_info_rec_size as usize)?,
                user_slice::<u64>(h.jited_ksyms, n_funcs)?,
                user_slice::<u32>(h.jited_func_lens, n_funcs)?,
            )
        };
        Some(JitedInput {
            records: jrecs,
            rec_size: h.jited_line_info_rec_size,
            ksyms,
            lens,
        })
    };
    let l = ProgLinfo::new(records, h.nr_line_info, h.line_info_rec_size, jited)?;
    Ok(TABLES.register(l))
}

/// `bpf_prog_linfo__new` (LIBBPF_0.0.1): copies the line info (and the jited line
/// info, split per jited function, when `nr_jited_line_info` is non-zero) out of
/// an info struct filled by `bpf_prog_get_info_by_fd`.
/// Incomplete jited info (counts that do not pair up, a record size below 8, a
/// NULL `jited_ksyms`/`jited_func_lens`) is ignored: the table then answers only
/// `__lfind`, as libbpf 1.1.2.
/// Returns the table, or NULL with errno EINVAL (NULL info, `nr_line_info` 0,
/// record size below 4, a NULL `line_info`, or jited addresses that do not fit
/// the jited functions) or ENOMEM.
///
/// # Safety
/// `info` is NULL or a `struct bpf_prog_info` whose array pointers hold the
/// counts it states.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_linfo__new(info: *const bpf_prog_info) -> *mut bpf_prog_linfo {
    // SAFETY: forwarded caller contract.
    ptr("bpf_prog_linfo__new", || unsafe { new_linfo(info) })
}

/// `bpf_prog_linfo__free` (LIBBPF_0.0.1): frees a table; NULL (or a pointer that
/// is not a live table) is ignored.
///
/// # Safety
/// `prog_linfo` is NULL or a pointer from `bpf_prog_linfo__new`; records it
/// handed out are invalid afterwards.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_linfo__free(prog_linfo: *mut bpf_prog_linfo) {
    value("bpf_prog_linfo__free", (), || {
        TABLES.free(prog_linfo);
    })
}

/// `bpf_prog_linfo__lfind` (LIBBPF_0.0.1): the last line-info record whose
/// `insn_off` is at or below `insn_off`, searching from record `nr_skip`.
/// Returns a record inside the table, or NULL with errno ENOENT (`nr_skip` past
/// the end, or `insn_off` below the first searched record) or EINVAL (not a table).
///
/// # Safety
/// `prog_linfo` is NULL or a pointer from `bpf_prog_linfo__new`.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_linfo__lfind(
    prog_linfo: *const bpf_prog_linfo,
    insn_off: __u32,
    nr_skip: __u32,
) -> *const bpf_line_info {
    ptr("bpf_prog_linfo__lfind", || {
        let l = TABLES.get(prog_linfo)?;
        l.lfind(insn_off, nr_skip).map(|p| p as *mut bpf_line_info)
    })
}

/// `bpf_prog_linfo__lfind_addr_func` (LIBBPF_0.0.1): within jited function
/// `func_idx`, skipping its first `nr_skip` lines, the line-info record of the
/// last jited line starting at or below `addr`.
/// Returns a record inside the table, or NULL with errno ENOENT (no jited info,
/// no such function, `nr_skip` too large, `addr` below the first searched line)
/// or EINVAL (not a table).
///
/// # Safety
/// `prog_linfo` is NULL or a pointer from `bpf_prog_linfo__new`.
#[no_mangle]
pub unsafe extern "C" fn bpf_prog_linfo__lfind_addr_func(
    prog_linfo: *const bpf_prog_linfo,
    addr: __u64,
    func_idx: __u32,
    nr_skip: __u32,
) -> *const bpf_line_info {
    ptr("bpf_prog_linfo__lfind_addr_func", || {
        let l = TABLES.get(prog_linfo)?;
        l.lfind_addr_func(addr, func_idx, nr_skip)
            .map(|p| p as *mut bpf_line_info)
    })
}
