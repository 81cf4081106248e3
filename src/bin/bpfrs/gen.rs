//! `bpfrs gen skeleton|subskeleton`: a BPF (sub)skeleton header on standard
//! output.

use crate::{fail, read, wants_help};
use bpfrs::check::{skel, subskel};
use std::io::Write;
use std::process::ExitCode;

const HELP: &str = "\
Usage: bpfrs gen skeleton OBJ [name NAME]
       bpfrs gen subskeleton OBJ [name NAME]

skeleton writes the header `bpftool gen skeleton OBJ [name NAME]` writes:
struct NAME with maps, progs, links and the global data sections, and
NAME__open, __open_opts, __open_and_load, __load, __attach, __detach,
__destroy, __elf_bytes, __create_skeleton.

subskeleton writes the header `bpftool gen subskeleton` writes for an object
linked into a bigger one: struct NAME with its maps, progs and pointers to its
global variables, and NAME__open(const struct bpf_object *) finding them in
the final object, and NAME__destroy. OBJ needs BTF.

NAME defaults to the file name without .o (non-identifier characters become
'_').
";

type Gen = fn(&[u8], &str, Option<&str>) -> Result<String, bpfrs::error::Error>;

pub fn run(args: &[String]) -> ExitCode {
    if wants_help(args) {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let gen: Gen = match args.first().map(String::as_str) {
        Some("skeleton") => skel::skeleton,
        Some("subskeleton") => subskel::subskeleton,
        Some(sub) => {
            return fail(format!(
                "unknown gen command '{sub}' (want: skeleton, subskeleton)"
            ))
        }
        None => return fail("usage: bpfrs gen skeleton|subskeleton OBJ [name NAME]"),
    };
    let (obj, name) = match &args[1..] {
        [obj] => (obj, None),
        [obj, kw, n] if kw == "name" => (obj, Some(n.as_str())),
        _ => return fail(format!("usage: bpfrs gen {} OBJ [name NAME]", args[0])),
    };
    let data = match read(obj) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    match gen(&data, obj, name) {
        Ok(h) => {
            let _ = std::io::stdout().write_all(h.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("failed to open BPF object file {obj}: {e}")),
    }
}
