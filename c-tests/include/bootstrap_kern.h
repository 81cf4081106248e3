/* The libbpf-bootstrap scenarios on kernel-side hooks (see bootstrap.h): tc on
 * `lo` of a private network namespace, the task iterator, ksyscall and fentry.
 * The last three meet kernels that refuse them (no kprobes, tracing loads
 * refused with EPERM); each result records the step and errno of a refusal. */
#ifndef LIBBPFRS_BOOTSTRAP_KERN_H
#define LIBBPFRS_BOOTSTRAP_KERN_H

#include "bootstrap.h"
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "bs_tc.skel.h"
#include "bs_iter.skel.h"
#include "bs_ksyscall.skel.h"
#include "bs_fentry.skel.h"

/* ---- tc: a classifier on lo's ingress, counting UDP sent to a port --------- */

#define BS_TC_PORT 40123
#define BS_TC_PACKETS 5
#define BS_TC_PAYLOAD 21

struct bs_tc_result {
	int netns, load, hook_create, attach, query, detach, hook_destroy, sent;
	bool prog_id_matches, query_id_matches;
	unsigned long long n_match;
	unsigned len, ifindex, ttl, tot_len, lo_ifindex;
};

/* Moves this process into a new network namespace and brings its lo up. */
static inline int bs_private_lo(void)
{
	struct ifreq ifr = {};
	int s, err;

	if (unshare(CLONE_NEWNET))
		return -errno;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	err = ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (!err)
		err = ioctl(s, SIOCSIFFLAGS, &ifr);
	err = err ? -errno : 0;
	close(s);
	return err;
}

/* Sends `n` UDP datagrams of BS_TC_PAYLOAD bytes to 127.0.0.1:BS_TC_PORT, where
 * a socket receives them. The number received, or -errno. */
static inline int bs_udp_lo(int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(BS_TC_PORT) };
	char buf[BS_TC_PAYLOAD] = "libbpf-bootstrap tc..";
	struct timeval tv = { .tv_sec = 1 };
	int rx, tx, i, got = 0;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&a, sizeof(a)) ||
	    setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		got = -errno;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (sendto(tx, buf, sizeof(buf), 0, (struct sockaddr *)&a, sizeof(a)) != sizeof(buf)) {
			got = -errno;
			goto out;
		}
	for (i = 0; i < n; i++)
		if (recv(rx, buf, sizeof(buf), 0) == sizeof(buf))
			got++;
out:
	if (rx >= 0)
		close(rx);
	if (tx >= 0)
		close(tx);
	return got;
}

static inline int bs_run_tc(struct bs_tc_result *r)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1);
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = 1, .priority = 1);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct bs_tc *skel;

	memset(r, 0, sizeof(*r));
	r->netns = bs_private_lo();
	bs_ret("tc: private netns with lo up", r->netns);
	if (r->netns)
		return -1;
	r->lo_ifindex = if_nametoindex("lo");
	hook.ifindex = (int)r->lo_ifindex;
	skel = bs_ptr("tc: bs_tc__open()", bs_tc__open());
	if (!skel)
		return -1;
	skel->rodata->targ_port = BS_TC_PORT;
	r->load = bs_tc__load(skel);
	bs_ret("tc: bs_tc__load()", r->load);
	if (r->load)
		goto out;
	r->hook_create = bpf_tc_hook_create(&hook);
	bs_ret("tc: bpf_tc_hook_create(lo, ingress)", r->hook_create);
	opts.prog_fd = bpf_program__fd(skel->progs.tc_ingress);
	r->attach = bpf_tc_attach(&hook, &opts);
	bs_ret("tc: bpf_tc_attach(handle 1, priority 1)", r->attach);
	if (r->attach)
		goto destroy;
	if (!bpf_obj_get_info_by_fd(opts.prog_fd, &info, &len))
		r->prog_id_matches = opts.prog_id == info.id;
	r->query = bpf_tc_query(&hook, &q);
	bs_ret("tc: bpf_tc_query(handle 1, priority 1)", r->query);
	r->query_id_matches = q.prog_id == info.id;
	bs_say("tc: opts.prog_id matches the program=%d, query's=%d", r->prog_id_matches,
	       r->query_id_matches);
	r->sent = bs_udp_lo(BS_TC_PACKETS);
	bs_say("tc: UDP datagrams received on lo: %d", r->sent);
	r->n_match = skel->bss->n_match;
	r->len = skel->bss->last_len;
	r->ifindex = skel->bss->last_ifindex;
	r->ttl = skel->bss->last_ttl;
	r->tot_len = skel->bss->last_tot_len;
	bs_say("tc: counted=%llu len=%u ifindex is lo's=%d ttl=%u tot_len=%u", r->n_match, r->len,
	       r->ifindex == r->lo_ifindex, r->ttl, r->tot_len);
	opts.flags = opts.prog_fd = opts.prog_id = 0;
	r->detach = bpf_tc_detach(&hook, &opts);
	bs_ret("tc: bpf_tc_detach(handle 1, priority 1)", r->detach);
	bs_ret("tc: bpf_tc_query after detach", bpf_tc_query(&hook, &q));
destroy:
	hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	r->hook_destroy = bpf_tc_hook_destroy(&hook);
	bs_ret("tc: bpf_tc_hook_destroy(ingress|egress)", r->hook_destroy);
out:
	bs_tc__destroy(skel);
	return r->load || r->attach ? -1 : 0;
}

/* ---- task iterator ---------------------------------------------------------- */

struct bs_iter_result {
	int open, load, attach, create, lines;
	bool self_listed;
};

static inline void bs_iter_read(struct bs_iter_result *r, int fd)
{
	char buf[4096], want[64], *p, *line;
	size_t used = 0;
	ssize_t n;

	snprintf(want, sizeof(want), "%d ", (int)getpid());
	for (;;) {
		n = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (n <= 0)
			break;
		used += (size_t)n;
		buf[used] = 0;
		for (line = buf; (p = strchr(line, '\n')); line = p + 1) {
			*p = 0;
			r->lines++;
			r->self_listed |= !strncmp(line, want, strlen(want));
		}
		used = strlen(line);
		memmove(buf, line, used + 1);
	}
}

static inline int bs_run_iter(struct bs_iter_result *r)
{
	struct bpf_link *l = NULL;
	struct bs_iter *skel;
	int fd;

	memset(r, 0, sizeof(*r));
	skel = bs_ptr("iter: bs_iter__open()", bs_iter__open());
	if (!skel)
		return (r->open = -errno);
	bs_say("iter: program type %d, expected attach type %d",
	       bpf_program__type(skel->progs.get_tasks),
	       bpf_program__expected_attach_type(skel->progs.get_tasks));
	r->load = bs_iter__load(skel);
	bs_ret("iter: bs_iter__load()", r->load);
	if (r->load)
		goto out;
	l = bpf_program__attach_iter(skel->progs.get_tasks, NULL);
	r->attach = l ? 0 : -errno;
	bs_ret("iter: bpf_program__attach_iter(get_tasks)", r->attach);
	if (!l)
		goto out;
	fd = bpf_iter_create(bpf_link__fd(l));
	r->create = fd < 0 ? -errno : 0;
	bs_ret("iter: bpf_iter_create()", r->create);
	if (fd >= 0) {
		bs_iter_read(r, fd);
		close(fd);
	}
	bs_say("iter: lines>1=%d this process listed=%d", r->lines > 1, r->self_listed);
out:
	bpf_link__destroy(l);
	bs_iter__destroy(skel);
	return r->load || r->attach || r->create ? -1 : 0;
}

/* ---- ksyscall: unlinkat through kprobes ------------------------------------- */

struct bs_ksys_result {
	int load, attach, unlinked;
	/* The kernel function a failed attach's warning names ("" if none). */
	char kprobe_func[64];
	int kconfig_wrapper, seen_wrapper;
	unsigned hits, ret_hits;
	bool path_seen;
};

static char *bs_kprobe_func;

/* A print callback keeping the function named by "kprobe '<func>+0x0'" of a
 * kprobe attach warning in bs_kprobe_func (64 bytes), then printing as libbpf's
 * default does. */
static int bs_kprobe_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[512], *p, *end;
	va_list copy;

	va_copy(copy, ap);
	vsnprintf(msg, sizeof(msg), fmt, copy);
	va_end(copy);
	p = strstr(msg, "kprobe '");
	if (p && bs_kprobe_func && !bs_kprobe_func[0]) {
		p += strlen("kprobe '");
		end = strpbrk(p, "+'");
		if (end && end - p < 64) {
			memcpy(bs_kprobe_func, p, (size_t)(end - p));
			bs_kprobe_func[end - p] = 0;
		}
	}
	if (level == LIBBPF_DEBUG)
		return 0;
	return fputs(msg, stderr);
}

/* Whether the kernel offers kprobes through perf (the kprobe PMU). */
static inline bool bs_have_kprobe_pmu(void)
{
	return access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0;
}

/* Creates and unlinks a file under /tmp (what the probes should see); 0 or -errno. */
static inline int bs_unlink_one(char *path, size_t n)
{
	int fd;

	snprintf(path, n, "/tmp/bs_unlink.%d", (int)getpid());
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return unlinkat(AT_FDCWD, path, 0) ? -errno : 0;
}

static inline int bs_run_ksyscall(struct bs_ksys_result *r)
{
	struct bs_ksyscall *skel;
	char path[64];

	memset(r, 0, sizeof(*r));
	r->kconfig_wrapper = r->seen_wrapper = -1;
	skel = bs_ptr("ksyscall: bs_ksyscall__open()", bs_ksyscall__open());
	if (!skel)
		return -1;
	skel->rodata->targ_pid = getpid();
	bs_say("ksyscall: unlinkat_entry type %d, section %s",
	       bpf_program__type(skel->progs.unlinkat_entry),
	       bpf_program__section_name(skel->progs.unlinkat_entry));
	r->load = bs_ksyscall__load(skel);
	bs_ret("ksyscall: bs_ksyscall__load()", r->load);
	if (r->load)
		goto out;
	r->kconfig_wrapper = skel->kconfig->LINUX_HAS_SYSCALL_WRAPPER;
	bs_say("ksyscall: .kconfig LINUX_HAS_SYSCALL_WRAPPER=%d", r->kconfig_wrapper);
	bs_kprobe_func = r->kprobe_func;
	libbpf_print_fn_t old = libbpf_set_print(bs_kprobe_print);
	r->attach = bs_ksyscall__attach(skel);
	libbpf_set_print(old);
	bs_kprobe_func = NULL;
	bs_ret("ksyscall: bs_ksyscall__attach()", r->attach);
	bs_say("ksyscall: kprobe function named by the attach warning: '%s'", r->kprobe_func);
	bs_say("ksyscall: links: entry=%s exit=%s", skel->links.unlinkat_entry ? "set" : "NULL",
	       skel->links.unlinkat_exit ? "set" : "NULL");
	r->unlinked = bs_unlink_one(path, sizeof(path));
	r->hits = skel->bss->hits;
	r->ret_hits = skel->bss->ret_hits;
	r->seen_wrapper = skel->data->seen_wrapper;
	r->path_seen = !strcmp(skel->bss->last_path, path);
	bs_say("ksyscall: unlinkat = %d: hits=%u ret_hits=%u path seen=%d wrapper seen=%d",
	       r->unlinked, r->hits, r->ret_hits, r->path_seen, r->seen_wrapper);
out:
	bs_ksyscall__destroy(skel);
	return r->load ? -1 : 0;
}

/* ---- fentry/fexit on do_unlinkat -------------------------------------------- */

struct bs_fentry_result {
	int load, attach, unlinked;
	unsigned hits, ret_hits;
	long last_ret;
};

static inline int bs_run_fentry(struct bs_fentry_result *r)
{
	struct bs_fentry *skel;
	char path[64];

	memset(r, 0, sizeof(*r));
	skel = bs_ptr("fentry: bs_fentry__open()", bs_fentry__open());
	if (!skel)
		return -1;
	skel->rodata->targ_pid = getpid();
	bs_say("fentry: do_unlinkat type %d, expected attach type %d",
	       bpf_program__type(skel->progs.do_unlinkat),
	       bpf_program__expected_attach_type(skel->progs.do_unlinkat));
	r->load = bs_fentry__load(skel);
	bs_ret("fentry: bs_fentry__load()", r->load);
	if (r->load)
		goto out;
	r->attach = bs_fentry__attach(skel);
	bs_ret("fentry: bs_fentry__attach()", r->attach);
	r->unlinked = bs_unlink_one(path, sizeof(path));
	r->hits = skel->bss->hits;
	r->ret_hits = skel->bss->ret_hits;
	r->last_ret = skel->bss->last_ret;
	bs_say("fentry: unlinkat = %d: hits=%u ret_hits=%u ret=%ld", r->unlinked, r->hits,
	       r->ret_hits, r->last_ret);
out:
	bs_fentry__destroy(skel);
	return r->load || r->attach ? -1 : 0;
}

#endif
