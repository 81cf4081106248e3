//! `bpfrs check`: the library's object check, printed as text or JSON.

use crate::{fail, read, wants_help};
use bpfrs::btf::{Btf, Checks, FileKind};
use bpfrs::check::{check, parse_version, report};
use bpfrs::object::core::TargetBtf;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

const HELP: &str = "\
Usage: bpfrs check OBJ [--btf FILE]... [--kernel X.Y] [--json]

Parses OBJ exactly as libbpf 1.x's bpf_object__open does (a legacy
SEC(\"maps\") section is a problem: libbpf 1.x refuses it; the rest is
reported as libbpf 0.x opens it) and reports its programs (type,
attach type, instructions, helpers called, relocations), maps, global data,
externs, and every CO-RE relocation resolved against the target BTF as the
loader would (the value written, or why it cannot resolve). No bpf() call is
made: this needs no root.

  --btf FILE     target BTF (raw or ELF); repeat for module BTFs, which are
                 split on the first (default: /sys/kernel/btf/vmlinux)
  --kernel X.Y   list what Linux X.Y lacks and whether libbpf falls back
  --json         one JSON object instead of text

Exit status: 0 the object loads (on X.Y, with --kernel), 1 it does not
(legacy maps section, unresolved CO-RE relocation a program reaches, a
capability X.Y lacks with no fallback), 2 bad object or usage.
";

struct Args {
    obj: String,
    btfs: Vec<String>,
    kernel: Option<(u32, u32)>,
    json: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        obj: String::new(),
        btfs: Vec::new(),
        kernel: None,
        json: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--btf" => out
                .btfs
                .push(it.next().ok_or("--btf needs a FILE")?.clone()),
            "--kernel" => {
                let v = it.next().ok_or("--kernel needs a version X.Y")?;
                out.kernel =
                    Some(parse_version(v).ok_or(format!("bad kernel version '{v}' (want X.Y)"))?);
            }
            "--json" => out.json = true,
            s if s.starts_with('-') => return Err(format!("unknown option '{s}'")),
            s if out.obj.is_empty() => out.obj = s.to_string(),
            s => return Err(format!("unexpected argument '{s}'")),
        }
    }
    if out.obj.is_empty() {
        return Err("check needs an object file (see 'bpfrs check --help')".into());
    }
    Ok(out)
}

/// The target BTFs: the first is the base the others are split on.
fn targets(paths: &[String]) -> Result<Vec<TargetBtf>, String> {
    let default = "/sys/kernel/btf/vmlinux";
    let paths: Vec<String> = if paths.is_empty() {
        if std::fs::File::open(default).is_err() {
            return Ok(Vec::new());
        }
        vec![default.to_string()]
    } else {
        paths.to_vec()
    };
    let mut out: Vec<TargetBtf> = Vec::new();
    for p in &paths {
        let base = out.first().map(|t| t.btf.clone());
        let (btf, _) = Btf::from_path(Path::new(p), FileKind::Any, base, Checks::Strict, false)
            .map_err(|e| format!("cannot read target BTF {p}: {e}"))?;
        // The running kernel's BTF is "vmlinux", as the loader names it; any
        // other file by its base name.
        let name = if out.is_empty() && p == default {
            "vmlinux".to_string()
        } else {
            p.rsplit('/').next().unwrap_or(p).to_string()
        };
        out.push(TargetBtf {
            name,
            btf: Arc::new(btf),
        });
    }
    Ok(out)
}

pub fn run(args: &[String]) -> ExitCode {
    if wants_help(args) {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let a = match parse(args) {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let data = match read(&a.obj) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let targets = match targets(&a.btfs) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let r = match check(&data, &a.obj, &targets, a.kernel) {
        Ok(r) => r,
        Err(e) => return fail(format!("failed to open {}: {e}", a.obj)),
    };
    if a.json {
        print!("{}", report::json(&r).to_text());
    } else {
        print!("{}", report::text(&r));
    }
    if r.loads() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
