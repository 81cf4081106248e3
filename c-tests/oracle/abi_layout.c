/* Oracle: struct layouts that cross the ABI (spec libbpf-api.md section 4). Built
 * against the system libbpf 1.1.2 headers and against include/, it prints sizeof,
 * alignment and every field's offset and size; the two outputs must be identical.
 *
 * C cannot test whether a struct is declared, so the list below names the structs
 * compared; it is the same on both sides (a struct must be in both header sets).
 * Add a struct here once include/libbpfrs.h declares it.
 *
 * Structs set to 0 below (in 1.1.2's headers, not yet in ours) print as "not
 * compared" on both sides, so the output lists what is still unchecked.
 *
 * 0.x attr structs that 1.1.2 no longer declares are checked on the libbpfrs side
 * only, with _Static_assert against the spec's section 4.3 numbers. */
#include "oracle.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stddef.h>

/* Structs compared (declared by include/libbpfrs.h and by 1.1.2). */
#define ABI_bpf_map_create_opts 1
#define ABI_bpf_map_batch_opts 1
#define ABI_bpf_obj_get_opts 1
#define ABI_bpf_get_fd_by_id_opts 1
#define ABI_bpf_prog_load_opts 1
#define ABI_bpf_btf_load_opts 1
#define ABI_bpf_prog_attach_opts 1
#define ABI_bpf_link_create_opts 1
#define ABI_bpf_link_update_opts 1
#define ABI_bpf_prog_test_run_attr 1
#define ABI_bpf_prog_query_opts 1
#define ABI_bpf_prog_bind_opts 1
#define ABI_bpf_test_run_opts 1
#define ABI_bpf_object_open_opts 0
#define ABI_bpf_perf_event_opts 0
#define ABI_bpf_kprobe_opts 0
#define ABI_bpf_kprobe_multi_opts 0
#define ABI_bpf_ksyscall_opts 0
#define ABI_bpf_uprobe_opts 0
#define ABI_bpf_usdt_opts 0
#define ABI_bpf_tracepoint_opts 0
#define ABI_bpf_trace_opts 0
#define ABI_bpf_iter_attach_opts 0
#define ABI_bpf_xdp_set_link_opts 0
#define ABI_bpf_xdp_attach_opts 0
#define ABI_bpf_xdp_query_opts 0
#define ABI_bpf_tc_hook 0
#define ABI_bpf_tc_opts 0
#define ABI_ring_buffer_opts 0
#define ABI_user_ring_buffer_opts 0
#define ABI_perf_buffer_opts 0
#define ABI_perf_buffer_raw_opts 0
#define ABI_bpf_map_skeleton 0
#define ABI_bpf_prog_skeleton 0
#define ABI_bpf_object_skeleton 0
#define ABI_bpf_var_skeleton 0
#define ABI_bpf_object_subskeleton 0
#define ABI_gen_loader_opts 0
#define ABI_bpf_linker_opts 0
#define ABI_bpf_linker_file_opts 0
#define ABI_libbpf_prog_handler_opts 0

#define S(T)                                                                          \
	printf("struct %s: sizeof %zu align %zu\n", #T, sizeof(struct T),             \
	       (size_t)_Alignof(struct T))
#define F(T, f)                                                                       \
	printf("  %s.%s @%zu size %zu\n", #T, #f, offsetof(struct T, f),              \
	       sizeof(((struct T *)0)->f))
#define NOT_COMPARED(T) printf("struct %s: not compared\n", #T)

static void bpf_h(void)
{
#if ABI_bpf_map_create_opts
	S(bpf_map_create_opts);
	F(bpf_map_create_opts, sz);
	F(bpf_map_create_opts, btf_fd);
	F(bpf_map_create_opts, btf_key_type_id);
	F(bpf_map_create_opts, btf_value_type_id);
	F(bpf_map_create_opts, btf_vmlinux_value_type_id);
	F(bpf_map_create_opts, inner_map_fd);
	F(bpf_map_create_opts, map_flags);
	F(bpf_map_create_opts, map_extra);
	F(bpf_map_create_opts, numa_node);
	F(bpf_map_create_opts, map_ifindex);
#else
	NOT_COMPARED(bpf_map_create_opts);
#endif
#if ABI_bpf_prog_load_opts
	S(bpf_prog_load_opts);
	F(bpf_prog_load_opts, sz);
	F(bpf_prog_load_opts, attempts);
	F(bpf_prog_load_opts, expected_attach_type);
	F(bpf_prog_load_opts, prog_btf_fd);
	F(bpf_prog_load_opts, prog_flags);
	F(bpf_prog_load_opts, prog_ifindex);
	F(bpf_prog_load_opts, kern_version);
	F(bpf_prog_load_opts, attach_btf_id);
	F(bpf_prog_load_opts, attach_prog_fd);
	F(bpf_prog_load_opts, attach_btf_obj_fd);
	F(bpf_prog_load_opts, fd_array);
	F(bpf_prog_load_opts, func_info);
	F(bpf_prog_load_opts, func_info_cnt);
	F(bpf_prog_load_opts, func_info_rec_size);
	F(bpf_prog_load_opts, line_info);
	F(bpf_prog_load_opts, line_info_cnt);
	F(bpf_prog_load_opts, line_info_rec_size);
	F(bpf_prog_load_opts, log_level);
	F(bpf_prog_load_opts, log_size);
	F(bpf_prog_load_opts, log_buf);
#else
	NOT_COMPARED(bpf_prog_load_opts);
#endif
#if ABI_bpf_btf_load_opts
	S(bpf_btf_load_opts);
	F(bpf_btf_load_opts, sz);
	F(bpf_btf_load_opts, log_buf);
	F(bpf_btf_load_opts, log_level);
	F(bpf_btf_load_opts, log_size);
#else
	NOT_COMPARED(bpf_btf_load_opts);
#endif
#if ABI_bpf_map_batch_opts
	S(bpf_map_batch_opts);
	F(bpf_map_batch_opts, sz);
	F(bpf_map_batch_opts, elem_flags);
	F(bpf_map_batch_opts, flags);
#else
	NOT_COMPARED(bpf_map_batch_opts);
#endif
#if ABI_bpf_obj_get_opts
	S(bpf_obj_get_opts);
	F(bpf_obj_get_opts, sz);
	F(bpf_obj_get_opts, file_flags);
#else
	NOT_COMPARED(bpf_obj_get_opts);
#endif
#if ABI_bpf_prog_attach_opts
	S(bpf_prog_attach_opts);
	F(bpf_prog_attach_opts, sz);
	F(bpf_prog_attach_opts, flags);
	F(bpf_prog_attach_opts, replace_prog_fd);
#else
	NOT_COMPARED(bpf_prog_attach_opts);
#endif
#if ABI_bpf_link_create_opts
	S(bpf_link_create_opts);
	F(bpf_link_create_opts, sz);
	F(bpf_link_create_opts, flags);
	F(bpf_link_create_opts, iter_info);
	F(bpf_link_create_opts, iter_info_len);
	F(bpf_link_create_opts, target_btf_id);
	F(bpf_link_create_opts, perf_event);
	F(bpf_link_create_opts, perf_event.bpf_cookie);
	F(bpf_link_create_opts, kprobe_multi);
	F(bpf_link_create_opts, kprobe_multi.flags);
	F(bpf_link_create_opts, kprobe_multi.cnt);
	F(bpf_link_create_opts, kprobe_multi.syms);
	F(bpf_link_create_opts, kprobe_multi.addrs);
	F(bpf_link_create_opts, kprobe_multi.cookies);
	F(bpf_link_create_opts, tracing);
	F(bpf_link_create_opts, tracing.cookie);
#else
	NOT_COMPARED(bpf_link_create_opts);
#endif
#if ABI_bpf_link_update_opts
	S(bpf_link_update_opts);
	F(bpf_link_update_opts, sz);
	F(bpf_link_update_opts, flags);
	F(bpf_link_update_opts, old_prog_fd);
#else
	NOT_COMPARED(bpf_link_update_opts);
#endif
#if ABI_bpf_prog_test_run_attr
	S(bpf_prog_test_run_attr);
	F(bpf_prog_test_run_attr, prog_fd);
	F(bpf_prog_test_run_attr, repeat);
	F(bpf_prog_test_run_attr, data_in);
	F(bpf_prog_test_run_attr, data_size_in);
	F(bpf_prog_test_run_attr, data_out);
	F(bpf_prog_test_run_attr, data_size_out);
	F(bpf_prog_test_run_attr, retval);
	F(bpf_prog_test_run_attr, duration);
	F(bpf_prog_test_run_attr, ctx_in);
	F(bpf_prog_test_run_attr, ctx_size_in);
	F(bpf_prog_test_run_attr, ctx_out);
	F(bpf_prog_test_run_attr, ctx_size_out);
#else
	NOT_COMPARED(bpf_prog_test_run_attr);
#endif
#if ABI_bpf_get_fd_by_id_opts
	S(bpf_get_fd_by_id_opts);
	F(bpf_get_fd_by_id_opts, sz);
	F(bpf_get_fd_by_id_opts, open_flags);
#else
	NOT_COMPARED(bpf_get_fd_by_id_opts);
#endif
#if ABI_bpf_prog_query_opts
	S(bpf_prog_query_opts);
	F(bpf_prog_query_opts, sz);
	F(bpf_prog_query_opts, query_flags);
	F(bpf_prog_query_opts, attach_flags);
	F(bpf_prog_query_opts, prog_ids);
	F(bpf_prog_query_opts, prog_cnt);
	F(bpf_prog_query_opts, prog_attach_flags);
#else
	NOT_COMPARED(bpf_prog_query_opts);
#endif
#if ABI_bpf_prog_bind_opts
	S(bpf_prog_bind_opts);
	F(bpf_prog_bind_opts, sz);
	F(bpf_prog_bind_opts, flags);
#else
	NOT_COMPARED(bpf_prog_bind_opts);
#endif
#if ABI_bpf_test_run_opts
	S(bpf_test_run_opts);
	F(bpf_test_run_opts, sz);
	F(bpf_test_run_opts, data_in);
	F(bpf_test_run_opts, data_out);
	F(bpf_test_run_opts, data_size_in);
	F(bpf_test_run_opts, data_size_out);
	F(bpf_test_run_opts, ctx_in);
	F(bpf_test_run_opts, ctx_out);
	F(bpf_test_run_opts, ctx_size_in);
	F(bpf_test_run_opts, ctx_size_out);
	F(bpf_test_run_opts, retval);
	F(bpf_test_run_opts, repeat);
	F(bpf_test_run_opts, duration);
	F(bpf_test_run_opts, flags);
	F(bpf_test_run_opts, cpu);
	F(bpf_test_run_opts, batch_size);
#else
	NOT_COMPARED(bpf_test_run_opts);
#endif
}

static void libbpf_h_attach(void)
{
#if ABI_bpf_object_open_opts
	S(bpf_object_open_opts);
	F(bpf_object_open_opts, sz);
	F(bpf_object_open_opts, object_name);
	F(bpf_object_open_opts, relaxed_maps);
	F(bpf_object_open_opts, pin_root_path);
	F(bpf_object_open_opts, kconfig);
	F(bpf_object_open_opts, btf_custom_path);
	F(bpf_object_open_opts, kernel_log_buf);
	F(bpf_object_open_opts, kernel_log_size);
	F(bpf_object_open_opts, kernel_log_level);
#else
	NOT_COMPARED(bpf_object_open_opts);
#endif
#if ABI_bpf_perf_event_opts
	S(bpf_perf_event_opts);
	F(bpf_perf_event_opts, sz);
	F(bpf_perf_event_opts, bpf_cookie);
#else
	NOT_COMPARED(bpf_perf_event_opts);
#endif
#if ABI_bpf_kprobe_opts
	S(bpf_kprobe_opts);
	F(bpf_kprobe_opts, sz);
	F(bpf_kprobe_opts, bpf_cookie);
	F(bpf_kprobe_opts, offset);
	F(bpf_kprobe_opts, retprobe);
#else
	NOT_COMPARED(bpf_kprobe_opts);
#endif
#if ABI_bpf_kprobe_multi_opts
	S(bpf_kprobe_multi_opts);
	F(bpf_kprobe_multi_opts, sz);
	F(bpf_kprobe_multi_opts, syms);
	F(bpf_kprobe_multi_opts, addrs);
	F(bpf_kprobe_multi_opts, cookies);
	F(bpf_kprobe_multi_opts, cnt);
	F(bpf_kprobe_multi_opts, retprobe);
#else
	NOT_COMPARED(bpf_kprobe_multi_opts);
#endif
#if ABI_bpf_ksyscall_opts
	S(bpf_ksyscall_opts);
	F(bpf_ksyscall_opts, sz);
	F(bpf_ksyscall_opts, bpf_cookie);
	F(bpf_ksyscall_opts, retprobe);
#else
	NOT_COMPARED(bpf_ksyscall_opts);
#endif
#if ABI_bpf_uprobe_opts
	S(bpf_uprobe_opts);
	F(bpf_uprobe_opts, sz);
	F(bpf_uprobe_opts, ref_ctr_offset);
	F(bpf_uprobe_opts, bpf_cookie);
	F(bpf_uprobe_opts, retprobe);
	F(bpf_uprobe_opts, func_name);
#else
	NOT_COMPARED(bpf_uprobe_opts);
#endif
#if ABI_bpf_usdt_opts
	S(bpf_usdt_opts);
	F(bpf_usdt_opts, sz);
	F(bpf_usdt_opts, usdt_cookie);
#else
	NOT_COMPARED(bpf_usdt_opts);
#endif
#if ABI_bpf_tracepoint_opts
	S(bpf_tracepoint_opts);
	F(bpf_tracepoint_opts, sz);
	F(bpf_tracepoint_opts, bpf_cookie);
#else
	NOT_COMPARED(bpf_tracepoint_opts);
#endif
#if ABI_bpf_trace_opts
	S(bpf_trace_opts);
	F(bpf_trace_opts, sz);
	F(bpf_trace_opts, cookie);
#else
	NOT_COMPARED(bpf_trace_opts);
#endif
#if ABI_bpf_iter_attach_opts
	S(bpf_iter_attach_opts);
	F(bpf_iter_attach_opts, sz);
	F(bpf_iter_attach_opts, link_info);
	F(bpf_iter_attach_opts, link_info_len);
#else
	NOT_COMPARED(bpf_iter_attach_opts);
#endif
}

static void libbpf_h_net(void)
{
#if ABI_bpf_xdp_set_link_opts
	S(bpf_xdp_set_link_opts);
	F(bpf_xdp_set_link_opts, sz);
	F(bpf_xdp_set_link_opts, old_fd);
#else
	NOT_COMPARED(bpf_xdp_set_link_opts);
#endif
#if ABI_bpf_xdp_attach_opts
	S(bpf_xdp_attach_opts);
	F(bpf_xdp_attach_opts, sz);
	F(bpf_xdp_attach_opts, old_prog_fd);
#else
	NOT_COMPARED(bpf_xdp_attach_opts);
#endif
#if ABI_bpf_xdp_query_opts
	S(bpf_xdp_query_opts);
	F(bpf_xdp_query_opts, sz);
	F(bpf_xdp_query_opts, prog_id);
	F(bpf_xdp_query_opts, drv_prog_id);
	F(bpf_xdp_query_opts, hw_prog_id);
	F(bpf_xdp_query_opts, skb_prog_id);
	F(bpf_xdp_query_opts, attach_mode);
#else
	NOT_COMPARED(bpf_xdp_query_opts);
#endif
#if ABI_bpf_tc_hook
	S(bpf_tc_hook);
	F(bpf_tc_hook, sz);
	F(bpf_tc_hook, ifindex);
	F(bpf_tc_hook, attach_point);
	F(bpf_tc_hook, parent);
#else
	NOT_COMPARED(bpf_tc_hook);
#endif
#if ABI_bpf_tc_opts
	S(bpf_tc_opts);
	F(bpf_tc_opts, sz);
	F(bpf_tc_opts, prog_fd);
	F(bpf_tc_opts, flags);
	F(bpf_tc_opts, prog_id);
	F(bpf_tc_opts, handle);
	F(bpf_tc_opts, priority);
#else
	NOT_COMPARED(bpf_tc_opts);
#endif
}

static void libbpf_h_buffers_skel(void)
{
#if ABI_ring_buffer_opts
	S(ring_buffer_opts);
	F(ring_buffer_opts, sz);
#else
	NOT_COMPARED(ring_buffer_opts);
#endif
#if ABI_user_ring_buffer_opts
	S(user_ring_buffer_opts);
	F(user_ring_buffer_opts, sz);
#else
	NOT_COMPARED(user_ring_buffer_opts);
#endif
#if ABI_perf_buffer_opts
	S(perf_buffer_opts);
	F(perf_buffer_opts, sz);
#else
	NOT_COMPARED(perf_buffer_opts);
#endif
#if ABI_perf_buffer_raw_opts
	S(perf_buffer_raw_opts);
	F(perf_buffer_raw_opts, sz);
	F(perf_buffer_raw_opts, cpu_cnt);
	F(perf_buffer_raw_opts, cpus);
	F(perf_buffer_raw_opts, map_keys);
#else
	NOT_COMPARED(perf_buffer_raw_opts);
#endif
#if ABI_bpf_map_skeleton
	S(bpf_map_skeleton);
	F(bpf_map_skeleton, name);
	F(bpf_map_skeleton, map);
	F(bpf_map_skeleton, mmaped);
#else
	NOT_COMPARED(bpf_map_skeleton);
#endif
#if ABI_bpf_prog_skeleton
	S(bpf_prog_skeleton);
	F(bpf_prog_skeleton, name);
	F(bpf_prog_skeleton, prog);
	F(bpf_prog_skeleton, link);
#else
	NOT_COMPARED(bpf_prog_skeleton);
#endif
#if ABI_bpf_object_skeleton
	S(bpf_object_skeleton);
	F(bpf_object_skeleton, sz);
	F(bpf_object_skeleton, name);
	F(bpf_object_skeleton, data);
	F(bpf_object_skeleton, data_sz);
	F(bpf_object_skeleton, obj);
	F(bpf_object_skeleton, map_cnt);
	F(bpf_object_skeleton, map_skel_sz);
	F(bpf_object_skeleton, maps);
	F(bpf_object_skeleton, prog_cnt);
	F(bpf_object_skeleton, prog_skel_sz);
	F(bpf_object_skeleton, progs);
#else
	NOT_COMPARED(bpf_object_skeleton);
#endif
#if ABI_bpf_var_skeleton
	S(bpf_var_skeleton);
	F(bpf_var_skeleton, name);
	F(bpf_var_skeleton, map);
	F(bpf_var_skeleton, addr);
#else
	NOT_COMPARED(bpf_var_skeleton);
#endif
#if ABI_bpf_object_subskeleton
	S(bpf_object_subskeleton);
	F(bpf_object_subskeleton, sz);
	F(bpf_object_subskeleton, obj);
	F(bpf_object_subskeleton, map_cnt);
	F(bpf_object_subskeleton, map_skel_sz);
	F(bpf_object_subskeleton, maps);
	F(bpf_object_subskeleton, prog_cnt);
	F(bpf_object_subskeleton, prog_skel_sz);
	F(bpf_object_subskeleton, progs);
	F(bpf_object_subskeleton, var_cnt);
	F(bpf_object_subskeleton, var_skel_sz);
	F(bpf_object_subskeleton, vars);
#else
	NOT_COMPARED(bpf_object_subskeleton);
#endif
#if ABI_gen_loader_opts
	S(gen_loader_opts);
	F(gen_loader_opts, sz);
	F(gen_loader_opts, data);
	F(gen_loader_opts, insns);
	F(gen_loader_opts, data_sz);
	F(gen_loader_opts, insns_sz);
#else
	NOT_COMPARED(gen_loader_opts);
#endif
#if ABI_bpf_linker_opts
	S(bpf_linker_opts);
	F(bpf_linker_opts, sz);
#else
	NOT_COMPARED(bpf_linker_opts);
#endif
#if ABI_bpf_linker_file_opts
	S(bpf_linker_file_opts);
	F(bpf_linker_file_opts, sz);
#else
	NOT_COMPARED(bpf_linker_file_opts);
#endif
#if ABI_libbpf_prog_handler_opts
	S(libbpf_prog_handler_opts);
	F(libbpf_prog_handler_opts, sz);
	F(libbpf_prog_handler_opts, cookie);
	F(libbpf_prog_handler_opts, prog_setup_fn);
	F(libbpf_prog_handler_opts, prog_prepare_load_fn);
	F(libbpf_prog_handler_opts, prog_attach_fn);
#else
	NOT_COMPARED(libbpf_prog_handler_opts);
#endif
}

/* Enumerators and macros both header sets define. */
static void constants(void)
{
#define K(x) printf("%s = %lld\n", #x, (long long)(x))
	K(LIBBPF_MAJOR_VERSION);
	K(LIBBPF_MINOR_VERSION);
	K(LIBBPF_WARN);
	K(LIBBPF_INFO);
	K(LIBBPF_DEBUG);
	K(__LIBBPF_ERRNO__START);
	K(LIBBPF_ERRNO__LIBELF);
	K(LIBBPF_ERRNO__FORMAT);
	K(LIBBPF_ERRNO__KVERSION);
	K(LIBBPF_ERRNO__ENDIAN);
	K(LIBBPF_ERRNO__INTERNAL);
	K(LIBBPF_ERRNO__RELOC);
	K(LIBBPF_ERRNO__LOAD);
	K(LIBBPF_ERRNO__VERIFY);
	K(LIBBPF_ERRNO__PROG2BIG);
	K(LIBBPF_ERRNO__KVER);
	K(LIBBPF_ERRNO__PROGTYPE);
	K(LIBBPF_ERRNO__WRNGPID);
	K(LIBBPF_ERRNO__INVSEQ);
	K(LIBBPF_ERRNO__NLPARSE);
	K(__LIBBPF_ERRNO__END);
	K(LIBBPF_STRICT_ALL);
	K(LIBBPF_STRICT_NONE);
	K(LIBBPF_STRICT_CLEAN_PTRS);
	K(LIBBPF_STRICT_DIRECT_ERRS);
	K(LIBBPF_STRICT_SEC_NAME);
	K(LIBBPF_STRICT_NO_OBJECT_LIST);
	K(LIBBPF_STRICT_AUTO_RLIMIT_MEMLOCK);
	K(LIBBPF_STRICT_MAP_DEFINITIONS);
	K(__LIBBPF_STRICT_LAST);
	K(MAPS_RELAX_COMPAT);
	K(BPF_LOG_BUF_SIZE);
	K(sizeof(enum libbpf_strict_mode));
	K(sizeof(enum libbpf_errno));
	K(sizeof(enum libbpf_print_level));
#undef K
}

#ifndef ORACLE_SYSTEM
/* 0.x-only attr structs (no sz), libbpfrs side only: spec section 4.3. */
#define AT(T, f, off) \
	_Static_assert(offsetof(struct T, f) == (off), #T "." #f " at " #off)
#define SZ(T, n) _Static_assert(sizeof(struct T) == (n), "sizeof " #T " == " #n)

SZ(bpf_create_map_attr, 56);
AT(bpf_create_map_attr, name, 0);
AT(bpf_create_map_attr, map_type, 8);
AT(bpf_create_map_attr, map_flags, 12);
AT(bpf_create_map_attr, key_size, 16);
AT(bpf_create_map_attr, value_size, 20);
AT(bpf_create_map_attr, max_entries, 24);
AT(bpf_create_map_attr, numa_node, 28);
AT(bpf_create_map_attr, btf_fd, 32);
AT(bpf_create_map_attr, btf_key_type_id, 36);
AT(bpf_create_map_attr, btf_value_type_id, 40);
AT(bpf_create_map_attr, map_ifindex, 44);
AT(bpf_create_map_attr, inner_map_fd, 48);

/* Declared by include/ once the object/program helpers land; flip to 1 then. */
#define ABI0_bpf_load_program_attr 1
#define ABI0_bpf_prog_load_attr 0
#define ABI0_bpf_object_open_attr 0
#define ABI0_bpf_object_load_attr 0
#define ABI0_xdp_link_info 0
#define ABI0_bpf_map_def 0

#if ABI0_bpf_load_program_attr
SZ(bpf_load_program_attr, 96);
AT(bpf_load_program_attr, prog_type, 0);
AT(bpf_load_program_attr, expected_attach_type, 4);
AT(bpf_load_program_attr, name, 8);
AT(bpf_load_program_attr, insns, 16);
AT(bpf_load_program_attr, insns_cnt, 24);
AT(bpf_load_program_attr, license, 32);
AT(bpf_load_program_attr, kern_version, 40);
AT(bpf_load_program_attr, attach_prog_fd, 40);
AT(bpf_load_program_attr, prog_ifindex, 44);
AT(bpf_load_program_attr, attach_btf_id, 44);
AT(bpf_load_program_attr, prog_btf_fd, 48);
AT(bpf_load_program_attr, func_info_rec_size, 52);
AT(bpf_load_program_attr, func_info, 56);
AT(bpf_load_program_attr, func_info_cnt, 64);
AT(bpf_load_program_attr, line_info_rec_size, 68);
AT(bpf_load_program_attr, line_info, 72);
AT(bpf_load_program_attr, line_info_cnt, 80);
AT(bpf_load_program_attr, log_level, 84);
AT(bpf_load_program_attr, prog_flags, 88);
#endif
#if ABI0_bpf_prog_load_attr
SZ(bpf_prog_load_attr, 32);
AT(bpf_prog_load_attr, file, 0);
AT(bpf_prog_load_attr, prog_type, 8);
AT(bpf_prog_load_attr, expected_attach_type, 12);
AT(bpf_prog_load_attr, ifindex, 16);
AT(bpf_prog_load_attr, log_level, 20);
AT(bpf_prog_load_attr, prog_flags, 24);
#endif
#if ABI0_bpf_object_open_attr
SZ(bpf_object_open_attr, 16);
AT(bpf_object_open_attr, file, 0);
AT(bpf_object_open_attr, prog_type, 8);
#endif
#if ABI0_bpf_object_load_attr
SZ(bpf_object_load_attr, 24);
AT(bpf_object_load_attr, obj, 0);
AT(bpf_object_load_attr, log_level, 8);
AT(bpf_object_load_attr, target_btf_path, 16);
#endif
#if ABI0_xdp_link_info
SZ(xdp_link_info, 20);
AT(xdp_link_info, prog_id, 0);
AT(xdp_link_info, drv_prog_id, 4);
AT(xdp_link_info, hw_prog_id, 8);
AT(xdp_link_info, skb_prog_id, 12);
AT(xdp_link_info, attach_mode, 16);
#endif
#if ABI0_bpf_map_def
SZ(bpf_map_def, 20);
AT(bpf_map_def, type, 0);
AT(bpf_map_def, key_size, 4);
AT(bpf_map_def, value_size, 8);
AT(bpf_map_def, max_entries, 12);
AT(bpf_map_def, map_flags, 16);
#endif
#endif /* !ORACLE_SYSTEM */

int main(void)
{
	bpf_h();
	libbpf_h_attach();
	libbpf_h_net();
	libbpf_h_buffers_skel();
	constants();
	return o_done();
}
