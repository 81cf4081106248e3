/* CO-RE relocations applied by bpf_object__load: c-tests/bpf/core_relo.bpf.c
 * (built against a vmlinux.h of the running kernel) reads the current task with
 * BPF_CORE_READ through the kernel's task_struct and through a local flavor with
 * another layout, asks for a field the kernel lacks (0), a renumbered and a
 * missing enumerator, type existence, sizes, a bitfield, a type id and an ENUM64
 * value; the values it stores must be what the kernel's BTF says. An unguarded
 * poisoned access fails the load with EINVAL and a message naming the 0xbad2310
 * call and the relocation; a guarded one loads. core_custom.bpf.c is relocated
 * against a btf_custom_path with a deliberately different task_struct. */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "harness.h"
#include "log_capture.h"
#include "core_bpf.h"

enum {
	R_PID, R_TGID_MINE, R_OLD_STATE_EXISTS, R_PID_EXISTS, R_PIDTYPE_MAX, R_GONE_EXISTS,
	R_TS_EXISTS, R_NO_TYPE_EXISTS, R_TS_SIZE, R_COMM_SIZE, R_PID_OFFSET, R_GUARDED,
	R_BITFIELD, R_TS_ID, R_ENUM64, R_COMM0,
};

/* What the kernel's BTF says the program should have found. */
struct expect {
	int ts_id;
	long long ts_size;
	unsigned pid_off;
	long long pidtype_max;
	unsigned long long iv1;
	int have_iv1;
};

static long long enum_value(const struct btf *btf, const char *type, const char *name, int *found)
{
	int id = btf__find_by_name(btf, type);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;

	*found = 0;
	if (!t || !(btf_is_enum(t) || btf_is_enum64(t)))
		return 0;
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *n;
		long long v;

		if (btf_is_enum(t)) {
			n = btf__name_by_offset(btf, btf_enum(t)[i].name_off);
			v = btf_enum(t)[i].val;
		} else {
			n = btf__name_by_offset(btf, btf_enum64(t)[i].name_off);
			v = (long long)btf_enum64_value(btf_enum64(t) + i);
		}
		if (n && !strcmp(n, name)) {
			*found = 1;
			return v;
		}
	}
	return 0;
}

static int expected(struct expect *x)
{
	struct btf *vm = btf__load_vmlinux_btf();
	const struct btf_type *t;
	int found;

	if (!vm)
		return -1;
	x->ts_id = btf__find_by_name_kind(vm, "task_struct", BTF_KIND_STRUCT);
	x->ts_size = btf__resolve_size(vm, x->ts_id);
	t = btf__type_by_id(vm, x->ts_id);
	for (int i = 0; t && i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(vm, btf_members(t)[i].name_off), "pid"))
			x->pid_off = btf_member_bit_offset(t, i) / 8;
	x->pidtype_max = enum_value(vm, "pid_type", "PIDTYPE_MAX", &found);
	x->iv1 = (unsigned long long)enum_value(vm, "blake2b_iv", "BLAKE2B_IV1", &x->have_iv1);
	btf__free(vm);
	return found ? 0 : -1;
}

static void kernel_relocations(const char *path)
{
	uint64_t r[CORE_RES_MAX] = {};
	struct bpf_object *obj = core_open(path, NULL);
	struct expect x = {};

	CHECK(obj != NULL, "open %s: errno %d", path, errno);
	if (!obj)
		return;
	if (expected(&x)) {
		CHECK(0, "vmlinux BTF lacks task_struct or pid_type");
		bpf_object__close(obj);
		return;
	}
	libbpf_set_print(capture);
	reset_msgs();
	CHECK_EQ(core_load_only(obj, "core_read"), 0);
	libbpf_set_print(NULL);
	CHECK_EQ(core_run(obj, "core_read", r, CORE_RES_MAX), 0);
	CHECK_EQ(r[R_PID], (uint64_t)getpid());
	CHECK_EQ(r[R_TGID_MINE], (uint64_t)getpid());
	CHECK_EQ(r[R_OLD_STATE_EXISTS], 0);
	CHECK_EQ(r[R_PID_EXISTS], 1);
	CHECK_EQ(r[R_PIDTYPE_MAX], (uint64_t)x.pidtype_max);
	CHECK_EQ(r[R_GONE_EXISTS], 0);
	CHECK_EQ(r[R_TS_EXISTS], 1);
	CHECK_EQ(r[R_NO_TYPE_EXISTS], 0);
	CHECK_EQ(r[R_TS_SIZE], (uint64_t)x.ts_size);
	CHECK_EQ(r[R_COMM_SIZE], 16);
	CHECK_EQ(r[R_PID_OFFSET], x.pid_off);
	CHECK_EQ(r[R_GUARDED], 7);
	CHECK(r[R_BITFIELD] == 10 || r[R_BITFIELD] == 11, "bitfield %llu",
	      (unsigned long long)r[R_BITFIELD]);
	CHECK_EQ(r[R_TS_ID], (uint64_t)x.ts_id);
	if (x.have_iv1)
		CHECK_EQ(r[R_ENUM64], x.iv1);
	CHECK(r[R_COMM0] >= 'a' && r[R_COMM0] <= 'z', "comm[0] %llu", (unsigned long long)r[R_COMM0]);
	/* libbpf's debug lines: candidates, matches, patches and the poisoning. */
	CHECK(strstr(msgs, "found target candidate") != NULL, "no candidate line in:\n%s", msgs);
	CHECK(strstr(msgs, "matching candidate #0 <byte_off>") != NULL, "no match line:\n%s", msgs);
	CHECK(strstr(msgs, "struct task_struct.pid (0:") != NULL, "no pid spec:\n%s", msgs);
	CHECK(strstr(msgs, "substituting insn") != NULL, "no poisoning line:\n%s", msgs);
	CHECK(strstr(msgs, "patched insn") != NULL, "no patch line:\n%s", msgs);
	CHECK_EQ(n_warn, 0);
	bpf_object__close(obj);

	/* Reached poison: the verifier refuses the call to helper 0xbad2310. */
	obj = core_open(path, NULL);
	if (!obj)
		return;
	libbpf_set_print(capture);
	reset_msgs();
	CHECK_RET(core_load_only(obj, "core_poison"), -EINVAL, EINVAL);
	libbpf_set_print(NULL);
	CHECK(strstr(msgs, "0xbad2310") != NULL, "no 0xbad2310 in:\n%s", msgs);
	CHECK(strstr(msgs, "task_struct___old.state") != NULL, "relocation not named:\n%s", msgs);
	/* The verifier log as libbpf rewrites it. */
	CHECK(strstr(msgs, "failed to resolve CO-RE relocation <byte_off>") != NULL,
	      "log not rewritten:\n%s", msgs);
	bpf_object__close(obj);
}

static void custom_relocations(const char *path, const char *custom)
{
	uint64_t r[6] = {};
	struct bpf_object *obj = core_open(path, custom);

	CHECK(obj != NULL, "open %s: errno %d", path, errno);
	if (!obj)
		return;
	CHECK_EQ(core_load_only(obj, "core_offsets"), 0);
	CHECK_EQ(core_run(obj, "core_offsets", r, 6), 0);
	CHECK_EQ(r[0], 12); /* pid */
	CHECK_EQ(r[1], 16); /* tgid */
	CHECK_EQ(r[2], 0);  /* comm */
	CHECK_EQ(r[3], 40); /* sizeof */
	CHECK_EQ(r[4], 8);  /* sizeof tgid */
	CHECK_EQ(r[5], 2);  /* the custom BTF's id */
	bpf_object__close(obj);

	/* A target BTF that cannot be read fails the load. */
	obj = core_open(path, "/nonexistent/btf");
	if (!obj)
		return;
	CHECK(core_load_only(obj, "core_offsets") < 0, "load with a missing btf_custom_path");
	bpf_object__close(obj);
}

int main(void)
{
	char relo[PATH_MAX], off[PATH_MAX], custom[PATH_MAX];

	require_root();
	core_init();
	if (core_build_all(relo, off, custom)) {
		CHECK(0, "could not build the CO-RE objects");
		core_cleanup();
		return h_done("core_relo");
	}
	kernel_relocations(relo);
	custom_relocations(off, custom);
	core_cleanup();
	return h_done("core_relo");
}
