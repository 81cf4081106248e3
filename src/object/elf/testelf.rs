//! Test-only writer of little-endian ELF64 relocatable BPF objects, byte by byte:
//! the file header, the caller's sections, then `.symtab`, `.strtab` and
//! `.shstrtab`, then the section header table. `SHT_REL` sections are linked to
//! `.symtab` when the file is built. [`patch`], [`patch_shdr`] and [`patch_record`]
//! let a test break one field afterwards (offsets, sizes, indexes) to make
//! malformed input; [`layout`] and [`failure`] run the phases and read errors.
//! Must not call: `crate::sys`.

use super::sections::{self, Elf};
use super::{symbols, Layout, Symbol as Sym};
use crate::btf::write::BtfBuilder;
use crate::btf::{INT_SIGNED, LINKAGE_GLOBAL};
use crate::error::Error;
use crate::insn::{self, Insn};
use crate::object::OpenOpts;
use crate::uapi;
use object::elf as E;

/// `Elf64_Ehdr` size and the offsets of the fields tests patch.
pub const EHDR_SIZE: usize = 64;
pub const E_SHOFF: usize = 40;
pub const E_SHNUM: usize = 60;
/// `Elf64_Shdr` size and field offsets.
pub const SHDR_SIZE: usize = 64;
pub const SH_OFFSET: usize = 24;
pub const SH_SIZE: usize = 32;
/// `Elf64_Sym` size and field offsets.
pub const SYM_SIZE: usize = 24;
pub const ST_NAME: usize = 0;
pub const ST_SHNDX: usize = 6;
/// `Elf64_Rel` size and field offsets.
pub const REL_SIZE: usize = 16;
pub const R_OFFSET: usize = 0;
pub const R_INFO: usize = 8;

struct Sec {
    name: String,
    sh_type: u32,
    flags: u64,
    data: Vec<u8>,
    /// `sh_size` of a `SHT_NOBITS` section (which has no bytes in the file).
    nobits_size: u64,
    /// For `SHT_REL`: the section the records apply to.
    info: u32,
}

struct Symbol {
    name: String,
    shndx: u16,
    value: u64,
    size: u64,
    info: u8,
    other: u8,
}

/// An object under construction. Section indexes are returned as added (the null
/// section is 0); symbol indexes too (the null symbol is 0).
#[derive(Default)]
pub struct ElfBuilder {
    secs: Vec<Sec>,
    syms: Vec<Symbol>,
}

impl ElfBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Any section with contents; returns its index.
    pub fn section(&mut self, name: &str, sh_type: u32, flags: u64, data: &[u8]) -> usize {
        self.secs.push(Sec {
            name: name.to_string(),
            sh_type,
            flags,
            data: data.to_vec(),
            nobits_size: 0,
            info: 0,
        });
        self.secs.len()
    }

    /// An executable `SHT_PROGBITS` section holding `insns`.
    pub fn code(&mut self, name: &str, insns: &[Insn]) -> usize {
        let flags = u64::from(E::SHF_ALLOC | E::SHF_EXECINSTR);
        self.section(name, E::SHT_PROGBITS, flags, &insn::encode_all(insns))
    }

    /// A writable data section (`.data`, `.rodata`, `maps`, `.maps`, …).
    pub fn data(&mut self, name: &str, bytes: &[u8]) -> usize {
        let flags = u64::from(E::SHF_ALLOC | E::SHF_WRITE);
        self.section(name, E::SHT_PROGBITS, flags, bytes)
    }

    /// A `SHT_NOBITS` section of `size` bytes (`.bss`).
    pub fn nobits(&mut self, name: &str, size: u64) -> usize {
        let i = self.section(
            name,
            E::SHT_NOBITS,
            u64::from(E::SHF_ALLOC | E::SHF_WRITE),
            &[],
        );
        self.secs[i - 1].nobits_size = size;
        i
    }

    /// Relocation records `(r_offset, symbol index)` for section `target`
    /// (type `R_BPF_64_64`, which the parser does not look at).
    pub fn rel(&mut self, target: usize, records: &[(u64, u32)]) -> usize {
        let mut data = Vec::with_capacity(records.len() * REL_SIZE);
        for &(off, sym) in records {
            data.extend_from_slice(&off.to_le_bytes());
            data.extend_from_slice(&((u64::from(sym) << 32) | 1).to_le_bytes());
        }
        let name = format!(".rel{}", self.secs[target - 1].name);
        let i = self.section(&name, E::SHT_REL, 0, &data);
        self.secs[i - 1].info = target as u32;
        i
    }

    /// A symbol with every field given; returns its index.
    #[allow(clippy::too_many_arguments)]
    pub fn symbol(
        &mut self,
        name: &str,
        shndx: usize,
        value: u64,
        size: u64,
        typ: u8,
        bind: u8,
        other: u8,
    ) -> u32 {
        self.syms.push(Symbol {
            name: name.to_string(),
            shndx: shndx as u16,
            value,
            size,
            info: (bind << 4) | (typ & 0xf),
            other,
        });
        self.syms.len() as u32
    }

    /// A function of `cnt` instructions at instruction `off` of section `shndx`.
    pub fn func(&mut self, name: &str, shndx: usize, off: u64, cnt: u64, global: bool) -> u32 {
        let bind = if global { E::STB_GLOBAL } else { E::STB_LOCAL };
        self.symbol(name, shndx, off * 8, cnt * 8, E::STT_FUNC, bind, 0)
    }

    /// A global variable or map of `size` bytes at byte `value` of section `shndx`.
    pub fn object(&mut self, name: &str, shndx: usize, value: u64, size: u64) -> u32 {
        self.symbol(name, shndx, value, size, E::STT_OBJECT, E::STB_GLOBAL, 0)
    }

    /// The section symbol of `shndx` (what static variables are relocated against).
    pub fn section_symbol(&mut self, shndx: usize) -> u32 {
        self.symbol("", shndx, 0, 0, E::STT_SECTION, E::STB_LOCAL, 0)
    }

    /// Index of `.symtab` in the built file (`.strtab` and `.shstrtab` follow it).
    pub fn symtab_index(&self) -> usize {
        self.secs.len() + 1
    }

    /// The file: header, section contents (8-byte aligned), symbol and string
    /// tables, section header table.
    pub fn build(&self) -> Vec<u8> {
        let symtab = self.symtab_index();
        let (syms, strs) = self.symbol_table();
        let mut hdrs: Vec<Shdr<'_>> = self
            .secs
            .iter()
            .map(|s| {
                let rel = s.sh_type == E::SHT_REL;
                Shdr {
                    name: &s.name,
                    sh_type: s.sh_type,
                    flags: s.flags,
                    data: &s.data,
                    size: if s.sh_type == E::SHT_NOBITS {
                        s.nobits_size
                    } else {
                        s.data.len() as u64
                    },
                    link: if rel { symtab as u32 } else { 0 },
                    info: s.info,
                    entsize: if rel { REL_SIZE as u64 } else { 0 },
                }
            })
            .collect();
        let first_global = self.syms.iter().position(|s| s.info >> 4 != E::STB_LOCAL);
        let table = Shdr::strtab;
        hdrs.push(Shdr {
            sh_type: E::SHT_SYMTAB,
            link: symtab as u32 + 1,
            info: (first_global.unwrap_or(self.syms.len()) + 1) as u32,
            entsize: SYM_SIZE as u64,
            ..table(".symtab", &syms)
        });
        hdrs.push(table(".strtab", &strs));
        let mut shstrs = vec![0u8];
        let name_offs: Vec<u32> = hdrs
            .iter()
            .map(|h| h.name)
            .chain([".shstrtab"])
            .map(|n| add_str(&mut shstrs, n))
            .collect();
        hdrs.push(table(".shstrtab", &shstrs));

        let mut out = vec![0u8; EHDR_SIZE];
        let mut offsets = Vec::with_capacity(hdrs.len());
        for h in &hdrs {
            align8(&mut out);
            offsets.push(out.len() as u64);
            out.extend_from_slice(h.data);
        }
        align8(&mut out);
        let shoff = out.len() as u64;
        out.extend_from_slice(&[0u8; SHDR_SIZE]); // the null section
        for (k, h) in hdrs.iter().enumerate() {
            let mut b = [0u8; SHDR_SIZE];
            put(&mut b, 0, &name_offs[k].to_le_bytes());
            put(&mut b, 4, &h.sh_type.to_le_bytes());
            put(&mut b, 8, &h.flags.to_le_bytes());
            put(&mut b, SH_OFFSET, &offsets[k].to_le_bytes());
            put(&mut b, SH_SIZE, &h.size.to_le_bytes());
            put(&mut b, 40, &h.link.to_le_bytes());
            put(&mut b, 44, &h.info.to_le_bytes());
            put(&mut b, 48, &8u64.to_le_bytes()); // sh_addralign
            put(&mut b, 56, &h.entsize.to_le_bytes());
            out.extend_from_slice(&b);
        }
        let e = &mut out[..EHDR_SIZE];
        put(e, 0, b"\x7fELF");
        put(e, 4, &[2, 1, 1]); // ELFCLASS64, ELFDATA2LSB, EV_CURRENT
        put(e, 16, &E::ET_REL.to_le_bytes());
        put(e, 18, &E::EM_BPF.to_le_bytes());
        put(e, 20, &1u32.to_le_bytes()); // e_version
        put(e, E_SHOFF, &shoff.to_le_bytes());
        put(e, 52, &(EHDR_SIZE as u16).to_le_bytes());
        put(e, 58, &(SHDR_SIZE as u16).to_le_bytes());
        put(e, E_SHNUM, &(hdrs.len() as u16 + 1).to_le_bytes());
        put(e, 62, &(symtab as u16 + 2).to_le_bytes()); // e_shstrndx
        out
    }

    /// `.symtab` (null symbol first) and `.strtab` contents.
    fn symbol_table(&self) -> (Vec<u8>, Vec<u8>) {
        let mut strs = vec![0u8];
        let mut syms = vec![0u8; SYM_SIZE];
        for s in &self.syms {
            let name = if s.name.is_empty() {
                0
            } else {
                add_str(&mut strs, &s.name)
            };
            syms.extend_from_slice(&name.to_le_bytes());
            syms.extend_from_slice(&[s.info, s.other]);
            syms.extend_from_slice(&s.shndx.to_le_bytes());
            syms.extend_from_slice(&s.value.to_le_bytes());
            syms.extend_from_slice(&s.size.to_le_bytes());
        }
        (syms, strs)
    }
}

/// One section header as written.
struct Shdr<'a> {
    name: &'a str,
    sh_type: u32,
    flags: u64,
    data: &'a [u8],
    size: u64,
    link: u32,
    info: u32,
    entsize: u64,
}

impl<'a> Shdr<'a> {
    fn strtab(name: &'a str, data: &'a [u8]) -> Self {
        Shdr {
            name,
            sh_type: E::SHT_STRTAB,
            flags: 0,
            data,
            size: data.len() as u64,
            link: 0,
            info: 0,
            entsize: 0,
        }
    }
}

fn add_str(table: &mut Vec<u8>, s: &str) -> u32 {
    let off = table.len() as u32;
    table.extend_from_slice(s.as_bytes());
    table.push(0);
    off
}

fn align8(out: &mut Vec<u8>) {
    out.resize(out.len().next_multiple_of(8), 0);
}

fn put(buf: &mut [u8], at: usize, bytes: &[u8]) {
    buf[at..at + bytes.len()].copy_from_slice(bytes);
}

fn read_u64(buf: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&buf[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Overwrites `bytes.len()` bytes of the file at `at`.
pub fn patch(file: &mut [u8], at: usize, bytes: &[u8]) {
    put(file, at, bytes);
}

/// File offset of section `idx`'s header.
fn shdr_at(file: &[u8], idx: usize) -> usize {
    read_u64(file, E_SHOFF) as usize + idx * SHDR_SIZE
}

/// Overwrites a field (at `field` in `Elf64_Shdr`) of section `idx`'s header.
pub fn patch_shdr(file: &mut [u8], idx: usize, field: usize, bytes: &[u8]) {
    let at = shdr_at(file, idx) + field;
    put(file, at, bytes);
}

/// Overwrites a field (at `field` in its record of `rec_size` bytes) of record
/// `rec` in the contents of section `idx` (a symbol, a relocation).
pub fn patch_record(
    file: &mut [u8],
    idx: usize,
    rec_size: usize,
    rec: usize,
    field: usize,
    bytes: &[u8],
) {
    let at = read_u64(file, shdr_at(file, idx) + SH_OFFSET) as usize + rec * rec_size + field;
    put(file, at, bytes);
}

/// Instructions for test programs.
pub fn mov_r0(imm: i32) -> Insn {
    Insn {
        code: uapi::BPF_ALU64 | uapi::BPF_MOV | uapi::BPF_K,
        regs: 0,
        off: 0,
        imm,
    }
}

pub fn exit() -> Insn {
    Insn {
        code: uapi::BPF_JMP | uapi::BPF_EXIT,
        ..Insn::default()
    }
}

/// `call` with `src_reg` 1 (BPF-to-BPF; `imm` is the callee's offset - 1).
pub fn call(imm: i32) -> Insn {
    Insn {
        code: insn::CALL,
        regs: uapi::BPF_PSEUDO_CALL << 4,
        off: 0,
        imm,
    }
}

/// `ld_imm64 r1, imm` (two slots; `imm` is the relocation addend).
pub fn ld_imm64(imm: i32) -> [Insn; 2] {
    let first = Insn {
        code: insn::LD_IMM64,
        regs: 1,
        off: 0,
        imm,
    };
    [first, Insn::default()]
}

/// A failure as the C caller sees it: errno (or `LIBBPF_ERRNO__*` code) and text.
/// What `f` picks out of each of `items`: a few fields of every map or program
/// at once, to compare with one expected table.
pub fn fields<'a, T, U>(items: &'a [T], f: impl FnMut(&'a T) -> U) -> Vec<U> {
    items.iter().map(f).collect()
}

pub fn failure<T>(r: Result<T, Error>) -> (i32, String) {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => (e.errno(), e.to_string()),
    }
}

/// The first three phases on `file` (named `t.o`), which must succeed.
pub(super) fn layout(file: &[u8]) -> (Elf<'_>, Vec<Sym<'_>>, Layout<'_>) {
    let elf = sections::open(file, "t.o").expect("open");
    let syms = symbols::read(&elf, "t.o").expect("symbols").syms;
    let mut layout = sections::scan(&elf, &[], "t.o", &OpenOpts::default()).expect("scan");
    layout.name_code(&crate::object::NameTable::new(&[], &[]));
    (elf, syms, layout)
}

/// BTF for a `.maps` section of 32-byte hash-map definitions, one VAR per name at
/// 32-byte steps: `__uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4);
/// __type(key, int); __type(value, int);`.
pub fn btf_hash_maps(names: &[&str]) -> Vec<u8> {
    let mut b = BtfBuilder::new();
    let int = b.int("int", 4, INT_SIGNED, 32);
    let uint = |b: &mut BtfBuilder, n| {
        let arr = b.array(int, int, n);
        b.ptr(arr)
    };
    let (hash, four, int_ptr) = (uint(&mut b, 1), uint(&mut b, 4), b.ptr(int));
    let def = b.struct_(
        "",
        32,
        &[
            ("type", hash, 0),
            ("max_entries", four, 64),
            ("key", int_ptr, 128),
            ("value", int_ptr, 192),
        ],
    );
    let mut vars = Vec::new();
    for (k, n) in names.iter().enumerate() {
        vars.push((b.var(n, def, LINKAGE_GLOBAL), 32 * k as u32, 32));
    }
    b.datasec(".maps", 0, &vars);
    b.to_bytes()
}
