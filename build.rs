// Builds the small C shim (va_list trampoline for the print callback) and checks
// that abi/symbols.tsv (the export table: symbol, version node, compat impl) and
// the C exports in src/capi/ and src/legacy/ agree, so a new export cannot ship
// unversioned and a table row cannot outlive its export.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::{fs, process};

fn main() {
    println!("cargo:rerun-if-changed=c-shim");
    println!("cargo:rerun-if-changed=abi/symbols.tsv");
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
        for line in text.lines() {
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
                out.insert(name.to_owned(), Export { node, file });
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
                    out.insert(name, Export { node, file });
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
        Err(e) => fail(&[format!("cannot read abi/symbols.tsv: {e}")]),
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
        fail(&errors);
    }
}

fn fail(errors: &[String]) -> ! {
    eprintln!("error: abi/symbols.tsv does not match the C exports:");
    for e in errors {
        eprintln!("  {e}");
    }
    process::exit(1);
}
