//! BTF → C declarations (`btf_dump__*`, spec `btf-core.md` §6.4), output
//! byte-identical to libbpf 1.1.2.
//!
//! A [`BtfDump`] keeps, per type, whether it was ordered, emitted and
//! forward-declared, and the names it handed out (repeated names get `___N`), so
//! each type is emitted once per dumper. It does not own the BTF: every call
//! takes the [`Btf`], which may have grown since the last call (new types are
//! picked up as libbpf's resize does).
//! - this file: the dumper state, the topological order (`order`) and the
//!   emission of a type with its forward declarations (`emit_type`);
//! - `decl`: declarations in C syntax (modifier chains, arrays, function
//!   prototypes), struct/union/enum/typedef definitions, padding and names;
//! - `data`: typed data printed as C initializers (`dump_type_data`).
//!
//! Every call fills [`Fragments`]: its text cut where libbpf makes one call of
//! the user's printf callback (`frags`); the caller passes them on. No input
//! makes this module panic: IDs out of range read as `void`.

mod data;
mod decl;
mod frags;
mod ldouble;
#[cfg(test)]
mod tests;

pub use data::DataOpts;
pub use frags::Fragments;

use super::query::ALIGN_UNKNOWN;
use super::{Btf, Kind, Type};
use crate::error::Error;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: the name maps hash short identifiers, not attacker-chosen keys
/// that SipHash's flooding resistance is for (a BTF with many colliding names
/// only slows its own dump).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type NameHash = BuildHasherDefault<Fnv>;

/// Occurrences of names, without copies of them: by the name's hash, the
/// string offset of its first occurrence (the BTF only grows, so the offset
/// stays valid) and the count; names whose hash another name took first
/// are counted by value.
#[derive(Default)]
struct NameCounts {
    by_hash: HashMap<u64, (u32, u32), NameHash>,
    collided: HashMap<String, u32, NameHash>,
}

impl NameCounts {
    /// Counts one more use of `name` (at string offset `off`; `name_of`
    /// reads the name at an offset) and returns the count.
    fn count<'b>(&mut self, off: u32, name: &str, name_of: impl Fn(u32) -> &'b str) -> usize {
        let mut h = Fnv::default();
        h.write(name.as_bytes());
        let n = match self.by_hash.entry(h.finish()) {
            Entry::Vacant(e) => e.insert((off, 1)).1,
            Entry::Occupied(mut e) => {
                let (first, n) = e.get_mut();
                if *first == off || name_of(*first) == name {
                    *n += 1;
                    *n
                } else {
                    let c = self.collided.entry(name.to_owned()).or_insert(0);
                    *c += 1;
                    *c
                }
            }
        };
        n as usize
    }
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Order {
    #[default]
    NotOrdered,
    Ordering,
    Ordered,
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Emit {
    #[default]
    NotEmitted,
    Emitting,
    Emitted,
}

/// What the dumper knows about one type.
#[derive(Clone, Copy, Default)]
struct Aux {
    order: Order,
    emit: Emit,
    /// A forward declaration (or, for a typedef, its definition) was printed.
    fwd_emitted: bool,
    /// The unique name was chosen (see `names`).
    name_resolved: bool,
    /// Some other type refers to this one.
    referenced: bool,
}

/// `btf_dump_emit_type_decl_opts`.
#[derive(Clone, Copy, Debug, Default)]
pub struct DeclOpts<'a> {
    /// The declared name (`struct s <name>`, `void (*<name>)(int)`).
    pub field_name: &'a str,
    /// Tabs added to every line after the first of a multi-line declaration.
    pub indent_level: usize,
    /// Leave out CONST, VOLATILE, RESTRICT and TYPE_TAG.
    pub strip_mods: bool,
}

/// One `struct btf_dump`: per-type state and the names handed out so far.
#[derive(Default)]
pub struct BtfDump {
    ptr_sz: u32,
    /// The highest type ID the state covers.
    last_id: u32,
    states: Vec<Aux>,
    /// `btf__align_of` by type ID ([`ALIGN_UNKNOWN`] until asked), valid for
    /// `aligns_key` (the type section's length and the pointer size).
    aligns: Vec<u32>,
    aligns_key: (usize, u32),
    /// Names with a `___N` suffix, by type ID.
    cached_names: HashMap<u32, String, NameHash>,
    /// STRUCT/UNION/ENUM (and INT) names → occurrences so far.
    type_names: NameCounts,
    /// TYPEDEF names and enumerators → occurrences so far.
    ident_names: NameCounts,
    /// Spare stacks for `emit_type_decl`'s chains of type IDs.
    decl_stacks: Vec<Vec<u32>>,
    strip_mods: bool,
    /// Anonymous STRUCT/UNION/ENUM print as `struct`/`union`/`enum ` (type
    /// casts of typed data).
    skip_anon_defs: bool,
    /// Text of the running call.
    out: Fragments,
}

impl BtfDump {
    /// `btf_dump__new`: a dumper over `btf` (pointer size from the BTF, else 8).
    pub fn new(btf: &Btf) -> BtfDump {
        let ptr_sz = match btf.pointer_size() {
            0 => std::mem::size_of::<usize>() as u32,
            n => n,
        };
        let mut d = BtfDump {
            ptr_sz,
            ..BtfDump::default()
        };
        d.resize(btf);
        d
    }

    /// Covers types added to `btf` since the last call.
    fn resize(&mut self, btf: &Btf) {
        let last_id = btf.type_cnt().saturating_sub(1);
        // A member added to a struct, or a new pointer size, can change the
        // alignment of types seen before.
        let key = (btf.types_section().len(), btf.pointer_size());
        if key != self.aligns_key {
            self.aligns.clear();
            self.aligns_key = key;
        }
        self.aligns.resize(last_id as usize + 1, ALIGN_UNKNOWN);
        if self.states.is_empty() {
            self.states.push(Aux {
                order: Order::Ordered,
                emit: Emit::Emitted,
                ..Aux::default()
            });
        }
        if last_id <= self.last_id {
            return;
        }
        self.states.resize(last_id as usize + 1, Aux::default());
        for id in self.last_id + 1..=last_id {
            let Some(t) = btf.ty(id) else { continue };
            self.mark_referenced(t);
        }
        self.last_id = last_id;
    }

    fn mark(&mut self, id: u32) {
        if let Some(s) = self.states.get_mut(id as usize) {
            s.referenced = true;
        }
    }

    fn mark_referenced(&mut self, t: Type<'_>) {
        match t.kind() {
            Kind::Void | Kind::Int | Kind::Enum | Kind::Enum64 | Kind::Fwd | Kind::Float => {}
            Kind::Volatile
            | Kind::Const
            | Kind::Restrict
            | Kind::Ptr
            | Kind::Typedef
            | Kind::Func
            | Kind::Var
            | Kind::DeclTag
            | Kind::TypeTag => self.mark(t.type_id()),
            Kind::Array => {
                if let Some(a) = t.array() {
                    self.mark(a.index_type);
                    self.mark(a.elem_type);
                }
            }
            Kind::Struct | Kind::Union => t.members_unnamed().for_each(|m| self.mark(m.type_id)),
            Kind::FuncProto => t.params_unnamed().for_each(|p| self.mark(p.type_id)),
            Kind::Datasec => t.datasec_vars().for_each(|v| self.mark(v.type_id)),
        }
    }

    /// Runs `f` with `out` (cleared) as the output.
    fn with_output<R>(&mut self, out: &mut Fragments, f: impl FnOnce(&mut BtfDump) -> R) -> R {
        out.clear();
        std::mem::swap(&mut self.out, out);
        let r = f(self);
        std::mem::swap(&mut self.out, out);
        r
    }

    /// `btf_dump__dump_type`: type `id` and every type it needs not emitted by
    /// this dumper before, in an order a C compiler accepts, into `out`.
    /// `EINVAL` for an ID out of range, `ELOOP` for types that embed each
    /// other (nothing printed).
    pub fn dump_type_into(&mut self, btf: &Btf, id: u32, out: &mut Fragments) -> Result<(), Error> {
        if id >= btf.type_cnt() {
            return Err(Error::Inval("type ID out of range"));
        }
        self.resize(btf);
        self.with_output(out, |d| {
            let mut cx = Cx {
                d,
                btf,
                queue: Vec::new(),
            };
            cx.order(id, false)?;
            let queue = std::mem::take(&mut cx.queue);
            for id in queue {
                cx.emit_type(id, 0);
            }
            Ok(())
        })
    }

    /// [`BtfDump::dump_type_into`] as one text.
    pub fn dump_type(&mut self, btf: &Btf, id: u32) -> Result<String, Error> {
        let mut out = Fragments::default();
        self.dump_type_into(btf, id, &mut out)?;
        Ok(out.text())
    }

    /// `btf_dump__emit_type_decl`: one declaration of type `id`, without the
    /// types it needs, into `out`.
    pub fn emit_type_decl_into(
        &mut self,
        btf: &Btf,
        id: u32,
        opts: &DeclOpts<'_>,
        out: &mut Fragments,
    ) -> Result<(), Error> {
        if id >= btf.type_cnt() {
            return Err(Error::Inval("type ID out of range"));
        }
        self.resize(btf);
        self.with_output(out, |d| {
            d.strip_mods = opts.strip_mods;
            let mut cx = Cx {
                d,
                btf,
                queue: Vec::new(),
            };
            cx.emit_type_decl(id, opts.field_name, opts.indent_level);
            d.strip_mods = false;
        });
        Ok(())
    }

    /// [`BtfDump::emit_type_decl_into`] as one text.
    pub fn emit_type_decl(
        &mut self,
        btf: &Btf,
        id: u32,
        opts: &DeclOpts<'_>,
    ) -> Result<String, Error> {
        let mut out = Fragments::default();
        self.emit_type_decl_into(btf, id, opts, &mut out)?;
        Ok(out.text())
    }
}

/// One call's view: the dumper, the BTF and the emit queue of `order`.
struct Cx<'a> {
    d: &'a mut BtfDump,
    btf: &'a Btf,
    queue: Vec<u32>,
}

impl<'a> Cx<'a> {
    /// Type `id`, or `void` for an ID out of range.
    fn ty(&self, id: u32) -> Type<'a> {
        let btf: &'a Btf = self.btf;
        match btf.ty(id) {
            Some(t) => t,
            None => btf.void(),
        }
    }

    fn st(&mut self, id: u32) -> &mut Aux {
        let i = id as usize;
        if i >= self.d.states.len() {
            self.d.states.resize(i + 1, Aux::default());
        }
        &mut self.d.states[i]
    }

    /// One call of the callback in libbpf: `s`.
    fn out(&mut self, s: &str) {
        self.d.out.push_str(s);
        self.d.out.end();
    }

    /// One call of the callback in libbpf: formatted text.
    fn outf(&mut self, args: std::fmt::Arguments<'_>) {
        let _ = std::fmt::Write::write_fmt(&mut self.d.out, args);
        self.d.out.end();
    }

    /// One call of the callback in libbpf: `parts` one after the other.
    fn outs(&mut self, parts: &[&str]) {
        self.outs_open(parts);
        self.d.out.end();
    }

    /// `parts` as the start of a call that the next `out`/`outf` ends.
    fn outs_open(&mut self, parts: &[&str]) {
        for p in parts {
            self.d.out.push_str(p);
        }
    }

    /// The start of a call of the callback that the next `out`/`outf` ends.
    fn put(&mut self, s: &str) {
        self.d.out.push_str(s);
    }

    /// Topological order: queues the named definitions `id` needs, then `id`.
    /// `Ok(true)` when `id` must be fully defined before its user (a strong
    /// link), `Ok(false)` when a forward declaration does (a weak one).
    fn order(&mut self, id: u32, through_ptr: bool) -> Result<bool, Error> {
        let state = self.st(id).order;
        if state == Order::Ordered {
            return Ok(true);
        }
        let t = self.ty(id);
        let named = t.name_off() != 0;
        if state == Order::Ordering {
            if t.is_composite() && through_ptr && named {
                return Ok(false);
            }
            crate::log::warn(format_args!("unsatisfiable type cycle, id:[{id}]"));
            return Err(Error::Loop("unsatisfiable type cycle"));
        }
        match t.kind() {
            Kind::Int | Kind::Float => {
                self.st(id).order = Order::Ordered;
                Ok(false)
            }
            Kind::Ptr => {
                let r = self.order(t.type_id(), true);
                self.st(id).order = Order::Ordered;
                r
            }
            Kind::Array => self.order(t.array().map_or(0, |a| a.elem_type), false),
            Kind::Struct | Kind::Union => {
                if through_ptr && named {
                    return Ok(false);
                }
                self.st(id).order = Order::Ordering;
                for m in t.members_unnamed() {
                    self.order(m.type_id, false)?;
                }
                if named {
                    self.queue.push(id);
                }
                self.st(id).order = Order::Ordered;
                Ok(true)
            }
            Kind::Enum | Kind::Enum64 | Kind::Fwd => {
                if named || !self.st(id).referenced {
                    self.queue.push(id);
                }
                self.st(id).order = Order::Ordered;
                Ok(true)
            }
            Kind::Typedef => {
                let strong = self.order(t.type_id(), through_ptr)?;
                if through_ptr && !strong {
                    return Ok(false);
                }
                self.queue.push(id);
                self.st(id).order = Order::Ordered;
                Ok(true)
            }
            Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag => {
                self.order(t.type_id(), through_ptr)
            }
            Kind::FuncProto => {
                let mut strong = self.order(t.type_id(), through_ptr)?;
                for p in t.params_unnamed() {
                    strong |= self.order(p.type_id, through_ptr)?;
                }
                Ok(strong)
            }
            Kind::Func | Kind::Var | Kind::Datasec | Kind::DeclTag | Kind::Void => {
                self.st(id).order = Order::Ordered;
                Ok(false)
            }
        }
    }

    /// `__builtin_va_list` is the compiler's own: never redefined.
    fn is_builtin(&self, id: u32) -> bool {
        let t = self.ty(id);
        t.name_off() != 0 && t.name() == "__builtin_va_list"
    }

    /// Emits type `id` (top level when `cont_id` is 0, else as used inside
    /// struct/union `cont_id`), printing first the forward declarations its
    /// definition needs.
    fn emit_type(&mut self, id: u32, cont_id: u32) {
        let state = *self.st(id);
        if state.emit == Emit::Emitted {
            return;
        }
        let t = self.ty(id);
        if state.emit == Emit::Emitting {
            self.emit_while_emitting(id, cont_id, t);
            return;
        }
        let top_level = cont_id == 0;
        match t.kind() {
            Kind::Int => {
                self.emit_missing_aliases(id);
                self.st(id).emit = Emit::Emitted;
            }
            Kind::Enum | Kind::Enum64 => {
                if top_level {
                    self.emit_enum_def(id, t, 0);
                    self.out(";\n\n");
                }
                self.st(id).emit = Emit::Emitted;
            }
            Kind::Ptr | Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag => {
                self.emit_type(t.type_id(), cont_id)
            }
            Kind::Array => self.emit_type(t.array().map_or(0, |a| a.elem_type), cont_id),
            Kind::Fwd => {
                self.emit_fwd_def(id, t);
                self.out(";\n\n");
                self.st(id).emit = Emit::Emitted;
            }
            Kind::Typedef => {
                self.st(id).emit = Emit::Emitting;
                self.emit_type(t.type_id(), id);
                if !self.st(id).fwd_emitted && !self.is_builtin(id) {
                    self.emit_typedef_def(id, t, 0);
                    self.out(";\n\n");
                }
                self.st(id).emit = Emit::Emitted;
            }
            Kind::Struct | Kind::Union => self.emit_composite(id, cont_id, t),
            Kind::FuncProto => {
                self.emit_type(t.type_id(), cont_id);
                for p in t.params_unnamed() {
                    self.emit_type(p.type_id, cont_id);
                }
            }
            _ => {}
        }
    }

    /// `emit_type` of a type whose emission is under way: a forward declaration
    /// breaks the cycle.
    fn emit_while_emitting(&mut self, id: u32, cont_id: u32, t: Type<'a>) {
        if self.st(id).fwd_emitted {
            return;
        }
        match t.kind() {
            Kind::Struct | Kind::Union => {
                if id == cont_id {
                    return;
                }
                if t.name_off() == 0 {
                    crate::log::warn(format_args!("anonymous struct/union loop, id:[{id}]"));
                    return;
                }
                self.emit_struct_fwd(id, t);
                self.out(";\n\n");
                self.st(id).fwd_emitted = true;
            }
            Kind::Typedef => {
                if !self.is_builtin(id) {
                    self.emit_typedef_def(id, t, 0);
                    self.out(";\n\n");
                }
                self.st(id).fwd_emitted = true;
            }
            _ => {}
        }
    }

    fn emit_composite(&mut self, id: u32, cont_id: u32, t: Type<'a>) {
        let top_level = cont_id == 0;
        let named = t.name_off() != 0;
        self.st(id).emit = Emit::Emitting;
        if top_level || !named {
            let new_cont = if named { id } else { cont_id };
            for m in t.members_unnamed() {
                self.emit_type(m.type_id, new_cont);
            }
        } else if !self.st(id).fwd_emitted && id != cont_id {
            self.emit_struct_fwd(id, t);
            self.out(";\n\n");
            self.st(id).fwd_emitted = true;
        }
        if top_level {
            self.emit_struct_def(id, t, 0);
            self.out(";\n\n");
            self.st(id).emit = Emit::Emitted;
        } else {
            self.st(id).emit = Emit::NotEmitted;
        }
    }
}
