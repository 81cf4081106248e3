/* Oracle: btf_dump (libbpf 1.1.2) prints the same C. Every type of the running
 * kernel's vmlinux BTF through one dumper (what `bpftool btf dump ... format c`
 * prints between its prologue and epilogue) and through btf_dump__emit_type_decl
 * with each option, then the BTF of every c-tests/bpf object, then argument
 * errors. vmlinux output is long: stdout gets a hash per block of types (the
 * whole text goes to btf_dump.vmlinux.<side>.h in the working directory, for a
 * diff when a block differs); object dumps are printed whole. */
#include "oracle.h"
#include "dump_objects.h"
#include "dump_collect.h"
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <dirent.h>
#include <stdarg.h>
#include <sys/stat.h>

#define BLOCK 4000

static void append(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	collect(NULL, fmt, ap);
	va_end(ap);
}

static size_t lines(const char *p, size_t n)
{
	size_t l = 0;

	while (n--)
		l += *p++ == '\n';
	return l;
}

/* Prints the hash of buf[from..] and writes it to `f`. */
static void block(FILE *f, const char *what, __u32 first, __u32 last, size_t from)
{
	printf("%s [%u..%u]: %zu bytes, %zu lines, hash %016llx\n", what, first, last,
	       buf_len - from, lines(buf + from, buf_len - from), fnv(buf + from, buf_len - from));
	if (f)
		fwrite(buf + from, 1, buf_len - from, f);
}

static void dump_vmlinux(struct btf *vm)
{
	struct btf_dump *d = btf_dump__new(vm, collect, NULL, NULL);
	__u32 id, cnt = btf__type_cnt(vm), start;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "btf_dump.vmlinux.%s.h", O_SIDE);
	f = fopen(path, "w");
	printf("vmlinux: %s\n", d ? "dumper ok" : "dumper NULL");
	if (!d)
		return;
	for (start = 1; start < cnt; start += BLOCK) {
		size_t from = buf_len;
		int bad = 0;

		for (id = start; id < cnt && id < start + BLOCK; id++)
			if (btf_dump__dump_type(d, id))
				bad++;
		block(f, "dump_type", start, id - 1, from);
		if (bad)
			printf("  %d errors\n", bad);
	}
	if (f)
		fclose(f);
	btf_dump__free(d);
}

static void decls_vmlinux(struct btf *vm)
{
	static const struct {
		const char *name;
		int indent;
		bool strip;
	} cases[] = { { "", 0, false }, { "fld", 1, false }, { "x", 2, true }, { NULL, 0, true } };
	struct btf_dump *d = btf_dump__new(vm, collect, NULL, NULL);
	__u32 id, cnt = btf__type_cnt(vm);
	size_t i;

	for (i = 0; d && i < sizeof(cases) / sizeof(cases[0]); i++) {
		LIBBPF_OPTS(btf_dump_emit_type_decl_opts, o, .field_name = cases[i].name,
			    .indent_level = cases[i].indent, .strip_mods = cases[i].strip);
		__u32 start;
		char what[64];

		snprintf(what, sizeof(what), "decl '%s' indent %d strip %d",
			 cases[i].name ? cases[i].name : "(null)", cases[i].indent, cases[i].strip);
		for (start = 1; start < cnt; start += 8 * BLOCK) {
			size_t from = buf_len;

			for (id = start; id < cnt && id < start + 8 * BLOCK; id++) {
				if (btf_dump__emit_type_decl(d, id, cases[i].name ? &o : NULL))
					printf("  decl %u failed\n", id);
				append("\n");
			}
			block(NULL, what, start, id - 1, from);
		}
	}
	btf_dump__free(d);
}

/* The BTF of c-tests/bpf/<name>.bpf.c built with -g into btf_dump_objs/ of the
 * working directory (kept for the other side's run while newer than its source). */
static void dump_object(const char *dir, const char *file)
{
	char src[PATH_MAX], obj[PATH_MAX];
	struct stat ss, os;
	struct btf_dump *d;
	struct btf *b;
	__u32 id, cnt;
	size_t from;
	int err;

	snprintf(src, sizeof(src), "%.2000s/%.255s", dir, file);
	snprintf(obj, sizeof(obj), "btf_dump_objs/%.*s.o", (int)(strlen(file) - 6), file);
	if (stat(obj, &os) || stat(src, &ss) || os.st_mtime < ss.st_mtime) {
		if (bpfobj_compile(src, "-g", obj)) {
			printf("%s: not built\n", file);
			return;
		}
	}
	b = btf__parse(obj, NULL);
	if (!b) {
		printf("%s: no BTF\n", file);
		return;
	}
	d = btf_dump__new(b, collect, NULL, NULL);
	cnt = btf__type_cnt(b);
	buf_len = 0;
	for (id = 1; id < cnt; id++) {
		err = btf_dump__dump_type(d, id);
		if (err)
			append("/* dump_type %u = %d */\n", id, err);
	}
	from = 0;
	block(NULL, file, 1, cnt - 1, from);
	for (id = 1; id < cnt; id++) {
		LIBBPF_OPTS(btf_dump_emit_type_decl_opts, o, .field_name = "v", .indent_level = 1);

		append("decl %u: ", id);
		btf_dump__emit_type_decl(d, id, &o);
		append("\n");
		o.strip_mods = true;
		o.field_name = "";
		append("decl %u stripped: ", id);
		btf_dump__emit_type_decl(d, id, &o);
		append("\n");
	}
	fwrite(buf, 1, buf_len, stdout);
	btf_dump__free(d);
	btf__free(b);
}

static void errors(struct btf *vm)
{
	LIBBPF_OPTS(btf_dump_opts, bad_opts);
	struct btf_dump *d;

	bad_opts.sz = 3;
	errno = 0;
	d = btf_dump__new(vm, NULL, NULL, NULL);
	printf("new(printf_fn NULL) = %s errno=%s\n", d ? "ok" : "NULL", o_errname(errno));
	errno = 0;
	d = btf_dump__new(vm, collect, NULL, &bad_opts);
	printf("new(opts.sz 3) = %s errno=%s\n", d ? "ok" : "NULL", o_errname(errno));
	d = btf_dump__new(vm, collect, NULL, NULL);
	O_INT("dump_type(type_cnt)", btf_dump__dump_type(d, btf__type_cnt(vm)));
	O_INT("dump_type(0)", btf_dump__dump_type(d, 0));
	btf_dump__free(d);
	btf_dump__free(NULL);
}

int main(void)
{
	struct btf *vm = btf__load_vmlinux_btf();

	if (!vm) {
		printf("SKIP: no vmlinux BTF\n");
		return 77;
	}
	dump_vmlinux(vm);
	buf_len = 0;
	decls_vmlinux(vm);
	buf_len = 0;
	errors(vm);
	dump_objects_each(dump_object);
	btf__free(vm);
	free(buf);
	return 0;
}
