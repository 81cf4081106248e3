/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * CO-RE (compile once, run everywhere) reads for BPF programs built with
 * `clang -g -target bpf`: clang's __builtin_preserve_* built-ins record, in
 * the object's .BTF.ext section, which field, type or enum value an
 * instruction refers to, and the loader rewrites the instruction for the
 * running kernel's BTF (the field's offset and size there, whether the type
 * exists, ...).
 *
 * - bpf_core_read(dst, sz, src): bpf_probe_read_kernel of a relocated address;
 * - BPF_CORE_READ(s, a, b, c): s->a->b->c through one read per pointer (up to
 *   9 fields; a field may be a path inside a struct, `a.b[1].c`);
 * - bpf_core_field_exists/size/offset, bpf_core_type_exists/size/matches,
 *   bpf_core_type_id_local/kernel, bpf_core_enum_value(_exists): what the
 *   running kernel has, as constants the loader writes in;
 * - BPF_CORE_READ_BITFIELD(_PROBED): a bitfield's value, wherever it moved.
 */
#ifndef __BPF_CORE_READ_H__
#define __BPF_CORE_READ_H__

#include "bpf_helpers.h"

/* The second argument of __builtin_preserve_field_info(). */
enum bpf_field_info_kind {
	BPF_FIELD_BYTE_OFFSET = 0,	/* offset of the field (of its storage for a bitfield) */
	BPF_FIELD_BYTE_SIZE = 1,	/* size of the field (its storage) */
	BPF_FIELD_EXISTS = 2,		/* 1 if the kernel's type has the field */
	BPF_FIELD_SIGNED = 3,		/* 1 if it is a signed integer */
	BPF_FIELD_LSHIFT_U64 = 4,	/* bitfield extraction: left shift of the u64 */
	BPF_FIELD_RSHIFT_U64 = 5,	/* then right shift */
};

/* The second argument of __builtin_btf_type_id(). */
enum bpf_type_id_kind {
	BPF_TYPE_ID_LOCAL = 0,		/* the id in the program's own BTF */
	BPF_TYPE_ID_TARGET = 1,		/* the id in the kernel's BTF */
};

/* The second argument of __builtin_preserve_type_info(). */
enum bpf_type_info_kind {
	BPF_TYPE_EXISTS = 0,		/* 1 if the kernel has the type */
	BPF_TYPE_SIZE = 1,		/* its size there */
	BPF_TYPE_MATCHES = 2,		/* 1 if the kernel's type matches the local one */
};

/* The second argument of __builtin_preserve_enum_value(). */
enum bpf_enum_value_kind {
	BPF_ENUMVAL_EXISTS = 0,		/* 1 if the kernel's enum has the value */
	BPF_ENUMVAL_VALUE = 1,		/* the value there */
};

/* ---- Fields ---- */

/* A field information of s->field (BPF_FIELD_<info>). */
#define __CORE_RELO(s, field, info) \
	__builtin_preserve_field_info((s)->field, BPF_FIELD_##info)

/* A field given as an expression (`p->f`) or as a type and a field name
 * (`struct task_struct, pid`). */
#define ___bpfrs_field1(expr) (expr)
#define ___bpfrs_field2(type, name) (((typeof(type) *)0)->name)
#define ___bpfrs_field(args...) ___bpf_apply(___bpfrs_field, ___bpf_narg(args))(args)

/* 1 if the running kernel's type has the field, else 0. */
#define bpf_core_field_exists(field...) \
	__builtin_preserve_field_info(___bpfrs_field(field), BPF_FIELD_EXISTS)
/* The field's size in bytes on the running kernel. */
#define bpf_core_field_size(field...) \
	__builtin_preserve_field_info(___bpfrs_field(field), BPF_FIELD_BYTE_SIZE)
/* The field's offset in bytes on the running kernel. */
#define bpf_core_field_offset(field...) \
	__builtin_preserve_field_info(___bpfrs_field(field), BPF_FIELD_BYTE_OFFSET)

/* ---- Types ---- */

/* The type's id in the program's BTF (no relocation needed at load). */
#define bpf_core_type_id_local(type) \
	__builtin_btf_type_id(*(typeof(type) *)0, BPF_TYPE_ID_LOCAL)
/* The id of the kernel's type of that name, 0 when it has none. */
#define bpf_core_type_id_kernel(type) \
	__builtin_btf_type_id(*(typeof(type) *)0, BPF_TYPE_ID_TARGET)
/* 1 if the kernel has a type of that name (struct, union, enum, typedef). */
#define bpf_core_type_exists(type) \
	__builtin_preserve_type_info(*(typeof(type) *)0, BPF_TYPE_EXISTS)
/* 1 if the kernel's type of that name matches the local one's layout. */
#define bpf_core_type_matches(type) \
	__builtin_preserve_type_info(*(typeof(type) *)0, BPF_TYPE_MATCHES)
/* The size of the kernel's type, 0 when it has none. */
#define bpf_core_type_size(type) \
	__builtin_preserve_type_info(*(typeof(type) *)0, BPF_TYPE_SIZE)

/* ---- Enum values ---- */

/* 1 if the kernel's enum has the enumerator, else 0. */
#define bpf_core_enum_value_exists(enum_type, enum_value) \
	__builtin_preserve_enum_value(*(typeof(enum_type) *)enum_value, BPF_ENUMVAL_EXISTS)
/* The enumerator's value on the running kernel (0 when absent). */
#define bpf_core_enum_value(enum_type, enum_value) \
	__builtin_preserve_enum_value(*(typeof(enum_type) *)enum_value, BPF_ENUMVAL_VALUE)

/* ---- Bitfields ---- */

/* Where the field's storage goes in a u64 so that the shifts of
 * BPF_FIELD_LSHIFT_U64 / RSHIFT_U64 apply: its low bytes, which on a
 * big-endian target are the last ones. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ___bpfrs_bf_pad(s, field) 0
#else
#define ___bpfrs_bf_pad(s, field) (8 - __CORE_RELO(s, field, BYTE_SIZE))
#endif

/* The bitfield's bits, moved to the top of the u64 then back down, signed
 * or not. */
#define ___bpfrs_bf_value(v, s, field) ({				\
	unsigned long long __bpfrs_u = (v) << __CORE_RELO(s, field, LSHIFT_U64); \
	__CORE_RELO(s, field, SIGNED)					\
		? (unsigned long long)((long long)__bpfrs_u >>		\
				       __CORE_RELO(s, field, RSHIFT_U64)) \
		: __bpfrs_u >> __CORE_RELO(s, field, RSHIFT_U64);	\
})

/* Reads the storage of bitfield s->field with bpf_probe_read_kernel (any
 * memory, e.g. a kprobe's argument) and returns the field's value as a u64. */
#define BPF_CORE_READ_BITFIELD_PROBED(s, field) ({			\
	unsigned long long __bpfrs_v = 0;				\
	bpf_probe_read_kernel((char *)&__bpfrs_v + ___bpfrs_bf_pad(s, field), \
			      __CORE_RELO(s, field, BYTE_SIZE),		\
			      (const char *)(s) + __CORE_RELO(s, field, BYTE_OFFSET)); \
	___bpfrs_bf_value(__bpfrs_v, s, field);				\
})

/* The same with a direct load (programs that may dereference `s`: tp_btf,
 * fentry, ...). */
#define BPF_CORE_READ_BITFIELD(s, field) ({				\
	const char *__bpfrs_at = (const char *)(s) + __CORE_RELO(s, field, BYTE_OFFSET); \
	unsigned long long __bpfrs_v = 0;				\
	/* One relocated address for the four loads below. */		\
	asm volatile("" : "+r"(__bpfrs_at));				\
	switch (__CORE_RELO(s, field, BYTE_SIZE)) {			\
	case 1: __bpfrs_v = *(const unsigned char *)__bpfrs_at; break;	\
	case 2: __bpfrs_v = *(const unsigned short *)__bpfrs_at; break; \
	case 4: __bpfrs_v = *(const unsigned int *)__bpfrs_at; break;	\
	case 8: __bpfrs_v = *(const unsigned long long *)__bpfrs_at; break; \
	}								\
	___bpfrs_bf_value(__bpfrs_v, s, field);				\
})

/* ---- Reads ---- */

/* bpf_probe_read_kernel(dst, sz, src), src's address relocated. */
#define bpf_core_read(dst, sz, src) \
	bpf_probe_read_kernel(dst, sz, (const void *)__builtin_preserve_access_index(src))
/* From user memory; the types are still the kernel's (a UAPI struct a
 * syscall was given). */
#define bpf_core_read_user(dst, sz, src) \
	bpf_probe_read_user(dst, sz, (const void *)__builtin_preserve_access_index(src))
/* A NUL-terminated string; returns its length with the NUL or an error. */
#define bpf_core_read_str(dst, sz, src) \
	bpf_probe_read_kernel_str(dst, sz, (const void *)__builtin_preserve_access_index(src))
#define bpf_core_read_user_str(dst, sz, src) \
	bpf_probe_read_user_str(dst, sz, (const void *)__builtin_preserve_access_index(src))

/* (s)->a->b...: the expression a chain of fields names (its type is the
 * result's). */
#define ___bpfrs_arrow1(s, a) (s)->a
#define ___bpfrs_arrow2(s, a, b) (s)->a->b
#define ___bpfrs_arrow3(s, a, b, c) (s)->a->b->c
#define ___bpfrs_arrow4(s, a, b, c, d) (s)->a->b->c->d
#define ___bpfrs_arrow5(s, a, b, c, d, e) (s)->a->b->c->d->e
#define ___bpfrs_arrow6(s, a, b, c, d, e, f) (s)->a->b->c->d->e->f
#define ___bpfrs_arrow7(s, a, b, c, d, e, f, g) (s)->a->b->c->d->e->f->g
#define ___bpfrs_arrow8(s, a, b, c, d, e, f, g, h) (s)->a->b->c->d->e->f->g->h
#define ___bpfrs_arrow9(s, a, b, c, d, e, f, g, h, i) (s)->a->b->c->d->e->f->g->h->i
#define ___bpfrs_arrow(s, fields...) \
	___bpf_apply(___bpfrs_arrow, ___bpf_narg(fields))(s, fields)

/* The pointer walk: __bpfrs_p holds s->a, then s->a->b, ..., each read with
 * `rd` through the previous one's type. */
#define ___bpfrs_hop(rd, prev, f) \
	rd((void *)&__bpfrs_p, sizeof(__bpfrs_p), &((typeof(prev))__bpfrs_p)->f);
#define ___bpfrs_walk1(rd, s, a) \
	const void *__bpfrs_p; rd((void *)&__bpfrs_p, sizeof(__bpfrs_p), &(s)->a);
#define ___bpfrs_walk2(rd, s, a, b) ___bpfrs_walk1(rd, s, a) \
	___bpfrs_hop(rd, ___bpfrs_arrow1(s, a), b)
#define ___bpfrs_walk3(rd, s, a, b, c) ___bpfrs_walk2(rd, s, a, b) \
	___bpfrs_hop(rd, ___bpfrs_arrow2(s, a, b), c)
#define ___bpfrs_walk4(rd, s, a, b, c, d) ___bpfrs_walk3(rd, s, a, b, c) \
	___bpfrs_hop(rd, ___bpfrs_arrow3(s, a, b, c), d)
#define ___bpfrs_walk5(rd, s, a, b, c, d, e) ___bpfrs_walk4(rd, s, a, b, c, d) \
	___bpfrs_hop(rd, ___bpfrs_arrow4(s, a, b, c, d), e)
#define ___bpfrs_walk6(rd, s, a, b, c, d, e, f) ___bpfrs_walk5(rd, s, a, b, c, d, e) \
	___bpfrs_hop(rd, ___bpfrs_arrow5(s, a, b, c, d, e), f)
#define ___bpfrs_walk7(rd, s, a, b, c, d, e, f, g) ___bpfrs_walk6(rd, s, a, b, c, d, e, f) \
	___bpfrs_hop(rd, ___bpfrs_arrow6(s, a, b, c, d, e, f), g)
#define ___bpfrs_walk8(rd, s, a, b, c, d, e, f, g, h) \
	___bpfrs_walk7(rd, s, a, b, c, d, e, f, g) \
	___bpfrs_hop(rd, ___bpfrs_arrow7(s, a, b, c, d, e, f, g), h)

/* The last field, read with `fin` into dst through the walk's last pointer. */
#define ___bpfrs_fin(fin, dst, prev, f) \
	fin((void *)(dst), sizeof(*(dst)), &((typeof(prev))__bpfrs_p)->f)

/* Reads s->f1->...->fN into dst: N - 1 pointer reads with `rd`, the last
 * with `fin`; the value is fin's. */
#define ___bpfrs_read1(fin, rd, dst, s, a) \
	fin((void *)(dst), sizeof(*(dst)), &(s)->a)
#define ___bpfrs_read2(fin, rd, dst, s, a, b) ___bpfrs_walk1(rd, s, a) \
	___bpfrs_fin(fin, dst, ___bpfrs_arrow1(s, a), b)
#define ___bpfrs_read3(fin, rd, dst, s, a, b, c) ___bpfrs_walk2(rd, s, a, b) \
	___bpfrs_fin(fin, dst, ___bpfrs_arrow2(s, a, b), c)
#define ___bpfrs_read4(fin, rd, dst, s, a, b, c, d) ___bpfrs_walk3(rd, s, a, b, c) \
	___bpfrs_fin(fin, dst, ___bpfrs_arrow3(s, a, b, c), d)
#define ___bpfrs_read5(fin, rd, dst, s, a, b, c, d, e) ___bpfrs_walk4(rd, s, a, b, c, d) \
	___bpfrs_fin(fin, dst, ___bpfrs_arrow4(s, a, b, c, d), e)
#define ___bpfrs_read6(fin, rd, dst, s, a, b, c, d, e, f) \
	___bpfrs_walk5(rd, s, a, b, c, d, e) \
	___bpfrs_fin(fin, dst, ___bpfrs_arrow5(s, a, b, c, d, e), f)
#define ___bpfrs_read7(fin, rd, dst, s, a, b, c, d, e, f, g) \
	___bpfrs_walk6(rd, s, a, b, c, d, e, f) \
	___bpfrs_fin(fin, dst, ___bpfrs_arrow6(s, a, b, c, d, e, f), g)
#define ___bpfrs_read8(fin, rd, dst, s, a, b, c, d, e, f, g, h) \
	___bpfrs_walk7(rd, s, a, b, c, d, e, f, g) \
	___bpfrs_fin(fin, dst, ___bpfrs_arrow7(s, a, b, c, d, e, f, g), h)
#define ___bpfrs_read9(fin, rd, dst, s, a, b, c, d, e, f, g, h, i) \
	___bpfrs_walk8(rd, s, a, b, c, d, e, f, g, h) \
	___bpfrs_fin(fin, dst, ___bpfrs_arrow8(s, a, b, c, d, e, f, g, h), i)
#define ___bpfrs_read(fin, rd, dst, s, fields...) \
	___bpf_apply(___bpfrs_read, ___bpf_narg(fields))(fin, rd, dst, s, fields)

/* s->a->...: its value read into *dst (a pointer to the last field's type);
 * returns the last read's result (0 or a negative error). */
#define BPF_CORE_READ_INTO(dst, src, a, ...) ({				\
	___bpfrs_read(bpf_core_read, bpf_core_read, dst, (src), a, ##__VA_ARGS__); \
})
#define BPF_CORE_READ_USER_INTO(dst, src, a, ...) ({			\
	___bpfrs_read(bpf_core_read_user, bpf_core_read_user, dst, (src), a, ##__VA_ARGS__); \
})
/* The same without relocations (any type, not only the kernel's). */
#define BPF_PROBE_READ_INTO(dst, src, a, ...) ({			\
	___bpfrs_read(bpf_probe_read, bpf_probe_read, dst, (src), a, ##__VA_ARGS__); \
})
#define BPF_PROBE_READ_USER_INTO(dst, src, a, ...) ({			\
	___bpfrs_read(bpf_probe_read_user, bpf_probe_read_user, dst, (src), a, ##__VA_ARGS__); \
})

/* The last field is a string (a char array or pointer target) read into the
 * array dst; returns the string read's result (its length with the NUL). */
#define BPF_CORE_READ_STR_INTO(dst, src, a, ...) ({			\
	___bpfrs_read(bpf_core_read_str, bpf_core_read, dst, (src), a, ##__VA_ARGS__); \
})
#define BPF_CORE_READ_USER_STR_INTO(dst, src, a, ...) ({		\
	___bpfrs_read(bpf_core_read_user_str, bpf_core_read_user, dst, (src), a, ##__VA_ARGS__); \
})
#define BPF_PROBE_READ_STR_INTO(dst, src, a, ...) ({			\
	___bpfrs_read(bpf_probe_read_str, bpf_probe_read, dst, (src), a, ##__VA_ARGS__); \
})
#define BPF_PROBE_READ_USER_STR_INTO(dst, src, a, ...) ({		\
	___bpfrs_read(bpf_probe_read_user_str, bpf_probe_read_user, dst, (src), a, ##__VA_ARGS__); \
})

/* The value of s->a->b->...: BPF_CORE_READ(task, mm, exe_file, f_inode)
 * is task->mm->exe_file->f_inode, each pointer read with a relocated
 * bpf_probe_read_kernel (up to 9 fields). */
#define ___bpfrs_value(into, src, a, ...) ({				\
	typeof(___bpfrs_arrow((src), a, ##__VA_ARGS__)) __bpfrs_r;	\
	into(&__bpfrs_r, (src), a, ##__VA_ARGS__);			\
	__bpfrs_r;							\
})
#define BPF_CORE_READ(src, a, ...) \
	___bpfrs_value(BPF_CORE_READ_INTO, src, a, ##__VA_ARGS__)
/* From user memory, kernel types (see bpf_core_read_user). */
#define BPF_CORE_READ_USER(src, a, ...) \
	___bpfrs_value(BPF_CORE_READ_USER_INTO, src, a, ##__VA_ARGS__)
/* Without relocations. */
#define BPF_PROBE_READ(src, a, ...) \
	___bpfrs_value(BPF_PROBE_READ_INTO, src, a, ##__VA_ARGS__)
#define BPF_PROBE_READ_USER(src, a, ...) \
	___bpfrs_value(BPF_PROBE_READ_USER_INTO, src, a, ##__VA_ARGS__)

#endif /* __BPF_CORE_READ_H__ */
