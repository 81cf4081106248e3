/* btf_dump beyond what the oracle compares: the 0.x btf_dump__new(btf, btf_ext,
 * opts holding ctx, printf_fn) reached through bpf/btf.h's overload prints what
 * the 1.x form prints, with opts->ctx as the callback's ctx; a freed BTF and a
 * garbage dumper give EINVAL; btf_dump__dump_type_data prints a value. */
#include "harness.h"
#include <stdarg.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

struct sink {
	char text[256];
	size_t len;
};

static void to_sink(void *ctx, const char *fmt, va_list args)
{
	struct sink *s = ctx;
	int n = vsnprintf(s->text + s->len, sizeof(s->text) - s->len, fmt, args);

	if (n > 0)
		s->len += (size_t)n;
}

int main(void)
{
	struct sink s1 = { 0 }, s0 = { 0 };
	struct btf *b = btf__new_empty();
	struct btf_dump_opts o0 = { .ctx = &s0 };
	struct btf_dump *d1, *d0;
	char junk[64] = { 0 };
	int v[2] = { 1, 2 }, id;

	id = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	id = btf__add_struct(b, "pair", 8);
	btf__add_field(b, "a", 1, 0, 0);
	btf__add_field(b, "b", 1, 32, 0);
	d1 = btf_dump__new(b, to_sink, &s1, NULL);
	d0 = btf_dump__new(b, NULL, &o0, to_sink);
	CHECK(d1 && d0, "both forms of btf_dump__new");
	CHECK_EQ(btf_dump__dump_type(d1, id), 0);
	CHECK_EQ(btf_dump__dump_type(d0, id), 0);
	CHECK(!strcmp(s1.text, "struct pair {\n\tint a;\n\tint b;\n};\n\n"), "1.x text: %s", s1.text);
	CHECK(!strcmp(s0.text, s1.text), "0.x text: %s", s0.text);
	s1.len = 0;
	s1.text[0] = 0;
	CHECK_EQ(btf_dump__dump_type_data(d1, id, v, sizeof(v), NULL), (int)sizeof(v));
	CHECK(!strcmp(s1.text, "(struct pair){\n\t.a = (int)1,\n\t.b = (int)2,\n}"), "data: %s", s1.text);
	CHECK_RET(btf_dump__dump_type_data(d1, id, v, 3, NULL), -E2BIG, E2BIG);
	CHECK_RET(btf_dump__dump_type((struct btf_dump *)junk, 1), -EINVAL, EINVAL);
	btf__free(b);
	CHECK_RET(btf_dump__dump_type(d1, 1), -EINVAL, EINVAL);
	btf_dump__free(d1);
	btf_dump__free(d0);
	btf_dump__free((struct btf_dump *)junk);
	return h_done("btf_dump_forms");
}
