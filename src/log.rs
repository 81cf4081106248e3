//! Library messages: formatted here, delivered to the one sink the C layer
//! installs (`capi::print`, which owns `libbpf_set_print`'s callback and the
//! `va_list` shim).
//!
//! Owns: the print levels and the sink slot. Must not call: anything above it
//! (in particular not `capi`: the C layer registers itself here, so the core
//! never depends on it). Without a sink (the Rust unit tests), messages go
//! nowhere.

use once_cell::sync::OnceCell;
use std::fmt;

/// `enum libbpf_print_level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Level {
    Warn = 0,
    Info = 1,
    Debug = 2,
}

/// Where messages go: `enabled` says whether anyone listens (saves formatting
/// when printing is off), `emit` delivers one finished line.
pub struct Sink {
    pub enabled: fn(Level) -> bool,
    pub emit: fn(Level, &str),
}

static SINK: OnceCell<&'static Sink> = OnceCell::new();

/// Installs the sink (idempotent; the C layer calls it on entry to every export).
#[inline]
pub fn install(sink: &'static Sink) {
    if SINK.get().is_none() {
        let _ = SINK.set(sink);
    }
}

/// Whether a message of `level` would reach anyone: work done only to word a
/// message (collecting what it lists) is skipped when not.
#[inline]
pub fn enabled(level: Level) -> bool {
    SINK.get().is_some_and(|s| (s.enabled)(level))
}

/// Formats `libbpf: <message>\n` and hands it to the sink.
pub fn log(level: Level, args: fmt::Arguments<'_>) {
    let Some(s) = SINK.get() else { return };
    if !(s.enabled)(level) {
        return;
    }
    let msg = format!("libbpf: {args}\n");
    (s.emit)(level, &msg);
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
