//! Blob → [`Btf`]: the header and section layout checks, the string section
//! checks, the one-pass ID → offset index and the reference sanity checks.
//!
//! Two sets of checks and error conventions ([`Checks`]), one code path: the
//! object loader's (libbpf 1.3+, `LIBBPF_ERRNO__FORMAT` with a message) and
//! `btf__new`'s (libbpf 1.1.2, `EINVAL`).
//! Must not call: `crate::sys`.
//! Spec: `btf-core.md` §1.1 (layout checks), §1.3 (record sizes), §6.1 (`btf__new`).

use super::store::Store;
use super::types::{rd32, Kind, TYPE_HDR_LEN};
use super::{format_err, Btf, BTF_HDR_LEN, BTF_MAGIC, MAX_STR_OFFSET, PTR_SIZE};
use crate::error::{libbpf_errno, Error};
use std::borrow::Cow;
use std::sync::Arc;

/// Which checks a parse applies, and how it reports a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checks {
    /// The object loader's (`.BTF` of an object, `btf_custom_path`, vmlinux for
    /// attach targets): native byte order only (else `EOPNOTSUPP`), libbpf 1.3+'s
    /// sanity checks of every name offset and type reference, failures
    /// `LIBBPF_ERRNO__FORMAT` with a message naming the fault. Pointers are 8
    /// bytes (BPF).
    Strict,
    /// `btf__new`'s in libbpf 1.1.2: either byte order, layout checks only,
    /// every failure `EINVAL` (`ENOTSUP` for an opposite-endian blob with an
    /// unusual header). The pointer size is found on first use; the input is
    /// kept for `btf__raw_data` when re-encoding would not give it back.
    Layout,
    /// The running kernel's own BTF from sysfs, which the kernel checked when
    /// it built it: [`Checks::Strict`] without the reference pass over every
    /// member of every type (125,000 types in vmlinux, where CO-RE looks at a
    /// few dozen). Nothing relies on that pass for safety: every look-up by ID
    /// or string offset is checked where it is made.
    Kernel,
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
        read_header(data, false).map(|(h, _)| h)
    }

    /// True when re-encoding the sections gives the input back byte for byte
    /// (24-byte header, version 1, no flags, types then strings, nothing else).
    fn canonical(&self, data_len: usize) -> bool {
        self.version == 1
            && self.flags == 0
            && self.hdr_len as usize == BTF_HDR_LEN
            && self.type_off == 0
            && self.str_off == self.type_len
            && data_len as u64
                == BTF_HDR_LEN as u64 + u64::from(self.type_len) + u64::from(self.str_len)
    }
}

/// The header in native byte order and whether the blob is opposite-endian
/// (refused unless `swapped_ok`).
fn read_header(data: &[u8], swapped_ok: bool) -> Result<(BtfHeader, bool), Error> {
    if data.len() < BTF_HDR_LEN {
        return Err(format_err(format!(
            "BTF header not found ({} bytes, need {BTF_HDR_LEN})",
            data.len()
        )));
    }
    let magic = u16::from_ne_bytes([data[0], data[1]]);
    let swapped = magic == BTF_MAGIC.swap_bytes();
    if swapped && !swapped_ok {
        return Err(Error::Unsupported(
            "BTF in non-native byte order (only native-endian BTF is read)",
        ));
    }
    if !swapped && magic != BTF_MAGIC {
        return Err(format_err(format!("invalid BTF magic {magic:#06x}")));
    }
    let word = |at: usize| {
        let w = rd32(data, at);
        if swapped {
            w.swap_bytes()
        } else {
            w
        }
    };
    let h = BtfHeader {
        version: data[2],
        flags: data[3],
        hdr_len: word(4),
        type_off: word(8),
        type_len: word(12),
        str_off: word(16),
        str_len: word(20),
    };
    if swapped && h.hdr_len as usize != BTF_HDR_LEN {
        // libbpf swaps only the header it knows.
        return Err(Error::UnsupportedInput(
            "non-native BTF with an unsupported header length",
        ));
    }
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
    Ok((h, swapped))
}

impl Btf {
    /// Parses an object's native-endian `.BTF` ([`Checks::Strict`]). The data is
    /// copied.
    pub fn parse(data: &[u8]) -> Result<Btf, Error> {
        Btf::parse_with(data, None, Checks::Strict)
    }

    /// `btf__new` / `btf__new_split`: parses a blob of either byte order on an
    /// optional base ([`Checks::Layout`]). The data is copied.
    pub fn parse_split(data: &[u8], base: Option<Arc<Btf>>) -> Result<Btf, Error> {
        Btf::parse_with(data, base, Checks::Layout)
    }

    /// Parses a blob with `checks`, split on `base` if given.
    pub fn parse_with(data: &[u8], base: Option<Arc<Btf>>, checks: Checks) -> Result<Btf, Error> {
        Btf::parse_owned(Cow::Borrowed(data), base, checks)
    }

    /// [`Btf::parse_with`] of a blob handed over: its buffer becomes the type
    /// section (only the strings are copied), so a file read is not copied
    /// whole.
    pub fn parse_owned(
        data: Cow<'_, [u8]>,
        base: Option<Arc<Btf>>,
        checks: Checks,
    ) -> Result<Btf, Error> {
        let r = Btf::parse_checked(data, base, checks);
        match (checks, r) {
            (Checks::Layout, Err(Error::Libbpf(libbpf_errno::FORMAT, _))) => {
                Err(Error::BadBtf("malformed BTF"))
            }
            (_, r) => r,
        }
    }

    fn parse_checked(
        data: Cow<'_, [u8]>,
        base: Option<Arc<Btf>>,
        checks: Checks,
    ) -> Result<Btf, Error> {
        let (h, swapped) = read_header(&data, checks == Checks::Layout)?;
        // Both ranges were checked by `read_header`; `get` keeps that local.
        let range = |off: u32, len: u32| {
            let start = h.hdr_len as usize + off as usize;
            let r = start..start + len as usize;
            data.get(r.clone())
                .map(|_| r)
                .ok_or_else(|| format_err("BTF section out of range".to_string()))
        };
        let (str_range, type_range) =
            (range(h.str_off, h.str_len)?, range(h.type_off, h.type_len)?);
        let canonical = h.canonical(data.len());
        let orig = (checks == Checks::Layout && !canonical).then(|| data.to_vec());
        // A native blob laid out as we would encode it is kept whole.
        let store = if canonical && !swapped {
            Store::joined(data.into_owned(), h.type_len as usize)
        } else {
            let strs = data[str_range].to_vec();
            let mut types = match data {
                Cow::Borrowed(d) => d[type_range].to_vec(),
                Cow::Owned(mut v) => {
                    v.truncate(type_range.end);
                    v.drain(..type_range.start);
                    v.shrink_to_fit();
                    v
                }
            };
            if swapped {
                super::emit::swap_words(&mut types);
            }
            Store::split(types, strs)
        };
        let mut btf = Btf::with_store(base, store);
        btf.swapped = swapped;
        btf.strs_deduped =
            btf.store.strs().is_empty() || (btf.base.is_none() && btf.store.strs().len() == 1);
        btf.check_strings()?;
        btf.offs = index_types(btf.store.types(), btf.start_id)?;
        match checks {
            Checks::Strict => {
                btf.ptr_size.set(PTR_SIZE as i32);
                btf.validate()?;
            }
            Checks::Kernel => btf.ptr_size.set(PTR_SIZE as i32),
            Checks::Layout => {
                btf.ptr_size.set(0);
                btf.orig = orig;
            }
        }
        Ok(btf)
    }

    /// Builds a non-split [`Btf`] from an already separated type and string
    /// section, with [`Checks::Strict`].
    pub fn from_sections(types: Vec<u8>, strs: Vec<u8>) -> Result<Btf, Error> {
        let mut btf = Btf::with_store(None, Store::split(types, strs));
        btf.strs_deduped = btf.store.strs().len() == 1;
        btf.check_strings()?;
        btf.offs = index_types(btf.store.types(), 1)?;
        btf.ptr_size.set(PTR_SIZE as i32);
        btf.validate()?;
        Ok(btf)
    }

    /// The string section must end with a NUL and, without a base, start with one
    /// (the empty string at offset 0). A split BTF may have no strings at all.
    fn check_strings(&self) -> Result<(), Error> {
        let (s, split) = (self.store.strs(), self.base.is_some());
        if split && s.is_empty() {
            return Ok(());
        }
        if s.is_empty()
            || s.len() - 1 > MAX_STR_OFFSET
            || s.last() != Some(&0)
            || (!split && s.first() != Some(&0))
        {
            return Err(format_err(
                "invalid BTF string section (must start and end with NUL)".to_string(),
            ));
        }
        Ok(())
    }

    /// libbpf 1.3+ `btf_sanity_check`: every name offset in range, every referenced
    /// ID below `type_cnt`, FUNC → FUNC_PROTO. Works on raw words: it runs over
    /// every member of vmlinux at parse time.
    fn validate(&self) -> Result<(), Error> {
        let cnt = self.type_cnt();
        let nstr = self.strs_end() as usize;
        let types = self.store.types();
        for (i, &off) in self.offs.iter().enumerate() {
            let id = self.start_id + i as u32;
            let off = off as usize;
            let w = |i: usize| rd32(types, off + 4 * i);
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

/// Walks a type section once, recording each record's offset (§1.3 sizes); the
/// first record is type `start_id`.
fn index_types(types: &[u8], start_id: u32) -> Result<Vec<u32>, Error> {
    // Every record is at least 12 bytes, so this bound comes from the input length.
    let mut offs = Vec::with_capacity(types.len() / 16);
    let mut off = 0usize;
    while off < types.len() {
        let id = start_id as usize + offs.len();
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
