//! struct_ops maps at load, as libbpf 1.1.2's `bpf_object__load` handles them:
//! the object's BTF must have reached the kernel ("BTF is mandatory"), each
//! map's struct is matched with vmlinux's ([`object::struct_ops::kernel_value`])
//! before any map is created, the map's value size becomes the kernel value
//! type's and its programs get the kernel struct as `attach_btf_id` and their
//! kernel member index as expected attach type. The map is created with the
//! object's BTF fd and `btf_vmlinux_value_type_id` ([`create_request`]); its value
//! is written only at attach (`attach::struct_ops`).
//! Spec: `btf-core.md` §2.3, §4.1, §4.4.
//!
//! [`object::struct_ops::kernel_value`]: crate::object::struct_ops::kernel_value

use super::ObjState;
use crate::btf::Btf;
use crate::error::Error;
use crate::object::struct_ops::kernel_value;
use crate::object::MapDef;
use crate::sys::map::MapCreate;
use std::os::fd::AsRawFd;

/// Works out every struct_ops map's kernel value and its programs' attach
/// targets. Nothing to do for an object without struct_ops maps.
pub fn prepare(st: &mut ObjState) -> Result<(), Error> {
    if st.maps.iter().all(|m| m.def.st_ops.is_none()) {
        return Ok(());
    }
    if st.btf_fd.is_none() {
        crate::log::warn(format_args!("BTF is mandatory, can't proceed."));
        return Err(Error::NotFound(
            "struct_ops maps need the object's BTF in the kernel",
        ));
    }
    let vmlinux = Btf::vmlinux()
        .inspect_err(|e| crate::log::warn(format_args!("Error loading vmlinux BTF: {e}")))?;
    let btf = st
        .obj
        .btf
        .as_ref()
        .ok_or(Error::Bug("struct_ops map without BTF"))?;
    // The program names, apart from the states the loop below edits.
    let owned: Vec<crate::object::Name> = st.progs.iter().map(|p| p.def.name.clone()).collect();
    let names: Vec<&str> = owned.iter().map(|n| n.as_str()).collect();
    for m in &mut st.maps {
        let Some(so) = m.def.st_ops.as_mut() else {
            continue;
        };
        let kv = kernel_value(so, &m.def.name, btf, &vmlinux, &names)?;
        m.def.value_size = kv.value.len() as u32;
        for &(prog, _, member) in &kv.funcs {
            if let Some(p) = st.progs.get_mut(prog) {
                p.attach_btf_id = kv.type_id;
                p.def.expected_attach_type = member;
            }
        }
        so.kern = Some(kv);
    }
    Ok(())
}

/// The struct_ops parts of a map's `BPF_MAP_CREATE`: the object's BTF fd (the
/// kernel wants one whenever `btf_vmlinux_value_type_id` is set) and the kernel
/// value type's id; no key or value type ids, as libbpf sends.
pub fn create_request(st: &ObjState, def: &MapDef, p: &mut MapCreate) {
    let Some(kern) = def.st_ops.as_ref().and_then(|s| s.kern.as_ref()) else {
        return;
    };
    p.btf_vmlinux_value_type_id = kern.value_type_id;
    p.btf_key_type_id = 0;
    p.btf_value_type_id = 0;
    if let Some(fd) = &st.btf_fd {
        p.btf_fd = fd.as_raw_fd() as u32;
    }
}
