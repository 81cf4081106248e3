//! Unit tests of the dumper on hand-built BTF.
