//! struct_ops maps as libbpf 1.1.2 makes them: each variable of the `.struct_ops`
//! section (a kernel struct_ops type such as `struct tcp_congestion_ops`) becomes
//! a `BPF_MAP_TYPE_STRUCT_OPS` map ([`maps_from_section`]); the relocations of
//! `.rel.struct_ops` put programs into its function-pointer members
//! ([`assign_program`]); at load, the object's struct is matched member by member
//! with the kernel's and its data copied into the kernel's value layout
//! `struct bpf_struct_ops_<name>` ([`kernel_value`]).
//!
//! libbpf 1.1.2 knows only `.struct_ops`: `.struct_ops.link` (`BPF_F_LINK`
//! maps) came with libbpf 1.2, and 1.1.2 skips that section like any unknown one.
//! Must not call: `crate::sys` (pure: BTF in, bytes out).
//! Spec: `btf-core.md` §2.3, §4.1, §4.5.

use super::maps::{MapDef, MapKind};
use super::{format_err, reloc_err, Object};
use crate::btf::{Btf, Kind};
use crate::error::Error;
use crate::uapi::{BPF_MAP_TYPE_STRUCT_OPS, BPF_PROG_TYPE_STRUCT_OPS};

/// The section libbpf 1.1.2 reads struct_ops variables from.
pub const SEC_NAME: &str = ".struct_ops";

/// The prefix of the kernel's value type (`struct bpf_struct_ops_<name>`).
pub const VALUE_PREFIX: &str = "bpf_struct_ops_";

/// One struct_ops variable: its struct in the object's BTF, its bytes, and the
/// programs its function pointers name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructOps {
    /// The struct's type id in the object's BTF.
    pub type_id: u32,
    /// The struct's name (looked up in the kernel's BTF at load).
    pub tname: String,
    /// The variable's initial bytes, in the object's layout.
    pub data: Vec<u8>,
    /// Per member of the object's struct: the program (index into
    /// [`Object::progs`]) its function pointer names.
    pub progs: Vec<Option<usize>>,
    /// The kernel's side, set at load ([`kernel_value`]).
    pub kern: Option<KernValue>,
}

/// The kernel's side of a struct_ops map, worked out at load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernValue {
    /// The kernel struct's id in vmlinux BTF: the programs' `attach_btf_id`.
    pub type_id: u32,
    /// `struct bpf_struct_ops_<name>`'s id: the map's `btf_vmlinux_value_type_id`.
    pub value_type_id: u32,
    /// The map value: the data members copied in, function pointers zero.
    pub value: Vec<u8>,
    /// (program, byte offset of its function pointer in `value`, kernel member
    /// index: the program's `expected_attach_type`).
    pub funcs: Vec<(usize, usize, u32)>,
}

/// The maps of section `shndx` (`.struct_ops`, contents `data`), in DATASEC
/// order, with libbpf's checks and messages. No BTF is ENOENT, as libbpf says
/// ("BTF is required, but is missing or corrupted.").
pub fn maps_from_section(
    btf: Option<&Btf>,
    shndx: usize,
    data: &[u8],
) -> Result<Vec<MapDef>, Error> {
    let Some(btf) = btf else {
        crate::log::warn(format_args!(
            "BTF is required, but is missing or corrupted."
        ));
        return Err(Error::NotFound("struct_ops needs BTF"));
    };
    let Some(ds) = btf.find_by_name_kind(SEC_NAME, Kind::Datasec) else {
        crate::log::warn(format_args!(
            "struct_ops init: DATASEC {SEC_NAME} not found"
        ));
        return Err(Error::Inval("struct_ops DATASEC not found"));
    };
    let ds = btf.ty(ds).ok_or(Error::Inval("bad struct_ops DATASEC"))?;
    let mut maps = Vec::new();
    for v in ds.datasec_vars() {
        let var_name = btf.ty(v.type_id).map_or("", |t| t.name()).to_string();
        let Ok(type_id) = btf.resolve_type(v.type_id) else {
            crate::log::warn(format_args!(
                "struct_ops init: Cannot resolve var type_id {} in DATASEC {SEC_NAME}",
                v.type_id
            ));
            return Err(Error::Inval("struct_ops variable type does not resolve"));
        };
        let t = btf.ty(type_id).ok_or(Error::Inval("bad struct_ops type"))?;
        let tname = t.name();
        if tname.is_empty() {
            crate::log::warn(format_args!(
                "struct_ops init: anonymous type is not supported"
            ));
            return Err(Error::Unsupported("anonymous struct_ops type"));
        }
        if t.kind() != Kind::Struct {
            crate::log::warn(format_args!("struct_ops init: {tname} is not a struct"));
            return Err(Error::Inval("struct_ops variable is not a struct"));
        }
        let (off, size) = (v.offset as usize, t.size() as usize);
        let Some(bytes) = data.get(off..off.saturating_add(size)) else {
            crate::log::warn(format_args!(
                "struct_ops init: var {var_name} is beyond the end of DATASEC {SEC_NAME}"
            ));
            return Err(Error::Inval("struct_ops variable past its section"));
        };
        let mut m = MapDef::empty(var_name, MapKind::StructOps, shndx);
        m.map_type = BPF_MAP_TYPE_STRUCT_OPS;
        m.key_size = 4;
        m.value_size = t.size();
        m.max_entries = 1;
        m.sec_off = u64::from(v.offset);
        m.sec_size = u64::from(t.size());
        m.st_ops = Some(Box::new(StructOps {
            type_id,
            tname: tname.to_string(),
            data: bytes.to_vec(),
            progs: vec![None; t.vlen() as usize],
            kern: None,
        }));
        crate::log::debug(format_args!(
            "struct_ops init: struct {tname}(type_id={type_id}) {} found at offset {}",
            m.name, v.offset
        ));
        maps.push(m);
    }
    Ok(maps)
}

/// One relocation of `.rel.struct_ops`: where it applies and the symbol it names.
#[derive(Debug, Clone, Copy)]
pub struct StRelo<'a> {
    pub offset: u64,
    pub sym_name: &'a str,
    /// The symbol's section index (`SHN_*` values included) and value.
    pub sym_shndx: usize,
    pub sym_value: u64,
    /// The ELF symbol type and index, for libbpf's debug line.
    pub sym_idx: usize,
}

/// `SHN_LORESERVE`: section indexes from here on are special.
const SHN_LORESERVE: usize = 0xff00;

/// Puts the program that relocation `r` names into its struct_ops map's member
/// (libbpf's `bpf_object__collect_st_ops_relos`): the program must be a struct_ops
/// one, and one program may serve several maps only through the same member of
/// the same struct type. Sets the program's expected attach type to the member's
/// index (its kernel index replaces it at load).
pub fn assign_program(obj: &mut Object, r: &StRelo<'_>) -> Result<(), Error> {
    let Some(mi) = obj.maps.iter().position(|m| {
        m.st_ops.is_some() && (m.sec_off..m.sec_off + m.sec_size).contains(&r.offset)
    }) else {
        crate::log::warn(format_args!(
            "struct_ops reloc: cannot find map at rel->r_offset {}",
            r.offset
        ));
        return Err(Error::Inval("struct_ops relocation outside every map"));
    };
    let map_name = obj.maps[mi].name.clone();
    let moff = r.offset - obj.maps[mi].sec_off;
    crate::log::debug(format_args!(
        "struct_ops reloc {map_name}: for {} value {} shdr_idx {} rel->r_offset {} map->sec_offset {} name ('{}')",
        r.sym_idx, r.sym_value, r.sym_shndx, r.offset, obj.maps[mi].sec_off, r.sym_name
    ));
    if r.sym_shndx >= SHN_LORESERVE {
        crate::log::warn(format_args!(
            "struct_ops reloc {map_name}: rel->r_offset {} shdr_idx {} unsupported non-static function",
            r.offset, r.sym_shndx
        ));
        return Err(reloc_err(format!(
            "struct_ops map {map_name}: non-static function"
        )));
    }
    if r.sym_value % 8 != 0 {
        crate::log::warn(format_args!(
            "struct_ops reloc {map_name}: invalid target program offset {}",
            r.sym_value
        ));
        return Err(format_err(format!(
            "struct_ops map {map_name}: misaligned program"
        )));
    }
    let btf = obj.btf.as_ref().ok_or(Error::Inval("no BTF"))?;
    let st = obj.maps[mi]
        .st_ops
        .as_ref()
        .ok_or(Error::Bug("no st_ops"))?;
    let t = btf
        .ty(st.type_id)
        .ok_or(Error::Inval("bad struct_ops type"))?;
    let Some((member_idx, member)) = t
        .members()
        .enumerate()
        .find(|(_, m)| u64::from(m.bit_offset) == moff * 8)
    else {
        crate::log::warn(format_args!(
            "struct_ops reloc {map_name}: cannot find member at moff {moff}"
        ));
        return Err(Error::Inval("struct_ops relocation not at a member"));
    };
    let mname = member.name.to_string();
    if !is_func_ptr(btf, member.type_id) {
        crate::log::warn(format_args!(
            "struct_ops reloc {map_name}: cannot relocate non func ptr {mname}"
        ));
        return Err(Error::Inval(
            "struct_ops relocation of a non-function member",
        ));
    }
    let insn_idx = (r.sym_value / 8) as usize;
    let Some(pi) = obj
        .progs
        .iter()
        .position(|p| obj.code[p.code].shndx == r.sym_shndx && p.insn_off == insn_idx)
    else {
        crate::log::warn(format_args!(
            "struct_ops reloc {map_name}: cannot find prog at shdr_idx {} to relocate func ptr {mname}",
            r.sym_shndx
        ));
        return Err(Error::Inval("struct_ops relocation names no program"));
    };
    let (type_id, member_idx) = (st.type_id, member_idx as u32);
    let p = &obj.progs[pi];
    if p.prog_type != BPF_PROG_TYPE_STRUCT_OPS {
        crate::log::warn(format_args!(
            "struct_ops reloc {map_name}: prog {} is not struct_ops BPF program",
            p.name
        ));
        return Err(Error::Inval(
            "program in a struct_ops map is not struct_ops",
        ));
    }
    // The struct type each program serves, as libbpf's `attach_btf_id` records it
    // at open: the first map to name a program decides.
    let used = obj
        .maps
        .iter()
        .filter_map(|m| m.st_ops.as_ref())
        .find_map(|s| {
            s.progs
                .iter()
                .position(|&q| q == Some(pi))
                .map(|i| (s.type_id, i as u32))
        });
    if let Some((tid, idx)) = used.filter(|&u| u != (type_id, member_idx)) {
        crate::log::warn(format_args!(
            "struct_ops reloc {map_name}: cannot use prog {} in sec {} with type {} attach_btf_id {tid} expected_attach_type {idx} for func ptr {mname}",
            p.name, p.sec_name, p.prog_type
        ));
        return Err(Error::Inval("program used by two struct_ops members"));
    }
    obj.progs[pi].expected_attach_type = member_idx;
    if let Some(st) = obj.maps[mi].st_ops.as_mut() {
        st.progs[member_idx as usize] = Some(pi);
    }
    Ok(())
}

/// Whether `id` is a pointer to a function prototype (modifiers and typedefs skipped).
fn is_func_ptr(btf: &Btf, id: u32) -> bool {
    btf.skip_mods_and_typedefs(id)
        .filter(|(_, t)| t.kind() == Kind::Ptr)
        .and_then(|(_, t)| btf.skip_mods_and_typedefs(t.type_id()))
        .is_some_and(|(_, t)| t.kind() == Kind::FuncProto)
}

/// The kernel struct `tname`, its value type `bpf_struct_ops_<tname>`, and the
/// byte offset of the struct inside that value type.
fn kernel_types(kern: &Btf, tname: &str) -> Result<(u32, u32, usize), Error> {
    let Some(type_id) = kern.find_by_name_kind(tname, Kind::Struct) else {
        crate::log::warn(format_args!(
            "struct_ops init_kern: struct {tname} is not found in kernel BTF"
        ));
        return Err(Error::NotFound("struct_ops type not in kernel BTF"));
    };
    let Some(vtype_id) = kern.find_by_name_kind(&format!("{VALUE_PREFIX}{tname}"), Kind::Struct)
    else {
        crate::log::warn(format_args!(
            "struct_ops init_kern: struct {VALUE_PREFIX}{tname} is not found in kernel BTF"
        ));
        return Err(Error::NotFound("struct_ops value type not in kernel BTF"));
    };
    let vt = kern.ty(vtype_id).ok_or(Error::Inval("bad kernel BTF"))?;
    let Some(data) = vt.members().find(|m| m.type_id == type_id) else {
        crate::log::warn(format_args!(
            "struct_ops init_kern: struct {tname} data is not found in struct {VALUE_PREFIX}{tname}"
        ));
        return Err(Error::Inval("struct_ops value type lacks the struct"));
    };
    Ok((type_id, vtype_id, (data.bit_offset / 8) as usize))
}

/// The kernel value of struct_ops map `map_name` (libbpf's
/// `bpf_map__init_kern_struct_ops`): every member of the object's struct must
/// exist by name in the kernel's, with the same kind, no bitfields, and for data
/// members the same size; data is copied to the kernel's offsets, and each
/// program's function-pointer slot is recorded. A mismatch is EOPNOTSUPP with
/// libbpf's message; a struct the kernel lacks is ENOENT. `prog_names` names
/// the object's programs, for the debug lines.
pub fn kernel_value(
    st: &StructOps,
    map_name: &str,
    btf: &Btf,
    kern: &Btf,
    prog_names: &[&str],
) -> Result<KernValue, Error> {
    let (type_id, value_type_id, data_off) = kernel_types(kern, &st.tname)?;
    crate::log::debug(format_args!(
        "struct_ops init_kern {map_name}: type_id:{} kern_type_id:{type_id} kern_vtype_id:{value_type_id}",
        st.type_id
    ));
    let vsize = kern.resolve_size(value_type_id)? as usize;
    let t = btf
        .ty(st.type_id)
        .ok_or(Error::Inval("bad struct_ops type"))?;
    let kt = kern.ty(type_id).ok_or(Error::Inval("bad kernel BTF"))?;
    let mut out = KernValue {
        type_id,
        value_type_id,
        value: vec![0; vsize],
        funcs: Vec::new(),
    };
    let unsupported = |what| Err(Error::Unsupported(what));
    for (i, m) in t.members().enumerate() {
        let mname = m.name;
        let Some((kidx, km)) = kt.members().enumerate().find(|(_, k)| k.name == mname) else {
            crate::log::warn(format_args!(
                "struct_ops init_kern {map_name}: Cannot find member {mname} in kernel BTF"
            ));
            return unsupported("struct_ops member missing in the kernel's struct");
        };
        if m.bitfield_size != 0 || km.bitfield_size != 0 {
            crate::log::warn(format_args!(
                "struct_ops init_kern {map_name}: bitfield {mname} is not supported"
            ));
            return unsupported("struct_ops bitfield member");
        }
        let (moff, kmoff) = ((m.bit_offset / 8) as usize, (km.bit_offset / 8) as usize);
        let resolved = (
            btf.skip_mods_and_typedefs(m.type_id),
            kern.skip_mods_and_typedefs(km.type_id),
        );
        let (Some((mtid, mt)), Some((kmtid, kmt))) = resolved else {
            return Err(Error::Inval("struct_ops member type does not resolve"));
        };
        if mt.kind() != kmt.kind() {
            crate::log::warn(format_args!(
                "struct_ops init_kern {map_name}: Unmatched member type {mname} {} != {}(kernel)",
                mt.kind() as u32,
                kmt.kind() as u32
            ));
            return unsupported("struct_ops member of another kind than the kernel's");
        }
        if mt.kind() == Kind::Ptr {
            let Some(prog) = st.progs.get(i).copied().flatten() else {
                continue;
            };
            if kern
                .skip_mods_and_typedefs(kmt.type_id())
                .is_none_or(|(_, f)| f.kind() != Kind::FuncProto)
            {
                crate::log::warn(format_args!(
                    "struct_ops init_kern {map_name}: kernel member {mname} is not a func ptr"
                ));
                return unsupported("struct_ops kernel member is not a function pointer");
            }
            out.funcs.push((prog, data_off + kmoff, kidx as u32));
            crate::log::debug(format_args!(
                "struct_ops init_kern {map_name}: func ptr {mname} is set to prog {} from data(+{moff}) to kern_data(+{kmoff})",
                prog_names.get(prog).unwrap_or(&"?")
            ));
            continue;
        }
        let (msize, kmsize) = (btf.resolve_size(mtid), kern.resolve_size(kmtid));
        let size = match (msize, kmsize) {
            (Ok(a), Ok(b)) if a == b => a as usize,
            (a, b) => {
                let show = |r: Result<u32, Error>| r.map_or(-22i64, i64::from);
                crate::log::warn(format_args!(
                    "struct_ops init_kern {map_name}: Error in size of member {mname}: {} != {}(kernel)",
                    show(a),
                    show(b)
                ));
                return unsupported("struct_ops member size differs from the kernel's");
            }
        };
        crate::log::debug(format_args!(
            "struct_ops init_kern {map_name}: copy {mname} {size} bytes from data(+{moff}) to kern_data(+{kmoff})"
        ));
        let src = st.data.get(moff..moff + size);
        let dst = out.value.get_mut(data_off + kmoff..data_off + kmoff + size);
        match (src, dst) {
            (Some(s), Some(d)) => d.copy_from_slice(s),
            _ => return Err(Error::Inval("struct_ops member outside its struct")),
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "struct_ops_tests.rs"]
mod tests;
