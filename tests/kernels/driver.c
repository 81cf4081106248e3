/* Opens, loads and (with "attach") attaches every program of a BPF object,
 * printing each step's result; built against the system libbpf and against
 * libbpfrs by tests/kernels.sh, which runs both under tests/kernels/shim.c.
 * The first line lists the object's map and program names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	int err;

	if (argc < 3)
		return 2;
	libbpf_set_print(quiet);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		printf("open %d\n", -errno);
		return 0;
	}
	printf("names");
	bpf_object__for_each_map(map, obj)
		printf(" %s", bpf_map__name(map));
	bpf_object__for_each_program(prog, obj)
		printf(" %s", bpf_program__name(prog));
	printf("\n");
	err = bpf_object__load(obj);
	printf("load %d\n", err);
	bpf_object__for_each_map(map, obj)
		printf("map %s flags %#x\n", bpf_map__name(map), bpf_map__map_flags(map));
	if (!err && strcmp(argv[2], "attach") == 0) {
		bpf_object__for_each_program(prog, obj) {
			struct bpf_link *link = bpf_program__attach(prog);

			printf("attach %s %d\n", bpf_program__name(prog), link ? 0 : -errno);
			(void)getpid();
			if (link)
				printf("destroy %d\n", bpf_link__destroy(link));
		}
	}
	bpf_object__close(obj);
	return 0;
}
