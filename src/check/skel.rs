//! Skeleton headers as `bpftool gen skeleton` (bpftool 7.1, libbpf 1.1)
//! writes them: the object's maps, programs, links and memory-mapped global
//! data as one struct, the `NAME__open/load/attach/...` functions over
//! `bpf_object__*_skeleton`, the ELF bytes embedded, and size checks of every
//! global variable. User code written against bpftool's header compiles
//! against this one unchanged.

use crate::btf::dump::{BtfDump, DeclOpts};
use crate::btf::{Btf, Kind};
use crate::error::Error;
use crate::object::maps::internal_map_name;
use crate::object::{MapDef, Object, OpenOpts};
use std::fmt::Write;

const DATA_SECS: [&str; 4] = [".data", ".rodata", ".bss", ".kconfig"];

/// Characters outside `[A-Za-z0-9_]` become `_`.
fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// bpftool's object name: the file's base name without `.o`, sanitised.
pub fn obj_name_from_path(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    sanitize(base.strip_suffix(".o").unwrap_or(base))
}

/// A map's field name: its own name, or for a global-data map the section
/// part of its kernel name (`obj.rodata` → `rodata`, `.data.x` → `data_x`).
fn map_ident(kname: &str, m: &MapDef) -> Option<String> {
    if !m.is_internal() {
        return Some(m.name.to_string());
    }
    DATA_SECS
        .iter()
        .find_map(|sfx| kname.find(sfx).map(|i| sanitize(&kname[i + 1..])))
}

/// The DATASEC a map's values are described by (`.rodata.x` ↔ `rodata_x`).
pub(super) fn datasec_for(btf: &Btf, ident: &str) -> Option<u32> {
    (1..btf.type_cnt()).find(|&id| {
        btf.ty(id).is_some_and(|t| {
            t.kind() == Kind::Datasec
                && DATA_SECS.iter().any(|p| t.name().starts_with(p))
                && sanitize(&t.name()[1..]) == ident
        })
    })
}

/// The maps with an identifier: (name as libbpf gives it for an object named
/// `obj_name`, identifier, definition).
pub(super) fn maps<'a>(obj: &'a Object, obj_name: &str) -> Vec<(String, String, &'a MapDef)> {
    obj.maps
        .iter()
        .filter_map(|m| {
            let kname = if m.is_internal() {
                internal_map_name(obj_name, &m.name)
            } else {
                m.name.to_string()
            };
            map_ident(&kname, m).map(|id| (kname, id, m))
        })
        .collect()
}

/// Whether the skeleton memory-maps `m`: every global-data map. bpftool 7.1's
/// own libbpf marks them all `BPF_F_MMAPABLE` (its debug log says flags 480
/// for a `.rodata.cst16` of compiler constants), where the system libbpf
/// 1.1.2, like the object layer, leaves the flag off a section without a
/// global variable.
pub(super) fn mmaped(m: &MapDef) -> bool {
    m.is_internal()
}

/// `struct NAME__rodata { ... } *rodata;` for one section.
fn datasec_struct(
    o: &mut String,
    btf: &Btf,
    d: &mut BtfDump,
    sec: u32,
    name: &str,
) -> Result<(), Error> {
    let t = btf.ty(sec).ok_or(Error::Inval("bad DATASEC"))?;
    let ident = sanitize(&t.name()[1..]);
    let strip_mods = t.name() != ".kconfig";
    let _ = writeln!(o, "\tstruct {name}__{ident} {{");
    let (mut off, mut pads) = (0u32, 0);
    for v in t.datasec_vars() {
        let Some(var) = btf.ty(v.type_id) else {
            continue;
        };
        if var.var_linkage() == Some(0) {
            continue;
        }
        if off > v.offset {
            return Err(Error::Inval("DATASEC variables overlap"));
        }
        let align = btf.align_of(var.type_id())?.min(4);
        if align == 0 {
            return Err(Error::Inval("variable without alignment"));
        }
        if off.div_ceil(align) * align != v.offset {
            let _ = writeln!(o, "\t\tchar __pad{pads}[{}];", v.offset - off);
            pads += 1;
        }
        let opts = DeclOpts {
            field_name: &sanitize(var.name()),
            indent_level: 2,
            strip_mods,
        };
        let decl = d.emit_type_decl(btf, var.type_id(), &opts)?;
        let _ = writeln!(o, "\t\t{decl};");
        off = v.offset + v.size;
    }
    let _ = writeln!(o, "\t}} *{ident};");
    Ok(())
}

fn print_hex(o: &mut String, data: &[u8]) {
    let mut len = 0;
    for &b in data {
        let w = if b != 0 { 4 } else { 2 };
        len += w;
        if len > 78 {
            o.push_str("\\\n");
            len = w;
        }
        if b == 0 {
            o.push_str("\\0");
        } else {
            let _ = write!(o, "\\x{b:02x}");
        }
    }
}

const MID: &str = "#ifdef __cplusplus\n\
\tstatic inline struct @N@ *open(const struct bpf_object_open_opts *opts = nullptr);\n\
\tstatic inline struct @N@ *open_and_load();\n\
\tstatic inline int load(struct @N@ *skel);\n\
\tstatic inline int attach(struct @N@ *skel);\n\
\tstatic inline void detach(struct @N@ *skel);\n\
\tstatic inline void destroy(struct @N@ *skel);\n\
\tstatic inline const void *elf_bytes(size_t *sz);\n\
#endif /* __cplusplus */\n\
};\n\
\n\
static void\n\
@N@__destroy(struct @N@ *obj)\n\
{\n\
\tif (!obj)\n\
\t\treturn;\n\
\tif (obj->skeleton)\n\
\t\tbpf_object__destroy_skeleton(obj->skeleton);\n\
\tfree(obj);\n\
}\n\
\n\
static inline int\n\
@N@__create_skeleton(struct @N@ *obj);\n\
\n\
static inline struct @N@ *\n\
@N@__open_opts(const struct bpf_object_open_opts *opts)\n\
{\n\
\tstruct @N@ *obj;\n\
\tint err;\n\
\n\
\tobj = (struct @N@ *)calloc(1, sizeof(*obj));\n\
\tif (!obj) {\n\
\t\terrno = ENOMEM;\n\
\t\treturn NULL;\n\
\t}\n\
\n\
\terr = @N@__create_skeleton(obj);\n\
\tif (err)\n\
\t\tgoto err_out;\n\
\n\
\terr = bpf_object__open_skeleton(obj->skeleton, opts);\n\
\tif (err)\n\
\t\tgoto err_out;\n\
\n\
\treturn obj;\n\
err_out:\n\
\t@N@__destroy(obj);\n\
\terrno = -err;\n\
\treturn NULL;\n\
}\n\
\n\
static inline struct @N@ *\n\
@N@__open(void)\n\
{\n\
\treturn @N@__open_opts(NULL);\n\
}\n\
\n\
static inline int\n\
@N@__load(struct @N@ *obj)\n\
{\n\
\treturn bpf_object__load_skeleton(obj->skeleton);\n\
}\n\
\n\
static inline struct @N@ *\n\
@N@__open_and_load(void)\n\
{\n\
\tstruct @N@ *obj;\n\
\tint err;\n\
\n\
\tobj = @N@__open();\n\
\tif (!obj)\n\
\t\treturn NULL;\n\
\terr = @N@__load(obj);\n\
\tif (err) {\n\
\t\t@N@__destroy(obj);\n\
\t\terrno = -err;\n\
\t\treturn NULL;\n\
\t}\n\
\treturn obj;\n\
}\n\
\n\
static inline int\n\
@N@__attach(struct @N@ *obj)\n\
{\n\
\treturn bpf_object__attach_skeleton(obj->skeleton);\n\
}\n\
\n\
static inline void\n\
@N@__detach(struct @N@ *obj)\n\
{\n\
\tbpf_object__detach_skeleton(obj->skeleton);\n\
}\n\
\n\
static inline const void *@N@__elf_bytes(size_t *sz);\n\
\n\
static inline int\n\
@N@__create_skeleton(struct @N@ *obj)\n\
{\n\
\tstruct bpf_object_skeleton *s;\n\
\tint err;\n\
\n\
\ts = (struct bpf_object_skeleton *)calloc(1, sizeof(*s));\n\
\tif (!s)\t{\n\
\t\terr = -ENOMEM;\n\
\t\tgoto err;\n\
\t}\n\
\n\
\ts->sz = sizeof(*s);\n\
\ts->name = \"@N@\";\n\
\ts->obj = &obj->obj;\n\
";

const CPP: &str = "#ifdef __cplusplus\n\
struct @N@ *@N@::open(const struct bpf_object_open_opts *opts) { return @N@__open_opts(opts); }\n\
struct @N@ *@N@::open_and_load() { return @N@__open_and_load(); }\n\
int @N@::load(struct @N@ *skel) { return @N@__load(skel); }\n\
int @N@::attach(struct @N@ *skel) { return @N@__attach(skel); }\n\
void @N@::detach(struct @N@ *skel) { @N@__detach(skel); }\n\
void @N@::destroy(struct @N@ *skel) { @N@__destroy(skel); }\n\
const void *@N@::elf_bytes(size_t *sz) { return @N@__elf_bytes(sz); }\n\
#endif /* __cplusplus */\n\
";

fn header(o: &mut String, obj: &Object, name: &str, maps: &[(String, String, &MapDef)]) {
    let guard = format!("__{}_SKEL_H__", name.to_uppercase());
    let _ = write!(
        o,
        "/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */\n\n\
         /* THIS FILE IS AUTOGENERATED BY BPFTOOL! */\n\
         #ifndef {guard}\n#define {guard}\n\n\
         #include <errno.h>\n#include <stdlib.h>\n#include <bpf/libbpf.h>\n\n\
         struct {name} {{\n\
         \tstruct bpf_object_skeleton *skeleton;\n\
         \tstruct bpf_object *obj;\n"
    );
    members(o, obj, maps, true);
}

/// The `maps`, `progs` and (`links`) member structs.
pub(super) fn members(
    o: &mut String,
    obj: &Object,
    maps: &[(String, String, &MapDef)],
    links: bool,
) {
    if !maps.is_empty() {
        o.push_str("\tstruct {\n");
        for (_, id, _) in maps {
            let _ = writeln!(o, "\t\tstruct bpf_map *{id};");
        }
        o.push_str("\t} maps;\n");
    }
    if !obj.progs.is_empty() {
        let kinds = [("progs", "bpf_program"), ("links", "bpf_link")];
        for (what, ty) in &kinds[..if links { 2 } else { 1 }] {
            o.push_str("\tstruct {\n");
            for p in &obj.progs {
                let _ = writeln!(o, "\t\tstruct {ty} *{};", p.name);
            }
            let _ = writeln!(o, "\t}} {what};");
        }
    }
}

/// The `s->maps` and `s->progs` arrays; a subskeleton (`sub`) has neither
/// memory-mapped pointers nor links.
pub(super) fn skeleton_arrays(
    o: &mut String,
    obj: &Object,
    maps: &[(String, String, &MapDef)],
    sub: bool,
) {
    if !maps.is_empty() {
        let _ = write!(
            o,
            "\n\t/* maps */\n\ts->map_cnt = {};\n\ts->map_skel_sz = sizeof(*s->maps);\n\
             \ts->maps = (struct bpf_map_skeleton *)calloc(s->map_cnt, s->map_skel_sz);\n\
             \tif (!s->maps) {{\n\t\terr = -ENOMEM;\n\t\tgoto err;\n\t}}\n",
            maps.len()
        );
        for (i, (kname, id, m)) in maps.iter().enumerate() {
            let _ = write!(
                o,
                "\n\ts->maps[{i}].name = \"{kname}\";\n\ts->maps[{i}].map = &obj->maps.{id};\n"
            );
            if !sub && mmaped(m) {
                let _ = writeln!(o, "\ts->maps[{i}].mmaped = (void **)&obj->{id};");
            }
        }
    }
    if !obj.progs.is_empty() {
        let _ = write!(
            o,
            "\n\t/* programs */\n\ts->prog_cnt = {};\n\ts->prog_skel_sz = sizeof(*s->progs);\n\
             \ts->progs = (struct bpf_prog_skeleton *)calloc(s->prog_cnt, s->prog_skel_sz);\n\
             \tif (!s->progs) {{\n\t\terr = -ENOMEM;\n\t\tgoto err;\n\t}}\n",
            obj.progs.len()
        );
        for (i, p) in obj.progs.iter().enumerate() {
            let n = &p.name;
            let _ = write!(
                o,
                "\n\ts->progs[{i}].name = \"{n}\";\n\ts->progs[{i}].prog = &obj->progs.{n};\n"
            );
            if !sub {
                let _ = writeln!(o, "\ts->progs[{i}].link = &obj->links.{n};");
            }
        }
    }
}

fn asserts(o: &mut String, btf: &Btf, name: &str, maps: &[(String, String, &MapDef)]) {
    let _ = write!(
        o,
        "\n__attribute__((unused)) static void\n\
         {name}__assert(struct {name} *s __attribute__((unused)))\n{{\n\
         #ifdef __cplusplus\n#define _Static_assert static_assert\n#endif\n"
    );
    for (_, id, _) in maps.iter().filter(|(_, _, m)| mmaped(m)) {
        let Some(t) = datasec_for(btf, id).and_then(|s| btf.ty(s)) else {
            continue;
        };
        for v in t.datasec_vars() {
            let Some(var) = btf.ty(v.type_id) else {
                continue;
            };
            if var.var_linkage() == Some(0) {
                continue;
            }
            let Ok(size) = btf.resolve_size(var.type_id()) else {
                continue;
            };
            let vn = sanitize(var.name());
            let _ = writeln!(
                o,
                "\t_Static_assert(sizeof(s->{id}->{vn}) == {size}, \"unexpected size of '{vn}'\");"
            );
        }
    }
    o.push_str("#ifdef __cplusplus\n#undef _Static_assert\n#endif\n}\n");
}

/// The skeleton header for the object file `data` (read from `path`), named
/// `name` or after the file.
pub fn skeleton(data: &[u8], path: &str, name: Option<&str>) -> Result<String, Error> {
    let name = name.map_or_else(|| obj_name_from_path(path), str::to_string);
    let opts = OpenOpts {
        object_name: Some(name.clone()),
        reject_legacy_maps: true,
        ..OpenOpts::default()
    };
    let obj = Object::parse(data, path, &opts)?;
    let maps = maps(&obj, &obj.name);
    let mut o = String::new();
    header(&mut o, &obj, &name, &maps);
    if let Some(btf) = &obj.btf {
        let mut d = BtfDump::new(btf);
        for (_, id, _) in maps.iter().filter(|(_, _, m)| mmaped(m)) {
            match datasec_for(btf, id) {
                Some(sec) => datasec_struct(&mut o, btf, &mut d, sec, &name)?,
                None => {
                    let _ = write!(o, "\tstruct {name}__{id} {{\n\t}} *{id};\n");
                }
            }
        }
    }
    o.push('\n');
    o.push_str(&MID.replace("@N@", &name));
    skeleton_arrays(&mut o, &obj, &maps, false);
    let _ = write!(
        o,
        "\n\ts->data = (void *){name}__elf_bytes(&s->data_sz);\n\n\tobj->skeleton = s;\n\
         \treturn 0;\nerr:\n\tbpf_object__destroy_skeleton(s);\n\treturn err;\n}}\n\n\
         static inline const void *{name}__elf_bytes(size_t *sz)\n{{\n\t*sz = {};\n\
         \treturn (const void *)\"\\\n",
        data.len()
    );
    print_hex(&mut o, data);
    o.push_str("\";\n}\n\n");
    o.push_str(&CPP.replace("@N@", &name));
    match &obj.btf {
        Some(btf) => asserts(&mut o, btf, &name, &maps),
        // bpftool leaves the blank line that opens the asserts.
        None => o.push('\n'),
    }
    let _ = write!(o, "\n#endif /* __{}_SKEL_H__ */\n", name.to_uppercase());
    Ok(o)
}
