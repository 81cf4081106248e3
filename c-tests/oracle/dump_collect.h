/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The btf_dump oracles' output sink: a btf_dump printf callback appending to
 * one growing buffer, and the FNV-1a hash they print instead of megabytes of
 * text. */
#ifndef DUMP_COLLECT_H
#define DUMP_COLLECT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static char *buf;
static size_t buf_len, buf_cap;

static void collect(void *ctx, const char *fmt, va_list args)
{
	va_list copy;
	int n;

	(void)ctx;
	va_copy(copy, args);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	if (buf_len + n + 1 > buf_cap) {
		buf_cap = (buf_len + n + 1) * 2;
		buf = realloc(buf, buf_cap);
		if (!buf)
			exit(1);
	}
	vsnprintf(buf + buf_len, n + 1, fmt, args);
	buf_len += n;
}

static unsigned long long fnv(const char *p, size_t n)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= (unsigned char)*p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#endif /* DUMP_COLLECT_H */
