//! What may change in an opened object, and when: the rules behind libbpf's
//! `bpf_program__set_*` / `bpf_map__set_*` / `bpf_object__set_*` calls
//! (libbpf 1.1.2: most setters answer EBUSY once the object is loaded, a few EINVAL).

use super::{MapState, ObjState, ProgState};
use crate::error::Error;
use crate::object::Name;
use crate::sys::obj::map_info_raw;
use crate::sys::UserPtr;
use crate::uapi::{
    BPF_MAP_TYPE_ARRAY_OF_MAPS, BPF_MAP_TYPE_HASH_OF_MAPS, BPF_MAP_TYPE_LRU_PERCPU_HASH,
    BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE, BPF_MAP_TYPE_PERCPU_HASH,
    BPF_MAP_TYPE_RINGBUF, BPF_MAP_TYPE_USER_RINGBUF,
};
use std::os::fd::{AsFd, BorrowedFd};

/// Ring buffer sizes must be a power-of-two multiple of the page size: round up to
/// the next one (0 stays 0, so a forgotten size still fails in the kernel).
pub fn adjust_ringbuf_size(sz: u32) -> u32 {
    if sz == 0 {
        return 0;
    }
    let page = crate::sys::mmap::page_size() as u64;
    let mut mul = 1u64;
    while mul * page <= u32::MAX as u64 {
        if mul * page >= sz as u64 {
            return (mul * page) as u32;
        }
        mul <<= 1;
    }
    sz
}

/// True for the two ring buffer map types.
pub fn is_ringbuf(map_type: u32) -> bool {
    map_type == BPF_MAP_TYPE_RINGBUF || map_type == BPF_MAP_TYPE_USER_RINGBUF
}

impl ObjState {
    /// A program to edit before load; EBUSY after (`set_type`, `set_flags`, …).
    pub fn prog_edit(&mut self, i: usize) -> Result<&mut ProgState, Error> {
        if self.loaded {
            return Err(Error::Already("object already loaded"));
        }
        self.progs.get_mut(i).ok_or(Error::Inval("no such program"))
    }

    /// `bpf_program__set_autoload`: EINVAL after load (not EBUSY).
    pub fn set_autoload(&mut self, i: usize, on: bool) -> Result<(), Error> {
        if self.loaded {
            return Err(Error::Inval("object already loaded"));
        }
        let p = self
            .progs
            .get_mut(i)
            .ok_or(Error::Inval("no such program"))?;
        p.autoload = on;
        Ok(())
    }

    /// `bpf_program__set_log_buf`: a buffer and size go together; EBUSY after load.
    pub fn set_log_buf(&mut self, i: usize, buf: UserPtr, size: usize) -> Result<(), Error> {
        if size != 0 && buf.is_null() {
            return Err(Error::Inval("log_size without log_buf"));
        }
        let size = u32::try_from(size).map_err(|_| Error::Inval("log_size above UINT_MAX"))?;
        let p = self.prog_edit(i)?;
        p.log_buf = if buf.is_null() {
            None
        } else {
            Some((buf, size))
        };
        Ok(())
    }

    /// `bpf_program__set_attach_target`: a function of the loaded program
    /// `attach_prog_fd` (freplace, or fentry/fexit/fmod_ret on a BPF program; the fd
    /// alone defers the lookup to load), or a kernel function (fd 0); EINVAL after
    /// load or for a negative fd.
    pub fn set_attach_target(
        &mut self,
        i: usize,
        attach_prog_fd: i32,
        func: Option<&str>,
    ) -> Result<(), Error> {
        if attach_prog_fd < 0 || self.loaded {
            return Err(Error::Inval("bad attach target or object already loaded"));
        }
        let p = self
            .progs
            .get_mut(i)
            .ok_or(Error::Inval("no such program"))?;
        if attach_prog_fd != 0 && func.is_none() {
            p.attach_prog_fd = attach_prog_fd;
            return Ok(());
        }
        let Some(func) = func else {
            return Err(Error::Inval("attach_func_name is NULL"));
        };
        if attach_prog_fd != 0 {
            p.attach_btf_id = super::target::prog_func_btf_id(func, attach_prog_fd)?;
            p.attach_func_name = Some(func.to_string());
            p.attach_prog_fd = attach_prog_fd;
            return Ok(());
        }
        let id = super::progs::find_attach_target(func, p.def.expected_attach_type, None)
            .inspect_err(|_| {
                crate::log::warn(format_args!(
                    "prog '{}': failed to find kernel BTF type ID of '{func}'",
                    p.def.name
                ))
            })?;
        p.attach_btf_id = id;
        p.attach_func_name = Some(func.to_string());
        p.attach_prog_fd = 0;
        Ok(())
    }

    /// `bpf_object__set_kversion`: EINVAL after load.
    pub fn set_kversion(&mut self, v: u32) -> Result<(), Error> {
        if self.loaded {
            return Err(Error::Inval("object already loaded"));
        }
        self.kversion = v;
        Ok(())
    }

    /// A map definition to edit: EBUSY after load (libbpf 1.1.2 lets a map that
    /// reuses an fd still be edited until load).
    pub fn map_edit(&mut self, i: usize) -> Result<&mut MapState, Error> {
        if self.loaded {
            return Err(Error::Already("object already loaded"));
        }
        self.maps.get_mut(i).ok_or(Error::Inval("no such map"))
    }

    /// A map definition to edit while it has no fd: EBUSY once created or reusing
    /// one (libbpf 1.1.2's rule for type, sizes, flags, numa node, ifindex, extra).
    pub fn map_edit_uncreated(&mut self, i: usize) -> Result<&mut MapState, Error> {
        let m = self.maps.get_mut(i).ok_or(Error::Inval("no such map"))?;
        if m.fd.is_some() {
            return Err(Error::Already("map already created or reused"));
        }
        Ok(m)
    }

    /// `bpf_map__set_max_entries`: ring buffers are rounded up as at open.
    pub fn set_max_entries(&mut self, i: usize, n: u32) -> Result<(), Error> {
        let m = self.map_edit(i)?;
        m.def.max_entries = if is_ringbuf(m.def.map_type) {
            adjust_ringbuf_size(n)
        } else {
            n
        };
        Ok(())
    }

    /// 0.x `bpf_map__resize`: EINVAL for 0, EBUSY once the map has an fd.
    pub fn resize(&mut self, i: usize, n: u32) -> Result<(), Error> {
        if n == 0 {
            return Err(Error::Inval("max_entries is 0"));
        }
        let m = self.maps.get_mut(i).ok_or(Error::Inval("no such map"))?;
        if m.fd.is_some() {
            return Err(Error::Already("map already created"));
        }
        m.def.max_entries = n;
        Ok(())
    }

    /// `bpf_map__set_initial_value`: only global-data maps other than `.kconfig`
    /// (its values are the externs'), exactly `value_size` bytes, and only while
    /// the map has no fd (EINVAL in every other case).
    pub fn set_initial_value(&mut self, i: usize, data: &[u8]) -> Result<(), Error> {
        let m = self.maps.get_mut(i).ok_or(Error::Inval("no such map"))?;
        let vsz = m.def.value_size as usize;
        let kconfig = m.def.is_kconfig();
        match &mut m.mmap {
            Some(mm) if data.len() == vsz && m.fd.is_none() && !kconfig => {
                mm.write_at_start(data);
                Ok(())
            }
            _ => Err(Error::Inval(
                "initial value: not a global-data map, size differs from value_size, or map created",
            )),
        }
    }

    /// `bpf_map__set_inner_map_fd`: only map-in-map types, and only once.
    pub fn set_inner_map_fd(&mut self, i: usize, fd: BorrowedFd<'_>) -> Result<(), Error> {
        let m = self.maps.get_mut(i).ok_or(Error::Inval("no such map"))?;
        if !matches!(
            m.def.map_type,
            BPF_MAP_TYPE_ARRAY_OF_MAPS | BPF_MAP_TYPE_HASH_OF_MAPS
        ) {
            crate::log::warn(format_args!(
                "map '{}': inner map fd given for a map that is not a map-in-map",
                m.def.name
            ));
            return Err(Error::Inval("not a map-in-map"));
        }
        if m.inner_map_fd.is_some() {
            crate::log::warn(format_args!(
                "map '{}': inner_map_fd already specified",
                m.def.name
            ));
            return Err(Error::Inval("inner_map_fd already specified"));
        }
        let dup = fd.try_clone_to_owned().map_err(|e| Error::io("dup", &e))?;
        m.inner_map_fd = Some(crate::sys::ensure_good_fd(dup)?);
        m.def.inner = None;
        Ok(())
    }

    /// `bpf_map__reuse_fd`: adopt an existing map (a dup of `fd`); the definition and
    /// the name become the kernel's.
    /// The fd is the caller's raw number: the kernel judges it (EBADFD for -1 from
    /// `BPF_OBJ_GET_INFO_BY_FD`, as under libbpf).
    pub fn reuse_fd(&mut self, i: usize, fd: i32) -> Result<(), Error> {
        let info = map_info_raw(fd)?;
        let m = self.maps.get_mut(i).ok_or(Error::Inval("no such map"))?;
        m.fd = Some(crate::sys::fd::dup_cloexec(fd)?);
        let end = info
            .name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(info.name.len());
        m.name = Name::new(&String::from_utf8_lossy(&info.name[..end]));
        m.def.map_type = info.map_type;
        m.def.key_size = info.key_size;
        m.def.value_size = info.value_size;
        m.def.max_entries = info.max_entries;
        m.def.map_flags = info.map_flags;
        m.def.btf_key_type_id = info.btf_key_type_id;
        m.def.btf_value_type_id = info.btf_value_type_id;
        m.def.map_extra = info.map_extra;
        m.reused = true;
        Ok(())
    }

    /// The size checks of `bpf_map__lookup_elem` & co (libbpf's `validate_map_op`):
    /// ENOENT before the map exists, EINVAL for a key or value size that differs
    /// from the definition (per-CPU maps: `round_up(value_size, 8) * possible CPUs`).
    pub fn map_op_fd(
        &self,
        i: usize,
        key_sz: usize,
        value_sz: Option<usize>,
    ) -> Result<BorrowedFd<'_>, Error> {
        let m = self.maps.get(i).ok_or(Error::Inval("no such map"))?;
        let Some(fd) = &m.fd else {
            return Err(Error::NotFound("map not created"));
        };
        let d = &m.def;
        if d.key_size as usize != key_sz {
            crate::log::warn(format_args!(
                "map '{}': unexpected key size {key_sz} provided, expected {}",
                d.name, d.key_size
            ));
            return Err(Error::Inval("key size mismatch"));
        }
        if let Some(vs) = value_sz {
            if is_percpu(d.map_type) {
                let cpus = crate::sys::cpus::num_possible_cpus()?;
                let elem = (d.value_size as usize).div_ceil(8) * 8;
                if vs != cpus * elem {
                    crate::log::warn(format_args!(
                        "map '{}': unexpected value size {vs} provided for per-CPU map, expected {cpus} * {elem} = {}",
                        d.name,
                        cpus * elem
                    ));
                    return Err(Error::Inval("per-CPU value size mismatch"));
                }
            } else if d.value_size as usize != vs {
                crate::log::warn(format_args!(
                    "map '{}': unexpected value size {vs} provided, expected {}",
                    d.name, d.value_size
                ));
                return Err(Error::Inval("value size mismatch"));
            }
        }
        Ok(fd.as_fd())
    }
}

/// Per-CPU map types (values are one slot per possible CPU).
pub fn is_percpu(map_type: u32) -> bool {
    matches!(
        map_type,
        BPF_MAP_TYPE_PERCPU_HASH
            | BPF_MAP_TYPE_PERCPU_ARRAY
            | BPF_MAP_TYPE_LRU_PERCPU_HASH
            | BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ringbuf_sizes_round_to_power_of_two_pages() {
        let page = crate::sys::mmap::page_size() as u32;
        assert_eq!(adjust_ringbuf_size(0), 0);
        assert_eq!(adjust_ringbuf_size(1), page);
        assert_eq!(adjust_ringbuf_size(page), page);
        assert_eq!(adjust_ringbuf_size(page + 1), 2 * page);
        assert_eq!(adjust_ringbuf_size(3 * page), 4 * page);
        assert_eq!(adjust_ringbuf_size(u32::MAX), u32::MAX);
    }
}
