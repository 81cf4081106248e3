//! Map definitions: legacy `SEC("maps")` (`struct bpf_map_def`), BTF-defined
//! `SEC(".maps")`, and the internal array maps of `.data`/`.rodata`/`.bss`.

use super::format_err;
use super::Name;
use crate::error::Error;
use crate::uapi::{BPF_F_MMAPABLE, BPF_F_RDONLY_PROG, BPF_MAP_TYPE_ARRAY};

/// `LIBBPF_PIN_BY_NAME`.
pub const PIN_BY_NAME: u32 = 1;

/// Where a map was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapKind {
    /// Legacy `SEC("maps")`; the raw definition bytes are kept for loaders that
    /// read more than libbpf's five fields (samples' 7-field `bpf_load_map_def`).
    Legacy { def: Vec<u8> },
    /// `SEC(".maps")`.
    Btf,
    /// An internal map for a global-data section.
    Data(DataKind),
    /// A `.struct_ops` variable (`MapDef::st_ops` holds its struct).
    StructOps,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    Data,
    Rodata,
    Bss,
    /// The `.kconfig` map of `.kconfig` externs (read-only for programs, filled
    /// in at load).
    Kconfig,
}

/// One map of the object, as defined in the ELF file.
#[derive(Debug, Clone)]
pub struct MapDef {
    /// The symbol name (legacy/BTF maps) or the section name (`.rodata`, …).
    pub name: Name,
    pub kind: MapKind,
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub map_flags: u32,
    pub numa_node: u32,
    /// Offload device (`bpf_map__set_ifindex`).
    pub ifindex: u32,
    pub map_extra: u64,
    pub pinning: u32,
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
    /// The ELF section it lives in and its offset there (legacy/BTF maps), or the
    /// data section itself (offset 0).
    pub shndx: usize,
    pub sec_off: u64,
    /// Size of the definition/VAR in its section (for initialiser relocations).
    pub sec_size: u64,
    /// Initial contents (data maps).
    pub init: Option<Vec<u8>>,
    /// The inner map template of a map-in-map.
    pub inner: Option<Box<MapDef>>,
    /// Byte offset of the `values` member inside a BTF map's VAR.
    pub values_off: Option<u32>,
    /// Initial slots of a PROG_ARRAY (`.maps` initialisers): (slot, program function name).
    pub init_progs: Vec<(u32, String)>,
    /// Initial slots of a map-in-map: (slot, map name).
    pub init_maps: Vec<(u32, String)>,
    /// A struct_ops map's struct, data and programs.
    pub st_ops: Option<Box<super::struct_ops::StructOps>>,
}

impl MapDef {
    pub(crate) fn empty(name: impl Into<Name>, kind: MapKind, shndx: usize) -> MapDef {
        MapDef {
            name: name.into(),
            kind,
            map_type: 0,
            key_size: 0,
            value_size: 0,
            max_entries: 0,
            map_flags: 0,
            numa_node: 0,
            ifindex: 0,
            map_extra: 0,
            pinning: 0,
            btf_key_type_id: 0,
            btf_value_type_id: 0,
            shndx,
            sec_off: 0,
            sec_size: 0,
            init: None,
            inner: None,
            values_off: None,
            init_progs: Vec::new(),
            init_maps: Vec::new(),
            st_ops: None,
        }
    }

    /// True for the internal global-data maps (`bpf_map__is_internal`).
    pub fn is_internal(&self) -> bool {
        matches!(self.kind, MapKind::Data(_))
    }

    /// True for the `.kconfig` map (the object's `.kconfig` externs).
    pub fn is_kconfig(&self) -> bool {
        self.kind == MapKind::Data(DataKind::Kconfig)
    }
}

/// libbpf's `struct bpf_map_def` size: type, key_size, value_size, max_entries, map_flags.
pub const LEGACY_DEF_SIZE: usize = 20;

/// Decodes one legacy definition of `def_size` bytes (spec §4.3): a shorter one is
/// zero-filled; a longer one must have a zero tail unless `relaxed`.
pub fn parse_legacy_def(name: &str, bytes: &[u8], relaxed: bool) -> Result<[u32; 5], Error> {
    let mut f = [0u32; 5];
    for (i, v) in f.iter_mut().enumerate() {
        let o = i * 4;
        if let Some(b) = bytes.get(o..o + 4) {
            *v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
    }
    if bytes.len() > LEGACY_DEF_SIZE && bytes[LEGACY_DEF_SIZE..].iter().any(|&b| b != 0) {
        if relaxed {
            crate::log::warn(format_args!(
                "map '{name}': unrecognized map definition bytes past {LEGACY_DEF_SIZE} ignored (relaxed)"
            ));
        } else {
            crate::log::warn(format_args!(
                "map '{name}': unknown non-zero fields in its {}-byte 'maps' definition",
                bytes.len()
            ));
            return Err(Error::Inval(
                "legacy map definition has non-zero bytes past struct bpf_map_def",
            ));
        }
    }
    Ok(f)
}

/// The internal map for a global-data section.
pub fn data_map(
    sec_name: &str,
    kind: DataKind,
    shndx: usize,
    size: u64,
    init: Option<Vec<u8>>,
) -> Result<MapDef, Error> {
    let value_size =
        u32::try_from(size).map_err(|_| format_err(format!("section {sec_name} is too large")))?;
    let mut m = MapDef::empty(sec_name, MapKind::Data(kind), shndx);
    m.map_type = BPF_MAP_TYPE_ARRAY;
    m.key_size = 4;
    m.value_size = value_size;
    m.max_entries = 1;
    m.map_flags = BPF_F_MMAPABLE
        | if matches!(kind, DataKind::Rodata | DataKind::Kconfig) {
            BPF_F_RDONLY_PROG
        } else {
            0
        };
    m.sec_size = size;
    m.init = init;
    Ok(m)
}

/// libbpf's kernel name for a global-data map: object-name prefix + section name,
/// within 15 bytes, characters the kernel refuses replaced by `_`.
pub fn internal_map_name(obj_name: &str, real: &str) -> String {
    let sfx_len = real.len().max(7).min(real.len());
    let pfx_len = if real.get(1..).is_some_and(|r| r.contains('.')) {
        0
    } else {
        (15usize.saturating_sub(real.len().max(7))).min(obj_name.len())
    };
    let mut s: String = obj_name.chars().take(pfx_len).collect();
    s.extend(real.chars().take(sfx_len));
    s.chars()
        .take(15)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_defs_of_any_size() {
        let mut b = vec![0u8; 28];
        b[0] = 1;
        b[4] = 4;
        b[8] = 8;
        b[12] = 16;
        assert_eq!(
            parse_legacy_def("m", &b[..16], false).unwrap(),
            [1, 4, 8, 16, 0]
        );
        assert_eq!(parse_legacy_def("m", &b, false).unwrap(), [1, 4, 8, 16, 0]);
        b[24] = 1;
        assert!(parse_legacy_def("m", &b, false).is_err());
        assert!(parse_legacy_def("m", &b, true).is_ok());
    }

    #[test]
    fn data_maps() {
        let m = data_map(".rodata", DataKind::Rodata, 3, 16, Some(vec![0; 16])).unwrap();
        assert_eq!(
            (m.map_type, m.key_size, m.value_size, m.max_entries),
            (BPF_MAP_TYPE_ARRAY, 4, 16, 1)
        );
        assert!(m.map_flags & BPF_F_RDONLY_PROG != 0);
        assert!(m.is_internal());
    }
}
