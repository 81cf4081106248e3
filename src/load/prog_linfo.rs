//! Line-info lookup for a loaded program (`struct bpf_prog_linfo`): a copy of the
//! `line_info` records (and, when the kernel reported them, the jited addresses of
//! those records) that `bpf_prog_get_info_by_fd` returned, searched by instruction
//! offset or by jited address within one jited function.
//! Spec `libbpf-api.md` §1.2 (Miscellaneous); behaviour of libbpf 1.1.2.
//!
//! Owns no kernel state: all inputs are byte slices the caller's info pointed to.

use crate::error::Error;

/// `offsetof(struct bpf_line_info, file_name_off)`: the least record size that
/// still holds `insn_off`, the only field searched.
pub const MIN_REC_SIZE: u32 = 4;
/// A jited line-info record holds at least one `__u64` address.
pub const MIN_JITED_REC_SIZE: u32 = 8;

/// Byte storage aligned to 8, so records handed out as `struct bpf_line_info *` are
/// as aligned as the caller's own array would be.
#[derive(Debug, Default)]
struct Records {
    words: Box<[u64]>,
    len: usize,
}

impl Records {
    fn copy_of(bytes: &[u8]) -> Result<Records, Error> {
        let n = bytes.len().div_ceil(8);
        let mut words = Vec::new();
        words
            .try_reserve_exact(n)
            .map_err(|_| Error::NoMem("no memory for line info"))?;
        words.resize(n, 0u64);
        for (w, chunk) in words.iter_mut().zip(bytes.chunks(8)) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            *w = u64::from_ne_bytes(b);
        }
        Ok(Records {
            words: words.into_boxed_slice(),
            len: bytes.len(),
        })
    }

    /// Address of byte `off` (for handing a record out to C).
    fn addr(&self, off: usize) -> *const u8 {
        self.words.as_ptr().cast::<u8>().wrapping_add(off)
    }

    /// The native-endian `N` bytes at `off`, or None past the end.
    fn read<const N: usize>(&self, off: usize) -> Option<[u8; N]> {
        if off.checked_add(N)? > self.len {
            return None;
        }
        let mut out = [0u8; N];
        for (k, b) in out.iter_mut().enumerate() {
            let p = off + k;
            *b = self.words.get(p / 8)?.to_ne_bytes()[p % 8];
        }
        Some(out)
    }
}

/// The jited side of the table.
#[derive(Debug, Default)]
struct Jited {
    recs: Records,
    rec_size: u32,
    /// Per jited function: index of its first line-info record, and how many it has.
    funcs: Vec<(u32, u32)>,
}

/// What the caller's `struct bpf_prog_info` supplied for the jited side.
#[derive(Debug, Clone, Copy)]
pub struct JitedInput<'a> {
    /// `nr_line_info * jited_line_info_rec_size` bytes of jited records.
    pub records: &'a [u8],
    pub rec_size: u32,
    /// Start address of each jited function (`jited_ksyms`).
    pub ksyms: &'a [u64],
    /// Length of each jited function (`jited_func_lens`).
    pub lens: &'a [u32],
}

/// `struct bpf_prog_linfo`.
#[derive(Debug)]
pub struct ProgLinfo {
    recs: Records,
    rec_size: u32,
    nr: u32,
    jited: Option<Jited>,
}

impl ProgLinfo {
    /// Copies `nr` records of `rec_size` bytes from `records` and, if given, splits
    /// the jited records into functions. EINVAL when the jited addresses do not
    /// line up with `ksyms`/`lens` (as libbpf, the whole table is then refused).
    pub fn new(
        records: &[u8],
        nr: u32,
        rec_size: u32,
        jited: Option<JitedInput<'_>>,
    ) -> Result<ProgLinfo, Error> {
        if nr == 0 || rec_size < MIN_REC_SIZE {
            return Err(Error::Inval(
                "line info: no records or record size too small",
            ));
        }
        let want = nr as usize * rec_size as usize;
        let bytes = records
            .get(..want)
            .ok_or(Error::Inval("line info: buffer shorter than its records"))?;
        let recs = Records::copy_of(bytes)?;
        let jited = match jited {
            None => None,
            Some(j) => Some(Self::split_jited(nr, j)?),
        };
        Ok(ProgLinfo {
            recs,
            rec_size,
            nr,
            jited,
        })
    }

    fn split_jited(nr: u32, j: JitedInput<'_>) -> Result<Jited, Error> {
        let bad = Error::Inval("jited line info does not match the jited functions");
        if j.rec_size < MIN_JITED_REC_SIZE || j.ksyms.is_empty() || j.ksyms.len() != j.lens.len() {
            return Err(bad);
        }
        let want = nr as usize * j.rec_size as usize;
        let recs = Records::copy_of(j.records.get(..want).ok_or(Error::Inval(
            "jited line info: buffer shorter than its records",
        ))?)?;
        let addr = |i: u32| -> u64 {
            recs.read::<8>(i as usize * j.rec_size as usize)
                .map_or(0, u64::from_ne_bytes)
        };
        // Record 0 must start function 0. Walking on, a record whose address is the
        // next function's start opens that function (the previous one's last record
        // must lie inside its length); any other record must be above its
        // predecessor. Checking stops once every function has been found.
        if addr(0) != j.ksyms[0] {
            return Err(bad);
        }
        let mut starts: Vec<u32> = vec![0];
        let mut i = 1u32;
        while i < nr && starts.len() < j.ksyms.len() {
            let f = starts.len();
            let (prev, cur) = (addr(i - 1), addr(i));
            if cur == j.ksyms[f] {
                let span = prev.wrapping_sub(j.ksyms[f - 1]).wrapping_add(1);
                if span > u64::from(j.lens[f - 1]) {
                    return Err(bad);
                }
                starts.push(i);
            } else if cur <= prev {
                return Err(bad);
            }
            i += 1;
        }
        if starts.len() != j.ksyms.len() {
            return Err(bad);
        }
        let funcs = starts
            .iter()
            .enumerate()
            .map(|(f, &s)| {
                let end = starts.get(f + 1).copied().unwrap_or(nr);
                (s, end - s)
            })
            .collect();
        Ok(Jited {
            recs,
            rec_size: j.rec_size,
            funcs,
        })
    }

    fn insn_off(&self, i: u32) -> u32 {
        self.recs
            .read::<4>(i as usize * self.rec_size as usize)
            .map_or(0, u32::from_ne_bytes)
    }

    fn record(&self, i: u32) -> *const u8 {
        self.recs.addr(i as usize * self.rec_size as usize)
    }

    /// The last record at or before `insn_off`, searching from record `nr_skip`
    /// on (`bpf_prog_linfo__lfind`): its address in the copy. ENOENT when
    /// `nr_skip` is past the end or the first searched record is above `insn_off`.
    pub fn lfind(&self, insn_off: u32, nr_skip: u32) -> Result<*const u8, Error> {
        let none = Error::NotFound("no line info for this instruction");
        if nr_skip >= self.nr || insn_off < self.insn_off(nr_skip) {
            return Err(none);
        }
        let idx = last_at_or_below(nr_skip, self.nr - nr_skip, |k| self.insn_off(k) <= insn_off);
        Ok(self.record(idx))
    }

    /// The record of the last jited line of function `func_idx` at or before
    /// `addr`, skipping the function's first `nr_skip` records
    /// (`bpf_prog_linfo__lfind_addr_func`). ENOENT when there is no jited info, no
    /// such function, `nr_skip` is too large or `addr` is below the first searched
    /// line.
    pub fn lfind_addr_func(
        &self,
        addr: u64,
        func_idx: u32,
        nr_skip: u32,
    ) -> Result<*const u8, Error> {
        let none = || Error::NotFound("no jited line info for this address");
        let j = self.jited.as_ref().ok_or_else(none)?;
        let &(first, count) = j.funcs.get(func_idx as usize).ok_or_else(none)?;
        if nr_skip >= count {
            return Err(none());
        }
        let jaddr = |k: u32| -> u64 {
            j.recs
                .read::<8>(k as usize * j.rec_size as usize)
                .map_or(0, u64::from_ne_bytes)
        };
        let start = first + nr_skip;
        if addr < jaddr(start) {
            return Err(none());
        }
        let idx = last_at_or_below(start, count - nr_skip, |k| jaddr(k) <= addr);
        Ok(self.record(idx))
    }
}

/// Binary search over `[start, start + n)` (n ≥ 1, `ok(start)` true, `ok`
/// monotone true-then-false): the last index where `ok` holds.
fn last_at_or_below(start: u32, n: u32, ok: impl Fn(u32) -> bool) -> u32 {
    let (mut lo, mut hi) = (start, start + n - 1);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if ok(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs(offs: &[u32]) -> Vec<u8> {
        offs.iter()
            .enumerate()
            .flat_map(|(i, &o)| [o, i as u32, 0, 0])
            .flat_map(u32::to_ne_bytes)
            .collect()
    }

    fn rec_at(l: &ProgLinfo, p: *const u8) -> u32 {
        (p as usize - l.record(0) as usize) as u32 / l.rec_size
    }

    #[test]
    fn lfind_finds_last_at_or_below() {
        let b = recs(&[0, 3, 3, 9]);
        let l = ProgLinfo::new(&b, 4, 16, None).expect("linfo");
        let got: Vec<_> = (0..12)
            .map(|o| l.lfind(o, 0).map(|p| rec_at(&l, p)).ok())
            .collect();
        assert_eq!(got, [0, 0, 0, 2, 2, 2, 2, 2, 2, 3, 3, 3].map(Some).to_vec());
        assert_eq!(
            l.lfind(2, 1).map(|_| ()).map_err(|e| e.errno()),
            Err(libc::ENOENT)
        );
        assert_eq!(
            l.lfind(0, 4).map(|_| ()).map_err(|e| e.errno()),
            Err(libc::ENOENT)
        );
        assert_eq!(l.lfind(100, 3).map(|p| rec_at(&l, p)).ok(), Some(3));
        assert!(l.lfind_addr_func(0, 0, 0).is_err());
    }

    #[test]
    fn new_rejects_bad_input() {
        let b = recs(&[0, 1]);
        assert!(ProgLinfo::new(&b, 0, 16, None).is_err());
        assert!(ProgLinfo::new(&b, 2, 3, None).is_err());
        assert!(ProgLinfo::new(&b, 3, 16, None).is_err());
        assert!(ProgLinfo::new(&b, 2, 4, None).is_ok());
    }

    #[test]
    fn jited_functions() {
        let b = recs(&[0, 1, 5, 6]);
        let ja: Vec<u8> = [100u64, 104, 200, 210]
            .iter()
            .flat_map(|a| a.to_ne_bytes())
            .collect();
        let j = |ks: &'static [u64], lens: &'static [u32]| JitedInput {
            records: &ja,
            rec_size: 8,
            ksyms: ks,
            lens,
        };
        let l = ProgLinfo::new(&b, 4, 16, Some(j(&[100, 200], &[50, 30]))).expect("linfo");
        let f = |a, f, s| l.lfind_addr_func(a, f, s).map(|p| rec_at(&l, p)).ok();
        assert_eq!(f(99, 0, 0), None);
        assert_eq!(f(100, 0, 0), Some(0));
        assert_eq!(f(103, 0, 0), Some(0));
        assert_eq!(f(150, 0, 0), Some(1));
        assert_eq!(f(104, 0, 1), Some(1));
        assert_eq!(f(100, 0, 1), None);
        assert_eq!(f(100, 0, 2), None);
        assert_eq!(f(205, 1, 0), Some(2));
        assert_eq!(f(999, 1, 0), Some(3));
        assert_eq!(f(999, 2, 0), None);
        // Function 0's last line lies past its length.
        assert!(ProgLinfo::new(&b, 4, 16, Some(j(&[100, 200], &[4, 30]))).is_err());
        // First record is not function 0's start.
        assert!(ProgLinfo::new(&b, 4, 16, Some(j(&[99, 200], &[50, 30]))).is_err());
        // A function never found.
        assert!(ProgLinfo::new(&b, 4, 16, Some(j(&[100, 300], &[50, 30]))).is_err());
    }
}
