/* Inspection helper for tests/iproute2.sh, linked with -lbpfrs: looks at what
 * ip/tc attached through the library's own id and info calls.
 *   ab_helper prog ID     -> "name=N type=T maps=ID,ID"
 *   ab_helper map ID      -> "name=N value=V" (u64 at key 0)
 *   ab_helper find NAME   -> ids of the loaded programs called NAME, one a line
 * Exit 0 on success, 1 on any failure (message on stderr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int prog_info(__u32 id, struct bpf_prog_info *info, __u32 *map_ids, __u32 nmaps)
{
	__u32 len = sizeof(*info);
	int fd = bpf_prog_get_fd_by_id(id), err;

	if (fd < 0)
		return fd;
	memset(info, 0, sizeof(*info));
	if (map_ids) {
		info->nr_map_ids = nmaps;
		info->map_ids = (__u64)(unsigned long)map_ids;
	}
	err = bpf_prog_get_info_by_fd(fd, info, &len);
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (argc == 3 && !strcmp(argv[1], "prog")) {
		struct bpf_prog_info info;
		__u32 ids[16];
		int err = prog_info(strtoul(argv[2], NULL, 0), &info, ids, 16);

		if (err) {
			fprintf(stderr, "prog %s: %d\n", argv[2], err);
			return 1;
		}
		printf("name=%s type=%u maps=", info.name, info.type);
		for (__u32 i = 0; i < info.nr_map_ids && i < 16; i++)
			printf("%s%u", i ? "," : "", ids[i]);
		printf("\n");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "map")) {
		struct bpf_map_info info;
		__u32 len = sizeof(info), key = 0;
		__u64 val = 0;
		int fd = bpf_map_get_fd_by_id(strtoul(argv[2], NULL, 0)), err;

		if (fd < 0) {
			fprintf(stderr, "map %s: %d\n", argv[2], fd);
			return 1;
		}
		memset(&info, 0, sizeof(info));
		err = bpf_map_get_info_by_fd(fd, &info, &len);
		if (!err)
			err = bpf_map_lookup_elem(fd, &key, &val);
		close(fd);
		if (err) {
			fprintf(stderr, "map %s: %d\n", argv[2], err);
			return 1;
		}
		printf("name=%s value=%llu\n", info.name, (unsigned long long)val);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "find")) {
		__u32 id = 0;
		struct bpf_prog_info info;

		while (!bpf_prog_get_next_id(id, &id)) {
			if (!prog_info(id, &info, NULL, 0) && !strcmp(info.name, argv[2]))
				printf("%u\n", id);
		}
		return 0;
	}
	fprintf(stderr, "usage: ab_helper prog ID | map ID | find NAME\n");
	return 1;
}
