//! The BPF skeleton calls that `bpftool gen skeleton` output makes (spec
//! `libbpf-api.md` §1.2 "Skeleton", §4.4): open from the embedded ELF image and
//! fill the skeleton's map/program pointers, load and remap global data at the
//! same addresses, auto-attach, detach, destroy.
//!
//! Skeleton structs carry no `sz` check; their map/program arrays use the stride
//! the skeleton declares (`map_skel_sz`/`prog_skel_sz`), never less than the
//! original layout.

use crate::capi::arg;
use crate::capi::boundary::{hl, value};
use crate::capi::libbpf::object::{
    bpf_object__close, bpf_object__find_map_by_name, bpf_object__find_program_by_name,
    bpf_object__load, bpf_object__open_mem, bpf_object_open_opts, map_mut, prog_ref,
};
use crate::capi::types::*;
use crate::error::Error;
use std::ffi::{c_char, c_int, c_void, CStr};

/// `struct bpf_map_skeleton` (the fields every version has).
#[repr(C)]
pub struct bpf_map_skeleton {
    pub name: *const c_char,
    pub map: *mut *mut bpf_map,
    pub mmaped: *mut *mut c_void,
}

/// `struct bpf_prog_skeleton`.
#[repr(C)]
pub struct bpf_prog_skeleton {
    pub name: *const c_char,
    pub prog: *mut *mut bpf_program,
    pub link: *mut *mut bpf_link,
}

/// `struct bpf_object_skeleton`.
#[repr(C)]
pub struct bpf_object_skeleton {
    pub sz: usize,
    pub name: *const c_char,
    pub data: *const c_void,
    pub data_sz: usize,
    pub obj: *mut *mut bpf_object,
    pub map_cnt: c_int,
    pub map_skel_sz: c_int,
    pub maps: *mut bpf_map_skeleton,
    pub prog_cnt: c_int,
    pub prog_skel_sz: c_int,
    pub progs: *mut bpf_prog_skeleton,
}

/// The `i`-th entry of a skeleton array with the declared stride.
///
/// # Safety
/// `base` points to `cnt` entries of `stride` bytes, `i < cnt`, and `stride` is at
/// least `size_of::<T>()`.
unsafe fn entry<'a, T>(base: *mut T, stride: c_int, i: usize) -> &'a mut T {
    let stride = (stride as usize).max(std::mem::size_of::<T>());
    // SAFETY: in bounds per the caller's contract; entries are suitably aligned (they start a C array of pointer-aligned structs).
    unsafe { &mut *base.cast::<u8>().add(i * stride).cast::<T>() }
}

/// Every entry of a skeleton array with the declared stride (none for a
/// negative count).
///
/// # Safety
/// As [`entry`] for each `i < cnt`; the entries stay valid and unaliased while
/// they are used.
unsafe fn entries<'a, T: 'a>(
    base: *mut T,
    cnt: c_int,
    stride: c_int,
) -> impl Iterator<Item = &'a mut T> {
    (0..cnt.max(0) as usize).map(move |i| {
        // SAFETY: `i < cnt` (caller contract).
        unsafe { entry(base, stride, i) }
    })
}

/// The skeleton itself, or EINVAL for NULL.
///
/// # Safety
/// `s` is NULL or a valid skeleton.
unsafe fn skel<'a>(s: *mut bpf_object_skeleton) -> Result<&'a mut bpf_object_skeleton, Error> {
    // SAFETY: NULL or valid (caller contract).
    unsafe { s.as_mut() }.ok_or(Error::Inval("skeleton is NULL"))
}

/// The object's map or program called `name` (looked up by `find`); ESRCH, with
/// libbpf's warning, when there is none.
///
/// # Safety
/// `name` is NULL or a C string; `find` accepts it.
unsafe fn find_named<T>(
    what: &str,
    name: *const c_char,
    find: impl FnOnce(*const c_char) -> *mut T,
) -> Result<*mut T, Error> {
    let p = find(name);
    if p.is_null() {
        // SAFETY: NULL or a C string (caller contract).
        let n = unsafe { arg::opt_cstr(name) }.map(|c| c.to_string_lossy());
        crate::log::warn(format_args!(
            "failed to find skeleton {what} '{}'",
            n.unwrap_or_default()
        ));
        return Err(Error::NoMatch("skeleton map or program not found"));
    }
    Ok(p)
}

/// Fills each `*maps[i].map` (and `*maps[i].mmaped`, the value area) by name;
/// ESRCH for a missing map.
///
/// # Safety
/// `maps` holds `cnt` entries of `stride` bytes with writable slots.
unsafe fn populate_maps(
    obj: *mut bpf_object,
    maps: *mut bpf_map_skeleton,
    cnt: c_int,
    stride: c_int,
) -> Result<(), Error> {
    // SAFETY: `maps` has `cnt` entries of `stride` bytes (caller contract).
    for m in unsafe { entries(maps, cnt, stride) } {
        // SAFETY: skeleton names are C strings.
        let map = unsafe { find_named("map", m.name, |n| bpf_object__find_map_by_name(obj, n)) }?;
        // SAFETY: writable slots of the skeleton.
        unsafe { arg::write(m.map, map) };
        if !m.mmaped.is_null() {
            let (h, idx) = map_mut(map)?;
            // As libbpf: externs are not for user code to set, so the `.kconfig`
            // map's area is handed out only by the load.
            let kconfig = h.st.maps[idx].def.is_kconfig();
            let p = h.st.maps[idx]
                .mmap
                .as_ref()
                .filter(|_| !kconfig)
                .map_or(std::ptr::null_mut(), |mm| mm.as_ptr().cast::<c_void>());
            // SAFETY: writable slot of the skeleton.
            unsafe { arg::write(m.mmaped, p) };
        }
    }
    Ok(())
}

/// Fills each `*progs[i].prog` by name; ESRCH for a missing program.
///
/// # Safety
/// `progs` holds `cnt` entries of `stride` bytes with writable slots.
unsafe fn populate_progs(
    obj: *mut bpf_object,
    progs: *mut bpf_prog_skeleton,
    cnt: c_int,
    stride: c_int,
) -> Result<(), Error> {
    // SAFETY: `progs` has `cnt` entries of `stride` bytes (caller contract).
    for p in unsafe { entries(progs, cnt, stride) } {
        // SAFETY: skeleton names are C strings.
        let prog = unsafe {
            find_named("program", p.name, |n| {
                bpf_object__find_program_by_name(obj, n)
            })
        }?;
        // SAFETY: writable slot of the skeleton.
        unsafe { arg::write(p.prog, prog) };
    }
    Ok(())
}

/// `bpf_object__open_skeleton` (LIBBPF_0.0.7): opens the embedded object (named
/// `s->name` unless `opts` names it), stores it in `*s->obj`, and fills each
/// `*maps[i].map`, `*maps[i].mmaped` (the initial-value area) and `*progs[i].prog`.
/// HL; -ESRCH when a named map or program is missing.
///
/// # Safety
/// `s` is a valid skeleton (as bpftool generates); `opts` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__open_skeleton(
    s: *mut bpf_object_skeleton,
    opts: *const bpf_object_open_opts,
) -> c_int {
    hl("bpf_object__open_skeleton", || {
        // SAFETY: caller contract.
        let s = unsafe { skel(s) }?;
        let mut o = if opts.is_null() {
            // SAFETY: an all-zero opts is valid (NULL pointers, zero sizes).
            let mut z: bpf_object_open_opts = unsafe { std::mem::zeroed() };
            z.sz = std::mem::size_of::<bpf_object_open_opts>();
            z
        } else {
            // SAFETY: non-NULL and valid (caller contract); libbpf copies it whole too.
            unsafe { std::ptr::read(opts) }
        };
        if o.object_name.is_null() {
            o.object_name = s.name;
        }
        // SAFETY: `data`/`data_sz` describe the embedded ELF image (bpftool contract).
        let obj = unsafe { bpf_object__open_mem(s.data, s.data_sz, &o) };
        if obj.is_null() {
            crate::log::warn(format_args!("failed to initialize skeleton BPF object"));
            return Ok(crate::capi::errno::pass_errno());
        }
        // SAFETY: `obj` is a writable pointer slot of the skeleton.
        unsafe { arg::write(s.obj, obj) };
        // SAFETY: the skeleton's arrays (bpftool contract).
        unsafe {
            populate_maps(obj, s.maps, s.map_cnt, s.map_skel_sz)?;
            populate_progs(obj, s.progs, s.prog_cnt, s.prog_skel_sz)?;
        }
        Ok(0)
    })
}

/// `bpf_object__load_skeleton` (LIBBPF_0.0.7): loads `*s->obj`, then maps each
/// mmapable map's memory at its `*mmaped` address (read-only for `.rodata`);
/// `*mmaped` becomes NULL for maps that are not mmapable. HL.
///
/// # Safety
/// `s` is a valid, opened skeleton.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__load_skeleton(s: *mut bpf_object_skeleton) -> c_int {
    hl("bpf_object__load_skeleton", || {
        // SAFETY: caller contract.
        let s = unsafe { skel(s) }?;
        // SAFETY: `obj` points to the skeleton's object slot.
        let obj = unsafe { arg::read(s.obj, "skeleton obj is NULL") }?;
        let r = bpf_object__load(obj);
        if r < 0 {
            let err = crate::capi::errno::get_errno();
            // SAFETY: `name` is the skeleton's NUL-terminated name (bpftool contract) or NULL.
            let name = unsafe { arg::opt_cstr(s.name) }.map(CStr::to_string_lossy);
            let name = name.unwrap_or_default();
            crate::log::warn(format_args!("failed to load BPF skeleton '{name}': -{err}"));
            return Ok(crate::capi::errno::libbpf_err(r));
        }
        // SAFETY: as in open.
        for m in unsafe { entries(s.maps, s.map_cnt, s.map_skel_sz) } {
            if m.mmaped.is_null() {
                continue;
            }
            // SAFETY: filled by open_skeleton.
            let map = unsafe { arg::read(m.map, "skeleton map is NULL") }?;
            let (h, idx) = map_mut(map)?;
            let p =
                h.st.remap_data_map(idx)?
                    .map_or(std::ptr::null_mut(), |p| p.cast());
            // SAFETY: writable slot of the skeleton.
            unsafe { arg::write(m.mmaped, p) };
        }
        Ok(0)
    })
}

/// `bpf_object__attach_skeleton` (LIBBPF_0.0.7): auto-attaches every program with
/// autoload and autoattach set whose `*link` is still NULL; sections without an
/// automatic attach are skipped. HL: the first attach error.
///
/// # Safety
/// `s` is a valid, loaded skeleton.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__attach_skeleton(s: *mut bpf_object_skeleton) -> c_int {
    hl("bpf_object__attach_skeleton", || {
        // SAFETY: caller contract.
        let s = unsafe { skel(s) }?;
        // SAFETY: as in open.
        for p in unsafe { entries(s.progs, s.prog_cnt, s.prog_skel_sz) } {
            // SAFETY: filled by open_skeleton.
            let prog = unsafe { arg::read(p.prog, "skeleton prog is NULL") }?;
            let (h, idx) = prog_ref(prog)?;
            let ps = &h.st.progs[idx];
            if !ps.autoload || !ps.autoattach {
                continue;
            }
            // SAFETY: `link` is the skeleton's link slot (may be NULL: then skip it).
            if p.link.is_null() || !unsafe { *p.link }.is_null() {
                continue;
            }
            // Sections without an automatic attach (or without a target, like a
            // bare SEC("uprobe")) are skipped, as libbpf does.
            let custom = super::prog_handler::custom_attach(prog, &h.st, idx);
            let auto = || crate::attach::attach_auto(&h.st, idx).map(super::link::register);
            match custom.unwrap_or_else(auto) {
                Ok(link) => {
                    // SAFETY: writable slot of the skeleton (a custom attach may leave it NULL).
                    unsafe { arg::write(p.link, link) };
                }
                Err(Error::Unsupported(crate::attach::NO_AUTO_ATTACH)) => continue,
                Err(e) => {
                    crate::log::warn(format_args!(
                        "prog '{}': failed to auto-attach: -{}",
                        ps.def.name,
                        e.errno()
                    ));
                    return Err(e);
                }
            }
        }
        Ok(0)
    })
}

/// `bpf_object__detach_skeleton` (LIBBPF_0.0.7): destroys every `*link` and sets
/// it to NULL.
///
/// # Safety
/// `s` is NULL or a valid skeleton.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__detach_skeleton(s: *mut bpf_object_skeleton) {
    value("bpf_object__detach_skeleton", (), || {
        // SAFETY: caller contract.
        let Ok(s) = (unsafe { skel(s) }) else { return };
        // SAFETY: as in open.
        for p in unsafe { entries(s.progs, s.prog_cnt, s.prog_skel_sz) } {
            if p.link.is_null() {
                continue;
            }
            // SAFETY: the skeleton's link slot.
            let link = unsafe { std::ptr::replace(p.link, std::ptr::null_mut()) };
            crate::capi::libbpf::link::bpf_link__destroy(link);
        }
    })
}

/// `bpf_object__destroy_skeleton` (LIBBPF_0.0.7): detaches, closes the object,
/// then frees `s->maps`, `s->progs` and `s` with libc `free()` (bpftool allocated
/// them with `calloc`). NULL is ignored.
///
/// # Safety
/// `s` is NULL or a skeleton allocated as bpftool does.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__destroy_skeleton(s: *mut bpf_object_skeleton) {
    value("bpf_object__destroy_skeleton", (), || {
        if s.is_null() {
            return;
        }
        // SAFETY: caller contract.
        unsafe { bpf_object__detach_skeleton(s) };
        // SAFETY: non-NULL skeleton (caller contract).
        let sk = unsafe { &mut *s };
        if !sk.obj.is_null() {
            // SAFETY: the object slot.
            bpf_object__close(unsafe { *sk.obj });
        }
        // SAFETY: bpftool allocates these three with calloc; libbpf frees them with free().
        unsafe {
            libc::free(sk.maps.cast());
            libc::free(sk.progs.cast());
            libc::free(s.cast());
        }
    })
}

/// `struct bpf_var_skeleton` (subskeletons).
#[repr(C)]
pub struct bpf_var_skeleton {
    pub name: *const c_char,
    pub map: *mut *mut bpf_map,
    pub addr: *mut *mut c_void,
}

/// `struct bpf_object_subskeleton` (`bpftool gen subskeleton`).
#[repr(C)]
pub struct bpf_object_subskeleton {
    pub sz: usize,
    pub obj: *const bpf_object,
    pub map_cnt: c_int,
    pub map_skel_sz: c_int,
    pub maps: *mut bpf_map_skeleton,
    pub prog_cnt: c_int,
    pub prog_skel_sz: c_int,
    pub progs: *mut bpf_prog_skeleton,
    pub var_cnt: c_int,
    pub var_skel_sz: c_int,
    pub vars: *mut bpf_var_skeleton,
}

/// `bpf_object__open_subskeleton` (LIBBPF_0.8.0): binds a subskeleton (a BPF
/// library's view) to an already opened object: its maps and programs by name,
/// and each variable's address inside its global-data map (found by name in the
/// map's DATASEC). HL: -EINVAL without an object or for a map that is not a
/// DATASEC, -ESRCH for a missing map or program, the BTF error when the object
/// has no BTF.
///
/// # Safety
/// `s` is NULL or a valid subskeleton (as bpftool generates).
#[no_mangle]
pub unsafe extern "C" fn bpf_object__open_subskeleton(s: *mut bpf_object_subskeleton) -> c_int {
    hl("bpf_object__open_subskeleton", || {
        // SAFETY: NULL or valid (caller contract).
        let s = unsafe { s.as_mut() }.ok_or(Error::Inval("subskeleton is NULL"))?;
        if s.obj.is_null() {
            return Err(Error::Inval("subskeleton without an object"));
        }
        let obj = s.obj.cast_mut();
        if crate::capi::btf::handle::bpf_object__btf(obj).is_null() {
            crate::log::warn(format_args!("subskeletons require BTF at runtime"));
            return Ok(crate::capi::errno::pass_errno());
        }
        // SAFETY: the subskeleton's arrays (bpftool contract).
        unsafe {
            populate_maps(obj, s.maps, s.map_cnt, s.map_skel_sz)?;
            populate_progs(obj, s.progs, s.prog_cnt, s.prog_skel_sz)?;
        }
        // SAFETY: `vars` has `var_cnt` entries of `var_skel_sz` bytes.
        for v in unsafe { entries(s.vars, s.var_cnt, s.var_skel_sz) } {
            // SAFETY: `map` is the subskeleton's slot, filled by populate_maps.
            let map = unsafe { arg::read(v.map, "variable's map slot is NULL") }?;
            // SAFETY: skeleton names are C strings.
            let name = unsafe { arg::cstr(v.name, "variable name is NULL") }?;
            let (h, idx) = map_mut(map)?;
            let off = h.st.data_var_offset(idx, &name.to_string_lossy())?;
            if let (Some(off), Some(mm)) = (off, h.st.maps[idx].mmap.as_ref()) {
                // SAFETY: `off` lies inside the map's value (a DATASEC offset within value_size, no larger than the mapping); `addr` is a writable slot.
                unsafe { arg::write(v.addr, mm.as_ptr().add(off as usize).cast::<c_void>()) };
            }
        }
        Ok(0)
    })
}

/// `bpf_object__destroy_subskeleton` (LIBBPF_0.8.0): frees `s->maps`, `s->progs`,
/// `s->vars` and `s` with libc `free()` (bpftool allocated them); the object stays.
///
/// # Safety
/// `s` is NULL or a subskeleton allocated as bpftool does.
#[no_mangle]
pub unsafe extern "C" fn bpf_object__destroy_subskeleton(s: *mut bpf_object_subskeleton) {
    value("bpf_object__destroy_subskeleton", (), || {
        if s.is_null() {
            return;
        }
        // SAFETY: bpftool allocates the arrays and the struct with calloc; libbpf frees them with free().
        unsafe {
            libc::free((*s).maps.cast());
            libc::free((*s).progs.cast());
            libc::free((*s).vars.cast());
            libc::free(s.cast());
        }
    })
}
