//! `bpfrs`: libbpfrs's command-line tool, a thin front end over the library's
//! `check` layer (no `bpf()` calls, no root needed).
//!
//!   bpfrs check OBJ [--btf FILE]... [--kernel X.Y] [--json]
//!   bpfrs btf dump FILE [format c|raw] [--base FILE]
//!   bpfrs gen skeleton|subskeleton OBJ [name NAME]

mod btf;
mod check;
mod gen;

use bpfrs::log::{Level, Sink};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit status for a bad object, file or command line.
pub const EXIT_BAD: u8 = 2;

static VERBOSE: AtomicBool = AtomicBool::new(false);

static SINK: Sink = Sink {
    enabled: |level| {
        level == Level::Warn && VERBOSE.load(Ordering::Relaxed) || VERBOSE.load(Ordering::Relaxed)
    },
    emit: |_, msg| eprint!("{msg}"),
};

const USAGE: &str = "\
Usage: bpfrs [-v|--verbose] COMMAND ...

Commands:
  check OBJ [--btf FILE]... [--kernel X.Y] [--json]
                 what bpf_object__open makes of OBJ, its CO-RE relocations
                 resolved against FILE (default /sys/kernel/btf/vmlinux) and
                 the oldest kernel that loads it; no bpf() calls
  btf dump FILE [format c|raw] [--base FILE]
                 BTF of a raw BTF file or an ELF object, as bpftool prints it
  gen skeleton OBJ [name NAME]
                 a BPF skeleton header, as bpftool gen skeleton writes it
  gen subskeleton OBJ [name NAME]
                 a BPF subskeleton header, as bpftool gen subskeleton writes it
  help           this text

-v, --verbose prints libbpf's messages (all levels) to stderr.
'bpfrs COMMAND --help' describes a command.
";

/// Prints `bpfrs: MSG` to stderr and returns the usage exit status.
pub fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("bpfrs: {msg}");
    ExitCode::from(EXIT_BAD)
}

/// True if `args` asks for help.
pub fn wants_help(args: &[String]) -> bool {
    args.iter()
        .any(|a| a == "--help" || a == "-h" || a == "help")
}

/// Reads a whole regular file (never blocking on a FIFO), or says why not.
pub fn read(path: &str) -> Result<Vec<u8>, String> {
    use bpfrs::file::ReadError;
    bpfrs::file::read(std::path::Path::new(path)).map_err(|e| {
        let why = match e {
            ReadError::Os(errno) => std::io::Error::from_raw_os_error(errno).to_string(),
            ReadError::Directory => "is a directory".into(),
            ReadError::NotRegular => "not a regular file".into(),
        };
        format!("cannot read {path}: {why}")
    })
}

fn main() -> ExitCode {
    bpfrs::log::install(&SINK);
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "-v" || a == "--verbose") {
        VERBOSE.store(true, Ordering::Relaxed);
        args.remove(i);
    }
    let Some(cmd) = args.first().cloned() else {
        eprint!("{USAGE}");
        return ExitCode::from(EXIT_BAD);
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "check" => check::run(rest),
        "btf" => btf::run(rest),
        "gen" => gen::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => fail(format!("unknown command '{other}' (see 'bpfrs help')")),
    }
}
