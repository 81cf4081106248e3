//! Global-data maps before load: their initial value lives in an anonymous
//! mapping whose address `bpf_map__initial_value` hands out; load remaps the map
//! itself over the same address (libbpf's behaviour, which skeletons rely on).

use crate::error::Error;
use crate::object::maps::{MapDef, MapKind, BPF_F_MMAPABLE};
use crate::sys::mmap::{page_size, Mapping};

/// Bytes mapped for a data map whose value is `value_size` bytes.
pub fn mmap_len(value_size: usize) -> usize {
    value_size.div_ceil(page_size()).max(1) * page_size()
}

/// The pre-load mapping of a global-data map, holding its ELF initial value.
pub fn initial_mapping(def: &MapDef) -> Result<Option<Mapping>, Error> {
    if !matches!(def.kind, MapKind::Data(_)) || def.map_flags & BPF_F_MMAPABLE == 0 {
        return Ok(None);
    }
    let mut m = Mapping::anon(mmap_len(def.value_size as usize))?;
    if let Some(init) = &def.init {
        let n = init.len().min(def.value_size as usize);
        m.write_at_start(&init[..n]);
    }
    Ok(Some(m))
}
