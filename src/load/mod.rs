//! Loading: a parsed [`Object`] → kernel objects (BTF, maps, programs), with the
//! per-map and per-program state the object API reads and sets.
//!
//! Owns: [`ObjState`] (what `struct bpf_object` is), map creation (`maps`),
//! program loading (`progs`), pinning. Calls `sys` for kernel I/O; never `capi`.
//! A failed load closes every fd it opened (RAII) and leaves the object unloaded.
//! Spec: `libbpf-api.md` §1.0 (`bpf_object__load`), §1.2; `btf-core.md` §2.3–§4.6.

pub mod core;
pub mod data;
pub mod edit;
pub mod ext_info;
pub mod externs;
pub mod fallback;
#[cfg(test)]
mod fallback_btf_tests;
#[cfg(test)]
mod fallback_doc;
#[cfg(test)]
mod fallback_load_tests;
#[cfg(test)]
mod fallback_tests;
pub mod features;
pub mod gen;
pub mod inflate;
pub mod kconfig;
pub mod ksyms;
pub mod maps;
#[cfg(test)]
mod parts_tests;
pub mod pin;
pub mod probe;
pub mod prog_linfo;
pub mod progs;
pub mod struct_ops;
pub mod target;

use crate::error::Error;
use crate::insn::Insn;
use crate::object::{MapDef, Name, Object, OpenOpts, ProgDef};
use crate::sys::mmap::Mapping;
use crate::sys::UserPtr;
use crate::uapi::{BPF_MAP_TYPE_PERF_EVENT_ARRAY, BPF_PROG_TYPE_UNSPEC};
use std::os::fd::OwnedFd;

/// A map of an opened object: its (editable until load) definition, which open
/// moves here from the parsed [`Object`] (the object keeps no copy), and its fd.
#[derive(Debug)]
pub struct MapState {
    pub def: MapDef,
    /// The name the API shows (`bpf_map__name`): the symbol name, or for a
    /// global-data map the kernel-style `<obj prefix>.data` name.
    pub name: Name,
    pub fd: Option<OwnedFd>,
    /// The fd came from `reuse_fd` or a pinned map: not created by the load.
    pub reused: bool,
    pub pin_path: Option<String>,
    pub pinned: bool,
    pub autocreate: bool,
    /// An inner-map template fd given by `set_inner_map_fd`.
    pub inner_map_fd: Option<OwnedFd>,
    /// A global-data map's value: from open its initial value (editable until
    /// load, the address `bpf_map__initial_value` hands out), after a skeleton
    /// load the map itself.
    pub mmap: Option<Mapping>,
}

/// A program of an opened object.
#[derive(Debug)]
pub struct ProgState {
    pub def: ProgDef,
    pub fd: Option<OwnedFd>,
    pub autoload: bool,
    pub autoattach: bool,
    pub prog_flags: u32,
    pub log_level: u32,
    /// A caller-owned log buffer (`bpf_program__set_log_buf`): the kernel writes it.
    pub log_buf: Option<(UserPtr, u32)>,
    pub ifindex: u32,
    pub attach_prog_fd: i32,
    pub attach_func_name: Option<String>,
    pub attach_btf_id: u32,
    /// Instructions replaced by `set_insns`, else the linked program after load.
    pub insns: Option<Vec<Insn>>,
}

/// The overrides of the 0.x `struct bpf_prog_load_attr`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LegacyLoad {
    pub prog_type: u32,
    pub expected_attach_type: u32,
    pub ifindex: u32,
    pub log_level: u32,
    pub prog_flags: u32,
}

/// Object-wide options from `bpf_object_open_opts`.
#[derive(Debug, Clone, Default)]
pub struct LoadOpts {
    pub pin_root_path: Option<String>,
    /// `kernel_log_buf`/`_size`/`_level`: a caller buffer for BTF and program logs.
    pub kernel_log: Option<(UserPtr, u32, u32)>,
    pub btf_custom_path: Option<String>,
    /// `kconfig`: `CONFIG_*=...` lines that take precedence over the kernel's
    /// config file for `.kconfig` externs.
    pub kconfig: Option<String>,
}

/// What `struct bpf_object` is: the parsed object plus everything load creates.
#[derive(Debug)]
pub struct ObjState {
    pub obj: Object,
    /// Never resized after open: the C API hands out element addresses.
    pub maps: Box<[MapState]>,
    pub progs: Box<[ProgState]>,
    pub btf_fd: Option<OwnedFd>,
    pub kversion: u32,
    pub loaded: bool,
    pub opts: LoadOpts,
    /// Extern values during a load (dropped when it ends).
    pub externs: externs::Resolved,
    /// The custom section handlers' load step, set by the layer that owns them.
    pub hooks: Hooks,
    /// Generate mode (`bpf_object__gen_loader`): load records a loader program
    /// instead of creating kernel objects.
    pub gen: Option<Box<gen::Gen>>,
}

/// The running kernel's version (`LINUX_VERSION_CODE` form), read once per
/// process: an object without a `version` section takes it at every open, and
/// it cannot change while the process runs.
fn running_kernel_version() -> u32 {
    static VERSION: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *VERSION.get_or_init(crate::sys::kernel::kernel_version)
}

/// The optional [`progs::ProgHooks`] of an object.
#[derive(Default, Clone)]
pub struct Hooks(pub Option<std::sync::Arc<dyn progs::ProgHooks>>);

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Hooks(set)"
        } else {
            "Hooks(none)"
        })
    }
}

impl MapState {
    /// The state of map `def` of object `obj_name` at open: a global-data map
    /// gets its initial value mapped (the section bytes then go), a ring buffer
    /// its size rounded as the kernel wants it, a `LIBBPF_PIN_BY_NAME` map its
    /// path under `pin_root`.
    fn open(obj_name: &str, mut def: MapDef, pin_root: &str) -> Result<MapState, Error> {
        let init = def.init.take();
        let mmap = data::initial_mapping(&def, init.as_deref())?;
        drop(init);
        if def.kind == crate::object::maps::MapKind::Btf && edit::is_ringbuf(def.map_type) {
            def.max_entries = edit::adjust_ringbuf_size(def.max_entries);
        }
        let pin_path = (def.pinning == crate::object::maps::PIN_BY_NAME)
            .then(|| format!("{pin_root}/{}", def.name));
        Ok(MapState {
            name: if def.is_internal() {
                maps::internal_map_name(obj_name, &def.name).into()
            } else {
                def.name.clone()
            },
            def,
            fd: None,
            reused: false,
            pin_path,
            pinned: false,
            autocreate: true,
            inner_map_fd: None,
            mmap,
        })
    }
}

impl ObjState {
    /// Parses `data` (no kernel calls). The bytes are dropped once parsed,
    /// before the state is built: the object owns what it keeps of them, and
    /// the open's peak memory is the larger of the two, not their sum.
    pub fn open(
        data: impl std::ops::Deref<Target = [u8]>,
        path_name: &str,
        open: &OpenOpts,
        opts: LoadOpts,
    ) -> Result<ObjState, Error> {
        let mut obj = Object::parse(&data, path_name, open)?;
        drop(data);
        // The definitions move to the map states: the object keeps none.
        let defs = std::mem::take(&mut obj.maps);
        let pin_root = opts.pin_root_path.as_deref().unwrap_or("/sys/fs/bpf");
        let maps = defs
            .try_map(|d| MapState::open(&obj.name, d, pin_root))?
            .into_vec()
            .into_boxed_slice();
        // The program definitions move too: the program states hold them.
        let progs: Box<[ProgState]> = std::mem::take(&mut obj.progs)
            .into_iter()
            .map(|def| ProgState {
                def,
                fd: None,
                autoload: true,
                autoattach: true,
                prog_flags: 0,
                log_level: 0,
                log_buf: None,
                ifindex: 0,
                attach_prog_fd: 0,
                attach_func_name: None,
                attach_btf_id: 0,
                insns: None,
            })
            .collect();
        Ok(ObjState {
            kversion: if obj.kversion != 0 {
                obj.kversion
            } else {
                running_kernel_version()
            },
            obj,
            maps,
            progs,
            btf_fd: None,
            loaded: false,
            opts,
            externs: externs::Resolved::default(),
            hooks: Hooks::default(),
            gen: None,
        })
    }

    /// The `.kconfig` map, if the object has `.kconfig` externs.
    pub fn kconfig_map(&self) -> Option<usize> {
        self.maps.iter().position(|m| m.def.is_kconfig())
    }

    /// `bpf_object__load`: BTF, then maps, then programs. A second call is EINVAL.
    /// On failure every fd opened by this call is closed again.
    pub fn load(&mut self) -> Result<(), Error> {
        if self.loaded {
            crate::log::warn(format_args!(
                "object '{}': load can't be attempted twice",
                self.obj.name
            ));
            return Err(Error::Inval("object already loaded"));
        }
        self.loaded = true;
        let r = self.load_inner();
        self.externs = externs::Resolved::default();
        if r.is_err() {
            self.unload();
            crate::log::warn(format_args!("failed to load object '{}'", self.obj.path));
        }
        r
    }

    fn load_inner(&mut self) -> Result<(), Error> {
        gen::begin(self)?;
        externs::resolve(self)?;
        // In generate mode the kernel applies CO-RE relocations (`core_relos`).
        let prepared = match self.gen {
            Some(_) => core::Prepared::default(),
            None => core::relocate_all(self)?,
        };
        maps::bump_memlock();
        maps::load_btf(self)?;
        struct_ops::prepare(self)?;
        maps::create_all(self)?;
        progs::load_all(self, prepared)?;
        maps::init_prog_arrays(self)?;
        gen::finish(self)
    }

    /// The 0.x `bpf_prog_load_xattr` (and 4-argument `bpf_prog_load`) load: a
    /// non-UNSPEC `prog_type` overrides every program's type and expected attach
    /// type; a program left UNSPEC is EINVAL; no programs is ENOENT; `ifindex`
    /// goes to programs and to maps other than PERF_EVENT_ARRAY. Returns the first
    /// program's index.
    pub fn load_legacy(&mut self, a: &LegacyLoad) -> Result<usize, Error> {
        for p in &mut self.progs {
            if a.prog_type != BPF_PROG_TYPE_UNSPEC {
                p.def.prog_type = a.prog_type;
                p.def.expected_attach_type = a.expected_attach_type;
            }
            if p.def.prog_type == BPF_PROG_TYPE_UNSPEC {
                crate::log::warn(format_args!(
                    "prog '{}': unknown program type for section '{}' and none given",
                    p.def.name, p.def.sec_name
                ));
                return Err(Error::Inval("program type unknown"));
            }
            p.ifindex = a.ifindex;
            p.log_level = a.log_level;
            p.prog_flags |= a.prog_flags;
        }
        for m in &mut self.maps {
            if m.def.map_type != BPF_MAP_TYPE_PERF_EVENT_ARRAY {
                m.def.ifindex = a.ifindex;
            }
        }
        if self.progs.is_empty() {
            crate::log::warn(format_args!("object file doesn't contain bpf program"));
            return Err(Error::NotFound("object has no programs"));
        }
        self.load()?;
        Ok(0)
    }

    /// Closes every map and program fd (0.x `bpf_object__unload`); keeps `loaded`.
    pub fn unload(&mut self) {
        for m in &mut self.maps {
            m.mmap = None;
            m.fd = None;
        }
        for p in &mut self.progs {
            p.fd = None;
        }
        self.btf_fd = None;
    }
}
