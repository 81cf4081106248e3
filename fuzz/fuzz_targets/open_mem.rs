//! Fuzzes the ELF parser behind `bpf_object__open_mem` (open and close only, no
//! load: nothing reaches the kernel). A panic counts as a crash even though the C
//! boundary would catch it, because libfuzzer-sys aborts from its panic hook.
#![no_main]

use bpfrs::capi::libbpf::object::{bpf_object__close, bpf_object__open_mem};
use libbpfrs_fuzz::quiet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    quiet();
    // SAFETY: `data` is `data.len()` readable bytes for the whole call, and NULL
    // opts mean defaults.
    let obj = unsafe { bpf_object__open_mem(data.as_ptr().cast(), data.len(), std::ptr::null()) };
    if !obj.is_null() {
        bpf_object__close(obj);
    }
});
