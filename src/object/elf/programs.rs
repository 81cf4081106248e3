//! Phase 5: the functions of each code section ([`functions`], from `STT_FUNC`
//! symbols), then the entry-point programs ([`entry_points`]: every function of
//! every code section but `.text`, with the program type its section name implies).
//! Must not call: `crate::sys`.

use super::{SecKind, Symbol, SHN_COMMON};
use crate::error::Error;
use crate::object::{format_err, sec, CodeSection, Few, Func, NameTable, ProgDef};
use crate::uapi;
use object::elf as E;

/// Fills `funcs` of every code section, in offset order. A function of size 0 runs
/// to the next one or the end of its section; a section without function symbols
/// (very old objects) is one function, named by a global symbol at its start or by
/// the section itself.
pub(super) fn functions(
    code: &mut [CodeSection],
    kinds: &[SecKind],
    syms: &[Symbol],
    table: &NameTable,
    path_name: &str,
) -> Result<(), Error> {
    let code_of = |s: &Symbol<'_>| match kinds.get(s.shndx) {
        Some(&SecKind::Code(ci)) if s.typ == E::STT_FUNC && s.shndx != SHN_COMMON => Some(ci),
        _ => None,
    };
    // Each section's list is sized once, to its function count.
    let mut counts = crate::object::inline::Inline::<usize, 8>::new(0);
    for _ in 0..code.len() {
        counts.push(0);
    }
    for ci in syms.iter().filter_map(code_of) {
        counts[ci] += 1;
    }
    for (cs, &n) in code.iter_mut().zip(counts.iter()) {
        cs.funcs = Few::with_capacity(n);
    }
    for s in syms {
        let Some(ci) = code_of(s) else {
            continue;
        };
        let cs = &mut code[ci];
        if s.value % 8 != 0 || s.size % 8 != 0 {
            return Err(format_err(format!(
                "{path_name}: function {}: misaligned in {}",
                s.name, cs.name
            )));
        }
        let off = (s.value / 8) as usize;
        let cnt = (s.size / 8) as usize;
        if off >= cs.insns.len() || off.checked_add(cnt).is_none_or(|e| e > cs.insns.len()) {
            return Err(format_err(format!(
                "{path_name}: function {} lies outside section {}",
                s.name, cs.name
            )));
        }
        cs.funcs.push(Func {
            name: table.name(&s.name),
            off,
            cnt,
            global: s.bind != E::STB_LOCAL,
        });
    }
    for cs in code {
        cs.funcs.sort_by_key(|f| f.off);
        let n = cs.funcs.len();
        for k in 0..n {
            if cs.funcs[k].cnt == 0 {
                let end = if k + 1 < n {
                    cs.funcs[k + 1].off
                } else {
                    cs.insns.len()
                };
                cs.funcs[k].cnt = end.saturating_sub(cs.funcs[k].off);
            }
        }
        if cs.funcs.is_empty() {
            let name = syms
                .iter()
                .find(|s| {
                    s.shndx == cs.shndx
                        && s.value == 0
                        && s.bind != E::STB_LOCAL
                        && s.typ != E::STT_SECTION
                })
                .map_or_else(|| cs.name.clone(), |s| table.name(&s.name));
            cs.funcs.push(Func {
                name,
                off: 0,
                cnt: cs.insns.len(),
                global: true,
            });
        }
    }
    Ok(())
}

/// The programs, in section then offset order. A static function in a program
/// section is refused (ENOTSUP), as libbpf refuses it.
pub(super) fn entry_points(code: &[CodeSection]) -> Result<Few<ProgDef>, Error> {
    let n = code
        .iter()
        .filter(|cs| cs.name != ".text")
        .map(|cs| cs.funcs.len());
    let mut progs = Few::with_capacity(n.sum());
    for (ci, cs) in code.iter().enumerate() {
        if cs.name == ".text" {
            continue;
        }
        let def = sec::find_sec_def(&cs.name).or_else(|| sec::find_sec_def_legacy(&cs.name));
        for f in &cs.funcs {
            if !f.global {
                return Err(Error::UnsupportedInput("static programs are not supported"))
                    .inspect_err(|_| {
                        crate::log::warn(format_args!(
                            "sec '{}': program '{}' is static and not supported",
                            cs.name, f.name
                        ))
                    });
            }
            progs.push(ProgDef {
                name: f.name.clone(),
                sec_name: cs.name.clone(),
                code: ci,
                insn_off: f.off,
                insn_cnt: f.cnt,
                prog_type: def.map_or(uapi::BPF_PROG_TYPE_UNSPEC, |d| d.prog_type),
                expected_attach_type: def.map_or(0, |d| d.expected_attach_type),
                sec_def: def,
            });
        }
    }
    Ok(progs)
}

#[cfg(test)]
mod tests {
    use super::super::testelf::*;
    use super::*;
    use crate::error::libbpf_errno::FORMAT;

    /// Functions and programs of `b`'s object, or the first error.
    fn split(b: &ElfBuilder) -> Result<(Few<CodeSection>, Few<ProgDef>), Error> {
        let file = b.build();
        let (_, syms, mut l) = layout(&file);
        functions(
            &mut l.code,
            &l.kinds,
            &syms,
            &NameTable::new(&[], &[]),
            "t.o",
        )?;
        let progs = entry_points(&l.code)?;
        Ok((l.code, progs))
    }

    fn funcs(cs: &CodeSection) -> Vec<(&str, usize, usize, bool)> {
        fields(&cs.funcs, |f| (f.name.as_str(), f.off, f.cnt, f.global))
    }

    #[test]
    fn programs_split_by_function_symbols() {
        let mut b = ElfBuilder::new();
        let text = b.code(".text", &[mov_r0(0), exit(), mov_r0(1), exit()]);
        let xdp = b.code("xdp", &[mov_r0(2), exit(), mov_r0(1), mov_r0(2), exit()]);
        let tp = b.code("tracepoint/syscalls/sys_enter_open", &[mov_r0(0), exit()]);
        // Out of order; `second` has size 0 (runs to the end of the section).
        b.func("second", xdp, 2, 0, true);
        b.func("first", xdp, 0, 2, true);
        b.func("sub", text, 0, 2, false);
        b.func("sub2", text, 2, 2, true);
        b.func("on_open", tp, 0, 2, true);
        let (code, progs) = split(&b).unwrap();

        assert_eq!(
            funcs(&code[0]),
            [("sub", 0, 2, false), ("sub2", 2, 2, true)]
        );
        assert_eq!(
            funcs(&code[1]),
            [("first", 0, 2, true), ("second", 2, 3, true)]
        );
        let got = fields(&progs, |p| {
            (
                p.name.as_str(),
                p.sec_name.as_str(),
                p.code,
                p.insn_off,
                p.insn_cnt,
            )
        });
        assert_eq!(
            got,
            [
                ("first", "xdp", 1, 0, 2),
                ("second", "xdp", 1, 2, 3),
                ("on_open", "tracepoint/syscalls/sys_enter_open", 2, 0, 2),
            ]
        );
        // BPF_PROG_TYPE_XDP + BPF_XDP, BPF_PROG_TYPE_TRACEPOINT.
        assert_eq!((progs[0].prog_type, progs[0].expected_attach_type), (6, 37));
        assert!(progs[0].sec_def.is_some());
        assert_eq!(progs[2].prog_type, 5);
    }

    #[test]
    fn sections_without_function_symbols() {
        // Named by a global symbol at offset 0, else by the section.
        let mut b = ElfBuilder::new();
        let sock = b.code("socket", &[mov_r0(0), exit()]);
        b.code("kprobe/sys_open", &[mov_r0(0), mov_r0(0), exit()]);
        b.section_symbol(sock);
        b.symbol("bpf_prog1", sock, 0, 0, E::STT_NOTYPE, E::STB_GLOBAL, 0);
        let (code, progs) = split(&b).unwrap();
        assert_eq!(funcs(&code[0]), [("bpf_prog1", 0, 2, true)]);
        assert_eq!(funcs(&code[1]), [("kprobe/sys_open", 0, 3, true)]);
        assert_eq!(progs.len(), 2);
        assert_eq!(
            (progs[1].name.as_str(), progs[1].prog_type),
            ("kprobe/sys_open", 2)
        );
        // A section libbpf does not know still gives a program, of type 0.
        let mut b = ElfBuilder::new();
        let s = b.code("mystery", &[exit()]);
        b.func("f", s, 0, 1, true);
        let (_, progs) = split(&b).unwrap();
        assert_eq!((progs[0].prog_type, progs[0].sec_def.is_none()), (0, true));
    }

    #[test]
    fn function_errors() {
        let one = |value: u64, size: u64, bind: u8| {
            let mut b = ElfBuilder::new();
            let s = b.code("xdp", &[mov_r0(0), exit()]);
            b.symbol("f", s, value, size, E::STT_FUNC, bind, 0);
            split(&b).map(drop)
        };
        let fmt = |m: &str| {
            (
                FORMAT,
                format!("t.o: function f{m}: BPF object format invalid"),
            )
        };
        for (value, size, what) in [
            (4, 8, ": misaligned in xdp"),
            (0, 12, ": misaligned in xdp"),
            (16, 0, " lies outside section xdp"),
            (8, 16, " lies outside section xdp"),
        ] {
            assert_eq!(failure(one(value, size, E::STB_GLOBAL)), fmt(what));
        }
        assert_eq!(
            failure(one(0, 16, E::STB_LOCAL)),
            (
                libc::ENOTSUP,
                "static programs are not supported: Operation not supported".into()
            )
        );
        // Functions in non-code sections, or COMMON, are ignored.
        let mut b = ElfBuilder::new();
        let s = b.code("xdp", &[exit()]);
        let d = b.data(".data", &[0; 8]);
        b.func("f", s, 0, 1, true);
        b.func("in_data", d, 0, 1, true);
        b.func("common", SHN_COMMON, 0, 1, true);
        assert_eq!(split(&b).unwrap().1.len(), 1);
    }
}
