/* Shared by the attach/link tests (c-tests/attach/attach_events.c, link_ops.c and
 * c-tests/oracle/attach.c): compiles a BPF source of c-tests/bpf/ with clang into
 * a per-process directory under /tmp. Standalone (no harness.h) so the oracle
 * programs can use it too. */
#ifndef LIBBPFRS_ATTACH_BPF_H
#define LIBBPFRS_ATTACH_BPF_H

#include <limits.h>
#include <stdio.h>
#include "bpfobj.h"

static char at_obj_dir[64];

/* Builds c-tests/bpf/<name>.bpf.c (with -g) into <dir>/<name>.o. 0 on success, 1
 * if clang is missing, -1 on a build error. */
static int at_build(const char *name, char *obj, size_t n)
{
	char src[PATH_MAX];

	if (!bpfobj_have_clang())
		return 1;
	if (bpfobj_find(name, src, sizeof(src)))
		return -1;
	if (!at_obj_dir[0] && bpfobj_tmpdir("at_obj", at_obj_dir, sizeof(at_obj_dir)))
		return -1;
	snprintf(obj, n, "%s/%s.o", at_obj_dir, name);
	return bpfobj_compile(src, "-g", obj);
}

/* Removes the build directory (call at exit). */
static void at_clean(void)
{
	bpfobj_rmdir(at_obj_dir);
}

#endif
