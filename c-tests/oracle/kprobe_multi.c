/* Oracle: bpf_program__attach_kprobe_multi_opts and the kprobe.multi /
 * kretprobe.multi auto-attach (c-tests/bpf/km_multi.bpf.c, built at run time)
 * through the system libbpf and libbpfrs: every argument check (NULL program,
 * no target, a pattern with syms/addrs/cookies/cnt, cnt 0, syms with addrs,
 * opts->sz too small or with non-zero bytes past the known fields), patterns
 * that match nothing, a program that is not loaded, and the kernel's answer
 * (EOPNOTSUPP where the kernel has no kprobes; a link elsewhere). */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kallsyms.h"

static struct bpf_object *obj;

static struct bpf_program *P(const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	o_self_check(p != NULL, "no program %s", name);
	return p;
}

static void arg_checks(struct bpf_program *p)
{
	const char *syms[] = { "do_nanosleep", "hrtimer_nanosleep" };
	unsigned long addrs[2] = { kallsyms_addr("do_nanosleep"), kallsyms_addr("hrtimer_nanosleep") };
	__u64 cookies[2] = { 1, 2 };
	LIBBPF_OPTS(bpf_kprobe_multi_opts, o);
	char big[sizeof(o) + 16];

	O_LINK("no pattern, NULL opts", bpf_program__attach_kprobe_multi_opts(p, NULL, NULL));
	O_LINK("NULL prog, no pattern", bpf_program__attach_kprobe_multi_opts(NULL, NULL, NULL));
	O_LINK("no pattern, empty opts", bpf_program__attach_kprobe_multi_opts(p, NULL, &o));
	o.syms = syms;
	O_LINK("pattern and syms", bpf_program__attach_kprobe_multi_opts(p, "do_*", &o));
	O_LINK("NULL prog, pattern and syms",
	       bpf_program__attach_kprobe_multi_opts(NULL, "do_*", &o));
	O_LINK("syms, cnt 0", bpf_program__attach_kprobe_multi_opts(p, NULL, &o));
	o.addrs = addrs;
	o.cnt = 2;
	O_LINK("syms and addrs", bpf_program__attach_kprobe_multi_opts(p, NULL, &o));
	o.syms = NULL;
	o.addrs = NULL;
	O_LINK("cnt without syms or addrs", bpf_program__attach_kprobe_multi_opts(p, NULL, &o));
	O_LINK("pattern and cnt", bpf_program__attach_kprobe_multi_opts(p, "do_*", &o));
	o.cnt = 0;
	o.cookies = cookies;
	O_LINK("pattern and cookies", bpf_program__attach_kprobe_multi_opts(p, "do_*", &o));
	o.cookies = NULL;
	o.addrs = addrs;
	O_LINK("pattern and addrs", bpf_program__attach_kprobe_multi_opts(p, "do_*", &o));
	o.addrs = NULL;
	o.sz = 4;
	O_LINK("opts.sz 4", bpf_program__attach_kprobe_multi_opts(p, "do_nanosleep", &o));
	memset(big, 0, sizeof(big));
	memcpy(big, &o, sizeof(o));
	((struct bpf_kprobe_multi_opts *)big)->sz = sizeof(big);
	O_LINK("opts.sz past the struct, zero tail",
	       bpf_program__attach_kprobe_multi_opts(p, "do_nanosleep", (void *)big));
	big[sizeof(o) + 3] = 1;
	O_LINK("opts.sz past the struct, non-zero tail",
	       bpf_program__attach_kprobe_multi_opts(p, "do_nanosleep", (void *)big));
	o.sz = sizeof(o);
	o.retprobe = true;
	((char *)&o)[offsetof(struct bpf_kprobe_multi_opts, retprobe) + 1] = 1;
	O_LINK("non-zero padding after retprobe",
	       bpf_program__attach_kprobe_multi_opts(p, "do_nanosleep", &o));
}

static void kernel_answers(struct bpf_program *p)
{
	const char *syms[] = { "do_nanosleep", "hrtimer_nanosleep" };
	unsigned long addrs[2] = { kallsyms_addr("do_nanosleep"), kallsyms_addr("hrtimer_nanosleep") };
	__u64 cookies[2] = { 1, 2 };
	LIBBPF_OPTS(bpf_kprobe_multi_opts, o);

	printf("kallsyms has the targets: %d\n", addrs[0] && addrs[1]);
	O_LINK("pattern do_nanosleep", bpf_program__attach_kprobe_multi_opts(p, "do_nanosleep", NULL));
	O_LINK("pattern hrtimer_nano*", bpf_program__attach_kprobe_multi_opts(p, "hrtimer_nano*", NULL));
	O_LINK("pattern do_nano?leep", bpf_program__attach_kprobe_multi_opts(p, "do_nano?leep", NULL));
	O_LINK("pattern matching nothing",
	       bpf_program__attach_kprobe_multi_opts(p, "bpfrs_no_such_fn*", NULL));
	O_LINK("pattern that is a prefix only",
	       bpf_program__attach_kprobe_multi_opts(p, "do_nanoslee", NULL));
	o.retprobe = true;
	O_LINK("pattern, retprobe", bpf_program__attach_kprobe_multi_opts(p, "do_nanosleep", &o));
	o.retprobe = false;
	o.syms = syms;
	o.cnt = 2;
	O_LINK("syms", bpf_program__attach_kprobe_multi_opts(p, NULL, &o));
	o.cookies = cookies;
	O_LINK("syms and cookies", bpf_program__attach_kprobe_multi_opts(p, NULL, &o));
	o.syms = NULL;
	o.addrs = addrs;
	O_LINK("addrs and cookies", bpf_program__attach_kprobe_multi_opts(p, NULL, &o));
	o.cookies = NULL;
	o.cnt = 1;
	O_LINK("addrs, cnt 1", bpf_program__attach_kprobe_multi_opts(p, NULL, &o));
}

int main(void)
{
	char path[256];
	struct bpf_program *p;

	o_require_root();
	o_stdin_devnull();
	o_build("km_multi", "km_multi.o", "-g", path, sizeof(path));

	errno = 0;
	obj = bpf_object__open_file(path, NULL);
	printf("open = %s errno=%s\n", obj ? "obj" : "NULL", obj ? "-" : o_errname(errno));
	if (!obj)
		return 1;
	bpf_object__for_each_program(p, obj)
		printf("prog %s sec %s type %d expected_attach_type %d\n", bpf_program__name(p),
		       bpf_program__section_name(p), bpf_program__type(p),
		       bpf_program__expected_attach_type(p));
	/* Not loaded yet: the checks come first, then the kernel sees no program. */
	arg_checks(P("km_one"));
	O_LINK("unloaded, pattern", bpf_program__attach_kprobe_multi_opts(P("km_one"), "do_nanosleep", NULL));
	O_LINK("unloaded, no match", bpf_program__attach_kprobe_multi_opts(P("km_one"), "bpfrs_no_such_fn", NULL));
	O_LINK("unloaded, auto-attach", bpf_program__attach(P("km_one")));
	O_INT("bpf_object__load", bpf_object__load(obj));
	arg_checks(P("km_one"));
	kernel_answers(P("km_one"));
	bpf_object__for_each_program(p, obj)
		O_LINK("bpf_program__attach(%s)", bpf_program__attach(p), bpf_program__name(p));
	bpf_object__close(obj);
	bpfobj_clean("km_multi", "km_multi.o");
	return o_done();
}
