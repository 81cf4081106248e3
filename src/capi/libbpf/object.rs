//! The Tier-0 object API (`bpf/libbpf.h`): open, load, close, lookup and iteration
//! of `struct bpf_object`, `struct bpf_program` and `struct bpf_map`.
//! Spec `libbpf-api.md` §1.0, §1.2, §2.1.
//!
//! Handles: a `struct bpf_object *` is a [`Registry`] handle over an
//! [`ObjHandle`]; program and map pointers (and inner-map templates) point into
//! its fixed boxed slices and are listed as its children, so each look-up is one
//! hash probe that never dereferences the caller's pointer: a garbage, closed or
//! foreign pointer gives EINVAL (or is ignored), never a crash.

use crate::capi::arg;
use crate::capi::boundary::{hl, legacy_api, ptr, value};
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::registry::{Children, Registry};
use crate::capi::types::*;
use crate::error::{errno_text, libbpf_errno, Error};
use crate::file::ReadError;
use crate::load::{LoadOpts, ObjState};
use crate::object::{Name, OpenOpts};
use crate::sys::image::FileBytes;
use crate::uapi::{BPF_MAP_TYPE_ARRAY_OF_MAPS, BPF_MAP_TYPE_HASH_OF_MAPS, BPF_PROG_TYPE_UNSPEC};
use std::ffi::{c_char, c_int, c_void, CString};
use std::os::fd::AsRawFd;

/// `LIBBPF_STRICT_MAP_DEFINITIONS`: refuse legacy `SEC("maps")` (libbpf 1.x).
const STRICT_MAP_DEFINITIONS: u32 = 0x20;

/// `struct bpf_object_open_opts` (libbpf 0.7–1.3 layout, 80 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct bpf_object_open_opts {
    pub sz: usize,
    pub object_name: *const c_char,
    pub relaxed_maps: bool,
    /// 0.x `relaxed_core_relocs`; ignored.
    pub relaxed_core_relocs: bool,
    pub pin_root_path: *const c_char,
    /// 0.x `attach_prog_fd`, an unnamed `__u32 :32` in 1.x; ignored.
    pub attach_prog_fd: __u32,
    pub kconfig: *const c_char,
    pub btf_custom_path: *const c_char,
    pub kernel_log_buf: *mut c_char,
    pub kernel_log_size: usize,
    pub kernel_log_level: __u32,
}
impl_opts!(bpf_object_open_opts, kernel_log_level: u32);
const _: () = assert!(std::mem::size_of::<bpf_object_open_opts>() == 80);

/// 0.x `set_priv` user data and its destructor, which is called with the
/// handle of type `H` the data belongs to.
pub(crate) type Priv<H> = (
    *mut c_void,
    Option<unsafe extern "C" fn(*mut H, *mut c_void)>,
);

/// The user data in `slot`, leaving none.
fn take_priv<H>(slot: &mut Priv<H>) -> Priv<H> {
    std::mem::replace(slot, (std::ptr::null_mut(), None))
}

/// Runs the destructor of the user data `old`, if it has one, with `handle`: for
/// the data `set_priv` replaces and the data left at close, as libbpf 0.x does.
///
/// # Safety
/// The destructor is safe to call with `handle` and the data (the caller
/// registered them together).
pub(crate) unsafe fn drop_priv<H>(old: Priv<H>, handle: *mut H) {
    if let (d, Some(f)) = old {
        // SAFETY: caller contract.
        unsafe { f(handle, d) };
    }
}

/// What the C API keeps per program beyond its state: the bytes
/// `bpf_program__insns` last handed out and the 0.x `set_priv` data.
pub(crate) struct ProgExtra {
    pub(crate) view: Vec<u8>,
    /// 0.x `bpf_program__set_priv` data and destructor.
    pub(crate) priv_: (*mut c_void, crate::capi::libbpf::program::ProgClearPriv),
}

impl Default for ProgExtra {
    fn default() -> Self {
        ProgExtra {
            view: Vec::new(),
            priv_: (std::ptr::null_mut(), None),
        }
    }
}

/// What the C API keeps per map beyond its state.
pub(crate) struct MapExtra {
    /// The C copy of the pin path `bpf_map__pin_path` hands out.
    pub(crate) pin_path: Option<CString>,
    /// The 0.x `struct bpf_map_def` view `bpf_map__def` hands out.
    pub(crate) def_view: [u32; 5],
    /// 0.x `bpf_map__set_priv` data and destructor.
    pub(crate) priv_: (*mut c_void, crate::capi::libbpf::map::MapClearPriv),
}

impl Default for MapExtra {
    fn default() -> Self {
        MapExtra {
            pin_path: None,
            def_view: [0; 5],
            priv_: (std::ptr::null_mut(), None),
        }
    }
}

/// The inner-map template of a map-in-map as a `struct bpf_map *`
/// (`bpf_map__inner_map`): a detached map named `<outer>.inner` whose definition
/// load uses (edits are copied back to the outer map's `def.inner`).
pub(crate) struct InnerHandle {
    pub(crate) name: Name,
    pub(crate) state: crate::load::MapState,
}

/// What a `struct bpf_object *` points to. Its `struct bpf_program *` and
/// `struct bpf_map *` handles are the addresses of the elements of `st.progs`
/// and `st.maps` (boxed slices, never resized), so an object is one slot plus
/// what its state owns.
pub(crate) struct ObjHandle {
    pub(crate) st: ObjState,
    /// Parallel to `st.progs` once some program needs one (empty until then).
    prog_extra: Box<[ProgExtra]>,
    /// Parallel to `st.maps` once some map needs one (empty until then).
    map_extra: Box<[MapExtra]>,
    /// Parallel to `maps`: the inner-map template handle of each map-in-map that
    /// has one (a slot's address is the `struct bpf_map *` handed out).
    pub(crate) inner: Box<[Option<InnerHandle>]>,
    /// 0.x `bpf_object__set_priv` data and destructor.
    pub(crate) priv_: (*mut c_void, crate::capi::libbpf::object_more::ObjClearPriv),
    /// The `struct btf *` handle of the object's BTF (`bpf_object__btf`), NULL
    /// until first asked for; freed by `bpf_object__close`.
    pub(crate) btf: *mut btf,
}

/// `extra`, parallel to `n` elements: made (all default) on first use.
fn extra_mut<E: Default>(extra: &mut Box<[E]>, n: usize, i: usize) -> &mut E {
    if extra.is_empty() {
        *extra = (0..n).map(|_| E::default()).collect();
    }
    &mut extra[i]
}

impl ObjHandle {
    /// The C API's data of program `i`, if any was set.
    pub(crate) fn prog_extra(&self, i: usize) -> Option<&ProgExtra> {
        self.prog_extra.get(i)
    }

    /// The C API's data of program `i` (a valid index), made on first use.
    pub(crate) fn prog_extra_mut(&mut self, i: usize) -> &mut ProgExtra {
        extra_mut(&mut self.prog_extra, self.st.progs.len(), i)
    }

    /// The C API's data of map `i`, if any was set.
    pub(crate) fn map_extra(&self, i: usize) -> Option<&MapExtra> {
        self.map_extra.get(i)
    }

    /// The C API's data of map `i` (a valid index), made on first use.
    pub(crate) fn map_extra_mut(&mut self, i: usize) -> &mut MapExtra {
        extra_mut(&mut self.map_extra, self.st.maps.len(), i)
    }

    /// Closes the object `me` once it is unlisted: runs the 0.x `set_priv`
    /// destructors (programs, maps, then the object), as `bpf_object__close`
    /// does in libbpf 0.x; dropping it then closes the fds.
    fn close(&mut self, me: *mut bpf_object) {
        for i in 0..self.prog_extra.len() {
            let old = take_priv(&mut self.prog_extra[i].priv_);
            // SAFETY: the caller's destructor with the pointers it registered; the handle is still intact.
            unsafe { drop_priv(old, prog_ptr(self, i)) };
        }
        for i in 0..self.map_extra.len() {
            let old = take_priv(&mut self.map_extra[i].priv_);
            // SAFETY: as above.
            unsafe { drop_priv(old, map_ptr(self, i)) };
        }
        let old = take_priv(&mut self.priv_);
        // SAFETY: as above.
        unsafe { drop_priv(old, me) };
    }

    /// The child handles C may hold: programs, maps and inner-map templates
    /// (a slot without a template is never handed out, and the look-ups of
    /// [`Part::Inner`] refuse it).
    fn children(&self) -> [Children<Part>; 3] {
        [
            Children::of(&self.st.progs[..], Part::Prog),
            Children::of(&self.st.maps[..], Part::Map),
            Children::of(&self.inner, Part::Inner),
        ]
    }
}

/// What a child handle of a `bpf_object` points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// An element of `progs`: a `struct bpf_program *`.
    Prog,
    /// An element of `maps`: a `struct bpf_map *`.
    Map,
    /// A present slot of `inner`: the `struct bpf_map *` of an inner-map template.
    Inner,
}

/// Live objects, with their programs, maps and inner-map templates as children.
static OBJECTS: Registry<ObjHandle, (), Part> = Registry::new("bpf_object");

/// The live object after `prev` (the first for NULL) in creation order; NULL at
/// the end or for a stale `prev` (0.x `bpf_object__next`).
pub(crate) fn next_object(prev: *const bpf_object) -> *mut bpf_object {
    OBJECTS.next(prev)
}

pub(crate) fn cstring(s: &str) -> CString {
    if s.contains('\0') {
        CString::new(s.replace('\0', "")).unwrap_or_default()
    } else {
        CString::new(s).unwrap_or_default()
    }
}

pub(crate) fn register(st: ObjState) -> *mut bpf_object {
    // One slot per map when some map has an inner-map template; none otherwise.
    let has_inner = st.maps.iter().any(|m| m.def.inner.is_some());
    let inner = (st.maps.iter().filter(|_| has_inner))
        .map(|m| {
            m.def.inner.as_ref().map(|d| {
                let name = Name::new(&format!("{}.inner", m.name));
                InnerHandle {
                    name: name.clone(),
                    state: crate::load::MapState {
                        def: (**d).clone(),
                        name,
                        fd: None,
                        reused: false,
                        pin_path: None,
                        pinned: false,
                        autocreate: false,
                        inner_map_fd: None,
                        mmap: None,
                    },
                }
            })
        })
        .collect();
    let h = ObjHandle {
        st,
        prog_extra: Box::default(),
        map_extra: Box::default(),
        inner,
        priv_: (std::ptr::null_mut(), None),
        btf: std::ptr::null_mut(),
    };
    OBJECTS.register_parent(h, (), ObjHandle::children)
}

/// The live object behind `obj`, or EINVAL.
pub(crate) fn obj_mut<'a>(obj: *const bpf_object) -> Result<&'a mut ObjHandle, Error> {
    OBJECTS.get_mut(obj)
}

/// The live object behind `obj` for reading, or EINVAL.
pub(crate) fn obj_ref<'a>(obj: *const bpf_object) -> Result<&'a ObjHandle, Error> {
    OBJECTS.get(obj)
}

/// The owning object and index of a child handle found by `OBJECTS.child` or
/// `child_mut`, when it is a `want`; EINVAL ("not a live struct `kind`") for
/// anything else.
fn part<H>(
    found: Option<(H, Part, usize)>,
    want: Part,
    kind: &'static str,
) -> Result<(H, usize), Error> {
    match found {
        Some((h, tag, i)) if tag == want => Ok((h, i)),
        _ => Err(Error::Stale(kind)),
    }
}

pub(crate) fn prog_ref<'a>(p: *const bpf_program) -> Result<(&'a ObjHandle, usize), Error> {
    part(OBJECTS.child(p), Part::Prog, "bpf_program")
}

pub(crate) fn map_ref<'a>(m: *const bpf_map) -> Result<(&'a ObjHandle, usize), Error> {
    part(OBJECTS.child(m), Part::Map, "bpf_map")
}

/// [`prog_ref`] for a setter: the owning object mutably, and the index.
pub(crate) fn prog_mut<'a>(p: *const bpf_program) -> Result<(&'a mut ObjHandle, usize), Error> {
    part(OBJECTS.child_mut(p), Part::Prog, "bpf_program")
}

/// [`map_ref`] for a setter: the owning object mutably, and the index.
pub(crate) fn map_mut<'a>(m: *const bpf_map) -> Result<(&'a mut ObjHandle, usize), Error> {
    part(OBJECTS.child_mut(m), Part::Map, "bpf_map")
}

/// The object and outer-map index of an inner-map template handle whose template
/// still exists. libbpf 1.1.2 frees the template once the outer map is created
/// (or reused) and when `set_inner_map_fd` replaces it; the handle then gives
/// EINVAL here.
pub(crate) fn inner_ref<'a>(m: *const bpf_map) -> Option<(&'a ObjHandle, usize)> {
    let (h, i) = part(OBJECTS.child(m), Part::Inner, "bpf_map").ok()?;
    inner_alive(h, i).then_some((h, i))
}

fn inner_alive(h: &ObjHandle, i: usize) -> bool {
    let has_slot = h.inner.get(i).is_some_and(|s| s.is_some());
    h.st.maps.get(i).is_some_and(|m| {
        has_slot
            && !h.st.loaded
            && m.fd.is_none()
            && m.inner_map_fd.is_none()
            && m.def.inner.is_some()
    })
}

/// The state behind a map handle: an object's map or a live inner-map template.
pub(crate) fn map_state<'a>(m: *const bpf_map) -> Result<&'a crate::load::MapState, Error> {
    let state = match OBJECTS.child(m) {
        Some((h, Part::Map, i)) => h.st.maps.get(i),
        Some((h, Part::Inner, i)) if inner_alive(h, i) => {
            h.inner.get(i).and_then(|t| Some(&t.as_ref()?.state))
        }
        _ => None,
    };
    state.ok_or(Error::Stale("bpf_map"))
}

/// Applies a definition edit to an inner-map template handle and copies the
/// result to the outer map's `def.inner`, which load creates the inner map from.
/// `None` when `m` is not an inner-map template handle (live or not).
pub(crate) fn inner_edit(
    m: *const bpf_map,
    f: impl FnOnce(&mut crate::load::MapState),
) -> Option<Result<(), Error>> {
    let (h, i) = part(OBJECTS.child_mut(m), Part::Inner, "bpf_map").ok()?;
    if !inner_alive(h, i) {
        // libbpf 1.1.2 has freed the template: the handle is stale.
        return Some(Err(Error::Stale("bpf_map")));
    }
    let (Some(Some(t)), Some(outer)) = (h.inner.get_mut(i), h.st.maps.get_mut(i)) else {
        return Some(Err(Error::Inval("no inner map template")));
    };
    f(&mut t.state);
    outer.def.inner = Some(Box::new(t.state.def.clone()));
    Some(Ok(()))
}

/// `bpf_map__inner_map` (LIBBPF_0.4.0): the inner-map template of a map-in-map
/// defined with `__array(values, ...)`, as a map the `bpf_map__*` getters and
/// definition setters accept (named `<outer>.inner`, fd -1).
/// Returns it; NULL with errno EINVAL when `map` is not a map-in-map (or not a
/// map); NULL with errno untouched when it has no template, or no longer has one
/// (after load, reuse or `set_inner_map_fd`), as libbpf 1.1.2.
#[no_mangle]
pub extern "C" fn bpf_map__inner_map(map: *mut bpf_map) -> *mut bpf_map {
    value("bpf_map__inner_map", std::ptr::null_mut(), || {
        let ty = match map_state(map) {
            Ok(m) => m.def.map_type,
            Err(e) => {
                crate::capi::errno::ptr_fail(&e);
                return std::ptr::null_mut();
            }
        };
        if !matches!(ty, BPF_MAP_TYPE_ARRAY_OF_MAPS | BPF_MAP_TYPE_HASH_OF_MAPS) {
            crate::capi::errno::ptr_fail(&Error::inval("map is not a map-in-map"));
            return std::ptr::null_mut();
        }
        match map_ref(map) {
            Ok((h, i)) if inner_alive(h, i) => h.inner.get(i).map_or(std::ptr::null_mut(), |s| {
                s as *const Option<InnerHandle> as *mut bpf_map
            }),
            _ => std::ptr::null_mut(),
        }
    })
}

pub(crate) fn prog_ptr(h: &ObjHandle, i: usize) -> *mut bpf_program {
    h.st.progs
        .get(i)
        .map_or(std::ptr::null_mut(), |p| p as *const _ as *mut _)
}

pub(crate) fn map_ptr(h: &ObjHandle, i: usize) -> *mut bpf_map {
    h.st.maps
        .get(i)
        .map_or(std::ptr::null_mut(), |m| m as *const _ as *mut _)
}

/// Converts caller opts into core options.
///
/// # Safety
/// `opts` is NULL or a valid `bpf_object_open_opts` of `sz` bytes with valid strings.
unsafe fn open_opts(
    opts: *const bpf_object_open_opts,
) -> Result<(Option<String>, OpenOpts, LoadOpts), Error> {
    // SAFETY: forwarded caller contract.
    let o = unsafe { opts_in(opts) }?;
    let s = |p: *const c_char| {
        // SAFETY: option strings are NULL or NUL-terminated (libbpf contract).
        unsafe { arg::opt_cstr(p) }.map(|c| c.to_string_lossy().into_owned())
    };
    let object_name = s(o.object_name);
    let open = OpenOpts {
        object_name: object_name.clone(),
        relaxed_maps: o.relaxed_maps,
        reject_legacy_maps: crate::capi::errno::strict_flags() & STRICT_MAP_DEFINITIONS != 0,
    };
    let log_size = u32::try_from(o.kernel_log_size).unwrap_or(u32::MAX);
    let kernel_log = if !o.kernel_log_buf.is_null() && log_size != 0 {
        Some((arg::uptr(o.kernel_log_buf), log_size, o.kernel_log_level))
    } else {
        None
    };
    if o.kernel_log_buf.is_null() != (o.kernel_log_size == 0) {
        return Err(Error::Inval(
            "kernel_log_buf and kernel_log_size must go together",
        ));
    }
    let load = LoadOpts {
        pin_root_path: s(o.pin_root_path),
        kernel_log,
        btf_custom_path: s(o.btf_custom_path),
        kconfig: s(o.kconfig),
    };
    Ok((object_name, open, load))
}

pub(crate) fn open_path(
    path: &str,
    opts: *const bpf_object_open_opts,
) -> Result<*mut bpf_object, Error> {
    // SAFETY: `opts` is the caller's opts pointer (libbpf contract).
    let (_, open, load) = unsafe { open_opts(opts) }?;
    crate::log::debug(format_args!("loading object from {path}"));
    let data = read_object_file(path)?;
    let st = ObjState::open(data, path, &open, load)?;
    super::prog_handler::register_opened(st)
}

/// The bytes of the object file at `path`, with libbpf 1.1.2's answers where
/// they cannot be had: the open's errno; a directory is `LIBBPF_ERRNO__LIBELF`
/// (libelf cannot read it); a FIFO or device reads as no bytes (libelf reads
/// its `st_size` of 0), which the parser refuses as not an ELF object.
/// A large file is read in part: what the parse reads (`object::elf::parts`).
fn read_object_file(path: &str) -> Result<FileBytes, Error> {
    let plan = crate::object::elf::parts::plan();
    match crate::sys::image::read_parts(std::path::Path::new(path), plan) {
        Ok(data) => Ok(data),
        Err(ReadError::NotRegular) => Ok(FileBytes::default()),
        Err(ReadError::Directory) => {
            crate::log::warn(format_args!(
                "elf: failed to open {path} as ELF file: invalid file descriptor"
            ));
            Err(Error::Libbpf(
                libbpf_errno::LIBELF,
                format!("{path} is a directory"),
            ))
        }
        Err(ReadError::Os(errno)) => {
            crate::log::warn(format_args!(
                "elf: failed to open {path}: {}",
                errno_text(errno)
            ));
            Err(Error::Io {
                what: "cannot open object file",
                errno,
            })
        }
    }
}

/// `bpf_object__open_file` (LIBBPF_0.0.6): parses a BPF ELF file (no kernel calls).
/// Returns the object, or NULL with errno set (P).
///
/// # Safety
/// `path` is NULL or a C string; `opts` is NULL or a valid `bpf_object_open_opts`.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__open_file(
    path: *const c_char,
    opts: *const bpf_object_open_opts,
) -> *mut bpf_object {
    ptr("bpf_object__open_file", || {
        // SAFETY: `path` is NULL or a C string (caller contract).
        let p = unsafe { arg::cstr(path, "path is NULL") }?;
        open_path(&p.to_string_lossy(), opts)
    })
}

/// `bpf_object__open` (LIBBPF_0.0.1): `bpf_object__open_file(path, NULL)`. P.
///
/// # Safety
/// `path` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__open(path: *const c_char) -> *mut bpf_object {
    ptr("bpf_object__open", || {
        // SAFETY: `path` is NULL or a C string (caller contract).
        let p = unsafe { arg::cstr(path, "path is NULL") }?;
        open_path(&p.to_string_lossy(), std::ptr::null())
    })
}

/// `bpf_object__open_mem` (LIBBPF_0.0.6): parses an ELF image in memory (copied).
/// Without `object_name` the name is `"<buf addr>-<size>"` in hex, as libbpf. P.
///
/// # Safety
/// `obj_buf` is NULL or `obj_buf_sz` readable bytes; `opts` as in `open_file`.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__open_mem(
    obj_buf: *const c_void,
    obj_buf_sz: usize,
    opts: *const bpf_object_open_opts,
) -> *mut bpf_object {
    ptr("bpf_object__open_mem", || {
        if obj_buf.is_null() || obj_buf_sz == 0 {
            return Err(Error::Inval("open_mem: empty buffer"));
        }
        // SAFETY: `opts` is the caller's opts pointer (libbpf contract).
        let (_, open, load) = unsafe { open_opts(opts) }?;
        // SAFETY: non-NULL with `obj_buf_sz` readable bytes (caller contract).
        let data = unsafe { std::slice::from_raw_parts(obj_buf.cast::<u8>(), obj_buf_sz) };
        // The ELF parser reads headers in place and needs 8-byte alignment; an
        // image embedded as a string (bpftool skeletons) may not have it.
        let copy: Vec<u64>;
        let data = if obj_buf as usize % 8 == 0 {
            data
        } else {
            let mut v = vec![0u64; obj_buf_sz.div_ceil(8)];
            // SAFETY: `v` has at least `obj_buf_sz` bytes; u64 storage viewed as bytes is valid for any values and the regions do not overlap.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    data.as_ptr(),
                    v.as_mut_ptr().cast::<u8>(),
                    obj_buf_sz,
                )
            };
            copy = v;
            // SAFETY: `copy` lives until the end of this closure and holds `obj_buf_sz` initialised bytes.
            unsafe { std::slice::from_raw_parts(copy.as_ptr().cast::<u8>(), obj_buf_sz) }
        };
        let name = format!("{:x}-{:x}", obj_buf as usize, obj_buf_sz);
        let open = OpenOpts {
            object_name: open.object_name.or(Some(name.clone())),
            ..open
        };
        // As libbpf, the object's name stands for its path in messages.
        let path = open.object_name.clone().unwrap_or(name);
        crate::log::debug(format_args!("loading object '{path}' from buffer"));
        let st = ObjState::open(data, &path, &open, load)?;
        super::prog_handler::register_opened(st)
    })
}

/// `bpf_object__load` (LIBBPF_0.0.1): creates maps and loads programs. HL; a second
/// load gives -EINVAL.
#[no_mangle]
pub extern "C" fn bpf_object__load(obj: *mut bpf_object) -> c_int {
    hl("bpf_object__load", || {
        obj_mut(obj)?.st.load()?;
        Ok(0)
    })
}

/// `bpf_object__close` (LIBBPF_0.0.1): closes every fd and frees the object. NULL,
/// ERR_PTR and unknown pointers are ignored.
#[no_mangle]
pub extern "C" fn bpf_object__close(obj: *mut bpf_object) {
    value("bpf_object__close", (), || {
        // Objects never run under `Registry::with`, so `take` never sees them busy.
        if let Ok(Some(mut t)) = OBJECTS.take_in_place(obj) {
            let h = t.value();
            crate::capi::btf::handle::drop_object_btf(h.btf);
            h.close(obj);
        }
    })
}

/// `bpf_object__name` (LIBBPF_0.0.1): the object's name; NULL with errno EINVAL for
/// an invalid object.
#[no_mangle]
pub extern "C" fn bpf_object__name(obj: *const bpf_object) -> *const c_char {
    ptr("bpf_object__name", || {
        Ok(obj_ref(obj)?.st.obj.name.as_ptr() as *mut c_char)
    })
}

/// The index of the map called `n` (shared by the two find-by-name calls): a
/// name starting with '.' matches a global-data map's section name, any other
/// the name `bpf_map__name` shows.
fn map_index(h: &ObjHandle, n: &std::ffi::CStr) -> Option<usize> {
    if n.to_bytes().first() == Some(&b'.') {
        let n = n.to_str().ok()?;
        return h
            .st
            .maps
            .iter()
            .position(|m| m.def.is_internal() && m.def.name == n);
    }
    h.st.maps.iter().position(|m| m.name.as_c_str() == n)
}

/// `bpf_object__find_map_by_name` (LIBBPF_0.0.1): N (NULL, errno ENOENT).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__find_map_by_name(
    obj: *const bpf_object,
    name: *const c_char,
) -> *mut bpf_map {
    ptr("bpf_object__find_map_by_name", || {
        let h = obj_ref(obj)?;
        // SAFETY: NULL or a C string (caller contract).
        let n = unsafe { arg::cstr(name, "name is NULL") }?;
        let i = map_index(h, n).ok_or(Error::NotFound("no such map"))?;
        Ok(map_ptr(h, i))
    })
}

/// `bpf_object__find_map_fd_by_name` (LIBBPF_0.0.2): the map's fd; -EINVAL when not
/// found (it is `bpf_map__fd(NULL)`), errno set.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__find_map_fd_by_name(
    obj: *const bpf_object,
    name: *const c_char,
) -> c_int {
    hl("bpf_object__find_map_fd_by_name", || {
        let h = obj_ref(obj)?;
        // SAFETY: NULL or a C string (caller contract).
        let n = unsafe { arg::cstr(name, "name is NULL") }?;
        let i = map_index(h, n).ok_or(Error::Inval("no such map"))?;
        Ok(map_fd(h, i))
    })
}

/// `bpf_object__find_program_by_name` (LIBBPF_0.0.7): N (NULL, errno ENOENT).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__find_program_by_name(
    obj: *const bpf_object,
    name: *const c_char,
) -> *mut bpf_program {
    ptr("bpf_object__find_program_by_name", || {
        let h = obj_ref(obj)?;
        // SAFETY: NULL or a C string (caller contract).
        let n = unsafe { arg::cstr(name, "name is NULL") }?;
        let i = (h.st.progs.iter())
            .position(|p| p.def.name.as_c_str() == n)
            .ok_or(Error::NotFound("no such program"))?;
        Ok(prog_ptr(h, i))
    })
}

fn next_prog(obj: *const bpf_object, prog: *const bpf_program) -> Result<*mut bpf_program, Error> {
    let h = obj_ref(obj)?;
    if prog.is_null() {
        return Ok(prog_ptr(h, 0));
    }
    let (owner, i) = prog_ref(prog)?;
    if !std::ptr::eq(owner, h) {
        return Err(Error::Inval("program of another object"));
    }
    Ok(prog_ptr(h, i + 1))
}

fn next_map(obj: *const bpf_object, map: *const bpf_map) -> Result<*mut bpf_map, Error> {
    let h = obj_ref(obj)?;
    if map.is_null() {
        return Ok(map_ptr(h, 0));
    }
    let (owner, i) = map_ref(map)?;
    if !std::ptr::eq(owner, h) {
        return Err(Error::Inval("map of another object"));
    }
    Ok(map_ptr(h, i + 1))
}

fn prev_prog(obj: *const bpf_object, prog: *const bpf_program) -> Result<*mut bpf_program, Error> {
    let h = obj_ref(obj)?;
    if prog.is_null() {
        return Ok((h.st.progs.len())
            .checked_sub(1)
            .map_or(std::ptr::null_mut(), |i| prog_ptr(h, i)));
    }
    let (owner, i) = prog_ref(prog)?;
    if !std::ptr::eq(owner, h) {
        return Err(Error::Inval("program of another object"));
    }
    Ok(i.checked_sub(1)
        .map_or(std::ptr::null_mut(), |i| prog_ptr(h, i)))
}

fn prev_map(obj: *const bpf_object, map: *const bpf_map) -> Result<*mut bpf_map, Error> {
    let h = obj_ref(obj)?;
    if map.is_null() {
        return Ok((h.st.maps.len())
            .checked_sub(1)
            .map_or(std::ptr::null_mut(), |i| map_ptr(h, i)));
    }
    let (owner, i) = map_ref(map)?;
    if !std::ptr::eq(owner, h) {
        return Err(Error::Inval("map of another object"));
    }
    Ok(i.checked_sub(1)
        .map_or(std::ptr::null_mut(), |i| map_ptr(h, i)))
}

/// `bpf_object__prev_program` (LIBBPF_0.6.0): the program before `prog` (the last
/// for NULL); NULL at the start.
#[no_mangle]
pub extern "C" fn bpf_object__prev_program(
    obj: *const bpf_object,
    prog: *mut bpf_program,
) -> *mut bpf_program {
    ptr("bpf_object__prev_program", || prev_prog(obj, prog))
}

/// `bpf_object__prev_map` (LIBBPF_0.6.0): the map before `map` (the last for
/// NULL); NULL at the start.
#[no_mangle]
pub extern "C" fn bpf_object__prev_map(
    obj: *const bpf_object,
    map: *const bpf_map,
) -> *mut bpf_map {
    ptr("bpf_object__prev_map", || prev_map(obj, map))
}

/// `bpf_map__prev` (LIBBPF_0.0.1, 0.x-only): `prev_map` with swapped args.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_map__prev(map: *const bpf_map, obj: *const bpf_object) -> *mut bpf_map {
    legacy_api("bpf_map__prev", || {
        ptr("bpf_map__prev", || prev_map(obj, map))
    })
}

/// `bpf_object__next_program` (LIBBPF_0.6.0): the program after `prog` (the first
/// for NULL); NULL at the end.
#[no_mangle]
pub extern "C" fn bpf_object__next_program(
    obj: *const bpf_object,
    prog: *mut bpf_program,
) -> *mut bpf_program {
    ptr("bpf_object__next_program", || next_prog(obj, prog))
}

/// `bpf_program__next` (LIBBPF_0.0.1, 0.x-only): `next_program` with swapped args.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_program__next(
    prog: *mut bpf_program,
    obj: *const bpf_object,
) -> *mut bpf_program {
    legacy_api("bpf_program__next", || {
        ptr("bpf_program__next", || next_prog(obj, prog))
    })
}

/// `bpf_object__next_map` (LIBBPF_0.6.0): the map after `map` (the first for NULL);
/// NULL at the end.
#[no_mangle]
pub extern "C" fn bpf_object__next_map(
    obj: *const bpf_object,
    map: *const bpf_map,
) -> *mut bpf_map {
    ptr("bpf_object__next_map", || next_map(obj, map))
}

/// `bpf_map__next` (LIBBPF_0.0.1, 0.x-only): `next_map` with swapped args.
///
/// libbpf 0.x only: the first call switches the process to 0.x returns (`-1`
/// and errno for kernel refusals; see the header's preamble).
#[no_mangle]
pub extern "C" fn bpf_map__next(map: *const bpf_map, obj: *const bpf_object) -> *mut bpf_map {
    legacy_api("bpf_map__next", || {
        ptr("bpf_map__next", || next_map(obj, map))
    })
}

/// `bpf_program__fd` (LIBBPF_0.0.1): the program fd; -EINVAL for NULL/invalid,
/// -ENOENT if not loaded (HL).
#[no_mangle]
pub extern "C" fn bpf_program__fd(prog: *const bpf_program) -> c_int {
    hl("bpf_program__fd", || {
        let (h, i) = prog_ref(prog)?;
        h.st.progs
            .get(i)
            .and_then(|p| p.fd.as_ref())
            .map(|fd| fd.as_raw_fd())
            .ok_or(Error::NotFound("program not loaded"))
    })
}

/// `bpf_program__name` (LIBBPF_0.0.7): the function name; NULL (errno EINVAL) for an
/// invalid program.
#[no_mangle]
pub extern "C" fn bpf_program__name(prog: *const bpf_program) -> *const c_char {
    ptr("bpf_program__name", || {
        let (h, i) = prog_ref(prog)?;
        Ok(h.st.progs[i].def.name.as_ptr() as *mut c_char)
    })
}

/// `bpf_program__section_name` (LIBBPF_0.2.0): the ELF section name; NULL (errno
/// EINVAL) for an invalid program.
#[no_mangle]
pub extern "C" fn bpf_program__section_name(prog: *const bpf_program) -> *const c_char {
    ptr("bpf_program__section_name", || {
        let (h, i) = prog_ref(prog)?;
        Ok(h.st.progs[i].def.sec_name.as_ptr() as *mut c_char)
    })
}

/// `bpf_program__type` (LIBBPF_0.7.0): the program type (UNSPEC for an invalid one).
#[no_mangle]
pub extern "C" fn bpf_program__type(prog: *const bpf_program) -> bpf_prog_type {
    value("bpf_program__type", BPF_PROG_TYPE_UNSPEC, || {
        prog_ref(prog)
            .ok()
            .and_then(|(h, i)| h.st.progs.get(i))
            .map_or(BPF_PROG_TYPE_UNSPEC, |p| p.def.prog_type)
    })
}

/// `bpf_program__set_type` (LIBBPF_0.0.1; `int` since 1.0): HL; -EBUSY after load.
#[no_mangle]
pub extern "C" fn bpf_program__set_type(prog: *mut bpf_program, prog_type: bpf_prog_type) -> c_int {
    hl("bpf_program__set_type", || {
        let (h, i) = prog_mut(prog)?;
        if h.st.loaded {
            return Err(Error::Already("object already loaded"));
        }
        let p = h.st.progs.get_mut(i).ok_or(Error::Inval("bad program"))?;
        p.def.prog_type = prog_type;
        Ok(0)
    })
}

pub(crate) fn map_fd(h: &ObjHandle, i: usize) -> c_int {
    h.st.maps
        .get(i)
        .and_then(|m| m.fd.as_ref())
        .map_or(-1, |fd| fd.as_raw_fd())
}

/// `bpf_map__fd` (LIBBPF_0.0.1): the map fd (-1 before load); -EINVAL for NULL.
#[no_mangle]
pub extern "C" fn bpf_map__fd(map: *const bpf_map) -> c_int {
    hl("bpf_map__fd", || {
        if inner_ref(map).is_some() {
            return Ok(-1);
        }
        let (h, i) = map_ref(map)?;
        Ok(map_fd(h, i))
    })
}

/// `bpf_map__name` (LIBBPF_0.0.1): the map name; NULL (errno EINVAL) if invalid.
#[no_mangle]
pub extern "C" fn bpf_map__name(map: *const bpf_map) -> *const c_char {
    ptr("bpf_map__name", || {
        if let Some((h, i)) = inner_ref(map) {
            if let Some(Some(t)) = h.inner.get(i) {
                return Ok(t.name.as_ptr() as *mut c_char);
            }
        }
        let (h, i) = map_ref(map)?;
        Ok(h.st.maps[i].name.as_ptr() as *mut c_char)
    })
}

fn map_field(
    name: &'static str,
    map: *const bpf_map,
    f: impl Fn(&crate::object::MapDef) -> u32,
) -> u32 {
    value(name, 0, || map_state(map).map_or(0, |m| f(&m.def)))
}

/// `bpf_map__type` (LIBBPF_0.1.0): the map type (0 if invalid).
#[no_mangle]
pub extern "C" fn bpf_map__type(map: *const bpf_map) -> bpf_map_type {
    map_field("bpf_map__type", map, |d| d.map_type)
}

/// `bpf_map__key_size` (LIBBPF_0.1.0): the key size (0 if invalid).
#[no_mangle]
pub extern "C" fn bpf_map__key_size(map: *const bpf_map) -> __u32 {
    map_field("bpf_map__key_size", map, |d| d.key_size)
}

/// `bpf_map__value_size` (LIBBPF_0.1.0): the value size (0 if invalid).
#[no_mangle]
pub extern "C" fn bpf_map__value_size(map: *const bpf_map) -> __u32 {
    map_field("bpf_map__value_size", map, |d| d.value_size)
}

/// `bpf_map__max_entries` (LIBBPF_0.1.0): max entries (0 if invalid).
#[no_mangle]
pub extern "C" fn bpf_map__max_entries(map: *const bpf_map) -> __u32 {
    map_field("bpf_map__max_entries", map, |d| d.max_entries)
}

/// The 0.x `bpf_prog_load`/`bpf_prog_load_xattr`: opens `path` (any failure is
/// ENOENT, as 0.x), runs [`ObjState::load_legacy`], and returns the live object and
/// the first program's fd; the object is closed again on failure.
pub(crate) fn prog_load_legacy(
    path: &str,
    a: &crate::load::LegacyLoad,
) -> Result<(*mut bpf_object, c_int), Error> {
    let obj =
        open_path(path, std::ptr::null()).map_err(|_| Error::NotFound("failed to open object"))?;
    let r = (|| {
        let h = obj_mut(obj)?;
        let first = h.st.load_legacy(a)?;
        h.st.progs[first]
            .fd
            .as_ref()
            .map(|fd| fd.as_raw_fd())
            .ok_or(Error::NotFound("first program not loaded"))
    })();
    match r {
        Ok(fd) => Ok((obj, fd)),
        Err(e) => {
            bpf_object__close(obj);
            Err(e)
        }
    }
}
