//! A file read in part: the bytes of a large object file where only the
//! ranges its reader needs have been read. They live in a private anonymous
//! mapping of the file's size, so the ranges never read (an object's DWARF,
//! say) stay pages that were never touched: they cost no memory.

use crate::file::{os, read_bounded, ReadError};
use std::fs::File;
use std::ops::{Deref, Range};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::ptr::NonNull;

/// Files smaller than this are read whole: a few pages saved would not pay
/// for the extra calls.
pub const PARTS_MIN: u64 = 64 << 10;

/// A private, anonymous, zero-filled mapping owned by one `Image`: its bytes
/// are reached only through `&self`/`&mut self`, like a `Vec`'s.
struct Image {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is private memory owned by this value alone (no other
// pointer to it exists), so moving it across threads is as a Vec's buffer.
unsafe impl Send for Image {}
// SAFETY: shared access is read-only through `&self`, as for a `&[u8]`.
unsafe impl Sync for Image {}

impl Image {
    /// `len` (> 0) zero bytes, none of them touched yet.
    fn zeroed(len: usize) -> Result<Image, ReadError> {
        let p = crate::sys::mmap::anon_pages(len).map_err(|e| ReadError::Os(e.errno))?;
        let ptr = NonNull::new(p).ok_or(ReadError::Os(libc::ENOMEM))?;
        Ok(Image { ptr, len })
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: `ptr..ptr+len` is a live read-write mapping owned by `self`, borrowed mutably here, so no other reference to it exists.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Deref for Image {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `ptr..ptr+len` is a live readable mapping owned by `self`; shared borrows of `self` only read it.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Image {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` describe the mapping this value created and still owns; no borrow of it outlives `self`.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

/// A file's bytes as [`read_parts`] gives them: whole, or in part (the bytes
/// not read are zero). Either way as long as the file.
pub struct FileBytes(Repr);

enum Repr {
    Whole(Vec<u8>),
    Parts(Image),
}

impl Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.0 {
            Repr::Whole(v) => v,
            Repr::Parts(i) => i,
        }
    }
}

impl Default for FileBytes {
    /// No bytes.
    fn default() -> FileBytes {
        FileBytes(Repr::Whole(Vec::new()))
    }
}

impl FileBytes {
    /// True when some bytes were left unread.
    pub fn is_partial(&self) -> bool {
        matches!(self.0, Repr::Parts(_))
    }
}

/// The regular file at `path`, opened and bounded as [`crate::file::read`]
/// does, read whole when smaller than [`PARTS_MIN`] (or of unknown size), else
/// in parts: `plan` gets the bytes read so far (the rest zero) and names the
/// ranges it needs next; what it names is read (in whole pages), and it is
/// asked again, until it names nothing (an empty list). `None` from `plan`
/// means everything. Ranges past the end
/// are cut at the end. A file that shrinks meanwhile is read whole.
pub fn read_parts(
    path: &Path,
    mut plan: impl FnMut(&[u8]) -> Option<Vec<Range<usize>>>,
) -> Result<FileBytes, ReadError> {
    let (file, size) = crate::file::open_regular(path)?;
    if size < PARTS_MIN {
        return read_bounded(file, size).map(|v| FileBytes(Repr::Whole(v)));
    }
    let len = usize::try_from(size).map_err(|_| ReadError::Os(libc::EFBIG))?;
    let mut image = Image::zeroed(len)?;
    // Pages read so far, one flag each: a range is read in whole pages.
    let page = crate::sys::mmap::page_size();
    let mut done = vec![false; len.div_ceil(page)];
    loop {
        let want = match plan(&image) {
            None => return read_whole(file, size),
            Some(want) if want.is_empty() => return Ok(FileBytes(Repr::Parts(image))),
            Some(want) => want,
        };
        for r in want {
            let (start, end) = (r.start.min(len) / page, r.end.min(len).div_ceil(page));
            let mut p = start;
            while p < end {
                if done[p] {
                    p += 1;
                    continue;
                }
                let q = (p..end).find(|&q| done[q]).unwrap_or(end);
                let (a, b) = (p * page, (q * page).min(len));
                match file.read_exact_at(&mut image.bytes_mut()[a..b], a as u64) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                        return read_whole(file, size)
                    }
                    Err(e) => return Err(os(e)),
                }
                done[p..q].iter_mut().for_each(|d| *d = true);
                p = q;
            }
        }
    }
}

fn read_whole(mut file: File, size: u64) -> Result<FileBytes, ReadError> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0)).map_err(os)?;
    read_bounded(file, size).map(|v| FileBytes(Repr::Whole(v)))
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn scratch(tag: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = std::env::temp_dir().join(format!("bpfrs-image-{tag}-{}", std::process::id()));
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn pattern(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i % 251) as u8 + 1).collect()
    }

    #[test]
    fn only_the_ranges_asked_for_are_read() {
        let data = pattern(PARTS_MIN as usize * 2);
        let p = scratch("parts", &data);
        let page = crate::sys::mmap::page_size();
        let mut calls = 0;
        // First the first page; then, seeing it, a range in the middle.
        let got = read_parts(&p, |b| {
            calls += 1;
            Some(match calls {
                1 => Vec::from([0..16]),
                2 if b[0] != 0 => Vec::from([5 * page + 3..7 * page - 1]),
                _ => vec![],
            })
        })
        .unwrap();
        assert!(got.is_partial());
        assert_eq!(calls, 3);
        assert_eq!(got.len(), data.len());
        assert_eq!(got[..page], data[..page]);
        assert!(got[page..5 * page].iter().all(|&b| b == 0));
        assert_eq!(got[5 * page..7 * page], data[5 * page..7 * page]);
        assert!(got[7 * page..].iter().all(|&b| b == 0));
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn small_files_and_no_plan_read_whole() {
        let small = pattern(100);
        let p = scratch("small", &small);
        let got = read_parts(&p, |_| Some(Vec::from([0..10]))).unwrap();
        assert!(!got.is_partial());
        assert_eq!(&*got, &small[..]);
        let big = pattern(PARTS_MIN as usize + 5);
        std::fs::write(&p, &big).unwrap();
        let got = read_parts(&p, |_| None).unwrap();
        assert!(!got.is_partial());
        assert_eq!(&*got, &big[..]);
        // Ranges past the end are cut.
        let mut once = Some(Vec::from([big.len() - 3..big.len() + 100]));
        let got = read_parts(&p, |_| Some(once.take().unwrap_or_default())).unwrap();
        assert_eq!(got[big.len() - 3..], big[big.len() - 3..]);
        std::fs::remove_file(&p).unwrap();
        assert!(matches!(
            read_parts(&p, |_| None),
            Err(ReadError::Os(libc::ENOENT))
        ));
    }
}
