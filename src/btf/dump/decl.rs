//! C syntax for one type: declarations (a chain of modifiers, pointers, arrays
//! and function prototypes ending in a named type), struct/union/enum/typedef
//! definitions with their padding and attributes, and unique names.
//!
//! A declaration is written inside out: the chain from the declared type to
//! its terminal type (INT, FLOAT, STRUCT, UNION, ENUM, FWD, TYPEDEF or void) is
//! collected on a stack and printed from the terminal end; CONST/VOLATILE/
//! RESTRICT go left of a named type and right of a `*`; arrays and function
//! prototypes wrap the rest of the chain in parentheses.

use super::{Cx, Kind, Type};
use std::borrow::Cow;

/// Tabs for indent level `lvl` (at most 13, as libbpf's prefix string).
fn pfx(lvl: usize) -> &'static str {
    const TABS: &str = "\t\t\t\t\t\t\t\t\t\t\t\t\t";
    &TABS[..lvl.min(TABS.len())]
}

/// `x` rounded up to a multiple of `y`; `None` for `y` = 0.
fn roundup(x: i64, y: i64) -> Option<i64> {
    (y != 0).then(|| (x + y - 1) / y * y)
}

/// GCC's `__PolyN_t` (Arm SIMD) are INTs without a C definition: aliased.
const MISSING_BASE_TYPES: [(&str, &str); 4] = [
    ("__Poly8_t", "unsigned char"),
    ("__Poly16_t", "unsigned short"),
    ("__Poly64_t", "unsigned long long"),
    ("__Poly128_t", "unsigned __int128"),
];

/// A kind that cannot appear in a declaration (FUNC, VAR, DATASEC, DECL_TAG).
fn warn_unexpected(k: Kind, id: u32) {
    crate::log::warn(format_args!(
        "unexpected type in decl chain, kind:{}, id:[{id}]",
        k as u32
    ));
}

/// Longest `___N` name libbpf builds (its buffer is 256 bytes).
const MAX_NAME_LEN: usize = 255;

impl<'a> Cx<'a> {
    /// `btf__align_of(id)` (0 when it has none), each type's computed once
    /// per dumper: a struct's alignment walks all its nested members, and
    /// every struct that embeds it asks again.
    fn align(&mut self, id: u32) -> i64 {
        let a = self.btf.align_of_cached(id, &mut self.d.aligns);
        a.map_or(0, i64::from)
    }

    pub(super) fn emit_missing_aliases(&mut self, id: u32) {
        let name = self.type_name(id);
        if let Some((_, base)) = MISSING_BASE_TYPES.iter().find(|(n, _)| *n == name) {
            self.outf(format_args!("typedef {base} {name};\n\n"));
        }
    }

    pub(super) fn emit_struct_fwd(&mut self, id: u32, t: Type<'a>) {
        let kw = if t.kind() == Kind::Struct {
            "struct"
        } else {
            "union"
        };
        let sep = if t.name_off() != 0 { " " } else { "" };
        let name = self.type_name(id);
        self.outs(&[kw, sep, &name]);
    }

    /// A struct whose layout natural alignment cannot give: a non-bitfield
    /// member off its alignment, or a size not a multiple of the largest one.
    fn is_struct_packed(&mut self, t: Type<'a>) -> bool {
        let mut max_align = 1;
        for m in t.members_unnamed() {
            let align = self.align(m.type_id);
            if align != 0 && m.bitfield_size == 0 && i64::from(m.raw_offset) % (8 * align) != 0 {
                return true;
            }
            max_align = max_align.max(align);
        }
        i64::from(t.size()) % max_align != 0
    }

    /// Explicit padding from bit `cur_off` to `next_off`, where the next member
    /// has alignment `next_align` (bytes): anonymous bitfields of the widest
    /// type that reaches an aligned offset, then of the smallest that fits.
    fn emit_bit_padding(
        &mut self,
        cur_off: i64,
        next_off: i64,
        next_align: i64,
        in_bitfield: bool,
        lvl: usize,
    ) {
        let pads = [
            ("long", i64::from(self.d.ptr_sz) * 8),
            ("int", 32),
            ("short", 16),
            ("char", 8),
        ];
        if cur_off >= next_off {
            return;
        }
        let mut cur_off = cur_off;
        let (mut pad_type, mut pad_bits, mut new_off) = ("", 0, 0);
        for (name, bits) in pads {
            pad_type = name;
            pad_bits = bits;
            new_off = roundup(cur_off, bits).unwrap_or(0);
            if new_off <= next_off {
                break;
            }
        }
        let p = pfx(lvl);
        if new_off > cur_off && new_off <= next_off {
            if in_bitfield
                || (new_off == next_off && roundup(cur_off, next_align * 8) != Some(new_off))
                || (new_off != next_off && next_off - new_off <= new_off - cur_off)
            {
                let n = if in_bitfield { new_off - cur_off } else { 0 };
                self.pad_marker(p, pad_type, n);
            }
            cur_off = new_off;
        }
        while cur_off != next_off {
            let bits = (next_off - cur_off).min(pad_bits);
            if bits == pad_bits {
                self.pad_marker(p, pad_type, pad_bits);
                cur_off += bits;
                continue;
            }
            let Some(&(name, width)) = pads.iter().rev().find(|(_, w)| *w >= bits) else {
                return;
            };
            pad_type = name;
            pad_bits = width;
            self.pad_marker(p, pad_type, bits);
            cur_off += bits;
        }
    }

    /// `\n<indent><type>: <bits>;`, one call.
    fn pad_marker(&mut self, p: &str, pad_type: &str, bits: i64) {
        self.outs_open(&["\n", p, pad_type, ": "]);
        self.d.out.push_i64(bits);
        self.out(";");
    }

    /// `[<nelems>]`, one call.
    fn out_array_len(&mut self, nelems: u32) {
        self.put("[");
        self.d.out.push_u64(u64::from(nelems));
        self.out("]");
    }

    pub(super) fn emit_struct_def(&mut self, id: u32, t: Type<'a>, lvl: usize) {
        let is_struct = t.kind() == Kind::Struct;
        let align = self.align(id);
        let packed = is_struct && self.is_struct_packed(t);
        let kw = if is_struct { "struct" } else { "union" };
        let sep = if t.name_off() != 0 { " " } else { "" };
        let name = self.type_name(id);
        self.outs(&[kw, sep, &name, " {"]);
        let mut off: i64 = 0;
        let mut prev_bitfield = false;
        for m in t.members() {
            let m_sz = i64::from(m.bitfield_size);
            let m_off = i64::from(m.bit_offset);
            let m_align = if packed { 1 } else { self.align(m.type_id) };
            let in_bitfield = prev_bitfield && m_sz != 0;
            self.emit_bit_padding(off, m_off, m_align, in_bitfield, lvl + 1);
            self.outs(&["\n", pfx(lvl + 1)]);
            self.emit_type_decl(m.type_id, m.name, lvl + 1);
            if m_sz != 0 {
                self.put(": ");
                self.d.out.push_i64(m_sz);
                self.out("");
                off = m_off + m_sz;
                prev_bitfield = true;
            } else {
                let sz = self.btf.resolve_size(m.type_id).map_or(0, i64::from);
                off = m_off + sz * 8;
                prev_bitfield = false;
            }
            self.out(";");
        }
        if is_struct {
            self.emit_bit_padding(off, i64::from(t.size()) * 8, align, false, lvl + 1);
        }
        if t.vlen() != 0 || t.size() != 0 {
            self.out("\n");
            self.outs(&[pfx(lvl), "}"]);
        } else {
            self.out("}");
        }
        if packed {
            self.out(" __attribute__((packed))");
        }
    }

    fn emit_enum_fwd(&mut self, id: u32) {
        let name = self.type_name(id);
        self.outs(&["enum ", &name]);
    }

    pub(super) fn emit_enum_def(&mut self, id: u32, t: Type<'a>, lvl: usize) {
        let sep = if t.name_off() != 0 { " " } else { "" };
        let name = self.type_name(id);
        self.outs(&["enum", sep, &name]);
        if t.vlen() == 0 {
            return;
        }
        self.out(" {");
        let is_enum64 = t.kind() == Kind::Enum64;
        let signed = t.kflag();
        let p = pfx(lvl + 1);
        for v in t.enum_values() {
            let dups = self.name_dups(true, v.name_off, v.name);
            // One call per enumerator.
            let o = &mut self.d.out;
            o.push_str("\n");
            o.push_str(p);
            o.push_str(v.name);
            if dups > 1 {
                o.push_str("___");
                o.push_u64(dups as u64);
            }
            o.push_str(" = ");
            match (is_enum64, signed) {
                (false, true) => o.push_i64(i64::from(v.value as u32 as i32)),
                (false, false) => o.push_u64(u64::from(v.value as u32)),
                (true, true) => o.push_i64(v.value as i64),
                (true, false) => o.push_u64(v.value),
            }
            o.push_str(match (is_enum64, signed) {
                (false, _) => ",",
                (true, true) => "LL,",
                (true, false) => "ULL,",
            });
            o.end();
        }
        self.outs(&["\n", pfx(lvl), "}"]);
        if t.size() == 1 {
            self.out(" __attribute__((mode(byte)))");
        } else if t.size() == 8 && self.d.ptr_sz == 8 {
            let word = !is_enum64 || t.enum_values().all(|v| v.value >> 32 == 0);
            if word {
                self.out(" __attribute__((mode(word)))");
            }
        }
    }

    pub(super) fn emit_fwd_def(&mut self, id: u32, t: Type<'a>) {
        let name = self.type_name(id);
        let kw = if t.kflag() { "union" } else { "struct" };
        self.outs(&[kw, " ", &name]);
    }

    pub(super) fn emit_typedef_def(&mut self, id: u32, t: Type<'a>, lvl: usize) {
        let name = self.ident_name(id);
        if t.type_id() == 0 && name == "__gnuc_va_list" {
            self.out("typedef __builtin_va_list __gnuc_va_list");
            return;
        }
        self.out("typedef ");
        self.emit_type_decl(t.type_id(), &name, lvl);
    }

    /// The declaration of type `id` named `fname` (may be empty); `lvl` indents
    /// the lines of inline definitions.
    pub(super) fn emit_type_decl(&mut self, id: u32, fname: &str, lvl: usize) {
        // Declarations nest (anonymous members, parameters): each level takes
        // a spare stack and gives it back.
        let mut decls = self.d.decl_stacks.pop().unwrap_or_default();
        decls.clear();
        let mut id = id;
        let limit = self.btf.type_cnt() as usize + 1;
        loop {
            let t = self.ty(id);
            if !(self.d.strip_mods && t.is_mod()) {
                decls.push(id);
            }
            if id == 0 || decls.len() > limit {
                break;
            }
            match t.kind() {
                Kind::Ptr
                | Kind::Volatile
                | Kind::Const
                | Kind::Restrict
                | Kind::FuncProto
                | Kind::TypeTag => id = t.type_id(),
                Kind::Array => id = t.array().map_or(0, |a| a.elem_type),
                Kind::Int
                | Kind::Enum
                | Kind::Enum64
                | Kind::Fwd
                | Kind::Struct
                | Kind::Union
                | Kind::Typedef
                | Kind::Float => break,
                k => {
                    warn_unexpected(k, id);
                    break;
                }
            }
        }
        self.emit_type_chain(&mut decls, fname, lvl);
        self.d.decl_stacks.push(decls);
    }

    /// Prints the CONST/VOLATILE/RESTRICT on top of the stack, left of a type.
    fn emit_mods(&mut self, decls: &mut Vec<u32>) {
        while let Some(&id) = decls.last() {
            match self.ty(id).kind() {
                Kind::Volatile => self.out("volatile "),
                Kind::Const => self.out("const "),
                Kind::Restrict => self.out("restrict "),
                _ => return,
            }
            decls.pop();
        }
    }

    /// Drops modifiers on top of the stack (GCC's on arrays and function types).
    fn drop_mods(&mut self, decls: &mut Vec<u32>) {
        while decls.last().is_some_and(|&id| self.ty(id).is_mod()) {
            decls.pop();
        }
    }

    fn emit_name(&mut self, name: &str, last_was_ptr: bool) {
        if !name.is_empty() && !last_was_ptr {
            self.put(" ");
        }
        self.out(name);
    }

    fn emit_type_chain(&mut self, decls: &mut Vec<u32>, fname: &str, lvl: usize) {
        let mut last_was_ptr = true;
        while let Some(id) = decls.pop() {
            if id == 0 {
                self.emit_mods(decls);
                self.out("void");
                last_was_ptr = false;
                continue;
            }
            let t = self.ty(id);
            let kind = t.kind();
            let anon = t.name_off() == 0 && !self.d.skip_anon_defs;
            match kind {
                Kind::Int | Kind::Float => {
                    self.emit_mods(decls);
                    self.out(t.name());
                }
                Kind::Struct | Kind::Union => {
                    self.emit_mods(decls);
                    if anon {
                        self.emit_struct_def(id, t, lvl);
                    } else {
                        self.emit_struct_fwd(id, t);
                    }
                }
                Kind::Enum | Kind::Enum64 => {
                    self.emit_mods(decls);
                    if anon {
                        self.emit_enum_def(id, t, lvl);
                    } else {
                        self.emit_enum_fwd(id);
                    }
                }
                Kind::Fwd => {
                    self.emit_mods(decls);
                    self.emit_fwd_def(id, t);
                }
                Kind::Typedef => {
                    self.emit_mods(decls);
                    let name = self.ident_name(id);
                    self.out(&name);
                }
                Kind::Ptr => self.out(if last_was_ptr { "*" } else { " *" }),
                Kind::Volatile => self.out(" volatile"),
                Kind::Const => self.out(" const"),
                Kind::Restrict => self.out(" restrict"),
                Kind::TypeTag => {
                    self.emit_mods(decls);
                    self.outf(format_args!(
                        " __attribute__((btf_type_tag(\"{}\")))",
                        t.name()
                    ));
                }
                Kind::Array => return self.emit_array(decls, t, fname, lvl, last_was_ptr),
                Kind::FuncProto => return self.emit_proto(decls, t, fname, lvl, last_was_ptr),
                k => return warn_unexpected(k, id),
            }
            last_was_ptr = kind == Kind::Ptr;
        }
        self.emit_name(fname, last_was_ptr);
    }

    fn emit_array(
        &mut self,
        decls: &mut Vec<u32>,
        t: Type<'a>,
        fname: &str,
        lvl: usize,
        last_was_ptr: bool,
    ) {
        let nelems = t.array().map_or(0, |a| a.nelems);
        self.drop_mods(decls);
        let Some(&next) = decls.last() else {
            self.emit_name(fname, last_was_ptr);
            self.out_array_len(nelems);
            return;
        };
        let multidim = self.ty(next).kind() == Kind::Array;
        if !fname.is_empty() && !last_was_ptr {
            self.out(" ");
        }
        if !multidim {
            self.out("(");
        }
        self.emit_type_chain(decls, fname, lvl);
        if !multidim {
            self.out(")");
        }
        self.out_array_len(nelems);
    }

    fn emit_proto(
        &mut self,
        decls: &mut Vec<u32>,
        t: Type<'a>,
        fname: &str,
        lvl: usize,
        last_was_ptr: bool,
    ) {
        self.drop_mods(decls);
        if decls.is_empty() {
            self.emit_name(fname, last_was_ptr);
        } else {
            self.out(" (");
            self.emit_type_chain(decls, fname, lvl);
            self.out(")");
        }
        self.out("(");
        let params = t.params();
        let vlen = params.len();
        // Clang writes `f(void)` as one void parameter; libbpf 1.1.2 prints a
        // prototype without parameters as `()`.
        if vlen == 1 && params.get(0).is_some_and(|p| p.type_id == 0) {
            self.out("void)");
            return;
        }
        for (i, p) in params.enumerate() {
            if i > 0 {
                self.out(", ");
            }
            if i == vlen - 1 && p.type_id == 0 {
                self.out("...");
                break;
            }
            self.emit_type_decl(p.type_id, p.name, lvl);
        }
        self.out(")");
    }

    /// Counts one more use of `name` among type names or identifiers.
    fn name_dups(&mut self, idents: bool, name_off: u32, name: &str) -> usize {
        let btf = self.btf;
        let map = if idents {
            &mut self.d.ident_names
        } else {
            &mut self.d.type_names
        };
        map.count(name_off, name, |off| btf.name_at(off).unwrap_or(""))
    }

    /// The name type `id` is printed under: its own on first use, `name___N`
    /// for the N-th type with that name (FWDs and empty enums keep theirs).
    fn resolve_name(&mut self, id: u32, idents: bool) -> Cow<'a, str> {
        let t = self.ty(id);
        if t.name_off() == 0 {
            return Cow::Borrowed("");
        }
        let orig = t.name();
        if self.st(id).name_resolved {
            return match self.d.cached_names.get(&id) {
                Some(s) => Cow::Owned(s.clone()),
                None => Cow::Borrowed(orig),
            };
        }
        self.st(id).name_resolved = true;
        if t.kind() == Kind::Fwd || (t.kind() == Kind::Enum && t.vlen() == 0) {
            return Cow::Borrowed(orig);
        }
        let dups = self.name_dups(idents, t.name_off(), orig);
        if dups <= 1 {
            return Cow::Borrowed(orig);
        }
        let mut name = format!("{orig}___{dups}");
        if name.len() > MAX_NAME_LEN {
            let mut end = MAX_NAME_LEN;
            while !name.is_char_boundary(end) {
                end -= 1;
            }
            name.truncate(end);
        }
        self.d.cached_names.insert(id, name.clone());
        Cow::Owned(name)
    }

    pub(super) fn type_name(&mut self, id: u32) -> Cow<'a, str> {
        self.resolve_name(id, false)
    }

    fn ident_name(&mut self, id: u32) -> Cow<'a, str> {
        self.resolve_name(id, true)
    }
}
