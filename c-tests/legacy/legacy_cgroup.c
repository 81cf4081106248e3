/* bpf_load.c legacy loader: a cgroup/sock program (not auto-attached) attached
 * with bpf_prog_attach(BPF_CGROUP_INET_SOCK_CREATE) to a cgroup v2 directory the
 * test creates; sockets created by the test inside it are counted, SOCK_RAW is
 * refused (EPERM); after detaching, nothing is counted or refused. */
#define _GNU_SOURCE
#include <bpf_load.h>
#include <fcntl.h>
#include <mntent.h>
#include "legacy_util.h"
#include "cgroup2.h"

static char cg_root[PATH_MAX], cg_dir[PATH_MAX + 64];

static int find_cgroup2(void)
{
	if (cg2_find())
		return -1;
	snprintf(cg_root, sizeof(cg_root), "%s", cg2_root);
	return 0;
}

static int move_self(const char *dir)
{
	char p[PATH_MAX + 128], pid[32];
	int fd, n, ok;

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	ok = write(fd, pid, n) == n;
	close(fd);
	return ok ? 0 : -1;
}

static long count(int key)
{
	long v = -1;

	bpf_map_lookup_elem(map_fd[0], &key, &v);
	return v;
}

int main(void)
{
	char path[PATH_MAX];
	int cg, s;

	require_root();
	if (find_cgroup2())
		h_skip("no cgroup v2 mount");
	if (lg_build("lg_cgsock", NULL, "lg_cgsock", path, sizeof(path)))
		h_skip("cannot build c-tests/bpf/lg_cgsock.bpf.c");
	snprintf(cg_dir, sizeof(cg_dir), "%s/lg_cg_%d", cg_root, (int)getpid());
	if (mkdir(cg_dir, 0755))
		h_skip("cannot create a cgroup v2 directory");

	if (load_bpf_file(path)) {
		printf("%s", bpf_log_buf);
		CHECK(0, "load_bpf_file(%s) failed", path);
		goto out;
	}
	CHECK_EQ(prog_cnt, 1);
	CHECK_EQ(event_fd[0], 0);
	cg = open(cg_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(cg >= 0, "open %s: %s", cg_dir, strerror(errno));
	CHECK_RET(bpf_prog_attach(prog_fd[0], cg, BPF_CGROUP_INET_SOCK_CREATE, 0), 0, 0);
	if (move_self(cg_dir)) {
		CHECK(0, "cannot move into %s", cg_dir);
		goto detach;
	}

	/* Two UDP sockets and one TCP socket are counted; SOCK_RAW is refused. */
	for (int i = 0; i < 2; i++) {
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		CHECK(s >= 0, "udp socket: %s", strerror(errno));
		close(s);
	}
	s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(s >= 0, "tcp6 socket: %s", strerror(errno));
	close(s);
	CHECK_RET(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP), -1, EPERM);
	CHECK_EQ(count(0), 2);
	CHECK_EQ(count(1), 2); /* the TCP socket and the refused raw one */

	move_self(cg_root);
detach:
	CHECK_RET(bpf_prog_detach2(prog_fd[0], cg, BPF_CGROUP_INET_SOCK_CREATE), 0, 0);
	s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	CHECK(s >= 0, "raw socket after detach: %s", strerror(errno));
	if (s >= 0)
		close(s);
	CHECK_EQ(count(0), 2);
	close(cg);
out:
	rmdir(cg_dir);
	cg2_release();
	lg_cleanup();
	return h_done("legacy_cgroup");
}
