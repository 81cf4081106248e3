//! Shared by the `bpfrs` command tests: running the binary, building BPF
//! objects with clang against `include/`, the bpftool oracle, and a small JSON
//! reader to check `--json` output is well formed.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Fails under `LIBBPFRS_REQUIRE_KERNEL=1`, else prints a skip line.
pub fn skip(what: &str) {
    let required = std::env::var("LIBBPFRS_REQUIRE_KERNEL").is_ok_and(|v| v == "1");
    assert!(!required, "required but unavailable: {what}");
    eprintln!("SKIP: {what}");
}

/// A fresh directory under the target dir for one test.
pub fn tmpdir(name: &str) -> PathBuf {
    let d = Path::new(ROOT)
        .join("target/bpfrs-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

/// Compiles BPF C `src` to `dir/name.bpf.o` (`-O2 -g -target bpf`, our
/// `include/` first). `None` (after a skip) without clang.
pub fn compile(dir: &Path, name: &str, src: &str) -> Option<PathBuf> {
    if !have("clang") {
        skip("clang not found");
        return None;
    }
    let c = dir.join(format!("{name}.bpf.c"));
    std::fs::write(&c, src).unwrap();
    compile_file(dir, name, &c)
}

/// Compiles the BPF source file `c`.
pub fn compile_file(dir: &Path, name: &str, c: &Path) -> Option<PathBuf> {
    if !have("clang") {
        skip("clang not found");
        return None;
    }
    let o = dir.join(format!("{name}.bpf.o"));
    let out = Command::new("clang")
        .args(["-O2", "-g", "-target", "bpf", "-c"])
        .arg(format!("-I{ROOT}/include"))
        .arg(format!("-I{}", dir.display()))
        .arg(format!(
            "-I/usr/include/{}-linux-gnu",
            std::env::consts::ARCH
        ))
        .arg(c)
        .arg("-o")
        .arg(&o)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(o)
}

/// Runs `bpfrs ARGS`: (exit code, stdout, stderr).
pub fn bpfrs(args: &[&str]) -> (i32, String, String) {
    run(Command::new(env!("CARGO_BIN_EXE_bpfrs")).args(args))
}

/// Runs bpftool, or `None` (after a skip) when it is not installed.
pub fn bpftool(args: &[&str]) -> Option<(i32, String, String)> {
    if Command::new("bpftool").arg("version").output().is_err() {
        skip("bpftool not installed (the oracle)");
        return None;
    }
    Some(run(Command::new("bpftool").args(args)))
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(m) => m
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no key {key}")),
            _ => panic!("not an object looking up {key}"),
        }
    }
    pub fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(v) => v,
            _ => panic!("not an array"),
        }
    }
    pub fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            _ => panic!("not a string: {self:?}"),
        }
    }
    pub fn bool(&self) -> bool {
        match self {
            Json::Bool(b) => *b,
            _ => panic!("not a bool: {self:?}"),
        }
    }
}

/// Parses one JSON document (RFC 8259), panicking on anything malformed.
pub fn parse_json(s: &str) -> Json {
    let b = s.as_bytes();
    let mut i = 0;
    let v = value(b, &mut i);
    ws(b, &mut i);
    assert_eq!(i, b.len(), "trailing bytes after JSON at {i}");
    v
}

fn ws(b: &[u8], i: &mut usize) {
    while *i < b.len() && matches!(b[*i], b' ' | b'\n' | b'\r' | b'\t') {
        *i += 1;
    }
}

fn lit(b: &[u8], i: &mut usize, word: &str, v: Json) -> Json {
    assert!(b[*i..].starts_with(word.as_bytes()), "bad literal at {i}");
    *i += word.len();
    v
}

fn string(b: &[u8], i: &mut usize) -> String {
    assert_eq!(b[*i], b'"');
    *i += 1;
    let mut out = Vec::new();
    loop {
        let c = b[*i];
        *i += 1;
        match c {
            b'"' => break,
            b'\\' => {
                let e = b[*i];
                *i += 1;
                match e {
                    b'"' | b'\\' | b'/' => out.push(e),
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'u' => {
                        let h = std::str::from_utf8(&b[*i..*i + 4]).unwrap();
                        let cp = u32::from_str_radix(h, 16).expect("\\u escape");
                        *i += 4;
                        let ch = char::from_u32(cp).expect("a scalar value");
                        out.extend_from_slice(ch.to_string().as_bytes());
                    }
                    _ => panic!("bad escape at {i}"),
                }
            }
            c if c < 0x20 => panic!("raw control character in string at {i}"),
            c => out.push(c),
        }
    }
    String::from_utf8(out).expect("UTF-8 string")
}

fn value(b: &[u8], i: &mut usize) -> Json {
    ws(b, i);
    match b[*i] {
        b'{' => {
            *i += 1;
            let mut m = Vec::new();
            ws(b, i);
            if b[*i] == b'}' {
                *i += 1;
                return Json::Obj(m);
            }
            loop {
                ws(b, i);
                let k = string(b, i);
                ws(b, i);
                assert_eq!(b[*i], b':', "':' expected at {i}");
                *i += 1;
                m.push((k, value(b, i)));
                ws(b, i);
                *i += 1;
                match b[*i - 1] {
                    b',' => continue,
                    b'}' => return Json::Obj(m),
                    _ => panic!("',' or '}}' expected at {i}"),
                }
            }
        }
        b'[' => {
            *i += 1;
            let mut v = Vec::new();
            ws(b, i);
            if b[*i] == b']' {
                *i += 1;
                return Json::Arr(v);
            }
            loop {
                v.push(value(b, i));
                ws(b, i);
                *i += 1;
                match b[*i - 1] {
                    b',' => continue,
                    b']' => return Json::Arr(v),
                    _ => panic!("',' or ']' expected at {i}"),
                }
            }
        }
        b'"' => Json::Str(string(b, i)),
        b't' => lit(b, i, "true", Json::Bool(true)),
        b'f' => lit(b, i, "false", Json::Bool(false)),
        b'n' => lit(b, i, "null", Json::Null),
        _ => {
            let start = *i;
            while *i < b.len() && matches!(b[*i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                *i += 1;
            }
            let t = std::str::from_utf8(&b[start..*i]).unwrap();
            Json::Num(
                t.parse()
                    .unwrap_or_else(|_| panic!("bad number '{t}' at {start}")),
            )
        }
    }
}
