/* bpf_load.c legacy loader: failure paths and their return values, errno,
 * stdout messages and globals; the fixup callback (edit a definition, reuse a
 * pinned map); map-in-map and NUMA definitions; a kprobe/ object that must fail
 * cleanly on this kernel (no kprobes) after its kprobe/N tail-call target went
 * into the PROG_ARRAY; prog_fd[] filling up; /dev/zero, a FIFO and a directory
 * as the object path (1 at once). */
#define _GNU_SOURCE
#include <bpf_load.h>
#include <fcntl.h>
#include "legacy_util.h"

extern int prog_array_fd;

static char out[1 << 22];

/* Runs load_bpf_file*(path) with stdout captured into `out`; returns its value
 * and leaves errno as the call left it. */
static int load_captured(const char *path, fixup_map_cb cb)
{
	struct lg_capture c;
	int r;

	lg_stdout_begin(&c);
	r = cb ? load_bpf_file_fixup_map(path, cb) : load_bpf_file((char *)path);
	lg_stdout_end(&c, out, sizeof(out));
	return r;
}

static int fixup_calls, pinned_fd = -1;

static void fixup(struct bpf_map_data *map, int idx)
{
	fixup_calls++;
	if (map != &map_data[idx] || map->fd != -1)
		fixup_calls += 1000; /* checked below */
	if (!strcmp(map->name, "lg_proto_count"))
		map->def.max_entries = 17; /* edit before creation */
	if (!strcmp(map->name, "lg_stage_count") && pinned_fd >= 0)
		map->fd = pinned_fd; /* reuse an existing map */
}

static __u32 max_entries_of(int fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	bpf_obj_get_info_by_fd(fd, &info, &len);
	return info.max_entries;
}

int main(void)
{
	char p_verifier[PATH_MAX], p_cgroup[PATH_MAX], p_mapdef[PATH_MAX], p_noprogs[PATH_MAX],
		p_inner[PATH_MAX], p_kprobe[PATH_MAX], p_sock[PATH_MAX], p_tail[PATH_MAX],
		pin[128];
	int r, fds, base, i, k;
	__u32 id = 0;

	require_root();
	if (lg_build("lg_bad", "-DLG_BAD_VERIFIER -DLG_LONG=300", "verifier", p_verifier,
		     PATH_MAX) ||
	    lg_build("lg_bad", "-DLG_BAD_CGROUP", "cgroup", p_cgroup, PATH_MAX) ||
	    lg_build("lg_bad", "-DLG_BAD_MAPDEF", "mapdef", p_mapdef, PATH_MAX) ||
	    lg_build("lg_bad", "-DLG_NO_PROGS", "noprogs", p_noprogs, PATH_MAX) ||
	    lg_build("lg_bad", "-DLG_INNER", "inner", p_inner, PATH_MAX) ||
	    lg_build("lg_kprobe", NULL, "kprobe", p_kprobe, PATH_MAX) ||
	    lg_build("lg_sockex", NULL, "sockex", p_sock, PATH_MAX) ||
	    lg_build("lg_tail", NULL, "tail", p_tail, PATH_MAX))
		h_skip("cannot build the lg_* objects");

	/* Not an ELF file: 1, nothing loaded, no fd leaked. */
	fds = h_count_fds();
	r = load_captured("/proc/self/status", NULL);
	CHECK_EQ(r, 1);
	CHECK_EQ(h_count_fds(), fds);
	CHECK_EQ(prog_cnt, 0);

	/* An endless device, a FIFO without a writer and a directory: 1 at once
	 * (the alarm's default action ends the test if the loader blocks). */
	{
		char fifo[PATH_MAX];
		const char *special[] = { "/dev/zero", fifo, lg_dir };

		snprintf(fifo, sizeof(fifo), "%s/fifo", lg_dir);
		CHECK(mkfifo(fifo, 0600) == 0, "mkfifo: errno %d", errno);
		for (i = 0; i < 3; i++) {
			alarm(10);
			r = load_captured(special[i], NULL);
			alarm(0);
			CHECK(r == 1, "load_bpf_file(%s) = %d", special[i], r);
			CHECK_EQ(h_count_fds(), fds);
			CHECK_EQ(prog_cnt, 0);
		}
		unlink(fifo);
	}

	/* A 32-byte definition with a non-zero tail: EFBIG, 1, no map created. */
	fds = h_count_fds();
	r = load_captured(p_mapdef, NULL);
	CHECK_EQ(r, 1);
	CHECK_EQ(errno, EFBIG);
	CHECK(strstr(out, "Failed loading ELF maps") != NULL, "output: %s", out);
	CHECK_EQ(h_count_fds(), fds);

	/* Maps but no program section: the maps are created, then 1. */
	r = load_captured(p_noprogs, NULL);
	CHECK_EQ(r, 1);
	CHECK_EQ(map_data_count, 1);
	CHECK(map_fd[0] > 2, "map_fd[0] = %d", map_fd[0]);
	CHECK_EQ(prog_cnt, 0);

	/* Verifier failure: -1, EACCES, the log in bpf_log_buf and on stdout;
	 * map_data_count is valid although the program failed. */
	bpf_log_buf[0] = 'X';
	r = load_captured(p_verifier, NULL);
	CHECK_EQ(r, -1);
	CHECK_EQ(errno, EACCES);
	CHECK_EQ(prog_cnt, 0);
	CHECK_EQ(map_data_count, 1);
	CHECK(strstr(bpf_log_buf, "R5 !read_ok") != NULL, "log: %.200s", bpf_log_buf);
	CHECK(strlen(bpf_log_buf) > 4096, "log of %zu bytes", strlen(bpf_log_buf));
	CHECK(!strncmp(out, "bpf_load_program() err=13\n", 26), "output: %.100s", out);
	CHECK(strstr(out, "R5 !read_ok") != NULL, "the log is printed too");

	/* An unknown cgroup/ type: -1, "Unknown event". */
	r = load_captured(p_cgroup, NULL);
	CHECK_EQ(r, -1);
	CHECK(strstr(out, "Unknown event 'cgroup/dev'") != NULL, "output: %s", out);
	CHECK_EQ(prog_cnt, 0);

	/* Map-in-map with inner_map_idx, and a NUMA definition (fields past libbpf's
	 * 20 bytes). The program looks the outer map up. */
	r = load_captured(p_inner, NULL);
	CHECK_EQ(r, 0);
	if (r)
		printf("%s\n%s", out, bpf_log_buf);
	CHECK_EQ(map_data_count, 3);
	CHECK_EQ(map_data[1].def.type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	CHECK_EQ(map_data[1].def.inner_map_idx, 0);
	CHECK_EQ(map_data[2].def.map_flags, 4);
	k = 0;
	CHECK_RET(bpf_map_update_elem(map_fd[1], &k, &map_fd[0], BPF_ANY), 0, 0);
	CHECK_EQ(prog_cnt, 1);

	/* The fixup callback: called once per map before creation with fd == -1;
	 * an edited definition is used; a pre-set fd is reused (and is not taken as
	 * prog_array_fd, nor created). */
	fixup_calls = 0;
	r = load_captured(p_sock, fixup);
	CHECK_EQ(r, 0);
	CHECK_EQ(fixup_calls, 1);
	CHECK_EQ(max_entries_of(map_fd[0]), 17);
	CHECK_EQ(map_data[0].def.max_entries, 17);
	CHECK_EQ(prog_cnt, 2);

	snprintf(pin, sizeof(pin), "/sys/fs/bpf/lg_pin_%d", (int)getpid());
	k = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lg_pinned", 4, sizeof(long), 8, NULL);
	CHECK(k > 2, "bpf_map_create: %d", k);
	CHECK_RET(bpf_obj_pin(k, pin), 0, 0);
	close(k);
	pinned_fd = bpf_obj_get(pin);
	CHECK(pinned_fd > 2, "bpf_obj_get(%s) = %d", pin, pinned_fd);
	fixup_calls = 0;
	r = load_captured(p_tail, fixup);
	CHECK_EQ(r, 0);
	CHECK_EQ(fixup_calls, 2);
	CHECK_EQ(map_fd[1], pinned_fd);
	CHECK_EQ(map_data[1].fd, pinned_fd);
	CHECK_EQ(prog_array_fd, map_fd[0]);
	CHECK_EQ(prog_cnt, 7);
	{
		/* The programs use the pinned map: a test run of socket/0 counts there. */
		char pkt[64] = { 0 }, pkt_out[128];
		long cnt = 0;
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			    .data_out = pkt_out, .data_size_out = sizeof(pkt_out));

		CHECK_RET(bpf_prog_test_run_opts(prog_fd[3], &o), 0, 0);
		CHECK_EQ(o.retval, 42);
		k = 4;
		CHECK_RET(bpf_map_lookup_elem(pinned_fd, &k, &cnt), 0, 0);
		CHECK_EQ(cnt, 1);
	}
	unlink(pin);

	/* kprobe/: the kprobe/1 target is loaded and put into slot 1; the kprobe on
	 * do_nanosleep cannot be created here: -1 with a message, no crash. */
	base = prog_cnt;
	r = load_captured(p_kprobe, NULL);
	printf("kprobe object: %d, output: %s", r, out);
	CHECK_EQ(r, -1);
	if (strstr(out, "bpf_load_program()")) {
		/* This kernel cannot even load KPROBE programs. */
		CHECK_EQ(prog_cnt, base);
	} else {
		CHECK(strstr(out, "failed to create kprobe 'do_nanosleep'") != NULL, "output: %s",
		      out);
		CHECK_EQ(prog_cnt, base + 2);
		k = 1;
		CHECK_RET(bpf_map_lookup_elem(prog_array_fd, &k, &id), 0, 0);
		CHECK(id != 0, "kprobe/1 is in slot 1");
		CHECK_EQ(event_fd[base + 1], 0);
	}

	/* prog_fd[] fills up at 32: the load that would overflow fails with -1 and
	 * prog_cnt stops at 32 (every earlier program stays loaded). */
	for (i = 0; i < 8 && prog_cnt < 32; i++)
		r = load_captured(p_tail, NULL);
	CHECK_EQ(prog_cnt, 32);
	r = load_captured(p_tail, NULL);
	CHECK_EQ(r, -1);
	CHECK_EQ(prog_cnt, 32);

	/* NULL path: 1 with EINVAL, nothing else. */
	CHECK_RET(load_bpf_file(NULL), 1, EINVAL);

	lg_cleanup();
	return h_done("legacy_errors");
}
