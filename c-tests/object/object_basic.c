/* The Tier-0 object API on a real BPF object compiled at run time from
 * c-tests/bpf/basic.bpf.c: open, names and types, iteration, load, fds, a test
 * run of the socket program with the counter read back, the 0.x 4-argument
 * bpf_prog_load, bad inputs, and no fd leak across open/load/close. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <limits.h>
#include <sys/stat.h>
#include "harness.h"
#include "bpfobj.h"

static char obj_path[PATH_MAX];

static void check_open_load(void)
{
	struct bpf_object *obj;
	struct bpf_program *prog, *p;
	struct bpf_map *map, *m;
	int n, prog_fd, map_fd, fds;
	__u32 key = 0;
	__u64 val = 0;
	char pkt[64] = { 0 };

	fds = h_count_fds();
	obj = bpf_object__open_file(obj_path, NULL);
	CHECK(obj != NULL, "open_file: errno %d", errno);
	if (!obj)
		return;
	CHECK(!strcmp(bpf_object__name(obj), "object_basic"), "name %s", bpf_object__name(obj));

	prog = bpf_object__find_program_by_name(obj, "count_packets");
	CHECK(prog != NULL, "find_program_by_name: errno %d", errno);
	if (!prog)
		goto out;
	CHECK(!strcmp(bpf_program__name(prog), "count_packets"), "%s", bpf_program__name(prog));
	CHECK(!strcmp(bpf_program__section_name(prog), "socket"), "%s",
	      bpf_program__section_name(prog));
	CHECK_EQ(bpf_program__type(prog), BPF_PROG_TYPE_SOCKET_FILTER);
	CHECK_RET(bpf_program__fd(prog), -ENOENT, ENOENT);
	CHECK_RET(bpf_program__fd(NULL), -EINVAL, EINVAL);
	CHECK_RET(bpf_object__find_program_by_name(obj, "bump"), NULL, ENOENT);
	CHECK_RET(bpf_object__find_program_by_name(obj, "nope"), NULL, ENOENT);

	n = 0;
	bpf_object__for_each_program(p, obj) n++;
	CHECK_EQ(n, 1);
	n = 0;
	for (p = bpf_program__next(NULL, obj); p; p = bpf_program__next(p, obj))
		n++;
	CHECK_EQ(n, 1);

	map = bpf_object__find_map_by_name(obj, "counter");
	CHECK(map != NULL, "find_map_by_name: errno %d", errno);
	if (!map)
		goto out;
	CHECK(!strcmp(bpf_map__name(map), "counter"), "%s", bpf_map__name(map));
	CHECK_EQ(bpf_map__type(map), BPF_MAP_TYPE_ARRAY);
	CHECK_EQ(bpf_map__key_size(map), 4);
	CHECK_EQ(bpf_map__value_size(map), 8);
	CHECK_EQ(bpf_map__max_entries(map), 4);
	CHECK_EQ(bpf_map__fd(map), -1);
	CHECK_RET(bpf_map__fd(NULL), -EINVAL, EINVAL);
	CHECK_RET(bpf_object__find_map_by_name(obj, "nope"), NULL, ENOENT);

	n = 0;
	bpf_object__for_each_map(m, obj) n++;
	CHECK_EQ(n, 2); /* counter and the .bss map */
	n = 0;
	for (m = bpf_map__next(NULL, obj); m; m = bpf_map__next(m, obj))
		n++;
	CHECK_EQ(n, 2);

	CHECK_EQ(bpf_program__set_type(prog, BPF_PROG_TYPE_SOCKET_FILTER), 0);
	CHECK_RET(bpf_object__load(obj), 0, 0);
	CHECK_RET(bpf_object__load(obj), -EINVAL, EINVAL);
	CHECK_RET(bpf_program__set_type(prog, BPF_PROG_TYPE_XDP), -EBUSY, EBUSY);

	prog_fd = bpf_program__fd(prog);
	map_fd = bpf_map__fd(map);
	CHECK(prog_fd > 2, "prog fd %d", prog_fd);
	CHECK(map_fd > 2, "map fd %d", map_fd);
	CHECK_EQ(bpf_object__find_map_fd_by_name(obj, "counter"), map_fd);
	CHECK_RET(bpf_object__find_map_fd_by_name(obj, "nope"), -EINVAL, EINVAL);

	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = 3);
	CHECK_EQ(bpf_prog_test_run_opts(prog_fd, &topts), 0);
	CHECK_EQ(topts.retval, 1);
	CHECK_EQ(bpf_map_lookup_elem(map_fd, &key, &val), 0);
	CHECK_EQ(val, 3);
out:
	bpf_object__close(obj);
	CHECK_EQ(h_count_fds(), fds);
}

static void check_legacy_load(void)
{
	struct bpf_object *obj = NULL;
	int fd = -1, fds = h_count_fds();

	CHECK_EQ(bpf_prog_load(obj_path, BPF_PROG_TYPE_UNSPEC, &obj, &fd), 0);
	CHECK(obj != NULL, "obj");
	CHECK(fd > 2, "prog fd %d", fd);
	CHECK_EQ(bpf_program__fd(bpf_object__next_program(obj, NULL)), fd);
	bpf_object__close(obj);
	CHECK_EQ(h_count_fds(), fds);

	obj = NULL;
	CHECK_EQ(bpf_prog_load(obj_path, BPF_PROG_TYPE_SOCKET_FILTER, &obj, &fd), 0);
	bpf_object__close(obj);

	obj = NULL;
	fd = -1;
	CHECK_RET(bpf_prog_load("/nonexistent/x.o", BPF_PROG_TYPE_UNSPEC, &obj, &fd), -ENOENT,
		  ENOENT);
	CHECK(obj == NULL && fd == -1, "out-params untouched");
	CHECK_EQ(h_count_fds(), fds);
}

static void check_bad_inputs(void)
{
	char bad[] = "/tmp/object_basic.notelf.XXXXXX";
	int fd, fds = h_count_fds();
	struct bpf_object *obj;

	CHECK_RET(bpf_object__open_file("/nonexistent/x.o", NULL), NULL, ENOENT);
	CHECK_RET(bpf_object__open("/nonexistent/x.o"), NULL, ENOENT);
	CHECK_RET(bpf_object__open_file(NULL, NULL), NULL, EINVAL);
	fd = mkstemp(bad);
	CHECK(fd >= 0, "mkstemp");
	if (fd >= 0) {
		CHECK(write(fd, "hello world, not an ELF file at all\n", 36) == 36, "write");
		close(fd);
		/* libbpf 1.1.2: NULL with errno LIBBPF_ERRNO__FORMAT (4001). */
		CHECK_RET(bpf_object__open_file(bad, NULL), NULL, 4001);
		unlink(bad);
	}
	bpf_object__close(NULL);
	bpf_object__close((struct bpf_object *)(long)-EINVAL);
	CHECK_RET(bpf_object__load(NULL), -EINVAL, EINVAL);
	CHECK_RET(bpf_object__find_map_fd_by_name(NULL, "counter"), -EINVAL, EINVAL);
	CHECK_EQ(h_count_fds(), fds);

	/* open_mem with an object name from opts. */
	FILE *f = fopen(obj_path, "rb");
	static char buf[1 << 20];
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;

	if (f)
		fclose(f);
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "memobj");
	obj = bpf_object__open_mem(buf, n, &oo);
	CHECK(obj != NULL, "open_mem: errno %d", errno);
	if (obj) {
		CHECK(!strcmp(bpf_object__name(obj), "memobj"), "%s", bpf_object__name(obj));
		bpf_object__close(obj);
	}
	CHECK_RET(bpf_object__open_mem(NULL, 0, NULL), NULL, EINVAL);
}

int main(void)
{
	int r;

	require_root();
	/* The object's name derives from the file name: object_basic.o. */
	r = bpfobj_build("basic", "object_basic.o", "-g", obj_path, sizeof(obj_path));
	if (r == 77)
		h_skip("clang not installed");
	if (r) {
		CHECK(0, "could not compile c-tests/bpf/basic.bpf.c");
		return h_done("object_basic");
	}
	check_open_load();
	check_legacy_load();
	check_bad_inputs();
	bpfobj_clean("basic", "object_basic.o");
	return h_done("object_basic");
}
