/* Oracle: library-level calls of libbpf 1.1.2 against libbpfrs.
 * libbpf_strerror (codes, both signs, buffer sizes), libbpf_get_error, the four
 * libbpf_bpf_*_type_str tables for 0..200, libbpf_num_possible_cpus and the
 * version calls. Enum values newer than 1.1.2 knows and libbpf_set_memlock_rlim
 * (not exported by 1.1.2) are checked on the libbpfrs side only. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <limits.h>
#include <stdint.h>

#define GUARD 0x5a

static void strerror_case(int err, size_t size)
{
	char buf[256];
	size_t i, len;
	int ret, e, guard_ok = 1;

	memset(buf, GUARD, sizeof(buf));
	errno = 0;
	ret = libbpf_strerror(err, buf, size);
	e = errno;
	for (i = size; i < sizeof(buf); i++)
		if ((unsigned char)buf[i] != GUARD)
			guard_ok = 0;
	len = strnlen(buf, size);
	if (len == size)
		printf("libbpf_strerror(%d, buf, %zu) = %d errno=%s text=<no NUL> guard=%s\n", err, size,
		       ret, o_errname(e), guard_ok ? "ok" : "OVERWRITTEN");
	else
		printf("libbpf_strerror(%d, buf, %zu) = %d errno=%s text=\"%s\" guard=%s\n", err, size,
		       ret, o_errname(e), buf, guard_ok ? "ok" : "OVERWRITTEN");
}

static void strerror_all(void)
{
	static const size_t sizes[] = { 1, 5, 64, 128 };
	int codes[200], n = 0, i, s, sign;

	for (i = 0; i <= 140; i++)
		codes[n++] = i;
	codes[n++] = 524;
	for (i = 3999; i <= 4020; i++)
		codes[n++] = i;
	for (sign = 1; sign >= -1; sign -= 2)
		for (i = 0; i < n; i++) {
			if (sign < 0 && codes[i] == 0)
				continue;
			for (s = 0; s < 4; s++)
				strerror_case(sign * codes[i], sizes[s]);
		}
}

/* Edge cases: INT_MIN/INT_MAX codes, an empty or NULL buffer, errno preset. */
static void strerror_edges(void)
{
	char buf[64];

	strerror_case(INT_MIN, 64);
	strerror_case(INT_MIN, 5);
	strerror_case(INT_MAX, 64);
	strerror_case(-INT_MAX, 64);
	strerror_case(5000, 10);
	memset(buf, GUARD, sizeof(buf));
	O_INT("libbpf_strerror(1, buf, 0)", libbpf_strerror(1, buf, 0));
	O_INT("libbpf_strerror(4001, buf, 0)", libbpf_strerror(4001, buf, 0));
	O_INT("libbpf_strerror(1, NULL, 0)", libbpf_strerror(1, NULL, 0));
	printf("buf untouched by size 0: %s\n", (unsigned char)buf[0] == GUARD ? "yes" : "no");
	/* errno is left alone on success and on strerror_r's positive results. */
	errno = EIO;
	printf("libbpf_strerror(4001, buf, 64) [errno preset EIO] = %d errno=%s\n",
	       libbpf_strerror(4001, buf, 64), o_errname(errno));
	errno = EIO;
	printf("libbpf_strerror(3, buf, 2) [errno preset EIO] = %d errno=%s\n",
	       libbpf_strerror(3, buf, 2), o_errname(errno));
	errno = EIO;
	printf("libbpf_strerror(200, buf, 64) [errno preset EIO] = %d errno=%s\n",
	       libbpf_strerror(200, buf, 64), o_errname(errno));
}

static void get_error_all(void)
{
	static int obj;
	static const int presets[] = { 0, ENOENT, EINVAL, 4001 };
	static const long errptrs[] = { -1, -EINVAL, -ENOENT, -4001, -4095 };
	unsigned i;

	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
		long r;
		errno = presets[i];
		r = libbpf_get_error(NULL);
		printf("libbpf_get_error(NULL) [errno preset %d] = %ld errno=%s\n", presets[i], r,
		       o_errname(errno));
	}
	for (i = 0; i < sizeof(errptrs) / sizeof(errptrs[0]); i++) {
		long r;
		errno = 0;
		r = libbpf_get_error((const void *)(intptr_t)errptrs[i]);
		printf("libbpf_get_error(ERR_PTR(%ld)) = %ld errno=%s\n", errptrs[i], r,
		       o_errname(errno));
	}
	errno = EPERM;
	O_INT("libbpf_get_error(&obj) [errno preset EPERM]", libbpf_get_error(&obj));
	errno = EPERM;
	O_INT("libbpf_get_error((void *)-4096)", libbpf_get_error((const void *)(intptr_t)-4096));
}

/* One past the last value libbpf 1.1.2 names (its Linux 6.1 UAPI). */
#define MAP_1_1 33
#define PROG_1_1 32
#define ATTACH_1_1 44
#define LINK_1_1 10

#ifndef ORACLE_SYSTEM
/* Linux 6.18 values newer than libbpf 1.1.2, with the names later libbpf gives them. */
static const char *const map_new[] = { "arena" };
static const char *const prog_new[] = { "netfilter" };
static const char *const attach_new[] = {
	"struct_ops", "netfilter", "tcx_ingress", "tcx_egress", "trace_uprobe_multi",
	"cgroup_unix_connect", "cgroup_unix_sendmsg", "cgroup_unix_recvmsg",
	"cgroup_unix_getpeername", "cgroup_unix_getsockname", "netkit_primary", "netkit_peer",
	"trace_kprobe_session", "trace_uprobe_session",
};
static const char *const link_new[] = { "netfilter", "tcx", "uprobe_multi", "netkit", "sockmap" };
#define N_OF(a) (int)(sizeof(a) / sizeof(a[0]))
#endif

#define TYPE_STR_ALL(fn, enum_t, known, newer)                                         \
	do {                                                                           \
		int __i;                                                               \
		for (__i = 0; __i <= 200; __i++) {                                     \
			const char *__s;                                               \
			errno = 0;                                                     \
			__s = fn((enum enum_t)__i);                                    \
			int __e = errno;                                               \
			if (__i >= (known) && __i < (known) + N_NEW(newer)) {          \
				SELF_CHECK_NEW(#fn, __i, __s, newer, known);            \
				continue;                                              \
			}                                                              \
			printf("%s(%d) = %s%s%s errno=%s\n", #fn, __i, __s ? "\"" : "", \
			       __s ? __s : "NULL", __s ? "\"" : "", o_errname(__e));     \
		}                                                                      \
	} while (0)

#ifdef ORACLE_SYSTEM
/* 1.1.2 returns NULL for the newer values; skip them so both outputs match. */
#define N_NEW(a) newer_count_##a
#define SELF_CHECK_NEW(name, i, s, newer, known) ((void)(s))
enum { newer_count_map_new = 1, newer_count_prog_new = 1, newer_count_attach_new = 14,
       newer_count_link_new = 5 };
#else
#define N_NEW(a) N_OF(a)
#define SELF_CHECK_NEW(name, i, s, newer, known)                                        \
	o_self_check((s) && !strcmp((s), newer[(i) - (known)]), "%s(%d) = %s, want %s", name, \
		     i, (s) ? (s) : "NULL", newer[(i) - (known)])
#endif

static void type_str_all(void)
{
	TYPE_STR_ALL(libbpf_bpf_map_type_str, bpf_map_type, MAP_1_1, map_new);
	TYPE_STR_ALL(libbpf_bpf_prog_type_str, bpf_prog_type, PROG_1_1, prog_new);
	TYPE_STR_ALL(libbpf_bpf_attach_type_str, bpf_attach_type, ATTACH_1_1, attach_new);
	TYPE_STR_ALL(libbpf_bpf_link_type_str, bpf_link_type, LINK_1_1, link_new);
	/* A negative enum value (e.g. an uninitialised -1). */
	O_INT("libbpf_bpf_map_type_str(-1) == NULL",
	      libbpf_bpf_map_type_str((enum bpf_map_type)-1) == NULL);
	O_INT("libbpf_bpf_attach_type_str(-1) == NULL",
	      libbpf_bpf_attach_type_str((enum bpf_attach_type)-1) == NULL);
}

static void versions(void)
{
	O_INT("libbpf_major_version()", libbpf_major_version());
	O_INT("libbpf_minor_version()", libbpf_minor_version());
	errno = 0;
	printf("libbpf_version_string() = \"%s\" errno=%s\n", libbpf_version_string(),
	       o_errname(errno));
	printf("LIBBPF_MAJOR_VERSION=%d LIBBPF_MINOR_VERSION=%d\n", LIBBPF_MAJOR_VERSION,
	       LIBBPF_MINOR_VERSION);
}

static void cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	O_INT("libbpf_num_possible_cpus()", libbpf_num_possible_cpus());
	O_INT("libbpf_num_possible_cpus() [again]", libbpf_num_possible_cpus());
	O_INT("libbpf_num_possible_cpus() >= configured CPUs", libbpf_num_possible_cpus() >= n);
}

#ifndef ORACLE_SYSTEM
/* libbpf_set_memlock_rlim: 1.1.2 declares it but does not export it. libbpf >= 1.4:
 * -EBUSY only after the library bumped RLIMIT_MEMLOCK, which never happens on
 * kernels with memcg accounting (5.11+), even after creating maps. */
static void memlock_self(void)
{
	int fd, r;

	errno = 0;
	r = libbpf_set_memlock_rlim(64 << 20);
	o_self_check(r == 0 && errno == 0, "set_memlock_rlim(64M) = %d errno %d", r, errno);
	r = libbpf_set_memlock_rlim(0);
	o_self_check(r == 0, "set_memlock_rlim(0) = %d", r);
	if (geteuid() == 0) {
		fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "memlock", 4, 4, 1, NULL);
		o_self_check(fd > 2, "bpf_map_create = %d errno %d", fd, errno);
		if (fd >= 0)
			close(fd);
	}
	r = libbpf_set_memlock_rlim((size_t)-1);
	o_self_check(r == 0, "set_memlock_rlim(SIZE_MAX) after a map = %d errno %d", r, errno);
}
#endif

int main(void)
{
	strerror_all();
	strerror_edges();
	get_error_all();
	type_str_all();
	versions();
	cpus();
#ifndef ORACLE_SYSTEM
	memlock_self();
#endif
	return o_done();
}
