//! Large object files read in part (`sys::image::read_parts` with
//! `object::elf::parts::plan`, as `bpf_object__open_file` reads them) parse as
//! the whole file does.

use crate::object::elf::testelf::*;
use crate::object::{Object, OpenOpts};

/// The DWARF of a large object (and its relocations) is not read, and the
/// object parses the same.
#[test]
fn large_objects_parse_the_same_read_in_part() {
    let mut b = ElfBuilder::new();
    b.data("license", b"GPL\0");
    let sock = b.code("socket", &[mov_r0(0), exit()]);
    b.func("filter", sock, 0, 2, true);
    let dwarf = b.section(
        ".debug_info",
        object::elf::SHT_PROGBITS,
        0,
        &vec![0xab; 100 << 10],
    );
    b.rel(dwarf, &[(0, 1)]);
    let file = b.build();
    let path = std::env::temp_dir().join(format!("bpfrs-parts-{}.o", std::process::id()));
    std::fs::write(&path, &file).unwrap();
    let parts = crate::sys::image::read_parts(&path, crate::object::elf::parts::plan()).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(parts.is_partial());
    assert_eq!(parts.len(), file.len());
    assert!(!parts.windows(4096).any(|w| w.iter().all(|&b| b == 0xab)));
    let opts = OpenOpts::default();
    let (a, b) = (
        Object::parse(&file, "x.o", &opts).unwrap(),
        Object::parse(&parts, "x.o", &opts).unwrap(),
    );
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(b.progs[0].name.as_str(), "filter");
}
