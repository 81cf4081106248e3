/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Byte order conversions for BPF programs (and user space): bpf_htons,
 * bpf_ntohs, bpf_htonl, bpf_ntohl, bpf_cpu_to_be64, bpf_be64_to_cpu.
 *
 * The byte order is the compiler's target's (__BYTE_ORDER__: bpfel or bpfeb),
 * not the C library's. A constant argument folds to a constant (usable in a
 * case label or an initializer); anything else is a byte swap instruction.
 */
#ifndef __BPF_ENDIAN__
#define __BPF_ENDIAN__

/* Byte swaps written as shifts and masks, for constant folding. */
#define ___bpf_swab16(x) ((__u16)((((__u16)(x) & 0x00ffU) << 8) |		\
				  (((__u16)(x) & 0xff00U) >> 8)))
#define ___bpf_swab32(x) ((__u32)((((__u32)(x) & 0x000000ffUL) << 24) |	\
				  (((__u32)(x) & 0x0000ff00UL) << 8) |	\
				  (((__u32)(x) & 0x00ff0000UL) >> 8) |	\
				  (((__u32)(x) & 0xff000000UL) >> 24)))
#define ___bpf_swab64(x) ((__u64)(					\
	((__u64)___bpf_swab32((__u64)(x) & 0xffffffffULL) << 32) |	\
	(__u64)___bpf_swab32((__u64)(x) >> 32)))

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define __bpf_htons(x) __builtin_bswap16(x)
#define __bpf_htonl(x) __builtin_bswap32(x)
#define __bpf_cpu_to_be64(x) __builtin_bswap64(x)
#define __bpf_constant_htons(x) ___bpf_swab16(x)
#define __bpf_constant_htonl(x) ___bpf_swab32(x)
#define __bpf_constant_cpu_to_be64(x) ___bpf_swab64(x)
#elif __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define __bpf_htons(x) (x)
#define __bpf_htonl(x) (x)
#define __bpf_cpu_to_be64(x) (x)
#define __bpf_constant_htons(x) (x)
#define __bpf_constant_htonl(x) (x)
#define __bpf_constant_cpu_to_be64(x) (x)
#else
#error "bpf_endian.h: the compiler defines no __BYTE_ORDER__"
#endif

/* A swap is its own inverse. */
#define __bpf_ntohs(x) __bpf_htons(x)
#define __bpf_ntohl(x) __bpf_htonl(x)
#define __bpf_be64_to_cpu(x) __bpf_cpu_to_be64(x)
#define __bpf_constant_ntohs(x) __bpf_constant_htons(x)
#define __bpf_constant_ntohl(x) __bpf_constant_htonl(x)
#define __bpf_constant_be64_to_cpu(x) __bpf_constant_cpu_to_be64(x)

#define ___bpfrs_endian(kind, x) \
	(__builtin_constant_p(x) ? __bpf_constant_##kind(x) : __bpf_##kind(x))
#define bpf_htons(x) ___bpfrs_endian(htons, x)
#define bpf_ntohs(x) ___bpfrs_endian(ntohs, x)
#define bpf_htonl(x) ___bpfrs_endian(htonl, x)
#define bpf_ntohl(x) ___bpfrs_endian(ntohl, x)
#define bpf_cpu_to_be64(x) ___bpfrs_endian(cpu_to_be64, x)
#define bpf_be64_to_cpu(x) ___bpfrs_endian(be64_to_cpu, x)

#endif /* __BPF_ENDIAN__ */
