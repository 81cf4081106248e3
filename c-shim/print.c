/* The one piece of C that stable Rust cannot replace: building a va_list for
 * libbpf's print callback, int (*)(enum libbpf_print_level, const char *, va_list).
 * Rust formats the message and doubles every '%', so the callback receives real
 * text as its format (filters that inspect the format see it) and vfprintf prints
 * it verbatim. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef int (*bpfrs_print_fn)(int level, const char *fmt, va_list ap);

static int call_with_va(bpfrs_print_fn fn, int level, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fn(level, fmt, ap);
	va_end(ap);
	return ret;
}

int bpfrs__print_trampoline(bpfrs_print_fn fn, int level, const char *fmt)
{
	return call_with_va(fn, level, fmt);
}

/* The most verbose level the default callback prints: INFO (1); the
 * environment's LIBBPF_LOG_LEVEL=warn|info|debug selects it (libbpf >= 1.5).
 * The library asks it too, so that it formats no message the default would
 * drop. */
int bpfrs__default_print_level(void)
{
	static int min_level = -1;

	if (min_level < 0) {
		const char *env = getenv("LIBBPF_LOG_LEVEL");

		min_level = 1;
		if (env) {
			if (!strcasecmp(env, "warn"))
				min_level = 0;
			else if (!strcasecmp(env, "debug"))
				min_level = 2;
		}
	}
	return min_level;
}

/* libbpf's default callback: WARN and INFO to stderr, DEBUG dropped. */
int bpfrs__default_print(int level, const char *fmt, va_list ap)
{
	if (level > bpfrs__default_print_level())
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* btf_dump's callback, void (*)(void *ctx, const char *fmt, va_list): called
 * once per fragment (where libbpf calls it), the fragment's text passed as the
 * argument of a "%s" format. */
typedef void (*bpfrs_dump_printf_fn)(void *ctx, const char *fmt, va_list ap);

static void dump_call_with_va(bpfrs_dump_printf_fn fn, void *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fn(ctx, fmt, ap);
	va_end(ap);
}

void bpfrs__dump_printf_trampoline(bpfrs_dump_printf_fn fn, void *ctx, const char *text)
{
	dump_call_with_va(fn, ctx, "%s", text);
}
