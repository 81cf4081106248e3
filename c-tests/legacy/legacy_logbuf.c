/* A bpf_load client that defines its own, smaller bpf_log_buf (as the
 * linux-observability-with-bpf loader did) instead of using the library's: the
 * library must write the verifier log into the client's buffer and never past
 * its 4096 bytes. The client declares what it uses itself (its own copy of an
 * old bpf_load.h), so it does not include <bpf_load.h>. Canary bytes are
 * checked after the client's own buffer in its data section.
 *
 * The library defines its data symbols weak, so this strong definition also
 * links against libbpfrs.a (static) and wins there, as it does for the shared
 * library by interposition. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <fcntl.h>
#include "legacy_util.h"

#define LG_LOG_SIZE 4096

int load_bpf_file(char *path);
extern int prog_fd[32];
extern int prog_cnt;

/* Canary bytes right after the client's buffer (same section, in order). */
struct lg_guarded {
	char canary[64];
};
char bpf_log_buf[LG_LOG_SIZE] __attribute__((aligned(4096)));
static struct lg_guarded after __attribute__((aligned(64)));

static char out[1 << 22];

int main(void)
{
	char path[PATH_MAX];
	struct lg_capture c;
	int r, e, i, ok;

	require_root();
	if (lg_build("lg_bad", "-DLG_BAD_VERIFIER -DLG_LONG=300", "verifier", path, PATH_MAX))
		h_skip("cannot build c-tests/bpf/lg_bad.bpf.c");
	memset(after.canary, 0x5a, sizeof(after.canary));
	memset(bpf_log_buf, 'X', sizeof(bpf_log_buf));

	lg_stdout_begin(&c);
	r = load_bpf_file(path);
	lg_stdout_end(&c, out, sizeof(out));
	e = errno;

	CHECK_EQ(r, -1);
	/* The log did not fit in 4096 bytes: the kernel says ENOSPC and keeps a
	 * NUL-terminated log inside the buffer. */
	CHECK_EQ(e, ENOSPC);
	CHECK(memchr(bpf_log_buf, 0, LG_LOG_SIZE) != NULL, "log NUL-terminated within 4096 bytes");
	CHECK(strlen(bpf_log_buf) > 100, "log of %zu bytes", strlen(bpf_log_buf));
	ok = 1;
	for (i = 0; i < (int)sizeof(after.canary); i++)
		ok &= after.canary[i] == 0x5a;
	CHECK(ok, "memory after the client's bpf_log_buf untouched");
	CHECK(!strncmp(out, "bpf_load_program() err=28\n", 26), "output: %.80s", out);
	/* Only what fits was printed from the buffer. */
	CHECK(strlen(out) <= 26 + LG_LOG_SIZE, "printed %zu bytes", strlen(out));
	CHECK_EQ(prog_cnt, 0);
	lg_cleanup();
	return h_done("legacy_logbuf");
}
