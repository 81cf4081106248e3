//! Fuzzes what `bpf_object__open_mem` does with an object's `.BTF` and
//! `.BTF.ext` (BTF maps, global data, func/line info, CO-RE relocations) while
//! the rest of the ELF file stays valid: a template object (one of
//! `fuzz/templates/*.o`, made by `build-corpus`) gets both sections replaced by
//! the input, which is
//!
//!     template index (1 byte, modulo the count) | .BTF length (u32 LE) | .BTF | .BTF.ext
//!
//! (a short .BTF takes the rest; .BTF.ext may be empty). The object is opened
//! (no load: nothing reaches the kernel), its BTF queried
//! (`libbpfrs_fuzz::query_all`), then closed.
#![no_main]

use bpfrs::capi::btf::handle::bpf_object__btf;
use bpfrs::capi::libbpf::object::{bpf_object__close, bpf_object__open_mem};
use libbpfrs_fuzz::{query_all, quiet};
use libfuzzer_sys::fuzz_target;
use object::elf::FileHeader64;
use object::read::elf::FileHeader;
use object::LittleEndian;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A template object and where the section headers of its `.BTF` and
/// `.BTF.ext` are in it.
struct Template {
    elf: Vec<u8>,
    btf_shdr: usize,
    ext_shdr: usize,
}

/// The templates: `$LIBBPFRS_FUZZ_TEMPLATES` or `fuzz/templates`, by file name.
fn templates() -> &'static [Template] {
    static T: OnceLock<Vec<Template>> = OnceLock::new();
    T.get_or_init(|| {
        let dir = std::env::var_os("LIBBPFRS_FUZZ_TEMPLATES").map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")),
            PathBuf::from,
        );
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e} (run fuzz/build-corpus)", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "o"))
            .collect();
        paths.sort();
        let t: Vec<Template> = paths
            .iter()
            .map(|p| template(std::fs::read(p).unwrap()))
            .collect();
        assert!(!t.is_empty(), "no template objects in {}", dir.display());
        t
    })
}

/// Finds the `.BTF` and `.BTF.ext` section headers of a little-endian ELF64
/// object.
fn template(elf: Vec<u8>) -> Template {
    let e = LittleEndian;
    let hdr = FileHeader64::<LittleEndian>::parse(&*elf).expect("template is not ELF64 LE");
    let sections = hdr.sections(e, &*elf).expect("template section table");
    let find = |want: &[u8]| {
        let s = sections
            .iter()
            .find(|s| sections.section_name(e, s).ok() == Some(want))
            .expect("template lacks .BTF or .BTF.ext");
        std::ptr::from_ref(s) as usize - elf.as_ptr() as usize
    };
    let (btf_shdr, ext_shdr) = (find(b".BTF"), find(b".BTF.ext"));
    Template {
        elf,
        btf_shdr,
        ext_shdr,
    }
}

/// The template with the section whose header is at `shdr` moved to `data`,
/// appended at the end of the file.
fn replace(elf: &mut Vec<u8>, shdr: usize, data: &[u8]) {
    elf.resize(elf.len().next_multiple_of(8), 0);
    let (off, size) = (elf.len() as u64, data.len() as u64);
    elf.extend_from_slice(data);
    // Elf64_Shdr: sh_offset at 24, sh_size at 32.
    elf[shdr + 24..shdr + 32].copy_from_slice(&off.to_le_bytes());
    elf[shdr + 32..shdr + 40].copy_from_slice(&size.to_le_bytes());
}

fuzz_target!(|data: &[u8]| {
    quiet();
    let [pick, l0, l1, l2, l3, rest @ ..] = data else {
        return;
    };
    let all = templates();
    let t = &all[*pick as usize % all.len()];
    let cut = (u32::from_le_bytes([*l0, *l1, *l2, *l3]) as usize).min(rest.len());
    let (btf, ext) = rest.split_at(cut);
    let mut elf = t.elf.clone();
    replace(&mut elf, t.btf_shdr, btf);
    replace(&mut elf, t.ext_shdr, ext);
    // SAFETY: `elf` is `elf.len()` readable bytes for the whole call; NULL opts
    // mean defaults.
    let obj = unsafe { bpf_object__open_mem(elf.as_ptr().cast(), elf.len(), std::ptr::null()) };
    if obj.is_null() {
        return;
    }
    let b = bpf_object__btf(obj);
    if !b.is_null() {
        query_all(b);
    }
    bpf_object__close(obj);
});
