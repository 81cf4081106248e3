/* bpf_load.c helpers: load_kallsyms()/ksym_search() against /proc/kallsyms, and
 * read_trace_pipe() in a child process copying a bpf_trace_printk marker of a
 * tracepoint program to its stdout. */
#define _GNU_SOURCE
#include <bpf_load.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "legacy_util.h"

static unsigned long kallsyms_addr(const char *want)
{
	char line[512], name[256], t;
	unsigned long a;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s", &a, &t, name) == 3 && !strcmp(name, want)) {
			fclose(f);
			return a;
		}
	fclose(f);
	return 0;
}

static void check_ksym(void)
{
	unsigned long a = kallsyms_addr("__sys_bpf");
	struct ksym *s;

	CHECK(ksym_search(0x1000) == NULL, "NULL before load_kallsyms");
	CHECK_EQ(load_kallsyms(), 0);
	if (!a) {
		CHECK(0, "__sys_bpf not in /proc/kallsyms (kptr_restrict?)");
		return;
	}
	s = ksym_search((long)a);
	CHECK(s && (unsigned long)s->addr == a && s->name, "exact address");
	s = ksym_search((long)a + 1);
	CHECK(s && (unsigned long)s->addr == a, "inside the symbol");
	s = ksym_search(1);
	CHECK(s != NULL && s == ksym_search(2), "below the table: the first symbol");
	/* A second load keeps earlier pointers valid. */
	s = ksym_search((long)a);
	CHECK_EQ(load_kallsyms(), 0);
	CHECK(s->name && s->name[0], "old pointer still readable");
}

static void check_trace_pipe(const char *path)
{
	char buf[8192], marker[64];
	int pfd[2], got = 0, len = 0;
	__u32 key = 0, me = getpid();
	pid_t child;
	struct timespec t0, t;

	if (load_bpf_file((char *)path)) {
		printf("%s", bpf_log_buf);
		CHECK(0, "load_bpf_file(%s) failed", path);
		return;
	}
	CHECK_RET(bpf_map_update_elem(map_fd[0], &key, &me, BPF_ANY), 0, 0);
	snprintf(marker, sizeof(marker), "lg_marker_%u", me);
	if (pipe(pfd))
		return;
	fflush(stdout);
	child = fork();
	if (child == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		read_trace_pipe(); /* loops forever */
		_exit(3);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		ssize_t n;

		syscall(SYS_getppid);
		if (poll(&p, 1, 100) > 0) {
			n = read(pfd[0], buf + len, sizeof(buf) - 1 - len);
			if (n > 0) {
				len += n;
				buf[len] = 0;
				got = strstr(buf, marker) != NULL;
				if (len > (int)sizeof(buf) / 2) { /* keep the tail */
					memmove(buf, buf + len / 2, len - len / 2 + 1);
					len -= len / 2;
				}
			}
			if (n == 0)
				break; /* the child ended: trace_pipe unavailable */
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!got && t.tv_sec - t0.tv_sec < 10);
	CHECK(got, "marker %s copied from trace_pipe to stdout", marker);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(pfd[0]);
	close(event_fd[prog_cnt - 1]);
}

int main(void)
{
	char path[PATH_MAX];

	require_root();
	check_ksym();
	if (lg_build("lg_printk", NULL, "lg_printk", path, sizeof(path)))
		h_skip("cannot build c-tests/bpf/lg_printk.bpf.c");
	check_trace_pipe(path);
	lg_cleanup();
	return h_done("legacy_misc");
}
