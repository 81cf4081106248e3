#!/usr/bin/env bash
# Older kernels, libbpf 1.1.2 and libbpfrs side by side: tests/kernels/shim.c, an
# LD_PRELOAD library answering syscall(SYS_bpf, ...) as Linux 4.18/5.4/5.10/5.15
# would (from src/uapi/kernels.rs, written out by a unit test), runs
# tests/kernels/driver.c built against the system libbpf and against libbpfrs on
# the same objects (BTF with FLOAT/DECL_TAG/TYPE_TAG/ENUM64, global data, a ring
# buffer, a tracepoint attach, a CO-RE read), and compares what each sent: the
# object's maps (type, name, flags), programs (type, name, func/line info,
# helpers called), its BTF (kinds, FUNC linkages), freezes, .rodata binds, perf
# links, and each step's result. Ends with "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$root/target/kernels
rm -rf "$work" && mkdir -p "$work"
fail_all() { echo "$1"; echo "0 passed, 1 failed"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }

cargo build --release --quiet && abi/link --no-build >/dev/null || fail_all "build failed"
LIBBPFRS_KERNEL_TABLE=$work/table.txt cargo test --quiet --lib \
	sys::fake_kernel::tests::table_for_the_c_shim >/dev/null 2>&1 || fail_all "table export failed"
dist=$root/target/release/dist
gcc -Wall -Werror -shared -fPIC -o "$work/shim.so" tests/kernels/shim.c -ldl || fail_all "shim build failed"
gcc -Wall -Werror -o "$work/driver.libbpf" tests/kernels/driver.c -lbpf || fail_all "driver (libbpf) build failed"
gcc -Wall -Werror -I include -o "$work/driver.libbpfrs" tests/kernels/driver.c \
	-L"$dist" -lbpfrs -Wl,-rpath,"$dist" || fail_all "driver (libbpfrs) build failed"
for src in tests/kernels/*.bpf.c; do
	o=$work/$(basename "$src" .bpf.c).o
	clang -O2 -g -target bpf -I include -I/usr/include/"$(uname -m)"-linux-gnu -c "$src" -o "$o" ||
		fail_all "clang $src failed"
done

# enum wide3 {W1, W2, W3} (12 + 3*8 bytes) becomes enum64 wide3 {W1 = 1 << 40, W2}
# (12 + 2*12 bytes) in place in the ELF's .BTF.
python3 - "$work/btf_kinds.o" <<'EOF' || fail_all "ENUM64 patch failed"
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
shoff, = struct.unpack_from('<Q', b, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3a)
sec = lambda i: struct.unpack_from('<IIQQQQIIQQ', b, shoff + i * shentsize)
names = sec(shstrndx)
def name(i):
    o = names[4] + sec(i)[0]
    return bytes(b[o:b.index(0, o)]).decode()
btf = next(sec(i)[4] for i in range(shnum) if name(i) == '.BTF')
hdr, toff, tlen, soff = struct.unpack_from('<IIII', b, btf + 4)
types, strs = btf + hdr + toff, btf + hdr + soff
p_, found = 0, False
while p_ < tlen:
    nm, info, size = struct.unpack_from('<III', b, types + p_)
    kind, vlen = info >> 24 & 0x1f, info & 0xffff
    s = strs + nm
    if kind == 6 and bytes(b[s:b.index(0, s)]) == b'wide3' and vlen == 3:
        e = types + p_ + 12
        n1, n2 = struct.unpack_from('<I', b, e)[0], struct.unpack_from('<I', b, e + 8)[0]
        struct.pack_into('<III', b, types + p_, nm, 19 << 24 | 2, 8)
        struct.pack_into('<IIIIII', b, e, n1, 0, 1 << 8, n2, 2, 0)
        found = True
        break
    p_ += 12 + {1: 4, 14: 4, 17: 4, 3: 12, 4: 12 * vlen, 5: 12 * vlen, 15: 12 * vlen,
                19: 12 * vlen, 6: 8 * vlen, 13: 8 * vlen}.get(kind, 0)
assert found, 'enum wide3 not found'
open(p, 'wb').write(b)
EOF
bpftool btf dump file "$work/btf_kinds.o" | grep -q "ENUM64 'wide3'" || fail_all "no ENUM64 in btf_kinds.o"

# What one run sent, in a form both libraries must agree on.
summary() { # driver-stdout shim-log
	python3 - "$1" "$2" <<'EOF'
import sys
out = open(sys.argv[1]).read().splitlines()
names = set(out[0].split()[1:]) if out and out[0].startswith('names') else set()
recs = []
for l in open(sys.argv[2]).read().splitlines():
    head, err = l.rsplit(' -> ', 1)
    f = dict(kv.split('=', 1) for kv in head.split()[1:])
    f['err'] = err
    recs.append(f)
lines, seen = [], set()
def emit(s):
    if s not in seen:
        seen.add(s)
        lines.append(s)
for f in recs:
    c, nm = f['cmd'], f.get('name', '-')
    named = nm != '-' and any(n.startswith(nm) for n in names)
    if c == '0' and named:
        emit(f"map type={f['type']} name={nm} flags={f['flags']} -> {f['err']}")
    elif c == '5' and named and f['err'] == '0':
        emit(f"prog type={f['type']} name={nm} func_info={f['func_info'] != '0'} "
             f"line_info={f['line_info'] != '0'} helpers={f['helpers']}")
    elif c == '28' and int(f.get('target', '-1')) >= 0:
        emit(f"link type={f['type']} -> {f['err']}")
btf = [f for f in recs if f['cmd'] == '18' and 'kinds' in f]
if btf:
    big = max(btf, key=lambda f: len(f['kinds'].split(',')))
    if len(big['kinds'].split(',')) > 4:
        lines.append(f"btf kinds={big['kinds']} linkages={big['linkages']} -> {big['err']}")
lines.append('freezes %d' % sum(f['cmd'] == '22' and f['err'] == '0' for f in recs))
lines.append('binds %d' % sum(f['cmd'] == '35' and f['err'] == '0' for f in recs))
print('\n'.join(out[1:] + lines))
EOF
}

pass=0 fail=0
kernels=$(awk '$1 == "personality" {print $3}' "$work/table.txt")
for k in $kernels; do
	for obj in btf_kinds global_data ringbuf tracepoint core; do
		mode=load
		case $obj in tracepoint | core | ringbuf) mode=attach ;; esac
		for lib in libbpf libbpfrs; do
			rm -f "$work/$obj.$k.$lib.log"
			LD_PRELOAD=$work/shim.so LIBBPFRS_SHIM_TABLE=$work/table.txt LIBBPFRS_SHIM_KERNEL=$k \
				LIBBPFRS_SHIM_LOG=$work/$obj.$k.$lib.log LIBBPFRS_STRICT=1 \
				"$work/driver.$lib" "$work/$obj.o" $mode >"$work/$obj.$k.$lib.out" 2>"$work/$obj.$k.$lib.err"
			touch "$work/$obj.$k.$lib.log"
			summary "$work/$obj.$k.$lib.out" "$work/$obj.$k.$lib.log" >"$work/$obj.$k.$lib.sum"
		done
		# Where libbpf has no fallback, libbpfrs names what the kernel lacks.
		want=
		case $obj/$k in
		global_data/4.*) want="kernel doesn't support global variables" ;;
		ringbuf/4.* | ringbuf/5.[0-7]) want="kernel doesn't support BPF ring buffer map" ;;
		esac
		if [ -n "$want" ] && ! grep -q "$want" "$work/$obj.$k.libbpfrs.err"; then
			echo "FAIL $obj on $k: libbpfrs did not say \"$want\""
			fail=$((fail + 1))
		elif [ ! -s "$work/$obj.$k.libbpf.log" ]; then
			echo "FAIL $obj on $k: the shim saw no bpf() call"
			fail=$((fail + 1))
		elif diff -u "$work/$obj.$k.libbpf.sum" "$work/$obj.$k.libbpfrs.sum" >"$work/$obj.$k.diff"; then
			echo "ok   $obj on $k: $(grep -c . "$work/$obj.$k.libbpf.sum") lines agree"
			pass=$((pass + 1))
		else
			echo "FAIL $obj on $k (libbpf 1.1.2 vs libbpfrs):"
			cat "$work/$obj.$k.diff"
			fail=$((fail + 1))
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
