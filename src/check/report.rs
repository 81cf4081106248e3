//! A [`Report`] as text (for people) and as one JSON object (for tools).

use super::json::Value;
use super::{users_text, Map, Report};
use std::fmt::Write;

fn ver((a, b): (u32, u32)) -> String {
    format!("{a}.{b}")
}

fn map_line(m: &Map) -> String {
    let mut s = format!(
        "{} {} ({}): key {} value {} max_entries {} flags {:#x}",
        m.name, m.map_type, m.defined, m.key_size, m.value_size, m.max_entries, m.flags
    );
    if m.pinning != 0 {
        s.push_str(" pinning by name");
    }
    if let Some(i) = &m.inner {
        let _ = write!(s, "; inner: {}", map_line(i));
    }
    s
}

/// The report as text.
pub fn text(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "object {} (license {})", r.object, r.license);
    let _ = writeln!(o, "programs: {}", r.programs.len());
    for p in &r.programs {
        let _ = writeln!(
            o,
            "  {} SEC(\"{}\"): type {}, attach {}, {} insns{}",
            p.name,
            p.section,
            p.prog_type,
            p.attach_type,
            p.insns,
            if p.sleepable { ", sleepable" } else { "" }
        );
        let c = p.relocs;
        let _ = writeln!(
            o,
            "    relocations: {} map, {} global data, {} subprog calls, {} externs, {} CO-RE",
            c.map, c.global_data, c.subprog_calls, c.externs, c.core
        );
        if !p.helpers.is_empty() {
            let _ = writeln!(o, "    helpers: {}", p.helpers.join(", "));
        }
    }
    let _ = writeln!(o, "maps: {}", r.maps.len());
    for m in &r.maps {
        let _ = writeln!(o, "  {}", map_line(m));
    }
    if !r.datasecs.is_empty() {
        let _ = writeln!(o, "global data:");
        for (sec, map, size) in &r.datasecs {
            let _ = writeln!(o, "  {sec}: {size} bytes, map {map}");
        }
    }
    if !r.externs.is_empty() {
        let _ = writeln!(o, "externs:");
        for e in &r.externs {
            let w = if e.weak { "weak" } else { "strong" };
            let _ = writeln!(o, "  {} ({}, {w})", e.name, e.kind);
        }
    }
    if !r.core.is_empty() {
        let _ = writeln!(
            o,
            "CO-RE relocations: {} (target: {})",
            r.core.len(),
            r.targets.join(", ")
        );
        for c in &r.core {
            let g = if !c.resolved && c.guarded {
                " (guarded: unreachable)"
            } else {
                ""
            };
            let _ = writeln!(
                o,
                "  {}+{} <{}> {}{g}",
                c.func,
                c.insn,
                c.kind,
                c.describe()
            );
        }
    }
    let _ = writeln!(o, "minimum kernel: {}", ver(r.min_kernel));
    for n in &r.needs {
        let fb = if n.fallback.is_some() {
            " (libbpf falls back)"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "  {} {}{}{fb}",
            ver(n.since),
            n.item,
            users_text(&n.users)
        );
    }
    if let Some(k) = r.kernel {
        let _ = writeln!(o, "on Linux {}: {} missing", ver(k), r.lacking.len());
        for l in &r.lacking {
            let what = match l.need.fallback {
                Some(f) => format!("falls back: {f}"),
                None => "fails".to_string(),
            };
            let _ = writeln!(o, "  {} (since {}): {what}", l.need.item, ver(l.need.since));
        }
    }
    if r.problems.is_empty() {
        let _ = writeln!(o, "result: loads");
    } else {
        let _ = writeln!(o, "problems: {}", r.problems.len());
        for p in &r.problems {
            let _ = writeln!(o, "  {p}");
        }
        let _ = writeln!(o, "result: does not load");
    }
    o
}

fn map_json(m: &Map) -> Value {
    Value::Obj(vec![
        ("name", m.name.as_str().into()),
        ("defined", m.defined.into()),
        ("type", m.map_type.as_str().into()),
        ("key_size", m.key_size.into()),
        ("value_size", m.value_size.into()),
        ("max_entries", m.max_entries.into()),
        ("flags", m.flags.into()),
        ("pinning", m.pinning.into()),
        ("inner", m.inner.as_deref().map_or(Value::Null, map_json)),
    ])
}

fn strs(v: &[String]) -> Value {
    Value::Arr(v.iter().map(|s| s.as_str().into()).collect())
}

/// The report as one JSON object.
pub fn json(r: &Report) -> Value {
    let programs = r
        .programs
        .iter()
        .map(|p| {
            let c = p.relocs;
            Value::Obj(vec![
                ("name", p.name.as_str().into()),
                ("section", p.section.as_str().into()),
                ("type", p.prog_type.as_str().into()),
                ("attach_type", p.attach_type.as_str().into()),
                ("insns", p.insns.into()),
                ("sleepable", p.sleepable.into()),
                ("helpers", strs(&p.helpers)),
                (
                    "relocations",
                    Value::Obj(vec![
                        ("map", c.map.into()),
                        ("global_data", c.global_data.into()),
                        ("subprog_calls", c.subprog_calls.into()),
                        ("externs", c.externs.into()),
                        ("core", c.core.into()),
                    ]),
                ),
            ])
        })
        .collect();
    let core = r
        .core
        .iter()
        .map(|c| {
            Value::Obj(vec![
                ("section", c.section.as_str().into()),
                ("function", c.func.as_str().into()),
                ("insn", c.insn.into()),
                ("kind", c.kind.into()),
                ("access", c.access.as_str().into()),
                ("local", c.local.as_str().into()),
                ("resolved", c.resolved.into()),
                ("value", c.value.into()),
                ("reason", c.reason.clone().into()),
                ("guarded", c.guarded.into()),
            ])
        })
        .collect();
    let need = |n: &super::Need| {
        Value::Obj(vec![
            ("item", n.item.as_str().into()),
            ("users", strs(&n.users)),
            ("since", ver(n.since).into()),
            ("source", n.source.into()),
            ("fallback", n.fallback.into()),
        ])
    };
    Value::Obj(vec![
        ("object", r.object.as_str().into()),
        ("license", r.license.as_str().into()),
        ("programs", Value::Arr(programs)),
        ("maps", Value::Arr(r.maps.iter().map(map_json).collect())),
        (
            "global_data",
            Value::Arr(
                r.datasecs
                    .iter()
                    .map(|(s, m, z)| {
                        Value::Obj(vec![
                            ("section", s.as_str().into()),
                            ("map", m.as_str().into()),
                            ("size", (*z).into()),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "externs",
            Value::Arr(
                r.externs
                    .iter()
                    .map(|e| {
                        Value::Obj(vec![
                            ("name", e.name.as_str().into()),
                            ("kind", e.kind.into()),
                            ("weak", e.weak.into()),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("targets", strs(&r.targets)),
        ("core_relocations", Value::Arr(core)),
        ("min_kernel", ver(r.min_kernel).into()),
        ("needs", Value::Arr(r.needs.iter().map(need).collect())),
        ("kernel", r.kernel.map(ver).into()),
        (
            "lacking",
            Value::Arr(
                r.lacking
                    .iter()
                    .map(|l| {
                        Value::Obj(vec![
                            ("need", need(&l.need)),
                            ("falls_back", l.falls_back.into()),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("problems", strs(&r.problems)),
        ("loads", r.loads().into()),
    ])
}
