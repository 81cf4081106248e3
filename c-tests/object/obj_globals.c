/* Global data and subprograms (c-tests/bpf/obj_globals.bpf.c): the .data,
 * .rodata, .bss and .data.custom maps with their ELF initial values after load,
 * .rodata frozen (no update, no writable mmap) and read-only for programs, values
 * written from user space through bpf_map_update_elem and through mmap and read
 * by the program, values the program writes read back; static and global
 * noinline .text subprograms; and, built with -DOT_SAME_SEC, a call to a global
 * function of the caller's own section, which open refuses (LIBBPF_ERRNO__RELOC),
 * as libbpf does: calls that need a relocation may only target .text. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/mman.h>
#include "harness.h"
#include "obj_util.h"

static char path[PATH_MAX], path_same[PATH_MAX];
static int same_sec; /* the object built with -DOT_SAME_SEC */

struct rodata {
	int ro;
	int pad;
	__u64 ro2[2];
};

static int fd_of(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	CHECK(m != NULL, "map %s: errno %d", name, errno);
	return m ? bpf_map__fd(m) : -1;
}

static void check_open(struct bpf_object *obj)
{
	static const struct {
		const char *name;
		__u32 value;
	} want[] = { { ".data", 4 }, { ".rodata", 24 }, { ".bss", 16 }, { ".data.custom", 8 } };
	struct bpf_map *m;
	int n = 0;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct ot_map_want w = { want[i].name, BPF_MAP_TYPE_ARRAY, 4, want[i].value, 1 };

		ot_check_map(obj, &w);
	}
	bpf_object__for_each_map(m, obj) n++;
	CHECK_EQ(n, 4);
	n = 0;
	struct bpf_program *p;
	bpf_object__for_each_program(p, obj) n++;
	CHECK_EQ(n, same_sec ? 3 : 2); /* ot_rw, ot_caller (+ ot_same_sec); not .text */
	CHECK_RET(bpf_object__find_program_by_name(obj, "text_add"), NULL, ENOENT);
	CHECK_RET(bpf_object__find_program_by_name(obj, "text_global"), NULL, ENOENT);
	p = bpf_object__find_program_by_name(obj, "ot_same_sec");
	if (same_sec)
		CHECK(p && !strcmp(bpf_program__section_name(p), "socket"), "ot_same_sec");
	else
		CHECK(p == NULL, "ot_same_sec is a .text function");
}

static void check_initial(struct bpf_object *obj)
{
	int data = fd_of(obj, ".data"), ro = fd_of(obj, ".rodata");
	int bss = fd_of(obj, ".bss"), custom = fd_of(obj, ".data.custom");
	struct rodata r;
	struct bpf_map_info info;
	__u32 key = 0, len = sizeof(info);
	int d = 0, c[2] = { 0, 0 };
	__u64 b[2] = { 1, 1 };

	CHECK_EQ(bpf_map_lookup_elem(data, &key, &d), 0);
	CHECK_EQ(d, 5);
	memset(&r, 0xff, sizeof(r));
	CHECK_EQ(bpf_map_lookup_elem(ro, &key, &r), 0);
	CHECK_EQ(r.ro, 7);
	CHECK_EQ(r.ro2[0], 11);
	CHECK_EQ(r.ro2[1], 13);
	CHECK_EQ(bpf_map_lookup_elem(bss, &key, b), 0);
	CHECK(b[0] == 0 && b[1] == 0, ".bss %llu %llu", (unsigned long long)b[0],
	      (unsigned long long)b[1]);
	CHECK_EQ(bpf_map_lookup_elem(custom, &key, c), 0);
	CHECK(c[0] == 9 && c[1] == 10, ".data.custom %d %d", c[0], c[1]);

	/* .rodata: frozen (syscall-side writes refused), read-only for programs. */
	memset(&info, 0, sizeof(info));
	CHECK_EQ(bpf_map_get_info_by_fd(ro, &info, &len), 0);
	CHECK(info.map_flags & BPF_F_RDONLY_PROG, ".rodata flags %#x", info.map_flags);
	CHECK_KERR(bpf_map_update_elem(ro, &key, &r, BPF_ANY), EPERM);
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
	      errno == EPERM, "writable mmap of frozen .rodata");
	void *rp = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(rp != MAP_FAILED, "read-only mmap of .rodata: errno %d", errno);
	if (rp != MAP_FAILED) {
		CHECK_EQ(*(int *)rp, 7);
		munmap(rp, 4096);
	}
	/* The writable sections are not frozen and are mmapable. */
	len = sizeof(info);
	memset(&info, 0, sizeof(info));
	CHECK_EQ(bpf_map_get_info_by_fd(data, &info, &len), 0);
	CHECK(info.map_flags & BPF_F_MMAPABLE, ".data flags %#x", info.map_flags);
	CHECK(!(info.map_flags & BPF_F_RDONLY_PROG), ".data flags %#x", info.map_flags);
}

static void check_run(struct bpf_object *obj)
{
	struct bpf_program *rw = bpf_object__find_program_by_name(obj, "ot_rw");
	struct bpf_program *caller = bpf_object__find_program_by_name(obj, "ot_caller");
	int data = fd_of(obj, ".data"), bss = fd_of(obj, ".bss");
	int custom = fd_of(obj, ".data.custom");
	char pkt[64] = { 0 };
	__u32 key = 0;
	int d = 100, c[2];
	__u64 b[2];
	volatile int *dm;

	CHECK(rw && caller, "programs");
	if (!rw || !caller || data < 0 || bss < 0 || custom < 0)
		return;
	/* User space writes .data through the syscall, the program reads it. */
	CHECK_EQ(bpf_map_update_elem(data, &key, &d, BPF_ANY), 0);
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt));
	CHECK_EQ(bpf_prog_test_run_opts(bpf_program__fd(rw), &t), 0);
	CHECK_EQ(t.retval, 9); /* text_twice(1) = text_add(1, 1) = 1 + 1 + ot_ro */
	CHECK_EQ(bpf_map_lookup_elem(bss, &key, b), 0);
	CHECK_EQ((int)b[0], 107); /* ot_bss = ot_data + ot_ro */
	CHECK_EQ(b[1], 24);       /* ot_bss2 = 11 + 13 */
	CHECK_EQ(bpf_map_lookup_elem(data, &key, &d), 0);
	CHECK_EQ(d, 101);
	CHECK_EQ(bpf_map_lookup_elem(custom, &key, c), 0);
	CHECK_EQ(c[0], 18);

	/* Through mmap: write .data, run, read it back from the mapping. */
	dm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, data, 0);
	CHECK(dm != MAP_FAILED, "mmap .data: errno %d", errno);
	if (dm != MAP_FAILED) {
		CHECK_EQ(*dm, 101);
		*dm = 40;
		LIBBPF_OPTS(bpf_test_run_opts, t2, .data_in = pkt, .data_size_in = sizeof(pkt));
		CHECK_EQ(bpf_prog_test_run_opts(bpf_program__fd(rw), &t2), 0);
		CHECK_EQ(*dm, 41);
		CHECK_EQ(bpf_map_lookup_elem(bss, &key, b), 0);
		CHECK_EQ((int)b[0], 47);
		munmap((void *)dm, 4096);
	}

	/* Same-section global function + .text subprogram. */
	LIBBPF_OPTS(bpf_test_run_opts, t3, .data_in = pkt, .data_size_in = sizeof(pkt));
	CHECK_EQ(bpf_prog_test_run_opts(bpf_program__fd(caller), &t3), 0);
	CHECK_EQ(t3.retval, 10); /* ot_same_sec(skb) = text_global(2) = 3, text_add(0, 0) = 7 */
	CHECK_EQ(bpf_map_lookup_elem(custom, &key, c), 0);
	CHECK_EQ(c[1], 11);
	/* The callee as a program of its own. */
	struct bpf_program *same = bpf_object__find_program_by_name(obj, "ot_same_sec");
	CHECK(!same_sec || (same && bpf_program__fd(same) > 2), "ot_same_sec fd");
	if (same_sec && same) {
		LIBBPF_OPTS(bpf_test_run_opts, t4, .data_in = pkt, .data_size_in = sizeof(pkt));
		CHECK_EQ(bpf_prog_test_run_opts(bpf_program__fd(same), &t4), 0);
		CHECK_EQ(t4.retval, 3);
		CHECK_EQ(bpf_map_lookup_elem(custom, &key, c), 0);
		CHECK_EQ(c[1], 12);
	}
}

int main(void)
{
	struct bpf_object *obj;
	int fds;

	require_root();
	if (ot_init("obj_globals") ||
	    ot_build("obj_globals.bpf.c", "globals.o", "-g", path, sizeof(path)))
		return ot_build_failed("obj_globals", "could not build obj_globals.bpf.c");
	if (ot_build("obj_globals.bpf.c", "globals_same.o", "-g -DOT_SAME_SEC", path_same,
		     sizeof(path_same)))
		return ot_build_failed("obj_globals",
				       "could not build obj_globals.bpf.c -DOT_SAME_SEC");
	for (same_sec = 0; same_sec < 2; same_sec++) {
		fds = h_count_fds();
		obj = bpf_object__open_file(same_sec ? path_same : path, NULL);
		if (same_sec) {
			/* As libbpf: a call that needs a relocation must target .text,
			 * so a global function of the caller's own section is refused. */
			CHECK(obj == NULL && errno == LIBBPF_ERRNO__RELOC,
			      "same-section global call: obj %p errno %d", (void *)obj, errno);
			bpf_object__close(obj);
			CHECK_EQ(h_count_fds(), fds);
			continue;
		}
		CHECK(obj != NULL, "open_file: errno %d", errno);
		if (obj) {
			check_open(obj);
			CHECK_RET(bpf_object__load(obj), 0, 0);
			check_initial(obj);
			check_run(obj);
			bpf_object__close(obj);
		}
		CHECK_EQ(h_count_fds(), fds);
	}
	ot_cleanup();
	return h_done("obj_globals");
}
