//! Reference types (`btf_dedup_ref_types`): PTR, TYPEDEF, CONST, VOLATILE,
//! RESTRICT, FUNC, TYPE_TAG, DECL_TAG, ARRAY and FUNC_PROTO.
//!
//! Once primitives and structs are canonical, a reference type is resolved
//! depth first: the types it references are deduplicated and rewritten to
//! their canonical IDs, after which its signature covers them and an equal
//! canonical candidate, if any, is its canonical type. In C every cycle runs
//! through a STRUCT/UNION, so meeting a reference type again while resolving
//! it is an error (`ELOOP`).

use super::super::types::{rd32, wr32};
use super::sig;
use super::{Dedup, Kind, IN_PROGRESS, MAX_NR_TYPES};
use crate::error::Error;

/// An equality check of two records.
type Equal = fn(&[u8], &[u8]) -> bool;

impl Dedup<'_> {
    /// Rewrites the word at byte `at` of own type `id`.
    fn set_word(&mut self, id: u32, at: usize, v: u32) {
        let off = self.offs[(id - self.start_id) as usize] as usize;
        wr32(&mut self.types, off + at, v);
    }

    /// Deduplicates what the word at byte `at` of `id` references and points
    /// it at the canonical type.
    fn resolve_ref(&mut self, id: u32, at: usize) -> Result<(), Error> {
        let r = self.ref_type(rd32(self.rec(id), at))?;
        self.set_word(id, at, r);
        Ok(())
    }

    /// The first canonical candidate under `h` that `eq` finds equal to `id`.
    fn find_equal(&self, id: u32, h: i64, eq: Equal) -> Option<u32> {
        let t = self.rec(id);
        self.table.get(h).find(|&c| eq(t, self.rec(c)))
    }

    /// The canonical ID of `id`, deduplicating it first if needed.
    fn ref_type(&mut self, id: u32) -> Result<u32, Error> {
        let m = self.map[id as usize];
        if m == IN_PROGRESS {
            return Err(Error::Loop("reference type cycle in BTF"));
        }
        if m <= MAX_NR_TYPES {
            return Ok(self.resolve(id));
        }
        self.map[id as usize] = IN_PROGRESS;
        let (h, eq): (i64, Equal) = match self.kind(id) {
            Kind::Const
            | Kind::Volatile
            | Kind::Restrict
            | Kind::Ptr
            | Kind::Typedef
            | Kind::Func
            | Kind::TypeTag => {
                self.resolve_ref(id, 8)?;
                (sig::hash_common(self.rec(id)), sig::equal_common)
            }
            Kind::DeclTag => {
                self.resolve_ref(id, 8)?;
                (sig::hash_int_tag(self.rec(id)), sig::equal_int_tag)
            }
            Kind::Array => {
                self.resolve_ref(id, 12)?;
                self.resolve_ref(id, 16)?;
                (sig::hash_array(self.rec(id)), sig::equal_array)
            }
            Kind::FuncProto => {
                self.resolve_ref(id, 8)?;
                for i in 0..sig::vlen(self.rec(id)) {
                    self.resolve_ref(id, 16 + 8 * i)?;
                }
                (sig::hash_fnproto(self.rec(id)), sig::equal_fnproto)
            }
            _ => return Err(Error::inval("unexpected BTF kind among reference types")),
        };
        let new_id = self.find_equal(id, h, eq).unwrap_or(id);
        self.map[id as usize] = new_id;
        if new_id == id {
            self.table.append(h, id);
        }
        Ok(new_id)
    }

    pub(super) fn ref_types(&mut self) -> Result<(), Error> {
        for id in self.start_id..self.type_cnt() {
            self.ref_type(id)?;
        }
        Ok(())
    }
}
