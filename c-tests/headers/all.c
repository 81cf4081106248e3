/* Every compatibility header together with the system UAPI, in C and C++:
 * compiled with -Wall -Wextra -Werror by c-tests/run (syntax only). */
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf_common.h>
#include <bpf/libbpf_legacy.h>
#include <bpf/libbpf_version.h>
#include <bpf/bpf.h> /* twice: include guards */

#if LIBBPF_MAJOR_VERSION != 1
#error "LIBBPF_MAJOR_VERSION"
#endif

#ifndef __cplusplus
/* Both bpf_prog_load forms through one name. */
int both_prog_loads(void);
int both_prog_loads(void)
{
	struct bpf_object *obj = 0;
	int fd = -1;
	struct bpf_insn insns[2];
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_level = 1);
	DECLARE_LIBBPF_OPTS(bpf_map_create_opts, mopts, .map_flags = 0);

	memset(insns, 0, sizeof(insns));
	(void)mopts;
	return bpf_prog_load("x.o", BPF_PROG_TYPE_UNSPEC, &obj, &fd) +
	       bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "x", "GPL", insns, 2, &opts);
}
#endif

int main(void)
{
	return 0;
}
