/* The feature probes against the kernel itself: for every program type and map
 * type the library names (libbpf_bpf_prog_type_str / _map_type_str, from 0 up to
 * the first NULL), this test does the real thing with bpf(2) directly, with what
 * that type needs: its expected attach type, a real attach target (a vmlinux
 * function for tracing and LSM programs, a struct_ops member, a program of our own
 * with BTF for extensions), BTF-typed keys for local storage, an inner map for
 * map-in-map, an mmapable page for an arena, ... Then:
 *   - libbpf_probe_bpf_prog_type / _map_type must say 1 exactly when the real load
 *     or create succeeded, and 0 when the kernel refused it (a machine under
 *     lockdown refuses tracing, LSM and extension programs with EPERM: that is the
 *     machine's answer, and the probe must give it too);
 *   - libbpf_probe_bpf_helper, for each program type that loads here and whose
 *     helpers libbpf probes, must say 1 exactly when a program of that type calling
 *     the helper (all of them take no argument) loads;
 *   - one past the names table, every probe says -EOPNOTSUPP.
 * BPF_MAP_TYPE_UNSPEC is not a map type: libbpf answers -EOPNOTSUPP and the kernel
 * refuses it. The table of what loads here is printed. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "harness.h"
#include "insns.h"

/* Values newer than the system's linux/bpf.h (Linux 6.1). */
#define PROG_NETFILTER 32 /* Linux 6.4 */
#define ATTACH_NETFILTER 45
#define MAP_CGRP_STORAGE 32 /* Linux 6.2 */
#define MAP_ARENA 33	     /* Linux 6.9 */

static long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(__NR_bpf, cmd, a, sizeof(*a));
}

/* ---- vmlinux BTF, read here rather than through the library ---- */

static struct {
	char *data;
	const char *types, *strs;
	__u32 *off; /* offset of type id i in types */
	__u32 n;
} vb;

static size_t btf_rec_extra(const struct btf_type *t)
{
	__u16 vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
		return sizeof(__u32);
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	default:
		return 0;
	}
}

static int vmlinux_btf_read(void)
{
	const struct btf_header *h;
	struct stat st;
	__u32 pos, cap = 1 << 16;
	size_t got = 0;
	ssize_t r;
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return -1;
	/* sysfs reports the size of the blob. */
	vb.data = malloc(st.st_size + 1);
	while (vb.data && (r = read(fd, vb.data + got, st.st_size - got)) > 0)
		got += r;
	close(fd);
	if (!vb.data || got < sizeof(*h))
		return -1;
	h = (const struct btf_header *)vb.data;
	vb.types = vb.data + h->hdr_len + h->type_off;
	vb.strs = vb.data + h->hdr_len + h->str_off;
	vb.off = malloc(cap * sizeof(*vb.off));
	vb.n = 1; /* id 0 is void */
	for (pos = 0; vb.off && pos < h->type_len; vb.n++) {
		const struct btf_type *t = (const void *)(vb.types + pos);

		if (vb.n == cap)
			vb.off = realloc(vb.off, (cap *= 2) * sizeof(*vb.off));
		if (!vb.off)
			return -1;
		vb.off[vb.n] = pos;
		pos += sizeof(*t) + btf_rec_extra(t);
	}
	return vb.off ? 0 : -1;
}

static const struct btf_type *vb_type(__u32 id)
{
	return (const void *)(vb.types + vb.off[id]);
}

/* The id of the type of `kind` named `name`, 0 if none. */
static __u32 vb_find(const char *name, int kind)
{
	__u32 id;

	for (id = 1; id < vb.n; id++) {
		const struct btf_type *t = vb_type(id);

		if (BTF_INFO_KIND(t->info) == kind && !strcmp(vb.strs + t->name_off, name))
			return id;
	}
	return 0;
}

/* The index of member `name` of struct `id`, -1 if none. */
static int vb_member(__u32 id, const char *name)
{
	const struct btf_type *t = vb_type(id);
	const struct btf_member *m = (const void *)(t + 1);
	int i;

	for (i = 0; i < BTF_INFO_VLEN(t->info); i++)
		if (!strcmp(vb.strs + m[i].name_off, name))
			return i;
	return -1;
}

/* ---- a BTF of our own: [1] int, [2] int (void), [3] global func "f" ---- */

static int own_btf_load(void)
{
	static const __u32 types[] = {
		1, BTF_KIND_INT << 24, 4, (BTF_INT_SIGNED << 24) | 32,
		0, BTF_KIND_FUNC_PROTO << 24, 1,
		5, (BTF_KIND_FUNC << 24) | BTF_FUNC_GLOBAL, 2,
	};
	static const char strs[] = "\0int\0f";
	struct {
		struct btf_header h;
		__u32 types[sizeof(types) / 4];
		char strs[sizeof(strs)];
	} __attribute__((packed)) blob = {
		.h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(blob.h),
		       .type_len = sizeof(types), .str_off = sizeof(types),
		       .str_len = sizeof(strs) },
	};
	union bpf_attr a;

	memcpy(blob.types, types, sizeof(types));
	memcpy(blob.strs, strs, sizeof(strs));
	memset(&a, 0, sizeof(a));
	a.btf = (unsigned long)&blob;
	a.btf_size = sizeof(blob);
	return sys_bpf(BPF_BTF_LOAD, &a);
}

/* ---- programs ---- */

enum target { T_NONE, T_KFUNC, T_STRUCT_OPS, T_OWN_PROG };

struct prog_need {
	const char *name;
	int attach;		/* expected_attach_type */
	enum target target;
	const char *what;	/* the vmlinux function or struct_ops type */
	const char *member;	/* the struct_ops member implemented */
	__u32 flags;
};

/* Indexed by enum bpf_prog_type. */
static const struct prog_need progs[] = {
	{ "unspec" },
	{ "socket_filter" },
	{ "kprobe" },
	{ "sched_cls" },
	{ "sched_act" },
	{ "tracepoint" },
	{ "xdp" },
	{ "perf_event" },
	{ "cgroup_skb" },
	{ "cgroup_sock" },
	{ "lwt_in" },
	{ "lwt_out" },
	{ "lwt_xmit" },
	{ "sock_ops" },
	{ "sk_skb" },
	{ "cgroup_device" },
	{ "sk_msg" },
	{ "raw_tracepoint" },
	{ "cgroup_sock_addr", BPF_CGROUP_INET4_CONNECT },
	{ "lwt_seg6local" },
	{ "lirc_mode2", BPF_LIRC_MODE2 },
	{ "sk_reuseport" },
	{ "flow_dissector" },
	{ "cgroup_sysctl" },
	{ "raw_tracepoint_writable" },
	{ "cgroup_sockopt", BPF_CGROUP_GETSOCKOPT },
	{ "tracing", BPF_TRACE_FENTRY, T_KFUNC, "bpf_fentry_test1" },
	{ "struct_ops", 0, T_STRUCT_OPS, "tcp_congestion_ops", "ssthresh" },
	{ "ext", 0, T_OWN_PROG },
	{ "lsm", BPF_LSM_MAC, T_KFUNC, "bpf_lsm_file_open" },
	{ "sk_lookup", BPF_SK_LOOKUP },
	{ "syscall", 0, T_NONE, NULL, NULL, BPF_F_SLEEPABLE },
	{ "netfilter", ATTACH_NETFILTER },
};
#define N_PROGS (int)(sizeof(progs) / sizeof(progs[0]))

static char log_buf[65536];

/* Loads `insns` as `type` with what it needs: the fd or -errno; *setup_ok = 0
 * when what it needs (an attach target) is missing here. */
static int real_prog_load(int type, const struct bpf_insn *insns, __u32 n, int *setup_ok)
{
	const struct prog_need *p = &progs[type];
	struct bpf_func_info fi = { .insn_off = 0, .type_id = 3 };
	union bpf_attr a;
	int btf_fd = -1, tgt_fd = -1, fd;

	*setup_ok = 1;
	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (unsigned long)insns;
	a.insn_cnt = n;
	a.license = (unsigned long)"GPL";
	a.expected_attach_type = p->attach;
	a.prog_flags = p->flags;
	a.log_buf = (unsigned long)log_buf;
	a.log_size = sizeof(log_buf);
	a.log_level = 1;
	log_buf[0] = 0;
	if (p->target == T_KFUNC) {
		a.attach_btf_id = vb_find(p->what, BTF_KIND_FUNC);
	} else if (p->target == T_STRUCT_OPS) {
		a.attach_btf_id = vb_find(p->what, BTF_KIND_STRUCT);
		a.expected_attach_type = a.attach_btf_id ? vb_member(a.attach_btf_id, p->member) : -1;
	} else if (p->target == T_OWN_PROG) {
		/* The extension replaces global function "f" of a sched_cls program, and
		 * says with the same BTF that it has that function's type. */
		union bpf_attr t = a;

		btf_fd = own_btf_load();
		t.prog_type = BPF_PROG_TYPE_SCHED_CLS;
		t.prog_btf_fd = btf_fd;
		t.func_info = (unsigned long)&fi;
		t.func_info_rec_size = sizeof(fi);
		t.func_info_cnt = 1;
		t.log_level = 0;
		t.log_buf = 0;
		t.log_size = 0;
		tgt_fd = btf_fd < 0 ? -1 : sys_bpf(BPF_PROG_LOAD, &t);
		a.prog_btf_fd = btf_fd;
		a.func_info = (unsigned long)&fi;
		a.func_info_rec_size = sizeof(fi);
		a.func_info_cnt = 1;
		a.attach_prog_fd = tgt_fd;
		a.attach_btf_id = 3;
	}
	if ((p->target == T_KFUNC || p->target == T_STRUCT_OPS) && !a.attach_btf_id)
		*setup_ok = 0;
	if (p->target == T_STRUCT_OPS && (int)a.expected_attach_type < 0)
		*setup_ok = 0;
	if (p->target == T_OWN_PROG && tgt_fd < 0)
		*setup_ok = 0;
	fd = *setup_ok ? sys_bpf(BPF_PROG_LOAD, &a) : -1;
	if (fd < 0)
		fd = -errno;
	if (tgt_fd >= 0)
		close(tgt_fd);
	if (btf_fd >= 0)
		close(btf_fd);
	return fd;
}

/* libbpf does not probe the helpers of these (each needs an attach target). */
static int helpers_unprobed(int type)
{
	return type == BPF_PROG_TYPE_TRACING || type == BPF_PROG_TYPE_EXT ||
	       type == BPF_PROG_TYPE_LSM || type == BPF_PROG_TYPE_STRUCT_OPS;
}

/* Helpers without arguments (so a call then "r0 = 0" is a whole valid program
 * where the helper is allowed), and one id no kernel has. */
static const int helpers[] = { BPF_FUNC_ktime_get_ns, BPF_FUNC_get_prandom_u32,
			       BPF_FUNC_get_smp_processor_id, BPF_FUNC_get_current_pid_tgid,
			       BPF_FUNC_get_current_task, BPF_FUNC_get_current_cgroup_id,
			       BPF_FUNC_jiffies64, 100000 };

static void check_helpers(int type)
{
	unsigned int i;
	int setup_ok;

	for (i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		struct bpf_insn insns[] = { INSN(BPF_JMP | BPF_CALL, 0, 0, 0, helpers[i]),
					    MOV64_IMM(0, 0), EXIT_INSN() };
		int fd = real_prog_load(type, insns, 3, &setup_ok);
		int probe = libbpf_probe_bpf_helper(type, helpers[i], NULL);

		CHECK(probe == (fd >= 0), "helper %d from %s: probe %d, real load %d (%s) %.200s",
		      helpers[i], progs[type].name, probe, fd, fd < 0 ? strerror(-fd) : "ok",
		      log_buf);
		if (fd >= 0)
			close(fd);
	}
}

/* Whether this test knows what type `type`, which the library names `name`,
 * needs: its row `type` of the table (`ours`, NULL past the end) has that name. */
static int has_recipe(const char *kind, int type, const char *name, const char *ours)
{
	int ok = ours && !strcmp(ours, name);

	CHECK(ok, "%s type %d (%s) has no recipe here", kind, type, name);
	return ok;
}

static void check_progs(void)
{
	struct bpf_insn ret0[] = { MOV64_IMM(0, 0), EXIT_INSN() };
	const char *name;
	int type, fd, probe, setup_ok;

	for (type = 0; (name = libbpf_bpf_prog_type_str(type)); type++) {
		if (!has_recipe("program", type, name, type < N_PROGS ? progs[type].name : NULL))
			continue;
		fd = real_prog_load(type, ret0, 2, &setup_ok);
		if (!setup_ok) {
			h_missing("a program type's attach target (vmlinux BTF)");
			printf("  prog %-24s no target here\n", name);
			continue;
		}
		probe = libbpf_probe_bpf_prog_type(type, NULL);
		printf("  prog %-24s load %-8s probe %d\n", name, fd >= 0 ? "ok" : strerror(-fd),
		       probe);
		CHECK(probe == (fd >= 0), "%s: probe %d, real load %d (%s) %.200s", name, probe, fd,
		      fd < 0 ? strerror(-fd) : "ok", log_buf);
		if (helpers_unprobed(type))
			CHECK_RET(libbpf_probe_bpf_helper(type, BPF_FUNC_ktime_get_ns, NULL),
				  -EOPNOTSUPP, 0);
		else if (fd >= 0)
			check_helpers(type);
		if (fd >= 0)
			close(fd);
	}
	CHECK_EQ(type, N_PROGS);
	CHECK_RET(libbpf_probe_bpf_prog_type(type, NULL), -EOPNOTSUPP, EOPNOTSUPP);
	CHECK_RET(libbpf_probe_bpf_helper(type, BPF_FUNC_ktime_get_ns, NULL), -EOPNOTSUPP,
		  EOPNOTSUPP);
}

/* ---- maps ---- */

enum map_extra_need { M_NONE, M_STORAGE_BTF, M_INNER, M_STRUCT_OPS, M_PAGE };

struct map_need {
	const char *name;
	__u32 key, value, max, flags;
	enum map_extra_need need;
};

#define KV4 4, 4, 1
/* Indexed by enum bpf_map_type. */
static const struct map_need maps[] = {
	{ "unspec", KV4 },
	{ "hash", KV4 },
	{ "array", KV4 },
	{ "prog_array", KV4 },
	{ "perf_event_array", KV4 },
	{ "percpu_hash", KV4 },
	{ "percpu_array", KV4 },
	{ "stack_trace", 4, 8, 1 },
	{ "cgroup_array", KV4 },
	{ "lru_hash", KV4 },
	{ "lru_percpu_hash", KV4 },
	{ "lpm_trie", 8, 8, 1, BPF_F_NO_PREALLOC },
	{ "array_of_maps", KV4, 0, M_INNER },
	{ "hash_of_maps", KV4, 0, M_INNER },
	{ "devmap", KV4 },
	{ "sockmap", KV4 },
	{ "cpumap", KV4 },
	{ "xskmap", KV4 },
	{ "sockhash", KV4 },
	{ "cgroup_storage", sizeof(struct bpf_cgroup_storage_key), 8, 0 },
	{ "reuseport_sockarray", KV4 },
	{ "percpu_cgroup_storage", sizeof(struct bpf_cgroup_storage_key), 8, 0 },
	{ "queue", 0, 4, 1 },
	{ "stack", 0, 4, 1 },
	{ "sk_storage", 4, 4, 0, BPF_F_NO_PREALLOC, M_STORAGE_BTF },
	{ "devmap_hash", KV4 },
	{ "struct_ops", 4, 0, 1, 0, M_STRUCT_OPS },
	{ "ringbuf", 0, 0, 0, 0, M_PAGE },
	{ "inode_storage", 4, 4, 0, BPF_F_NO_PREALLOC, M_STORAGE_BTF },
	{ "task_storage", 4, 4, 0, BPF_F_NO_PREALLOC, M_STORAGE_BTF },
	{ "bloom_filter", 0, 4, 1 },
	{ "user_ringbuf", 0, 0, 0, 0, M_PAGE },
	{ "cgrp_storage", 4, 4, 0, BPF_F_NO_PREALLOC, M_STORAGE_BTF },
	/* One page of arena, placed by the kernel (map_extra 0). */
	{ "arena", 0, 0, 1, BPF_F_MMAPABLE },
};
#define N_MAPS (int)(sizeof(maps) / sizeof(maps[0]))

/* Creates a map of `type` with what it needs: the fd or -errno; *setup_ok = 0
 * when what it needs is missing here. */
static int real_map_create(int type, int *setup_ok)
{
	const struct map_need *m = &maps[type];
	union bpf_attr a;
	int helper_fd = -1, fd;

	*setup_ok = 1;
	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = m->key;
	a.value_size = m->value;
	a.max_entries = m->max;
	a.map_flags = m->flags;
	a.map_extra = 0;
	if (m->need == M_PAGE) {
		a.max_entries = sysconf(_SC_PAGE_SIZE);
	} else if (m->need == M_STORAGE_BTF) {
		helper_fd = own_btf_load();
		a.btf_fd = helper_fd;
		a.btf_key_type_id = 1;
		a.btf_value_type_id = 1;
		*setup_ok = helper_fd >= 0;
	} else if (m->need == M_INNER) {
		union bpf_attr in;

		memset(&in, 0, sizeof(in));
		in.map_type = BPF_MAP_TYPE_HASH;
		in.key_size = in.value_size = 4;
		in.max_entries = 1;
		helper_fd = sys_bpf(BPF_MAP_CREATE, &in);
		a.inner_map_fd = helper_fd;
		*setup_ok = helper_fd >= 0;
	} else if (m->need == M_STRUCT_OPS) {
		/* A tcp_congestion_ops map, its value the kernel's wrapper struct; the
		 * kernel wants the BTF of the object that implements it, too. */
		helper_fd = own_btf_load();
		a.btf_fd = helper_fd;
		a.btf_vmlinux_value_type_id =
			vb_find("bpf_struct_ops_tcp_congestion_ops", BTF_KIND_STRUCT);
		*setup_ok = helper_fd >= 0 && a.btf_vmlinux_value_type_id != 0;
		if (*setup_ok)
			a.value_size = vb_type(a.btf_vmlinux_value_type_id)->size;
	}
	fd = *setup_ok ? sys_bpf(BPF_MAP_CREATE, &a) : -1;
	if (fd < 0)
		fd = -errno;
	if (helper_fd >= 0)
		close(helper_fd);
	return fd;
}

static void check_maps(void)
{
	const char *name;
	int type, fd, probe, setup_ok;

	for (type = 0; (name = libbpf_bpf_map_type_str(type)); type++) {
		if (!has_recipe("map", type, name, type < N_MAPS ? maps[type].name : NULL))
			continue;
		fd = real_map_create(type, &setup_ok);
		if (!setup_ok) {
			h_missing("what a map type needs (BTF, an inner map, a struct_ops type)");
			printf("  map  %-24s cannot be set up here\n", name);
			continue;
		}
		probe = libbpf_probe_bpf_map_type(type, NULL);
		printf("  map  %-24s create %-8s probe %d\n", name,
		       fd >= 0 ? "ok" : strerror(-fd), probe);
		if (type == BPF_MAP_TYPE_UNSPEC)
			CHECK(fd < 0 && probe == -EOPNOTSUPP, "unspec: probe %d, create %d", probe,
			      fd);
		else
			CHECK(probe == (fd >= 0), "%s: probe %d, real create %d (%s)", name, probe,
			      fd, fd < 0 ? strerror(-fd) : "ok");
		if (fd >= 0)
			close(fd);
	}
	CHECK_EQ(type, N_MAPS);
	CHECK_RET(libbpf_probe_bpf_map_type(type, NULL), -EOPNOTSUPP, EOPNOTSUPP);
}

int main(void)
{
	int fds;

	require_root();
	if (vmlinux_btf_read())
		h_skip("no vmlinux BTF at /sys/kernel/btf/vmlinux");
	fds = h_count_fds();
	check_progs();
	check_maps();
	CHECK_EQ(h_count_fds(), fds);
	return h_done("probe_table");
}
