//! Which bytes of an object file the parse reads, for a reader that takes a
//! large file in parts (`sys::image::read_parts`): the ELF header, the section
//! headers, the section names and every section's contents except those the
//! parse passes over without reading them — DWARF and the relocations of
//! DWARF, `.BTF` and `.BTF.ext` ([`unread`]). In a `clang -g` object the DWARF
//! is often the larger part of the file.
//!
//! Anything unexpected (not a 64-bit ELF file, extended section numbering,
//! headers past the end) asks for the whole file, so the parse sees the file
//! as it is and reports on it as before.

use object::elf::{FileHeader64, SectionHeader64, SHN_XINDEX, SHT_NOBITS};
use object::read::elf::{FileHeader, SectionHeader};
use object::Endianness;
use std::ops::Range;

type Hdr = FileHeader64<Endianness>;
type Shdr = SectionHeader64<Endianness>;

/// The sections whose bytes the parse never reads (it passes over them by
/// name: see `sections::ignored`).
pub(super) fn unread(name: &str) -> bool {
    let dwarf = |n: &str| n.starts_with(".debug_");
    dwarf(name)
        || name
            .strip_prefix(".rel")
            .is_some_and(|r| dwarf(r) || r == ".BTF" || r == ".BTF.ext")
}

/// The plan for `read_parts`: called with the bytes read so far, it names the
/// ranges to read next — the ELF header, then the section headers, then the
/// section names, then the sections — and then nothing (an empty list).
/// `None`: read the whole file.
pub fn plan() -> impl FnMut(&[u8]) -> Option<Vec<Range<usize>>> {
    let mut step = 0;
    move |data: &[u8]| {
        step += 1;
        next(step, data)
    }
}

fn next(step: u32, data: &[u8]) -> Option<Vec<Range<usize>>> {
    let hdr_len = std::mem::size_of::<Hdr>();
    if step == 1 {
        return Some(std::iter::once(0..hdr_len).collect());
    }
    let hdr = Hdr::parse(data).ok()?;
    let endian = hdr.endian().ok()?;
    let (shoff, shnum) = (hdr.e_shoff(endian) as usize, hdr.e_shnum(endian) as usize);
    let shstrndx = hdr.e_shstrndx(endian);
    if shnum == 0
        || shstrndx == 0
        || shstrndx == SHN_XINDEX
        || hdr.e_shentsize(endian) as usize != std::mem::size_of::<Shdr>()
    {
        return None;
    }
    let table = shoff..shoff.checked_add(shnum.checked_mul(std::mem::size_of::<Shdr>())?)?;
    if table.end > data.len() {
        return None;
    }
    if step == 2 {
        return Some(vec![table]);
    }
    let shdrs = hdr.section_headers(endian, data).ok()?;
    let contents = |s: &Shdr| -> Option<Range<usize>> {
        let start = s.sh_offset(endian) as usize;
        let end = start.checked_add(s.sh_size(endian) as usize)?;
        (end <= data.len()).then_some(start..end)
    };
    let names = shdrs.get(shstrndx as usize)?;
    if step == 3 {
        return Some(vec![contents(names)?]);
    }
    if step > 4 {
        return Some(Vec::new());
    }
    let strings = names.data(endian, data).ok()?;
    let mut want = Vec::with_capacity(shdrs.len());
    for s in shdrs {
        if s.sh_type(endian) == SHT_NOBITS {
            continue;
        }
        let name = strings
            .get(s.sh_name(endian) as usize..)
            .unwrap_or_default();
        let name = name.split(|&b| b == 0).next().unwrap_or_default();
        if std::str::from_utf8(name).is_ok_and(unread) {
            continue;
        }
        want.push(contents(s)?);
    }
    Some(want)
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    #[test]
    fn dwarf_and_its_relocations_are_not_read() {
        for n in [".debug_info", ".rel.debug_line", ".rel.BTF", ".rel.BTF.ext"] {
            assert!(unread(n), "{n}");
        }
        for n in [
            ".BTF",
            ".BTF.ext",
            ".text",
            ".rel.text",
            ".maps",
            ".strtab",
            ".symtab",
            ".rela.debug_info",
        ] {
            assert!(!unread(n), "{n}");
        }
    }

    #[test]
    fn not_an_elf_file_is_read_whole() {
        let mut p = plan();
        assert_eq!(p(&[0; 256]), Some(Vec::from([0..64])));
        assert_eq!(p(&[0; 256]), None);
    }
}
