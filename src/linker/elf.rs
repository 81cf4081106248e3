//! The ELF64 records the linker reads and writes (little-endian BPF relocatable
//! objects only): the file header, section headers, symbols and `Elf64_Rel`
//! entries, and the output file's layout (libelf's: sections in index order
//! after the 64-byte header, each at its alignment, then the section header
//! table at 8 bytes).
//!
//! Must not call: `crate::sys`. Every read is bounds-checked; nothing panics on
//! a malformed file.

pub const ELFDATA2LSB: u8 = 1;
pub const ET_REL: u16 = 1;
pub const EM_BPF: u16 = 247;
pub const SHT_PROGBITS: u32 = 1;
pub const SHT_SYMTAB: u32 = 2;
pub const SHT_STRTAB: u32 = 3;
pub const SHT_NOBITS: u32 = 8;
pub const SHT_REL: u32 = 9;
pub const SHT_LLVM_ADDRSIG: u32 = 0x6fff_4c03;
pub const SHF_EXECINSTR: u64 = 0x4;
pub const SHF_STRINGS: u64 = 0x20;
pub const SHN_LORESERVE: u16 = 0xff00;
const SHN_XINDEX: u16 = 0xffff;
pub const STB_LOCAL: u8 = 0;
pub const STB_GLOBAL: u8 = 1;
pub const STB_WEAK: u8 = 2;
pub const STT_NOTYPE: u8 = 0;
pub const STT_OBJECT: u8 = 1;
pub const STT_SECTION: u8 = 3;
pub const STV_DEFAULT: u8 = 0;
pub const STV_HIDDEN: u8 = 2;
pub const R_BPF_64_64: u32 = 1;
pub const R_BPF_64_ABS64: u32 = 2;
pub const R_BPF_64_ABS32: u32 = 3;
pub const R_BPF_64_32: u32 = 10;
pub const SYM_SIZE: usize = 24;
pub const REL_SIZE: usize = 16;
const EHDR_SIZE: usize = 64;
const SHDR_SIZE: usize = 64;

fn rd<const N: usize>(b: &[u8], off: usize) -> Option<[u8; N]> {
    b.get(off..off.checked_add(N)?)?.try_into().ok()
}
fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    rd(b, off).map(u16::from_le_bytes)
}
fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    rd(b, off).map(u32::from_le_bytes)
}
fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    rd(b, off).map(u64::from_le_bytes)
}

/// What the linker needs of the ELF header.
pub struct Ehdr {
    pub data: u8,
    pub e_type: u16,
    pub machine: u16,
    shoff: u64,
    shnum: usize,
    pub shstrndx: usize,
}

impl Ehdr {
    /// The header of a 64-bit ELF file; `None` for anything else.
    pub fn parse(b: &[u8]) -> Option<Ehdr> {
        if b.get(..4)? != b"\x7fELF" || *b.get(4)? != 2 || b.len() < EHDR_SIZE {
            return None;
        }
        Some(Ehdr {
            data: b[5],
            e_type: u16_at(b, 16)?,
            machine: u16_at(b, 18)?,
            shoff: u64_at(b, 40)?,
            shnum: u16_at(b, 60)? as usize,
            shstrndx: u16_at(b, 62)? as usize,
        })
    }

    /// The section header table (with the extended section count and string
    /// table index of section 0 when the header's fields overflow).
    pub fn section_headers(&mut self, b: &[u8]) -> Option<Vec<Shdr>> {
        let at = |i: usize| {
            Shdr::read(
                b,
                (self.shoff as usize).checked_add(i.checked_mul(SHDR_SIZE)?)?,
            )
        };
        let mut n = self.shnum;
        if self.shoff == 0 {
            return Some(Vec::new());
        }
        let first = at(0)?;
        if n == 0 {
            n = usize::try_from(first.size).ok()?;
        }
        if self.shstrndx == SHN_XINDEX as usize {
            self.shstrndx = first.link as usize;
        }
        (0..n).map(at).collect()
    }
}

/// `Elf64_Shdr` (without `sh_addr`, always 0 here).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shdr {
    pub name: u32,
    pub sh_type: u32,
    pub flags: u64,
    pub offset: u64,
    pub size: u64,
    pub link: u32,
    pub info: u32,
    pub addralign: u64,
    pub entsize: u64,
}

impl Shdr {
    fn read(b: &[u8], off: usize) -> Option<Shdr> {
        Some(Shdr {
            name: u32_at(b, off)?,
            sh_type: u32_at(b, off + 4)?,
            flags: u64_at(b, off + 8)?,
            offset: u64_at(b, off + 24)?,
            size: u64_at(b, off + 32)?,
            link: u32_at(b, off + 40)?,
            info: u32_at(b, off + 44)?,
            addralign: u64_at(b, off + 48)?,
            entsize: u64_at(b, off + 56)?,
        })
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.name.to_le_bytes());
        out.extend_from_slice(&self.sh_type.to_le_bytes());
        out.extend_from_slice(&self.flags.to_le_bytes());
        out.extend_from_slice(&0u64.to_le_bytes());
        for v in [self.offset, self.size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&self.link.to_le_bytes());
        out.extend_from_slice(&self.info.to_le_bytes());
        for v in [self.addralign, self.entsize] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

/// The NUL-terminated string at `off` of string table section `strtab`.
pub fn elf_str(b: &[u8], strtab: &Shdr, off: u32) -> Option<String> {
    let start = strtab.offset as usize;
    let table = b.get(start..start.checked_add(strtab.size as usize)?)?;
    let s = table.get(off as usize..)?;
    let end = s.iter().position(|&c| c == 0)?;
    Some(String::from_utf8_lossy(&s[..end]).into_owned())
}

/// `Elf64_Sym`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sym {
    pub name: u32,
    pub info: u8,
    pub other: u8,
    pub shndx: u16,
    pub value: u64,
    pub size: u64,
}

impl Sym {
    /// Decodes the first 24 bytes of `b` (missing bytes read as 0).
    pub fn read(b: &[u8]) -> Sym {
        Sym {
            name: u32_at(b, 0).unwrap_or(0),
            info: b.get(4).copied().unwrap_or(0),
            other: b.get(5).copied().unwrap_or(0),
            shndx: u16_at(b, 6).unwrap_or(0),
            value: u64_at(b, 8).unwrap_or(0),
            size: u64_at(b, 16).unwrap_or(0),
        }
    }

    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.name.to_le_bytes());
        out.extend_from_slice(&[self.info, self.other]);
        out.extend_from_slice(&self.shndx.to_le_bytes());
        out.extend_from_slice(&self.value.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
    }

    pub fn bind(&self) -> u8 {
        self.info >> 4
    }
    pub fn sym_type(&self) -> u8 {
        self.info & 0xf
    }
    pub fn visibility(&self) -> u8 {
        self.other & 0x3
    }
    pub fn set_bind(&mut self, bind: u8) {
        self.info = bind << 4 | (self.info & 0xf);
    }
    pub fn set_type(&mut self, t: u8) {
        self.info = (self.info & 0xf0) | t;
    }
    pub fn set_visibility(&mut self, vis: u8) {
        self.other = (self.other & !0x3) | vis;
    }
}

/// `Elf64_Rel`.
#[derive(Clone, Copy, Debug)]
pub struct Rel {
    pub offset: u64,
    pub info: u64,
}

impl Rel {
    /// Every whole entry of a relocation section's bytes.
    pub fn all(b: &[u8]) -> impl Iterator<Item = Rel> + '_ {
        b.chunks_exact(REL_SIZE).map(|c| Rel {
            offset: u64_at(c, 0).unwrap_or(0),
            info: u64_at(c, 8).unwrap_or(0),
        })
    }
    pub fn sym(&self) -> usize {
        (self.info >> 32) as usize
    }
    pub fn rel_type(&self) -> u32 {
        self.info as u32
    }
    pub fn write_at(&self, b: &mut [u8]) {
        b[..8].copy_from_slice(&self.offset.to_le_bytes());
        b[8..16].copy_from_slice(&self.info.to_le_bytes());
    }
}

/// One output section: its header (offset filled in by [`write_file`]) and
/// bytes (none for NOBITS).
pub struct OutSec<'a> {
    pub shdr: Shdr,
    pub data: &'a [u8],
}

fn align_up(v: u64, a: u64) -> u64 {
    let a = a.max(1);
    v.div_ceil(a) * a
}

/// A relocatable BPF ELF file of `secs` (sections 1..; section 0 is the null
/// section), section names in section `shstrndx`.
pub fn write_file(secs: &mut [OutSec<'_>], shstrndx: u16) -> Vec<u8> {
    let mut off = EHDR_SIZE as u64;
    for s in secs.iter_mut() {
        off = align_up(off, s.shdr.addralign);
        s.shdr.offset = off;
        if s.shdr.sh_type != SHT_NOBITS {
            off += s.shdr.size;
        }
    }
    let shoff = align_up(off, 8);
    let mut out = Vec::with_capacity(shoff as usize + (secs.len() + 1) * SHDR_SIZE);
    out.extend_from_slice(b"\x7fELF\x02\x01\x01");
    out.resize(16, 0);
    for v in [ET_REL, EM_BPF] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&[0u8; 16]);
    out.extend_from_slice(&shoff.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    let shnum = secs.len() as u16 + 1;
    for v in [EHDR_SIZE as u16, 0, 0, SHDR_SIZE as u16, shnum, shstrndx] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for s in secs.iter() {
        if s.shdr.sh_type != SHT_NOBITS {
            out.resize(s.shdr.offset as usize, 0);
            out.extend_from_slice(s.data);
        }
    }
    out.resize(shoff as usize, 0);
    Shdr::default().write(&mut out);
    for s in secs.iter() {
        s.shdr.write(&mut out);
    }
    out
}
