/* A v4.18+ samples/bpf client including its own trace_helpers.h before
 * bpf_load.h. */
#include "trace_helpers.h"
#include <bpf_load.h>
#include "ksym_client.h"

int main(void)
{
	return ksym_client_main("legacy_ksym_th_first");
}
