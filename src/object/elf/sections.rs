//! Phases 1 and 3: the ELF header and section table ([`open`]), then what each
//! section is ([`scan`] → [`Layout`]): license, version, code, map, data, BTF and
//! relocation sections. Section contents are read here only where the scan needs
//! them; relocation records and legacy map definitions are read by their phases.
//! Must not call: `crate::sys`.

use super::strtab::StrTab;
use super::{Hdr, Layout, SecInfo, SecKind, Shdr, Symbol};
use crate::error::{libbpf_errno, Error};
use crate::insn::Insn;
use crate::object::maps::DataKind;
use crate::object::{format_err, CodeSection, Few, Name, OpenOpts};
use object::elf as E;
use object::read::elf::{FileHeader, SectionHeader, SectionTable};
use object::Endianness;

/// An ELF file whose header and section table have been checked.
pub(super) struct Elf<'a> {
    pub(super) data: &'a [u8],
    pub(super) endian: Endianness,
    pub(super) sections: SectionTable<'a, Hdr>,
    /// The section names (`e_shstrndx`; empty when that is not in the file).
    pub(super) shstrtab: StrTab<'a>,
}

/// Checks the header (magic, little-endian, `ET_REL`, `EM_BPF` or 0) and reads the
/// section table.
pub(super) fn open<'a>(data: &'a [u8], path_name: &str) -> Result<Elf<'a>, Error> {
    if data.len() < 4 || &data[..4] != b"\x7fELF" {
        return Err(format_err(format!(
            "'{path_name}' is not a proper ELF object"
        )));
    }
    let hdr = Hdr::parse(data)
        .map_err(|e| format_err(format!("{path_name}: invalid ELF header: {e}")))?;
    let endian = hdr
        .endian()
        .map_err(|e| format_err(format!("{path_name}: {e}")))?;
    if endian != Endianness::Little {
        return Err(Error::Libbpf(
            libbpf_errno::ENDIAN,
            format!("{path_name}: big-endian BPF object; this host is little-endian"),
        ));
    }
    let machine = hdr.e_machine(endian);
    if hdr.e_type(endian) != E::ET_REL || (machine != 0 && machine != E::EM_BPF) {
        return Err(format_err(format!(
            "{path_name}: not a BPF relocatable object (e_type {}, e_machine {machine})",
            hdr.e_type(endian)
        )));
    }
    let sections = hdr
        .sections(endian, data)
        .map_err(|e| format_err(format!("{path_name}: bad section table: {e}")))?;
    let shstrtab = hdr
        .shstrndx(endian, data)
        .ok()
        .and_then(|i| sections.section(object::SectionIndex(i as usize)).ok())
        .and_then(|s| s.data(endian, data).ok())
        .map(StrTab::new)
        .unwrap_or_default();
    Ok(Elf {
        data,
        endian,
        sections,
        shstrtab,
    })
}

/// Classifies every section, in index order; the first malformed one is the error.
pub(super) fn scan<'a>(
    elf: &Elf<'a>,
    syms: &[Symbol],
    path_name: &str,
    opts: &OpenOpts,
) -> Result<Layout<'a>, Error> {
    let (endian, n) = (elf.endian, elf.sections.len());
    let mut l = Layout {
        license: std::borrow::Cow::Borrowed(""),
        kversion: 0,
        code: Few::new(),
        kinds: vec![SecKind::Other; n],
        secs: vec![SecInfo::default(); n],
        legacy_maps: None,
        btf_maps: None,
        struct_ops: None,
        btf: None,
        btf_ext: None,
        data_secs: Vec::new(),
        rels: Vec::with_capacity(n),
    };
    for (idx, shdr) in elf.sections.enumerate() {
        let i = idx.0;
        if i == 0 {
            continue;
        }
        let name = elf.shstrtab.get(shdr.sh_name(endian)).ok_or_else(|| {
            format_err(format!("{path_name}: section #{i}: name outside .shstrtab"))
        })?;
        let sh_type = shdr.sh_type(endian);
        let size = shdr.sh_size(endian);
        let bytes = || section_bytes(elf, shdr, &name, path_name);
        if !ignored(&name, sh_type, size) {
            crate::log::debug(format_args!(
                "elf: section({i}) {name}, size {size}, link {}, flags {:x}, type={sh_type}",
                shdr.sh_link(endian),
                shdr.sh_flags(endian)
            ));
        }
        match (&*name, sh_type, data_kind(&name)) {
            ("license", _, _) => {
                let b = bytes()?;
                let end = b.iter().position(|&c| c == 0).unwrap_or(b.len()).min(127);
                l.license = String::from_utf8_lossy(&b[..end]);
                crate::log::debug(format_args!("license of {path_name} is {}", l.license));
            }
            ("version", _, _) => {
                l.kversion = kernel_version(bytes()?, path_name)?;
                crate::log::debug(format_args!(
                    "kernel version of {path_name} is {:x}",
                    l.kversion
                ));
            }
            ("maps", _, _) => {
                if opts.reject_legacy_maps {
                    crate::log::warn(format_args!(
                        "elf: legacy map definitions in 'maps' section are not supported by libbpf v1.0+"
                    ));
                    return Err(Error::Unsupported("legacy 'maps' section in strict mode"));
                }
                l.legacy_maps = Some((i, shdr));
                l.kinds[i] = SecKind::LegacyMaps;
            }
            (".maps", _, _) => {
                l.btf_maps = Some(i);
                l.kinds[i] = SecKind::BtfMaps;
            }
            (crate::object::struct_ops::SEC_NAME, E::SHT_PROGBITS, _) => {
                l.struct_ops = Some((i, bytes()?));
                l.kinds[i] = SecKind::StructOps;
            }
            (".BTF", _, _) => l.btf = Some(bytes()?),
            (".BTF.ext", _, _) => l.btf_ext = Some(bytes()?),
            (_, E::SHT_PROGBITS, _) if shdr.sh_flags(endian) & u64::from(E::SHF_EXECINSTR) != 0 => {
                if let Some(cs) = code_section(i, &name, bytes()?, path_name)? {
                    log_programs(&name, i, syms);
                    l.kinds[i] = SecKind::Code(l.code.len());
                    l.code.push(cs);
                }
            }
            (_, E::SHT_PROGBITS, Some(k @ (DataKind::Data | DataKind::Rodata))) => {
                let b = bytes()?;
                if !b.is_empty() {
                    l.data_secs
                        .push((i, name.clone(), k, size, Some(b.to_vec())));
                }
            }
            (_, E::SHT_NOBITS, Some(DataKind::Bss)) if size > 0 => {
                l.data_secs
                    .push((i, name.clone(), DataKind::Bss, size, None));
            }
            (_, E::SHT_REL, _) => l.rels.push((i, shdr)),
            _ => {}
        }
        l.secs[i] = SecInfo { name, size };
    }
    Ok(l)
}

/// The sections libbpf passes over without a word: string tables, LLVM's
/// address-significance table, an empty `.text`, DWARF and the relocations of
/// DWARF, `.BTF` and `.BTF.ext`.
fn ignored(name: &str, sh_type: u32, size: u64) -> bool {
    const SHT_LLVM_ADDRSIG: u32 = 0x6fff_4c03;
    sh_type == E::SHT_STRTAB
        || sh_type == SHT_LLVM_ADDRSIG
        || (sh_type == E::SHT_PROGBITS && size == 0 && name == ".text")
        || super::parts::unread(name)
}

/// The functions of code section `shndx`, in symbol-table order, as libbpf
/// announces the programs it finds there.
fn log_programs(sec_name: &str, shndx: usize, syms: &[Symbol]) {
    let size = Insn::SIZE as u64;
    for s in syms
        .iter()
        .filter(|s| s.shndx == shndx && s.typ == E::STT_FUNC)
    {
        crate::log::debug(format_args!(
            "sec '{sec_name}': found program '{}' at insn offset {} ({} bytes), code size {} insns ({} bytes)",
            s.name,
            s.value / size,
            s.value,
            s.size / size,
            s.size
        ));
    }
}

/// A section's contents (none for `SHT_NOBITS`), checked to lie inside the file.
fn section_bytes<'a>(
    elf: &Elf<'a>,
    shdr: &Shdr,
    name: &str,
    path_name: &str,
) -> Result<&'a [u8], Error> {
    if shdr.sh_type(elf.endian) == E::SHT_NOBITS {
        return Ok(&[]);
    }
    shdr.data(elf.endian, elf.data).map_err(|_| {
        format_err(format!(
            "{path_name}: section {name}: data past the end of the file"
        ))
    })
}

/// The `version` section: exactly one little-endian `u32`.
fn kernel_version(b: &[u8], path_name: &str) -> Result<u32, Error> {
    match <[u8; 4]>::try_from(b) {
        Ok(v) => Ok(u32::from_le_bytes(v)),
        Err(_) => Err(Error::Libbpf(
            libbpf_errno::KVERSION,
            format!(
                "{path_name}: 'version' section has {} bytes, expected 4",
                b.len()
            ),
        )),
    }
}

/// An executable section's instructions; `None` for an empty one (e.g. an unused
/// `.text`), which carries nothing.
fn code_section(
    shndx: usize,
    name: &str,
    b: &[u8],
    path_name: &str,
) -> Result<Option<CodeSection>, Error> {
    if b.is_empty() {
        return Ok(None);
    }
    if b.len() % Insn::SIZE != 0 {
        return Err(format_err(format!(
            "{path_name}: section {name}: size {} is not a multiple of 8",
            b.len()
        )));
    }
    // Named once the object's name table exists (`Layout::name_code`).
    Ok(Some(CodeSection {
        name: Name::default(),
        shndx,
        insns: Insn::decode_all(b),
        funcs: Few::new(),
        relocs: Vec::new(),
    }))
}

/// libbpf's DATA_SEC / RODATA_SEC / BSS_SEC rule: `.data`, `.data.foo` (not
/// `.data_foo`), and the same for `.rodata` and `.bss`.
fn data_kind(name: &str) -> Option<DataKind> {
    let is =
        |base: &str| name == base || name.strip_prefix(base).is_some_and(|r| r.starts_with('.'));
    if is(".data") {
        Some(DataKind::Data)
    } else if is(".rodata") {
        Some(DataKind::Rodata)
    } else if is(".bss") {
        Some(DataKind::Bss)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::testelf::*;
    use super::*;
    use crate::error::libbpf_errno::{ENDIAN, FORMAT, KVERSION};

    fn one_prog() -> ElfBuilder {
        let mut b = ElfBuilder::new();
        let xdp = b.code("xdp", &[mov_r0(2), exit()]);
        b.func("prog", xdp, 0, 2, true);
        b
    }

    #[test]
    fn sections_found() {
        let mut b = ElfBuilder::new();
        let lic = b.data("license", b"GPL\0");
        let ver = b.data("version", &0x0005_0a00u32.to_le_bytes());
        let text = b.code(".text", &[]);
        let xdp = b.code("xdp", &[mov_r0(2), exit()]);
        let legacy = b.data("maps", &[0; 20]);
        let btf_maps = b.data(".maps", &[0; 32]);
        let data = b.data(".data", &[1, 2, 3, 4]);
        let rodata = b.data(".rodata.str1.1", b"hi\0");
        let not_data = b.data(".data_x", &[0; 4]);
        let empty_data = b.data(".data.empty", &[]);
        let bss = b.nobits(".bss", 16);
        let empty_bss = b.nobits(".bss.none", 0);
        let btf = b.data(".BTF", b"not parsed here");
        let rel = b.rel(xdp, &[]);
        b.func("prog", xdp, 0, 2, true);
        let file = b.build();
        let (_, _, l) = layout(&file);

        assert_eq!((&*l.license, l.kversion), ("GPL", 0x0005_0a00));
        assert_eq!(l.code.len(), 1, "the empty .text carries nothing");
        assert_eq!((l.code[0].name.as_str(), l.code[0].shndx), ("xdp", xdp));
        assert_eq!(l.code[0].insns, [mov_r0(2), exit()]);
        assert_eq!(l.kinds[xdp], SecKind::Code(0));
        for i in [lic, ver, text, not_data, empty_data, empty_bss, btf, rel] {
            assert_eq!(l.kinds[i], SecKind::Other, "section {i}");
        }
        assert_eq!(l.kinds[legacy], SecKind::LegacyMaps);
        assert_eq!(l.legacy_maps.map(|(i, _)| i), Some(legacy));
        assert_eq!(
            (l.kinds[btf_maps], l.btf_maps),
            (SecKind::BtfMaps, Some(btf_maps))
        );
        let secs: Vec<_> = l
            .data_secs
            .iter()
            .map(|(i, n, k, size, init)| (*i, &**n, *k, *size, init.clone()))
            .collect();
        assert_eq!(
            secs,
            [
                (data, ".data", DataKind::Data, 4, Some(vec![1, 2, 3, 4])),
                (
                    rodata,
                    ".rodata.str1.1",
                    DataKind::Rodata,
                    3,
                    Some(b"hi\0".to_vec())
                ),
                (bss, ".bss", DataKind::Bss, 16, None),
            ]
        );
        assert_eq!(l.btf, Some(&b"not parsed here"[..]));
        assert_eq!(l.btf_ext, None);
        assert_eq!(l.rels.iter().map(|r| r.0).collect::<Vec<_>>(), [rel]);
        assert_eq!((&*l.secs[bss].name, l.secs[bss].size), (".bss", 16));
        assert_eq!(l.secs[0].name, "");
    }

    #[test]
    fn license_stops_at_nul_and_127_bytes() {
        for (bytes, want) in [
            (&b"Dual BSD/GPL\0junk"[..], "Dual BSD/GPL"),
            (&[b'x'; 200][..], ""),
        ] {
            let mut b = one_prog();
            b.data("license", bytes);
            let file = b.build();
            let want = if want.is_empty() {
                "x".repeat(127)
            } else {
                want.to_string()
            };
            assert_eq!(layout(&file).2.license, want);
        }
    }

    #[test]
    fn header_errors() {
        let good = one_prog().build();
        assert!(open(&good, "t.o").is_ok());
        let fails = |file: &[u8]| failure(open(file, "t.o"));
        let not_elf = (
            FORMAT,
            "'t.o' is not a proper ELF object: BPF object format invalid".into(),
        );
        assert_eq!(fails(b"\x7fEL"), not_elf);
        assert_eq!(fails(b"#!/bin/sh\n"), not_elf);

        let mut f = good.clone();
        patch(&mut f, 5, &[2]); // ELFDATA2MSB
        let big = "t.o: big-endian BPF object; this host is little-endian: Endian mismatch";
        assert_eq!(fails(&f), (ENDIAN, big.into()));

        let mut f = good.clone();
        patch(&mut f, 18, &62u16.to_le_bytes()); // EM_X86_64
        let want =
            "t.o: not a BPF relocatable object (e_type 1, e_machine 62): BPF object format invalid";
        assert_eq!(fails(&f), (FORMAT, want.into()));
        let mut f = good.clone();
        patch(&mut f, 18, &0u16.to_le_bytes()); // EM_NONE is accepted, as libbpf does
        assert!(open(&f, "t.o").is_ok());
        let mut f = good.clone();
        patch(&mut f, 16, &2u16.to_le_bytes()); // ET_EXEC
        assert_eq!(fails(&f).0, FORMAT);

        let mut f = good.clone();
        patch(&mut f, 4, &[1]); // ELFCLASS32
        assert!(fails(&f).1.starts_with("t.o: invalid ELF header: "));
        assert!(fails(&good[..40])
            .1
            .starts_with("t.o: invalid ELF header: "));

        for (field, value) in [(E_SHOFF, good.len() as u64), (E_SHNUM, 0xffff)] {
            let mut f = good.clone();
            let width = if field == E_SHNUM { 2 } else { 8 };
            patch(&mut f, field, &value.to_le_bytes()[..width]);
            let (code, text) = fails(&f);
            assert_eq!(code, FORMAT);
            assert!(text.starts_with("t.o: bad section table: "), "{text}");
        }
        // Cut off in the section header table.
        let (code, text) = fails(&good[..good.len() - 10]);
        assert!(
            code == FORMAT && text.starts_with("t.o: bad section table: "),
            "{text}"
        );
    }

    #[test]
    fn scan_errors() {
        let scan_of = |b: ElfBuilder, opts: &OpenOpts| {
            let file = b.build();
            let elf = open(&file, "t.o").unwrap();
            failure(scan(&elf, &[], "t.o", opts).map(drop))
        };
        let def = OpenOpts::default();

        let mut b = one_prog();
        b.data("version", &[1, 0, 0]);
        let want =
            "t.o: 'version' section has 3 bytes, expected 4: 'version' section incorrect or lost";
        assert_eq!(scan_of(b, &def), (KVERSION, want.into()));

        let mut b = ElfBuilder::new();
        b.section(
            "socket",
            E::SHT_PROGBITS,
            u64::from(E::SHF_EXECINSTR),
            &[0; 12],
        );
        let want = "t.o: section socket: size 12 is not a multiple of 8: BPF object format invalid";
        assert_eq!(scan_of(b, &def), (FORMAT, want.into()));

        let mut b = one_prog();
        b.data("maps", &[0; 20]);
        let strict = OpenOpts {
            reject_legacy_maps: true,
            ..OpenOpts::default()
        };
        let e = scan_of(b, &strict);
        assert_eq!(e.0, libc::EOPNOTSUPP);
        assert!(e.1.contains("legacy 'maps' section in strict mode"));
    }

    #[test]
    fn section_data_and_names_outside_the_file() {
        let mut b = one_prog();
        let lic = b.data("license", b"GPL\0");
        let good = b.build();
        let fails = |f: &[u8]| {
            let elf = open(f, "t.o").unwrap();
            failure(scan(&elf, &[], "t.o", &OpenOpts::default()).map(drop))
        };
        let past = (
            FORMAT,
            "t.o: section license: data past the end of the file: BPF object format invalid".into(),
        );
        let mut f = good.clone();
        patch_shdr(&mut f, lic, SH_OFFSET, &(good.len() as u64).to_le_bytes());
        assert_eq!(fails(&f), past);
        let mut f = good.clone();
        patch_shdr(&mut f, lic, SH_SIZE, &(u64::MAX - 2).to_le_bytes());
        assert_eq!(fails(&f), past);

        let mut f = good.clone();
        patch_shdr(&mut f, lic, 0, &0x7fff_0000u32.to_le_bytes()); // sh_name
        let want = "t.o: section #2: name outside .shstrtab: BPF object format invalid";
        assert_eq!(fails(&f), (FORMAT, want.into()));
    }
}
