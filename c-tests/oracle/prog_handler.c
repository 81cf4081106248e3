/* Oracle: custom SEC() handlers (libbpf_register_prog_handler and
 * libbpf_unregister_prog_handler, libbpf 1.1.2) through the system libbpf and
 * libbpfrs: handler ids, the error cases, and which callback runs when, with
 * what arguments, on an object with a custom, a fallback and a built-in section. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int setup_fn(struct bpf_program *prog, long cookie)
{
	printf("  setup %s sec=%s type=%d cookie=%ld\n", bpf_program__name(prog),
	       bpf_program__section_name(prog), bpf_program__type(prog), cookie);
	return cookie == 99 ? -EACCES : 0;
}

static int prepare_fn(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	printf("  prepare %s cookie=%ld sz=%zu eat=%d flags=%u kver_set=%d\n",
	       bpf_program__name(prog), cookie, opts->sz, opts->expected_attach_type,
	       opts->prog_flags, opts->kern_version != 0);
	return cookie == 77 ? -EPERM : 0;
}

static int attach_fn(const struct bpf_program *prog, long cookie, struct bpf_link **link)
{
	printf("  attach %s cookie=%ld\n", bpf_program__name(prog), cookie);
	*link = NULL;
	return cookie == 2 ? -ENOTTY : 0;
}

static const char *obj_path;

/* Opens, loads and auto-attaches every program of the object. */
static void run_object(const char *what)
{
	struct bpf_program *prog;
	struct bpf_object *obj;

	printf("%s:\n", what);
	errno = 0;
	obj = bpf_object__open_file(obj_path, NULL);
	printf("open = %s errno=%s\n", obj ? "ptr" : "NULL", o_errname(obj ? 0 : errno));
	if (!obj)
		return;
	bpf_object__for_each_program(prog, obj)
		printf("  prog %s type=%d\n", bpf_program__name(prog), bpf_program__type(prog));
	O_INT("load", bpf_object__load(obj));
	bpf_object__for_each_program(prog, obj)
		O_LINK("attach %s", bpf_program__attach(prog), bpf_program__name(prog));
	bpf_object__close(obj);
}

int main(void)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, full, .cookie = 1, .prog_setup_fn = setup_fn,
		    .prog_prepare_load_fn = prepare_fn, .prog_attach_fn = attach_fn);
	LIBBPF_OPTS(libbpf_prog_handler_opts, fb, .cookie = 2, .prog_setup_fn = setup_fn,
		    .prog_prepare_load_fn = prepare_fn, .prog_attach_fn = attach_fn);
	LIBBPF_OPTS(libbpf_prog_handler_opts, bad_setup, .cookie = 99, .prog_setup_fn = setup_fn);
	LIBBPF_OPTS(libbpf_prog_handler_opts, bad_prep, .cookie = 77,
		    .prog_prepare_load_fn = prepare_fn);
	struct {
		struct libbpf_prog_handler_opts o;
		long extra;
	} big = { .o = { .sz = sizeof(big) }, .extra = 1 };
	struct libbpf_prog_handler_opts tiny = { .sz = 4 };
	enum bpf_prog_type pt;
	enum bpf_attach_type at;
	char path[256];
	int a, b, c;

	o_require_root();
	setvbuf(stdout, NULL, _IOLBF, 0);
	o_build("ph_custom", "ph_custom.o", "-g", path, sizeof(path));
	obj_path = path;

	/* Without handlers: the custom sections are unknown, nothing attaches. */
	run_object("no handlers");

	O_INT("register tiny opts", libbpf_register_prog_handler("x", 1, 0, &tiny));
	O_INT("register big opts", libbpf_register_prog_handler("x", 1, 0, &big.o));
	O_INT("unregister 0", libbpf_unregister_prog_handler(0));
	O_INT("unregister -1", libbpf_unregister_prog_handler(-1));
	O_INT("unregister 12345", libbpf_unregister_prog_handler(12345));

	a = libbpf_register_prog_handler("mycustom/", BPF_PROG_TYPE_SOCKET_FILTER, 0, &full);
	printf("register mycustom/ = %d\n", a);
	O_INT("register mycustom/ again", libbpf_register_prog_handler("mycustom/",
		BPF_PROG_TYPE_XDP, 0, NULL));
	b = libbpf_register_prog_handler(NULL, BPF_PROG_TYPE_SOCKET_FILTER, 0, &fb);
	printf("register NULL = %d\n", b);
	O_INT("register NULL again", libbpf_register_prog_handler(NULL, 1, 0, NULL));
	O_INT("prog_type_by_name", libbpf_prog_type_by_name("mycustom/foo", &pt, &at));
	printf("  type=%d attach=%d\n", pt, at);
	O_INT("attach_type_by_name", libbpf_attach_type_by_name("mycustom/foo", &at));

	run_object("custom and fallback");

	O_INT("unregister mycustom/", libbpf_unregister_prog_handler(a));
	O_INT("unregister mycustom/ twice", libbpf_unregister_prog_handler(a));
	run_object("second mycustom/ and fallback");
	O_INT("unregister second mycustom/", libbpf_unregister_prog_handler(a + 1));
	O_INT("unregister NULL", libbpf_unregister_prog_handler(b));
	O_INT("unregister NULL twice", libbpf_unregister_prog_handler(b));

	c = libbpf_register_prog_handler("mycustom+", BPF_PROG_TYPE_SOCKET_FILTER, 0, &bad_setup);
	printf("register failing setup = %d\n", c);
	run_object("failing setup");
	O_INT("unregister", libbpf_unregister_prog_handler(c));

	c = libbpf_register_prog_handler("mycustom/foo", BPF_PROG_TYPE_SOCKET_FILTER, 0, &bad_prep);
	printf("register failing prepare = %d\n", c);
	run_object("failing prepare");
	O_INT("unregister", libbpf_unregister_prog_handler(c));

	run_object("handlers gone");
	return o_done();
}
