/* The cgroup v2 hierarchy for the cgroup tests: the existing cgroup2 mount, or one
 * mounted for this process under /tmp when there is none (undone by
 * cg2_release()). Standalone (no harness.h) so the oracle programs use it too. */
#ifndef LIBBPFRS_CGROUP2_H
#define LIBBPFRS_CGROUP2_H

#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static char cg2_root[256];
static int cg2_mounted_here;

/* Fills cg2_root; 0 on success, -1 when no cgroup2 can be found or mounted. */
static inline int cg2_find(void)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;

	cg2_root[0] = 0;
	while (f && (m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(cg2_root, sizeof(cg2_root), "%s", m->mnt_dir);
			break;
		}
	if (f)
		endmntent(f);
	if (cg2_root[0])
		return 0;
	snprintf(cg2_root, sizeof(cg2_root), "/tmp/libbpfrs-cg2-%d", (int)getpid());
	if (mkdir(cg2_root, 0755) && errno != EEXIST)
		return -1;
	if (mount("none", cg2_root, "cgroup2", 0, NULL)) {
		rmdir(cg2_root);
		cg2_root[0] = 0;
		return -1;
	}
	cg2_mounted_here = 1;
	return 0;
}

/* Makes a test cgroup <root>/<name>_<pid> (cg2_find first) and writes its path
 * to `dir`: an O_DIRECTORY fd on it, or -1. The caller removes the directory,
 * then calls cg2_release(). */
static inline int cg2_make_dir(const char *name, char *dir, size_t n)
{
	if (cg2_find())
		return -1;
	snprintf(dir, n, "%s/%s_%d", cg2_root, name, (int)getpid());
	if (mkdir(dir, 0755))
		return -1;
	return open(dir, O_RDONLY | O_DIRECTORY);
}

/* Undoes a mount made by cg2_find(). */
static inline void cg2_release(void)
{
	if (cg2_mounted_here) {
		umount(cg2_root);
		rmdir(cg2_root);
		cg2_mounted_here = 0;
	}
}

#endif
