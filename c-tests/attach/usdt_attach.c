/* USDT attach on probes of this very binary (<sys/sdt.h>, every probe with a
 * semaphore): bpf_program__attach_usdt with a cookie on a probe whose arguments
 * are a constant, a register and memory, checked through bpf_usdt_arg,
 * bpf_usdt_arg_cnt and bpf_usdt_cookie (bpf/ut_usdt.bpf.c); auto-attach of
 * SEC("usdt//proc/self/exe:ut_prov:ut_sema"), whose semaphore the kernel raises
 * while attached; detach (no more hits, semaphore back to 0); spec ids given
 * back (more attach/destroy rounds than the specs map has entries); and the
 * errors: no such probe or binary (ENOENT). Also passes on the system libbpf
 * 1.1.2 (which crashes on NULL strings, so those are not tried). */
#define _GNU_SOURCE
#define _SDT_HAS_SEMAPHORES 1
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/sdt.h>
#include <unistd.h>
#include "harness.h"
#include "bpfobj.h"

__extension__ unsigned short ut_prov_ut_args_semaphore __attribute__((unused))
__attribute__((section(".probes")));
__extension__ unsigned short ut_prov_ut_sema_semaphore __attribute__((unused))
__attribute__((section(".probes")));

#define UT_COOKIE 0xc00c1e5ULL

static int out_fd;

__attribute__((noinline)) void ut_fire_args(long reg)
{
	volatile long mem = -5;

	STAP_PROBE3(ut_prov, ut_args, 42, reg, mem);
}

__attribute__((noinline)) void ut_fire_sema(int v)
{
	if (ut_prov_ut_sema_semaphore)
		STAP_PROBE1(ut_prov, ut_sema, v);
}

static long slot(__u32 k)
{
	long v = -1;

	CHECK_EQ(bpf_map_lookup_elem(out_fd, &k, &v), 0);
	return v;
}

static void check_explicit(struct bpf_program *p)
{
	LIBBPF_OPTS(bpf_usdt_opts, o, .usdt_cookie = UT_COOKIE);
	struct bpf_link *l;

	l = bpf_program__attach_usdt(p, getpid(), "/proc/self/exe", "ut_prov", "ut_args", &o);
	CHECK(l != NULL, "attach_usdt(ut_args): errno %d", errno);
	if (!l)
		return;
	ut_fire_args(7);
	CHECK_EQ(slot(0), 42);
	CHECK_EQ(slot(1), 7);
	CHECK_EQ(slot(2), -5);
	CHECK_EQ(slot(3), (long)UT_COOKIE);
	CHECK_EQ(slot(4), 3);
	CHECK_EQ(slot(5), 1);
	ut_fire_args(-9);
	CHECK_EQ(slot(1), -9);
	CHECK_EQ(slot(5), 2);
	CHECK_EQ(bpf_link__destroy(l), 0);
	ut_fire_args(8);
	CHECK_EQ(slot(5), 2);
}

static void check_auto(struct bpf_program *p)
{
	struct bpf_link *l;

	CHECK_EQ(ut_prov_ut_sema_semaphore, 0);
	ut_fire_sema(1);
	l = bpf_program__attach(p);
	CHECK(l != NULL, "attach(usdt section): errno %d", errno);
	if (!l)
		return;
	CHECK(ut_prov_ut_sema_semaphore > 0, "semaphore raised: %d", ut_prov_ut_sema_semaphore);
	ut_fire_sema(-3);
	CHECK_EQ(slot(6), -3);
	CHECK_EQ(slot(7), 1);
	CHECK_EQ(slot(8), -ENOENT);
	CHECK_EQ(bpf_link__destroy(l), 0);
	CHECK_EQ(ut_prov_ut_sema_semaphore, 0);
	ut_fire_sema(5);
	CHECK_EQ(slot(7), 1);
}

static void check_rounds_and_errors(struct bpf_program *p)
{
	struct bpf_link *l;
	int i, ok = 1;

	/* More rounds than BPF_USDT_MAX_SPEC_CNT (256): ids come back. */
	for (i = 0; i < 300 && ok; i++) {
		l = bpf_program__attach_usdt(p, -1, "/proc/self/exe", "ut_prov", "ut_args", NULL);
		ok = l != NULL;
		CHECK(ok, "round %d: errno %d", i, errno);
		bpf_link__destroy(l);
	}
	CHECK_RET(bpf_program__attach_usdt(p, -1, "/proc/self/exe", "ut_prov", "ut_nope", NULL),
		  NULL, ENOENT);
	CHECK_RET(bpf_program__attach_usdt(p, -1, "/ut_nonexistent", "ut_prov", "ut_args", NULL),
		  NULL, ENOENT);
}

int main(void)
{
	struct bpf_object *obj;
	char path[PATH_MAX];
	int r;

	require_root();
	if (access("/sys/bus/event_source/devices/uprobe", F_OK))
		h_skip("no uprobe PMU (/sys/bus/event_source/devices/uprobe)");
#if defined(__x86_64__)
	r = bpfobj_build("ut_usdt", "ut_usdt.o", "-g -D__TARGET_ARCH_x86", path, sizeof(path));
#elif defined(__aarch64__)
	r = bpfobj_build("ut_usdt", "ut_usdt.o", "-g -D__TARGET_ARCH_arm64", path, sizeof(path));
#else
	h_skip("USDT argument specs are known for x86-64 and arm64 only");
#endif
	if (r == 77)
		h_skip("clang not installed");
	CHECK_EQ(r, 0);
	obj = bpf_object__open_file(path, NULL);
	CHECK(obj != NULL, "open: errno %d", errno);
	if (!obj)
		return h_done("usdt_attach");
	CHECK_EQ(bpf_object__load(obj), 0);
	out_fd = bpf_object__find_map_fd_by_name(obj, "ut_out");
	CHECK(out_fd >= 0, "ut_out fd %d", out_fd);
	check_explicit(bpf_object__find_program_by_name(obj, "ut_explicit"));
	check_auto(bpf_object__find_program_by_name(obj, "ut_auto"));
	check_rounds_and_errors(bpf_object__find_program_by_name(obj, "ut_explicit"));
	bpf_object__close(obj);
	bpfobj_clean("ut_usdt", "ut_usdt.o");
	return h_done("usdt_attach");
}
