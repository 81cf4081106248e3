#!/usr/bin/env bash
# Code layout of the shipped libbpfrs.so (run by tests/run-all):
#  1. abi/layout.txt is what bench/layout-gen writes for this tree (root and
#     valgrind): a function the life cycle now runs but the list lacks would sit
#     among cold code and cost its pages; an entry left behind by a rename names
#     nothing. On a difference: rerun bench/layout-gen and commit the file;
#  2. every entry names a function of the library;
#  3. abi/link applied it: the functions the entries name come first in .text,
#     before any other function of the library; the read-only data they name
#     (.rodata.NAME, rodata HEX) comes first in .rodata, each entry found.
# Usage: tests/abi_layout.sh [path/to/libbpfrs.so]   (default: the dist one)
set -u
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
so=${1:-$root/target/release/dist/libbpfrs.so.1}
[ -f "$so" ] || { echo "FAIL: $so missing (run abi/link)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "address name" of the library's functions in .text, names in the list's
# spelling: $ as ?, a .llvm.N suffix dropped (the list's wildcard).
# Addresses are nm's 16 hex digits, compared as strings.
read -r addr size < <(readelf -SW "$so" | awk '$2 == ".text" { print $4, $6 }')
lo=$(printf '%016x' $((16#$addr))) hi=$(printf '%016x' $((16#$addr + 16#$size)))
nm "$so" | awk -v lo="$lo" -v hi="$hi" '$2 ~ /^[tT]$/ && $1 >= lo && $1 < hi {
		n = $3; gsub(/\$/, "?", n); sub(/\.llvm\.[0-9]+$/, "", n); print $1, n
	}' | sort >"$tmp/funcs"
grep '^\.text\.' abi/layout.txt | sed -E -e 's/^\.text\.(unlikely\.)?//' -e 's/\*$//' >"$tmp/list"
# Each function: in the list or not (an address with several names, one of them listed, is).
awk 'NR == FNR { want[$0] = 1; next } { print $1, ($2 in want), $2 }' "$tmp/list" "$tmp/funcs" |
	awk '{ if (!($1 in on) || $2) on[$1] = $2; names[$1] = names[$1] " " $3 }
		END { for (a in on) { n = split(names[a], x, " "); for (i = 1; i <= n; i++) print a, on[a], x[i] } }' |
	sort >"$tmp/marked"

fail=0
if bench/layout-gen "$tmp/layout.txt" >"$tmp/gen.log" 2>&1; then
	if ! diff -u abi/layout.txt "$tmp/layout.txt" >"$tmp/d"; then
		echo "FAIL: abi/layout.txt is not what bench/layout-gen writes for this tree (rerun it and commit the file):"
		grep '^[-+][^-+]' "$tmp/d" | sed 's/^/  /'
		fail=1
	fi
else
	echo "FAIL: bench/layout-gen:"
	sed 's/^/  /' "$tmp/gen.log"
	fail=1
fi
stale=$(awk 'NR == FNR { have[$3] = 1; next } !($0 in have)' "$tmp/marked" "$tmp/list")
if [ -n "$stale" ]; then
	echo "FAIL: abi/layout.txt names functions the library does not have (rerun bench/layout-gen):"
	printf '%s\n' "$stale" | sed 's/^/  /'
	fail=1
fi
n=$(wc -l <"$tmp/list")
# The listed functions form one run at the start of .text.
read -r first_other last_listed < <(awk '
	$2 == 1 { last = $1 } $2 == 0 && other == "" { other = $1 }
	END { print (other == "" ? "none" : other), (last == "" ? lo : last) }' lo="$lo" "$tmp/marked")
if [ "$first_other" != none ] && [[ "$last_listed" > "$first_other" ]]; then
	echo "FAIL: the listed functions are not first in .text (another function at 0x$first_other, a listed one at 0x$last_listed)"
	fail=1
fi
# The read-only data: the link map's input sections of .rodata in order; those
# the script's patterns name form one run at its start, and every entry of the
# list is among them (a named one by pattern, an anonymous one by its bytes).
ro=$(bench/layout-rodata check "$so" "$(dirname "$so")/link.map" "$(dirname "$so")/layout.ld" abi/layout.txt)
case $ro in
ok\ *) ;;
*)
	echo "FAIL: abi/layout.txt's read-only data is not placed (abi/link):"
	printf '%s\n' "$ro" | sed 's/^/  /'
	fail=1
	;;
esac
if [ $fail = 0 ]; then
	kb=$(( (16#$last_listed - 16#$lo) / 1024 ))
	read -r _ ro_n ro_kb <<<"$ro"
	echo "ok: $n functions of abi/layout.txt first in .text (about $kb KB), $ro_n read-only data sections first in .rodata (about $ro_kb KB)"
fi
exit $fail
