//! STRUCT/UNION deduplication (`btf_dedup_struct_types`).
//!
//! A struct is equal to a canonical candidate of the same signature when the
//! type graphs reachable from both are equivalent: a parallel depth-first walk
//! records, for each type of the canonical graph, the candidate type it stands
//! for (`hypot_map`). Meeting a canonical type again with the same candidate
//! closes a cycle; with another candidate it is a contradiction, unless both
//! candidates are identical arrays or structs (compilers sometimes emit
//! duplicates within one unit). A FWD and a STRUCT/UNION of the same name and
//! kind are equivalent; a FWD is followed to what it resolved to on the
//! canonical side only.
//!
//! After a successful walk the hypothetical map is merged: FWDs resolve to
//! their STRUCT/UNION, and structs met on the way map to canonical structs.
//! In split BTF, a walk that would have to resolve a base FWD only records
//! that resolution and does not count as equal (the base cannot change).

use super::super::types::rd32;
use super::sig;
use super::{Dedup, Kind, MAX_NR_TYPES};
use crate::error::Error;

/// The kind a FWD declares (kind flag: union).
fn fwd_kind(r: &[u8]) -> Kind {
    if rd32(r, 4) >> 31 != 0 {
        Kind::Union
    } else {
        Kind::Struct
    }
}

impl Dedup<'_> {
    fn hypot_add(&mut self, from: u32, to: u32) {
        self.hypot_list.push(from);
        self.hypot_map[from as usize] = to;
    }

    fn hypot_clear(&mut self) {
        for &id in &self.hypot_list {
            self.hypot_map[id as usize] = super::UNPROCESSED;
        }
        self.hypot_list.clear();
        self.hypot_adjust_canon = false;
    }

    /// Both ARRAYs with equal element type, index type and count.
    fn identical_arrays(&self, a: u32, b: u32) -> bool {
        self.kind(a) == Kind::Array
            && self.kind(b) == Kind::Array
            && sig::equal_array(self.rec(a), self.rec(b))
    }

    /// Both STRUCTs (or both UNIONs) with equal members, types included.
    fn identical_structs(&self, a: u32, b: u32) -> bool {
        matches!(self.kind(a), Kind::Struct | Kind::Union)
            && self.kind(a) == self.kind(b)
            && sig::identical_struct(self.rec(a), self.rec(b))
    }

    /// Are the graphs from `cand` and `canon` equivalent? `Ok(false)` on the
    /// first difference; `EINVAL` when a walk reaches a kind no type graph
    /// of a struct holds (VAR, DATASEC, DECL_TAG).
    fn is_equiv(&mut self, cand: u32, canon: u32) -> Result<bool, Error> {
        if self.resolve(cand) == self.resolve(canon) {
            return Ok(true);
        }
        let canon = self.resolve_fwd(canon);
        let hypot = self.hypot_map[canon as usize];
        if hypot <= MAX_NR_TYPES {
            return Ok(hypot == cand
                || self.identical_arrays(hypot, cand)
                || self.identical_structs(hypot, cand));
        }
        self.hypot_add(canon, cand);
        let (ck, nk) = (self.kind(cand), self.kind(canon));
        let (ct, nt) = (self.rec(cand), self.rec(canon));
        if rd32(ct, 0) != rd32(nt, 0) {
            return Ok(false);
        }
        if (ck == Kind::Fwd || nk == Kind::Fwd) && ck != nk {
            if ck == Kind::Fwd {
                return Ok(fwd_kind(ct) == nk);
            }
            let eq = fwd_kind(nt) == ck;
            if eq && canon < self.start_id {
                // Would resolve a base FWD.
                self.hypot_adjust_canon = true;
            }
            return Ok(eq);
        }
        if ck != nk {
            return Ok(false);
        }
        match ck {
            Kind::Int => Ok(sig::equal_int_tag(ct, nt)),
            Kind::Enum | Kind::Enum64 => Ok(sig::compat_enum(ct, nt)),
            Kind::Fwd | Kind::Float => Ok(sig::equal_common(ct, nt)),
            Kind::Const
            | Kind::Volatile
            | Kind::Restrict
            | Kind::Ptr
            | Kind::Typedef
            | Kind::Func
            | Kind::TypeTag => {
                if rd32(ct, 4) != rd32(nt, 4) {
                    return Ok(false);
                }
                self.is_equiv(rd32(ct, 8), rd32(nt, 8))
            }
            Kind::Array => {
                if !sig::compat_array(ct, nt) {
                    return Ok(false);
                }
                let (ci, ni, ce, ne) = (rd32(ct, 16), rd32(nt, 16), rd32(ct, 12), rd32(nt, 12));
                Ok(self.is_equiv(ci, ni)? && self.is_equiv(ce, ne)?)
            }
            Kind::Struct | Kind::Union => {
                if !sig::shallow_equal_struct(ct, nt) {
                    return Ok(false);
                }
                self.entries_equiv(cand, canon, 12, 16)
            }
            Kind::FuncProto => {
                if !sig::compat_fnproto(ct, nt) {
                    return Ok(false);
                }
                let (cr, nr) = (rd32(ct, 8), rd32(nt, 8));
                Ok(self.is_equiv(cr, nr)? && self.entries_equiv(cand, canon, 8, 16)?)
            }
            _ => Err(Error::inval("unexpected BTF kind in a struct's type graph")),
        }
    }

    /// Walks the types of the entries (members or parameters, `stride` bytes
    /// each, type word at byte `at` of the record) pairwise.
    fn entries_equiv(
        &mut self,
        cand: u32,
        canon: u32,
        stride: usize,
        at: usize,
    ) -> Result<bool, Error> {
        for i in 0..sig::vlen(self.rec(cand)) {
            let c = rd32(self.rec(cand), at + i * stride);
            let n = rd32(self.rec(canon), at + i * stride);
            if !self.is_equiv(c, n)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Records what a successful walk established (`btf_dedup_merge_hypot_map`).
    fn merge_hypot(&mut self) {
        for i in 0..self.hypot_list.len() {
            let canon = self.hypot_list[i];
            let targ = self.hypot_map[canon as usize];
            let t_id = self.resolve(targ);
            let c_id = self.resolve(canon);
            let (tk, ck) = (self.kind(t_id), self.kind(c_id));
            // A canonical FWD (base ones too) resolves to the STRUCT/UNION.
            if tk != Kind::Fwd && ck == Kind::Fwd {
                self.map[c_id as usize] = t_id;
            }
            if self.hypot_adjust_canon {
                continue;
            }
            if tk == Kind::Fwd && ck != Kind::Fwd {
                self.map[t_id as usize] = c_id;
            }
            if matches!(tk, Kind::Struct | Kind::Union)
                && ck != Kind::Fwd
                && self.is_mapped(c_id)
                && !self.is_mapped(t_id)
            {
                self.map[t_id as usize] = c_id;
            }
        }
    }

    fn struct_type(&mut self, id: u32) -> Result<(), Error> {
        if self.is_mapped(id) || !matches!(self.kind(id), Kind::Struct | Kind::Union) {
            return Ok(());
        }
        let h = sig::hash_struct(self.rec(id));
        let mut new_id = id;
        let mut cur = self.table.head(h);
        while let Some(c) = self.table.step(&mut cur, h) {
            // A FWD with a colliding hash must not be taken for a struct.
            if !sig::shallow_equal_struct(self.rec(id), self.rec(c)) {
                continue;
            }
            self.hypot_clear();
            if !self.is_equiv(id, c)? {
                continue;
            }
            self.merge_hypot();
            if self.hypot_adjust_canon {
                continue;
            }
            new_id = c;
            break;
        }
        self.map[id as usize] = new_id;
        if new_id == id {
            self.table.append(h, id);
        }
        Ok(())
    }

    pub(super) fn struct_types(&mut self) -> Result<(), Error> {
        for id in self.start_id..self.type_cnt() {
            self.struct_type(id)?;
        }
        Ok(())
    }
}
