/* A v4.18+ samples/bpf client (sampleip_user.c, trace_event_user.c): bpf_load.h
 * first, then its own trace_helpers.h, which defines struct ksym again. */
#include <bpf_load.h>
#include "trace_helpers.h"
#include "ksym_client.h"

int main(void)
{
	return ksym_client_main("legacy_ksym_th_after");
}
