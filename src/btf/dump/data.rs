//! Typed data printed as C initializer text (`btf_dump__dump_type_data`, spec
//! `btf-core.md` §6.4), identical to libbpf 1.1.2, quirks included:
//! - zero values are left out below the top level unless `emit_zeroes`; a
//!   struct/union counts as zero when its *first* member is; once a char array
//!   was met, zero array elements are left out too and 1-byte ints print as
//!   `'c'` when printable for the rest of the call; once a char array met its
//!   NUL, later arrays print empty and later chars print nothing;
//! - only INT/FLOAT/PTR/ENUM values are checked against the end of the data:
//!   a short struct or array prints up to the first value that does not fit;
//!   errors inside an array are ignored, inside a struct they stop it;
//! - bytes read past the end of the caller's buffer (as libbpf's zero checks
//!   and bitfield reads do) read as 0;
//! - pointers print as `%p` (`(nil)` for NULL) when aligned, else as hex;
//!   alignment is that of the caller's address (`addr`).
//!
//! Type names (`(struct foo)`) come from the dumper's declaration code, so
//! they share its `___N` names.

use super::{BtfDump, Cx, Fragments};
use crate::btf::{Btf, Kind, Type};
use crate::error::Error;
use std::fmt::Write;

/// `btf_dump_type_data_opts`.
#[derive(Clone, Debug, Default)]
pub struct DataOpts {
    /// The indentation unit; `None` is a tab. libbpf keeps 31 bytes of it.
    pub indent_str: Option<String>,
    /// Units added before every line (as a byte, as libbpf keeps it).
    pub indent_level: i32,
    /// One line, no indentation.
    pub compact: bool,
    /// No `.member = ` and no `(type)` casts.
    pub skip_names: bool,
    /// Show zero values too.
    pub emit_zeroes: bool,
}

const EINVAL_SZ: u64 = -(libc::EINVAL as i64) as u64;

/// One `dump_type_data` call.
struct Typed<'a> {
    cx: Cx<'a>,
    data: &'a [u8],
    /// `data_sz`: where libbpf's overflow checks put the end.
    end: u64,
    addr: usize,
    indent: String,
    opts: &'a DataOpts,
    depth: i32,
    is_array_member: bool,
    is_array_char: bool,
    is_array_terminated: bool,
}

impl BtfDump {
    /// [`BtfDump::dump_type_data_into`] as one text, with the result.
    pub fn dump_type_data(
        &mut self,
        btf: &Btf,
        id: u32,
        data: &[u8],
        data_sz: usize,
        addr: usize,
        opts: &DataOpts,
    ) -> (String, Result<i32, Error>) {
        let mut out = Fragments::default();
        let r = self.dump_type_data_into(btf, id, (data, data_sz, addr), opts, &mut out);
        (out.text(), r)
    }

    /// `btf_dump__dump_type_data`: the value of type `id` held in `data`
    /// (`data_sz` bytes at address `addr`), as text into `out` (also on
    /// error, as libbpf prints as it goes). Returns the size of the type, or
    /// `ENOENT` (bad ID), `E2BIG` (a value past `data_sz`), `EINVAL` (unsized
    /// or malformed types), `EOPNOTSUPP` (a DECL_TAG).
    pub fn dump_type_data_into(
        &mut self,
        btf: &Btf,
        id: u32,
        (data, data_sz, addr): (&[u8], usize, usize),
        opts: &DataOpts,
        out: &mut Fragments,
    ) -> Result<i32, Error> {
        if id >= btf.type_cnt() {
            out.clear();
            return Err(Error::NotFound("type ID out of range"));
        }
        let mut indent = opts.indent_str.clone().unwrap_or_else(|| "\t".into());
        while indent.len() > 31 {
            indent.pop();
        }
        self.with_output(out, |d| {
            let mut t = Typed {
                cx: Cx {
                    d,
                    btf,
                    queue: Vec::new(),
                },
                data,
                end: data_sz as u64,
                addr,
                indent,
                opts,
                depth: 0,
                is_array_member: false,
                is_array_char: false,
                is_array_terminated: false,
            };
            t.dump("", id, 0, 0, 0)
        })
    }
}

fn bad_size(size: u64, id: u32) -> Error {
    crate::log::warn(format_args!("unexpected size [{size}] for id [{id}]"));
    Error::Inval("unexpected type size")
}

impl<'a> Typed<'a> {
    fn ty(&self, id: u32) -> Type<'a> {
        self.cx.ty(id)
    }

    fn skip(&self, id: u32) -> Option<Type<'a>> {
        let btf: &'a Btf = self.cx.btf;
        btf.skip_mods_and_typedefs(id).map(|(_, t)| t)
    }

    /// One call of the callback in libbpf: `s`.
    fn out(&mut self, s: &str) {
        self.cx.out(s);
    }

    /// `n` bytes (at most 16) at `off`, 0 past the caller's buffer.
    fn bytes(&self, off: u64, n: usize) -> [u8; 16] {
        let mut b = [0u8; 16];
        for (i, v) in b.iter_mut().enumerate().take(n.min(16)) {
            let at = off.saturating_add(i as u64);
            *v = usize::try_from(at)
                .ok()
                .and_then(|a| self.data.get(a))
                .copied()
                .unwrap_or(0);
        }
        b
    }

    /// The little-endian number in `n` (≤ 8) bytes at `off`.
    fn num(&self, off: u64, n: usize) -> u64 {
        let b = self.bytes(off, n);
        b[..n.min(8)]
            .iter()
            .rev()
            .fold(0u64, |acc, &x| acc << 8 | u64::from(x))
    }

    fn aligned(&self, id: u32, off: u64) -> bool {
        match self.cx.btf.align_of(id) {
            Ok(a) if a != 0 => (self.addr as u64).wrapping_add(off) % u64::from(a) == 0,
            _ => false,
        }
    }

    /// A value with the delimiter and newline of the current depth (one
    /// call of the callback, as libbpf's `btf_dump_type_values`).
    fn value(&mut self, args: std::fmt::Arguments<'_>) {
        let _ = self.cx.d.out.write_fmt(args);
        let delim = if self.depth == 0 { "" } else { "," };
        let nl = if self.opts.compact || self.depth == 0 {
            ""
        } else {
            "\n"
        };
        self.cx.put(delim);
        self.out(nl);
    }

    fn pfx(&mut self) {
        if self.opts.compact {
            return;
        }
        // libbpf keeps the level in a byte: -1 is 255.
        for _ in 0..i32::from(self.opts.indent_level as u8) + self.depth {
            let unit = std::mem::take(&mut self.indent);
            self.out(&unit);
            self.indent = unit;
        }
    }

    /// `(type)` before a value; none inside arrays or for VAR/DATASEC.
    fn type_cast(&mut self, id: u32, top_level: bool) {
        if self.is_array_member {
            return;
        }
        if matches!(self.ty(id).kind(), Kind::Var | Kind::Datasec) {
            return;
        }
        if top_level {
            self.out("(");
        }
        self.cx.d.skip_anon_defs = true;
        self.cx.d.strip_mods = true;
        self.cx.emit_type_decl(id, "", 0);
        self.cx.d.strip_mods = false;
        self.cx.d.skip_anon_defs = false;
        if top_level {
            self.out(")");
        }
    }

    /// Prints one value; returns the size of its type.
    fn dump(
        &mut self,
        fname: &str,
        id: u32,
        off: u64,
        bits_off: u8,
        bit_sz: u8,
    ) -> Result<i32, Error> {
        let size = self.check_overflow(id, off)?;
        if self.check_zero(id, off, bits_off, bit_sz)? {
            return Ok(size);
        }
        self.pfx();
        if !self.opts.skip_names {
            if !fname.is_empty() {
                self.cx.outf(format_args!(".{fname} = "));
            }
            self.type_cast(id, true);
        }
        let t = self.skip(id).unwrap_or_else(|| self.cx.btf.void());
        match t.kind() {
            Kind::Void | Kind::Fwd | Kind::Func | Kind::FuncProto | Kind::DeclTag => {
                self.cx
                    .outf(format_args!("<unsupported kind:{}>", t.kind() as u32));
                return Err(Error::Unsupported("no typed data of this BTF kind"));
            }
            Kind::Int if bit_sz != 0 => {
                let v = self.bitfield(t, off, bits_off, bit_sz)?;
                self.value(format_args!("0x{v:x}"));
            }
            Kind::Int => self.int_data(t, id, off)?,
            Kind::Float => self.float_data(t, id, off)?,
            Kind::Ptr => self.ptr_data(id, off),
            Kind::Array => self.array_data(t, id, off)?,
            Kind::Struct | Kind::Union => self.struct_data(t, off)?,
            Kind::Enum | Kind::Enum64 => {
                let v = if bit_sz != 0 {
                    let raw = self.bitfield(t, off, bits_off, bit_sz)?;
                    enum_of(t, raw, id)?
                } else {
                    self.enum_value(t, id, off)?
                };
                self.enum_data(t, v);
            }
            Kind::Var => self.var_data(t, off)?,
            Kind::Datasec => self.datasec_data(t, off)?,
            k => {
                crate::log::warn(format_args!("unexpected kind [{}] for id [{id}]", k as u32));
                return Err(Error::Inval("unexpected BTF kind"));
            }
        }
        Ok(size)
    }

    /// The size of type `id`; `E2BIG` when a base value (a bitfield's whole
    /// INT included) passes the end.
    fn check_overflow(&self, id: u32, off: u64) -> Result<i32, Error> {
        let size = match self.cx.btf.resolve_size(id) {
            Ok(s) => s,
            Err(Error::TooBig(_)) => return Err(bad_size(-(libc::E2BIG as i64) as u64, id)),
            Err(_) => return Err(bad_size(EINVAL_SZ, id)),
        };
        if size >= i32::MAX as u32 {
            return Err(bad_size(u64::from(size), id));
        }
        let Some(t) = self.skip(id) else {
            crate::log::warn(format_args!(
                "unexpected error skipping mods/typedefs for id [{id}]"
            ));
            return Err(Error::Inval("type chain does not resolve"));
        };
        let base = matches!(
            t.kind(),
            Kind::Int | Kind::Float | Kind::Ptr | Kind::Enum | Kind::Enum64
        );
        if base && off + u64::from(size) > self.end {
            return Err(Error::TooBig("typed data past the end of the buffer"));
        }
        Ok(size as i32)
    }

    /// Whether the value is zero and left out (`ENODATA` in libbpf).
    fn check_zero(&self, id: u32, off: u64, bits_off: u8, bit_sz: u8) -> Result<bool, Error> {
        if self.opts.emit_zeroes || self.depth == 0 || (self.is_array_member && !self.is_array_char)
        {
            return Ok(false);
        }
        let Some(t) = self.skip(id) else {
            return Ok(false);
        };
        match t.kind() {
            Kind::Int if bit_sz != 0 => Ok(self.bitfield(t, off, bits_off, bit_sz)? == 0),
            Kind::Int | Kind::Float => self.base_zero(t.size(), id, off),
            Kind::Ptr => self.base_zero(self.cx.d.ptr_sz, id, off),
            Kind::Array => {
                let Some(a) = t.array() else {
                    return Ok(true);
                };
                let elem_size = match self.cx.btf.resolve_size(a.elem_type) {
                    Ok(s) => s,
                    Err(_) => -libc::EINVAL as u32,
                };
                let ischar = self
                    .skip(a.elem_type)
                    .is_some_and(|e| e.kind() == Kind::Int)
                    && elem_size == 1;
                for i in 0..a.nelems {
                    if i == 0 && ischar && self.bytes(off, 1)[0] == 0 {
                        return Ok(true);
                    }
                    let at = off + u64::from(i) * u64::from(elem_size);
                    if !self.check_zero(a.elem_type, at, bits_off, 0)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Kind::Struct | Kind::Union => match t.members().next() {
                None => Ok(true),
                Some(m) => self.check_zero(
                    m.type_id,
                    off + u64::from(m.bit_offset / 8),
                    (m.bit_offset % 8) as u8,
                    m.bitfield_size as u8,
                ),
            },
            Kind::Enum | Kind::Enum64 => Ok(self.enum_value(t, id, off)? == 0),
            _ => Ok(false),
        }
    }

    fn base_zero(&self, nr: u32, id: u32, off: u64) -> Result<bool, Error> {
        if !(1..=16).contains(&nr) {
            crate::log::warn(format_args!("unexpected size {nr} for id [{id}]"));
            return Err(Error::Inval("unexpected type size"));
        }
        Ok(self.bytes(off, nr as usize)[..nr as usize]
            .iter()
            .all(|&b| b == 0))
    }

    /// `bit_sz` bits from bit `bits_off` of the `t.size()` bytes at `off`
    /// (shift counts wrap at 64 as x86 does).
    fn bitfield(&self, t: Type<'a>, off: u64, bits_off: u8, bit_sz: u8) -> Result<u64, Error> {
        if t.size() > 8 {
            crate::log::warn(format_args!("unexpected bitfield size {}", t.size()));
            return Err(Error::Inval("bitfield wider than 64 bits"));
        }
        let num = self.num(off, t.size() as usize);
        let copy = bit_sz.wrapping_add(bits_off);
        let left = 64u16.wrapping_sub(u16::from(copy));
        let right = 64u16.wrapping_sub(u16::from(bit_sz));
        Ok(num
            .wrapping_shl(u32::from(left))
            .wrapping_shr(u32::from(right)))
    }

    fn enum_value(&self, t: Type<'a>, id: u32, off: u64) -> Result<i64, Error> {
        if !self.aligned(id, off) {
            // libbpf reads it as a 0-bit bitfield: its shifts by 64 fold to 0.
            self.bitfield(t, off, 0, 0)?;
            return Ok(0);
        }
        enum_of(t, self.num(off, (t.size() as usize).min(8)), id)
    }
}

/// libbpf's `btf_dump_get_enum_value` of the bytes in `raw` (little-endian).
fn enum_of(t: Type<'_>, raw: u64, id: u32) -> Result<i64, Error> {
    let signed = t.kflag();
    Ok(match t.size() {
        8 => raw as i64,
        4 if signed => i64::from(raw as u32 as i32),
        4 => i64::from(raw as u32),
        2 if signed => i64::from(raw as u16 as i16),
        2 => i64::from(raw as u16),
        1 if signed => i64::from(raw as u8 as i8),
        1 => i64::from(raw as u8),
        n => {
            crate::log::warn(format_args!("unexpected size {n} for enum, id:[{id}]"));
            return Err(Error::Inval("unexpected enum size"));
        }
    })
}

/// C's `%f` (6 decimals; `inf`, `nan` with their sign).
fn c_float(v: f64) -> String {
    let sign = if v.is_sign_negative() { "-" } else { "" };
    if v.is_nan() {
        format!("{sign}nan")
    } else if v.is_infinite() {
        format!("{sign}inf")
    } else {
        format!("{v:.6}")
    }
}

impl<'a> Typed<'a> {
    fn int_data(&mut self, t: Type<'a>, id: u32, off: u64) -> Result<(), Error> {
        let sz = t.size();
        if sz == 0 || sz > 16 {
            crate::log::warn(format_args!("unexpected size {sz} for id [{id}]"));
            return Err(Error::Inval("unexpected int size"));
        }
        let sign = t.int_encoding() & 1 != 0;
        let b = self.bytes(off, sz as usize);
        let lo = self.num(off, 8);
        match sz {
            16 => {
                let hi = self.num(off + 8, 8);
                if hi == 0 {
                    self.value(format_args!("0x{lo:x}"));
                } else {
                    self.value(format_args!("0x{hi:x}{lo:016x}"));
                }
            }
            8 if sign => self.value(format_args!("{}", lo as i64)),
            8 => self.value(format_args!("{lo}")),
            4 if sign => self.value(format_args!("{}", lo as u32 as i32)),
            4 => self.value(format_args!("{}", lo as u32)),
            2 if sign => self.value(format_args!("{}", lo as u16 as i16)),
            2 => self.value(format_args!("{}", lo as u16)),
            1 => self.char_data(b[0], sign),
            _ => {
                crate::log::warn(format_args!("unexpected sz {sz} for id [{id}]"));
                return Err(Error::Inval("unexpected int size"));
            }
        }
        Ok(())
    }

    fn char_data(&mut self, c: u8, sign: bool) {
        if self.is_array_char {
            if self.is_array_terminated {
                return;
            }
            if c == 0 {
                self.is_array_terminated = true;
                return;
            }
            if (0x20..0x7f).contains(&c) {
                self.value(format_args!("'{}'", c as char));
                return;
            }
        }
        if sign {
            self.value(format_args!("{}", c as i8));
        } else {
            self.value(format_args!("{c}"));
        }
    }

    fn float_data(&mut self, t: Type<'a>, id: u32, off: u64) -> Result<(), Error> {
        let b = self.bytes(off, 16);
        let v = match t.size() {
            16 => {
                let s = super::ldouble::format_x87(&b);
                self.value(format_args!("{s}"));
                return Ok(());
            }
            8 => f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
            4 => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            sz => {
                crate::log::warn(format_args!("unexpected size {sz} for id [{id}]"));
                return Err(Error::Inval("unexpected float size"));
            }
        };
        let s = c_float(v);
        self.value(format_args!("{s}"));
        Ok(())
    }

    fn ptr_data(&mut self, id: u32, off: u64) {
        let ptr_sz = self.cx.d.ptr_sz;
        if self.aligned(id, off) && ptr_sz as usize == std::mem::size_of::<usize>() {
            match self.num(off, ptr_sz as usize) {
                0 => self.value(format_args!("(nil)")),
                p => self.value(format_args!("0x{p:x}")),
            }
        } else if ptr_sz == 4 {
            let p = self.num(off, 4);
            self.value(format_args!("0x{p:x}"));
        } else {
            let p = self.num(off, (ptr_sz as usize).min(8));
            self.value(format_args!("0x{p:x}"));
        }
    }

    fn array_data(&mut self, t: Type<'a>, id: u32, off: u64) -> Result<(), Error> {
        let Some(a) = t.array() else {
            return Err(Error::Inval("malformed array"));
        };
        let elem_size = match self.cx.btf.resolve_size(a.elem_type) {
            Ok(s) if s > 0 => s,
            r => {
                let e = if r.is_ok() { 0 } else { -libc::EINVAL };
                crate::log::warn(format_args!(
                    "unexpected elem size {e} for array type [{id}]"
                ));
                return Err(Error::Inval("array element without a size"));
            }
        };
        if self
            .skip(a.elem_type)
            .is_some_and(|e| e.kind() == Kind::Int)
            && elem_size == 1
        {
            self.is_array_char = true;
        }
        self.depth += 1;
        self.cx.put("[");
        self.out(if self.opts.compact { "" } else { "\n" });
        let member = std::mem::replace(&mut self.is_array_member, true);
        for i in 0..a.nelems {
            if self.is_array_terminated {
                break;
            }
            let at = off + u64::from(i) * u64::from(elem_size);
            let _ = self.dump("", a.elem_type, at, 0, 0);
        }
        self.is_array_member = member;
        self.depth -= 1;
        self.pfx();
        self.value(format_args!("]"));
        Ok(())
    }

    fn struct_data(&mut self, t: Type<'a>, off: u64) -> Result<(), Error> {
        self.depth += 1;
        self.cx.put("{");
        self.out(if self.opts.compact { "" } else { "\n" });
        for m in t.members() {
            self.dump(
                m.name,
                m.type_id,
                off + u64::from(m.bit_offset / 8),
                (m.bit_offset % 8) as u8,
                m.bitfield_size as u8,
            )?;
        }
        self.depth -= 1;
        self.pfx();
        self.value(format_args!("}}"));
        Ok(())
    }

    /// An enumerator's name, else the number. A signed number gets no
    /// delimiter or newline: libbpf 1.1.2's format string glues them to the
    /// unsigned branch of its `?:` only.
    fn enum_data(&mut self, t: Type<'a>, v: i64) {
        let signed = t.kflag();
        if t.kind() == Kind::Enum {
            if let Some(e) = t
                .enum_values()
                .find(|e| i64::from(e.value as u32 as i32) == v)
            {
                self.value(format_args!("{}", e.name));
            } else if signed {
                self.cx.outf(format_args!("{}", v as i32));
            } else {
                self.value(format_args!("{}", v as u32));
            }
        } else if let Some(e) = t.enum_values().find(|e| e.value == v as u64) {
            self.value(format_args!("{}", e.name));
        } else if signed {
            self.cx.outf(format_args!("{v}LL"));
        } else {
            self.value(format_args!("{}ULL", v as u64));
        }
    }

    fn var_data(&mut self, t: Type<'a>, off: u64) -> Result<(), Error> {
        let l = match t.var_linkage() {
            Some(0) => "static ",
            Some(2) => "extern ",
            _ => "",
        };
        self.out(l);
        self.type_cast(t.type_id(), false);
        self.cx.outf(format_args!(" {} = ", t.name()));
        self.dump("", t.type_id(), off, 0, 0).map(|_| ())
    }

    fn datasec_data(&mut self, t: Type<'a>, off: u64) -> Result<(), Error> {
        self.value(format_args!("SEC(\"{}\") ", t.name()));
        for v in t.datasec_vars() {
            self.dump("", v.type_id, off + u64::from(v.offset), 0, 0)?;
            self.out(";");
        }
        Ok(())
    }
}
