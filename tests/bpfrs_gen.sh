#!/usr/bin/env bash
# The C skeleton tests (c-tests/object/skeleton.c, skel_core.c, skel_externs.c)
# built on skeleton and subskeleton headers that `bpfrs gen skeleton` and
# `bpfrs gen subskeleton` wrote (instead of bpftool), in target/bpfrs-gen/, and
# run twice: against libbpfrs (our headers, -lbpfrs) and against the system
# libbpf (system headers, -lbpf). Each header is also compared with bpftool's.
# Needs root for the runs; exit 77 when not root.
# Prints "ok"/"FAIL" lines and "bpfrs gen: N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok    $*"; }
bad() { fail=$((fail + 1)); echo "FAIL  $*"; }
[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
command -v bpftool >/dev/null || { echo "SKIP: bpftool missing"; exit 77; }
cargo build --release --quiet && abi/link --no-build >/dev/null || { bad "build"; echo "bpfrs gen: $pass passed, $fail failed"; exit 1; }
arch=$(uname -m)
dist=$root/target/release/dist
gen=$root/target/bpfrs-gen
out=$root/target/c-tests
mkdir -p "$gen" "$out/object"
for b in c-tests/bpf/skel_*.bpf.c; do
	n=$(basename "$b" .bpf.c)
	if ! clang -O2 -g -target bpf -I"$root/include" -I"/usr/include/$arch-linux-gnu" -c "$b" -o "$gen/$n.bpf.o" 2>"$gen/$n.log"; then
		bad "$n: clang"; continue
	fi
	target/release/bpfrs gen skeleton "$gen/$n.bpf.o" name "$n" >"$gen/$n.skel.h" 2>>"$gen/$n.log" || { bad "$n: bpfrs gen skeleton"; continue; }
	target/release/bpfrs gen subskeleton "$gen/$n.bpf.o" name "${n}_lib" >"$gen/${n}_lib.subskel.h" 2>>"$gen/$n.log" ||
		{ bad "$n: bpfrs gen subskeleton"; continue; }
	if bpftool gen skeleton "$gen/$n.bpf.o" name "$n" | cmp -s - "$gen/$n.skel.h"; then
		ok "$n.skel.h identical to bpftool's"
	else
		bad "$n.skel.h differs from bpftool's"
	fi
	if bpftool gen subskeleton "$gen/$n.bpf.o" name "${n}_lib" | cmp -s - "$gen/${n}_lib.subskel.h"; then
		ok "${n}_lib.subskel.h identical to bpftool's"
	else
		bad "${n}_lib.subskel.h differs from bpftool's"
	fi
done
for t in skeleton skel_core skel_externs; do
	src=c-tests/object/$t.c
	exe=$gen/$t.libbpfrs
	if gcc -std=gnu11 -O1 -g -Wall -Werror -I"$root/include" -I"$root/c-tests/include" -I"$gen" \
		-I"/usr/include/$arch-linux-gnu" -o "$exe" "$src" -L"$dist" -lbpfrs -Wl,-rpath,"$dist" >"$exe.log" 2>&1 &&
		(cd "$out" && timeout 120 "$exe") >>"$exe.log" 2>&1; then
		ok "object/$t on libbpfrs (bpfrs skeleton)"
	else
		bad "object/$t on libbpfrs (bpfrs skeleton)"; tail -n 20 "$exe.log" | sed 's/^/      /'
	fi
	exe=$gen/$t.libbpf
	if gcc -std=gnu11 -O1 -g -Wall -Werror -I"$root/c-tests/include" -I"$gen" \
		-o "$exe" "$src" -lbpf >"$exe.log" 2>&1 &&
		(cd "$out" && timeout 120 "$exe") >>"$exe.log" 2>&1; then
		ok "object/$t on the system libbpf (bpfrs skeleton)"
	else
		bad "object/$t on the system libbpf (bpfrs skeleton)"; tail -n 20 "$exe.log" | sed 's/^/      /'
	fi
done
echo "bpfrs gen: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
