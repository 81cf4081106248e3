//! Recording the object's BTF load, map creation, initial values and freezing.

use super::attr::{btf_load, map_create as mc, map_freeze, map_update, Image};
use super::emit::*;
use super::Gen;
use crate::error::Error;
use crate::load::ObjState;
use crate::object::maps::{DataKind, MapKind};
use crate::sys::map::MapCreate;
use crate::uapi::{
    BPF_BTF_LOAD, BPF_MAP_CREATE, BPF_MAP_FREEZE, BPF_MAP_TYPE_ARRAY_OF_MAPS,
    BPF_MAP_TYPE_HASH_OF_MAPS, BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_UPDATE_ELEM,
};

impl Gen {
    /// `BPF_BTF_LOAD` of `raw`, with the context's log settings; the fd goes to
    /// the stack.
    pub fn load_btf(&mut self, raw: &[u8]) {
        crate::log::debug(format_args!("gen: load_btf: size {}", raw.len()));
        let e = &mut self.e;
        let data = e.add_data(raw);
        let mut a = Image::new(btf_load::SIZE);
        a.u32(btf_load::BTF_SIZE, raw.len() as u32);
        let attr = e.add_data(&a.0);
        e.ctx2blob(attr + btf_load::LOG_LEVEL, 4, CTX_LOG_LEVEL, false);
        e.ctx2blob(attr + btf_load::LOG_SIZE, 4, CTX_LOG_SIZE, false);
        e.ctx2blob(attr + btf_load::LOG_BUF, 8, CTX_LOG_BUF, false);
        e.rel_store(attr + btf_load::BTF, data);
        e.sys_bpf(BPF_BTF_LOAD, attr, btf_load::SIZE);
        e.check_err();
        e.stx(4, R10, R7, STACK_BTF_FD);
        self.btf = true;
    }

    /// `BPF_MAP_CREATE` from `p`, the BTF fd taken from the stack. Map `idx` of
    /// the object (its `max_entries` overridable through the context) goes to
    /// the next fd slot; `None` is a map-in-map's inner template, kept on the
    /// stack for the outer map that follows.
    fn map_create(&mut self, p: &MapCreate, idx: Option<usize>) -> Result<(), Error> {
        let mut a = Image::new(mc::SIZE);
        a.u32(mc::MAP_TYPE, p.map_type)
            .u32(mc::KEY_SIZE, p.key_size)
            .u32(mc::VALUE_SIZE, p.value_size)
            .u32(mc::MAX_ENTRIES, p.max_entries)
            .u32(mc::MAP_FLAGS, p.map_flags)
            .u32(mc::NUMA_NODE, p.numa_node)
            .name(mc::MAP_NAME, &p.name)
            .u32(mc::MAP_IFINDEX, p.map_ifindex)
            .u32(mc::BTF_KEY_TYPE_ID, p.btf_key_type_id)
            .u32(mc::BTF_VALUE_TYPE_ID, p.btf_value_type_id)
            .u64(mc::MAP_EXTRA, p.map_extra);
        crate::log::debug(format_args!(
            "gen: map_create: {} idx {} type {} value_type_id {}",
            String::from_utf8_lossy(&a.0[mc::MAP_NAME..mc::MAP_NAME + 16]).trim_end_matches('\0'),
            idx.map_or(-1, |i| i as i64),
            p.map_type,
            p.btf_value_type_id
        ));
        let e = &mut self.e;
        let attr = e.add_data(&a.0);
        if p.btf_value_type_id != 0 {
            e.stack2blob(attr + mc::BTF_FD as u32, 4, STACK_BTF_FD);
        }
        let outer = matches!(
            p.map_type,
            BPF_MAP_TYPE_ARRAY_OF_MAPS | BPF_MAP_TYPE_HASH_OF_MAPS
        );
        if outer {
            e.stack2blob(attr + mc::INNER_MAP_FD as u32, 4, STACK_INNER_MAP_FD);
        }
        if let Some(i) = idx {
            e.ctx2blob(attr + mc::MAX_ENTRIES as u32, 4, ctx_map(i, 4), true);
        }
        e.sys_bpf(BPF_MAP_CREATE, attr, mc::SIZE);
        e.check_err();
        match idx {
            None => e.stx(4, R10, R7, STACK_INNER_MAP_FD),
            Some(i) if i != self.nr_maps => {
                // A map before it was not recorded (a pinned map reused): as in
                // libbpf 1.1.2, this one is not either, and the load ends with
                // the count mismatch.
                self.e
                    .fail(Error::Bug("gen_loader: maps recorded out of order"));
                return Ok(());
            }
            Some(_) => {
                let slot = self.fd_slot(self.nr_maps);
                self.nr_maps += 1;
                self.e.ld_blob(R1, slot);
                self.e.stx(4, R1, R7, 0);
            }
        }
        if outer {
            self.e.close_stack(STACK_INNER_MAP_FD);
        }
        Ok(())
    }

    /// `BPF_MAP_UPDATE_ELEM` of key 0 of map `idx` to `value`, unless the
    /// context gives an initial value: then that, read from user memory (or
    /// kernel memory with `BPF_SKEL_KERNEL`), replaces the recorded bytes.
    fn map_update(&mut self, idx: usize, value: &[u8]) {
        crate::log::debug(format_args!("gen: map_update_elem: idx {idx}"));
        let slot = self.fd_slot(idx);
        let e = &mut self.e;
        let val = e.add_data(value);
        let key = e.add_data(&0u32.to_le_bytes());
        e.ldx(8, R3, R6, ctx_map(idx, 8));
        e.jmp_imm(JEQ, R3, 0, 8);
        e.ld_blob(R1, val);
        e.mov_imm(R2, value.len() as i32);
        e.ldx(4, R0, R6, CTX_FLAGS);
        e.jmp_imm(JSET, R0, SKEL_KERNEL, 2);
        e.call(FN_COPY_FROM_USER);
        e.jmp_imm(JA, 0, 0, 1);
        e.call(FN_PROBE_READ_KERNEL);
        let attr = e.add_data(&[0; map_update::SIZE]);
        e.blob2blob(attr + map_update::MAP_FD, 4, slot);
        e.rel_store(attr + map_update::KEY, key);
        e.rel_store(attr + map_update::VALUE, val);
        e.sys_bpf(BPF_MAP_UPDATE_ELEM, attr, map_update::SIZE);
        e.check_err();
    }

    /// `BPF_MAP_FREEZE` of map `idx`.
    fn map_freeze(&mut self, idx: usize) {
        crate::log::debug(format_args!("gen: map_freeze: idx {idx}"));
        let slot = self.fd_slot(idx);
        let e = &mut self.e;
        let attr = e.add_data(&[0; map_freeze::SIZE]);
        e.blob2blob(attr, 4, slot);
        e.sys_bpf(BPF_MAP_FREEZE, attr, map_freeze::SIZE);
        e.check_err();
    }
}

/// Records map `i` of `st`: its inner template first for a map-in-map, then the
/// map, then for a global-data map its initial value (and the freeze of
/// `.rodata` and `.kconfig`), as libbpf's generate mode does; then a pinned map's
/// auto-pin, as libbpf 1.1.2 attempts it. An inner map fd the caller set is not
/// passed on (the outer map's creation takes the stack's inner map slot, as in
/// libbpf 1.1.2).
pub fn create_map(st: &mut ObjState, i: usize) -> Result<(), Error> {
    let m = &st.maps[i];
    if m.def.map_type != BPF_MAP_TYPE_PROG_ARRAY {
        if let Some((slot, name)) = m.def.init_maps.first() {
            // libbpf 1.1.2 generates no update for `.maps` initialisers.
            crate::log::warn(format_args!(
                "map '{}': gen_loader: initial slot {slot} (map '{name}') is not supported",
                m.name
            ));
            return Err(Error::Unsupported("gen_loader: map-in-map initialisers"));
        }
    }
    let def = m.def.clone();
    let inner = def
        .inner
        .as_deref()
        .map(|d| crate::load::maps::request(st, d, true));
    let req = crate::load::maps::request(st, &def, true);
    let value = match def.kind {
        MapKind::Data(kind) => Some((kind, crate::load::maps::initial_value(&st.maps[i]))),
        _ => None,
    };
    let Some(g) = st.gen.as_mut() else {
        return Err(Error::Bug("gen_loader: not in generate mode"));
    };
    if let Some(p) = &inner {
        g.map_create(p, None)?;
    }
    g.map_create(&req, Some(i))?;
    if let Some((kind, v)) = value {
        g.map_update(i, &v);
        if matches!(kind, DataKind::Rodata | DataKind::Kconfig) {
            g.map_freeze(i);
        }
    }
    let m = &st.maps[i];
    if let Some(path) = &m.pin_path {
        crate::load::pin::pin_gen_placeholder(path).inspect_err(|e| {
            crate::log::warn(format_args!(
                "map '{}': failed to auto-pin at '{path}': -{}",
                m.name,
                e.errno()
            ));
            crate::log::warn(format_args!(
                "map '{}': failed to create: {}(-{})",
                m.name,
                crate::error::errno_text(e.errno()),
                e.errno()
            ));
        })?;
    }
    Ok(())
}
