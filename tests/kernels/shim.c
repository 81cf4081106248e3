/* An older kernel as bpf(2) shows it, for any program: an LD_PRELOAD library
 * that intercepts syscall(SYS_bpf, ...) (libbpf and libbpfrs both enter the
 * kernel through libc's syscall()), refuses what the chosen kernel would
 * refuse, passes the rest to the real kernel, and logs one line per call.
 *
 * It judges from the same table as libbpfrs's test-only fake kernel
 * (src/uapi/kernels.rs, written out as text by the unit test
 * sys::fake_kernel::tests::table_for_the_c_shim):
 *   LIBBPFRS_SHIM_TABLE  the table file
 *   LIBBPFRS_SHIM_KERNEL the kernel version, e.g. 5.4 (unset: pass everything)
 *   LIBBPFRS_SHIM_LOG    the log file (appended to)
 * Log line: bpf cmd=N type=N name=S flags=N kinds=K,K.. linkages=L,..
 *           func_info=N line_info=N helpers=H,.. target=N -> ERRNO
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>

enum what { CMD, PROG_FROM, MAP_FROM, KIND_FROM, NAMES, HELPER, PSEUDO_MAP_VALUE,
	    GLOBAL_FUNC, MAP_FLAG, MEMCG, ATTR_FROM, LINK_ATTACH };
static const char *const what_names[] = { "cmd", "prog_types_from", "map_types_from",
	"btf_kinds_from", "names", "helper", "pseudo_map_value", "global_func", "map_flag",
	"memcg", "attr_from", "link_attach" };

struct row { int what; long a, b; };
static struct row lacking[1024];
static int n_lacking = -1;

/* Rows newer than the kernel in LIBBPFRS_SHIM_KERNEL, read once. */
static void load_table(void)
{
	const char *path = getenv("LIBBPFRS_SHIM_TABLE"), *kern = getenv("LIBBPFRS_SHIM_KERNEL");
	unsigned kmaj, kmin;
	char line[256];
	FILE *f;

	n_lacking = 0;
	if (!path || !kern || sscanf(kern, "%u.%u", &kmaj, &kmin) != 2 || !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f) && n_lacking < 1024) {
		char *tok[8];
		unsigned maj, min;
		int n = 0, w;

		for (char *t = strtok(line, " \n"); t && n < 8; t = strtok(NULL, " \n"))
			tok[n++] = t;
		if (n < 2 || sscanf(tok[n - 1], "%u.%u", &maj, &min) != 2)
			continue;
		for (w = 0; w < 12 && strcmp(tok[0], what_names[w]); w++)
			;
		if (w == 12 || (maj < kmaj || (maj == kmaj && min <= kmin)))
			continue;
		lacking[n_lacking++] = (struct row){ w, n > 2 ? atol(tok[1]) : 0,
						     n > 3 ? atol(tok[2]) : 0 };
	}
	fclose(f);
}

static int lacks(int what, long a)
{
	for (int i = 0; i < n_lacking; i++)
		if (lacking[i].what == what && lacking[i].a == a)
			return 1;
	return 0;
}

/* Whether a type number is past the first one the kernel lacks of `what`. */
static int newer(int what, long t)
{
	for (int i = 0; i < n_lacking; i++)
		if (lacking[i].what == what && t >= lacking[i].a)
			return 1;
	return 0;
}

static uint32_t rd32(const void *b, size_t off)
{
	uint32_t v;
	memcpy(&v, (const char *)b + off, 4);
	return v;
}

static uint64_t rd64(const void *b, size_t off)
{
	uint64_t v;
	memcpy(&v, (const char *)b + off, 8);
	return v;
}

struct rec {
	char text[4096];
	size_t len;
};

static void add(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (r->len < sizeof(r->text))
		r->len += vsnprintf(r->text + r->len, sizeof(r->text) - r->len, fmt, ap);
	va_end(ap);
}

static void add_name(struct rec *r, const char *a, size_t off)
{
	char name[17] = { 0 };
	memcpy(name, a + off, 16);
	add(r, " name=%s", name[0] ? name : "-");
}

/* Kinds and FUNC linkages of a BTF blob; the errno the kernel answers. */
static int judge_btf(struct rec *r, const unsigned char *blob, uint32_t size)
{
	uint32_t hdr, off, len, p = 0;
	int bad = 0, first = 1;
	char links[1024] = "";
	size_t ll = 0;

	if (!blob || size < 24)
		return 0;
	hdr = rd32(blob, 4), off = rd32(blob, 8), len = rd32(blob, 12);
	if ((uint64_t)hdr + off + len > size)
		return 0;
	blob += hdr + off;
	add(r, " kinds=");
	while (p + 12 <= len) {
		uint32_t info = rd32(blob, p + 4), kind = (info >> 24) & 0x1f, vlen = info & 0xffff;
		add(r, "%s%u", first ? "" : ",", kind);
		first = 0;
		if (newer(KIND_FROM, kind))
			bad = 1;
		if (kind == 12) {
			if (ll < sizeof(links) - 8)
				ll += sprintf(links + ll, "%s%u", ll ? "," : "", vlen);
			if (vlen && lacks(GLOBAL_FUNC, 0))
				bad = 1;
		}
		p += 12;
		switch (kind) {
		case 1: case 14: case 17: p += 4; break;
		case 3: p += 12; break;
		case 4: case 5: case 15: case 19: p += 12 * vlen; break;
		case 6: case 13: p += 8 * vlen; break;
		}
	}
	add(r, " linkages=%s", ll ? links : "-");
	return bad ? EINVAL : 0;
}

static int memlock_low(void)
{
	struct rlimit l;
	return getrlimit(RLIMIT_MEMLOCK, &l) == 0 && l.rlim_cur < (8u << 20);
}

static int judge(struct rec *r, long cmd, const unsigned char *a, unsigned size)
{
	unsigned char attr[256] = { 0 };
	int first = 1;

	memcpy(attr, a, size < sizeof(attr) ? size : sizeof(attr));
	add(r, "bpf cmd=%ld", cmd);
	if (lacks(CMD, cmd))
		return EINVAL;
	for (int i = 0; i < n_lacking; i++)
		if (lacking[i].what == ATTR_FROM && lacking[i].a == cmd)
			for (unsigned o = lacking[i].b; o < size; o++)
				if (a[o])
					return E2BIG;
	switch (cmd) {
	case 0: /* BPF_MAP_CREATE */
		add(r, " type=%u", rd32(attr, 0));
		add_name(r, (const char *)attr, 28);
		add(r, " flags=%u", rd32(attr, 16));
		if (newer(MAP_FROM, rd32(attr, 0)) || (attr[28] && lacks(NAMES, 0)) ||
		    (rd32(attr, 16) & 1024 && lacks(MAP_FLAG, 1024)))
			return EINVAL;
		if (lacks(MEMCG, 0) && memlock_low())
			return EPERM;
		break;
	case 5: { /* BPF_PROG_LOAD */
		const unsigned char *insns = (const void *)(uintptr_t)rd64(attr, 8);
		uint32_t cnt = rd32(attr, 4);
		int bad = 0;

		add(r, " type=%u", rd32(attr, 0));
		add_name(r, (const char *)attr, 48);
		add(r, " func_info=%u line_info=%u helpers=", rd32(attr, 88), rd32(attr, 104));
		if (newer(PROG_FROM, rd32(attr, 0)) || (attr[48] && lacks(NAMES, 0)))
			bad = 1;
		for (uint32_t i = 0; insns && i < cnt; i++) {
			const unsigned char *in = insns + 8 * i;
			int32_t imm = (int32_t)rd32(in, 4);

			if (in[0] == 0x85 && (in[1] >> 4) == 0) {
				add(r, "%s%d", first ? "" : ",", imm);
				first = 0;
				if (lacks(HELPER, imm))
					bad = 1;
			}
			if (in[0] == 0x18 && (in[1] >> 4) == 2 && lacks(PSEUDO_MAP_VALUE, 0))
				bad = 1;
		}
		if (first)
			add(r, "-");
		if (bad)
			return EINVAL;
		break;
	}
	case 18: /* BPF_BTF_LOAD */
		return judge_btf(r, (const void *)(uintptr_t)rd64(attr, 0), rd32(attr, 16));
	case 28: /* BPF_LINK_CREATE */
		add(r, " type=%u target=%d", rd32(attr, 8), (int)rd32(attr, 4));
		if (lacks(LINK_ATTACH, rd32(attr, 8)))
			return EINVAL;
		break;
	}
	return 0;
}

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long args[6];
	va_list ap;
	long ret;

	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		args[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_bpf && getenv("LIBBPFRS_SHIM_KERNEL")) {
		struct rec r = { .len = 0 };
		const char *log = getenv("LIBBPFRS_SHIM_LOG");
		int err;

		if (n_lacking < 0)
			load_table();
		err = judge(&r, args[0], (const void *)args[1], (unsigned)args[2]);
		ret = err ? -1 : real(nr, args[0], args[1], args[2]);
		if (!err && ret < 0)
			err = errno;
		if (log) {
			FILE *f = fopen(log, "a");
			if (f) {
				fprintf(f, "%s -> %d\n", r.text, err);
				fclose(f);
			}
		}
		errno = err;
		return err ? -1 : ret;
	}
	return real(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
}
