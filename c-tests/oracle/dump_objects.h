/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The btf_dump oracles' test objects: every c-tests/bpf/<name>.bpf.c, in name
 * order, handed to a callback that builds and dumps it (in btf_dump_objs/). */
#ifndef DUMP_OBJECTS_H
#define DUMP_OBJECTS_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "bpfobj.h"

static inline int dump_objects_by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Calls fn(dir, file) for each BPF source; prints "objects: no clang" without one. */
static inline void dump_objects_each(void (*fn)(const char *dir, const char *file))
{
	struct dirent **ents;
	char src[PATH_MAX], *slash;
	int i, n;

	if (!bpfobj_have_clang()) {
		printf("objects: no clang\n");
		return;
	}
	if (bpfobj_find_file("basic.bpf.c", src, sizeof(src)))
		return;
	slash = strrchr(src, '/');
	*slash = 0;
	mkdir("btf_dump_objs", 0700);
	n = scandir(src, &ents, NULL, dump_objects_by_name);
	for (i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);

		if (l > 6 && !strcmp(ents[i]->d_name + l - 6, ".bpf.c"))
			fn(src, ents[i]->d_name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

#endif /* DUMP_OBJECTS_H */
