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
use super::table::Table;
use super::{raw_kind, resolve, sig, Dedup, Kind, Recs, MAX_NR_TYPES, UNPROCESSED};
use crate::error::Error;

const INT: u32 = Kind::Int as u32;
const PTR: u32 = Kind::Ptr as u32;
const ARRAY: u32 = Kind::Array as u32;
const STRUCT: u32 = Kind::Struct as u32;
const UNION: u32 = Kind::Union as u32;
const ENUM: u32 = Kind::Enum as u32;
const FWD: u32 = Kind::Fwd as u32;
const TYPEDEF: u32 = Kind::Typedef as u32;
const VOLATILE: u32 = Kind::Volatile as u32;
const CONST: u32 = Kind::Const as u32;
const RESTRICT: u32 = Kind::Restrict as u32;
const FUNC: u32 = Kind::Func as u32;
const FUNC_PROTO: u32 = Kind::FuncProto as u32;
const FLOAT: u32 = Kind::Float as u32;
const TYPE_TAG: u32 = Kind::TypeTag as u32;
const ENUM64: u32 = Kind::Enum64 as u32;

/// The header of a record, decoded once per pass: most steps of a walk need
/// nothing else.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Hdr {
    name: u32,
    info: u32,
    size_type: u32,
}

impl Hdr {
    fn of(r: &[u8]) -> Hdr {
        Hdr {
            name: rd32(r, 0),
            info: rd32(r, 4),
            size_type: rd32(r, 8),
        }
    }

    #[inline]
    fn kind(self) -> u32 {
        self.info >> 24 & 0x1f
    }

    /// The kind a FWD declares (kind flag: union).
    #[inline]
    fn fwd_kind(self) -> u32 {
        if self.info >> 31 != 0 {
            UNION
        } else {
            STRUCT
        }
    }
}

/// A walk met a kind no struct's type graph holds (small, so that walk
/// steps return in registers).
struct BadKind;

impl From<BadKind> for Error {
    fn from(_: BadKind) -> Error {
        Error::inval("unexpected BTF kind in a struct's type graph")
    }
}

/// The state of the struct pass: the records (read only), the canonical map
/// and the hypothetical map of the walk in progress. Records are borrowed
/// for the whole pass, so a walk holds them while it recurses.
struct Walk<'a> {
    recs: Recs<'a>,
    /// The header of every type, base and own.
    hdr: Vec<Hdr>,
    map: &'a mut [u32],
    hypot_map: &'a mut [u32],
    /// The IDs set in `hypot_map`, to clear them.
    hypot_list: Vec<u32>,
    /// The walk would have to resolve a base FWD (split BTF only).
    adjust_canon: bool,
    /// Struct → a hash of its member types' names (0: not computed yet),
    /// when [`walks_cannot_fail`] allows the filter it serves.
    names: Option<Vec<u32>>,
    /// Canonical struct → the first canonical struct shallow-equal to it (0:
    /// itself). Shallow equality is an equivalence, so one comparison with a
    /// class stands for all its members: a run of candidates of one class
    /// (anonymous structs alike in names and offsets) costs one comparison.
    class: Vec<u32>,
}

impl<'a> Walk<'a> {
    #[inline]
    fn is_mapped(&self, id: u32) -> bool {
        self.map[id as usize] <= MAX_NR_TYPES
    }

    #[inline]
    fn kind(&self, id: u32) -> u32 {
        self.hdr[id as usize].kind()
    }

    #[inline]
    fn hypot_add(&mut self, from: u32, to: u32) {
        self.hypot_list.push(from);
        self.hypot_map[from as usize] = to;
    }

    fn hypot_clear(&mut self) {
        for &id in &self.hypot_list {
            self.hypot_map[id as usize] = UNPROCESSED;
        }
        self.hypot_list.clear();
        self.adjust_canon = false;
    }

    /// Both ARRAYs with equal element type, index type and count, or both
    /// STRUCTs (or both UNIONs) with equal members, types included.
    fn identical(&self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.recs.rec(a), self.recs.rec(b));
        match (raw_kind(ra), raw_kind(rb)) {
            (ARRAY, ARRAY) => sig::equal_array(ra, rb),
            (STRUCT, STRUCT) | (UNION, UNION) => sig::identical_struct(ra, rb),
            _ => false,
        }
    }

    /// Are the graphs from `cand` and `canon` equivalent? `Ok(false)` on the
    /// first difference; [`BadKind`] when a walk reaches a kind no type graph
    /// of a struct holds (VAR, DATASEC, DECL_TAG).
    #[inline]
    fn is_equiv(&mut self, cand: u32, canon: u32) -> Result<bool, BadKind> {
        let canon_res = resolve(self.map, canon);
        if resolve(self.map, cand) == canon_res {
            return Ok(true);
        }
        self.walk(cand, canon, canon_res)
    }

    /// [`Walk::is_equiv`] past its first check; `canon_res` is what `canon`
    /// resolves to.
    fn walk(&mut self, cand: u32, canon: u32, canon_res: u32) -> Result<bool, BadKind> {
        // A canonical FWD stands for the STRUCT/UNION it resolved to.
        let mut canon = canon;
        let mut nh = self.hdr[canon as usize];
        if nh.kind() == FWD {
            let rh = self.hdr[canon_res as usize];
            if rh.kind() != FWD {
                (canon, nh) = (canon_res, rh);
            }
        }
        let hypot = self.hypot_map[canon as usize];
        if hypot <= MAX_NR_TYPES {
            return Ok(hypot == cand || self.identical(hypot, cand));
        }
        self.hypot_add(canon, cand);
        let ch = self.hdr[cand as usize];
        if ch.name != nh.name {
            return Ok(false);
        }
        let (ck, nk) = (ch.kind(), nh.kind());
        if (ck == FWD || nk == FWD) && ck != nk {
            if ck == FWD {
                return Ok(ch.fwd_kind() == nk);
            }
            let eq = nh.fwd_kind() == ck;
            if eq && canon < self.recs.start_id {
                // Would resolve a base FWD.
                self.adjust_canon = true;
            }
            return Ok(eq);
        }
        if ck != nk {
            return Ok(false);
        }
        match ck {
            FWD | FLOAT => Ok(ch == nh),
            CONST | VOLATILE | RESTRICT | PTR | TYPEDEF | FUNC | TYPE_TAG => {
                if ch.info != nh.info {
                    return Ok(false);
                }
                self.is_equiv(ch.size_type, nh.size_type)
            }
            _ => self.records_equiv(ck, self.recs.rec(cand), self.recs.rec(canon)),
        }
    }

    /// The rest of [`Walk::walk`] for two records of kind `k` whose entries
    /// matter.
    fn records_equiv(&mut self, k: u32, ct: &'a [u8], nt: &'a [u8]) -> Result<bool, BadKind> {
        match k {
            INT => Ok(sig::equal_int_tag(ct, nt)),
            ENUM | ENUM64 => Ok(sig::compat_enum(ct, nt)),
            ARRAY => {
                if !sig::compat_array(ct, nt) {
                    return Ok(false);
                }
                let (ci, ni, ce, ne) = (rd32(ct, 16), rd32(nt, 16), rd32(ct, 12), rd32(nt, 12));
                Ok(self.is_equiv(ci, ni)? && self.is_equiv(ce, ne)?)
            }
            STRUCT | UNION => {
                if !sig::shallow_equal_struct(ct, nt) {
                    return Ok(false);
                }
                self.members_equiv(ct, nt)
            }
            FUNC_PROTO => {
                if !sig::compat_fnproto(ct, nt) {
                    return Ok(false);
                }
                if !self.is_equiv(rd32(ct, 8), rd32(nt, 8))? {
                    return Ok(false);
                }
                for (a, b) in sig::entries::<8>(ct).zip(sig::entries::<8>(nt)) {
                    if !self.is_equiv(sig::word(a, 4), sig::word(b, 4))? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            _ => Err(BadKind),
        }
    }

    /// Walks the member types of two STRUCT/UNION records pairwise.
    fn members_equiv(&mut self, ct: &'a [u8], nt: &'a [u8]) -> Result<bool, BadKind> {
        for (a, b) in sig::entries::<12>(ct).zip(sig::entries::<12>(nt)) {
            if !self.is_equiv(sig::word(a, 4), sig::word(b, 4))? {
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
            let t_id = resolve(self.map, targ);
            let c_id = resolve(self.map, canon);
            let (tk, ck) = (self.kind(t_id), self.kind(c_id));
            // A canonical FWD (base ones too) resolves to the STRUCT/UNION.
            if tk != FWD && ck == FWD {
                self.map[c_id as usize] = t_id;
            }
            if self.adjust_canon {
                continue;
            }
            if tk == FWD && ck != FWD {
                self.map[t_id as usize] = c_id;
            }
            if matches!(tk, STRUCT | UNION)
                && ck != FWD
                && self.is_mapped(c_id)
                && !self.is_mapped(t_id)
            {
                self.map[t_id as usize] = c_id;
            }
        }
    }

    /// The name of type `id`.
    #[inline]
    fn name(&self, id: u32) -> u32 {
        self.hdr.get(id as usize).map_or(0, |h| h.name)
    }

    /// A hash of the names of struct `id`'s member types, if the filter is
    /// on.
    ///
    /// Types a walk finds equivalent have equal names: every pair it
    /// assumes passed a name comparison (or the walk failed), and every
    /// canonical mapping was made by such a walk or between equal names.
    /// So a candidate whose member types differ in a name from the struct's
    /// cannot be equivalent, and when no walk can fail with an error, it
    /// can be passed over without one.
    #[inline(always)]
    fn names_hash(&mut self, id: u32) -> Option<u32> {
        let cached = self.names.as_ref()?.get(id as usize).copied()?;
        if cached != 0 {
            return Some(cached);
        }
        self.names_hash_new(id)
    }

    /// [`Walk::names_hash`] computed and kept.
    fn names_hash_new(&mut self, id: u32) -> Option<u32> {
        let h = sig::entries::<12>(self.recs.rec(id)).fold(0u32, |h, e| {
            (h.rotate_left(5) ^ self.name(sig::word(e, 4))).wrapping_mul(0x9e37_79b9)
        }) | 1;
        if let Some(v) = self.names.as_mut().and_then(|n| n.get_mut(id as usize)) {
            *v = h;
        }
        Some(h)
    }

    /// Do the member types of two shallow-equal structs have equal names?
    fn same_type_names(&self, t: &[u8], c: &[u8]) -> bool {
        sig::entries::<12>(t)
            .zip(sig::entries::<12>(c))
            .all(|(a, b)| self.name(sig::word(a, 4)) == self.name(sig::word(b, 4)))
    }

    fn struct_type(&mut self, table: &mut Table, id: u32) -> Result<(), Error> {
        if self.is_mapped(id) {
            return Ok(());
        }
        let t = self.recs.rec(id);
        if !matches!(raw_kind(t), STRUCT | UNION) {
            return Ok(());
        }
        let h = sig::hash_struct(t);
        let names = self.names_hash(id);
        let mut new_id = id;
        // The class last compared, whether `t` is shallow-equal to it, and
        // the class `t` joins if it stays canonical.
        let (mut seen, mut seen_eq, mut own) = (0, false, 0);
        for c in table.get(h) {
            if names.is_some() && self.names_hash(c) != names {
                continue;
            }
            let class = match self.class[c as usize] {
                0 => c,
                r => r,
            };
            if class != seen {
                // A FWD with a colliding hash must not be taken for a struct.
                seen_eq = sig::shallow_equal_struct(t, self.recs.rec(class));
                seen = class;
                if seen_eq {
                    own = class;
                }
            }
            if !seen_eq || (names.is_some() && !self.same_type_names(t, self.recs.rec(c))) {
                continue;
            }
            self.hypot_clear();
            // `is_equiv(id, c)`, its first steps known: `id` is unmapped, `c`
            // canonical, no hypothesis is set, and the records agree.
            self.hypot_add(c, id);
            if !self.members_equiv(t, self.recs.rec(c))? {
                continue;
            }
            self.merge_hypot();
            if self.adjust_canon {
                continue;
            }
            new_id = c;
            break;
        }
        self.map[id as usize] = new_id;
        if new_id == id {
            self.class[id as usize] = own;
            table.append(h, id);
        }
        Ok(())
    }
}

/// True when no walk can end in [`BadKind`]: no type a walk follows (member,
/// referenced, element, index, return and parameter types) is of a kind a
/// walk refuses (VAR, DATASEC, DECL_TAG, unknown) or out of range.
fn walks_cannot_fail(recs: Recs<'_>, hdr: &[Hdr]) -> bool {
    let ok = |id: u32| {
        hdr.get(id as usize).is_some_and(|h| {
            id == 0
                || matches!(
                    h.kind(),
                    INT | PTR
                        | ARRAY
                        | STRUCT
                        | UNION
                        | ENUM
                        | FWD
                        | TYPEDEF
                        | VOLATILE
                        | CONST
                        | RESTRICT
                        | FUNC
                        | FUNC_PROTO
                        | FLOAT
                        | TYPE_TAG
                        | ENUM64
                )
        })
    };
    (1..hdr.len() as u32).all(|id| {
        let h = hdr[id as usize];
        match h.kind() {
            PTR | TYPEDEF | VOLATILE | CONST | RESTRICT | FUNC | TYPE_TAG => ok(h.size_type),
            ARRAY => {
                let r = recs.rec(id);
                ok(rd32(r, 12)) && ok(rd32(r, 16))
            }
            STRUCT | UNION => sig::entries::<12>(recs.rec(id)).all(|e| ok(sig::word(e, 4))),
            FUNC_PROTO => {
                ok(h.size_type) && sig::entries::<8>(recs.rec(id)).all(|e| ok(sig::word(e, 4)))
            }
            _ => true,
        }
    })
}

impl Dedup<'_> {
    pub(super) fn struct_types(&mut self) -> Result<(), Error> {
        let recs = Recs {
            base: self.base,
            start_id: self.start_id,
            types: &self.types,
            offs: &self.offs,
        };
        let n = self.map.len();
        let hdr: Vec<Hdr> = (0..n as u32).map(|id| Hdr::of(recs.rec(id))).collect();
        let names = walks_cannot_fail(recs, &hdr).then(|| vec![0; n]);
        let mut w = Walk {
            recs,
            hdr,
            names,
            map: &mut self.map,
            hypot_map: &mut self.hypot_map,
            hypot_list: Vec::new(),
            adjust_canon: false,
            class: vec![0; n],
        };
        for id in self.start_id..self.start_id + self.offs.len() as u32 {
            w.struct_type(&mut self.table, id)?;
        }
        Ok(())
    }
}
