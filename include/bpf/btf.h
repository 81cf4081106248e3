/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfrs: bpf/btf.h compatibility path. Declarations come from the generated
 * ../libbpfrs.h; this file adds the UAPI BTF types and the kind/vlen accessors
 * that libbpf's header provides as static inline functions. */
#ifndef __LIBBPF_BTF_H
#define __LIBBPF_BTF_H

#include <stdbool.h>
#include <linux/btf.h>
#include <linux/types.h>

#include "libbpf_common.h"
#include "../libbpfrs.h"

static inline __u16 btf_kind(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info);
}

static inline __u16 btf_vlen(const struct btf_type *t)
{
	return BTF_INFO_VLEN(t->info);
}

static inline bool btf_kflag(const struct btf_type *t)
{
	return BTF_INFO_KFLAG(t->info);
}

#endif /* __LIBBPF_BTF_H */
