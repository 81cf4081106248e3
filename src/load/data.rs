//! Global-data maps before load: their initial value lives in an anonymous
//! mapping whose address `bpf_map__initial_value` hands out; load remaps the map
//! itself over the same address (libbpf's behaviour, which skeletons rely on).

use crate::error::Error;
use crate::object::maps::{MapDef, MapKind};
use crate::sys::mmap::{page_size, Mapping};
use crate::uapi::{BPF_F_MMAPABLE, BPF_F_RDONLY_PROG};

/// Bytes mapped for a data map whose value is `value_size` bytes.
pub fn mmap_len(value_size: usize) -> usize {
    value_size.div_ceil(page_size()).max(1) * page_size()
}

/// The pre-load mapping of a global-data map, holding its ELF initial value `init`.
pub fn initial_mapping(def: &MapDef, init: Option<&[u8]>) -> Result<Option<Mapping>, Error> {
    // Every global-data map gets one (as libbpf), mmapable in the kernel or not.
    if !matches!(def.kind, MapKind::Data(_)) {
        return Ok(None);
    }
    let mut m = Mapping::anon(mmap_len(def.value_size as usize))?;
    if let Some(init) = init {
        let n = init.len().min(def.value_size as usize);
        m.write_at_start(&init[..n]);
    }
    Ok(Some(m))
}

impl super::ObjState {
    /// Skeleton load (`bpf_object__load_skeleton`): maps a loaded global-data map's
    /// memory over its initial-value mapping at the same address (read-only for
    /// `.rodata`), so the skeleton's pointers now reach the map itself. `None` for a
    /// map that is not mmapable.
    pub fn remap_data_map(&mut self, i: usize) -> Result<Option<*mut u8>, Error> {
        let m = self.maps.get_mut(i).ok_or(Error::Inval("no such map"))?;
        if m.def.map_flags & BPF_F_MMAPABLE == 0 {
            return Ok(None);
        }
        let (Some(fd), Some(mm)) = (&m.fd, &mut m.mmap) else {
            return Ok(None);
        };
        let writable = m.def.map_flags & BPF_F_RDONLY_PROG == 0;
        use std::os::fd::AsFd;
        mm.remap_shared(fd.as_fd(), writable).inspect_err(|e| {
            crate::log::warn(format_args!("failed to re-mmap() map '{}': {e}", m.name))
        })?;
        Ok(Some(mm.as_ptr()))
    }
}

impl super::ObjState {
    /// The offset of global variable `name` in data map `i`, from the map's DATASEC
    /// (`None` when the section has no such variable); EINVAL when the map's value
    /// type is not a DATASEC (subskeletons).
    pub fn data_var_offset(&self, i: usize, name: &str) -> Result<Option<u32>, Error> {
        let m = self.maps.get(i).ok_or(Error::Inval("no such map"))?;
        let btf = self
            .obj
            .btf
            .as_ref()
            .ok_or(Error::Inval("object has no BTF"))?;
        let ds = btf
            .ty(m.def.btf_value_type_id)
            .filter(|t| m.def.btf_value_type_id != 0 && t.kind() == crate::btf::Kind::Datasec)
            .ok_or_else(|| {
                crate::log::warn(format_args!("type for map '{}' is not a datasec", m.name));
                Error::Inval("map value type is not a DATASEC")
            })?;
        Ok(ds
            .datasec_vars()
            .find(|v| btf.ty(v.type_id).is_some_and(|t| t.name() == name))
            .map(|v| v.offset))
    }
}
