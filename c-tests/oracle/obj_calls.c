/* Oracle: the object calls of bpf.h against libbpf 1.1.2 — bpf_obj_pin,
 * bpf_obj_get[_opts] (NULL paths, bad fds, bad opts, read-only fds),
 * bpf_*_get_next_id at the end, bpf_*_get_fd_by_id[_opts], bpf_obj_get_info_by_fd
 * (short, exact, zero-tailed and non-zero-tailed long buffers, bad fds),
 * bpf_enable_stats and bpf_task_fd_query's errors and out-parameters.
 * Calls on which libbpf would crash (NULL out-pointers) and the 1.2 typed info
 * calls are checked on the libbpfrs side only. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

static char path[128];

static void ensure_bpffs(void)
{
	struct statfs st;

	if (statfs("/sys/fs/bpf", &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return;
	mkdir("/sys/fs/bpf", 0755);
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL)) {
		printf("SKIP: cannot mount bpffs\n");
		exit(77);
	}
}

static void pin_calls(int fd)
{
	struct {
		size_t sz;
		__u32 file_flags;
		__u32 pad;
		__u64 extra;
	} o;
	__u32 key = 0;
	__u64 val = 1;
	int rfd;

	O_INT("bpf_obj_pin(map, path)", bpf_obj_pin(fd, path));
	O_INT("bpf_obj_pin(map, path) again", bpf_obj_pin(fd, path));
	O_INT("bpf_obj_pin(-1, path)", bpf_obj_pin(-1, path));
	O_INT("bpf_obj_pin(1000, path)", bpf_obj_pin(1000, path));
	O_INT("bpf_obj_pin(map, NULL)", bpf_obj_pin(fd, NULL));
	O_INT("bpf_obj_pin(map, /tmp/x)", bpf_obj_pin(fd, "/tmp/libbpfrs_oracle_x"));
	O_INT("bpf_obj_pin(map, \"\")", bpf_obj_pin(fd, ""));
	O_FD("bpf_obj_get(path)", bpf_obj_get(path));
	O_FD("bpf_obj_get(NULL)", bpf_obj_get(NULL));
	O_FD("bpf_obj_get(/tmp)", bpf_obj_get("/tmp"));
	O_FD("bpf_obj_get(/sys/fs/bpf/none)", bpf_obj_get("/sys/fs/bpf/libbpfrs_none"));
	O_FD("bpf_obj_get_opts(path, NULL)", bpf_obj_get_opts(path, NULL));
	O_FD("bpf_obj_get_opts(NULL, NULL)", bpf_obj_get_opts(NULL, NULL));

	memset(&o, 0, sizeof(o));
	for (size_t sz = 0; sz <= sizeof(o); sz += 4) {
		o.sz = sz;
		O_FD("bpf_obj_get_opts(path, sz=%zu)", bpf_obj_get_opts(path, (void *)&o), sz);
	}
	o.sz = sizeof(o);
	o.pad = 1;
	O_FD("bpf_obj_get_opts(path, pad=1)", bpf_obj_get_opts(path, (void *)&o));
	o.pad = 0;
	o.extra = 1;
	O_FD("bpf_obj_get_opts(path, extra=1)", bpf_obj_get_opts(path, (void *)&o));
	o.extra = 0;
	for (__u32 f = 0; f < 64; f += 8) {
		o.file_flags = f;
		O_FD("bpf_obj_get_opts(path, file_flags=%u)", bpf_obj_get_opts(path, (void *)&o), f);
	}

	o.file_flags = BPF_F_RDONLY;
	rfd = bpf_obj_get_opts(path, (void *)&o);
	printf("rdonly fd: %s\n", rfd > 2 ? "fd" : "none");
	if (rfd > 2) {
		O_INT("lookup(rdonly)", bpf_map_lookup_elem(rfd, &key, &val));
		O_INT("update(rdonly)", bpf_map_update_elem(rfd, &key, &val, BPF_ANY));
		O_INT("freeze(rdonly)", bpf_map_freeze(rfd));
		close(rfd);
	}
	o.file_flags = BPF_F_WRONLY;
	rfd = bpf_obj_get_opts(path, (void *)&o);
	printf("wronly fd: %s\n", rfd > 2 ? "fd" : "none");
	if (rfd > 2) {
		O_INT("lookup(wronly)", bpf_map_lookup_elem(rfd, &key, &val));
		O_INT("update(wronly)", bpf_map_update_elem(rfd, &key, &val, BPF_ANY));
		close(rfd);
	}
	unlink(path);
	O_FD("bpf_obj_get(path) after unlink", bpf_obj_get(path));
}

static void id_calls(int fd)
{
	struct bpf_map_info info;
	struct {
		size_t sz;
		__u32 open_flags;
		__u32 pad;
	} o;
	__u32 len = sizeof(info), id, next;
	int r;

	memset(&info, 0, sizeof(info));
	O_INT("bpf_obj_get_info_by_fd(map)", bpf_obj_get_info_by_fd(fd, &info, &len));
	id = info.id;

	/* From the largest possible ids: the end, or the kernel's refusal. */
	next = 12345;
	O_INT("bpf_map_get_next_id(0x7fffffff)", bpf_map_get_next_id(0x7fffffff, &next));
	printf("next_id untouched: %d\n", next == 12345);
	O_INT("bpf_map_get_next_id(0xffffffff)", bpf_map_get_next_id(0xffffffff, &next));
	O_INT("bpf_prog_get_next_id(0x7fffffff)", bpf_prog_get_next_id(0x7fffffff, &next));
	O_INT("bpf_btf_get_next_id(0x7fffffff)", bpf_btf_get_next_id(0x7fffffff, &next));
	O_INT("bpf_link_get_next_id(0x7fffffff)", bpf_link_get_next_id(0x7fffffff, &next));
	printf("next_id untouched: %d\n", next == 12345);
	r = bpf_map_get_next_id(id - 1, &next);
	printf("bpf_map_get_next_id(id - 1) = %d, is id: %d\n", r, next == id);

	O_FD("bpf_map_get_fd_by_id(id)", bpf_map_get_fd_by_id(id));
	O_FD("bpf_map_get_fd_by_id(0)", bpf_map_get_fd_by_id(0));
	O_FD("bpf_map_get_fd_by_id(0xfffffff0)", bpf_map_get_fd_by_id(0xfffffff0));
	O_FD("bpf_prog_get_fd_by_id(0xfffffff0)", bpf_prog_get_fd_by_id(0xfffffff0));
	O_FD("bpf_btf_get_fd_by_id(0xfffffff0)", bpf_btf_get_fd_by_id(0xfffffff0));
	O_FD("bpf_link_get_fd_by_id(0xfffffff0)", bpf_link_get_fd_by_id(0xfffffff0));
	O_FD("bpf_prog_get_fd_by_id(map id)", bpf_prog_get_fd_by_id(id));
	memset(&o, 0, sizeof(o));
	for (size_t sz = 0; sz <= sizeof(o); sz += 4) {
		o.sz = sz;
		O_FD("bpf_map_get_fd_by_id_opts(id, sz=%zu)",
		     bpf_map_get_fd_by_id_opts(id, (void *)&o), sz);
		O_FD("bpf_prog_get_fd_by_id_opts(1<<30, sz=%zu)",
		     bpf_prog_get_fd_by_id_opts(1u << 30, (void *)&o), sz);
		O_FD("bpf_btf_get_fd_by_id_opts(1<<30, sz=%zu)",
		     bpf_btf_get_fd_by_id_opts(1u << 30, (void *)&o), sz);
		O_FD("bpf_link_get_fd_by_id_opts(1<<30, sz=%zu)",
		     bpf_link_get_fd_by_id_opts(1u << 30, (void *)&o), sz);
	}
	o.sz = sizeof(o);
	o.pad = 1;
	O_FD("bpf_map_get_fd_by_id_opts(id, pad=1)", bpf_map_get_fd_by_id_opts(id, (void *)&o));
	o.pad = 0;
	for (__u32 f = 0; f < 64; f += 8) {
		o.open_flags = f;
		O_FD("bpf_map_get_fd_by_id_opts(id, open_flags=%u)",
		     bpf_map_get_fd_by_id_opts(id, (void *)&o), f);
	}
	O_FD("bpf_map_get_fd_by_id_opts(id, NULL)", bpf_map_get_fd_by_id_opts(id, NULL));
}

static void info_calls(int fd)
{
	static unsigned char raw[8192];
	struct bpf_map_info info;
	__u32 len;
	int nf = open("/dev/null", O_RDONLY);

	static const __u32 lens[] = { 0, 1, 4, 8, 24, 40, 80, 88, 96, 104, 105, 4096, 8192 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(raw, 0, sizeof(raw));
		len = lens[i];
		O_INT("info(map, zero buf, len=%u)", bpf_obj_get_info_by_fd(fd, raw, &len), lens[i]);
		printf("  -> len=%u type=%u key_size=%u\n", len, raw[0], raw[8]);
		memset(raw, 1, sizeof(raw));
		len = lens[i];
		O_INT("info(map, ones buf, len=%u)", bpf_obj_get_info_by_fd(fd, raw, &len), lens[i]);
		printf("  -> len=%u\n", len);
	}
	len = sizeof(info);
	O_INT("info(map, NULL buf)", bpf_obj_get_info_by_fd(fd, NULL, &len));
	printf("  -> len=%u\n", len);
	len = 0;
	O_INT("info(map, NULL buf, len 0)", bpf_obj_get_info_by_fd(fd, NULL, &len));
	printf("  -> len=%u\n", len);
	len = sizeof(info);
	O_INT("info(-1)", bpf_obj_get_info_by_fd(-1, &info, &len));
	O_INT("info(1000)", bpf_obj_get_info_by_fd(1000, &info, &len));
	O_INT("info(/dev/null)", bpf_obj_get_info_by_fd(nf, &info, &len));
	O_INT("info(map, bad address)", bpf_obj_get_info_by_fd(fd, (void *)8, &len));
	printf("  -> len=%u\n", len);
	close(nf);
}

static void misc_calls(int fd)
{
	char buf[32];
	__u32 buf_len, prog_id, fd_type;
	__u64 off, addr;

	O_FD("bpf_enable_stats(RUN_TIME)", bpf_enable_stats(BPF_STATS_RUN_TIME));
	O_FD("bpf_enable_stats(1)", bpf_enable_stats((enum bpf_stats_type)1));
	O_FD("bpf_enable_stats(-1)", bpf_enable_stats((enum bpf_stats_type)-1));

#define TFQ(desc, pid, qfd, flags)                                                      \
	do {                                                                            \
		strcpy(buf, "unchanged");                                               \
		buf_len = sizeof(buf);                                                  \
		O_INT("bpf_task_fd_query(" desc ")",                                    \
		      bpf_task_fd_query(pid, qfd, flags, buf, &buf_len, &prog_id,       \
					&fd_type, &off, &addr));                        \
		printf("  -> buf=%s\n", buf);                                           \
	} while (0)
	TFQ("self, map fd", getpid(), fd, 0);
	TFQ("self, fd 1000", getpid(), 1000, 0);
	TFQ("self, fd -1", getpid(), -1, 0);
	TFQ("self, flags 1", getpid(), fd, 1);
	TFQ("no such pid", 0x7ffffff0, fd, 0);
	TFQ("pid 0", 0, fd, 0);
}

int main(void)
{
	int fd;

	o_require_root();
	ensure_bpffs();
	snprintf(path, sizeof(path), "/sys/fs/bpf/libbpfrs_oracle_obj_%d", (int)getpid());
	unlink(path);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "oracle_obj", 4, 8, 2, NULL);
	if (fd < 0) {
		printf("bpf_map_create failed: %s\n", o_errname(errno));
		return 1;
	}
	pin_calls(fd);
	id_calls(fd);
	info_calls(fd);
	misc_calls(fd);
#ifndef ORACLE_SYSTEM
	{
		__u32 len = 8;
		struct bpf_map_info info;

		/* Where libbpf would crash: -EINVAL, errno set. */
		errno = 0;
		o_self_check(bpf_map_get_next_id(0, NULL) == -EINVAL && errno == EINVAL, "next_id");
		errno = 0;
		o_self_check(bpf_obj_get_info_by_fd(fd, &info, NULL) == -EINVAL && errno == EINVAL,
			     "info_len");
		/* The 1.2 typed info calls. */
		memset(&info, 0, sizeof(info));
		o_self_check(bpf_map_get_info_by_fd(fd, &info, &len) == 0 && len == 8 &&
				     info.type == BPF_MAP_TYPE_ARRAY,
			     "bpf_map_get_info_by_fd");
	}
#endif
	close(fd);
	return o_done();
}
