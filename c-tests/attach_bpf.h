/* Shared by the attach/link tests (c-tests/attach_*.c, link_*.c and
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

static char at_obj_dir[64];

/* Finds c-tests/bpf/<name>.bpf.c next to __FILE__ or above the working directory. */
static int at_find_src(const char *file, const char *name, char *src, size_t n)
{
	char dir[PATH_MAX / 2];
	int i;

	snprintf(src, n, "%s", file);
	char *slash = strrchr(src, '/');
	if (slash) {
		/* c-tests/x.c or c-tests/oracle/x.c */
		*slash = 0;
		if (strlen(src) >= 7 && !strcmp(src + strlen(src) - 7, "/oracle"))
			src[strlen(src) - 7] = 0;
		snprintf(src + strlen(src), n - strlen(src), "/bpf/%s.bpf.c", name);
		if (!access(src, R_OK))
			return 0;
	}
	if (!getcwd(dir, sizeof(dir)))
		return -1;
	for (i = 0; i < 8; i++) {
		snprintf(src, n, "%s/c-tests/bpf/%s.bpf.c", dir, name);
		if (!access(src, R_OK))
			return 0;
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = 0;
	}
	return -1;
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
