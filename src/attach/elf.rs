//! Uprobe targets: finding a binary by name and a function's file offset in it.
//!
//! Owns: libbpf's path resolution for names without a `/` (shared libraries in
//! the library directories, executables in `PATH`) and the ELF symbol lookup
//! (`.symtab`, then `.dynsym`) that turns `func_name` into a file offset.
//! Must not call: the kernel (file reads only).
//! Spec: `libbpf-api.md` §1.2 (`bpf_program__attach_uprobe_opts`, `func_name`).

use crate::error::{errno_text, libbpf_errno, Error};
use crate::file::ReadError;
use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};
use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// `binary_path` as the kernel will open it: unchanged when it has a `/`;
/// otherwise the first match among `LD_LIBRARY_PATH` and the library directories
/// (names containing `.so`) or in `PATH`. Not found → ENOENT.
pub fn resolve_path(path: &CStr) -> Result<CString, Error> {
    let bytes = path.to_bytes();
    if bytes.contains(&b'/') {
        return Ok(path.to_owned());
    }
    let name = std::ffi::OsStr::from_bytes(bytes);
    let is_lib = bytes.windows(3).any(|w| w == b".so");
    let mut dirs: Vec<PathBuf> = Vec::new();
    let env = if is_lib { "LD_LIBRARY_PATH" } else { "PATH" };
    if let Some(v) = std::env::var_os(env) {
        dirs.extend(std::env::split_paths(&v));
    }
    if is_lib {
        let multiarch = format!("{}-linux-gnu", std::env::consts::ARCH);
        for d in ["/lib64", "/usr/lib64", "/lib", "/usr/lib"] {
            dirs.push(PathBuf::from(d));
        }
        dirs.push(Path::new("/lib").join(&multiarch));
        dirs.push(Path::new("/usr/lib").join(&multiarch));
    }
    for d in dirs {
        let cand = d.join(name);
        if cand.is_file() {
            crate::log::debug(format_args!(
                "resolved '{}' to '{}'",
                path.to_string_lossy(),
                cand.display()
            ));
            return CString::new(cand.into_os_string().as_bytes())
                .map_err(|_| Error::Inval("binary path"));
        }
    }
    crate::log::warn(format_args!(
        "failed to resolve full path for '{}'",
        path.to_string_lossy()
    ));
    Err(Error::NotFound("binary not found"))
}

/// The file offset of the function `name` defined in the ELF at `path`: its
/// symbol value made relative to its section, plus the section's file offset.
/// `.symtab` first, then `.dynsym`. As libbpf 1.1.2 (each with its message): a
/// file that cannot be opened gives its errno; one that is not an ELF (a
/// directory, FIFO or device too) `LIBBPF_ERRNO__FORMAT`; a missing function
/// ENOENT.
pub fn func_offset(path: &CStr, name: &str) -> Result<u64, Error> {
    let shown = path.to_string_lossy();
    let not_elf = |libelf_says: &str| {
        crate::log::warn(format_args!("elf: {libelf_says}"));
        Error::Libbpf(libbpf_errno::FORMAT, format!("{shown}: not an ELF file"))
    };
    let data = match crate::file::read(Path::new(std::ffi::OsStr::from_bytes(path.to_bytes()))) {
        Ok(data) => data,
        // libelf reads the st_size of a FIFO or device, 0: no ELF header.
        Err(ReadError::NotRegular) => Vec::new(),
        Err(ReadError::Directory) => {
            return Err(not_elf(&format!(
                "could not read elf from {shown}: invalid file descriptor"
            )))
        }
        Err(ReadError::Os(errno)) => {
            crate::log::warn(format_args!(
                "failed to open {shown}: {}",
                errno_text(errno)
            ));
            return Err(Error::Io {
                what: "cannot open binary",
                errno,
            });
        }
    };
    let file = object::File::parse(&*data).map_err(|_| {
        not_elf(&format!(
            "failed to get ehdr from {shown}: invalid `Elf' handle"
        ))
    })?;
    let pick = |sym: object::Symbol<'_, '_>| -> Option<u64> {
        if sym.kind() != SymbolKind::Text || !sym.is_definition() || sym.name().ok()? != name {
            return None;
        }
        let sec = file.section_by_index(sym.section_index()?).ok()?;
        let (off, _) = sec.file_range()?;
        sym.address().checked_sub(sec.address())?.checked_add(off)
    };
    file.symbols()
        .find_map(pick)
        .or_else(|| file.dynamic_symbols().find_map(pick))
        .ok_or_else(|| {
            crate::log::warn(format_args!(
                "elf: failed to find symbol '{name}' in '{shown}'"
            ));
            Error::NotFound("function not found in binary")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_own_function() {
        let exe = CString::new(std::env::current_exe().unwrap().as_os_str().as_bytes()).unwrap();
        let off = func_offset(&exe, "main").unwrap();
        assert!(off > 0);
        assert_eq!(
            func_offset(&exe, "no_such_function_here")
                .unwrap_err()
                .errno(),
            libc::ENOENT
        );
    }

    #[test]
    fn special_files_and_non_elf_files_are_format_errors_at_once() {
        let format = libbpf_errno::FORMAT;
        let errno = |p: &CStr| func_offset(p, "main").unwrap_err().errno();
        assert_eq!(errno(c"/dev/zero"), format);
        assert_eq!(errno(c"/"), format);
        assert_eq!(errno(c"/proc/self/status"), format);
        assert_eq!(errno(c"/no/such/binary"), libc::ENOENT);
    }

    #[test]
    fn resolves_libc_and_rejects_missing() {
        let libc_path = resolve_path(c"libc.so.6").unwrap();
        assert!(libc_path.to_bytes().starts_with(b"/"));
        assert!(func_offset(&libc_path, "malloc").unwrap() > 0);
        assert_eq!(
            resolve_path(c"no-such-lib-xyz.so").unwrap_err().errno(),
            libc::ENOENT
        );
        assert_eq!(resolve_path(c"/abs/x").unwrap().to_bytes(), b"/abs/x");
    }
}
