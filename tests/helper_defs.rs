//! Generates `include/bpf/bpf_helper_defs.h` (the BPF side's helper declarations)
//! from the helper documentation of the system's UAPI header
//! `/usr/include/linux/bpf.h` (Debian's `linux-libc-dev`), and fails when the
//! committed file differs from a fresh run.
//!
//! `LIBBPFRS_BLESS=1 cargo test --test helper_defs` rewrites the file. Without the
//! header the check skips with a note, except under `CI`, where it fails.
//!
//! The header documents each helper in one comment block: its prototype line
//! (` * long bpf_map_update_elem(struct bpf_map *map, ...)`), then `Description`
//! and `Return` paragraphs; a helper that takes different contexts (`bpf_sk_assign`,
//! `bpf_get_socket_cookie`) has one block per context. The ids come from the
//! function mapper macro: `___BPF_FUNC_MAPPER` lists `FN(name, id, ctx)` (Linux 6.2
//! on), older headers `__BPF_FUNC_MAPPER` with `FN(name)` in id order.
//!
//! Each helper becomes a constant function pointer whose value is its id, so a
//! call compiles to the BPF `call <id>` instruction:
//! `static long (* const bpf_map_update_elem)(void *map, const void *key, const void
//! *value, __u64 flags) = (void *) 2;`, the kernel-internal types replaced by what a
//! BPF program sees (`struct bpf_map *` is any map definition, `struct sk_buff` the
//! `struct __sk_buff` context, `u64` is `__u64`), with the kernel's documentation
//! above it and forward declarations of the structs the prototypes name.

use std::path::{Path, PathBuf};

mod uapi_env;
use uapi_env::{in_ci, package_version};

const HEADER: &str = "/usr/include/linux/bpf.h";
const COMMAND: &str = "LIBBPFRS_BLESS=1 cargo test --test helper_defs";
const OUTPUT: &str = "include/bpf/bpf_helper_defs.h";
const DOC_START: &str = "Start of BPF helper function descriptions:";

/// One documented prototype of a helper.
#[derive(Debug, PartialEq)]
struct Doc {
    /// The prototype as documented (`long bpf_map_delete_elem(struct bpf_map *map, const void *key)`).
    proto: String,
    name: String,
    /// The return type, converted.
    ret: String,
    /// `(type, name)` per argument, converted; `("...", "")` for varargs, none for `(void)`.
    args: Args,
    /// `Description` and `Return` paragraphs, one indentation level removed.
    description: Vec<String>,
    returns: Vec<String>,
}

/// Kernel-internal spellings and what a BPF program passes instead.
fn program_type(word: &str) -> &str {
    match word {
        "u8" => "__u8",
        "u16" => "__u16",
        "u32" => "__u32",
        "u64" => "__u64",
        "s8" => "__s8",
        "s16" => "__s16",
        "s32" => "__s32",
        "s64" => "__s64",
        "size_t" => "unsigned long",
        _ => word,
    }
}

fn program_struct(tag: &str) -> &str {
    match tag {
        "sk_buff" => "__sk_buff",
        "xdp_buff" => "xdp_md",
        "sk_msg_buff" => "sk_msg_md",
        _ => tag,
    }
}

/// `const struct sk_buff *` → `const struct __sk_buff *`; a map pointer is `void *`.
fn convert_type(ty: &str) -> String {
    let spaced = ty.replace('*', " * ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match (words[i], words.get(i + 1)) {
            ("struct", Some(&"bpf_map")) => {
                out.push("void".into());
                i += 2;
            }
            ("struct", Some(tag)) => {
                out.push(format!("struct {}", program_struct(tag)));
                i += 2;
            }
            (w, _) => {
                out.push(program_type(w).into());
                i += 1;
            }
        }
    }
    let mut s = String::new();
    for w in out {
        if w == "*" {
            if !s.ends_with('*') {
                s.push(' ');
            }
            s.push('*');
        } else {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&w);
        }
    }
    s
}

/// `type` and `name` as a C declarator: `const void *key`, `__u64 flags`.
fn declarator(ty: &str, name: &str) -> String {
    match (ty.ends_with('*'), name.is_empty()) {
        (_, true) => ty.to_string(),
        (true, false) => format!("{ty}{name}"),
        (false, false) => format!("{ty} {name}"),
    }
}

/// `(type, name)` of one documented argument.
fn split_arg(arg: &str) -> Result<(String, String), String> {
    let arg = arg.trim();
    if arg == "..." {
        return Ok(("...".into(), String::new()));
    }
    let cut = arg
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let (ty, name) = arg.split_at(cut);
    if ty.trim().is_empty() || name.is_empty() {
        return Err(format!("argument `{arg}`: no type or no name"));
    }
    Ok((convert_type(ty), name.to_string()))
}

/// `(type, name)` pairs of an argument list.
type Args = Vec<(String, String)>;

/// The converted return type, the name and the arguments of a prototype.
fn parse_proto(proto: &str) -> Result<(String, String, Args), String> {
    let open = proto
        .find('(')
        .ok_or_else(|| format!("`{proto}`: no argument list"))?;
    let close = proto
        .rfind(')')
        .ok_or_else(|| format!("`{proto}`: no argument list"))?;
    let head = &proto[..open];
    let cut = head
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let (ret, name) = head.split_at(cut);
    if !name.starts_with("bpf_") || ret.trim().is_empty() {
        return Err(format!("`{proto}`: not a helper prototype"));
    }
    let list = proto[open + 1..close].trim();
    let args = if list == "void" || list.is_empty() {
        Vec::new()
    } else {
        list.split(',').map(split_arg).collect::<Result<_, _>>()?
    };
    Ok((convert_type(ret), name.to_string(), args))
}

/// A documentation line without its ` *` and with `drop` leading tabs removed.
fn doc_text(line: &str, drop: usize) -> String {
    let rest = line.trim_start();
    let rest = rest.strip_prefix('*').unwrap_or(rest);
    let mut text = rest.strip_prefix(' ').unwrap_or(rest);
    for _ in 0..drop {
        text = text.strip_prefix('\t').unwrap_or(text);
    }
    text.trim_end().to_string()
}

fn is_heading(line: &str, word: &str) -> bool {
    doc_text(line, 0).trim() == word
}

/// Every documented prototype, in the header's order.
fn parse_docs(text: &str) -> Result<Vec<Doc>, String> {
    let start = text
        .find(DOC_START)
        .ok_or_else(|| format!("`{DOC_START}` not found"))?;
    let body = &text[start + DOC_START.len()..];
    let body = &body[..body.find("*/").unwrap_or(body.len())];
    let lines: Vec<&str> = body.lines().collect();
    // A prototype is the line just above a `Description` heading.
    let heads: Vec<usize> = (1..lines.len())
        .filter(|&i| is_heading(lines[i], "Description"))
        .map(|i| i - 1)
        .collect();
    let mut docs = Vec::new();
    for (k, &h) in heads.iter().enumerate() {
        let end = heads.get(k + 1).copied().unwrap_or(lines.len());
        let proto = doc_text(lines[h], 0).trim().to_string();
        let (ret, name, args) = parse_proto(&proto)?;
        let mut description = Vec::new();
        let mut returns = Vec::new();
        let mut in_return = false;
        for line in &lines[h + 2..end] {
            if is_heading(line, "Return") {
                in_return = true;
                continue;
            }
            let t = doc_text(line, 2);
            if t.contains("*/") || t.contains("/*") {
                return Err(format!("{name}: comment delimiter in its documentation"));
            }
            if in_return {
                &mut returns
            } else {
                &mut description
            }
            .push(t);
        }
        for part in [&mut description, &mut returns] {
            while part.last().is_some_and(|l| l.is_empty()) {
                part.pop();
            }
        }
        docs.push(Doc {
            proto,
            name,
            ret,
            args,
            description,
            returns,
        });
    }
    Ok(docs)
}

/// `(name, id)` of every helper but `unspec`, from the function mapper macro.
fn parse_ids(text: &str) -> Result<Vec<(String, u32)>, String> {
    let (def, explicit) = match text.find("#define ___BPF_FUNC_MAPPER(") {
        Some(i) => (i, true),
        None => (
            text.find("#define __BPF_FUNC_MAPPER(")
                .ok_or("no __BPF_FUNC_MAPPER definition")?,
            false,
        ),
    };
    // The macro's body: its continued lines.
    let mut body = String::new();
    for line in text[def..].lines() {
        body.push_str(line);
        body.push('\n');
        if !line.trim_end().ends_with('\\') {
            break;
        }
    }
    let body = &body[body.find(')').map_or(0, |i| i + 1)..];
    let mut ids = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("FN(") {
        rest = &rest[i + 3..];
        let close = rest.find(')').ok_or("unterminated FN(")?;
        let fields: Vec<&str> = rest[..close].split(',').map(str::trim).collect();
        rest = &rest[close..];
        let id = if explicit {
            let v = fields.get(1).ok_or("FN( without an id")?;
            v.parse::<u32>()
                .map_err(|_| format!("FN({}): id `{v}`", fields[0]))?
        } else {
            ids.len() as u32
        };
        ids.push((fields[0].to_string(), id));
    }
    ids.retain(|(n, _)| n != "unspec");
    if ids.is_empty() {
        return Err("no helper in the function mapper".into());
    }
    Ok(ids)
}

/// One helper's documentation blocks merged into a declaration: an argument whose
/// type differs between the documented contexts is `void *` (named `ctx` when
/// the names differ too).
fn declaration(name: &str, id: u32, docs: &[&Doc]) -> Result<String, String> {
    let first = docs[0];
    let mut args = first.args.clone();
    for d in &docs[1..] {
        if d.args.len() != args.len() || d.ret != first.ret {
            return Err(format!("{name}: documented contexts differ in shape"));
        }
        for (a, b) in args.iter_mut().zip(&d.args) {
            if a.0 != b.0 {
                a.0 = "void *".into();
            }
            if a.1 != b.1 {
                a.1 = "ctx".into();
            }
        }
    }
    let list = if args.is_empty() {
        "void".to_string()
    } else {
        args.iter()
            .map(|(t, n)| declarator(t, n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::from("\n/*\n");
    for (k, d) in docs.iter().enumerate() {
        if k > 0 {
            out.push_str(" *\n");
        }
        out.push_str(&format!(" * {}\n", d.proto));
        for (title, part) in [("Description", &d.description), ("Return", &d.returns)] {
            out.push_str(&format!(" *\n * {title}\n"));
            for l in part.iter() {
                if l.is_empty() {
                    out.push_str(" *\n");
                } else {
                    out.push_str(&format!(" * \t{l}\n"));
                }
            }
        }
    }
    out.push_str(" */\n");
    let ret = &first.ret;
    let sep = if ret.ends_with('*') { "" } else { " " };
    out.push_str(&format!(
        "static {ret}{sep}(* const {name})({list}) = (void *) {id};\n"
    ));
    Ok(out)
}

/// The struct tags the declarations name, in order of first use.
fn struct_tags(decls: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for line in decls.lines().filter(|l| l.starts_with("static ")) {
        let mut rest = line;
        while let Some(i) = rest.find("struct ") {
            rest = &rest[i + 7..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let tag = rest[..end].to_string();
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    tags
}

fn generate(text: &str, source: &str, version: &str) -> Result<String, String> {
    let docs = parse_docs(text)?;
    let ids = parse_ids(text)?;
    for d in &docs {
        if !ids.iter().any(|(n, _)| format!("bpf_{n}") == d.name) {
            return Err(format!(
                "{}: documented but not in the function mapper",
                d.name
            ));
        }
    }
    let mut decls = String::new();
    for (n, id) in &ids {
        let name = format!("bpf_{n}");
        let mine: Vec<&Doc> = docs.iter().filter(|d| d.name == name).collect();
        if mine.is_empty() {
            return Err(format!("{name} (id {id}): not documented"));
        }
        decls.push_str(&declaration(&name, *id, &mine)?);
    }
    let mut out = String::new();
    out.push_str("/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */\n");
    out.push_str(&format!(
        "/* Generated from {source} (linux-libc-dev {version}) by\n * `{COMMAND}`. Do not edit.\n"
    ));
    out.push_str(
        " *\n * The BPF helper functions, each a constant function pointer holding the\n \
         * helper's id: a call through it compiles to the BPF `call <id>` instruction.\n \
         * Included by bpf_helpers.h. The integer types (__u64, __be32, ...) come from\n \
         * linux/types.h or vmlinux.h, which the program includes first.\n */\n",
    );
    out.push_str("#ifndef __BPF_HELPER_DEFS_H__\n#define __BPF_HELPER_DEFS_H__\n");
    out.push_str("\n/* The structs the prototypes point to. */\n");
    for t in struct_tags(&decls) {
        out.push_str(&format!("struct {t};\n"));
    }
    out.push_str(&decls);
    out.push_str("\n#endif /* __BPF_HELPER_DEFS_H__ */\n");
    Ok(out)
}

/// The text with the package version left out: a new Debian point release with
/// identical documentation is not drift.
fn without_version(text: &str) -> String {
    match text.find("(linux-libc-dev ") {
        Some(a) => match text[a..].find(')') {
            Some(b) => format!("{}{}", &text[..a], &text[a + b + 1..]),
            None => text.to_string(),
        },
        None => text.to_string(),
    }
}

#[test]
fn generated_helper_defs_are_up_to_date() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let header = Path::new(HEADER);
    if !header.exists() {
        let msg = format!("{HEADER} is missing (install linux-libc-dev): cannot check {OUTPUT}");
        assert!(!in_ci(), "{msg}");
        eprintln!("skipped: {msg}");
        return;
    }
    let text = std::fs::read_to_string(header).expect("read the UAPI header");
    let fresh = generate(&text, HEADER, &package_version()).unwrap_or_else(|e| panic!("{e}"));
    let path = root.join(OUTPUT);
    if std::env::var_os("LIBBPFRS_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write generated header");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        without_version(&committed) == without_version(&fresh),
        "{OUTPUT} differs from {HEADER}: run `{COMMAND}` and commit it"
    );
}

const SAMPLE: &str = "/*\n * Start of BPF helper function descriptions:\n *\n \
* void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)\n \
* \tDescription\n * \t\tLook *key* up.\n *\n * \t\tSecond paragraph.\n \
* \tReturn\n * \t\tThe value, or **NULL**.\n *\n \
* u64 bpf_get_socket_cookie(struct sk_buff *skb)\n * \tDescription\n *\t\tFrom an skb.\n \
* \tReturn\n * \t\tA cookie.\n *\n \
* u64 bpf_get_socket_cookie(struct sock *sk)\n * \tDescription\n * \t\tFrom a socket.\n \
* \tReturn\n * \t\tA cookie.\n *\n \
* long bpf_trace_printk(const char *fmt, u32 fmt_size, ...)\n * \tDescription\n \
* \t\tPrints.\n * \tReturn\n * \t\tBytes.\n */\n";

#[test]
fn reads_prototypes_contexts_and_ids() {
    let old = format!(
        "{SAMPLE}#define __BPF_FUNC_MAPPER(FN)\t\\\n\tFN(unspec),\t\\\n\tFN(map_lookup_elem),\t\\\n\
         \tFN(get_socket_cookie),\t\\\n\tFN(trace_printk),\t\\\n\t/* */\n"
    );
    let new = format!(
        "{SAMPLE}#define ___BPF_FUNC_MAPPER(FN, ctx...)\t\\\n\tFN(unspec, 0, ##ctx)\t\\\n\
         \tFN(map_lookup_elem, 1, ##ctx)\t\\\n\tFN(get_socket_cookie, 2, ##ctx)\t\\\n\
         \tFN(trace_printk, 3, ##ctx)\t\\\n\t/* */\n\
         #define __BPF_FUNC_MAPPER(FN) ___BPF_FUNC_MAPPER(__BPF_FUNC_MAPPER_APPLY, FN)\n"
    );
    for text in [&old, &new] {
        assert_eq!(
            parse_ids(text).unwrap(),
            [
                ("map_lookup_elem".to_string(), 1),
                ("get_socket_cookie".to_string(), 2),
                ("trace_printk".to_string(), 3)
            ]
        );
    }
    let docs = parse_docs(&old).unwrap();
    assert_eq!(docs.len(), 4);
    assert_eq!(
        docs[0].description,
        ["Look *key* up.", "", "Second paragraph."]
    );
    assert_eq!(docs[0].returns, ["The value, or **NULL**."]);
    assert_eq!(docs[1].description, ["From an skb."]);
    let out = generate(&old, "bpf.h", "1").unwrap();
    assert!(out.contains(
        "static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;\n"
    ));
    assert!(out.contains("static __u64 (* const bpf_get_socket_cookie)(void *ctx) = (void *) 2;\n"));
    assert!(out.contains(
        "static long (* const bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *) 3;\n"
    ));
    assert!(out.contains(" * \tLook *key* up.\n *\n * \tSecond paragraph.\n"));
    assert_eq!(
        convert_type("const struct sk_buff *"),
        "const struct __sk_buff *"
    );
    assert_eq!(convert_type("size_t"), "unsigned long");
    assert_eq!(
        without_version("/* x (linux-libc-dev 1.2) by y */"),
        "/* x  by y */"
    );
}
