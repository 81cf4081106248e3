//! Section data and relocations (libbpf's `linker_append_sec_data` and
//! `linker_append_elf_relos`): each input section is appended to the output
//! section of the same name at the larger of both alignments (zero padding);
//! `license` and `version` must be identical and are kept once; sections that
//! exist only in BTF (`.kconfig`, `.ksyms`) are ephemeral shells that take no
//! ELF section. Relocations move with their section, point to the output
//! symbols, and calls and loads through a section symbol get the section's
//! new offset added to their immediate.
//!
//! Must not call: `crate::sys`.

use super::elf::*;
use super::input::{SrcObj, SrcSec};
use super::{DstSec, Linker, SYMTAB_IDX};
use crate::error::Error;
use crate::log::warn;

/// `BPF_JMP | BPF_CALL`.
const CALL: u8 = 0x85;

fn is_data_sec(s: &SrcSec) -> bool {
    !s.skipped && (s.ephemeral || s.shdr.sh_type == SHT_PROGBITS || s.shdr.sh_type == SHT_NOBITS)
}

fn is_relo_sec(s: &SrcSec) -> bool {
    !s.skipped && !s.ephemeral && s.shdr.sh_type == SHT_REL
}

/// libbpf's `secs_match`: same type, flags and entry size (ephemeral sections
/// match anything).
fn secs_match(dst: &DstSec, src: &SrcSec) -> bool {
    if dst.ephemeral || src.ephemeral {
        return true;
    }
    let what = if dst.shdr.sh_type != src.shdr.sh_type {
        "types"
    } else if dst.shdr.flags != src.shdr.flags {
        "flags"
    } else if dst.shdr.entsize != src.shdr.entsize {
        "entsize"
    } else {
        return true;
    };
    warn(format_args!("sec {} {what} mismatch", dst.name));
    false
}

impl Linker {
    /// libbpf's `init_sec`: an output section shaped like `src` (no data yet);
    /// an ephemeral `src` makes an ephemeral shell without an ELF section.
    fn init_sec(&mut self, dst: usize, src: &SrcSec) {
        let d = &mut self.secs[dst];
        d.sec_sz = 0;
        d.sec_idx = 0;
        d.ephemeral = src.ephemeral;
        if src.ephemeral {
            return;
        }
        d.shdr.sh_type = src.shdr.sh_type;
        d.shdr.flags = src.shdr.flags;
        d.shdr.size = 0;
        d.shdr.link = 0;
        d.shdr.info = 0;
        d.shdr.addralign = src.shdr.addralign;
        d.shdr.entsize = src.shdr.entsize;
        self.assign_elf_idx(dst);
    }

    /// libbpf's `extend_sec`: appends section `src_id`'s bytes to output
    /// section `dst` at the larger alignment and records where they went. An
    /// ephemeral output section becomes a real one at its first real input.
    fn extend_sec(&mut self, dst: usize, obj: &mut SrcObj, src_id: usize) {
        let src = obj.secs[src_id].clone();
        if src.ephemeral {
            return;
        }
        if self.secs[dst].ephemeral {
            self.init_sec(dst, &src);
        }
        let d = &mut self.secs[dst];
        let align = d.shdr.addralign.max(1).max(src.shdr.addralign);
        let start = d.sec_sz.div_ceil(align) * align;
        let end = start + src.shdr.size;
        if src.shdr.sh_type != SHT_NOBITS {
            d.data.resize(start as usize, 0);
            d.data.extend_from_slice(obj.sec_data(src_id));
        }
        d.sec_sz = end;
        d.shdr.addralign = align;
        obj.secs[src_id].dst_off = start;
    }

    pub(super) fn append_sec_data(&mut self, obj: &mut SrcObj) -> Result<(), Error> {
        for i in 1..obj.secs.len() {
            let src = &obj.secs[i];
            if !is_data_sec(src) {
                continue;
            }
            let dst = match self.find_dst_sec(&src.name) {
                None => {
                    let dst = self.add_dst_sec(&src.name);
                    self.init_sec(dst, &obj.secs[i].clone());
                    dst
                }
                Some(dst) => {
                    if !secs_match(&self.secs[dst], src) {
                        warn(format_args!("ELF sections {} are incompatible", src.name));
                        return Err(Error::Inval("incompatible sections"));
                    }
                    if src.name == "license" || src.name == "version" {
                        let d = &self.secs[dst];
                        if d.sec_sz != src.shdr.size || d.data != obj.sec_data(i) {
                            warn(format_args!(
                                "non-identical contents of section '{}' are not supported",
                                src.name
                            ));
                            return Err(Error::Inval("non-identical license or version"));
                        }
                        obj.secs[i].skipped = true;
                        obj.secs[i].dst_id = dst;
                        continue;
                    }
                    dst
                }
            };
            obj.secs[i].dst_id = dst;
            self.extend_sec(dst, obj, i);
        }
        Ok(())
    }

    pub(super) fn append_elf_relos(&mut self, obj: &mut SrcObj) -> Result<(), Error> {
        for i in 1..obj.secs.len() {
            if !is_relo_sec(&obj.secs[i]) {
                continue;
            }
            let linked = obj.secs[i].shdr.info as usize;
            if obj.secs[linked].skipped {
                continue;
            }
            let name = obj.secs[i].name.clone();
            let dst = match self.find_dst_sec(&name) {
                None => {
                    let dst = self.add_dst_sec(&name);
                    self.init_sec(dst, &obj.secs[i].clone());
                    dst
                }
                Some(dst) if !secs_match(&self.secs[dst], &obj.secs[i]) => {
                    warn(format_args!("sections {name} are not compatible"));
                    return Err(Error::Inval("incompatible relocation sections"));
                }
                Some(dst) => dst,
            };
            let dst_linked = obj.secs[linked].dst_id;
            self.secs[dst].shdr.link = SYMTAB_IDX as u32;
            self.secs[dst].shdr.info = self.secs[dst_linked].sec_idx as u32;
            obj.secs[i].dst_id = dst;
            self.extend_sec(dst, obj, i);
            self.rewrite_relos(obj, i, dst, dst_linked)?;
        }
        Ok(())
    }

    /// Points the relocations just appended (input section `rel_id`, now in
    /// output section `dst`) at the output symbols and offsets.
    fn rewrite_relos(
        &mut self,
        obj: &SrcObj,
        rel_id: usize,
        dst: usize,
        dst_linked: usize,
    ) -> Result<(), Error> {
        let linked = &obj.secs[obj.secs[rel_id].shdr.info as usize];
        let base = obj.secs[rel_id].dst_off as usize;
        for (j, src_rel) in Rel::all(obj.sec_data(rel_id)).enumerate() {
            let src_sym = obj.sym(src_rel.sym());
            let rel = Rel {
                offset: src_rel.offset + linked.dst_off,
                info: (obj.sym_map[src_rel.sym()] as u64) << 32 | u64::from(src_rel.rel_type()),
            };
            let at = base + j * REL_SIZE;
            rel.write_at(&mut self.secs[dst].data[at..at + REL_SIZE]);
            if src_sym.sym_type() != STT_SECTION {
                continue;
            }
            if linked.shdr.flags & SHF_EXECINSTR == 0 {
                warn(format_args!(
                    "relocation against STT_SECTION in non-exec section is not supported!"
                ));
                return Err(Error::Inval("section relocation in a data section"));
            }
            // A call to (or a load of) the first static function of a section
            // names the section symbol: its immediate is an offset into the
            // section, which moved by the section's offset in the output.
            let sec_off = obj.secs[src_sym.shndx as usize].dst_off;
            let off = rel.offset as usize;
            let Some(insn) = self.secs[dst_linked].data.get_mut(off..off + 8) else {
                return Err(Error::Inval("relocation past the end of its section"));
            };
            let imm = i32::from_le_bytes([insn[4], insn[5], insn[6], insn[7]]);
            let add = if insn[0] == CALL {
                sec_off / 8
            } else {
                sec_off
            };
            insn[4..8].copy_from_slice(&imm.wrapping_add(add as i32).to_le_bytes());
        }
        Ok(())
    }
}
