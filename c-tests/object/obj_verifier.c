/* Load failures of well-formed objects: a program the verifier rejects
 * (c-tests/bpf/obj_reject.bpf.c) and a program whose CO-RE relocation has no
 * target (obj_core.bpf.c: a local-only struct, so the instruction is poisoned
 * and the verifier rejects the reachable call to helper 0xbad2310 with
 * -EINVAL; the error names it). Each: negative code with errno set in
 * both modes, a message through the print callback naming the program, no map
 * or program fd left open after the failed load, the object still closable, and
 * a second load refused with -EINVAL (as libbpf, which marks the object loaded
 * even when the load failed). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdarg.h>
#include "harness.h"
#include "obj_util.h"
#include "log_capture.h"

static char reject_path[PATH_MAX], core_path[PATH_MAX];

/* Opens path, loads it expecting -want (errno want), checks the message and fds. */
static void check_failed_load(const char *path, const char *prog, int want, int strict,
			      const char *must_contain)
{
	struct bpf_object *obj;
	int fds = h_count_fds(), err, e;

	libbpf_set_strict_mode(strict ? LIBBPF_STRICT_ALL : LIBBPF_STRICT_NONE);
	obj = bpf_object__open_file(path, NULL);
	CHECK(obj != NULL, "open %s: errno %d", path, errno);
	if (!obj)
		goto out;
	reset_msgs();
	errno = 0;
	err = bpf_object__load(obj);
	e = errno;
	CHECK(err == -want && e == want, "%s: load = %d errno %d, expected -%d", path, err, e, want);
	CHECK(n_warn >= 1, "%s: %d warnings", path, n_warn);
	CHECK(strstr(msgs, prog) != NULL, "%s: no message names %s:\n%s", path, prog, msgs);
	if (must_contain)
		CHECK(strstr(msgs, must_contain) != NULL, "%s: no \"%s\" in:\n%s", path, must_contain,
		      msgs);
	/* Nothing stays open after a failed load, not even the maps or the
	 * programs that loaded before the failing one. */
	CHECK_EQ(h_count_fds(), fds);
	struct bpf_program *p;
	bpf_object__for_each_program(p, obj)
		CHECK(bpf_program__fd(p) < 0, "%s fd %d after failed load", bpf_program__name(p),
		      bpf_program__fd(p));
	struct bpf_map *m;
	bpf_object__for_each_map(m, obj)
		CHECK_EQ(bpf_map__fd(m), -1);
	CHECK_RET(bpf_object__load(obj), -EINVAL, EINVAL);
	bpf_object__close(obj);
out:
	CHECK_EQ(h_count_fds(), fds);
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
}

/* The 0.x 4-argument bpf_prog_load on the rejected object: the load error, no
 * out-parameters written, nothing leaked. */
static void check_legacy_reject(void)
{
	struct bpf_object *obj = NULL;
	int fd = -1, fds = h_count_fds();

	reset_msgs();
	CHECK_RET(bpf_prog_load(reject_path, BPF_PROG_TYPE_UNSPEC, &obj, &fd), -EACCES, EACCES);
	CHECK(obj == NULL && fd == -1, "out-params %p %d", (void *)obj, fd);
	CHECK(strstr(msgs, "ot_bad_prog") != NULL, "message:\n%s", msgs);
	CHECK_EQ(h_count_fds(), fds);
}

int main(void)
{
	require_root();
	if (ot_init("obj_verifier") ||
	    ot_build("obj_reject.bpf.c", "reject.o", "-g", reject_path, sizeof(reject_path)) ||
	    ot_build("obj_core.bpf.c", "core.o", "-g", core_path, sizeof(core_path)))
		return ot_build_failed("obj_verifier", "could not build the objects");
	libbpf_set_print(capture);
	for (int strict = 0; strict < 2; strict++) {
		/* The verifier's own words for a direct skb->data read in a socket filter. */
		check_failed_load(reject_path, "ot_bad_prog", EACCES, strict, "invalid bpf_context access");
		check_failed_load(core_path, "ot_core_prog", EINVAL, strict, "0xbad2310");
	}
	check_legacy_reject();
	libbpf_set_print(NULL);
	ot_cleanup();
	return h_done("obj_verifier");
}
