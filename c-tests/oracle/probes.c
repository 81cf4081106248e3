/* Oracle: libbpf_probe_bpf_prog_type / _map_type / _helper and
 * libbpf_find_vmlinux_btf_id on this kernel, through the system libbpf and
 * libbpfrs: the same type/helper/name gives the same answer and errno. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int main(void)
{
	static const int progs[] = { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_KPROBE,
				     BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_TRACING,
				     BPF_PROG_TYPE_CGROUP_SKB };
	static const char *names[] = { "bpf_fentry_test1", "sys_enter", "task",
				       "no_such_function_xyz", "" };
	static const int atypes[] = { BPF_TRACE_FENTRY, BPF_TRACE_RAW_TP, BPF_TRACE_ITER,
				      BPF_LSM_MAC, BPF_CGROUP_INET_INGRESS };
	unsigned int i, j;
	int x = 0;

	o_require_root();
	for (i = 0; i <= 34; i++)
		O_INT("probe_bpf_prog_type(%u)", libbpf_probe_bpf_prog_type(i, NULL), i);
	O_INT("probe_bpf_prog_type(1, opts)", libbpf_probe_bpf_prog_type(1, &x));
	for (i = 0; i <= 34; i++)
		O_INT("probe_bpf_map_type(%u)", libbpf_probe_bpf_map_type(i, NULL), i);
	O_INT("probe_bpf_map_type(1, opts)", libbpf_probe_bpf_map_type(1, &x));
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		for (j = 0; j <= 215; j += (progs[i] == BPF_PROG_TYPE_SOCKET_FILTER ? 1 : 7))
			O_INT("probe_bpf_helper(%d, %u)", libbpf_probe_bpf_helper(progs[i], j, NULL),
			      progs[i], j);
	O_INT("probe_bpf_helper(1, 1, opts)", libbpf_probe_bpf_helper(1, 1, &x));
	O_INT("probe_bpf_helper(99, 1)", libbpf_probe_bpf_helper(99, 1, NULL));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (j = 0; j < sizeof(atypes) / sizeof(atypes[0]); j++) {
			int id = libbpf_find_vmlinux_btf_id(names[i], atypes[j]);
			printf("find_vmlinux_btf_id(\"%s\", %d) = %s errno=%s\n", names[i], atypes[j],
			       id > 0 ? "id" : (id == 0 ? "0" : "neg"),
			       id < 0 ? o_errname(errno) : "-");
			if (id < 0)
				printf("  ret %d\n", id);
		}
	return o_done();
}
