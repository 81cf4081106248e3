//! BTF and `.BTF.ext`: parse, query, fix up and re-emit type information.
//!
//! Owns: the BTF blob reader ([`Btf`], decoded lazily through [`Type`] views over a
//! per-ID offset index), `.BTF.ext` ([`BtfExt`]), BTF-defined map definitions
//! ([`parse_btf_map_def`]), the blob encoder ([`write`]) and the appendable,
//! possibly split BTF of the `btf__*` API ([`BtfEdit`], [`BtfRead`]).
//! Must not call: `crate::sys` (nothing here touches the kernel; the only I/O is
//! reading a file in [`Btf::from_file`] / [`Btf::vmlinux`]).
//! Spec: `btf-core.md` §1 (wire format), §3 (`.BTF.ext`), §4.2 (DATASEC fix-up),
//! §4.5 (maps), §8 (performance: one copy, eager index, lazy decoding).
//!
//! Only native-endian BTF is read; every count and offset taken from a blob is
//! checked against the input before use, and no input makes this module panic.
#![forbid(unsafe_code)]

mod edit;
mod ext;
pub mod files;
mod maps;
mod types;
pub mod write;

#[cfg(test)]
mod tests;

pub use edit::{record_len, BtfEdit, BtfRead};
pub use ext::{BtfExt, CoreRelo, FuncInfo, InfoBlock, LineInfo};
pub use maps::{parse_btf_map_def, parse_btf_maps, BtfMap, BtfMapDef};
pub use types::{
    Array, Entries, EnumValue, Kind, Member, Param, Type, VarSecinfo, INT_BOOL, INT_CHAR,
    INT_SIGNED, LINKAGE_EXTERN, LINKAGE_GLOBAL, LINKAGE_STATIC,
};

use crate::error::{libbpf_errno, Error};
use once_cell::sync::OnceCell;
use std::ffi::CStr;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use types::{rd32, wr32, TYPE_HDR_LEN};

/// `BTF_MAGIC` as read in native byte order.
pub const BTF_MAGIC: u16 = 0xEB9F;
/// Size of `struct btf_header` (the only layout we emit).
pub const BTF_HDR_LEN: usize = 24;
/// libbpf's and the kernel's limit on reference chains (§1.4).
pub const MAX_RESOLVE_DEPTH: u32 = 32;
/// Pointer size of BPF objects (libbpf forces 8 for them; vmlinux on 64-bit too).
pub const PTR_SIZE: u32 = 8;
/// libbpf's `BTF_MAX_STR_OFFSET`.
const MAX_STR_OFFSET: usize = 0x7fff_ffff;

/// The static all-zero record of ID 0 (`void`).
static VOID_REC: [u8; TYPE_HDR_LEN] = [0; TYPE_HDR_LEN];

pub(crate) fn format_err(msg: String) -> Error {
    Error::Libbpf(libbpf_errno::FORMAT, msg)
}

/// The NUL-terminated string at `off` in a string section.
fn str_bytes_at(strs: &[u8], off: u32) -> Option<&[u8]> {
    let tail = strs.get(off as usize..)?;
    CStr::from_bytes_until_nul(tail).ok().map(CStr::to_bytes)
}

fn str_at(strs: &[u8], off: u32) -> Option<&str> {
    std::str::from_utf8(str_bytes_at(strs, off)?).ok()
}

/// True if the string at `off` is exactly `name` (no `strlen`, no UTF-8 check).
#[inline]
fn str_eq(strs: &[u8], off: u32, name: &[u8]) -> bool {
    let off = off as usize;
    let end = off.wrapping_add(name.len());
    end >= off && strs.get(off..end) == Some(name) && strs.get(end) == Some(&0)
}

/// Parsed, native-endian BTF: the type and string sections plus an ID → offset
/// index built at parse time. Records are decoded on access ([`Btf::ty`]).
#[derive(Clone)]
pub struct Btf {
    /// The type section.
    types: Vec<u8>,
    /// The string section (first and last byte NUL).
    strs: Vec<u8>,
    /// `offs[id]` = offset of type `id` in `types`; `offs[0]` (void) is unused.
    offs: Vec<u32>,
}

impl Default for Btf {
    /// An empty BTF: no types, string section `"\0"`.
    fn default() -> Self {
        Btf {
            types: Vec::new(),
            strs: vec![0],
            offs: vec![u32::MAX],
        }
    }
}

impl fmt::Debug for Btf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Btf")
            .field("type_cnt", &self.type_cnt())
            .field("types_len", &self.types.len())
            .field("strs_len", &self.strs.len())
            .finish()
    }
}

/// The header fields of a BTF blob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BtfHeader {
    pub version: u8,
    pub flags: u8,
    pub hdr_len: u32,
    pub type_off: u32,
    pub type_len: u32,
    pub str_off: u32,
    pub str_len: u32,
}

impl BtfHeader {
    /// Reads and checks the header as libbpf does (§1.1 "Layout checks"), plus
    /// `hdr_len ≥ 24`. Opposite-endian data is `Unsupported`.
    pub fn parse(data: &[u8]) -> Result<BtfHeader, Error> {
        if data.len() < BTF_HDR_LEN {
            return Err(format_err(format!(
                "BTF header not found ({} bytes, need {BTF_HDR_LEN})",
                data.len()
            )));
        }
        let magic = u16::from_ne_bytes([data[0], data[1]]);
        if magic == BTF_MAGIC.swap_bytes() {
            return Err(Error::Unsupported(
                "BTF in non-native byte order (only native-endian BTF is read)",
            ));
        }
        if magic != BTF_MAGIC {
            return Err(format_err(format!("invalid BTF magic {magic:#06x}")));
        }
        let h = BtfHeader {
            version: data[2],
            flags: data[3],
            hdr_len: rd32(data, 4),
            type_off: rd32(data, 8),
            type_len: rd32(data, 12),
            str_off: rd32(data, 16),
            str_len: rd32(data, 20),
        };
        if (h.hdr_len as usize) < BTF_HDR_LEN {
            return Err(format_err(format!(
                "BTF header len {} smaller than {BTF_HDR_LEN}",
                h.hdr_len
            )));
        }
        if h.hdr_len as usize > data.len() {
            return Err(format_err(format!(
                "BTF header len {} larger than data size {}",
                h.hdr_len,
                data.len()
            )));
        }
        let meta_left = (data.len() - h.hdr_len as usize) as u64;
        if u64::from(h.str_off) + u64::from(h.str_len) > meta_left {
            return Err(format_err(format!(
                "invalid BTF total size {}: strings at {} + {} past the end",
                data.len(),
                h.str_off,
                h.str_len
            )));
        }
        if u64::from(h.type_off) + u64::from(h.type_len) > u64::from(h.str_off) {
            return Err(format_err(format!(
                "invalid BTF data sections layout: type data at {} + {}, strings data at {} + {} \
                 (strings must follow the types)",
                h.type_off, h.type_len, h.str_off, h.str_len
            )));
        }
        if h.type_off % 4 != 0 {
            return Err(format_err(
                "BTF type section is not aligned to 4 bytes".to_string(),
            ));
        }
        Ok(h)
    }
}

static VMLINUX: OnceCell<Arc<Btf>> = OnceCell::new();

impl Btf {
    /// Parses a native-endian BTF blob (`btf__new` semantics, with libbpf 1.3+'s
    /// sanity checks of names and type references). The data is copied.
    pub fn parse(data: &[u8]) -> Result<Btf, Error> {
        let h = BtfHeader::parse(data)?;
        let body = &data[h.hdr_len as usize..];
        // Both ranges were checked by `BtfHeader::parse`; `get` keeps that local.
        let sec = |off: u32, len: u32| {
            body.get(off as usize..off as usize + len as usize)
                .ok_or_else(|| format_err("BTF section out of range".to_string()))
        };
        let strs = sec(h.str_off, h.str_len)?;
        let types = sec(h.type_off, h.type_len)?;
        Btf::from_sections(types.to_vec(), strs.to_vec())
    }

    /// Builds a [`Btf`] from an already separated type and string section.
    pub fn from_sections(types: Vec<u8>, strs: Vec<u8>) -> Result<Btf, Error> {
        if strs.is_empty()
            || strs.len() - 1 > MAX_STR_OFFSET
            || strs.first() != Some(&0)
            || strs.last() != Some(&0)
        {
            return Err(format_err(
                "invalid BTF string section (must start and end with NUL)".to_string(),
            ));
        }
        let offs = index_types(&types)?;
        let btf = Btf { types, strs, offs };
        btf.validate()?;
        Ok(btf)
    }

    /// Reads BTF from a file: raw BTF if it starts with the BTF magic, else the
    /// `.BTF` section of an ELF file (`btf__parse` without `.BTF.ext`).
    pub fn from_file(path: &Path) -> Result<Btf, Error> {
        let data = std::fs::read(path).map_err(|e| {
            crate::log::debug(format_args!(
                "failed to read BTF from '{}': {e}",
                path.display()
            ));
            Error::Errno(e.raw_os_error().unwrap_or(libc::EIO), "reading BTF file")
        })?;
        match data.get(..2) {
            Some(m) if m == BTF_MAGIC.to_ne_bytes() || m == BTF_MAGIC.to_be_bytes() => {
                Btf::parse(&data)
            }
            _ => Btf::from_elf(&data),
        }
    }

    /// Parses the `.BTF` section of an ELF image (`-ENODATA` if it has none).
    pub fn from_elf(data: &[u8]) -> Result<Btf, Error> {
        use object::{Object, ObjectSection};
        let file = object::File::parse(data)
            .map_err(|e| format_err(format!("neither BTF nor a valid ELF file: {e}")))?;
        let sec = file
            .section_by_name(".BTF")
            .ok_or(Error::Errno(libc::ENODATA, "ELF file has no .BTF section"))?;
        let bytes = sec
            .data()
            .map_err(|e| format_err(format!("cannot read .BTF section: {e}")))?;
        Btf::parse(bytes)
    }

    /// The running kernel's BTF, parsed once per process and shared.
    ///
    /// Reads `/sys/kernel/btf/vmlinux`, then libbpf's fallback ELF locations
    /// (§6.1, `btf__load_vmlinux_btf`); none usable → `ESRCH`.
    pub fn vmlinux() -> Result<Arc<Btf>, Error> {
        VMLINUX
            .get_or_try_init(|| load_vmlinux().map(Arc::new))
            .cloned()
    }

    /// Last type ID + 1 (`void` counts).
    pub fn type_cnt(&self) -> u32 {
        self.offs.len() as u32
    }

    /// A decoded view of type `id`; ID 0 is `void` (an all-zero record).
    pub fn ty(&self, id: u32) -> Option<Type<'_>> {
        if id == 0 {
            return Some(Type {
                btf: self,
                id,
                rec: &VOID_REC,
            });
        }
        let off = *self.offs.get(id as usize)? as usize;
        let info = rd32(&self.types, off + 4);
        let kind = Kind::from_raw((info >> 24) & 0x1f)?;
        let len = TYPE_HDR_LEN + kind.trailing_len(info & 0xffff);
        let rec = self.types.get(off..off + len)?;
        Some(Type { btf: self, id, rec })
    }

    /// All types from ID 1 upwards.
    pub fn types(&self) -> impl Iterator<Item = Type<'_>> + '_ {
        (1..self.type_cnt()).filter_map(move |id| self.ty(id))
    }

    /// The string at `off` in the string section (`btf__name_by_offset`); `None`
    /// when out of range or not UTF-8.
    pub fn name_at(&self, off: u32) -> Option<&str> {
        str_at(&self.strs, off)
    }

    /// The raw bytes of the string at `off`, without the NUL.
    pub fn name_bytes_at(&self, off: u32) -> Option<&[u8]> {
        str_bytes_at(&self.strs, off)
    }

    /// The type section, native endian.
    pub fn types_section(&self) -> &[u8] {
        &self.types
    }

    /// The string section.
    pub fn strings_section(&self) -> &[u8] {
        &self.strs
    }

    #[inline]
    fn raw_kind_and_name(&self, id: usize) -> (u32, u32) {
        let off = self.offs[id] as usize;
        (
            rd32(&self.types, off + 4) >> 24 & 0x1f,
            rd32(&self.types, off),
        )
    }

    /// The lowest ID of kind `kind` named `name` (`btf__find_by_name_kind`).
    /// As in libbpf, `Kind::Void` or the name `"void"` gives 0.
    pub fn find_by_name_kind(&self, name: &str, kind: Kind) -> Option<u32> {
        if kind == Kind::Void || name == "void" {
            return Some(0);
        }
        let (want, name) = (kind as u32, name.as_bytes());
        (1..self.offs.len())
            .find(|&id| {
                let (k, n) = self.raw_kind_and_name(id);
                k == want && str_eq(&self.strs, n, name)
            })
            .map(|id| id as u32)
    }

    /// The lowest ID of any kind named `name` (`btf__find_by_name`); `"void"` → 0.
    pub fn find_by_name(&self, name: &str) -> Option<u32> {
        if name == "void" {
            return Some(0);
        }
        let name = name.as_bytes();
        (1..self.offs.len())
            .find(|&id| str_eq(&self.strs, self.raw_kind_and_name(id).1, name))
            .map(|id| id as u32)
    }

    /// The DATASEC named `name`.
    pub fn datasec_by_name(&self, name: &str) -> Option<u32> {
        self.find_by_name_kind(name, Kind::Datasec)
    }

    /// The byte size of type `id` (`btf__resolve_size`, §1.4): `EINVAL` for
    /// unsized kinds or chains deeper than 32, `E2BIG` if an array size overflows.
    pub fn resolve_size(&self, id: u32) -> Result<u32, Error> {
        let mut nelems: u32 = 1;
        let mut id = id;
        for _ in 0..MAX_RESOLVE_DEPTH {
            let t = self
                .ty(id)
                .ok_or(Error::Errno(libc::EINVAL, "BTF type ID out of range"))?;
            let size = match t.kind() {
                Kind::Int
                | Kind::Struct
                | Kind::Union
                | Kind::Enum
                | Kind::Enum64
                | Kind::Datasec
                | Kind::Float => t.size(),
                Kind::Ptr => PTR_SIZE,
                Kind::Typedef
                | Kind::Volatile
                | Kind::Const
                | Kind::Restrict
                | Kind::Var
                | Kind::DeclTag
                | Kind::TypeTag => {
                    id = t.type_id();
                    continue;
                }
                Kind::Array => {
                    let a = t.array().unwrap_or(Array {
                        elem_type: 0,
                        index_type: 0,
                        nelems: 0,
                    });
                    nelems = nelems.checked_mul(a.nelems).ok_or(Error::Errno(
                        libc::E2BIG,
                        "BTF array size overflows 32 bits",
                    ))?;
                    id = a.elem_type;
                    continue;
                }
                Kind::Void | Kind::Fwd | Kind::Func | Kind::FuncProto => {
                    return Err(Error::Errno(libc::EINVAL, "BTF type has no size"));
                }
            };
            return nelems
                .checked_mul(size)
                .ok_or(Error::Errno(libc::E2BIG, "BTF type size overflows 32 bits"));
        }
        Err(Error::Errno(
            libc::EINVAL,
            "BTF type resolution exceeds the maximum depth (32)",
        ))
    }

    /// Follows CONST/VOLATILE/RESTRICT/TYPE_TAG and TYPEDEF from `id` to the first
    /// other type. `None` for an invalid ID or a chain longer than 32 (a loop).
    pub fn skip_mods_and_typedefs(&self, id: u32) -> Option<(u32, Type<'_>)> {
        let mut id = id;
        for _ in 0..=MAX_RESOLVE_DEPTH {
            let t = self.ty(id)?;
            if !t.is_mod() && t.kind() != Kind::Typedef {
                return Some((id, t));
            }
            id = t.type_id();
        }
        None
    }

    /// `btf__resolve_type`: skips modifiers, typedefs and VAR; `EINVAL` at void,
    /// FWD, an invalid ID or past depth 32.
    pub fn resolve_type(&self, id: u32) -> Result<u32, Error> {
        let mut id = id;
        for _ in 0..MAX_RESOLVE_DEPTH {
            let t = self
                .ty(id)
                .ok_or(Error::Errno(libc::EINVAL, "BTF type ID out of range"))?;
            match t.kind() {
                Kind::Void | Kind::Fwd => break,
                Kind::Typedef
                | Kind::Volatile
                | Kind::Const
                | Kind::Restrict
                | Kind::TypeTag
                | Kind::Var => id = t.type_id(),
                _ => return Ok(id),
            }
        }
        Err(Error::Errno(libc::EINVAL, "BTF type does not resolve"))
    }

    /// Sets the linkage of FUNC `id` (0 static, 1 global, 2 extern).
    pub fn set_func_linkage(&mut self, id: u32, linkage: u32) -> Result<(), Error> {
        let off = self.record_off(id, Kind::Func)?;
        let info = rd32(&self.types, off + 4);
        wr32(
            &mut self.types,
            off + 4,
            (info & !0xffff) | (linkage & 0xffff),
        );
        Ok(())
    }

    /// Sets the linkage of VAR `id` (0 static, 1 global, 2 extern).
    pub fn set_var_linkage(&mut self, id: u32, linkage: u32) -> Result<(), Error> {
        let off = self.record_off(id, Kind::Var)?;
        wr32(&mut self.types, off + TYPE_HDR_LEN, linkage);
        Ok(())
    }

    fn record_off(&self, id: u32, kind: Kind) -> Result<usize, Error> {
        match self.ty(id) {
            Some(t) if id != 0 && t.kind() == kind => Ok(self.offs[id as usize] as usize),
            _ => Err(Error::Errno(libc::EINVAL, "BTF type ID of the wrong kind")),
        }
    }

    /// DATASEC fix-up (§4.2, `btf_fixup_datasec`), applied to every DATASEC except
    /// `.kconfig`/`.ksyms` (whose entries are only sorted):
    /// - size 0 → `sec_size(name)`; `None` or 0 → `ENOENT` (the section is named
    ///   in a warning); VAR offsets are then taken from the symbols;
    /// - each entry must be a VAR (`EINVAL`); static and extern VARs are skipped;
    ///   for the others `sym(var name)` gives `(st_value, hidden)`: missing →
    ///   `ENOENT`; hidden (STV_HIDDEN/STV_INTERNAL) → the VAR becomes static;
    /// - entries are sorted by offset.
    ///
    /// Then every global FUNC whose name `sym` reports as hidden becomes static, as
    /// libbpf does before upload for hidden subprograms; FUNCs `sym` does not know
    /// are left alone.
    pub fn fixup_datasecs(
        &mut self,
        sec_size: &dyn Fn(&str) -> Option<u32>,
        sym: &dyn Fn(&str) -> Option<(u32, bool)>,
    ) -> Result<(), Error> {
        let Btf { types, strs, offs } = self;
        for id in 1..offs.len() {
            let off = offs[id] as usize;
            let info = rd32(types, off + 4);
            match Kind::from_raw(info >> 24 & 0x1f) {
                Some(Kind::Datasec) => fixup_datasec(types, strs, offs, off, sec_size, sym)?,
                Some(Kind::Func) if info & 0xffff == LINKAGE_GLOBAL => {
                    let name = str_at(strs, rd32(types, off)).unwrap_or("");
                    if let Some((_, true)) = sym(name) {
                        wr32(types, off + 4, info & !0xffff);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Applies a `btf__add_*` call through a [`BtfEdit`] copy; on success the result
    /// replaces this BTF's sections (IDs and string offsets of existing types are
    /// unchanged; new records are not sanity-checked, as in libbpf's writer).
    pub fn edit<T>(
        &mut self,
        f: impl FnOnce(&mut BtfEdit) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut e = BtfEdit::from_btf(self);
        let r = f(&mut e)?;
        let (types, strs, offs) = e.into_sections();
        self.types = types;
        self.strs = strs;
        self.offs = std::iter::once(u32::MAX).chain(offs).collect();
        Ok(r)
    }

    /// The blob: a 24-byte header, the types, then the strings, as `BPF_BTF_LOAD`
    /// wants it (§1.1; extra header bytes of the input are dropped).
    pub fn to_bytes(&self) -> Vec<u8> {
        write::encode(&self.types, &self.strs)
    }

    /// libbpf 1.3+ `btf_sanity_check`: every name offset in range, every referenced
    /// ID below `type_cnt`, FUNC → FUNC_PROTO. Works on raw words: it runs over
    /// every member of vmlinux at parse time.
    fn validate(&self) -> Result<(), Error> {
        let cnt = self.type_cnt();
        let nstr = self.strs.len();
        for id in 1..cnt {
            let off = self.offs[id as usize] as usize;
            let w = |i: usize| rd32(&self.types, off + 4 * i);
            let info = w(1);
            let vlen = (info & 0xffff) as usize;
            let bad_name = |what: &str, o: u32| {
                format_err(format!("BTF type [{id}]: invalid {what} string offset {o}"))
            };
            let check_ref = |r: u32| {
                if r < cnt {
                    Ok(())
                } else {
                    Err(format_err(format!(
                        "BTF type [{id}]: invalid referenced type ID {r}"
                    )))
                }
            };
            // Entry `i` of `size` words starts at word 3 + i × size.
            let entries = |size: usize| (0..vlen).map(move |i| 3 + i * size);
            if w(0) as usize >= nstr {
                return Err(bad_name("name", w(0)));
            }
            match Kind::from_raw(info >> 24 & 0x1f) {
                Some(Kind::Ptr | Kind::Typedef | Kind::Volatile | Kind::Const)
                | Some(Kind::Restrict | Kind::Var | Kind::DeclTag | Kind::TypeTag) => {
                    check_ref(w(2))?
                }
                Some(Kind::Array) => {
                    check_ref(w(3))?;
                    check_ref(w(4))?;
                }
                Some(Kind::Struct | Kind::Union) => {
                    for e in entries(3) {
                        if w(e) as usize >= nstr {
                            return Err(bad_name("member name", w(e)));
                        }
                        check_ref(w(e + 1))?;
                    }
                }
                Some(k @ (Kind::Enum | Kind::Enum64)) => {
                    for e in entries(if k == Kind::Enum { 2 } else { 3 }) {
                        if w(e) as usize >= nstr {
                            return Err(bad_name("enumerator name", w(e)));
                        }
                    }
                }
                Some(Kind::Func) => {
                    check_ref(w(2))?;
                    if self.ty(w(2)).map(|p| p.kind()) != Some(Kind::FuncProto) {
                        return Err(format_err(format!(
                            "BTF type [{id}]: referenced type [{}] is not FUNC_PROTO",
                            w(2)
                        )));
                    }
                }
                Some(Kind::FuncProto) => {
                    check_ref(w(2))?;
                    for e in entries(2) {
                        if w(e) as usize >= nstr {
                            return Err(bad_name("param name", w(e)));
                        }
                        check_ref(w(e + 1))?;
                    }
                }
                Some(Kind::Datasec) => {
                    for e in entries(3) {
                        check_ref(w(e))?;
                    }
                }
                // INT, FWD, FLOAT: nothing to check; unknown kinds never reach here
                // (`index_types` rejects them).
                _ => {}
            }
        }
        Ok(())
    }
}

/// Walks the type section once, recording each record's offset (§1.3 sizes).
fn index_types(types: &[u8]) -> Result<Vec<u32>, Error> {
    // Every record is at least 12 bytes, so this bound comes from the input length.
    let mut offs = Vec::with_capacity(1 + types.len() / 16);
    offs.push(u32::MAX);
    let mut off = 0usize;
    while off < types.len() {
        let id = offs.len();
        let left = types.len() - off;
        if left < TYPE_HDR_LEN {
            return Err(format_err(format!("BTF type [{id}] is malformed")));
        }
        let info = rd32(types, off + 4);
        let raw_kind = info >> 24 & 0x1f;
        let kind = match Kind::from_raw(raw_kind) {
            Some(k) if k != Kind::Void => k,
            _ => {
                return Err(format_err(format!(
                    "BTF type [{id}]: unsupported BTF_KIND {raw_kind}"
                )))
            }
        };
        let len = TYPE_HDR_LEN + kind.trailing_len(info & 0xffff);
        if left < len {
            return Err(format_err(format!(
                "BTF type [{id}] is malformed: {} record needs {len} bytes, {left} left",
                kind
            )));
        }
        // `types.len()` came from a u32 header field, so every offset fits.
        offs.push(off as u32);
        off += len;
    }
    Ok(offs)
}

/// One DATASEC of [`Btf::fixup_datasecs`]; `off` is the DATASEC record's offset.
fn fixup_datasec(
    types: &mut [u8],
    strs: &[u8],
    offs: &[u32],
    off: usize,
    sec_size: &dyn Fn(&str) -> Option<u32>,
    sym: &dyn Fn(&str) -> Option<(u32, bool)>,
) -> Result<(), Error> {
    let name = str_at(strs, rd32(types, off)).unwrap_or("");
    let vlen = (rd32(types, off + 4) & 0xffff) as usize;
    let first = off + TYPE_HDR_LEN;
    if name != ".kconfig" && name != ".ksyms" {
        let mut fix_offsets = false;
        if rd32(types, off + 8) == 0 {
            match sec_size(name) {
                Some(sz) if sz != 0 => {
                    wr32(types, off + 8, sz);
                    fix_offsets = true;
                }
                _ => {
                    crate::log::warn(format_args!(
                        "sec '{name}': failed to determine size from ELF"
                    ));
                    return Err(Error::Errno(
                        libc::ENOENT,
                        "DATASEC fix-up: ELF section size not found",
                    ));
                }
            }
        }
        for i in 0..vlen {
            let e = first + 12 * i;
            let var_id = rd32(types, e) as usize;
            let var_off = match offs.get(var_id) {
                Some(&o) if var_id != 0 && rd32(types, o as usize + 4) >> 24 & 0x1f == 14 => {
                    o as usize
                }
                _ => {
                    crate::log::warn(format_args!(
                        "sec '{name}': unexpected non-VAR type [{var_id}] found"
                    ));
                    return Err(Error::Errno(
                        libc::EINVAL,
                        "DATASEC fix-up: entry is not a VAR",
                    ));
                }
            };
            let linkage = rd32(types, var_off + TYPE_HDR_LEN);
            if linkage == LINKAGE_STATIC || linkage == LINKAGE_EXTERN {
                continue;
            }
            let var_name = str_at(strs, rd32(types, var_off)).unwrap_or("");
            let Some((value, hidden)) = sym(var_name) else {
                crate::log::warn(format_args!(
                    "sec '{name}': failed to find ELF symbol for VAR '{var_name}'"
                ));
                return Err(Error::Errno(
                    libc::ENOENT,
                    "DATASEC fix-up: ELF symbol for VAR not found",
                ));
            };
            if fix_offsets {
                wr32(types, e + 4, value);
            }
            if hidden {
                wr32(types, var_off + TYPE_HDR_LEN, LINKAGE_STATIC);
            }
        }
    }
    // Sort the entries by offset (stable, so equal offsets keep their order).
    let Some(area) = types.get_mut(first..first + 12 * vlen) else {
        return Ok(());
    };
    let mut entries: Vec<[u8; 12]> = area
        .chunks_exact(12)
        .map(|c| {
            let mut a = [0u8; 12];
            a.copy_from_slice(c);
            a
        })
        .collect();
    entries.sort_by_key(|e| rd32(e, 4));
    for (dst, src) in area.chunks_exact_mut(12).zip(&entries) {
        dst.copy_from_slice(src);
    }
    Ok(())
}

/// Where libbpf looks for the kernel's BTF, in order: sysfs, then vmlinux images
/// of the running release.
pub fn vmlinux_paths() -> Vec<String> {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let r = release.trim();
    let mut paths = vec!["/sys/kernel/btf/vmlinux".to_string()];
    if !r.is_empty() {
        paths.extend([
            format!("/boot/vmlinux-{r}"),
            format!("/lib/modules/{r}/vmlinux-{r}"),
            format!("/lib/modules/{r}/build/vmlinux"),
            format!("/usr/lib/modules/{r}/kernel/vmlinux"),
            format!("/usr/lib/debug/boot/vmlinux-{r}"),
            format!("/usr/lib/debug/boot/vmlinux-{r}.debug"),
            format!("/usr/lib/debug/lib/modules/{r}/vmlinux"),
        ]);
    }
    paths
}

fn load_vmlinux() -> Result<Btf, Error> {
    let paths = vmlinux_paths();
    for p in &paths {
        let path = Path::new(p);
        if !path.exists() {
            continue;
        }
        match Btf::from_file(path) {
            Ok(btf) => return Ok(btf),
            Err(e) => crate::log::debug(format_args!("loading kernel BTF '{p}': {e}")),
        }
    }
    crate::log::warn(format_args!("failed to find valid kernel BTF"));
    Err(Error::Errno(libc::ESRCH, "no usable kernel BTF found"))
}
