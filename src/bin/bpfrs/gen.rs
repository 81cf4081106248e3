//! `bpfrs gen skeleton`: a BPF skeleton header on standard output.

use crate::{fail, read, wants_help};
use bpfrs::check::skel;
use std::io::Write;
use std::process::ExitCode;

const HELP: &str = "\
Usage: bpfrs gen skeleton OBJ [name NAME]

Writes the skeleton header `bpftool gen skeleton OBJ [name NAME]` writes:
struct NAME with maps, progs, links and the global data sections, and
NAME__open, __open_opts, __open_and_load, __load, __attach, __detach,
__destroy, __elf_bytes, __create_skeleton. NAME defaults to the file name
without .o (non-identifier characters become '_').
";

pub fn run(args: &[String]) -> ExitCode {
    if wants_help(args) {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let (obj, name) = match args {
        [sub, obj] if sub == "skeleton" => (obj, None),
        [sub, obj, kw, n] if sub == "skeleton" && kw == "name" => (obj, Some(n.as_str())),
        [sub, ..] if sub != "skeleton" => {
            return fail(format!("unknown gen command '{sub}' (want: skeleton)"))
        }
        _ => return fail("usage: bpfrs gen skeleton OBJ [name NAME]"),
    };
    let data = match read(obj) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    match skel::skeleton(&data, obj, name) {
        Ok(h) => {
            let _ = std::io::stdout().write_all(h.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("failed to open BPF object file {obj}: {e}")),
    }
}
