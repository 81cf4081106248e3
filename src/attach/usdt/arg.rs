//! USDT argument specs: the `-4@%eax 8@-16(%rbp) -4@$5` strings of a
//! `.note.stapsdt` note turned into `struct __bpf_usdt_spec` of `usdt.bpf.h`.
//!
//! Owns: the per-architecture operand grammar (x86-64 AT&T operands, arm64
//! `[reg, off]` operands), the `struct pt_regs` offsets of the registers they
//! name, and the byte layout of the spec map's value (libbpf 1.1's).
//! Must not call: anything (pure).
//! Spec: `libbpf-api.md` §1.2 (`bpf_program__attach_usdt`).

use crate::error::Error;

/// The most arguments a spec holds (`BPF_USDT_MAX_ARG_CNT`).
pub const MAX_ARGS: usize = 12;
/// `sizeof(struct __bpf_usdt_arg_spec)`.
const ARG_SIZE: usize = 16;
/// `sizeof(struct __bpf_usdt_spec)`: the args, `usdt_cookie`, `arg_cnt`, padding.
pub const SPEC_SIZE: usize = MAX_ARGS * ARG_SIZE + 16;

/// The architectures whose operand syntax is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    X86_64,
    Aarch64,
}

impl Arch {
    /// The architecture this library runs on, if its operands are known.
    pub fn host() -> Option<Arch> {
        match std::env::consts::ARCH {
            "x86_64" => Some(Arch::X86_64),
            "aarch64" => Some(Arch::Aarch64),
            _ => None,
        }
    }
}

/// `enum __bpf_usdt_arg_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// The value is `val_off`.
    Const = 0,
    /// The value is the register at `reg_off` of `pt_regs`.
    Reg = 1,
    /// The value is in user memory at that register plus `val_off`.
    RegDeref = 2,
}

/// `struct __bpf_usdt_arg_spec`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArgSpec {
    pub val_off: u64,
    pub kind: ArgKind,
    pub reg_off: i16,
    pub signed: bool,
    /// 64 minus the argument's width in bits.
    pub bitshift: u8,
}

/// The value written to `__bpf_usdt_specs` for one spec id.
pub fn spec_bytes(args: &[ArgSpec], cookie: u64) -> [u8; SPEC_SIZE] {
    let mut b = [0u8; SPEC_SIZE];
    for (i, a) in args.iter().take(MAX_ARGS).enumerate() {
        let o = i * ARG_SIZE;
        b[o..o + 8].copy_from_slice(&a.val_off.to_ne_bytes());
        b[o + 8..o + 12].copy_from_slice(&(a.kind as u32).to_ne_bytes());
        b[o + 12..o + 14].copy_from_slice(&a.reg_off.to_ne_bytes());
        b[o + 14] = u8::from(a.signed);
        b[o + 15] = a.bitshift;
    }
    let o = MAX_ARGS * ARG_SIZE;
    b[o..o + 8].copy_from_slice(&cookie.to_ne_bytes());
    let cnt = args.len().min(MAX_ARGS) as i16;
    b[o + 8..o + 10].copy_from_slice(&cnt.to_ne_bytes());
    b
}

/// x86-64 `struct pt_regs` field offsets, each with every name of the register.
const X86_64_REGS: &[(u16, &[&str])] = &[
    (0, &["r15", "r15d", "r15w", "r15b"]),
    (8, &["r14", "r14d", "r14w", "r14b"]),
    (16, &["r13", "r13d", "r13w", "r13b"]),
    (24, &["r12", "r12d", "r12w", "r12b"]),
    (32, &["rbp", "ebp", "bp", "bpl"]),
    (40, &["rbx", "ebx", "bx", "bl"]),
    (48, &["r11", "r11d", "r11w", "r11b"]),
    (56, &["r10", "r10d", "r10w", "r10b"]),
    (64, &["r9", "r9d", "r9w", "r9b"]),
    (72, &["r8", "r8d", "r8w", "r8b"]),
    (80, &["rax", "eax", "ax", "al"]),
    (88, &["rcx", "ecx", "cx", "cl"]),
    (96, &["rdx", "edx", "dx", "dl"]),
    (104, &["rsi", "esi", "si", "sil"]),
    (112, &["rdi", "edi", "di", "dil"]),
    (128, &["rip", "eip", "ip"]),
    (152, &["rsp", "esp", "sp", "spl"]),
];

/// The `pt_regs` offset of register `name` on `arch`.
fn reg_off(arch: Arch, name: &str) -> Option<i16> {
    match arch {
        Arch::X86_64 => X86_64_REGS
            .iter()
            .find(|(_, names)| names.contains(&name))
            .map(|&(off, _)| off as i16),
        // `struct user_pt_regs`: regs[31], sp, pc.
        Arch::Aarch64 => match name {
            "sp" => Some(31 * 8),
            _ => {
                let n: u16 = name.strip_prefix('x')?.parse().ok()?;
                (n < 31 && !name[1..].starts_with('+')).then_some((n * 8) as i16)
            }
        },
    }
}

/// A signed decimal (`%ld`).
fn parse_i64(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The operand after `SIZE@`: (kind, register name, constant or offset).
fn parse_operand(arch: Arch, op: &str) -> Option<(ArgKind, Option<&str>, i64)> {
    match arch {
        Arch::X86_64 => {
            if let Some(c) = op.strip_prefix('$') {
                return Some((ArgKind::Const, None, parse_i64(c)?));
            }
            if let Some(r) = op.strip_prefix('%') {
                return Some((ArgKind::Reg, Some(r), 0));
            }
            let (off, rest) = op.split_once('(')?;
            let reg = rest.strip_suffix(')')?.strip_prefix('%')?;
            let off = if off.is_empty() { 0 } else { parse_i64(off)? };
            Some((ArgKind::RegDeref, Some(reg), off))
        }
        Arch::Aarch64 => {
            if let Some(inner) = op.strip_prefix('[') {
                let inner = inner.strip_suffix(']')?;
                let (reg, off) = match inner.split_once(',') {
                    Some((r, o)) => (r.trim(), parse_i64(o.trim())?),
                    None => (inner.trim(), 0),
                };
                return Some((ArgKind::RegDeref, Some(reg), off));
            }
            if let Some(c) = parse_i64(op) {
                return Some((ArgKind::Const, None, c));
            }
            Some((ArgKind::Reg, Some(op), 0))
        }
    }
}

/// The operands of `args`: separated by spaces outside `[...]` and `(...)`.
fn split_args(args: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, None);
    for (i, c) in args.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            ' ' | '\t' if depth == 0 => {
                if let Some(s) = start.take() {
                    out.push(&args[s..i]);
                }
                continue;
            }
            _ => {}
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        out.push(&args[s..]);
    }
    out
}

/// One `SIZE@OPERAND` argument.
fn parse_arg(arch: Arch, idx: usize, s: &str) -> Result<ArgSpec, Error> {
    let bad = |why: &str| {
        crate::log::warn(format_args!(
            "usdt: unrecognized arg #{idx} spec '{s}'{why}"
        ));
        Error::Inval("unrecognized USDT argument spec")
    };
    let (size, op) = s.split_once('@').ok_or_else(|| bad(""))?;
    let size = parse_i64(size).ok_or_else(|| bad(""))?;
    let (kind, reg, val) = parse_operand(arch, op).ok_or_else(|| bad(""))?;
    let reg_off = match reg {
        None => 0,
        Some(r) => reg_off(arch, r).ok_or_else(|| {
            crate::log::warn(format_args!(
                "usdt: unrecognized register '{r}' in arg #{idx} spec '{s}'"
            ));
            Error::NotFound("unknown register in USDT argument")
        })?,
    };
    let width = size.unsigned_abs();
    if !matches!(width, 1 | 2 | 4 | 8) {
        crate::log::warn(format_args!(
            "usdt: unsupported arg #{idx} (spec '{s}') size: {size}"
        ));
        return Err(Error::Inval("unsupported USDT argument size"));
    }
    Ok(ArgSpec {
        val_off: val as u64,
        kind,
        reg_off,
        signed: size < 0,
        bitshift: (64 - width * 8) as u8,
    })
}

/// The argument specs of a note's `args` string (empty: no arguments).
pub fn parse_args(arch: Arch, args: &str) -> Result<Vec<ArgSpec>, Error> {
    let ops = split_args(args);
    if ops.len() > MAX_ARGS {
        crate::log::warn(format_args!(
            "usdt: too many USDT arguments (> {MAX_ARGS}) with args spec '{args}'"
        ));
        return Err(Error::TooBig("too many USDT arguments"));
    }
    ops.iter()
        .enumerate()
        .map(|(i, s)| parse_arg(arch, i, s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(arch: Arch, s: &str) -> ArgSpec {
        let v = parse_args(arch, s).unwrap();
        assert_eq!(v.len(), 1, "{s}");
        v[0]
    }

    #[test]
    fn x86_64_operands() {
        let a = one(Arch::X86_64, "-4@%eax");
        assert_eq!(
            (a.kind, a.reg_off, a.signed, a.bitshift),
            (ArgKind::Reg, 80, true, 32)
        );
        let a = one(Arch::X86_64, "8@-16(%rbp)");
        assert_eq!(
            (a.kind, a.reg_off, a.val_off as i64),
            (ArgKind::RegDeref, 32, -16)
        );
        assert_eq!((a.signed, a.bitshift), (false, 0));
        let a = one(Arch::X86_64, "-4@$5");
        assert_eq!((a.kind, a.val_off, a.bitshift), (ArgKind::Const, 5, 32));
        let a = one(Arch::X86_64, "1@(%rsp)");
        assert_eq!(
            (a.kind, a.reg_off, a.val_off, a.bitshift),
            (ArgKind::RegDeref, 152, 0, 56)
        );
        let a = one(Arch::X86_64, "-2@$-3");
        assert_eq!(a.val_off as i64, -3);
        assert_eq!(one(Arch::X86_64, "8@%r12").reg_off, 24);
        assert_eq!(one(Arch::X86_64, "4@%r9d").reg_off, 64);
        assert_eq!(one(Arch::X86_64, "8@%rdi").reg_off, 112);
        let v = parse_args(Arch::X86_64, "-4@%edx 8@%rax  -8@24(%rsp)").unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!((v[0].reg_off, v[2].val_off), (96, 24));
        assert!(parse_args(Arch::X86_64, "").unwrap().is_empty());
    }

    #[test]
    fn x86_64_rejects() {
        let e = |s: &str| parse_args(Arch::X86_64, s).unwrap_err().errno();
        assert_eq!(e("3@%eax"), libc::EINVAL);
        assert_eq!(e("4@%xmm0"), libc::ENOENT);
        assert_eq!(e("4@x(%rip)"), libc::EINVAL);
        assert_eq!(e("4@8(%rax,%rbx,4)"), libc::ENOENT);
        assert_eq!(e("eax"), libc::EINVAL);
        assert_eq!(e(&["4@$1"; 13].join(" ")), libc::E2BIG);
    }

    #[test]
    fn aarch64_operands() {
        let a = one(Arch::Aarch64, "-4@[sp, 8]");
        assert_eq!(
            (a.kind, a.reg_off, a.val_off, a.signed),
            (ArgKind::RegDeref, 248, 8, true)
        );
        let a = one(Arch::Aarch64, "8@[x29, -16]");
        assert_eq!((a.reg_off, a.val_off as i64), (29 * 8, -16));
        let a = one(Arch::Aarch64, "4@[x1]");
        assert_eq!((a.kind, a.reg_off, a.val_off), (ArgKind::RegDeref, 8, 0));
        let a = one(Arch::Aarch64, "-4@x0");
        assert_eq!((a.kind, a.reg_off), (ArgKind::Reg, 0));
        let a = one(Arch::Aarch64, "-4@5");
        assert_eq!((a.kind, a.val_off), (ArgKind::Const, 5));
        let v = parse_args(Arch::Aarch64, "-4@[sp, 12] 8@x30 2@7").unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[1].reg_off, 240);
        assert_eq!(
            parse_args(Arch::Aarch64, "4@x31").unwrap_err().errno(),
            libc::ENOENT
        );
        assert_eq!(
            parse_args(Arch::Aarch64, "4@w0").unwrap_err().errno(),
            libc::ENOENT
        );
    }

    #[test]
    fn spec_layout() {
        let args = [one(Arch::X86_64, "-4@-8(%rbp)")];
        let b = spec_bytes(&args, 0x1122);
        assert_eq!(SPEC_SIZE, 208);
        assert_eq!(i64::from_ne_bytes(b[0..8].try_into().unwrap()), -8);
        assert_eq!(u32::from_ne_bytes(b[8..12].try_into().unwrap()), 2);
        assert_eq!(i16::from_ne_bytes(b[12..14].try_into().unwrap()), 32);
        assert_eq!((b[14], b[15]), (1, 32));
        assert_eq!(u64::from_ne_bytes(b[192..200].try_into().unwrap()), 0x1122);
        assert_eq!(i16::from_ne_bytes(b[200..202].try_into().unwrap()), 1);
    }
}
