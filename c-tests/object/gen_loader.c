/* bpf_object__gen_loader: the load of c-tests/bpf/gl_loader.bpf.c recorded as a
 * light-skeleton loader program, which then runs as skel_internal.h runs it
 * (BPF_PROG_TYPE_SYSCALL + BPF_PROG_RUN with the skeleton's context). Checks the
 * bad-input returns, that generate mode creates nothing, what the loader
 * creates (map types and sizes, a max_entries and an initial value overridden
 * through the context, .rodata frozen, program types), that the programs work
 * (tracepoint count, tp_btf target found at run time, CO-RE applied by the
 * kernel), that a failing loader closes every fd it opened, and that a skipped
 * program shifts the later descriptors as libbpf 1.1.2 does. Also builds the
 * light skeleton `bpftool gen skeleton -L` makes of the object (Debian's bpftool
 * has libbpf linked in statically, so it cannot run on libbpfrs): it compiles,
 * loads, and the loader it embeds is byte for byte the one libbpfrs generates.
 * Then c-tests/bpf/gl_ksyms.bpf.c: .ksyms externs and kfunc calls the loader
 * resolves at run time (addresses, weak symbols and kfuncs left 0, kfunc calls
 * reading the current task, a name used several times in one program), typed
 * per-CPU variables (refused by a kernel whose kallsyms lacks them), and a
 * strong kfunc the kernel lacks (the loader fails and leaks no fd). Last, as
 * libbpf 1.1.2's generate mode: a caller's inner map fd is not recorded (the
 * loader's map-in-map creation reads an empty slot), a pinned map found pinned
 * is reused and not recorded (the load fails on the count), one not pinned is
 * recorded and then pinned by its placeholder fd 0 (refused); an freplace
 * program needs its target program fd, whose BTF is read when generating. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "harness.h"
#include "gl_run.h"
#include "kallsyms.h"
#include "target_bpf.h"

static void bad_input(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct gen_loader_opts small = { .sz = 3 };
	LIBBPF_OPTS(gen_loader_opts, g);

	CHECK(obj != NULL, "open: errno %d", errno);
	if (!obj)
		return;
	/* libbpf 1.1.2: bare -EFAULT / -EINVAL, errno left alone. */
	CHECK_RET(bpf_object__gen_loader(obj, NULL), -EFAULT, 0);
	CHECK_RET(bpf_object__gen_loader(obj, &small), -EINVAL, 0);
	/* Neither switched generate mode on: this load creates the objects. */
	CHECK_EQ(bpf_object__load(obj), 0);
	CHECK(bpf_map__fd(bpf_object__find_map_by_name(obj, "counts")) > 0, "map not created");
	/* Accepted after a load (libbpf does not check), but the object cannot load again. */
	CHECK_RET(bpf_object__gen_loader(obj, &g), 0, 0);
	CHECK_RET(bpf_object__load(obj), -EINVAL, EINVAL);
	CHECK_EQ(g.insns_sz, 0);
	bpf_object__close(obj);
}

static void check_objects(const struct gl_facts *f, __u32 pid)
{
	static const __u32 types[GL_NR_MAPS] = { BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY,
						 BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_ARRAY,
						 BPF_MAP_TYPE_ARRAY };
	static const __u32 values[GL_NR_MAPS] = { 8, 8, 4, 8, 24 };
	static const __u32 progs[GL_NR_PROGS] = { BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_TRACING,
						  BPF_PROG_TYPE_SYSCALL };
	int i;

	for (i = 0; i < GL_NR_MAPS; i++) {
		CHECK_EQ(f->maps[i].info.type, types[i]);
		CHECK_EQ(f->maps[i].info.value_size, values[i]);
		CHECK(f->maps[i].info.btf_id != 0, "map %d created without BTF", i);
	}
	CHECK_EQ(f->maps[GL_COUNTS].info.max_entries, 16);
	CHECK_EQ(f->maps[GL_SLOTS].info.max_entries, 8); /* the context's override */
	CHECK(f->maps[GL_RODATA].info.map_flags & BPF_F_RDONLY_PROG, "flags %#x",
	      f->maps[GL_RODATA].info.map_flags);
	CHECK(strstr(f->maps[GL_RODATA].info.name, ".rodata") != NULL, "name %s",
	      f->maps[GL_RODATA].info.name);
	for (i = 0; i < GL_NR_PROGS; i++) {
		CHECK_EQ(f->prog_type[i], progs[i]);
		CHECK(f->xlated_insns[i] > 0, "prog %d: no xlated instructions", i);
	}
	CHECK_EQ(f->rodata_target_pid, pid); /* initial value from the context */
	CHECK_EQ(f->data_val_before, 0x1122334455667788ULL); /* the recorded one */
	CHECK_EQ(f->attach_tp, 0);
	CHECK_EQ(f->hits, GL_GETPPID_CALLS);
	CHECK_EQ(f->count0, GL_GETPPID_CALLS);
	CHECK_EQ(f->attach_raw_tp, 0);
	CHECK(f->sys_enter_seen >= 1 && f->sys_enter_seen != ~0ULL, "sys_enter seen %llu",
	      (unsigned long long)f->sys_enter_seen);
	CHECK_EQ(f->test_run, 0);
	CHECK_EQ(f->seen_pid, pid);
	CHECK_EQ(f->seen_tgid, pid);
	CHECK_EQ(f->data_val_after, 0x1122334455667789ULL);
}

static void generate_and_run(const char *path)
{
	LIBBPF_OPTS(gen_loader_opts, g);
	struct gl_ctx c = {};
	struct gl_facts f;
	struct bpf_program *p;
	struct bpf_map *m;
	const char *errstr;
	__u32 pid = (__u32)getpid(), key = 0, v = 1;
	int fds, r;
	struct bpf_object *obj = gl_generate(path, &g);

	CHECK(obj != NULL, "open/gen_loader: errno %d", errno);
	if (!obj)
		return;
	fds = h_count_fds();
	CHECK_EQ(bpf_object__load(obj), 0);
	CHECK(g.insns && g.insns_sz > 0 && g.insns_sz % 8 == 0, "insns_sz %u", g.insns_sz);
	CHECK(g.data && g.data_sz > 0 && g.data_sz % 8 == 0, "data_sz %u", g.data_sz);
	/* Generate mode created nothing in the kernel. */
	CHECK_EQ(h_count_fds(), fds);
	bpf_object__for_each_program(p, obj)
		CHECK(bpf_program__fd(p) < 0, "prog %s has an fd", bpf_program__name(p));
	bpf_object__for_each_map(m, obj)
		CHECK(bpf_map__fd(m) < 0, "map %s has an fd", bpf_map__name(m));

	c.maps[GL_RODATA].initial_value = (__u64)(unsigned long)&pid;
	c.maps[GL_SLOTS].max_entries = 8;
	r = gl_run(&g, &c, &errstr);
	if (r == -EPERM || r == -EINVAL)
		fprintf(stderr, "loader refused: %d (%s)\n", r, errstr);
	CHECK(r == 0, "bpf_load_and_run: %d (%s)", r, errstr);
	if (r == 0) {
		gl_inspect(&c, &f);
		check_objects(&f, pid);
		/* .rodata is frozen. */
		CHECK_RET(bpf_map_update_elem(c.maps[GL_RODATA].map_fd, &key, &v, 0), -EPERM, EPERM);
		gl_close(&c);
	}
	CHECK_EQ(h_count_fds(), fds);

	/* A map the kernel refuses (a hash map over 2^31 entries): the loader stops
	 * at that step with its error, and its cleanup closes the BTF it loaded. */
	memset(&c, 0, sizeof(c));
	c.maps[GL_COUNTS].max_entries = 0x80000001u;
	r = gl_run(&g, &c, &errstr);
	CHECK_EQ(r, -E2BIG);
	CHECK_EQ(c.maps[GL_COUNTS].map_fd, 0);
	CHECK_EQ(h_count_fds(), fds);
	bpf_object__close(obj);
}

/* read_task not loaded: the loader has two program loads, and (libbpf 1.1.2)
 * the fds fill the first two program descriptors. */
static void skipped_program(const char *path)
{
	LIBBPF_OPTS(gen_loader_opts, g);
	struct gl_ctx c = {};
	const char *errstr;
	int r;
	struct bpf_object *obj = gl_generate(path, &g);

	CHECK(obj != NULL, "open/gen_loader: errno %d", errno);
	if (!obj)
		return;
	bpf_program__set_autoload(bpf_object__find_program_by_name(obj, "read_task"), false);
	CHECK_EQ(bpf_object__load(obj), 0);
	r = gl_run(&g, &c, &errstr);
	CHECK(r == 0, "bpf_load_and_run: %d (%s)", r, errstr);
	CHECK(c.progs[0].prog_fd > 0 && c.progs[1].prog_fd > 0, "fds %d %d", c.progs[0].prog_fd,
	      c.progs[1].prog_fd);
	CHECK_EQ(c.progs[2].prog_fd, 0);
	gl_close(&c);
	bpf_object__close(obj);
}

/* The light skeleton's program: loads through skel_internal.h, whose
 * bpf_load_and_run it wraps to save the embedded loader to l.insns and l.data. */
static const char lskel_main[] =
	"#include <errno.h>\n"
	"#include <stdio.h>\n"
	"#include <bpf/skel_internal.h>\n"
	"static void save(const char *f, const void *p, unsigned n)\n"
	"{ FILE *o = fopen(f, \"w\"); if (o) { fwrite(p, 1, n, o); fclose(o); } }\n"
	"static int saving_load_and_run(struct bpf_load_and_run_opts *o)\n"
	"{ save(\"l.insns\", o->insns, o->insns_sz); save(\"l.data\", o->data, o->data_sz);\n"
	"  return bpf_load_and_run(o); }\n"
	"#define bpf_load_and_run saving_load_and_run\n"
	"#include \"gl.lskel.h\"\n"
	"int main(void)\n"
	"{ struct gl *s = gl__open_and_load(); int ok;\n"
	"  if (!s) return 1;\n"
	"  ok = s->maps.counts.map_fd > 0 && s->progs.read_task.prog_fd > 0 &&\n"
	"       s->data->data_val == 0x1122334455667788ULL;\n"
	"  gl__destroy(s); return ok ? 0 : 2; }\n";

static int same_file(const char *path, const char *bytes, __u32 n)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t got;

	if (!f)
		return 0;
	got = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return got == n && !memcmp(buf, bytes, n);
}

/* Removes `name` from the light skeleton's build directory `dir`. */
static void lskel_rm(const char *dir, const char *name)
{
	char f[PATH_MAX];

	snprintf(f, sizeof(f), "%.*s/%s", PATH_MAX / 2, dir, name);
	unlink(f);
}

static void light_skeleton(const char *path)
{
	LIBBPF_OPTS(gen_loader_opts, g);
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "gl");
	char dir[PATH_MAX], cmd[4 * PATH_MAX], f[PATH_MAX];
	struct bpf_object *obj;
	FILE *out;
	int r;

	if (system("command -v bpftool >/dev/null 2>&1")) {
		h_missing("bpftool not installed");
		return;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = 0;
	snprintf(f, sizeof(f), "%.*s/main.c", PATH_MAX / 2, dir);
	out = fopen(f, "w");
	CHECK(out != NULL, "%s: errno %d", f, errno);
	if (!out)
		return;
	fputs(lskel_main, out);
	fclose(out);
	snprintf(cmd, sizeof(cmd),
		 "cd '%.*s' && bpftool gen skeleton -L '%.*s' name gl > gl.lskel.h && "
		 "cc -Wall -Werror -I. main.c -o main && ./main",
		 PATH_MAX, dir, PATH_MAX, path);
	r = system(cmd);
	CHECK(r == 0, "light skeleton: %s: status %#x", cmd, r);
	/* The same object under the skeleton's name (map names derive from it). */
	obj = bpf_object__open_file(path, &oo);
	CHECK(obj != NULL && bpf_object__gen_loader(obj, &g) == 0, "gen_loader: errno %d", errno);
	if (obj) {
		CHECK_EQ(bpf_object__load(obj), 0);
		snprintf(f, sizeof(f), "%.*s/l.insns", PATH_MAX / 2, dir);
		CHECK(same_file(f, g.insns, g.insns_sz),
		      "loader instructions differ from the light skeleton's");
		snprintf(f, sizeof(f), "%.*s/l.data", PATH_MAX / 2, dir);
		CHECK(same_file(f, g.data, g.data_sz), "loader data differs from the light skeleton's");
		bpf_object__close(obj);
	}
	lskel_rm(dir, "main.c");
	lskel_rm(dir, "main");
	lskel_rm(dir, "gl.lskel.h");
	lskel_rm(dir, "l.insns");
	lskel_rm(dir, "l.data");
}

/* Generates gl_ksyms at `path` (without program `skip` when given): nothing is
 * created in the kernel, and a loader comes out. NULL on failure. */
static struct bpf_object *ks_generate(const char *path, const char *skip,
				      struct gen_loader_opts *g, int fds)
{
	struct bpf_object *obj = gl_generate(path, g);

	CHECK(obj != NULL, "open/gen_loader: errno %d", errno);
	if (!obj)
		return NULL;
	if (skip)
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, skip), false);
	CHECK_EQ(bpf_object__load(obj), 0);
	CHECK(g->insns && g->insns_sz > 0 && g->data_sz > 0, "insns_sz %u", g->insns_sz);
	CHECK_EQ(h_count_fds(), fds);
	return obj;
}

static void ksyms_run(const char *path)
{
	unsigned long long start_btf = kallsyms_addr("__start_BTF");
	LIBBPF_OPTS(gen_loader_opts, g);
	struct gl_ks_ctx c = {};
	struct gl_ks_facts f;
	const struct gl_ks_out *o = &f.out;
	const char *errstr;
	__u32 pid = (__u32)getpid();
	int fds = h_count_fds(), r;
	struct bpf_object *obj = ks_generate(path, "ks_typed", &g, fds);

	if (!obj)
		return;
	r = gl_ks_run(&g, &c, &errstr);
	CHECK(r == 0, "bpf_load_and_run: %d (%s)", r, errstr);
	if (r == 0) {
		gl_ks_inspect(&c, &f);
		CHECK_EQ(f.prog_type[GL_KS_MAIN], BPF_PROG_TYPE_SYSCALL);
		CHECK_EQ(f.test_run[GL_KS_MAIN], 0);
		CHECK_EQ(f.retval[GL_KS_MAIN], 1); /* the subprogram found the task */
		CHECK_EQ(f.test_run[GL_KS_OTHER], 0);
		CHECK_EQ(c.progs[GL_KS_TYPED].prog_fd, 0);
		CHECK_EQ(f.lookup, 0);
		/* Typeless: the address /proc/kallsyms shows, each time it is used. */
		CHECK(start_btf != 0, "__start_BTF not in /proc/kallsyms");
		CHECK_EQ(o->start_btf, start_btf);
		CHECK_EQ(o->sub_start_btf, start_btf);
		CHECK_EQ(o->other_start_btf, start_btf);
		/* Weak and missing: 0, and the weak kfunc's call was dropped. */
		CHECK_EQ(o->no_sym, 0);
		CHECK_EQ(o->no_var, 0);
		CHECK_EQ(o->no_kfunc, 2);
		/* bpf_task_from_pid/bpf_task_release in both programs and the subprogram. */
		CHECK_EQ(o->tgid, pid);
		CHECK_EQ(o->sub_tgid, pid);
		CHECK_EQ(o->other_tgid, pid);
		gl_ks_close(&c);
	}
	CHECK_EQ(h_count_fds(), fds);
	bpf_object__close(obj);
}

/* ks_typed's runqueues and bpf_prog_active: the loader finds their BTF ids, but
 * the verifier also looks their address up in kallsyms, which holds data
 * symbols only with CONFIG_KALLSYMS_ALL. Without it: ENOENT, with the
 * verifier's word for it. With it, the load still fails: libbpf 1.1.2's loader
 * turns the second reference to a vmlinux variable into a plain ld_imm64 (it
 * tests the module BTF fd, 0 for vmlinux, for "found"), which
 * bpf_this_cpu_ptr refuses. */
static void ksyms_typed(const char *path)
{
	static char log[1 << 16];
	LIBBPF_OPTS(gen_loader_opts, g);
	struct gl_ks_ctx c = {};
	const char *errstr;
	int fds = h_count_fds(), r, i;
	struct bpf_object *obj = ks_generate(path, NULL, &g, fds);

	if (!obj)
		return;
	c.ctx.log_level = 1;
	c.ctx.log_size = sizeof(log);
	c.ctx.log_buf = (__u64)(unsigned long)log;
	r = gl_ks_run(&g, &c, &errstr);
	if (!kallsyms_addr("runqueues")) {
		CHECK_EQ(r, -ENOENT);
		CHECK(strstr(log, "failed to find the address for kernel symbol 'runqueues'") != NULL,
		      "verifier log: %.300s", log);
	} else {
		CHECK(r < 0, "bpf_load_and_run: %d", r);
	}
	for (i = 0; i < GL_KS_NR_PROGS; i++)
		CHECK_EQ(c.progs[i].prog_fd, 0);
	CHECK_EQ(h_count_fds(), fds);
	bpf_object__close(obj);
}

/* A strong kfunc no kernel has: generated (libbpf 1.1.2 leaves the lookup to
 * the loader), then the loader stops at that lookup with ENOENT, after loading
 * ks_main, whose fd its cleanup closes. */
static void ksyms_strong_kfunc(const char *path)
{
	LIBBPF_OPTS(gen_loader_opts, g);
	struct gl_ks_ctx c = {};
	const char *errstr;
	int fds = h_count_fds(), r;
	struct bpf_object *obj = ks_generate(path, "ks_typed", &g, fds);

	if (!obj)
		return;
	r = gl_ks_run(&g, &c, &errstr);
	CHECK_EQ(r, -ENOENT);
	CHECK_EQ(c.progs[GL_KS_MAIN].prog_fd, 0);
	CHECK_EQ(c.maps[0].map_fd, 0);
	CHECK_EQ(h_count_fds(), fds);
	bpf_object__close(obj);
}

/* A strong typeless symbol /proc/kallsyms lacks: no loader (libbpf 1.1.2
 * resolves typeless symbols when generating). */
static void ksyms_strong_sym(const char *path)
{
	LIBBPF_OPTS(gen_loader_opts, g);
	struct bpf_object *obj = gl_generate(path, &g);

	CHECK(obj != NULL, "open/gen_loader: errno %d", errno);
	if (!obj)
		return;
	CHECK_RET(bpf_object__load(obj), -ESRCH, ESRCH);
	CHECK_EQ(g.insns_sz, 0);
	bpf_object__close(obj);
}

static void ksyms(void)
{
	static const struct {
		const char *out, *flags;
		void (*run)(const char *path);
	} cases[] = {
		{ "gl_ksyms.o", "-g", ksyms_run },
		{ "gl_ksyms.o", "-g", ksyms_typed },
		{ "gl_ks_kfunc.o", "-g -DGL_KS_STRONG_KFUNC", ksyms_strong_kfunc },
		{ "gl_ks_sym.o", "-g -DGL_KS_STRONG_SYM", ksyms_strong_sym },
	};
	char path[PATH_MAX];
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = bpfobj_build("gl_ksyms", cases[i].out, cases[i].flags, path, sizeof(path));

		CHECK_EQ(r, 0);
		if (!r)
			cases[i].run(path);
		bpfobj_clean("gl_ksyms", cases[i].out);
	}
}

/* The loader of `o` (closed here) after its load returned `want_load`: its
 * run's result, or 1 when there is no loader. */
static int gen_load_run(struct bpf_object *o, int want_load, int nr_maps, int nr_progs)
{
	LIBBPF_OPTS(gen_loader_opts, g);
	const char *errstr;
	int r = 1;

	CHECK(o != NULL, "open: errno %d", errno);
	if (!o)
		return 1;
	CHECK_EQ(bpf_object__gen_loader(o, &g), 0);
	CHECK_EQ(bpf_object__load(o), want_load);
	if (g.insns_sz)
		r = gl_run_any(&g, nr_maps, nr_progs, &errstr);
	bpf_object__close(o);
	return r;
}

static void maps_cases(void)
{
	char path[PATH_MAX], root[64], pin[96];
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = root);
	struct bpf_object *o;
	int fds, fd, r = bpfobj_build("gl_maps", "gl_maps.o", "-g", path, sizeof(path));

	CHECK_EQ(r, 0);
	if (r)
		return;
	/* fd 0 is what the loader reads from the empty inner map slot, and what
	 * the generator pins. */
	gl_stdin_null();
	snprintf(root, sizeof(root), "/sys/fs/bpf/gl_maps_%d", (int)getpid());
	snprintf(pin, sizeof(pin), "%s/gl_pinned", root);

	fds = h_count_fds();
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, NULL);
	o = bpf_object__open_file(path, &oo);
	if (o) {
		bpf_map__set_pin_path(bpf_object__find_map_by_name(o, "gl_pinned"), NULL);
		CHECK_EQ(bpf_map__set_inner_map_fd(bpf_object__find_map_by_name(o, "gl_outer"), fd), 0);
	}
	/* /dev/null as the inner map: the kernel refuses the outer map. */
	CHECK_EQ(gen_load_run(o, 0, 2, 1), -EINVAL);
	close(fd);
	CHECK_EQ(h_count_fds(), fds);

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, NULL);
	CHECK_EQ(mkdir(root, 0700), 0);
	CHECK_EQ(bpf_obj_pin(fd, pin), 0);
	close(fd);
	CHECK_EQ(gen_load_run(bpf_object__open_file(path, &oo), -EFAULT, 2, 1), 1);
	unlink(pin);
	CHECK_EQ(h_count_fds(), fds);

	CHECK_EQ(gen_load_run(bpf_object__open_file(path, &oo), -EINVAL, 2, 1), 1);
	CHECK(access(pin, F_OK) != 0, "%s pinned", pin);
	/* libbpf 1.1.2 then closes fd 0, which it does not own; libbpfrs does not. */
	CHECK(fcntl(0, F_GETFD) != -1, "fd 0 closed");
	CHECK_EQ(h_count_fds(), fds);
	rmdir(root);
	bpfobj_clean("gl_maps", "gl_maps.o");
}

static void attach_cases(void)
{
	char target[PATH_MAX], ext[PATH_MAX];
	struct bpf_program *p;
	struct bpf_object *t, *o;
	int r = tg_build(target, ext, sizeof(target)), tfd, want, fds;

	CHECK_EQ(r, 0);
	if (r)
		return;
	t = bpf_object__open_file(target, NULL);
	CHECK(t != NULL && bpf_object__load(t) == 0, "target: errno %d", errno);
	tfd = t ? bpf_program__fd(bpf_object__next_program(t, NULL)) : -1;
	fds = h_count_fds();
	/* No target program fd: refused when generating. */
	o = tg_open_only(ext, "tg_new", &p);
	CHECK_EQ(gen_load_run(o, -EINVAL, 0, 5), 1);
	/* With it: generated with the function's id in the target's BTF but without
	 * the fd, so the kernel cannot take it for a program function; a kernel that
	 * refuses extension programs outright says EPERM first. */
	want = tg_kernel_refuses(BPF_PROG_TYPE_EXT, 0) ? -EPERM : -EINVAL;
	o = tg_open_only(ext, "tg_new", &p);
	if (o)
		CHECK_EQ(bpf_program__set_attach_target(p, tfd, NULL), 0);
	r = gen_load_run(o, 0, 0, 5);
	if (want == -EPERM)
		CHECK_EQ(r, -EPERM);
	else
		CHECK(r < 0, "freplace loader: %d", r);
	CHECK_EQ(h_count_fds(), fds);
	bpf_object__close(t);
	tg_clean();
}

int main(void)
{
	char path[PATH_MAX];
	int r;

	require_root();
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		h_skip("no /sys/kernel/btf/vmlinux");
	r = bpfobj_build("gl_loader", "gl_loader.o", "-g", path, sizeof(path));
	if (r == 77)
		h_skip("clang not installed");
	CHECK_EQ(r, 0);
	if (r)
		return h_done("gen_loader");
	bad_input(path);
	generate_and_run(path);
	skipped_program(path);
	light_skeleton(path);
	bpfobj_clean("gl_loader", "gl_loader.o");
	ksyms();
	maps_cases();
	attach_cases();
	return h_done("gen_loader");
}
