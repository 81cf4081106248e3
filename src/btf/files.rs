//! Where a `struct btf` comes from: raw BTF and ELF files and the running kernel's
//! vmlinux BTF (the loading behind `btf__parse*` and `btf__load_vmlinux_btf`; a
//! loaded BTF object is read back by `sys::btf_info`).

use super::edit::BtfEdit;
use super::ext::BtfExt;
use crate::error::{libbpf_errno, Error};
use std::sync::Arc;

pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| {
        crate::log::debug(format_args!("failed to read '{}': {e}", path.display()));
        Error::Errno(e.raw_os_error().unwrap_or(libc::EIO), "reading BTF file")
    })
}

pub fn is_btf_magic(d: &[u8]) -> bool {
    let m = crate::btf::BTF_MAGIC;
    d.get(..2)
        .is_some_and(|x| x == m.to_ne_bytes() || x == m.swap_bytes().to_ne_bytes())
}

/// `btf_parse_raw`: EPROTO if the file does not start with the BTF magic.
pub fn parse_raw(path: &std::path::Path, base: Option<Arc<BtfEdit>>) -> Result<BtfEdit, Error> {
    let data = read_file(path)?;
    if data.len() < 2 {
        return Err(Error::Errno(libc::EIO, "BTF file too short"));
    }
    if !is_btf_magic(&data) {
        return Err(Error::Errno(libc::EPROTO, "not a raw BTF file"));
    }
    BtfEdit::parse(&data, base)
}

/// `btf_parse_elf`: `.BTF` (ENODATA if missing) and, if asked, `.BTF.ext`.
pub fn parse_elf(
    path: &std::path::Path,
    base: Option<Arc<BtfEdit>>,
    want_ext: bool,
) -> Result<(BtfEdit, Option<BtfExt>), Error> {
    use object::{Object, ObjectSection};
    let data = read_file(path)?;
    let file = object::File::parse(&*data).map_err(|e| {
        crate::log::warn(format_args!(
            "failed to get EHDR from {}: {e}",
            path.display()
        ));
        Error::Libbpf(libbpf_errno::FORMAT, format!("not an ELF file: {e}"))
    })?;
    let sec_data = |name: &str| -> Result<Option<&[u8]>, Error> {
        match file.section_by_name(name) {
            None => Ok(None),
            Some(s) => s.data().map(Some).map_err(|e| {
                Error::Libbpf(libbpf_errno::FORMAT, format!("cannot read {name}: {e}"))
            }),
        }
    };
    let Some(btf_data) = sec_data(".BTF")? else {
        crate::log::warn(format_args!(
            "failed to find '.BTF' ELF section in {}",
            path.display()
        ));
        return Err(Error::Errno(libc::ENODATA, "ELF file has no .BTF section"));
    };
    let btf = BtfEdit::parse(btf_data, base)?;
    btf.set_pointer_size(if file.is_64() { 8 } else { 4 })?;
    let ext = match (want_ext, sec_data(".BTF.ext")?) {
        (true, Some(d)) => Some(BtfExt::parse_standalone(d)?),
        _ => None,
    };
    Ok((btf, ext))
}

/// `btf__parse` logic: raw first, ELF if the file is not raw BTF.
pub fn parse_any(
    path: &std::path::Path,
    base: Option<Arc<BtfEdit>>,
    want_ext: bool,
) -> Result<(BtfEdit, Option<Option<BtfExt>>), Error> {
    match parse_raw(path, base.clone()) {
        Ok(b) => Ok((b, None)),
        Err(Error::Errno(libc::EPROTO, _)) => {
            parse_elf(path, base, want_ext).map(|(b, e)| (b, Some(e)))
        }
        Err(e) => Err(e),
    }
}

pub fn load_vmlinux() -> Result<BtfEdit, Error> {
    let paths = crate::btf::vmlinux_paths();
    for p in &paths {
        let path = std::path::Path::new(p);
        if !path.exists() {
            continue;
        }
        match parse_any(path, None, false) {
            Ok((b, _)) => return Ok(b),
            Err(e) => crate::log::warn(format_args!("failed to read kernel BTF from '{p}': {e}")),
        }
    }
    crate::log::warn(format_args!("failed to find valid kernel BTF"));
    Err(Error::Errno(libc::ESRCH, "no usable kernel BTF found"))
}

/// The offset of the first whole string `s` in a string section.
pub fn find_str_in(strs: &[u8], s: &[u8]) -> Option<u32> {
    let mut off = 0usize;
    for part in strs.split(|&c| c == 0) {
        if part == s && off < strs.len() {
            return Some(off as u32);
        }
        off += part.len() + 1;
    }
    None
}
