/* struct_ops maps on the real kernel (c-tests/bpf/so_cc.bpf.c, a TCP congestion
 * control): open, load, bpf_map__attach_struct_ops registers it (it appears in
 * /proc/sys/net/ipv4/tcp_available_congestion_control, a loopback TCP
 * connection can use it and runs its init program), the link's fd is the map's,
 * destroying the link unregisters it; three rounds with the fd count equal
 * before and after; NULL, unloaded, non-struct_ops maps, a second attach, and
 * bpf_link__detach / bpf_program__attach on what has no BPF link. The
 * congestion controls are named `bpfrs_so_cc*`. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "harness.h"
#include "bpfobj.h"

static char obj_path[512];

static int cc_listed(const char *name)
{
	char buf[1024], *tok, *save;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "r");
	int found = 0;

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		found |= !strcmp(tok, name);
	return found;
}

/* A loopback TCP connection whose client uses congestion control `cc`; 0 or -1. */
static int connect_with(const char *cc)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int srv = socket(AF_INET, SOCK_STREAM, 0), cli = socket(AF_INET, SOCK_STREAM, 0);
	char got[16] = "";
	socklen_t glen = sizeof(got);
	int ret = -1, acc;

	if (srv < 0 || cli < 0)
		goto out;
	if (bind(srv, (struct sockaddr *)&a, sizeof(a)) || listen(srv, 1) ||
	    getsockname(srv, (struct sockaddr *)&a, &alen))
		goto out;
	CHECK_RET(setsockopt(cli, IPPROTO_TCP, TCP_CONGESTION, cc, strlen(cc)), 0, 0);
	if (connect(cli, (struct sockaddr *)&a, sizeof(a)))
		goto out;
	acc = accept(srv, NULL, NULL);
	CHECK(acc >= 0, "accept: %s", strerror(errno));
	CHECK(send(cli, "hello", 5, 0) == 5, "send: %s", strerror(errno));
	CHECK_RET(getsockopt(cli, IPPROTO_TCP, TCP_CONGESTION, got, &glen), 0, 0);
	CHECK(!strcmp(got, cc), "socket congestion control %s, expected %s", got, cc);
	if (acc >= 0)
		close(acc);
	ret = 0;
out:
	if (srv >= 0)
		close(srv);
	if (cli >= 0)
		close(cli);
	return ret;
}

static __u64 init_calls(struct bpf_object *obj)
{
	struct bpf_map *m;
	__u64 v = 0;
	__u32 k = 0;

	bpf_object__for_each_map(m, obj)
		if (bpf_map__type(m) == BPF_MAP_TYPE_ARRAY && strstr(bpf_map__name(m), ".bss"))
			bpf_map_lookup_elem(bpf_map__fd(m), &k, &v);
	return v;
}

/* One open/load/attach/use/destroy/close round. */
static void round_trip(int check_errors)
{
	struct bpf_object *obj = bpf_object__open_file(obj_path, NULL);
	struct bpf_map *cc, *bss = NULL, *m;
	struct bpf_program *p;
	struct bpf_link *l;

	CHECK(obj != NULL, "open: %s", strerror(errno));
	if (!obj)
		return;
	cc = bpf_object__find_map_by_name(obj, "so_cc");
	CHECK(cc != NULL, "no map so_cc");
	bpf_object__for_each_map(m, obj)
		if (bpf_map__type(m) != BPF_MAP_TYPE_STRUCT_OPS)
			bss = m;
	CHECK_EQ(bpf_map__type(cc), BPF_MAP_TYPE_STRUCT_OPS);
	CHECK_EQ(bpf_map__key_size(cc), 4);
	if (check_errors) {
		CHECK(bpf_map__attach_struct_ops(cc) == NULL && errno == EINVAL,
		      "attach before load: errno %d", errno);
	}
	CHECK_RET(bpf_object__load(obj), 0, 0);
	bpf_object__for_each_program(p, obj) {
		CHECK_EQ(bpf_program__type(p), BPF_PROG_TYPE_STRUCT_OPS);
		CHECK(bpf_program__fd(p) >= 0, "%s not loaded", bpf_program__name(p));
	}
	CHECK_EQ(cc_listed("bpfrs_so_cc"), 0);
	l = bpf_map__attach_struct_ops(cc);
	CHECK(l != NULL, "attach: %s", strerror(errno));
	if (!l) {
		bpf_object__close(obj);
		return;
	}
	CHECK_EQ(cc_listed("bpfrs_so_cc"), 1);
	CHECK_EQ(cc_listed("bpfrs_so_cc2"), 0);
	CHECK_EQ(bpf_link__fd(l), bpf_map__fd(cc));
	CHECK_EQ(connect_with("bpfrs_so_cc"), 0);
	CHECK(init_calls(obj) >= 1, "init ran %llu times", (unsigned long long)init_calls(obj));
	if (check_errors) {
		errno = 0;
		CHECK(bpf_map__attach_struct_ops(cc) == NULL && errno == EBUSY,
		      "second attach: errno %d", errno);
		CHECK(bpf_map__attach_struct_ops(NULL) == NULL && errno == EINVAL,
		      "NULL map: errno %d", errno);
		CHECK(bss && bpf_map__attach_struct_ops(bss) == NULL && errno == EINVAL,
		      ".bss map: errno %d", errno);
		CHECK_RET(bpf_link__detach(l), -EINVAL, EINVAL);
		CHECK_EQ(cc_listed("bpfrs_so_cc"), 1);
		bpf_object__for_each_program(p, obj)
			CHECK(bpf_program__attach(p) == NULL && errno == EOPNOTSUPP,
			      "bpf_program__attach(%s): errno %d", bpf_program__name(p), errno);
	}
	CHECK_RET(bpf_link__destroy(l), 0, 0);
	CHECK_EQ(cc_listed("bpfrs_so_cc"), 0);
	bpf_object__close(obj);
}

int main(void)
{
	int fds, i, r;

	require_root();
	if (access("/proc/sys/net/ipv4/tcp_available_congestion_control", R_OK))
		h_skip("no /proc/sys/net/ipv4/tcp_available_congestion_control");
	r = bpfobj_build("so_cc", "so_cc.o", "-g", obj_path, sizeof(obj_path));
	if (r == 77)
		h_skip("clang not installed");
	CHECK_EQ(r, 0);
	if (r)
		return h_done("struct_ops");
	round_trip(1);
	fds = h_count_fds();
	for (i = 0; i < 3; i++)
		round_trip(0);
	CHECK_EQ(h_count_fds(), fds);
	bpfobj_clean("so_cc", "so_cc.o");
	return h_done("struct_ops");
}
