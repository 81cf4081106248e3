/* Oracle: libbpf_prog_type_by_name and libbpf_attach_type_by_name for every
 * section name of libbpf 1.1's table, with and without extras, bare prefixes,
 * loose 0.x names (which 1.x rejects) and junk. Prints, per name, the return
 * value, errno and outputs of both calls, plus every message the library sends
 * to the print callback (level and text): the output must be identical under the
 * system libbpf 1.1.2 and libbpfrs. */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The list of valid names follows every unknown name: printed in full the first
 * time, then only as "(same list)" when it is byte-for-byte the same again. */
static char seen[2][4096];

static int print_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static const char *const lists[2] = { "libbpf: supported section(type) names are:",
					      "libbpf: attachable section(type) names are:" };
	char msg[4096];
	int i;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (i = 0; i < 2; i++) {
		if (strncmp(msg, lists[i], strlen(lists[i])))
			continue;
		if (!strcmp(msg, seen[i]))
			return printf("  log[%d] %s(same list)\n", level, lists[i]);
		snprintf(seen[i], sizeof(seen[i]), "%s", msg);
	}
	return printf("  log[%d] %s", level, msg);
}

/* libbpf 1.1's section names, in table order ('+' forms without the '+'). */
static const char *const table[] = {
	"socket", "sk_reuseport/migrate", "sk_reuseport", "kprobe", "uprobe",
	"uprobe.s", "kretprobe", "uretprobe", "uretprobe.s", "kprobe.multi",
	"kretprobe.multi", "ksyscall", "kretsyscall", "usdt", "tc", "classifier",
	"action", "tracepoint", "tp", "raw_tracepoint", "raw_tp",
	"raw_tracepoint.w", "raw_tp.w", "tp_btf", "fentry", "fmod_ret", "fexit",
	"fentry.s", "fmod_ret.s", "fexit.s", "freplace", "lsm", "lsm.s",
	"lsm_cgroup", "iter", "iter.s", "syscall", "xdp.frags/devmap",
	"xdp/devmap", "xdp.frags/cpumap", "xdp/cpumap", "xdp.frags", "xdp",
	"perf_event", "lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local", "sockops",
	"sk_skb/stream_parser", "sk_skb/stream_verdict", "sk_skb", "sk_msg",
	"lirc_mode2", "flow_dissector", "cgroup_skb/ingress", "cgroup_skb/egress",
	"cgroup/skb", "cgroup/sock_create", "cgroup/sock_release", "cgroup/sock",
	"cgroup/post_bind4", "cgroup/post_bind6", "cgroup/bind4", "cgroup/bind6",
	"cgroup/connect4", "cgroup/connect6", "cgroup/sendmsg4",
	"cgroup/sendmsg6", "cgroup/recvmsg4", "cgroup/recvmsg6",
	"cgroup/getpeername4", "cgroup/getpeername6", "cgroup/getsockname4",
	"cgroup/getsockname6", "cgroup/sysctl", "cgroup/getsockopt",
	"cgroup/setsockopt", "cgroup/dev", "struct_ops", "sk_lookup",
};

/* Suffixes tried after each table name. */
static const char *const suffixes[] = { "", "/", "/foo", "foo", "_x", "1", "+", ".s" };

/* Names of old objects, typos and junk. */
static const char *const extra[] = {
	"", "nonsense", "xdp_foo", "xdp_prog", "socket1", "socket/3",
	"classifier/foo", "tc/ingress", "action_x", "xdp_devmap/foo",
	"xdp_cpumap/foo", "sk_lookup/foo", "cgroup/connect", "cgroup/", "cgroup",
	"cgroup_skb", "sk_skb/", "sk_skb/stream_parser_1", "kprobe/sys_write",
	"kretprobe/sys_write+0x10", "tracepoint/syscalls/sys_enter_write",
	"raw_tracepoint/sys_enter", "tp_btf/sched_switch", "kprobe.multi/tcp_*",
	"uprobe//bin/bash:readline", "usdt/libc.so.6:libc:setjmp",
	"lsm.s/file_open", "iter/task", "iter.s/task_file", "fentry/", "tp_btf/",
	"struct_ops/tcp_init", "KPROBE/x", "Xdp", " xdp", "xdp ", "/", "+",
	"kprobe+", "kprobe//", "tp/", "tp", "tpx", "xdp/", "xdp.frags/",
	"xdp/devmap/x", "xdp.frags/devmap/x", "lsm_cgroup/socket_bind",
	"freplace/handler", "perf_event/1", "syscall1", ".text", "maps", ".maps",
	"license", "sk_msg/x", "sockops/1", "kprobe/\xff",
};

static void one(const char *name)
{
	enum bpf_prog_type pt = (enum bpf_prog_type)0x5a5a;
	enum bpf_attach_type at = (enum bpf_attach_type)0x5a5a;
	enum bpf_attach_type at2 = (enum bpf_attach_type)0x5a5a;
	int r1, e1, r2, e2;

	printf("'%s'\n", name);
	errno = 0;
	r1 = libbpf_prog_type_by_name(name, &pt, &at);
	e1 = errno;
	errno = 0;
	r2 = libbpf_attach_type_by_name(name, &at2);
	e2 = errno;
	printf("  prog_type_by_name=%d errno=%d prog_type=%#x attach=%#x\n", r1, e1,
	       (unsigned)pt, (unsigned)at);
	printf("  attach_type_by_name=%d errno=%d attach=%#x\n", r2, e2, (unsigned)at2);
}

int main(void)
{
	char name[128];
	unsigned i, j;
	int r, failed = 0;

	libbpf_set_print(print_cb);

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		for (j = 0; j < sizeof(suffixes) / sizeof(suffixes[0]); j++) {
			snprintf(name, sizeof(name), "%s%s", table[i], suffixes[j]);
			one(name);
		}
	}
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		one(extra[i]);

	/* NULL name: -EINVAL from both, nothing printed. */
	{
		enum bpf_prog_type pt = 0;
		enum bpf_attach_type at = 0;

		errno = 0;
		r = libbpf_prog_type_by_name(NULL, &pt, &at);
		printf("NULL: prog_type_by_name=%d errno=%d\n", r, errno);
		errno = 0;
		r = libbpf_attach_type_by_name(NULL, &at);
		printf("NULL: attach_type_by_name=%d errno=%d\n", r, errno);
	}

	/* NULL outputs where libbpf 1.1.2 does not dereference them: unknown names,
	 * and a known but not attachable name for attach_type_by_name. */
	errno = 0;
	r = libbpf_prog_type_by_name("nonsense", NULL, NULL);
	printf("unknown, NULL outputs: prog_type_by_name=%d errno=%d\n", r, errno);
	errno = 0;
	r = libbpf_attach_type_by_name("nonsense", NULL);
	printf("unknown, NULL output: attach_type_by_name=%d errno=%d\n", r, errno);
	errno = 0;
	r = libbpf_attach_type_by_name("kprobe/x", NULL);
	printf("kprobe, NULL output: attach_type_by_name=%d errno=%d\n", r, errno);

	/* Printing off: same results, no messages. */
	libbpf_set_print(NULL);
	one("nonsense");

#ifndef ORACLE_SYSTEM
	/* libbpf 1.1.2 dereferences NULL outputs for known names (SIGSEGV); libbpfrs
	 * returns -EINVAL and writes nothing. Checked here only, silently on success. */
	{
		enum bpf_prog_type pt = (enum bpf_prog_type)7;
		enum bpf_attach_type at = (enum bpf_attach_type)7;

		errno = 0;
		r = libbpf_prog_type_by_name("xdp", NULL, &at);
		if (r != -EINVAL || errno != EINVAL || at != 7) {
			fprintf(stderr, "FAIL: prog_type_by_name(xdp, NULL, &at) = %d errno %d\n", r, errno);
			failed = 1;
		}
		errno = 0;
		r = libbpf_prog_type_by_name("xdp", &pt, NULL);
		if (r != -EINVAL || errno != EINVAL || pt != 7) {
			fprintf(stderr, "FAIL: prog_type_by_name(xdp, &pt, NULL) = %d errno %d\n", r, errno);
			failed = 1;
		}
		errno = 0;
		r = libbpf_attach_type_by_name("xdp", NULL);
		if (r != -EINVAL || errno != EINVAL) {
			fprintf(stderr, "FAIL: attach_type_by_name(xdp, NULL) = %d errno %d\n", r, errno);
			failed = 1;
		}
	}
#endif
	return failed;
}
