//! Phases 1 and 3: the ELF header and section table ([`open`]), then what each
//! section is ([`scan`] → [`Layout`]): license, version, code, map, data, BTF and
//! relocation sections. Section contents are read here only where the scan needs
//! them; relocation records and legacy map definitions are read by their phases.
//! Must not call: `crate::sys`.

use super::{Hdr, Layout, SecKind, Shdr};
use crate::error::{libbpf_errno, Error};
use crate::insn::Insn;
use crate::object::maps::DataKind;
use crate::object::{format_err, CodeSection, OpenOpts};
use object::elf as E;
use object::read::elf::{FileHeader, SectionHeader, SectionTable};
use object::Endianness;

/// An ELF file whose header and section table have been checked.
pub(super) struct Elf<'a> {
    pub(super) data: &'a [u8],
    pub(super) endian: Endianness,
    pub(super) sections: SectionTable<'a, Hdr>,
}

/// Checks the header (magic, little-endian, `ET_REL`, `EM_BPF` or 0) and reads the
/// section table.
pub(super) fn open<'a>(data: &'a [u8], path_name: &str) -> Result<Elf<'a>, Error> {
    if data.len() < 4 || &data[..4] != b"\x7fELF" {
        return Err(format_err(format!("{path_name}: not an ELF object")));
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
    Ok(Elf {
        data,
        endian,
        sections,
    })
}

/// Classifies every section, in index order; the first malformed one is the error.
pub(super) fn scan<'a>(
    elf: &Elf<'a>,
    path_name: &str,
    opts: &OpenOpts,
) -> Result<Layout<'a>, Error> {
    let (endian, n) = (elf.endian, elf.sections.len());
    let mut l = Layout {
        license: String::new(),
        kversion: 0,
        code: Vec::new(),
        kinds: vec![SecKind::Other; n],
        names: vec![String::new(); n],
        sizes: vec![0; n],
        legacy_maps: None,
        btf_maps: None,
        btf: None,
        btf_ext: None,
        data_secs: Vec::new(),
        rels: Vec::new(),
    };
    for (idx, shdr) in elf.sections.enumerate() {
        let i = idx.0;
        if i == 0 {
            continue;
        }
        let name = elf.sections.section_name(endian, shdr).map_err(|_| {
            format_err(format!("{path_name}: section #{i}: name outside .shstrtab"))
        })?;
        let name = String::from_utf8_lossy(name).into_owned();
        let sh_type = shdr.sh_type(endian);
        let size = shdr.sh_size(endian);
        l.sizes[i] = size;
        let bytes = || section_bytes(elf, shdr, &name, path_name);
        match (name.as_str(), sh_type, data_kind(&name)) {
            ("license", _, _) => {
                let b = bytes()?;
                let end = b.iter().position(|&c| c == 0).unwrap_or(b.len()).min(127);
                l.license = String::from_utf8_lossy(&b[..end]).into_owned();
            }
            ("version", _, _) => l.kversion = kernel_version(bytes()?, path_name)?,
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
            (".BTF", _, _) => l.btf = Some(bytes()?),
            (".BTF.ext", _, _) => l.btf_ext = Some(bytes()?),
            (_, E::SHT_PROGBITS, _) if shdr.sh_flags(endian) & u64::from(E::SHF_EXECINSTR) != 0 => {
                if let Some(cs) = code_section(i, &name, bytes()?, path_name)? {
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
        l.names[i] = name;
    }
    Ok(l)
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
    Ok(Some(CodeSection {
        name: name.to_string(),
        shndx,
        insns: Insn::decode_all(b),
        funcs: Vec::new(),
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
