//! Phase 6b: externs. Every undefined global or weak NOTYPE symbol with a name is
//! an extern; its BTF VAR or FUNC (extern linkage) and the DATASEC holding it say
//! what it is: a `.kconfig` value (type, size, alignment) or a `.ksyms` kernel
//! symbol (typeless, typed variable, or kfunc). The externs are sorted as libbpf
//! sorts them, the `.ksyms`/`.kconfig` DATASECs rewritten for the kernel, and the
//! `.kconfig` externs packed into the read-only `.kconfig` map (after the
//! global-data maps, as libbpf orders maps).
//! Must not call: `crate::sys`.

use super::Symbol;
use crate::btf::{Btf, Kind};
use crate::error::Error;
use crate::object::externs::{kcfg_type, Extern, ExternKind, Kcfg};
use crate::object::maps::{data_map, DataKind};
use crate::object::Object;
use object::elf as E;

/// libbpf's `sym_is_extern`: undefined, global or weak, NOTYPE.
pub(super) fn is_extern(s: &Symbol) -> bool {
    s.shndx == E::SHN_UNDEF as usize
        && matches!(s.bind, E::STB_GLOBAL | E::STB_WEAK)
        && s.typ == E::STT_NOTYPE
        && !s.name.is_empty()
}

/// Logs libbpf's message for a failed extern step and passes the error on.
fn fail(e: Error, msg: std::fmt::Arguments<'_>) -> Error {
    crate::log::warn(msg);
    e
}

/// Collects the externs of `syms` into `obj`, rewrites the object's BTF for
/// them and adds the `.kconfig` map when there are `.kconfig` externs.
pub(super) fn collect(obj: &mut Object, syms: &[Symbol]) -> Result<(), Error> {
    let mut externs = Vec::new();
    for (i, s) in syms.iter().enumerate() {
        if !is_extern(s) {
            continue;
        }
        let Some(btf) = obj.btf.as_ref() else {
            let e = Error::NoMatch("externs need BTF");
            let m = format_args!("failed to find BTF for extern '{}': -{}", s.name, e.errno());
            return Err(fail(e, m));
        };
        externs.push(describe(btf, s, i)?);
    }
    if externs.is_empty() {
        return Ok(());
    }
    externs.sort_by(|a: &Extern, b: &Extern| a.order_key().cmp(&b.order_key()));
    let mut end = 0u32;
    for e in &mut externs {
        if let ExternKind::Kcfg(k) = &mut e.kind {
            k.data_off = end.next_multiple_of(k.align);
            end = k.data_off + k.size;
        }
    }
    log_externs(&externs);
    let Some(btf) = obj.btf.as_mut() else {
        return Ok(());
    };
    rewrite_datasecs(btf, &externs, end)?;
    obj.externs = externs;
    Ok(())
}

/// libbpf's debug lines for the sorted externs: the `.ksyms` ones, then the
/// `.kconfig` ones with their offsets in the `.kconfig` map.
fn log_externs(externs: &[Extern]) {
    for (i, e) in externs.iter().enumerate() {
        if e.kcfg().is_none() {
            crate::log::debug(format_args!(
                "extern (ksym) #{i}: symbol {}, name {}",
                e.sym_idx, e.name
            ));
        }
    }
    for (i, e) in externs.iter().enumerate() {
        if let Some(k) = e.kcfg() {
            crate::log::debug(format_args!(
                "extern (kcfg) #{i}: symbol {}, off {}, name {}",
                e.sym_idx, k.data_off, e.name
            ));
        }
    }
}

/// Adds the `.kconfig` map after the global-data maps when there are `.kconfig`
/// externs; libbpf names the symbol table's section `symtab_shndx` as its
/// section in its debug lines.
pub(super) fn kconfig_map(obj: &mut Object, symtab_shndx: usize) -> Result<(), Error> {
    let Some(end) = obj
        .externs
        .iter()
        .filter_map(|e| e.kcfg())
        .map(|k| k.data_off + k.size)
        .max()
    else {
        return Ok(());
    };
    let mut m = data_map(".kconfig", DataKind::Kconfig, 0, u64::from(end), None)?;
    if let Some(btf) = &obj.btf {
        m.btf_value_type_id = btf.datasec_by_name(".kconfig").unwrap_or(0);
    }
    super::maps::log_data_map(obj, ".kconfig", symtab_shndx, m.map_flags);
    obj.maps.push(m);
    Ok(())
}

/// What extern symbol `s` (symbol `sym_idx`) is, from the object's BTF.
fn describe(btf: &Btf, s: &Symbol, sym_idx: usize) -> Result<Extern, Error> {
    let name: &str = &s.name;
    let id = btf.find_extern(name).map_err(|e| {
        let m = format_args!("failed to find BTF for extern '{name}': -{}", e.errno());
        fail(e, m)
    })?;
    let Some(sec) = btf.datasec_containing(id).and_then(|sec| btf.ty(sec)) else {
        let e = Error::NotFound("extern in no DATASEC");
        let m = format_args!(
            "failed to find BTF for extern '{name}' [{id}] section: -{}",
            e.errno()
        );
        return Err(fail(e, m));
    };
    let t = btf
        .ty(id)
        .ok_or(Error::BadBtf("BTF type ID out of range"))?;
    let weak = s.bind == E::STB_WEAK;
    let kind = match sec.name() {
        ".kconfig" => ExternKind::Kcfg(kcfg_of(btf, name, t.kind(), t.type_id())?),
        ".ksyms" => ExternKind::Ksym {
            type_id: btf
                .skip_mods_and_typedefs(t.type_id())
                .map_or(0, |(id, _)| id),
            func: t.kind() == Kind::Func,
        },
        other => {
            let e = Error::UnsupportedInput("extern in an unknown section");
            let m = format_args!("unrecognized extern section '{other}'");
            return Err(fail(e, m));
        }
    };
    Ok(Extern {
        name: name.to_string(),
        sym_idx,
        btf_id: id,
        weak,
        kind,
    })
}

/// The `.kconfig` description of extern `name` of kind `kind` and type `ty`.
fn kcfg_of(btf: &Btf, name: &str, kind: Kind, ty: u32) -> Result<Kcfg, Error> {
    if kind == Kind::Func {
        let e = Error::UnsupportedInput("extern function in .kconfig");
        let m = format_args!("extern function {name} is unsupported under .kconfig section");
        return Err(fail(e, m));
    }
    let size = btf.resolve_size(ty).map_err(|e| {
        let m = format_args!(
            "failed to resolve size of extern (kcfg) '{name}': -{}",
            e.errno()
        );
        fail(e, m)
    })?;
    let align = btf.align_of(ty).ok().filter(|&a| a > 0);
    let Some(align) = align else {
        let e = Error::BadBtf("extern without an alignment");
        let m = format_args!("failed to determine alignment of extern (kcfg) '{name}': -22");
        return Err(fail(e, m));
    };
    let Some((ty, signed)) = kcfg_type(btf, ty).filter(|_| size > 0) else {
        let e = Error::UnsupportedInput("extern of a type .kconfig cannot hold");
        let m = format_args!("extern (kcfg) '{name}': type is unsupported");
        return Err(fail(e, m));
    };
    Ok(Kcfg {
        ty,
        size,
        align,
        signed,
        data_off: 0,
    })
}

/// Rewrites the `.ksyms` and `.kconfig` DATASECs holding `externs`; `kcfg_end`
/// is the `.kconfig` map's size.
fn rewrite_datasecs(btf: &mut Btf, externs: &[Extern], kcfg_end: u32) -> Result<(), Error> {
    let known = |n: &str| externs.iter().find(|e| e.name == n);
    for (sec, is_ksyms) in [(".ksyms", true), (".kconfig", false)] {
        let Some(id) = btf.datasec_by_name(sec) else {
            continue;
        };
        let has_extern = |e: &Extern| e.kcfg().is_none() == is_ksyms;
        if !externs.iter().any(has_extern) {
            continue;
        }
        if let Some(t) = btf.ty(id) {
            for v in t.datasec_vars() {
                let vt = btf.ty(v.type_id);
                let n = vt.map_or("", |t| t.name());
                if known(n).is_none() {
                    let kind = vt.map_or("void", |t| t.kind().as_str());
                    let e = Error::NoMatch("DATASEC entry without an extern");
                    let m = if is_ksyms {
                        format_args!("failed to find extern definition for BTF {kind} '{n}'")
                    } else {
                        format_args!("failed to find extern definition for BTF var '{n}'")
                    };
                    return Err(fail(e, m));
                }
            }
        }
        if is_ksyms {
            btf.rewrite_ksyms(id)?;
        } else {
            let off = |n: &str| known(n).and_then(|e| e.kcfg()).map(|k| k.data_off);
            btf.rewrite_kconfig(id, kcfg_end, &off)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testelf::*;
    use crate::btf::write::BtfBuilder;
    use crate::btf::{Kind, INT_BOOL, INT_SIGNED, LINKAGE_EXTERN, LINKAGE_GLOBAL};
    use crate::error::Error;
    use crate::object::externs::{ExternKind, KcfgType};
    use crate::object::maps::{DataKind, MapKind};
    use crate::object::{Object, OpenOpts, RelocKind};
    use crate::uapi;
    use object::elf as E;

    /// BTF of four `.kconfig` externs (bool, tristate, char[8], int) and two
    /// `.ksyms` ones (a kfunc with an unnamed parameter, a typeless symbol).
    fn externs_btf(ksyms_extra: Option<&str>) -> Vec<u8> {
        let mut t = BtfBuilder::new();
        let int = t.int("int", 4, INT_SIGNED, 32);
        let bool_ = t.int("_Bool", 1, INT_BOOL, 8);
        let tri = t.enum_(
            "libbpf_tristate",
            4,
            false,
            &[("TRI_NO", 0), ("TRI_YES", 1)],
        );
        let ch = t.int("char", 1, INT_SIGNED, 8);
        let arr = t.array(ch, int, 8);
        let a = t.var("CONFIG_A", bool_, LINKAGE_EXTERN);
        let tr = t.var("CONFIG_T", tri, LINKAGE_EXTERN);
        let s = t.var("CONFIG_S", arr, LINKAGE_EXTERN);
        let v = t.var("LINUX_KERNEL_VERSION", int, LINKAGE_EXTERN);
        let proto = t.func_proto(int, &[("", int)]);
        let kf = t.func("kf", proto, LINKAGE_EXTERN);
        let cv = t.modifier(Kind::Const, 0);
        let ks = t.var("ks", cv, LINKAGE_EXTERN);
        let mut ksyms = vec![(kf, 0, 0), (ks, 0, 1)];
        if let Some(n) = ksyms_extra {
            ksyms.push((t.var(n, int, LINKAGE_EXTERN), 0, 4));
        }
        t.datasec(
            ".kconfig",
            0,
            &[(a, 0, 1), (tr, 0, 4), (s, 0, 8), (v, 0, 4)],
        );
        t.datasec(".ksyms", 0, &ksyms);
        t.to_bytes()
    }

    /// An object whose program loads each extern and calls `kf`.
    fn externs_object(ksyms_extra: Option<&str>) -> Result<Object, Error> {
        let mut b = ElfBuilder::new();
        let names = [
            "CONFIG_A",
            "CONFIG_T",
            "CONFIG_S",
            "LINUX_KERNEL_VERSION",
            "ks",
        ];
        let mut insns = Vec::new();
        for _ in names {
            insns.extend(ld_imm64(0));
        }
        insns.extend([call(-1), exit()]);
        let n = insns.len() as u64;
        let xdp = b.code("xdp", &insns);
        b.data(".BTF", &externs_btf(ksyms_extra));
        b.func("prog", xdp, 0, n, true);
        let mut rels = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let bind = if i == 0 { E::STB_WEAK } else { E::STB_GLOBAL };
            let s = b.symbol(name, 0, 0, 0, E::STT_NOTYPE, bind, 0);
            rels.push((16 * i as u64, s));
        }
        let kf = b.symbol("kf", 0, 0, 0, E::STT_NOTYPE, E::STB_GLOBAL, 0);
        rels.push((80, kf));
        b.rel(xdp, &rels);
        super::super::parse(&b.build(), "t.o", &OpenOpts::default())
    }

    #[test]
    fn externs_sorted_packed_and_relocated() {
        let obj = externs_object(None).unwrap();
        let got: Vec<_> = obj
            .externs
            .iter()
            .map(|e| {
                let off = e.kcfg().map(|k| (k.ty, k.data_off));
                (e.name.as_str(), e.weak, off)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("CONFIG_T", false, Some((KcfgType::Tristate, 0))),
                ("LINUX_KERNEL_VERSION", false, Some((KcfgType::Int, 4))),
                ("CONFIG_A", true, Some((KcfgType::Bool, 8))),
                ("CONFIG_S", false, Some((KcfgType::CharArr, 9))),
                ("kf", false, None),
                ("ks", false, None),
            ]
        );
        assert!(
            matches!(obj.externs[4].kind, ExternKind::Ksym { func: true, type_id } if type_id != 0)
        );
        assert_eq!(
            obj.externs[5].kind,
            ExternKind::Ksym {
                type_id: 0,
                func: false
            }
        );
        let m = &obj.maps[obj.kconfig_map().unwrap()];
        assert_eq!(m.kind, MapKind::Data(DataKind::Kconfig));
        assert_eq!((m.name.as_str(), m.value_size), (".kconfig", 17));
        assert_eq!(m.map_flags, uapi::BPF_F_MMAPABLE | uapi::BPF_F_RDONLY_PROG);
        let kinds: Vec<_> = obj.code[0]
            .relocs
            .iter()
            .map(|r| (r.insn, r.kind))
            .collect();
        let ext = |ext, call| RelocKind::Extern { ext, call };
        assert_eq!(
            kinds,
            [
                (0, ext(2, false)),
                (2, ext(0, false)),
                (4, ext(3, false)),
                (6, ext(1, false)),
                (8, ext(5, false)),
                (10, ext(4, true)),
            ]
        );
    }

    #[test]
    fn btf_rewritten_for_the_kernel() {
        let obj = externs_object(None).unwrap();
        let btf = obj.btf.as_ref().unwrap();
        let entries = |sec: &str| {
            let t = btf.ty(btf.datasec_by_name(sec).unwrap()).unwrap();
            let e: Vec<_> = t
                .datasec_vars()
                .map(|v| {
                    (
                        btf.ty(v.type_id).unwrap().name().to_string(),
                        v.offset,
                        v.size,
                    )
                })
                .collect();
            (t.size(), e)
        };
        let s = |n: &str| n.to_string();
        assert_eq!(
            entries(".kconfig"),
            (
                17,
                vec![
                    (s("CONFIG_T"), 0, 4),
                    (s("LINUX_KERNEL_VERSION"), 4, 4),
                    (s("CONFIG_A"), 8, 1),
                    (s("CONFIG_S"), 9, 8)
                ]
            )
        );
        assert_eq!(
            entries(".ksyms"),
            (8, vec![(s("dummy_ksym"), 0, 4), (s("ks"), 4, 4)])
        );
        for t in btf.types() {
            match t.kind() {
                Kind::Var => assert_eq!(t.var_linkage(), Some(LINKAGE_GLOBAL), "{}", t.name()),
                Kind::Func => assert_eq!(t.func_linkage(), Some(LINKAGE_GLOBAL)),
                Kind::FuncProto => {
                    let p = t.params().get(0).unwrap();
                    assert_eq!(btf.name_at(p.name_off), Some("dummy_ksym"));
                }
                _ => {}
            }
        }
        let ks = btf.find_by_name_kind("ks", Kind::Var).unwrap();
        assert_eq!(btf.ty(ks).unwrap().type_id(), 1, "the 32-bit int");
    }

    #[test]
    fn extern_errors() {
        // A .ksyms entry that no symbol declares.
        let e = failure(externs_object(Some("stray")));
        let want = "DATASEC entry without an extern: No such process";
        assert_eq!(e, (libc::ESRCH, want.into()));
        // An extern without BTF.
        let mut b = ElfBuilder::new();
        let xdp = b.code("xdp", &[mov_r0(0), exit()]);
        b.func("prog", xdp, 0, 2, true);
        b.symbol("CONFIG_X", 0, 0, 0, E::STT_NOTYPE, E::STB_GLOBAL, 0);
        let e = failure(super::super::parse(&b.build(), "t.o", &OpenOpts::default()));
        assert_eq!(e, (libc::ESRCH, "externs need BTF: No such process".into()));
        // An undefined symbol of another type is no extern.
        let mut b = ElfBuilder::new();
        let xdp = b.code("xdp", &[mov_r0(0), exit()]);
        b.func("prog", xdp, 0, 2, true);
        b.symbol("undef", 0, 0, 0, E::STT_OBJECT, E::STB_GLOBAL, 0);
        let obj = super::super::parse(&b.build(), "t.o", &OpenOpts::default()).unwrap();
        assert!(obj.externs.is_empty() && obj.kconfig_map().is_none());
    }
}
