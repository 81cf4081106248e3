/* The ksym part of selftests' tools/testing/selftests/bpf/trace_helpers.h (v4.18
 * on; ksym_get_addr from v5.3, read_trace_pipe from v5.9): what a samples/bpf
 * client of v4.18-v5.10 includes next to bpf_load.h, with the functions defined
 * by its own trace_helpers.c. Same include guard and declarations. */
#ifndef __TRACE_HELPER_H
#define __TRACE_HELPER_H

#include <bpf/libbpf.h>

struct ksym {
	long addr;
	char *name;
};

int load_kallsyms(void);
struct ksym *ksym_search(long key);
long ksym_get_addr(const char *name);

void read_trace_pipe(void);

#endif
