/* Oracle: struct_ops maps (c-tests/bpf/so_cc.bpf.c, a TCP congestion control
 * built at run time, and its variants the loader must refuse) through the
 * system libbpf and libbpfrs: open and load results, the maps' type, key and
 * value sizes before and after load, the programs' types and expected attach
 * types, what the kernel says of the created map and programs
 * (bpf_obj_get_info_by_fd, BTF ids compared with vmlinux's), and
 * bpf_map__attach_struct_ops with its link: registration, detach, destroy.
 * The congestion controls are named `bpfrs_so_cc*` and unregistered at the end. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static char dir[64];

/* 1 if /proc lists congestion control `name`. */
static int cc_listed(const char *name)
{
	char buf[1024], *tok, *save;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "r");
	int found = 0;

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		found |= !strcmp(tok, name);
	return found;
}

/* Builds so_cc.bpf.c with `flags` into `path`. */
static void build(const char *flags, const char *path)
{
	char src[PATH_MAX];

	if (bpfobj_find("so_cc", src, sizeof(src)) || bpfobj_compile(src, flags, path)) {
		printf("FAIL: could not build so_cc.bpf.c %s\n", flags);
		exit(1);
	}
}

static void show_maps(struct bpf_object *obj, const char *when)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		size_t sz = 0;
		const void *init = bpf_map__initial_value(m, &sz);

		printf("%s: map %s type %d key %u value %u max %u flags %#x initial %s\n", when,
		       bpf_map__name(m), bpf_map__type(m), bpf_map__key_size(m),
		       bpf_map__value_size(m), bpf_map__max_entries(m), bpf_map__map_flags(m),
		       init ? "ptr" : "NULL");
	}
}

static void show_progs(struct bpf_object *obj, const char *when)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		printf("%s: prog %s sec %s type %d expected_attach_type %d autoload %d\n", when,
		       bpf_program__name(p), bpf_program__section_name(p),
		       bpf_program__type(p), bpf_program__expected_attach_type(p),
		       bpf_program__autoload(p));
}

/* What the kernel says of the loaded maps and programs. */
static void kernel_view(struct bpf_object *obj, struct btf *vmlinux)
{
	int kern_type = btf__find_by_name_kind(vmlinux, "tcp_congestion_ops", BTF_KIND_STRUCT);
	int kern_vtype = btf__find_by_name_kind(vmlinux, "bpf_struct_ops_tcp_congestion_ops",
						BTF_KIND_STRUCT);
	struct bpf_program *p;
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		O_INT("map %s: bpf_obj_get_info_by_fd",
		      bpf_obj_get_info_by_fd(bpf_map__fd(m), &info, &len), bpf_map__name(m));
		printf("map %s: kernel type %u key %u value %u max %u flags %#x name %s "
		       "btf_vmlinux_value_type_id is bpf_struct_ops_tcp_congestion_ops %d "
		       "value size is its size %d\n",
		       bpf_map__name(m), info.type, info.key_size, info.value_size,
		       info.max_entries, info.map_flags, info.name,
		       (int)info.btf_vmlinux_value_type_id == kern_vtype,
		       info.value_size == (__u32)btf__resolve_size(vmlinux, kern_vtype));
	}
	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (bpf_program__fd(p) < 0) {
			printf("prog %s: not loaded\n", bpf_program__name(p));
			continue;
		}
		O_INT("prog %s: bpf_obj_get_info_by_fd",
		      bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len), bpf_program__name(p));
		printf("prog %s: kernel type %u attach_btf_id is tcp_congestion_ops %d "
		       "attach_btf_obj_id set %d\n",
		       bpf_program__name(p), info.type, (int)info.attach_btf_id == kern_type,
		       info.attach_btf_obj_id != 0);
	}
}

static void attach_detach(struct bpf_object *obj)
{
	struct bpf_map *cc = bpf_object__find_map_by_name(obj, "so_cc");
	struct bpf_link *l;

	printf("listed before attach: %d %d\n", cc_listed("bpfrs_so_cc"), cc_listed("bpfrs_so_cc2"));
	errno = 0;
	l = bpf_map__attach_struct_ops(cc);
	printf("bpf_map__attach_struct_ops(so_cc) = %s errno=%s\n", l ? "link" : "NULL",
	       l ? "-" : o_errname(errno));
	if (!l)
		return;
	printf("listed: %d %d\n", cc_listed("bpfrs_so_cc"), cc_listed("bpfrs_so_cc2"));
	printf("link fd is the map fd: %d\n", bpf_link__fd(l) == bpf_map__fd(cc));
	O_LINK("bpf_map__attach_struct_ops(so_cc) again", bpf_map__attach_struct_ops(cc));
	printf("listed after a failed second attach: %d\n", cc_listed("bpfrs_so_cc"));
	O_INT("bpf_link__detach(so_cc link)", bpf_link__detach(l));
	printf("listed after bpf_link__detach: %d\n", cc_listed("bpfrs_so_cc"));
	O_INT("bpf_link__destroy(so_cc link)", bpf_link__destroy(l));
	printf("listed after destroy: %d %d\n", cc_listed("bpfrs_so_cc"), cc_listed("bpfrs_so_cc2"));

	O_LINK("attach after destroy", bpf_map__attach_struct_ops(cc));
	printf("listed: %d\n", cc_listed("bpfrs_so_cc"));
}

/* A disconnected link leaves the map registered until its element is deleted. */
static void disconnected(struct bpf_object *obj)
{
	struct bpf_map *cc2 = bpf_object__find_map_by_name(obj, "so_cc2");
	struct bpf_link *l = bpf_map__attach_struct_ops(cc2);

	printf("attach so_cc2 = %s listed %d\n", l ? "link" : "NULL", cc_listed("bpfrs_so_cc2"));
	if (!l)
		return;
	bpf_link__disconnect(l);
	O_INT("bpf_link__destroy(disconnected)", bpf_link__destroy(l));
	printf("listed after destroying a disconnected link: %d\n", cc_listed("bpfrs_so_cc2"));
	O_INT("bpf_map_delete_elem(so_cc2, 0)", bpf_map_delete_elem(bpf_map__fd(cc2), &(int){0}));
	printf("listed after delete: %d\n", cc_listed("bpfrs_so_cc2"));
}

static void good_object(struct btf *vmlinux)
{
	char path[256];
	struct bpf_object *obj;
	struct bpf_program *p;
	struct bpf_map *data;

	snprintf(path, sizeof(path), "%s/so_cc.o", dir);
	build("-g", path);
	errno = 0;
	obj = bpf_object__open_file(path, NULL);
	printf("open so_cc.o = %s errno=%s\n", obj ? "obj" : "NULL", obj ? "-" : o_errname(errno));
	if (!obj)
		return;
	show_maps(obj, "open");
	show_progs(obj, "open");
	O_LINK("attach_struct_ops before load",
	       bpf_map__attach_struct_ops(bpf_object__find_map_by_name(obj, "so_cc")));
	O_INT("bpf_object__load", bpf_object__load(obj));
	show_maps(obj, "loaded");
	show_progs(obj, "loaded");
	kernel_view(obj, vmlinux);
	data = bpf_object__find_map_by_name(obj, "so_cc");
	O_INT("bpf_map__set_initial_value(so_cc) after load",
	      bpf_map__set_initial_value(data, "x", 1));
	bpf_object__for_each_program(p, obj)
		O_LINK("bpf_program__attach(%s)", bpf_program__attach(p), bpf_program__name(p));
	attach_detach(obj);
	disconnected(obj);
	bpf_object__close(obj);
	printf("listed after close: %d %d\n", cc_listed("bpfrs_so_cc"), cc_listed("bpfrs_so_cc2"));
	unlink(path);
}

/* A variant: open, load, attach, each step's result. */
static void variant(const char *flags)
{
	char path[256];
	struct bpf_object *obj;
	struct bpf_map *m;

	snprintf(path, sizeof(path), "%s/so_var.o", dir);
	build(flags, path);
	errno = 0;
	obj = bpf_object__open_file(path, NULL);
	printf("%s: open = %s errno=%s\n", flags, obj ? "obj" : "NULL",
	       obj ? "-" : o_errname(errno));
	if (obj) {
		show_maps(obj, flags);
		show_progs(obj, flags);
		O_INT("%s: bpf_object__load", bpf_object__load(obj), flags);
		bpf_object__for_each_map(m, obj)
			O_LINK("%s: attach_struct_ops(%s)", bpf_map__attach_struct_ops(m), flags,
			       bpf_map__name(m));
		bpf_object__close(obj);
	}
	unlink(path);
}

int main(void)
{
	struct btf *vmlinux;

	o_require_root();
	o_stdin_devnull();
	if (bpfobj_tmpdir("so_oracle", dir, sizeof(dir)))
		return 1;
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux || btf__find_by_name_kind(vmlinux, "bpf_struct_ops_tcp_congestion_ops",
					       BTF_KIND_STRUCT) < 0) {
		printf("SKIP: no tcp_congestion_ops struct_ops in vmlinux BTF\n");
		return 77;
	}
	good_object(vmlinux);
	variant("-g -DSO_BAD_MEMBER");
	variant("-g -DSO_BAD_SIZE");
	variant("-g -DSO_BAD_TYPE");
	variant("-g -DSO_TWICE");
	variant("-g -DSO_NOT_SO");
	variant("-g -DSO_LINK_SEC");
	variant("-DSO_NO_BTF");
	btf__free(vmlinux);
	bpfobj_rmdir(dir);
	return o_done();
}
