/* The standalone BTF API beyond what the oracle can compare: garbage and freed
 * pointers, the object-owned BTF (btf__free is a no-op; loaded by the caller, then
 * used by bpf_object__load), 0.x names
 * (btf__get_nr_types, btf__get_raw_data, btf_ext__get_raw_data), calls missing
 * from libbpf 1.1.2's libbpf.map (btf__new_split, btf_ext__raw_data), the return
 * conventions in both errno modes, kernel loading (fd ownership, leaks), and the
 * static inline helpers of bpf/btf.h. */
#include "harness.h"
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "bpfobj.h"

static void garbage(void)
{
	char junk[64] = { 0 };
	struct btf *g = (struct btf *)junk;
	struct btf *b = btf__new_empty();
	__u32 sz = 7;

	CHECK(b != NULL, "new_empty");
	CHECK_EQ(btf__type_cnt(g), 0);
	CHECK_EQ(btf__get_nr_types(g), 0);
	CHECK_EQ(btf__fd(g), -EINVAL);
	CHECK_UERR(btf__find_by_name(g, "int"), EINVAL);
	CHECK_UERR(btf__find_by_name_kind(g, "int", BTF_KIND_INT), EINVAL);
	CHECK_UERR(btf__add_int(g, "int", 4, 0), EINVAL);
	CHECK_UERR(btf__add_str(g, "x"), EINVAL);
	CHECK_UERR(btf__resolve_type(g, 1), EINVAL);
	CHECK_RET(btf__resolve_size(g, 1), -EINVAL, EINVAL);
	CHECK_RET(btf__align_of(g, 1), 0, EINVAL);
	CHECK_UERR(btf__load_into_kernel(g), EINVAL);
	CHECK_UERR(btf__set_pointer_size(g, 8), EINVAL);
	CHECK_UERR(btf__add_btf(b, g), EINVAL);
	CHECK_UERR(btf__add_type(b, g, btf__type_by_id(b, 0)), EINVAL);
	CHECK_UERR(btf__add_type(b, b, NULL), EINVAL);
	errno = 0;
	CHECK(btf__type_by_id(g, 0) == NULL && errno == EINVAL, "type_by_id(garbage)");
	errno = 0;
	CHECK(btf__raw_data(g, &sz) == NULL && errno == EINVAL && sz == 7, "raw_data(garbage)");
	CHECK(btf__base_btf(g) == NULL, "base_btf(garbage)");
	CHECK(btf__new_empty_split(g) == NULL && errno == EINVAL, "split on garbage");
	CHECK(btf__new_empty_split(NULL) != NULL, "split on NULL: plain BTF");
	btf__free(g); /* ignored */
	btf__set_fd(g, 5); /* ignored */
	errno = 0;
	CHECK(btf_ext__raw_data((struct btf_ext *)junk, &sz) == NULL && errno == EINVAL,
	      "btf_ext raw_data(garbage)");
	btf_ext__free((struct btf_ext *)junk); /* ignored */

	/* a freed BTF is garbage too */
	btf__free(b);
	CHECK_UERR(btf__add_int(b, "int", 4, 0), EINVAL);
	CHECK_EQ(btf__type_cnt(b), 0);
	btf__free(b); /* double free is ignored */
}

static void conventions(void)
{
	struct btf *b = btf__new_empty(), *p;
	__u32 sz = 0;

	/* writer failures: -errno with errno in both modes */
	CHECK_UERR(btf__add_int(b, "", 4, 0), EINVAL);
	CHECK_UERR(btf__add_field(b, "x", 1, 0, 0), EINVAL);
	CHECK_RET(btf__add_int(b, "int", 4, BTF_INT_SIGNED), 1, 0);
	CHECK_RET(btf__add_enum(b, "e", 4), 2, 0);
	CHECK_UERR(btf__add_enum_value(b, "big", 1LL << 40), E2BIG);
	CHECK_UERR(btf__find_str(b, "nope"), ENOENT);
	CHECK_UERR(btf__find_by_name(b, "nope"), ENOENT);
	/* 0.x names */
	CHECK_EQ(btf__get_nr_types(b), 2);
	CHECK(btf__get_raw_data(b, &sz) == btf__raw_data(b, &sz) && sz == 24 + 16 + 12 + 7,
	      "get_raw_data: size %u", sz);
	/* pointer returns: NULL + errno, and libbpf_get_error agrees */
	errno = 0;
	p = btf__parse_raw("/nonexistent/bt_file");
	CHECK(p == NULL && errno == ENOENT && libbpf_get_error(p) == -ENOENT, "parse_raw ENOENT");
	p = btf__new(&sz, 2);
	CHECK(p == NULL && errno == EINVAL && libbpf_get_error(p) == -EINVAL, "new(short)");
	/* set_fd hands the fd over: btf__free closes it */
	{
		int n = h_count_fds(), fd = dup(0);

		btf__set_fd(b, fd);
		CHECK_EQ(btf__fd(b), fd);
		btf__free(b);
		CHECK_EQ(h_count_fds(), n);
	}
}

static void split_and_helpers(void)
{
	struct btf *base = btf__new_empty(), *s, *s2;
	const struct btf_type *t;
	const struct btf_member *m;
	const struct btf_param *pp;
	const struct btf_enum *e;
	const struct btf_var_secinfo *vs;
	const void *d;
	__u32 sz = 0;
	int sid, fid, pid, vid, did;

	btf__add_int(base, "int", 4, BTF_INT_SIGNED);
	s = btf__new_empty_split(base);
	CHECK(btf__base_btf(s) == base, "base_btf");
	sid = btf__add_struct(s, "pair", 8);
	CHECK_EQ(sid, 2);
	btf__add_field(s, "a", 1, 0, 0);
	btf__add_field(s, "b", 1, 32, 0);
	pid = btf__add_func_proto(s, 1);
	btf__add_func_param(s, "x", sid);
	fid = btf__add_func(s, "fn", BTF_FUNC_GLOBAL, pid);
	btf__add_enum(s, "col", 4);
	btf__add_enum_value(s, "RED", 0);
	btf__add_enum_value(s, "BLUE", 7);
	vid = btf__add_var(s, "gv", BTF_VAR_GLOBAL_ALLOCATED, 1);
	did = btf__add_datasec(s, ".data", 4);
	btf__add_datasec_var_info(s, vid, 0, 4);

	t = btf__type_by_id(s, sid);
	CHECK(btf_is_struct(t) && btf_is_composite(t) && btf_vlen(t) == 2, "struct helpers");
	m = btf_members(t);
	CHECK(!strcmp(btf__name_by_offset(s, m[1].name_off), "b") &&
		      btf_member_bit_offset(t, 1) == 32 && btf_member_bitfield_size(t, 1) == 0,
	      "members");
	t = btf__type_by_id(s, pid);
	pp = btf_params(t);
	CHECK(btf_is_func_proto(t) && pp[0].type == (__u32)sid, "params");
	t = btf__type_by_id(s, fid);
	CHECK(btf_is_func(t) && btf_vlen(t) == BTF_FUNC_GLOBAL, "func");
	t = btf__type_by_id(s, fid + 1);
	e = btf_enum(t);
	CHECK(btf_is_enum(t) && btf_is_any_enum(t) && e[1].val == 7 &&
		      !strcmp(btf__str_by_offset(s, e[1].name_off), "BLUE"),
	      "enum");
	t = btf__type_by_id(s, vid);
	CHECK(btf_is_var(t) && btf_var(t)->linkage == BTF_VAR_GLOBAL_ALLOCATED, "var");
	t = btf__type_by_id(s, did);
	vs = btf_var_secinfos(t);
	CHECK(btf_is_datasec(t) && vs[0].type == (__u32)vid && vs[0].size == 4, "datasec");
	t = btf__type_by_id(s, 1);
	CHECK(btf_is_int(t) && btf_int_encoding(t) == BTF_INT_SIGNED && btf_int_bits(t) == 32 &&
		      btf_int_offset(t) == 0,
	      "int from base");
	CHECK(btf_is_ptr(btf__type_by_id(s, btf__add_ptr(s, sid))), "ptr");
	CHECK(btf_is_mod(btf__type_by_id(s, btf__add_const(s, 1))), "const");

	/* btf__new_split: missing from 1.1.2's libbpf.map, so checked here */
	d = btf__raw_data(s, &sz);
	s2 = btf__new_split(d, sz, base);
	CHECK(s2 && btf__type_cnt(s2) == btf__type_cnt(s), "new_split");
	CHECK(btf__find_by_name_kind(s2, "fn", BTF_KIND_FUNC) == fid, "new_split lookup");
	CHECK(btf__base_btf(s2) == base, "new_split base");
	btf__free(s2);

	/* the base may be freed first: the split BTF keeps its view */
	btf__free(base);
	CHECK_EQ(btf__resolve_size(s, sid), 8);
	CHECK(!strcmp(btf__name_by_offset(s, btf__type_by_id(s, 1)->name_off), "int"),
	      "base strings after base free");
	btf__free(s);
}

static void kernel_load(void)
{
	struct btf *b = btf__new_empty();
	int n, fd;

	btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	btf__add_ptr(b, 1);
	n = h_count_fds();
	CHECK_RET(btf__load_into_kernel(b), 0, 0);
	fd = btf__fd(b);
	CHECK(fd >= 0, "fd after load");
	CHECK_EQ(h_count_fds(), n + 1);
	CHECK_UERR(btf__load_into_kernel(b), EEXIST);
	CHECK_UERR(btf__load(b), EEXIST);
	{
		struct bpf_btf_info info;
		__u32 len = sizeof(info);
		struct btf *k = NULL;

		memset(&info, 0, sizeof(info));
		CHECK_RET(bpf_obj_get_info_by_fd(fd, &info, &len), 0, 0);
		CHECK_RET(btf__get_from_id(info.id, &k), 0, 0);
		CHECK(k && btf__type_cnt(k) == 3, "get_from_id");
		btf__free(k);
		k = NULL;
		CHECK_UERR(btf__get_from_id(0, &k), ENOENT);
		CHECK(k == NULL, "get_from_id failure leaves *btf");
	}
	btf__free(b);
	CHECK_EQ(h_count_fds(), n);

	/* a refused load leaks nothing, in both errno modes */
	b = btf__new_empty();
	btf__add_ptr(b, 9);
	n = h_count_fds();
	CHECK_UERR(btf__load_into_kernel(b), EINVAL);
	CHECK_EQ(btf__fd(b), -EINVAL);
	CHECK_EQ(h_count_fds(), n);
	btf__free(b);
}

static void object_btf(void)
{
	char path[PATH_MAX];
	struct bpf_object *obj;
	struct btf *b, *s;
	__u32 sz = 0;
	int r = bpfobj_build("objapi", "bt_objapi.o", "-g", path, sizeof(path));

	if (r == 77) {
		h_missing("clang missing, object BTF not checked");
		return;
	}
	CHECK_EQ(r, 0);
	obj = bpf_object__open_file(path, NULL);
	CHECK(obj != NULL, "open");
	b = bpf_object__btf(obj);
	CHECK(b != NULL, "object BTF");
	btf__free(b); /* owned by the object: ignored */
	CHECK(btf__type_cnt(b) > 1, "object BTF survives btf__free");
	CHECK(btf__raw_data(b, &sz) != NULL && sz > 24, "object raw_data");
	CHECK_EQ(btf__pointer_size(b), 8);
	CHECK_EQ(btf__endianness(b), BTF_LITTLE_ENDIAN);
	CHECK(btf__find_str(b, "sock_prog") > 0, "find_str in object BTF");
	{
		const struct btf_type *t0 = btf__type_by_id(b, 1);
		__u32 n = btf__type_cnt(b), sz2 = 0;
		int id = btf__add_int(b, "bt_myint", 4, 0);

		CHECK_EQ(id, n);
		CHECK_EQ(btf__type_cnt(b), n + 1);
		CHECK_EQ(btf__find_by_name_kind(b, "bt_myint", BTF_KIND_INT), id);
		CHECK(btf__type_by_id(b, 1) && t0, "types still there");
		CHECK(btf__raw_data(b, &sz2) && sz2 == sz + 16 + 9, "raw data grew: %u", sz2);
	}
	/* the byte order of raw_data only: the kernel still gets native BTF */
	CHECK_RET(btf__set_endianness(b, BTF_BIG_ENDIAN), 0, 0);
	CHECK_EQ(btf__endianness(b), BTF_BIG_ENDIAN);
	{
		const unsigned char *d = btf__raw_data(b, &sz);

		CHECK(d && d[0] == 0xeb && d[1] == 0x9f, "object raw_data big-endian");
	}
	CHECK_RET(btf__set_endianness(b, BTF_LITTLE_ENDIAN), 0, 0);
	/* loaded by the caller: the object keeps that fd and loads with it */
	CHECK_EQ(btf__fd(b), -1);
	CHECK_RET(btf__load_into_kernel(b), 0, 0);
	{
		int fd = btf__fd(b);

		CHECK(fd >= 0, "object BTF fd");
		CHECK_EQ(bpf_object__btf_fd(obj), fd);
		CHECK_UERR(btf__load_into_kernel(b), EEXIST);
		bpf_map__set_pin_path(bpf_object__find_map_by_name(obj, "shared_cnt"), NULL);
		CHECK_RET(bpf_object__load(obj), 0, 0);
		CHECK_EQ(btf__fd(b), fd);
		CHECK_EQ(bpf_object__btf_fd(obj), fd);
		{
			struct bpf_map *m = bpf_object__find_map_by_name(obj, "hmap");
			struct bpf_map_info mi = { 0 };
			struct bpf_btf_info bi = { 0 };
			__u32 ml = sizeof(mi), bl = sizeof(bi);

			CHECK(!bpf_obj_get_info_by_fd(bpf_map__fd(m), &mi, &ml) &&
				      !bpf_obj_get_info_by_fd(fd, &bi, &bl) && mi.btf_id == bi.id,
			      "maps load with the caller's BTF");
		}
	}
	/* split on the object's BTF */
	s = btf__new_empty_split(b);
	CHECK(s && btf__type_cnt(s) == btf__type_cnt(b), "split on object BTF");
	CHECK(btf__add_str(s, "sock_prog") == btf__find_str(b, "sock_prog"), "base strings");
	btf__free(s);
	/* a new BTF copied from the object's */
	s = btf__new_empty();
	CHECK_EQ(btf__add_btf(s, b), 1);
	CHECK_EQ(btf__type_cnt(s), btf__type_cnt(b));
	btf__free(s);
	bpf_object__close(obj);
	CHECK_EQ(btf__type_cnt(b), 0);
	bpfobj_clean("objapi", "bt_objapi.o");
}

static void ext(void)
{
	char path[PATH_MAX];
	struct btf_ext *e = NULL;
	struct btf *b;
	const void *p1, *p2;
	__u32 s1 = 0, s2 = 0;
	int r = bpfobj_build("objapi", "bt_ext.o", "-g", path, sizeof(path));

	if (r)
		return;
	b = btf__parse_elf(path, &e);
	CHECK(b && e, "parse_elf with ext");
	p1 = btf_ext__raw_data(e, &s1);
	p2 = btf_ext__get_raw_data(e, &s2);
	CHECK(p1 && p1 == p2 && s1 == s2 && s1 > 32, "ext raw data");
	CHECK_EQ(btf_ext__func_info_rec_size(e), 8);
	CHECK_EQ(btf_ext__line_info_rec_size(e), 16);
	btf_ext__free(e);
	errno = 0;
	CHECK(btf_ext__raw_data(e, &s1) == NULL && errno == EINVAL, "freed ext");
	btf__free(b);
	bpfobj_clean("objapi", "bt_ext.o");
}

int main(void)
{
	require_root();
	garbage();
	conventions();
	split_and_helpers();
	kernel_load();
	object_btf();
	ext();
	return h_done("btf_api");
}
