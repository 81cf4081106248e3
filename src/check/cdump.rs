//! BTF as a C header, as `bpftool btf dump file FILE format c` prints it:
//! every own type through the dumper (`btf_dump__dump_type`, byte-identical to
//! libbpf 1.1.2), inside bpftool's `vmlinux.h` frame.
//!
//! bpftool 7.1 is built with the libbpf of its kernel tree, whose dumper
//! differs from libbpf 1.1.2's in two places, followed here: a prototype
//! without parameters is `(void)`, not `()`, and a 1-byte enum has no
//! `__attribute__((mode(byte)))`.

use crate::btf::dump::BtfDump;
use crate::btf::Btf;
use crate::error::Error;

const HEAD: &str = "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n\
    #ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n\
    #pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n\
    #endif\n\n";

const TAIL: &str = "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n\
    #endif /* __VMLINUX_H__ */\n";

/// libbpf 1.1.2's text of one type as bpftool 7.1's libbpf prints it. `()`
/// occurs in the dumper's output only as an empty parameter list.
fn as_bpftool(text: &str) -> String {
    text.replace("()", "(void)")
        .replace("} __attribute__((mode(byte)));", "};")
}

/// The C header of `btf`'s own types (a split BTF's base is left out).
pub fn header(btf: &Btf) -> Result<String, Error> {
    let mut out = String::from(HEAD);
    let mut d = BtfDump::new(btf);
    for id in btf.start_id()..btf.type_cnt() {
        out.push_str(&as_bpftool(&d.dump_type(btf, id)?));
    }
    out.push_str(TAIL);
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn empty_parameter_lists_and_byte_enums_as_bpftool_prints_them() {
        assert_eq!(
            super::as_bpftool(
                "typedef int (*f)();\nenum e {\n\tA = 0,\n} __attribute__((mode(byte)));\n"
            ),
            "typedef int (*f)(void);\nenum e {\n\tA = 0,\n};\n"
        );
    }
}
