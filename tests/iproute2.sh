#!/usr/bin/env bash
# The real binary: Debian's iproute2 (`ip`, `tc`, linked against libbpf.so.1)
# runs unmodified on libbpfrs, put in place of libbpf.so.1 with
# LD_LIBRARY_PATH=target/release/dist/compat. Run by tests/run-all.
#
# In two network namespaces joined by a veth pair (ab_nsa/ab_v0 - ab_nsb/ab_v1):
#  1. `ip link set dev ab_v1 xdp obj ab_counters.o sec xdp` and
#     `tc filter add dev ab_v1 ingress bpf da obj ab_counters.o sec tc` load a
#     BTF-.maps object; LD_DEBUG=files shows libbpf.so.1 came from the compat dir;
#  2. the attached program ids (from ip/tc) are ab_xdp and ab_tc, checked with
#     the library's own bpf_prog_get_fd_by_id/bpf_prog_get_info_by_fd (ab_helper);
#  3. packets sent across the veth are counted in the XDP and tc counter maps;
#  4. detach (xdp off, filter del) removes both;
#  5. an object with a LIBBPF_PIN_BY_NAME map loaded by tc on ab_v0 and ab_v1
#     reuses the one pinned map.
#
# Usage: tests/iproute2.sh [--system-libbpf]
#   --system-libbpf runs the same checks on the real libbpf (validates the test).
# Ends with "iproute2: N passed, N failed"; exit 77 (skip) when not root. ip/tc
# importing a libbpf symbol libbpfrs does not export is a failure (listed).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=libbpfrs
[ "${1:-}" = --system-libbpf ] && mode=system
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok    $*"; }
bad() { fail=$((fail + 1)); echo "FAIL  $*"; [ -s "$tmp/out" ] && sed 's/^/      /' "$tmp/out" | tail -n 15; }
skip() { echo "SKIP: $*"; echo "iproute2: skipped"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root"

if ! command -v tc >/dev/null || ! command -v ip >/dev/null; then
	echo "installing iproute2"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null || { echo "FAIL: cannot install iproute2"; exit 1; }
fi
ipbin=$(command -v ip) tcbin=$(command -v tc)
echo "iproute2: $(ip -V)"
ip -V | grep -q 'libbpf 1\.' || echo "note: this ip is not built with libbpf 1.x"

dist=$root/target/release/dist
compat=$dist/compat
[ -f "$dist/libbpfrs.so.1" ] || abi/link || { echo "FAIL: abi/link"; exit 1; }
tmp=$(mktemp -d)
nsa=ab_nsa nsb=ab_nsb
cleanup() {
	ip netns del $nsa 2>/dev/null
	ip netns del $nsb 2>/dev/null
	find /sys/fs/bpf -maxdepth 4 -name 'ab_shared_cnt' -delete 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cleanup
mkdir -p "$tmp"

# Which libbpf symbols ip and tc import, and whether libbpfrs has them all.
objdump -T "$ipbin" "$tcbin" | awk '/LIBBPF/ { v = $(NF-1); gsub(/[()]/, "", v); print $NF "@" v }' | sort -u >"$tmp/needed"
objdump -T "$dist/libbpfrs.so.1" | awk 'NF >= 7 && $4 != "*UND*" { v = $(NF-1); gsub(/[()]/, "", v); print $NF "@" v }' | sort -u >"$tmp/have"
missing=$(comm -23 "$tmp/needed" "$tmp/have" | tr '\n' ' ')
echo "ip/tc import $(wc -l <"$tmp/needed") libbpf symbols: $(tr '\n' ' ' <"$tmp/needed")"
if [ -n "$missing" ] && [ $mode = libbpfrs ]; then
	echo "FAIL: ip/tc need libbpf symbols libbpfrs does not export: $missing"; echo "iproute2: 0 passed, 1 failed"; exit 1
fi

arch=$(uname -m)
for o in ab_counters ab_pinned; do
	clang -O2 -g -target bpf -I"$root/include" -I"/usr/include/$arch-linux-gnu" -c "tests/iproute2/$o.bpf.c" -o "$tmp/$o.o" ||
		{ echo "FAIL: clang $o.bpf.c"; exit 1; }
done
gcc -std=gnu11 -O1 -Wall -Werror -I"$root/include" -o "$tmp/ab_helper" tests/iproute2/ab_helper.c \
	-L"$dist" -lbpfrs -Wl,-rpath,"$dist" || { echo "FAIL: ab_helper build"; exit 1; }
helper() { "$tmp/ab_helper" "$@"; }

# Namespaces: nsenter switches only the network namespace, so every tc shares
# the one /sys/fs/bpf (`ip netns exec` would remount /sys and give each command
# a fresh bpffs, hiding pins between invocations).
ip netns add $nsa && ip netns add $nsb &&
	ip link add ab_v0 netns $nsa type veth peer name ab_v1 netns $nsb &&
	ip -n $nsa addr add 10.211.0.1/24 dev ab_v0 && ip -n $nsa link set ab_v0 up &&
	ip -n $nsb addr add 10.211.0.2/24 dev ab_v1 && ip -n $nsb link set ab_v1 up ||
	{ echo "FAIL: netns/veth setup"; exit 1; }
in_ns() { # ns cmd...: run with libbpfrs as libbpf.so.1 (or the system libbpf)
	local ns=$1; shift
	if [ $mode = libbpfrs ]; then
		nsenter --net="/run/netns/$ns" env LD_LIBRARY_PATH="$compat" "$@"
	else
		nsenter --net="/run/netns/$ns" "$@"
	fi
}
send() { # from-ns to-addr count: UDP datagrams to the discard port
	nsenter --net="/run/netns/$1" bash -c "for i in \$(seq $3); do echo ab >/dev/udp/$2/9; sleep 0.05; done" 2>/dev/null
	sleep 0.3
}
bound() { # LD_DEBUG log: libbpf.so.1 was loaded from the compat dir
	if [ $mode = libbpfrs ]; then
		grep -q "calling init: $compat/libbpf.so.1\$" "$1"
	else
		grep -q "calling init: .*/libbpf.so.1\$" "$1" && ! grep -q "$compat" "$1"
	fi
}
prog_field() { helper prog "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
map_value() { # prog-id map-name -> value of key 0
	local m
	for m in $(prog_field "$1" maps | tr ',' ' '); do
		helper map "$m" | sed -n "s/^name=$2 value=//p"
	done
}

# 1. XDP through ip.
if in_ns $nsb env LD_DEBUG=files ip link set dev ab_v1 xdp obj "$tmp/ab_counters.o" sec xdp >"$tmp/out" 2>&1; then
	ok "ip link set dev ab_v1 xdp obj ab_counters.o sec xdp"
else bad "ip link set dev ab_v1 xdp obj ab_counters.o sec xdp"; fi
if bound "$tmp/out"; then ok "ip bound libbpf.so.1 to $([ $mode = libbpfrs ] && echo "$compat/libbpf.so.1 (libbpfrs)" || echo "the system libbpf")"
else bad "ip: libbpf.so.1 not loaded from the expected place (LD_DEBUG=files)"; fi
xdp_id=$(ip -n $nsb -d link show dev ab_v1 | grep -o 'prog/xdp id [0-9]*' | awk '{ print $3 }' | head -n 1)

# 2. tc through tc.
ip -n $nsb link set ab_v1 up
tc -n $nsb qdisc add dev ab_v1 clsact
if in_ns $nsb env LD_DEBUG=files tc filter add dev ab_v1 ingress bpf da obj "$tmp/ab_counters.o" sec tc >"$tmp/out" 2>&1; then
	ok "tc filter add dev ab_v1 ingress bpf da obj ab_counters.o sec tc"
else bad "tc filter add dev ab_v1 ingress bpf da obj ab_counters.o sec tc"; fi
if bound "$tmp/out"; then ok "tc bound libbpf.so.1 to the expected library"
else bad "tc: libbpf.so.1 not loaded from the expected place (LD_DEBUG=files)"; fi
tc_id=$(tc -n $nsb filter show dev ab_v1 ingress | grep -o ' id [0-9]*' | awk '{ print $2 }' | head -n 1)
: >"$tmp/out"

# Both attached, by id and name through the library's info calls.
if [ -n "$xdp_id" ] && [ "$(prog_field "$xdp_id" name)" = ab_xdp ] && [ "$(prog_field "$xdp_id" type)" = 6 ]; then
	ok "XDP program attached to ab_v1: id $xdp_id name ab_xdp type XDP"
else bad "XDP program id '${xdp_id}' on ab_v1 is not ab_xdp: $(helper prog "${xdp_id:-0}" 2>&1)"; fi
if [ -n "$tc_id" ] && [ "$(prog_field "$tc_id" name)" = ab_tc ] && [ "$(prog_field "$tc_id" type)" = 3 ]; then
	ok "tc program attached to ab_v1 ingress: id $tc_id name ab_tc type SCHED_CLS"
else bad "tc program id '${tc_id}' on ab_v1 is not ab_tc: $(helper prog "${tc_id:-0}" 2>&1)"; fi

# 3. Traffic.
send $nsa 10.211.0.2 8
xv=$(map_value "${xdp_id:-0}" ab_xdp_cnt) tv=$(map_value "${tc_id:-0}" ab_tc_cnt)
if [ -n "$xv" ] && [ "$xv" -ge 8 ]; then ok "XDP counter map ab_xdp_cnt counted $xv packets (>= 8 sent)"
else bad "XDP counter ab_xdp_cnt = '$xv' after 8 packets"; fi
if [ -n "$tv" ] && [ "$tv" -ge 8 ]; then ok "tc counter map ab_tc_cnt counted $tv packets (>= 8 sent)"
else bad "tc counter ab_tc_cnt = '$tv' after 8 packets"; fi

# 4. Detach.
in_ns $nsb ip link set dev ab_v1 xdp off >"$tmp/out" 2>&1
in_ns $nsb tc filter del dev ab_v1 ingress >>"$tmp/out" 2>&1
gone() { # the kernel frees a detached program after an RCU grace period
	local i
	for i in $(seq 40); do
		helper prog "$1" >/dev/null 2>&1 || return 0
		sleep 0.05
	done
	return 1
}
left=""
ip -n $nsb -d link show dev ab_v1 | grep -q 'prog/xdp' && left+="xdp still attached; "
[ -n "$(tc -n $nsb filter show dev ab_v1 ingress)" ] && left+="tc filter still there; "
gone "${xdp_id:-0}" || left+="prog $xdp_id still loaded; "
gone "${tc_id:-0}" || left+="prog $tc_id still loaded; "
if [ -z "$left" ]; then ok "xdp off and filter del detached both (their ids are gone)"
else bad "detach: $left"; fi
: >"$tmp/out"

# 5. LIBBPF_PIN_BY_NAME map shared by two tc loads.
tc -n $nsa qdisc add dev ab_v0 clsact
if in_ns $nsa tc filter add dev ab_v0 ingress bpf da obj "$tmp/ab_pinned.o" sec tc >"$tmp/out" 2>&1 &&
	in_ns $nsb tc filter add dev ab_v1 ingress bpf da obj "$tmp/ab_pinned.o" sec tc >>"$tmp/out" 2>&1; then
	ok "tc loaded the LIBBPF_PIN_BY_NAME object on ab_v0 and ab_v1"
else bad "tc filter add (pinned object)"; fi
pa=$(tc -n $nsa filter show dev ab_v0 ingress | grep -o ' id [0-9]*' | awk '{ print $2 }' | head -n 1)
pb=$(tc -n $nsb filter show dev ab_v1 ingress | grep -o ' id [0-9]*' | awk '{ print $2 }' | head -n 1)
ma=$(prog_field "${pa:-0}" maps 2>/dev/null) mb=$(prog_field "${pb:-0}" maps 2>/dev/null)
pin=$(find /sys/fs/bpf -maxdepth 4 -name ab_shared_cnt 2>/dev/null | head -n 1)
if [ -n "$pa" ] && [ -n "$pb" ] && [ "$pa" != "$pb" ] && [ -n "$ma" ] && [ "$ma" = "$mb" ] && [ -n "$pin" ]; then
	ok "two programs ($pa, $pb) share map id $ma, pinned at $pin"
else bad "pinned map not shared: progs '$pa' '$pb', maps '$ma' '$mb', pin '$pin'"; fi
send $nsa 10.211.0.2 5
send $nsb 10.211.0.1 5
sv=$(map_value "${pa:-0}" ab_shared_cnt)
if [ -n "$sv" ] && [ "$sv" -ge 10 ]; then ok "shared counter counted both interfaces: $sv (>= 10 sent)"
else bad "shared counter = '$sv' after 5 packets each way"; fi

echo "iproute2 ($mode): $pass passed, $fail failed"
[ $fail -eq 0 ]
