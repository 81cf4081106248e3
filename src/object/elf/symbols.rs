//! Phase 2: `.symtab` → [`Symbol`]s (name, section, value, size, type, binding,
//! visibility), in table order so relocation records index them directly.
//! Must not call: `crate::sys`.

use super::sections::Elf;
use super::strtab::StrTab;
use super::Symbol;
use crate::error::Error;
use crate::object::format_err;
use object::elf as E;
use object::read::elf::{SectionHeader, Sym};

/// The decoded symbol table, the index of its section and its string table.
pub(super) struct Symtab<'a> {
    pub(super) syms: Vec<Symbol<'a>>,
    pub(super) index: usize,
    pub(super) strtab: StrTab<'a>,
}

/// Decodes the symbol table; an object without one is malformed (libbpf needs it to
/// name programs and maps).
pub(super) fn read<'a>(elf: &Elf<'a>, path_name: &str) -> Result<Symtab<'a>, Error> {
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
    // The names' table: empty (every name outside it) when not in the file.
    let strtab = elf
        .sections
        .section(symtab.string_section())
        .ok()
        .and_then(|s| s.data(endian, elf.data).ok())
        .map(|b| StrTab::new_or(b, &elf.shstrtab))
        .unwrap_or_default();
    let mut syms = Vec::with_capacity(symtab.len());
    for (i, s) in symtab.symbols().iter().enumerate() {
        let name = strtab
            .get(s.st_name(endian))
            .ok_or_else(|| format_err(format!("{path_name}: symbol #{i}: name outside .strtab")))?;
        syms.push(Symbol {
            name,
            name_off: s.st_name(endian),
            shndx: usize::from(s.st_shndx(endian)),
            value: s.st_value(endian),
            size: s.st_size(endian),
            typ: s.st_type(),
            bind: s.st_bind(),
            hidden: matches!(s.st_other() & 3, E::STV_HIDDEN | E::STV_INTERNAL),
        });
    }
    Ok(Symtab {
        syms,
        index: symtab.section().0,
        strtab,
    })
}

#[cfg(test)]
mod tests {
    use super::super::sections::open;
    use super::super::testelf::*;
    use super::*;
    use crate::error::libbpf_errno::FORMAT;

    fn sample() -> (ElfBuilder, usize) {
        let mut b = ElfBuilder::new();
        let xdp = b.code("xdp", &[mov_r0(2), exit(), mov_r0(1), exit()]);
        let data = b.data(".data", &[0; 8]);
        b.section_symbol(data);
        b.func("helper", xdp, 2, 2, false);
        b.func("prog", xdp, 0, 2, true);
        b.object("counter", data, 4, 4);
        b.symbol(
            "secret",
            data,
            0,
            4,
            E::STT_OBJECT,
            E::STB_GLOBAL,
            E::STV_HIDDEN,
        );
        b.symbol(
            "weak_fn",
            xdp,
            0,
            0,
            E::STT_FUNC,
            E::STB_WEAK,
            E::STV_INTERNAL,
        );
        b.symbol(
            "ext",
            0,
            0,
            0,
            E::STT_NOTYPE,
            E::STB_GLOBAL,
            E::STV_PROTECTED,
        );
        (b, xdp)
    }

    #[test]
    fn symbols_classified() {
        let (b, xdp) = sample();
        let data = xdp + 1;
        let file = b.build();
        let elf = open(&file, "t.o").unwrap();
        let syms = read(&elf, "t.o").unwrap().syms;
        let got: Vec<_> = syms
            .iter()
            .map(|s| (&*s.name, s.shndx, s.value, s.size, s.typ, s.bind, s.hidden))
            .collect();
        let (func, obj, local, global) = (E::STT_FUNC, E::STT_OBJECT, E::STB_LOCAL, E::STB_GLOBAL);
        assert_eq!(
            got,
            [
                ("", 0, 0, 0, E::STT_NOTYPE, local, false), // the null symbol
                ("", data, 0, 0, E::STT_SECTION, local, false),
                ("helper", xdp, 16, 16, func, local, false),
                ("prog", xdp, 0, 16, func, global, false),
                ("counter", data, 4, 4, obj, global, false),
                ("secret", data, 0, 4, obj, global, true),
                ("weak_fn", xdp, 0, 0, func, E::STB_WEAK, true),
                ("ext", 0, 0, 0, E::STT_NOTYPE, global, false),
            ]
        );
    }

    #[test]
    fn symbol_table_errors() {
        let (b, _) = sample();
        let symtab = b.symtab_index();
        let good = b.build();
        let fails = |f: &[u8]| failure(read(&open(f, "t.o").unwrap(), "t.o").map(|t| t.syms));

        let mut f = good.clone();
        patch_shdr(&mut f, symtab, 4, &E::SHT_PROGBITS.to_le_bytes()); // sh_type
        let want = "t.o: no symbol table (.symtab): BPF object format invalid";
        assert_eq!(fails(&f), (FORMAT, want.into()));

        let mut f = good.clone();
        patch_record(
            &mut f,
            symtab,
            SYM_SIZE,
            3,
            ST_NAME,
            &0xffffu32.to_le_bytes(),
        );
        let want = "t.o: symbol #3: name outside .strtab: BPF object format invalid";
        assert_eq!(fails(&f), (FORMAT, want.into()));

        for (field, v) in [(SH_OFFSET, good.len() as u64), (SH_SIZE, 1 << 40)] {
            let mut f = good.clone();
            patch_shdr(&mut f, symtab, field, &v.to_le_bytes());
            let (code, text) = fails(&f);
            assert!(
                code == FORMAT && text.starts_with("t.o: bad symbol table: "),
                "{text}"
            );
        }
        // .strtab (the symbol table's sh_link) outside the file: found at the first
        // name read, the null symbol's.
        let mut f = good.clone();
        patch_shdr(
            &mut f,
            symtab + 1,
            SH_OFFSET,
            &(good.len() as u64 + 8).to_le_bytes(),
        );
        let want = "t.o: symbol #0: name outside .strtab: BPF object format invalid";
        assert_eq!(fails(&f), (FORMAT, want.into()));
    }
}
