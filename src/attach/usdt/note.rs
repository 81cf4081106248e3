//! USDT probe sites of an ELF binary: its `.note.stapsdt` notes, the
//! `.stapsdt.base` section (prelink adjustment) and its loadable segments, and
//! each matching note's probe address turned into the file offset a uprobe
//! takes, with the file offset of its semaphore.
//!
//! Owns: the `NT_STAPSDT` note layout (three addresses, then provider, name and
//! argument strings) and libbpf 1.1.2's address rules and messages.
//! Must not call: the kernel (pure, on bytes the caller read).
//! Spec: `libbpf-api.md` §1.2 (`bpf_program__attach_usdt`).

use crate::error::{libbpf_errno, Error};
use object::elf;
use object::read::elf::{FileHeader, ProgramHeader, SectionHeader};
use object::Endianness;

/// `NT_STAPSDT`, the note type of a probe site.
const NT_STAPSDT: u32 = 3;

/// One `.note.stapsdt` note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub provider: String,
    pub name: String,
    /// The probe's address, its link-time `.stapsdt.base` and its semaphore
    /// (0: none).
    pub loc: u64,
    pub base: u64,
    pub sema: u64,
    pub args: String,
}

/// A `PT_LOAD` segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seg {
    pub start: u64,
    pub end: u64,
    pub offset: u64,
    pub exec: bool,
}

/// What USDT attach needs of a binary.
#[derive(Debug, Default)]
pub struct UsdtElf {
    pub notes: Vec<Note>,
    /// The address of `.stapsdt.base`, when there is one.
    pub base_addr: Option<u64>,
    pub segs: Vec<Seg>,
    /// `ET_DYN` (a shared library or PIE), else `ET_EXEC`.
    pub is_dyn: bool,
    /// Whether it has a `.note.stapsdt` section.
    pub has_notes: bool,
}

/// One probe site to attach to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The probe's virtual address (after prelink adjustment).
    pub abs_ip: u64,
    /// Its file offset: what the uprobe takes.
    pub rel_ip: u64,
    /// The semaphore's file offset (the uprobe's `ref_ctr_offset`), or 0.
    pub sema_off: u64,
    pub args: String,
}

/// A note's descriptor: three `addr_size` addresses, then three C strings.
pub fn parse_desc(desc: &[u8], addr_size: usize, big_endian: bool) -> Option<Note> {
    let addr = |i: usize| -> Option<u64> {
        let b = desc.get(i * addr_size..(i + 1) * addr_size)?;
        let mut v = [0u8; 8];
        if big_endian {
            v[8 - addr_size..].copy_from_slice(b);
            Some(u64::from_be_bytes(v))
        } else {
            v[..addr_size].copy_from_slice(b);
            Some(u64::from_le_bytes(v))
        }
    };
    let (loc, base, sema) = (addr(0)?, addr(1)?, addr(2)?);
    let mut strs = desc.get(3 * addr_size..)?.split(|&b| b == 0);
    let mut next = || strs.next().map(|s| String::from_utf8_lossy(s).into_owned());
    let (provider, name, args) = (next()?, next()?, next()?);
    // The third string must be NUL-terminated too: something must follow it.
    next()?;
    Some(Note {
        provider,
        name,
        loc,
        base,
        sema,
        args,
    })
}

fn bad_elf(path: &str, what: &str) -> Error {
    crate::log::warn(format_args!("usdt: {what} in ELF binary '{path}'"));
    Error::Libbpf(libbpf_errno::FORMAT, format!("{path}: {what}"))
}

fn parse_class<H: FileHeader<Endian = Endianness>>(
    data: &[u8],
    path: &str,
) -> Result<UsdtElf, Error> {
    let bad = |what: &str| bad_elf(path, what);
    let hdr = H::parse(data).map_err(|_| bad("bad ELF header"))?;
    let endian = hdr.endian().map_err(|_| bad("bad ELF header"))?;
    let ty = hdr.e_type(endian);
    if ty != elf::ET_EXEC && ty != elf::ET_DYN {
        crate::log::warn(format_args!(
            "usdt: unsupported type of ELF binary '{path}' ({ty}), only ET_EXEC and ET_DYN are supported"
        ));
        return Err(Error::Inval("unsupported ELF type for USDT"));
    }
    let mut out = UsdtElf {
        is_dyn: ty == elf::ET_DYN,
        ..Default::default()
    };
    let phdrs = hdr
        .program_headers(endian, data)
        .map_err(|_| bad("bad program headers"))?;
    for ph in phdrs.iter().filter(|p| p.p_type(endian) == elf::PT_LOAD) {
        let start: u64 = ph.p_vaddr(endian).into();
        out.segs.push(Seg {
            start,
            end: start.saturating_add(ph.p_memsz(endian).into()),
            offset: ph.p_offset(endian).into(),
            exec: ph.p_flags(endian) & elf::PF_X != 0,
        });
    }
    let secs = hdr
        .sections(endian, data)
        .map_err(|_| bad("bad section headers"))?;
    out.base_addr = secs
        .section_by_name(endian, b".stapsdt.base")
        .map(|(_, s)| s.sh_addr(endian).into());
    let Some((_, notes)) = secs.section_by_name(endian, b".note.stapsdt") else {
        return Ok(out);
    };
    out.has_notes = true;
    let addr_size = if hdr.is_type_64() { 8 } else { 4 };
    let mut it = match notes.notes(endian, data) {
        Ok(Some(it)) => it,
        Ok(None) => {
            crate::log::warn(format_args!(
                "usdt: invalid USDT notes section (.note.stapsdt) in '{path}'"
            ));
            return Err(Error::Inval("USDT notes section is not SHT_NOTE"));
        }
        Err(_) => return Err(bad("bad .note.stapsdt section")),
    };
    while let Some(n) = it.next().map_err(|_| bad("bad .note.stapsdt note"))? {
        if n.name() != b"stapsdt" || n.n_type(endian) != NT_STAPSDT {
            continue;
        }
        let note = parse_desc(n.desc(), addr_size, endian == Endianness::Big)
            .ok_or_else(|| bad("malformed USDT note"))?;
        out.notes.push(note);
    }
    Ok(out)
}

/// The notes, `.stapsdt.base` and segments of the ELF image `data` (read from
/// `path`, named in messages).
pub fn parse_elf(data: &[u8], path: &str) -> Result<UsdtElf, Error> {
    match object::FileKind::parse(data) {
        Ok(object::FileKind::Elf64) => parse_class::<elf::FileHeader64<Endianness>>(data, path),
        Ok(object::FileKind::Elf32) => parse_class::<elf::FileHeader32<Endianness>>(data, path),
        _ => {
            crate::log::warn(format_args!(
                "usdt: failed to open ELF binary '{path}': not an ELF file"
            ));
            Err(Error::Libbpf(
                libbpf_errno::FORMAT,
                format!("{path}: not an ELF file"),
            ))
        }
    }
}

fn find_seg(segs: &[Seg], addr: u64) -> Option<&Seg> {
    segs.iter().find(|s| s.start <= addr && addr < s.end)
}

/// The sites of probe `provider:name` in `elf`, as libbpf 1.1.2 resolves them:
/// each note's address moved by `.stapsdt.base` minus the note's base (when
/// both are known: a note without a base is taken as it is), made a
/// file offset through its executable segment; the semaphore through a
/// non-executable one. No matching note: ENOENT.
pub fn targets(
    elf: &UsdtElf,
    path: &str,
    provider: &str,
    name: &str,
) -> Result<Vec<Target>, Error> {
    if !elf.has_notes {
        crate::log::warn(format_args!(
            "usdt: no USDT notes section (.note.stapsdt) found in '{path}'"
        ));
        return Err(Error::NotFound("no USDT notes section"));
    }
    let mut out = Vec::new();
    for n in elf
        .notes
        .iter()
        .filter(|n| n.provider == provider && n.name == name)
    {
        let mut abs_ip = n.loc;
        if let Some(base) = elf.base_addr.filter(|&b| b != 0 && n.base != 0) {
            abs_ip = abs_ip.wrapping_add(base).wrapping_sub(n.base);
        }
        let seg = find_seg(&elf.segs, abs_ip).ok_or_else(|| {
            crate::log::warn(format_args!(
                "usdt: failed to find ELF program segment for '{provider}:{name}' in '{path}' at IP {abs_ip:#x}"
            ));
            Error::NoMatch("no segment for the USDT probe")
        })?;
        if !seg.exec {
            crate::log::warn(format_args!(
                "usdt: matched ELF binary '{path}' segment [{:#x}, {:#x}) for '{provider}:{name}' at IP {abs_ip:#x} is not executable",
                seg.start, seg.end
            ));
            return Err(Error::NoMatch("USDT probe outside executable code"));
        }
        let rel_ip = abs_ip - seg.start + seg.offset;
        let mut sema_off = 0;
        if n.sema != 0 {
            let seg = find_seg(&elf.segs, n.sema).ok_or_else(|| {
                crate::log::warn(format_args!(
                    "usdt: failed to find ELF loadable segment with semaphore of '{provider}:{name}' in '{path}' at {:#x}",
                    n.sema
                ));
                Error::NoMatch("no segment for the USDT semaphore")
            })?;
            if seg.exec {
                crate::log::warn(format_args!(
                    "usdt: matched ELF binary '{path}' segment [{:#x}, {:#x}) for semaphore of '{provider}:{name}' at {:#x} is executable",
                    seg.start, seg.end, n.sema
                ));
                return Err(Error::NoMatch("USDT semaphore in executable code"));
            }
            sema_off = n.sema - seg.start + seg.offset;
        }
        out.push(Target {
            abs_ip,
            rel_ip,
            sema_off,
            args: n.args.clone(),
        });
    }
    if out.is_empty() {
        crate::log::warn(format_args!(
            "usdt: failed to find USDT notes for '{provider}:{name}' in '{path}'"
        ));
        return Err(Error::NotFound("no such USDT probe"));
    }
    Ok(out)
}

/// The executable mappings of the file `path` in a process, from the text of
/// its `/proc/PID/maps` (`start-end perms offset dev inode path` per line; the
/// path, when there is one, is the rest of the line), sorted by address. Each
/// becomes a [`Seg`] whose `offset` is the file offset mapped at `start`.
pub fn vma_segs(maps: &str, path: &str) -> Vec<Seg> {
    let mut out: Vec<Seg> = maps
        .lines()
        .filter_map(|line| {
            let mut rest = line;
            let mut field = || {
                let t = rest.trim_start_matches([' ', '\t']);
                let end = t.find([' ', '\t']).unwrap_or(t.len());
                rest = &t[end..];
                &t[..end]
            };
            let (range, mode, off) = (field(), field(), field());
            let (_dev, _inode) = (field(), field());
            let (start, end) = range.split_once('-')?;
            if rest.trim_start_matches([' ', '\t']) != path || mode.as_bytes().get(2) != Some(&b'x')
            {
                return None;
            }
            Some(Seg {
                start: u64::from_str_radix(start, 16).ok()?,
                end: u64::from_str_radix(end, 16).ok()?,
                offset: u64::from_str_radix(off, 16).ok()?,
                exec: true,
            })
        })
        .collect();
    out.sort_by_key(|s| s.start);
    out
}

/// The mapping holding file offset `off`.
pub fn find_vma_seg(segs: &[Seg], off: u64) -> Option<&Seg> {
    segs.iter()
        .find(|s| s.offset <= off && off - s.offset < s.end - s.start)
}

/// For kernels without BPF cookies, where the BPF side finds a site's spec by
/// the address the uprobe fires at: each target's `abs_ip` becomes the address
/// of its file offset in the process whose mappings of the library are `vma`
/// (from [`vma_segs`]). A site outside them: ESRCH, as libbpf 1.1.2.
pub fn lib_abs_ips(
    targets: &mut [Target],
    vma: &[Seg],
    path: &str,
    provider: &str,
    name: &str,
) -> Result<(), Error> {
    for t in targets {
        let seg = find_vma_seg(vma, t.rel_ip).ok_or_else(|| {
            crate::log::warn(format_args!(
                "usdt: failed to find shared lib memory segment for '{provider}:{name}' in '{path}' at relative IP {:#x}",
                t.rel_ip
            ));
            Error::NoMatch("USDT site outside the library's mappings")
        })?;
        t.abs_ip = seg.start - seg.offset + t.rel_ip;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(addrs: [u64; 3], strs: &str) -> Vec<u8> {
        let mut d: Vec<u8> = addrs.iter().flat_map(|a| a.to_le_bytes()).collect();
        d.extend_from_slice(strs.as_bytes());
        d
    }

    #[test]
    fn note_descriptors() {
        let d = desc([0x1139, 0x2004, 0x4010], "prov\0probe\0-4@%eax 8@$3\0");
        let n = parse_desc(&d, 8, false).unwrap();
        assert_eq!((n.loc, n.base, n.sema), (0x1139, 0x2004, 0x4010));
        assert_eq!((n.provider.as_str(), n.name.as_str()), ("prov", "probe"));
        assert_eq!(n.args, "-4@%eax 8@$3");
        let empty = parse_desc(&desc([1, 2, 0], "p\0n\0\0"), 8, false).unwrap();
        assert_eq!(empty.args, "");
        // Missing terminator, short descriptor.
        assert!(parse_desc(&desc([1, 2, 0], "p\0n\0args"), 8, false).is_none());
        assert!(parse_desc(&[0; 20], 8, false).is_none());
        // 32-bit, big-endian.
        let mut d: Vec<u8> = [0x10u32, 0x20, 0]
            .iter()
            .flat_map(|a| a.to_be_bytes())
            .collect();
        d.extend_from_slice(b"a\0b\0c\0");
        let n = parse_desc(&d, 4, true).unwrap();
        assert_eq!((n.loc, n.base, n.args.as_str()), (0x10, 0x20, "c"));
    }

    fn elf_with(notes: Vec<Note>, base_addr: Option<u64>) -> UsdtElf {
        let seg = |start, end, offset, exec| Seg {
            start,
            end,
            offset,
            exec,
        };
        UsdtElf {
            notes,
            base_addr,
            segs: vec![
                seg(0x400000, 0x401000, 0, false),
                seg(0x401000, 0x402000, 0x1000, true),
                seg(0x403e00, 0x404100, 0x2e00, false),
            ],
            is_dyn: false,
            has_notes: true,
        }
    }

    fn note(name: &str, loc: u64, base: u64, sema: u64) -> Note {
        Note {
            provider: "p".into(),
            name: name.into(),
            loc,
            base,
            sema,
            args: "-4@$1".into(),
        }
    }

    #[test]
    fn addresses_become_file_offsets() {
        let e = elf_with(
            vec![
                note("a", 0x401136, 0x402004, 0),
                note("a", 0x401200, 0x402004, 0x404010),
            ],
            Some(0x402004),
        );
        let t = targets(&e, "bin", "p", "a").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].abs_ip, t[0].rel_ip, t[0].sema_off),
            (0x401136, 0x1136, 0)
        );
        assert_eq!((t[1].rel_ip, t[1].sema_off), (0x1200, 0x3010));
        // Prelinked: the section moved by 0x100 since the note was written.
        let e = elf_with(vec![note("a", 0x401036, 0x401f04, 0)], Some(0x402004));
        assert_eq!(targets(&e, "bin", "p", "a").unwrap()[0].rel_ip, 0x1136);
        // A note without a base address is not moved.
        let e = elf_with(vec![note("a", 0x401136, 0, 0)], Some(0x402004));
        assert_eq!(targets(&e, "bin", "p", "a").unwrap()[0].rel_ip, 0x1136);
    }

    #[test]
    fn bad_sites() {
        let errno = |n: Note| {
            targets(&elf_with(vec![n], None), "bin", "p", "a")
                .unwrap_err()
                .errno()
        };
        assert_eq!(errno(note("b", 0x401136, 0, 0)), libc::ENOENT);
        assert_eq!(errno(note("a", 0x900000, 0, 0)), libc::ESRCH);
        assert_eq!(errno(note("a", 0x400010, 0, 0)), libc::ESRCH);
        assert_eq!(errno(note("a", 0x401136, 0, 0x401200)), libc::ESRCH);
        assert_eq!(errno(note("a", 0x401136, 0, 0x999999)), libc::ESRCH);
    }

    #[test]
    fn non_elf_is_format_error() {
        let e = parse_elf(b"not an elf", "x").unwrap_err();
        assert_eq!(e.errno(), libbpf_errno::FORMAT);
    }

    #[test]
    fn no_notes_section_is_enoent() {
        let mut e = elf_with(Vec::new(), None);
        e.has_notes = false;
        let err = targets(&e, "bin", "p", "a").unwrap_err();
        assert_eq!(err.errno(), libc::ENOENT);
    }

    const MAPS: &str = "\
55d0c0a00000-55d0c0a01000 r--p 00000000 08:01 1234   /opt/my lib.so
55d0c0a01000-55d0c0a03000 r-xp 00001000 08:01 1234   /opt/my lib.so
55d0c0a03000-55d0c0a04000 r--p 00003000 08:01 1234   /opt/my lib.so
7f00aa000000-7f00aa001000 r-xp 00001000 08:01 99     /opt/my lib.so.1
7f00bb000000-7f00bb021000 rw-p 00000000 00:00 0
7f00cc001000-7f00cc002000 r-xp 00005000 08:01 1234   /opt/my lib.so
";

    #[test]
    fn library_mappings_from_maps_text() {
        let v = vma_segs(MAPS, "/opt/my lib.so");
        // Executable mappings of that very path only, by address.
        assert_eq!(v.len(), 2);
        assert_eq!(
            (v[0].start, v[0].end, v[0].offset),
            (0x55d0c0a01000, 0x55d0c0a03000, 0x1000)
        );
        assert_eq!(v[1].offset, 0x5000);
        assert!(vma_segs(MAPS, "/opt/other.so").is_empty());
        assert!(vma_segs("garbage\n\n1-2 r-xp", "/opt/my lib.so").is_empty());
        // File offsets inside a mapping, and its end excluded.
        assert_eq!(
            find_vma_seg(&v, 0x1000).map(|s| s.start),
            Some(0x55d0c0a01000)
        );
        assert_eq!(
            find_vma_seg(&v, 0x2fff).map(|s| s.start),
            Some(0x55d0c0a01000)
        );
        assert!(find_vma_seg(&v, 0x3000).is_none());
        assert_eq!(
            find_vma_seg(&v, 0x5004).map(|s| s.start),
            Some(0x7f00cc001000)
        );
    }

    #[test]
    fn library_sites_get_process_addresses() {
        let v = vma_segs(MAPS, "/opt/my lib.so");
        let t = |rel_ip| Target {
            abs_ip: 0x1136,
            rel_ip,
            sema_off: 0,
            args: String::new(),
        };
        let mut ts = vec![t(0x1136), t(0x5010)];
        lib_abs_ips(&mut ts, &v, "lib", "p", "a").unwrap();
        assert_eq!(ts[0].abs_ip, 0x55d0c0a01136);
        assert_eq!(ts[1].abs_ip, 0x7f00cc001010);
        let mut out = vec![t(0x4000)];
        let e = lib_abs_ips(&mut out, &v, "lib", "p", "a").unwrap_err();
        assert_eq!(e.errno(), libc::ESRCH);
    }
}
