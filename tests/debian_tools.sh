#!/usr/bin/env bash
# Debian's pahole (dwarves) and bpftrace, unmodified, on libbpfrs put in place of
# libbpf.so.1 (LD_LIBRARY_PATH=target/release/dist/compat), against the same
# commands on the system libbpf 1.1.2: the outputs must be identical. Run by
# tests/run-all.
#
#  1. every libbpf symbol pahole and bpftrace import is exported by libbpfrs,
#     and the compat directory's libbpf.so.1 is the one loaded;
#  2. `pahole -C task_struct /sys/kernel/btf/vmlinux` (BTF reading);
#  3. `pahole --btf_encode_detached` of an object with DWARF from two C units
#     (`gcc -g -c`, `ld -r`): the writer API and btf__dedup, the BTF files
#     byte for byte;
#  4. `bpftrace -lv 'struct path'` (kernel BTF through libbpf);
#  5. a tracepoint script reading `args->filename`, bounded by `-c`: the
#     program is built from BTF, loaded and attached, and sees the child's
#     openat of /etc/hostname.
#
# Usage: tests/debian_tools.sh
# Each check prints ok or FAILED; ends with "N passed, N failed"; exit 77
# (skip) when not root.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok      $*"; }
bad() {
	fail=$((fail + 1)); echo "FAILED  $*"
	[ -s "$tmp/diff" ] && sed 's/^/        /' "$tmp/diff" | head -n 20
	: >"$tmp/diff"
}
skip() { echo "SKIP: $*"; echo "debian_tools: skipped"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root"

need=()
command -v pahole >/dev/null || need+=(dwarves)
command -v bpftrace >/dev/null || need+=(bpftrace)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
		{ echo "FAILED: cannot install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi
[ -r /sys/kernel/btf/vmlinux ] || skip "no /sys/kernel/btf/vmlinux"
echo "pahole $(pahole --version), $(bpftrace --version)"

dist=$root/target/release/dist
compat=$dist/compat
[ -f "$dist/libbpfrs.so.1" ] || abi/link >/dev/null || { echo "FAILED: abi/link"; echo "0 passed, 1 failed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/diff"

# Runs "$@" on the system libbpf (out.libbpf) and on libbpfrs (out.libbpfrs).
both() { # name cmd...
	local n=$1; shift
	(cd "$tmp" && "$@") >"$tmp/$n.libbpf" 2>&1
	echo "exit $?" >>"$tmp/$n.libbpf"
	(cd "$tmp" && LD_LIBRARY_PATH=$compat "$@") >"$tmp/$n.libbpfrs" 2>&1
	echo "exit $?" >>"$tmp/$n.libbpfrs"
}
# Compares the two outputs of `both` (after an optional filter), non-empty.
same() { # name what [filter]
	local n=$1 what=$2 f=${3:-cat}
	$f <"$tmp/$n.libbpf" >"$tmp/$n.a"
	$f <"$tmp/$n.libbpfrs" >"$tmp/$n.b"
	if [ "$(grep -vc '^exit ' "$tmp/$n.a")" -gt 0 ] && diff -u "$tmp/$n.a" "$tmp/$n.b" >"$tmp/diff"; then
		ok "$what ($(wc -l <"$tmp/$n.a") lines identical)"
	else
		[ -s "$tmp/diff" ] || tail -n 5 "$tmp/$n.a" >"$tmp/diff"
		bad "$what"
	fi
}

# 1. Imports and the library loaded.
pahole_bin=$(command -v pahole) bpftrace_bin=$(readlink -f "$(command -v bpftrace)")
libs=$(ldd "$pahole_bin" "$bpftrace_bin" | awk '/libdwarves/ { print $3 }' | sort -u)
objdump -T "$pahole_bin" "$bpftrace_bin" $libs | awk '/LIBBPF_/ && /\*UND\*/ { v = $(NF-1); gsub(/[()]/, "", v); print $NF "@" v }' |
	sort -u >"$tmp/needed"
objdump -T "$dist/libbpfrs.so.1" | awk 'NF >= 7 && $4 != "*UND*" { v = $(NF-1); gsub(/[()]/, "", v); print $NF "@" v }' |
	sort -u >"$tmp/have"
comm -23 "$tmp/needed" "$tmp/have" >"$tmp/diff"
if [ -s "$tmp/needed" ] && [ ! -s "$tmp/diff" ]; then
	ok "pahole and bpftrace import $(wc -l <"$tmp/needed") libbpf symbols, all exported by libbpfrs"
else
	bad "libbpf symbols pahole/bpftrace import that libbpfrs lacks"
fi
LD_DEBUG=files LD_LIBRARY_PATH=$compat pahole --version 2>"$tmp/ld" >/dev/null
if grep -q "calling init: $compat/libbpf.so.1" "$tmp/ld"; then
	ok "pahole loads libbpf.so.1 from $compat"
else
	grep 'libbpf' "$tmp/ld" >"$tmp/diff"; bad "pahole does not load libbpfrs"
fi

# 2. pahole reading kernel BTF.
both pahole_C pahole -C task_struct /sys/kernel/btf/vmlinux
same pahole_C "pahole -C task_struct /sys/kernel/btf/vmlinux"

# 3. pahole encoding BTF from DWARF (two units: their types deduplicated).
cat >"$tmp/unit1.c" <<'C'
struct list { struct list *next, *prev; };
struct node;
struct tree { struct node *root; struct list all; int (*cmp)(const struct node *, const struct node *); };
struct node {
	struct node *left, *right;
	struct tree *owner;
	unsigned int key : 20, color : 1;
	union { long l; double d; } v;
	char name[16];
};
enum color { RED, BLACK = -1 };
typedef struct tree tree_t;
tree_t global_tree;
enum color global_color;
int walk(struct node *n, tree_t *t) { return n ? (int)(n->key + t->root->key) : 0; }
C
cat >"$tmp/unit2.c" <<'C'
struct list { struct list *next, *prev; };
struct node;
struct tree { struct node *root; struct list all; int (*cmp)(const struct node *, const struct node *); };
enum color;
struct tree *other_tree;
struct node *lookup(struct tree *t, unsigned int key) { return key ? t->root : 0; }
C
if gcc -g -O0 -c "$tmp/unit1.c" -o "$tmp/unit1.o" && gcc -g -O0 -c "$tmp/unit2.c" -o "$tmp/unit2.o" &&
	ld -r "$tmp/unit1.o" "$tmp/unit2.o" -o "$tmp/units.o"; then
	cp "$tmp/units.o" "$tmp/units.libbpf.o"; cp "$tmp/units.o" "$tmp/units.libbpfrs.o"
	pahole --btf_encode_detached="$tmp/units.libbpf.btf" "$tmp/units.libbpf.o" >"$tmp/enc.libbpf" 2>&1
	r1=$?
	LD_LIBRARY_PATH=$compat pahole --btf_encode_detached="$tmp/units.libbpfrs.btf" "$tmp/units.libbpfrs.o" \
		>"$tmp/enc.libbpfrs" 2>&1
	r2=$?
	if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ -s "$tmp/units.libbpf.btf" ] &&
		cmp "$tmp/units.libbpf.btf" "$tmp/units.libbpfrs.btf" >"$tmp/diff" 2>&1; then
		n=$(bpftool btf dump file "$tmp/units.libbpf.btf" 2>/dev/null | grep -c '^\[')
		ok "pahole --btf_encode_detached: identical BTF ($(stat -c %s "$tmp/units.libbpf.btf") bytes, $n types)"
	else
		cat "$tmp/enc.libbpf" "$tmp/enc.libbpfrs" >>"$tmp/diff"
		bad "pahole --btf_encode_detached (rc $r1 / $r2)"
	fi
	both pahole_enc pahole -C node "$tmp/units.libbpf.btf"
	same pahole_enc "pahole -C node of the encoded BTF"
else
	bad "gcc -g -c of the pahole input"
fi

# 4. bpftrace listing a kernel struct from BTF.
both bt_list timeout 60 bpftrace -lv 'struct path'
same bt_list "bpftrace -lv 'struct path'"

# 5. A BTF-typed tracepoint script, bounded by its child (a script that runs
#    cat, its output discarded so that it cannot mix with bpftrace's). The
#    child inherits LD_LIBRARY_PATH: its loader's probes of the compat
#    directory are left out of the comparison.
printf 'exec /bin/cat /etc/hostname >/dev/null\n' >"$tmp/child.sh"
prog='tracepoint:syscalls:sys_enter_openat /pid == cpid/ { printf("open %s\n", str(args->filename)); }'
# The kernel reads the filename from the child's memory, which may not be
# paged in yet (the tracepoint cannot fault): such a line prints an empty name,
# under either library and not always in the same calls. So what is compared
# is what does not depend on paging: bpftrace's own lines, the number of
# openat calls seen (with or without a name) and the child's open of
# /etc/hostname (a name on its stack); a run whose lines differ is repeated,
# up to 3 runs.
probe_lines() {
	grep -vF "$compat" | awk '/^(Attaching|exit )/ || $0 == "open /etc/hostname" { print }
		/^open / { n++ } END { print "openat calls: " n + 0 }'
}
for attempt in 1 2 3; do
	both bt_tp timeout 60 bpftrace -e "$prog" -c "/bin/sh $tmp/child.sh"
	grep -q '^open /etc/hostname' "$tmp/bt_tp.libbpf" &&
		cmp -s <(probe_lines <"$tmp/bt_tp.libbpf") <(probe_lines <"$tmp/bt_tp.libbpfrs") && break
done
if grep -q '^open /etc/hostname' "$tmp/bt_tp.libbpf"; then
	same bt_tp "bpftrace tracepoint script with args->filename" probe_lines
else
	cp "$tmp/bt_tp.libbpf" "$tmp/diff"
	bad "bpftrace tracepoint script on the system libbpf saw no openat of /etc/hostname"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
