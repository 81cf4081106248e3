//! ELF bytes → [`Object`], in phases, one per file, each with its own input and output:
//!
//! 1. [`sections::open`]: the ELF header and the section table;
//! 2. [`symbols::read`]: `.symtab`, decoded into [`Symbol`]s;
//! 3. [`sections::scan`]: what each section is ([`Layout`]: license, version, code,
//!    map, data, BTF and relocation sections);
//! 4. [`btf::read`]: `.BTF` with its DATASEC fix-ups, and `.BTF.ext`;
//! 5. [`programs`]: the functions of each code section, then the entry points;
//! 6. [`maps`]: legacy `maps`, BTF-defined `.maps`, then global-data maps;
//!    [`externs`]: `.kconfig`/`.ksyms` externs and the `.kconfig` map;
//! 7. [`relocs`]: instruction relocations and `.maps` initialisers.
//!
//! Every offset, size and index read from the file is checked (the `object` crate
//! bounds-checks section data; we check symbol/instruction indexes); malformed input
//! is a `LIBBPF_ERRNO__FORMAT`/`__RELOC` error naming the section or program.
//! Must not call: `crate::sys` (parsing touches no kernel).

mod btf;
mod externs;
mod maps;
pub mod parts;
mod programs;
mod relocs;
mod sections;
mod strtab;
mod symbols;
#[cfg(test)]
pub(crate) mod testelf;

use super::maps::DataKind;
use super::{CodeSection, Few, NameTable, Object, OpenOpts};
use crate::btf::Btf;
use crate::error::Error;
use object::elf::{self as E, FileHeader64, SectionHeader64};
use object::Endianness;
use sections::Elf;

type Hdr = FileHeader64<Endianness>;
type Shdr = SectionHeader64<Endianness>;

/// One symbol, decoded; its name borrowed from the string table (copied only
/// when not UTF-8).
#[derive(Debug, Clone)]
struct Symbol<'a> {
    name: std::borrow::Cow<'a, str>,
    /// `st_name`: the name's offset in `.strtab`.
    name_off: u32,
    shndx: usize,
    value: u64,
    size: u64,
    typ: u8,
    bind: u8,
    hidden: bool,
}

/// What a section is to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecKind {
    /// Index into the code sections.
    Code(usize),
    LegacyMaps,
    BtfMaps,
    /// Index into [`Object::maps`] (set by the maps phase).
    Data(usize),
    /// `.struct_ops`.
    StructOps,
    Other,
}

/// A global-data section: index, name, kind, size, initial bytes.
type DataSec<'a> = (
    usize,
    std::borrow::Cow<'a, str>,
    DataKind,
    u64,
    Option<Vec<u8>>,
);

const SHN_COMMON: usize = E::SHN_COMMON as usize;

/// Hashes the names of one object's symbols and maps for the parse's own
/// look-up tables (a multiply-rotate hash over 8-byte words, as rustc's
/// FxHash): SipHash's protection against chosen collisions buys nothing where
/// the worst case is libbpf's own linear scan, and cost more than the look-ups.
#[derive(Default, Clone, Copy)]
struct NameHasher(u64);

impl std::hash::Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.write_u64(u64::from(b));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// A hash map or set keyed by names, with [`NameHasher`].
type NameBuild = std::hash::BuildHasherDefault<NameHasher>;

/// A section's name, borrowed from `.shstrtab` (copied only when not UTF-8),
/// and size.
#[derive(Clone, Default)]
struct SecInfo<'a> {
    name: std::borrow::Cow<'a, str>,
    size: u64,
}

/// What the section scan found, by section index where indexed.
struct Layout<'a> {
    license: std::borrow::Cow<'a, str>,
    kversion: u32,
    /// Non-empty executable sections, in section order.
    code: Few<CodeSection>,
    kinds: Vec<SecKind>,
    /// Every section's name and size.
    secs: Vec<SecInfo<'a>>,
    /// The last `maps` section and its header.
    legacy_maps: Option<(usize, &'a Shdr)>,
    /// The last `.maps` section.
    btf_maps: Option<usize>,
    /// The `.struct_ops` section and its contents.
    struct_ops: Option<(usize, &'a [u8])>,
    btf: Option<&'a [u8]>,
    btf_ext: Option<&'a [u8]>,
    data_secs: Vec<DataSec<'a>>,
    /// `SHT_REL` sections and their headers (read by the relocation phase).
    rels: Vec<(usize, &'a Shdr)>,
}

pub fn parse(data: &[u8], path_name: &str, opts: &OpenOpts) -> Result<Object, Error> {
    let elf = sections::open(data, path_name)?;
    let symtab = symbols::read(&elf, path_name)?;
    let syms = &symtab.syms;
    let mut layout = sections::scan(&elf, syms, path_name, opts)?;
    let (btf, btf_ext) = btf::read(&layout, syms, path_name);
    let table = name_table(&elf, &symtab, btf.as_ref(), &layout, path_name, opts);
    layout.name_code(&table);
    let mut code = std::mem::take(&mut layout.code);
    programs::functions(&mut code, &layout.kinds, syms, &table, path_name)?;
    let progs = programs::entry_points(&code)?;
    let mut obj = Object {
        name: table.extra(0),
        path: table.extra(1),
        license: table.extra(2),
        kversion: layout.kversion,
        maps: Few::new(),
        progs,
        code,
        btf,
        btf_ext,
        externs: Vec::new(),
    };

    crate::log::debug(format_args!(
        "looking for externs among {} symbols...",
        syms.len()
    ));
    let n_externs = syms.iter().filter(|s| externs::is_extern(s)).count();
    crate::log::debug(format_args!("collected {n_externs} externs total"));
    externs::collect(&mut obj, syms)?;
    // Maps, in libbpf's order: legacy, BTF-defined, global data.
    if let Some((shndx, shdr)) = layout.legacy_maps {
        maps::legacy(&mut obj, &elf, syms, shndx, shdr, path_name, opts)?;
    }
    if let Some(shndx) = layout.btf_maps {
        let more = layout.data_secs.len();
        maps::btf_defined(&mut obj, shndx, layout.secs[shndx].size, more, &table, opts)?;
    }
    let data_secs = std::mem::take(&mut layout.data_secs);
    maps::data(&mut obj, data_secs, &mut layout.kinds)?;
    externs::kconfig_map(&mut obj, symtab.index)?;
    if let Some((shndx, data)) = layout.struct_ops {
        let st_maps = super::struct_ops::maps_from_section(obj.btf.as_ref(), shndx, data)?;
        obj.maps.extend(st_maps);
    }

    relocs::read(&mut obj, &elf, &layout, syms, &table, path_name)?;
    Ok(obj)
}

impl Layout<'_> {
    /// Names the code sections (from `table`, once the object has one).
    fn name_code(&mut self, table: &NameTable) {
        for cs in &mut self.code {
            cs.name = table.name(&self.secs[cs.shndx].name);
        }
    }
}

/// One buffer for the object's names: the symbol and section string tables, the
/// BTF strings (BTF-defined map names), and the object's name, path and
/// license (extras 0, 1, 2).
fn name_table(
    elf: &Elf<'_>,
    symtab: &symbols::Symtab<'_>,
    btf: Option<&Btf>,
    layout: &Layout<'_>,
    path_name: &str,
    opts: &OpenOpts,
) -> NameTable {
    let btf_strings = btf.and_then(|b| std::str::from_utf8(b.strings_section()).ok());
    let mut tables = [""; 3];
    let mut n = 0;
    for t in [symtab.strtab.text(), elf.shstrtab.text(), btf_strings]
        .into_iter()
        .flatten()
    {
        tables[n] = t;
        n += 1;
    }
    let name = opts
        .object_name
        .as_deref()
        .unwrap_or_else(|| Object::base_name(path_name));
    NameTable::of_text(&tables[..n], &[name, path_name, &layout.license])
}

#[cfg(test)]
mod tests {
    use super::testelf::*;
    use super::*;

    #[test]
    fn whole_object() {
        let mut b = ElfBuilder::new();
        b.data("license", b"GPL\0");
        b.data("version", &0x0006_0100u32.to_le_bytes());
        let sock = b.code("socket", &[mov_r0(0), exit()]);
        let bss = b.nobits(".bss", 8);
        b.func("filter", sock, 0, 2, true);
        b.object("hits", bss, 0, 8);
        let file = b.build();
        let obj = parse(&file, "dir/prog.bpf.o", &OpenOpts::default()).unwrap();
        assert_eq!(obj.name, "prog");
        assert_eq!((obj.license.as_str(), obj.kversion), ("GPL", 0x0006_0100));
        assert_eq!((obj.progs.len(), obj.progs[0].name.as_str()), (1, "filter"));
        assert_eq!((obj.code.len(), obj.code[0].funcs.len()), (1, 1));
        assert_eq!((obj.maps.len(), obj.maps[0].name.as_str()), (1, ".bss"));
        assert!(obj.btf.is_none() && obj.btf_ext.is_none());
        let named = OpenOpts {
            object_name: Some("given".into()),
            ..OpenOpts::default()
        };
        assert_eq!(parse(&file, "x.o", &named).unwrap().name, "given");
    }
}
