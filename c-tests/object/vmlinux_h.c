/* A BPF program built against libbpfrs's own vmlinux.h: `bpfrs btf dump
 * /sys/kernel/btf/vmlinux format c` (not bpftool) writes it, and
 * c-tests/bpf/vh_task.bpf.c is compiled against it and include/bpf/ with
 * clang -O2 -g -target bpf -Wall -Werror. The object is loaded and its
 * tracepoint attached through libbpfrs; getppid(2) triggers it, and what it
 * read from task_struct with BPF_CORE_READ (pid, tgid, group_leader->pid,
 * real_parent->tgid, comm) must be what getpid(), getppid() and
 * PR_GET_NAME say. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <limits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "harness.h"
#include "bpfobj.h"

struct vh_seen {
	__u64 hits;
	__s32 pid;
	__s32 tgid;
	__s32 leader_pid;
	__s32 parent_tgid;
	char comm[16];
};

static char dir[96];

/* Writes <dir>/vmlinux.h with the bpfrs command beside the sources
 * (target/release/bpfrs, as c-tests/run builds it; $BPFRS overrides).
 * `src` is the BPF source's path. 0 or -1. */
static int dump_vmlinux_h(const char *src)
{
	char bpfrs[PATH_MAX], cmd[2 * PATH_MAX + 128];
	const char *env = getenv("BPFRS");

	if (env)
		snprintf(bpfrs, sizeof(bpfrs), "%s", env);
	else
		snprintf(bpfrs, sizeof(bpfrs), "%.*s/../../target/release/bpfrs",
			 (int)(strrchr(src, '/') - src), src);
	if (access(bpfrs, X_OK)) {
		fprintf(stderr, "FAIL: no bpfrs command at %s (set BPFRS=)\n", bpfrs);
		return -1;
	}
	snprintf(cmd, sizeof(cmd),
		 "'%s' btf dump /sys/kernel/btf/vmlinux format c > '%s/vmlinux.h'", bpfrs, dir);
	return system(cmd) ? -1 : 0;
}

static struct bpf_map *map_ending(struct bpf_object *obj, const char *suffix)
{
	struct bpf_map *m;
	size_t n = strlen(suffix);

	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);
		size_t l = strlen(name);

		if (l >= n && !strcmp(name + l - n, suffix))
			return m;
	}
	return NULL;
}

static void run(const char *obj_path)
{
	struct bpf_object *obj = bpf_object__open_file(obj_path, NULL);
	struct bpf_map *rodata, *bss;
	struct bpf_program *prog;
	struct bpf_link *link;
	struct vh_seen seen = {};
	char comm[17] = {};
	size_t sz = 0;
	__u32 key = 0;
	const void *init;
	__s32 want;
	long ppid, libc_ppid;

	CHECK(obj != NULL, "bpf_object__open_file(%s): errno %d", obj_path, errno);
	if (!obj)
		return;
	rodata = map_ending(obj, ".rodata");
	bss = map_ending(obj, ".bss");
	CHECK(rodata && bss, "the object has .rodata and .bss maps");
	init = rodata ? bpf_map__initial_value(rodata, &sz) : NULL;
	CHECK(init && sz == sizeof(want), ".rodata initial value: %zu bytes", sz);
	if (!init || sz != sizeof(want) || !bss)
		goto out;
	want = getpid(); /* want_tgid, .rodata's only variable */
	CHECK_EQ(bpf_map__set_initial_value(rodata, &want, sizeof(want)), 0);
	CHECK_EQ(bpf_object__load(obj), 0);
	prog = bpf_object__find_program_by_name(obj, "vh_getppid");
	CHECK(prog != NULL, "program vh_getppid");
	link = prog ? bpf_program__attach(prog) : NULL;
	CHECK(link != NULL, "bpf_program__attach: errno %d", errno);
	if (!link)
		goto out;
	ppid = syscall(SYS_getppid);
	libc_ppid = getppid(); /* each one a hit */
	CHECK_EQ(bpf_map_lookup_elem(bpf_map__fd(bss), &key, &seen), 0);
	CHECK_EQ(seen.hits, 2);
	CHECK_EQ(seen.pid, getpid()); /* the main thread: its pid is the tgid */
	CHECK_EQ(seen.tgid, getpid());
	CHECK_EQ(seen.leader_pid, getpid());
	CHECK_EQ(seen.parent_tgid, ppid);
	CHECK_EQ(seen.parent_tgid, libc_ppid);
	prctl(PR_GET_NAME, comm);
	CHECK(!strncmp(seen.comm, comm, sizeof(seen.comm)), "comm '%.16s', expected '%s'",
	      seen.comm, comm);
	CHECK_EQ(bpf_link__destroy(link), 0);
	ppid = syscall(SYS_getppid);
	CHECK_EQ(bpf_map_lookup_elem(bpf_map__fd(bss), &key, &seen), 0);
	CHECK_EQ(seen.hits, 2); /* detached: no more hits */
out:
	bpf_object__close(obj);
}

int main(void)
{
	char src[PATH_MAX], obj[PATH_MAX], flags[160];

	require_root();
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		h_skip("no /sys/kernel/btf/vmlinux");
	if (!bpfobj_have_clang())
		h_skip("clang not installed");
	if (bpfobj_find("vh_task", src, sizeof(src)) || bpfobj_tmpdir("vmlinux_h", dir, sizeof(dir))) {
		fprintf(stderr, "FAIL: cannot find vh_task.bpf.c or make a build directory\n");
		return 1;
	}
	CHECK_EQ(dump_vmlinux_h(src), 0);
	snprintf(obj, sizeof(obj), "%s/vh_task.o", dir);
	snprintf(flags, sizeof(flags), "-g -Wall -Werror -I'%s'", dir);
	CHECK(h_failed == 0 && bpfobj_compile(src, flags, obj) == 0,
	      "clang -O2 -g -target bpf -Wall -Werror against bpfrs's vmlinux.h");
	if (!h_failed)
		run(obj);
	bpfobj_rmdir(dir);
	return h_done("vmlinux_h");
}
