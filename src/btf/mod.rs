//! BTF and `.BTF.ext`: parse, query, append to, fix up and re-emit type information.
//!
//! Owns: [`Btf`], the one model of a `struct btf` (the object's `.BTF`, the running
//! kernel's, standalone and split BTF of the `btf__*` API), decoded lazily through
//! [`Type`] views over a per-ID offset index; `.BTF.ext` ([`BtfExt`]); BTF-defined
//! map definitions ([`parse_btf_map_def`]); the test/probe encoder
//! ([`write::BtfBuilder`]). One concern per file:
//! - `parse`: blob → [`Btf`] (header, string section, type index, sanity checks);
//! - `query`: type by ID, by name (a hash index built on the first lookup), sizes,
//!   resolution, alignment, pointer size, strings;
//! - `append`: the `btf__add_*` writer, string deduplication, byte order;
//! - `fixup`: DATASEC sizes and offsets, linkage;
//! - `sanitize`: the copy sent to a kernel lacking some kinds;
//! - `externs`: extern VARs and FUNCs, the `.ksyms`/`.kconfig` DATASEC rewrite;
//! - `emit`: [`Btf`] → blob, either byte order;
//! - `files`: raw and ELF files, the running kernel's vmlinux BTF.
//!
//! Must not call: `crate::sys` (nothing here touches the kernel: reading a loaded
//! BTF object back is `sys::btf_info`, loading one is the caller's). The only I/O
//! is reading files in `files`.
//! Spec: `btf-core.md` §1 (wire format), §3 (`.BTF.ext`), §4.2 (DATASEC fix-up),
//! §4.5 (maps), §6 (the btf API), §8 (performance: one copy, eager ID index, lazy
//! decoding and name index).
//!
//! Every count and offset taken from a blob is checked against the input before
//! use, and no input makes this module panic.
#![forbid(unsafe_code)]

mod append;
mod dedup;
pub mod dump;
mod emit;
mod ext;
mod externs;
mod files;
mod fixup;
mod index;
mod maps;
mod parse;
mod patch;
mod query;
pub mod sanitize;
mod store;
mod types;
pub mod write;

#[cfg(test)]
mod tests;

pub use append::record_len;
pub use ext::{BtfExt, CoreRelo, FuncInfo, InfoBlock, LineInfo};
pub use files::{vmlinux_paths, FileKind};
pub use maps::{parse_btf_map_def, parse_btf_maps, BtfMap, BtfMapDef};
pub use parse::{BtfHeader, Checks};
pub use query::{essential_len, str_bytes_at};
pub use sanitize::BtfSupport;
pub use types::{
    Array, Entries, EnumValue, Kind, Member, Param, Type, VarSecinfo, INT_BOOL, INT_CHAR,
    INT_SIGNED, LINKAGE_EXTERN, LINKAGE_GLOBAL, LINKAGE_STATIC,
};

use crate::error::{libbpf_errno, Error};
use index::Index;
use once_cell::sync::OnceCell;
use std::fmt;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use store::Store;

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

pub(crate) fn format_err(msg: String) -> Error {
    Error::Libbpf(libbpf_errno::FORMAT, msg)
}

/// libbpf's pointer size cache: 0 not yet determined, -1 undeterminable, else 4
/// or 8. Atomic so that a [`Btf`] shared as a split base stays `Sync`.
struct PtrSize(AtomicI32);

impl PtrSize {
    fn new(v: i32) -> Self {
        PtrSize(AtomicI32::new(v))
    }
    fn get(&self) -> i32 {
        self.0.load(Ordering::Relaxed)
    }
    fn set(&self, v: i32) {
        self.0.store(v, Ordering::Relaxed)
    }
}

impl Clone for PtrSize {
    fn clone(&self) -> Self {
        PtrSize::new(self.get())
    }
}

/// Native-endian BTF, possibly split on a shared, read-only base whose IDs and
/// string offsets come first: own IDs start at [`Btf::start_id`], own string
/// offsets at the end of the base's strings.
///
/// The type and string sections are kept as they were read; records are decoded
/// on access ([`Btf::ty`]) through an ID → offset index built at parse time. The
/// name and string hash indexes are built on first use and kept up to date by
/// the writer.
#[derive(Clone)]
pub struct Btf {
    base: Option<Arc<Btf>>,
    /// First own type ID (1 without a base).
    start_id: u32,
    /// First own string offset (0 without a base).
    start_str: u32,
    /// The own type section, native endian, and the own string section
    /// (without a base it starts with the empty string): joined as the blob
    /// they were read from while they keep its layout.
    store: Store,
    /// `offs[i]` = offset in `types` of type `start_id + i`.
    offs: Vec<u32>,
    /// Name hash → own type IDs, built on the first name lookup.
    names: OnceCell<Index>,
    /// Name look-ups answered by a scan so far: the index is built only once
    /// they add up (see `query::SCANS_BEFORE_INDEX`), so a small object BTF
    /// looked up a few times never pays for it.
    name_scans: index::Counter,
    /// Essential name (without a `___flavor` suffix) hash → own type IDs, for
    /// CO-RE candidate search; built on first use.
    essentials: OnceCell<Index>,
    /// String hash → own string offsets, built on the first string lookup.
    strings: OnceCell<Index>,
    /// The pointer size `resolve_size` and `align_of` use for PTR.
    ptr_size: PtrSize,
    /// Emitted in the opposite byte order by [`Btf::raw_data`]
    /// (`btf__set_endianness`, or an opposite-endian input).
    swapped: bool,
    /// The strings are known to be unique (libbpf's `strs_deduped`): a BTF
    /// that started with no strings of its own (the writer adds each once), or
    /// one deduplicated already; `dedup` then leaves the string section be.
    strs_deduped: bool,
    /// The input blob, kept while the BTF is unmodified when re-encoding would
    /// not give it back byte for byte (`btf__raw_data` hands out the input).
    orig: Option<Vec<u8>>,
}

impl Default for Btf {
    /// An empty BTF: no types, string section `"\0"`.
    fn default() -> Self {
        Btf::new_empty(None)
    }
}

impl fmt::Debug for Btf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Btf")
            .field("type_cnt", &self.type_cnt())
            .field("start_id", &self.start_id)
            .field("types_len", &self.store.types().len())
            .field("strs_len", &self.store.strs().len())
            .finish()
    }
}

impl Btf {
    /// An empty BTF (`btf__new_empty`), or an empty split BTF on `base`
    /// (`btf__new_empty_split`: IDs and string offsets continue after the base's,
    /// the byte order is the base's). Pointers are the host's size, as libbpf
    /// assumes.
    pub fn new_empty(base: Option<Arc<Btf>>) -> Btf {
        let strs = match &base {
            Some(_) => Vec::new(),
            None => vec![0],
        };
        Btf::with_store(base, Store::split(Vec::new(), strs))
    }

    /// A BTF of the sections in `store`, on `base`, not indexed yet (no
    /// types until `offs` is filled in), in the base's byte order.
    fn with_store(base: Option<Arc<Btf>>, store: Store) -> Btf {
        let (start_id, start_str, swapped) = match &base {
            Some(b) => (b.type_cnt(), b.strs_end(), b.swapped),
            None => (1, 0, false),
        };
        Btf {
            base,
            start_id,
            start_str,
            store,
            offs: Vec::new(),
            names: OnceCell::new(),
            name_scans: index::Counter::default(),
            essentials: OnceCell::new(),
            strings: OnceCell::new(),
            ptr_size: PtrSize::new(std::mem::size_of::<usize>() as i32),
            swapped,
            strs_deduped: true,
            orig: None,
        }
    }

    /// The string offset after the last string of this BTF (base included).
    fn strs_end(&self) -> u32 {
        self.start_str + self.store.strs().len() as u32
    }

    /// Called before every change: the input blob no longer describes this BTF.
    fn modified(&mut self) {
        self.orig = None;
    }
}
