/* The libbpf 0.x object calls that 1.x dropped (so the oracle cannot check them)
 * and behaviour the oracle does not print: titles, sizes, nth_fd, set_<type> and
 * is_<type>, priv data with destructors, bpf_map__def, resize, find by title,
 * reverse iteration, the global object list, open_buffer, unload,
 * bpf_prog_load_xattr, set_insns, initial values written before load, and fd
 * hygiene. Uses c-tests/bpf/objapi.bpf.c. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "harness.h"
#include "bpfobj.h"

static char obj_path[PATH_MAX];
static int cleared;

static void clear_prog(struct bpf_program *p, void *data)
{
	(void)p;
	cleared += *(int *)data;
}

static void clear_map(struct bpf_map *m, void *data)
{
	(void)m;
	cleared += *(int *)data;
}

static void clear_obj(struct bpf_object *o, void *data)
{
	(void)o;
	cleared += *(int *)data;
}

static void names_and_types(void)
{
	struct bpf_object *obj = bpf_object__open(obj_path);
	struct bpf_program *sock, *xdp, *p;
	struct bpf_map *m, *last = NULL;
	const struct bpf_map_def *def;
	char *copy;
	int n;

	CHECK(obj != NULL, "failed");
	sock = bpf_object__find_program_by_title(obj, "socket");
	xdp = bpf_object__find_program_by_title(obj, "xdp");
	CHECK(sock && xdp, "failed");
	CHECK_EQ(strcmp(bpf_program__name(sock), "sock_prog"), 0);
	errno = 0;
	CHECK(bpf_object__find_program_by_title(obj, "nope") == NULL, "failed");
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(strcmp(bpf_program__title(sock, false), "socket"), 0);
	copy = (char *)bpf_program__title(xdp, true);
	CHECK(copy && copy != bpf_program__section_name(xdp) && !strcmp(copy, "xdp"), "failed");
	free(copy);
	CHECK_EQ(bpf_program__size(sock), bpf_program__insn_cnt(sock) * 8);
	CHECK(bpf_program__size(sock) > 0, "failed");

	CHECK(bpf_program__is_socket_filter(sock), "failed");
	CHECK(!bpf_program__is_xdp(sock), "failed");
	CHECK(bpf_program__is_xdp(xdp), "failed");
	CHECK_EQ(bpf_program__set_sched_cls(xdp), 0);
	CHECK(bpf_program__is_sched_cls(xdp), "failed");
	CHECK_EQ(bpf_program__get_type(xdp), BPF_PROG_TYPE_SCHED_CLS);
	CHECK_EQ(bpf_program__set_xdp(xdp), 0);
	CHECK_EQ(bpf_program__set_expected_attach_type(xdp, BPF_XDP), 0);
	CHECK_EQ(bpf_program__get_expected_attach_type(xdp), BPF_XDP);

	/* reverse iteration: programs and maps, with the 0.x argument order */
	n = 0;
	for (p = bpf_program__prev(NULL, obj); p; p = bpf_program__prev(p, obj))
		n++;
	CHECK_EQ(n, 2);
	CHECK(bpf_program__prev(NULL, obj) == xdp, "failed");
	CHECK(bpf_object__prev_program(obj, xdp) == sock, "failed");
	n = 0;
	for (m = bpf_map__prev(NULL, obj); m; m = bpf_map__prev(m, obj)) {
		if (!last)
			last = m;
		n++;
	}
	CHECK_EQ(n, 7);
	CHECK(bpf_map__next(last, obj) == NULL, "failed");
	CHECK(bpf_object__prev_map(obj, bpf_object__next_map(obj, NULL)) == NULL, "failed");

	/* bpf_map__def and resize */
	m = bpf_object__find_map_by_name(obj, "hmap");
	def = bpf_map__def(m);
	CHECK(def != NULL, "failed");
	CHECK_EQ(def->type, BPF_MAP_TYPE_HASH);
	CHECK_EQ(def->key_size, 4);
	CHECK_EQ(def->value_size, 8);
	CHECK_EQ(def->max_entries, 16);
	CHECK_EQ(bpf_map__resize(m, 0), -EINVAL);
	CHECK_EQ(bpf_map__resize(m, 32), 0);
	CHECK_EQ(bpf_map__def(m)->max_entries, 32);
	CHECK(!bpf_map__is_offload_neutral(m), "failed");
	errno = 0;
	CHECK(bpf_object__find_map_by_offset(obj, 0) == NULL, "failed");
	CHECK(errno == EOPNOTSUPP, "failed");

	/* nth_fd before and after load */
	CHECK_EQ(bpf_program__nth_fd(sock, 0), -EINVAL);
	CHECK_EQ(bpf_object__load(obj), 0);
	CHECK_EQ(bpf_program__nth_fd(sock, 0), bpf_program__fd(sock));
	CHECK_EQ(bpf_program__nth_fd(sock, 1), -EINVAL);
	CHECK_EQ(bpf_map__resize(m, 8), -EBUSY);
	CHECK(bpf_object__btf_fd(obj) >= 0, "failed");
	CHECK(bpf_object__kversion(obj) > 0, "failed");

	/* unload closes the fds; the program alone too */
	bpf_program__unload(xdp);
	CHECK_EQ(bpf_program__fd(xdp), -ENOENT);
	CHECK_EQ(bpf_object__unload(obj), 0);
	CHECK_EQ(bpf_map__fd(m), -1);
	CHECK_EQ(bpf_object__unload(NULL), -EINVAL);
	bpf_object__close(obj);
}

static void priv_data(void)
{
	struct bpf_object *obj = bpf_object__open(obj_path);
	struct bpf_program *p = bpf_object__next_program(obj, NULL);
	struct bpf_map *m = bpf_object__next_map(obj, NULL);
	static int one = 1, ten = 10, hundred = 100, thousand = 1000;

	cleared = 0;
	CHECK(bpf_program__priv(p) == NULL, "failed");
	CHECK_EQ(bpf_program__set_priv(p, &one, clear_prog), 0);
	CHECK(bpf_program__priv(p) == &one, "failed");
	/* replacing runs the old destructor */
	CHECK_EQ(bpf_program__set_priv(p, &ten, clear_prog), 0);
	CHECK_EQ(cleared, 1);
	CHECK_EQ(bpf_map__set_priv(m, &hundred, clear_map), 0);
	CHECK(bpf_map__priv(m) == &hundred, "failed");
	CHECK_EQ(bpf_object__set_priv(obj, &thousand, clear_obj), 0);
	CHECK(bpf_object__priv(obj) == &thousand, "failed");
	bpf_object__close(obj);
	CHECK_EQ(cleared, 1111);
}

static void object_list(void)
{
	struct bpf_object *a = bpf_object__open(obj_path);
	struct bpf_object *b, *o;
	void *buf;
	long sz;
	FILE *f = fopen(obj_path, "rb");
	int seen_a = 0, seen_b = 0;

	CHECK(f != NULL, "failed");
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	rewind(f);
	buf = malloc((size_t)sz);
	CHECK(fread(buf, 1, (size_t)sz, f) == (size_t)sz, "failed");
	fclose(f);
	b = bpf_object__open_buffer(buf, (size_t)sz, "from_buf");
	CHECK(b != NULL, "failed");
	CHECK_EQ(strcmp(bpf_object__name(b), "from_buf"), 0);
	for (o = bpf_object__next(NULL); o; o = bpf_object__next(o)) {
		seen_a += o == a;
		seen_b += o == b;
	}
	CHECK(seen_a == 1 && seen_b == 1, "failed");
	bpf_object__close(a);
	for (o = bpf_object__next(NULL); o; o = bpf_object__next(o))
		CHECK(o != a, "failed");
	bpf_object__close(b);
	free(buf);
}

static void load_xattr(void)
{
	struct bpf_prog_load_attr attr = {
		.file = obj_path,
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
	};
	struct bpf_object *obj = NULL;
	int fd = -1, fds = h_count_fds();

	/* Overriding every program to SOCKET_FILTER makes the xdp program a socket
	 * filter too (it still verifies: it only reads a per-CPU map). */
	CHECK_EQ(bpf_prog_load_xattr(&attr, &obj, &fd), 0);
	CHECK(obj && fd >= 0, "failed");
	CHECK_EQ(bpf_program__type(bpf_object__find_program_by_name(obj, "xdp_prog")),
		 BPF_PROG_TYPE_SOCKET_FILTER);
	CHECK_EQ(fd, bpf_program__fd(bpf_object__find_program_by_name(obj, "sock_prog")));
	bpf_object__close(obj);
	CHECK_EQ(h_count_fds(), fds);

	attr.file = "/nonexistent.o";
	obj = NULL;
	CHECK_EQ(bpf_prog_load_xattr(&attr, &obj, &fd), -ENOENT);
	CHECK(obj == NULL, "failed");
	CHECK_EQ(bpf_prog_load_xattr(NULL, &obj, &fd), -EINVAL);
	attr.file = NULL;
	CHECK_EQ(bpf_prog_load_xattr(&attr, &obj, &fd), -EINVAL);
	CHECK_EQ(h_count_fds(), fds);
}

static void insns_and_initial_values(void)
{
	struct bpf_object *obj = bpf_object__open(obj_path);
	struct bpf_program *p = bpf_object__find_program_by_name(obj, "xdp_prog");
	struct bpf_map *data = bpf_object__find_map_by_name(obj, ".data");
	struct bpf_map *ro = bpf_object__find_map_by_name(obj, ".rodata");
	struct bpf_insn ret2[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_test_run_opts, t);
	char pkt[64] = { 0 };
	__u64 *seen, v = 0;
	__u32 *limit, k = 0;
	size_t sz = 0;

	CHECK(bpf_program__insn_cnt(p) > 2, "failed");
	CHECK_EQ(bpf_program__set_insns(p, NULL, 0), -EINVAL);
	CHECK_EQ(bpf_program__set_insns(p, ret2, 2), 0);
	CHECK_EQ(bpf_program__insn_cnt(p), 2);
	CHECK(!memcmp(bpf_program__insns(p), ret2, sizeof(ret2)), "failed");

	/* writes through initial_value before load are what the maps start with */
	seen = (__u64 *)bpf_map__initial_value(data, &sz);
	CHECK(seen && sz == 8 && *seen == 7, "failed");
	*seen = 40;
	limit = (__u32 *)bpf_map__initial_value(ro, &sz);
	CHECK(limit && sz == 4 && *limit == 3, "failed");
	*limit = 2;
	CHECK_EQ(bpf_object__load(obj), 0);
	CHECK_EQ(bpf_map_lookup_elem(bpf_map__fd(data), &k, &v), 0);
	CHECK_EQ(v, 40);
	t.data_in = pkt;
	t.data_size_in = sizeof(pkt);
	CHECK_EQ(bpf_prog_test_run_opts(bpf_program__fd(p), &t), 0);
	CHECK_EQ(t.retval, 2); /* the replaced instructions ran: XDP_PASS */
	CHECK_EQ(bpf_prog_test_run_opts(
			 bpf_program__fd(bpf_object__find_program_by_name(obj, "sock_prog")), &t),
		 0);
	CHECK_EQ(bpf_map_lookup_elem(bpf_map__fd(data), &k, &v), 0);
	CHECK_EQ(v, 42); /* seen += limit, with the patched .rodata value */
	CHECK_EQ(bpf_program__set_insns(p, ret2, 2), -EBUSY);
	bpf_object__close(obj);
}

int main(void)
{
	int r;

	require_root();
	r = bpfobj_build("objapi", "objapi_legacy.o", "-g", obj_path, sizeof(obj_path));
	if (r == 77)
		h_skip("clang not installed");
	CHECK_EQ(r, 0);
	if (r)
		return h_done("obj_api_legacy");
	names_and_types();
	priv_data();
	object_list();
	load_xattr();
	insns_and_initial_values();
	bpfobj_clean("objapi", "objapi_legacy.o");
	return h_done("obj_api_legacy");
}
