/* The light-skeleton loaders of c-tests/bpf/gl_loader.bpf.c and
 * c-tests/bpf/gl_ksyms.bpf.c, for the C test (object/gen_loader.c) and the
 * oracle (oracle/gen_loader.c): the object built and put into generate mode
 * (gl_generate), the loader run as a light skeleton runs it, with
 * skel_internal.h's own bpf_load_and_run (gl_run, gl_run_ctx), and what the
 * kernel then holds read back through bpf(2) (gl_inspect): each map's info and
 * global data, each program's type and xlated length, and what the programs do
 * (the tracepoint attached by perf event, the tp_btf program by raw tracepoint,
 * the CO-RE program run by BPF_PROG_TEST_RUN); for gl_ksyms, what its programs
 * read through .ksyms externs and kfuncs (gl_ks_inspect); any object's loader
 * run on a context sized for it, its fds closed after (gl_run_any); fd 0 put on
 * /dev/null (gl_stdin_null). No harness.h needed. */
#ifndef LIBBPFRS_GL_RUN_H
#define LIBBPFRS_GL_RUN_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf/skel_internal.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bpfobj.h"

/* The object's maps and programs, in object order (the loader's descriptors). */
enum { GL_COUNTS, GL_SLOTS, GL_RODATA, GL_DATA, GL_BSS, GL_NR_MAPS };
enum { GL_ON_GETPPID, GL_ON_SYS_ENTER, GL_READ_TASK, GL_NR_PROGS };
#define GL_GETPPID_CALLS 5

/* What a light skeleton puts before its links: the context, one descriptor per
 * map, one per program. */
struct gl_ctx {
	struct bpf_loader_ctx ctx;
	struct bpf_map_desc maps[GL_NR_MAPS];
	struct bpf_prog_desc progs[GL_NR_PROGS];
};

struct gl_map_facts {
	struct bpf_map_info info;
};

struct gl_facts {
	struct gl_map_facts maps[GL_NR_MAPS];
	__u32 prog_type[GL_NR_PROGS];
	__u32 xlated_insns[GL_NR_PROGS];
	__u32 rodata_target_pid;
	__u64 data_val_before, data_val_after;
	__u64 hits, count0;
	__u64 sys_enter_seen;
	__u64 seen_pid, seen_tgid;
	int test_run, test_retval;
	int attach_tp, attach_raw_tp;
};

/* Opens `path` and turns on generate mode; NULL on failure. */
static inline struct bpf_object *gl_generate(const char *path, struct gen_loader_opts *g)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);

	if (!obj)
		return NULL;
	if (bpf_object__gen_loader(obj, g)) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

/* Runs the generated loader on context `ctx` of `sz` bytes as a light skeleton
 * does. 0 or -errno, with skel_internal.h's message in *errstr. */
static inline int gl_run_ctx(const struct gen_loader_opts *g, struct bpf_loader_ctx *ctx, __u32 sz,
			     const char **errstr)
{
	struct bpf_load_and_run_opts o = {};
	int r;

	ctx->sz = sz;
	o.ctx = ctx;
	o.data = g->data;
	o.insns = g->insns;
	o.data_sz = g->data_sz;
	o.insns_sz = g->insns_sz;
	r = bpf_load_and_run(&o);
	*errstr = o.errstr ? o.errstr : "";
	return r;
}

static inline int gl_run(const struct gen_loader_opts *g, struct gl_ctx *c, const char **errstr)
{
	return gl_run_ctx(g, &c->ctx, offsetof(struct gl_ctx, progs) + sizeof(c->progs), errstr);
}

/* The id of tracepoint syscalls/<name> from tracefs, or -1. */
static inline long gl_tp_id(const char *name)
{
	static const char *roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char p[256];
	long id = -1;
	unsigned i;

	for (i = 0; i < 2 && id < 0; i++) {
		FILE *f;

		snprintf(p, sizeof(p), "%s/events/syscalls/%s/id", roots[i], name);
		f = fopen(p, "r");
		if (!f)
			continue;
		if (fscanf(f, "%ld", &id) != 1)
			id = -1;
		fclose(f);
	}
	return id;
}

/* A perf event on syscalls/sys_enter_getppid for this process, running `prog`:
 * its fd, or -errno. */
static inline int gl_attach_tp(int prog)
{
	struct perf_event_attr a = {};
	long id = gl_tp_id("sys_enter_getppid");
	int fd;

	if (id < 0)
		return -ENOENT;
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = (__u64)id;
	a.sample_period = 1;
	a.wakeup_events = 1;
	fd = (int)syscall(__NR_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog) || ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static inline __u64 gl_lookup64(int map, __u32 key, size_t off)
{
	char v[64] = {};

	if (bpf_map_lookup_elem(map, &key, v))
		return ~0ULL;
	__u64 r;
	memcpy(&r, v + off, sizeof(r));
	return r;
}

/* Reads back what the loader created (fds in `c`) and exercises the programs. */
static inline void gl_inspect(const struct gl_ctx *c, struct gl_facts *f)
{
	int i, tp, raw;
	LIBBPF_OPTS(bpf_test_run_opts, topts);

	memset(f, 0, sizeof(*f));
	for (i = 0; i < GL_NR_MAPS; i++) {
		__u32 len = sizeof(f->maps[i].info);

		bpf_obj_get_info_by_fd(c->maps[i].map_fd, &f->maps[i].info, &len);
	}
	for (i = 0; i < GL_NR_PROGS; i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(c->progs[i].prog_fd, &info, &len)) {
			f->prog_type[i] = info.type;
			f->xlated_insns[i] = info.xlated_prog_len / 8;
		}
	}
	f->rodata_target_pid = (__u32)gl_lookup64(c->maps[GL_RODATA].map_fd, 0, 0);
	f->data_val_before = gl_lookup64(c->maps[GL_DATA].map_fd, 0, 0);

	tp = gl_attach_tp(c->progs[GL_ON_GETPPID].prog_fd);
	f->attach_tp = tp < 0 ? tp : 0;
	for (i = 0; i < GL_GETPPID_CALLS; i++)
		syscall(__NR_getppid);
	if (tp >= 0)
		close(tp);
	f->hits = gl_lookup64(c->maps[GL_BSS].map_fd, 0, 0);
	f->count0 = gl_lookup64(c->maps[GL_COUNTS].map_fd, 0, 0);

	raw = bpf_raw_tracepoint_open(NULL, c->progs[GL_ON_SYS_ENTER].prog_fd);
	f->attach_raw_tp = raw < 0 ? -errno : 0;
	syscall(__NR_getppid);
	if (raw >= 0)
		close(raw);
	f->sys_enter_seen = gl_lookup64(c->maps[GL_SLOTS].map_fd, 1, 0);

	f->test_run = bpf_prog_test_run_opts(c->progs[GL_READ_TASK].prog_fd, &topts);
	f->test_retval = (int)topts.retval;
	f->seen_tgid = gl_lookup64(c->maps[GL_BSS].map_fd, 0, 8);
	f->seen_pid = gl_lookup64(c->maps[GL_BSS].map_fd, 0, 16);
	f->data_val_after = gl_lookup64(c->maps[GL_DATA].map_fd, 0, 0);
}

/* Closes every fd the loader handed out. */
static inline void gl_close(struct gl_ctx *c)
{
	int i;

	for (i = 0; i < GL_NR_MAPS; i++)
		if (c->maps[i].map_fd > 0)
			close(c->maps[i].map_fd);
	for (i = 0; i < GL_NR_PROGS; i++)
		if (c->progs[i].prog_fd > 0)
			close(c->progs[i].prog_fd);
}

/* FNV-1a of `n` bytes, to compare generated loaders without printing them. */
static inline __u64 gl_hash(const void *p, __u32 n)
{
	const unsigned char *b = p;
	__u64 h = 0xcbf29ce484222325ULL;
	__u32 i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* Runs the loader of an object with `nr_maps` maps and `nr_progs` programs (at
 * most 8 each) on a zeroed context, then closes every fd it handed out: the
 * loader's result, or -E2BIG for a context too small. */
static inline int gl_run_any(const struct gen_loader_opts *g, int nr_maps, int nr_progs,
			     const char **errstr)
{
	struct {
		struct bpf_loader_ctx ctx;
		__u32 desc[8 * sizeof(struct bpf_map_desc) / 4 + 8];
	} c;
	struct bpf_map_desc *maps = (void *)c.desc;
	struct bpf_prog_desc *progs = (void *)(maps + nr_maps);
	int i, r;

	*errstr = "";
	if (nr_maps > 8 || nr_progs > 8)
		return -E2BIG;
	memset(&c, 0, sizeof(c));
	r = gl_run_ctx(g, &c.ctx,
		       sizeof(c.ctx) + nr_maps * sizeof(*maps) + nr_progs * sizeof(*progs), errstr);
	for (i = 0; i < nr_maps; i++)
		if (maps[i].map_fd > 0)
			close(maps[i].map_fd);
	for (i = 0; i < nr_progs; i++)
		if (progs[i].prog_fd > 0)
			close(progs[i].prog_fd);
	return r;
}

/* fd 0 on /dev/null: what a loader reads from an empty inner map slot, and
 * what libbpf 1.1.2 pins for a pinned map it generates. */
static inline void gl_stdin_null(void)
{
	int nul = open("/dev/null", O_RDONLY);

	if (nul > 0) {
		dup2(nul, 0);
		close(nul);
	}
}

/* gl_ksyms.bpf.c: its one map (.bss) and programs, in object order. */
enum { GL_KS_MAIN, GL_KS_OTHER, GL_KS_TYPED, GL_KS_NR_PROGS };

struct gl_ks_ctx {
	struct bpf_loader_ctx ctx;
	struct bpf_map_desc maps[1];
	struct bpf_prog_desc progs[GL_KS_NR_PROGS];
};

/* The programs' .bss (struct ks of gl_ksyms.bpf.c). */
struct gl_ks_out {
	__u64 start_btf, no_sym, no_var, tgid, no_kfunc;
	__u64 sub_start_btf, sub_tgid;
	__u64 other_start_btf, other_tgid;
	__u64 rq1_cpu, rq0_cpu, this_cpu_ok, active;
};

struct gl_ks_facts {
	__u32 prog_type[GL_KS_NR_PROGS];
	int test_run[GL_KS_NR_PROGS], retval[GL_KS_NR_PROGS];
	int lookup;
	struct gl_ks_out out;
};

static inline int gl_ks_run(const struct gen_loader_opts *g, struct gl_ks_ctx *c,
			    const char **errstr)
{
	return gl_run_ctx(g, &c->ctx, sizeof(*c), errstr);
}

/* Runs every program the loader loaded (BPF_PROG_TEST_RUN), then reads .bss. */
static inline void gl_ks_inspect(const struct gl_ks_ctx *c, struct gl_ks_facts *f)
{
	__u32 key = 0;
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < GL_KS_NR_PROGS; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, topts);
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (c->progs[i].prog_fd <= 0)
			continue;
		if (!bpf_obj_get_info_by_fd(c->progs[i].prog_fd, &info, &len))
			f->prog_type[i] = info.type;
		f->test_run[i] = bpf_prog_test_run_opts(c->progs[i].prog_fd, &topts);
		f->retval[i] = (int)topts.retval;
	}
	f->lookup = bpf_map_lookup_elem(c->maps[0].map_fd, &key, &f->out);
}

static inline void gl_ks_close(struct gl_ks_ctx *c)
{
	int i;

	if (c->maps[0].map_fd > 0)
		close(c->maps[0].map_fd);
	for (i = 0; i < GL_KS_NR_PROGS; i++)
		if (c->progs[i].prog_fd > 0)
			close(c->progs[i].prog_fd);
}

#endif
