/* A v4.12-v4.17 samples/bpf client (sampleip_user.c, spintest_user.c): struct
 * ksym, load_kallsyms and ksym_search come from bpf_load.h alone and are
 * libbpfrs's; the struct is complete and laid out as bpf_load.h had it. */
#include <stddef.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf_load.h>
#include "harness.h"

static struct ksym *lookup(long key, struct ksym *(*search)(long))
{
	return search(key);
}

int main(void)
{
	struct ksym *s, *first;
	int (*load)(void) = load_kallsyms;

	CHECK_EQ(sizeof(struct ksym), 2 * sizeof(long));
	CHECK_EQ(offsetof(struct ksym, name), sizeof(long));
	CHECK(ksym_search(0x1000) == NULL, "NULL before load_kallsyms");
	CHECK_EQ(load(), 0);
	first = lookup(1, ksym_search);
	CHECK(first && first->name && first->name[0], "below the table: the first symbol");
	s = ksym_search(first ? first->addr : 0);
	CHECK(s && first && s->addr == first->addr, "exact address of the first symbol");
	return h_done("legacy_ksym_v412");
}
