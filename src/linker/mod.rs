//! The BPF static linker (libbpf 1.1.2's `linker.c`, behind `bpf_linker__*`):
//! several clang-built BPF objects become one, as `bpftool gen object` does.
//!
//! Owns: [`Linker`]. One concern per file:
//! - `elf`: the ELF64 records read and written, and the output layout;
//! - `input`: one input object read and sanity-checked, its DATASECs fixed up;
//! - `sections`: section data appended with alignment (`license`/`version`
//!   deduplicated, ephemeral `.kconfig`/`.ksyms` shells), relocations rewritten
//!   against the output symbols and section offsets;
//! - `symbols`: symbol resolution (locals copied, globals, weak and extern
//!   symbols resolved by name, their BTF found and checked);
//! - `compat`: BTF compatibility of an extern with its definition, extern maps;
//! - `merge`: BTF types appended with remapped IDs, DATASECs rebuilt, `.BTF.ext`
//!   records merged, the final `.BTF` and `.BTF.ext`.
//!
//! Messages are libbpf's (`crate::log`, WARN for refusals, DEBUG per input).
//! Must not call: `crate::sys` (no kernel calls), `crate::load`. The only I/O is
//! reading the inputs and writing the output file.
#![forbid(unsafe_code)]

mod compat;
mod elf;
mod input;
mod merge;
mod sections;
mod symbols;
#[cfg(test)]
mod tests;

pub use merge::dedup_linked;

use crate::btf::Btf;
use crate::error::Error;
use crate::log::{debug, warn};
use elf::{Shdr, Sym, SHF_STRINGS, SHT_STRTAB, SHT_SYMTAB, SYM_SIZE};
use input::SrcObj;
use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// `.BTF.ext` records of one output section, of one kind.
#[derive(Clone, Debug, Default)]
struct ExtRecs {
    rec_sz: u32,
    cnt: usize,
    recs: Vec<u8>,
}

/// One output section (libbpf's `struct dst_sec`).
#[derive(Clone, Debug, Default)]
struct DstSec {
    name: String,
    id: usize,
    /// BTF-only (`.kconfig`, `.ksyms`): no ELF section, `sec_idx` 0.
    ephemeral: bool,
    /// ELF section index in the output (0 while ephemeral).
    sec_idx: usize,
    shdr: Shdr,
    /// Final size (also of NOBITS sections, which hold no bytes).
    sec_sz: u64,
    data: Vec<u8>,
    /// The section's STT_SECTION symbol in the output (0: none yet).
    sec_sym_idx: usize,
    has_btf: bool,
    /// DATASEC entries: (VAR or FUNC type, offset, size).
    sec_vars: Vec<(u32, u32, u32)>,
    func_info: ExtRecs,
    line_info: ExtRecs,
    core_relo_info: ExtRecs,
}

/// A global, weak or extern symbol of the output (libbpf's `struct glob_sym`).
#[derive(Clone, Debug)]
struct GlobSym {
    sym_idx: usize,
    /// Output section position (0 for `.extern` externs).
    sec_id: usize,
    name: String,
    /// Its VAR or FUNC in the output BTF (0 until its BTF is appended).
    btf_id: u32,
    /// The VAR's or FUNC's type: > 0 an output ID, < 0 minus an input ID still
    /// to be remapped, 0 a request to take it from the next appended definition.
    underlying_btf_id: i64,
    /// Its entry in the section's DATASEC.
    var_idx: Option<usize>,
    is_extern: bool,
    is_weak: bool,
}

/// The ELF string table (section and symbol names), deduplicated as libbpf's
/// string set: a string added twice keeps its first offset.
#[derive(Debug)]
struct StrTab {
    data: Vec<u8>,
    offs: HashMap<String, u32>,
}

impl StrTab {
    fn new() -> StrTab {
        let mut offs = HashMap::new();
        offs.insert(String::new(), 0);
        StrTab {
            data: vec![0],
            offs,
        }
    }

    fn add(&mut self, s: &str) -> u32 {
        if let Some(&o) = self.offs.get(s) {
            return o;
        }
        let o = self.data.len() as u32;
        self.data.extend_from_slice(s.as_bytes());
        self.data.push(0);
        self.offs.insert(s.to_string(), o);
        o
    }
}

/// The output's fixed sections: `.strtab` (section 1, also the section name
/// table) and `.symtab` (section 2).
const STRTAB_IDX: usize = 1;
const SYMTAB_IDX: usize = 2;

/// A static link in progress (`struct bpf_linker`): inputs are merged as they
/// are added; [`Linker::finalize`] writes the output file.
pub struct Linker {
    filename: String,
    /// The output file, created by [`Linker::new`]; `None` once finalized.
    out: Option<File>,
    /// Output sections by position; 0 unused, 1 `.strtab`, 2 `.symtab`.
    secs: Vec<DstSec>,
    /// The next ELF section index to hand out.
    next_sec_idx: usize,
    strtab: StrTab,
    syms: Vec<Sym>,
    btf: Btf,
    glob_syms: Vec<GlobSym>,
}

impl std::fmt::Debug for Linker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linker")
            .field("filename", &self.filename)
            .field("sections", &self.secs.len())
            .field("symbols", &self.syms.len())
            .finish()
    }
}

impl Linker {
    /// `bpf_linker__new`: creates (truncates) the output file `filename`, mode
    /// 0644, and an empty output (`.strtab`, `.symtab` with the null symbol, an
    /// empty BTF).
    pub fn new(filename: &str) -> Result<Linker, Error> {
        let out = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(filename)
            .map_err(|e| {
                let err = Error::io("creating the linker output", &e);
                warn(format_args!(
                    "failed to create '{filename}': -{}",
                    err.errno()
                ));
                err
            })?;
        let mut l = Linker {
            filename: filename.to_string(),
            out: Some(out),
            secs: vec![DstSec::default()],
            next_sec_idx: 1,
            strtab: StrTab::new(),
            syms: vec![Sym::default()],
            btf: Btf::new_empty(None),
            glob_syms: Vec::new(),
        };
        let strtab = l.new_elf_sec(".strtab");
        l.secs[strtab].shdr = Shdr {
            sh_type: SHT_STRTAB,
            flags: SHF_STRINGS,
            addralign: 1,
            ..l.secs[strtab].shdr
        };
        let symtab = l.new_elf_sec(".symtab");
        l.secs[symtab].shdr = Shdr {
            sh_type: SHT_SYMTAB,
            link: STRTAB_IDX as u32,
            addralign: 8,
            entsize: SYM_SIZE as u64,
            ..l.secs[symtab].shdr
        };
        Ok(l)
    }

    /// The output file's name.
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// A new output section with the next ELF index and its name in `.strtab`.
    fn new_elf_sec(&mut self, name: &str) -> usize {
        let id = self.add_dst_sec(name);
        self.assign_elf_idx(id);
        id
    }

    fn add_dst_sec(&mut self, name: &str) -> usize {
        let id = self.secs.len();
        self.secs.push(DstSec {
            name: name.to_string(),
            id,
            ..DstSec::default()
        });
        id
    }

    fn assign_elf_idx(&mut self, id: usize) {
        let name_off = self.strtab.add(&self.secs[id].name.clone());
        let s = &mut self.secs[id];
        s.sec_idx = self.next_sec_idx;
        s.shdr.name = name_off;
        self.next_sec_idx += 1;
    }

    fn find_dst_sec(&self, name: &str) -> Option<usize> {
        (1..self.secs.len()).find(|&i| self.secs[i].name == name)
    }

    fn find_glob_sym(&self, name: &str) -> Option<usize> {
        self.glob_syms.iter().position(|g| g.name == name)
    }

    fn finalized(&self) -> Result<(), Error> {
        match self.out {
            Some(_) => Ok(()),
            None => Err(Error::Inval("the linker output is finalized")),
        }
    }

    /// `bpf_linker__add_file`: reads the object `filename` and merges it in:
    /// sections, symbols, relocations, BTF and `.BTF.ext`, in that order. A
    /// failure leaves what was merged before it (as libbpf does). `EINVAL`
    /// after [`Linker::finalize`].
    pub fn add_file(&mut self, filename: &str) -> Result<(), Error> {
        self.finalized()?;
        debug(format_args!("linker: adding object file '{filename}'..."));
        let data = crate::file::read(Path::new(filename)).map_err(|e| {
            warn(format_args!(
                "failed to open file '{filename}': -{}",
                e.errno()
            ));
            e.into_error("reading a linker input")
        })?;
        self.add_obj(SrcObj::parse(filename, data)?)
    }

    /// Merges an object already read (the steps of [`Linker::add_file`]).
    fn add_obj(&mut self, mut obj: SrcObj) -> Result<(), Error> {
        self.append_sec_data(&mut obj)?;
        self.append_elf_syms(&mut obj)?;
        self.append_elf_relos(&mut obj)?;
        self.append_btf(&mut obj)?;
        self.append_btf_ext(&obj)
    }

    /// `bpf_linker__finalize`: the `.BTF` and `.BTF.ext` sections, then the whole
    /// ELF file written out and closed. `EINVAL` when already finalized.
    pub fn finalize(&mut self) -> Result<(), Error> {
        self.finalized()?;
        let btf_secs = self.finalize_btf()?;
        let strtab = std::mem::take(&mut self.strtab.data);
        let mut symtab = Vec::with_capacity(self.syms.len() * SYM_SIZE);
        for s in &self.syms {
            s.write(&mut symtab);
        }
        let mut out: Vec<elf::OutSec<'_>> = Vec::new();
        let mut by_idx: Vec<&DstSec> = self.secs[1..].iter().filter(|s| s.sec_idx != 0).collect();
        by_idx.sort_by_key(|s| s.sec_idx);
        for s in by_idx {
            let data: &[u8] = match s.sec_idx {
                STRTAB_IDX => &strtab,
                SYMTAB_IDX => &symtab,
                _ => &s.data,
            };
            let mut shdr = s.shdr;
            shdr.size = match s.sec_idx {
                STRTAB_IDX | SYMTAB_IDX => data.len() as u64,
                _ => s.sec_sz,
            };
            out.push(elf::OutSec { shdr, data });
        }
        for (name_off, data) in &btf_secs {
            let shdr = Shdr {
                name: *name_off,
                sh_type: elf::SHT_PROGBITS,
                size: data.len() as u64,
                addralign: 8,
                ..Shdr::default()
            };
            out.push(elf::OutSec { shdr, data });
        }
        let bytes = elf::write_file(&mut out, STRTAB_IDX as u16);
        let mut file = self.out.take().ok_or(Error::Inval("finalized"))?;
        file.write_all(&bytes).map_err(|e| {
            warn(format_args!("failed to write ELF contents: {e}"));
            Error::io("writing the linker output", &e)
        })
    }
}
