//! Fuzzes `btf__parse_elf` (the ELF reader and the `.BTF`/`.BTF.ext` parsers
//! behind it): the input is written to a memfd and parsed through its
//! `/proc/self/fd` path, with `.BTF.ext` asked for; what it gives is queried
//! (`libbpfrs_fuzz::query_all`) and the `.BTF.ext` read whole.
#![no_main]

use bpfrs::capi::btf::ext::btf_ext__free;
use bpfrs::capi::btf::handle::{btf__free, btf__parse_elf};
use libbpfrs_fuzz::{ext_raw, query_all, quiet};
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::FileExt;
use std::sync::OnceLock;

/// The memfd every input is written to, and its path.
fn memfd() -> &'static (File, CString) {
    static FILE: OnceLock<(File, CString)> = OnceLock::new();
    FILE.get_or_init(|| {
        // SAFETY: the name is a C string; the flags are valid.
        let fd = unsafe { libc::memfd_create(c"btf-parse-elf".as_ptr(), libc::MFD_CLOEXEC) };
        assert!(fd >= 0, "memfd_create: {}", std::io::Error::last_os_error());
        // SAFETY: `fd` is a new descriptor owned by nothing else.
        let f = unsafe { File::from_raw_fd(fd) };
        let path = CString::new(format!("/proc/self/fd/{}", f.as_raw_fd())).unwrap();
        (f, path)
    })
}

fuzz_target!(|data: &[u8]| {
    quiet();
    let (file, path) = memfd();
    file.set_len(0).unwrap();
    file.write_all_at(data, 0).unwrap();
    let mut ext = std::ptr::null_mut();
    // SAFETY: `path` is a C string; `ext` is writable.
    let b = unsafe { btf__parse_elf(path.as_ptr(), &mut ext) };
    if b.is_null() {
        assert!(ext.is_null(), "a .BTF.ext handed out without its BTF");
        return;
    }
    if !ext.is_null() {
        std::hint::black_box(ext_raw(ext));
        btf_ext__free(ext);
    }
    query_all(b);
    btf__free(b);
});
