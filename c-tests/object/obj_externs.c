/* .kconfig and .ksyms externs (c-tests/bpf/ext_kconfig.bpf.c, ext_ksyms.bpf.c).
 * .kconfig: the read-only, mmapable <obj>.kconfig map; LINUX_KERNEL_VERSION
 * against uname; CONFIG_* of each type against the kernel config this test reads
 * itself (/boot/config-$(uname -r), else /proc/config.gz through zcat); weak
 * missing ones 0; the kconfig open option taking precedence, and its bad values
 * failing the load (EINVAL); a strong missing CONFIG_ failing it with ESRCH and
 * libbpf's message naming it, or loading once the option provides it; an unknown
 * strong LINUX_ refused. .ksyms: typeless symbols' addresses against
 * /proc/kallsyms, weak missing ones 0, kfunc calls (BPF_PSEUDO_KFUNC_CALL with
 * vmlinux BTF ids, imm 0 for an absent weak kfunc the verifier drops), a typed
 * per-CPU variable (BPF_PSEUDO_BTF_ID; this kernel's verifier then needs its
 * address in kallsyms), strong missing ones failing the load. */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/utsname.h>
#include "harness.h"
#include "kallsyms.h"
#include "log_capture.h"
#include "obj_util.h"

struct kc_out {
	__u64 kernel_version, has_cookie, has_wrapper, no_such_virtual;
	__u64 bpf_syscall, bpf_jit, tristate_missing, smp, hz, nr_cpus, nr_cpus_default;
	__u64 log_buf_shift, no_such, strong;
	char localversion[32];
};

struct ks_out {
	__u64 start_btf, stop_btf, no_symbol, no_var, task_found, no_kfunc, cpu0;
};

static char kc[PATH_MAX], kc_strong[PATH_MAX], kc_virtual[PATH_MAX];
static char ks[PATH_MAX], ks_typed[PATH_MAX], ks_strong[PATH_MAX], ks_kfunc[PATH_MAX];
static char config[1 << 20];

/* The running kernel's config, as libbpf looks for it. */
static void read_config(void)
{
	FILE *f = popen("cat /boot/config-$(uname -r) 2>/dev/null || zcat /proc/config.gz 2>/dev/null",
			"r");
	size_t n = 0;

	if (f) {
		n = fread(config, 1, sizeof(config) - 1, f);
		pclose(f);
	}
	config[n] = 0;
}

/* The value text of CONFIG_<name> in the config (NULL if unset). */
static const char *config_value(const char *name, char *buf, size_t len)
{
	char key[128];
	const char *p = config;

	snprintf(key, sizeof(key), "%s=", name);
	while ((p = strstr(p, key))) {
		if (p == config || p[-1] == '\n') {
			size_t n = strcspn(p + strlen(key), "\n");

			if (n >= len)
				n = len - 1;
			memcpy(buf, p + strlen(key), n);
			buf[n] = 0;
			return buf;
		}
		p++;
	}
	return NULL;
}

static __u64 config_num(const char *name)
{
	char v[64];

	return config_value(name, v, sizeof(v)) ? strtoull(v, NULL, 0) : 0;
}

static __u64 config_tristate(const char *name)
{
	char v[64];

	if (!config_value(name, v, sizeof(v)))
		return 0;
	return v[0] == 'y' ? 1 : v[0] == 'm' ? 2 : 0;
}

/* KERNEL_VERSION of the running kernel, as libbpf computes it. */
static __u64 kernel_version(void)
{
	unsigned a = 0, b = 0, c = 0;
	char sig[256];
	struct utsname u;
	FILE *f = fopen("/proc/version_signature", "r");

	if (f) {
		if (fgets(sig, sizeof(sig), f))
			sscanf(sig, "%*s %*s %u.%u.%u", &a, &b, &c);
		fclose(f);
	} else if (!uname(&u)) {
		sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	}
	return (a << 16) + (b << 8) + (c > 255 ? 255 : c);
}

static struct bpf_object *open_obj(const char *path, const char *kconfig)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .kconfig = kconfig);
	struct bpf_object *obj = bpf_object__open_file(path, &opts);

	CHECK(obj != NULL, "open %s: errno %d", path, errno);
	return obj;
}

/* Runs the loaded object's only program and reads its .bss into out. */
static void run_loaded(struct bpf_object *obj, void *out, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, t);
	struct bpf_program *p = bpf_object__next_program(obj, NULL);
	struct bpf_map *bss = bpf_object__find_map_by_name(obj, ".bss");
	int zero = 0;

	memset(out, 0xee, len);
	CHECK(p && bss, "program and .bss");
	if (!p || !bss)
		return;
	CHECK_RET(bpf_prog_test_run_opts(bpf_program__fd(p), &t), 0, 0);
	CHECK_EQ(bpf_map__value_size(bss), len);
	CHECK_RET(bpf_map_lookup_elem(bpf_map__fd(bss), &zero, out), 0, 0);
}

/* Opens and loads `path` with `kconfig`, runs it; the load's result. */
static int load_run(const char *path, const char *kconfig, void *out, size_t len)
{
	struct bpf_object *obj = open_obj(path, kconfig);
	int err;

	if (!obj)
		return -1;
	err = bpf_object__load(obj);
	if (!err)
		run_loaded(obj, out, len);
	bpf_object__close(obj);
	return err;
}

static void check_kconfig_map(void)
{
	struct bpf_object *obj = open_obj(kc, NULL);
	struct bpf_map *m;
	int zero = 0;
	__u32 kv;

	if (!obj)
		return;
	m = bpf_object__find_map_by_name(obj, "ext_kco.kconfig");
	CHECK(m != NULL, "the .kconfig map is named <obj>.kconfig");
	if (m) {
		CHECK(bpf_map__is_internal(m), "internal");
		CHECK_EQ(bpf_map__type(m), BPF_MAP_TYPE_ARRAY);
		CHECK_EQ(bpf_map__max_entries(m), 1);
		CHECK_EQ(bpf_map__map_flags(m), BPF_F_RDONLY_PROG | BPF_F_MMAPABLE);
		/* Packed by alignment, then size, then name: the u64, six ints
		 * (LINUX_KERNEL_VERSION the fifth), the short, five bytes, the
		 * 32-byte string. */
		CHECK_EQ(bpf_map__value_size(m), 8 + 6 * 4 + 2 + 5 + 32);
		/* Its values are the externs': not for the user to set. */
		static char zeros[71];
		CHECK_RET(bpf_map__set_initial_value(m, zeros, sizeof(zeros)), -EINVAL, EINVAL);
	}
	CHECK_RET(bpf_object__load(obj), 0, 0);
	if (m) {
		char value[128];

		CHECK_RET(bpf_map_lookup_elem(bpf_map__fd(m), &zero, value), 0, 0);
		memcpy(&kv, value + 8 + 4 * 4, sizeof(kv));
		CHECK_EQ(kv, kernel_version());
		/* Frozen, as .rodata. */
		CHECK_RET(bpf_map_update_elem(bpf_map__fd(m), &zero, value, 0), -1, EPERM);
	}
	bpf_object__close(obj);
}

static void check_kconfig_values(void)
{
	struct kc_out o;
	char want[64];
	const char *lv;

	CHECK_RET(load_run(kc, NULL, &o, sizeof(o)), 0, 0);
	CHECK_EQ(o.kernel_version, kernel_version());
	CHECK_EQ(o.has_cookie, libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE,
						       BPF_FUNC_get_attach_cookie, NULL) == 1);
	CHECK(o.has_wrapper <= 1, "LINUX_HAS_SYSCALL_WRAPPER %llu", (unsigned long long)o.has_wrapper);
	CHECK_EQ(o.no_such_virtual, 0);
	CHECK_EQ(o.bpf_syscall, 1);
	CHECK_EQ(o.bpf_jit, config_tristate("CONFIG_BPF_JIT"));
	CHECK_EQ(o.tristate_missing, 0);
	CHECK_EQ(o.smp, config_value("CONFIG_SMP", want, sizeof(want)) ? want[0] : 0);
	CHECK_EQ(o.hz, config_num("CONFIG_HZ"));
	CHECK_EQ(o.nr_cpus, config_num("CONFIG_NR_CPUS"));
	CHECK_EQ(o.nr_cpus_default, config_num("CONFIG_NR_CPUS_DEFAULT"));
	CHECK_EQ(o.log_buf_shift, config_num("CONFIG_LOG_BUF_SHIFT"));
	CHECK_EQ(o.no_such, 0);
	lv = config_value("CONFIG_LOCALVERSION", want, sizeof(want));
	if (lv && lv[0] == '"') {
		lv++;
		want[strlen(want) - 1] = 0;
	}
	CHECK(!strcmp(o.localversion, lv ? lv : ""), "CONFIG_LOCALVERSION '%s'", o.localversion);
}

static void check_kconfig_option(void)
{
	const char *opt = "CONFIG_HZ=123\nCONFIG_BPF_JIT=m\nCONFIG_LIBBPFRS_NO_SUCH_OPTION=-7\n"
			  "# CONFIG_SMP is not set\nCONFIG_SMP=n\nCONFIG_LOCALVERSION=\"-opt\"\n"
			  "CONFIG_HZ=456\n";
	struct kc_out o;

	CHECK_RET(load_run(kc, opt, &o, sizeof(o)), 0, 0);
	CHECK_EQ(o.hz, 123);
	CHECK_EQ(o.bpf_jit, 2);
	CHECK_EQ((int)o.no_such, -7);
	CHECK_EQ(o.smp, 'n');
	CHECK(!strcmp(o.localversion, "-opt"), "'%s'", o.localversion);
	/* The options not given still come from the kernel's config. */
	CHECK_EQ(o.bpf_syscall, 1);
	CHECK_EQ(o.nr_cpus, config_num("CONFIG_NR_CPUS"));

	static const struct {
		const char *opt, *msg;
	} bad[] = {
		{ "CONFIG_HZ=abc", "extern (kcfg) 'CONFIG_HZ': value 'abc' isn't a valid integer" },
		{ "CONFIG_LOG_BUF_SHIFT=300", "'CONFIG_LOG_BUF_SHIFT': value '300' doesn't fit in 1 bytes" },
		{ "CONFIG_BPF_SYSCALL=m", "value 'm' implies tristate or char type" },
		{ "CONFIG_HZ=y", "value 'y' implies bool, tristate, or char type" },
		{ "CONFIG_LOCALVERSION=7", "value '7' implies integer type" },
		{ "CONFIG_HZ", "failed to parse 'CONFIG_HZ': no separator" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset_msgs();
		libbpf_set_print(capture);
		CHECK_RET(load_run(kc, bad[i].opt, &o, sizeof(o)), -EINVAL, EINVAL);
		libbpf_set_print(NULL);
		CHECK(strstr(msgs, bad[i].msg) != NULL, "%s: %s", bad[i].opt, msgs);
		CHECK(strstr(msgs, "error parsing in-memory Kconfig line") != NULL, "%s", msgs);
	}
}

static void check_kconfig_strong(void)
{
	struct bpf_object *obj;
	struct kc_out o;

	reset_msgs();
	libbpf_set_print(capture);
	obj = open_obj(kc_strong, NULL);
	if (obj) {
		CHECK_RET(bpf_object__load(obj), -ESRCH, ESRCH);
		bpf_object__close(obj);
	}
	libbpf_set_print(NULL);
	CHECK(strstr(msgs, "extern 'CONFIG_LIBBPFRS_STRONG_MISSING' (strong): not resolved") != NULL,
	      "%s", msgs);
	CHECK_RET(load_run(kc_strong, "CONFIG_LIBBPFRS_STRONG_MISSING=5", &o, sizeof(o)), 0, 0);
	CHECK_EQ(o.strong, 5);
	reset_msgs();
	libbpf_set_print(capture);
	CHECK_RET(load_run(kc_virtual, NULL, &o, sizeof(o)), -EINVAL, EINVAL);
	libbpf_set_print(NULL);
	CHECK(strstr(msgs, "extern (kcfg) 'LINUX_LIBBPFRS_UNKNOWN': unrecognized virtual extern"),
	      "%s", msgs);
}

/* The kfunc calls of the loaded program: BTF ids from vmlinux, 0 for the weak one. */
static void check_kfunc_insns(struct bpf_object *obj)
{
	struct bpf_program *p = bpf_object__next_program(obj, NULL);
	struct btf *vmlinux = btf__load_vmlinux_btf();
	const struct bpf_insn *insn = p ? bpf_program__insns(p) : NULL;
	size_t n = p ? bpf_program__insn_cnt(p) : 0;
	int from_pid, release, seen = 0, zero = 0;

	CHECK(vmlinux != NULL, "vmlinux BTF");
	if (!vmlinux || !insn)
		return;
	from_pid = btf__find_by_name_kind(vmlinux, "bpf_task_from_pid", BTF_KIND_FUNC);
	release = btf__find_by_name_kind(vmlinux, "bpf_task_release", BTF_KIND_FUNC);
	for (size_t i = 0; i < n; i++) {
		if (insn[i].code != (BPF_JMP | BPF_CALL) || insn[i].src_reg != BPF_PSEUDO_KFUNC_CALL)
			continue;
		CHECK_EQ(insn[i].off, 0);
		if (insn[i].imm == from_pid || insn[i].imm == release)
			seen++;
		else if (insn[i].imm == 0)
			zero++;
		else
			CHECK(0, "kfunc call with imm %d", insn[i].imm);
	}
	CHECK_EQ(seen, 2);
	CHECK_EQ(zero, 1);
	btf__free(vmlinux);
}

static void check_ksyms(void)
{
	struct bpf_object *obj = open_obj(ks, NULL);
	struct ks_out o;

	if (!obj)
		return;
	CHECK(bpf_object__find_map_by_name(obj, "ext_ksy.kconfig") == NULL, "no .kconfig map");
	CHECK_RET(bpf_object__load(obj), 0, 0);
	run_loaded(obj, &o, sizeof(o));
	check_kfunc_insns(obj);
	bpf_object__close(obj);
	CHECK(kallsyms_addr("__start_BTF") != 0, "__start_BTF in /proc/kallsyms");
	CHECK_EQ(o.start_btf, kallsyms_addr("__start_BTF"));
	CHECK_EQ(o.stop_btf, kallsyms_addr("__stop_BTF"));
	CHECK_EQ(o.no_symbol, 0);
	CHECK_EQ(o.no_var, 0);
	CHECK_EQ(o.task_found, 1);
	CHECK_EQ(o.no_kfunc, 2);
}

static void check_typed_var(void)
{
	static char log[1 << 16];
	struct bpf_object *obj = open_obj(ks_typed, NULL);
	struct bpf_program *p;
	struct ks_out o;
	int err;

	if (!obj)
		return;
	p = bpf_object__next_program(obj, NULL);
	bpf_program__set_log_buf(p, log, sizeof(log));
	bpf_program__set_log_level(p, 1);
	err = bpf_object__load(obj);
	if (kallsyms_addr("cpu_number")) {
		CHECK_EQ(err, 0);
		if (!err) {
			run_loaded(obj, &o, sizeof(o));
			CHECK_EQ(o.cpu0, 100); /* CPU 0's cpu_number, + 100 */
		}
	} else {
		/* Without CONFIG_KALLSYMS_ALL the kernel cannot place a per-CPU
		 * variable it was given by BTF id, and says so. */
		CHECK_EQ(err, -ENOENT);
		CHECK(strstr(log, "ldimm64 failed to find the address for kernel symbol 'cpu_number'"),
		      "%s", log);
	}
	bpf_object__close(obj);
}

static void check_ksyms_strong(void)
{
	struct ks_out o;

	reset_msgs();
	libbpf_set_print(capture);
	CHECK_RET(load_run(ks_strong, NULL, &o, sizeof(o)), -ESRCH, ESRCH);
	CHECK(strstr(msgs, "extern 'libbpfrs_strong_symbol' (strong): not resolved"), "%s", msgs);
	reset_msgs();
	CHECK_RET(load_run(ks_kfunc, NULL, &o, sizeof(o)), -EINVAL, EINVAL);
	CHECK(strstr(msgs, "extern (func ksym) 'libbpfrs_strong_kfunc': not found in kernel or module BTFs"),
	      "%s", msgs);
	libbpf_set_print(NULL);
}

int main(void)
{
	require_root();
	if (ot_init("externs") || ot_build("ext_kconfig.bpf.c", "ext_kconfig.o", "-g", kc, sizeof(kc)) ||
	    ot_build("ext_kconfig.bpf.c", "ext_kc_strong.o", "-g -DEXT_STRONG_MISSING", kc_strong,
		     sizeof(kc_strong)) ||
	    ot_build("ext_kconfig.bpf.c", "ext_kc_virtual.o", "-g -DEXT_BAD_VIRTUAL", kc_virtual,
		     sizeof(kc_virtual)) ||
	    ot_build("ext_ksyms.bpf.c", "ext_ksyms.o", "-g", ks, sizeof(ks)) ||
	    ot_build("ext_ksyms.bpf.c", "ext_ks_typed.o", "-g -DEXT_TYPED_VAR", ks_typed,
		     sizeof(ks_typed)) ||
	    ot_build("ext_ksyms.bpf.c", "ext_ks_strong.o", "-g -DEXT_STRONG_KSYM", ks_strong,
		     sizeof(ks_strong)) ||
	    ot_build("ext_ksyms.bpf.c", "ext_ks_kfunc.o", "-g -DEXT_STRONG_KFUNC", ks_kfunc,
		     sizeof(ks_kfunc))) {
		fprintf(stderr, "FAIL: could not build the extern objects\n");
		return 1;
	}
	read_config();
	if (!config[0])
		h_skip("no kernel config (/boot/config-*, /proc/config.gz) to compare with");
	check_kconfig_map();
	check_kconfig_values();
	check_kconfig_option();
	check_kconfig_strong();
	check_ksyms();
	check_typed_var();
	check_ksyms_strong();
	ot_cleanup();
	return h_done("obj_externs");
}
