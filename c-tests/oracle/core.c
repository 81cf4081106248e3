/* Oracle: CO-RE relocations against the running kernel and against a
 * btf_custom_path, libbpf 1.1.2 vs libbpfrs. The same objects
 * (c-tests/bpf/core_relo.bpf.c, core_custom.bpf.c) are loaded on each side;
 * what the programs compute is printed (process-specific values as a
 * comparison with this process), with a hash of the xlated instructions, which
 * must be identical; the unguarded poisoned access must fail the same way. */
#include "oracle.h"
#include "core_bpf.h"
#include <bpf/btf.h>

static const char *names[CORE_RES_MAX] = {
	"pid==getpid", "tgid(local layout)==getpid", "exists(task_struct___old.state)",
	"exists(task_struct.pid)", "enum PIDTYPE_MAX", "enum exists PIDTYPE_GONE",
	"type exists task_struct", "type exists libbpfrs_no_such_type", "sizeof task_struct",
	"sizeof comm", "offsetof pid", "guarded poisoned read", "bitfield+10",
	"type id task_struct", "enum64 BLAKE2B_IV1", "comm[0]==/proc/self/comm[0]",
};

/* A load's result: its return value, and errno only when it failed (a
 * successful load may leave any errno behind). */
#define LOAD(what, call)                                                            \
	do {                                                                       \
		errno = 0;                                                         \
		int __r = (call);                                                  \
		printf("%s = %d errno=%s\n", what, __r, o_errname(__r ? errno : 0)); \
	} while (0)

static void print_xlated(struct bpf_object *obj, const char *prog)
{
	unsigned cnt = 0;
	uint64_t h = core_xlated_hash(bpf_program__fd(bpf_object__find_program_by_name(obj, prog)),
				      &cnt);

	printf("%s: xlated %u insns, hash %016llx\n", prog, cnt, (unsigned long long)h);
}

static void kernel_relocations(const char *path)
{
	uint64_t r[CORE_RES_MAX] = {};
	struct bpf_object *obj = core_open(path, NULL);
	char comm[32] = "";
	FILE *f = fopen("/proc/self/comm", "r");

	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
	}
	printf("open core_relo: %s\n", obj ? "ok" : "failed");
	if (!obj)
		return;
	LOAD("load core_read", core_load_only(obj, "core_read"));
	O_INT("run core_read", core_run(obj, "core_read", r, CORE_RES_MAX));
	r[0] = r[0] == (uint64_t)getpid();
	r[1] = r[1] == (uint64_t)getpid();
	r[15] = r[15] == (uint64_t)comm[0];
	for (int i = 0; i < CORE_RES_MAX; i++)
		printf("%s = %llu\n", names[i], (unsigned long long)r[i]);
	print_xlated(obj, "core_read");
	bpf_object__close(obj);

	obj = core_open(path, NULL);
	if (!obj)
		return;
	LOAD("load core_poison (reached poisoned instruction)", core_load_only(obj, "core_poison"));
	bpf_object__close(obj);
}

static void custom_relocations(const char *path, const char *custom)
{
	for (int k = 0; k < 2; k++) {
		uint64_t r[6] = {};
		struct bpf_object *obj = core_open(path, k ? custom : NULL);

		printf("btf_custom_path %s:\n", k ? "custom" : "none");
		if (!obj)
			continue;
		LOAD("load core_offsets", core_load_only(obj, "core_offsets"));
		O_INT("run core_offsets", core_run(obj, "core_offsets", r, 6));
		for (int i = 0; i < 6; i++)
			printf("  res[%d] = %llu\n", i, (unsigned long long)r[i]);
		print_xlated(obj, "core_offsets");
		bpf_object__close(obj);
	}
}

int main(void)
{
	char relo[PATH_MAX], off[PATH_MAX], custom[PATH_MAX];

	o_require_root();
	core_init();
	if (core_build_all(relo, off, custom)) {
		printf("FAIL: could not build the CO-RE objects\n");
		core_cleanup();
		return 1;
	}
	kernel_relocations(relo);
	custom_relocations(off, custom);
	core_cleanup();
	return o_done();
}
