//! Fuzzes the ELF parser behind `bpf_object__open_mem` (open and close only, no
//! load: nothing reaches the kernel). A panic counts as a crash even though the C
//! boundary would catch it, because libfuzzer-sys aborts from its panic hook.
#![no_main]

use bpfrs::capi::object_api::{bpf_object__close, bpf_object__open_mem};
use bpfrs::capi::print::libbpf_set_print;
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static QUIET: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET.call_once(|| {
        // SAFETY: a NULL callback silences libbpfrs' messages; no pointer is passed.
        unsafe { libbpf_set_print(None) };
    });
    // SAFETY: `data` is `data.len()` readable bytes for the whole call, and NULL
    // opts mean defaults.
    let obj = unsafe { bpf_object__open_mem(data.as_ptr().cast(), data.len(), std::ptr::null()) };
    if !obj.is_null() {
        bpf_object__close(obj);
    }
});
