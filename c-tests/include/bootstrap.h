/* The libbpf-bootstrap style scenarios (bpf/bs_*.bpf.c through their bpftool
 * skeletons), shared by the tests of c-tests/bootstrap/ and by
 * oracle/bootstrap.c. Each bs_run_* does what the libbpf-bootstrap program of
 * that name does, fills a result struct (which the tests check) and prints what
 * it observed as normalised lines on stdout: return values and errno names, event
 * counts and fields as relations ("ppid matches getpid()"), never a pid or a time
 * as a number, so the system libbpf and libbpfrs must print the same lines.
 * Define _GNU_SOURCE before any header. The skeletons come from c-tests/run (in
 * target/c-tests/gen/, on the include path). */
#ifndef LIBBPFRS_BOOTSTRAP_H
#define LIBBPFRS_BOOTSTRAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpfobj.h"
#include "../bpf/bs_common.h"
#include "bs_bootstrap.skel.h"
#include "bs_uprobe.skel.h"

/* One observation: "<scenario>: <text>". */
static void bs_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bs_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* errno's glibc name ("EPERM"). */
static inline const char *bs_errname(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "unnamed errno";
}

/* A libbpf 1.x return (0, a count, or -errno): the value or "-ENAME". */
static inline void bs_ret(const char *what, long ret)
{
	if (ret < 0)
		bs_say("%s = -%s", what, bs_errname((int)-ret));
	else
		bs_say("%s = %ld", what, ret);
}

/* A returned pointer: "ok" or "NULL errno=ENAME". Returns `p`. */
static inline void *bs_ptr(const char *what, void *p)
{
	int e = errno;

	if (p)
		bs_say("%s = ok", what);
	else
		bs_say("%s = NULL errno=%s", what, bs_errname(e));
	return p;
}

static inline double bs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- bootstrap: exec/exit of children through a ring buffer ---------------- */

#define BS_CHILDREN 3
static const char *const bs_child_path[BS_CHILDREN] = { "/bin/true", "/bin/false", "/bin/true" };

struct bs_boot_result {
	int load, attach, n_events, n_exec, n_exit, n_foreign;
	/* Per child, in start order: seen at exec and at exit, each field right. */
	bool exec_seen[BS_CHILDREN], exec_ppid[BS_CHILDREN], exec_comm[BS_CHILDREN],
		exec_file[BS_CHILDREN];
	bool exit_seen[BS_CHILDREN], exit_ppid[BS_CHILDREN], exit_comm[BS_CHILDREN],
		exit_code[BS_CHILDREN], exit_dur[BS_CHILDREN];
	unsigned long long bss_exec, bss_exit, bss_dropped;
	pid_t pid[BS_CHILDREN];
	int code[BS_CHILDREN];
};

static int bs_boot_event(void *ctx, void *data, size_t size)
{
	struct bs_boot_result *r = ctx;
	const struct bs_event *e = data;
	const char *base;
	int i;

	if (size < sizeof(*e))
		return 0;
	r->n_events++;
	for (i = 0; i < BS_CHILDREN; i++)
		if (r->pid[i] == e->pid)
			break;
	if (i == BS_CHILDREN) {
		r->n_foreign++;
		return 0;
	}
	base = strrchr(bs_child_path[i], '/') + 1;
	if (!e->exit_event) {
		r->n_exec++;
		r->exec_seen[i] = true;
		r->exec_ppid[i] = e->ppid == getpid();
		r->exec_comm[i] = !strcmp(e->comm, base);
		r->exec_file[i] = !strcmp(e->filename, bs_child_path[i]);
	} else {
		r->n_exit++;
		r->exit_seen[i] = true;
		r->exit_ppid[i] = e->ppid == getpid();
		r->exit_comm[i] = !strcmp(e->comm, base);
		r->exit_code[i] = (int)e->exit_code == r->code[i];
		r->exit_dur[i] = e->duration_ns > 0;
	}
	return 0;
}

/* Forks and execs each of bs_child_path, waits for it; its exit status to code[]. */
static inline void bs_boot_children(struct bs_boot_result *r)
{
	int i, st;

	for (i = 0; i < BS_CHILDREN; i++) {
		r->pid[i] = fork();
		if (r->pid[i] == 0) {
			execl(bs_child_path[i], bs_child_path[i], (char *)NULL);
			_exit(127);
		}
		r->code[i] = -1;
		if (r->pid[i] > 0 && waitpid(r->pid[i], &st, 0) == r->pid[i] && WIFEXITED(st))
			r->code[i] = WEXITSTATUS(st);
	}
}

static inline void bs_boot_report(const struct bs_boot_result *r)
{
	int i;

	bs_say("bootstrap: events=%d exec=%d exit=%d not-ours=%d", r->n_events, r->n_exec,
	       r->n_exit, r->n_foreign);
	for (i = 0; i < BS_CHILDREN; i++) {
		bs_say("bootstrap: child %d %s exit status %d", i, bs_child_path[i], r->code[i]);
		bs_say("bootstrap: child %d exec: seen=%d ppid matches getpid()=%d comm=%d filename=%d",
		       i, r->exec_seen[i], r->exec_ppid[i], r->exec_comm[i], r->exec_file[i]);
		bs_say("bootstrap: child %d exit: seen=%d ppid matches getpid()=%d comm=%d exit_code matches=%d duration>0=%d",
		       i, r->exit_seen[i], r->exit_ppid[i], r->exit_comm[i], r->exit_code[i],
		       r->exit_dur[i]);
	}
	bs_say("bootstrap: bss n_exec=%llu n_exit=%llu dropped=%llu", r->bss_exec, r->bss_exit,
	       r->bss_dropped);
}

/* libbpf-bootstrap's bootstrap: returns 0 when it could run to the end. */
static inline int bs_run_bootstrap(struct bs_boot_result *r)
{
	struct bs_bootstrap *skel;
	struct ring_buffer *rb = NULL;
	double until;

	memset(r, 0, sizeof(*r));
	skel = bs_ptr("bootstrap: bs_bootstrap__open()", bs_bootstrap__open());
	if (!skel)
		return -1;
	skel->rodata->targ_ppid = getpid();
	r->load = bs_bootstrap__load(skel);
	bs_ret("bootstrap: bs_bootstrap__load()", r->load);
	if (r->load)
		goto out;
	r->attach = bs_bootstrap__attach(skel);
	bs_ret("bootstrap: bs_bootstrap__attach()", r->attach);
	if (r->attach)
		goto out;
	rb = bs_ptr("bootstrap: ring_buffer__new(rb)",
		    ring_buffer__new(bpf_map__fd(skel->maps.rb), bs_boot_event, r, NULL));
	if (!rb)
		goto out;
	bs_boot_children(r);
	until = bs_now() + 5;
	while (r->n_exec + r->n_exit < 2 * BS_CHILDREN && bs_now() < until)
		if (ring_buffer__poll(rb, 100) < 0)
			break;
	/* Anything more than expected would show up now. */
	ring_buffer__consume(rb);
	r->bss_exec = skel->bss->n_exec;
	r->bss_exit = skel->bss->n_exit;
	r->bss_dropped = skel->bss->n_dropped;
	bs_boot_report(r);
out:
	ring_buffer__free(rb);
	bs_bootstrap__destroy(skel);
	return r->load || r->attach || !rb ? -1 : 0;
}

/* ---- uprobe: entry/return probes on this binary's functions and on libc ---- */

__attribute__((noinline, used)) int bs_uprobed_add(int a, int b)
{
	__asm__ __volatile__("" ::: "memory");
	return a + b;
}

__attribute__((noinline, used)) int bs_uprobed_sub(int a, int b)
{
	__asm__ __volatile__("" ::: "memory");
	return a - b;
}

struct bs_uprobe_result {
	int load, attach, add_link, add_ret_link, atoi_link, atoi_ret_link;
	int add_a, add_b, add_ret, sub_a, sub_b, sub_ret, atoi_ret;
	unsigned add_hits, add_ret_hits, sub_hits, sub_ret_hits, atoi_hits, atoi_ret_hits;
	char atoi_arg[16];
};

/* A uprobe (or uretprobe) on `func` of `binary` for this process; 0 or -errno,
 * the link to `*l`. */
static inline int bs_uprobe_attach(const char *what, struct bpf_program *p, const char *binary,
				   const char *func, bool ret, struct bpf_link **l)
{
	LIBBPF_OPTS(bpf_uprobe_opts, o, .func_name = func, .retprobe = ret);
	int err;

	*l = bpf_program__attach_uprobe_opts(p, getpid(), binary, 0, &o);
	err = *l ? 0 : -errno;
	bs_ret(what, err);
	return err;
}

static inline void bs_uprobe_report(const struct bs_uprobe_result *r)
{
	bs_say("uprobe: bs_uprobed_add(%d, %d) = %d: hits=%u ret_hits=%u", r->add_a, r->add_b,
	       r->add_ret, r->add_hits, r->add_ret_hits);
	bs_say("uprobe: bs_uprobed_sub(%d, %d) = %d: hits=%u ret_hits=%u", r->sub_a, r->sub_b,
	       r->sub_ret, r->sub_hits, r->sub_ret_hits);
	bs_say("uprobe: atoi(\"%s\") = %d: hits=%u ret_hits=%u", r->atoi_arg, r->atoi_ret,
	       r->atoi_hits, r->atoi_ret_hits);
}

static inline int bs_run_uprobe(struct bs_uprobe_result *r)
{
	int (*volatile add)(int, int) = bs_uprobed_add, (*volatile sub)(int, int) = bs_uprobed_sub;
	int (*volatile to_int)(const char *) = atoi;
	struct bpf_link *l[4] = {};
	struct bs_uprobe *skel;
	int i;

	memset(r, 0, sizeof(*r));
	skel = bs_ptr("uprobe: bs_uprobe__open_and_load()", bs_uprobe__open_and_load());
	if (!skel) {
		r->load = -errno;
		return -1;
	}
	r->add_link = bs_uprobe_attach("uprobe: attach_uprobe_opts(uprobe_add, bs_uprobed_add)",
				       skel->progs.uprobe_add, "/proc/self/exe", "bs_uprobed_add",
				       false, &l[0]);
	r->add_ret_link = bs_uprobe_attach(
		"uprobe: attach_uprobe_opts(uretprobe_add, bs_uprobed_add, retprobe)",
		skel->progs.uretprobe_add, "/proc/self/exe", "bs_uprobed_add", true, &l[1]);
	r->atoi_link = bs_uprobe_attach("uprobe: attach_uprobe_opts(uprobe_atoi, libc.so.6:atoi)",
					skel->progs.uprobe_atoi, "libc.so.6", "atoi", false, &l[2]);
	r->atoi_ret_link = bs_uprobe_attach(
		"uprobe: attach_uprobe_opts(uretprobe_atoi, libc.so.6:atoi, retprobe)",
		skel->progs.uretprobe_atoi, "libc.so.6", "atoi", true, &l[3]);
	/* The two bs_uprobed_sub programs attach from their section names. */
	r->attach = bs_uprobe__attach(skel);
	bs_ret("uprobe: bs_uprobe__attach()", r->attach);
	for (i = 0; i < 3; i++) {
		add(i, 10 * i + 1);
		sub(100, i + 2);
	}
	to_int("4242");
	r->add_a = skel->bss->add_a;
	r->add_b = skel->bss->add_b;
	r->add_ret = skel->bss->add_ret;
	r->sub_a = skel->bss->sub_a;
	r->sub_b = skel->bss->sub_b;
	r->sub_ret = skel->bss->sub_ret;
	r->atoi_ret = skel->bss->atoi_ret;
	r->add_hits = skel->bss->add_hits;
	r->add_ret_hits = skel->bss->add_ret_hits;
	r->sub_hits = skel->bss->sub_hits;
	r->sub_ret_hits = skel->bss->sub_ret_hits;
	r->atoi_hits = skel->bss->atoi_hits;
	r->atoi_ret_hits = skel->bss->atoi_ret_hits;
	memcpy(r->atoi_arg, skel->bss->atoi_arg, sizeof(r->atoi_arg));
	r->atoi_arg[sizeof(r->atoi_arg) - 1] = 0;
	bs_uprobe_report(r);
	for (i = 0; i < 4; i++)
		bpf_link__destroy(l[i]);
	bs_uprobe__destroy(skel);
	return 0;
}

#endif
