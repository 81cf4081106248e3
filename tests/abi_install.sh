#!/usr/bin/env bash
# `make install` / `make uninstall` into a temporary prefix (run by tests/run-all):
#  - pkg-config --cflags --libs libbpfrs works from that prefix, and a client built
#    with it runs against the installed libbpfrs.so.1;
#  - the compat libbpf.pc (-lbpf) builds a client whose libbpf.so.1 resolves to the
#    installed compat name (libbpfrs), with the library's versioned symbols;
#  - the bpfrs tool is installed in $(PREFIX)/bin, runs (--help, check on a BPF
#    object built here, gen skeleton compiled against the installed headers) and
#    is removed by uninstall;
#  - uninstall leaves the prefix exactly as it was.
# Prints "ok"/"FAIL" lines and "abi install: N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok    $*"; }
bad() { fail=$((fail + 1)); echo "FAIL  $*"; }
check() { # description command...
	local d=$1; shift
	if "$@" >"$tmp/log" 2>&1; then ok "$d"; else bad "$d"; sed 's/^/      /' "$tmp/log" | tail -n 20; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
mkdir -p "$prefix"

cat >"$tmp/client.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int main(void)
{
	__u32 k = 0;
	__u64 v = 42, out = 0;
	int fd;

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ab_inst", sizeof(k), sizeof(v), 1, NULL);
	if (fd < 0) { fprintf(stderr, "bpf_map_create: %d\n", fd); return 1; }
	if (bpf_map_update_elem(fd, &k, &v, BPF_ANY) || bpf_map_lookup_elem(fd, &k, &out) || out != 42) {
		fprintf(stderr, "map round trip failed\n"); return 1;
	}
	close(fd);
	printf("%s major=%u\n", libbpf_version_string(), libbpf_major_version());
	return 0;
}
EOF

check "make install PREFIX=<tmp>" make -s install PREFIX="$prefix"
m=$prefix/lib/libbpfrs/install-manifest
check "install manifest lists the library, compat names, headers, .pc files" \
	bash -c "grep -q 'file $prefix/lib/libbpfrs.so.1\$' $m && grep -q 'link $prefix/lib/libbpfrs/compat/libbpf.so.1\$' $m &&
		grep -q 'file $prefix/include/bpf/libbpf.h\$' $m && grep -q 'file $prefix/include/libbpfrs.h\$' $m &&
		grep -q 'file $prefix/lib/pkgconfig/libbpfrs.pc\$' $m && grep -q 'file $prefix/lib/pkgconfig/libbpf.pc\$' $m"
check "installed libbpfrs.so.1 has SONAME libbpfrs.so.1 and versioned symbols" \
	bash -c "readelf -d $prefix/lib/libbpfrs.so.1 | grep -q 'SONAME.*\[libbpfrs.so.1\]' &&
		objdump -T $prefix/lib/libbpfrs.so.1 | grep -q 'LIBBPF_0.0.1 *bpf_map_lookup_elem\$'"

check "bpfrs installed in \$(PREFIX)/bin (and in the manifest)" \
	bash -c "[ -x $prefix/bin/bpfrs ] && grep -qx 'file $prefix/bin/bpfrs' $m"
check "installed bpfrs --help lists its commands" \
	bash -c "$prefix/bin/bpfrs --help | grep -q '^  check OBJ' && $prefix/bin/bpfrs --help | grep -q '^  gen subskeleton OBJ'"

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
flags=$(pkg-config --cflags --libs libbpfrs 2>&1)
flags=${flags% }
check "pkg-config --cflags --libs libbpfrs: $flags" \
	bash -c "[ '$flags' = '-I$prefix/include -L$prefix/lib -lbpfrs' ]"
# shellcheck disable=SC2086
check "client builds with pkg-config libbpfrs (installed headers, -lbpfrs)" \
	gcc -std=gnu11 -Wall -Werror -o "$tmp/client" "$tmp/client.c" $flags -Wl,-rpath,"$prefix/lib"
check "client resolves libbpfrs.so.1 from the prefix" \
	bash -c "ldd $tmp/client | grep -q 'libbpfrs.so.1 => $prefix/lib/libbpfrs.so.1'"
if [ "$(id -u)" = 0 ]; then
	check "client runs on the installed library" bash -c "$tmp/client | grep -q '^v1.1 major=1\$'"
fi

# The BPF side: headers installed, and a BPF program built against them
# alone (pkg-config's -I ahead of the system's, which may lack libbpf-dev).
check "BPF-side headers installed (bpf_helpers.h, bpf_helper_defs.h, bpf_core_read.h, bpf_tracing.h, bpf_endian.h, usdt.bpf.h)" \
	bash -c "for h in bpf_helpers.h bpf_helper_defs.h bpf_core_read.h bpf_tracing.h bpf_endian.h usdt.bpf.h; do
		grep -qx \"file $prefix/include/bpf/\$h\" $m || { echo \"\$h not in the manifest\"; exit 1; }; done"
cat >"$tmp/prog.bpf.c" <<'EOF'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("socket")
int count(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&counts, &k);

	if (v && skb->protocol == bpf_htons(0x0800))
		__sync_fetch_and_add(v, 1);
	return 0;
}
EOF
if command -v clang >/dev/null 2>&1; then
	bpf_cflags=$(pkg-config --cflags libbpfrs)
	check "BPF program builds with pkg-config --cflags libbpfrs, on the installed bpf_helpers.h" \
		bash -c "clang -O2 -g -target bpf -Wall -Werror $bpf_cflags -I/usr/include/$(uname -m)-linux-gnu -H \
			-c $tmp/prog.bpf.c -o $tmp/prog.bpf.o 2>$tmp/bpf-H.log &&
			grep -q '$prefix/include/bpf/bpf_helpers.h' $tmp/bpf-H.log"
	# No CO-RE relocation and no --kernel: the report needs no root and no BTF.
	check "installed bpfrs check reads that object (program, map, loads)" \
		bash -c "$prefix/bin/bpfrs check $tmp/prog.bpf.o >$tmp/check.txt &&
			grep -q '^  count SEC(\"socket\"): type socket_filter' $tmp/check.txt &&
			grep -q '^  counts array (btf): key 4 value 8 max_entries 1' $tmp/check.txt"
	# shellcheck disable=SC2086
	check "installed bpfrs gen skeleton: a header that compiles on the installed headers" \
		bash -c "$prefix/bin/bpfrs gen skeleton $tmp/prog.bpf.o name prog >$tmp/prog.skel.h &&
			printf '#include \"prog.skel.h\"\nint main(void) { struct prog *p = prog__open(); prog__destroy(p); return 0; }\n' >$tmp/skel_client.c &&
			gcc -std=gnu11 -Wall -Werror -I$tmp -o $tmp/skel_client $tmp/skel_client.c $flags -Wl,-rpath,$prefix/lib"
fi

lflags=$(pkg-config --libs libbpf 2>&1)
lflags=${lflags% }
# The compat .pc with the *system* headers: a client as built for libbpf.
# shellcheck disable=SC2086
check "client builds with the compat libbpf.pc (system headers, $lflags)" \
	gcc -std=gnu11 -Wall -Werror -o "$tmp/client_compat" "$tmp/client.c" $lflags -Wl,-rpath,"$prefix/lib"
# -lbpf found the compat libbpf.so, whose SONAME is libbpfrs.so.1: the client
# records libbpfrs.so.1 (and libbpf's version nodes).
check "compat client needs libbpfrs.so.1 with LIBBPF_* versions" \
	bash -c "readelf -d $tmp/client_compat | grep -q 'NEEDED.*\[libbpfrs.so.1\]' &&
		readelf -V $tmp/client_compat | grep -q 'Name: LIBBPF_0.6.0' &&
		ldd $tmp/client_compat | grep -q 'libbpfrs.so.1 => $prefix/lib/libbpfrs.so.1'"
# A binary built against the real libbpf, dropped onto the installed compat dir.
gcc -std=gnu11 -Wall -Werror -o "$tmp/client_sys" "$tmp/client.c" -lbpf
check "a -lbpf (system libbpf) client resolves libbpf.so.1 to the installed compat name" \
	bash -c "LD_LIBRARY_PATH=$prefix/lib/libbpfrs/compat ldd $tmp/client_sys | grep -q 'libbpf.so.1 => $prefix/lib/libbpfrs/compat/libbpf.so.1'"
if [ "$(id -u)" = 0 ]; then
	check "system-libbpf client runs on the installed libbpfrs" \
		bash -c "LD_LIBRARY_PATH=$prefix/lib/libbpfrs/compat $tmp/client_sys | grep -q '^v1.1 major=1\$'"
fi
if [ "$(id -u)" = 0 ]; then
	check "compat client runs on libbpfrs" bash -c "$tmp/client_compat | grep -q '^v1.1 major=1\$'"
fi

check "make uninstall PREFIX=<tmp>" make -s uninstall PREFIX="$prefix"
check "uninstall removed bpfrs" bash -c "[ ! -e $prefix/bin/bpfrs ]"
left=$(find "$prefix" -mindepth 1 | head -n 20)
check "uninstall removed everything install created" bash -c "[ -z '$left' ] || { echo '$left'; false; }"
mkdir -p "$prefix/lib/keep" && touch "$prefix/lib/keep/x"
check "install into a prefix with other files" make -s install PREFIX="$prefix"
check "uninstall keeps files it did not install" \
	bash -c "make -s uninstall PREFIX='$prefix' && [ -f '$prefix/lib/keep/x' ] && [ ! -e '$prefix/lib/libbpfrs.so.1' ] && [ ! -e '$prefix/include' ]"

echo "abi install: $pass passed, $fail failed"
[ $fail -eq 0 ]
