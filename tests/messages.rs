//! What the library prints through libbpf's print callback reads like libbpf,
//! not like Rust. Checked over every `.rs` file under `src/` (test code
//! excluded: `#[cfg(test)]` items, `tests/` folders, `testutil.rs`):
//! - no Debug placeholder (`{:?}`, `{x:?}`, `{:#?}`) in a string literal, except
//!   in `panic!`, `assert*!`, `unreachable!` and `.expect(`: Debug output
//!   (`Some(..)`, `None`, `"quoted \"escapes\""`, type names) must not reach a
//!   message or an error's text;
//! - no whole-file read (`fs::read(`, `fs::read_to_string(`, `read_to_end(`,
//!   `read_to_string(`) outside `src/file.rs`: every file is read through
//!   `crate::file`, which never blocks on a FIFO and never reads more than the
//!   file's size, and whose errors are errno values (never an `io::Error`,
//!   whose text ends in "(os error N)").

mod common;

use common::{rs_files, scan};
use std::ops::Range;
use std::path::Path;

/// The byte ranges of `#[cfg(test)]` items in blanked `code`.
fn test_ranges(code: &str) -> Vec<Range<usize>> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(n) = code[from..].find("#[cfg(test)]") {
        let start = from + n;
        let mut j = start + "#[cfg(test)]".len();
        while j < b.len() && b[j] != b'{' && b[j] != b';' {
            j += 1;
        }
        if j < b.len() && b[j] == b'{' {
            let mut depth = 0;
            while j < b.len() {
                match b[j] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        out.push(start..j.min(b.len()));
        from = j.min(b.len());
    }
    out
}

/// True if a Debug placeholder (`{:?}`, `{name:?}`, `{:#?}`, `{:x?}`) is in `s`.
fn has_debug_placeholder(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"{{") {
            i += 2;
        } else if b[i] == b'{' {
            let end = b[i..].iter().position(|&c| c == b'}').map(|n| i + n);
            let Some(end) = end else { return false };
            let spec = &s[i + 1..end];
            if spec.split_once(':').is_some_and(|(_, f)| f.ends_with('?')) {
                return true;
            }
            i = end + 1;
        } else {
            i += 1;
        }
    }
    false
}

/// Whether the literal at `at` is an argument of a panic, an assertion or an
/// `expect`: the code since the statement began says so.
fn in_panic_context(code: &str, at: usize) -> bool {
    let stmt_start = code[..at].rfind([';', '{', '}']).map_or(0, |n| n + 1);
    let stmt = &code[stmt_start..at];
    ["panic!", "assert", "unreachable!", ".expect(", "todo!"]
        .iter()
        .any(|m| stmt.contains(m))
}

const WHOLE_FILE_READS: [&str; 4] = [
    "fs::read(",
    "fs::read_to_string(",
    "read_to_end(",
    "read_to_string(",
];

/// Not test code: `tests/` folders and `testutil.rs` are left out.
fn not_test_code(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n != "tests" && n != "testutil.rs")
}

fn line_of(src: &str, at: usize) -> usize {
    src[..at].matches('\n').count() + 1
}

/// Every violation under `src`, as "path:line: what" lines.
fn violations(src: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    for f in rs_files(src, not_test_code) {
        let text = std::fs::read_to_string(&f).expect("read source");
        let shown = format!("src/{}", f.strip_prefix(src).expect("under src").display());
        let s = scan(&text);
        let tests = test_ranges(&s.code);
        let in_tests = |at: usize| tests.iter().any(|r| r.contains(&at));
        for (at, lit) in &s.strings {
            if !in_tests(*at) && has_debug_placeholder(lit) && !in_panic_context(&s.code, *at) {
                bad.push(format!(
                    "{shown}:{}: Debug formatting in \"{lit}\"",
                    line_of(&text, *at)
                ));
            }
        }
        if shown == "src/file.rs" {
            continue;
        }
        for pat in WHOLE_FILE_READS {
            for (at, _) in s.code.match_indices(pat) {
                let before = &s.code[..at];
                // `my_read_to_end(` is another function; `fs::read_to_string(`
                // is reported once, as itself.
                let other_name = before
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                    && !pat.starts_with("fs::");
                if !in_tests(at) && !other_name {
                    bad.push(format!(
                        "{shown}:{}: `{pat}` outside crate::file",
                        line_of(&text, at)
                    ));
                }
            }
        }
    }
    bad
}

#[test]
fn messages_carry_no_rust_formatting_and_files_are_read_by_crate_file() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_debug_output_and_raw_reads() {
    let dir = std::env::temp_dir().join(format!("bpfrs-messages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("btf/tests")).unwrap();
    std::fs::write(
        dir.join("log.rs"),
        "fn a(x: Option<u32>) {\n\
         \x20   crate::log::warn(format_args!(\"map {x:?} failed\"));\n\
         \x20   let e = Error::Libbpf(1, format!(\"bad {:#?}\", x));\n\
         \x20   let _ = format!(\"{{:?}} is fine, so is {x}\");\n\
         \x20   assert!(ok, \"{x:?}\");\n\
         \x20   v.expect(&format!(\"{x:?}\"));\n\
         \x20   // \"{x:?}\" in a comment\n\
         \x20   let _ = r#\"raw {y:?}\"#;\n\
         }\n\
         #[cfg(test)]\n\
         mod tests {\n\
         \x20   fn t() { println!(\"{:?}\", 1); std::fs::read(\"x\"); }\n\
         }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("btf/files.rs"),
        "fn r() { let d = std::fs::read(p)?; let s = fs::read_to_string(p); f.read_to_end(&mut v); }\n\
         fn ok() { crate::file::read(p); my_read_to_end(); }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("btf/tests/x.rs"),
        "fn t() { format!(\"{:?}\"); }\n",
    )
    .unwrap();
    std::fs::write(dir.join("file.rs"), "fn r() { std::fs::read(p); }\n").unwrap();
    let bad = violations(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        bad,
        vec![
            "src/btf/files.rs:1: `fs::read(` outside crate::file",
            "src/btf/files.rs:1: `fs::read_to_string(` outside crate::file",
            "src/btf/files.rs:1: `read_to_end(` outside crate::file",
            "src/log.rs:2: Debug formatting in \"map {x:?} failed\"",
            "src/log.rs:3: Debug formatting in \"bad {:#?}\"",
            "src/log.rs:8: Debug formatting in \"raw {y:?}\"",
        ]
    );
}
