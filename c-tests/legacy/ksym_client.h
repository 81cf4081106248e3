/* The body of a v4.18-v5.10 samples/bpf client (legacy_ksym_th_*.c include it after
 * bpf_load.h and trace_helpers.h, in either order): the ksym API and
 * read_trace_pipe come from its own trace_helpers.c (defined here), the loader from
 * libbpfrs. Its definitions must be the ones called, linked shared (they interpose)
 * and static (libbpfrs's are weak: no "multiple definition"). */
#include "harness.h"

static int own_loads, own_searches, own_pipes;
static struct ksym own_syms[] = {
	{ 0x1000, "own_first" },
	{ 0x2000, "own_second" },
	{ 0x3000, "own_third" },
};
#define OWN_N (int)(sizeof(own_syms) / sizeof(own_syms[0]))

int load_kallsyms(void)
{
	own_loads++;
	return 0;
}

struct ksym *ksym_search(long key)
{
	int i;

	own_searches++;
	for (i = OWN_N - 1; i > 0; i--)
		if (own_syms[i].addr <= key)
			return &own_syms[i];
	return &own_syms[0];
}

long ksym_get_addr(const char *name)
{
	int i;

	for (i = 0; i < OWN_N; i++)
		if (!strcmp(own_syms[i].name, name))
			return own_syms[i].addr;
	return 0;
}

void read_trace_pipe(void)
{
	own_pipes++;
}

static int ksym_client_main(const char *name)
{
	struct ksym *(*search)(long) = ksym_search;
	int (*load)(void) = load_kallsyms;
	struct ksym *s;

	CHECK_EQ(load(), 0);
	CHECK_EQ(own_loads, 1);
	s = search(0x2004);
	CHECK(s == &own_syms[1], "ksym_search: the client's table (%s)", s ? s->name : "NULL");
	CHECK_EQ(own_searches, 1);
	CHECK_EQ(ksym_get_addr("own_third"), 0x3000);
	read_trace_pipe(); /* libbpfrs's would block on trace_pipe */
	CHECK_EQ(own_pipes, 1);
	/* The loader still comes from libbpfrs (statically: pulls in its member). */
	CHECK_EQ(load_bpf_file("/nonexistent/ksym_client.o"), 1);
	CHECK_EQ(own_loads + own_searches + own_pipes, 3);
	return h_done(name);
}
