//! Recording program loads: map references become `fd_array` indexes, the BTF
//! attach target is looked up by the loader program at run time
//! (`bpf_btf_find_by_name_kind`), and CO-RE relocations go to the kernel as
//! `core_relos` instead of being applied here.

use super::attr::{prog_load as pl, Image};
use super::emit::*;
use super::{ksyms, Gen};
use crate::error::Error;
use crate::insn::Insn;
use crate::load::ext_info::ProgExt;
use crate::load::ObjState;
use crate::object::calls::Linked;
use crate::object::externs::ExternKind;
use crate::object::sec::{self, SecFlags};
use crate::object::RelocKind;
use crate::uapi::{
    BPF_PROG_LOAD, BPF_PROG_TYPE_EXT, BPF_PSEUDO_BTF_ID, BPF_PSEUDO_KFUNC_CALL, BPF_PSEUDO_MAP_IDX,
    BPF_PSEUDO_MAP_IDX_VALUE,
};

/// `struct bpf_core_relo`: insn_off (bytes), type_id, access_str_off, kind.
const CORE_RELO_SIZE: usize = 16;

/// What one `BPF_PROG_LOAD` of the loader carries.
struct ProgRecord<'a> {
    prog_type: u32,
    name: &'a str,
    license: &'a str,
    insns: &'a [Insn],
    expected_attach_type: u32,
    prog_flags: u32,
    prog_ifindex: u32,
    attach_btf_id: u32,
    /// `(name with its prefix, BTF kind)` for the loader to find.
    attach_target: Option<(String, u32)>,
    ext: ProgExt,
    core_relos: Vec<u8>,
    ksyms: Vec<ksyms::Relo>,
}

/// Points the linked program's `ld_imm64` map references at map indexes of the
/// `fd_array` (`BPF_PSEUDO_MAP_IDX`, `BPF_PSEUDO_MAP_IDX_VALUE`), `.kconfig`
/// externs included.
pub fn relocate(st: &ObjState, linked: &mut Linked) -> Result<(), Error> {
    for (idx, kind) in linked.map_refs.clone() {
        let (map, off) = match kind {
            RelocKind::MapFd { map } => (map, None),
            RelocKind::MapValue { map, off } => (map, Some(off)),
            RelocKind::Extern { ext, call } => {
                let e = st.obj.externs.get(ext).ok_or(Error::Bug("extern index"))?;
                match (&e.kind, st.kconfig_map()) {
                    (ExternKind::Kcfg(k), Some(map)) if !call => (map, Some(k.data_off)),
                    (ExternKind::Ksym { type_id, .. }, _) => {
                        let v = st.externs.values.get(ext).copied().unwrap_or_default();
                        ksym_placeholder(linked, idx, call, *type_id != 0 && v.set, v)?;
                        continue;
                    }
                    _ => return Err(Error::Bug("kconfig extern without its map")),
                }
            }
            _ => continue,
        };
        if idx + 1 >= linked.insns.len() {
            return Err(Error::Inval("truncated ld_imm64"));
        }
        let i0 = &mut linked.insns[idx];
        i0.imm = map as i32;
        match off {
            None => i0.set_src(BPF_PSEUDO_MAP_IDX),
            Some(o) => {
                i0.set_src(BPF_PSEUDO_MAP_IDX_VALUE);
                linked.insns[idx + 1].imm = o as i32;
            }
        }
    }
    Ok(())
}

/// A `.ksyms` reference as the loader program finds it before relocating it
/// (libbpf's generate mode): a kfunc call with `imm` and `off` 0; a typed
/// symbol's `BPF_PSEUDO_BTF_ID` with id and fd 0; a typeless one's address as
/// `/proc/kallsyms` had it at generation (0 when absent).
fn ksym_placeholder(
    linked: &mut Linked,
    idx: usize,
    call: bool,
    typed: bool,
    v: crate::load::externs::Value,
) -> Result<(), Error> {
    if idx + usize::from(!call) >= linked.insns.len() {
        return Err(Error::Inval("truncated ld_imm64"));
    }
    let i0 = &mut linked.insns[idx];
    if call {
        i0.set_src(BPF_PSEUDO_KFUNC_CALL);
        i0.imm = 0;
        i0.off = 0;
        return Ok(());
    }
    let (lo, hi) = if typed {
        i0.set_src(BPF_PSEUDO_BTF_ID);
        (0, 0)
    } else {
        (v.addr as u32 as i32, (v.addr >> 32) as i32)
    };
    i0.imm = lo;
    linked.insns[idx + 1].imm = hi;
    Ok(())
}

/// The CO-RE records of the linked program's pieces, with `insn_off` rebased
/// on the linked program, sorted by instruction.
fn core_relos(st: &ObjState, linked: &Linked) -> Vec<u8> {
    let Some(ext) = &st.obj.btf_ext else {
        return Vec::new();
    };
    let mut recs: Vec<(u32, &[u8])> = Vec::new();
    for piece in &linked.pieces {
        let Some(b) = ext.core_relos(&st.obj.code[piece.code].name) else {
            continue;
        };
        let lo = piece.sec_off as u64 * 8;
        let hi = (piece.sec_off + piece.cnt) as u64 * 8;
        for r in b.records_in(lo, hi) {
            let at = u32::from_le_bytes([r[0], r[1], r[2], r[3]]) / 8;
            let new = (at as usize - piece.sec_off + piece.out_off) as u32 * 8;
            recs.push((new, &r[4..CORE_RELO_SIZE]));
        }
    }
    recs.sort_by_key(|r| r.0);
    let mut out = Vec::with_capacity(recs.len() * CORE_RELO_SIZE);
    for (off, rest) in recs {
        out.extend_from_slice(&off.to_le_bytes());
        out.extend_from_slice(rest);
    }
    out
}

/// Where the program's `attach_btf_id` comes from.
enum Attach {
    /// Known now: none (0), set by `bpf_program__set_attach_target`, or a
    /// function of a target program (freplace, `attach_prog_fd`), whose BTF
    /// libbpf 1.1.2 reads at generation; the loader does not pass the target
    /// program's fd on, as libbpf's does not.
    Id(u32),
    /// A kernel function the loader program finds at run time: `(name with its
    /// prefix, BTF kind)`.
    Kernel(String, u32),
}

/// The attach target, libbpf's way: for kernel functions, the name with its
/// per-attach-type prefix, and the BTF kind.
fn attach_target(st: &ObjState, i: usize) -> Result<Attach, Error> {
    let p = &st.progs[i];
    let Some(def) = p.def.sec_def else {
        return Ok(Attach::Id(p.attach_btf_id));
    };
    if p.attach_btf_id != 0 || !def.flags.contains(SecFlags::ATTACH_BTF) {
        return Ok(Attach::Id(p.attach_btf_id));
    }
    if p.def.prog_type == BPF_PROG_TYPE_EXT || p.attach_prog_fd != 0 {
        let custom = st.opts.btf_custom_path.as_deref();
        return crate::load::progs::attach_btf_id(p, custom)
            .map(Attach::Id)
            .inspect_err(|e| {
                let name = &p.def.name;
                let errno = e.errno();
                crate::log::warn(format_args!(
                    "prog '{name}': failed to prepare load attributes: -{errno}"
                ));
                crate::log::warn(format_args!("prog '{name}': failed to load: -{errno}"));
            });
    }
    let target = crate::load::progs::attach_target_name(p, def)?;
    let look = sec::btf_lookup(p.def.expected_attach_type);
    let name = format!("{}{target}", look.prefix);
    if name.len() >= 128 {
        return Err(Error::NoSpace("gen_loader: attach target name too long"));
    }
    Ok(Attach::Kernel(name, look.kind))
}

/// Records the load of program `i` from its relocated code.
pub fn prog_load(st: &mut ObjState, i: usize, linked: &Linked) -> Result<(), Error> {
    let attach = attach_target(st, i)?;
    let p = &st.progs[i];
    let has_btf = st.gen.as_ref().is_some_and(|g| g.has_btf());
    let ext = match (&st.obj.btf_ext, p.insns.is_some()) {
        (Some(ext), false) if has_btf => {
            crate::load::ext_info::for_program(&st.obj, ext, &p.def.name, linked)
        }
        _ => ProgExt::default(),
    };
    let rec = ProgRecord {
        prog_type: p.def.prog_type,
        name: &p.def.name,
        license: &st.obj.license,
        insns: &linked.insns,
        expected_attach_type: p.def.expected_attach_type,
        prog_flags: p.prog_flags | crate::load::progs::section_prog_flags(p),
        prog_ifindex: p.ifindex,
        attach_btf_id: match &attach {
            Attach::Id(id) => *id,
            Attach::Kernel(..) => 1,
        },
        attach_target: match attach {
            Attach::Kernel(name, kind) => Some((name, kind)),
            Attach::Id(_) => None,
        },
        ext,
        core_relos: if p.insns.is_some() {
            Vec::new()
        } else {
            core_relos(st, linked)
        },
        ksyms: ksyms::records(st, linked)?,
    };
    let Some(g) = st.gen.as_mut() else {
        return Err(Error::Bug("gen_loader: not in generate mode"));
    };
    g.prog_load(&rec)
}

impl Gen {
    fn prog_load(&mut self, r: &ProgRecord<'_>) -> Result<(), Error> {
        crate::log::debug(format_args!(
            "gen: prog_load: type {} insns_cnt {}",
            r.prog_type,
            r.insns.len()
        ));
        let e = &mut self.e;
        let mut license = r.license.as_bytes().to_vec();
        license.push(0);
        let license = e.add_data(&license);
        let insns = e.add_data(&crate::insn::encode_all(r.insns));
        let mut a = Image::new(pl::SIZE);
        a.u32(pl::PROG_TYPE, r.prog_type)
            .u32(pl::INSN_CNT, r.insns.len() as u32)
            .u32(pl::PROG_FLAGS, r.prog_flags)
            .name(pl::PROG_NAME, r.name.as_bytes())
            .u32(pl::PROG_IFINDEX, r.prog_ifindex)
            .u32(pl::EXPECTED_ATTACH_TYPE, r.expected_attach_type)
            .u32(pl::ATTACH_BTF_ID, r.attach_btf_id);
        let (fi_rec, fi_cnt, fi) = r.ext.func_info().unwrap_or((0, 0, &[][..]));
        let (li_rec, li_cnt, li) = r.ext.line_info().unwrap_or((0, 0, &[][..]));
        a.u32(pl::FUNC_INFO_REC_SIZE, fi_rec)
            .u32(pl::FUNC_INFO_CNT, fi_cnt);
        let func_info = e.add_data(fi);
        a.u32(pl::LINE_INFO_REC_SIZE, li_rec)
            .u32(pl::LINE_INFO_CNT, li_cnt);
        let line_info = e.add_data(li);
        let relo_cnt = r.core_relos.len() / CORE_RELO_SIZE;
        a.u32(pl::CORE_RELO_REC_SIZE, CORE_RELO_SIZE as u32)
            .u32(pl::CORE_RELO_CNT, relo_cnt as u32);
        let core_relos = e.add_data(&r.core_relos);
        let attr = e.add_data(&a.0);
        e.rel_store(attr + pl::LICENSE, license);
        e.rel_store(attr + pl::INSNS, insns);
        e.rel_store(attr + pl::FUNC_INFO, func_info);
        e.rel_store(attr + pl::LINE_INFO, line_info);
        e.rel_store(attr + pl::CORE_RELOS, core_relos);
        e.rel_store(attr + pl::FD_ARRAY, self.fd_array);
        e.ctx2blob(attr + pl::LOG_LEVEL, 4, CTX_LOG_LEVEL, false);
        e.ctx2blob(attr + pl::LOG_SIZE, 4, CTX_LOG_SIZE, false);
        e.ctx2blob(attr + pl::LOG_BUF, 8, CTX_LOG_BUF, false);
        e.stack2blob(attr + pl::PROG_BTF_FD, 4, STACK_BTF_FD);
        if let Some((name, kind)) = &r.attach_target {
            find_attach_target(e, name, *kind);
            e.ld_blob(R0, attr);
            e.stx(4, R0, R7, pl::ATTACH_BTF_ID as i16);
            e.alu64_imm(RSH, R7, 32);
            e.stx(4, R0, R7, pl::ATTACH_BTF_OBJ_FD as i16);
        }
        self.with_relos(&r.ksyms, insns, |g| {
            g.e.sys_bpf(BPF_PROG_LOAD, attr, pl::SIZE)
        });
        let e = &mut self.e;
        if r.attach_target.is_some() {
            // Success or not, the module BTF fd the lookup opened is closed.
            e.close_blob(attr + pl::ATTACH_BTF_OBJ_FD as u32);
        }
        e.check_err();
        e.stx(4, R10, R7, stack_prog_fd(self.nr_progs));
        self.nr_progs += 1;
        Ok(())
    }
}

/// The attach target's BTF id and module BTF fd in R7 (see
/// [`ksyms::find_by_name_kind`]); a failure ends the loader.
fn find_attach_target(e: &mut Emitter, name: &str, kind: u32) {
    crate::log::debug(format_args!("gen: find_attach_tgt {name} {kind}"));
    ksyms::find_by_name_kind(e, name, kind);
    e.check_err();
}
