/* Oracle: bpf_object__gen_loader, libbpf 1.1.2 vs libbpfrs, on
 * c-tests/bpf/gl_loader.bpf.c. Prints the returns for bad input, the generated
 * loader's sizes and a hash of its instructions and blob (byte-identical with
 * libbpf's), then runs each side's loader as skel_internal.h does and prints
 * what the kernel then holds (map infos, global data, program types and xlated
 * lengths) and what the programs do; also a loader that fails (and leaks no
 * fd), a program left out of the load, and a gen_loader call after a load.
 * Then the same for c-tests/bpf/gl_ksyms.bpf.c (.ksyms externs and kfunc calls
 * the loader resolves at run time): its loader, run, and what the programs read
 * through them; the typed per-CPU variables, which this kernel may refuse (the
 * verifier's log says so); a strong kfunc no kernel has (the loader fails) and a
 * strong typeless symbol no kernel has (no loader). Last, what libbpf's
 * generate mode does with c-tests/bpf/gl_maps.bpf.c (an inner map fd the caller
 * set, a pinned map to reuse, a pinned map to create) and with tg_ext.bpf.c's
 * programs aimed at another BPF program (freplace, fentry with attach_prog_fd). */
#include "oracle.h"
#include "gl_run.h"
#include "kallsyms.h"
#include "target_bpf.h"
#include <sys/stat.h>

#define LOAD(what, call)                                                            \
	do {                                                                       \
		errno = 0;                                                         \
		int __r = (call);                                                  \
		printf("%s = %d errno=%s\n", what, __r, o_errname(__r ? errno : 0)); \
	} while (0)

static int count_fds(void)
{
	int n = 0, fd;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

static void print_loader(const char *what, const struct gen_loader_opts *g)
{
	printf("%s: insns_sz %u data_sz %u insns %016llx data %016llx\n", what, g->insns_sz,
	       g->data_sz, (unsigned long long)gl_hash(g->insns, g->insns_sz),
	       (unsigned long long)gl_hash(g->data, g->data_sz));
}

static void print_facts(const struct gl_facts *f, __u32 pid)
{
	int i;

	for (i = 0; i < GL_NR_MAPS; i++) {
		const struct bpf_map_info *m = &f->maps[i].info;

		printf("map %d: '%s' type %u key %u value %u max %u flags %#x btf %d\n", i, m->name,
		       m->type, m->key_size, m->value_size, m->max_entries, m->map_flags,
		       m->btf_id != 0);
	}
	for (i = 0; i < GL_NR_PROGS; i++)
		printf("prog %d: type %u xlated %u\n", i, f->prog_type[i], f->xlated_insns[i]);
	printf("rodata target_pid==pid %d data_val %llx -> %llx\n", f->rodata_target_pid == pid,
	       (unsigned long long)f->data_val_before, (unsigned long long)f->data_val_after);
	printf("tracepoint attach %d hits %llu count %llu\n", f->attach_tp,
	       (unsigned long long)f->hits, (unsigned long long)f->count0);
	printf("tp_btf attach %d seen %d\n", f->attach_raw_tp,
	       f->sys_enter_seen >= 1 && f->sys_enter_seen != ~0ULL);
	printf("read_task run %d retval %d pid %d tgid %d\n", f->test_run, f->test_retval,
	       f->seen_pid == pid, f->seen_tgid == pid);
}

static void bad_input(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct gen_loader_opts small = { .sz = 3 };
	struct {
		struct gen_loader_opts o;
		long extra;
	} big = { .o.sz = sizeof(big), .extra = 1 };
	LIBBPF_OPTS(gen_loader_opts, g);

	if (!obj) {
		printf("open failed\n");
		return;
	}
	O_INT("gen_loader(NULL)", bpf_object__gen_loader(obj, NULL));
	O_INT("gen_loader(sz 3)", bpf_object__gen_loader(obj, &small));
	O_INT("gen_loader(extra bytes)", bpf_object__gen_loader(obj, &big.o));
	LOAD("load (not generating)", bpf_object__load(obj));
	O_INT("gen_loader after load", bpf_object__gen_loader(obj, &g));
	LOAD("load again", bpf_object__load(obj));
	printf("opts after: insns_sz %u data_sz %u\n", g.insns_sz, g.data_sz);
	bpf_object__close(obj);
}

static void generate_and_run(const char *path, const char *skip)
{
	LIBBPF_OPTS(gen_loader_opts, g);
	struct bpf_object *obj = gl_generate(path, &g);
	struct gl_ctx c = {};
	struct gl_facts f;
	const char *errstr;
	__u32 pid = (__u32)getpid();
	int fds, i, r;

	printf("-- generate%s%s\n", skip ? ", without " : "", skip ? skip : "");
	if (!obj) {
		printf("open/gen_loader failed\n");
		return;
	}
	if (skip)
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, skip), false);
	fds = count_fds();
	LOAD("load", bpf_object__load(obj));
	printf("fds created by load: %d\n", count_fds() - fds);
	print_loader("loader", &g);
	c.maps[GL_RODATA].initial_value = (__u64)(unsigned long)&pid;
	c.maps[GL_SLOTS].max_entries = 8;
	r = gl_run(&g, &c, &errstr);
	printf("run = %d %s\n", r, errstr);
	for (i = 0; i < GL_NR_PROGS; i++)
		printf("prog desc %d: %s\n", i, c.progs[i].prog_fd > 0 ? "fd" : "0");
	if (!skip) {
		gl_inspect(&c, &f);
		print_facts(&f, pid);
	}
	gl_close(&c);
	memset(&c, 0, sizeof(c));
	c.maps[GL_COUNTS].max_entries = 0x80000001u;
	r = gl_run(&g, &c, &errstr);
	printf("run with a refused map = %d %s\n", r, errstr);
	printf("fds left: %d\n", count_fds() - fds);
	bpf_object__close(obj);
}

static void print_ks_facts(const struct gl_ks_facts *f, __u32 pid)
{
	unsigned long long start_btf = kallsyms_addr("__start_BTF");
	const struct gl_ks_out *o = &f->out;
	int i;

	for (i = 0; i < GL_KS_NR_PROGS; i++)
		printf("prog %d: type %u test_run %d retval %d\n", i, f->prog_type[i], f->test_run[i],
		       f->retval[i]);
	printf("bss lookup %d\n", f->lookup);
	printf("__start_BTF from kallsyms %d: main %d sub %d other %d\n", start_btf != 0,
	       o->start_btf == start_btf, o->sub_start_btf == start_btf,
	       o->other_start_btf == start_btf);
	printf("weak: symbol %llx variable %llx kfunc %llu\n", (unsigned long long)o->no_sym,
	       (unsigned long long)o->no_var, (unsigned long long)o->no_kfunc);
	printf("kfunc tgid==pid: main %d sub %d other %d\n", o->tgid == pid, o->sub_tgid == pid,
	       o->other_tgid == pid);
	printf("typed: rq1 %llu rq0 %llu this_cpu %llu active %d\n", (unsigned long long)o->rq1_cpu,
	       (unsigned long long)o->rq0_cpu, (unsigned long long)o->this_cpu_ok,
	       o->active >= 100);
}

/* gl_ksyms: generated (without program `skip` when given), run with the
 * verifier's log in a buffer, and what the programs read. */
static void ksyms(const char *path, const char *skip)
{
	static char log[1 << 16];
	LIBBPF_OPTS(gen_loader_opts, g);
	struct bpf_object *obj = gl_generate(path, &g);
	struct gl_ks_ctx c = {};
	struct gl_ks_facts f;
	const char *errstr;
	__u32 pid = (__u32)getpid();
	int fds, i, r;

	printf("-- ksyms %s%s%s\n", strrchr(path, '/') + 1, skip ? ", without " : "",
	       skip ? skip : "");
	if (!obj) {
		printf("open/gen_loader failed\n");
		return;
	}
	if (skip)
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, skip), false);
	fds = count_fds();
	errno = 0;
	r = bpf_object__load(obj);
	printf("load = %d errno=%s\n", r, o_errname(r ? errno : 0));
	printf("fds created by load: %d\n", count_fds() - fds);
	if (r) {
		bpf_object__close(obj);
		return;
	}
	print_loader("loader", &g);
	memset(log, 0, sizeof(log));
	c.ctx.log_level = 1;
	c.ctx.log_size = sizeof(log);
	c.ctx.log_buf = (__u64)(unsigned long)log;
	r = gl_ks_run(&g, &c, &errstr);
	printf("run = %d %s\n", r, errstr);
	for (i = 0; i < GL_KS_NR_PROGS; i++)
		printf("prog desc %d: %s\n", i, c.progs[i].prog_fd > 0 ? "fd" : "0");
	printf("log: runqueues' address not found %d, kernel has it %d\n",
	       strstr(log, "failed to find the address for kernel symbol 'runqueues'") != NULL,
	       kallsyms_addr("runqueues") != 0);
	if (r == 0) {
		gl_ks_inspect(&c, &f);
		print_ks_facts(&f, pid);
	}
	gl_ks_close(&c);
	printf("fds left: %d\n", count_fds() - fds);
	bpf_object__close(obj);
}

/* `o` in generate mode: the load's result, and when there is a loader, the
 * loader and its run; with `fds`, the fds left afterwards (libbpf 1.1.2 leaks a
 * reused pinned map's fd and closes fd 0 after a failed auto-pin: those cases
 * do not count). Closes `o`. */
static void gen_and_run(struct bpf_object *o, const char *what, int nr_maps, int nr_progs,
			int fds)
{
	LIBBPF_OPTS(gen_loader_opts, g);
	const char *errstr;
	int before = count_fds(), r;

	printf("-- %s\n", what);
	if (!o) {
		printf("open failed\n");
		return;
	}
	O_INT("gen_loader", bpf_object__gen_loader(o, &g));
	LOAD("load", bpf_object__load(o));
	if (g.insns_sz) {
		print_loader("loader", &g);
		r = gl_run_any(&g, nr_maps, nr_progs, &errstr);
		printf("run = %d %s\n", r, errstr);
	}
	bpf_object__close(o);
	if (fds)
		printf("fds left: %d\n", count_fds() - before);
}

static void maps_cases(const char *path)
{
	char root[64], pin[96];
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = root);
	struct bpf_object *o;
	int fd, before;

	gl_stdin_null();
	snprintf(root, sizeof(root), "/sys/fs/bpf/gl_maps_%d", (int)getpid());
	snprintf(pin, sizeof(pin), "%s/gl_pinned", root);

	/* The caller's fd and the object's copy of it (libbpfrs keeps a dup) are
	 * counted before and closed after. */
	before = count_fds();
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, NULL);
	o = bpf_object__open_file(path, &oo);
	if (o) {
		bpf_map__set_pin_path(bpf_object__find_map_by_name(o, "gl_pinned"), NULL);
		O_INT("set_inner_map_fd",
		      bpf_map__set_inner_map_fd(bpf_object__find_map_by_name(o, "gl_outer"), fd));
	}
	gen_and_run(o, "inner map fd set by the caller", 2, 1, 0);
	close(fd);
	printf("fds left: %d\n", count_fds() - before);

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, NULL);
	mkdir(root, 0700);
	O_INT("pin a map to reuse", bpf_obj_pin(fd, pin));
	close(fd);
	gen_and_run(bpf_object__open_file(path, &oo), "pinned map to reuse", 2, 1, 0);
	unlink(pin);

	gen_and_run(bpf_object__open_file(path, &oo), "pinned map to create", 2, 1, 0);
	printf("pinned: %d\n", access(pin, F_OK) == 0);
	unlink(pin);
	rmdir(root);
	gl_stdin_null();
}

static void attach_cases(void)
{
	static const struct {
		const char *prog, *func;
		int fd;
	} cases[] = {
		{ "tg_new", NULL, 0 },	    { "tg_new", NULL, 1 }, { "tg_new", "tg_global", 1 },
		{ "tg_entry", NULL, 0 }, { "tg_entry", NULL, 1 },
	};
	char target[PATH_MAX], ext[PATH_MAX], what[128];
	struct bpf_object *t;
	unsigned i;
	int tfd;

	if (tg_build(target, ext, sizeof(target))) {
		printf("FAIL: could not build tg_target/tg_ext\n");
		exit(1);
	}
	t = bpf_object__open_file(target, NULL);
	LOAD("target load", bpf_object__load(t));
	tfd = bpf_program__fd(bpf_object__next_program(t, NULL));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpf_program *p;
		struct bpf_object *o = tg_open_only(ext, cases[i].prog, &p);

		snprintf(what, sizeof(what), "%s, target fd %d, function %s", cases[i].prog,
			 cases[i].fd, cases[i].func ? cases[i].func : "-");
		if (o && (cases[i].fd || cases[i].func))
			O_INT("set_attach_target",
			      bpf_program__set_attach_target(p, cases[i].fd ? tfd : 0, cases[i].func));
		gen_and_run(o, what, 0, 5, 1);
	}
	bpf_object__close(t);
	tg_clean();
}

int main(void)
{
	char path[PATH_MAX];

	o_require_root();
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("SKIP: no /sys/kernel/btf/vmlinux\n");
		return 77;
	}
	o_build("gl_loader", "gl_loader.o", "-g", path, sizeof(path));
	bad_input(path);
	generate_and_run(path, NULL);
	generate_and_run(path, "read_task");
	generate_and_run(path, "on_getppid");
	bpfobj_clean("gl_loader", "gl_loader.o");
	o_build("gl_ksyms", "gl_ksyms.o", "-g", path, sizeof(path));
	ksyms(path, "ks_typed");
	ksyms(path, NULL);
	o_build("gl_ksyms", "gl_ks_kfunc.o", "-g -DGL_KS_STRONG_KFUNC", path, sizeof(path));
	ksyms(path, "ks_typed");
	o_build("gl_ksyms", "gl_ks_sym.o", "-g -DGL_KS_STRONG_SYM", path, sizeof(path));
	ksyms(path, "ks_typed");
	bpfobj_clean("gl_ksyms", "gl_ksyms.o");
	bpfobj_clean("gl_ksyms", "gl_ks_kfunc.o");
	bpfobj_clean("gl_ksyms", "gl_ks_sym.o");
	o_build("gl_maps", "gl_maps.o", "-g", path, sizeof(path));
	maps_cases(path);
	bpfobj_clean("gl_maps", "gl_maps.o");
	attach_cases();
	return o_done();
}
