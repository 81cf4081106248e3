/* Global data and subprogram calls for c-tests/object/obj_globals.c: .data, .rodata,
 * .bss and a custom .data.custom section read and written by the programs;
 * static noinline subprograms in .text and a global one in .text. With
 * -DOT_SAME_SEC the callee of ot_caller is instead a global function of the
 * "socket" section (itself a program): libbpfrs links it, libbpf 1.1.2 refuses
 * calls outside .text (LIBBPF_ERRNO__RELOC). Static functions in a program
 * section are refused by libbpf ("program is static"), so none here. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int ot_data = 5;                           /* .data */
const volatile int ot_ro = 7;              /* .rodata */
const volatile __u64 ot_ro2[2] = { 11, 13 }; /* .rodata */
int ot_bss;                                /* .bss */
__u64 ot_bss2;                             /* .bss */
int ot_custom SEC(".data.custom") = 9;     /* .data.custom */
int ot_custom2 SEC(".data.custom") = 10;

static __noinline int text_add(int a, int b)
{
	return a + b + ot_ro;
}

static __noinline int text_twice(int a)
{
	return text_add(a, a);
}

__noinline int text_global(int x)
{
	return x + 1;
}

#ifdef OT_SAME_SEC
SEC("socket")
#endif
__noinline int ot_same_sec(struct __sk_buff *skb)
{
	ot_custom2 += 1;
	return skb->len > 0 ? text_global(2) : 4;
}

SEC("socket")
int ot_rw(struct __sk_buff *skb)
{
	ot_bss = ot_data + ot_ro;           /* 5 + 7 = 12 */
	ot_data += 1;
	ot_bss2 = ot_ro2[0] + ot_ro2[1];    /* 24 */
	ot_custom = ot_custom * 2;
	return text_twice(1);               /* 1 + 1 + 7 = 9 */
}

SEC("socket")
int ot_caller(struct __sk_buff *skb)
{
	return ot_same_sec(skb) + text_add(0, 0); /* 3 + 7 = 10 */
}

char LICENSE[] SEC("license") = "GPL";
