/* Library-level behaviour: the panic boundary, the print callback, the opts->sz
 * protocol, libbpf_get_error/libbpf_strerror, errno modes, fds above 2. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <stdarg.h>
#include "harness.h"

int bpfrs__test_panic(void); /* test-only export, not in the header */

static int cb_calls, cb_level = -1;
static char cb_text[512];

static int my_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	cb_calls++;
	cb_level = level;
	vsnprintf(cb_text, sizeof(cb_text), fmt, ap);
	errno = 12345; /* the library must restore the caller's errno */
	return 0;
}

struct big_opts {
	struct bpf_map_create_opts o;
	char tail[16];
};

int main(void)
{
	char buf[128];
	int fd, fd2;

	/* A panic inside the library becomes an error return, never an unwind into C. */
	libbpf_set_print(NULL);
	CHECK_RET(bpfrs__test_panic(), -ENOTRECOVERABLE, ENOTRECOVERABLE);

	/* libbpf_set_print returns the previous callback; NULL silences. */
	libbpf_print_fn_t old = libbpf_set_print(my_print);
	CHECK(old == NULL, "previous callback was the NULL we set");
	old = libbpf_set_print(my_print);
	CHECK(old == my_print, "previous callback returned");

	/* opts->sz protocol (bpf_map_create): too small → -EINVAL, errno EINVAL, a WARN. */
	struct bpf_map_create_opts small = { .sz = 4 };
	CHECK_RET(bpf_map_create(BPF_MAP_TYPE_ARRAY, "x", 4, 4, 1, &small), -EINVAL, EINVAL);
	CHECK(cb_calls >= 1 && cb_level == LIBBPF_WARN, "a warning was printed (%d calls)", cb_calls);
	CHECK(strstr(cb_text, "libbpf: ") == cb_text, "message has the libbpf prefix: %s", cb_text);
	CHECK(strchr(cb_text, '\n') != NULL, "message ends with a newline");

	/* Larger sz with a non-zero tail → -EINVAL; with a zero tail it is accepted. */
	struct big_opts big;
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.tail[7] = 1;
	CHECK_RET(bpf_map_create(BPF_MAP_TYPE_ARRAY, "x", 4, 4, 1, &big.o), -EINVAL, EINVAL);

	/* The remaining checks create maps: they need root. */
	if (geteuid() != 0) {
		libbpf_set_print(NULL);
		h_skip("needs root for bpf()");
	}
	big.tail[7] = 0;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "x", 4, 4, 1, &big.o);
	CHECK(fd > 2, "larger sz with zero tail accepted: %d %s", fd, strerror(errno));
	close(fd);
	/* Smaller (older) sz: fields past it are ignored, so map_flags here is not seen. */
	struct bpf_map_create_opts older = { .sz = offsetof(struct bpf_map_create_opts, map_flags),
					     .map_flags = 0xdead };
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "x", 4, 4, 1, &older);
	CHECK(fd > 2, "fields past sz are ignored: %d %s", fd, strerror(errno));
	close(fd);
	/* NULL opts means defaults. */
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	CHECK(fd > 2, "NULL opts: %d", fd);
	close(fd);

	/* Errno modes: kernel refusal → -1 by default, -errno in strict mode. */
	CHECK_RET(bpf_create_map(BPF_MAP_TYPE_ARRAY, 0, 4, 1, 0), -1, EINVAL);
	libbpf_set_strict_mode(LIBBPF_STRICT_DIRECT_ERRS);
	CHECK_RET(bpf_create_map(BPF_MAP_TYPE_ARRAY, 0, 4, 1, 0), -EINVAL, EINVAL);
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	CHECK_RET(bpf_map_lookup_elem(-1, buf, buf), -1, EBADF);

	/* New fds never land on 0, 1 or 2 (libbpf >= 0.6). */
	int saved = dup(0);
	close(0);
	fd = bpf_create_map(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	CHECK(fd > 2, "fd moved above 2: %d", fd);
	fd2 = open("/dev/null", O_RDONLY); /* takes 0 again: it was closed, not leaked */
	CHECK_EQ(fd2, 0);
	dup2(saved, 0);
	close(saved);
	close(fd);
	CHECK(fcntl(fd2, F_GETFD) >= 0, "restored stdin");

	/* libbpf_get_error */
	errno = ENOENT;
	CHECK_EQ(libbpf_get_error(NULL), -ENOENT);
	CHECK_RET(libbpf_get_error((void *)(long)-EINVAL), -EINVAL, EINVAL);
	CHECK_EQ(libbpf_get_error(buf), 0);

	/* libbpf_strerror */
	CHECK_EQ(libbpf_strerror(LIBBPF_ERRNO__FORMAT, buf, sizeof(buf)), 0);
	CHECK(!strcmp(buf, "BPF object format invalid"), "text: %s", buf);
	CHECK_EQ(libbpf_strerror(-ENOENT, buf, sizeof(buf)), 0);
	CHECK(!strcmp(buf, "No such file or directory"), "text: %s", buf);
	CHECK_RET(libbpf_strerror(1, NULL, 0), -EINVAL, EINVAL);
	CHECK_RET(libbpf_strerror(LIBBPF_ERRNO__FORMAT, buf, 4), -ERANGE, ERANGE);
	CHECK(!strcmp(buf, "BPF"), "truncated and terminated: %s", buf);

	/* Versions and CPUs */
	CHECK_EQ(libbpf_major_version(), LIBBPF_MAJOR_VERSION);
	CHECK_EQ(libbpf_minor_version(), LIBBPF_MINOR_VERSION);
	CHECK(!strcmp(libbpf_version_string(), "v1.1"), "version %s", libbpf_version_string());
	CHECK(libbpf_num_possible_cpus() >= 1, "cpus %d", libbpf_num_possible_cpus());

	libbpf_set_print(NULL);
	return h_done("lib_basics");
}
