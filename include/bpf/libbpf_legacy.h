/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfrs: libbpf_legacy.h compatibility path. enum libbpf_strict_mode and
 * libbpf_set_strict_mode() are declared in the generated header. */
#ifndef __LIBBPF_LEGACY_BPF_H
#define __LIBBPF_LEGACY_BPF_H

#include "libbpf_common.h"
#include "libbpfrs.h"

#define DECLARE_LIBBPF_OPTS LIBBPF_OPTS

#endif /* __LIBBPF_LEGACY_BPF_H */
