//! Whole-file reads: the one way the library reads a file it is given a path
//! to (objects, BTF files, uprobe binaries, the legacy loader's objects) or
//! looks up itself (procfs, sysfs, tracefs).
//!
//! A path-taking libbpf call must answer at once whatever the path names:
//! `/dev/zero` never ends, a FIFO without a writer blocks `open` and `read`, a
//! directory has no bytes. So the open is non-blocking (a FIFO's would wait for
//! a writer), and only what `fstat` then calls a regular file is read, never
//! more than the size it reports.
//! Pseudo-files of procfs and sysfs report size 0 (or a page) whatever they
//! hold: a regular file of size 0 is read to its end, up to [`UNSIZED_MAX`].
//!
//! Must not call: anything but `error`.

use crate::error::Error;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The most read from a regular file that reports size 0 (`/proc/kallsyms` of
/// a kernel with many modules is tens of MiB).
pub const UNSIZED_MAX: u64 = 256 << 20;

/// Why [`read`] gave no bytes: the callers answer each case as libbpf does for
/// the same file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// `stat`, `open` or `read` failed with this errno (ENOENT, EACCES, ...),
    /// or the file does not fit in memory (ENOMEM) or exceeds [`UNSIZED_MAX`]
    /// (EFBIG).
    Os(i32),
    /// The path names a directory.
    Directory,
    /// The path names a FIFO, socket or device: a stream without a size to
    /// bound the read by (libelf sees its `st_size` of 0).
    NotRegular,
}

impl ReadError {
    /// The positive errno: the OS's, `EISDIR` for a directory, `EINVAL` for
    /// a special file.
    pub fn errno(self) -> i32 {
        match self {
            ReadError::Os(e) => e,
            ReadError::Directory => libc::EISDIR,
            ReadError::NotRegular => libc::EINVAL,
        }
    }

    /// As a crate [`Error`]: a failed file operation `what`, with [`Self::errno`].
    pub fn into_error(self, what: &'static str) -> Error {
        Error::Io {
            what,
            errno: self.errno(),
        }
    }
}

/// A failed I/O call as a [`ReadError`].
pub fn os(e: std::io::Error) -> ReadError {
    ReadError::Os(e.raw_os_error().unwrap_or(libc::EIO))
}

fn check_kind(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    let t = meta.file_type();
    if t.is_dir() {
        Err(ReadError::Directory)
    } else if !t.is_file() {
        Err(ReadError::NotRegular)
    } else {
        Ok(())
    }
}

/// The bytes of the regular file at `path` (symbolic links followed): at most
/// its size, or up to [`UNSIZED_MAX`] when it reports size 0. Never blocks on
/// a FIFO or device, and never reads one.
///
/// The path is not `stat`ed before the open: besides the race, a failed first
/// `statx` makes Rust's std probe the call with a null buffer, which leaves
/// errno at EFAULT where libbpf leaves the open's (ENOENT).
pub fn read(path: &Path) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_regular(path)?;
    read_bounded(file, size)
}

/// The regular file at `path`, opened as [`read`] opens it, and the size it
/// reports: for readers that take the bytes in parts.
pub fn open_regular(path: &Path) -> Result<(File, u64), ReadError> {
    let file = File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(os)?;
    let meta = file.metadata().map_err(os)?;
    check_kind(&meta)?;
    Ok((file, meta.len()))
}

/// [`read`] as text (invalid UTF-8 replaced), for procfs and sysfs files.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    read(path).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Up to `size` bytes of `file` (read from its current offset), or (size 0)
/// all of it up to [`UNSIZED_MAX`]. The buffer is reserved fallibly: a file
/// larger than memory is ENOMEM, not an abort.
pub fn read_bounded(file: File, size: u64) -> Result<Vec<u8>, ReadError> {
    let (limit, no_size) = match size {
        0 => (UNSIZED_MAX + 1, true),
        n => (n, false),
    };
    let mut buf = Vec::new();
    if !no_size {
        let n = usize::try_from(size).map_err(|_| ReadError::Os(libc::EFBIG))?;
        buf.try_reserve_exact(n)
            .map_err(|_| ReadError::Os(libc::ENOMEM))?;
    }
    file.take(limit).read_to_end(&mut buf).map_err(os)?;
    if no_size && buf.len() as u64 > UNSIZED_MAX {
        return Err(ReadError::Os(libc::EFBIG));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn scratch(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("bpfrs-file-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir(&d).unwrap();
        d
    }

    #[test]
    fn regular_files_read_whole() {
        let d = scratch("regular");
        let p = d.join("f");
        std::fs::write(&p, b"\x7fELF and more").unwrap();
        assert_eq!(read(&p).unwrap(), b"\x7fELF and more");
        std::fs::write(&p, b"").unwrap();
        assert_eq!(read(&p).unwrap(), b"");
        assert_eq!(read_text(&p).unwrap(), "");
        std::os::unix::fs::symlink(&p, d.join("link")).unwrap();
        std::fs::write(&p, b"via link").unwrap();
        assert_eq!(read(&d.join("link")).unwrap(), b"via link");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn missing_and_unreadable_give_the_os_errno() {
        let d = scratch("missing");
        assert_eq!(read(&d.join("none")), Err(ReadError::Os(libc::ENOENT)));
        assert_eq!(
            read(&d.join("none/below")),
            Err(ReadError::Os(libc::ENOENT))
        );
        std::fs::write(d.join("f"), b"x").unwrap();
        assert_eq!(read(&d.join("f/below")), Err(ReadError::Os(libc::ENOTDIR)));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn directories_and_special_files_are_refused_at_once() {
        let d = scratch("special");
        assert_eq!(read(&d), Err(ReadError::Directory));
        assert_eq!(ReadError::Directory.errno(), libc::EISDIR);
        // Unbounded and blocking streams: refused without being read.
        assert_eq!(read(Path::new("/dev/zero")), Err(ReadError::NotRegular));
        assert_eq!(read(Path::new("/dev/null")), Err(ReadError::NotRegular));
        let fifo = d.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", fifo.display());
        assert_eq!(read(&fifo), Err(ReadError::NotRegular));
        let e = ReadError::NotRegular.into_error("read");
        assert_eq!(e.errno(), libc::EINVAL);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn procfs_files_of_size_zero_are_read_to_their_end() {
        let meta = std::fs::metadata("/proc/self/status").unwrap();
        assert_eq!(meta.len(), 0, "procfs reports size 0");
        let s = read_text(Path::new("/proc/self/status")).unwrap();
        assert!(s.contains("\nPid:"), "{s}");
        let m = read_text(Path::new("/proc/self/maps")).unwrap();
        assert!(m.lines().count() > 3);
    }

    #[test]
    fn reads_stop_at_the_reported_size() {
        let d = scratch("bounded");
        let p = d.join("f");
        let mut f = File::create(&p).unwrap();
        f.write_all(b"0123456789").unwrap();
        let r = File::open(&p).unwrap();
        // The file grew after its size was taken: only that many bytes come.
        assert_eq!(read_bounded(r, 4).unwrap(), b"0123");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_file_larger_than_memory_is_enomem_not_an_abort() {
        let d = scratch("huge");
        let p = d.join("sparse");
        let f = File::create(&p).unwrap();
        // 64 TiB of holes: no filesystem space used, far more than any memory.
        if f.set_len(1 << 46).is_err() {
            std::fs::remove_dir_all(&d).unwrap();
            return;
        }
        assert_eq!(read(&p), Err(ReadError::Os(libc::ENOMEM)));
        std::fs::remove_dir_all(&d).unwrap();
    }
}
