/* /proc/kallsyms read the way libbpf reads it, for tests of typeless .ksyms
 * externs: kallsyms_addr(name) is the address of the first symbol of that name,
 * 0 when there is none (or the kernel hides addresses). */
#ifndef LIBBPFRS_KALLSYMS_H
#define LIBBPFRS_KALLSYMS_H

#include <stdio.h>
#include <string.h>

static inline unsigned long long kallsyms_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long addr, found = 0;
	char type, sym[512];

	if (!f)
		return 0;
	while (fscanf(f, "%llx %c %511s%*[^\n]\n", &addr, &type, sym) == 3) {
		if (!strcmp(sym, name)) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}

#endif
