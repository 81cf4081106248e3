/* The legacy loader header in C and C++, as a v4.12-v4.17 client uses it: the
 * ksym API from bpf_load.h alone, set_link_xdp_fd with 2 and 3 arguments.
 * Compiled with -Wall -Wextra -Werror by c-tests/run (syntax only). */
#include <bpf_load.h>
#include <bpf_load.h> /* twice: include guard */

int use_loader(void);
int use_loader(void)
{
	struct ksym *(*search)(long) = ksym_search;
	struct ksym *sym;

	if (load_kallsyms())
		return -1;
	sym = search(0);
	if (!sym || !sym->name || sym->addr < 0)
		return -1;
	if (load_bpf_file((char *)"x.o") || load_bpf_file_fixup_map("x.o", 0))
		return -1;
	return set_link_xdp_fd(1, -1) + set_link_xdp_fd(1, -1, 0) + map_fd[0] + prog_cnt;
}

int main(void)
{
	return 0;
}
