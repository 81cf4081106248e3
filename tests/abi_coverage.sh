#!/usr/bin/env bash
# ABI check of the shipped libbpfrs.so (run by tests/run-all):
#  1. its dynamic symbol table is exactly abi/symbols.tsv: every default row is
#     name@@NODE, every compat row name@NODE, nothing unversioned, nothing else
#     defined (no Rust runtime symbols);
#  2. against the system libbpf 1.1.2 (objdump -T): every symbol both export has
#     the same version node (a mismatch fails), and prints
#     "N of M libbpf 1.1.2 symbols exported" and the missing ones;
#  3. the exports 1.1.2 lacks (0.x-only functions, old versions of dual symbols)
#     have libbpf 0.8's node (abi/libbpf-0.x.tsv; a mismatch fails).
# Usage: tests/abi_coverage.sh [path/to/libbpfrs.so]   (default: the dist one)
set -u
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
so=${1:-$root/target/release/dist/libbpfrs.so.1}
sys=${LIBBPF_SYSTEM_SO:-/usr/lib/$(uname -m)-linux-gnu/libbpf.so.1}
[ -f "$so" ] || { echo "FAIL: $so missing (run abi/link)"; exit 1; }
[ -f "$sys" ] || { echo "FAIL: system libbpf $sys missing (apt-get install libbpf1)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# "name node" for each defined dynamic symbol; a hidden (non-default) version is
# printed by objdump in parentheses: "name (node)". Version-node marker symbols
# (ABS, named like their node) are left out.
dynsyms() {
	objdump -T "$1" | awk 'NF >= 7 && $4 != "*UND*" && $NF != $(NF-1) && $(NF-1) !~ /^\(?(GLIBC|GCC)/ {
		node = $(NF-1); name = $NF
		if (node ~ /^\(/) { gsub(/[()]/, "", node); print name " (" node ")" } else print name " " node
	}' | sort
}
dynsyms "$so" >"$tmp/ours"
dynsyms "$sys" >"$tmp/sys"

# 1. Table == dynamic symbol table.
awk -F'\t' '!/^#/ && NF == 3 { if ($3 == "-") print $1 " " $2; else print $1 " (" $2 ")" }' abi/symbols.tsv | sort >"$tmp/table"
if ! diff -u "$tmp/table" "$tmp/ours" >"$tmp/d"; then
	echo "FAIL: the dynamic symbols of $so differ from abi/symbols.tsv (- table, + library):"
	grep '^[-+][^-+]' "$tmp/d" | sed 's/^/  /'
	fail=1
fi
unversioned=$(objdump -T "$so" | awk 'NF >= 7 && $4 != "*UND*" && ($(NF-1) == "Base" || $(NF-1) ~ /^\*/) { print $NF }')
if [ -n "$unversioned" ]; then
	echo "FAIL: unversioned exports:"; echo "$unversioned" | sed 's/^/  /'; fail=1
fi

# 2. Against libbpf 1.1.2.
awk '$2 !~ /^\(/' "$tmp/ours" >"$tmp/ours_default"
join "$tmp/sys" "$tmp/ours_default" >"$tmp/common"
mismatch=$(awk '$2 != $3 { print "  " $1 ": libbpf " $2 ", libbpfrs " $3 }' "$tmp/common")
if [ -n "$mismatch" ]; then
	echo "FAIL: version node differs from libbpf 1.1.2:"; echo "$mismatch"; fail=1
fi
m=$(wc -l <"$tmp/sys")
n=$(wc -l <"$tmp/common")
echo "$n of $m libbpf 1.1.2 symbols exported"
join -v1 "$tmp/sys" "$tmp/ours_default" | awk '{ print $1 "@" $2 }' >"$tmp/missing"
if [ -s "$tmp/missing" ]; then
	echo "missing ($(wc -l <"$tmp/missing")):"
	column -c 160 "$tmp/missing" 2>/dev/null || cat "$tmp/missing"
fi
# 3. Exports libbpf 1.1.2 does not have: 0.x-only functions and old versions of
#    dual symbols must carry libbpf 0.8's node (abi/libbpf-0.x.tsv); newer nodes
#    (LIBBPF_1.2.0 on) and libbpfrs's own cannot be checked here.
awk -F'\t' '!/^#/ && NF == 2 { print $1 " " $2 }' abi/libbpf-0.x.tsv | sort >"$tmp/ref0"
sed 's/[()]//g' "$tmp/ours" | sort >"$tmp/ours_all"
cut -d' ' -f1 "$tmp/sys" | sort -u >"$tmp/sysnames"
# Pairs 1.1.2 lacks, except a different node for a name it has (reported above).
comm -13 "$tmp/sys" "$tmp/ours_all" | while read -r name node; do
	if ! grep -qx "$name" "$tmp/sysnames" || grep -qx "$name $node" "$tmp/ref0"; then echo "$name $node"; fi
done >"$tmp/extra"
bad0="" newer="" own="" n0=0
while read -r name node; do
	if grep -qx "$name $node" "$tmp/ref0"; then n0=$((n0 + 1))
	elif [[ $node == LIBBPFRS_* ]]; then own+="$name@$node "
	elif [[ $node == LIBBPF_[1-9].* ]] && [ "$(printf '%s\n' "$node" LIBBPF_1.1.0 | sort -V | tail -n 1)" = "$node" ]; then newer+="$name@$node "
	elif grep -q "^$name " "$tmp/ref0"; then bad0+="  $name: libbpf 0.8 $(grep "^$name " "$tmp/ref0" | cut -d' ' -f2 | tr '\n' ' ')libbpfrs $node"$'\n'
	else bad0+="  $name@$node: in neither libbpf 1.1.2 nor the 0.x list (abi/libbpf-0.x.tsv)"$'\n'
	fi
done <"$tmp/extra"
if [ -n "$bad0" ]; then echo "FAIL: version node differs from libbpf 0.8:"; printf '%s' "$bad0"; fail=1; fi
echo "$n0 of $(cut -d' ' -f1 "$tmp/ref0" | sort -u | wc -l) libbpf exports absent from 1.1.2 exported (0.x-only functions, old versions of dual symbols; nodes checked against libbpf 0.8)"
[ -n "$newer" ] && echo "newer than libbpf 1.1.2 (node not checked): $newer"
[ -n "$own" ] && echo "libbpfrs's own: $own"
if [ $fail = 0 ]; then echo "abi coverage: ok"; else echo "abi coverage: FAILED"; fi
exit $fail
