/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfrs: every libbpf declaration in one include. The generated declarations
 * live in bpf/libbpfrs.h, so that the bpf/ directory stands alone (projects
 * that vendor or install only bpf/, as with libbpf's headers). */
#ifndef LIBBPFRS_H
#define LIBBPFRS_H

#include "bpf/libbpf.h"
#include "bpf/btf.h"

#endif /* LIBBPFRS_H */
