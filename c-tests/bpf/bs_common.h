/* Shared by the bpf/bs_*.bpf.c programs and their user space (c-tests/include/
 * bootstrap.h): the event records and result layouts. Plain C types only, so it
 * builds both with vmlinux.h (BPF) and with the C library (user space). */
#ifndef BS_COMMON_H
#define BS_COMMON_H

#define BS_TASK_COMM_LEN 16
#define BS_MAX_FILENAME_LEN 127

/* bs_bootstrap: one process exec or exit. */
struct bs_event {
	int pid;
	int ppid;
	unsigned exit_code;
	unsigned long long duration_ns;
	char comm[BS_TASK_COMM_LEN];
	char filename[BS_MAX_FILENAME_LEN];
	_Bool exit_event;
};

#endif
