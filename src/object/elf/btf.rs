//! Phase 4: `.BTF` and `.BTF.ext`. Both are optional here: a section that does not
//! parse (or whose DATASECs cannot be fixed up from the symbol and section tables)
//! is reported and dropped, as libbpf does; only BTF-defined maps need BTF, and the
//! maps phase says so.
//! Must not call: `crate::sys`.

use super::{Layout, NameBuild, Symbol};
use crate::btf::{Btf, BtfExt};
use object::elf as E;
use std::collections::HashMap;

/// The object's BTF (DATASEC sizes and variable offsets filled in from the ELF
/// tables, as the compiler leaves them 0) and, if that parsed, its `.BTF.ext`.
pub(super) fn read(
    layout: &Layout<'_>,
    syms: &[Symbol<'_>],
    path_name: &str,
) -> (Option<Btf>, Option<BtfExt>) {
    let Some(b) = layout.btf else {
        return (None, None);
    };
    let mut btf = match Btf::parse(b) {
        Ok(btf) => btf,
        Err(e) => {
            crate::log::warn(format_args!(
                "{path_name}: error parsing .BTF: {e}; ignored, continuing"
            ));
            return (None, None);
        }
    };
    // The first defined object or function symbol of each name (hidden functions
    // are made static too): one lookup per DATASEC or FUNC entry.
    let defined = |s: &&Symbol<'_>| matches!(s.typ, E::STT_OBJECT | E::STT_FUNC) && s.shndx != 0;
    let mut objects: HashMap<&str, Option<(u32, bool)>, NameBuild> =
        HashMap::with_capacity_and_hasher(
            syms.iter().filter(defined).count(),
            NameBuild::default(),
        );
    for s in syms.iter().filter(defined) {
        let v = u32::try_from(s.value).ok().map(|v| (v, s.hidden));
        objects.entry(&*s.name).or_insert(v);
    }
    let sym_of = |n: &str| objects.get(n).copied().flatten();
    let size_of = |n: &str| {
        layout
            .secs
            .iter()
            .find(|s| s.name == n)
            .and_then(|s| u32::try_from(s.size).ok())
    };
    if let Err(e) = btf.fixup_datasecs(&size_of, &sym_of) {
        crate::log::warn(format_args!(
            "{path_name}: BTF DATASEC fix-up failed: {e}; BTF ignored"
        ));
        return (None, None);
    }
    let ext = layout.btf_ext.and_then(|x| match BtfExt::parse(x, &btf) {
        Ok(ext) => Some(ext),
        Err(e) => {
            crate::log::warn(format_args!(
                "{path_name}: error parsing .BTF.ext: {e}; ignored, continuing"
            ));
            None
        }
    });
    (Some(btf), ext)
}

#[cfg(test)]
mod tests {
    use super::super::testelf::*;
    use crate::btf::write::BtfBuilder;
    use crate::btf::{INT_SIGNED, LINKAGE_GLOBAL};

    /// BTF with one global `int g` in a `.data` DATASEC whose size and offsets are
    /// left 0, as clang leaves them.
    fn data_btf() -> Vec<u8> {
        let mut t = BtfBuilder::new();
        let int = t.int("int", 4, INT_SIGNED, 32);
        let g = t.var("g", int, LINKAGE_GLOBAL);
        t.datasec(".data", 0, &[(g, 0, 0)]);
        t.to_bytes()
    }

    /// The `.data` DATASEC as read: its size and (offset, size) of each entry.
    type Datasec = Option<(u32, Vec<(u32, u32)>)>;

    /// Whether BTF and `.BTF.ext` were kept, and the `.data` DATASEC.
    fn read_btf(b: &ElfBuilder) -> (bool, bool, Datasec) {
        let file = b.build();
        let (_, syms, l) = layout(&file);
        let (btf, ext) = super::read(&l, &syms, "t.o");
        let ds = btf.as_ref().and_then(|btf| {
            let t = btf.ty(btf.datasec_by_name(".data")?)?;
            Some((
                t.size(),
                t.datasec_vars().map(|v| (v.offset, v.size)).collect(),
            ))
        });
        (btf.is_some(), ext.is_some(), ds)
    }

    #[test]
    fn datasecs_fixed_up_from_the_elf_tables() {
        let mut b = ElfBuilder::new();
        let data = b.data(".data", &[0; 16]);
        b.data(".BTF", &data_btf());
        b.object("g", data, 12, 4);
        assert_eq!(read_btf(&b), (true, false, Some((16, vec![(12, 0)]))));
    }

    #[test]
    fn bad_btf_is_dropped_not_fatal() {
        // No .BTF at all.
        let mut b = ElfBuilder::new();
        b.data(".BTF.ext", b"ignored without .BTF");
        assert_eq!(read_btf(&b), (false, false, None));
        // .BTF that does not parse.
        let mut b = ElfBuilder::new();
        b.data(".BTF", b"garbage");
        assert_eq!(read_btf(&b), (false, false, None));
        // A DATASEC for a section the object lacks: the fix-up fails.
        let mut b = ElfBuilder::new();
        b.data(".BTF", &data_btf());
        assert_eq!(read_btf(&b), (false, false, None));
        // .BTF.ext that does not parse: BTF kept, .BTF.ext dropped.
        let mut b = ElfBuilder::new();
        let data = b.data(".data", &[0; 4]);
        b.data(".BTF", &data_btf());
        b.data(".BTF.ext", b"garbage");
        b.object("g", data, 0, 4);
        assert_eq!(read_btf(&b), (true, false, Some((4, vec![(0, 0)]))));
    }
}
