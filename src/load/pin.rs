//! Pinning an object's maps and programs on bpffs (`bpf_map__pin`,
//! `bpf_object__pin_maps`, `bpf_program__pin`, …), with libbpf 1.1.2's rules:
//! the parent directory is created and must be on bpffs (else EINVAL), a map's
//! own `pin_path` wins over a different explicit path (EINVAL), and a failed
//! object-wide pin undoes what it pinned.

use super::{MapState, ObjState};
use crate::error::Error;
use crate::sys::obj::obj_pin_path;
use std::ffi::CString;
use std::os::fd::AsFd;

use crate::uapi::BPF_FS_MAGIC;
const PATH_MAX: usize = 4096;

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => ".",
    }
}

fn cpath(path: &str) -> Result<CString, Error> {
    CString::new(path).map_err(|_| Error::Inval("path contains NUL"))
}

/// Creates the parent directory (mode 0700) if missing.
fn make_parent_dir(path: &str) -> Result<(), Error> {
    use std::os::unix::fs::DirBuilderExt;
    match std::fs::DirBuilder::new().mode(0o700).create(parent(path)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => {
            // libbpf names the path to pin, not the directory it made.
            let e = Error::io("mkdir", &e);
            crate::log::warn(format_args!(
                "failed to mkdir {path}: {}",
                crate::error::errno_text(e.errno())
            ));
            Err(e)
        }
    }
}

/// The path's directory must be on bpffs.
fn check_path(path: &str) -> Result<(), Error> {
    let ty = crate::sys::obj::fs_type(&cpath(parent(path))?).inspect_err(|e| {
        crate::log::warn(format_args!(
            "failed to statfs {}: {}",
            parent(path),
            crate::error::errno_text(e.errno)
        ))
    })?;
    if ty != BPF_FS_MAGIC {
        crate::log::warn(format_args!("specified path {path} is not on BPF FS"));
        return Err(Error::Inval("path is not on bpffs"));
    }
    Ok(())
}

/// Pins `fd` at `path`. The directory steps print their own messages;
/// `refused` prints the caller's when `BPF_OBJ_PIN` fails (libbpf words it
/// differently for maps and programs).
fn pin_fd(
    fd: std::os::fd::BorrowedFd<'_>,
    path: &str,
    refused: impl FnOnce(&str),
) -> Result<(), Error> {
    make_parent_dir(path)?;
    check_path(path)?;
    obj_pin_path(fd, &cpath(path)?).map_err(|e| {
        refused(&crate::error::errno_text(e.errno));
        Error::from(e)
    })
}

/// Generate mode's auto-pin of a map it recorded (libbpf 1.1.2): the map has
/// no fd, and libbpf pins the placeholder it gave it, fd 0, which the kernel
/// refuses unless fd 0 happens to be a BPF object.
pub(super) fn pin_gen_placeholder(path: &str) -> Result<(), Error> {
    make_parent_dir(path)?;
    check_path(path)?;
    let c = cpath(path)?;
    crate::sys::obj::obj_pin(0, crate::sys::UserPtr::from_ptr(c.as_ptr())).map_err(|e| {
        let why = crate::error::errno_text(e.errno);
        crate::log::warn(format_args!("failed to pin map: {why}"));
        Error::from(e)
    })
}

fn unlink(path: &str) -> Result<(), Error> {
    check_path(path)?;
    std::fs::remove_file(path).map_err(|e| Error::io("unlink", &e))
}

/// `dir/name` for the object-wide calls; ENAMETOOLONG past PATH_MAX. Dots in map
/// names (`obj.rodata`) become underscores, as libbpf does.
fn join(dir: &str, name: &str) -> Result<String, Error> {
    let p = format!("{dir}/{}", name.replace('.', "_"));
    if p.len() >= PATH_MAX {
        return Err(Error::NameTooLong("pin path too long"));
    }
    Ok(p)
}

/// A map's own `pin_path` wins: a different explicit path is EINVAL.
fn check_own_pin_path(m: &MapState, path: Option<&str>) -> Result<(), Error> {
    match (&m.pin_path, path) {
        (Some(own), Some(p)) if own != p => {
            crate::log::warn(format_args!(
                "map '{}' already has pin path '{own}' different from '{p}'",
                m.def.name
            ));
            Err(Error::Inval("map has a different pin path"))
        }
        _ => Ok(()),
    }
}

impl ObjState {
    /// ENOENT (logged) before the object is loaded: the object-wide pins.
    fn check_loaded(&self) -> Result<(), Error> {
        if !self.loaded {
            crate::log::warn(format_args!("object not yet loaded; load it first"));
            return Err(Error::NotFound("object not loaded"));
        }
        Ok(())
    }

    /// Calls `f(self, i, path)` for each map the object-wide pin calls cover, in
    /// order: every created map at `dir/<name>`, or (no `dir`) each map with its
    /// own `pin_path` (`path` None). Stops at the first error.
    fn each_map_pin(
        &mut self,
        dir: Option<&str>,
        mut f: impl FnMut(&mut Self, usize, Option<&str>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        for i in 0..self.maps.len() {
            if !self.maps[i].autocreate {
                continue;
            }
            let path = match dir {
                Some(d) => Some(join(d, &self.maps[i].name)?),
                None if self.maps[i].pin_path.is_none() => continue,
                None => None,
            };
            f(self, i, path.as_deref())?;
        }
        Ok(())
    }

    /// `bpf_map__pin`.
    pub fn pin_map(&mut self, i: usize, path: Option<&str>) -> Result<(), Error> {
        let m = self.maps.get_mut(i).ok_or(Error::Inval("no such map"))?;
        check_own_pin_path(m, path)?;
        match (&m.pin_path, path) {
            (Some(_), _) if m.pinned => return Ok(()),
            (Some(_), _) => {}
            (None, None) => {
                crate::log::warn(format_args!(
                    "missing a path to pin map '{}' at",
                    m.def.name
                ));
                return Err(Error::Inval("no pin path"));
            }
            (None, Some(_)) if m.pinned => {
                crate::log::warn(format_args!("map '{}' already pinned", m.def.name));
                return Err(Error::Exists("map already pinned"));
            }
            (None, Some(p)) => m.pin_path = Some(p.to_string()),
        }
        let path = m.pin_path.clone().unwrap_or_default();
        let Some(fd) = &m.fd else {
            crate::log::warn(format_args!(
                "map '{}': can't pin a map that was not created",
                m.def.name
            ));
            return Err(Error::Inval("map not created"));
        };
        pin_fd(fd.as_fd(), &path, |why| {
            crate::log::warn(format_args!("failed to pin map: {why}"))
        })?;
        m.pinned = true;
        Ok(())
    }

    /// `bpf_map__unpin`.
    pub fn unpin_map(&mut self, i: usize, path: Option<&str>) -> Result<(), Error> {
        let m = self.maps.get_mut(i).ok_or(Error::Inval("no such map"))?;
        check_own_pin_path(m, path)?;
        let path = match (&m.pin_path, path) {
            (Some(own), _) => own.clone(),
            (None, Some(p)) => p.to_string(),
            (None, None) => return Err(Error::Inval("no pin path")),
        };
        unlink(&path)?;
        m.pinned = false;
        Ok(())
    }

    /// `bpf_map__set_pin_path` (NULL clears it).
    pub fn set_pin_path(&mut self, i: usize, path: Option<&str>) -> Result<(), Error> {
        let m = self.maps.get_mut(i).ok_or(Error::Inval("no such map"))?;
        m.pin_path = path.map(str::to_string);
        Ok(())
    }

    /// `bpf_object__pin_maps`: every created map at `dir/<name>`, or at its own
    /// `pin_path` when `dir` is None. ENOENT before load; undone on failure.
    pub fn pin_maps(&mut self, dir: Option<&str>) -> Result<(), Error> {
        self.check_loaded()?;
        self.each_map_pin(dir, |obj, i, path| {
            obj.pin_map(i, path).inspect_err(|_| {
                for j in (0..i).rev() {
                    if obj.maps[j].pinned {
                        let _ = obj.unpin_map(j, None);
                    }
                }
            })
        })
    }

    /// `bpf_object__unpin_maps`.
    pub fn unpin_maps(&mut self, dir: Option<&str>) -> Result<(), Error> {
        self.each_map_pin(dir, |obj, i, path| obj.unpin_map(i, path))
    }

    /// `bpf_program__pin`: EINVAL for a program that is not loaded.
    pub fn pin_prog(&self, i: usize, path: &str) -> Result<(), Error> {
        let p = self.progs.get(i).ok_or(Error::Inval("no such program"))?;
        let Some(fd) = &p.fd else {
            crate::log::warn(format_args!(
                "prog '{}': can't pin program that wasn't loaded",
                p.def.name
            ));
            return Err(Error::Inval("program not loaded"));
        };
        pin_fd(fd.as_fd(), path, |why| {
            crate::log::warn(format_args!(
                "prog '{}': failed to pin at '{path}': {why}",
                p.def.name
            ))
        })
    }

    /// `bpf_program__unpin`.
    pub fn unpin_prog(&self, i: usize, path: &str) -> Result<(), Error> {
        let p = self.progs.get(i).ok_or(Error::Inval("no such program"))?;
        if p.fd.is_none() {
            crate::log::warn(format_args!(
                "prog '{}': can't unpin program that wasn't loaded",
                p.def.name
            ));
            return Err(Error::Inval("program not loaded"));
        }
        unlink(path)
    }

    /// `bpf_object__pin_programs`: `dir/<name>` for each loaded program.
    pub fn pin_programs(&self, dir: &str) -> Result<(), Error> {
        self.check_loaded()?;
        for i in 0..self.progs.len() {
            if self.progs[i].fd.is_none() {
                continue;
            }
            let path = join(dir, &self.progs[i].def.name)?;
            if let Err(e) = self.pin_prog(i, &path) {
                for j in (0..i).rev() {
                    if self.progs[j].fd.is_some() {
                        if let Ok(p) = join(dir, &self.progs[j].def.name) {
                            let _ = self.unpin_prog(j, &p);
                        }
                    }
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// `bpf_object__unpin_programs`.
    pub fn unpin_programs(&self, dir: &str) -> Result<(), Error> {
        if !self.loaded {
            return Err(Error::NotFound("object not loaded"));
        }
        for i in 0..self.progs.len() {
            if self.progs[i].fd.is_none() {
                continue;
            }
            self.unpin_prog(i, &join(dir, &self.progs[i].def.name)?)?;
        }
        Ok(())
    }

    /// `bpf_object__pin`: maps, then programs (maps unpinned again if that fails).
    pub fn pin_all(&mut self, dir: &str) -> Result<(), Error> {
        self.pin_maps(Some(dir))?;
        if let Err(e) = self.pin_programs(dir) {
            let _ = self.unpin_maps(Some(dir));
            return Err(e);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_and_joins() {
        assert_eq!(parent("/sys/fs/bpf/x"), "/sys/fs/bpf");
        assert_eq!(parent("/x"), "/");
        assert_eq!(parent("x"), ".");
        assert_eq!(join("/d", "o.rodata").unwrap(), "/d/o_rodata");
        assert_eq!(
            join("/d", &"a".repeat(5000)).unwrap_err().errno(),
            libc::ENAMETOOLONG
        );
    }

    #[test]
    fn non_bpffs_path_is_einval() {
        assert_eq!(check_path("/tmp/x").unwrap_err().errno(), libc::EINVAL);
    }
}
