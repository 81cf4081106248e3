/* Oracle: the calls that read a whole file, given paths that are not a readable
 * BPF object or BTF file: /dev/zero (never ends), a directory, an empty file, a
 * one-byte file and a missing one (a FIFO is left out: libbpf 1.1.2 blocks on
 * it; c-tests/object/special_files.c checks it). Return value, errno and every
 * warning the print callback receives must match libbpf's (this process's
 * temporary directory printed as TMP). */
#include "oracle.h"
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <sys/stat.h>

static char tmp[64];
static char warned[8192];

static int on_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t n = strlen(warned);

	if (level == LIBBPF_WARN && n + 1 < sizeof(warned))
		vsnprintf(warned + n, sizeof(warned) - n, fmt, ap);
	return 0;
}

/* Prints the warnings gathered since the last call, TMP for this run's directory. */
static void print_warned(void)
{
	const char *p = warned, *t;
	size_t tl = strlen(tmp);

	while ((t = strstr(p, tmp))) {
		printf("%.*sTMP", (int)(t - p), p);
		p = t + tl;
	}
	printf("%s", p);
	warned[0] = 0;
}

/* A pointer-returning call: "call(path) = ok" or "= NULL errno=E", then its warnings. */
#define O_OPEN(what, path, call, free_fn)                                         \
	do {                                                                      \
		errno = 0;                                                        \
		void *__p = (call);                                               \
		int __e = errno;                                                  \
		const char *__s = strncmp(path, tmp, strlen(tmp)) ? path : "TMP..."; \
		if (__p)                                                          \
			printf("%s(%s) = ok\n", what, __s);                       \
		else                                                              \
			printf("%s(%s) = NULL errno=%s\n", what, __s, o_errname(__e)); \
		free_fn(__p);                                                     \
		print_warned();                                                   \
	} while (0)

static void close_obj(void *o)
{
	bpf_object__close(o);
}

static void free_btf(void *b)
{
	btf__free(b);
}

static void write_file(const char *path, const char *bytes, size_t n)
{
	FILE *f = fopen(path, "w");

	o_self_check(f != NULL, "create %s", path);
	if (f) {
		o_self_check(fwrite(bytes, 1, n, f) == n, "write %s", path);
		fclose(f);
	}
}

int main(void)
{
	char empty[96], one[96];
	struct btf *base;
	const char *paths[6];
	size_t i;

	libbpf_set_print(on_print);
	snprintf(tmp, sizeof(tmp), "/tmp/special_files_oracle.%d", (int)getpid());
	o_self_check(mkdir(tmp, 0700) == 0, "mkdir %s", tmp);
	snprintf(empty, sizeof(empty), "%s/empty", tmp);
	snprintf(one, sizeof(one), "%s/one", tmp);
	write_file(empty, "", 0);
	write_file(one, "x", 1);
	paths[0] = "/dev/zero";
	paths[1] = "/";
	paths[2] = tmp;
	paths[3] = empty;
	paths[4] = one;
	paths[5] = "/nonexistent_kern.o";
	base = btf__new_empty();
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const char *p = paths[i];

		O_OPEN("bpf_object__open_file", p, bpf_object__open_file(p, NULL), close_obj);
		O_OPEN("bpf_object__open", p, bpf_object__open(p), close_obj);
		O_OPEN("btf__parse", p, btf__parse(p, NULL), free_btf);
		O_OPEN("btf__parse_split", p, btf__parse_split(p, base), free_btf);
		O_OPEN("btf__parse_raw", p, btf__parse_raw(p), free_btf);
		O_OPEN("btf__parse_raw_split", p, btf__parse_raw_split(p, base), free_btf);
		O_OPEN("btf__parse_elf", p, btf__parse_elf(p, NULL), free_btf);
		O_OPEN("btf__parse_elf_split", p, btf__parse_elf_split(p, base), free_btf);
	}
	btf__free(base);
	unlink(empty);
	unlink(one);
	rmdir(tmp);
	return o_done();
}
