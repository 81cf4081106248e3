# libbpfrs: build and install. Cargo does the build; this adds the symbol-versioned
# shared library (abi/link) and the install layout (abi/install).
#
#   make                          cargo build --release + target/release/dist/
#   make install PREFIX=/opt/bpf  libraries, compat names, headers, pkg-config files,
#                                 the bpfrs tool
#   make uninstall PREFIX=/opt/bpf   removes exactly what install put there
#   make check                    tests/run-all
#
# Variables: PREFIX BINDIR LIBDIR INCLUDEDIR PKGCONFIGDIR COMPATDIR DESTDIR (see abi/install).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
COMPATDIR ?= $(LIBDIR)/libbpfrs/compat
DESTDIR ?=

INSTALL_VARS = PREFIX="$(PREFIX)" BINDIR="$(BINDIR)" LIBDIR="$(LIBDIR)" INCLUDEDIR="$(INCLUDEDIR)" \
	PKGCONFIGDIR="$(PKGCONFIGDIR)" COMPATDIR="$(COMPATDIR)" DESTDIR="$(DESTDIR)"

.PHONY: all install uninstall check clean

all:
	abi/link

install: all
	$(INSTALL_VARS) abi/install install

uninstall:
	$(INSTALL_VARS) abi/install uninstall

check:
	tests/run-all

clean:
	cargo clean
