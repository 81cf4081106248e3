/* Oracle: the test objects of c-tests/bpf/obj_*.bpf.c (compiled here with clang:
 * BTF maps of the common types incl. map-in-map and a prog array, global data and
 * subprograms, a verifier reject, a missing license) opened and loaded with the
 * system libbpf and with libbpfrs. Prints program names, sections, types, map
 * names/types/sizes before load, the load result, and fd-independent facts after
 * load (kernel map/program info, initial global data, map-in-map and prog-array
 * slots). Then the bad inputs of c-tests/include/bad_objects.h and NULL/empty
 * arguments: only whether open returns NULL and whether load fails are compared
 * (libbpf's errno values for malformed ELF come from libelf).
 *
 * Also compared: legacy SEC("maps") objects (libbpf 1.x refuses them with
 * EOPNOTSUPP; so does libbpfrs in strict mode), internal map names ("<obj>.data")
 * and lookups by both spellings, calls to a global function of the caller's own
 * section (refused: only .text calls take relocations), BPF_F_MMAPABLE only for
 * DATASECs with a non-static variable, and the .rodata map bound to every program. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "obj_util.h"
#include "bad_objects.h"

/* A fact where libbpfrs once differed (see the top of this file): compared too. */
#define known(...) printf(__VA_ARGS__)

static int quiet(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	return 0;
}

/* Prints whether a map or program has an fd; 1 when its kernel info could be read
 * into `info` (`size` bytes, zeroed first). */
static int show_fd_info(int fd, void *info, __u32 size)
{
	memset(info, 0, size);
	printf(" fd=%s", fd >= 0 ? "fd" : "none");
	return fd >= 0 && !bpf_obj_get_info_by_fd(fd, info, &size);
}

static void show_maps(struct bpf_object *obj, int loaded)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);

		/* Internal maps: "<obj>.data" in libbpf 1.1.2, ".data" in libbpfrs. */
		if (strchr(name, '.')) {
			known("  known: internal map name %s\n", name);
			name = strchr(name, '.');
		}
		printf("  map %s type=%d key=%u value=%u max=%u", name, bpf_map__type(m),
		       bpf_map__key_size(m), bpf_map__value_size(m), bpf_map__max_entries(m));
		if (loaded) {
			struct bpf_map_info info;

			if (show_fd_info(bpf_map__fd(m), &info, sizeof(info))) {
				if (!strncmp(info.name, ".rodata.", 8)) {
					known("  known: %s flags %#x\n", info.name, info.map_flags);
					info.map_flags &= ~BPF_F_MMAPABLE;
				}
				printf(" kname=%s ktype=%u kkey=%u kval=%u kmax=%u kflags=%#x btf_key=%u btf_val=%u",
				       info.name, info.type, info.key_size, info.value_size,
				       info.max_entries, info.map_flags, info.btf_key_type_id,
				       info.btf_value_type_id);
			}
		}
		printf("\n");
	}
}

static void show_progs(struct bpf_object *obj, int loaded)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		printf("  prog %s sec=%s type=%d", bpf_program__name(p),
		       bpf_program__section_name(p), bpf_program__type(p));
		if (loaded) {
			struct bpf_prog_info info;

			if (show_fd_info(bpf_program__fd(p), &info, sizeof(info))) {
				printf(" kname=%s ktype=%u has_btf=%d nr_func_info=%u nr_line_info=%u",
				       info.name, info.type, info.btf_id != 0, info.nr_func_info,
				       info.nr_line_info);
				known("  known: %s uses %u maps\n", info.name, info.nr_map_ids);
			}
		}
		printf("\n");
	}
}

/* Values behind the maps after load: first 16 bytes of key 0 of every array
 * (global data included), slot ids of map-in-map and prog arrays as "set"/"-". */
static void show_values(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		int fd = bpf_map__fd(m);
		enum bpf_map_type t = bpf_map__type(m);
		unsigned char val[64];
		__u32 key, id;

		if (fd < 0)
			continue;
		if (t == BPF_MAP_TYPE_ARRAY && bpf_map__value_size(m) <= sizeof(val)) {
			key = 0;
			memset(val, 0, sizeof(val));
			printf("  value %s[0] = %d:", strchr(bpf_map__name(m), '.') ?: bpf_map__name(m),
			       bpf_map_lookup_elem(fd, &key, val));
			for (__u32 i = 0; i < bpf_map__value_size(m) && i < 16; i++)
				printf(" %02x", val[i]);
			printf("\n");
		} else if (t == BPF_MAP_TYPE_ARRAY_OF_MAPS || t == BPF_MAP_TYPE_HASH_OF_MAPS ||
			   t == BPF_MAP_TYPE_PROG_ARRAY) {
			printf("  slots %s:", bpf_map__name(m));
			for (key = 0; key < bpf_map__max_entries(m); key++)
				printf(" %s", bpf_map_lookup_elem(fd, &key, &id) ? "-" : "set");
			printf("\n");
		}
	}
}

static void show_object(const char *label, const char *path)
{
	static const char *const internal[] = { ".data", ".rodata", ".bss", ".data.custom" };
	struct bpf_object *obj;
	int err;

	printf("%s:\n", label);
	errno = 0;
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		printf("  open = NULL errno=%s\n", o_errname(errno));
		return;
	}
	printf("  name=%s\n", bpf_object__name(obj));
	show_progs(obj, 0);
	show_maps(obj, 0);
	errno = 0;
	err = bpf_object__load(obj);
	printf("  load = %d errno=%s\n", err, o_errname(err ? errno : 0));
	if (err) {
		/* libbpf marks the object loaded even after a failed load. */
		O_INT("  load again", bpf_object__load(obj));
		show_progs(obj, 1);
		show_maps(obj, 1);
	} else {
		show_progs(obj, 1);
		show_maps(obj, 1);
		show_values(obj);
	}
	for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++) {
		char full[64];

		snprintf(full, sizeof(full), "%.8s%s", bpf_object__name(obj), internal[i]);
		O_INT("  find_map_by_name(%s) found", bpf_object__find_map_by_name(obj, internal[i]) != NULL,
		      internal[i]);
		known("  known: find_map_by_name(%s) found = %d\n", full,
		      bpf_object__find_map_by_name(obj, full) != NULL);
	}
	bpf_object__close(obj);
}

static void show_bad(const char *label, const unsigned char *good, size_t good_size,
		     enum ot_mutant m, const char *map_sym)
{
	unsigned char *buf = malloc(good_size + 64);
	size_t size = good_size;
	char path[256];
	struct bpf_object *obj;

	memcpy(buf, good, good_size);
	if (ot_mutate(m, buf, &size, map_sym)) {
		printf("%s %s: not applicable\n", label, ot_mutant_names[m]);
		free(buf);
		return;
	}
	obj = bpf_object__open_mem(buf, size, NULL);
	printf("%s %s: open_mem=%s", label, ot_mutant_names[m], obj ? "obj" : "NULL");
	if (obj) {
		printf(" load=%s", bpf_object__load(obj) ? "fail" : "ok");
		bpf_object__close(obj);
	}
	snprintf(path, sizeof(path), "%s/bad.o", ot_dir);
	if (!ot_write(path, buf, size)) {
		obj = bpf_object__open_file(path, NULL);
		printf(" open_file=%s", obj ? "obj" : "NULL");
		if (obj) {
			printf(" load=%s", bpf_object__load(obj) ? "fail" : "ok");
			bpf_object__close(obj);
		}
		unlink(path);
	}
	printf("\n");
	free(buf);
}

int main(void)
{
	static const struct {
		const char *src, *obj, *flags;
	} objs[] = {
		{ "obj_btf_maps.bpf.c", "btf_maps.o", "-g" },
		{ "obj_globals.bpf.c", "globals.o", "-g" },
		{ "obj_reject.bpf.c", "reject.o", "-g" },
		{ "obj_nolicense.bpf.c", "nolicense.o", "-g" },
	};
	char path[PATH_MAX], good_path[PATH_MAX];
	unsigned char *good;
	size_t good_size;

	o_require_root();
	libbpf_set_print(quiet);
	if (ot_init("oracle"))
		return 1;
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		if (ot_build(objs[i].src, objs[i].obj, objs[i].flags, path, sizeof(path))) {
			ot_cleanup();
			return 1;
		}
		show_object(objs[i].obj, path);
	}
	{
		if (ot_build("obj_legacy.bpf.c", "legacy20.o", "-g", path, sizeof(path)))
			return 1;
		show_object("known: legacy20.o", path);
		if (ot_build("obj_globals.bpf.c", "globals_same.o", "-g -DOT_SAME_SEC", path,
			     sizeof(path)))
			return 1;
		show_object("known: globals_same.o", path);
	}

	snprintf(good_path, sizeof(good_path), "%s/btf_maps.o", ot_dir);
	good = ot_read(good_path, &good_size);
	if (!good) {
		ot_cleanup();
		return 1;
	}
	for (int m = 0; m < OT_N_MUTANTS; m++)
		if (m != OT_MAP_TAIL) /* legacy maps: libbpf 1.x refuses them anyway */
			show_bad("btf_maps", good, good_size, m, "ot_hash");

	O_INT("open_file(NULL) is NULL", bpf_object__open_file(NULL, NULL) == NULL);
	O_INT("open(NULL) is NULL", bpf_object__open(NULL) == NULL);
	O_INT("open_mem(NULL, 0) is NULL", bpf_object__open_mem(NULL, 0, NULL) == NULL);
	O_INT("open_mem(NULL, size) is NULL", bpf_object__open_mem(NULL, good_size, NULL) == NULL);
	O_INT("open_mem(buf, 0) is NULL", bpf_object__open_mem(good, 0, NULL) == NULL);
	O_INT("open_file(\"\") is NULL", bpf_object__open_file("", NULL) == NULL);
	printf("open_file(dir) is NULL = %d\n", bpf_object__open_file(ot_dir, NULL) == NULL);

	free(good);
	ot_cleanup();
	return o_done();
}
