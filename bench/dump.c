// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * BTF-to-C benchmark: btf__parse of a BTF file (the running kernel's vmlinux)
 * and btf_dump__dump_type of every type through one btf_dump__new dumper, with
 * one library (libbpfrs or the system libbpf) dlopen()ed with RTLD_LOCAL |
 * RTLD_DEEPBIND and called through dlsym() pointers, in a fresh process.
 *
 * Both libraries get the same printf callback: it formats each call with
 * vsnprintf into one reused scratch buffer (a sink, as /dev/null) and counts
 * the bytes and the calls; `check` mode also hashes the text.
 *
 * usage: dump <btf file> <lib.so> time     "<parse ns> <dump ns> <bytes> <calls>"
 *        dump <btf file> <lib.so> insns    under callgrind: dumps the instruction
 *                                          counts of the parse ("parse") and the
 *                                          dump ("dump")
 *        dump <btf file> <lib.so> rss base|parse|dump
 *                                          peak RSS (kB) after dlopen only, after
 *                                          the parse, after parse and dump
 *        dump <btf file> <lib.so> check    "<bytes> <calls> <FNV-1a hash>"
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif

typedef void (*printf_fn)(void *ctx, const char *fmt, va_list args);

struct lib {
	void *(*parse)(const char *path, void *ext);
	unsigned int (*type_cnt)(const void *btf);
	void (*btf_free)(void *btf);
	void *(*dump_new)(const void *btf, printf_fn fn, void *ctx, const void *opts);
	int (*dump_type)(void *d, unsigned int id);
	void (*dump_free)(void *d);
};

struct sink {
	char scratch[64 * 1024];
	char *big; /* for a call longer than scratch */
	size_t big_cap;
	unsigned long long bytes, calls, hash;
	int hashing;
};

static struct sink sink = { .hash = 0xcbf29ce484222325ULL };

static void die(const char *what)
{
	fprintf(stderr, "dump: %s\n", what);
	exit(1);
}

static void sink_printf(void *ctx, const char *fmt, va_list args)
{
	struct sink *s = ctx;
	char *p = s->scratch;
	va_list copy;
	int n;

	va_copy(copy, args);
	n = vsnprintf(s->scratch, sizeof(s->scratch), fmt, copy);
	va_end(copy);
	if (n < 0)
		die("vsnprintf failed");
	if ((size_t)n >= sizeof(s->scratch)) {
		if ((size_t)n + 1 > s->big_cap) {
			s->big_cap = (size_t)n + 1;
			s->big = realloc(s->big, s->big_cap);
			if (!s->big)
				die("out of memory");
		}
		vsnprintf(s->big, s->big_cap, fmt, args);
		p = s->big;
	}
	s->bytes += n;
	s->calls++;
	if (s->hashing)
		for (int i = 0; i < n; i++) {
			s->hash ^= (unsigned char)p[i];
			s->hash *= 0x100000001b3ULL;
		}
}

static void load(struct lib *l, const char *file)
{
	void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	void *(*set_print)(void *);

	if (!h) {
		fprintf(stderr, "dump: dlopen %s: %s\n", file, dlerror());
		exit(1);
	}
	l->parse = dlsym(h, "btf__parse");
	l->type_cnt = dlsym(h, "btf__type_cnt");
	l->btf_free = dlsym(h, "btf__free");
	l->dump_new = dlsym(h, "btf_dump__new");
	l->dump_type = dlsym(h, "btf_dump__dump_type");
	l->dump_free = dlsym(h, "btf_dump__free");
	set_print = dlsym(h, "libbpf_set_print");
	if (!l->parse || !l->type_cnt || !l->btf_free || !l->dump_new || !l->dump_type ||
	    !l->dump_free || !set_print)
		die("missing symbols");
	set_print(NULL);
}

static void *parse(const struct lib *l, const char *path)
{
	void *btf = l->parse(path, NULL);

	if (!btf)
		die("btf__parse failed");
	return btf;
}

/* Every type of `btf`, in ID order, through one dumper. */
static void dump_all(const struct lib *l, void *btf)
{
	void *d = l->dump_new(btf, sink_printf, &sink, NULL);
	unsigned int cnt = l->type_cnt(btf);

	if (!d)
		die("btf_dump__new failed");
	for (unsigned int id = 1; id < cnt; id++)
		if (l->dump_type(d, id))
			die("btf_dump__dump_type failed");
	l->dump_free(d);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
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
	struct lib l;
	void *btf;
	double t0, t1, t2;

	if (argc < 4) {
		fprintf(stderr, "usage: dump <btf file> <lib.so> time|insns|check\n"
				"       dump <btf file> <lib.so> rss base|parse|dump\n");
		return 2;
	}
	load(&l, argv[2]);
	if (!strcmp(argv[3], "time")) {
		t0 = now_ns();
		btf = parse(&l, argv[1]);
		t1 = now_ns();
		dump_all(&l, btf);
		t2 = now_ns();
		printf("%.0f %.0f %llu %llu\n", t1 - t0, t2 - t1, sink.bytes, sink.calls);
		l.btf_free(btf);
		return 0;
	}
	if (!strcmp(argv[3], "insns")) {
#ifdef HAVE_CALLGRIND
		CALLGRIND_ZERO_STATS;
		btf = parse(&l, argv[1]);
		CALLGRIND_DUMP_STATS_AT("parse");
		dump_all(&l, btf);
		CALLGRIND_DUMP_STATS_AT("dump");
		l.btf_free(btf);
		return 0;
#else
		die("built without valgrind/callgrind.h");
#endif
	}
	if (!strcmp(argv[3], "check")) {
		sink.hashing = 1;
		btf = parse(&l, argv[1]);
		dump_all(&l, btf);
		printf("%llu %llu %016llx\n", sink.bytes, sink.calls, sink.hash);
		l.btf_free(btf);
		return 0;
	}
	if (!strcmp(argv[3], "rss") && argc == 5) {
		if (strcmp(argv[4], "base")) {
			btf = parse(&l, argv[1]);
			if (!strcmp(argv[4], "dump"))
				dump_all(&l, btf);
			else if (strcmp(argv[4], "parse"))
				die("rss takes base, parse or dump");
		}
		printf("%ld\n", peak_rss_kb());
		return 0;
	}
	die("unknown mode");
}
