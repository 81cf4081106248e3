/* libbpf-bootstrap's bootstrap on libbpfrs: sched_process_exec/exit
 * tracepoints with BPF_CORE_READ over task_struct, a ring buffer of events and a
 * hash map of start times (bpf/bs_bootstrap.bpf.c through its skeleton). Three
 * children exec /bin/true, /bin/false and /bin/true: each must show up once at
 * exec (ppid, comm, the __data_loc file name) and once at exit (ppid, comm,
 * exit code, a duration), and nothing else. oracle/bootstrap prints the same
 * observations on the system libbpf. */
#define _GNU_SOURCE
#include "harness.h"
#include "bootstrap.h"

int main(void)
{
	struct bs_boot_result r;
	int i;

	require_root();
	CHECK_EQ(bs_run_bootstrap(&r), 0);
	CHECK_EQ(r.load, 0);
	CHECK_EQ(r.attach, 0);
	CHECK_EQ(r.n_exec, BS_CHILDREN);
	CHECK_EQ(r.n_exit, BS_CHILDREN);
	CHECK_EQ(r.n_foreign, 0);
	CHECK_EQ(r.n_events, 2 * BS_CHILDREN);
	CHECK_EQ(r.bss_exec, BS_CHILDREN);
	CHECK_EQ(r.bss_exit, BS_CHILDREN);
	CHECK_EQ(r.bss_dropped, 0);
	for (i = 0; i < BS_CHILDREN; i++) {
		CHECK(r.pid[i] > 0, "fork #%d", i);
		CHECK_EQ(r.code[i], strcmp(bs_child_path[i], "/bin/false") ? 0 : 1);
		CHECK(r.exec_seen[i] && r.exec_ppid[i] && r.exec_comm[i] && r.exec_file[i],
		      "exec event of %s: seen %d ppid %d comm %d filename %d", bs_child_path[i],
		      r.exec_seen[i], r.exec_ppid[i], r.exec_comm[i], r.exec_file[i]);
		CHECK(r.exit_seen[i] && r.exit_ppid[i] && r.exit_comm[i] && r.exit_code[i] &&
			      r.exit_dur[i],
		      "exit event of %s: seen %d ppid %d comm %d code %d duration %d",
		      bs_child_path[i], r.exit_seen[i], r.exit_ppid[i], r.exit_comm[i],
		      r.exit_code[i], r.exit_dur[i]);
	}
	return h_done("bootstrap/bootstrap");
}
