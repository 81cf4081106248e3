//! `bpfrs btf dump`: BTF as C or as bpftool's raw listing.

use crate::{fail, wants_help};
use bpfrs::btf::{Btf, Checks, FileKind};
use bpfrs::check::{cdump, raw};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

const HELP: &str = "\
Usage: bpfrs btf dump FILE [format c|raw] [--base FILE]

Prints the BTF of FILE (raw BTF such as /sys/kernel/btf/vmlinux, or an ELF
object's .BTF) as `bpftool btf dump file FILE format c|raw` does (default:
raw). --base (or -B) reads FILE as split BTF on the base file's types; only
FILE's own types are listed.
";

fn parse(args: &[String]) -> Result<(String, bool, Option<String>), String> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("dump") => {}
        Some(o) => return Err(format!("unknown btf command '{o}' (want: dump)")),
        None => return Err("btf needs a command (see 'bpfrs btf --help')".into()),
    }
    let (mut file, mut c, mut base) = (None, false, None);
    while let Some(a) = it.next() {
        match a.as_str() {
            "format" => match it.next().map(String::as_str) {
                Some("c") => c = true,
                Some("raw") => c = false,
                Some(f) => {
                    return Err(format!(
                        "unrecognized format specifier: '{f}', possible values: raw, c"
                    ))
                }
                None => return Err("expecting value for 'format' option".into()),
            },
            "--base" | "-B" | "--base-btf" => {
                base = Some(it.next().ok_or("--base needs a FILE")?.clone())
            }
            "file" if file.is_none() => file = Some(it.next().ok_or("file needs a FILE")?.clone()),
            s if file.is_none() && !s.starts_with('-') => file = Some(s.to_string()),
            s => return Err(format!("unrecognized option: '{s}'")),
        }
    }
    Ok((file.ok_or("btf dump needs a FILE")?, c, base))
}

pub fn run(args: &[String]) -> ExitCode {
    if wants_help(args) {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let (file, c, base) = match parse(args) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let load = |p: &str, base: Option<Arc<Btf>>| {
        Btf::from_path(Path::new(p), FileKind::Any, base, Checks::Strict, false)
            .map(|(b, _)| b)
            .map_err(|e| format!("failed to load BTF from {p}: {e}"))
    };
    let base = match base.map(|b| load(&b, None)).transpose() {
        Ok(b) => b.map(Arc::new),
        Err(e) => return fail(e),
    };
    let btf = match load(&file, base) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let text = if c {
        cdump::header(&btf).map_err(|e| e.to_string())
    } else {
        Ok(raw::dump(&btf))
    };
    match text {
        Ok(t) => {
            let _ = std::io::stdout().write_all(t.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("dump failed: {e}")),
    }
}
