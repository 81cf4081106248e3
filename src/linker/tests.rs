//! Unit tests: small objects compiled by clang at test time, linked, and the
//! output read back (ELF records, BTF, `.BTF.ext`, the object parser). BTF
//! comparisons that need deduplication are in `dedup` below and ignored until
//! `dedup_linked` deduplicates.

use super::elf::*;
use super::Linker;
use crate::btf::{Btf, BtfExt, Kind};
use crate::error::Error;
use crate::testutil::compile_bpf;
use std::path::PathBuf;

const HDR: &str = "typedef unsigned int __u32;\n\
    #define SEC(n) __attribute__((section(n), used))\n\
    #define __weak __attribute__((weak))\n\
    #define __noinline __attribute__((noinline))\n\
    struct __sk_buff;\n";

/// A scratch directory for one test's files.
fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("libbpfrs-linker-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Compiles each source into `dir/<i>.o`; `None` when clang is missing.
fn objects(dir: &std::path::Path, srcs: &[&str]) -> Option<Vec<String>> {
    let mut paths = Vec::new();
    for (i, s) in srcs.iter().enumerate() {
        let obj = compile_bpf(&format!("{HDR}{s}"))?;
        let p = dir.join(format!("{i}.o"));
        std::fs::write(&p, obj).unwrap();
        paths.push(p.to_str().unwrap().to_string());
    }
    Some(paths)
}

/// Links `srcs` in order; the output's bytes, or the first error.
fn link(tag: &str, srcs: &[&str]) -> Option<Result<Vec<u8>, Error>> {
    let dir = scratch(tag);
    let ins = objects(&dir, srcs)?;
    let out = dir.join("out.o");
    let r = (|| {
        let mut l = Linker::new(out.to_str().unwrap())?;
        for i in &ins {
            l.add_file(i)?;
        }
        l.finalize()?;
        Ok(crate::file::read(&out).unwrap())
    })();
    std::fs::remove_dir_all(&dir).ok();
    Some(r)
}

/// The sections (name, header) and symbols (name, symbol) of an output.
struct Out {
    data: Vec<u8>,
    secs: Vec<(String, Shdr)>,
    syms: Vec<(String, Sym)>,
}

impl Out {
    fn read(data: Vec<u8>) -> Out {
        let mut eh = Ehdr::parse(&data).expect("ELF header");
        assert_eq!(
            (eh.e_type, eh.machine, eh.data),
            (ET_REL, EM_BPF, ELFDATA2LSB)
        );
        let shdrs = eh.section_headers(&data).unwrap();
        let names = shdrs[eh.shstrndx];
        let secs: Vec<(String, Shdr)> = shdrs
            .iter()
            .map(|s| (elf_str(&data, &names, s.name).unwrap(), *s))
            .collect();
        let (_, symtab) = secs.iter().find(|(_, s)| s.sh_type == SHT_SYMTAB).unwrap();
        let strtab = shdrs[symtab.link as usize];
        let raw = &data[symtab.offset as usize..][..symtab.size as usize];
        let syms = raw
            .chunks_exact(SYM_SIZE)
            .map(Sym::read)
            .map(|s| (elf_str(&data, &strtab, s.name).unwrap(), s))
            .collect();
        Out { data, secs, syms }
    }

    fn sec(&self, name: &str) -> (usize, Shdr) {
        let i = self
            .secs
            .iter()
            .position(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name}"));
        (i, self.secs[i].1)
    }

    fn bytes(&self, name: &str) -> &[u8] {
        let (_, s) = self.sec(name);
        &self.data[s.offset as usize..][..s.size as usize]
    }

    fn syms_named(&self, name: &str) -> Vec<Sym> {
        self.syms
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, s)| *s)
            .collect()
    }

    fn btf(&self) -> Btf {
        Btf::parse(self.bytes(".BTF")).unwrap()
    }
}

const A: &str = "extern int shared_v; extern int f(int x);\n\
    int a_v = 1;\n\
    SEC(\"tc\") int prog_a(struct __sk_buff *s) { return f(shared_v) + a_v; }\n\
    char LICENSE[] SEC(\"license\") = \"GPL\";\n";
const B: &str = "int b_pad[3] = {1, 2, 3}; int shared_v = 2;\n\
    __noinline int f(int x) { return x + shared_v; }\n\
    SEC(\"tc\") int prog_b(struct __sk_buff *s) { return f(b_pad[1]); }\n\
    char LICENSE[] SEC(\"license\") = \"GPL\";\n";

#[test]
fn externs_resolve_to_definitions_in_later_files() {
    let Some(r) = link("externs", &[A, B]) else {
        return;
    };
    let out = Out::read(r.unwrap());
    let (data_idx, data) = out.sec(".data");
    assert_eq!(data.size, 4 + 16, "a_v, then b_pad and shared_v");
    let v = out.syms_named("shared_v");
    assert_eq!(v.len(), 1, "one symbol per global");
    assert_eq!((v[0].bind(), v[0].sym_type()), (STB_GLOBAL, STT_OBJECT));
    assert_eq!((v[0].shndx as usize, v[0].value), (data_idx, 4 + 12));
    let f = out.syms_named("f");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].shndx as usize, out.sec(".text").0);
    assert!(out
        .syms
        .iter()
        .all(|(_, s)| s.shndx != 0 || s.bind() == STB_LOCAL));
    // One license, one STT_SECTION symbol per section.
    assert_eq!(out.sec("license").1.size, 4);
    let sec_syms: Vec<_> = out
        .syms
        .iter()
        .filter(|(_, s)| s.sym_type() == STT_SECTION)
        .collect();
    let mut shndx: Vec<_> = sec_syms.iter().map(|(_, s)| s.shndx).collect();
    shndx.dedup();
    assert_eq!(shndx.len(), sec_syms.len());
    // The object parser sees both programs and the one license.
    let obj = crate::object::Object::parse(&out.data, "out.o", &Default::default()).unwrap();
    assert!(obj.find_prog("prog_a").is_some() && obj.find_prog("prog_b").is_some());
    assert_eq!(obj.license, "GPL");
}

#[test]
fn btf_datasecs_and_ext_records_move_with_their_sections() {
    let Some(r) = link("btf", &[A, B]) else {
        return;
    };
    let out = Out::read(r.unwrap());
    let btf = out.btf();
    let sec = btf
        .datasec_by_name(".data")
        .and_then(|id| btf.ty(id))
        .unwrap();
    assert_eq!(sec.size(), 20);
    let vars: Vec<(String, u32, u32)> = sec
        .datasec_vars()
        .map(|v| {
            (
                btf.ty(v.type_id).unwrap().name().to_string(),
                v.offset,
                v.size,
            )
        })
        .collect();
    assert_eq!(
        vars,
        [
            ("a_v".into(), 0, 4),
            ("b_pad".into(), 4, 12),
            ("shared_v".into(), 16, 4)
        ]
    );
    // The extern FUNC f became the global definition (one FUNC named f).
    let fs: Vec<_> = btf
        .types()
        .filter(|t| t.kind() == Kind::Func && t.name() == "f")
        .collect();
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].func_linkage(), Some(crate::btf::LINKAGE_GLOBAL));
    let ext = BtfExt::parse(out.bytes(".BTF.ext"), &btf).unwrap();
    let tc = ext.func_info("tc").unwrap();
    let offs: Vec<u32> = tc.func_infos().map(|f| f.insn_off).collect();
    let a_len = out.syms_named("prog_a")[0].size as u32;
    assert_eq!(offs, [0, a_len], "prog_b's record moved past prog_a's code");
    for fi in tc.func_infos() {
        assert_eq!(btf.ty(fi.type_id).unwrap().kind(), Kind::Func);
    }
    assert!(ext.line_info("tc").unwrap().line_infos().count() >= 2);
}

#[test]
fn static_functions_of_one_name_stay_apart() {
    let s1 = "int g1; static __noinline int helper(int x) { return x + g1; }\n\
        SEC(\"tc\") int p1(struct __sk_buff *s) { return helper(*(volatile int *)&g1); }\n";
    let s2 = "int g2; static __noinline int helper(int x) { return x * g2; }\n\
        SEC(\"tc\") int p2(struct __sk_buff *s) { return helper(*(volatile int *)&g2); }\n";
    let Some(r) = link("statics", &[s1, s2]) else {
        return;
    };
    let out = Out::read(r.unwrap());
    let helpers = out.syms_named("helper");
    assert_eq!(helpers.len(), 2);
    assert!(helpers.iter().all(|h| h.bind() == STB_LOCAL));
    assert_ne!(helpers[0].value, helpers[1].value);
    // Each call (through the .text section symbol) lands on its own helper.
    let tc = out.bytes("tc");
    let mut targets = Vec::new();
    for rel in Rel::all(out.bytes(".reltc")) {
        let insn = &tc[rel.offset as usize..][..8];
        if insn[0] != 0x85 {
            continue; // the loads of g1 and g2
        }
        let imm = i32::from_le_bytes(insn[4..8].try_into().unwrap());
        targets.push((imm as i64 + 1) as u64 * 8);
    }
    targets.sort();
    let mut want: Vec<u64> = helpers.iter().map(|h| h.value).collect();
    want.sort();
    assert_eq!(targets, want);
}

#[test]
fn strong_definition_overrides_weak_one() {
    let w = "__weak __noinline int pick(void) { return 1; }\n\
        SEC(\"tc\") int pw(struct __sk_buff *s) { return pick(); }\n";
    let s = "__noinline int pick(void) { return 2; }\n\
        SEC(\"tc\") int ps(struct __sk_buff *s) { return pick(); }\n";
    let Some(r) = link("weak", &[w, s]) else {
        return;
    };
    let out = Out::read(r.unwrap());
    let p = out.syms_named("pick");
    assert_eq!(p.len(), 1);
    assert_eq!(
        p[0].bind(),
        STB_GLOBAL,
        "a strong definition makes it strong"
    );
    assert_eq!(p[0].value, 16, "the second file's copy, after the weak one");
}

#[test]
fn refusals_have_libbpf_errnos() {
    let conflict = link("conflict", &[B, B]);
    let Some(conflict) = conflict else { return };
    assert_eq!(conflict.unwrap_err().errno(), libc::EINVAL);
    let long =
        "extern long shared_v;\nSEC(\"tc\") int p(struct __sk_buff *s) { return shared_v; }\n";
    let mismatch = link("mismatch", &[B, long]).unwrap();
    assert_eq!(mismatch.unwrap_err().errno(), libc::EINVAL);
    let lic = "char LICENSE[] SEC(\"license\") = \"BSD\";\n";
    let license = link("license", &[A, lic]).unwrap();
    assert_eq!(license.unwrap_err().errno(), libc::EINVAL);
}

#[test]
fn bad_inputs_and_calls_after_finalize() {
    let dir = scratch("bad");
    let out = dir.join("out.o");
    let mut l = Linker::new(out.to_str().unwrap()).unwrap();
    let missing = l.add_file(dir.join("missing.o").to_str().unwrap());
    assert_eq!(missing.unwrap_err().errno(), libc::ENOENT);
    let text = dir.join("text.o");
    std::fs::write(&text, b"not an ELF file").unwrap();
    assert_eq!(
        l.add_file(text.to_str().unwrap()).unwrap_err().errno(),
        libc::EINVAL
    );
    let mut x86 = vec![0u8; 64];
    x86[..7].copy_from_slice(b"\x7fELF\x02\x01\x01");
    x86[16] = 1;
    x86[18] = 62;
    std::fs::write(&text, &x86).unwrap();
    assert_eq!(
        l.add_file(text.to_str().unwrap()).unwrap_err().errno(),
        libc::EOPNOTSUPP
    );
    l.finalize().unwrap();
    // No input: an ELF file with only .strtab and .symtab (the null symbol).
    let empty = Out::read(crate::file::read(&out).unwrap());
    let names: Vec<&str> = empty.secs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["", ".strtab", ".symtab"]);
    assert_eq!(empty.syms.len(), 1);
    assert_eq!(l.finalize().unwrap_err().errno(), libc::EINVAL);
    assert_eq!(
        l.add_file(text.to_str().unwrap()).unwrap_err().errno(),
        libc::EINVAL
    );
    let no_dir = Linker::new(dir.join("no/such/dir.o").to_str().unwrap());
    assert_eq!(no_dir.unwrap_err().errno(), libc::ENOENT);
    std::fs::remove_dir_all(&dir).ok();
}

/// Comparisons that hold once `dedup_linked` deduplicates (`Btf::dedup`).
mod dedup {
    use super::*;

    #[test]
    fn shared_types_appear_once() {
        let Some(r) = link("dedup", &[A, B]) else {
            return;
        };
        let out = Out::read(r.unwrap());
        let btf = out.btf();
        let ints = btf
            .types()
            .filter(|t| t.kind() == Kind::Int && t.name() == "int");
        assert_eq!(ints.count(), 1);
        let protos = btf.types().filter(|t| t.kind() == Kind::FuncProto).count();
        assert_eq!(protos, 2, "(struct __sk_buff *) -> int and (int) -> int");
    }
}
