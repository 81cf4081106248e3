/* CO-RE against a btf_custom_path (c-tests/object/core_relo.c, oracle/core.c):
 * field offsets, sizes and existence of a local `task_struct` view, with no
 * memory read, so the program loads whatever target BTF it was relocated to.
 * core_custom_btf.bpf.c is the deliberately different target. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	char comm[16];
} __attribute__((preserve_access_index));

#define CORE_RES_SLOTS 6
#include "core_res.h"

SEC("syscall")
int core_offsets(void *ctx)
{
	put(0, bpf_core_field_offset(struct task_struct, pid));
	put(1, bpf_core_field_offset(struct task_struct, tgid));
	put(2, bpf_core_field_exists(struct task_struct, comm));
	put(3, bpf_core_type_size(struct task_struct));
	put(4, bpf_core_field_size(struct task_struct, tgid));
	put(5, bpf_core_type_id_kernel(struct task_struct));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
