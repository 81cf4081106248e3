/* BTF-typed programs against the real kernel, their targets found in
 * /sys/kernel/btf/vmlinux: a tp_btf program attached with bpf_link_create and
 * with bpf_raw_tracepoint_open(NULL, ...), an fentry link carrying a
 * tracing.cookie, and a map-element iterator (iter_info in bpf_link_create_opts)
 * read through bpf_iter_create. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "harness.h"

#include "insns.h"

static const struct bpf_insn ret0[] = { MOV64_IMM(0, 0), EXIT_INSN() };

static int strict;
#define KERR(e) (strict ? -(e) : -1)

static void set_mode(int s)
{
	strict = s;
	libbpf_set_strict_mode(s ? LIBBPF_STRICT_ALL : LIBBPF_STRICT_NONE);
}

static char *vmlinux;
static size_t vmlinux_len;

static int read_vmlinux_btf(void)
{
	struct stat st;
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	/* sysfs reports the real size for this file. */
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return -1;
	}
	vmlinux = malloc(st.st_size);
	while (vmlinux && got < (size_t)st.st_size &&
	       (n = read(fd, vmlinux + got, st.st_size - got)) > 0)
		got += n;
	close(fd);
	vmlinux_len = got;
	return vmlinux && got == (size_t)st.st_size ? 0 : -1;
}

/* The id of the first type of `kind` named `name`, or 0. */
static __u32 btf_find(const char *name, unsigned int kind)
{
	const struct btf_header *h = (const void *)vmlinux;
	const char *types, *strs, *p, *end;
	__u32 id = 1;

	if (vmlinux_len < sizeof(*h) || h->magic != BTF_MAGIC ||
	    (size_t)h->hdr_len + h->str_off + h->str_len > vmlinux_len)
		return 0;
	types = vmlinux + h->hdr_len + h->type_off;
	strs = vmlinux + h->hdr_len + h->str_off;
	end = types + h->type_len;
	for (p = types; p + sizeof(struct btf_type) <= end; id++) {
		const struct btf_type *t = (const void *)p;
		unsigned int k = BTF_INFO_KIND(t->info), vlen = BTF_INFO_VLEN(t->info);

		if (k == kind && t->name_off < h->str_len && !strcmp(strs + t->name_off, name))
			return id;
		p += sizeof(*t);
		switch (k) {
		case BTF_KIND_INT:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
			p += 4;
			break;
		case BTF_KIND_ARRAY:
			p += sizeof(struct btf_array);
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			p += vlen * sizeof(struct btf_member);
			break;
		case BTF_KIND_ENUM:
			p += vlen * sizeof(struct btf_enum);
			break;
		case BTF_KIND_ENUM64:
			p += vlen * 12;
			break;
		case BTF_KIND_FUNC_PROTO:
			p += vlen * sizeof(struct btf_param);
			break;
		case BTF_KIND_DATASEC:
			p += vlen * sizeof(struct btf_var_secinfo);
			break;
		default:
			break;
		}
	}
	return 0;
}

static int load_tracing(enum bpf_attach_type type, __u32 btf_id, const char *name)
{
	char log[4096];
	int fd;

	log[0] = 0;
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = type, .attach_btf_id = btf_id,
		    .log_buf = log, .log_size = sizeof(log));
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, name, "GPL", ret0, 2, &o);
	CHECK(fd > 2, "%s: %d (%s) %s", name, fd, strerror(errno), log);
	return fd;
}

static void tp_btf(void)
{
	__u32 id = btf_find("btf_trace_sys_enter", BTF_KIND_TYPEDEF);
	int prog, link, fd, fds;

	CHECK(id > 0, "btf_trace_sys_enter not in vmlinux BTF");
	if (!id)
		return;
	prog = load_tracing(BPF_TRACE_RAW_TP, id, "tp_btf");
	if (prog < 0)
		return;
	link = bpf_link_create(prog, 0, BPF_TRACE_RAW_TP, NULL);
	CHECK(link > 2, "bpf_link_create(tp_btf): %d (%s)", link, strerror(errno));
	close(link);
	fd = bpf_raw_tracepoint_open(NULL, prog);
	CHECK(fd > 2, "bpf_raw_tracepoint_open(NULL): %d (%s)", fd, strerror(errno));
	close(fd);
	/* The wrong attach type, no target, no options: the kernel's EINVAL sends
	 * libbpf to BPF_RAW_TRACEPOINT_OPEN(NULL, prog), which attaches it. */
	fd = bpf_link_create(prog, 0, BPF_TRACE_FENTRY, NULL);
	CHECK(fd > 2, "bpf_link_create fallback: %d (%s)", fd, strerror(errno));
	close(fd);

	fds = h_count_fds();
	for (int s = 0; s <= 1; s++) {
		set_mode(s);
		/* A BTF-typed program names its target at load: a name is refused. */
		CHECK_RET(bpf_raw_tracepoint_open("sys_enter", prog), KERR(EINVAL), EINVAL);
		/* The wrong attach type with a target: the kernel's EINVAL, no fallback. */
		CHECK_RET(bpf_link_create(prog, 1, BPF_TRACE_FENTRY, NULL), KERR(EINVAL), EINVAL);
		LIBBPF_OPTS(bpf_link_create_opts, ck, .tracing.cookie = 1);
		CHECK_RET(bpf_link_create(prog, 0, BPF_TRACE_FENTRY, &ck), KERR(EINVAL), EINVAL);
	}
	set_mode(0);
	CHECK_EQ(h_count_fds(), fds);
	close(prog);
}

static void fentry(void)
{
	__u32 id = btf_find("bpf_fentry_test1", BTF_KIND_FUNC);
	int prog, link;

	if (!id) {
		h_missing("bpf_fentry_test1 not in vmlinux BTF, fentry part not run");
		return;
	}
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = id);
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "fentry", "GPL", ret0, 2, &lo);
	if (prog < 0) {
		printf("note: fentry programs not loadable here (%s), fentry part not run\n",
		       strerror(errno));
		return;
	}
	LIBBPF_OPTS(bpf_link_create_opts, o, .tracing.cookie = 0x1234);
	link = bpf_link_create(prog, 0, BPF_TRACE_FENTRY, &o);
	CHECK(link > 2, "bpf_link_create(fentry, cookie): %d (%s)", link, strerror(errno));
	close(link);
	for (int s = 0; s <= 1; s++) {
		set_mode(s);
		/* Bytes past tracing.cookie in the union: -EINVAL before the kernel. */
		LIBBPF_OPTS(bpf_link_create_opts, bad, .kprobe_multi.syms = (const char **)8);
		CHECK_RET(bpf_link_create(prog, 0, BPF_TRACE_FENTRY, &bad), -EINVAL, EINVAL);
	}
	set_mode(0);
	close(prog);
}

/* The same tracing load as load_tracing, by the raw bpf() syscall: the errno the
 * kernel itself gives, to tell a refusal of this machine's kernel build
 * (lockdown: EPERM for iterator programs on some builds) from one of ours. */
static int raw_tracing_errno(enum bpf_attach_type type, __u32 btf_id)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_TRACING;
	a.expected_attach_type = type;
	a.attach_btf_id = btf_id;
	a.insns = (__u64)(unsigned long)ret0;
	a.insn_cnt = 2;
	a.license = (__u64)(unsigned long)"GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static void iterator(void)
{
	__u32 id = btf_find("bpf_iter_bpf_map_elem", BTF_KIND_FUNC);
	union bpf_iter_link_info linfo;
	int prog, map, link, it, fds;
	char buf[64];

	CHECK(id > 0, "bpf_iter_bpf_map_elem not in vmlinux BTF");
	if (!id)
		return;
	if (raw_tracing_errno(BPF_TRACE_ITER, id) == EPERM) {
		/* The kernel refuses the raw load: check that we report the same. */
		LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_ITER,
			    .attach_btf_id = id);
		CHECK_RET(bpf_prog_load(BPF_PROG_TYPE_TRACING, "iter_elem", "GPL", ret0, 2, &o),
			  KERR(EPERM), EPERM);
		printf("note: this kernel build refuses iterator programs (EPERM on the raw "
		       "syscall too), iterator part not run\n");
		return;
	}
	prog = load_tracing(BPF_TRACE_ITER, id, "iter_elem");
	map = bpf_map_create(BPF_MAP_TYPE_HASH, "iter_map", 4, 4, 4, NULL);
	CHECK(map > 2, "map: %d", map);
	if (prog < 0 || map < 0)
		return;
	memset(&linfo, 0, sizeof(linfo));
	linfo.map.map_fd = map;
	LIBBPF_OPTS(bpf_link_create_opts, o, .iter_info = &linfo, .iter_info_len = sizeof(linfo));
	link = bpf_link_create(prog, 0, BPF_TRACE_ITER, &o);
	CHECK(link > 2, "bpf_link_create(iter): %d (%s)", link, strerror(errno));
	it = bpf_iter_create(link);
	CHECK(it > 2, "bpf_iter_create: %d (%s)", it, strerror(errno));
	/* The program prints nothing: the walk reads as empty. */
	CHECK_EQ(read(it, buf, sizeof(buf)), 0);
	close(it);

	fds = h_count_fds();
	for (int s = 0; s <= 1; s++) {
		set_mode(s);
		/* The element iterator needs its map. */
		CHECK_RET(bpf_link_create(prog, 0, BPF_TRACE_ITER, NULL), KERR(EBADF), EBADF);
		/* iter_info_len with target_btf_id: -EINVAL before the kernel. */
		LIBBPF_OPTS(bpf_link_create_opts, bad, .iter_info = &linfo,
			    .iter_info_len = sizeof(linfo), .target_btf_id = 1);
		CHECK_RET(bpf_link_create(prog, 0, BPF_TRACE_ITER, &bad), -EINVAL, EINVAL);
		CHECK_RET(bpf_iter_create(map), KERR(EINVAL), EINVAL);
	}
	set_mode(0);
	CHECK_EQ(h_count_fds(), fds);
	close(link);
	close(map);
	close(prog);
}

int main(void)
{
	require_root();
	if (read_vmlinux_btf())
		h_skip("no readable /sys/kernel/btf/vmlinux");
	tp_btf();
	fentry();
	iterator();
	free(vmlinux);
	return h_done("prog_link_btf");
}
