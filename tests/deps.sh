#!/usr/bin/env bash
# Installs what the demo and the tests need when it is missing, and mounts the
# kernel file systems they use. Sourced by tests/demo and tests/run-all.
need=()
for p in gcc clang llvm libbpf-dev linux-libc-dev pkg-config make valgrind iproute2 bpftool systemtap-sdt-dev dwarves bpftrace; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "installing: ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null || {
		echo "apt-get install ${need[*]} failed" >&2
		exit 1
	}
fi
if ! command -v cargo >/dev/null; then
	[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
for c in rustfmt clippy; do
	rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c" >/dev/null 2>&1 || true
done
if [ "$(id -u)" = 0 ]; then
	mountpoint -q /sys/fs/bpf || mount -t bpf bpffs /sys/fs/bpf 2>/dev/null || true
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
fi
