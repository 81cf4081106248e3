/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfrs: bpf/bpf.h compatibility path. Declarations come from the generated
 * libbpfrs.h; this file adds only what cbindgen cannot emit. */
#ifndef __LIBBPF_BPF_H
#define __LIBBPF_BPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libbpf_common.h"
#include "libbpf_legacy.h"
#include "libbpfrs.h"

/* Flags to direct loading requirements */
#define MAPS_RELAX_COMPAT 0x01

/* Recommended log buffer size: the verifier maximum in kernels <= 5.1 */
#define BPF_LOG_BUF_SIZE (UINT32_MAX >> 8)

/* One name, two ABIs (libbpf 0.6-0.8, libbpf-api.md section 3.1): four arguments
 * reach the 0.x object loader bpf_prog_load_deprecated(file, type, &obj, &fd);
 * six reach the 1.x raw program load. Defined after both prototypes, so the
 * declarations are untouched; any other argument count fails to compile. */
#ifndef bpf_prog_load
#define bpf_prog_load(...) ___libbpf_overload(___bpf_prog_load, __VA_ARGS__)
#define ___bpf_prog_load4(file, type, pobj, prog_fd) \
	bpf_prog_load_deprecated(file, type, pobj, prog_fd)
#define ___bpf_prog_load6(prog_type, prog_name, license, insns, insn_cnt, opts) \
	bpf_prog_load(prog_type, prog_name, license, insns, insn_cnt, opts)
#endif

#endif /* __LIBBPF_BPF_H */
