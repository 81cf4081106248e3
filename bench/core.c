// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * CO-RE load benchmark: bpf_object__open_file + bpf_object__load +
 * bpf_object__close of one CO-RE object, in a fresh process, with one library
 * (libbpfrs or the system libbpf) dlopen()ed with RTLD_LOCAL | RTLD_DEEPBIND and
 * called through dlsym() pointers. Print callbacks are silenced.
 *
 * usage: core <library.so> <object.o> insns   under callgrind: dumps the
 *                                            instruction count of the first load
 *                                            ("<label> first") and of a second
 *                                            one ("<label> steady")
 *        core <library.so> <object.o> rss     one load, then prints
 *                                            "<peak RSS kB> <load us>"
 *        core <library.so> <object.o> base    no load: prints the peak RSS of
 *                                            the process with the library loaded
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

typedef void *(*open_file_fn)(const char *path, const void *opts);
typedef int (*load_fn)(void *obj);
typedef void (*close_fn)(void *obj);
typedef void *(*set_print_fn)(void *fn);

static open_file_fn open_file;
static load_fn load;
static close_fn close_obj;

static void die(const char *what)
{
	fprintf(stderr, "core: %s\n", what);
	exit(1);
}

static void one_load(const char *path)
{
	void *obj = open_file(path, NULL);
	int err;

	if (!obj) {
		fprintf(stderr, "core: open_file(%s) failed: errno %d\n", path, errno);
		exit(1);
	}
	err = load(obj);
	if (err) {
		fprintf(stderr, "core: load(%s) failed: %d\n", path, err);
		exit(1);
	}
	close_obj(obj);
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		die("getrusage");
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	set_print_fn set_print;
	struct timespec t0, t1;
	void *h;

	if (argc != 4) {
		fprintf(stderr, "usage: core <library.so> <object.o> insns|rss|base\n");
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	if (!h) {
		fprintf(stderr, "core: dlopen %s: %s\n", argv[1], dlerror());
		return 1;
	}
	open_file = (open_file_fn)dlsym(h, "bpf_object__open_file");
	load = (load_fn)dlsym(h, "bpf_object__load");
	close_obj = (close_fn)dlsym(h, "bpf_object__close");
	set_print = (set_print_fn)dlsym(h, "libbpf_set_print");
	if (!open_file || !load || !close_obj || !set_print)
		die("missing symbols");
	set_print(NULL);

	if (!strcmp(argv[3], "insns")) {
#ifdef HAVE_CALLGRIND
		CALLGRIND_ZERO_STATS;
		one_load(argv[2]);
		CALLGRIND_DUMP_STATS_AT("first");
		one_load(argv[2]);
		CALLGRIND_DUMP_STATS_AT("steady");
		return 0;
#else
		die("built without valgrind/callgrind.h");
#endif
	}
	if (!strcmp(argv[3], "base")) {
		printf("%ld\n", peak_rss_kb());
		return 0;
	}
	if (strcmp(argv[3], "rss"))
		die("mode must be insns, rss or base");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	one_load(argv[2]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%ld %.0f\n", peak_rss_kb(),
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1000);
	return 0;
}
