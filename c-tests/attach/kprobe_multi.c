/* bpf_program__attach_kprobe_multi_opts and kprobe.multi auto-attach on the real
 * kernel (c-tests/bpf/km_multi.bpf.c): each way of naming the functions (glob
 * pattern, syms, addrs, cookies, retprobe) gets the kernel's own answer to the
 * same BPF_LINK_CREATE made directly with bpf_link_create — a link that counts
 * nanosleep calls where the kernel has kprobe.multi, its refusal (EOPNOTSUPP
 * without kprobes) where not; NULL and unloaded programs, patterns that match
 * nothing and bad opts; 200 failed or successful attaches leak no fd. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <time.h>
#include "harness.h"
#include "bpfobj.h"
#include "kallsyms.h"

static struct bpf_object *obj;
static char obj_path[512];

/* Builds and opens km_multi.bpf.c into `obj`; 0 or -1 (skips without clang). */
static int open_object(void)
{
	int r = bpfobj_build("km_multi", "km_multi.o", "-g", obj_path, sizeof(obj_path));

	if (r == 77)
		h_skip("clang not installed");
	CHECK_EQ(r, 0);
	obj = r ? NULL : bpf_object__open_file(obj_path, NULL);
	CHECK(obj != NULL, "open: %s", strerror(errno));
	return obj ? 0 : -1;
}

static struct bpf_program *P(const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	CHECK(p != NULL, "no program %s", name);
	return p;
}

/* The kernel's answer to a kprobe.multi link on `syms`: 0 (a link, closed
 * again) or the errno. */
static int kernel_answer(struct bpf_program *p, const char **syms, size_t cnt)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	int fd;

	lo.kprobe_multi.syms = syms;
	lo.kprobe_multi.cnt = cnt;
	fd = bpf_link_create(bpf_program__fd(p), 0, BPF_TRACE_KPROBE_MULTI, &lo);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static __u64 hits(void)
{
	struct bpf_map *m;
	__u64 v = 0;
	__u32 k = 0;

	bpf_object__for_each_map(m, obj)
		if (strstr(bpf_map__name(m), ".bss"))
			bpf_map_lookup_elem(bpf_map__fd(m), &k, &v);
	return v;
}

/* The attach gives a link exactly when the kernel does, else the kernel's errno;
 * a link counts nanosleep calls (for programs that count) and is destroyed. */
static void expect(const char *what, struct bpf_link *l, int kernel, int counts)
{
	int e = errno;

	if (kernel) {
		CHECK(l == NULL && e == kernel, "%s: %p errno %d, kernel says %d", what, (void *)l,
		      e, kernel);
		bpf_link__destroy(l);
		return;
	}
	CHECK(l != NULL, "%s: errno %d where the kernel makes a link", what, e);
	if (l && counts) {
		__u64 before = hits();
		struct timespec ts = { 0, 1000 };

		nanosleep(&ts, NULL);
		CHECK(hits() > before, "%s: nanosleep not counted", what);
	}
	bpf_link__destroy(l);
}

int main(void)
{
	const char *syms[] = { "do_nanosleep" };
	LIBBPF_OPTS(bpf_kprobe_multi_opts, o);
	unsigned long addr = 0;
	int kernel, i, fds;
	libbpf_print_fn_t old_print;
	struct bpf_program *p;

	require_root();
	if (open_object())
		return h_done("kprobe_multi");
	bpf_object__for_each_program(p, obj) {
		CHECK_EQ(bpf_program__type(p), BPF_PROG_TYPE_KPROBE);
		CHECK_EQ(bpf_program__expected_attach_type(p), BPF_TRACE_KPROBE_MULTI);
	}
	/* Not loaded: the kernel sees -EINVAL as the program fd. */
	errno = 0;
	CHECK(!bpf_program__attach_kprobe_multi_opts(P("km_one"), "do_nanosleep", NULL) &&
	      errno == EBADF, "unloaded: errno %d", errno);
	CHECK_RET(bpf_object__load(obj), 0, 0);
	p = P("km_one");
	kernel = kernel_answer(p, syms, 1);
	if (kernel)
		printf("note: the kernel refuses kprobe.multi links (%s); every attach must too\n",
		       strerror(kernel));

	expect("pattern", bpf_program__attach_kprobe_multi_opts(p, "do_nanosleep", NULL), kernel, 1);
	expect("glob", bpf_program__attach_kprobe_multi_opts(p, "do_nano?lee*", NULL), kernel, 1);
	o.syms = syms;
	o.cnt = 1;
	expect("syms", bpf_program__attach_kprobe_multi_opts(p, NULL, &o), kernel, 1);
	o.cookies = (__u64[]){ 7 };
	expect("syms, cookies", bpf_program__attach_kprobe_multi_opts(p, NULL, &o), kernel, 1);
	o.syms = NULL;
	o.cookies = NULL;
	addr = kallsyms_addr("do_nanosleep");
	CHECK(addr != 0, "do_nanosleep not in /proc/kallsyms");
	o.addrs = &addr;
	expect("addrs", bpf_program__attach_kprobe_multi_opts(p, NULL, &o), kernel, 1);
	o.addrs = NULL;
	o.cnt = 0;
	o.retprobe = true;
	expect("retprobe", bpf_program__attach_kprobe_multi_opts(p, "do_nanosleep", &o), kernel, 1);
	expect("auto-attach kprobe.multi/", bpf_program__attach(p), kernel, 1);
	expect("auto-attach kretprobe.multi/",
	       bpf_program__attach(P("km_glob_ret")), kernel, 0);

	/* Refused before the kernel is asked, whatever it supports. */
	CHECK(!bpf_program__attach_kprobe_multi_opts(NULL, "do_nanosleep", NULL) &&
	      errno == EINVAL, "NULL prog: errno %d", errno);
	CHECK(!bpf_program__attach_kprobe_multi_opts(p, "bpfrs_no_such_fn*", NULL) &&
	      errno == ENOENT, "no match: errno %d", errno);
	CHECK(!bpf_program__attach_kprobe_multi_opts(p, NULL, NULL) && errno == EINVAL,
	      "nothing named: errno %d", errno);
	o.retprobe = false;
	o.syms = syms;
	CHECK(!bpf_program__attach_kprobe_multi_opts(p, NULL, &o) && errno == EINVAL,
	      "cnt 0: errno %d", errno);
	o.cnt = 1;
	CHECK(!bpf_program__attach_kprobe_multi_opts(p, "do_nanosleep", &o) && errno == EINVAL,
	      "pattern and syms: errno %d", errno);
	o.sz = 1;
	CHECK(!bpf_program__attach_kprobe_multi_opts(p, NULL, &o) && errno == EINVAL,
	      "opts.sz 1: errno %d", errno);
	o.sz = sizeof(o);
	CHECK(!bpf_program__attach(P("km_bare")) && errno == EOPNOTSUPP,
	      "bare kprobe.multi: errno %d", errno);
	CHECK(!bpf_program__attach(P("km_none")) && errno == ENOENT,
	      "pattern matching nothing: errno %d", errno);
	CHECK(!bpf_program__attach(P("km_empty")) && errno == EINVAL,
	      "empty pattern: errno %d", errno);

	fds = h_count_fds();
	old_print = libbpf_set_print(NULL);
	for (i = 0; i < 100; i++) {
		bpf_link__destroy(bpf_program__attach_kprobe_multi_opts(p, NULL, &o));
		bpf_link__destroy(bpf_program__attach(p));
	}
	libbpf_set_print(old_print);
	CHECK_EQ(h_count_fds(), fds);
	bpf_object__close(obj);
	bpfobj_clean("km_multi", "km_multi.o");
	return h_done("kprobe_multi");
}
