// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Object-parse benchmark: bpf_object__open_file + bpf_object__close on one BPF
 * object file, libbpfrs vs the system libbpf, in one run of one binary.
 *
 * Both libraries export the same names, so each is dlopen()ed with
 * RTLD_LOCAL | RTLD_DEEPBIND and called through dlsym() pointers. No kernel call
 * is made (open parses only). Print callbacks are silenced in both.
 *
 * usage: parse <libbpfrs.so> <libbpf.so.1> <object.o>
 * env:   BENCH_ROUNDS (11), BENCH_OPS (2000 open+close per round), BENCH_CPU
 *        BENCH_INSNS=1: under callgrind, dump the instruction count of BENCH_OPS
 *        open+close pairs per library (bench/parse-run --insns).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif

#define MAX_ROUNDS 101

typedef void *(*open_file_fn)(const char *path, const void *opts);
typedef void (*close_fn)(void *obj);
typedef void *(*set_print_fn)(void *fn);

struct lib {
	const char *name;
	open_file_fn open_file;
	close_fn close;
};

static void die(const char *what)
{
	fprintf(stderr, "parse: %s\n", what);
	exit(1);
}

static void load(struct lib *l, const char *name, const char *file)
{
	void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	set_print_fn set_print;

	if (!h) {
		fprintf(stderr, "parse: dlopen %s: %s\n", file, dlerror());
		exit(1);
	}
	l->name = name;
	l->open_file = (open_file_fn)dlsym(h, "bpf_object__open_file");
	l->close = (close_fn)dlsym(h, "bpf_object__close");
	set_print = (set_print_fn)dlsym(h, "libbpf_set_print");
	if (!l->open_file || !l->close || !set_print)
		die("missing symbols");
	set_print(NULL);
}

static unsigned long env_ul(const char *name, unsigned long def, unsigned long max)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > max) {
		fprintf(stderr, "parse: bad %s=%s\n", name, s);
		exit(2);
	}
	return v;
}

static void run(const struct lib *l, const char *path, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		void *obj = l->open_file(path, NULL);

		if (!obj) {
			fprintf(stderr, "parse: %s: open_file(%s) failed: errno %d\n", l->name, path,
				errno);
			exit(1);
		}
		l->close(obj);
	}
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

int main(int argc, char **argv)
{
	struct lib libs[2];
	unsigned long rounds, ops;
	double t[2][MAX_ROUNDS];
	cpu_set_t set;
	int cpu;

	if (argc != 4) {
		fprintf(stderr, "usage: parse <libbpfrs.so> <libbpf.so.1> <object.o>\n");
		return 2;
	}
	load(&libs[0], "libbpfrs", argv[1]);
	load(&libs[1], "libbpf", argv[2]);
	rounds = env_ul("BENCH_ROUNDS", 11, MAX_ROUNDS);
	ops = env_ul("BENCH_OPS", getenv("BENCH_INSNS") ? 100 : 2000, 10000000);

	if (getenv("BENCH_INSNS")) {
#ifdef HAVE_CALLGRIND
		for (int k = 0; k < 2; k++) {
			char label[64];

			run(&libs[k], argv[3], 3); /* warm-up: lazy binding, first-use init */
			snprintf(label, sizeof(label), "%s %lu", libs[k].name, ops);
			CALLGRIND_ZERO_STATS;
			run(&libs[k], argv[3], ops);
			CALLGRIND_DUMP_STATS_AT(label);
		}
		return 0;
#else
		die("built without valgrind/callgrind.h");
#endif
	}

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity");
	cpu = -1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			cpu = i;
	cpu = (int)env_ul("BENCH_CPU", (unsigned long)cpu + 1, CPU_SETSIZE) - 1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");

	for (int k = 0; k < 2; k++)
		run(&libs[k], argv[3], ops / 10 + 1); /* warm-up */
	for (unsigned long r = 0; r < rounds; r++) {
		for (int j = 0; j < 2; j++) {
			int k = (int)((r + j) % 2); /* alternate which library goes first */
			double t0 = now_ns();

			run(&libs[k], argv[3], ops);
			t[k][r] = (now_ns() - t0) / ops;
		}
	}
	printf("# bpf_object__open_file + bpf_object__close of %s\n", argv[3]);
	printf("# %lu rounds x %lu ops, CPU %d; us/op of the median round (min, max)\n", rounds,
	       ops, cpu);
	for (int k = 0; k < 2; k++) {
		qsort(t[k], rounds, sizeof(double), cmp_double);
		printf("%-9s %8.2f us  (%.2f .. %.2f)\n", libs[k].name, t[k][rounds / 2] / 1000,
		       t[k][0] / 1000, t[k][rounds - 1] / 1000);
	}
	printf("libbpfrs/libbpf: %.2fx\n", t[0][rounds / 2] / t[1][rounds / 2]);
	return 0;
}
