/* Not a program: the BTF given as btf_custom_path by the CO-RE tests, a
 * task_struct unlike any kernel's (pid at 12, an 8-byte tgid, no comm). */
struct task_struct {
	int pad[3];
	int pid;
	long tgid;
	long more[2];
};

struct task_struct *libbpfrs_custom_anchor;
