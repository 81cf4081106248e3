/* The libbpf-bootstrap "usdt" scenario (see bootstrap.h): BPF_USDT programs on
 * <sys/sdt.h> probes of this binary (PIE or not, as it was built), one
 * auto-attached from its section name and one by bpf_program__attach_usdt with a
 * cookie, and on a probe of a shared library built here with the C compiler and
 * dlopen()ed, attached for all processes and for this one. */
#ifndef LIBBPFRS_BOOTSTRAP_USDT_H
#define LIBBPFRS_BOOTSTRAP_USDT_H

#include "bootstrap.h"
#include <dlfcn.h>
#include <elf.h>
#include <limits.h>
#include <sys/sdt.h>
#include "bs_usdt.skel.h"

#define BS_MANUAL_COOKIE 0xbeefULL
#define BS_LIB_COOKIE 0x11bULL

__attribute__((noinline, used)) void bs_fire_auto(long x)
{
	STAP_PROBE1(bs_prov, bs_auto, x);
}

__attribute__((noinline, used)) void bs_fire_manual(long a, long b)
{
	STAP_PROBE2(bs_prov, bs_manual, a, b);
}

static const char bs_lib_src[] = "#include <sys/sdt.h>\n"
				 "__attribute__((noinline)) void bs_lib_fire(long a, long b)\n"
				 "{\n"
				 "	volatile long c = b;\n"
				 "	STAP_PROBE2(bs_lib, bs_lib_probe, a, c);\n"
				 "}\n";

struct bs_usdt_result {
	int load, auto_attach, manual_attach, lib_build, lib_attach_all, lib_attach_self;
	bool exe_is_dyn;
	unsigned auto_hits, manual_hits, lib_hits_all, lib_hits_self, lib_hits_after;
	long auto_x, manual_a, manual_b, manual_cnt, lib_a, lib_b, lib_cnt;
	unsigned long long manual_cookie, lib_cookie;
};

/* Whether /proc/self/exe is ET_DYN (built as PIE). */
static inline bool bs_exe_is_dyn(void)
{
	Elf64_Ehdr h = {};
	FILE *f = fopen("/proc/self/exe", "re");

	if (f) {
		if (fread(&h, sizeof(h), 1, f) != 1)
			h.e_type = 0;
		fclose(f);
	}
	return h.e_type == ET_DYN;
}

/* Writes bs_lib_src to `dir`/libbs_usdt.c and builds `dir`/libbs_usdt.so (full
 * path to `so`); 0 or -1. */
static inline int bs_build_lib(const char *dir, char *so, size_t n)
{
	char src[PATH_MAX / 2], cmd[2 * PATH_MAX];
	FILE *f;

	snprintf(src, sizeof(src), "%s/libbs_usdt.c", dir);
	snprintf(so, n, "%s/libbs_usdt.so", dir);
	f = fopen(src, "we");
	if (!f)
		return -1;
	fputs(bs_lib_src, f);
	if (fclose(f))
		return -1;
	snprintf(cmd, sizeof(cmd), "cc -O1 -g -shared -fPIC -o '%s' '%s'", so, src);
	return system(cmd) == 0 ? 0 : -1;
}

/* Attaches usdt_lib to the library's probe for `pid`, fires it once with (a, b)
 * and detaches; the hits seen while attached, or -errno of the attach. */
static inline int bs_usdt_lib_round(struct bs_usdt *skel, const char *what, pid_t pid,
				    const char *so, void (*fire)(long, long), long a, long b,
				    unsigned *hits)
{
	LIBBPF_OPTS(bpf_usdt_opts, o, .usdt_cookie = BS_LIB_COOKIE);
	unsigned before = skel->bss->lib_hits;
	struct bpf_link *l;
	int err;

	l = bpf_program__attach_usdt(skel->progs.usdt_lib, pid, so, "bs_lib", "bs_lib_probe", &o);
	err = l ? 0 : -errno;
	bs_ret(what, err);
	if (!l)
		return err;
	fire(a, b);
	*hits = skel->bss->lib_hits - before;
	bs_ret("usdt: bpf_link__destroy(lib link)", bpf_link__destroy(l));
	return 0;
}

static inline void bs_usdt_lib(struct bs_usdt *skel, struct bs_usdt_result *r)
{
	char dir[96], so[PATH_MAX];
	void (*fire)(long, long) = NULL;
	void *h = NULL;

	r->lib_build = -1;
	if (!bpfobj_tmpdir("bs_usdt", dir, sizeof(dir)) && !bs_build_lib(dir, so, sizeof(so)) &&
	    (h = dlopen(so, RTLD_NOW)) && (fire = (void (*)(long, long))dlsym(h, "bs_lib_fire")))
		r->lib_build = 0;
	bs_say("usdt: shared library with a probe built and loaded = %d", r->lib_build);
	if (!r->lib_build) {
		r->lib_attach_all = bs_usdt_lib_round(skel, "usdt: attach_usdt(lib, pid -1)", -1, so,
						      fire, 5, 6, &r->lib_hits_all);
		r->lib_attach_self = bs_usdt_lib_round(skel, "usdt: attach_usdt(lib, getpid())",
						       getpid(), so, fire, 7, 8, &r->lib_hits_self);
		r->lib_a = skel->bss->lib_a;
		r->lib_b = skel->bss->lib_b;
		r->lib_cnt = skel->bss->lib_cnt;
		r->lib_cookie = skel->bss->lib_cookie;
		fire(9, 10);
		r->lib_hits_after = skel->bss->lib_hits - r->lib_hits_all - r->lib_hits_self;
		bs_say("usdt: lib hits=%u+%u (after detach %u) args=(%ld, %ld) arg_cnt=%ld cookie matches=%d",
		       r->lib_hits_all, r->lib_hits_self, r->lib_hits_after, r->lib_a, r->lib_b,
		       r->lib_cnt, r->lib_cookie == BS_LIB_COOKIE);
	}
	if (h)
		dlclose(h);
	bpfobj_rmdir(dir);
}

static inline int bs_run_usdt(struct bs_usdt_result *r)
{
	LIBBPF_OPTS(bpf_usdt_opts, o, .usdt_cookie = BS_MANUAL_COOKIE);
	void (*volatile fire_auto)(long) = bs_fire_auto;
	void (*volatile fire_manual)(long, long) = bs_fire_manual;
	struct bpf_link *l;
	struct bs_usdt *skel;

	memset(r, 0, sizeof(*r));
	r->exe_is_dyn = bs_exe_is_dyn();
	skel = bs_ptr("usdt: bs_usdt__open_and_load()", bs_usdt__open_and_load());
	if (!skel)
		return (r->load = -errno);
	r->auto_attach = bs_usdt__attach(skel);
	bs_ret("usdt: bs_usdt__attach()", r->auto_attach);
	fire_auto(17);
	fire_auto(18);
	r->auto_hits = skel->bss->auto_hits;
	r->auto_x = skel->bss->auto_x;
	bs_say("usdt: auto-attached bs_prov:bs_auto: hits=%u last x=%ld", r->auto_hits, r->auto_x);

	l = bpf_program__attach_usdt(skel->progs.usdt_manual, getpid(), "/proc/self/exe", "bs_prov",
				     "bs_manual", &o);
	r->manual_attach = l ? 0 : -errno;
	bs_ret("usdt: attach_usdt(/proc/self/exe, bs_prov:bs_manual)", r->manual_attach);
	fire_manual(3, -4);
	r->manual_hits = skel->bss->manual_hits;
	r->manual_a = skel->bss->manual_a;
	r->manual_b = skel->bss->manual_b;
	r->manual_cnt = skel->bss->manual_cnt;
	r->manual_cookie = skel->bss->manual_cookie;
	bs_say("usdt: bs_prov:bs_manual: hits=%u args=(%ld, %ld) arg_cnt=%ld cookie matches=%d",
	       r->manual_hits, r->manual_a, r->manual_b, r->manual_cnt,
	       r->manual_cookie == BS_MANUAL_COOKIE);
	bpf_link__destroy(l);

	bs_usdt_lib(skel, r);
	bs_usdt__destroy(skel);
	return 0;
}

#endif
