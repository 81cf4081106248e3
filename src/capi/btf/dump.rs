//! `btf_dump__*` of `bpf/btf.h` (spec `btf-core.md` §6.4): BTF printed as C
//! through the caller's `printf`-style callback.
//!
//! Handles: a `struct btf_dump *` is a [`Registry`] handle over the core
//! [`BtfDump`] state, the `struct btf *` it reads (looked up on every call, so a
//! BTF that grew is seen whole and a freed one gives EINVAL) and the callback.
//! Each call makes the callback calls libbpf 1.1.2 makes (one per fragment
//! of [`Fragments`], with the same text), each as `("%s", fragment)` through
//! the C shim's `va_list` trampoline, after the core has finished (so the
//! callback may re-enter the library).
//! Must not: hold dumping logic; it is `crate::btf::dump`.

use crate::btf::dump::{BtfDump, DataOpts, DeclOpts, Fragments};
use crate::capi::arg;
use crate::capi::boundary::{hl, legacy_api, ptr, value};
use crate::capi::btf::handle::handle;
use crate::capi::opts::{impl_opts, opts_in};
use crate::capi::registry::Registry;
use crate::capi::types::*;
use crate::error::Error;
use std::ffi::{c_char, c_int, c_void};

/// `btf_dump_printf_fn_t`: `void (*)(void *ctx, const char *fmt, va_list args)`.
pub type btf_dump_printf_fn_t = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        fmt: *const c_char,
        args: crate::capi::libbpf::print::va_list,
    ),
>;

/// `struct btf_dump`: opaque to C.
pub struct btf_dump {
    _opaque: (),
}

/// `struct btf_dump_opts`, declared in the header as libbpf 0.6–0.8 did: a
/// union of the 1.x `sz` and the 0.x `ctx` (read by the 0.x `btf_dump__new`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct btf_dump_opts {
    pub sz: usize,
}
impl_opts!(btf_dump_opts, sz: usize);

/// `struct btf_dump_emit_type_decl_opts` (libbpf 1.x, 24 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct btf_dump_emit_type_decl_opts {
    pub sz: usize,
    pub field_name: *const c_char,
    pub indent_level: c_int,
    pub strip_mods: bool,
}
impl_opts!(btf_dump_emit_type_decl_opts, strip_mods: bool);

/// `struct btf_dump_type_data_opts` (libbpf 1.1, 24 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct btf_dump_type_data_opts {
    pub sz: usize,
    pub indent_str: *const c_char,
    pub indent_level: c_int,
    pub compact: bool,
    pub skip_names: bool,
    pub emit_zeroes: bool,
}
impl_opts!(btf_dump_type_data_opts, emit_zeroes: bool);

#[allow(unused_doc_comments)] // read by cbindgen, not rustdoc
/// cbindgen:ignore
extern "C" {
    fn bpfrs__dump_printf_trampoline(fn_: *mut c_void, ctx: *mut c_void, text: *const c_char);
}

/// The value behind a `struct btf_dump *`.
struct DumpHandle {
    btf: *const btf,
    printf_fn: btf_dump_printf_fn_t,
    ctx: *mut c_void,
    dump: BtfDump,
}

static DUMPS: Registry<DumpHandle> = Registry::new("btf_dump");

fn create(
    btf: *const btf,
    printf_fn: btf_dump_printf_fn_t,
    ctx: *mut c_void,
) -> Result<*mut btf_dump, Error> {
    if printf_fn.is_none() {
        return Err(Error::Inval("btf_dump: printf_fn is NULL"));
    }
    let dump = BtfDump::new(handle(btf)?.btf()?);
    Ok(DUMPS.register(DumpHandle {
        btf,
        printf_fn,
        ctx,
        dump,
    }))
}

/// Runs `f` on the dumper and its BTF, then passes what it printed to the
/// callback, fragment by fragment (also when `f` failed).
fn run<R>(
    d: *const btf_dump,
    f: impl FnOnce(&mut BtfDump, &crate::btf::Btf, &mut Fragments) -> Result<R, Error>,
) -> Result<R, Error> {
    thread_local! {
        /// The fragments of the thread's last call, kept for their memory (a
        /// callback that dumps again starts a buffer of its own).
        static SPARE: std::cell::Cell<Fragments> = std::cell::Cell::new(Fragments::default());
    }
    let mut frags = SPARE.take();
    let (r, cb, ctx) = DUMPS.with(d, |h| -> Result<_, Error> {
        let btf = handle(h.btf)?.btf()?;
        let r = f(&mut h.dump, btf, &mut frags);
        Ok((r, h.printf_fn, h.ctx))
    })??;
    emit(cb, ctx, &frags);
    SPARE.set(frags);
    r
}

/// One call of the caller's callback per fragment.
fn emit(cb: btf_dump_printf_fn_t, ctx: *mut c_void, frags: &Fragments) {
    let Some(cb) = cb else { return };
    for f in frags.iter_with_nul() {
        // SAFETY: `cb` is the caller's `btf_dump_printf_fn_t`; the trampoline calls it with `ctx` and a va_list holding one `const char *` for the "%s" format; `f` ends in NUL and outlives the call.
        unsafe { bpfrs__dump_printf_trampoline(cb as *mut c_void, ctx, f.as_ptr().cast()) };
    }
}

/// `btf_dump__new` (LIBBPF_0.6.0; the 1.x form): a dumper printing through
/// `printf_fn(ctx, …)`. NULL `printf_fn`, a bad `opts` or a dead `btf`: NULL
/// with errno EINVAL.
///
/// # Safety
/// `btf` is a `struct btf *` of this library; `opts` is NULL or a valid
/// `btf_dump_opts`; `printf_fn` is callable with `ctx` while the dumper lives.
#[no_mangle]
pub unsafe extern "C" fn btf_dump__new(
    btf: *const btf,
    printf_fn: btf_dump_printf_fn_t,
    ctx: *mut c_void,
    opts: *const btf_dump_opts,
) -> *mut btf_dump {
    ptr("btf_dump__new", || {
        // SAFETY: NULL or a caller's opts of `sz` bytes.
        unsafe { opts_in(opts) }?;
        create(btf, printf_fn, ctx)
    })
}

/// `btf_dump__new_deprecated` (LIBBPF_0.6.0; the 0.0.4 form,
/// `btf_dump__new@LIBBPF_0.0.4`): `(btf, btf_ext, opts, printf_fn)` with the
/// callback's `ctx` in `opts->ctx` (NULL opts: NULL ctx); `btf_ext` is unused,
/// as in libbpf. Returns as [`btf_dump__new`].
///
/// # Safety
/// As [`btf_dump__new`]; `opts` is NULL or points to the 0.x `{ void *ctx; }`.
#[no_mangle]
pub unsafe extern "C" fn btf_dump__new_deprecated(
    btf: *const btf,
    _btf_ext: *const btf_ext,
    opts: *const btf_dump_opts,
    printf_fn: btf_dump_printf_fn_t,
) -> *mut btf_dump {
    legacy_api("btf_dump__new_deprecated", || {
        ptr("btf_dump__new_deprecated", || {
            let ctx = if opts.is_null() {
                std::ptr::null_mut()
            } else {
                // SAFETY: a caller of the 0.x form passes its one-pointer struct.
                unsafe { opts.cast::<*mut c_void>().read_unaligned() }
            };
            create(btf, printf_fn, ctx)
        })
    })
}

/// `btf_dump__free` (LIBBPF_0.0.4). NULL and dead handles are ignored.
///
/// # Safety
/// `d` is NULL or a `struct btf_dump *` of this library.
#[no_mangle]
pub unsafe extern "C" fn btf_dump__free(d: *mut btf_dump) {
    value("btf_dump__free", (), || {
        DUMPS.free(d);
    })
}

/// `btf_dump__dump_type` (LIBBPF_0.0.4): type `id` and every type it needs not
/// yet printed by this dumper, as compilable C. 0, or `-EINVAL` (ID out of
/// range), `-ELOOP` (types embedding each other).
///
/// # Safety
/// `d` is a `struct btf_dump *` of this library.
#[no_mangle]
pub unsafe extern "C" fn btf_dump__dump_type(d: *mut btf_dump, id: __u32) -> c_int {
    hl("btf_dump__dump_type", || {
        run(d, |dump, btf, out| dump.dump_type_into(btf, id, out))?;
        Ok(0)
    })
}

/// `btf_dump__emit_type_decl` (LIBBPF_0.0.7): one declaration of type `id`
/// (named `opts->field_name`, inner lines indented by `opts->indent_level`
/// tabs, without modifiers if `opts->strip_mods`), without its dependencies.
///
/// # Safety
/// `d` is a `struct btf_dump *` of this library; `opts` is NULL or a valid
/// `btf_dump_emit_type_decl_opts` whose `field_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf_dump__emit_type_decl(
    d: *mut btf_dump,
    id: __u32,
    opts: *const btf_dump_emit_type_decl_opts,
) -> c_int {
    hl("btf_dump__emit_type_decl", || {
        // SAFETY: NULL or a caller's opts of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        // SAFETY: NULL or a C string (the caller's contract).
        let name = unsafe { arg::opt_cstr(o.field_name) };
        let name = name.map(|c| String::from_utf8_lossy(c.to_bytes()).into_owned());
        let opts = DeclOpts {
            field_name: name.as_deref().unwrap_or(""),
            indent_level: usize::try_from(o.indent_level).unwrap_or(usize::MAX),
            strip_mods: o.strip_mods,
        };
        run(d, |dump, btf, out| {
            dump.emit_type_decl_into(btf, id, &opts, out)
        })?;
        Ok(0)
    })
}

/// `btf_dump__dump_type_data` (LIBBPF_0.5.0): the value of type `id` in the
/// `data_sz` bytes at `data`, printed as a C initializer (`opts`: indentation,
/// `compact`, `skip_names`, `emit_zeroes`). The size of the type, or
/// `-EINVAL` (bad opts, dead handle, unsized type), `-ENOENT` (ID out of
/// range), `-E2BIG` (a value past `data_sz`), `-EOPNOTSUPP`; text printed
/// before an error still reaches the callback, as in libbpf.
///
/// # Safety
/// `d` is a `struct btf_dump *` of this library; `data` is NULL or points to
/// `data_sz` readable bytes; `opts` is NULL or a valid
/// `btf_dump_type_data_opts` whose `indent_str` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn btf_dump__dump_type_data(
    d: *mut btf_dump,
    id: __u32,
    data: *const c_void,
    data_sz: usize,
    opts: *const btf_dump_type_data_opts,
) -> c_int {
    hl("btf_dump__dump_type_data", || {
        // SAFETY: NULL or a caller's opts of `sz` bytes.
        let o = unsafe { opts_in(opts) }?;
        // SAFETY: NULL or a C string (the caller's contract).
        let indent = unsafe { arg::opt_cstr(o.indent_str) }.map(|c| {
            let b = c.to_bytes();
            String::from_utf8_lossy(&b[..b.len().min(31)]).into_owned()
        });
        let opts = DataOpts {
            indent_str: indent,
            indent_level: o.indent_level,
            compact: o.compact,
            skip_names: o.skip_names,
            emit_zeroes: o.emit_zeroes,
        };
        let bytes: &[u8] = if data.is_null() {
            &[]
        } else {
            // SAFETY: `data` points to `data_sz` readable bytes (the caller's contract).
            unsafe { std::slice::from_raw_parts(data.cast::<u8>(), data_sz) }
        };
        let data = (bytes, data_sz, data as usize);
        run(d, |dump, btf, out| {
            dump.dump_type_data_into(btf, id, data, &opts, out)
        })
    })
}
