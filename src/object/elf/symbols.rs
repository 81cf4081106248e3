//! Phase 2: `.symtab` → [`Symbol`]s (name, section, value, size, type, binding,
//! visibility), in table order so relocation records index them directly.
//! Must not call: `crate::sys`.

use super::sections::Elf;
use super::Symbol;
use crate::error::Error;
use crate::object::format_err;
use object::elf as E;
use object::read::elf::Sym;

/// Decodes the symbol table; an object without one is malformed (libbpf needs it to
/// name programs and maps).
pub(super) fn read(elf: &Elf<'_>, path_name: &str) -> Result<Vec<Symbol>, Error> {
    let endian = elf.endian;
    let symtab = elf
        .sections
        .symbols(endian, elf.data, E::SHT_SYMTAB)
        .map_err(|e| format_err(format!("{path_name}: bad symbol table: {e}")))?;
    if symtab.is_empty() {
        return Err(format_err(format!(
            "{path_name}: no symbol table (.symtab)"
        )));
    }
    let mut syms = Vec::with_capacity(symtab.len());
    for (i, s) in symtab.symbols().iter().enumerate() {
        let name = symtab
            .symbol_name(endian, s)
            .map_err(|_| format_err(format!("{path_name}: symbol #{i}: name outside .strtab")))?;
        syms.push(Symbol {
            name: String::from_utf8_lossy(name).into_owned(),
            shndx: usize::from(s.st_shndx(endian)),
            value: s.st_value(endian),
            size: s.st_size(endian),
            typ: s.st_type(),
            bind: s.st_bind(),
            hidden: matches!(s.st_other() & 3, E::STV_HIDDEN | E::STV_INTERNAL),
        });
    }
    Ok(syms)
}
