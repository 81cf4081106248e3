/* Paths that name no regular file, given to every call that reads a whole
 * file: /dev/zero (never ends), a FIFO without a writer (open and read block)
 * and a directory. Each call must answer at once (an alarm turns a hang into a
 * failure naming the call) with libbpf 1.1.2's error for the same path (a FIFO
 * as /dev/zero: libbpf 1.1.2 itself blocks on it):
 *   bpf_object__open_file, bpf_object__open   FORMAT (directory: LIBELF)
 *   btf__parse, btf__parse_split              FORMAT (directory: EIO)
 *   btf__parse_raw, btf__parse_raw_split      EPROTO (directory: EIO)
 *   btf__parse_elf, btf__parse_elf_split      FORMAT
 *   btf_custom_path, then load (fentry)       btf__parse's error
 *   bpf_program__attach_uprobe_opts(func_name) FORMAT
 * Then what the print callback received over these and other failing calls
 * (missing files, a pin under a missing directory) must read like libbpf: no
 * Rust formatting ("os error", "Some(", "None", "Ok(", "Err(", "\""), and a
 * missing object file is libbpf's exact line. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <sys/stat.h>
#include "harness.h"
#include "log_capture.h"
#include "attach_bpf.h"

#define FORMAT LIBBPF_ERRNO__FORMAT
#define LIBELF LIBBPF_ERRNO__LIBELF

static const char *calling = "setup";

static void on_alarm(int sig)
{
	static const char a[] = "FAIL: no answer within 5 s from ";

	(void)sig;
	if (write(2, a, sizeof(a) - 1) < 0 || write(2, calling, strlen(calling)) < 0 ||
	    write(2, "\n", 1) < 0)
		_exit(2);
	_exit(1);
}

/* Runs `call` under a 5 s alarm, keeping the errno it left. */
#define TIMED(what, call)                                                      \
	({                                                                     \
		calling = (what);                                              \
		alarm(5);                                                      \
		errno = 0;                                                     \
		__typeof__(call) __r = (call);                                 \
		int __e = errno;                                               \
		alarm(0);                                                      \
		errno = __e;                                                   \
		__r;                                                           \
	})

/* A pointer result: NULL (or an ERR_PTR in 0.x mode) with -want from
 * libbpf_get_error. */
#define CHECK_PTR_ERR(what, path, call, want)                                     \
	do {                                                                      \
		void *__p = TIMED(what, call);                                    \
		long __g = libbpf_get_error(__p);                                 \
		CHECK(__g == -(long)(want), "%s(%s): %ld, expected %d", what, path, \
		      __g, -(int)(want));                                         \
	} while (0)

struct special {
	const char *path;
	int obj, btf_any, btf_raw, btf_elf;
};

static void open_and_parse(const struct special *s, struct btf *base)
{
	const char *p = s->path;

	CHECK_PTR_ERR("bpf_object__open_file", p, bpf_object__open_file(p, NULL), s->obj);
	CHECK_PTR_ERR("bpf_object__open", p, bpf_object__open(p), s->obj);
	CHECK_PTR_ERR("btf__parse", p, btf__parse(p, NULL), s->btf_any);
	CHECK_PTR_ERR("btf__parse_split", p, btf__parse_split(p, base), s->btf_any);
	CHECK_PTR_ERR("btf__parse_raw", p, btf__parse_raw(p), s->btf_raw);
	CHECK_PTR_ERR("btf__parse_raw_split", p, btf__parse_raw_split(p, base), s->btf_raw);
	CHECK_PTR_ERR("btf__parse_elf", p, btf__parse_elf(p, NULL), s->btf_elf);
	CHECK_PTR_ERR("btf__parse_elf_split", p, btf__parse_elf_split(p, base), s->btf_elf);
}

/* An fentry program finds its target in btf_custom_path: load reads it. */
static void custom_btf(const char *fentry_obj, const struct special *s)
{
	LIBBPF_OPTS(bpf_object_open_opts, o, .btf_custom_path = s->path);
	struct bpf_object *obj = bpf_object__open_file(fentry_obj, &o);
	int r;

	CHECK(obj != NULL, "open at_fentry: errno %d", errno);
	if (!obj)
		return;
	r = TIMED("bpf_object__load(btf_custom_path)", bpf_object__load(obj));
	CHECK(r == -s->btf_any, "load with btf_custom_path %s: %d, expected %d", s->path, r,
	      -s->btf_any);
	bpf_object__close(obj);
}

static void uprobe(const char *path)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "main");
	struct bpf_link *l;

	l = TIMED("bpf_program__attach_uprobe_opts",
		  bpf_program__attach_uprobe_opts(at_prog("at_uprobe"), -1, path, 0, &uo));
	CHECK(libbpf_get_error(l) == -FORMAT, "attach_uprobe_opts(%s): %ld", path,
	      libbpf_get_error(l));
}

/* Other failures whose messages come from file and directory operations. */
static void other_failures(void)
{
	struct bpf_map *m = bpf_object__find_map_by_name(at_obj, "counts");
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "main");

	CHECK(bpf_object__open_file("/nonexistent_kern.o", NULL) == NULL, "opened");
	CHECK(strstr(msgs, "libbpf: elf: failed to open /nonexistent_kern.o: "
			   "No such file or directory\n") != NULL,
	      "message for a missing object:\n%s", msgs);
	CHECK(btf__parse_elf("/nonexistent.btf", NULL) == NULL, "parsed");
	CHECK(bpf_program__attach_uprobe_opts(at_prog("at_uprobe"), -1, "/nonexistent_bin", 0,
					      &uo) == NULL,
	      "attached");
	CHECK(bpf_map__pin(m, "/proc/nonexistent_dir/x") < 0, "pinned");
	CHECK(bpf_program__pin(at_prog("at_uprobe"), "/proc/nonexistent_dir/y") < 0, "pinned");
}

static void no_rust_formatting(void)
{
	static const char *const rustisms[] = { "os error", "Some(", "None", "Ok(", "Err(",
						"\\\"" };
	size_t i;

	CHECK(n_warn > 0, "no warnings captured");
	for (i = 0; i < sizeof(rustisms) / sizeof(rustisms[0]); i++)
		CHECK(strstr(msgs, rustisms[i]) == NULL, "\"%s\" in the messages:\n%s",
		      rustisms[i], msgs);
}

int main(void)
{
	char dir[64], fifo[96], fentry_obj[PATH_MAX];
	struct special cases[3];
	struct btf *base;
	int fds, i;

	require_root();
	signal(SIGALRM, on_alarm);
	libbpf_set_print(capture);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (bpfobj_tmpdir("special_files", dir, sizeof(dir)))
		h_skip("cannot make a directory under /tmp");
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	CHECK(mkfifo(fifo, 0600) == 0, "mkfifo: errno %d", errno);
	cases[0] = (struct special){ "/dev/zero", FORMAT, FORMAT, EPROTO, FORMAT };
	cases[1] = (struct special){ fifo, FORMAT, FORMAT, EPROTO, FORMAT };
	cases[2] = (struct special){ dir, LIBELF, EIO, EIO, FORMAT };
	base = btf__new_empty();
	CHECK(base != NULL, "btf__new_empty");
	if (at_open() || at_build("at_fentry", fentry_obj, sizeof(fentry_obj)))
		return h_done("special_files");
	CHECK_EQ(bpf_object__load(at_obj), 0);
	fds = h_count_fds();
	reset_msgs();
	for (i = 0; i < 3; i++) {
		open_and_parse(&cases[i], base);
		custom_btf(fentry_obj, &cases[i]);
		uprobe(cases[i].path);
	}
	/* The same in libbpf 0.x's error convention (ERR_PTR, -1). */
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	for (i = 0; i < 3; i++)
		open_and_parse(&cases[i], base);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	CHECK_EQ(h_count_fds(), fds);
	no_rust_formatting();
	reset_msgs();
	other_failures();
	no_rust_formatting();
	if (getenv("OT_VERBOSE"))
		fprintf(stderr, "%s", msgs);

	btf__free(base);
	bpf_object__close(at_obj);
	at_clean();
	unlink(fifo);
	rmdir(dir);
	return h_done("special_files");
}
