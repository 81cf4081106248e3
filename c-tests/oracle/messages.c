/* Oracle: the messages the library prints at every level (WARN, INFO, DEBUG)
 * while it opens, loads and attaches objects, libbpf 1.1.2 vs libbpfrs. A
 * recording print callback keeps every line; they are printed with their level
 * after the values that legitimately differ from run to run are normalised
 * (fds, ids, addresses, the per-process build directory). Each object is opened
 * from its file and from a buffer, loaded, its programs attached, and closed. */
#include "oracle.h"
#include "core_bpf.h"
#include <ctype.h>
#include <stdarg.h>
#include <bpf/libbpf.h>

/* The build directory (core_bpf.h's, which holds vmlinux.h). */
#define dir core_dir

/* Replaces every `what` in `s` by `with` (s is a line of at most 1024 bytes). */
static void replace_all(char *s, const char *what, const char *with)
{
	char out[1024], *p = s, *hit;
	size_t n = 0, wl = strlen(what), rl = strlen(with);

	if (!wl)
		return;
	while ((hit = strstr(p, what)) && n + (size_t)(hit - p) + rl < sizeof(out)) {
		memcpy(out + n, p, (size_t)(hit - p));
		n += (size_t)(hit - p);
		memcpy(out + n, with, rl);
		n += rl;
		p = hit + wl;
	}
	snprintf(out + n, sizeof(out) - n, "%s", p);
	snprintf(s, 1024, "%s", out);
}

/* Replaces the number after every `key` in `s` (decimal, or hex after 0x) by N. */
static void mask_number(char *s, const char *key)
{
	char *p = s, *hit;
	size_t kl = strlen(key);

	while ((hit = strstr(p, key))) {
		char *num = hit + kl, *end = num;

		if (end[0] == '0' && end[1] == 'x')
			end += 2;
		while (isxdigit((unsigned char)*end))
			end++;
		if (end == num) {
			p = num;
			continue;
		}
		memmove(num + 1, end, strlen(end) + 1);
		*num = 'N';
		p = num + 1;
	}
}

/* Lines libbpfrs does not print (yet), left out on both sides:
 * - "loading kernel BTF" and the CO-RE lines ("prog '…': relo #N: …"):
 *   libbpfrs resolves CO-RE before it creates the maps, libbpf after, so these
 *   move relative to "created successfully";
 * - "feature probe: …": libbpfrs logs each kernel feature probe's answer once
 *   per process at debug level; libbpf 1.1.2 probes silently. */
static const char *const unmatched[] = {
	"loading kernel BTF", "CO-RE relocating", " CO-RE relocations", "feature probe: ",
};

static int record(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static const char *names[] = { "WARN", "INFO", "DEBUG" };
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	for (size_t i = 0; i < sizeof(unmatched) / sizeof(unmatched[0]); i++)
		if (strstr(line, unmatched[i]))
			return 0;
	if (strstr(line, "libbpf: prog '") && strstr(line, "': relo #"))
		return 0;
	replace_all(line, dir, "DIR");
	mask_number(line, "fd=");
	mask_number(line, "fd ");
	mask_number(line, "id=");
	mask_number(line, "id ");
	printf("%s %s", level <= LIBBPF_DEBUG ? names[level] : "?", line);
	if (!strchr(line, '\n'))
		printf("\n");
	return 0;
}

static void build(const char *name, const char *src, const char *flags, char *path, size_t n)
{
	char s[PATH_MAX];

	snprintf(path, n, "%s/%s", dir, name);
	if (bpfobj_find(src, s, sizeof(s)) || bpfobj_compile(s, flags, path)) {
		printf("FAIL: could not build %s\n", src);
		exit(1);
	}
}

static void attach_all(struct bpf_object *obj)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		struct bpf_link *l;

		if (!bpf_program__autoload(p))
			continue;
		l = bpf_program__attach(p);
		printf("attach %s: %s\n", bpf_program__name(p), l ? "link" : "failed");
		bpf_link__destroy(l);
	}
}

static void run(const char *name, const char *path)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	char *buf = NULL;
	long n = 0;
	FILE *f;

	printf("== %s from file\n", name);
	obj = bpf_object__open_file(path, NULL);
	printf("open: %s\n", obj ? "ok" : "failed");
	if (!obj)
		return;
	/* core_relo's second program reaches a poisoned instruction by design. */
	p = bpf_object__find_program_by_name(obj, "core_poison");
	if (p)
		bpf_program__set_autoload(p, false);
	printf("load = %d\n", bpf_object__load(obj));
	attach_all(obj);
	bpf_object__close(obj);

	printf("== %s from buffer\n", name);
	f = fopen(path, "rb");
	if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
			n = 0;
	}
	if (f)
		fclose(f);
	if (buf && n > 0) {
		LIBBPF_OPTS(bpf_object_open_opts, o, .object_name = name);

		obj = bpf_object__open_mem(buf, (size_t)n, &o);
		printf("open: %s\n", obj ? "ok" : "failed");
		bpf_object__close(obj);
	}
	free(buf);
}

/* The libbpf-bootstrap style programs of bootstrap/ (bpf/bs_*.bpf.c, vmlinux.h
 * and bpf_tracing.h's register macros), each through the same steps. */
static const char *const bootstrap_objs[] = {
	"bs_bootstrap", "bs_uprobe", "bs_tc", "bs_iter", "bs_usdt", "bs_ksyscall", "bs_fentry",
};

static void run_bootstrap_objs(void)
{
	char path[PATH_MAX], flags[PATH_MAX];
	size_t i;

	snprintf(flags, sizeof(flags), "-g -D__TARGET_ARCH_%s -I'%s'",
#if defined(__x86_64__)
		 "x86",
#elif defined(__aarch64__)
		 "arm64",
#else
		 "unknown",
#endif
		 dir);
	for (i = 0; i < sizeof(bootstrap_objs) / sizeof(bootstrap_objs[0]); i++) {
		char obj[64];

		snprintf(obj, sizeof(obj), "%s.o", bootstrap_objs[i]);
		libbpf_set_print(NULL);
		build(obj, bootstrap_objs[i], flags, path, sizeof(path));
		libbpf_set_print(record);
		run(bootstrap_objs[i], path);
	}
}

int main(void)
{
	char legacy[PATH_MAX], btf_maps[PATH_MAX], globals[PATH_MAX], tp[PATH_MAX],
		core[PATH_MAX];

	o_require_root();
	core_init();
	build("obj_legacy.o", "obj_legacy", "-DDEF_SIZE=20", legacy, sizeof(legacy));
	build("obj_btf_maps.o", "obj_btf_maps", "-g", btf_maps, sizeof(btf_maps));
	build("obj_globals.o", "obj_globals", "-g", globals, sizeof(globals));
	build("lg_tp.o", "lg_tp", "-g", tp, sizeof(tp));
	if (core_build("core_relo", core, sizeof(core))) {
		printf("FAIL: could not build core_relo\n");
		return 1;
	}
	libbpf_set_print(record);
	run("obj_legacy", legacy);
	run("obj_btf_maps", btf_maps);
	run("obj_globals", globals);
	run("lg_tp", tp);
	run("core_relo", core);
	run_bootstrap_objs();
	libbpf_set_print(NULL);
	bpfobj_rmdir(dir);
	return o_done();
}
