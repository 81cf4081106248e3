// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Map element operation micro-benchmark: libbpfrs vs system libbpf vs raw bpf().
 *
 * One binary, one run. Both libraries export the same names, so each is dlopen()ed
 * with RTLD_LOCAL | RTLD_DEEPBIND and used through dlsym() pointers. The raw path
 * has the same C signatures and is also called through a function pointer, so the
 * three paths differ only in what happens between the call and the syscall.
 * The same map fds (one HASH, one ARRAY, created once) serve all three paths.
 *
 * usage: map_ops <libbpfrs.so> <libbpf.so.1>
 * env:   BENCH_ROUNDS (7), BENCH_OPS (200000 per round), BENCH_CPU (last allowed CPU)
 *        BENCH_INSNS=1: under callgrind, dump the user-space instruction count of
 *        BENCH_OPS ops per (map, op, path) instead of timing (bench/run --insns).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif

#define N_ENTRIES 10000u
#define N_PATHS 3
#define MAX_ROUNDS 101
#define ATTR_SZ (offsetof(union bpf_attr, flags) + sizeof(((union bpf_attr *)0)->flags))

_Static_assert(ATTR_SZ == 32, "element ops send 32 bytes of bpf_attr, like libbpf");

typedef int (*lookup_fn)(int fd, const void *key, void *value);
typedef int (*update_fn)(int fd, const void *key, const void *value, uint64_t flags);
typedef int (*delete_fn)(int fd, const void *key);
typedef int (*next_fn)(int fd, const void *key, void *next_key);

struct path {
	const char *name;
	lookup_fn lookup;
	update_fn update;
	delete_fn del;
	next_fn next;
};

static void die(const char *msg)
{
	fprintf(stderr, "map_ops: %s\n", msg);
	exit(1);
}

static void die_errno(const char *what)
{
	fprintf(stderr, "map_ops: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- raw path: one pre-zeroed attr per command, only the varying fields set ---- */

static union bpf_attr raw_lookup_attr, raw_update_attr, raw_delete_attr, raw_next_attr;

__attribute__((noinline)) static int raw_lookup(int fd, const void *key, void *value)
{
	raw_lookup_attr.map_fd = fd;
	raw_lookup_attr.key = (uint64_t)(uintptr_t)key;
	raw_lookup_attr.value = (uint64_t)(uintptr_t)value;
	return syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &raw_lookup_attr, ATTR_SZ);
}

__attribute__((noinline)) static int raw_update(int fd, const void *key, const void *value,
						uint64_t flags)
{
	raw_update_attr.map_fd = fd;
	raw_update_attr.key = (uint64_t)(uintptr_t)key;
	raw_update_attr.value = (uint64_t)(uintptr_t)value;
	raw_update_attr.flags = flags;
	return syscall(__NR_bpf, BPF_MAP_UPDATE_ELEM, &raw_update_attr, ATTR_SZ);
}

__attribute__((noinline)) static int raw_delete(int fd, const void *key)
{
	raw_delete_attr.map_fd = fd;
	raw_delete_attr.key = (uint64_t)(uintptr_t)key;
	return syscall(__NR_bpf, BPF_MAP_DELETE_ELEM, &raw_delete_attr, ATTR_SZ);
}

__attribute__((noinline)) static int raw_next(int fd, const void *key, void *next_key)
{
	raw_next_attr.map_fd = fd;
	raw_next_attr.key = (uint64_t)(uintptr_t)key;
	raw_next_attr.next_key = (uint64_t)(uintptr_t)next_key;
	return syscall(__NR_bpf, BPF_MAP_GET_NEXT_KEY, &raw_next_attr, ATTR_SZ);
}

/* ---- library paths ---- */

static void *sym(void *h, const char *lib, const char *name)
{
	void *p = dlsym(h, name);

	if (!p) {
		fprintf(stderr, "map_ops: %s: no symbol %s: %s\n", lib, name, dlerror());
		exit(1);
	}
	return p;
}

static struct path load_lib(const char *name, const char *file)
{
	void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	struct path p;

	if (!h) {
		fprintf(stderr, "map_ops: dlopen %s: %s\n", file, dlerror());
		exit(1);
	}
	p.name = name;
	p.lookup = (lookup_fn)sym(h, file, "bpf_map_lookup_elem");
	p.update = (update_fn)sym(h, file, "bpf_map_update_elem");
	p.del = (delete_fn)sym(h, file, "bpf_map_delete_elem");
	p.next = (next_fn)sym(h, file, "bpf_map_get_next_key");
	return p;
}

/* ---- maps and keys ---- */

static uint32_t keys[N_ENTRIES]; /* a fixed permutation of 0..N-1 */
static uint64_t values[N_ENTRIES];

static int map_create(uint32_t type)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = sizeof(uint32_t);
	a.value_size = sizeof(uint64_t);
	a.max_entries = N_ENTRIES;
	fd = syscall(__NR_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0)
		die_errno("BPF_MAP_CREATE");
	return fd;
}

static void map_fill(int fd)
{
	union bpf_attr a;
	uint32_t k;

	for (k = 0; k < N_ENTRIES; k++) {
		memset(&a, 0, sizeof(a));
		a.map_fd = fd;
		a.key = (uint64_t)(uintptr_t)&k;
		a.value = (uint64_t)(uintptr_t)&values[k];
		a.flags = BPF_ANY;
		if (syscall(__NR_bpf, BPF_MAP_UPDATE_ELEM, &a, ATTR_SZ))
			die_errno("fill: BPF_MAP_UPDATE_ELEM");
	}
}

static void keys_init(void)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;
	uint32_t i, j, t;

	for (i = 0; i < N_ENTRIES; i++) {
		keys[i] = i;
		values[i] = (uint64_t)i * 0x100000001ull;
	}
	for (i = N_ENTRIES - 1; i > 0; i--) { /* Fisher-Yates, xorshift64 */
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		j = (uint32_t)(s % (i + 1));
		t = keys[i];
		keys[i] = keys[j];
		keys[j] = t;
	}
}

/* ---- the measured loops: identical for every path, checked results ---- */

enum op { OP_LOOKUP, OP_UPDATE, OP_NEXT, OP_DELETE, N_OPS };
static const char *const op_name[N_OPS] = { "lookup", "update", "get_next_key", "delete" };

/* Row label: on a hash map "delete" is delete + re-insert; on an array it fails (EINVAL). */
static const char *op_label(int o, int is_hash)
{
	if (o == OP_DELETE)
		return is_hash ? "delete+insert" : "delete(EINVAL)";
	return op_name[o];
}

struct state {
	uint32_t idx;	/* position in keys[] */
	uint32_t cur;	/* get_next_key cursor */
	int have_cur;	/* 0: next get_next_key starts from NULL (first key) */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Runs n operations and returns the elapsed ns. For OP_DELETE on a hash map one
 * "operation" is delete + re-insert (BPF_NOEXIST) of the same key; on an array map
 * the kernel refuses delete (EINVAL), so it times the failing call (error path).
 */
static uint64_t run(const struct path *p, enum op op, int fd, int is_hash, uint32_t n,
		    struct state *st)
{
	uint32_t idx = st->idx, i, ends = 0;
	uint64_t val = 0, t0, t1;
	uint32_t nk;

	t0 = now_ns();
	switch (op) {
	case OP_LOOKUP:
		for (i = 0; i < n; i++) {
			if (p->lookup(fd, &keys[idx], &val))
				die_errno("lookup failed on an existing key");
			if (++idx == N_ENTRIES)
				idx = 0;
		}
		break;
	case OP_UPDATE:
		for (i = 0; i < n; i++) {
			if (p->update(fd, &keys[idx], &values[idx], BPF_EXIST))
				die_errno("update (BPF_EXIST) failed");
			if (++idx == N_ENTRIES)
				idx = 0;
		}
		break;
	case OP_NEXT:
		for (i = 0; i < n; i++) {
			if (p->next(fd, st->have_cur ? &st->cur : NULL, &nk) == 0) {
				st->cur = nk;
				st->have_cur = 1;
			} else {
				if (errno != ENOENT || !st->have_cur)
					die_errno("get_next_key failed other than at the end");
				st->have_cur = 0; /* end of the walk: restart from the first key */
				ends++;
			}
		}
		break;
	case OP_DELETE:
		if (is_hash) {
			for (i = 0; i < n; i++) {
				if (p->del(fd, &keys[idx]))
					die_errno("delete failed on an existing key");
				if (p->update(fd, &keys[idx], &values[idx], BPF_NOEXIST))
					die_errno("re-insert (BPF_NOEXIST) failed");
				if (++idx == N_ENTRIES)
					idx = 0;
			}
		} else {
			for (i = 0; i < n; i++) {
				errno = 0;
				if (p->del(fd, &keys[idx]) == 0 || errno != EINVAL)
					die("array delete did not fail with EINVAL");
				if (++idx == N_ENTRIES)
					idx = 0;
			}
		}
		break;
	default:
		die("bad op");
	}
	t1 = now_ns();
	if (op == OP_NEXT && ends > n / N_ENTRIES + 1)
		die("get_next_key walk ended too often");
	st->idx = idx;
	return t1 - t0;
}

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stat_ {
	double median, q1, q3;
};

static struct stat_ summarize(const double *v, int n)
{
	double s[MAX_ROUNDS];
	struct stat_ r;

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	r.median = s[n / 2];
	r.q1 = s[n / 4];
	r.q3 = s[(3 * n) / 4];
	return r;
}

static unsigned long env_ul(const char *name, unsigned long def, unsigned long lo,
			    unsigned long hi)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi) {
		fprintf(stderr, "map_ops: %s must be an integer in [%lu, %lu]\n", name, lo, hi);
		exit(1);
	}
	return v;
}

static int pin_cpu(void)
{
	cpu_set_t set;
	int cpu, last = -1;

	if (sched_getaffinity(0, sizeof(set), &set))
		die_errno("sched_getaffinity");
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			last = cpu;
	cpu = (int)env_ul("BENCH_CPU", (unsigned long)last, 0, CPU_SETSIZE - 1);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die_errno("sched_setaffinity");
	return cpu;
}

/*
 * Instruction-count mode: one callgrind dump per (map, op, path), named
 * "<map> <op> <path> <ops>", holding only that loop's user-space instructions.
 */
static void count_insns(const struct path *paths, const int *map_fd, const char *const *map_name,
			uint32_t ops)
{
#ifdef HAVE_CALLGRIND
	char label[128];
	int m, o, k;

	if (!RUNNING_ON_VALGRIND)
		die("BENCH_INSNS=1 needs to run under valgrind --tool=callgrind (bench/run --insns)");
	for (m = 0; m < 2; m++) {
		for (o = 0; o < N_OPS; o++) {
			for (k = 0; k < N_PATHS; k++) {
				struct state st = { 0 };

				run(&paths[k], o, map_fd[m], m == 0, N_ENTRIES + 1, &st);
				CALLGRIND_ZERO_STATS;
				run(&paths[k], o, map_fd[m], m == 0, ops, &st);
				snprintf(label, sizeof(label), "%s %s %s %u", map_name[m],
					 op_label(o, m == 0), paths[k].name, ops);
				CALLGRIND_DUMP_STATS_AT(label);
			}
		}
	}
#else
	(void)paths, (void)map_fd, (void)map_name, (void)ops;
	die("built without <valgrind/callgrind.h>: BENCH_INSNS unavailable");
#endif
}

int main(int argc, char **argv)
{
	struct path paths[N_PATHS];
	const char *map_name[2] = { "hash", "array" };
	int map_fd[2], rounds, cpu, m, o, r, k, n_over3 = 0, n_slower = 0, n_tie = 0;
	uint32_t ops;

	if (argc != 3) {
		fprintf(stderr, "usage: %s <libbpfrs.so> <libbpf.so.1>\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0)
		die("needs root (bpf() map creation)");
	rounds = (int)env_ul("BENCH_ROUNDS", 7, 1, MAX_ROUNDS);
	ops = (uint32_t)env_ul("BENCH_OPS", 200000, 1000, 100000000);
	cpu = pin_cpu();

	/* Index 0 is the baseline; every comparison is against it. */
	paths[0] = (struct path){ "raw", raw_lookup, raw_update, raw_delete, raw_next };
	paths[1] = load_lib("libbpfrs", argv[1]);
	paths[2] = load_lib("libbpf", argv[2]);

	keys_init();
	map_fd[0] = map_create(BPF_MAP_TYPE_HASH);
	map_fd[1] = map_create(BPF_MAP_TYPE_ARRAY);
	map_fill(map_fd[0]);
	map_fill(map_fd[1]);

	if (getenv("BENCH_INSNS")) {
		count_insns(paths, map_fd, map_name, ops);
		return 0;
	}

	printf("# map_ops: %u-entry maps (u32 key, u64 value), %d rounds x %u ops, "
	       "median round, CPU %d\n",
	       N_ENTRIES, rounds, ops, cpu);
	printf("# libbpfrs: %s\n# libbpf:   %s\n", argv[1], argv[2]);
	printf("%-14s %-6s %9s %9s %8s %9s %8s %6s %5s %5s\n", "op", "map", "raw", "libbpfrs",
	       "vs raw", "libbpf", "vs raw", "noise", "<=3%", "<=lib");

	for (m = 0; m < 2; m++) {
		for (o = 0; o < N_OPS; o++) {
			double ns[N_PATHS][MAX_ROUNDS];
			struct stat_ s[N_PATHS];
			struct state st[N_PATHS];
			double rs, lb, noise = 0;
			int ok3, oklib;

			memset(st, 0, sizeof(st));
			/* warm-up: one full round per path */
			for (k = 0; k < N_PATHS; k++)
				run(&paths[k], o, map_fd[m], m == 0, ops, &st[k]);
			for (r = 0; r < rounds; r++) {
				/* round-robin, rotating who goes first to cancel drift */
				for (k = 0; k < N_PATHS; k++) {
					int pi = (r + k) % N_PATHS;
					uint64_t t = run(&paths[pi], o, map_fd[m], m == 0, ops,
							 &st[pi]);

					ns[pi][r] = (double)t / ops;
				}
			}
			for (k = 0; k < N_PATHS; k++) {
				double iqr;

				s[k] = summarize(ns[k], rounds);
				iqr = (s[k].q3 - s[k].q1) / s[k].median * 100.0;
				if (iqr > noise)
					noise = iqr;
			}
			rs = (s[1].median / s[0].median - 1.0) * 100.0;
			lb = (s[2].median / s[0].median - 1.0) * 100.0;
			ok3 = rs <= 3.0;
			/* 1: no slower; 2: slower but by less than the noise; 0: slower */
			oklib = s[1].median <= s[2].median ? 1
				: (s[1].median / s[2].median - 1.0) * 100.0 <= noise ? 2 : 0;
			n_over3 += !ok3;
			n_slower += oklib == 0;
			n_tie += oklib == 2;
			printf("%-14s %-6s %9.1f %9.1f %+7.1f%% %9.1f %+7.1f%% %5.1f%% %5s %5s\n",
			       op_label(o, m == 0), map_name[m], s[0].median, s[1].median, rs, s[2].median, lb,
			       noise, ok3 ? "yes" : "NO", oklib == 1 ? "yes" : oklib == 2 ? "~" : "NO");
			fflush(stdout);
		}
	}
	printf("# ns/op = median round; noise = largest (Q3-Q1)/median over the 3 paths;\n"
	       "# <=lib '~' = libbpfrs slower than libbpf by less than the noise\n");
	printf("# result: libbpfrs more than 3%% over raw on %d row(s); slower than libbpf "
	       "beyond noise on %d, within noise on %d\n",
	       n_over3, n_slower, n_tie);
	return 0;
}
