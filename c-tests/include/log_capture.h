/* Captures libbpf print-callback output for tests that check the messages a
 * failure prints: libbpf_set_print(capture), then msgs / n_warn. */
#ifndef LIBBPFRS_LOG_CAPTURE_H
#define LIBBPFRS_LOG_CAPTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>

static char msgs[1 << 16];
static size_t msgs_len;
static int n_warn;

static inline int capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (level == LIBBPF_WARN)
		n_warn++;
	if (msgs_len + 1 >= sizeof(msgs))
		return 0;
	n = vsnprintf(msgs + msgs_len, sizeof(msgs) - msgs_len, fmt, ap);
	if (n > 0)
		msgs_len += (size_t)n < sizeof(msgs) - msgs_len ? (size_t)n : sizeof(msgs) - msgs_len - 1;
	return 0;
}

static inline void reset_msgs(void)
{
	msgs[0] = 0;
	msgs_len = 0;
	n_warn = 0;
}

#endif
