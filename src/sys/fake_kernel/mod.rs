//! A fake older kernel for unit tests: with a [`Personality`] set on the calling
//! thread, [`crate::sys::call`] first asks [`intercept`], which refuses what that
//! kernel would refuse and records what reached it; everything else goes to the
//! real kernel.
//!
//! Compiled only under `cfg(test)`, so release builds carry no check on the
//! `bpf()` fast path. The personality is per thread, not per process: the test
//! harness runs tests on parallel threads, and one test's kernel must not leak
//! into another's (the loader runs on the caller's thread).

use super::Cmd;
use crate::error::SysError;
pub use crate::uapi::kernels::{
    Personality, What, LINUX_4_18, LINUX_5_10, LINUX_5_15, LINUX_5_4, PERSONALITIES,
};
use crate::uapi::*;
use std::cell::{Cell, RefCell};

/// What reached the fake kernel in one `bpf()` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub cmd: u32,
    /// The map or program name sent (empty if none).
    pub name: Vec<u8>,
    /// `map_type` / `prog_type`.
    pub obj_type: u32,
    /// BTF kinds of a `BPF_BTF_LOAD` blob, in type order.
    pub btf_kinds: Vec<u32>,
    /// FUNC linkages of a `BPF_BTF_LOAD` blob.
    pub func_linkages: Vec<u32>,
    /// `map_flags` of a `BPF_MAP_CREATE`.
    pub map_flags: u32,
    /// `func_info_cnt` and `line_info_cnt` of a `BPF_PROG_LOAD`.
    pub func_info: u32,
    pub line_info: u32,
    /// Helper ids a `BPF_PROG_LOAD`'s program calls, in instruction order.
    pub helpers: Vec<i32>,
    /// The errno the fake answered with, 0 if passed to the real kernel.
    pub refused: i32,
}

thread_local! {
    static CURRENT: Cell<Option<Personality>> = const { Cell::new(None) };
    static JOURNAL: RefCell<Vec<Record>> = const { RefCell::new(Vec::new()) };
}

/// Sets this thread's kernel until the guard drops; clears the journal.
pub fn set(p: Personality) -> Guard {
    CURRENT.with(|c| c.set(Some(p)));
    JOURNAL.with(|j| j.borrow_mut().clear());
    Guard(())
}

/// Restores the real kernel on drop.
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(None));
    }
}

/// Whether a personality is set on this thread.
pub fn active() -> bool {
    CURRENT.with(|c| c.get().is_some())
}

/// The calls recorded since [`set`].
pub fn journal() -> Vec<Record> {
    JOURNAL.with(|j| j.borrow().clone())
}

fn rd32(b: &[u8], off: usize) -> u32 {
    b.get(off..off + 4)
        .map_or(0, |s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

fn rd64(b: &[u8], off: usize) -> u64 {
    u64::from(rd32(b, off)) | u64::from(rd32(b, off + 4)) << 32
}

/// Bytes of the caller's memory at `addr` (test memory the loader passed to the kernel).
fn user_bytes(addr: u64, len: usize) -> Vec<u8> {
    if addr == 0 || len == 0 || len > (64 << 20) {
        return Vec::new();
    }
    // SAFETY: under a fake personality the attrs come from this crate's own tests, whose pointers (insns, BTF blobs) address live buffers of at least `len` bytes for the duration of the `bpf()` call being intercepted.
    unsafe { std::slice::from_raw_parts(addr as usize as *const u8, len) }.to_vec()
}

/// Kinds and FUNC linkages of a raw BTF blob (empty on a malformed header).
fn btf_kinds(blob: &[u8]) -> (Vec<u32>, Vec<u32>) {
    let (mut kinds, mut links) = (Vec::new(), Vec::new());
    let hdr_len = rd32(blob, 4) as usize;
    let (off, len) = (rd32(blob, 8) as usize, rd32(blob, 12) as usize);
    let Some(types) = blob.get(hdr_len + off..hdr_len + off + len) else {
        return (kinds, links);
    };
    let mut p = 0;
    while p + 12 <= types.len() {
        let info = rd32(types, p + 4);
        let (kind, vlen) = ((info >> 24) & 0x1f, (info & 0xffff) as usize);
        kinds.push(kind);
        if kind == 12 {
            links.push(vlen as u32);
        }
        p += 12
            + match kind {
                1 | 14 | 17 => 4,
                3 => 12,
                4 | 5 | 15 | 19 => 12 * vlen,
                6 | 13 => 8 * vlen,
                _ => 0,
            };
    }
    (kinds, links)
}

/// Helper ids called by a program's instructions.
fn helpers(insns: &[u8]) -> impl Iterator<Item = (u8, u8, i32)> + '_ {
    insns
        .chunks_exact(8)
        .map(|i| (i[0], i[1] >> 4, rd32(i, 4) as i32))
}

fn memlock_low() -> bool {
    memlock() < (8 << 20)
}

/// The soft RLIMIT_MEMLOCK (0 if unreadable).
pub fn memlock() -> u64 {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into `r`, a live local.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut r) } == 0;
    if ok {
        r.rlim_cur
    } else {
        0
    }
}

/// Lowers the soft RLIMIT_MEMLOCK, keeping the hard one (the limit is per
/// process, so only a test's own child process calls this).
pub fn set_memlock(cur: u64) {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into `r`, a live local.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut r) }, 0);
    r.rlim_cur = cur.min(r.rlim_max);
    // SAFETY: setrlimit reads one rlimit from `r`, a live local.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &r) };
    assert_eq!(rc, 0, "setrlimit(RLIMIT_MEMLOCK)");
}

/// The errno this kernel answers `cmd` with, filling `rec` with what it saw.
fn judge(p: &Personality, cmd: Cmd, a: &[u8], rec: &mut Record) -> i32 {
    let c = cmd as u32;
    if p.lacks(What::Cmd(c)) {
        return libc::EINVAL;
    }
    let tail = p.lacking().filter_map(|r| match r.what {
        What::AttrFrom(rc, off) if rc == c => Some(off),
        _ => None,
    });
    if let Some(off) = tail.min() {
        if a.iter().skip(off).any(|&b| b != 0) {
            return libc::E2BIG;
        }
    }
    let newer = |f: fn(u32) -> What, t: u32| {
        p.lacking().any(|r| match (r.what, f(0)) {
            (What::ProgTypesFrom(n), What::ProgTypesFrom(_))
            | (What::MapTypesFrom(n), What::MapTypesFrom(_))
            | (What::BtfKindsFrom(n), What::BtfKindsFrom(_)) => t >= n,
            _ => false,
        })
    };
    match cmd {
        Cmd::MapCreate => {
            rec.obj_type = rd32(a, 0);
            rec.name = name(&a[28..44]);
            rec.map_flags = rd32(a, 16);
            if newer(What::MapTypesFrom, rec.obj_type)
                || (!rec.name.is_empty() && p.lacks(What::Names))
                || (rd32(a, 16) & BPF_F_MMAPABLE != 0 && p.lacks(What::MapFlag(BPF_F_MMAPABLE)))
            {
                return libc::EINVAL;
            }
            if p.lacks(What::MemcgAccounting) && memlock_low() {
                return libc::EPERM;
            }
        }
        Cmd::ProgLoad => {
            rec.obj_type = rd32(a, 0);
            rec.name = name(&a[48..64]);
            (rec.func_info, rec.line_info) = (rd32(a, 88), rd32(a, 104));
            if newer(What::ProgTypesFrom, rec.obj_type)
                || (!rec.name.is_empty() && p.lacks(What::Names))
            {
                return libc::EINVAL;
            }
            let code = user_bytes(rd64(a, 8), rd32(a, 4) as usize * 8);
            for (op, src, imm) in helpers(&code) {
                if op == crate::insn::CALL && src == 0 {
                    rec.helpers.push(imm);
                }
            }
            for (op, src, imm) in helpers(&code) {
                let helper = op == crate::insn::CALL && src == 0 && p.lacks(What::Helper(imm));
                let value = op == crate::insn::LD_IMM64
                    && src == BPF_PSEUDO_MAP_VALUE
                    && p.lacks(What::PseudoMapValue);
                if helper || value {
                    return libc::EINVAL;
                }
            }
        }
        Cmd::BtfLoad => {
            let blob = user_bytes(rd64(a, 0), rd32(a, 16) as usize);
            (rec.btf_kinds, rec.func_linkages) = btf_kinds(&blob);
            let bad_kind = rec.btf_kinds.iter().any(|&k| newer(What::BtfKindsFrom, k));
            let bad_link =
                rec.func_linkages.iter().any(|&l| l != 0) && p.lacks(What::GlobalFuncLinkage);
            if bad_kind || bad_link {
                return libc::EINVAL;
            }
        }
        Cmd::LinkCreate if p.lacks(What::LinkAttach(rd32(a, 8))) => return libc::EINVAL,
        _ => {}
    }
    0
}

fn name(b: &[u8]) -> Vec<u8> {
    b.iter().take_while(|&&c| c != 0).copied().collect()
}

/// The fake kernel's answer to `bpf(cmd, attr)`, or `None` to pass the call on.
pub fn intercept(cmd: Cmd, attr: &[u8]) -> Option<Result<i32, SysError>> {
    let p = CURRENT.with(|c| c.get())?;
    let mut rec = Record {
        cmd: cmd as u32,
        name: Vec::new(),
        obj_type: 0,
        btf_kinds: Vec::new(),
        func_linkages: Vec::new(),
        map_flags: 0,
        func_info: 0,
        line_info: 0,
        helpers: Vec::new(),
        refused: 0,
    };
    rec.refused = judge(&p, cmd, attr, &mut rec);
    let errno = rec.refused;
    JOURNAL.with(|j| j.borrow_mut().push(rec));
    (errno != 0).then_some(Err(SysError {
        call: cmd.name(),
        errno,
    }))
}

/// The table of `crate::uapi::kernels` as the C shim of `tests/kernels.sh`
/// reads it: one capability per line, `<what> <args...> <major>.<minor>`, then
/// one `personality <name> <major>.<minor>` line per committed personality.
pub fn table_text() -> String {
    use crate::uapi::kernels::ROWS;
    let mut out = String::new();
    for r in ROWS {
        let what = match r.what {
            What::Cmd(c) => format!("cmd {c}"),
            What::ProgTypesFrom(t) => format!("prog_types_from {t}"),
            What::MapTypesFrom(t) => format!("map_types_from {t}"),
            What::BtfKindsFrom(k) => format!("btf_kinds_from {k}"),
            What::Names => "names".into(),
            What::Helper(h) => format!("helper {h}"),
            What::PseudoMapValue => "pseudo_map_value".into(),
            What::GlobalFuncLinkage => "global_func".into(),
            What::MapFlag(f) => format!("map_flag {f}"),
            What::MemcgAccounting => "memcg".into(),
            What::AttrFrom(c, off) => format!("attr_from {c} {off}"),
            What::LinkAttach(t) => format!("link_attach {t}"),
            What::ProgFlag(f) => format!("prog_flag {f}"),
            What::PseudoCall => "pseudo_call".into(),
            What::PseudoFunc => "pseudo_func".into(),
            What::PseudoBtfId => "pseudo_btf_id".into(),
            What::KfuncCall => "kfunc_call".into(),
        };
        out += &format!("{what} {}.{}\n", r.since.0, r.since.1);
    }
    for p in PERSONALITIES {
        out += &format!("personality {} {}.{}\n", p.name, p.version.0, p.version.1);
    }
    out
}

#[cfg(test)]
mod tests {
    /// Writes the shim's table to `$LIBBPFRS_KERNEL_TABLE` when set (as
    /// `tests/kernels.sh` does); either way every row is one well-formed line.
    #[test]
    fn table_for_the_c_shim() {
        let text = super::table_text();
        let rows = crate::uapi::kernels::ROWS.len();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), rows + super::PERSONALITIES.len());
        for l in &lines {
            let (major, minor) = l.rsplit_once(' ').unwrap().1.split_once('.').unwrap();
            assert!(
                major.parse::<u32>().is_ok() && minor.parse::<u32>().is_ok(),
                "{l}"
            );
        }
        if let Some(path) = std::env::var_os("LIBBPFRS_KERNEL_TABLE") {
            std::fs::write(path, text).unwrap();
        }
    }
}
