//! Split BTF: the base is immutable, so every base type is canonical as it is,
//! and enters the candidate table before any own type is looked at, keyed by
//! the signature its kind's pass uses (`btf_dedup_prep`).

use super::sig;
use super::{Dedup, Kind};
use crate::error::Error;

impl Dedup<'_> {
    pub(super) fn prep(&mut self) -> Result<(), Error> {
        if self.base.is_none() {
            return Ok(());
        }
        for id in 1..self.start_id {
            self.map[id as usize] = id;
            let r = self.rec(id);
            let h = match self.kind(id) {
                Kind::Var | Kind::Datasec => continue,
                Kind::Const
                | Kind::Volatile
                | Kind::Restrict
                | Kind::Ptr
                | Kind::Fwd
                | Kind::Typedef
                | Kind::Func
                | Kind::Float
                | Kind::TypeTag => sig::hash_common(r),
                Kind::Int | Kind::DeclTag => sig::hash_int_tag(r),
                Kind::Enum | Kind::Enum64 => sig::hash_enum(r),
                Kind::Struct | Kind::Union => sig::hash_struct(r),
                Kind::Array => sig::hash_array(r),
                Kind::FuncProto => sig::hash_fnproto(r),
                Kind::Void => {
                    crate::log::debug(format_args!("unknown kind 0 for type [{id}]"));
                    return Err(Error::inval("unknown BTF kind in base BTF"));
                }
            };
            self.table.append(h, id);
        }
        Ok(())
    }
}
