/* Bad-object generators for c-tests/object/obj_bad_input.c and c-tests/oracle/objects.c.
 * Each mutant starts from a copy of a good little-endian ELF64 BPF object with a
 * "socket" program section that references a map named map_sym (the legacy or
 * BTF-maps test object; the 28-byte legacy build for the map-tail case) and
 * breaks one thing. ot_mutate() returns 0 with *size possibly shrunk, or -1 when
 * the input lacks what the mutant needs. */
#ifndef LIBBPFRS_BAD_OBJECTS_H
#define LIBBPFRS_BAD_OBJECTS_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum ot_mutant {
	OT_TRUNC_HALF,     /* cut in the middle: section data and headers missing */
	OT_TRUNC_EHDR,     /* shorter than the ELF header */
	OT_TRUNC_SHDRS,    /* the section header table cut off */
	OT_NOT_ELF,        /* plain text */
	OT_BAD_MAGIC,      /* "\x7fELG" */
	OT_CLASS32,        /* EI_CLASS = ELFCLASS32 */
	OT_MACHINE,        /* e_machine = EM_X86_64 */
	OT_BIG_ENDIAN,     /* EI_DATA = ELFDATA2MSB */
	OT_SHOFF_RANGE,    /* e_shoff beyond the end of the file */
	OT_SHNUM_HUGE,     /* e_shnum claims far more headers than exist */
	OT_SHSTRNDX_RANGE, /* e_shstrndx past the last section */
	OT_SEC_OFF_RANGE,  /* the program section's sh_offset beyond the file */
	OT_SEC_SIZE_RANGE, /* the symbol table's sh_size beyond the file */
	OT_STRTAB_OFF,     /* .strtab's sh_offset beyond the file */
	OT_REL_OFFSET,     /* a relocation's r_offset outside its section */
	OT_REL_SYM,        /* a relocation's symbol index out of range */
	OT_REL_UNALIGNED,  /* a relocation's r_offset not on an instruction */
	OT_SYM_SHNDX,      /* a map symbol's st_shndx out of range */
	OT_SYM_NAME,       /* a symbol's st_name past the end of .strtab */
	OT_MAP_TAIL,       /* a 28-byte legacy map definition with a non-zero tail */
	OT_N_MUTANTS,
};

static const char *const ot_mutant_names[OT_N_MUTANTS] = {
	"truncated-half", "truncated-ehdr", "truncated-shdrs", "not-elf",
	"bad-magic", "elfclass32", "e_machine-x86_64", "big-endian",
	"e_shoff-out-of-range", "e_shnum-huge", "e_shstrndx-out-of-range",
	"sh_offset-out-of-range", "sh_size-out-of-range", "strtab-offset-out-of-range",
	"reloc-offset-outside-section", "reloc-symbol-out-of-range", "reloc-offset-unaligned",
	"symbol-shndx-out-of-range", "symbol-name-out-of-range", "legacy-map-nonzero-tail",
};

static inline Elf64_Shdr *ot_shdr(unsigned char *buf, size_t size, unsigned i)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;

	if (size < sizeof(*eh) || i >= eh->e_shnum ||
	    eh->e_shoff + (uint64_t)(i + 1) * sizeof(Elf64_Shdr) > size)
		return NULL;
	return (Elf64_Shdr *)(buf + eh->e_shoff) + i;
}

static inline const char *ot_shname(unsigned char *buf, size_t size, Elf64_Shdr *sh)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *str = ot_shdr(buf, size, eh->e_shstrndx);

	if (!str || str->sh_offset + sh->sh_name >= size)
		return "";
	return (const char *)buf + str->sh_offset + sh->sh_name;
}

/* The first section with this name, or NULL. */
static inline Elf64_Shdr *ot_find(unsigned char *buf, size_t size, const char *name,
				  unsigned *idx)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;

	for (unsigned i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr *sh = ot_shdr(buf, size, i);

		if (sh && !strcmp(ot_shname(buf, size, sh), name)) {
			if (idx)
				*idx = i;
			return sh;
		}
	}
	return NULL;
}

/* The REL section relocating the "socket" program section. */
static inline Elf64_Shdr *ot_prog_rel(unsigned char *buf, size_t size)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	unsigned prog;

	if (!ot_find(buf, size, "socket", &prog))
		return NULL;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr *sh = ot_shdr(buf, size, i);

		if (sh && sh->sh_type == SHT_REL && sh->sh_info == prog && sh->sh_size >= sizeof(Elf64_Rel))
			return sh;
	}
	return NULL;
}

/* The symbol named `name` in .symtab. */
static inline Elf64_Sym *ot_sym(unsigned char *buf, size_t size, const char *name)
{
	Elf64_Shdr *st = ot_find(buf, size, ".symtab", NULL);
	Elf64_Shdr *str;

	if (!st)
		return NULL;
	str = ot_shdr(buf, size, st->sh_link);
	if (!str)
		return NULL;
	for (size_t i = 0; i < st->sh_size / sizeof(Elf64_Sym); i++) {
		Elf64_Sym *s = (Elf64_Sym *)(buf + st->sh_offset) + i;

		if (str->sh_offset + s->st_name < size &&
		    !strcmp((const char *)buf + str->sh_offset + s->st_name, name))
			return s;
	}
	return NULL;
}

static inline int ot_mutate(enum ot_mutant m, unsigned char *buf, size_t *size,
			    const char *map_sym)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh;
	Elf64_Rel *rel;
	Elf64_Sym *sym;
	static const char text[] = "this is not an ELF object, just some text\n";

	if (*size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return -1;
	switch (m) {
	case OT_TRUNC_HALF:
		*size /= 2;
		return 0;
	case OT_TRUNC_EHDR:
		*size = 40;
		return 0;
	case OT_TRUNC_SHDRS:
		if (eh->e_shoff + 64 > *size)
			return -1;
		*size = eh->e_shoff + 64 + 17; /* two headers and a bit */
		return 0;
	case OT_NOT_ELF:
		memcpy(buf, text, sizeof(text));
		*size = sizeof(text);
		return 0;
	case OT_BAD_MAGIC:
		buf[3] = 'G';
		return 0;
	case OT_CLASS32:
		eh->e_ident[EI_CLASS] = ELFCLASS32;
		return 0;
	case OT_MACHINE:
		eh->e_machine = EM_X86_64;
		return 0;
	case OT_BIG_ENDIAN:
		eh->e_ident[EI_DATA] = ELFDATA2MSB;
		return 0;
	case OT_SHOFF_RANGE:
		eh->e_shoff = *size + 4096;
		return 0;
	case OT_SHNUM_HUGE:
		eh->e_shnum = 0xff00;
		return 0;
	case OT_SHSTRNDX_RANGE:
		eh->e_shstrndx = eh->e_shnum + 5;
		return 0;
	case OT_SEC_OFF_RANGE:
		if (!(sh = ot_find(buf, *size, "socket", NULL)))
			return -1;
		sh->sh_offset = *size + 0x10000;
		return 0;
	case OT_SEC_SIZE_RANGE:
		if (!(sh = ot_find(buf, *size, ".symtab", NULL)))
			return -1;
		sh->sh_size = (*size + 0x10000) / sizeof(Elf64_Sym) * sizeof(Elf64_Sym);
		return 0;
	case OT_STRTAB_OFF:
		if (!(sh = ot_find(buf, *size, ".strtab", NULL)))
			return -1;
		sh->sh_offset = *size + 0x1000;
		return 0;
	case OT_REL_OFFSET:
	case OT_REL_SYM:
	case OT_REL_UNALIGNED: {
		Elf64_Shdr *prog = ot_find(buf, *size, "socket", NULL);
		Elf64_Shdr *st = ot_find(buf, *size, ".symtab", NULL);

		if (!prog || !st || !(sh = ot_prog_rel(buf, *size)))
			return -1;
		rel = (Elf64_Rel *)(buf + sh->sh_offset);
		if (m == OT_REL_OFFSET)
			rel->r_offset = prog->sh_size + 64;
		else if (m == OT_REL_UNALIGNED)
			rel->r_offset += 3;
		else
			rel->r_info = ELF64_R_INFO(st->sh_size / sizeof(Elf64_Sym) + 100,
						   ELF64_R_TYPE(rel->r_info));
		return 0;
	}
	case OT_SYM_SHNDX:
		if (!(sym = ot_sym(buf, *size, map_sym)))
			return -1;
		sym->st_shndx = eh->e_shnum + 10;
		return 0;
	case OT_SYM_NAME:
		if (!(sym = ot_sym(buf, *size, map_sym)))
			return -1;
		sym->st_name = 0x7ffff000;
		return 0;
	case OT_MAP_TAIL:
		if (!(sh = ot_find(buf, *size, "maps", NULL)) || sh->sh_size < 28 ||
		    sh->sh_type != SHT_PROGBITS)
			return -1;
		buf[sh->sh_offset + 20] = 1; /* inner_map_idx of the first definition */
		return 0;
	default:
		return -1;
	}
}

#endif
