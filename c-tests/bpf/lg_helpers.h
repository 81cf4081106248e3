/* Old samples/bpf style helpers for the c-tests/bpf/lg_*.bpf.c objects and the
 * demo's c-tests/demo/sockex1_kern.c: SEC(),
 * the 7-field map definition of bpf_load.c, helpers as function pointers to their
 * numbers, and clang's load_byte builtin. Written for libbpfrs's legacy tests. */
#ifndef LG_HELPERS_H
#define LG_HELPERS_H

#include <linux/bpf.h>

#define SEC(NAME) __attribute__((section(NAME), used))

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

static void *(*bpf_map_lookup_elem)(void *map, void *key) = (void *)BPF_FUNC_map_lookup_elem;
static int (*bpf_map_update_elem)(void *map, void *key, void *value,
				  unsigned long long flags) = (void *)BPF_FUNC_map_update_elem;
static void (*bpf_tail_call)(void *ctx, void *map, int index) = (void *)BPF_FUNC_tail_call;
static unsigned long long (*bpf_get_current_pid_tgid)(void) =
	(void *)BPF_FUNC_get_current_pid_tgid;

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");

#endif
