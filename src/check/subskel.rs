//! Subskeleton headers as `bpftool gen subskeleton` (bpftool 7.1, libbpf 1.1)
//! writes them: for an object linked into a bigger one (a BPF library), the
//! maps, programs and global variables it declares, found by name in the
//! final object through `bpf_object__open_subskeleton`. No ELF bytes: the
//! caller passes the final object to `NAME__open`.

use super::skel::{datasec_for, maps, members, mmaped, obj_name_from_path, skeleton_arrays};
use crate::btf::dump::{BtfDump, DeclOpts};
use crate::btf::{Btf, Kind};
use crate::error::Error;
use crate::object::{MapDef, Object, OpenOpts};
use std::fmt::Write;

/// One global variable: its name, its type id and its map's identifier.
struct Var {
    name: String,
    type_id: u32,
    map: String,
}

/// The global (non-static) variables of every memory-mapped map, in map and
/// section order; `None` when such a map has no DATASEC to find them in
/// (bpftool then writes nothing at all and succeeds).
fn vars(btf: &Btf, maps: &[(String, String, &MapDef)]) -> Option<Vec<Var>> {
    let mut out = Vec::new();
    for (_, id, _) in maps.iter().filter(|(_, _, m)| mmaped(m)) {
        let sec = datasec_for(btf, id).and_then(|s| btf.ty(s))?;
        for v in sec.datasec_vars() {
            let Some(var) = btf.ty(v.type_id) else {
                continue;
            };
            if var.var_linkage() != Some(0) {
                out.push(Var {
                    name: var.name().to_string(),
                    type_id: var.type_id(),
                    map: id.clone(),
                });
            }
        }
    }
    Some(out)
}

/// `struct NAME__rodata { T *var; ... } rodata;` for one map: arrays and
/// function pointers as `typeof(T) *var`, type modifiers dropped (but kept
/// in `.kconfig`).
fn datasec_struct(
    o: &mut String,
    btf: &Btf,
    d: &mut BtfDump,
    name: &str,
    map: &str,
    vars: &[Var],
) -> Result<(), Error> {
    let strip_mods = datasec_for(btf, map)
        .and_then(|s| btf.ty(s))
        .is_none_or(|t| t.name() != ".kconfig");
    let _ = writeln!(o, "\tstruct {name}__{map} {{");
    for v in vars.iter().filter(|v| v.map == map) {
        let under = btf.skip_mods_and_typedefs(v.type_id).map(|(_, t)| t);
        let typeof_ = under.is_some_and(|t| {
            t.kind() == Kind::Array
                || (t.kind() == Kind::Ptr
                    && btf
                        .ty(t.type_id())
                        .is_some_and(|p| p.kind() == Kind::FuncProto))
        });
        let opts = DeclOpts {
            field_name: "",
            indent_level: 2,
            strip_mods,
        };
        let decl = d.emit_type_decl(btf, v.type_id, &opts)?;
        if typeof_ {
            let _ = writeln!(o, "\t\ttypeof({decl}) *{};", v.name);
        } else {
            let _ = writeln!(o, "\t\t{decl} *{};", v.name);
        }
    }
    let _ = writeln!(o, "\t}} {map};");
    Ok(())
}

const OPEN: &str = "\n\
#ifdef __cplusplus\n\
\tstatic inline struct @N@ *open(const struct bpf_object *src);\n\
\tstatic inline void destroy(struct @N@ *skel);\n\
#endif /* __cplusplus */\n\
};\n\
\n\
static inline void\n\
@N@__destroy(struct @N@ *skel)\n\
{\n\
\tif (!skel)\n\
\t\treturn;\n\
\tif (skel->subskel)\n\
\t\tbpf_object__destroy_subskeleton(skel->subskel);\n\
\tfree(skel);\n\
}\n\
\n\
static inline struct @N@ *\n\
@N@__open(const struct bpf_object *src)\n\
{\n\
\tstruct @N@ *obj;\n\
\tstruct bpf_object_subskeleton *s;\n\
\tint err;\n\
\n\
\tobj = (struct @N@ *)calloc(1, sizeof(*obj));\n\
\tif (!obj) {\n\
\t\terr = -ENOMEM;\n\
\t\tgoto err;\n\
\t}\n\
\ts = (struct bpf_object_subskeleton *)calloc(1, sizeof(*s));\n\
\tif (!s) {\n\
\t\terr = -ENOMEM;\n\
\t\tgoto err;\n\
\t}\n\
\ts->sz = sizeof(*s);\n\
\ts->obj = src;\n\
\ts->var_skel_sz = sizeof(*s->vars);\n\
\tobj->subskel = s;\n\
\n\
\t/* vars */\n\
\ts->var_cnt = @V@;\n\
\ts->vars = (struct bpf_var_skeleton *)calloc(@V@, sizeof(*s->vars));\n\
\tif (!s->vars) {\n\
\t\terr = -ENOMEM;\n\
\t\tgoto err;\n\
\t}\n";

const CLOSE: &str = "\n\
\terr = bpf_object__open_subskeleton(s);\n\
\tif (err)\n\
\t\tgoto err;\n\
\n\
\treturn obj;\n\
err:\n\
\t@N@__destroy(obj);\n\
\terrno = -err;\n\
\treturn NULL;\n\
}\n\
\n\
#ifdef __cplusplus\n\
struct @N@ *@N@::open(const struct bpf_object *src) { return @N@__open(src); }\n\
void @N@::destroy(struct @N@ *skel) { @N@__destroy(skel); }\n\
#endif /* __cplusplus */\n\
\n";

/// The subskeleton header for the object file `data` (read from `path`),
/// named `name` or after the file. Like bpftool, refuses an object without
/// BTF (the variables are found through it).
pub fn subskeleton(data: &[u8], path: &str, name: Option<&str>) -> Result<String, Error> {
    let name = name.map_or_else(|| obj_name_from_path(path), str::to_string);
    let opts = OpenOpts {
        reject_legacy_maps: true,
        ..OpenOpts::default()
    };
    let obj = Object::parse(data, path, &opts)?;
    let btf = obj
        .btf
        .as_ref()
        .ok_or(Error::Inval("need btf type information"))?;
    // libbpf names global-data maps after their section when the object's
    // name is empty, as bpftool opens it here (".rodata", not "obj.rodata").
    let maps = maps(&obj, "");
    let Some(vars) = vars(btf, &maps) else {
        return Ok(String::new());
    };
    let guard = format!("__{}_SUBSKEL_H__", name.to_uppercase());
    let mut o = format!(
        "/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */\n\n\
         /* THIS FILE IS AUTOGENERATED! */\n\
         #ifndef {guard}\n#define {guard}\n\n\
         #include <errno.h>\n#include <stdlib.h>\n#include <bpf/libbpf.h>\n\n\
         struct {name} {{\n\
         \tstruct bpf_object *obj;\n\
         \tstruct bpf_object_subskeleton *subskel;\n"
    );
    members(&mut o, &obj, &maps, false);
    let mut d = BtfDump::new(btf);
    for (_, id, _) in maps.iter().filter(|(_, _, m)| mmaped(m)) {
        datasec_struct(&mut o, btf, &mut d, &name, id, &vars)?;
    }
    o.push_str(
        &OPEN
            .replace("@N@", &name)
            .replace("@V@", &vars.len().to_string()),
    );
    for (i, v) in vars.iter().enumerate() {
        let (var, id) = (&v.name, &v.map);
        let _ = write!(
            o,
            "\n\ts->vars[{i}].name = \"{var}\";\n\ts->vars[{i}].map = &obj->maps.{id};\n\
             \ts->vars[{i}].addr = (void **) &obj->{id}.{var};\n"
        );
    }
    skeleton_arrays(&mut o, &obj, &maps, true);
    o.push_str(&CLOSE.replace("@N@", &name));
    let _ = writeln!(o, "#endif /* {guard} */");
    Ok(o)
}
