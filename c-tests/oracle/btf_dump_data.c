/* Oracle: btf_dump__dump_type_data (libbpf 1.1.2) prints the same text and
 * returns the same size. Types of the running kernel's vmlinux BTF (struct
 * task_struct, sk_buff, list_head, timespec64, enums, arrays) filled with
 * patterns, and a hand-built BTF (bitfields, 128-bit ints, bool and char
 * arrays, signed and 64-bit enums, floats, typedefs and modifiers, VAR,
 * DATASEC, DECL_TAG, FWD, FUNC), in every opts combination, aligned and not,
 * with short data, plus argument errors. A 16-byte long double (x87 80-bit,
 * printed with %Lf): values a double cannot hold, ties at the sixth decimal,
 * denormals, the extremes, and the encodings the x87 calls invalid. Long outputs print as a hash. Bytes
 * past data_sz in the buffer are zero (libbpf's zero checks read them). */
#include "oracle.h"
#include "dump_collect.h"
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <stdarg.h>
#include <stdint.h>
#include <float.h>
#include <math.h>

#define DATA_MAX 65536
static unsigned char *mem;

/* Fills mem with pattern `pat` over `sz` bytes, zero after. */
static void fill(int pat, size_t sz)
{
	size_t i;

	memset(mem, 0, DATA_MAX + 64);
	for (i = 0; i < sz && i < DATA_MAX; i++) {
		switch (pat) {
		case 0:
			break;
		case 1:
			mem[i] = (unsigned char)(i * 7 + 1);
			break;
		case 2:
			mem[i] = i % 13 == 0 ? (unsigned char)(0x41 + i % 26) : 0;
			break;
		default:
			mem[i] = (unsigned char)(0xff - i % 3);
			break;
		}
	}
}

static void one(struct btf_dump *d, const char *what, __u32 id, size_t off, size_t sz,
		const struct btf_dump_type_data_opts *o)
{
	int r;

	buf_len = 0;
	errno = 0;
	r = btf_dump__dump_type_data(d, id, mem + off, sz, o);
	printf("%s: ret %d errno=%s ", what, r, o_errname(r < 0 ? errno : 0));
	if (buf_len > 600)
		printf("%zu bytes hash %016llx\n", buf_len, fnv(buf, buf_len));
	else
		printf("<%.*s>\n", (int)buf_len, buf ? buf : "");
}

/* Every opts combination, every pattern, aligned and at +1, then short. */
static void all_forms(struct btf_dump *d, struct btf *b, const char *name, __u32 id)
{
	static const char *indents[] = { NULL, "  ", "" };
	long sz = btf__resolve_size(b, id);
	char what[256];
	int pat, f, al;

	if (sz < 0 || sz > DATA_MAX - 16)
		sz = 16;
	for (pat = 0; pat < 4; pat++) {
		for (f = 0; f < 8; f++) {
			for (al = 0; al < 2; al++) {
				LIBBPF_OPTS(btf_dump_type_data_opts, o, .compact = f & 1,
					    .skip_names = !!(f & 2), .emit_zeroes = !!(f & 4),
					    .indent_str = indents[(pat + f) % 3],
					    .indent_level = (pat + f) % 3 - (al ? 0 : 1));

				fill(pat, sz + al);
				snprintf(what, sizeof(what), "%s [%u] pat %d flags %d at +%d", name, id,
					 pat, f, al);
				one(d, what, id, al, sz, &o);
			}
		}
		fill(pat, sz / 2);
		snprintf(what, sizeof(what), "%s [%u] pat %d short %ld", name, id, pat, sz / 2);
		one(d, what, id, 0, sz / 2, NULL);
		snprintf(what, sizeof(what), "%s [%u] pat %d sz-1", name, id, pat);
		fill(pat, sz - 1);
		one(d, what, id, 0, sz - 1, NULL);
	}
}

static void vmlinux(struct btf *vm)
{
	static const char *structs[] = { "task_struct", "sk_buff", "list_head", "timespec64",
					 "file", "page", "sockaddr_in6", "bpf_attr", "cpumask",
					 "qspinlock", "in6_addr", "bpf_insn" };
	static const char *enums[] = { "bpf_map_type", "pid_type", "bpf_func_id" };
	static const char *typedefs[] = { "atomic_t", "u64", "__be32", "cpumask_var_t", "bool",
					  "pid_t", "uuid_t" };
	struct btf_dump *d = btf_dump__new(vm, collect, NULL, NULL);
	size_t i;
	int id;

	for (i = 0; i < sizeof(structs) / sizeof(structs[0]); i++) {
		id = btf__find_by_name_kind(vm, structs[i], BTF_KIND_STRUCT);
		if (id < 0)
			id = btf__find_by_name_kind(vm, structs[i], BTF_KIND_UNION);
		if (id > 0)
			all_forms(d, vm, structs[i], id);
	}
	for (i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
		id = btf__find_by_name_kind(vm, enums[i], BTF_KIND_ENUM);
		if (id > 0)
			all_forms(d, vm, enums[i], id);
	}
	for (i = 0; i < sizeof(typedefs) / sizeof(typedefs[0]); i++) {
		id = btf__find_by_name_kind(vm, typedefs[i], BTF_KIND_TYPEDEF);
		if (id > 0)
			all_forms(d, vm, typedefs[i], id);
	}
	/* every 97th type, one form */
	for (id = 1; id < (int)btf__type_cnt(vm); id += 97) {
		long sz = btf__resolve_size(vm, id);
		char what[64];

		if (sz < 0 || sz > DATA_MAX)
			sz = 8;
		fill(1, sz);
		snprintf(what, sizeof(what), "vmlinux [%d]", id);
		one(d, what, id, 0, sz, NULL);
	}
	btf_dump__free(d);
}

static struct btf *hand_built(void)
{
	struct btf *b = btf__new_empty();
	int i32, u8, ch, bl, i128, u16, s64, fl, db, e, e64, es, arr, arr2, s, u, ptr, td, cst,
		vol, fwd, proto, fn, v1, v2, sec, an, ae, tag, ttag, i16, u32, iarr;

	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	u8 = btf__add_int(b, "unsigned char", 1, 0);
	ch = btf__add_int(b, "char", 1, BTF_INT_SIGNED | BTF_INT_CHAR);
	bl = btf__add_int(b, "_Bool", 1, BTF_INT_BOOL);
	i128 = btf__add_int(b, "__int128 unsigned", 16, 0);
	u16 = btf__add_int(b, "short unsigned int", 2, 0);
	i16 = btf__add_int(b, "short", 2, BTF_INT_SIGNED);
	s64 = btf__add_int(b, "long long", 8, BTF_INT_SIGNED);
	u32 = btf__add_int(b, "unsigned int", 4, 0);
	fl = btf__add_float(b, "float", 4);
	db = btf__add_float(b, "double", 8);
	e = btf__add_enum(b, "color", 4);
	btf__add_enum_value(b, "RED", 0);
	btf__add_enum_value(b, "GREEN", 1);
	btf__add_enum_value(b, "MINUS", -1);
	es = btf__add_enum(b, "small", 1);
	btf__add_enum_value(b, "S_A", 3);
	e64 = btf__add_enum64(b, "big", 8, true);
	btf__add_enum64_value(b, "B_NEG", -2);
	btf__add_enum64_value(b, "B_HUGE", 0x123456789ULL);
	ae = btf__add_enum(b, NULL, 2);
	btf__add_enum_value(b, "ANON_X", 7);
	arr = btf__add_array(b, u32, ch, 8);
	iarr = btf__add_array(b, u32, i32, 3);
	arr2 = btf__add_array(b, u32, iarr, 2);
	ptr = btf__add_ptr(b, i32);
	td = btf__add_typedef(b, "myint", i32);
	cst = btf__add_const(b, td);
	vol = btf__add_volatile(b, cst);
	ttag = btf__add_type_tag(b, "user", vol);
	an = btf__add_struct(b, NULL, 8);
	btf__add_field(b, "ax", i32, 0, 0);
	btf__add_field(b, "ay", i32, 32, 0);
	u = btf__add_union(b, "un", 4);
	btf__add_field(b, "ui", u32, 0, 0);
	btf__add_field(b, "uc", ch, 0, 0);
	s = btf__add_struct(b, "rec", 120);
	btf__add_field(b, "a", i32, 0, 0);
	btf__add_field(b, "bf1", u32, 32, 3);
	btf__add_field(b, "bf2", i32, 35, 5);
	btf__add_field(b, "bfe", e, 40, 4);
	btf__add_field(b, "flag", bl, 48, 0);
	btf__add_field(b, "c", ch, 56, 0);
	btf__add_field(b, "name", arr, 64, 0);
	btf__add_field(b, "big", i128, 128, 0);
	btf__add_field(b, "f", fl, 256, 0);
	btf__add_field(b, "dbl", db, 320, 0);
	btf__add_field(b, "col", e, 384, 0);
	btf__add_field(b, "sm", es, 416, 0);
	btf__add_field(b, "h", u16, 432, 0);
	btf__add_field(b, "e64", e64, 448, 0);
	btf__add_field(b, "p", ptr, 512, 0);
	btf__add_field(b, "m", arr2, 576, 0);
	btf__add_field(b, "anon", an, 768, 0);
	btf__add_field(b, "un", u, 832, 0);
	btf__add_field(b, "tt", ttag, 864, 0);
	btf__add_field(b, "ae", ae, 896, 0);
	btf__add_field(b, "sh", i16, 912, 0);
	btf__add_field(b, "ll", s64, 896 + 64, 0);
	fwd = btf__add_fwd(b, "opaque", BTF_FWD_STRUCT);
	proto = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "x", i32);
	fn = btf__add_func(b, "fn", BTF_FUNC_GLOBAL, proto);
	v1 = btf__add_var(b, "counter", BTF_VAR_GLOBAL_ALLOCATED, i32);
	v2 = btf__add_var(b, "srec", BTF_VAR_STATIC, s);
	sec = btf__add_datasec(b, ".data", 128);
	btf__add_datasec_var_info(b, v1, 0, 4);
	btf__add_datasec_var_info(b, v2, 8, 120);
	tag = btf__add_decl_tag(b, "tagged", s, -1);
	(void)u8; (void)fwd; (void)fn; (void)sec; (void)tag;
	return b;
}

static void hand(void)
{
	struct btf *b = hand_built();
	struct btf_dump *d = btf_dump__new(b, collect, NULL, NULL);
	__u32 id, cnt = btf__type_cnt(b);
	char name[64];

	for (id = 0; id < cnt; id++) {
		snprintf(name, sizeof(name), "hand %u", id);
		all_forms(d, b, name, id);
	}
	/* a char array holding text, then bytes after the NUL */
	id = btf__find_by_name_kind(b, "rec", BTF_KIND_STRUCT);
	fill(1, 120);
	memcpy(mem + 8, "hi\0xy\x01", 6);
	one(d, "rec with text", id, 0, 120, NULL);
	memcpy(mem + 8, "\x01\x80z", 3);
	one(d, "rec with odd chars", id, 0, 120, NULL);
	btf_dump__free(d);
	btf__free(b);
}

/* An x87 encoding at mem + off: 64-bit mantissa, sign and exponent. */
static void put_x87(size_t off, uint64_t mant, uint16_t se)
{
	memset(mem, 0, 64);
	memcpy(mem + off, &mant, 8);
	memcpy(mem + off + 8, &se, 2);
}

static void long_double(void)
{
	static const long double vals[] = {
		1.0L / 3, 2.0L / 3, 0.1L, 0x1p63L + 1, 0x1p70L + 0x1p7L, 0.0L, -0.0L,
		LDBL_MIN, LDBL_MIN / 3, -LDBL_MIN / 7, LDBL_TRUE_MIN, LDBL_MAX, -LDBL_MAX,
		LDBL_EPSILON, 1 + LDBL_EPSILON, 0x1p-7L, 0x1p-7L * 3, -0x1p-7L * 3,
		0.0000005L, 0.0000015L, 2.5e-7L, 1e-7L, -1e-7L, 999999.9999995L,
		123456789.123456789L, 1e4000L, -1e-4000L, 1e300L * 1e300L, HUGE_VALL,
		-HUGE_VALL, NAN, -NAN,
	};
	static const struct { uint64_t mant; uint16_t se; const char *what; } raw[] = {
		{ 0, 0x7fff, "pseudo-infinity" },
		{ 1, 0x7fff, "pseudo-nan" },
		{ 0xc000000000000001ULL, 0xffff, "-nan with payload" },
		{ 1ULL << 62, 0x4000, "unnormal" },
		{ 0, 0x3fff, "unnormal zero" },
		{ 1ULL << 63, 0, "pseudo-denormal" },
		{ 0x8000000000000001ULL, 0x8000, "-pseudo-denormal" },
		{ 1ULL << 62, 0, "denormal" },
		{ 1, 0, "smallest denormal" },
		{ ~0ULL, 0x7ffe, "largest" },
		{ ~0ULL, 0x403e, "2^64 - 1" },
	};
	struct btf *b = btf__new_empty();
	int ld = btf__add_float(b, "long double", 16);
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int arr = btf__add_array(b, i32, ld, 3);
	int s = btf__add_struct(b, "lds", 48);
	struct btf_dump *d;
	char what[96];
	size_t i, al;

	btf__add_field(b, "x", i32, 0, 0);
	btf__add_field(b, "v", ld, 128, 0);
	btf__add_field(b, "w", ld, 256, 0);
	d = btf_dump__new(b, collect, NULL, NULL);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		for (al = 0; al < 2; al++) {
			memset(mem, 0, 64);
			memcpy(mem + al, &vals[i], sizeof(vals[i]));
			snprintf(what, sizeof(what), "long double value %zu at +%zu", i, al);
			one(d, what, ld, al, 16, NULL);
		}
	}
	for (i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		put_x87(0, raw[i].mant, raw[i].se);
		snprintf(what, sizeof(what), "long double %s", raw[i].what);
		one(d, what, ld, 0, 16, NULL);
	}
	memset(mem, 0, 64);
	memcpy(mem + 16, &vals[0], sizeof(vals[0]));
	memcpy(mem + 32, &vals[3], sizeof(vals[3]));
	one(d, "long double struct", s, 0, 48, NULL);
	all_forms(d, b, "long double", ld);
	all_forms(d, b, "long double array", arr);
	all_forms(d, b, "long double struct", s);
	btf_dump__free(d);
	btf__free(b);
}

static void errors(struct btf *vm)
{
	struct btf_dump *d = btf_dump__new(vm, collect, NULL, NULL);
	struct btf_dump_type_data_opts bad = { .sz = 3 };
	struct { struct btf_dump_type_data_opts o; long extra; } big = {
		.o = { .sz = sizeof(big) }, .extra = 1 };
	int id = btf__find_by_name_kind(vm, "list_head", BTF_KIND_STRUCT);
	int i32 = btf__find_by_name_kind(vm, "int", BTF_KIND_INT);

	fill(1, 64);
	one(d, "opts sz 3", id, 0, 16, &bad);
	one(d, "opts with extra bytes", id, 0, 16, &big.o);
	one(d, "bad id", btf__type_cnt(vm), 0, 16, NULL);
	one(d, "id 0", 0, 0, 16, NULL);
	one(d, "int sz 0", i32, 0, 0, NULL);
	one(d, "int sz 3", i32, 0, 3, NULL);
	buf_len = 0;
	O_INT("int NULL data sz 0", btf_dump__dump_type_data(d, i32, NULL, 0, NULL));
	O_INT("list_head NULL data sz 0", btf_dump__dump_type_data(d, id, NULL, 0, NULL));
	printf("text <%.*s>\n", (int)buf_len, buf ? buf : "");
	btf_dump__free(d);
}

int main(void)
{
	struct btf *vm = btf__load_vmlinux_btf();

	mem = aligned_alloc(64, DATA_MAX + 64);
	hand();
	long_double();
	if (!vm) {
		printf("no vmlinux BTF\n");
		return 0;
	}
	vmlinux(vm);
	errors(vm);
	btf__free(vm);
	free(buf);
	free(mem);
	return 0;
}
