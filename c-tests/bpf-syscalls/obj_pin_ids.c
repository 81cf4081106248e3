/* Object calls on a real kernel: pinning on bpffs (bpf_obj_pin, bpf_obj_get,
 * bpf_obj_get_opts with BPF_F_RDONLY), the id walks (bpf_*_get_next_id) and fds
 * by id (bpf_*_get_fd_by_id[_opts]), bpf_obj_get_info_by_fd's in/out length,
 * bpf_enable_stats and bpf_task_fd_query. Kernel refusals are checked in both
 * conventions (0.x's -1/errno, pinned first, strict -errno); user-space checks give -errno in
 * both. No fd may leak. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include "harness.h"

static void ensure_bpffs(void)
{
	struct statfs st;

	if (statfs("/sys/fs/bpf", &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return;
	mkdir("/sys/fs/bpf", 0755);
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL))
		h_skip("cannot mount bpffs at /sys/fs/bpf");
}

static __u32 map_id(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

static void test_pin(void)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	char path[128], path2[128];
	__u32 key = 1;
	__u64 val = 42, out = 0;
	int fd, fd2, rfd, fds = h_count_fds();

	snprintf(path, sizeof(path), "/sys/fs/bpf/libbpfrs_obj_pin_%d", (int)getpid());
	snprintf(path2, sizeof(path2), "/sys/fs/bpf/libbpfrs_obj_pin2_%d", (int)getpid());
	unlink(path);
	unlink(path2);

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "pin_test", 4, 8, 4, NULL);
	CHECK(fd > 2, "bpf_map_create: %d (%s)", fd, strerror(errno));
	if (fd < 0)
		return;
	CHECK_EQ(bpf_map_update_elem(fd, &key, &val, BPF_ANY), 0);

	CHECK_RET(bpf_obj_pin(fd, path), 0, 0);
	/* The path exists now: the kernel says EEXIST. */
	CHECK_KERR(bpf_obj_pin(fd, path), EEXIST);
	/* A bad fd: the kernel's EINVAL (not EBADF) for BPF_OBJ_PIN. */
	CHECK_KERR(bpf_obj_pin(-1, path2), EINVAL);
	/* NULL path: passed through as libbpf does; the kernel says EFAULT. */
	CHECK_KERR(bpf_obj_pin(fd, NULL), EFAULT);
	/* Not on a bpffs. */
	CHECK_KERR(bpf_obj_pin(fd, "/tmp/libbpfrs_not_bpffs"), EPERM);

	fd2 = bpf_obj_get(path);
	CHECK(fd2 > 2, "bpf_obj_get: %d (%s)", fd2, strerror(errno));
	if (fd2 >= 0) {
		CHECK_EQ(map_id(fd2), map_id(fd));
		CHECK_EQ(bpf_map_lookup_elem(fd2, &key, &out), 0);
		CHECK_EQ(out, 42);
		close(fd2);
	}

	/* NULL opts = plain bpf_obj_get. */
	fd2 = bpf_obj_get_opts(path, NULL);
	CHECK(fd2 > 2, "bpf_obj_get_opts(NULL opts): %d (%s)", fd2, strerror(errno));
	if (fd2 >= 0) {
		val = 43;
		CHECK_EQ(bpf_map_update_elem(fd2, &key, &val, BPF_ANY), 0);
		close(fd2);
	}

	/* Read-only: lookups work, updates are refused with EPERM. */
	rfd = bpf_obj_get_opts(path, &ro);
	CHECK(rfd > 2, "bpf_obj_get_opts(RDONLY): %d (%s)", rfd, strerror(errno));
	if (rfd >= 0) {
		out = 0;
		CHECK_EQ(bpf_map_lookup_elem(rfd, &key, &out), 0);
		CHECK_EQ(out, 43);
		CHECK_KERR(bpf_map_update_elem(rfd, &key, &val, BPF_ANY), EPERM);
		CHECK_KERR(bpf_map_delete_elem(rfd, &key), EPERM);
		CHECK_EQ(map_id(rfd), map_id(fd));
		close(rfd);
	}

	/* Bad opts: -EINVAL directly, errno set, in both modes; no fd opened. */
	{
		struct {
			size_t sz;
			__u32 file_flags;
			__u32 pad;
			__u64 extra;
		} o = { 4, 0, 0, 0 };

		CHECK_UERR(bpf_obj_get_opts(path, (void *)&o), EINVAL);
		o.sz = sizeof(o);
		o.extra = 1;
		CHECK_UERR(bpf_obj_get_opts(path, (void *)&o), EINVAL);
		o.extra = 0;
		o.pad = 1; /* within sizeof(struct bpf_obj_get_opts) but past file_flags */
		CHECK_UERR(bpf_obj_get_opts(path, (void *)&o), EINVAL);
		o.pad = 0;
		o.file_flags = BPF_F_RDONLY;
		rfd = bpf_obj_get_opts(path, (void *)&o); /* a larger, zero-tailed struct */
		CHECK(rfd > 2, "bpf_obj_get_opts(sz=24): %d (%s)", rfd, strerror(errno));
		if (rfd >= 0) {
			CHECK_KERR(bpf_map_update_elem(rfd, &key, &val, BPF_ANY), EPERM);
			close(rfd);
		}
	}
	/* Invalid file_flags: the kernel's EINVAL. */
	{
		LIBBPF_OPTS(bpf_obj_get_opts, bad, .file_flags = BPF_F_RDONLY | BPF_F_WRONLY);

		CHECK_KERR(bpf_obj_get_opts(path, &bad), EINVAL);
	}
	CHECK_KERR(bpf_obj_get(NULL), EFAULT);
	CHECK_KERR(bpf_obj_get_opts(NULL, &ro), EFAULT);
	CHECK_KERR(bpf_obj_get("/tmp"), EACCES);

	CHECK_EQ(unlink(path), 0);
	CHECK_KERR(bpf_obj_get(path), ENOENT);
	CHECK_KERR(bpf_obj_get_opts(path, &ro), ENOENT);

	close(fd);
	CHECK_EQ(h_count_fds(), fds);
}

/* Walks all ids of one kind from 0 with `next`; returns whether `want` was seen
 * and checks that the walk ends with the kernel's ENOENT in 0.x's convention. */
static int walk(int (*next)(__u32, __u32 *), __u32 want, __u32 *last)
{
	__u32 id = 0, prev;
	int found = 0, n = 0, r;

	for (;;) {
		prev = id;
		errno = 0;
		r = next(id, &id);
		if (r)
			break;
		CHECK(id > prev, "ids increase: %u after %u", id, prev);
		if (id == want)
			found = 1;
		if (++n > 1000000)
			break;
	}
	CHECK(r == -1 && errno == ENOENT, "walk ended with %d errno %d", r, errno);
	CHECK_EQ(id, prev); /* not written on failure */
	*last = id;
	return found;
}

static void test_ids(void)
{
	LIBBPF_OPTS(bpf_get_fd_by_id_opts, ro, .open_flags = BPF_F_RDONLY);
	__u32 id, last, next = 7, key = 0;
	__u64 val = 1;
	int fd, fd2, r, fds = h_count_fds();

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "id_test", 4, 8, 1, NULL);
	CHECK(fd > 2, "bpf_map_create: %d (%s)", fd, strerror(errno));
	if (fd < 0)
		return;
	id = map_id(fd);
	CHECK(id > 0, "map id %u", id);

	CHECK(walk(bpf_map_get_next_id, id, &last), "map id %u not found in the walk", id);
	/* The end, in strict mode (maps made meanwhile by other processes may move
	 * it, so walk to the end again). */
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	next = last;
	while ((r = bpf_map_get_next_id(next, &next)) == 0)
		;
	CHECK(r == -ENOENT && errno == ENOENT, "strict end: %d errno %d", r, errno);
	libbpf_set_strict_mode(LIBBPF_STRICT_NONE);
	/* NULL next_id would crash libbpf: -EINVAL here, both modes. */
	CHECK_UERR(bpf_map_get_next_id(0, NULL), EINVAL);
	CHECK_UERR(bpf_prog_get_next_id(0, NULL), EINVAL);
	CHECK_UERR(bpf_btf_get_next_id(0, NULL), EINVAL);
	CHECK_UERR(bpf_link_get_next_id(0, NULL), EINVAL);

	/* The map by id: the same object. */
	fd2 = bpf_map_get_fd_by_id(id);
	CHECK(fd2 > 2, "bpf_map_get_fd_by_id: %d (%s)", fd2, strerror(errno));
	if (fd2 >= 0) {
		CHECK_EQ(map_id(fd2), id);
		CHECK_EQ(bpf_map_update_elem(fd2, &key, &val, BPF_ANY), 0);
		close(fd2);
	}
	fd2 = bpf_map_get_fd_by_id_opts(id, NULL);
	CHECK(fd2 > 2, "bpf_map_get_fd_by_id_opts(NULL): %d (%s)", fd2, strerror(errno));
	if (fd2 >= 0)
		close(fd2);
	fd2 = bpf_map_get_fd_by_id_opts(id, &ro);
	CHECK(fd2 > 2, "bpf_map_get_fd_by_id_opts(RDONLY): %d (%s)", fd2, strerror(errno));
	if (fd2 >= 0) {
		CHECK_EQ(map_id(fd2), id);
		CHECK_KERR(bpf_map_update_elem(fd2, &key, &val, BPF_ANY), EPERM);
		close(fd2);
	}
	{
		struct {
			size_t sz;
			__u32 open_flags;
			__u32 pad;
		} o = { 4, 0, 0 };

		CHECK_UERR(bpf_map_get_fd_by_id_opts(id, (void *)&o), EINVAL);
		CHECK_UERR(bpf_prog_get_fd_by_id_opts(1, (void *)&o), EINVAL);
		CHECK_UERR(bpf_btf_get_fd_by_id_opts(1, (void *)&o), EINVAL);
		CHECK_UERR(bpf_link_get_fd_by_id_opts(1, (void *)&o), EINVAL);
		o.sz = sizeof(o);
		o.pad = 1;
		CHECK_UERR(bpf_map_get_fd_by_id_opts(id, (void *)&o), EINVAL);
	}
	CHECK_KERR(bpf_map_get_fd_by_id(0xfffffff0u), ENOENT);
	CHECK_KERR(bpf_prog_get_fd_by_id(0xfffffff0u), ENOENT);
	CHECK_KERR(bpf_btf_get_fd_by_id(0xfffffff0u), ENOENT);
	CHECK_KERR(bpf_link_get_fd_by_id(0xfffffff0u), ENOENT);
	CHECK_KERR(bpf_map_get_fd_by_id_opts(0xfffffff0u, &ro), ENOENT);

	/* BTF: vmlinux BTF has an id; its fd gives a bpf_btf_info with that id. */
	next = 0;
	r = bpf_btf_get_next_id(0, &next);
	if (r == 0) {
		struct bpf_btf_info binfo;
		__u32 len = sizeof(binfo);

		fd2 = bpf_btf_get_fd_by_id(next);
		CHECK(fd2 > 2, "bpf_btf_get_fd_by_id(%u): %d (%s)", next, fd2, strerror(errno));
		if (fd2 >= 0) {
			memset(&binfo, 0, sizeof(binfo));
			CHECK_EQ(bpf_obj_get_info_by_fd(fd2, &binfo, &len), 0);
			CHECK_EQ(binfo.id, next);
			memset(&binfo, 0, sizeof(binfo));
			len = sizeof(binfo);
			CHECK_EQ(bpf_btf_get_info_by_fd(fd2, &binfo, &len), 0);
			CHECK_EQ(binfo.id, next);
			close(fd2);
		}
		CHECK(walk(bpf_btf_get_next_id, next, &last), "btf id %u not found", next);
	} else {
		CHECK(r == -1 && errno == ENOENT, "bpf_btf_get_next_id: %d (%s)", r, strerror(errno));
	}
	/* Programs and links may or may not exist: each walk must end with ENOENT. */
	walk(bpf_prog_get_next_id, 0, &last);
	walk(bpf_link_get_next_id, 0, &last);

	close(fd);
	/* The id is gone with the last fd. */
	CHECK_KERR(bpf_map_get_fd_by_id(id), ENOENT);
	CHECK_EQ(h_count_fds(), fds);
}

static void test_info(void)
{
	struct bpf_map_info info;
	unsigned char raw[4096];
	__u32 len;
	int fd, nf, i, fds = h_count_fds();

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "info_test", 4, 16, 8, NULL);
	CHECK(fd > 2, "bpf_map_create: %d (%s)", fd, strerror(errno));
	if (fd < 0)
		return;

	/* The full struct of our headers. */
	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	CHECK_RET(bpf_obj_get_info_by_fd(fd, &info, &len), 0, 0);
	CHECK_EQ(len, sizeof(info));
	CHECK_EQ(info.type, BPF_MAP_TYPE_HASH);
	CHECK_EQ(info.key_size, 4);
	CHECK_EQ(info.value_size, 16);
	CHECK_EQ(info.max_entries, 8);
	CHECK(!strcmp(info.name, "info_test"), "name %s", info.name);
	CHECK(info.id > 0, "id %u", info.id);

	/* Short length: the kernel copies only that much and says so. */
	memset(raw, 0xAA, sizeof(raw));
	len = 8;
	CHECK_RET(bpf_obj_get_info_by_fd(fd, raw, &len), 0, 0);
	CHECK_EQ(len, 8);
	CHECK(!memcmp(raw, &info, 8), "first 8 bytes (type, id) differ");
	for (i = 8; i < 64; i++)
		CHECK(raw[i] == 0xAA, "byte %d past the length was written", i);

	/* The typed 1.2 variant: the same call. */
	memset(raw, 0, sizeof(raw));
	len = sizeof(info);
	CHECK_RET(bpf_map_get_info_by_fd(fd, (struct bpf_map_info *)raw, &len), 0, 0);
	CHECK(!memcmp(raw, &info, sizeof(info)), "bpf_map_get_info_by_fd differs");

	/* Longer than the kernel's struct with non-zero tail: E2BIG, len untouched. */
	memset(raw, 1, sizeof(raw));
	len = sizeof(raw);
	CHECK_KERR(bpf_obj_get_info_by_fd(fd, raw, &len), E2BIG);
	CHECK_EQ(len, sizeof(raw));
	/* Zero tail: fine, and len becomes the kernel's own size. */
	memset(raw, 0, sizeof(raw));
	len = sizeof(raw);
	CHECK_RET(bpf_obj_get_info_by_fd(fd, raw, &len), 0, 0);
	CHECK(len >= sizeof(info) && len < sizeof(raw), "kernel info size %u", len);

	/* Zero length: nothing copied, length 0 back. */
	len = 0;
	CHECK_RET(bpf_obj_get_info_by_fd(fd, NULL, &len), 0, 0);
	CHECK_EQ(len, 0);

	/* Bad fds: the kernel's answers for this command (EBADFD for a closed or
	 * negative fd, EINVAL for a non-BPF file). len untouched. */
	len = sizeof(info);
	CHECK_KERR(bpf_obj_get_info_by_fd(-1, &info, &len), EBADFD);
	CHECK_KERR(bpf_obj_get_info_by_fd(1000, &info, &len), EBADFD);
	CHECK_EQ(len, sizeof(info));
	nf = open("/dev/null", O_RDONLY);
	CHECK_KERR(bpf_obj_get_info_by_fd(nf, &info, &len), EINVAL);
	close(nf);
	/* Bad buffer: EFAULT. */
	len = sizeof(info);
	CHECK_KERR(bpf_obj_get_info_by_fd(fd, (void *)8, &len), EFAULT);
	/* NULL info_len would crash libbpf: -EINVAL, both modes. */
	CHECK_UERR(bpf_obj_get_info_by_fd(fd, &info, NULL), EINVAL);
	CHECK_UERR(bpf_prog_get_info_by_fd(fd, NULL, NULL), EINVAL);
	CHECK_UERR(bpf_link_get_info_by_fd(fd, NULL, NULL), EINVAL);
	/* A map fd is not a program... for the typed variants the kernel decides
	 * by the fd, so a map fd still gives map info. */
	len = 8;
	CHECK_RET(bpf_prog_get_info_by_fd(fd, (struct bpf_prog_info *)raw, &len), 0, 0);

	close(fd);
	CHECK_EQ(h_count_fds(), fds);
}

static void test_stats_and_task_fd_query(void)
{
	char buf[64] = "untouched";
	__u32 buf_len = sizeof(buf), prog_id = 77, fd_type = 88;
	__u64 off = 99, addr = 111;
	int fd, sfd, fds = h_count_fds();

	sfd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	CHECK(sfd > 2, "bpf_enable_stats: %d (%s)", sfd, strerror(errno));
	if (sfd >= 0)
		close(sfd);
	CHECK_KERR(bpf_enable_stats((enum bpf_stats_type)99), EINVAL);

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tfq_test", 4, 4, 1, NULL);
	CHECK(fd > 2, "bpf_map_create: %d (%s)", fd, strerror(errno));
	if (fd < 0)
		return;
	/* A map fd is no perf event or raw tracepoint: the kernel's ENOTSUPP (524). */
	CHECK_KERR(bpf_task_fd_query(getpid(), fd, 0, buf, &buf_len, &prog_id, &fd_type,
				     &off, &addr), 524);
	/* Out-parameters untouched on failure. */
	CHECK_EQ(buf_len, sizeof(buf));
	CHECK_EQ(prog_id, 77);
	CHECK_EQ(fd_type, 88);
	CHECK_EQ(off, 99);
	CHECK_EQ(addr, 111);
	CHECK(!strcmp(buf, "untouched"), "buf written: %s", buf);
	/* A closed fd: EBADF. Flags: EINVAL. No such process: ENOENT. */
	CHECK_KERR(bpf_task_fd_query(getpid(), 1000, 0, buf, &buf_len, &prog_id, &fd_type,
				     &off, &addr), EBADF);
	CHECK_KERR(bpf_task_fd_query(getpid(), fd, 1, buf, &buf_len, &prog_id, &fd_type,
				     &off, &addr), EINVAL);
	CHECK_KERR(bpf_task_fd_query(0x7ffffff0, fd, 0, buf, &buf_len, &prog_id, &fd_type,
				     &off, &addr), ENOENT);
	/* NULL out-pointers would crash libbpf: -EINVAL, both modes. */
	CHECK_UERR(bpf_task_fd_query(getpid(), fd, 0, buf, NULL, &prog_id, &fd_type, &off,
				     &addr), EINVAL);
	CHECK_UERR(bpf_task_fd_query(getpid(), fd, 0, buf, &buf_len, NULL, &fd_type, &off,
				     &addr), EINVAL);
	CHECK_UERR(bpf_task_fd_query(getpid(), fd, 0, buf, &buf_len, &prog_id, &fd_type,
				     &off, NULL), EINVAL);
	CHECK_EQ(prog_id, 77);

	close(fd);
	CHECK_EQ(h_count_fds(), fds);
}

int main(void)
{
	int fds;

	require_root();
	h_use_0x_returns(); /* its -1 checks start before any 0.x-only call */
	ensure_bpffs();
	fds = h_count_fds();
	test_pin();
	test_ids();
	test_info();
	test_stats_and_task_fd_query();
	CHECK_EQ(h_count_fds(), fds);
	return h_done("obj_pin_ids");
}
