// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Object life-cycle benchmark (bench/lifecycle-run): bpf_object__open_file,
 * bpf_object__load and bpf_object__close, libbpfrs vs the system libbpf. Each
 * library is dlopen()ed with RTLD_LOCAL | RTLD_DEEPBIND and called through
 * dlsym() pointers; print callbacks are silenced.
 *
 * usage:
 *   lifecycle insns <libbpfrs.so> <libbpf.so> <legacy.o> <obj.o>...
 *       under callgrind: for each library and object, REPS open/load/close
 *       repetitions, one dump per phase ("<lib> <obj#> <phase> <rep>"); then
 *       LOOKUPS bpf_map_lookup_elem calls on a HASH map ("<lib> lookup <n>"),
 *       and as many raw bpf(BPF_MAP_LOOKUP_ELEM) calls on the same map, the
 *       reference ("raw lookup <n>", after libbpfrs's);
 *       then two load_bpf_file(legacy.o) with libbpfrs ("libbpfrs legacy <i>")
 *   lifecycle peak <lib.so> obj|legacy <file> <samples>
 *       peak RSS (kB) over the bare process: the median over <samples> pairs of
 *       fresh processes (fork + exec of this program, wait4's ru_maxrss), one
 *       that dlopens the library and then opens, loads and closes <file> (obj)
 *       or calls load_bpf_file(<file>) (legacy), one that only dlopens it; the
 *       library's pages are dropped from the page cache first
 *   lifecycle loop <lib.so> <obj.o> <n>
 *       <n> open/load/close after 10 warm-up ones: prints the anonymous RSS
 *       (kB: heap and anonymous mappings) and the number of open fds before and after
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif

#define REPS 5
#define LOOKUPS 10000
#define MAX_SAMPLES 101

typedef void *(*open_file_fn)(const char *path, const void *opts);
typedef int (*load_fn)(void *obj);
typedef void (*close_fn)(void *obj);
typedef void *(*set_print_fn)(void *fn);
typedef int (*map_create_fn)(int type, const char *name, unsigned key_size,
			     unsigned value_size, unsigned max_entries, const void *opts);
typedef int (*map_elem_fn)(int fd, const void *key, void *value, unsigned long long flags);
typedef int (*lookup_fn)(int fd, const void *key, void *value);
typedef int (*load_bpf_file_fn)(char *path);

struct lib {
	const char *name;
	void *h;
	open_file_fn open_file;
	load_fn load;
	close_fn close;
	map_create_fn map_create;
	map_elem_fn update;
	lookup_fn lookup;
};

static void die(const char *what)
{
	fprintf(stderr, "lifecycle: %s\n", what);
	exit(1);
}

static void *sym(const struct lib *l, const char *name)
{
	void *p = dlsym(l->h, name);

	if (!p) {
		fprintf(stderr, "lifecycle: %s: no %s\n", l->name, name);
		exit(1);
	}
	return p;
}

static void lib_open(struct lib *l, const char *name, const char *file)
{
	l->name = name;
	l->h = dlopen(file, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	if (!l->h) {
		fprintf(stderr, "lifecycle: dlopen %s: %s\n", file, dlerror());
		exit(1);
	}
	l->open_file = (open_file_fn)sym(l, "bpf_object__open_file");
	l->load = (load_fn)sym(l, "bpf_object__load");
	l->close = (close_fn)sym(l, "bpf_object__close");
	l->map_create = (map_create_fn)sym(l, "bpf_map_create");
	l->update = (map_elem_fn)sym(l, "bpf_map_update_elem");
	l->lookup = (lookup_fn)sym(l, "bpf_map_lookup_elem");
	/* Silent, as most measurements want; LIFECYCLE_PRINT=default keeps the
	 * library's own printing (stderr), which bench/layout-gen also profiles. */
	if (!getenv("LIFECYCLE_PRINT") || strcmp(getenv("LIFECYCLE_PRINT"), "default"))
		((set_print_fn)sym(l, "libbpf_set_print"))(NULL);
	/* LIFECYCLE_BASE=1: the address the library's file offset 0 is mapped at, on
	 * stderr, so that a memory trace (bench/layout-gen) can name what it reads. */
	if (getenv("LIFECYCLE_BASE")) {
		Dl_info info;

		if (!dladdr((void *)l->open_file, &info))
			die("dladdr");
		fprintf(stderr, "lifecycle: base %p\n", info.dli_fbase);
	}
}

static void *must_open(const struct lib *l, const char *path)
{
	void *obj = l->open_file(path, NULL);

	if (!obj) {
		fprintf(stderr, "lifecycle: %s: open_file(%s): errno %d\n", l->name, path, errno);
		exit(1);
	}
	return obj;
}

static void must_load(const struct lib *l, void *obj, const char *path)
{
	int err = l->load(obj);

	if (err) {
		fprintf(stderr, "lifecycle: %s: load(%s): %d\n", l->name, path, err);
		exit(1);
	}
}

static void cycle(const struct lib *l, const char *path)
{
	void *obj = must_open(l, path);

	must_load(l, obj, path);
	l->close(obj);
}

static void legacy_load(const struct lib *l, const char *path)
{
	load_bpf_file_fn fn = (load_bpf_file_fn)sym(l, "load_bpf_file");
	int err = fn((char *)path);

	if (err) {
		fprintf(stderr, "lifecycle: load_bpf_file(%s): %d\n", path, err);
		exit(1);
	}
}

#ifdef HAVE_CALLGRIND
static void dump(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void dump(const char *fmt, ...)
{
	char label[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(label, sizeof(label), fmt, ap);
	va_end(ap);
	CALLGRIND_DUMP_STATS_AT(label);
}

static void insns_phases(const struct lib *l, int idx, const char *path)
{
	for (int r = 1; r <= REPS; r++) {
		void *obj;

		CALLGRIND_ZERO_STATS;
		obj = must_open(l, path);
		dump("%s %d open %d", l->name, idx, r);
		must_load(l, obj, path);
		dump("%s %d load %d", l->name, idx, r);
		l->close(obj);
		dump("%s %d close %d", l->name, idx, r);
	}
}

/* The floor (bench/map_ops.c's raw path): one pre-zeroed attr, only the
 * varying fields set, called through a pointer like the libraries. */
static union bpf_attr raw_attr;

__attribute__((noinline)) static int raw_lookup(int fd, const void *key, void *value)
{
	raw_attr.map_fd = fd;
	raw_attr.key = (__u64)(unsigned long)key;
	raw_attr.value = (__u64)(unsigned long)value;
	return syscall(__NR_bpf, BPF_MAP_LOOKUP_ELEM, &raw_attr, 32);
}

static void lookup_loop(const char *name, lookup_fn lookup, int fd)
{
	unsigned int key = 7;
	unsigned long long val = 1;

	for (int i = 0; i < 100; i++) /* warm-up */
		lookup(fd, &key, &val);
	CALLGRIND_ZERO_STATS;
	for (int i = 0; i < LOOKUPS; i++)
		if (lookup(fd, &key, &val))
			die("lookup");
	dump("%s lookup %d", name, LOOKUPS);
}

static void insns_lookup(const struct lib *l, int with_raw)
{
	unsigned int key = 7;
	unsigned long long val = 1;
	int fd = l->map_create(1 /* BPF_MAP_TYPE_HASH */, "lookup", 4, 8, 16, NULL);
	lookup_fn volatile raw = raw_lookup;

	if (fd < 0 || l->update(fd, &key, &val, 0))
		die("lookup map");
	lookup_loop(l->name, l->lookup, fd);
	if (with_raw)
		lookup_loop("raw", raw, fd);
	close(fd);
}

static int insns(int argc, char **argv)
{
	struct lib libs[2];

	lib_open(&libs[0], "libbpfrs", argv[2]);
	lib_open(&libs[1], "libbpf", argv[3]);
	for (int k = 0; k < 2; k++) {
		for (int i = 5; i < argc; i++)
			insns_phases(&libs[k], i - 5, argv[i]);
		insns_lookup(&libs[k], k == 0);
	}
	for (int i = 1; i <= 2; i++) {
		CALLGRIND_ZERO_STATS;
		legacy_load(&libs[0], argv[4]);
		dump("libbpfrs legacy %d", i);
	}
	return 0;
}
#else
static int insns(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	die("built without <valgrind/callgrind.h>");
	return 1;
}
#endif

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Drops a file's pages from the page cache (written back first). The kernel maps
 * a library's code in runs as large as the page cache's folios, whose sizes depend
 * on how the file came into the cache (written by a linker, read ahead, ...): each
 * library is measured from the same start, its pages read back by readahead.
 */
static void evict(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fdatasync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		die("evict");
	close(fd);
}

/* ru_maxrss (kB) of a fresh child: "lifecycle child <lib> <what> <file>" */
static long child_peak(const char *lib, const char *what, const char *file)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execl("/proc/self/exe", "lifecycle", "child", lib, what, file, (char *)NULL);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("child failed");
	return ru.ru_maxrss;
}

/*
 * peak <lib> <what> <file> <samples>: the median, over <samples> pairs of fresh
 * children run back to back, of (peak RSS of one that does <what>) - (peak RSS
 * of one that only dlopens the library). Pairs cancel the slow drift of the
 * rest of the system (other processes' use of the shared C library's pages).
 */
static int peak(char **argv)
{
	long rss[MAX_SAMPLES];
	int n = atoi(argv[5]);

	if (n < 1 || n > MAX_SAMPLES)
		die("bad sample count");
	evict(argv[2]);
	child_peak(argv[2], "bare", "x"); /* reads the library back in */
	for (int i = 0; i < n; i++) {
		long bare = child_peak(argv[2], "bare", "x");

		rss[i] = child_peak(argv[2], argv[3], argv[4]) - bare;
	}
	qsort(rss, n, sizeof(long), cmp_long);
	printf("%ld\n", rss[n / 2]);
	return 0;
}

static int child(char **argv)
{
	struct lib l;

	lib_open(&l, "lib", argv[2]);
	if (!strcmp(argv[3], "obj"))
		cycle(&l, argv[4]);
	else if (!strcmp(argv[3], "legacy"))
		legacy_load(&l, argv[4]);
	else if (strcmp(argv[3], "bare"))
		die("child: obj, legacy or bare");
	return 0;
}

/*
 * Anonymous resident memory (kB): the heap and anonymous mappings, where a leak
 * would show. File pages (the libraries' code and data) are left out: when one is
 * first touched, and how many around it the kernel maps, depends on the page cache.
 */
static long anon_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %ld kB", &kb) == 1)
			break;
	fclose(f);
	if (kb < 0)
		die("RssAnon");
	return kb;
}

static int nr_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		die("opendir /proc/self/fd");
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3; /* ".", ".." and the directory's own fd */
}

static int loop(char **argv)
{
	struct lib l;
	int n = atoi(argv[4]), fds0;
	long anon0;

	lib_open(&l, "lib", argv[2]);
	for (int i = 0; i < 10; i++)
		cycle(&l, argv[3]);
	/* fds first: the first opendir() maps C library pages that would count as growth */
	fds0 = nr_fds();
	anon0 = anon_kb();
	for (int i = 0; i < n; i++)
		cycle(&l, argv[3]);
	printf("%ld %ld %d %d\n", anon0, anon_kb(), fds0, nr_fds());
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 6 && !strcmp(argv[1], "insns"))
		return insns(argc, argv);
	if (argc == 6 && !strcmp(argv[1], "peak"))
		return peak(argv);
	if (argc == 5 && !strcmp(argv[1], "child"))
		return child(argv);
	if (argc == 5 && !strcmp(argv[1], "loop"))
		return loop(argv);
	fprintf(stderr, "usage: see bench/lifecycle.c\n");
	return 2;
}
