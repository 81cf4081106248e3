//! `libbpf_register_prog_handler` / `libbpf_unregister_prog_handler` and the C
//! callbacks behind custom section definitions: setup when an object is opened,
//! prepare before each program load (through the core's `ProgHooks`), attach
//! from `bpf_program__attach` and skeleton attach. The definitions themselves
//! are the core's (`object::sec`); here only the callbacks, keyed by handler id.

use super::object::{obj_mut, obj_ref, prog_ptr, register, ObjHandle};
use crate::capi::arg;
use crate::capi::boundary::hl;
use crate::capi::bpf::prog::bpf_prog_load_opts;
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::types::*;
use crate::error::Error;
use crate::load::progs::ProgHooks;
use crate::load::{Hooks, ObjState};
use crate::object::sec;
use crate::sys::prog::ProgLoad;
use std::ffi::{c_char, c_int, c_long};
use std::sync::{Arc, Mutex};

/// `libbpf_prog_setup_fn_t`: `int (*)(struct bpf_program *prog, long cookie)`.
pub type libbpf_prog_setup_fn_t =
    Option<unsafe extern "C" fn(prog: *mut bpf_program, cookie: c_long) -> c_int>;
/// `libbpf_prog_prepare_load_fn_t`: `int (*)(struct bpf_program *prog, struct
/// bpf_prog_load_opts *opts, long cookie)`.
pub type libbpf_prog_prepare_load_fn_t = Option<
    unsafe extern "C" fn(
        prog: *mut bpf_program,
        opts: *mut bpf_prog_load_opts,
        cookie: c_long,
    ) -> c_int,
>;
/// `libbpf_prog_attach_fn_t`: `int (*)(const struct bpf_program *prog, long
/// cookie, struct bpf_link **link)`.
pub type libbpf_prog_attach_fn_t = Option<
    unsafe extern "C" fn(
        prog: *const bpf_program,
        cookie: c_long,
        link: *mut *mut bpf_link,
    ) -> c_int,
>;

/// `struct libbpf_prog_handler_opts` (LIBBPF_0.8.0; 40 bytes, last `prog_attach_fn`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct libbpf_prog_handler_opts {
    pub sz: usize,
    pub cookie: c_long,
    pub prog_setup_fn: libbpf_prog_setup_fn_t,
    pub prog_prepare_load_fn: libbpf_prog_prepare_load_fn_t,
    pub prog_attach_fn: libbpf_prog_attach_fn_t,
}
impl_opts!(libbpf_prog_handler_opts, prog_attach_fn: libbpf_prog_attach_fn_t);
const _: () = assert!(std::mem::size_of::<libbpf_prog_handler_opts>() == 40);

/// The callbacks of each registered handler id.
static CALLBACKS: Mutex<Vec<(i32, libbpf_prog_handler_opts)>> = Mutex::new(Vec::new());

/// The callbacks of `handler`, copied out so that no lock is held while they run.
fn callbacks(handler: i32) -> Option<libbpf_prog_handler_opts> {
    let list = CALLBACKS.lock().unwrap_or_else(|e| e.into_inner());
    list.iter().find(|(id, _)| *id == handler).map(|(_, o)| *o)
}

/// The handler id of program `i`'s section, when it is a custom one.
fn handler_of(st: &ObjState, i: usize) -> Option<i32> {
    st.progs[i]
        .def
        .sec_def
        .map(|d| d.handler)
        .filter(|&h| h != 0)
}

/// A callback's return: negative is a failure with that errno.
fn check(ret: c_int, what: &'static str) -> Result<(), Error> {
    if ret < 0 {
        return Err(Error::Callback {
            what,
            errno: ret.saturating_neg(),
        });
    }
    Ok(())
}

/// The prepare step of one object, as the core's load asks for it.
struct CapiHooks {
    /// The `struct bpf_object *` (an address: the handle outlives its load).
    obj: usize,
}

impl ProgHooks for CapiHooks {
    fn prepare(&self, handler: i32, prog: usize, req: &mut ProgLoad<'_>) -> Result<(), Error> {
        let Some(f) = callbacks(handler).and_then(|c| c.prog_prepare_load_fn.map(|f| (f, c)))
        else {
            return Ok(());
        };
        let (f, c) = f;
        let h = obj_ref(self.obj as *const bpf_object)?;
        // SAFETY: all-zero is a valid opts struct (integers and raw pointers).
        let mut o: bpf_prog_load_opts = unsafe { std::mem::zeroed() };
        o.sz = std::mem::size_of::<bpf_prog_load_opts>();
        o.expected_attach_type = req.expected_attach_type;
        o.prog_btf_fd = req.prog_btf_fd;
        o.prog_flags = req.prog_flags;
        o.prog_ifindex = req.prog_ifindex;
        o.kern_version = req.kern_version;
        o.attach_btf_id = req.attach_btf_id;
        o.attach_prog_fd = req.attach_prog_fd;
        o.attach_btf_obj_fd = req.attach_btf_obj_fd;
        let prog = prog_ptr(h, prog);
        // SAFETY: a registered C callback, given a live program handle and opts.
        let ret = unsafe { f(prog, &mut o, c.cookie) };
        check(ret, "prog_prepare_load_fn")?;
        req.expected_attach_type = o.expected_attach_type;
        req.prog_flags = o.prog_flags;
        req.prog_ifindex = o.prog_ifindex;
        req.kern_version = o.kern_version;
        req.attach_btf_id = o.attach_btf_id;
        req.attach_prog_fd = o.attach_prog_fd;
        req.attach_btf_obj_fd = o.attach_btf_obj_fd;
        Ok(())
    }
}

/// Registers an opened object and runs the setup callbacks of its custom
/// sections, as libbpf does while opening; a failed setup closes it again.
pub(crate) fn register_opened(mut st: ObjState) -> Result<*mut bpf_object, Error> {
    let custom: Vec<(usize, i32)> = (0..st.progs.len())
        .filter_map(|i| handler_of(&st, i).map(|h| (i, h)))
        .collect();
    let obj = if custom.is_empty() {
        register(st)
    } else {
        st.hooks = Hooks(None);
        let obj = register(st);
        obj_mut(obj)?.st.hooks = Hooks(Some(Arc::new(CapiHooks { obj: obj as usize })));
        obj
    };
    for (i, handler) in custom {
        let Some(c) = callbacks(handler) else {
            continue;
        };
        let Some(f) = c.prog_setup_fn else {
            continue;
        };
        let h: &ObjHandle = obj_ref(obj)?;
        let name = h.st.progs[i].def.name.clone();
        // SAFETY: a registered C callback, given a live program handle.
        let r = check(unsafe { f(prog_ptr(h, i), c.cookie) }, "prog_setup_fn");
        if let Err(e) = r {
            crate::log::warn(format_args!(
                "prog '{name}': failed to initialize: {}",
                -e.errno()
            ));
            super::object::bpf_object__close(obj);
            return Err(e);
        }
    }
    Ok(obj)
}

/// The custom attach of program `i`: `None` when its section is not a custom one.
/// Without an attach callback, or when it gives no link, EOPNOTSUPP (`NULL` link
/// is left to the caller: skeleton attach skips it).
pub(crate) fn custom_attach(
    prog: *const bpf_program,
    st: &ObjState,
    i: usize,
) -> Option<Result<*mut bpf_link, Error>> {
    let handler = handler_of(st, i)?;
    let Some((f, cookie)) =
        callbacks(handler).and_then(|c| c.prog_attach_fn.map(|f| (f, c.cookie)))
    else {
        return Some(Err(Error::Unsupported(crate::attach::NO_AUTO_ATTACH)));
    };
    let mut link: *mut bpf_link = std::ptr::null_mut();
    // SAFETY: a registered C callback, given a live program handle and a link slot.
    let r = check(unsafe { f(prog, cookie, &mut link) }, "prog_attach_fn");
    Some(r.map(|()| link))
}

/// `libbpf_register_prog_handler` (LIBBPF_0.8.0): a custom `SEC()` definition for
/// `sec` (`"abc"` exactly, `"abc/"` any `abc/…`, `"abc+"` both; NULL: the
/// fallback for sections nothing else matches, at most one). Returns the handler
/// id (> 0); bad opts EINVAL, a second fallback EBUSY. HL.
///
/// # Safety
/// `sec` is NULL or a C string; `opts` is NULL or a valid opts struct of `opts->sz` bytes.
#[no_mangle]
pub unsafe extern "C" fn libbpf_register_prog_handler(
    sec: *const c_char,
    prog_type: bpf_prog_type,
    exp_attach_type: bpf_attach_type,
    opts: *const libbpf_prog_handler_opts,
) -> c_int {
    hl("libbpf_register_prog_handler", || {
        // SAFETY: caller contract.
        let o = unsafe { opts_in(opts) }?;
        // SAFETY: NULL or a C string (caller contract).
        let name = unsafe { arg::opt_cstr(sec) }.map(|c| c.to_string_lossy().into_owned());
        let mut list = CALLBACKS.lock().unwrap_or_else(|e| e.into_inner());
        let id = sec::register_custom(name.as_deref(), prog_type, exp_attach_type)?;
        list.push((id, o));
        Ok(id)
    })
}

/// `libbpf_unregister_prog_handler` (LIBBPF_0.8.0): removes the handler with this
/// id. `handler_id <= 0` EINVAL, unknown ENOENT. HL.
#[no_mangle]
pub extern "C" fn libbpf_unregister_prog_handler(handler_id: c_int) -> c_int {
    hl("libbpf_unregister_prog_handler", || {
        let mut list = CALLBACKS.lock().unwrap_or_else(|e| e.into_inner());
        sec::unregister_custom(handler_id)?;
        list.retain(|(id, _)| *id != handler_id);
        Ok(0)
    })
}
