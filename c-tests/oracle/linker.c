/* Oracle: the BPF static linker (bpf_linker__new/add_file/finalize/free).
 *
 * c-tests/bpf/lk_a.bpf.c and lk_b.bpf.c (an extern map in .maps, an extern
 * global variable, an extern function, a weak function and a weak variable
 * overridden by strong ones, .kconfig externs in both, static functions of the
 * same name in both, CO-RE relocations in both, a typeless .ksyms extern) are
 * linked in both orders. For each output: every section's name, type, flags,
 * alignment, links and size (the .BTF size after deduplication), every symbol's name,
 * binding, type, visibility, section, value and size, every relocation
 * (section, offset, symbol, type); then the output is opened and loaded, its
 * maps and programs listed, each program run once by bpf_prog_test_run_opts
 * and the shared map and counters read back.
 *
 * Refusals, with libbpf's WARN messages (build directories stripped): bad
 * opts, an output that cannot be created, a missing input, a non-BPF ELF
 * input (this program), two strong definitions, an extern variable of another
 * type, an extern map of another definition, a typeless .ksyms extern in two
 * files (libbpf 1.1.2 asks the size of `const void`), calls after finalize.
 *
 * `bpftool gen object` (whose libbpf is linked in statically) links the same
 * pair; its output is loaded by the library under test. libbpfrs alone
 * (stderr): a text file as input (libbpf 1.1.2 crashes on it) and a NULL or
 * freed linker give EINVAL, and bpftool loads libbpfrs's output. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <elf.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/vfs.h>

static char tag[32];
static int quiet;

/* WARN messages, with "/tmp/<name>.<pid>/" directories cut out. */
static int print_warn(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	char buf[1024], out[1024];
	size_t o = 0;

	if (l != LIBBPF_WARN || quiet)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (const char *p = buf; *p && o < sizeof(out) - 1;) {
		const char *t = strstr(p, tag), *s = strstr(p, "/tmp/");
		if (s && t && s < t) {
			memcpy(out + o, p, (size_t)(s - p));
			o += (size_t)(s - p);
			p = t + strlen(tag);
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = 0;
	printf("  msg: %s", out);
	return 0;
}

static void *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long sz;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)sz);
		if (b && fread(b, 1, (size_t)sz, f) != (size_t)sz) {
			free(b);
			b = NULL;
		}
		*n = (size_t)sz;
	}
	fclose(f);
	return b;
}

/* The output file's sections, symbols and relocations. */
static void show_elf(const char *path)
{
	size_t n = 0;
	unsigned char *b = read_file(path, &n);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf64_Shdr *sh;
	const char *names;
	int i;

	if (!b || n < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > n) {
		printf("elf: unreadable (%zu bytes)\n", n);
		free(b);
		return;
	}
	printf("elf: type %u machine %u class %u data %u shnum %u shstrndx %u\n", eh->e_type,
	       eh->e_machine, eh->e_ident[EI_CLASS], eh->e_ident[EI_DATA], eh->e_shnum,
	       eh->e_shstrndx);
	sh = (Elf64_Shdr *)(b + eh->e_shoff);
	names = (const char *)b + sh[eh->e_shstrndx].sh_offset;
	for (i = 1; i < eh->e_shnum; i++) {
		const char *nm = names + sh[i].sh_name;
		printf("sec %d %s type %u flags %#llx align %llu link %u info %u entsize %llu size %lld\n",
		       i, nm, sh[i].sh_type, (unsigned long long)sh[i].sh_flags,
		       (unsigned long long)sh[i].sh_addralign, sh[i].sh_link, sh[i].sh_info,
		       (unsigned long long)sh[i].sh_entsize, (long long)sh[i].sh_size);
	}
	for (i = 1; i < eh->e_shnum; i++) {
		Elf64_Sym *sy = (Elf64_Sym *)(b + sh[i].sh_offset);
		const char *str = (const char *)b + sh[sh[i].sh_link].sh_offset;
		size_t k, cnt = sh[i].sh_size / sizeof(*sy);

		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		for (k = 0; k < cnt; k++) {
			unsigned shn = sy[k].st_shndx;
			printf("sym %zu %s bind %u type %u vis %u sec %s value %llu size %llu\n", k,
			       str + sy[k].st_name, ELF64_ST_BIND(sy[k].st_info),
			       ELF64_ST_TYPE(sy[k].st_info), ELF64_ST_VISIBILITY(sy[k].st_other),
			       shn == SHN_UNDEF ? "UND" : shn == SHN_ABS ? "ABS"
			       : shn < eh->e_shnum ? names + sh[shn].sh_name : "?",
			       (unsigned long long)sy[k].st_value, (unsigned long long)sy[k].st_size);
		}
		for (int r = 1; r < eh->e_shnum; r++) {
			Elf64_Rel *rel = (Elf64_Rel *)(b + sh[r].sh_offset);
			size_t j, nrel = sh[r].sh_size / sizeof(*rel);

			if (sh[r].sh_type != SHT_REL)
				continue;
			printf("relocs %s: %zu\n", names + sh[r].sh_name, nrel);
			for (j = 0; j < nrel; j++) {
				size_t s = ELF64_R_SYM(rel[j].r_info);
				printf("  rel %#llx %s type %llu\n", (unsigned long long)rel[j].r_offset,
				       s < cnt ? str + sy[s].st_name : "?",
				       (unsigned long long)ELF64_R_TYPE(rel[j].r_info));
			}
		}
	}
	free(b);
}

/* Opens and loads `path`, lists maps and programs, runs each program once. */
static void load_and_run(const char *what, const char *path)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	struct bpf_map *m;
	char pkt[64] = { 0 };

	errno = 0;
	obj = bpf_object__open_file(path, NULL);
	printf("%s: open = %s errno=%s\n", what, obj ? "obj" : "NULL", o_errname(obj ? 0 : errno));
	if (!obj)
		return;
	O_INT("%s: load", bpf_object__load(obj), what);
	bpf_object__for_each_map(m, obj)
		printf("  map %s type %d max %u value %u\n", bpf_map__name(m), bpf_map__type(m),
		       bpf_map__max_entries(m), bpf_map__value_size(m));
	bpf_object__for_each_program(p, obj) {
		LIBBPF_OPTS(bpf_test_run_opts, ro, .data_in = pkt, .data_size_in = sizeof(pkt),
			    .repeat = 1);
		int fd = bpf_program__fd(p), r;

		printf("  prog %s sec %s type %d\n", bpf_program__name(p),
		       bpf_program__section_name(p), bpf_program__type(p));
		if (fd < 0)
			continue;
		r = bpf_prog_test_run_opts(fd, &ro);
		printf("  run %s = %d retval %u\n", bpf_program__name(p), r, ro.retval);
	}
	m = bpf_object__find_map_by_name(obj, "lk_shared");
	for (__u32 k = 0; m && bpf_map__fd(m) >= 0 && k < 2; k++) {
		__u64 v = 0;
		int r = bpf_map_lookup_elem(bpf_map__fd(m), &k, &v);
		printf("  lk_shared[%u] = %d value %llu\n", k, r, (unsigned long long)v);
	}
	bpf_object__for_each_map(m, obj) {
		__u32 k = 0;
		__u32 v[4] = { 0 };

		if (!strstr(bpf_map__name(m), ".bss") || bpf_map__fd(m) < 0)
			continue;
		bpf_map_lookup_elem(bpf_map__fd(m), &k, v);
		printf("  %s: lk_counter %u\n", bpf_map__name(m), v[0]);
	}
	bpf_object__close(obj);
}

/* Links `n` inputs into `out`; returns finalize's result (-1 if never reached). */
static int link_files(const char *what, const char *out, const char **in, int n)
{
	struct bpf_linker *l;
	int i, err = 0;

	errno = 0;
	l = bpf_linker__new(out, NULL);
	printf("%s: new = %s errno=%s\n", what, l ? "linker" : "NULL", o_errname(l ? 0 : errno));
	if (!l)
		return -1;
	for (i = 0; i < n && !err; i++) {
		const char *base = strrchr(in[i], '/');
		O_INT("%s: add_file(%s)", err = bpf_linker__add_file(l, in[i], NULL), what,
		      base ? base + 1 : in[i]);
	}
	O_INT("%s: finalize", err = bpf_linker__finalize(l), what);
	bpf_linker__free(l);
	return err;
}

static void opts_cases(const char *dir, const char *a)
{
	char out[600];
	struct { size_t sz; char tail[8]; } big = { .sz = 16, .tail = { 1 } };
	struct bpf_linker_opts small = { .sz = 4 };
	LIBBPF_OPTS(bpf_linker_opts, ok);
	LIBBPF_OPTS(bpf_linker_file_opts, fok);
	struct bpf_linker *l;

	snprintf(out, sizeof(out), "%s/opts.o", dir);
	O_PTR_ERRNO(1, "new(opts sz 4)", bpf_linker__new(out, &small));
	O_PTR_ERRNO(1, "new(opts sz 16, non-zero tail)",
		    bpf_linker__new(out, (struct bpf_linker_opts *)&big));
	O_PTR_ERRNO(1, "new(/nonexistent-dir/x.o)", bpf_linker__new("/nonexistent-dir/x.o", NULL));
	snprintf(out, sizeof(out), "%s/", dir);
	O_PTR_ERRNO(1, "new(a directory)", bpf_linker__new(out, NULL));
	snprintf(out, sizeof(out), "%s/opts.o", dir);
	l = bpf_linker__new(out, &ok);
	printf("new(opts sz 8) = %s\n", l ? "linker" : "NULL");
	if (!l)
		return;
	O_INT("add_file(file opts sz 4)",
	      bpf_linker__add_file(l, a, (struct bpf_linker_file_opts *)&small));
	O_INT("add_file(missing file)", bpf_linker__add_file(l, "/nonexistent-dir/in.o", &fok));
	/* libbpf's message ends with libelf's last error, whatever call made it. */
	quiet = 1;
	O_INT("add_file(non-BPF ELF)", bpf_linker__add_file(l, "/proc/self/exe", NULL));
	quiet = 0;
	O_INT("add_file(lk_a)", bpf_linker__add_file(l, a, &fok));
	O_INT("finalize", bpf_linker__finalize(l));
	O_INT("finalize again", bpf_linker__finalize(l));
	O_INT("add_file after finalize", bpf_linker__add_file(l, a, NULL));
	bpf_linker__free(l);
	bpf_linker__free(NULL);
}

/* Calls libbpf 1.1.2 cannot take (it crashes): checked on libbpfrs alone. */
static void self_cases(const char *dir, const char *ab)
{
#ifndef ORACLE_SYSTEM
	char path[600], cmd[1400];
	struct bpf_linker *l;
	struct statfs fs;
	FILE *f;
	int r;

	quiet = 1;
	snprintf(path, sizeof(path), "%s/text.txt", dir);
	f = fopen(path, "w");
	if (f) {
		fputs("not an ELF file\n", f);
		fclose(f);
	}
	snprintf(cmd, sizeof(cmd), "%s/self.o", dir);
	l = bpf_linker__new(cmd, NULL);
	r = bpf_linker__add_file(l, path, NULL);
	o_self_check(r == -EINVAL && errno == EINVAL, "text input: %d errno %d", r, errno);
	bpf_linker__free(l);
	r = bpf_linker__add_file(l, path, NULL);
	o_self_check(r == -EINVAL && errno == EINVAL, "freed linker: %d errno %d", r, errno);
	r = bpf_linker__finalize(NULL);
	o_self_check(r == -EINVAL && errno == EINVAL, "NULL linker: %d errno %d", r, errno);
	if (system("command -v bpftool >/dev/null 2>&1") == 0 && !statfs("/sys/fs/bpf", &fs) &&
	    fs.f_type == 0xcafe4a11) {
		snprintf(path, sizeof(path), "/sys/fs/bpf/lk_oracle_%d", (int)getpid());
		snprintf(cmd, sizeof(cmd), "bpftool prog loadall '%s' '%s' >/dev/null 2>&1", ab, path);
		r = system(cmd);
		o_self_check(r == 0, "bpftool prog loadall of libbpfrs's output: %d", r);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", path);
	}
	quiet = 0;
#else
	(void)dir;
	(void)ab;
#endif
}

int main(void)
{
	char a[512], b[512], badvar[512], badmap[512], ksym[512], dir[512], out[600];
	const char *in[2];

	o_require_root();
	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(tag, sizeof(tag), ".%d/", (int)getpid());
	libbpf_set_print(print_warn);
	o_build("lk_a", "lk_a.o", "-g", a, sizeof(a));
	o_build("lk_b", "lk_b.o", "-g", b, sizeof(b));
	o_build("lk_badvar", "lk_badvar.o", "-g", badvar, sizeof(badvar));
	o_build("lk_badmap", "lk_badmap.o", "-g", badmap, sizeof(badmap));
	o_build("lk_ksym", "lk_ksym.o", "-g", ksym, sizeof(ksym));
	snprintf(dir, sizeof(dir), "%s", a);
	*strrchr(dir, '/') = 0;

	snprintf(out, sizeof(out), "%s/lk_ab.o", dir);
	in[0] = a, in[1] = b;
	if (link_files("a+b", out, in, 2) == 0) {
		show_elf(out);
		load_and_run("a+b", out);
	}
	self_cases(dir, out);
	snprintf(out, sizeof(out), "%s/lk_ba.o", dir);
	in[0] = b, in[1] = a;
	if (link_files("b+a", out, in, 2) == 0) {
		show_elf(out);
		load_and_run("b+a", out);
	}
	snprintf(out, sizeof(out), "%s/lk_bpftool.o", dir);
	if (system("command -v bpftool >/dev/null 2>&1") == 0) {
		char cmd[2000];

		snprintf(cmd, sizeof(cmd), "bpftool gen object '%s' '%s' '%s'", out, a, b);
		printf("bpftool gen object = %d\n", system(cmd));
		load_and_run("bpftool output", out);
	}

	snprintf(out, sizeof(out), "%s/lk_bad.o", dir);
	in[0] = a, in[1] = a;
	link_files("a+a (two strong definitions)", out, in, 2);
	in[0] = b, in[1] = badvar;
	link_files("b+badvar (extern int as long)", out, in, 2);
	in[0] = a, in[1] = badmap;
	link_files("a+badmap (extern map, other max_entries)", out, in, 2);
	in[0] = a, in[1] = ksym;
	link_files("a+ksym (typeless ksym twice)", out, in, 2);
	opts_cases(dir, a);
	{
		const char *built[] = { a, b, badvar, badmap, ksym };

		for (size_t i = 0; i < sizeof(built) / sizeof(built[0]); i++) {
			snprintf(dir, sizeof(dir), "%s", built[i]);
			*strrchr(dir, '/') = 0;
			bpfobj_rmdir(dir);
		}
	}
	return o_done();
}
