/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfrs: bpf/btf.h compatibility path. Declarations come from the generated
 * libbpfrs.h; this file adds the UAPI BTF types and the kind/vlen accessors
 * that libbpf's header provides as static inline functions (read-only views of
 * struct btf_type records). */
#ifndef __LIBBPF_BTF_H
#define __LIBBPF_BTF_H

#include <stdbool.h>
#include <linux/btf.h>
#include <linux/types.h>

#include "libbpf_common.h"
#include "libbpfrs.h"

/* btf_dump__new: the 0.x form (btf, btf_ext, opts holding ctx, printf_fn)
 * reaches btf_dump__new_deprecated, the 1.x form (btf, printf_fn, ctx, opts)
 * the 1.x function, told apart by the type of the 4th argument as libbpf
 * 0.6-0.8 did (C only). */
#if !defined(__cplusplus) && !defined(btf_dump__new)
#define btf_dump__new(a1, a2, a3, a4) __builtin_choose_expr(                           \
	__builtin_types_compatible_p(typeof(a4), btf_dump_printf_fn_t) ||              \
	__builtin_types_compatible_p(typeof(a4), void(void *, const char *, va_list)), \
	btf_dump__new_deprecated((void *)a1, (void *)a2, (void *)a3, (void *)a4),      \
	btf_dump__new((void *)a1, (void *)a2, (void *)a3, (void *)a4))
#endif

/* btf__dedup: one name, two ABIs (libbpf 0.6-0.8): (btf, opts) is the 1.x
 * function, (btf, btf_ext, opts) the 0.x one, btf__dedup_deprecated. */
#ifndef btf__dedup
#define btf__dedup(...) ___libbpf_overload(___btf_dedup, __VA_ARGS__)
#define ___btf_dedup3(btf, btf_ext, opts) btf__dedup_deprecated(btf, btf_ext, opts)
#define ___btf_dedup2(btf, opts) btf__dedup(btf, opts)
#endif

#define BTF_ELF_SEC ".BTF"
#define BTF_EXT_ELF_SEC ".BTF.ext"

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

#define LIBBPFRS_BTF_IS(name, kind)                                   \
	static inline bool btf_is_##name(const struct btf_type *t)    \
	{                                                             \
		return btf_kind(t) == (kind);                         \
	}

LIBBPFRS_BTF_IS(void, BTF_KIND_UNKN)
LIBBPFRS_BTF_IS(int, BTF_KIND_INT)
LIBBPFRS_BTF_IS(ptr, BTF_KIND_PTR)
LIBBPFRS_BTF_IS(array, BTF_KIND_ARRAY)
LIBBPFRS_BTF_IS(struct, BTF_KIND_STRUCT)
LIBBPFRS_BTF_IS(union, BTF_KIND_UNION)
LIBBPFRS_BTF_IS(enum, BTF_KIND_ENUM)
LIBBPFRS_BTF_IS(enum64, BTF_KIND_ENUM64)
LIBBPFRS_BTF_IS(fwd, BTF_KIND_FWD)
LIBBPFRS_BTF_IS(typedef, BTF_KIND_TYPEDEF)
LIBBPFRS_BTF_IS(volatile, BTF_KIND_VOLATILE)
LIBBPFRS_BTF_IS(const, BTF_KIND_CONST)
LIBBPFRS_BTF_IS(restrict, BTF_KIND_RESTRICT)
LIBBPFRS_BTF_IS(type_tag, BTF_KIND_TYPE_TAG)
LIBBPFRS_BTF_IS(func, BTF_KIND_FUNC)
LIBBPFRS_BTF_IS(func_proto, BTF_KIND_FUNC_PROTO)
LIBBPFRS_BTF_IS(var, BTF_KIND_VAR)
LIBBPFRS_BTF_IS(datasec, BTF_KIND_DATASEC)
LIBBPFRS_BTF_IS(float, BTF_KIND_FLOAT)
LIBBPFRS_BTF_IS(decl_tag, BTF_KIND_DECL_TAG)
#undef LIBBPFRS_BTF_IS

static inline bool btf_is_composite(const struct btf_type *t)
{
	return btf_is_struct(t) || btf_is_union(t);
}

static inline bool btf_is_any_enum(const struct btf_type *t)
{
	return btf_is_enum(t) || btf_is_enum64(t);
}

/* CONST, VOLATILE, RESTRICT or TYPE_TAG. */
static inline bool btf_is_mod(const struct btf_type *t)
{
	return btf_is_volatile(t) || btf_is_const(t) || btf_is_restrict(t) ||
	       btf_is_type_tag(t);
}

/* ENUM64 counts as ENUM and UNION as STRUCT (CO-RE kind compatibility). */
static inline bool btf_kind_core_compat(const struct btf_type *t1, const struct btf_type *t2)
{
	__u16 k1 = btf_kind(t1), k2 = btf_kind(t2);

	if (k1 == BTF_KIND_ENUM64)
		k1 = BTF_KIND_ENUM;
	if (k2 == BTF_KIND_ENUM64)
		k2 = BTF_KIND_ENUM;
	return k1 == k2;
}

/* The word after an INT record's header. */
static inline __u32 btf_int_word__(const struct btf_type *t)
{
	return *(const __u32 *)(t + 1);
}

static inline __u8 btf_int_encoding(const struct btf_type *t)
{
	return BTF_INT_ENCODING(btf_int_word__(t));
}

static inline __u8 btf_int_offset(const struct btf_type *t)
{
	return BTF_INT_OFFSET(btf_int_word__(t));
}

static inline __u8 btf_int_bits(const struct btf_type *t)
{
	return BTF_INT_BITS(btf_int_word__(t));
}

/* The records that follow a type's header, by kind. */
static inline struct btf_array *btf_array(const struct btf_type *t)
{
	return (struct btf_array *)(t + 1);
}

static inline struct btf_enum *btf_enum(const struct btf_type *t)
{
	return (struct btf_enum *)(t + 1);
}

static inline struct btf_enum64 *btf_enum64(const struct btf_type *t)
{
	return (struct btf_enum64 *)(t + 1);
}

static inline __u64 btf_enum64_value(const struct btf_enum64 *e)
{
	return ((__u64)e->val_hi32 << 32) | e->val_lo32;
}

static inline struct btf_member *btf_members(const struct btf_type *t)
{
	return (struct btf_member *)(t + 1);
}

/* Bit offset of member `member_idx` (the low 24 bits when kind_flag is set). */
static inline __u32 btf_member_bit_offset(const struct btf_type *t, __u32 member_idx)
{
	const struct btf_member *m = btf_members(t) + member_idx;

	return btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}

/* Bitfield width of member `member_idx` (0 when not a bitfield). */
static inline __u32 btf_member_bitfield_size(const struct btf_type *t, __u32 member_idx)
{
	const struct btf_member *m = btf_members(t) + member_idx;

	return btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
}

static inline struct btf_param *btf_params(const struct btf_type *t)
{
	return (struct btf_param *)(t + 1);
}

static inline struct btf_var *btf_var(const struct btf_type *t)
{
	return (struct btf_var *)(t + 1);
}

static inline struct btf_var_secinfo *btf_var_secinfos(const struct btf_type *t)
{
	return (struct btf_var_secinfo *)(t + 1);
}

struct btf_decl_tag;
static inline struct btf_decl_tag *btf_decl_tag(const struct btf_type *t)
{
	return (struct btf_decl_tag *)(t + 1);
}

#endif /* __LIBBPF_BTF_H */
