//! Primitive types (`btf_dedup_prim_types`): INT, FLOAT, FWD and enums, which
//! reference no other type, are equal to a canonical candidate of the same
//! signature or become canonical themselves.
//!
//! Enums: an enum without values (a forward declaration) is equal to a full
//! enum or enum64 of its name. A forward declaration met first is
//! canonical until the full enum comes, which then takes its place.

use super::sig;
use super::{Dedup, Kind};
use crate::error::Error;

impl Dedup<'_> {
    pub(super) fn prim_types(&mut self) -> Result<(), Error> {
        for id in self.start_id..self.type_cnt() {
            self.prim_type(id)?;
        }
        Ok(())
    }

    fn prim_type(&mut self, id: u32) -> Result<(), Error> {
        let t = self.rec(id);
        let mut new_id = id;
        let h = match self.kind(id) {
            Kind::Int => {
                let h = sig::hash_int_tag(t);
                if let Some(c) = self
                    .table
                    .get(h)
                    .find(|&c| sig::equal_int_tag(t, self.rec(c)))
                {
                    new_id = c;
                }
                h
            }
            Kind::Fwd | Kind::Float => {
                let h = sig::hash_common(t);
                if let Some(c) = self
                    .table
                    .get(h)
                    .find(|&c| sig::equal_common(t, self.rec(c)))
                {
                    new_id = c;
                }
                h
            }
            Kind::Enum | Kind::Enum64 => {
                let h = sig::hash_enum(t);
                let mut fwd_to_full = Vec::new();
                let t_fwd = sig::enum_is_fwd(t);
                for c in self.table.get(h) {
                    let ct = self.rec(c);
                    if sig::equal_enum(t, ct) {
                        new_id = c;
                        break;
                    }
                    // `compat_enum`, knowing the two are not equal: two full
                    // enums are then not compatible either.
                    if !t_fwd && !sig::enum_is_fwd(ct) || !sig::compat_enum(t, ct) {
                        continue;
                    }
                    if t_fwd {
                        new_id = c;
                        break;
                    }
                    // A canonical forward declaration resolves to this enum.
                    fwd_to_full.push(c);
                }
                for c in fwd_to_full {
                    self.map[c as usize] = id;
                }
                h
            }
            Kind::Void => return Err(Error::inval("unknown BTF kind")),
            _ => return Ok(()),
        };
        self.map[id as usize] = new_id;
        if new_id == id {
            self.table.append(h, id);
        }
        Ok(())
    }
}
