//! Unambiguous forward declarations (`btf_dedup_resolve_fwds`): a FWD that no
//! struct comparison resolved (it was in no type graph compared with another)
//! resolves to the canonical STRUCT/UNION of its name when exactly one
//! canonical STRUCT or UNION has that name (base types included) and its kind
//! is the one the FWD declares.

use super::super::types::rd32;
use super::{Dedup, Kind};
use crate::error::Error;

impl Dedup<'_> {
    pub(super) fn resolve_fwds(&mut self) -> Result<(), Error> {
        // (name offset, id) of every canonical STRUCT/UNION; a name held by
        // more than one gets id 0 (ambiguous).
        let mut names: Vec<(u32, u32)> = (1..self.type_cnt())
            .filter(|&id| {
                matches!(self.kind(id), Kind::Struct | Kind::Union) && self.map[id as usize] == id
            })
            .map(|id| (rd32(self.rec(id), 0), id))
            .collect();
        names.sort_unstable();
        names.dedup_by(|later, first| {
            let same = later.0 == first.0;
            if same {
                first.1 = 0;
            }
            same
        });
        for id in self.start_id..self.type_cnt() {
            if self.kind(id) != Kind::Fwd || self.map[id as usize] != id {
                continue;
            }
            let r = self.rec(id);
            let name = rd32(r, 0);
            let Ok(at) = names.binary_search_by_key(&name, |&(n, _)| n) else {
                continue;
            };
            let cand = names[at].1;
            if cand == 0 {
                continue;
            }
            let union = rd32(r, 4) >> 31 != 0;
            if (self.kind(cand) == Kind::Union) == union {
                self.map[id as usize] = cand;
            }
        }
        Ok(())
    }
}
