// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Dedup benchmark: btf__dedup of a vmlinux-sized input, libbpfrs vs the system
 * libbpf. The input is the running kernel's BTF (a raw BTF file) appended to
 * itself with btf__add_btf, built by the library under test; only btf__dedup
 * is measured.
 *
 * Both libraries export the same names, so each is dlopen()ed with
 * RTLD_LOCAL | RTLD_DEEPBIND and called through dlsym() pointers.
 *
 * usage: dedup <btf file> time <libbpfrs.so> <libbpf.so.1>
 *          wall time of each library's btf__dedup (median of BENCH_ROUNDS);
 *          fails unless both produce the same bytes
 *        dedup <btf file> insns <lib.so> <name>
 *          under callgrind: the instruction count of one btf__dedup
 *        dedup <btf file> rss <lib.so> [dedup|input]
 *          peak RSS (kB) of this process after building the input and, with
 *          `dedup`, deduplicating it (one fresh process per sample)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif

#define MAX_ROUNDS 51

struct lib {
	const char *name;
	void *(*parse_raw)(const char *path);
	void *(*new_empty)(void);
	int (*add_btf)(void *btf, const void *src);
	int (*dedup)(void *btf, const void *opts);
	unsigned int (*type_cnt)(const void *btf);
	const void *(*raw_data)(void *btf, unsigned int *size);
	void (*free)(void *btf);
};

static void die(const char *what)
{
	fprintf(stderr, "dedup: %s\n", what);
	exit(1);
}

static void load(struct lib *l, const char *name, const char *file)
{
	void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	void *(*set_print)(void *);

	if (!h) {
		fprintf(stderr, "dedup: dlopen %s: %s\n", file, dlerror());
		exit(1);
	}
	l->name = name;
	l->parse_raw = dlsym(h, "btf__parse_raw");
	l->new_empty = dlsym(h, "btf__new_empty");
	l->add_btf = dlsym(h, "btf__add_btf");
	l->dedup = dlsym(h, "btf__dedup");
	l->type_cnt = dlsym(h, "btf__type_cnt");
	l->raw_data = dlsym(h, "btf__raw_data");
	l->free = dlsym(h, "btf__free");
	set_print = dlsym(h, "libbpf_set_print");
	if (!l->parse_raw || !l->new_empty || !l->add_btf || !l->dedup || !l->type_cnt ||
	    !l->raw_data || !l->free || !set_print)
		die("missing symbols");
	set_print(NULL);
}

/* The input: the BTF at `path` twice. */
static void *input(const struct lib *l, const char *path)
{
	void *src = l->parse_raw(path), *b;

	if (!src)
		die("cannot parse the BTF file");
	b = l->new_empty();
	if (!b || l->add_btf(b, src) <= 0 || l->add_btf(b, src) <= 0)
		die("btf__add_btf failed");
	l->free(src);
	return b;
}

static void dedup(const struct lib *l, void *b)
{
	if (l->dedup(b, NULL))
		die("btf__dedup failed");
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void timing(const char *path, const char *rs, const char *sys)
{
	struct lib libs[2];
	double t[2][MAX_ROUNDS];
	const char *s = getenv("BENCH_ROUNDS");
	int rounds = s ? atoi(s) : 5;
	unsigned int cnt[2] = { 0, 0 }, sz[2] = { 0, 0 };
	void *out[2] = { NULL, NULL };

	if (rounds < 1 || rounds > MAX_ROUNDS)
		die("bad BENCH_ROUNDS");
	load(&libs[0], "libbpfrs", rs);
	load(&libs[1], "libbpf", sys);
	for (int r = 0; r < rounds; r++) {
		for (int j = 0; j < 2; j++) {
			int k = (r + j) % 2; /* alternate which library goes first */
			void *b = input(&libs[k], path);
			double t0 = now_ns();

			dedup(&libs[k], b);
			t[k][r] = now_ns() - t0;
			cnt[k] = libs[k].type_cnt(b);
			if (r == 0) {
				/* keep the first round's output bytes to compare */
				const void *raw = libs[k].raw_data(b, &sz[k]);

				out[k] = raw ? malloc(sz[k]) : NULL;
				if (!out[k])
					die("btf__raw_data failed");
				memcpy(out[k], raw, sz[k]);
			}
			libs[k].free(b);
		}
	}
	if (cnt[0] != cnt[1])
		die("the libraries disagree on the type count");
	if (sz[0] != sz[1] || memcmp(out[0], out[1], sz[0]))
		die("the libraries disagree on the output bytes");
	free(out[0]);
	free(out[1]);
	printf("# btf__dedup of %s twice (%u types, %u bytes after, identical); %d rounds, ms "
	       "(min .. max)\n",
	       path, cnt[0], sz[0], rounds);
	for (int k = 0; k < 2; k++) {
		qsort(t[k], rounds, sizeof(double), cmp_double);
		printf("%-9s %8.1f ms  (%.1f .. %.1f)\n", libs[k].name, t[k][rounds / 2] / 1e6,
		       t[k][0] / 1e6, t[k][rounds - 1] / 1e6);
	}
	printf("libbpfrs/libbpf: %.2fx\n", t[0][rounds / 2] / t[1][rounds / 2]);
}

int main(int argc, char **argv)
{
	struct lib l;
	void *b;

	if (argc == 5 && !strcmp(argv[2], "time")) {
		timing(argv[1], argv[3], argv[4]);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[2], "insns")) {
#ifdef HAVE_CALLGRIND
		char label[64];

		load(&l, argv[4], argv[3]);
		b = input(&l, argv[1]);
		snprintf(label, sizeof(label), "%s", argv[4]);
		CALLGRIND_ZERO_STATS;
		dedup(&l, b);
		CALLGRIND_DUMP_STATS_AT(label);
		l.free(b);
		return 0;
#else
		die("built without valgrind/callgrind.h");
#endif
	}
	if (argc == 5 && !strcmp(argv[2], "rss")) {
		struct rusage ru;

		load(&l, "lib", argv[3]);
		b = input(&l, argv[1]);
		if (!strcmp(argv[4], "dedup"))
			dedup(&l, b);
		if (getrusage(RUSAGE_SELF, &ru))
			die("getrusage");
		printf("%ld\n", ru.ru_maxrss);
		l.free(b);
		return 0;
	}
	fprintf(stderr, "usage: dedup <btf file> time <libbpfrs.so> <libbpf.so.1>\n"
			"       dedup <btf file> insns <lib.so> <name>\n"
			"       dedup <btf file> rss <lib.so> dedup|input\n");
	return 2;
}
