#!/usr/bin/env bash
# A binary linked against libbpf 0.x runs on libbpfrs (run by tests/run-all).
#
# No libbpf 0.x is packaged here, so the test makes a stand-in libbpf.so.0 with
# the 0.6-0.8 export layout (SONAME libbpf.so.0, dual bpf_prog_load: the 4-argument
# one @LIBBPF_0.0.1, the 6-argument one @@LIBBPF_0.6.0, bpf_prog_load_deprecated
# @@LIBBPF_0.6.0), links a client against it exactly as a 0.x build would, then
# runs the client with LD_LIBRARY_PATH=dist/compat, where libbpf.so.0 is libbpfrs.
# The client calls each bpf_prog_load ABI on a real BPF object, plus the 0.x-only
# bpf_create_map, and checks the results; its first call checks that the name
# libbpf.so.0 gives 0.x's -1 returns before any 0.x-only call.
# Also checks that libbpfrs defines every version node of libbpf 0.8 and of the
# system libbpf 1.1.2 (ld.so refuses a binary needing an undefined node).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dist=$root/target/release/dist
compat=$dist/compat
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok    $*"; }
bad() { fail=$((fail + 1)); echo "FAIL  $*"; [ -s "$tmp/log" ] && sed 's/^/      /' "$tmp/log" | tail -n 20; }
[ -f "$dist/libbpfrs.so.1" ] || abi/link || { echo "FAIL: abi/link"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/log"

# Version nodes.
nodes0="0.0.1 0.0.2 0.0.3 0.0.4 0.0.5 0.0.6 0.0.7 0.0.8 0.0.9 0.1.0 0.2.0 0.3.0 0.4.0 0.5.0 0.6.0 0.7.0 0.8.0"
sysnodes=$(readelf -V "/usr/lib/$(uname -m)-linux-gnu/libbpf.so.1" 2>/dev/null | sed -n 's/.*Name: \(LIBBPF_[0-9.]*\)$/\1/p' | sort -u)
ours=$(readelf -V "$dist/libbpfrs.so.1" | sed -n 's/.*Name: \(LIBBPF_[0-9.]*\)$/\1/p' | sort -u)
want=$(printf 'LIBBPF_%s\n' $nodes0 | cat - <(echo "$sysnodes") | sort -u | grep .)
lack=$(comm -23 <(echo "$want") <(echo "$ours") | tr '\n' ' ')
if [ -z "$lack" ]; then ok "libbpfrs defines all $(echo "$want" | wc -l) nodes of libbpf 0.8 and 1.1.2 (LIBBPF_0.0.1 .. $(echo "$want" | tail -n 1))"
else bad "version nodes missing from libbpfrs: $lack"; fi

# The stand-in libbpf.so.0 (only what the client links against).
cat >"$tmp/stub.c" <<'EOF'
/* Link-time stand-in for libbpf 0.8's libbpf.so.0: never run. */
int bpf_prog_load_v0_6_0(void) { return -1; }
int bpf_prog_load_old(void) { return -1; }
int bpf_prog_load_deprecated(void) { return -1; }
int bpf_create_map(void) { return -1; }
int bpf_map_update_elem(void) { return -1; }
int bpf_map_lookup_elem(void) { return -1; }
void bpf_object__close(void) { }
__asm__(".symver bpf_prog_load_v0_6_0, bpf_prog_load@@LIBBPF_0.6.0");
__asm__(".symver bpf_prog_load_old, bpf_prog_load@LIBBPF_0.0.1");
EOF
{
	prev=""
	for v in $nodes0; do
		printf 'LIBBPF_%s {\n' "$v"
		case $v in
		0.0.1) printf '\tglobal: bpf_prog_load; bpf_create_map; bpf_map_update_elem; bpf_map_lookup_elem; bpf_object__close;\n' ;;
		0.6.0) printf '\tglobal: bpf_prog_load; bpf_prog_load_deprecated;\n' ;;
		0.8.0) printf '\tlocal: *;\n' ;;
		esac
		printf '}%s;\n' "${prev:+ $prev}"
		prev=LIBBPF_$v
	done
} >"$tmp/stub.map"
mkdir -p "$tmp/lib0"
if ! gcc -shared -fPIC -o "$tmp/lib0/libbpf.so.0" -Wl,-soname,libbpf.so.0 -Wl,--version-script="$tmp/stub.map" "$tmp/stub.c" >"$tmp/log" 2>&1; then
	bad "stand-in libbpf.so.0 build"; echo "abi compat0: $pass passed, $fail failed"; exit 1
fi

# The client, as built against libbpf 0.6-0.8 headers: the 4-argument call through
# the argument-count macro goes to bpf_prog_load_deprecated; a binary built
# against libbpf <= 0.5 recorded bpf_prog_load@LIBBPF_0.0.1 for the same call.
cat >"$tmp/client.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <linux/bpf.h>

struct bpf_object;
struct bpf_prog_load_opts { size_t sz; char pad[64]; };
int bpf_prog_load_old(const char *file, enum bpf_prog_type type, struct bpf_object **pobj, int *prog_fd);
__asm__(".symver bpf_prog_load_old, bpf_prog_load@LIBBPF_0.0.1");
int bpf_prog_load(enum bpf_prog_type type, const char *name, const char *license,
		  const struct bpf_insn *insns, size_t insn_cnt, const struct bpf_prog_load_opts *opts);
int bpf_prog_load_deprecated(const char *file, enum bpf_prog_type type, struct bpf_object **pobj, int *prog_fd);
int bpf_create_map(enum bpf_map_type type, int key_size, int value_size, int max_entries, __u32 flags);
int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);
int bpf_map_lookup_elem(int fd, const void *key, void *value);
void bpf_object__close(struct bpf_object *obj);

static int failed;
#define EXPECT(c) do { if (!(c)) { failed = 1; printf("FAIL %s:%d %s (errno %d)\n", __FILE__, __LINE__, #c, errno); } } while (0)

int main(int argc, char **argv)
{
	struct bpf_object *obj = NULL;
	int fd = -1, r;
	struct bpf_insn ret0[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	__u32 k = 0;
	__u64 v = 7, out = 0;

	/* Loaded as libbpf.so.0, libbpfrs gives 0.x returns from the first call,
	 * before any 0.x-only one: a kernel refusal is -1 with errno. */
	errno = 0;
	r = bpf_map_lookup_elem(-1, &k, &out);
	EXPECT(r == -1 && errno == EBADF);
	/* bpf_prog_load@LIBBPF_0.0.1: 4 arguments. */
	r = bpf_prog_load_old(argv[1], BPF_PROG_TYPE_UNSPEC, &obj, &fd);
	EXPECT(r == 0 && obj && fd >= 0);
	if (obj)
		bpf_object__close(obj);
	/* bpf_prog_load_deprecated@LIBBPF_0.6.0: the same 4-argument call. */
	obj = NULL; fd = -1;
	r = bpf_prog_load_deprecated(argv[1], BPF_PROG_TYPE_UNSPEC, &obj, &fd);
	EXPECT(r == 0 && obj && fd >= 0);
	if (obj)
		bpf_object__close(obj);
	/* 0.x error convention: a missing file gives a negative errno code. */
	r = bpf_prog_load_old("/nonexistent/ab_none.o", BPF_PROG_TYPE_UNSPEC, &obj, &fd);
	EXPECT(r < 0);
	/* bpf_prog_load@@LIBBPF_0.6.0: 6 arguments. */
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "ab_ret0", "GPL", ret0, 2, NULL);
	EXPECT(fd >= 0);
	if (fd >= 0)
		close(fd);
	/* A 0.x-only function. */
	fd = bpf_create_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	EXPECT(fd >= 0);
	EXPECT(bpf_map_update_elem(fd, &k, &v, 0) == 0 && bpf_map_lookup_elem(fd, &k, &out) == 0 && out == 7);
	if (fd >= 0)
		close(fd);
	printf("%s\n", failed ? "client: FAILED" : "client: all calls ok");
	return failed;
}
EOF
if ! gcc -std=gnu11 -Wall -Werror -I"/usr/include/$(uname -m)-linux-gnu" -o "$tmp/client" "$tmp/client.c" "$tmp/lib0/libbpf.so.0" >"$tmp/log" 2>&1; then
	bad "0.x client build"; echo "abi compat0: $pass passed, $fail failed"; exit 1
fi
if readelf -d "$tmp/client" | grep -q 'NEEDED.*\[libbpf.so.0\]' &&
	readelf -V "$tmp/client" | grep -q 'Name: LIBBPF_0.0.1' && readelf -V "$tmp/client" | grep -q 'Name: LIBBPF_0.6.0' &&
	objdump -T "$tmp/client" | grep -q '(LIBBPF_0.0.1) *bpf_prog_load$'; then
	ok "0.x client needs libbpf.so.0 and bpf_prog_load@LIBBPF_0.0.1, bpf_prog_load@LIBBPF_0.6.0"
else
	objdump -T "$tmp/client" | grep bpf >"$tmp/log"; bad "0.x client's imports are not what a 0.x build records"
fi
if LD_LIBRARY_PATH=$compat ldd "$tmp/client" 2>&1 | grep -q "libbpf.so.0 => $compat/libbpf.so.0"; then
	ok "libbpf.so.0 resolves to $compat/libbpf.so.0 (libbpfrs)"
else bad "libbpf.so.0 does not resolve into the compat dir"; fi

if [ "$(id -u)" = 0 ]; then
	clang -O2 -g -target bpf -I"$root/include" -I"/usr/include/$(uname -m)-linux-gnu" -c tests/iproute2/ab_counters.bpf.c -o "$tmp/ab_counters.o" 2>"$tmp/log" ||
		bad "clang ab_counters.bpf.c"
	if LD_LIBRARY_PATH=$compat "$tmp/client" "$tmp/ab_counters.o" >"$tmp/log" 2>&1; then
		ok "0.x client runs on libbpfrs: -1 returns as libbpf.so.0, 4-arg bpf_prog_load@LIBBPF_0.0.1, bpf_prog_load_deprecated, 6-arg bpf_prog_load, bpf_create_map"
	else bad "0.x client on libbpfrs"; fi
else
	echo "skip  running the 0.x client (needs root)"
fi
echo "abi compat0: $pass passed, $fail failed"
[ $fail -eq 0 ]
