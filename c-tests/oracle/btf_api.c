/* Oracle: the standalone BTF API of bpf/btf.h (libbpf 1.1.2): constructors, the
 * writer API (every btf__add_* with valid and invalid arguments), the encoded
 * bytes (both byte orders), split BTF, accessors, file parsing (raw and ELF with
 * .BTF.ext), kernel BTF (vmlinux, load into the kernel, load back by id) and
 * struct btf_ext. Return values, errno and the raw BTF bytes must match. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <fcntl.h>

#define O_RC(fmt, call, ...)                                                       \
	do {                                                                       \
		errno = 0;                                                         \
		long __r = (long)(call);                                           \
		printf(fmt " = %ld errno=%s\n", ##__VA_ARGS__, __r,               \
		       __r < 0 ? o_errname(errno) : "-");                          \
	} while (0)

/* A pointer-returning call: "ok" or "NULL errno=E" (and libbpf_get_error). */
#define O_PTR(var, fmt, call)                                                      \
	do {                                                                       \
		errno = 0;                                                         \
		var = (call);                                                      \
		if (var)                                                           \
			printf(fmt " = ok\n");                                     \
		else                                                               \
			printf(fmt " = NULL errno=%s get_error=%ld\n", o_errname(errno), \
			       libbpf_get_error(var));                             \
	} while (0)

#ifdef ORACLE_SYSTEM
/* Exported by libbpf 1.1.2 (LIBBPF_0.0.1 compat) but no longer declared. */
const void *btf_ext__get_raw_data(const struct btf_ext *btf_ext, __u32 *size);
#endif

static char tmp_raw[64], tmp_bad[64], obj_path[PATH_MAX];

static void hexdump(const char *what, const struct btf *b)
{
	__u32 sz = 0, i;
	const unsigned char *p = btf__raw_data(b, &sz);

	printf("%s: raw %s size %u\n", what, p ? "ok" : "NULL", sz);
	for (i = 0; p && i < sz; i++)
		printf("%02x%s", p[i], (i % 32 == 31 || i + 1 == sz) ? "\n" : "");
}

static void dump_types(const char *what, const struct btf *b)
{
	__u32 i, n = btf__type_cnt(b);

	printf("%s: type_cnt %u\n", what, n);
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(b, i);
		const char *name = t ? btf__name_by_offset(b, t->name_off) : NULL;

		printf("  [%u] kind %u vlen %u kflag %d name '%s'", i, btf_kind(t), btf_vlen(t),
		       btf_kflag(t), name ? name : "(null)");
		O_RC(" size", btf__resolve_size(b, i));
		O_RC("      resolve", btf__resolve_type(b, i));
		O_RC("      align", btf__align_of(b, i));
	}
}

static struct btf *build(void)
{
	struct btf *b;
	int id;

	O_PTR(b, "new_empty", btf__new_empty());
	O_RC("type_cnt", btf__type_cnt(b));
	O_RC("pointer_size (empty)", btf__pointer_size(b));
	O_RC("endianness", btf__endianness(b));
	O_RC("fd", btf__fd(b));
	/* INT */
	O_RC("add_int(int)", btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	O_RC("add_int(NULL)", btf__add_int(b, NULL, 4, 0));
	O_RC("add_int(empty)", btf__add_int(b, "", 4, 0));
	O_RC("add_int(sz 3)", btf__add_int(b, "x", 3, 0));
	O_RC("add_int(sz 0)", btf__add_int(b, "x", 0, 0));
	O_RC("add_int(enc 8)", btf__add_int(b, "x", 4, 8));
	O_RC("add_int(char)", btf__add_int(b, "char", 1, BTF_INT_SIGNED));
	O_RC("add_int(bool)", btf__add_int(b, "_Bool", 1, BTF_INT_BOOL));
	O_RC("add_int(long)", btf__add_int(b, "long", 8, BTF_INT_SIGNED));
	O_RC("add_int(u128)", btf__add_int(b, "__int128 unsigned", 16, 0));
	/* FLOAT */
	O_RC("add_float(double)", btf__add_float(b, "double", 8));
	O_RC("add_float(ld)", btf__add_float(b, "long double", 12));
	O_RC("add_float(sz 3)", btf__add_float(b, "f", 3));
	O_RC("add_float(NULL)", btf__add_float(b, NULL, 4));
	/* references */
	O_RC("add_ptr(1)", btf__add_ptr(b, 1));
	O_RC("add_ptr(-1)", btf__add_ptr(b, -1));
	O_RC("add_ptr(void)", btf__add_ptr(b, 0));
	O_RC("add_const", btf__add_const(b, 1));
	O_RC("add_volatile", btf__add_volatile(b, 1));
	O_RC("add_restrict", btf__add_restrict(b, 9));
	O_RC("add_const(-5)", btf__add_const(b, -5));
	O_RC("add_typedef", btf__add_typedef(b, "myint", 1));
	O_RC("add_typedef(NULL)", btf__add_typedef(b, NULL, 1));
	O_RC("add_typedef(-1)", btf__add_typedef(b, "t", -1));
	O_RC("add_type_tag", btf__add_type_tag(b, "user", 1));
	O_RC("add_type_tag(empty)", btf__add_type_tag(b, "", 1));
	/* ARRAY */
	O_RC("add_array", btf__add_array(b, 1, 2, 16));
	O_RC("add_array(-1 index)", btf__add_array(b, -1, 2, 16));
	O_RC("add_array(-1 elem)", btf__add_array(b, 1, -1, 16));
	O_RC("add_array(0 elems)", btf__add_array(b, 1, 1, 0));
	/* fields without a composite */
	O_RC("add_field(no struct)", btf__add_field(b, "x", 1, 0, 0));
	/* STRUCT */
	id = btf__add_struct(b, "s", 40);
	printf("add_struct(s) = %d\n", id);
	O_RC("add_field(a)", btf__add_field(b, "a", 1, 0, 0));
	O_RC("add_field(bits)", btf__add_field(b, "b", 1, 32, 3));
	O_RC("add_field(bits off)", btf__add_field(b, "c", 1, 35, 0));
	O_RC("add_field(bits 256)", btf__add_field(b, "d", 1, 40, 256));
	O_RC("add_field(-1 type)", btf__add_field(b, "d", -1, 64, 0));
	O_RC("add_field(anon)", btf__add_field(b, NULL, 5, 64, 0));
	O_RC("add_field(arr)", btf__add_field(b, "arr", 15, 192, 0));
	O_RC("add_struct(anon)", btf__add_struct(b, NULL, 0));
	O_RC("add_struct(packed)", btf__add_struct(b, "p", 5));
	O_RC("add_field(p.a)", btf__add_field(b, "a", 2, 0, 0));
	O_RC("add_field(p.b)", btf__add_field(b, "b", 1, 8, 0));
	/* UNION */
	O_RC("add_union", btf__add_union(b, "u", 8));
	O_RC("add_field(u.x)", btf__add_field(b, "x", 1, 0, 0));
	O_RC("add_field(u.y off)", btf__add_field(b, "y", 1, 32, 0));
	O_RC("add_field(u.z)", btf__add_field(b, "z", 4, 0, 0));
	/* ENUM */
	O_RC("add_enum_value(no enum)", btf__add_enum_value(b, "V", 1));
	O_RC("add_enum", btf__add_enum(b, "e", 4));
	O_RC("add_enum(sz 3)", btf__add_enum(b, "e3", 3));
	O_RC("add_enum(sz 16)", btf__add_enum(b, "e16", 16));
	O_RC("add_enum(anon)", btf__add_enum(b, NULL, 4));
	O_RC("add_enum_value(A)", btf__add_enum_value(b, "A", 1));
	O_RC("add_enum_value(NULL)", btf__add_enum_value(b, NULL, 1));
	O_RC("add_enum_value(big)", btf__add_enum_value(b, "B", 0x100000000LL));
	O_RC("add_enum_value(small)", btf__add_enum_value(b, "B", -0x80000001LL));
	O_RC("add_enum_value(neg)", btf__add_enum_value(b, "N", -3));
	O_RC("add_enum_value(umax)", btf__add_enum_value(b, "M", 0xffffffffLL));
	/* ENUM64 */
	O_RC("add_enum64_value(no enum64)", btf__add_enum64_value(b, "V", 1));
	O_RC("add_enum64", btf__add_enum64(b, "e64", 8, true));
	O_RC("add_enum64(sz 5)", btf__add_enum64(b, "x", 5, false));
	O_RC("add_enum64_value(X)", btf__add_enum64_value(b, "X", 0x123456789abcdefULL));
	O_RC("add_enum64_value(empty)", btf__add_enum64_value(b, "", 1));
	O_RC("add_enum64(u)", btf__add_enum64(b, "e64u", 8, false));
	O_RC("add_enum64_value(Y)", btf__add_enum64_value(b, "Y", ~0ULL));
	/* FWD */
	O_RC("add_fwd(struct)", btf__add_fwd(b, "fs", BTF_FWD_STRUCT));
	O_RC("add_fwd(union)", btf__add_fwd(b, "fu", BTF_FWD_UNION));
	O_RC("add_fwd(enum)", btf__add_fwd(b, "fe", BTF_FWD_ENUM));
	O_RC("add_fwd(3)", btf__add_fwd(b, "fx", (enum btf_fwd_kind)3));
	O_RC("add_fwd(NULL)", btf__add_fwd(b, NULL, BTF_FWD_STRUCT));
	/* FUNC_PROTO, FUNC */
	O_RC("add_func_param(no proto)", btf__add_func_param(b, "p", 1));
	id = btf__add_func_proto(b, 1);
	printf("add_func_proto = %d\n", id);
	O_RC("add_func_param(a)", btf__add_func_param(b, "a", 1));
	O_RC("add_func_param(b)", btf__add_func_param(b, "b", 5));
	O_RC("add_func_param(anon)", btf__add_func_param(btf__new_empty_split(b), NULL, 5));
	O_RC("add_func_param(-1)", btf__add_func_param(b, "c", -1));
	O_RC("add_func_proto(-1)", btf__add_func_proto(b, -1));
	O_RC("add_func", btf__add_func(b, "f", BTF_FUNC_GLOBAL, id));
	O_RC("add_func(linkage 3)", btf__add_func(b, "g", 3, id));
	O_RC("add_func(linkage -1)", btf__add_func(b, "g", -1, id));
	O_RC("add_func(NULL)", btf__add_func(b, NULL, 0, id));
	O_RC("add_func(-1 proto)", btf__add_func(b, "g", 0, -1));
	/* VAR, DATASEC */
	O_RC("add_datasec_var_info(no sec)", btf__add_datasec_var_info(b, 1, 0, 4));
	id = btf__add_var(b, "v", BTF_VAR_GLOBAL_ALLOCATED, 1);
	printf("add_var = %d\n", id);
	O_RC("add_var(static)", btf__add_var(b, "w", BTF_VAR_STATIC, 1));
	O_RC("add_var(linkage 3)", btf__add_var(b, "x", 3, 1));
	O_RC("add_var(NULL)", btf__add_var(b, NULL, 0, 1));
	O_RC("add_var(-1)", btf__add_var(b, "x", 0, -1));
	O_RC("add_datasec", btf__add_datasec(b, ".data", 8));
	O_RC("add_datasec(NULL)", btf__add_datasec(b, NULL, 8));
	O_RC("add_datasec_var_info", btf__add_datasec_var_info(b, id, 0, 4));
	O_RC("add_datasec_var_info(2)", btf__add_datasec_var_info(b, id + 1, 4, 4));
	O_RC("add_datasec_var_info(-1)", btf__add_datasec_var_info(b, -1, 4, 4));
	/* DECL_TAG */
	O_RC("add_decl_tag", btf__add_decl_tag(b, "tag", id, -1));
	O_RC("add_decl_tag(member)", btf__add_decl_tag(b, "mtag", 19, 1));
	O_RC("add_decl_tag(-2)", btf__add_decl_tag(b, "t", 1, -2));
	O_RC("add_decl_tag(NULL)", btf__add_decl_tag(b, NULL, 1, -1));
	O_RC("add_decl_tag(-1 ref)", btf__add_decl_tag(b, "t", -1, -1));
	/* strings */
	O_RC("add_str(new)", btf__add_str(b, "a string"));
	O_RC("add_str(again)", btf__add_str(b, "a string"));
	O_RC("add_str(existing)", btf__add_str(b, "int"));
	O_RC("add_str(empty)", btf__add_str(b, ""));
	O_RC("find_str(int)", btf__find_str(b, "int"));
	O_RC("find_str(empty)", btf__find_str(b, ""));
	O_RC("find_str(nope)", btf__find_str(b, "nope"));
	O_RC("find_str(suffix)", btf__find_str(b, "nt"));
	return b;
}

static void accessors(struct btf *b)
{
	const struct btf_type *t;
	const char *s;

	O_RC("type_cnt", btf__type_cnt(b));
	O_RC("pointer_size", btf__pointer_size(b));
	O_RC("set_pointer_size(3)", btf__set_pointer_size(b, 3));
	O_RC("set_pointer_size(4)", btf__set_pointer_size(b, 4));
	O_RC("pointer_size", btf__pointer_size(b));
	O_RC("resolve_size(ptr) ptr4", btf__resolve_size(b, 8));
	O_RC("align_of(long) ptr4", btf__align_of(b, 4));
	O_RC("set_pointer_size(8)", btf__set_pointer_size(b, 8));
	O_RC("find_by_name(s)", btf__find_by_name(b, "s"));
	O_RC("find_by_name(void)", btf__find_by_name(b, "void"));
	O_RC("find_by_name(nope)", btf__find_by_name(b, "nope"));
	O_RC("find_by_name_kind(u, UNION)", btf__find_by_name_kind(b, "u", BTF_KIND_UNION));
	O_RC("find_by_name_kind(u, STRUCT)", btf__find_by_name_kind(b, "u", BTF_KIND_STRUCT));
	O_RC("find_by_name_kind(x, UNKN)", btf__find_by_name_kind(b, "x", BTF_KIND_UNKN));
	O_RC("resolve_size(0)", btf__resolve_size(b, 0));
	O_RC("resolve_size(9999)", btf__resolve_size(b, 9999));
	O_RC("resolve_type(9999)", btf__resolve_type(b, 9999));
	O_RC("resolve_type(0)", btf__resolve_type(b, 0));
	errno = 0;
	t = btf__type_by_id(b, 9999);
	printf("type_by_id(9999) = %s errno=%s\n", t ? "ok" : "NULL", o_errname(errno));
	t = btf__type_by_id(b, 0);
	printf("type_by_id(0) = kind %u size %u\n", btf_kind(t), t->size);
	errno = 0;
	s = btf__str_by_offset(b, 1);
	printf("str_by_offset(1) = '%s'\n", s ? s : "(null)");
	s = btf__str_by_offset(b, 2);
	printf("str_by_offset(2) = '%s'\n", s ? s : "(null)");
	s = btf__str_by_offset(b, 100000);
	printf("str_by_offset(100000) = %s errno=%s\n", s ? s : "NULL", o_errname(errno));
	O_RC("set_endianness(2)", btf__set_endianness(b, (enum btf_endianness)2));
	printf("base_btf = %s\n", btf__base_btf(b) ? "set" : "NULL");
}

static void kernel(struct btf *b)
{
	struct bpf_btf_info info;
	__u32 len = sizeof(info), sz1 = 0, sz2 = 0;
	struct btf *k;
	const void *d1, *d2;
	int fd;

	O_RC("load_into_kernel", btf__load_into_kernel(b));
	fd = btf__fd(b);
	printf("fd %s\n", fd >= 0 ? "fd" : "-1");
	O_RC("load_into_kernel(again)", btf__load_into_kernel(b));
	memset(&info, 0, sizeof(info));
	O_RC("get_info", bpf_obj_get_info_by_fd(fd, &info, &len));
	O_PTR(k, "load_from_kernel_by_id", btf__load_from_kernel_by_id(info.id));
	if (!k)
		return;
	d1 = btf__raw_data(b, &sz1);
	d2 = btf__raw_data(k, &sz2);
	printf("kernel copy: size %s, bytes %s\n", sz1 == sz2 ? "same" : "differ",
	       sz1 == sz2 && !memcmp(d1, d2, sz1) ? "same" : "differ");
	O_RC("kernel copy fd", btf__fd(k));
	btf__free(k);
	O_PTR(k, "load_from_kernel_by_id(0)", btf__load_from_kernel_by_id(0));
	O_PTR(k, "load_from_kernel_by_id(~0)", btf__load_from_kernel_by_id(0xfffffff0));
}

static void bad_load(void)
{
	struct btf *b = btf__new_empty();

	/* a PTR to a missing type: the kernel refuses it */
	btf__add_ptr(b, 7);
	O_RC("load_into_kernel(bad)", btf__load_into_kernel(b));
	printf("fd after bad load %d\n", btf__fd(b));
	btf__free(b);
}

static void split(struct btf *base)
{
	struct btf *s, *s2;
	const void *d;
	__u32 sz = 0, n = btf__type_cnt(base);

	O_PTR(s, "new_empty_split", btf__new_empty_split(base));
	O_RC("split type_cnt", btf__type_cnt(s));
	printf("split base_btf %s\n", btf__base_btf(s) == base ? "base" : "other");
	O_RC("split add_str(int)", btf__add_str(s, "int"));
	O_RC("split add_str(new)", btf__add_str(s, "splitname"));
	O_RC("split add_str(new again)", btf__add_str(s, "splitname"));
	O_RC("split find_str(splitname)", btf__find_str(s, "splitname"));
	O_RC("split find_str(long)", btf__find_str(s, "long"));
	O_RC("split add_struct", btf__add_struct(s, "ss", 8));
	O_RC("split add_field", btf__add_field(s, "x", 4, 0, 0));
	O_RC("split add_ptr", btf__add_ptr(s, (int)n));
	O_RC("split add_typedef", btf__add_typedef(s, "myint", 1));
	O_RC("split find_by_name(myint)", btf__find_by_name(s, "myint"));
	O_RC("split find_by_name_kind(ss)", btf__find_by_name_kind(s, "ss", BTF_KIND_STRUCT));
	O_RC("split resolve_size(ptr)", btf__resolve_size(s, n + 1));
	O_RC("split pointer_size", btf__pointer_size(s));
	printf("split name of base type 1: %s\n",
	       btf__name_by_offset(s, btf__type_by_id(s, 1)->name_off));
	hexdump("split", s);
	d = btf__raw_data(s, &sz);
	/* btf__new_split is declared by 1.1.2's btf.h but missing from its
	 * libbpf.map: the split blob is reparsed through a file instead. */
	{
		int fd = open(tmp_raw, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || write(fd, d, sz) != (ssize_t)sz)
			printf("write failed\n");
		close(fd);
	}
	O_PTR(s2, "parse_raw_split(split)", btf__parse_raw_split(tmp_raw, base));
	dump_types("split reparsed", s2);
	O_RC("split reparsed add_btf", btf__add_btf(base, s2));
	btf__free(s2);
	O_PTR(s2, "parse_raw_split(split, NULL base)", btf__parse_raw_split(tmp_raw, NULL));
	unlink(tmp_raw);
#ifndef ORACLE_SYSTEM
	s2 = btf__new_split(d, sz, base);
	o_self_check(s2 && btf__type_cnt(s2) == btf__type_cnt(s), "btf__new_split");
	btf__free(s2);
#endif
	O_RC("empty split add_field", btf__add_field(btf__new_empty_split(base), "x", 1, 0, 0));
	btf__free(s);
}

static void copies(struct btf *src)
{
	struct btf *d = btf__new_empty();
	int sid = btf__find_by_name_kind(src, "s", BTF_KIND_STRUCT);
	int fid = btf__find_by_name_kind(src, "f", BTF_KIND_FUNC);

	O_RC("add_str(pre)", btf__add_str(d, "zzz"));
	O_RC("add_type(s)", btf__add_type(d, src, btf__type_by_id(src, sid)));
	O_RC("add_type(proto)",
	     btf__add_type(d, src, btf__type_by_id(src, btf__type_by_id(src, fid)->type)));
	O_RC("add_btf", btf__add_btf(d, src));
	O_RC("add_btf(self)", btf__add_btf(d, d));
	hexdump("copies", d);
	O_RC("copies load", btf__load_into_kernel(d));
	btf__free(d);
}

static void endian(struct btf *b)
{
	__u32 sz = 0;
	const void *p;
	struct btf *r;

	O_RC("set_endianness(BIG)", btf__set_endianness(b, BTF_BIG_ENDIAN));
	O_RC("endianness", btf__endianness(b));
	hexdump("big", b);
	p = btf__raw_data(b, &sz);
	O_PTR(r, "new(big)", btf__new(p, sz));
	O_RC("new(big) endianness", btf__endianness(r));
	O_RC("new(big) type_cnt", btf__type_cnt(r));
	O_RC("new(big) find_by_name(s)", btf__find_by_name(r, "s"));
	hexdump("big reparsed", r);
	O_RC("new(big) add_int", btf__add_int(r, "extra", 2, 0));
	hexdump("big reparsed + int", r);
	O_RC("set_endianness(LITTLE)", btf__set_endianness(r, BTF_LITTLE_ENDIAN));
	hexdump("little again", r);
	btf__free(r);
	O_RC("set_endianness(LITTLE)", btf__set_endianness(b, BTF_LITTLE_ENDIAN));
}

static void bad_blobs(void)
{
	unsigned char d[64];
	struct btf *b;
	struct btf_ext *e;
	__u32 hdr[6] = { 0x0001eb9f, 24, 0, 0, 0, 1 };

	O_PTR(b, "new(NULL,0)", btf__new(NULL, 0));
	memset(d, 0, sizeof(d));
	O_PTR(b, "new(zeros)", btf__new(d, sizeof(d)));
	memcpy(d, hdr, sizeof(hdr));
	d[24] = 0;
	O_PTR(b, "new(empty ok)", btf__new(d, 25));
	O_RC("empty type_cnt", btf__type_cnt(b));
	hexdump("minimal", b);
	btf__free(b);
	d[24] = 'x';
	O_PTR(b, "new(str not NUL first)", btf__new(d, 25));
	hdr[5] = 0;
	memcpy(d, hdr, sizeof(hdr));
	O_PTR(b, "new(no strings)", btf__new(d, 24));
	hdr[5] = 1;
	hdr[3] = 12; /* type_len 12 > str_off 0 */
	memcpy(d, hdr, sizeof(hdr));
	O_PTR(b, "new(bad layout)", btf__new(d, 40));
	hdr[3] = 0;
	hdr[1] = 100;
	memcpy(d, hdr, sizeof(hdr));
	O_PTR(b, "new(hdr_len too big)", btf__new(d, 40));
	O_PTR(b, "new(short)", btf__new(d, 10));
	/* unknown kind */
	{
		__u32 w[10] = { 0x0001eb9f, 24, 0, 12, 12, 1, 0, 31u << 24, 0, 0 };

		O_PTR(b, "new(kind 31)", btf__new(w, 24 + 13));
		w[7] = 1u << 24; /* INT needs 16 bytes, only 12 */
		O_PTR(b, "new(short INT)", btf__new(w, 24 + 13));
	}
	O_PTR(e, "btf_ext__new(NULL,0)", btf_ext__new(NULL, 0));
	memset(d, 0, sizeof(d));
	O_PTR(e, "btf_ext__new(zeros)", btf_ext__new(d, sizeof(d)));
	{
		__u32 h[8] = { 0x0001eb9f, 32, 0, 0, 0, 0, 0, 0 };

		O_PTR(e, "btf_ext__new(header only)", btf_ext__new((void *)h, 32));
		h[0] = 0x0002eb9f;
		O_PTR(e, "btf_ext__new(version 2)", btf_ext__new((void *)h, 32));
		h[0] = 0x9feb0100;
		O_PTR(e, "btf_ext__new(swapped)", btf_ext__new((void *)h, 32));
	}
	btf__free(NULL);
	btf_ext__free(NULL);
}

static void files(struct btf *b)
{
	struct btf *r, *base;
	struct btf_ext *ext = (struct btf_ext *)1;
	const void *p;
	__u32 sz = 0;
	int fd;

	p = btf__raw_data(b, &sz);
	fd = open(tmp_raw, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, p, sz) != (ssize_t)sz)
		printf("write failed\n");
	close(fd);
	fd = open(tmp_bad, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "hello world, not btf", 20) != 20)
		printf("write failed\n");
	close(fd);

	O_PTR(r, "parse_raw", btf__parse_raw(tmp_raw));
	O_RC("parse_raw type_cnt", btf__type_cnt(r));
	O_RC("parse_raw pointer_size", btf__pointer_size(r));
	btf__free(r);
	O_PTR(r, "parse(raw)", btf__parse(tmp_raw, &ext));
	printf("parse(raw) ext untouched: %s\n", ext == (struct btf_ext *)1 ? "yes" : "no");
	btf__free(r);
	O_PTR(r, "parse_raw(ELF)", btf__parse_raw(obj_path));
	O_PTR(r, "parse_raw(missing)", btf__parse_raw("/nonexistent/bt_x"));
	O_PTR(r, "parse_raw(text)", btf__parse_raw(tmp_bad));
	O_PTR(r, "parse_elf(raw)", btf__parse_elf(tmp_raw, NULL));
	O_PTR(r, "parse_elf(text)", btf__parse_elf(tmp_bad, NULL));
	O_PTR(r, "parse(text)", btf__parse(tmp_bad, NULL));
	O_PTR(r, "parse(missing)", btf__parse("/nonexistent/bt_x", NULL));
	O_PTR(r, "parse(NULL)", btf__parse(NULL, NULL));

	ext = NULL;
	O_PTR(r, "parse_elf(obj)", btf__parse_elf(obj_path, &ext));
	printf("parse_elf ext %s\n", ext ? "set" : "NULL");
	if (ext) {
		sz = 0;
		p = btf_ext__get_raw_data(ext, &sz);
#ifndef ORACLE_SYSTEM
		{
			__u32 sz2 = 0;

			/* declared by 1.1.2's btf.h but missing from its libbpf.map */
			o_self_check(btf_ext__raw_data(ext, &sz2) == p && sz2 == sz,
				     "btf_ext__raw_data differs");
		}
#endif
		printf("btf_ext raw %s size %u\n", p ? "ok" : "NULL", sz);
		{
			struct btf_ext *e2;

			O_PTR(e2, "btf_ext__new(copy)", btf_ext__new(p, sz));
			btf_ext__free(e2);
		}
		btf_ext__free(ext);
	}
	O_RC("obj type_cnt", btf__type_cnt(r));
	O_RC("obj pointer_size", btf__pointer_size(r));
	O_RC("obj find_by_name_kind(sock_prog)",
	     btf__find_by_name_kind(r, "sock_prog", BTF_KIND_FUNC));
	hexdump("obj", r);
	btf__free(r);
	ext = NULL;
	O_PTR(r, "parse(obj)", btf__parse(obj_path, &ext));
	printf("parse ext %s\n", ext ? "set" : "NULL");
	btf_ext__free(ext);
	btf__free(r);
	O_PTR(r, "parse_elf(obj, NULL ext)", btf__parse_elf(obj_path, NULL));
	btf__free(r);

	O_PTR(base, "parse_split base", btf__parse_raw(tmp_raw));
	O_PTR(r, "parse_raw_split(self)", btf__parse_raw_split(tmp_raw, base));
	O_RC("parse_raw_split type_cnt", btf__type_cnt(r));
	btf__free(r);
	O_PTR(r, "parse_split(obj)", btf__parse_split(obj_path, base));
	O_RC("parse_split(obj) type_cnt", btf__type_cnt(r));
	btf__free(r);
	O_PTR(r, "parse_elf_split(obj)", btf__parse_elf_split(obj_path, base));
	O_RC("parse_elf_split(obj) type_cnt", btf__type_cnt(r));
	btf__free(r);
	btf__free(base);
	unlink(tmp_raw);
	unlink(tmp_bad);
}

static void vmlinux(void)
{
	struct btf *v, *v2, *m;
	int id;

	O_PTR(v, "load_vmlinux_btf", btf__load_vmlinux_btf());
	if (!v)
		return;
	O_PTR(v2, "libbpf_find_kernel_btf", libbpf_find_kernel_btf());
	printf("vmlinux type_cnt same %s\n",
	       btf__type_cnt(v) == btf__type_cnt(v2) ? "yes" : "no");
	btf__free(v2);
	O_RC("vmlinux pointer_size", btf__pointer_size(v));
	id = btf__find_by_name_kind(v, "task_struct", BTF_KIND_STRUCT);
	printf("task_struct %s\n", id > 0 ? "found" : "missing");
	printf("task_struct size same as resolve_size: %s\n",
	       btf__type_by_id(v, id)->size == btf__resolve_size(v, id) ? "yes" : "no");
	O_RC("vmlinux align_of(task_struct)", btf__align_of(v, id));
	O_RC("vmlinux find_by_name_kind(bt_none)",
	     btf__find_by_name_kind(v, "bt_none", BTF_KIND_STRUCT));
	O_PTR(m, "load_module_btf(bt_nomod)", btf__load_module_btf("bt_nomod", v));
	O_PTR(m, "new_empty_split(vmlinux)", btf__new_empty_split(v));
	printf("split on vmlinux: type_cnt same %s\n",
	       btf__type_cnt(m) == btf__type_cnt(v) ? "yes" : "no");
	O_RC("split on vmlinux: add_ptr",
	     btf__add_ptr(m, id) - (int)btf__type_cnt(v));
	O_RC("split on vmlinux: add_str(task_struct) is base's",
	     btf__add_str(m, "task_struct") == (int)btf__type_by_id(v, id)->name_off);
	O_RC("split on vmlinux: load", btf__load_into_kernel(m));
	btf__free(m);
	btf__free(v);
}

/* The writer on an object's BTF (before load) and split BTF on top of it. */
static void object_btf(void)
{
	struct bpf_object *obj = bpf_object__open_file(obj_path, NULL);
	struct btf *b = bpf_object__btf(obj), *s;
	__u32 n = btf__type_cnt(b);
	int id;

	printf("object btf %s\n", b ? "ok" : "NULL");
	id = btf__add_int(b, "bt_myint", 4, 0);
	printf("obj add_int = type_cnt + %d\n", id - (int)n);
	O_RC("obj add_int(bad)", btf__add_int(b, "", 4, 0));
	O_RC("obj add_field(after int)", btf__add_field(b, "x", 1, 0, 0));
	id = btf__add_struct(b, "bt_st", 4);
	printf("obj add_struct = type_cnt + %d\n", id - (int)n);
	O_RC("obj add_field", btf__add_field(b, "x", id - 1, 0, 0));
	printf("obj type_cnt = old + %d\n", (int)(btf__type_cnt(b) - n));
	printf("obj find_by_name(bt_st) = type_cnt + %d\n",
	       btf__find_by_name(b, "bt_st") - (int)n);
	O_RC("obj resolve_size(bt_st)", btf__resolve_size(b, id));
	O_RC("obj find_str(bt_myint) > 0", btf__find_str(b, "bt_myint") > 0);
	O_PTR(s, "split on object BTF", btf__new_empty_split(b));
	printf("split on object: type_cnt same %s\n",
	       btf__type_cnt(s) == btf__type_cnt(b) ? "yes" : "no");
	O_RC("split on object: add_str(bt_st) is base's",
	     btf__add_str(s, "bt_st") == btf__find_str(b, "bt_st"));
	btf__free(s);
	/* byte order and kernel loading of an object's BTF, then the object's load */
	O_RC("obj set_endianness(BIG)", btf__set_endianness(b, BTF_BIG_ENDIAN));
	{
		__u32 sz = 0;
		const unsigned char *d = btf__raw_data(b, &sz);

		printf("obj endianness = %d, raw magic %02x%02x\n", btf__endianness(b),
		       d ? d[0] : 0, d ? d[1] : 0);
	}
	O_RC("obj set_endianness(LITTLE)", btf__set_endianness(b, BTF_LITTLE_ENDIAN));
	O_RC("obj fd before load", btf__fd(b));
	O_RC("obj load_into_kernel", btf__load_into_kernel(b));
	id = btf__fd(b);
	printf("obj fd %s, bpf_object__btf_fd same: %s\n", id >= 0 ? "ok" : "none",
	       bpf_object__btf_fd(obj) == id ? "yes" : "no");
	O_RC("obj load_into_kernel(again)", btf__load_into_kernel(b));
	bpf_map__set_pin_path(bpf_object__find_map_by_name(obj, "shared_cnt"), NULL);
	printf("obj load = %d\n", bpf_object__load(obj));
	printf("obj fd kept: %s\n",
	       btf__fd(b) == id && bpf_object__btf_fd(obj) == id ? "yes" : "no");
	O_RC("obj load_into_kernel(after load)", btf__load_into_kernel(b));
	bpf_object__close(obj);
}

int main(void)
{
	struct btf *b;

	o_require_root();
	snprintf(tmp_raw, sizeof(tmp_raw), "/tmp/bt_raw.%d", (int)getpid());
	snprintf(tmp_bad, sizeof(tmp_bad), "/tmp/bt_bad.%d", (int)getpid());
	o_build("objapi", "objapi.o", "-g", obj_path, sizeof(obj_path));
	b = build();
	hexdump("built", b);
	dump_types("built", b);
	accessors(b);
	copies(b);
	endian(b);
	files(b);
	split(b);
	kernel(b);
	bad_load();
	bad_blobs();
	vmlinux();
	object_btf();
	btf__free(b);
	bpfobj_clean("objapi", "objapi.o");
	return o_done();
}
