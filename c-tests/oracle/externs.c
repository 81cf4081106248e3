/* Oracle: .kconfig and .ksyms externs (c-tests/bpf/ext_kconfig.bpf.c,
 * ext_ksyms.bpf.c) against libbpf 1.1.2 — the maps open creates, the rewritten
 * .kconfig/.ksyms DATASECs of the object's BTF, every instruction after load (map
 * fds printed as "fd"), the values the programs read from their externs, the
 * kconfig open option (good and bad values), and the loads that fail: strong
 * externs no kernel has, an unknown LINUX_ virtual one, a typed per-CPU
 * variable this kernel may not place; and the open of an object without BTF. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static void print_datasec(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_DATASEC);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	const struct btf_var_secinfo *v;

	if (!t) {
		printf("  DATASEC %s: none\n", name);
		return;
	}
	printf("  DATASEC %s size %u vlen %u\n", name, t->size, btf_vlen(t));
	v = btf_var_secinfos(t);
	for (int i = 0; i < btf_vlen(t); i++, v++) {
		const struct btf_type *vt = btf__type_by_id(btf, v->type);
		int linkage = btf_is_var(vt) ? (int)btf_var(vt)->linkage : -1;

		printf("    %s kind %u linkage %d type %u off %u size %u\n",
		       btf__name_by_offset(btf, vt->name_off), btf_kind(vt), linkage, vt->type,
		       v->offset, v->size);
	}
}

static void print_open(struct bpf_object *obj)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		static char zeros[256];
		size_t sz = 0;

		printf("  map %s type %u value_size %u flags %#x internal %d\n", bpf_map__name(m),
		       bpf_map__type(m), bpf_map__value_size(m), bpf_map__map_flags(m),
		       bpf_map__is_internal(m));
		O_INT("  initial_value != NULL", bpf_map__initial_value(m, &sz) != NULL);
		O_INT("  set_initial_value", bpf_map__set_initial_value(m, zeros, sz));
	}
	if (!btf)
		return;
	printf("  btf types %u\n", btf__type_cnt(btf));
	print_datasec(btf, ".kconfig");
	print_datasec(btf, ".ksyms");
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_func(t))
			printf("  func %s linkage %u\n", btf__name_by_offset(btf, t->name_off),
			       btf_vlen(t));
	}
}

static void print_insns(struct bpf_object *obj)
{
	struct bpf_program *p = bpf_object__next_program(obj, NULL);
	const struct bpf_insn *in = bpf_program__insns(p);
	size_t n = bpf_program__insn_cnt(p);

	for (size_t i = 0; i < n; i++) {
		int is_fd = in[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
			    (in[i].src_reg == BPF_PSEUDO_MAP_FD || in[i].src_reg == BPF_PSEUDO_MAP_VALUE);

		if (is_fd)
			printf("  %zu: %02x %u %u %d fd\n", i, in[i].code, in[i].dst_reg, in[i].src_reg,
			       in[i].off);
		else
			printf("  %zu: %02x %u %u %d %d\n", i, in[i].code, in[i].dst_reg, in[i].src_reg,
			       in[i].off, in[i].imm);
	}
}

/* Opens `path` with `kconfig`, prints what open made, loads, prints the load's
 * result and, when it loaded, the instructions and the program's .bss. */
static void run(const char *what, const char *path, const char *kconfig, int show)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .kconfig = kconfig);
	LIBBPF_OPTS(bpf_test_run_opts, t);
	struct bpf_object *obj;
	struct bpf_map *bss;
	unsigned char out[256];
	int zero = 0, err;

	printf("%s:\n", what);
	errno = 0;
	obj = bpf_object__open_file(path, &opts);
	printf("  open = %s errno=%s\n", obj ? "obj" : "NULL", o_errname(obj ? 0 : errno));
	if (!obj)
		return;
	if (show)
		print_open(obj);
	/* errno after a success is whatever the lookups left (libbpf leaves ENOENT
	 * from its module BTF scan): only a failure's is compared. */
	errno = 0;
	err = bpf_object__load(obj);
	printf("  load = %d errno=%s\n", err, o_errname(err ? errno : 0));
	if (!err) {
		if (show)
			print_insns(obj);
		O_INT("  test_run", bpf_prog_test_run_opts(
					    bpf_program__fd(bpf_object__next_program(obj, NULL)), &t));
		bss = bpf_object__find_map_by_name(obj, ".bss");
		memset(out, 0, sizeof(out));
		if (bss && bpf_map__value_size(bss) <= sizeof(out) &&
		    !bpf_map_lookup_elem(bpf_map__fd(bss), &zero, out)) {
			printf("  .bss");
			for (__u32 i = 0; i < bpf_map__value_size(bss); i += 8) {
				__u64 v;

				memcpy(&v, out + i, 8);
				printf(" %llx", (unsigned long long)v);
			}
			printf("\n");
		}
	}
	bpf_object__close(obj);
}

static void build(const char *name, const char *out, const char *flags, char *path)
{
	o_build(name, out, flags, path, PATH_MAX);
}

int main(void)
{
	static char kc[PATH_MAX], kc_strong[PATH_MAX], kc_virtual[PATH_MAX], kc_nobtf[PATH_MAX];
	static char ks[PATH_MAX], ks_typed[PATH_MAX], ks_strong[PATH_MAX], ks_kfunc[PATH_MAX];

	o_require_root();
	o_stdin_devnull();
	libbpf_set_print(NULL);
	build("ext_kconfig", "ext_kconfig.o", "-g", kc);
	build("ext_kconfig", "ext_kc_strong.o", "-g -DEXT_STRONG_MISSING", kc_strong);
	build("ext_kconfig", "ext_kc_virtual.o", "-g -DEXT_BAD_VIRTUAL", kc_virtual);
	build("ext_kconfig", "ext_kc_nobtf.o", "", kc_nobtf);
	build("ext_ksyms", "ext_ksyms.o", "-g", ks);
	build("ext_ksyms", "ext_ks_typed.o", "-g -DEXT_TYPED_VAR", ks_typed);
	build("ext_ksyms", "ext_ks_strong.o", "-g -DEXT_STRONG_KSYM", ks_strong);
	build("ext_ksyms", "ext_ks_kfunc.o", "-g -DEXT_STRONG_KFUNC", ks_kfunc);

	run("kconfig", kc, NULL, 1);
	run("kconfig, option", kc,
	    "CONFIG_HZ=123\nCONFIG_BPF_JIT=m\nCONFIG_LIBBPFRS_NO_SUCH_OPTION=-7\n"
	    "CONFIG_SMP=n\nCONFIG_LOCALVERSION=\"-a-rather-long-local-version-string\"\n",
	    0);
	static const char *const bad[] = {
		"CONFIG_HZ=abc", "CONFIG_HZ=0x", "CONFIG_LOG_BUF_SHIFT=300", "CONFIG_BPF_SYSCALL=m",
		"CONFIG_BPF_SYSCALL=2", "CONFIG_HZ=y", "CONFIG_LOCALVERSION=7",
		"CONFIG_LOCALVERSION=\"open", "CONFIG_HZ", "CONFIG_HZ=", "CONFIG_NR_CPUS=-1",
		"CONFIG_HZ=-2147483648", "CONFIG_HZ=2147483648", "CONFIG_SMP=300",
		"CONFIG_BPF_JIT=3",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[128];

		snprintf(what, sizeof(what), "kconfig, option %s", bad[i]);
		run(what, kc, bad[i], 0);
	}
	run("kconfig, strong missing", kc_strong, NULL, 0);
	run("kconfig, strong given by the option", kc_strong, "CONFIG_LIBBPFRS_STRONG_MISSING=5", 0);
	run("kconfig, unknown virtual", kc_virtual, NULL, 0);
	run("kconfig, no BTF", kc_nobtf, NULL, 0);
	run("ksyms", ks, NULL, 1);
	run("ksyms, typed per-CPU variable", ks_typed, NULL, 0);
	run("ksyms, strong missing symbol", ks_strong, NULL, 0);
	run("ksyms, strong missing kfunc", ks_kfunc, NULL, 0);
	bpfobj_clean("ext_kconfig", "ext_kconfig.o");
	bpfobj_clean("ext_kconfig", "ext_kc_strong.o");
	bpfobj_clean("ext_kconfig", "ext_kc_virtual.o");
	bpfobj_clean("ext_kconfig", "ext_kc_nobtf.o");
	bpfobj_clean("ext_ksyms", "ext_ksyms.o");
	bpfobj_clean("ext_ksyms", "ext_ks_typed.o");
	bpfobj_clean("ext_ksyms", "ext_ks_strong.o");
	bpfobj_clean("ext_ksyms", "ext_ks_kfunc.o");
	return o_done();
}
