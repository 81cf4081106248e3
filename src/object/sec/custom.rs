//! Custom section definitions (`libbpf_register_prog_handler`): a process-wide
//! list consulted before the built-in table, plus at most one fallback (`sec ==
//! NULL`) consulted after it. Each has a handler id (1, 2, … never reused); the
//! callbacks stay with the registering layer, keyed by that id.
//!
//! A registered definition is leaked: programs opened while it was registered
//! keep a `&'static` to it after it is unregistered (libbpf's pointer dangles).

use super::{AttachKind, SecDef, SecFlags, SecForm};
use crate::error::Error;
use std::sync::Mutex;

struct Custom {
    defs: Vec<&'static SecDef>,
    fallback: Option<&'static SecDef>,
    last_id: i32,
}

static CUSTOM: Mutex<Custom> = Mutex::new(Custom {
    defs: Vec::new(),
    fallback: None,
    last_id: 0,
});

fn custom() -> std::sync::MutexGuard<'static, Custom> {
    CUSTOM.lock().unwrap_or_else(|e| e.into_inner())
}

/// The first custom definition matching `sec_name`, in registration order.
pub(super) fn find(sec_name: &str) -> Option<&'static SecDef> {
    custom().defs.iter().copied().find(|d| d.matches(sec_name))
}

/// The fallback definition, if one is registered.
pub(super) fn fallback() -> Option<&'static SecDef> {
    custom().fallback
}

/// The definition for libbpf's spelling of `sec`: `abc/` matches `abc/…`, `abc+`
/// matches `abc` and `abc/…`, anything else only itself.
fn parse(sec: &str) -> (String, SecForm) {
    if sec.ends_with('/') {
        (sec.to_string(), SecForm::Prefix)
    } else if let Some(p) = sec.strip_suffix('+') {
        (p.to_string(), SecForm::Extras)
    } else {
        (sec.to_string(), SecForm::Exact)
    }
}

/// Registers a definition for `sec` (`None`: the fallback) and returns its
/// handler id. A second fallback is EBUSY; ids run out at `i32::MAX` (E2BIG).
pub fn register_custom(sec: Option<&str>, prog_type: u32, attach_type: u32) -> Result<i32, Error> {
    let mut c = custom();
    if c.last_id == i32::MAX {
        return Err(Error::TooBig("no handler ids left"));
    }
    if sec.is_none() && c.fallback.is_some() {
        return Err(Error::Busy("a fallback handler is already registered"));
    }
    let (prefix, form) = parse(sec.unwrap_or(""));
    let handler = c.last_id + 1;
    let def: &'static SecDef = Box::leak(Box::new(SecDef {
        prog_type,
        expected_attach_type: attach_type,
        flags: SecFlags::NONE,
        attach: AttachKind::None,
        prefix: Box::leak(prefix.into_boxed_str()),
        form,
        loose: false,
        handler,
    }));
    c.last_id = handler;
    match sec {
        Some(_) => c.defs.push(def),
        None => c.fallback = Some(def),
    }
    Ok(handler)
}

/// Removes the definition with id `handler`: EINVAL for `handler <= 0`, ENOENT
/// when none has it.
pub fn unregister_custom(handler: i32) -> Result<(), Error> {
    if handler <= 0 {
        return Err(Error::Inval("handler id must be positive"));
    }
    let mut c = custom();
    if c.fallback.is_some_and(|d| d.handler == handler) {
        c.fallback = None;
        return Ok(());
    }
    let at = c
        .defs
        .iter()
        .position(|d| d.handler == handler)
        .ok_or(Error::NotFound("no handler with this id"))?;
    c.defs.remove(at);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::find_sec_def;
    use super::*;
    use crate::uapi::*;

    /// One test for the whole registry: it is process-wide, and the other tests
    /// of the table run in parallel, so only names no built-in uses are added.
    #[test]
    fn register_find_unregister() {
        let a = register_custom(Some("zzcustom/"), BPF_PROG_TYPE_KPROBE, 0).unwrap();
        let b = register_custom(Some("zzplus+"), BPF_PROG_TYPE_XDP, BPF_XDP).unwrap();
        let c = register_custom(Some("zzexact"), BPF_PROG_TYPE_SOCKET_FILTER, 0).unwrap();
        assert!(a > 0 && b == a + 1 && c == b + 1);
        assert_eq!(find_sec_def("zzcustom/x").map(|d| d.handler), Some(a));
        assert!(find_sec_def("zzcustom").is_none_or(|d| d.handler != a));
        assert_eq!(find_sec_def("zzplus").map(|d| d.handler), Some(b));
        assert_eq!(find_sec_def("zzplus/y").map(|d| d.handler), Some(b));
        assert!(find_sec_def("zzplusy").is_none_or(|d| d.handler != b));
        assert_eq!(
            find_sec_def("zzexact").map(|d| d.prog_type),
            Some(BPF_PROG_TYPE_SOCKET_FILTER)
        );
        assert!(find_sec_def("zzexact/1").is_none_or(|d| d.handler != c));
        assert!(matches!(unregister_custom(c + 1), Err(Error::NotFound(_))));
        assert!(matches!(unregister_custom(0), Err(Error::Inval(_))));
        for id in [a, b, c] {
            unregister_custom(id).unwrap();
        }
        assert!(find_sec_def("zzcustom/x").is_none_or(|d| d.handler != a));
    }
}
