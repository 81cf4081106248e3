//! BPF programs as attach targets: an freplace program replacing, or an fentry,
//! fexit or fmod_ret program tracing, a global function of another loaded program.
//! The kernel wants that program's fd (`attach_prog_fd`) and the function's id in
//! the program's own BTF (`attach_btf_id`), which is looked up here as libbpf
//! 1.1.2's `libbpf_find_prog_btf_id` does: the target's `btf_id` from its program
//! info, that BTF read back from the kernel, the FUNC found by name.
//!
//! Owns: the program-BTF half of the attach target lookup (the kernel half is
//! `progs::find_vmlinux_btf_id`). Calls `sys` for the info and BTF reads.
//! Spec: `btf-core.md` §4.6 (last row of the table).

use crate::btf::{Btf, Kind};
use crate::error::Error;
use crate::sys;

/// The id of FUNC `name` in the BTF of the loaded program `prog_fd`. Errors as
/// libbpf: the kernel's errno when the fd is not a BPF object (EBADF, EINVAL),
/// EINVAL when the program has no BTF, the kernel's errno when its BTF cannot be
/// read back, ENOENT when the function is not there.
pub fn prog_func_btf_id(name: &str, prog_fd: i32) -> Result<u32, Error> {
    let info = sys::obj::prog_info_raw(prog_fd).inspect_err(|e| {
        crate::log::warn(format_args!(
            "failed bpf_obj_get_info_by_fd for FD {prog_fd}: -{}",
            e.errno
        ))
    })?;
    if info.btf_id == 0 {
        crate::log::warn(format_args!("The target program doesn't have BTF"));
        return Err(Error::Inval("the target program has no BTF"));
    }
    let data = sys::btf_info::btf_data_by_id(info.btf_id).inspect_err(|e| {
        crate::log::warn(format_args!(
            "Failed to get BTF {} of the program: -{}",
            info.btf_id, e.errno
        ))
    })?;
    func_in_prog_btf(&data, info.btf_id, name)
}

/// `attach_btf_id` at load for a program attaching to function `func` of the
/// program `attach_prog_fd` (set by `bpf_program__set_attach_target` with no name;
/// `func` comes from the section): EINVAL when no target program was given, else
/// [`prog_func_btf_id`]'s answer.
pub fn load_time_btf_id(prog: &str, attach_prog_fd: i32, func: &str) -> Result<u32, Error> {
    if attach_prog_fd == 0 {
        crate::log::warn(format_args!("prog '{prog}': attach program FD is not set"));
        return Err(Error::Inval("no attach target program"));
    }
    prog_func_btf_id(func, attach_prog_fd).inspect_err(|e| {
        crate::log::warn(format_args!(
            "prog '{prog}': failed to find BPF program (FD {attach_prog_fd}) BTF ID for '{func}': -{}",
            e.errno()
        ))
    })
}

/// The id of FUNC `name` in a program's raw BTF `data` (kernel BTF object
/// `btf_id`, for messages): the parser's error for a blob that does not parse,
/// ENOENT when there is no such function. A name that `btf__find_by_name_kind`
/// answers with 0 (`"void"`) gives 0 after libbpf's warning, as libbpf does.
pub fn func_in_prog_btf(data: &[u8], btf_id: u32, name: &str) -> Result<u32, Error> {
    let btf = Btf::parse(data).inspect_err(|e| {
        crate::log::warn(format_args!(
            "Failed to get BTF {btf_id} of the program: -{}",
            e.errno()
        ))
    })?;
    match btf.find_by_name_kind(name, Kind::Func) {
        Some(id) if id > 0 => Ok(id),
        found => {
            crate::log::warn(format_args!("{name} is not found in prog's BTF"));
            found.ok_or(Error::NotFound(
                "no such function in the target program's BTF",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::write::BtfBuilder;

    /// A program's BTF: `int`, a `struct xdp_md`, a proto, and the global FUNC
    /// `tg_global` after a static FUNC `helper` and a VAR of the same name.
    fn prog_btf() -> (Vec<u8>, u32, u32) {
        let mut b = BtfBuilder::new();
        let int = b.int("int", 4, 1, 32);
        let md = b.struct_("xdp_md", 4, &[("data", int, 0)]);
        let ptr = b.ptr(md);
        let proto = b.func_proto(int, &[("ctx", ptr)]);
        let helper = b.func("helper", proto, 0);
        b.var("tg_global_var", int, 1);
        let global = b.func("tg_global", proto, 1);
        (b.to_bytes(), helper, global)
    }

    #[test]
    fn a_function_of_the_target_program_is_found_by_name() {
        let (data, helper, global) = prog_btf();
        assert_eq!(func_in_prog_btf(&data, 7, "tg_global").unwrap(), global);
        assert_eq!(func_in_prog_btf(&data, 7, "helper").unwrap(), helper);
    }

    #[test]
    fn only_funcs_match_and_a_missing_one_is_enoent() {
        let (data, _, _) = prog_btf();
        for name in ["tg_missing", "xdp_md", "int", "tg_global_var", ""] {
            let e = func_in_prog_btf(&data, 7, name).unwrap_err();
            assert_eq!(e.errno(), libc::ENOENT, "{name}");
        }
        // libbpf's lookup answers 0 for "void", which it passes on as the id.
        assert_eq!(func_in_prog_btf(&data, 7, "void").unwrap(), 0);
    }

    #[test]
    fn a_blob_that_is_not_btf_fails_as_the_parser_says() {
        let (data, _, _) = prog_btf();
        for bad in [&b"not btf at all"[..], &data[..data.len() - 1]] {
            let e = func_in_prog_btf(bad, 7, "tg_global").unwrap_err();
            assert_eq!(e.errno(), Btf::parse(bad).unwrap_err().errno());
            assert_ne!(e.errno(), libc::ENOENT);
        }
    }
}
