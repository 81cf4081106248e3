//! USDT on a kernel without BPF cookies (the 5.10 fake personality) and a PIE
//! binary, end to end: a child process built here with a `<sys/sdt.h>` probe,
//! a `BPF_USDT` program of `usdt.bpf.h` attached to it by pid. The IP map must
//! hold the probe's address in the child (its load address from
//! `/proc/PID/maps` plus the note's address), and the program, which finds its
//! spec by that address, must read the probe's argument.

use super::*;
use crate::load::{LoadOpts, ObjState};
use crate::object::OpenOpts;
use crate::sys::fake_kernel::{self, LINUX_5_10};
use std::io::{Read, Write};
use std::process::{Command, Stdio};

const CHILD: &str = r#"#include <sys/sdt.h>
#include <unistd.h>
int main(void)
{
	long v = 40;
	char c;

	while (read(0, &c, 1) == 1) {
		v += c;
		STAP_PROBE1(nocookie, fire, v);
		if (write(1, "k", 1) != 1)
			return 1;
	}
	return 0;
}
"#;

/// The no-cookie half of `usdt.bpf.h`'s spec lookup, as the program's own code:
/// the header's helpers also hold the cookie branch, which the fake kernel
/// refuses statically (a real 5.10 verifier drops it as dead code, the
/// `.kconfig` value being known).
const PROG: &str = r#"#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>
char LICENSE[] SEC("license") = "GPL";
struct { long seen, hits, cookie; } out = { -1, 0, -1 };
SEC("usdt")
int on_fire(struct pt_regs *ctx)
{
	long ip = PT_REGS_IP(ctx), v = -1;
	struct __bpf_usdt_spec *spec;
	__u32 *id;

	id = bpf_map_lookup_elem(&__bpf_usdt_ip_to_spec_id, &ip);
	if (!id)
		return 0;
	spec = bpf_map_lookup_elem(&__bpf_usdt_specs, id);
	if (!spec || spec->arg_cnt != 1)
		return 0;
	bpf_probe_read_kernel(&v, sizeof(v), (void *)ctx + spec->args[0].reg_off);
	if (spec->args[0].arg_type == BPF_USDT_ARG_REG_DEREF)
		bpf_probe_read_user(&v, sizeof(v), (void *)(v + spec->args[0].val_off));
	out.seen = v;
	out.cookie = spec->usdt_cookie;
	out.hits++;
	return 0;
}
"#;

/// Builds the child as a PIE in `dir`; its path, or `None` without a C compiler.
fn build_child(dir: &std::path::Path) -> Option<String> {
    let (c, exe) = (dir.join("child.c"), dir.join("child"));
    std::fs::write(&c, CHILD).ok()?;
    let out = Command::new("cc")
        .args(["-O1", "-fPIE", "-pie", "-o"])
        .arg(&exe)
        .arg(&c)
        .output()
        .ok()?;
    if !out.status.success() {
        crate::testutil::test_skip("cc with <sys/sdt.h> not available");
        return None;
    }
    Some(exe.to_string_lossy().into_owned())
}

/// The child's load bias: where its file offset 0 is mapped.
fn bias(pid: u32, exe: &str) -> u64 {
    let maps = crate::file::read_text(std::path::Path::new(&format!("/proc/{pid}/maps"))).unwrap();
    maps.lines()
        .filter(|l| l.ends_with(exe) && l.split_whitespace().nth(2) == Some("00000000"))
        .filter_map(|l| u64::from_str_radix(l.split('-').next()?, 16).ok())
        .min()
        .unwrap()
}

fn lookup(st: &ObjState, map: &str, key: &[u8], value: &mut [u8]) -> bool {
    let m = st.maps.iter().find(|m| m.name.ends_with(map)).unwrap();
    let fd = m.fd.as_ref().unwrap();
    sys::map::map_lookup_elem(
        fd.as_fd(),
        UserPtr::from_ptr(key.as_ptr()),
        UserPtr::from_mut(value.as_mut_ptr()),
        0,
    )
    .is_ok()
}

/// The program's `out` (`.data`): seen, hits, cookie.
fn out(st: &ObjState) -> (i64, i64, i64) {
    let mut v = [0u8; 24];
    assert!(lookup(st, ".data", &0u32.to_ne_bytes(), &mut v));
    let at = |i: usize| i64::from_ne_bytes(v[i * 8..i * 8 + 8].try_into().unwrap());
    (at(0), at(1), at(2))
}

#[test]
fn pie_probe_by_address_without_cookies() {
    if !crate::load::probe::prog_type(crate::uapi::BPF_PROG_TYPE_SOCKET_FILTER).unwrap_or(false) {
        crate::testutil::test_skip("bpf() not permitted");
        return;
    }
    let inc = format!("-I{}/include", env!("CARGO_MANIFEST_DIR"));
    let arch = match std::env::consts::ARCH {
        "x86_64" => "-D__TARGET_ARCH_x86",
        "aarch64" => "-D__TARGET_ARCH_arm64",
        _ => "-D__TARGET_ARCH_riscv",
    };
    let Some(elf) = crate::testutil::compile_bpf_with(PROG, &[&inc, arch]) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("libbpfrs-usdt-nocookie-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let Some(exe) = build_child(&dir) else {
        return;
    };
    let mut child = Command::new(&exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut st = ObjState::open(
        &elf[..],
        "nocookie.o",
        &OpenOpts::default(),
        LoadOpts::default(),
    )
    .unwrap();
    let _k = fake_kernel::set(LINUX_5_10);
    st.load().unwrap();
    let p = st.progs.iter().find(|p| p.def.name == "on_fire").unwrap();
    let path = std::ffi::CString::new(exe.clone()).unwrap();
    let link = attach(&st, p, pid as i32, &path, "nocookie", "fire", 0x5eed).unwrap();

    // The IP map: the probe's address in the child maps to spec 0.
    let data = crate::file::read(std::path::Path::new(&exe)).unwrap();
    let uelf = note::parse_elf(&data, &exe).unwrap();
    assert!(uelf.is_dyn);
    let t = note::targets(&uelf, &exe, "nocookie", "fire").unwrap();
    let abs = bias(pid, &exe) + t[0].abs_ip;
    let mut id = [0u8; 4];
    assert!(
        lookup(&st, IP_MAP, &abs.to_ne_bytes(), &mut id),
        "no IP map entry at {abs:#x}"
    );
    assert_eq!(u32::from_ne_bytes(id), 0);

    // The program finds its spec by the address it fires at.
    let (mut input, mut output) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
    input.write_all(&[2]).unwrap();
    let mut ack = [0u8; 1];
    output.read_exact(&mut ack).unwrap();
    assert_eq!(out(&st), (42, 1, 0x5eed));

    // Detached: the IP map entry is gone.
    link.destroy().unwrap();
    assert!(!lookup(&st, IP_MAP, &abs.to_ne_bytes(), &mut id));
    drop(input);
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
