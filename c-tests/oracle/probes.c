/* Oracle: libbpf_probe_bpf_prog_type / _map_type / _helper and
 * libbpf_find_vmlinux_btf_id on this kernel, through the system libbpf and
 * libbpfrs: the same type/helper/name gives the same answer and errno, for every
 * type libbpf 1.1.2 knows.
 *
 * The two differ on purpose for the types newer than libbpf 1.1.2 (its Linux 6.1
 * UAPI) that libbpfrs names: netfilter programs and arena maps. libbpf 1.1.2
 * answers -EOPNOTSUPP for them, libbpfrs probes the kernel (later libbpf releases
 * do too). For those, stdout carries the same line on both sides saying so, and
 * the libbpfrs build checks that it gave a probe's answer, 0 or 1
 * (c-tests/bpf-syscalls/probe_table.c checks that answer against real loads). */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* The first program and map type libbpf 1.1.2 does not probe, and the libbpfrs
 * names of the newer ones it does. */
#define PROG_1_1 32
#define MAP_1_1 33
static const char *const prog_new[] = { "netfilter" };
static const char *const map_new[] = { "arena" };
#define N_OF(a) (unsigned int)(sizeof(a) / sizeof(a[0]))

/* A probe of a type newer than libbpf 1.1.2: the difference said on stdout (the
 * same on both sides), the answer on stderr, checked on the libbpfrs side. */
static void newer(const char *call, const char *name, int r)
{
	printf("%s [%s]: differs on purpose: libbpf 1.1.2 says -EOPNOTSUPP, libbpfrs probes "
	       "the kernel\n",
	       call, name);
	fprintf(stderr, "%s: %s [%s] = %d\n", O_SIDE, call, name, r);
#ifndef ORACLE_SYSTEM
	o_self_check(r == 0 || r == 1, "%s [%s] = %d, want 0 or 1", call, name, r);
#endif
}

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
	char call[64];
	int x = 0;

	o_require_root();
	for (i = 0; i <= 34; i++) {
		if (i >= PROG_1_1 && i - PROG_1_1 < N_OF(prog_new)) {
			snprintf(call, sizeof(call), "probe_bpf_prog_type(%u)", i);
			newer(call, prog_new[i - PROG_1_1], libbpf_probe_bpf_prog_type(i, NULL));
			snprintf(call, sizeof(call), "probe_bpf_helper(%u, %d)", i,
				 BPF_FUNC_ktime_get_ns);
			newer(call, prog_new[i - PROG_1_1],
			      libbpf_probe_bpf_helper(i, BPF_FUNC_ktime_get_ns, NULL));
			continue;
		}
		O_INT("probe_bpf_prog_type(%u)", libbpf_probe_bpf_prog_type(i, NULL), i);
	}
	O_INT("probe_bpf_prog_type(1, opts)", libbpf_probe_bpf_prog_type(1, &x));
	for (i = 0; i <= 34; i++) {
		if (i >= MAP_1_1 && i - MAP_1_1 < N_OF(map_new)) {
			snprintf(call, sizeof(call), "probe_bpf_map_type(%u)", i);
			newer(call, map_new[i - MAP_1_1], libbpf_probe_bpf_map_type(i, NULL));
			continue;
		}
		O_INT("probe_bpf_map_type(%u)", libbpf_probe_bpf_map_type(i, NULL), i);
	}
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
