//! The module layering written in `src/lib.rs`, enforced.
//!
//! `src/lib.rs` lists each top-level module with the modules it "May use". This
//! test reads that list, then every `.rs` file under `src/`, and fails on:
//! - a `crate::<module>` path (in code, not comments) to a module its layer does
//!   not allow, e.g. `crate::capi` outside `src/capi/` or `crate::sys` in
//!   `src/btf/` or `src/object/`;
//! - a top-level module missing from the list (every module has a layer);
//! - `extern "C"` outside `src/capi/` and `src/legacy/`.

mod common;

use common::{rs_files, scan};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// module → the modules it may use, from `src/lib.rs`'s doc list.
fn layers(lib_rs: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let mut entry = String::new();
    let mut flush = |entry: &mut String| {
        if let Some((module, uses)) = parse_entry(entry) {
            out.insert(module, uses);
        }
        entry.clear();
    };
    for line in lib_rs.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            continue;
        };
        let doc = doc.trim();
        if doc.starts_with("- `") {
            flush(&mut entry);
            entry.push_str(doc);
        } else if !entry.is_empty() && !doc.is_empty() {
            entry.push(' ');
            entry.push_str(doc);
        } else {
            flush(&mut entry);
        }
    }
    flush(&mut entry);
    out
}

/// "- `load`: … May use: object, btf, sys." → ("load", {object, btf, sys}).
fn parse_entry(entry: &str) -> Option<(String, BTreeSet<String>)> {
    let rest = entry.strip_prefix("- `")?;
    let (module, rest) = rest.split_once('`')?;
    let (_, uses) = rest.split_once("May use:")?;
    let uses = uses.split('.').next().unwrap_or("");
    let set = if uses.trim() == "nothing" {
        BTreeSet::new()
    } else if uses.trim() == "every module" {
        ["*".to_string()].into()
    } else {
        uses.split(',').map(|u| u.trim().to_string()).collect()
    };
    Some((module.to_string(), set))
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules a source file names through `crate::` paths
/// (`crate::sys::map`, `crate::{btf, sys::UserPtr}`, `use crate::error::Error`).
fn crate_edges(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue; // `$crate::` in macros, or an identifier ending in "crate"
        }
        if let Some(group) = rest.strip_prefix('{') {
            let body = &group[..group.find('}').unwrap_or(group.len())];
            for item in body.split(',') {
                let m = ident_at(item.trim());
                if !m.is_empty() && m != "self" {
                    out.insert(m.to_string());
                }
            }
        } else {
            let m = ident_at(rest);
            if !m.is_empty() {
                out.insert(m.to_string());
            }
        }
    }
    out
}

/// Every violation in the tree rooted at `src`, as readable lines.
fn violations(src: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read src/lib.rs");
    let layers = layers(&lib);
    let mut bad = Vec::new();
    if layers.is_empty() {
        bad.push("src/lib.rs lists no layers".to_string());
    }
    for f in rs_files(src, |_| true) {
        let rel = f.strip_prefix(src).expect("under src");
        let first = rel.components().next().expect("a component");
        let first = first.as_os_str().to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("read source");
        let code = scan(&text).code;
        let shown = format!("src/{}", rel.display());
        // String contents are blanked: an ABI string reads `extern " "`.
        if code.contains("extern \"") && module != "capi" && module != "legacy" {
            bad.push(format!(
                "{shown}: extern \"C\" outside src/capi and src/legacy"
            ));
        }
        let Some(allowed) = layers.get(&module) else {
            bad.push(format!(
                "{shown}: module `{module}` has no layer in src/lib.rs"
            ));
            continue;
        };
        if allowed.contains("*") {
            continue;
        }
        for used in crate_edges(&code) {
            let ok = used == module
                || allowed.contains(&used)
                || (used == "testutil" && layers.contains_key("testutil"));
            if !ok && layers.contains_key(&used) {
                bad.push(format!("{shown}: `{module}` may not use `crate::{used}`"));
            }
        }
    }
    bad
}

#[test]
fn modules_use_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(bad.is_empty(), "layering violations:\n{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_wrong_way_edges() {
    let dir = std::env::temp_dir().join(format!("bpfrs-layering-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("btf")).unwrap();
    std::fs::write(
        dir.join("lib.rs"),
        "//! - `error`: errors. May use: nothing.\n\
         //! - `sys`: kernel I/O. May use:\n//!   error.\n\
         //! - `btf`: types. May use: error.\n\
         //! - `capi`: the skin. May use: every module.\n",
    )
    .unwrap();
    std::fs::write(dir.join("error.rs"), "// crate::sys in a comment is fine\n").unwrap();
    std::fs::write(
        dir.join("btf/mod.rs"),
        "use crate::{error::Error, sys::call};\nfn f() { let _ = \"crate::capi\"; }\n",
    )
    .unwrap();
    std::fs::write(dir.join("sys.rs"), "use crate::capi::print;\n").unwrap();
    std::fs::write(dir.join("extra.rs"), "extern \"C\" { fn x(); }\n").unwrap();
    std::fs::write(dir.join("capi.rs"), "use crate::sys;\nextern \"C\" {}\n").unwrap();
    let bad = violations(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        bad,
        vec![
            "src/btf/mod.rs: `btf` may not use `crate::sys`".to_string(),
            "src/extra.rs: extern \"C\" outside src/capi and src/legacy".to_string(),
            "src/extra.rs: module `extra` has no layer in src/lib.rs".to_string(),
            "src/sys.rs: `sys` may not use `crate::capi`".to_string(),
        ]
    );
}
