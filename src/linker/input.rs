//! One input object as the linker reads it (libbpf's `linker_load_obj_file`):
//! the ELF header and section table, libbpf's sanity checks of sections,
//! symbols and relocations (with its messages), the object's `.BTF` and
//! `.BTF.ext`, and the DATASEC fix-up (ephemeral sections for `.kconfig`,
//! `.ksyms` and other BTF-only sections; global variables' offsets from their
//! symbols).
//!
//! Must not call: `crate::sys`. Nothing here changes the linker's output.

use super::elf::*;
use crate::btf::{Btf, BtfExt, Kind, LINKAGE_GLOBAL};
use crate::error::Error;
use crate::log::warn;

/// One section of an input object, or an ephemeral (BTF-only) section.
#[derive(Clone, Debug, Default)]
pub(super) struct SrcSec {
    pub name: String,
    /// ELF section index (0 for an ephemeral section).
    pub sec_idx: usize,
    pub shdr: Shdr,
    /// Offset of the section's bytes in the file (NOBITS and ephemeral: none).
    pub data_off: usize,
    /// The matching output section (its position in `Linker::secs`).
    pub dst_id: usize,
    /// Where this section's bytes start in the output section.
    pub dst_off: u64,
    pub skipped: bool,
    pub ephemeral: bool,
    /// The section's BTF DATASEC (0: none).
    pub sec_type_id: u32,
    /// The DATASEC's variable offsets, global variables' taken from their symbols.
    pub var_offs: Vec<u32>,
}

/// One input object file.
pub(super) struct SrcObj {
    pub filename: String,
    pub data: Vec<u8>,
    /// Slot 0 unused; real sections at their ELF index, then ephemeral ones.
    pub secs: Vec<SrcSec>,
    pub symtab_sec_idx: usize,
    pub btf: Option<Btf>,
    pub btf_ext: Option<BtfExt>,
    /// Input symbol index → output symbol index.
    pub sym_map: Vec<usize>,
    /// Input BTF type ID → output type ID.
    pub btf_type_map: Vec<u32>,
}

fn bad(msg: std::fmt::Arguments<'_>, what: &'static str) -> Error {
    warn(msg);
    Error::Inval(what)
}

/// `.debug_*` (libbpf's approximation of DWARF section names).
fn is_dwarf(name: &str) -> bool {
    name.starts_with(".debug_")
}

/// libbpf's `is_ignored_sec`: string tables, the address-significance table,
/// an empty `.text`, DWARF and the relocations of DWARF, `.BTF` and `.BTF.ext`.
fn is_ignored(name: &str, sh: &Shdr) -> bool {
    if sh.sh_type == SHT_STRTAB || sh.sh_type == SHT_LLVM_ADDRSIG {
        return true;
    }
    if sh.sh_type == SHT_PROGBITS && sh.size == 0 && name == ".text" {
        return true;
    }
    if is_dwarf(name) {
        return true;
    }
    match name.strip_prefix(".rel") {
        Some(rest) => is_dwarf(rest) || rest == ".BTF" || rest == ".BTF.ext",
        None => false,
    }
}

impl SrcObj {
    /// Reads `data` (the file `filename`) with libbpf 1.1.2's checks.
    pub fn parse(filename: &str, data: Vec<u8>) -> Result<SrcObj, Error> {
        let mut obj = SrcObj {
            filename: filename.to_string(),
            data,
            secs: vec![SrcSec::default()],
            symtab_sec_idx: 0,
            btf: None,
            btf_ext: None,
            sym_map: Vec::new(),
            btf_type_map: Vec::new(),
        };
        let mut ehdr = match Ehdr::parse(&obj.data) {
            Some(h) => h,
            None => {
                return Err(bad(
                    format_args!("failed to get ELF header for {filename}: invalid `Elf' handle"),
                    "not an ELF file",
                ))
            }
        };
        if ehdr.data != ELFDATA2LSB {
            warn(format_args!(
                "unsupported byte order of ELF file {filename}: no error"
            ));
            return Err(Error::UnsupportedInput("ELF byte order"));
        }
        if ehdr.e_type != ET_REL || ehdr.machine != EM_BPF {
            warn(format_args!(
                "unsupported kind of ELF file {filename}: no error"
            ));
            return Err(Error::UnsupportedInput("not a BPF relocatable ELF file"));
        }
        obj.read_sections(&mut ehdr)?;
        obj.sanity_check_elf()?;
        obj.sanity_check_btf_ext()?;
        obj.fixup_btf()?;
        Ok(obj)
    }

    fn read_sections(&mut self, ehdr: &mut Ehdr) -> Result<(), Error> {
        let f = self.filename.clone();
        let shdrs = ehdr.section_headers(&self.data).ok_or_else(|| {
            bad(
                format_args!(
                    "failed to get SHSTRTAB section index for {f}: invalid section header"
                ),
                "bad ELF section table",
            )
        })?;
        let shstr = shdrs
            .get(ehdr.shstrndx)
            .filter(|_| ehdr.shstrndx != 0)
            .copied()
            .ok_or_else(|| {
                bad(
                    format_args!("ELF is missing section headers STRTAB section in {f}"),
                    "no section name table",
                )
            })?;
        let mut ext_data = None;
        for (idx, sh) in shdrs.iter().enumerate().skip(1) {
            let name = elf_str(&self.data, &shstr, sh.name).ok_or_else(|| {
                bad(
                    format_args!(
                        "failed to get section #{idx} name for {f}: invalid section index"
                    ),
                    "bad section name",
                )
            })?;
            let in_file = sh.sh_type == SHT_NOBITS
                || (sh.offset as usize)
                    .checked_add(sh.size as usize)
                    .is_some_and(|end| end <= self.data.len());
            if !in_file {
                return Err(bad(
                    format_args!("failed to get section #{idx} ({name}) data from {f}: invalid section header"),
                    "section data out of the file",
                ));
            }
            let mut sec = SrcSec {
                name: name.clone(),
                sec_idx: idx,
                shdr: *sh,
                data_off: sh.offset as usize,
                ..SrcSec::default()
            };
            if is_ignored(&name, sh) {
                sec.skipped = true;
                self.secs.push(sec);
                continue;
            }
            match sh.sh_type {
                SHT_SYMTAB => {
                    if self.symtab_sec_idx != 0 {
                        warn(format_args!(
                            "multiple SYMTAB sections found, not supported"
                        ));
                        return Err(Error::UnsupportedInput("multiple SYMTAB sections"));
                    }
                    self.symtab_sec_idx = idx;
                }
                SHT_PROGBITS if name == ".BTF" => {
                    let raw = &self.data[sec.data_off..sec.data_off + sh.size as usize];
                    match Btf::parse(raw) {
                        Ok(b) => self.btf = Some(b),
                        Err(e) => {
                            warn(format_args!(
                                "failed to parse .BTF from {f}: -{}",
                                e.errno()
                            ));
                            return Err(Error::BadBtf("invalid .BTF"));
                        }
                    }
                    sec.skipped = true;
                }
                SHT_PROGBITS if name == ".BTF.ext" => {
                    ext_data = Some((sec.data_off, sh.size as usize));
                    sec.skipped = true;
                }
                SHT_PROGBITS | SHT_NOBITS | SHT_REL | SHT_STRTAB => {}
                _ => {
                    return Err(bad(
                        format_args!("unrecognized section #{idx} ({name}) in {f}"),
                        "unrecognized section type",
                    ))
                }
            }
            self.secs.push(sec);
        }
        if let Some((off, len)) = ext_data {
            self.parse_btf_ext(off, len)?;
        }
        Ok(())
    }

    /// `.BTF.ext` needs `.BTF` for its section names; without it the object is
    /// refused, as libbpf's sanity check does.
    fn parse_btf_ext(&mut self, off: usize, len: usize) -> Result<(), Error> {
        let Some(btf) = &self.btf else {
            return Err(Error::Inval(".BTF.ext without .BTF"));
        };
        match BtfExt::parse(&self.data[off..off + len], btf) {
            Ok(e) => self.btf_ext = Some(e),
            Err(e) => {
                warn(format_args!(
                    "failed to parse .BTF.ext from '{}': -{}",
                    self.filename,
                    e.errno()
                ));
                return Err(Error::BadBtf("invalid .BTF.ext"));
            }
        }
        Ok(())
    }

    /// The bytes of section `id` (empty for NOBITS and ephemeral sections).
    pub fn sec_data(&self, id: usize) -> &[u8] {
        let s = &self.secs[id];
        if s.ephemeral || s.shdr.sh_type == SHT_NOBITS {
            return &[];
        }
        &self.data[s.data_off..s.data_off + s.shdr.size as usize]
    }

    /// Symbol `i` of the symbol table (checked to exist by the sanity checks).
    pub fn sym(&self, i: usize) -> Sym {
        Sym::read(&self.sec_data(self.symtab_sec_idx)[i * SYM_SIZE..])
    }

    pub fn sym_count(&self) -> usize {
        self.secs[self.symtab_sec_idx].shdr.size as usize / SYM_SIZE
    }

    /// The name of symbol `sym`, from the string table the symbol table links.
    pub fn sym_name(&self, sym: &Sym) -> Option<String> {
        let link = self.secs[self.symtab_sec_idx].shdr.link as usize;
        elf_str(&self.data, &self.secs.get(link)?.shdr, sym.name)
    }

    /// The first section named `name` (ephemeral ones included).
    pub fn find_sec(&self, name: &str) -> Option<usize> {
        (1..self.secs.len()).find(|&i| self.secs[i].name == name)
    }

    fn sanity_check_elf(&self) -> Result<(), Error> {
        let f = &self.filename;
        if self.symtab_sec_idx == 0 {
            return Err(bad(
                format_args!("ELF is missing SYMTAB section in {f}"),
                "no SYMTAB",
            ));
        }
        for s in &self.secs[1..] {
            let (idx, sh) = (s.sec_idx, &s.shdr);
            if s.name.is_empty() {
                return Err(bad(
                    format_args!("ELF section #{idx} has empty name in {f}"),
                    "empty section name",
                ));
            }
            if is_dwarf(&s.name) {
                continue;
            }
            if sh.addralign != 0 && !sh.addralign.is_power_of_two() {
                return Err(bad(
                    format_args!(
                        "ELF section #{idx} alignment {} is non pow-of-2 alignment in {f}",
                        sh.addralign
                    ),
                    "bad section alignment",
                ));
            }
            match sh.sh_type {
                SHT_SYMTAB => self.check_symtab(s)?,
                SHT_PROGBITS if sh.flags & SHF_EXECINSTR != 0 && sh.size % 8 != 0 => {
                    return Err(bad(
                        format_args!(
                            "ELF section #{idx} has unexpected size alignment {} in {f}",
                            sh.size
                        ),
                        "code section size",
                    ))
                }
                SHT_REL => self.check_relos(s)?,
                SHT_STRTAB | SHT_PROGBITS | SHT_NOBITS | SHT_LLVM_ADDRSIG => {}
                t => {
                    return Err(bad(
                        format_args!(
                            "ELF section #{idx} ({}) has unrecognized type {t} in {f}",
                            s.name
                        ),
                        "unrecognized section type",
                    ))
                }
            }
        }
        Ok(())
    }

    fn check_symtab(&self, s: &SrcSec) -> Result<(), Error> {
        let (f, idx, sh) = (&self.filename, s.sec_idx, &s.shdr);
        if sh.entsize != SYM_SIZE as u64 || sh.size % SYM_SIZE as u64 != 0 {
            return Err(Error::Inval("bad SYMTAB entry size"));
        }
        let link = sh.link as usize;
        if link == 0 || link >= self.secs.len() {
            return Err(bad(
                format_args!(
                    "ELF SYMTAB section #{idx} points to missing STRTAB section #{link} in {f}"
                ),
                "SYMTAB without STRTAB",
            ));
        }
        if self.secs[link].shdr.sh_type != SHT_STRTAB {
            return Err(bad(
                format_args!(
                    "ELF SYMTAB section #{idx} points to invalid STRTAB section #{link} in {f}"
                ),
                "SYMTAB without STRTAB",
            ));
        }
        for i in 0..self.sym_count() {
            let sym = self.sym(i);
            if i == 0 {
                if sym != Sym::default() {
                    return Err(bad(
                        format_args!("ELF sym #0 is invalid in {f}"),
                        "bad symbol 0",
                    ));
                }
                continue;
            }
            let (bind, vis) = (sym.bind(), sym.visibility());
            if bind != STB_LOCAL && bind != STB_GLOBAL && bind != STB_WEAK {
                return Err(bad(
                    format_args!(
                        "ELF sym #{i} in section #{idx} has unsupported symbol binding {bind}"
                    ),
                    "symbol binding",
                ));
            }
            if vis != STV_DEFAULT && vis != STV_HIDDEN {
                return Err(bad(
                    format_args!(
                        "ELF sym #{i} in section #{idx} has unsupported symbol visibility {vis}"
                    ),
                    "symbol visibility",
                ));
            }
            if sym.shndx == 0 {
                if sym.sym_type() != STT_NOTYPE
                    || bind == STB_LOCAL
                    || sym.value != 0
                    || sym.size != 0
                {
                    return Err(bad(
                        format_args!("ELF sym #{i} is invalid extern symbol in {f}"),
                        "bad extern symbol",
                    ));
                }
                continue;
            }
            if sym.shndx < SHN_LORESERVE && sym.shndx as usize >= self.secs.len() {
                return Err(bad(
                    format_args!(
                        "ELF sym #{i} in section #{idx} points to missing section #{} in {f}",
                        sym.shndx
                    ),
                    "symbol section",
                ));
            }
            if sym.sym_type() == STT_SECTION && sym.value != 0 {
                return Err(Error::Inval("section symbol with a value"));
            }
        }
        Ok(())
    }

    fn check_relos(&self, s: &SrcSec) -> Result<(), Error> {
        let (f, idx, sh) = (&self.filename, s.sec_idx, &s.shdr);
        if sh.entsize != REL_SIZE as u64 || sh.size % REL_SIZE as u64 != 0 {
            return Err(Error::Inval("bad relocation entry size"));
        }
        if sh.link as usize != self.symtab_sec_idx {
            return Err(bad(
                format_args!(
                    "ELF relo section #{idx} points to invalid SYMTAB section #{} in {f}",
                    sh.link
                ),
                "relocations without SYMTAB",
            ));
        }
        let info = sh.info as usize;
        if info == 0 || info >= self.secs.len() {
            return Err(bad(
                format_args!("ELF relo section #{idx} points to missing section #{info} in {f}"),
                "relocations of no section",
            ));
        }
        let linked = &self.secs[info];
        if s.name.strip_prefix(".rel") != Some(linked.name.as_str()) {
            return Err(bad(
                format_args!("ELF relo section #{idx} name has invalid name in {f}"),
                "relocation section name",
            ));
        }
        if linked.skipped {
            return Ok(());
        }
        if linked.shdr.sh_type != SHT_PROGBITS && linked.shdr.sh_type != SHT_NOBITS {
            return Err(bad(
                format_args!("ELF relo section #{idx} points to invalid section #{info} in {f}"),
                "relocations of a non-data section",
            ));
        }
        let symtab_size = self.secs[self.symtab_sec_idx].shdr.size as usize;
        for (i, rel) in Rel::all(self.sec_data(idx)).enumerate() {
            let (sym, ty) = (rel.sym(), rel.rel_type());
            if ![R_BPF_64_64, R_BPF_64_32, R_BPF_64_ABS64, R_BPF_64_ABS32].contains(&ty) {
                return Err(bad(
                    format_args!("ELF relo #{i} in section #{idx} has unexpected type {ty} in {f}"),
                    "relocation type",
                ));
            }
            if sym == 0 || sym.saturating_mul(SYM_SIZE) >= symtab_size {
                return Err(bad(
                    format_args!(
                        "ELF relo #{i} in section #{idx} points to invalid symbol #{sym} in {f}"
                    ),
                    "relocation symbol",
                ));
            }
            if linked.shdr.flags & SHF_EXECINSTR != 0 && rel.offset % 8 != 0 {
                return Err(bad(
                    format_args!(
                        "ELF relo #{i} in section #{idx} points to missing symbol #{sym} in {f}"
                    ),
                    "relocation offset",
                ));
            }
        }
        Ok(())
    }

    /// libbpf's `linker_sanity_check_btf_ext`: every type ID and string offset
    /// the records name must exist in the object's BTF (no message).
    fn sanity_check_btf_ext(&self) -> Result<(), Error> {
        let (Some(ext), Some(btf)) = (&self.btf_ext, &self.btf) else {
            return Ok(());
        };
        let id_ok = |id: u32| id < btf.type_cnt();
        let str_ok = |off: u32| btf.name_bytes_at(off).is_some();
        let ok = ext
            .func_info_blocks()
            .all(|b| b.func_infos().all(|r| id_ok(r.type_id)))
            && ext.line_info_blocks().all(|b| {
                b.line_infos()
                    .all(|r| str_ok(r.file_name_off) && str_ok(r.line_off))
            })
            && ext.core_relo_blocks().all(|b| {
                b.core_relos()
                    .all(|r| id_ok(r.type_id) && str_ok(r.access_str_off))
            });
        if ok {
            Ok(())
        } else {
            Err(Error::BadBtf(".BTF.ext refers to missing types or strings"))
        }
    }

    /// The symbol of type `sym_type` named `name` in ELF section `sec_idx`.
    fn find_sym(&self, sec_idx: usize, sym_type: u8, name: &str) -> Option<Sym> {
        (0..self.sym_count()).map(|i| self.sym(i)).find(|s| {
            s.shndx as usize == sec_idx
                && s.sym_type() == sym_type
                && self.sym_name(s).as_deref() == Some(name)
        })
    }

    /// libbpf's `linker_fixup_btf`: a section shell for each DATASEC without an
    /// ELF section (but `.extern`), and global variables' offsets from their
    /// symbols.
    fn fixup_btf(&mut self) -> Result<(), Error> {
        let Some(btf) = self.btf.take() else {
            return Ok(());
        };
        let r = self.fixup_datasecs(&btf);
        self.btf = Some(btf);
        r
    }

    fn fixup_datasecs(&mut self, btf: &Btf) -> Result<(), Error> {
        for t in btf.types().filter(|t| t.kind() == Kind::Datasec) {
            let sec_name = t.name().to_string();
            let id = match self.find_sec(&sec_name) {
                Some(id) => id,
                None if sec_name == ".extern" => continue,
                None => {
                    self.secs.push(SrcSec {
                        name: sec_name.clone(),
                        ephemeral: true,
                        ..SrcSec::default()
                    });
                    self.secs.len() - 1
                }
            };
            let sec_idx = self.secs[id].sec_idx;
            let mut offs = Vec::with_capacity(t.vlen() as usize);
            for vi in t.datasec_vars() {
                let mut off = vi.offset;
                if let Some(vt) = btf.ty(vi.type_id).filter(|v| v.kind() == Kind::Var) {
                    if vt.var_linkage() == Some(LINKAGE_GLOBAL) {
                        let Some(sym) = self.find_sym(sec_idx, STT_OBJECT, vt.name()) else {
                            warn(format_args!(
                                "failed to find symbol for variable '{}' in section '{sec_name}'",
                                vt.name()
                            ));
                            return Err(Error::NotFound("variable symbol"));
                        };
                        off = sym.value as u32;
                    }
                }
                offs.push(off);
            }
            let s = &mut self.secs[id];
            s.sec_type_id = t.id();
            s.var_offs = offs;
        }
        Ok(())
    }
}
