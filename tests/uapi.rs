//! Generates `src/uapi/generated.rs` from the system's UAPI headers
//! (`/usr/include/linux/bpf.h` and the few others listed in [`GROUPS`], Debian's
//! `linux-libc-dev`), and fails when the committed file differs from a fresh run.
//!
//! `LIBBPFRS_BLESS=1 cargo test --test uapi` rewrites the file. Without the headers
//! the check skips with a note, except under `CI`, where it fails.
//!
//! The generator reads `#define NAME VALUE` lines and `enum { … }` bodies (with their
//! implicit values), evaluates the integer expressions they use (`(1U << 3)`,
//! `NR_BTF_KINDS - 1`, `(0xe0 | BPF_FETCH)`), and writes the selected names as
//! `pub const NAME: TYPE = VALUE;`, one group per enum or flag set. Whole enums are
//! copied for the four type enums and the commands (with a name table indexed by
//! value); elsewhere only the names the crate uses, so the file stays a readable
//! list of what the crate depends on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

mod uapi_env;
use uapi_env::{in_ci, package_version};

const INCLUDE: &str = "/usr/include";
const HEADERS: [&str; 4] = [
    "linux/bpf_common.h",
    "linux/bpf.h",
    "linux/btf.h",
    "linux/magic.h",
];
const COMMAND: &str = "LIBBPFRS_BLESS=1 cargo test --test uapi";
const OUTPUT: &str = "src/uapi/generated.rs";

/// What a group takes from the headers.
enum Sel {
    /// Every value of `enum TAG`, plus `NAMES`: the names indexed by value.
    Enum(&'static str, &'static str),
    /// These names, in this order.
    Names(&'static [&'static str]),
}

struct Group {
    title: &'static str,
    ty: &'static str,
    sel: Sel,
}

const GROUPS: &[Group] = &[
    Group {
        title: "Instruction classes (`linux/bpf_common.h`, `linux/bpf.h`).",
        ty: "u8",
        sel: Sel::Names(&["BPF_LD", "BPF_JMP", "BPF_JMP32", "BPF_ALU64"]),
    },
    Group {
        title: "Instruction classes and sizes a CO-RE relocation patches.",
        ty: "u8",
        sel: Sel::Names(&[
            "BPF_LDX", "BPF_ST", "BPF_STX", "BPF_ALU", "BPF_W", "BPF_H", "BPF_B",
        ]),
    },
    Group {
        title: "Instruction size, mode, operation and source fields.",
        ty: "u8",
        sel: Sel::Names(&[
            "BPF_DW", "BPF_IMM", "BPF_MOV", "BPF_CALL", "BPF_EXIT", "BPF_K",
        ]),
    },
    Group {
        title: "`src_reg` of `ld_imm64` (map fd, map value, BTF id, function) and of `call`.",
        ty: "u8",
        sel: Sel::Names(&[
            "BPF_PSEUDO_MAP_FD",
            "BPF_PSEUDO_MAP_IDX",
            "BPF_PSEUDO_MAP_VALUE",
            "BPF_PSEUDO_MAP_IDX_VALUE",
            "BPF_PSEUDO_BTF_ID",
            "BPF_PSEUDO_FUNC",
            "BPF_PSEUDO_CALL",
            "BPF_PSEUDO_KFUNC_CALL",
        ]),
    },
    Group {
        title: "`enum bpf_core_relo_kind`: what a CO-RE relocation computes.",
        ty: "u32",
        sel: Sel::Names(&[
            "BPF_CORE_FIELD_BYTE_OFFSET",
            "BPF_CORE_FIELD_BYTE_SIZE",
            "BPF_CORE_FIELD_EXISTS",
            "BPF_CORE_FIELD_SIGNED",
            "BPF_CORE_FIELD_LSHIFT_U64",
            "BPF_CORE_FIELD_RSHIFT_U64",
            "BPF_CORE_TYPE_ID_LOCAL",
            "BPF_CORE_TYPE_ID_TARGET",
            "BPF_CORE_TYPE_EXISTS",
            "BPF_CORE_TYPE_SIZE",
            "BPF_CORE_ENUMVAL_EXISTS",
            "BPF_CORE_ENUMVAL_VALUE",
            "BPF_CORE_TYPE_MATCHES",
        ]),
    },
    Group {
        title: "`enum bpf_cmd`: the `bpf()` commands.",
        ty: "u32",
        sel: Sel::Enum("bpf_cmd", "BPF_CMD_NAMES"),
    },
    Group {
        title: "`enum bpf_map_type`.",
        ty: "u32",
        sel: Sel::Enum("bpf_map_type", "BPF_MAP_TYPE_NAMES"),
    },
    Group {
        title: "`enum bpf_prog_type`.",
        ty: "u32",
        sel: Sel::Enum("bpf_prog_type", "BPF_PROG_TYPE_NAMES"),
    },
    Group {
        title: "`enum bpf_attach_type`.",
        ty: "u32",
        sel: Sel::Enum("bpf_attach_type", "BPF_ATTACH_TYPE_NAMES"),
    },
    Group {
        title: "`enum bpf_link_type`.",
        ty: "u32",
        sel: Sel::Enum("bpf_link_type", "BPF_LINK_TYPE_NAMES"),
    },
    Group {
        title: "`BPF_MAP_CREATE` `map_flags` (and `BPF_OBJ_GET` `file_flags`).",
        ty: "u32",
        sel: Sel::Names(&[
            "BPF_F_NO_PREALLOC",
            "BPF_F_NUMA_NODE",
            "BPF_F_RDONLY",
            "BPF_F_WRONLY",
            "BPF_F_RDONLY_PROG",
            "BPF_F_MMAPABLE",
        ]),
    },
    Group {
        title: "`BPF_PROG_LOAD` `prog_flags`.",
        ty: "u32",
        sel: Sel::Names(&["BPF_F_SLEEPABLE", "BPF_F_XDP_HAS_FRAGS"]),
    },
    Group {
        title: "Ring buffer record header (`BPF_MAP_TYPE_RINGBUF`).",
        ty: "u32",
        sel: Sel::Names(&[
            "BPF_RINGBUF_BUSY_BIT",
            "BPF_RINGBUF_DISCARD_BIT",
            "BPF_RINGBUF_HDR_SZ",
        ]),
    },
    Group {
        title: "BTF kinds of attach-target lookups (`linux/btf.h`).",
        ty: "u32",
        sel: Sel::Names(&["BTF_KIND_TYPEDEF", "BTF_KIND_FUNC"]),
    },
    Group {
        title: "`statfs` `f_type` of a bpffs mount (`linux/magic.h`).",
        ty: "i64",
        sel: Sel::Names(&["BPF_FS_MAGIC"]),
    },
];

/// Comments out, `\`-continued lines joined; newlines kept.
fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(i) = rest.find('/') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        if let Some(body) = after.strip_prefix("/*") {
            let end = body.find("*/").map_or(body.len(), |e| e + 2);
            out.extend(body[..end].chars().filter(|&c| c == '\n'));
            out.push(' ');
            rest = &body[end..];
        } else if after.starts_with("//") {
            rest = &after[after.find('\n').unwrap_or(after.len())..];
        } else {
            out.push('/');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    out.replace("\\\n", " ")
}

/// What the headers define: each name's expression, and the enums in order.
#[derive(Default)]
struct Defs {
    exprs: HashMap<String, String>,
    enums: Vec<(String, Vec<String>)>,
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

impl Defs {
    fn add_header(&mut self, text: &str) {
        let text = strip_comments(text);
        let mut code = String::new();
        for line in text.lines() {
            let t = line.trim_start();
            let Some(d) = t.strip_prefix('#') else {
                code.push_str(line);
                code.push('\n');
                continue;
            };
            let Some(def) = d.trim_start().strip_prefix("define") else {
                continue;
            };
            let def = def.trim_start();
            let end = def
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(def.len());
            let (name, value) = def.split_at(end);
            // Function-like macros (`NAME(`) are not values.
            if !value.starts_with('(') && !value.trim().is_empty() {
                self.exprs
                    .insert(name.to_string(), value.trim().to_string());
            }
        }
        self.add_enums(&code);
    }

    /// Every `enum [tag] { … }` of `code`; an entry without `=` is the one before
    /// plus one (the first is 0).
    fn add_enums(&mut self, code: &str) {
        let mut rest = code;
        while let Some(i) = rest.find("enum") {
            let before_ok = rest[..i]
                .chars()
                .last()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            rest = &rest[i + 4..];
            let head_end = rest.find(['{', ';', ')']).unwrap_or(rest.len());
            let tag = rest[..head_end].trim();
            if !before_ok
                || !rest[head_end..].starts_with('{')
                || !(tag.is_empty() || is_ident(tag))
            {
                continue;
            }
            let body_end = rest.find('}').unwrap_or(rest.len());
            let body = &rest[head_end + 1..body_end];
            rest = &rest[body_end..];
            let mut names = Vec::new();
            let mut prev: Option<String> = None;
            for entry in body.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                let (name, expr) = match entry.split_once('=') {
                    Some((n, e)) => (n.trim(), e.trim().to_string()),
                    None => (
                        entry,
                        prev.as_ref()
                            .map_or("0".to_string(), |p| format!("{p} + 1")),
                    ),
                };
                if !is_ident(name) {
                    break; // a macro-built enum (`bpf_func_id`): not needed
                }
                self.exprs.insert(name.to_string(), expr);
                names.push(name.to_string());
                prev = Some(name.to_string());
            }
            self.enums.push((tag.to_string(), names));
        }
    }

    fn value(&self, name: &str) -> Result<i128, String> {
        self.eval_name(name, 0)
    }

    fn eval_name(&self, name: &str, depth: u32) -> Result<i128, String> {
        if depth > 512 {
            return Err(format!("{name}: definition too deep"));
        }
        let e = self
            .exprs
            .get(name)
            .ok_or_else(|| format!("{name}: not defined"))?;
        let toks = tokenize(e).map_err(|t| format!("{name}: cannot read `{e}`: {t}"))?;
        let mut p = Parser {
            defs: self,
            toks: &toks,
            pos: 0,
            depth,
        };
        let v = p.or()?;
        if p.pos != toks.len() {
            return Err(format!("{name}: cannot evaluate `{e}`"));
        }
        Ok(v)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(i128),
    Ident(String),
    Op(&'static str),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    const OPS: [&str; 9] = ["<<", ">>", "|", "&", "+", "-", "~", "(", ")"];
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end > 0 {
            let word = &rest[..end];
            if word.starts_with(|c: char| c.is_ascii_digit()) {
                let digits = word.trim_end_matches(['u', 'U', 'l', 'L']);
                let v = match digits.strip_prefix("0x").or(digits.strip_prefix("0X")) {
                    Some(h) => i128::from_str_radix(h, 16),
                    None if digits.len() > 1 && digits.starts_with('0') => {
                        i128::from_str_radix(&digits[1..], 8)
                    }
                    None => digits.parse(),
                };
                out.push(Tok::Num(v.map_err(|_| word.to_string())?));
            } else {
                out.push(Tok::Ident(word.to_string()));
            }
            rest = &rest[end..];
        } else {
            let op = OPS
                .iter()
                .find(|o| rest.starts_with(**o))
                .ok_or_else(|| rest.to_string())?;
            out.push(Tok::Op(op));
            rest = &rest[op.len()..];
        }
        rest = rest.trim_start();
    }
    Ok(out)
}

/// C integer expressions by precedence: `|`, `&`, shifts, `+ -`, unary.
struct Parser<'a> {
    defs: &'a Defs,
    toks: &'a [Tok],
    pos: usize,
    depth: u32,
}

impl Parser<'_> {
    fn eat(&mut self, op: &str) -> bool {
        let hit = matches!(self.toks.get(self.pos), Some(Tok::Op(o)) if *o == op);
        self.pos += usize::from(hit);
        hit
    }

    fn or(&mut self) -> Result<i128, String> {
        let mut v = self.and()?;
        while self.eat("|") {
            v |= self.and()?;
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<i128, String> {
        let mut v = self.shift()?;
        while self.eat("&") {
            v &= self.shift()?;
        }
        Ok(v)
    }

    fn shift(&mut self) -> Result<i128, String> {
        let mut v = self.sum()?;
        loop {
            if self.eat("<<") {
                v <<= self.sum()?;
            } else if self.eat(">>") {
                v >>= self.sum()?;
            } else {
                return Ok(v);
            }
        }
    }

    fn sum(&mut self) -> Result<i128, String> {
        let mut v = self.unary()?;
        loop {
            if self.eat("+") {
                v += self.unary()?;
            } else if self.eat("-") {
                v -= self.unary()?;
            } else {
                return Ok(v);
            }
        }
    }

    fn unary(&mut self) -> Result<i128, String> {
        if self.eat("-") {
            return Ok(-self.unary()?);
        }
        if self.eat("~") {
            return Ok(!self.unary()?);
        }
        if self.eat("(") {
            let v = self.or()?;
            return if self.eat(")") {
                Ok(v)
            } else {
                Err("missing `)`".into())
            };
        }
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        match t {
            Some(Tok::Num(n)) => Ok(n),
            Some(Tok::Ident(name)) => self.defs.eval_name(&name, self.depth + 1),
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

fn fits(ty: &str, v: i128) -> bool {
    match ty {
        "u8" => u8::try_from(v).is_ok(),
        "u32" => u32::try_from(v).is_ok(),
        "i64" => i64::try_from(v).is_ok(),
        _ => false,
    }
}

/// `v` written as the header writes it: `1 << n` for a shifted bit, hex (two digits
/// at least) for a hex literal, else decimal.
fn literal(expr: &str, v: i128) -> String {
    if expr.contains("<<") && v > 1 && v.count_ones() == 1 {
        format!("1 << {}", v.trailing_zeros())
    } else if expr.trim_start_matches('(').starts_with("0x") {
        format!("{v:#04x}")
    } else {
        v.to_string()
    }
}

/// A sentinel (`__MAX_BPF_ATTACH_TYPE`, `MAX_BPF_LINK_TYPE`), not a value.
fn is_sentinel(name: &str) -> bool {
    name.starts_with("__") || name.starts_with("MAX_")
}

fn write_group(defs: &Defs, g: &Group, out: &mut String) -> Result<(), String> {
    out.push_str(&format!("\n// {}\n", g.title));
    let (names, table): (Vec<&str>, Option<&str>) = match g.sel {
        Sel::Names(n) => (n.to_vec(), None),
        Sel::Enum(tag, table) => {
            let (_, names) = defs
                .enums
                .iter()
                .find(|(t, _)| t == tag)
                .ok_or_else(|| format!("enum {tag}: not found"))?;
            let names = names.iter().map(String::as_str).filter(|n| !is_sentinel(n));
            (names.collect(), Some(table))
        }
    };
    let mut by_value: Vec<&str> = Vec::new();
    for name in &names {
        let v = defs.value(name)?;
        if !fits(g.ty, v) {
            return Err(format!("{name} = {v} does not fit {}", g.ty));
        }
        out.push_str(&format!(
            "pub const {name}: {} = {};\n",
            g.ty,
            literal(&defs.exprs[*name], v)
        ));
        // An alias (`BPF_PROG_RUN = BPF_PROG_TEST_RUN`) keeps the first name.
        if table.is_none() {
            continue;
        }
        if v == by_value.len() as i128 {
            by_value.push(name);
        } else if v > by_value.len() as i128 {
            return Err(format!("{name} = {v}: the enum has a gap, no name table"));
        }
    }
    if let (Some(table), Sel::Enum(tag, _)) = (table, &g.sel) {
        out.push_str(&format!(
            "\n/// The names of `enum {tag}`, indexed by value (aliases left out).\n"
        ));
        out.push_str(&format!(
            "pub const {table}: [&str; {}] = [\n",
            by_value.len()
        ));
        for n in by_value {
            out.push_str(&format!("    \"{n}\",\n"));
        }
        out.push_str("];\n");
    }
    Ok(())
}

fn generate(include: &Path, version: &str) -> Result<String, String> {
    let mut defs = Defs::default();
    for h in HEADERS {
        let p = include.join(h);
        let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        defs.add_header(&text);
    }
    let list = HEADERS.map(|h| h.trim_start_matches("linux/").trim_end_matches(".h"));
    let mut out = format!(
        "// Generated from {}/linux/{{{}}}.h (linux-libc-dev {version}) by `{COMMAND}`. Do not edit.\n",
        include.display(),
        list.join(",")
    );
    out.push_str(
        "//! The kernel UAPI values the crate uses, generated from the headers named above:\n\
         //! whole enums for the commands and the map, program, attach and link types (with\n\
         //! their names), single values elsewhere. Values newer than the header: `newer.rs`.\n\
         //! Must not call: anything (plain data).\n",
    );
    for g in GROUPS {
        write_group(&defs, g, &mut out)?;
    }
    Ok(out)
}

/// The text with the package version of its first line left out: a new Debian
/// point release with identical values is not drift.
fn without_version(text: &str) -> String {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let first = match (first.find("(linux-libc-dev "), first.find(") by ")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &first[..a], &first[b + 1..]),
        _ => first.to_string(),
    };
    format!("{first}\n{rest}")
}

#[test]
fn generated_uapi_is_up_to_date() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let include = Path::new(INCLUDE);
    if !include.join("linux/bpf.h").exists() {
        let msg = format!(
            "{INCLUDE}/linux/bpf.h is missing (install linux-libc-dev): cannot check {OUTPUT}"
        );
        assert!(!in_ci(), "{msg}");
        eprintln!("skipped: {msg}");
        return;
    }
    let fresh = generate(include, &package_version()).unwrap_or_else(|e| panic!("{e}"));
    let path = root.join(OUTPUT);
    if std::env::var_os("LIBBPFRS_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write generated file");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        without_version(&committed) == without_version(&fresh),
        "{OUTPUT} differs from {INCLUDE}/linux/*.h: run `{COMMAND}` and commit it"
    );
}

#[test]
fn reads_enums_defines_and_expressions() {
    let mut d = Defs::default();
    d.add_header(
        "#define A (1U << 3) /* a */\n#define B (A | 0x1)\n#define F(x) x\n\
         enum e { X, /* c */ Y = B + 2, Z, __MAX_E };\nenum { N = 010, M = N - 1 };\n\
         struct s { enum e field; };\n",
    );
    assert_eq!(d.value("A"), Ok(8));
    assert_eq!(d.value("B"), Ok(9));
    assert_eq!(
        (d.value("X"), d.value("Y"), d.value("Z")),
        (Ok(0), Ok(11), Ok(12))
    );
    assert_eq!((d.value("N"), d.value("M")), (Ok(8), Ok(7)));
    assert!(d.value("F").is_err());
    assert_eq!(d.enums.len(), 2);
    assert_eq!(d.enums[0].0, "e");
    assert_eq!(d.enums[0].1, ["X", "Y", "Z", "__MAX_E"]);
    assert_eq!(
        without_version("// x (linux-libc-dev 1.2) by `c`.\nbody"),
        "// x  by `c`.\nbody"
    );
}
