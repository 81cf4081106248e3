//! Library messages, routed to the C print callback (`libbpf_set_print`).
//!
//! The core formats; `capi::print` owns the callback and the `va_list` shim. This is
//! the one place the core reaches into `capi`: logging must work from every layer.

use std::fmt;

/// `enum libbpf_print_level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Level {
    Warn = 0,
    Info = 1,
    Debug = 2,
}

/// Formats `libbpf: <message>\n` and hands it to the print callback.
pub fn log(level: Level, args: fmt::Arguments<'_>) {
    if !crate::capi::print::enabled() {
        return;
    }
    let msg = format!("libbpf: {args}\n");
    crate::capi::print::emit(level, &msg);
}

pub fn warn(args: fmt::Arguments<'_>) {
    log(Level::Warn, args)
}

pub fn info(args: fmt::Arguments<'_>) {
    log(Level::Info, args)
}

pub fn debug(args: fmt::Arguments<'_>) {
    log(Level::Debug, args)
}
