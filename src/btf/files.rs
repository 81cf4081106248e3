//! Where a [`Btf`] comes from on disk: raw BTF files, the `.BTF` (and `.BTF.ext`)
//! sections of ELF files, and the running kernel's vmlinux BTF (sysfs, then
//! libbpf's vmlinux image locations). The reads behind `btf__parse*`,
//! `btf__load_vmlinux_btf`, `btf_custom_path` and attach-target lookups.
//!
//! Must not call: `crate::sys` (a loaded BTF object is read back by
//! `sys::btf_info`; its bytes are parsed with [`Btf::parse_split`]).
//! Spec: `btf-core.md` §6.1 (`btf__parse`, `btf__load_vmlinux_btf`).

use super::ext::BtfExt;
use super::parse::Checks;
use super::{Btf, BTF_MAGIC};
use crate::error::{errno_text, libbpf_errno, Error};
use crate::file::ReadError;
use once_cell::sync::OnceCell;
use std::path::Path;
use std::sync::Arc;

/// Which file formats a read accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Raw BTF if the file starts with the BTF magic (either byte order), else
    /// ELF (`btf__parse`).
    Any,
    /// Raw BTF only: `EPROTO` without the magic (`btf__parse_raw`).
    Raw,
    /// ELF only (`btf__parse_elf`).
    Elf,
}

static VMLINUX: OnceCell<Arc<Btf>> = OnceCell::new();

/// The bytes of a BTF file for a read of `kind`, answered as libbpf 1.1.2 does
/// where the file cannot be read whole: libbpf's raw reader reads the magic
/// first (`EIO` for a directory), its ELF reader hands the fd to libelf
/// (`LIBBPF_ERRNO__FORMAT`). A FIFO or device gives no bytes: what libelf reads
/// of its `st_size` of 0, and not raw BTF (`/dev/zero` has no magic).
fn read_file(path: &Path, kind: FileKind) -> Result<Option<Vec<u8>>, Error> {
    match crate::file::read(path) {
        Ok(data) => Ok(Some(data)),
        Err(ReadError::NotRegular) => Ok(None),
        Err(ReadError::Directory) if kind == FileKind::Elf => {
            crate::log::warn(format_args!(
                "failed to open {} as ELF file",
                path.display()
            ));
            Err(Error::Libbpf(
                libbpf_errno::FORMAT,
                "BTF file is a directory".into(),
            ))
        }
        Err(ReadError::Directory) => Err(Error::Io {
            what: "BTF file is a directory",
            errno: libc::EIO,
        }),
        Err(ReadError::Os(errno)) => {
            if kind == FileKind::Elf {
                crate::log::warn(format_args!(
                    "failed to open {}: {}",
                    path.display(),
                    errno_text(errno)
                ));
            }
            Err(Error::Io {
                what: "cannot open BTF file",
                errno,
            })
        }
    }
}

/// True if `d` starts with the BTF magic in either byte order.
fn is_btf_magic(d: &[u8]) -> bool {
    d.get(..2)
        .is_some_and(|x| x == BTF_MAGIC.to_ne_bytes() || x == BTF_MAGIC.swap_bytes().to_ne_bytes())
}

impl Btf {
    /// Reads BTF from the file at `path` with `checks`, split on `base` if given.
    /// With `want_ext`, an ELF file's `.BTF.ext` comes too (`None` if it has
    /// none, and always for a raw file).
    ///
    /// As libbpf: a file shorter than the magic is `EIO`; a non-ELF file is
    /// `LIBBPF_ERRNO__FORMAT`, an ELF file without `.BTF` `ENODATA` (both with a
    /// warning); an ELF file's class gives the pointer size.
    pub fn from_path(
        path: &Path,
        kind: FileKind,
        base: Option<Arc<Btf>>,
        checks: Checks,
        want_ext: bool,
    ) -> Result<(Btf, Option<BtfExt>), Error> {
        let mut data = read_file(path, kind)?;
        if kind != FileKind::Elf {
            if let Some(data) = &data {
                if data.len() < 2 {
                    return Err(Error::Io {
                        what: "BTF file too short",
                        errno: libc::EIO,
                    });
                }
            }
            if let Some(data) = data.take_if(|d| is_btf_magic(d)) {
                return Ok((Btf::parse_owned(data.into(), base, checks)?, None));
            }
            if kind == FileKind::Raw {
                return Err(Error::WrongFormat("not a raw BTF file"));
            }
        }
        let data = data.unwrap_or_default();
        Btf::from_elf_image(&data, &path.display().to_string(), base, checks, want_ext)
    }

    /// The `.BTF` (and, with `want_ext`, `.BTF.ext`) of the ELF image `data`
    /// read from `name`.
    fn from_elf_image(
        data: &[u8],
        name: &str,
        base: Option<Arc<Btf>>,
        checks: Checks,
        want_ext: bool,
    ) -> Result<(Btf, Option<BtfExt>), Error> {
        use object::{Object, ObjectSection};
        let file = object::File::parse(data).map_err(|e| {
            crate::log::warn(format_args!("failed to get EHDR from {name}"));
            Error::Libbpf(libbpf_errno::FORMAT, format!("not an ELF file: {e}"))
        })?;
        let sec_data = |sec: &str| -> Result<Option<&[u8]>, Error> {
            match file.section_by_name(sec) {
                None => Ok(None),
                Some(s) => s.data().map(Some).map_err(|e| {
                    Error::Libbpf(libbpf_errno::FORMAT, format!("cannot read {sec}: {e}"))
                }),
            }
        };
        let Some(btf_data) = sec_data(".BTF")? else {
            crate::log::warn(format_args!("failed to find '.BTF' ELF section in {name}"));
            return Err(Error::NoData("ELF file has no .BTF section"));
        };
        let btf = Btf::parse_with(btf_data, base, checks)?;
        btf.set_pointer_size(if file.is_64() { 8 } else { 4 })?;
        let ext = match (want_ext, sec_data(".BTF.ext")?) {
            (true, Some(d)) => Some(BtfExt::parse_standalone(d)?),
            _ => None,
        };
        Ok((btf, ext))
    }

    /// The object loader's read of a BTF file (`btf_custom_path`): raw or ELF,
    /// [`Checks::Strict`].
    pub fn from_file(path: &Path) -> Result<Btf, Error> {
        Btf::from_path(path, FileKind::Any, None, Checks::Strict, false).map(|(b, _)| b)
    }

    /// The `.BTF` section of an ELF image, [`Checks::Strict`] (`ENODATA` if it
    /// has none).
    pub fn from_elf(data: &[u8]) -> Result<Btf, Error> {
        Btf::from_elf_image(data, "ELF image", None, Checks::Strict, false).map(|(b, _)| b)
    }

    /// The running kernel's BTF for the object loader, parsed once per process
    /// ([`Checks::Kernel`] from sysfs, else [`Checks::Strict`]) and shared.
    pub fn vmlinux() -> Result<Arc<Btf>, Error> {
        VMLINUX
            .get_or_try_init(|| Btf::load_vmlinux(Checks::Kernel).map(Arc::new))
            .cloned()
    }

    /// A new copy of the running kernel's BTF (`btf__load_vmlinux_btf`): the
    /// first of [`vmlinux_paths`] that parses with `checks`; none → `ESRCH`.
    pub fn load_vmlinux(checks: Checks) -> Result<Btf, Error> {
        for p in vmlinux_paths() {
            let path = Path::new(&p);
            if !path.exists() {
                continue;
            }
            // Only sysfs holds the kernel's own (checked) BTF.
            let checks = match checks {
                Checks::Kernel if p != SYSFS_VMLINUX => Checks::Strict,
                c => c,
            };
            match Btf::from_path(path, FileKind::Any, None, checks, false) {
                Ok((btf, _)) => return Ok(btf),
                Err(e) => crate::log::debug(format_args!("loading kernel BTF '{p}': {e}")),
            }
        }
        crate::log::warn(format_args!("failed to find valid kernel BTF"));
        Err(Error::NoMatch("no usable kernel BTF found"))
    }
}

/// The running kernel's BTF, as the kernel exposes it.
const SYSFS_VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// Where libbpf looks for the kernel's BTF, in order: sysfs, then vmlinux images
/// of the running release.
pub fn vmlinux_paths() -> Vec<String> {
    let release =
        crate::file::read_text(Path::new("/proc/sys/kernel/osrelease")).unwrap_or_default();
    let r = release.trim();
    let mut paths = vec![SYSFS_VMLINUX.to_string()];
    if !r.is_empty() {
        paths.extend([
            format!("/boot/vmlinux-{r}"),
            format!("/lib/modules/{r}/vmlinux-{r}"),
            format!("/lib/modules/{r}/build/vmlinux"),
            format!("/usr/lib/modules/{r}/kernel/vmlinux"),
            format!("/usr/lib/debug/boot/vmlinux-{r}"),
            format!("/usr/lib/debug/boot/vmlinux-{r}.debug"),
            format!("/usr/lib/debug/lib/modules/{r}/vmlinux"),
        ]);
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::write::BtfBuilder;

    fn errno_of(path: &Path, kind: FileKind) -> i32 {
        Btf::from_path(path, kind, None, Checks::Layout, false)
            .map(drop)
            .expect_err("not BTF")
            .errno()
    }

    /// Special files answer at once, with libbpf 1.1.2's errors for
    /// `btf__parse`, `btf__parse_raw` and `btf__parse_elf` (a FIFO as
    /// `/dev/zero`, where libbpf itself blocks).
    #[test]
    fn special_files_and_directories_fail_as_in_libbpf() {
        use FileKind::*;
        let dir = std::env::temp_dir().join(format!("bpfrs-btf-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()));
        let format = libbpf_errno::FORMAT;
        for special in [Path::new("/dev/zero"), &fifo] {
            assert_eq!(errno_of(special, Any), format, "{}", special.display());
            assert_eq!(errno_of(special, Raw), libc::EPROTO);
            assert_eq!(errno_of(special, Elf), format);
        }
        assert_eq!(errno_of(&dir, Any), libc::EIO);
        assert_eq!(errno_of(&dir, Raw), libc::EIO);
        assert_eq!(errno_of(&dir, Elf), format);
        for kind in [Any, Raw, Elf] {
            assert_eq!(errno_of(&dir.join("none"), kind), libc::ENOENT);
        }
        let mut b = BtfBuilder::new();
        b.int("int", 4, 0, 32);
        let raw = dir.join("raw.btf");
        std::fs::write(&raw, b.to_bytes()).unwrap();
        let (btf, _) = Btf::from_path(&raw, Raw, None, Checks::Layout, false).unwrap();
        assert_eq!(btf.type_cnt(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
