//! Map creation for `bpf_object__load`: BTF upload, maps in object order (inner
//! templates first), global-data initial values, freezing, mmap, pinning, and the
//! `.maps` initialisers of map-in-map slots.

use super::features::Feature;
use super::{MapState, ObjState};
use crate::error::Error;
use crate::object::maps::{DataKind, MapKind};
use crate::object::MapDef;
use crate::sys::map::{map_create, map_freeze, map_update_elem, MapCreate};
use crate::sys::obj::{map_info, obj_get_path, obj_pin_path};
use crate::sys::UserPtr;
use crate::uapi::*;
use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

/// Map types created without BTF key/value ids (old kernels answer ENOTSUPP).
fn btf_ids_allowed(t: u32) -> bool {
    !matches!(
        t,
        BPF_MAP_TYPE_PERF_EVENT_ARRAY
            | BPF_MAP_TYPE_STACK_TRACE
            | BPF_MAP_TYPE_CGROUP_ARRAY
            | BPF_MAP_TYPE_ARRAY_OF_MAPS
            | BPF_MAP_TYPE_HASH_OF_MAPS
            | BPF_MAP_TYPE_DEVMAP
            | BPF_MAP_TYPE_SOCKMAP
            | BPF_MAP_TYPE_CPUMAP
            | BPF_MAP_TYPE_XSKMAP
            | BPF_MAP_TYPE_SOCKHASH
            | BPF_MAP_TYPE_QUEUE
            | BPF_MAP_TYPE_STACK
            | BPF_MAP_TYPE_DEVMAP_HASH
            | BPF_MAP_TYPE_ARENA
    )
}

/// Uploads the object's BTF (after DATASEC fix-up), as a sanitised copy where the
/// kernel lacks some of its kinds (`fallback::btf_support`); the object keeps the
/// original. A kernel refusal is not fatal: maps then lose their BTF ids and
/// programs their func/line info (btf-core §4.4). A kernel without BTF gets none,
/// unless the object needs it there (struct_ops), which is EOPNOTSUPP.
/// BTF the caller already loaded (`btf__load_into_kernel`) is kept and used, with
/// libbpf's warning about the EEXIST its own upload then gets.
pub fn load_btf(st: &mut ObjState) -> Result<(), Error> {
    let Some(btf) = &st.obj.btf else {
        return Ok(());
    };
    if st.btf_fd.is_some() {
        let e = Error::Exists("BTF already loaded");
        crate::log::warn(format_args!(
            "Error loading .BTF into kernel: {e}. BTF is optional, ignoring."
        ));
        return Ok(());
    }
    if !super::features::has(Feature::Btf) {
        if kernel_needs_btf(st) {
            crate::log::warn(format_args!(
                "Error loading .BTF into kernel: -{}. BTF is mandatory, can't proceed.",
                libc::EOPNOTSUPP
            ));
            return Err(Error::Unsupported(Feature::Btf.desc()));
        }
        crate::log::debug(format_args!(
            "Kernel doesn't support BTF, skipping uploading it."
        ));
        return Ok(());
    }
    let support = super::fallback::btf_support();
    // The object's blob as kept (no copy), or the sanitised copy's.
    let sanitized;
    let bytes = if support.needs_sanitizing() {
        sanitized = btf.sanitized(&support)?;
        sanitized.encoded()
    } else {
        btf.encoded()
    };
    let Ok(size) = u32::try_from(bytes.len()) else {
        return Ok(());
    };
    if let Some(g) = st.gen.as_mut() {
        g.load_btf(&bytes);
        return Ok(());
    }
    match crate::sys::btf::btf_load(
        UserPtr::from_ptr(bytes.as_ptr()),
        size,
        crate::sys::prog::Log::default(),
    ) {
        Ok(fd) => st.btf_fd = Some(fd),
        Err(e) => crate::log::warn(format_args!(
            "Error loading .BTF into kernel: {e}. BTF is optional, ignoring."
        )),
    }
    Ok(())
}

/// libbpf's `kernel_needs_btf`: struct_ops maps exist only through BTF.
fn kernel_needs_btf(st: &ObjState) -> bool {
    st.maps
        .iter()
        .any(|m| m.def.map_type == BPF_MAP_TYPE_STRUCT_OPS)
}

pub use crate::object::maps::internal_map_name;

/// Raises RLIMIT_MEMLOCK (once, never lowering it) on kernels that charge BPF
/// memory to it instead of the memory cgroup, as libbpf 1.x does before its first
/// BTF, map or program load.
pub fn bump_memlock() {
    if let Err(e) = crate::sys::memlock::bump_once(
        || super::features::has(Feature::MemcgAccount),
        crate::sys::kernel::raise_memlock,
    ) {
        crate::log::warn(format_args!(
            "Failed to bump RLIMIT_MEMLOCK (err = {}), you might need to do it explicitly!",
            -e.errno()
        ));
    }
}

/// The name sent to the kernel for map `m` of object `obj_name`.
pub fn kernel_map_name<'a>(obj_name: &str, m: &'a MapDef) -> std::borrow::Cow<'a, str> {
    match m.kind {
        MapKind::Data(_) => internal_map_name(obj_name, &m.name).into(),
        _ => m.name.as_str().into(),
    }
}

pub(super) fn request(st: &ObjState, def: &MapDef, with_btf: bool) -> MapCreate {
    let name = kernel_map_name(&st.obj.name, def);
    let mut max_entries = def.max_entries;
    if def.map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && max_entries == 0 {
        max_entries = crate::sys::cpus::num_possible_cpus().map_or(0, |n| n as u32);
    }
    let mut p = MapCreate::new(
        def.map_type,
        super::features::has(Feature::ProgName).then_some(name.as_bytes()),
        def.key_size,
        def.value_size,
        max_entries,
    );
    p.map_flags = def.map_flags;
    p.numa_node = def.numa_node;
    p.map_ifindex = def.ifindex;
    p.map_extra = def.map_extra;
    // In generate mode the loader program fills in the BTF fd (0 here).
    let btf_fd = match (&st.btf_fd, &st.gen) {
        (Some(fd), _) => Some(fd.as_raw_fd() as u32),
        (None, Some(g)) if g.has_btf() => Some(0),
        _ => None,
    };
    if with_btf && btf_ids_allowed(def.map_type) {
        if let Some(fd) = btf_fd {
            if def.btf_value_type_id != 0 {
                p.btf_fd = fd;
                p.btf_key_type_id = def.btf_key_type_id;
                p.btf_value_type_id = def.btf_value_type_id;
            }
        }
    }
    super::struct_ops::create_request(st, def, &mut p);
    p
}

/// Creates one map (retrying without BTF ids if the kernel refuses them).
fn create_one(st: &ObjState, def: &MapDef, inner_fd: Option<&OwnedFd>) -> Result<OwnedFd, Error> {
    let mut p = request(st, def, true);
    if let Some(i) = inner_fd {
        p.inner_map_fd = i.as_raw_fd() as u32;
    }
    match map_create(&p) {
        Ok(fd) => Ok(fd),
        Err(e) if p.btf_value_type_id != 0 => {
            crate::log::warn(format_args!(
                "map '{}': failed to create with BTF: {e}. Retrying without BTF.",
                def.name
            ));
            p.btf_fd = 0;
            p.btf_key_type_id = 0;
            p.btf_value_type_id = 0;
            Ok(map_create(&p)?)
        }
        Err(e) => Err(e.into()),
    }
}

fn map_err(def: &MapDef, e: Error) -> Error {
    super::fallback::explain_map_refusal(def);
    crate::log::warn(format_args!(
        "map '{}': failed to create (type {}, key {}, value {}, max_entries {}, flags {:#x}): {e}",
        def.name, def.map_type, def.key_size, def.value_size, def.max_entries, def.map_flags
    ));
    e
}

/// Reuses a map pinned at `path` if it exists and is compatible.
fn reuse_pinned(m: &MapState, path: &str) -> Result<Option<OwnedFd>, Error> {
    let c = CString::new(path).map_err(|_| Error::Inval("pin path contains NUL"))?;
    let fd = match obj_get_path(&c, 0) {
        Ok(fd) => fd,
        Err(e) if e.errno == libc::ENOENT => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let info = map_info(fd.as_fd())?;
    let d = &m.def;
    if info.map_type != d.map_type
        || info.key_size != d.key_size
        || info.value_size != d.value_size
        || info.max_entries != d.max_entries
        || info.map_flags != d.map_flags
    {
        crate::log::warn(format_args!(
            "couldn't reuse pinned map at '{path}': parameter mismatch (pinned: type {} key {} value {} max {} flags {:#x})",
            info.map_type, info.key_size, info.value_size, info.max_entries, info.map_flags
        ));
        return Err(Error::Inval("pinned map parameter mismatch"));
    }
    Ok(Some(fd))
}

/// Creates every map with `autocreate` set, in object order.
pub fn create_all(st: &mut ObjState) -> Result<(), Error> {
    super::fallback::sanitize_maps(st);
    for i in 0..st.maps.len() {
        if !st.maps[i].autocreate || st.maps[i].fd.is_some() {
            continue;
        }
        if super::fallback::skipped_map(&st.maps[i]) {
            crate::log::debug(format_args!(
                "map '{}': skipped auto-creating...",
                st.maps[i].name
            ));
            continue;
        }
        if let Some(path) = st.maps[i].pin_path.clone() {
            if let Some(fd) = reuse_pinned(&st.maps[i], &path)? {
                let m = &mut st.maps[i];
                m.fd = Some(fd);
                m.reused = true;
                m.pinned = true;
                continue;
            }
        }
        if st.gen.is_some() {
            super::gen::create_map(st, i)?;
            continue;
        }
        let fd = create_with_template(st, i)?;
        crate::log::debug(format_args!(
            "map '{}': created successfully, fd={}",
            st.maps[i].name,
            fd.as_raw_fd()
        ));
        populate_data(st, i, &fd)?;
        st.maps[i].fd = Some(fd);
        init_map_slots(st, i)?;
        let m = &mut st.maps[i];
        if let (Some(path), Some(fd)) = (&m.pin_path, &m.fd) {
            let c =
                CString::new(path.as_str()).map_err(|_| Error::Inval("pin path contains NUL"))?;
            obj_pin_path(fd.as_fd(), &c).inspect_err(|e| {
                crate::log::warn(format_args!(
                    "map '{}': failed to pin at '{path}': {e}",
                    m.def.name
                ))
            })?;
            m.pinned = true;
        }
    }
    Ok(())
}

/// Creates map `i`; a map-in-map first gets its inner-map template (the fd given
/// by `set_inner_map_fd`, or one created from the inner definition).
fn create_with_template(st: &ObjState, i: usize) -> Result<OwnedFd, Error> {
    let def = &st.maps[i].def;
    if !matches!(
        def.map_type,
        BPF_MAP_TYPE_ARRAY_OF_MAPS | BPF_MAP_TYPE_HASH_OF_MAPS
    ) {
        return create_one(st, def, None).map_err(|e| map_err(def, e));
    }
    let template = match (&st.maps[i].inner_map_fd, &def.inner) {
        (Some(fd), _) => fd.try_clone().map_err(|e| Error::io("dup", &e))?,
        (None, Some(inner)) => create_one(st, inner, None).map_err(|e| map_err(inner, e))?,
        (None, None) => {
            crate::log::warn(format_args!(
                "map '{}': inner map definition is missing",
                def.name
            ));
            return Err(Error::Inval("map-in-map without an inner map definition"));
        }
    };
    create_one(st, def, Some(&template)).map_err(|e| map_err(def, e))
}

/// Global-data maps: initial value, freeze `.rodata`, and the shared mapping.
fn populate_data(st: &mut ObjState, i: usize, fd: &OwnedFd) -> Result<(), Error> {
    let m = &mut st.maps[i];
    let MapKind::Data(kind) = m.def.kind else {
        return Ok(());
    };
    let value = initial_value(m);
    if value.iter().any(|&b| b != 0) {
        let key = 0u32;
        map_update_elem(
            fd.as_fd(),
            UserPtr::from_ptr(&key),
            UserPtr::from_ptr(value.as_ptr()),
            0,
        )?;
    }
    let rdonly = m.def.map_flags & BPF_F_RDONLY_PROG != 0
        && matches!(kind, DataKind::Rodata | DataKind::Kconfig);
    if rdonly {
        map_freeze(fd.as_fd())?;
    }
    // libbpf 1.1.2 leaves `bpf_map__initial_value` pointing at the pre-load copy
    // after a plain load (only skeleton loads remap the map over it), so the
    // anonymous mapping is kept as it is.
    Ok(())
}

/// A global-data map's initial value: its (editable) mapping, `value_size` long.
pub(super) fn initial_value(m: &MapState) -> Vec<u8> {
    let mut value = m.mmap.as_ref().map(|mm| mm.to_vec()).unwrap_or_default();
    value.resize(m.def.value_size as usize, 0);
    value
}

/// Stores `fd` in slot `slot` of the map-in-map or PROG_ARRAY `st.maps[outer]`,
/// with libbpf's debug line (`what` is "map" or "prog", `name` the target's);
/// a target without an fd is fd -1, which the kernel refuses (EBADF), as in
/// libbpf 1.1.2.
fn set_slot(
    st: &ObjState,
    outer: usize,
    slot: u32,
    what: &str,
    name: &str,
    fd: Option<&OwnedFd>,
) -> Result<(), Error> {
    let m = &st.maps[outer];
    let Some(ofd) = &m.fd else { return Ok(()) };
    let v = fd.map_or(-1, |f| f.as_raw_fd());
    map_update_elem(
        ofd.as_fd(),
        UserPtr::from_ptr(&slot),
        UserPtr::from_ptr(&v),
        0,
    )
    .inspect_err(|e| {
        crate::log::warn(format_args!(
            "map '{}': failed to initialize slot [{slot}] to {what} '{name}' fd={v}: -{}",
            m.name, e.errno
        ))
    })?;
    crate::log::debug(format_args!(
        "map '{}': slot [{slot}] set to {what} '{name}' fd={v}",
        m.name
    ));
    Ok(())
}

/// The `.maps` initialisers of a map, by slot.
fn by_slot(init: &[(u32, String)]) -> Vec<&(u32, String)> {
    let mut v: Vec<_> = init.iter().collect();
    v.sort_by_key(|(slot, _)| *slot);
    v
}

/// Map-in-map slots of `st.maps[i]` named by `.maps` initialisers, set right
/// after it is created, as libbpf does.
fn init_map_slots(st: &ObjState, i: usize) -> Result<(), Error> {
    if st.maps[i].def.init_maps.is_empty() {
        return Ok(());
    }
    for (slot, name) in by_slot(&st.maps[i].def.init_maps) {
        let inner = st.maps.iter().find(|x| &x.def.name == name);
        let shown = inner.map_or(name.as_str(), |x| x.name.as_str());
        set_slot(
            st,
            i,
            *slot,
            "map",
            shown,
            inner.and_then(|x| x.fd.as_ref()),
        )?;
    }
    Ok(())
}

/// PROG_ARRAY slots named by `.maps` initialisers, after the programs are loaded.
#[inline]
pub fn init_prog_arrays(st: &mut ObjState) -> Result<(), Error> {
    if st
        .maps
        .iter()
        .all(|m| m.def.map_type != BPF_MAP_TYPE_PROG_ARRAY)
    {
        return Ok(());
    }
    init_prog_array_slots(st)
}

fn init_prog_array_slots(st: &mut ObjState) -> Result<(), Error> {
    for i in 0..st.maps.len() {
        if st.maps[i].def.map_type != BPF_MAP_TYPE_PROG_ARRAY {
            continue;
        }
        if st.gen.is_some() && !st.maps[i].def.init_progs.is_empty() {
            crate::log::warn(format_args!(
                "map '{}': gen_loader: prog array initialisers are not supported",
                st.maps[i].name
            ));
            return Err(Error::Unsupported("gen_loader: prog array initialisers"));
        }
        for (slot, name) in by_slot(&st.maps[i].def.init_progs) {
            let Some(p) = st.progs.iter().find(|p| &p.def.name == name) else {
                return Err(Error::Inval(
                    "prog array initialiser names an unknown program",
                ));
            };
            set_slot(st, i, *slot, "prog", name, p.fd.as_ref())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_names_follow_libbpf() {
        assert_eq!(internal_map_name("test", ".rodata"), "test.rodata");
        assert_eq!(
            internal_map_name("a_long_object_name", ".bss"),
            "a_long_o.bss"
        );
        assert_eq!(internal_map_name("obj", ".rodata.str1.1"), ".rodata.str1.1");
        assert_eq!(internal_map_name("my-obj", ".data"), "my_obj.data");
    }
}
