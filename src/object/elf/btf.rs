//! Phase 4: `.BTF` and `.BTF.ext`. Both are optional here: a section that does not
//! parse (or whose DATASECs cannot be fixed up from the symbol and section tables)
//! is reported and dropped, as libbpf does; only BTF-defined maps need BTF, and the
//! maps phase says so.
//! Must not call: `crate::sys`.

use super::{Layout, Symbol};
use crate::btf::{Btf, BtfExt};
use object::elf as E;

/// The object's BTF (DATASEC sizes and variable offsets filled in from the ELF
/// tables, as the compiler leaves them 0) and, if that parsed, its `.BTF.ext`.
pub(super) fn read(
    layout: &Layout<'_>,
    syms: &[Symbol],
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
    let sym_of = |n: &str| {
        syms.iter()
            .find(|s| s.name == n && s.typ == E::STT_OBJECT && s.shndx != 0)
            .and_then(|s| u32::try_from(s.value).ok().map(|v| (v, s.hidden)))
    };
    let size_of = |n: &str| {
        layout
            .names
            .iter()
            .position(|s| s == n)
            .and_then(|i| u32::try_from(layout.sizes[i]).ok())
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
