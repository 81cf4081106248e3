/* Shared by the attach/link tests (c-tests/attach/attach_events.c, link_ops.c and
 * c-tests/oracle/attach.c): compiles a BPF source of c-tests/bpf/ with clang into
 * a per-process directory under /tmp. Standalone (no harness.h) so the oracle
 * programs can use it too. */
#ifndef LIBBPFRS_ATTACH_BPF_H
#define LIBBPFRS_ATTACH_BPF_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bpfobj.h"

static char at_obj_dir[64];

/* Finds c-tests/bpf/<name>.bpf.c (bpfobj.h); `file` is the includer's __FILE__,
 * kept for the callers' signature. */
static int at_find_src(const char *file, const char *name, char *src, size_t n)
{
	(void)file;
	return bpfobj_find(name, src, n);
}

/* Builds <name>.bpf.c into <dir>/<name>.o. 0 on success, 1 if clang is missing,
 * -1 on a build error. */
static int at_build(const char *file, const char *name, char *obj, size_t n)
{
	char src[PATH_MAX], cmd[3 * PATH_MAX];

	if (system("command -v clang >/dev/null 2>&1") != 0)
		return 1;
	if (at_find_src(file, name, src, sizeof(src)))
		return -1;
	if (!at_obj_dir[0]) {
		snprintf(at_obj_dir, sizeof(at_obj_dir), "/tmp/at_obj.%d", (int)getpid());
		if (mkdir(at_obj_dir, 0700) && errno != EEXIST)
			return -1;
	}
	snprintf(obj, n, "%s/%s.o", at_obj_dir, name);
	snprintf(cmd, sizeof(cmd),
		 "clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c '%s' -o '%s'",
		 src, obj);
	return system(cmd) ? -1 : 0;
}

/* Removes the build directory (call at exit). */
static void at_clean(void)
{
	char cmd[128];

	if (!at_obj_dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", at_obj_dir);
	if (system(cmd)) {
	}
}

#endif
