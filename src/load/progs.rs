//! Program loading for `bpf_object__load`: link, patch map fds, find the BTF attach
//! target, load with libbpf's log policy, and report verifier failures readably.

use super::features::{has, Feature};
use super::ObjState;
use crate::btf::{Btf, Kind};
use crate::error::{Error, LoadError};
use crate::insn;
use crate::object::calls::{link_into, link_plain_into, plain_prog, Linked, PlainProg};
use crate::object::core::Poisoned;
use crate::object::sec::{self, SecFlags};
use crate::object::RelocKind;
use crate::sys::prog::{prog_load, Log, ProgLoad, Recs};
use crate::sys::UserPtr;
use crate::uapi;
use std::os::fd::{AsRawFd, OwnedFd};

/// What a custom section handler (`libbpf_register_prog_handler`) does at load,
/// supplied by whoever registered it: the core knows only the handler id.
pub trait ProgHooks: Send + Sync {
    /// Called before program `prog` of a handler-`handler` section is loaded;
    /// may change the load attributes. An error fails the load.
    fn prepare(&self, handler: i32, prog: usize, req: &mut ProgLoad<'_>) -> Result<(), Error>;
}

/// Loads every program with `autoload` set, in object order. As libbpf 1.1.2,
/// every program is linked (with its debug lines) before the first is loaded.
pub fn load_all(st: &mut ObjState, mut prepared: super::core::Prepared) -> Result<(), Error> {
    let Some(last) = st.progs.len().checked_sub(1) else {
        return Ok(());
    };
    // One buffer for the func/line info of every program in turn.
    let mut ext = super::ext_info::ProgExt::default();
    // The last program is loaded right after it is linked: an object of one
    // program keeps no list.
    let mut final_one = prepared.take(last);
    if last == 0 {
        prepare(st, last, &mut final_one)?;
        return load_slot(st, last, final_one.as_mut(), &mut ext);
    }
    // The programs before the last wait here, in as little as each needs.
    let mut waiting = Vec::with_capacity(last);
    for i in 0..last {
        waiting.push(wait(st, &mut prepared, i)?);
    }
    prepare(st, last, &mut final_one)?;
    for (i, w) in waiting.iter_mut().enumerate() {
        match w {
            Waiting::Skipped => load_slot(st, i, None, &mut ext)?,
            Waiting::Plain(plain) => {
                let mut p = (Linked::new(), Vec::new());
                link_plain_into(&st.obj, &st.progs[i].def, *plain, &mut p.0);
                load_slot(st, i, Some(&mut p), &mut ext)?
            }
            Waiting::Linked(p) => {
                load_slot(st, i, Some(p), &mut ext)?;
                // What the program no longer needs goes before the next loads.
                *w = Waiting::Skipped;
            }
        }
    }
    load_slot(st, last, final_one.as_mut(), &mut ext)
}

/// A program linked ahead of its load, waiting for the programs before it.
enum Waiting {
    /// Not to be loaded.
    Skipped,
    /// One piece without calls or CO-RE relocations ([`plain_prog`]): nothing
    /// to keep; it is copied when its turn comes.
    Plain(PlainProg),
    /// Linked (or as CO-RE relocated it), its debug lines logged.
    Linked(Box<Prepared>),
}

/// [`prepare`] for a program loaded after others: what it must keep until then.
fn wait(st: &ObjState, prepared: &mut super::core::Prepared, i: usize) -> Result<Waiting, Error> {
    let mut slot = prepared.take(i);
    if slot.is_none() {
        if !st.progs[i].autoload {
            return Ok(Waiting::Skipped);
        }
        if let Some(plain) = plain_prog(&st.obj, &st.progs[i].def) {
            return Ok(Waiting::Plain(plain));
        }
    }
    prepare(st, i, &mut slot)?;
    Ok(match slot {
        Some((mut l, p)) => {
            // Logged: the debug lines are not kept while the program waits.
            l.notes = Vec::new();
            Waiting::Linked(Box::new((l, p)))
        }
        None => Waiting::Skipped,
    })
}

/// Loads program `i` if [`prepare`] made it ready.
fn load_slot(
    st: &mut ObjState,
    i: usize,
    slot: Option<&mut Prepared>,
    ext: &mut super::ext_info::ProgExt,
) -> Result<(), Error> {
    match slot {
        Some(c) => load_one(st, i, c, ext),
        None => {
            crate::log::debug(format_args!(
                "prog '{}': skipped loading",
                st.progs[i].def.name
            ));
            Ok(())
        }
    }
}

/// Program `i` in `slot` linked, unless `slot` holds it as CO-RE relocated
/// it or it is not to be loaded (`slot` left empty), with its link notes
/// logged.
fn prepare(st: &ObjState, i: usize, slot: &mut Option<Prepared>) -> Result<(), Error> {
    if slot.is_none() && st.progs[i].autoload {
        let (linked, _) = slot.insert((Linked::new(), Vec::new()));
        link_into(&st.obj, &st.progs[i].def, linked)?;
    }
    for n in slot.iter().flat_map(|(l, _)| &l.notes) {
        crate::log::debug(format_args!("{n}"));
    }
    Ok(())
}

/// Writes map fds into the linked program's `ld_imm64` instructions.
fn patch_maps(st: &ObjState, prog: &str, linked: &mut Linked) -> Result<(), Error> {
    for &(idx, kind) in &linked.map_refs {
        let (map, off) = match kind {
            RelocKind::MapFd { map } => (map, None),
            RelocKind::MapValue { map, off } => (map, Some(off)),
            _ => continue,
        };
        let m = &st.maps[map];
        if super::fallback::skipped_map(m) {
            super::fallback::poison_ldimm64(prog, &mut linked.insns, idx, map, &m.name);
            continue;
        }
        let Some(fd) = &m.fd else {
            crate::log::warn(format_args!(
                "prog '{prog}': map '{}' is used but was not created (autocreate is off)",
                m.def.name
            ));
            return Err(Error::Inval("program uses a map that was not created"));
        };
        if idx + 1 >= linked.insns.len() {
            return Err(Error::Inval("truncated ld_imm64"));
        }
        let i0 = &mut linked.insns[idx];
        i0.imm = fd.as_raw_fd();
        match off {
            None => i0.set_src(uapi::BPF_PSEUDO_MAP_FD),
            Some(o) => {
                i0.set_src(uapi::BPF_PSEUDO_MAP_VALUE);
                linked.insns[idx + 1].imm = o as i32;
            }
        }
    }
    Ok(())
}

/// The custom handler's prepare step, for a program whose section has one.
fn prepare_custom(st: &ObjState, i: usize, req: &mut ProgLoad<'_>) -> Result<(), Error> {
    let p = &st.progs[i];
    let (Some(def), Some(hooks)) = (p.def.sec_def, &st.hooks.0) else {
        return Ok(());
    };
    if def.handler == 0 {
        return Ok(());
    }
    hooks.prepare(def.handler, i, req).inspect_err(|e| {
        crate::log::warn(format_args!(
            "prog '{}': failed to prepare load attributes: {}",
            p.def.name,
            -e.errno()
        ))
    })
}

/// The function a BTF-attached program names: set by
/// `bpf_program__set_attach_target`, else the section's target; libbpf's
/// warning and EINVAL when there is none.
pub(super) fn attach_target_name(p: &super::ProgState, def: &sec::SecDef) -> Result<String, Error> {
    match (
        &p.attach_func_name,
        sec::attach_target(&p.def.sec_name, def),
    ) {
        (Some(n), _) => Ok(n.clone()),
        (None, Some(t)) if !t.is_empty() => Ok(t.to_string()),
        _ => {
            crate::log::warn(format_args!(
                "prog '{}': no BTF-based attach target in section '{}', use bpf_program__set_attach_target()",
                p.def.name, p.def.sec_name
            ));
            Err(Error::Inval("missing attach target"))
        }
    }
}

/// `attach_btf_id` for programs that attach to a kernel BTF entity (tp_btf, fentry,
/// fexit, fmod_ret, lsm, iter), found in vmlinux by name, or to a function of a
/// BPF program (freplace, or any of them with `attach_prog_fd`), found in that
/// program's BTF (`btf-core.md` §4.6).
pub(super) fn attach_btf_id(p: &super::ProgState, custom_btf: Option<&str>) -> Result<u32, Error> {
    if p.attach_btf_id != 0 {
        return Ok(p.attach_btf_id);
    }
    let Some(def) = p.def.sec_def else {
        return Ok(0);
    };
    if !def.flags.contains(SecFlags::ATTACH_BTF) {
        return Ok(0);
    }
    let target = attach_target_name(p, def)?;
    // A function of another BPF program: always for freplace, and for tracing
    // programs given a target program fd.
    if p.def.prog_type == uapi::BPF_PROG_TYPE_EXT || p.attach_prog_fd != 0 {
        return super::target::load_time_btf_id(&p.def.name, p.attach_prog_fd, &target);
    }
    find_attach_target(&target, p.def.expected_attach_type, custom_btf).inspect_err(|e| {
        crate::log::warn(format_args!(
            "prog '{}': failed to find kernel BTF type ID of '{target}': {e}",
            p.def.name
        ))
    })
}

/// The kernel BTF id of `target` for `attach_type` (libbpf's name prefixes per
/// attach type), from vmlinux or `custom_btf`: ENOENT when absent.
pub fn find_vmlinux_btf_id(
    target: &str,
    attach_type: u32,
    custom_btf: Option<&str>,
) -> Result<u32, Error> {
    let look = sec::btf_lookup(attach_type);
    let name = format!("{}{target}", look.prefix);
    if name.len() >= 128 {
        return Err(Error::NameTooLong("attach target name too long"));
    }
    let vmlinux = match custom_btf {
        Some(path) => Btf::from_file(std::path::Path::new(path)).map(std::sync::Arc::new),
        None => Btf::vmlinux(),
    }?;
    let kind = if look.kind == Kind::Typedef as u32 {
        Kind::Typedef
    } else {
        Kind::Func
    };
    vmlinux
        .find_by_name_kind(&name, kind)
        .ok_or(Error::NotFound("no such type in kernel BTF"))
}

/// A program linked and CO-RE-relocated ahead of loading.
type Prepared = (Linked, Vec<Poisoned>);

/// [`find_vmlinux_btf_id`] for a program's attach target: not found is ESRCH
/// (libbpf searches vmlinux and modules).
pub(super) fn find_attach_target(
    target: &str,
    attach_type: u32,
    custom_btf: Option<&str>,
) -> Result<u32, Error> {
    find_vmlinux_btf_id(target, attach_type, custom_btf).map_err(|e| match e.errno() {
        libc::ENOENT => Error::NoMatch("attach target not found in kernel BTF"),
        _ => e,
    })
}

/// libbpf's last word on a program whose load step failed.
fn failed_to_load(name: &str, e: Error) -> Error {
    crate::log::warn(format_args!(
        "prog '{name}': failed to load: -{}",
        e.errno()
    ));
    e
}

const OWN_LOG_START: u32 = 256 * 1024;
const OWN_LOG_MAX: u32 = 16 * 1024 * 1024;

fn load_one(
    st: &mut ObjState,
    i: usize,
    prepared: &mut Prepared,
    ext: &mut super::ext_info::ProgExt,
) -> Result<(), Error> {
    // Linked, and CO-RE-relocated where the program has CO-RE relocations.
    let (linked, poisoned) = prepared;
    // Instructions given by `set_insns` replace the code; the ELF's func/line info
    // no longer describes them, so it is not sent.
    let custom = st.progs[i].insns.is_some();
    if let Some(custom) = st.progs[i].insns.clone() {
        linked.insns = custom;
        linked.map_refs.clear();
    } else if st.gen.is_some() {
        super::gen::relocate(st, linked)?;
    } else {
        patch_maps(st, &st.progs[i].def.name, linked)?;
        if !st.obj.externs.is_empty() {
            super::externs::patch(st, &st.progs[i].def.name, linked)?;
        }
    }
    if st.gen.is_some() {
        return super::gen::prog_load(st, i, linked);
    }
    let p = &st.progs[i];
    let name: &str = &p.def.name;
    if p.def.prog_type == uapi::BPF_PROG_TYPE_UNSPEC {
        crate::log::warn(format_args!(
            "prog '{name}': missing BPF prog type, check ELF section name '{}'",
            p.def.sec_name
        ));
        return Err(failed_to_load(name, Error::Inval("unknown program type")));
    }
    let attach_btf_id = attach_btf_id(p, st.opts.btf_custom_path.as_deref())?;
    if custom || linked.probe_reads {
        super::fallback::rewrite_probe_reads(&mut linked.insns);
    }
    let encoded;
    let code = match insn::wire_slice(&linked.insns) {
        Some(w) => UserPtr::from_ptr(w.as_ptr()),
        None => {
            encoded = insn::encode_all(&linked.insns);
            UserPtr::from_ptr(encoded.as_ptr())
        }
    };
    match (&st.btf_fd, &st.obj.btf_ext) {
        (Some(_), Some(e)) if !custom => {
            super::ext_info::for_program_in(&st.obj, e, name, linked, ext)
        }
        _ => ext.clear(),
    }
    let ext = &*ext;
    let mut req = ProgLoad {
        prog_type: p.def.prog_type,
        name: if has(Feature::ProgName) {
            crate::sys::attr::obj_name(name.as_bytes())
        } else {
            [0; 16]
        },
        license: UserPtr::from_ptr(st.obj.license.as_ptr()),
        insns: code,
        insn_cnt: linked.insns.len(),
        expected_attach_type: p.def.expected_attach_type,
        prog_flags: p.prog_flags | section_prog_flags(p),
        prog_ifindex: p.ifindex,
        kern_version: st.kversion,
        attach_btf_id,
        attach_prog_fd: p.attach_prog_fd.max(0) as u32,
        fd_array: super::externs::fd_array(st),
        ..ProgLoad::default()
    };
    // func/line info only where the kernel knows BTF FUNC, as libbpf decides.
    let btf_fd = st.btf_fd.as_ref().filter(|_| has(Feature::BtfFunc));
    if let Some(btf_fd) = btf_fd {
        if let Some((rec, cnt, data)) = ext.func_info() {
            req.prog_btf_fd = btf_fd.as_raw_fd() as u32;
            req.func_info = Recs::from_slice(data, cnt, rec).unwrap_or_default();
        }
        if let Some((rec, cnt, data)) = ext.line_info() {
            req.prog_btf_fd = btf_fd.as_raw_fd() as u32;
            req.line_info = Recs::from_slice(data, cnt, rec).unwrap_or_default();
        }
    }
    prepare_custom(st, i, &mut req)?;
    // Log policy (libbpf 1.x): the caller's buffer (program, then object option) at
    // the requested level; without one, load silently, and after a failure retry
    // with our own buffer at level 1 (growing on ENOSPC) to report the reason.
    let user_log = p
        .log_buf
        .map(|(b, s)| (b, s, p.log_level))
        .or(st.opts.kernel_log);
    let res = match user_log {
        Some((buf, size, level)) => {
            req.log = Log { buf, size, level };
            prog_load(&req).map_err(|e| (e, None))
        }
        None if p.log_level != 0 => load_with_own_log(&mut req, p.log_level, name, poisoned),
        None => match prog_load(&req) {
            Ok(fd) => Ok(fd),
            Err(_) => load_with_own_log(&mut req, 1, name, poisoned),
        },
    };
    match res {
        Ok(fd) => {
            bind_rodata(st, name, fd.as_raw_fd());
            let ps = &mut st.progs[i];
            ps.fd = Some(fd);
            ps.insns = Some(std::mem::take(&mut linked.insns));
            Ok(())
        }
        Err((cause, insn)) => {
            super::fallback::explain_prog_refusal(name, &linked.insns);
            let e = Error::Load(Box::new(LoadError {
                obj: st.obj.name.to_string(),
                prog: name.to_string(),
                sec: st.progs[i].def.sec_name.to_string(),
                core: poisoned
                    .iter()
                    .find(|p| Some(p.insn) == insn)
                    .map(|p| p.spec.clone()),
                insn,
                cause,
            }));
            crate::log::warn(format_args!("{e}"));
            if e.errno() == libc::EPERM {
                if let Some(limit) = crate::sys::kernel::perm_hint() {
                    crate::log::warn(format_args!(
                        "permission error while running as root; try raising 'ulimit -l'? current value: {limit}"
                    ));
                }
            }
            Err(failed_to_load(name, e))
        }
    }
}

/// Binds the object's (last) read-only data map to a loaded program, as libbpf
/// does, so tools see the `.rodata` of every program; a failure only warns.
fn bind_rodata(st: &ObjState, prog: &str, prog_fd: i32) {
    use crate::object::maps::{DataKind, MapKind};
    let Some(m) = st
        .maps
        .iter()
        .rev()
        .find(|m| m.def.kind == MapKind::Data(DataKind::Rodata))
    else {
        return;
    };
    let Some(map_fd) = &m.fd else { return };
    if !has(Feature::ProgBindMap) {
        return;
    }
    if let Err(e) = crate::sys::prog::prog_bind_map(prog_fd, map_fd.as_raw_fd(), 0) {
        crate::log::warn(format_args!(
            "prog '{prog}': failed to bind map '{}': {e}",
            m.name
        ));
    }
}

/// Load flags the section implies, added at load as libbpf's `prepare` step does
/// (so `bpf_program__flags` does not show them): `BPF_F_SLEEPABLE` for sleepable
/// sections (`fentry.s/`, `lsm.s/`, `syscall`, `uprobe.s/`, …), `BPF_F_XDP_HAS_FRAGS`
/// for `xdp.frags`.
pub(super) fn section_prog_flags(p: &super::ProgState) -> u32 {
    use uapi::{BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS};
    p.def.sec_def.map_or(0, |d| {
        (if d.is_sleepable() { BPF_F_SLEEPABLE } else { 0 })
            | (if d.has_xdp_frags() {
                BPF_F_XDP_HAS_FRAGS
            } else {
                0
            })
    })
}

/// Loads with a library-owned log buffer and prints the log's head and tail; a
/// failure comes with the instruction the verifier stopped at.
fn load_with_own_log(
    req: &mut ProgLoad<'_>,
    level: u32,
    name: &str,
    poisoned: &[Poisoned],
) -> Result<OwnedFd, (Error, Option<usize>)> {
    let mut size = OWN_LOG_START;
    loop {
        let mut buf = vec![0u8; size as usize];
        req.log = Log {
            buf: UserPtr::from_mut(buf.as_mut_ptr()),
            size,
            level,
        };
        match prog_load(req) {
            Err(e) if e.errno() == libc::ENOSPC && size < OWN_LOG_MAX => size *= 2,
            Err(e) => {
                print_log(name, &buf, poisoned);
                return Err((e, failed_insn(&buf)));
            }
            Ok(fd) => return Ok(fd),
        }
    }
}

/// The instruction a failed verification stopped at: the index on the log's
/// last instruction line (`12: (85) call ...`), if it has one.
fn failed_insn(buf: &[u8]) -> Option<usize> {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let text = String::from_utf8_lossy(&buf[..end]);
    text.lines().rev().find_map(|l| {
        let (idx, rest) = l.split_once(": ")?;
        if !rest.starts_with('(') {
            return None;
        }
        idx.parse().ok()
    })
}

/// Prints a verifier log through the print callback: the first and last lines, with
/// the program's name, and how many lines were left out in between.
fn print_log(name: &str, buf: &[u8], poisoned: &[Poisoned]) {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let text = super::core::fixup_log(&String::from_utf8_lossy(&buf[..end]), poisoned);
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return;
    }
    const HEAD: usize = 20;
    const TAIL: usize = 30;
    let mut out = format!("prog '{name}': -- BEGIN PROG LOAD LOG --\n");
    let mut push = |l: &str| {
        out.push_str(l);
        out.push('\n');
    };
    if lines.len() <= HEAD + TAIL {
        lines.iter().for_each(|l| push(l));
    } else {
        lines[..HEAD].iter().for_each(|l| push(l));
        push(&format!(
            "... ({} lines omitted) ...",
            lines.len() - HEAD - TAIL
        ));
        lines[lines.len() - TAIL..].iter().for_each(|l| push(l));
    }
    out.push_str("-- END PROG LOAD LOG --");
    crate::log::warn(format_args!("{out}"));
}

#[cfg(test)]
mod tests {
    use super::failed_insn;

    #[test]
    fn the_failed_instruction_is_the_last_one_the_verifier_printed() {
        let log = b"func#0 @0\n0: R1=ctx() R10=fp0\n; int *p = skb->data; @ x.c:25\n\
                    0: (b7) r0 = 0\n7: (61) r1 = *(u32 *)(r1 +76)\n\
                    invalid bpf_context access off=76 size=4\nprocessed 2 insns\n\0junk";
        assert_eq!(failed_insn(log), Some(7));
        assert_eq!(failed_insn(b"0: R1=ctx()\nno instruction lines\n"), None);
        assert_eq!(failed_insn(b""), None);
    }
}
