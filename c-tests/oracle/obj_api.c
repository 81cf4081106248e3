/* Oracle: the bpf_program__* / bpf_map__* / bpf_object__* getters, setters, pinning,
 * initial values, reuse and the size-checked map calls of libbpf 1.1.2, on a
 * clang-built object (c-tests/bpf/objapi.bpf.c), before and after load. Every value,
 * return code and errno must match the system libbpf. Pins live under a per-process
 * bpffs directory that is removed at the end. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <sys/stat.h>

static char obj_path[PATH_MAX], pin_dir[96], tmp[PATH_MAX];

/* A call whose errno matters only when it fails. */
#define O_RC(fmt, call)                                                            \
	do {                                                                       \
		errno = 0;                                                         \
		long __r = (long)(call);                                           \
		printf(fmt " = %ld errno=%s\n", __r, __r < 0 ? o_errname(errno) : "-"); \
	} while (0)

/* A path with the per-process directory shown as DIR. */
static const char *rel(const char *p)
{
	size_t n = strlen(pin_dir);

	if (!p)
		return "(null)";
	if (!strncmp(p, pin_dir, n)) {
		snprintf(tmp, sizeof(tmp), "DIR%s", p + n);
		return tmp;
	}
	return p;
}

static int exists(const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", pin_dir, name);
	return access(p, F_OK) == 0;
}

static struct bpf_object *open_obj(void)
{
	LIBBPF_OPTS(bpf_object_open_opts, o, .pin_root_path = pin_dir);
	return bpf_object__open_file(obj_path, &o);
}

static void dump_maps(struct bpf_object *obj)
{
	struct bpf_map *m;
	size_t sz;

	bpf_object__for_each_map(m, obj) {
		const void *iv;

		sz = 12345;
		iv = bpf_map__initial_value(m, &sz);
		printf("map %s: type %d key %u value %u max %u flags %#x numa %u extra %llu "
		       "btf %u/%u internal %d autocreate %d ifindex %u pinned %d pin_path %s "
		       "initial %s size %zu fd %s\n",
		       bpf_map__name(m), bpf_map__type(m), bpf_map__key_size(m),
		       bpf_map__value_size(m), bpf_map__max_entries(m), bpf_map__map_flags(m),
		       bpf_map__numa_node(m), (unsigned long long)bpf_map__map_extra(m),
		       bpf_map__btf_key_type_id(m), bpf_map__btf_value_type_id(m),
		       bpf_map__is_internal(m), bpf_map__autocreate(m), bpf_map__ifindex(m),
		       bpf_map__is_pinned(m), rel(bpf_map__pin_path(m)), iv ? "yes" : "NULL",
		       iv ? sz : 0, bpf_map__fd(m) >= 0 ? "fd" : "-1");
	}
}

static void dump_progs(struct bpf_object *obj)
{
	struct bpf_program *p;
	size_t sz;

	bpf_object__for_each_program(p, obj) {
		const char *lb = bpf_program__log_buf(p, &sz);

		printf("prog %s: sec %s type %d expected %d autoload %d autoattach %d flags %#x "
		       "log_level %u log_buf %s/%zu insns %s cnt %zu fd %s\n",
		       bpf_program__name(p), bpf_program__section_name(p), bpf_program__type(p),
		       bpf_program__expected_attach_type(p), bpf_program__autoload(p),
		       bpf_program__autoattach(p), bpf_program__flags(p),
		       bpf_program__log_level(p), lb ? "set" : "NULL", sz,
		       bpf_program__insns(p) ? "yes" : "NULL", bpf_program__insn_cnt(p),
		       bpf_program__fd(p) >= 0 ? "fd" : "neg");
	}
}

static void setters(struct bpf_object *obj, const char *when)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, "sock_prog");
	struct bpf_map *h = bpf_object__find_map_by_name(obj, "hmap");
	struct bpf_map *rb = bpf_object__find_map_by_name(obj, "rb");
	struct bpf_map *data = bpf_object__find_map_by_name(obj, ".data");
	static char lb[256];
	__u64 v = 9;

	printf("-- setters %s\n", when);
	O_INT("set_autoload(1)", bpf_program__set_autoload(p, true));
	O_INT("set_type(socket)", bpf_program__set_type(p, BPF_PROG_TYPE_SOCKET_FILTER));
	O_INT("set_expected_attach_type(0)", bpf_program__set_expected_attach_type(p, 0));
	O_INT("set_flags(0)", bpf_program__set_flags(p, 0));
	O_INT("set_log_level(0)", bpf_program__set_log_level(p, 0));
	O_INT("set_log_buf(NULL, 10)", bpf_program__set_log_buf(p, NULL, 10));
	O_INT("set_log_buf(NULL, 0)", bpf_program__set_log_buf(p, NULL, 0));
	O_INT("set_log_buf(lb, 0)", bpf_program__set_log_buf(p, lb, 0));
	O_INT("set_log_buf(NULL, 0) again", bpf_program__set_log_buf(p, NULL, 0));
	O_INT("set_attach_target(-1, NULL)", bpf_program__set_attach_target(p, -1, NULL));
	O_INT("set_map_flags(0)", bpf_map__set_map_flags(h, 0));
	O_INT("set_numa_node(0)", bpf_map__set_numa_node(h, 0));
	O_INT("set_key_size(4)", bpf_map__set_key_size(h, 4));
	O_INT("set_value_size(8)", bpf_map__set_value_size(h, 8));
	O_INT("set_max_entries(16)", bpf_map__set_max_entries(h, 16));
	O_INT("set_type(hash)", bpf_map__set_type(h, BPF_MAP_TYPE_HASH));
	O_INT("set_map_extra(0)", bpf_map__set_map_extra(h, 0));
	O_INT("set_autocreate(1)", bpf_map__set_autocreate(h, true));
	O_INT("rb set_max_entries(5000)", bpf_map__set_max_entries(rb, 5000));
	printf("rb max_entries = %u\n", bpf_map__max_entries(rb));
	O_INT("set_initial_value(hmap)", bpf_map__set_initial_value(h, &v, sizeof(v)));
	O_INT("set_initial_value(.data, 4)", bpf_map__set_initial_value(data, &v, 4));
	O_INT("set_initial_value(.data, 8)", bpf_map__set_initial_value(data, &v, 8));
	O_INT("set_inner_map_fd(hmap)", bpf_map__set_inner_map_fd(h, 0));
	O_INT("kversion", bpf_object__kversion(obj));
	O_INT("set_kversion(0)", bpf_object__set_kversion(obj, 0));
}

static void map_ops(struct bpf_object *obj, const char *when)
{
	struct bpf_map *h = bpf_object__find_map_by_name(obj, "hmap");
	struct bpf_map *pc = bpf_object__find_map_by_name(obj, "pcpu");
	__u32 k = 0, nk = 0;
	__u64 v = 0, big[512];
	int ncpu = libbpf_num_possible_cpus();

	printf("-- map ops %s\n", when);
	O_INT("hmap update(k4,v8)", bpf_map__update_elem(h, &k, 4, &v, 8, 0));
	O_INT("hmap update(k8,v8)", bpf_map__update_elem(h, &k, 8, &v, 8, 0));
	O_INT("hmap update(k4,v4)", bpf_map__update_elem(h, &k, 4, &v, 4, 0));
	O_INT("hmap lookup(k4,v8)", bpf_map__lookup_elem(h, &k, 4, &v, 8, 0));
	printf("value %llu\n", (unsigned long long)v);
	O_INT("hmap lookup(k3,v8)", bpf_map__lookup_elem(h, &k, 3, &v, 8, 0));
	O_INT("hmap get_next_key(NULL)", bpf_map__get_next_key(h, NULL, &nk, 4));
	O_INT("hmap get_next_key(k)", bpf_map__get_next_key(h, &nk, &nk, 4));
	O_INT("hmap get_next_key(k, 2)", bpf_map__get_next_key(h, &nk, &nk, 2));
	O_INT("hmap lookup_and_delete(k4,v8)", bpf_map__lookup_and_delete_elem(h, &k, 4, &v, 8, 0));
	O_INT("hmap delete(k4)", bpf_map__delete_elem(h, &k, 4, 0));
	O_INT("hmap delete(k5)", bpf_map__delete_elem(h, &k, 5, 0));
	O_INT("pcpu lookup(v4)", bpf_map__lookup_elem(pc, &k, 4, big, 4, 0));
	O_INT("pcpu lookup(v8*ncpu)", bpf_map__lookup_elem(pc, &k, 4, big, 8 * (size_t)ncpu, 0));
	O_INT("pcpu lookup(v4*ncpu)", bpf_map__lookup_elem(pc, &k, 4, big, 4 * (size_t)ncpu, 0));
}

static void pinning(struct bpf_object *obj)
{
	struct bpf_map *h = bpf_object__find_map_by_name(obj, "hmap");
	struct bpf_program *p = bpf_object__find_program_by_name(obj, "sock_prog");
	char path[PATH_MAX], sub[PATH_MAX];

	printf("-- pinning\n");
	snprintf(sub, sizeof(sub), "%s/sub", pin_dir);
	O_INT("pin_maps(sub) with a by-name map", bpf_object__pin_maps(obj, sub));
	O_INT("unpin shared_cnt",
	      bpf_map__unpin(bpf_object__find_map_by_name(obj, "shared_cnt"), NULL));
	printf("file shared_cnt %d\n", exists("shared_cnt"));
	O_INT("set_pin_path(shared_cnt, NULL)",
	      bpf_map__set_pin_path(bpf_object__find_map_by_name(obj, "shared_cnt"), NULL));
	O_INT("set_pin_path(hmap, NULL)", bpf_map__set_pin_path(h, NULL));
	O_INT("pin_maps(sub)", bpf_object__pin_maps(obj, sub));
	printf("pinned: hmap %d .data %d\n", bpf_map__is_pinned(h),
	       bpf_map__is_pinned(bpf_object__find_map_by_name(obj, ".data")));
	printf("hmap pin_path %s\n", rel(bpf_map__pin_path(h)));
	printf("files: sub/hmap %d sub/rb %d sub/shared_cnt %d sub/objapi_data %d\n",
	       exists("sub/hmap"), exists("sub/rb"), exists("sub/shared_cnt"),
	       exists("sub/objapi_data"));
	O_INT("pin_maps(sub) again", bpf_object__pin_maps(obj, sub));
	O_INT("unpin_maps(sub)", bpf_object__unpin_maps(obj, sub));
	printf("files after unpin: sub/hmap %d\n", exists("sub/hmap"));
	O_INT("pin_maps(/tmp)", bpf_object__pin_maps(obj, "/tmp"));
	O_INT("pin_maps(NULL)", bpf_object__pin_maps(obj, NULL));
	O_INT("pin_programs(sub)", bpf_object__pin_programs(obj, sub));
	printf("files: sub/sock_prog %d sub/xdp_prog %d\n", exists("sub/sock_prog"),
	       exists("sub/xdp_prog"));
	O_INT("unpin_programs(sub)", bpf_object__unpin_programs(obj, sub));
	printf("files after unpin: sub/sock_prog %d\n", exists("sub/sock_prog"));
	O_INT("pin_programs(/tmp)", bpf_object__pin_programs(obj, "/tmp"));
	snprintf(path, sizeof(path), "%s/p1", pin_dir);
	O_INT("prog pin(p1)", bpf_program__pin(p, path));
	O_INT("prog pin(p1) again", bpf_program__pin(p, path));
	O_INT("prog unpin(p1)", bpf_program__unpin(p, path));
	O_INT("prog unpin(p1) again", bpf_program__unpin(p, path));
	O_INT("prog pin(/tmp/x)", bpf_program__pin(p, "/tmp/x"));
	snprintf(path, sizeof(path), "%s/m1", pin_dir);
	O_INT("map pin(m1)", bpf_map__pin(h, path));
	printf("hmap pinned %d pin_path %s\n", bpf_map__is_pinned(h), rel(bpf_map__pin_path(h)));
	O_INT("map pin(m1) again", bpf_map__pin(h, path));
	O_INT("map pin(NULL)", bpf_map__pin(h, NULL));
	snprintf(path, sizeof(path), "%s/m2", pin_dir);
	O_INT("map pin(m2)", bpf_map__pin(h, path));
	O_INT("map unpin(m2)", bpf_map__unpin(h, path));
	O_INT("map unpin(NULL)", bpf_map__unpin(h, NULL));
	printf("hmap pinned %d\n", bpf_map__is_pinned(h));
	O_INT("map unpin(NULL) again", bpf_map__unpin(h, NULL));
	O_INT("set_pin_path(NULL)", bpf_map__set_pin_path(h, NULL));
	O_INT("map pin(NULL) no path", bpf_map__pin(h, NULL));
	snprintf(path, sizeof(path), "%s/deep/er/m3", pin_dir);
	O_INT("map pin(deep/er/m3)", bpf_map__pin(h, path));
	snprintf(path, sizeof(path), "%s/all", pin_dir);
	O_INT("object pin(all)", bpf_object__pin(obj, path));
	printf("files: all/rb %d all/xdp_prog %d\n", exists("all/rb"), exists("all/xdp_prog"));
	O_INT("unpin_programs(all)", bpf_object__unpin_programs(obj, path));
	O_INT("unpin_maps(all)", bpf_object__unpin_maps(obj, path));
}

static void data_checks(struct bpf_object *obj)
{
	struct bpf_map *data = bpf_object__find_map_by_name(obj, ".data");
	struct bpf_map *ro = bpf_object__find_map_by_name(obj, ".rodata");
	struct bpf_map *bss = bpf_object__find_map_by_name(obj, ".bss");
	struct bpf_program *p = bpf_object__find_program_by_name(obj, "sock_prog");
	LIBBPF_OPTS(bpf_test_run_opts, t);
	char pkt[64] = { 0 };
	__u64 *seen, val = 0;
	__u32 *hits, k = 0;
	size_t sz;

	printf("-- global data\n");
	seen = (__u64 *)bpf_map__initial_value(data, &sz);
	hits = (__u32 *)bpf_map__initial_value(bss, &sz);
	printf("seen %llu hits %u\n", (unsigned long long)*seen, *hits);
	t.data_in = pkt;
	t.data_size_in = sizeof(pkt);
	O_INT("test_run", bpf_prog_test_run_opts(bpf_program__fd(p), &t));
	O_INT("test_run", bpf_prog_test_run_opts(bpf_program__fd(p), &t));
	printf("after 2 runs: seen %llu hits %u\n", (unsigned long long)*seen, *hits);
	O_INT("lookup .data", bpf_map_lookup_elem(bpf_map__fd(data), &k, &val));
	printf(".data via lookup %llu\n", (unsigned long long)val);
	*seen = 100;
	O_INT("lookup .data", bpf_map_lookup_elem(bpf_map__fd(data), &k, &val));
	printf(".data after write through mmap %llu\n", (unsigned long long)val);
	O_INT("update .rodata", bpf_map_update_elem(bpf_map__fd(ro), &k, &val, 0));
}

static void btf_checks(struct bpf_object *obj, const char *when)
{
	struct btf *b = bpf_object__btf(obj);
	const struct btf_type *t;
	int id;

	printf("-- btf %s\n", when);
	printf("btf %s fd %s type_cnt %u\n", b ? "yes" : "NULL",
	       btf__fd(b) >= 0 ? "fd" : "-1", btf__type_cnt(b));
	O_INT("find_by_name(hmap)", btf__find_by_name(b, "hmap"));
	O_INT("find_by_name(nope)", btf__find_by_name(b, "nope"));
	O_INT("find_by_name(void)", btf__find_by_name(b, "void"));
	O_INT("find_by_name_kind(.data, DATASEC)", btf__find_by_name_kind(b, ".data", BTF_KIND_DATASEC));
	O_INT("find_by_name_kind(.data, VAR)", btf__find_by_name_kind(b, ".data", BTF_KIND_VAR));
	id = btf__find_by_name_kind(b, ".data", BTF_KIND_DATASEC);
	t = btf__type_by_id(b, (__u32)id);
	printf(".data: kind %u vlen %u size %u name %s\n", btf_kind(t), btf_vlen(t), t->size,
	       btf__name_by_offset(b, t->name_off));
	id = btf__find_by_name_kind(b, "sock_prog", BTF_KIND_FUNC);
	t = btf__type_by_id(b, (__u32)id);
	printf("sock_prog: kind %u name %s\n", btf_kind(t), btf__name_by_offset(b, t->name_off));
	errno = 0;
	t = btf__type_by_id(b, btf__type_cnt(b));
	printf("type_by_id(out of range) %s errno=%s\n", t ? "ptr" : "NULL", o_errname(errno));
}

static void pin_by_name(void)
{
	struct bpf_object *a = open_obj(), *b = open_obj();
	struct bpf_map_info ia = {}, ib = {};
	__u32 la = sizeof(ia), lb = sizeof(ib);

	printf("-- pin by name\n");
	O_RC("load a", bpf_object__load(a));
	O_RC("load b", bpf_object__load(b));
	bpf_obj_get_info_by_fd(bpf_object__find_map_fd_by_name(a, "shared_cnt"), &ia, &la);
	bpf_obj_get_info_by_fd(bpf_object__find_map_fd_by_name(b, "shared_cnt"), &ib, &lb);
	printf("same map: %d pinned %d/%d\n", ia.id == ib.id && ia.id != 0,
	       bpf_map__is_pinned(bpf_object__find_map_by_name(a, "shared_cnt")),
	       bpf_map__is_pinned(bpf_object__find_map_by_name(b, "shared_cnt")));
	printf("file shared_cnt %d\n", exists("shared_cnt"));
	bpf_object__close(a);
	bpf_object__close(b);
}

static void reuse(struct bpf_object *loaded)
{
	struct bpf_object *o = open_obj();
	struct bpf_map *h = bpf_object__find_map_by_name(o, "hmap");
	struct bpf_map_info ia = {}, ib = {};
	__u32 la = sizeof(ia), lb = sizeof(ib);
	int fd = bpf_object__find_map_fd_by_name(loaded, "hmap");

	printf("-- reuse_fd\n");
	O_INT("reuse_fd(-1)", bpf_map__reuse_fd(h, -1));
	O_INT("reuse_fd(hmap)", bpf_map__reuse_fd(h, fd));
	printf("name after reuse %s\n", bpf_map__name(h));
	O_INT("set_max_entries after reuse", bpf_map__set_max_entries(h, 16));
	O_INT("set_type after reuse", bpf_map__set_type(h, BPF_MAP_TYPE_HASH));
	O_INT("set_key_size after reuse", bpf_map__set_key_size(h, 4));
	O_INT("set_map_flags after reuse", bpf_map__set_map_flags(h, 0));
	O_INT("set_autocreate after reuse", bpf_map__set_autocreate(h, true));
	O_INT("set_value_size after reuse", bpf_map__set_value_size(h, 8));
	O_INT("set_numa_node after reuse", bpf_map__set_numa_node(h, 0));
	O_INT("set_map_extra after reuse", bpf_map__set_map_extra(h, 0));
	O_INT("set_ifindex after reuse", bpf_map__set_ifindex(h, 0));
	O_INT("set_initial_value after reuse", bpf_map__set_initial_value(h, &ia, 8));
	O_RC("load", bpf_object__load(o));
	bpf_obj_get_info_by_fd(fd, &ia, &la);
	bpf_obj_get_info_by_fd(bpf_map__fd(h), &ib, &lb);
	printf("same map: %d fd differs %d\n", ia.id == ib.id, bpf_map__fd(h) != fd);
	bpf_object__close(o);
}

int main(void)
{
	struct bpf_object *obj;
	char cmd[256];

	o_require_root();
	o_build("objapi", "objapi.o", "-g", obj_path, sizeof(obj_path));
	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/oa_%d", (int)getpid());
	mkdir(pin_dir, 0700);

	obj = open_obj();
	printf("open: %s name %s\n", obj ? "ok" : "NULL", bpf_object__name(obj));
	dump_maps(obj);
	dump_progs(obj);
	map_ops(obj, "before load");
	btf_checks(obj, "before load");
	setters(obj, "before load");
	O_RC("load", bpf_object__load(obj));
	dump_maps(obj);
	dump_progs(obj);
	setters(obj, "after load");
	map_ops(obj, "after load");
	btf_checks(obj, "after load");
	data_checks(obj);
	pinning(obj);
	reuse(obj);
	bpf_object__close(obj);
	pin_by_name();

	O_INT("pin_maps(NULL obj)", bpf_object__pin_maps(NULL, "/sys/fs/bpf"));
	O_INT("map fd(NULL)", bpf_map__fd(NULL));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pin_dir);
	if (system(cmd))
		fprintf(stderr, "cleanup failed\n");
	bpfobj_clean("objapi", "objapi.o");
	return o_done();
}
