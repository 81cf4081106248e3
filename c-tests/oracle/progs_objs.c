/* Oracle: program, test-run, attach/link, BTF-load, pin/get, id and info calls of
 * bpf/bpf.h (libbpf 1.1.2 API) through the system libbpf and libbpfrs; every return
 * value and errno must match. fds print as "fd", object ids as "id". Pinned paths
 * and the cgroup live under per-process names and are removed at the end. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#define INSN(c, d, s, o, i) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }
#define MOV64_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static const struct bpf_insn ret0[] = { MOV64_IMM(0, 0), EXIT() };
static const struct bpf_insn ret1[] = { MOV64_IMM(0, 1), EXIT() };
static const struct bpf_insn no_exit[] = { MOV64_IMM(0, 0) };
static const struct bpf_insn bad_reg[] = { MOV64_IMM(11, 0), EXIT() };

static char pin_dir[128], cg_dir[128];
static char log_buf[4096];

static void print_log_head(void)
{
	char *nl = strchr(log_buf, '\n');

	if (nl)
		*nl = 0;
	printf("  log: \"%s\"\n", log_buf);
}

/* The returning-0 socket filter "sf", loaded with `opts` (NULL for none). */
static int load_sf_opts(const struct bpf_prog_load_opts *opts)
{
	return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sf", "GPL", ret0, 2, opts);
}

static int load_sf(void)
{
	return load_sf_opts(NULL);
}

static void prog_load_cases(void)
{
	struct {
		struct bpf_prog_load_opts o;
		char tail[32];
	} big;

	O_FD("bpf_prog_load(socket_filter, ret0)", load_sf());
	O_FD("bpf_prog_load(name NULL)",
	     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", ret0, 2, NULL));
	O_FD("bpf_prog_load(name 30 chars)",
	     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "abcdefghijklmnopqrstuvwxyz0123", "GPL",
			   ret0, 2, NULL));
	O_FD("bpf_prog_load(name \"a-b\")",
	     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "a-b", "GPL", ret0, 2, NULL));
	O_FD("bpf_prog_load(license \"MIT\")",
	     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sf", "MIT", ret0, 2, NULL));
	O_FD("bpf_prog_load(license NULL)",
	     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sf", NULL, ret0, 2, NULL));
	O_FD("bpf_prog_load(insns NULL, cnt 2)",
	     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sf", "GPL", NULL, 2, NULL));
	O_FD("bpf_prog_load(insns NULL, cnt 0)",
	     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sf", "GPL", NULL, 0, NULL));
	O_FD("bpf_prog_load(cnt 0)",
	     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sf", "GPL", ret0, 0, NULL));
	O_FD("bpf_prog_load(cnt 1M+1)",
	     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sf", "GPL", ret0, (1 << 20) + 1, NULL));
	O_FD("bpf_prog_load(type 999)",
	     bpf_prog_load((enum bpf_prog_type)999, "sf", "GPL", ret0, 2, NULL));
	O_FD("bpf_prog_load(type unspec)",
	     bpf_prog_load(BPF_PROG_TYPE_UNSPEC, "sf", "GPL", ret0, 2, NULL));
	O_FD("bpf_prog_load(no exit)",
	     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sf", "GPL", no_exit, 1, NULL));
	O_FD("bpf_prog_load(xdp ret1)", bpf_prog_load(BPF_PROG_TYPE_XDP, "x", "GPL", ret1, 2, NULL));
	O_FD("bpf_prog_load(cgroup_skb ret1)",
	     bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "c", "GPL", ret1, 2, NULL));

	/* Verifier log handling. */
	{
		LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log_buf, .log_size = sizeof(log_buf));
		memset(log_buf, 0, sizeof(log_buf));
		O_FD("bpf_prog_load(bad reg, log_level 0 + buf)",
		     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sf", "GPL", bad_reg, 2, &o));
		print_log_head();
		o.log_level = 1;
		memset(log_buf, 0, sizeof(log_buf));
		O_FD("bpf_prog_load(bad reg, log_level 1)",
		     bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "sf", "GPL", bad_reg, 2, &o));
		print_log_head();
		memset(log_buf, 0, sizeof(log_buf));
		O_FD("bpf_prog_load(good, log_level 1)", load_sf_opts(&o));
		print_log_head();
		o.log_level = 2;
		O_FD("bpf_prog_load(good, log_level 2)", load_sf_opts(&o));
		o.log_size = 8;
		o.log_level = 1;
		memset(log_buf, 0, sizeof(log_buf));
		O_FD("bpf_prog_load(good, log_size 8)", load_sf_opts(&o));
		printf("  log: \"%.8s\"\n", log_buf);
		o.log_size = 0;
		O_FD("bpf_prog_load(log_buf, log_size 0)", load_sf_opts(&o));
		o.log_buf = NULL;
		o.log_size = 100;
		O_FD("bpf_prog_load(log_buf NULL, log_size 100)", load_sf_opts(&o));
		o.log_size = 0;
		O_FD("bpf_prog_load(no buf, log_level 1)", load_sf_opts(&o));
		o.log_level = 0x100;
		o.log_buf = log_buf;
		o.log_size = sizeof(log_buf);
		O_FD("bpf_prog_load(log_level 0x100)", load_sf_opts(&o));
	}
	/* Other opts fields. */
	{
		LIBBPF_OPTS(bpf_prog_load_opts, o, .attempts = -1);
		O_FD("bpf_prog_load(attempts -1)", load_sf_opts(&o));
		o.attempts = 0;
		o.prog_flags = 0xffffffff;
		O_FD("bpf_prog_load(prog_flags junk)", load_sf_opts(&o));
		o.prog_flags = 0;
		o.expected_attach_type = BPF_CGROUP_INET_EGRESS;
		O_FD("bpf_prog_load(cgroup_skb, expected egress)",
		     bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "c", "GPL", ret1, 2, &o));
		o.expected_attach_type = 0;
		o.prog_btf_fd = 9999;
		O_FD("bpf_prog_load(prog_btf_fd 9999)", load_sf_opts(&o));
		o.prog_btf_fd = 0;
		o.prog_ifindex = 99999;
		O_FD("bpf_prog_load(prog_ifindex 99999)", load_sf_opts(&o));
		o.prog_ifindex = 0;
		o.attach_prog_fd = 9999;
		O_FD("bpf_prog_load(attach_prog_fd 9999)", load_sf_opts(&o));
		o.attach_prog_fd = 0;
		o.func_info_cnt = 1;
		o.func_info_rec_size = 8;
		O_FD("bpf_prog_load(func_info NULL, cnt 1)", load_sf_opts(&o));
		o.func_info_cnt = 0;
		o.func_info_rec_size = 0;
		o.kern_version = 0x12345;
		O_FD("bpf_prog_load(kern_version)", load_sf_opts(&o));
	}
	/* opts->sz rules. */
	memset(&big, 0, sizeof(big));
	big.o.sz = 4;
	O_FD("bpf_prog_load(opts sz 4)", load_sf_opts(&big.o));
	big.o.sz = sizeof(big);
	O_FD("bpf_prog_load(opts sz big, zero tail)", load_sf_opts(&big.o));
	big.tail[31] = 1;
	O_FD("bpf_prog_load(opts sz big, tail[31]=1)", load_sf_opts(&big.o));
	big.tail[31] = 0;
	big.o.sz = offsetof(struct bpf_prog_load_opts, log_level);
	big.o.log_level = 1;
	big.o.log_size = 5;
	O_FD("bpf_prog_load(opts sz before log_level, log fields junk)", load_sf_opts(&big.o));
}

static void test_run_cases(void)
{
	int pfd = load_sf(), mfd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "m", 4, 4, 1, NULL);
	int xfd = bpf_prog_load(BPF_PROG_TYPE_XDP, "x", "GPL", ret1, 2, NULL);
	char pkt[64], out[64];
	struct __sk_buff skb;
	struct {
		struct bpf_test_run_opts o;
		char tail[16];
	} big;

	memset(pkt, 0xab, sizeof(pkt));
	memset(&skb, 0, sizeof(skb));
	{
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			    .repeat = 1);
		O_INT("bpf_prog_test_run_opts(sf, 64-byte pkt)", bpf_prog_test_run_opts(pfd, &o));
		printf("  retval=%u data_size_out=%u ctx_size_out=%u\n", o.retval, o.data_size_out,
		       o.ctx_size_out);
		o.data_out = out;
		o.data_size_out = sizeof(out);
		O_INT("bpf_prog_test_run_opts(sf, data_out 64)", bpf_prog_test_run_opts(pfd, &o));
		printf("  retval=%u data_size_out=%u same=%d\n", o.retval, o.data_size_out,
		       !memcmp(pkt, out, sizeof(out)));
		o.data_size_out = 10;
		O_INT("bpf_prog_test_run_opts(sf, data_out 10)", bpf_prog_test_run_opts(pfd, &o));
		printf("  data_size_out=%u\n", o.data_size_out);
		o.data_out = NULL;
		o.data_size_out = 0;
		o.data_size_in = 4;
		O_INT("bpf_prog_test_run_opts(sf, 4-byte pkt)", bpf_prog_test_run_opts(pfd, &o));
		o.data_size_in = sizeof(pkt);
		o.ctx_in = &skb;
		o.ctx_size_in = sizeof(skb);
		O_INT("bpf_prog_test_run_opts(sf, ctx __sk_buff)", bpf_prog_test_run_opts(pfd, &o));
		skb.len = 7;
		O_INT("bpf_prog_test_run_opts(sf, ctx len set)", bpf_prog_test_run_opts(pfd, &o));
		skb.len = 0;
		o.ctx_size_in = 3;
		O_INT("bpf_prog_test_run_opts(sf, ctx size 3)", bpf_prog_test_run_opts(pfd, &o));
		o.ctx_in = NULL;
		o.ctx_size_in = 0;
		o.flags = BPF_F_TEST_RUN_ON_CPU;
		O_INT("bpf_prog_test_run_opts(sf, ON_CPU)", bpf_prog_test_run_opts(pfd, &o));
		o.flags = 0;
		o.cpu = 1;
		O_INT("bpf_prog_test_run_opts(sf, cpu 1 no flag)", bpf_prog_test_run_opts(pfd, &o));
		o.cpu = 0;
		o.batch_size = 4;
		O_INT("bpf_prog_test_run_opts(sf, batch_size 4)", bpf_prog_test_run_opts(pfd, &o));
		o.batch_size = 0;
		o.repeat = 3;
		O_INT("bpf_prog_test_run_opts(xdp, repeat 3)", bpf_prog_test_run_opts(xfd, &o));
		printf("  retval=%u data_size_out=%u\n", o.retval, o.data_size_out);
		o.data_in = NULL;
		O_INT("bpf_prog_test_run_opts(sf, data_in NULL size 64)",
		      bpf_prog_test_run_opts(pfd, &o));
		o.data_in = pkt;
		O_INT("bpf_prog_test_run_opts(fd -1)", bpf_prog_test_run_opts(-1, &o));
		O_INT("bpf_prog_test_run_opts(map fd)", bpf_prog_test_run_opts(mfd, &o));
	}
	O_INT("bpf_prog_test_run_opts(sf, NULL opts)", bpf_prog_test_run_opts(pfd, NULL));
	memset(&big, 0, sizeof(big));
	big.o.sz = 4;
	O_INT("bpf_prog_test_run_opts(opts sz 4)", bpf_prog_test_run_opts(pfd, &big.o));
	big.o.sz = sizeof(big);
	big.o.data_in = pkt;
	big.o.data_size_in = sizeof(pkt);
	O_INT("bpf_prog_test_run_opts(opts big, zero tail)", bpf_prog_test_run_opts(pfd, &big.o));
	big.tail[0] = 1;
	O_INT("bpf_prog_test_run_opts(opts big, tail[0]=1)", bpf_prog_test_run_opts(pfd, &big.o));
	/* An old caller: sz covers data_size_out only; retval is not written back. */
	memset(&big, 0, sizeof(big));
	big.o.sz = offsetof(struct bpf_test_run_opts, ctx_in);
	big.o.data_in = pkt;
	big.o.data_size_in = sizeof(pkt);
	big.o.retval = 0xdead;
	O_INT("bpf_prog_test_run_opts(xdp, sz up to data_size_out)",
	      bpf_prog_test_run_opts(xfd, &big.o));
	printf("  retval=%#x\n", big.o.retval);
	close(pfd);
	close(mfd);
	close(xfd);
}

static void btf_cases(void)
{
	/* Minimal BTF: one "int" type. */
	static const struct {
		__u16 magic;
		__u8 version, flags;
		__u32 hdr_len, type_off, type_len, str_off, str_len;
		__u32 name_off, info, size, int_data;
		char strs[5];
	} __attribute__((packed)) btf = { 0xeB9F, 1, 0, 24, 0, 16, 16, 5,
					   1, 1U << 24, 4, 32, "\0int" };
	char junk[32];

	memset(junk, 0x11, sizeof(junk));
	O_FD("bpf_btf_load(int)", bpf_btf_load(&btf, sizeof(btf), NULL));
	O_FD("bpf_btf_load(junk)", bpf_btf_load(junk, sizeof(junk), NULL));
	O_FD("bpf_btf_load(NULL, 0)", bpf_btf_load(NULL, 0, NULL));
	O_FD("bpf_btf_load(NULL, 32)", bpf_btf_load(NULL, 32, NULL));
	O_FD("bpf_btf_load(int, size 10)", bpf_btf_load(&btf, 10, NULL));
	{
		LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log_buf, .log_size = sizeof(log_buf),
			    .log_level = 1);
		memset(log_buf, 0, sizeof(log_buf));
		O_FD("bpf_btf_load(junk, log 1)", bpf_btf_load(junk, sizeof(junk), &o));
		print_log_head();
		o.log_level = 0;
		memset(log_buf, 0, sizeof(log_buf));
		O_FD("bpf_btf_load(junk, log 0 + buf)", bpf_btf_load(junk, sizeof(junk), &o));
		print_log_head();
		o.log_size = 0;
		O_FD("bpf_btf_load(buf, size 0)", bpf_btf_load(&btf, sizeof(btf), &o));
		o.log_buf = NULL;
		o.log_size = 64;
		O_FD("bpf_btf_load(no buf, size 64)", bpf_btf_load(&btf, sizeof(btf), &o));
		o.log_size = 0;
		o.log_level = 1;
		O_FD("bpf_btf_load(no buf, level 1)", bpf_btf_load(&btf, sizeof(btf), &o));
		o.sz = 4;
		O_FD("bpf_btf_load(opts sz 4)", bpf_btf_load(&btf, sizeof(btf), &o));
	}
}

static void pin_get_cases(void)
{
	char path[256], path2[256];
	int mfd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "pinme", 4, 4, 1, NULL), fd;
	int nonbpf = open("/dev/null", O_RDONLY);

	snprintf(path, sizeof(path), "%s/map", pin_dir);
	snprintf(path2, sizeof(path2), "%s/missing", pin_dir);
	O_INT("bpf_obj_pin(map, new path)", bpf_obj_pin(mfd, path));
	O_INT("bpf_obj_pin(map, same path)", bpf_obj_pin(mfd, path));
	O_INT("bpf_obj_pin(map, /tmp path)", bpf_obj_pin(mfd, "/tmp/libbpfrs_oracle_not_bpffs"));
	O_INT("bpf_obj_pin(map, missing dir)", bpf_obj_pin(mfd, "/sys/fs/bpf/no/such/dir/x"));
	O_INT("bpf_obj_pin(map, \"\")", bpf_obj_pin(mfd, ""));
	O_INT("bpf_obj_pin(fd -1)", bpf_obj_pin(-1, path2));
	O_INT("bpf_obj_pin(non-bpf fd)", bpf_obj_pin(nonbpf, path2));
	O_FD("bpf_obj_get(pinned)", bpf_obj_get(path));
	O_FD("bpf_obj_get(missing)", bpf_obj_get(path2));
	O_FD("bpf_obj_get(\"\")", bpf_obj_get(""));
	O_FD("bpf_obj_get(/dev/null)", bpf_obj_get("/dev/null"));
	O_FD("bpf_obj_get(dir)", bpf_obj_get(pin_dir));
	{
		LIBBPF_OPTS(bpf_obj_get_opts, o, .file_flags = BPF_F_RDONLY);
		__u32 k = 0, v = 1;

		fd = bpf_obj_get_opts(path, &o);
		printf("bpf_obj_get_opts(RDONLY) = %s\n", fd >= 0 ? "fd" : "error");
		O_INT("  update through RDONLY fd", bpf_map_update_elem(fd, &k, &v, 0));
		O_INT("  lookup through RDONLY fd", bpf_map_lookup_elem(fd, &k, &v));
		close(fd);
		o.file_flags = BPF_F_WRONLY;
		O_FD("bpf_obj_get_opts(WRONLY)", bpf_obj_get_opts(path, &o));
		o.file_flags = BPF_F_RDONLY | BPF_F_WRONLY;
		O_FD("bpf_obj_get_opts(RDONLY|WRONLY)", bpf_obj_get_opts(path, &o));
		o.file_flags = 0x80000000;
		O_FD("bpf_obj_get_opts(junk flags)", bpf_obj_get_opts(path, &o));
		o.file_flags = 0;
		o.sz = 4;
		O_FD("bpf_obj_get_opts(opts sz 4)", bpf_obj_get_opts(path, &o));
	}
	O_FD("bpf_obj_get_opts(NULL opts)", bpf_obj_get_opts(path, NULL));
	unlink(path);
	close(mfd);
	close(nonbpf);
}

static void id_cases(void)
{
	int mfd = bpf_map_create(BPF_MAP_TYPE_HASH, "idmap", 4, 8, 2, NULL);
	int pfd = load_sf(), fd;
	struct bpf_map_info minfo;
	struct bpf_prog_info pinfo;
	__u32 len, id = 0, map_id, prog_id;
	char big_info[1024];

	/* Info by fd. */
	memset(&minfo, 0, sizeof(minfo));
	len = sizeof(minfo);
	O_INT("bpf_obj_get_info_by_fd(map)", bpf_obj_get_info_by_fd(mfd, &minfo, &len));
	printf("  len=%u type=%u key=%u value=%u max=%u flags=%#x name=%s id=%s\n", len, minfo.type,
	       minfo.key_size, minfo.value_size, minfo.max_entries, minfo.map_flags, minfo.name,
	       minfo.id ? "id" : "0");
	map_id = minfo.id;
	len = 8;
	memset(&minfo, 0, sizeof(minfo));
	O_INT("bpf_obj_get_info_by_fd(map, len 8)", bpf_obj_get_info_by_fd(mfd, &minfo, &len));
	printf("  len=%u type=%u key=%u value=%u\n", len, minfo.type, minfo.key_size,
	       minfo.value_size);
	len = 0;
	O_INT("bpf_obj_get_info_by_fd(map, len 0)", bpf_obj_get_info_by_fd(mfd, &minfo, &len));
	printf("  len=%u\n", len);
	memset(big_info, 0, sizeof(big_info));
	len = sizeof(big_info);
	O_INT("bpf_obj_get_info_by_fd(map, len 1024 zero)",
	      bpf_obj_get_info_by_fd(mfd, big_info, &len));
	printf("  len=%u\n", len);
	big_info[1000] = 1;
	len = sizeof(big_info);
	O_INT("bpf_obj_get_info_by_fd(map, len 1024 nonzero tail)",
	      bpf_obj_get_info_by_fd(mfd, big_info, &len));
	len = sizeof(minfo);
	O_INT("bpf_obj_get_info_by_fd(map, info NULL)", bpf_obj_get_info_by_fd(mfd, NULL, &len));
	O_INT("bpf_obj_get_info_by_fd(fd -1)", bpf_obj_get_info_by_fd(-1, &minfo, &len));
	O_INT("bpf_obj_get_info_by_fd(fd 0 /dev/null)", bpf_obj_get_info_by_fd(0, &minfo, &len));
	memset(&pinfo, 0, sizeof(pinfo));
	len = sizeof(pinfo);
	O_INT("bpf_obj_get_info_by_fd(prog)", bpf_obj_get_info_by_fd(pfd, &pinfo, &len));
	printf("  len=%u type=%u name=%s tag=%02x%02x%02x%02x%02x%02x%02x%02x xlated=%u gpl=%u "
	       "nr_map_ids=%u id=%s\n",
	       len, pinfo.type, pinfo.name, pinfo.tag[0], pinfo.tag[1], pinfo.tag[2], pinfo.tag[3],
	       pinfo.tag[4], pinfo.tag[5], pinfo.tag[6], pinfo.tag[7], pinfo.xlated_prog_len,
	       pinfo.gpl_compatible, pinfo.nr_map_ids, pinfo.id ? "id" : "0");
	prog_id = pinfo.id;

	/* Next ids. */
	O_INT("bpf_map_get_next_id(0)", bpf_map_get_next_id(0, &id));
	O_INT("bpf_map_get_next_id(UINT32_MAX)", bpf_map_get_next_id(UINT32_MAX, &id));
	O_INT("bpf_prog_get_next_id(UINT32_MAX)", bpf_prog_get_next_id(UINT32_MAX, &id));
	O_INT("bpf_btf_get_next_id(UINT32_MAX)", bpf_btf_get_next_id(UINT32_MAX, &id));
	O_INT("bpf_link_get_next_id(UINT32_MAX)", bpf_link_get_next_id(UINT32_MAX, &id));
	O_INT("bpf_map_get_next_id(UINT32_MAX, NULL)", bpf_map_get_next_id(UINT32_MAX, NULL));
	O_INT("bpf_map_get_next_id(map_id - 1) finds it",
	      bpf_map_get_next_id(map_id - 1, &id) == 0 && id == map_id);
	O_INT("bpf_prog_get_next_id(prog_id - 1) finds it",
	      bpf_prog_get_next_id(prog_id - 1, &id) == 0 && id == prog_id);

	/* fd by id. */
	O_FD("bpf_map_get_fd_by_id(map id)", bpf_map_get_fd_by_id(map_id));
	O_FD("bpf_map_get_fd_by_id(0)", bpf_map_get_fd_by_id(0));
	O_FD("bpf_map_get_fd_by_id(UINT32_MAX)", bpf_map_get_fd_by_id(UINT32_MAX));
	O_FD("bpf_prog_get_fd_by_id(prog id)", bpf_prog_get_fd_by_id(prog_id));
	O_FD("bpf_prog_get_fd_by_id(0)", bpf_prog_get_fd_by_id(0));
	O_FD("bpf_btf_get_fd_by_id(0)", bpf_btf_get_fd_by_id(0));
	O_FD("bpf_link_get_fd_by_id(0)", bpf_link_get_fd_by_id(0));
	O_FD("bpf_link_get_fd_by_id(UINT32_MAX)", bpf_link_get_fd_by_id(UINT32_MAX));
	{
		LIBBPF_OPTS(bpf_get_fd_by_id_opts, o, .open_flags = BPF_F_RDONLY);
		__u32 k = 0;
		__u64 v = 0;

		fd = bpf_map_get_fd_by_id_opts(map_id, &o);
		printf("bpf_map_get_fd_by_id_opts(RDONLY) = %s\n", fd >= 0 ? "fd" : "error");
		O_INT("  update through RDONLY fd", bpf_map_update_elem(fd, &k, &v, 0));
		close(fd);
		o.open_flags = 0x80000000;
		O_FD("bpf_map_get_fd_by_id_opts(junk flags)", bpf_map_get_fd_by_id_opts(map_id, &o));
		O_FD("bpf_prog_get_fd_by_id_opts(junk flags)",
		     bpf_prog_get_fd_by_id_opts(prog_id, &o));
		o.open_flags = BPF_F_RDONLY;
		O_FD("bpf_prog_get_fd_by_id_opts(RDONLY)", bpf_prog_get_fd_by_id_opts(prog_id, &o));
		o.open_flags = 0;
		O_FD("bpf_btf_get_fd_by_id_opts(0)", bpf_btf_get_fd_by_id_opts(0, &o));
		O_FD("bpf_link_get_fd_by_id_opts(0)", bpf_link_get_fd_by_id_opts(0, &o));
		o.sz = 4;
		O_FD("bpf_map_get_fd_by_id_opts(opts sz 4)", bpf_map_get_fd_by_id_opts(map_id, &o));
		O_FD("bpf_prog_get_fd_by_id_opts(opts sz 4)", bpf_prog_get_fd_by_id_opts(prog_id, &o));
		O_FD("bpf_btf_get_fd_by_id_opts(opts sz 4)", bpf_btf_get_fd_by_id_opts(1, &o));
		O_FD("bpf_link_get_fd_by_id_opts(opts sz 4)", bpf_link_get_fd_by_id_opts(1, &o));
	}
	O_FD("bpf_map_get_fd_by_id_opts(NULL opts)", bpf_map_get_fd_by_id_opts(map_id, NULL));
	close(mfd);
	close(pfd);
}

static void attach_link_cases(void)
{
	int cg, pfd, pfd2, sfd, link, mfd;
	__u32 ids[4], cnt, attach_flags;

	cg = open(cg_dir, O_RDONLY | O_DIRECTORY);
	if (cg < 0) {
		printf("attach/link cases: no cgroup v2 directory\n");
		return;
	}
	pfd = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "c1", "GPL", ret1, 2, NULL);
	pfd2 = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "c2", "GPL", ret1, 2, NULL);
	sfd = load_sf();
	mfd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "m", 4, 4, 1, NULL);

	cnt = 4;
	O_INT("bpf_prog_query(empty cgroup)",
	      bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, &attach_flags, ids, &cnt));
	printf("  cnt=%u attach_flags=%u\n", cnt, attach_flags);
	O_INT("bpf_prog_attach(sf to cgroup)", bpf_prog_attach(sfd, cg, BPF_CGROUP_INET_INGRESS, 0));
	O_INT("bpf_prog_attach(fd -1)", bpf_prog_attach(-1, cg, BPF_CGROUP_INET_INGRESS, 0));
	O_INT("bpf_prog_attach(target -1)", bpf_prog_attach(pfd, -1, BPF_CGROUP_INET_INGRESS, 0));
	O_INT("bpf_prog_attach(bad type 200)", bpf_prog_attach(pfd, cg, 200, 0));
	O_INT("bpf_prog_attach(junk flags)", bpf_prog_attach(pfd, cg, BPF_CGROUP_INET_INGRESS, 0xff));
	O_INT("bpf_prog_attach(cgroup_skb ingress)",
	      bpf_prog_attach(pfd, cg, BPF_CGROUP_INET_INGRESS, 0));
	O_INT("bpf_prog_attach(again, no MULTI)",
	      bpf_prog_attach(pfd2, cg, BPF_CGROUP_INET_INGRESS, 0));
	cnt = 4;
	O_INT("bpf_prog_query(one attached)",
	      bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, &attach_flags, ids, &cnt));
	printf("  cnt=%u attach_flags=%u\n", cnt, attach_flags);
	cnt = 0;
	O_INT("bpf_prog_query(cnt 0)",
	      bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, &attach_flags, ids, &cnt));
	printf("  cnt=%u\n", cnt);
	{
		LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .prog_cnt = 4);
		O_INT("bpf_prog_query_opts", bpf_prog_query_opts(cg, BPF_CGROUP_INET_INGRESS, &q));
		printf("  prog_cnt=%u attach_flags=%u\n", q.prog_cnt, q.attach_flags);
		q.sz = 4;
		O_INT("bpf_prog_query_opts(sz 4)", bpf_prog_query_opts(cg, BPF_CGROUP_INET_INGRESS, &q));
	}
	O_INT("bpf_prog_query(fd -1)", bpf_prog_query(-1, BPF_CGROUP_INET_INGRESS, 0, NULL, NULL, &cnt));
	O_INT("bpf_prog_detach2(other prog)", bpf_prog_detach2(pfd2, cg, BPF_CGROUP_INET_INGRESS));
	O_INT("bpf_prog_detach2(attached)", bpf_prog_detach2(pfd, cg, BPF_CGROUP_INET_INGRESS));
	O_INT("bpf_prog_detach(nothing attached)", bpf_prog_detach(cg, BPF_CGROUP_INET_INGRESS));
	{
		LIBBPF_OPTS(bpf_prog_attach_opts, a, .flags = BPF_F_ALLOW_MULTI);
		O_INT("bpf_prog_attach_opts(MULTI)",
		      bpf_prog_attach_opts(pfd, cg, BPF_CGROUP_INET_EGRESS, &a));
		a.flags = BPF_F_ALLOW_MULTI | BPF_F_REPLACE;
		a.replace_prog_fd = pfd2;
		O_INT("bpf_prog_attach_opts(REPLACE wrong old)",
		      bpf_prog_attach_opts(pfd2, cg, BPF_CGROUP_INET_EGRESS, &a));
		a.replace_prog_fd = pfd;
		O_INT("bpf_prog_attach_opts(REPLACE)",
		      bpf_prog_attach_opts(pfd2, cg, BPF_CGROUP_INET_EGRESS, &a));
		a.sz = 4;
		O_INT("bpf_prog_attach_opts(sz 4)",
		      bpf_prog_attach_opts(pfd, cg, BPF_CGROUP_INET_EGRESS, &a));
		O_INT("bpf_prog_detach2(replaced)", bpf_prog_detach2(pfd2, cg, BPF_CGROUP_INET_EGRESS));
	}

	/* Links. */
	link = bpf_link_create(pfd, cg, BPF_CGROUP_INET_INGRESS, NULL);
	printf("bpf_link_create(cgroup ingress) = %s\n", link >= 0 ? "fd" : "error");
	O_FD("bpf_link_create(same again)", bpf_link_create(pfd, cg, BPF_CGROUP_INET_INGRESS, NULL));
	O_FD("bpf_link_create(sf)", bpf_link_create(sfd, cg, BPF_CGROUP_INET_INGRESS, NULL));
	O_FD("bpf_link_create(prog -1)", bpf_link_create(-1, cg, BPF_CGROUP_INET_INGRESS, NULL));
	O_FD("bpf_link_create(target -1)", bpf_link_create(pfd, -1, BPF_CGROUP_INET_INGRESS, NULL));
	O_FD("bpf_link_create(type 200)", bpf_link_create(pfd, cg, 200, NULL));
	{
		LIBBPF_OPTS(bpf_link_create_opts, l, .flags = 0xff);
		O_FD("bpf_link_create(flags junk)",
		     bpf_link_create(pfd, cg, BPF_CGROUP_INET_EGRESS, &l));
		l.flags = 0;
		l.sz = 4;
		O_FD("bpf_link_create(opts sz 4)",
		     bpf_link_create(pfd, cg, BPF_CGROUP_INET_EGRESS, &l));
		l.sz = sizeof(l);
		l.iter_info_len = 8;
		O_FD("bpf_link_create(iter_info_len without info)",
		     bpf_link_create(pfd, cg, BPF_CGROUP_INET_EGRESS, &l));
		l.iter_info_len = 0;
		l.target_btf_id = 5;
		O_FD("bpf_link_create(target_btf_id 5)",
		     bpf_link_create(pfd, cg, BPF_CGROUP_INET_EGRESS, &l));
	}
	O_INT("bpf_link_update(new prog)", bpf_link_update(link, pfd2, NULL));
	{
		LIBBPF_OPTS(bpf_link_update_opts, u, .flags = BPF_F_REPLACE, .old_prog_fd = pfd);
		O_INT("bpf_link_update(REPLACE wrong old)", bpf_link_update(link, pfd, &u));
		u.old_prog_fd = pfd2;
		O_INT("bpf_link_update(REPLACE)", bpf_link_update(link, pfd, &u));
		u.flags = 0xff;
		O_INT("bpf_link_update(junk flags)", bpf_link_update(link, pfd, &u));
		u.flags = 0;
		u.sz = 4;
		O_INT("bpf_link_update(sz 4)", bpf_link_update(link, pfd, &u));
	}
	O_INT("bpf_link_update(sf)", bpf_link_update(link, sfd, NULL));
	O_INT("bpf_link_update(link -1)", bpf_link_update(-1, pfd, NULL));
	O_INT("bpf_link_update(map as link)", bpf_link_update(mfd, pfd, NULL));
	O_FD("bpf_iter_create(cgroup link)", bpf_iter_create(link));
	O_FD("bpf_iter_create(-1)", bpf_iter_create(-1));
	{
		struct bpf_link_info info;
		__u32 len = sizeof(info);

		memset(&info, 0, sizeof(info));
		O_INT("bpf_obj_get_info_by_fd(link)", bpf_obj_get_info_by_fd(link, &info, &len));
		printf("  type=%u attach_type=%u id=%s prog_id=%s\n", info.type,
		       info.cgroup.attach_type, info.id ? "id" : "0", info.prog_id ? "id" : "0");
	}
	O_INT("bpf_link_detach(link)", bpf_link_detach(link));
	O_INT("bpf_link_detach(again)", bpf_link_detach(link));
	O_INT("bpf_link_detach(map fd)", bpf_link_detach(mfd));
	O_INT("bpf_link_detach(-1)", bpf_link_detach(-1));
	close(link);

	/* Other attach-side calls. */
	O_FD("bpf_raw_tracepoint_open(\"sys_enter\", sf)", bpf_raw_tracepoint_open("sys_enter", sfd));
	O_FD("bpf_raw_tracepoint_open(NULL, -1)", bpf_raw_tracepoint_open(NULL, -1));
	O_INT("bpf_prog_bind_map(sf, map)", bpf_prog_bind_map(sfd, mfd, NULL));
	O_INT("bpf_prog_bind_map(sf, map) again", bpf_prog_bind_map(sfd, mfd, NULL));
	O_INT("bpf_prog_bind_map(-1, map)", bpf_prog_bind_map(-1, mfd, NULL));
	O_INT("bpf_prog_bind_map(sf, -1)", bpf_prog_bind_map(sfd, -1, NULL));
	{
		LIBBPF_OPTS(bpf_prog_bind_opts, b, .flags = 1);
		O_INT("bpf_prog_bind_map(flags 1)", bpf_prog_bind_map(sfd, mfd, &b));
		b.flags = 0;
		b.sz = 4;
		O_INT("bpf_prog_bind_map(opts sz 4)", bpf_prog_bind_map(sfd, mfd, &b));
	}
	O_FD("bpf_enable_stats(RUN_TIME)", bpf_enable_stats(BPF_STATS_RUN_TIME));
	O_FD("bpf_enable_stats(99)", bpf_enable_stats((enum bpf_stats_type)99));
	{
		char buf[64];
		__u32 buf_len = sizeof(buf), prog_id, fd_type;
		__u64 off, addr;

		O_INT("bpf_task_fd_query(self, map fd)",
		      bpf_task_fd_query(getpid(), mfd, 0, buf, &buf_len, &prog_id, &fd_type, &off,
					&addr));
		O_INT("bpf_task_fd_query(self, fd -1)",
		      bpf_task_fd_query(getpid(), -1, 0, buf, &buf_len, &prog_id, &fd_type, &off,
					&addr));
		O_INT("bpf_task_fd_query(pid -1)",
		      bpf_task_fd_query(-1, mfd, 0, buf, &buf_len, &prog_id, &fd_type, &off, &addr));
		O_INT("bpf_task_fd_query(flags 1)",
		      bpf_task_fd_query(getpid(), mfd, 1, buf, &buf_len, &prog_id, &fd_type, &off,
					&addr));
	}
	close(pfd);
	close(pfd2);
	close(sfd);
	close(mfd);
	close(cg);
}

int main(void)
{
	o_require_root();
	o_stdin_devnull();
	libbpf_set_print(NULL);
	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/libbpfrs_oracle_%d", (int)getpid());
	snprintf(cg_dir, sizeof(cg_dir), "/sys/fs/cgroup/unified/libbpfrs_oracle_%d", (int)getpid());
	if (mkdir(pin_dir, 0700) && errno != EEXIST) {
		printf("SKIP: cannot create %s\n", pin_dir);
		return 77;
	}
	if (mkdir(cg_dir, 0755) && errno != EEXIST)
		cg_dir[0] = 0;

	prog_load_cases();
	test_run_cases();
	btf_cases();
	pin_get_cases();
	id_cases();
	attach_link_cases();

	rmdir(pin_dir);
	if (cg_dir[0])
		rmdir(cg_dir);
	return o_done();
}
