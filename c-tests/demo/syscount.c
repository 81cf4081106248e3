/* Demo, libbpf 1.x style: bpf_object__open_file, .rodata set through
 * bpf_map__initial_value before load, bpf_object__load, bpf_program__attach for
 * every program (a tracepoint), getpid events read from a ring buffer, and the
 * per-syscall counts read back with bpf_map__get_next_key/lookup_elem. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct event {
	__u32 pid;
	__u32 seq;
};

static int events_seen;

static int on_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;

	(void)ctx;
	if (size >= sizeof(*e)) {
		printf("  ring buffer: getpid #%u from pid %u\n", e->seq, e->pid);
		events_seen++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[4] = { 0 };
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct ring_buffer *rb;
	struct bpf_map *counts;
	__u32 *pid, key, next;
	__u64 n, total = 0;
	char path[256];
	size_t sz;
	int i, nlinks = 0, err = 1;

	(void)argc;
	snprintf(path, sizeof(path), "%s.bpf.o", argv[0]);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		return 1;
	}
	pid = (__u32 *)bpf_map__initial_value(bpf_object__find_map_by_name(obj, ".rodata"), &sz);
	if (!pid || sz < sizeof(*pid))
		goto out;
	*pid = (__u32)getpid();
	if (bpf_object__load(obj))
		goto out;
	bpf_object__for_each_program(prog, obj) {
		links[nlinks] = bpf_program__attach(prog);
		if (!links[nlinks]) {
			fprintf(stderr, "attach %s: %s\n", bpf_program__name(prog), strerror(errno));
			goto out;
		}
		nlinks++;
	}
	rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), on_event, NULL, NULL);
	if (!rb)
		goto out;
	for (i = 0; i < 3; i++)
		syscall(SYS_getpid);
	ring_buffer__poll(rb, 100);
	ring_buffer__free(rb);
	for (i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	nlinks = 0;

	counts = bpf_object__find_map_by_name(obj, "counts");
	printf("syscount (bpf_object__open_file/load, bpf_program__attach, ring_buffer): "
	       "syscalls of pid %u by number:\n",
	       *pid);
	for (int r = bpf_map__get_next_key(counts, NULL, &key, sizeof(key)); r == 0;
	     r = bpf_map__get_next_key(counts, &key, &next, sizeof(key)), key = next) {
		if (bpf_map__lookup_elem(counts, &key, sizeof(key), &n, sizeof(n), 0) == 0) {
			printf("  syscall %3u: %llu\n", key, (unsigned long long)n);
			total += n;
		}
	}
	printf("  total %llu syscalls, %d getpid events\n", (unsigned long long)total, events_seen);
	err = total > 0 && events_seen == 3 ? 0 : 1;
out:
	for (i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	return err;
}
