//! BTF deduplication (`btf__dedup`), libbpf 1.1.2's algorithm, giving the same
//! type IDs, string section and bytes as libbpf for the same input.
//!
//! Entry point: [`Btf::dedup`]`(ext, force_collisions)`: deduplicates in place;
//! `ext`, if given, is the `.BTF.ext` whose string offsets and type IDs follow
//! the change (its strings count as used). A split BTF is deduplicated against
//! its base, which does not change.
//!
//! Passes, one file each:
//! - `base`: split BTF: every base type is its own canonical type and enters
//!   the candidate table first;
//! - `strings`: the string section rebuilt from the strings types (and
//!   `.BTF.ext`) use, in first-use order, base strings reused;
//! - `prim`: INT, FLOAT, ENUM/ENUM64 (an enum forward declaration meets its
//!   full enum), FWD;
//! - `structs`: STRUCT/UNION, by a parallel walk of the candidate's and the
//!   canonical type's graphs with a hypothetical canonical → candidate map
//!   (pointer cycles compare; a FWD meets the STRUCT/UNION of its name);
//! - `fwds`: a FWD still unresolved meets the one STRUCT/UNION of its name,
//!   if only one has it;
//! - `refs`: PTR, TYPEDEF, modifiers, ARRAY, FUNC, FUNC_PROTO, tags, once what
//!   they reference is canonical;
//! - `compact`: canonical types moved together, every type ID remapped; `ext`:
//!   where `.BTF.ext` keeps type IDs and strings.
//!
//! `table` is the candidate table (signature hash → canonical IDs, in libbpf's
//! iteration order), `sig` the signatures (hashes and equality checks).
//! Must not call: `crate::sys`.
//! Spec: `btf-core.md` §6.2 ("Dedup").

mod base;
mod compact;
mod ext;
mod fwds;
mod prim;
mod refs;
mod sig;
mod strings;
mod structs;
mod table;

#[cfg(test)]
mod tests;

use super::types::{rd32, Kind};
use super::{Btf, BtfExt};
use crate::error::Error;
use once_cell::sync::OnceCell;
use table::Table;

/// Not yet assigned a canonical type.
const UNPROCESSED: u32 = u32::MAX;
/// Reference type being resolved (a reference cycle when met again).
const IN_PROGRESS: u32 = u32::MAX - 1;
/// libbpf's `BTF_MAX_NR_TYPES`: map entries above it are markers.
const MAX_NR_TYPES: u32 = 0x7fff_ffff;
/// The record of `void` (ID 0): all zero.
static VOID: [u8; 12] = [0; 12];

/// The state of one deduplication.
struct Dedup<'a> {
    base: Option<&'a Btf>,
    start_id: u32,
    /// The own type section and its ID → offset index (taken out of the BTF
    /// for the run).
    types: Vec<u8>,
    offs: Vec<u32>,
    /// Type ID → canonical type ID (or a marker).
    map: Vec<u32>,
    /// Canonical → candidate IDs assumed by the graph walk in progress; after
    /// compaction, old ID → new ID.
    hypot_map: Vec<u32>,
    table: Table,
}

/// Read access to the records of all types, base and own, borrowed apart from
/// the state a pass changes.
#[derive(Clone, Copy)]
struct Recs<'a> {
    base: Option<&'a Btf>,
    start_id: u32,
    types: &'a [u8],
    offs: &'a [u32],
}

impl<'a> Recs<'a> {
    /// The record of type `id` (own records run to the end of the section).
    #[inline]
    fn rec(self, id: u32) -> &'a [u8] {
        if id >= self.start_id {
            match self.offs.get((id - self.start_id) as usize) {
                Some(&o) => self.types.get(o as usize..).unwrap_or(&VOID),
                None => &VOID,
            }
        } else if id == 0 {
            &VOID
        } else {
            self.base
                .and_then(|b| b.ty(id))
                .map_or(&VOID[..], |t| t.raw())
        }
    }
}

/// The raw `BTF_KIND_*` number of a record.
#[inline]
fn raw_kind(r: &[u8]) -> u32 {
    rd32(r, 4) >> 24 & 0x1f
}

/// The canonical ID of `id` so far in `map` (following FWD → STRUCT links),
/// or `id`.
#[inline]
fn resolve(map: &[u32], mut id: u32) -> u32 {
    loop {
        let m = map[id as usize];
        if m > MAX_NR_TYPES || m == id {
            return id;
        }
        id = m;
    }
}

impl<'a> Dedup<'a> {
    fn new(btf: &mut Btf, base: Option<&'a Btf>, force_collisions: bool) -> Dedup<'a> {
        let mut d = Dedup {
            base,
            start_id: btf.start_id,
            types: btf.store.take_types(),
            offs: std::mem::take(&mut btf.offs),
            map: Vec::new(),
            hypot_map: Vec::new(),
            table: Table::new(force_collisions),
        };
        let n = d.type_cnt();
        d.map = (0..n)
            .map(|id| match d.kind(id) {
                // VAR and DATASEC are never deduplicated.
                _ if id == 0 => 0,
                Kind::Var | Kind::Datasec => id,
                _ => UNPROCESSED,
            })
            .collect();
        d.hypot_map = vec![UNPROCESSED; n as usize];
        d
    }

    fn type_cnt(&self) -> u32 {
        self.start_id + self.offs.len() as u32
    }

    fn recs(&self) -> Recs<'_> {
        Recs {
            base: self.base,
            start_id: self.start_id,
            types: &self.types,
            offs: &self.offs,
        }
    }

    /// The record of type `id` (own records run to the end of the section).
    #[inline]
    fn rec(&self, id: u32) -> &[u8] {
        self.recs().rec(id)
    }

    #[inline]
    fn kind(&self, id: u32) -> Kind {
        Kind::from_raw(raw_kind(self.rec(id))).unwrap_or(Kind::Void)
    }

    /// The canonical ID of `id` so far (following FWD → STRUCT links), or `id`.
    #[inline]
    fn resolve(&self, id: u32) -> u32 {
        resolve(&self.map, id)
    }

    fn run_phases(&mut self, btf: &mut Btf, ext: &mut Option<&mut BtfExt>) -> Result<(), Error> {
        self.check_ids()?;
        phase("btf_dedup_prep", self.prep())?;
        if !btf.strs_deduped {
            let strs = phase("btf_dedup_strings", self.strings(btf, ext.as_deref_mut()))?;
            btf.store.set_strs(strs);
            btf.strs_deduped = true;
        }
        phase("btf_dedup_prim_types", self.prim_types())?;
        phase("btf_dedup_struct_types", self.struct_types())?;
        phase("btf_dedup_resolve_fwds", self.resolve_fwds())?;
        phase("btf_dedup_ref_types", self.ref_types())?;
        self.table = Table::new(false);
        phase("btf_dedup_compact_types", self.compact_types())?;
        phase(
            "btf_dedup_remap_types",
            self.remap_types(ext.as_deref_mut()),
        )
    }
}

/// libbpf's debug line for a failed pass.
fn phase<T>(name: &str, r: Result<T, Error>) -> Result<T, Error> {
    r.inspect_err(|e| crate::log::debug(format_args!("{name} failed:{}", -e.errno())))
}

impl Btf {
    /// `btf__dedup`: removes duplicate types and unused strings, in place, as
    /// libbpf 1.1.2 does (same IDs, same bytes). `ext`: the `.BTF.ext` to keep
    /// in step (its type IDs and string offsets are rewritten).
    /// `force_collisions`: every signature hashes alike (a test of the
    /// equality checks; the result is the same as without).
    ///
    /// Errors: `ELOOP` for a cycle of reference types that no STRUCT/UNION
    /// breaks, `EINVAL` for a type ID past the last type or a kind a member
    /// must not reference. On error the BTF is left as the passes run so far
    /// left it (libbpf's behaviour), still well-formed.
    pub fn dedup(
        &mut self,
        mut ext: Option<&mut BtfExt>,
        force_collisions: bool,
    ) -> Result<(), Error> {
        self.modified();
        let base = self.base.clone();
        let mut d = Dedup::new(self, base.as_deref(), force_collisions);
        let r = d.run_phases(self, &mut ext);
        self.store.set_types(std::mem::take(&mut d.types));
        self.offs = std::mem::take(&mut d.offs);
        self.names = OnceCell::new();
        self.essentials = OnceCell::new();
        self.strings = OnceCell::new();
        r
    }
}
