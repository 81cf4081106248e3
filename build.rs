// Builds the small C shim (va_list trampoline for the print callback) and checks
// that abi/symbols.tsv (the export table: symbol, version node, compat impl) and
// the C exports in src/capi/ and src/legacy/ agree, so a new export cannot ship
// unversioned and a table row cannot outlive its export. Also checks that the
// exports only libbpf 0.x or bpf_load.c had (abi/libbpf-0.x.tsv, src/capi/legacy/)
// are exactly those whose body is `legacy_api("name", …)`, the boundary kind that
// switches a process to libbpf 0.x's return convention (src/capi/errno.rs), and
// that no other export's body calls one of them.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::{fs, process};

fn main() {
    println!("cargo:rerun-if-changed=c-shim");
    println!("cargo:rerun-if-changed=abi/symbols.tsv");
    println!("cargo:rerun-if-changed=abi/libbpf-0.x.tsv");
    println!("cargo:rerun-if-changed=src/capi");
    println!("cargo:rerun-if-changed=src/legacy");
    check_symbol_table();
    cc::Build::new()
        .file("c-shim/print.c")
        .flag_if_supported("-Wall")
        .flag_if_supported("-Wextra")
        .warnings_into_errors(true)
        .compile("bpfrs_shim");
    // Exports the legacy bpf_load.c data symbols (weak, defined in assembly).
    println!("cargo:rerun-if-changed=src/capi/legacy/bpf_load.map");
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    println!("cargo:rustc-cdylib-link-arg=-Wl,--version-script={dir}/src/capi/legacy/bpf_load.map");
}

/// One C export found in the source: its symbol name and the version node its
/// doc comment names (`(LIBBPF_x.y.z)`), if any.
struct Export {
    node: Option<String>,
    file: String,
    /// A function's body (the lines between its signature and the closing `}`
    /// in column 0), whitespace-collapsed; None for data symbols.
    body: Option<String>,
}

/// Scans `dir` (recursively) for `#[no_mangle]` / `#[export_name = ".."]` items.
fn scan_exports(dir: &Path, out: &mut BTreeMap<String, Export>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            scan_exports(&p, out);
            continue;
        }
        if p.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let Ok(text) = fs::read_to_string(&p) else {
            continue;
        };
        let mut doc = String::new();
        let mut pending: Option<Option<String>> = None; // Some(export_name override)
        let lines: Vec<&str> = text.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            // Data symbols defined in `global_asm!` (the legacy bpf_load.c globals):
            // a `".weak NAME",` or `".globl NAME",` line exports NAME.
            if let Some(name) = t
                .strip_prefix("\".weak ")
                .or_else(|| t.strip_prefix("\".globl "))
                .and_then(|r| r.strip_suffix("\","))
            {
                let node = p
                    .ends_with("bpf_load.rs")
                    .then(|| "LIBBPFRS_LEGACY_1".to_owned());
                let file = p.display().to_string();
                let body = None;
                out.insert(name.to_owned(), Export { node, file, body });
                continue;
            }
            if let Some(d) = t.strip_prefix("///") {
                doc.push_str(d);
                doc.push('\n');
                continue;
            }
            if t.starts_with("#[no_mangle]") || t.starts_with("#[unsafe(no_mangle)]") {
                pending = Some(None);
                continue;
            }
            if t.starts_with("#[export_name") || t.starts_with("#[unsafe(export_name") {
                let name = t.split('"').nth(1).map(str::to_owned);
                pending = Some(name);
                continue;
            }
            if t.starts_with("#[") || (t.is_empty() && pending.is_some()) {
                continue;
            }
            if let Some(over) = pending.take() {
                if let Some(name) = over.or_else(|| item_name(t)) {
                    let node = doc_node(&doc);
                    let file = p.display().to_string();
                    let body = fn_body(&lines[at..]);
                    out.insert(name, Export { node, file, body });
                }
            }
            doc.clear();
        }
    }
}

/// The name of a `fn` or `static` item line.
fn item_name(line: &str) -> Option<String> {
    let mut words = line.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '#'));
    while let Some(w) = words.next() {
        if w == "fn" || w == "static" {
            for n in words.by_ref() {
                if n.is_empty() || n == "mut" {
                    continue;
                }
                return Some(n.trim_start_matches("r#").to_owned());
            }
        }
    }
    None
}

/// The body of the `fn` item starting at `lines[0]` (None for a `static`): the
/// lines after the first one ending in `{`, up to the `}` in column 0, joined by
/// single spaces.
fn fn_body(lines: &[&str]) -> Option<String> {
    if !lines.first()?.split_whitespace().any(|w| w == "fn") {
        return None;
    }
    let open = lines.iter().position(|l| l.trim_end().ends_with('{'))?;
    let body = lines[open + 1..].iter().take_while(|l| **l != "}");
    Some(body.map(|l| l.trim()).collect::<Vec<_>>().join(" "))
}

/// The first `(LIBBPF_x.y.z` in a doc comment.
fn doc_node(doc: &str) -> Option<String> {
    let start = doc.find("(LIBBPF")? + 1;
    let rest = &doc[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

fn valid_node(node: &str) -> bool {
    let ok_ver = |v: &str| {
        let parts: Vec<_> = v.split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    match node.strip_prefix("LIBBPF_") {
        Some(v) => ok_ver(v),
        None => matches!(node, "LIBBPFRS_LEGACY_1" | "LIBBPFRS_PRIVATE"),
    }
}

fn check_symbol_table() {
    let mut exports = BTreeMap::new();
    scan_exports(Path::new("src/capi"), &mut exports);
    scan_exports(Path::new("src/legacy"), &mut exports);

    let table = match fs::read_to_string("abi/symbols.tsv") {
        Ok(t) => t,
        Err(e) => fail("abi/symbols.tsv", &[format!("cannot read it: {e}")]),
    };
    let mut errors = Vec::new();
    let mut defaults = BTreeSet::new(); // symbols with a "-" row
    let mut pairs = BTreeSet::new(); // (symbol, node)
    for (i, line) in table.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<_> = line.split('\t').collect();
        let [sym, node, imp] = cols[..] else {
            errors.push(format!(
                "abi/symbols.tsv:{}: want 3 tab-separated columns: {line:?}",
                i + 1
            ));
            continue;
        };
        if !valid_node(node) {
            errors.push(format!(
                "abi/symbols.tsv:{}: bad version node {node:?}",
                i + 1
            ));
        }
        if !pairs.insert((sym.to_owned(), node.to_owned())) {
            errors.push(format!(
                "abi/symbols.tsv:{}: {sym}@{node} listed twice",
                i + 1
            ));
        }
        if imp == "-" {
            if !defaults.insert(sym.to_owned()) {
                errors.push(format!(
                    "abi/symbols.tsv:{}: {sym} has two default (\"-\") rows",
                    i + 1
                ));
            }
            if !exports.contains_key(sym) {
                errors.push(format!("row with no export: {sym}\t{node}\t-"));
            }
        } else if !exports.contains_key(imp) {
            errors.push(format!(
                "row with no export: {sym}\t{node}\t{imp} (no export named {imp})"
            ));
        }
    }
    let mut missing = Vec::new();
    for (name, e) in &exports {
        if !defaults.contains(name) {
            let legacy = e.file.starts_with("src/legacy") || e.file.ends_with("bpf_load.rs");
            let node = match e.node.as_deref() {
                Some(n) => n,
                None if legacy => "LIBBPFRS_LEGACY_1",
                None => "?",
            };
            missing.push(format!("    {name}\t{node}\t-\t({})", e.file));
        }
    }
    if !missing.is_empty() {
        errors.push(format!(
            "exports missing from abi/symbols.tsv (rows to add; `abi/exports --missing` prints them):\n{}",
            missing.join("\n")
        ));
    }
    if !errors.is_empty() {
        fail("abi/symbols.tsv does not match the C exports", &errors);
    }
    check_legacy_api(&exports, &table);
}

/// Names in abi/libbpf-0.x.tsv whose row is not a 0.x-only API: libbpf 1.x has the
/// function under that very node, though the system libbpf 1.1.2 lacks it.
const NOT_0X_ONLY: &[(&str, &str)] = &[(
    "libbpf_set_memlock_rlim",
    "libbpf 1.x API (0.7/0.8 and 1.1.2 misspelt it in libbpf.map; 1.4 exports it @LIBBPF_0.7.0)",
)];

/// An export is 0.x-only when its default version (its `-` row of abi/symbols.tsv)
/// is a row of abi/libbpf-0.x.tsv (what libbpf 0.8 exported and 1.x dropped: e.g.
/// bpf_create_map@LIBBPF_0.0.1, bpf_prog_load_deprecated@LIBBPF_0.6.0, but not
/// bpf_prog_load@@LIBBPF_0.6.0, whose old bpf_prog_load@LIBBPF_0.0.1 is
/// bpf_prog_load_deprecated), or it is a function of the bpf_load.c surface
/// (src/capi/legacy/). Exactly those must start their body with
/// `legacy_api("<name>", …)`; a compat row of the 0.x list must be implemented by
/// a 0.x-only export (or be its own 1.x function, as btf__new_split@LIBBPF_0.3.0).
fn check_legacy_api(exports: &BTreeMap<String, Export>, table: &str) {
    let ref0 = match fs::read_to_string("abi/libbpf-0.x.tsv") {
        Ok(t) => t,
        Err(e) => fail("abi/libbpf-0.x.tsv", &[format!("cannot read it: {e}")]),
    };
    let pairs0: BTreeSet<(&str, &str)> = ref0
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .collect();
    let rows: Vec<[&str; 3]> = table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').collect::<Vec<_>>().try_into().ok())
        .collect();
    let mut errors = Vec::new();
    for (name, why) in NOT_0X_ONLY {
        if !pairs0.iter().any(|(n, _)| n == name) {
            errors.push(format!(
                "NOT_0X_ONLY names {name} ({why}), which abi/libbpf-0.x.tsv does not list"
            ));
        }
    }
    let mut only0 = BTreeSet::new();
    for [sym, node, imp] in &rows {
        let exempt = NOT_0X_ONLY.iter().any(|(n, _)| n == sym);
        if *imp == "-" && pairs0.contains(&(*sym, *node)) && !exempt {
            only0.insert(sym.to_string());
        }
    }
    for (name, e) in exports {
        if e.body.is_some() && (e.file.contains("/legacy/") || e.file.starts_with("src/legacy")) {
            only0.insert(name.clone());
        }
    }
    for [sym, node, imp] in &rows {
        if *imp != "-" && *imp != *sym && pairs0.contains(&(*sym, *node)) && !only0.contains(*imp) {
            errors.push(format!(
                "{sym}@{node} (libbpf 0.x only) is implemented by {imp}, which is not a 0.x-only export"
            ));
        }
    }
    for (name, e) in exports {
        let Some(body) = &e.body else { continue };
        let call = body
            .split_once("legacy_api(")
            .map(|(before, after)| (before.trim(), after));
        // First in the body, optionally behind a path (`boundary::legacy_api(`).
        let path = |b: &str| {
            b.is_empty()
                || (b.ends_with("::")
                    && b.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == ':'))
        };
        let first = match call {
            Some((before, after)) if path(before) => after.strip_prefix(&format!("\"{name}\",")),
            _ => None,
        };
        // A 1.x export must not reach 0.x returns by calling a 0.x-only export.
        if !only0.contains(name) {
            for callee in only0.iter().filter(|c| calls(body, c)) {
                errors.push(format!(
                    "{name} ({}): a libbpf 1.x export calls the 0.x-only {callee}, which would switch the process to 0.x returns",
                    e.file
                ));
            }
        }
        match (only0.contains(name), first, call) {
            (true, Some(_), _) | (false, _, None) => {}
            (true, None, _) => errors.push(format!(
                "{name} ({}): a libbpf 0.x-only export; its body must be `legacy_api(\"{name}\", || …)`",
                e.file
            )),
            (false, _, Some(_)) => errors.push(format!(
                "{name} ({}): calls legacy_api, but is not in abi/libbpf-0.x.tsv nor src/capi/legacy/ (a libbpf 1.x export must not switch to 0.x returns)",
                e.file
            )),
        }
    }
    if !errors.is_empty() {
        fail("the 0.x-only exports and legacy_api disagree", &errors);
    }
}

/// Whether `body` has a call `name(` (not as the tail of a longer identifier).
fn calls(body: &str, name: &str) -> bool {
    let pat = format!("{name}(");
    body.match_indices(&pat).any(|(i, _)| {
        !body[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

fn fail(what: &str, errors: &[String]) -> ! {
    eprintln!("error: {what}:");
    for e in errors {
        eprintln!("  {e}");
    }
    process::exit(1);
}
