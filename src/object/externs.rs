//! Externs of an object (`extern ... __kconfig;`, `extern ... __ksym;`): what
//! open learns of each from the symbol table and BTF. Their values are found at
//! load (`load::externs`).
//!
//! Must not call: `crate::sys`.
//! Spec: `btf-core.md` §4.1 (externs at open); libbpf 1.1.2's
//! `bpf_object__collect_externs`.

use crate::btf::{Btf, Kind, INT_BOOL, INT_SIGNED};

/// The C type of a `.kconfig` extern (libbpf's `enum kcfg_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KcfgType {
    /// A 1-byte integer: takes `y`/`n`/`m` as the character, or a number.
    Char,
    /// `bool` (a 1-byte BOOL INT).
    Bool,
    /// An integer of 2, 4 or 8 bytes.
    Int,
    /// `enum libbpf_tristate`.
    Tristate,
    /// A `char` array: takes a quoted string.
    CharArr,
}

/// A `.kconfig` extern: its type and place in the `.kconfig` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kcfg {
    pub ty: KcfgType,
    pub size: u32,
    pub align: u32,
    pub signed: bool,
    /// Offset in the `.kconfig` map's value.
    pub data_off: u32,
}

/// Where an extern's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternKind {
    Kcfg(Kcfg),
    /// A `.ksyms` symbol. `type_id` is its local BTF type with modifiers and
    /// typedefs skipped: 0 for a typeless symbol (`extern const void x __ksym`,
    /// resolved from `/proc/kallsyms`), a FUNC_PROTO for a kfunc, else the
    /// variable's type (resolved from kernel BTF).
    Ksym {
        type_id: u32,
        func: bool,
    },
}

/// One extern symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extern {
    pub name: String,
    /// Its index in the ELF symbol table.
    pub sym_idx: usize,
    /// Its VAR or FUNC in the object's BTF.
    pub btf_id: u32,
    /// `__weak`: may stay unresolved (then it reads as zero).
    pub weak: bool,
    pub kind: ExternKind,
}

impl Extern {
    pub fn kcfg(&self) -> Option<&Kcfg> {
        match &self.kind {
            ExternKind::Kcfg(k) => Some(k),
            ExternKind::Ksym { .. } => None,
        }
    }

    /// libbpf's extern order: `.kconfig` ones first, by alignment (largest
    /// first) then size (smallest first), then every tie by name.
    pub fn order_key(&self) -> (u8, std::cmp::Reverse<u32>, u32, &str) {
        match &self.kind {
            ExternKind::Kcfg(k) => (0, std::cmp::Reverse(k.align), k.size, &self.name),
            ExternKind::Ksym { .. } => (1, std::cmp::Reverse(0), 0, &self.name),
        }
    }
}

/// The `.kconfig` type of BTF type `id` and whether it is signed (libbpf's
/// `find_kcfg_type`); `None` for a type `.kconfig` cannot hold.
pub fn kcfg_type(btf: &Btf, id: u32) -> Option<(KcfgType, bool)> {
    let (_, t) = btf.skip_mods_and_typedefs(id)?;
    match t.kind() {
        Kind::Int => {
            let enc = t.int_encoding();
            let size = t.size();
            if enc & INT_BOOL != 0 {
                return (size == 1).then_some((KcfgType::Bool, false));
            }
            let signed = enc & INT_SIGNED != 0;
            if size == 1 {
                Some((KcfgType::Char, signed))
            } else if (1..=8).contains(&size) && size.is_power_of_two() {
                Some((KcfgType::Int, signed))
            } else {
                None
            }
        }
        Kind::Enum if t.size() != 4 => None,
        Kind::Enum | Kind::Enum64 => {
            (t.name() == "libbpf_tristate").then_some((KcfgType::Tristate, false))
        }
        Kind::Array => {
            let a = t.array()?;
            let elem = kcfg_type(btf, a.elem_type)?.0;
            (a.nelems != 0 && elem == KcfgType::Char).then_some((KcfgType::CharArr, false))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::write::BtfBuilder;

    #[test]
    fn kcfg_types_as_libbpf_classifies_them() {
        let mut b = BtfBuilder::new();
        let bool_ = b.int("_Bool", 1, INT_BOOL, 8);
        let bool2 = b.int("wide_bool", 2, INT_BOOL, 16);
        let ch = b.int("char", 1, INT_SIGNED, 8);
        let u16_ = b.int("u16", 2, 0, 16);
        let i64_ = b.int("long", 8, INT_SIGNED, 64);
        let odd = b.int("u24", 3, 0, 24);
        let tri = b.enum_(
            "libbpf_tristate",
            4,
            false,
            &[("TRI_NO", 0), ("TRI_YES", 1)],
        );
        let other = b.enum_("other", 4, false, &[("A", 0)]);
        let arr = b.array(ch, u16_, 16);
        let empty = b.array(ch, u16_, 0);
        let ints = b.array(u16_, u16_, 4);
        let cst = b.modifier(Kind::Const, i64_);
        let btf = Btf::parse(&b.to_bytes()).unwrap();
        let got = |id| kcfg_type(&btf, id);
        assert_eq!(got(bool_), Some((KcfgType::Bool, false)));
        assert_eq!(got(bool2), None);
        assert_eq!(got(ch), Some((KcfgType::Char, true)));
        assert_eq!(got(u16_), Some((KcfgType::Int, false)));
        assert_eq!(got(cst), Some((KcfgType::Int, true)));
        assert_eq!(got(odd), None);
        assert_eq!(got(tri), Some((KcfgType::Tristate, false)));
        assert_eq!(got(other), None);
        assert_eq!(got(arr), Some((KcfgType::CharArr, false)));
        assert_eq!(got(empty), None);
        assert_eq!(got(ints), None);
        assert_eq!(got(0), None);
    }
}
