//! Queries on a [`Btf`]: types by ID and by name, strings, sizes, resolution,
//! alignment and pointer size, base types of split BTF included.
//!
//! Name lookups go through a hash index of the own types' names, built on the
//! first lookup (a parse does not pay for it) and extended by the writer.
//! Must not call: `crate::sys`.
//! Spec: `btf-core.md` §1.4 (resolution), §6.1 (queries of the btf API), §8.2
//! (a sorted hash index, built lazily).

use super::index::{self, Index};
use super::types::{rd32, Array, Kind, Type, TYPE_HDR_LEN};
use super::{Btf, MAX_RESOLVE_DEPTH};
use crate::error::Error;
use once_cell::sync::OnceCell;
use std::sync::Arc;

/// Name look-ups answered by a linear scan before the name index is built: a
/// scan costs about one pass over the types, building the index several (a
/// hash per name, a sort), so a BTF looked up only a few times (an object's,
/// at open) never builds it, and vmlinux builds it on its ninth look-up.
const SCANS_BEFORE_INDEX: u32 = 8;

/// An [`align_of_cached`](Btf::align_of_cached) cache slot not filled yet.
pub const ALIGN_UNKNOWN: u32 = u32::MAX;

/// The length of `name` without its CO-RE flavor suffix: up to the last `___`
/// with a character other than `_` on each side (libbpf's
/// `bpf_core_essential_name_len`); the whole name when there is none.
pub fn essential_len(name: &[u8]) -> usize {
    let n = name.len();
    if n < 5 {
        return n;
    }
    (0..=n - 5)
        .rev()
        .find(|&i| name[i] != b'_' && &name[i + 1..i + 4] == b"___" && name[i + 4] != b'_')
        .map_or(n, |i| i + 1)
}

/// The static all-zero record of ID 0 (`void`).
static VOID_REC: [u8; TYPE_HDR_LEN] = [0; TYPE_HDR_LEN];

/// The NUL-terminated string at `off` in a string section (BTF's or an ELF
/// string table), without its NUL; `None` when `off` is outside the section
/// or no NUL follows it there.
pub fn str_bytes_at(strs: &[u8], off: usize) -> Option<&[u8]> {
    let tail = strs.get(off..)?;
    tail.get(..nul_at(tail)?)
}

/// The index of the first NUL byte of `b`. Names are short: eight bytes are
/// tested at a time (a word has a zero byte where `w - 0x01..01` borrows
/// through a byte that was clear; the lowest such byte is the first zero),
/// without the call and set-up of a general search.
fn nul_at(b: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut words = b.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        let x = u64::from_le_bytes(a);
        let z = x.wrapping_sub(LO) & !x & HI;
        if z != 0 {
            return Some(at + (z.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = words.remainder();
    rest.iter().position(|&c| c == 0).map(|i| at + i)
}

impl Btf {
    /// Last type ID + 1 (`void` and the base's types count).
    pub fn type_cnt(&self) -> u32 {
        self.start_id + self.offs.len() as u32
    }

    /// First own type ID: 1, or the base's type count for split BTF.
    pub fn start_id(&self) -> u32 {
        self.start_id
    }

    /// The base of a split BTF.
    pub fn base(&self) -> Option<&Arc<Btf>> {
        self.base.as_ref()
    }

    /// A decoded view of type `id`; ID 0 is `void` (an all-zero record). Base
    /// types of split BTF come from the base.
    #[inline(always)]
    pub fn ty(&self, id: u32) -> Option<Type<'_>> {
        if id == 0 {
            return Some(Type {
                btf: self,
                id,
                rec: &VOID_REC,
            });
        }
        if id < self.start_id {
            return self.base.as_ref()?.ty(id);
        }
        let off = *self.offs.get((id - self.start_id) as usize)? as usize;
        let types = self.store.types();
        let info = rd32(types, off + 4);
        let kind = Kind::from_raw((info >> 24) & 0x1f)?;
        let len = TYPE_HDR_LEN + kind.trailing_len(info & 0xffff);
        let rec = types.get(off..off + len)?;
        Some(Type { btf: self, id, rec })
    }

    /// The `void` type (ID 0).
    pub(crate) fn void(&self) -> Type<'_> {
        Type {
            btf: self,
            id: 0,
            rec: &VOID_REC,
        }
    }

    /// All types from ID 1 upwards (base types first).
    pub fn types(&self) -> impl Iterator<Item = Type<'_>> + '_ {
        (1..self.type_cnt()).filter_map(move |id| self.ty(id))
    }

    /// From string offset `off` to the end of the string section holding it
    /// (`btf__str_by_offset`: the base's below its offsets).
    pub fn str_tail(&self, off: u32) -> Option<&[u8]> {
        if off < self.start_str {
            return self.base.as_ref()?.str_tail(off);
        }
        self.store.strs().get((off - self.start_str) as usize..)
    }

    /// The raw bytes of the string at `off`, without the NUL.
    pub fn name_bytes_at(&self, off: u32) -> Option<&[u8]> {
        if off < self.start_str {
            return self.base.as_ref()?.name_bytes_at(off);
        }
        str_bytes_at(self.store.strs(), (off - self.start_str) as usize)
    }

    /// The string at `off` (`btf__name_by_offset`); `None` when out of range or
    /// not UTF-8.
    pub fn name_at(&self, off: u32) -> Option<&str> {
        std::str::from_utf8(self.name_bytes_at(off)?).ok()
    }

    /// The own type section, native endian.
    pub fn types_section(&self) -> &[u8] {
        self.store.types()
    }

    /// The own string section (after the base's, for split BTF).
    pub fn strings_section(&self) -> &[u8] {
        self.store.strs()
    }

    /// The name index of the own types, built on first use.
    fn names(&self) -> &Index {
        self.names.get_or_init(|| {
            let mut entries = Vec::with_capacity(self.offs.len());
            for (i, &off) in self.offs.iter().enumerate() {
                let name_off = rd32(self.store.types(), off as usize);
                let h = match name_off.checked_sub(self.start_str) {
                    Some(own) => {
                        index::hash_str_at(self.store.strs(), own as usize).map(|(h, _)| h)
                    }
                    None => self.name_bytes_at(name_off).map(index::hash),
                };
                if let Some(h) = h {
                    entries.push(u64::from(h) << 32 | u64::from(self.start_id + i as u32));
                }
            }
            Index::from_entries(entries)
        })
    }

    /// The essential-name index of the own named types other than FUNC, built
    /// on first use: one hash per name, no allocation per type (vmlinux has
    /// about 15,000 such names among 125,000 types).
    fn essentials(&self) -> &Index {
        self.essentials.get_or_init(|| {
            let mut entries = Vec::new();
            for (i, &off) in self.offs.iter().enumerate() {
                let (name_off, info) = (
                    rd32(self.store.types(), off as usize),
                    rd32(self.store.types(), off as usize + 4),
                );
                if name_off == 0 || info >> 24 & 0x1f == Kind::Func as u32 {
                    continue;
                }
                let Some(name) = self.name_bytes_at(name_off).filter(|n| !n.is_empty()) else {
                    continue;
                };
                let h = index::hash(&name[..essential_len(name)]);
                entries.push(u64::from(h) << 32 | u64::from(self.start_id + i as u32));
            }
            Index::from_entries(entries)
        })
    }

    /// Every own type ID (not the base's) whose name without its flavor suffix
    /// is `ess`, ascending: the CO-RE candidates of a local type named `ess`
    /// (`task_struct` finds `task_struct` and `task_struct___v1`). Found
    /// through the essential-name index, except for a FUNC (`kind`), which the
    /// index leaves out and a scan finds.
    pub fn own_ids_by_essential(&self, ess: &[u8], kind: Kind) -> Vec<u32> {
        if ess.is_empty() {
            return Vec::new();
        }
        let hit = |id: &u32| {
            id.checked_sub(self.start_id)
                .and_then(|i| self.offs.get(i as usize))
                .and_then(|&off| self.name_bytes_at(rd32(self.store.types(), off as usize)))
                .is_some_and(|n| &n[..essential_len(n)] == ess)
        };
        if kind == Kind::Func {
            return (self.start_id..self.type_cnt()).filter(hit).collect();
        }
        self.essentials().get(ess).filter(hit).collect()
    }

    /// Records own type `id` (just appended) in the name index, if built.
    pub(super) fn index_name(&mut self, id: u32, name_off: u32) {
        // Rebuilt on next use (only CO-RE targets use it, never appended to).
        self.essentials = OnceCell::new();
        if self.names.get().is_none() {
            return;
        }
        let Some(n) = self.name_bytes_at(name_off).map(<[u8]>::to_vec) else {
            return;
        };
        if let Some(c) = self.names.get_mut() {
            c.push(&n, id);
        }
    }

    /// The lowest ID named `name` of raw kind `kind` (`None`: any kind), base
    /// types first: `btf__find_by_name_kind` / `btf__find_by_name`. As in libbpf,
    /// kind 0 or the name `"void"` gives 0.
    pub fn find_type(&self, name: &[u8], kind: Option<u32>) -> Option<u32> {
        if name == b"void" || kind == Some(Kind::Void as u32) {
            return Some(0);
        }
        if let Some(id) = self.base.as_ref().and_then(|b| b.find_type(name, kind)) {
            return Some(id);
        }
        let types = self.store.types();
        let is = |id: u32| {
            let Some(&off) = self.offs.get((id - self.start_id) as usize) else {
                return false;
            };
            let off = off as usize;
            kind.is_none_or(|k| rd32(types, off + 4) >> 24 & 0x1f == k)
                && self.name_bytes_at(rd32(types, off)) == Some(name)
        };
        if self.names.get().is_none() && self.name_scans.bump() < SCANS_BEFORE_INDEX {
            let own = self.offs.len() as u32;
            return (self.start_id..self.start_id + own).find(|&id| is(id));
        }
        self.names().get(name).find(|&id| is(id))
    }

    /// Every own type ID (not the base's) named exactly `name`, ascending,
    /// through the name index (built on this call if it was not yet).
    pub fn own_ids_named(&self, name: &[u8]) -> Vec<u32> {
        if name.is_empty() {
            return Vec::new();
        }
        self.names()
            .get(name)
            .filter(|&id| {
                id.checked_sub(self.start_id)
                    .and_then(|i| self.offs.get(i as usize))
                    .is_some_and(|&off| {
                        self.name_bytes_at(rd32(self.store.types(), off as usize)) == Some(name)
                    })
            })
            .collect()
    }

    /// The lowest ID of kind `kind` named `name` (`btf__find_by_name_kind`).
    /// As in libbpf, `Kind::Void` or the name `"void"` gives 0.
    pub fn find_by_name_kind(&self, name: &str, kind: Kind) -> Option<u32> {
        self.find_type(name.as_bytes(), Some(kind as u32))
    }

    /// The lowest ID of any kind named `name` (`btf__find_by_name`); `"void"` → 0.
    pub fn find_by_name(&self, name: &str) -> Option<u32> {
        self.find_type(name.as_bytes(), None)
    }

    /// The DATASEC named `name`.
    pub fn datasec_by_name(&self, name: &str) -> Option<u32> {
        self.find_by_name_kind(name, Kind::Datasec)
    }

    /// The pointer size PTR resolves to: [`Btf::pointer_size`], or the host's
    /// when undeterminable (libbpf's `btf_ptr_sz`).
    fn ptr_sz(&self) -> u32 {
        match self.pointer_size() {
            0 => std::mem::size_of::<usize>() as u32,
            n => n,
        }
    }

    /// `btf__pointer_size`: as set (8 for an object's BTF, the ELF class for an
    /// ELF file, the host's for a new BTF), else found from the size of a `long`
    /// INT on first use; 0 when it cannot be determined.
    pub fn pointer_size(&self) -> u32 {
        if self.ptr_size.get() == 0 {
            self.ptr_size.set(self.determine_ptr_size());
        }
        u32::try_from(self.ptr_size.get()).unwrap_or(0)
    }

    /// `btf__set_pointer_size`: 4 or 8, else `EINVAL`. Shared with split BTFs
    /// built on this one, as the base's size is in libbpf.
    pub fn set_pointer_size(&self, sz: usize) -> Result<(), Error> {
        if sz != 4 && sz != 8 {
            return Err(Error::inval("pointer size must be 4 or 8"));
        }
        self.ptr_size.set(sz as i32);
        Ok(())
    }

    fn determine_ptr_size(&self) -> i32 {
        const LONGS: [&[u8]; 11] = [
            b"long",
            b"long int",
            b"int long",
            b"unsigned long",
            b"long unsigned",
            b"unsigned long int",
            b"unsigned int long",
            b"long unsigned int",
            b"long int unsigned",
            b"int unsigned long",
            b"int long unsigned",
        ];
        if let Some(b) = &self.base {
            if b.ptr_size.get() > 0 {
                return b.ptr_size.get();
            }
        }
        for t in self.types() {
            let size = t.size();
            if t.kind() != Kind::Int || (size != 4 && size != 8) {
                continue;
            }
            if self
                .name_bytes_at(t.name_off())
                .is_some_and(|n| LONGS.contains(&n))
            {
                return size as i32;
            }
        }
        -1
    }

    /// The byte size of type `id` (`btf__resolve_size`, §1.4): `EINVAL` for
    /// unsized kinds or chains deeper than 32, `E2BIG` if an array size overflows.
    pub fn resolve_size(&self, id: u32) -> Result<u32, Error> {
        let mut nelems: u32 = 1;
        let mut id = id;
        for _ in 0..MAX_RESOLVE_DEPTH {
            let t = self
                .ty(id)
                .ok_or(Error::BadBtf("BTF type ID out of range"))?;
            let size = match t.kind() {
                Kind::Int
                | Kind::Struct
                | Kind::Union
                | Kind::Enum
                | Kind::Enum64
                | Kind::Datasec
                | Kind::Float => t.size(),
                Kind::Ptr => self.ptr_sz(),
                Kind::Typedef
                | Kind::Volatile
                | Kind::Const
                | Kind::Restrict
                | Kind::Var
                | Kind::DeclTag
                | Kind::TypeTag => {
                    id = t.type_id();
                    continue;
                }
                Kind::Array => {
                    let a = t.array().unwrap_or(Array {
                        elem_type: 0,
                        index_type: 0,
                        nelems: 0,
                    });
                    nelems = nelems
                        .checked_mul(a.nelems)
                        .ok_or(Error::TooBig("BTF array size overflows 32 bits"))?;
                    id = a.elem_type;
                    continue;
                }
                Kind::Void | Kind::Fwd | Kind::Func | Kind::FuncProto => {
                    return Err(Error::BadBtf("BTF type has no size"));
                }
            };
            return nelems
                .checked_mul(size)
                .ok_or(Error::TooBig("BTF type size overflows 32 bits"));
        }
        Err(Error::BadBtf(
            "BTF type resolution exceeds the maximum depth (32)",
        ))
    }

    /// Follows CONST/VOLATILE/RESTRICT/TYPE_TAG and TYPEDEF from `id` to the first
    /// other type. `None` for an invalid ID or a chain longer than 32 (a loop).
    pub fn skip_mods_and_typedefs(&self, id: u32) -> Option<(u32, Type<'_>)> {
        let mut id = id;
        for _ in 0..=MAX_RESOLVE_DEPTH {
            let t = self.ty(id)?;
            if !t.is_mod() && t.kind() != Kind::Typedef {
                return Some((id, t));
            }
            id = t.type_id();
        }
        None
    }

    /// `btf__resolve_type`: skips modifiers, typedefs and VAR; `EINVAL` at void,
    /// FWD, an invalid ID or past depth 32.
    pub fn resolve_type(&self, id: u32) -> Result<u32, Error> {
        let mut id = id;
        for _ in 0..MAX_RESOLVE_DEPTH {
            let t = self
                .ty(id)
                .ok_or(Error::BadBtf("BTF type ID out of range"))?;
            match t.kind() {
                Kind::Void | Kind::Fwd => break,
                Kind::Typedef
                | Kind::Volatile
                | Kind::Const
                | Kind::Restrict
                | Kind::TypeTag
                | Kind::Var => id = t.type_id(),
                _ => return Ok(id),
            }
        }
        Err(Error::BadBtf("BTF type does not resolve"))
    }

    /// `btf__align_of`: the alignment of type `id` (1 for a packed STRUCT/UNION,
    /// 0 when a member has none); `EINVAL` for kinds without an alignment.
    pub fn align_of(&self, id: u32) -> Result<u32, Error> {
        self.align_at(id, 0, &mut [])
    }

    /// [`align_of`](Self::align_of) remembering results: `cache[id]` holds the
    /// alignment of type `id` once known, [`ALIGN_UNKNOWN`] before (IDs past
    /// its end are not remembered). Nested structs are walked once per cache.
    pub fn align_of_cached(&self, id: u32, cache: &mut [u32]) -> Result<u32, Error> {
        self.align_at(id, 0, cache)
    }

    fn align_at(&self, id: u32, depth: u32, cache: &mut [u32]) -> Result<u32, Error> {
        if let Some(&a) = cache.get(id as usize).filter(|&&a| a != ALIGN_UNKNOWN) {
            return Ok(a);
        }
        let t = self
            .ty(id)
            .filter(|_| depth <= MAX_RESOLVE_DEPTH)
            .ok_or(Error::BadBtf("BTF type has no alignment"))?;
        let a = match t.kind() {
            Kind::Int | Kind::Enum | Kind::Enum64 | Kind::Float => self.ptr_sz().min(t.size()),
            Kind::Ptr => self.ptr_sz(),
            Kind::Typedef | Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag => {
                self.align_at(t.type_id(), depth + 1, cache)?
            }
            Kind::Array => self.align_at(t.array().map_or(0, |a| a.elem_type), depth + 1, cache)?,
            Kind::Struct | Kind::Union => self.composite_align(t, depth, cache)?,
            k => {
                crate::log::warn(format_args!("unsupported BTF_KIND:{}", k as u32));
                return Err(Error::BadBtf("BTF type has no alignment"));
            }
        };
        if let Some(slot) = cache.get_mut(id as usize) {
            *slot = a;
        }
        Ok(a)
    }

    fn composite_align(&self, t: Type<'_>, depth: u32, cache: &mut [u32]) -> Result<u32, Error> {
        let mut max_align = 1;
        for m in t.members_unnamed() {
            let a = self.align_at(m.type_id, depth + 1, cache)?;
            if a == 0 {
                return Ok(0);
            }
            max_align = max_align.max(a);
            let bitfield = t.kflag() && m.raw_offset >> 24 != 0;
            if !bitfield && m.raw_offset % (8 * a) != 0 {
                return Ok(1);
            }
        }
        if t.size() % max_align != 0 {
            return Ok(1);
        }
        Ok(max_align)
    }
}

#[cfg(test)]
mod nul_tests {
    use super::{nul_at, str_bytes_at};

    #[test]
    fn first_nul_anywhere() {
        // Every position of the first NUL in and past a word, with non-zero
        // bytes that look like borrows (0x01, 0x80, 0xff) around it.
        for len in 0..20 {
            for at in 0..=len {
                let mut b: Vec<u8> = (0..len).map(|i| [0x01, 0x80, 0xff, b'a'][i % 4]).collect();
                if at < len {
                    b[at] = 0;
                    if at + 1 < len {
                        b[at + 1] = 0;
                    }
                }
                let want = b.iter().position(|&c| c == 0);
                assert_eq!(nul_at(&b), want, "len {len} at {at}");
            }
        }
        let s = b"\0abc\0longer_than_a_word\0tail";
        assert_eq!(str_bytes_at(s, 0), Some(&b""[..]));
        assert_eq!(str_bytes_at(s, 1), Some(&b"abc"[..]));
        assert_eq!(str_bytes_at(s, 5), Some(&b"longer_than_a_word"[..]));
        assert_eq!(str_bytes_at(s, 24), None);
        assert_eq!(str_bytes_at(s, s.len()), None);
        assert_eq!(str_bytes_at(s, s.len() + 1), None);
    }
}
