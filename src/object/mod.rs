//! The object model: a BPF ELF file parsed into maps, programs, code sections and
//! relocations, with no kernel calls (data flows bytes → [`Object`] → fds).
//!
//! Owns: ELF parsing (`elf`), map definitions (`maps`), SEC() names (`sec`),
//! BPF-to-BPF linking of one program (`link`).
//! Must not call: `crate::sys` (nothing here touches the kernel).
//! Spec: `libbpf-api.md` §1.0/§1.2/§4.3, `btf-core.md` §3–§4.5.
#![forbid(unsafe_code)]

pub mod calls;
pub mod core;
pub mod elf;
pub mod externs;
pub mod few;
pub mod inline;
pub mod maps;
pub mod name;
pub mod sec;
pub mod struct_ops;

use crate::btf::{Btf, BtfExt};
use crate::error::{libbpf_errno, Error};
use crate::insn::Insn;

pub use few::Few;
pub use maps::{MapDef, MapKind};
pub use name::{Name, NameTable};

/// A parsed BPF object file.
#[derive(Debug)]
pub struct Object {
    /// Object name: the file name without directories and without `.o`, or the
    /// `object_name` open option.
    pub name: Name,
    /// The file it was opened from (for an image in memory, its name), as
    /// libbpf's messages name it.
    pub path: Name,
    pub license: Name,
    pub kversion: u32,
    pub maps: Few<MapDef>,
    pub progs: Few<ProgDef>,
    /// Executable sections (program sections and `.text`), by position.
    pub code: Few<CodeSection>,
    pub btf: Option<Btf>,
    pub btf_ext: Option<BtfExt>,
    /// `.kconfig` and `.ksyms` externs, in libbpf's order ([`externs::Extern::order_key`]).
    pub externs: Vec<externs::Extern>,
}

/// One executable ELF section.
#[derive(Debug, Clone)]
pub struct CodeSection {
    pub name: Name,
    /// ELF section index.
    pub shndx: usize,
    pub insns: Vec<Insn>,
    /// Functions (STT_FUNC symbols) in offset order, as instruction ranges.
    pub funcs: Few<Func>,
    /// Relocations, sorted by instruction index.
    pub relocs: Vec<Reloc>,
}

/// A function symbol inside a code section.
#[derive(Debug, Clone)]
pub struct Func {
    pub name: Name,
    /// First instruction (index within the section).
    pub off: usize,
    pub cnt: usize,
    pub global: bool,
}

/// What an instruction refers to, resolved at open from its ELF relocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelocKind {
    /// `ld_imm64` of a map: becomes `BPF_PSEUDO_MAP_FD` with the map's fd.
    MapFd { map: usize },
    /// `ld_imm64` of an address inside a global-data map: `BPF_PSEUDO_MAP_VALUE`.
    MapValue { map: usize, off: u32 },
    /// A BPF-to-BPF call to `insn` of code section `sec`.
    Call { sec: usize, insn: usize },
    /// `ld_imm64` of a subprogram's address (`BPF_PSEUDO_FUNC`, callbacks).
    FuncAddr { sec: usize, insn: usize },
    /// A reference to extern `ext` of [`Object::externs`]: a kfunc call (`call`)
    /// or an `ld_imm64` of its address, both filled in at load.
    Extern { ext: usize, call: bool },
}

/// One relocation of a code section.
#[derive(Debug, Clone)]
pub struct Reloc {
    /// Instruction index within the section.
    pub insn: usize,
    pub kind: RelocKind,
    /// The symbol's name, for error messages.
    pub sym: Name,
}

/// An entry-point program: one function of a program section.
#[derive(Debug, Clone)]
pub struct ProgDef {
    /// The C function name.
    pub name: Name,
    /// The ELF section name (`SEC()`), libbpf's "section name" / 0.x "title".
    pub sec_name: Name,
    /// Index into [`Object::code`].
    pub code: usize,
    /// First instruction within the section and instruction count.
    pub insn_off: usize,
    pub insn_cnt: usize,
    pub prog_type: u32,
    pub expected_attach_type: u32,
    /// The section definition that matched, if any.
    pub sec_def: Option<&'static sec::SecDef>,
}

/// Options that change how an object is parsed.
#[derive(Debug, Clone, Default)]
pub struct OpenOpts {
    /// Overrides the object name.
    pub object_name: Option<String>,
    /// Accept legacy map definitions with non-zero bytes past the known fields, and
    /// unknown BTF map attributes (`relaxed_maps`, `MAPS_RELAX_COMPAT`).
    pub relaxed_maps: bool,
    /// Refuse a legacy `maps` section (libbpf 1.x; `LIBBPF_STRICT_MAP_DEFINITIONS`).
    pub reject_legacy_maps: bool,
}

pub(crate) fn format_err(msg: String) -> Error {
    Error::Libbpf(libbpf_errno::FORMAT, msg)
}

pub(crate) fn reloc_err(msg: String) -> Error {
    Error::Libbpf(libbpf_errno::RELOC, msg)
}

impl Object {
    /// Parses an object from its ELF bytes. `path_name` is used for the default name.
    /// A malformed object (`LIBBPF_ERRNO__*` errors, which carry their own text) is
    /// reported once through the print callback; other errors are logged where raised.
    pub fn parse(data: &[u8], path_name: &str, opts: &OpenOpts) -> Result<Object, Error> {
        elf::parse(data, path_name, opts).inspect_err(|e| {
            // The text alone, as libbpf words it: libbpf does not append the
            // code's generic message ("BPF object format invalid").
            if let Error::Libbpf(_, msg) = e {
                if msg.contains(path_name) {
                    crate::log::warn(format_args!("elf: {msg}"));
                } else {
                    crate::log::warn(format_args!("elf: {path_name}: {msg}"));
                }
            }
        })
    }

    pub fn find_map(&self, name: &str) -> Option<usize> {
        self.maps.iter().position(|m| m.name == name)
    }

    /// The `.kconfig` map, if the object has `.kconfig` externs.
    pub fn kconfig_map(&self) -> Option<usize> {
        self.maps.iter().position(MapDef::is_kconfig)
    }

    pub fn find_prog(&self, name: &str) -> Option<usize> {
        self.progs.iter().position(|p| p.name == name)
    }

    /// 0.x `find_program_by_title`: the first program whose section name matches.
    pub fn find_prog_by_sec(&self, sec_name: &str) -> Option<usize> {
        self.progs.iter().position(|p| p.sec_name == sec_name)
    }

    /// The name libbpf derives from a path: the basename up to its first `.`
    /// (`x_kern.o` → `x_kern`, `prog.bpf.o` → `prog`).
    pub fn name_from_path(path: &str) -> String {
        Object::base_name(path).to_string()
    }

    /// [`Object::name_from_path`], borrowed from `path`.
    pub fn base_name(path: &str) -> &str {
        // By bytes: '/' and '.' are ASCII, never inside another character.
        let b = path.as_bytes();
        let start = b.iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1);
        let len = b[start..]
            .iter()
            .position(|&c| c == b'.')
            .unwrap_or(b.len() - start);
        path.get(start..start + len).unwrap_or(path)
    }
}

#[cfg(test)]
mod tests {
    use super::Object;

    #[test]
    fn base_name_of_paths() {
        for (path, want) in [
            ("x_kern.o", "x_kern"),
            ("dir/prog.bpf.o", "prog"),
            ("/a.b/c/obj", "obj"),
            ("/a.b/c/", ""),
            ("plain", "plain"),
            (".hidden.o", ""),
            ("dé/é.o", "é"),
            ("", ""),
        ] {
            assert_eq!(Object::base_name(path), want, "{path}");
            assert_eq!(Object::name_from_path(path), want, "{path}");
        }
    }
}
