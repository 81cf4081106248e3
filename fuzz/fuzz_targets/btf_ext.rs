//! Fuzzes the `.BTF.ext` parser behind `btf_ext__new`: what it accepts must give
//! its record sizes and raw data (read whole), and the raw data must parse back.
#![no_main]

use bpfrs::capi::btf::ext::{
    btf_ext__free, btf_ext__func_info_rec_size, btf_ext__line_info_rec_size, btf_ext__new,
};
use libbpfrs_fuzz::{ext_raw, quiet};
use libfuzzer_sys::fuzz_target;
use std::hint::black_box;

fuzz_target!(|data: &[u8]| {
    quiet();
    // SAFETY: `data` is `data.len()` readable bytes.
    let e = unsafe { btf_ext__new(data.as_ptr(), data.len() as u32) };
    if e.is_null() {
        return;
    }
    black_box((
        btf_ext__func_info_rec_size(e),
        btf_ext__line_info_rec_size(e),
    ));
    let raw = ext_raw(e);
    // SAFETY: `raw` is `raw.len()` readable bytes.
    let again = unsafe { btf_ext__new(raw.as_ptr(), raw.len() as u32) };
    assert!(!again.is_null(), "btf_ext__raw_data does not parse back");
    btf_ext__free(again);
    btf_ext__free(e);
});
