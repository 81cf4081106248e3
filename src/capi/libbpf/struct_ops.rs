//! `bpf_map__attach_struct_ops` (`bpf/libbpf.h`): registers a loaded struct_ops
//! map; the rules live in `attach::struct_ops`.
//! Spec `libbpf-api.md` §1.2 (attach functions).

use crate::attach;
use crate::capi::boundary::ptr;
use crate::capi::libbpf::link::register;
use crate::capi::libbpf::object::map_ref;
use crate::capi::types::*;

/// `bpf_map__attach_struct_ops` (LIBBPF_0.0.7): writes the map's kernel value,
/// program fds in its function pointers, which registers it; the link's
/// destroy deletes the element again. P1: NULL with errno EINVAL for a map that
/// is not a loaded struct_ops map (and for NULL, where libbpf would crash), the
/// kernel's errno when the update is refused (EBUSY once registered).
#[no_mangle]
pub extern "C" fn bpf_map__attach_struct_ops(map: *const bpf_map) -> *mut bpf_link {
    ptr("bpf_map__attach_struct_ops", || {
        let (h, i) = map_ref(map)?;
        Ok(register(attach::struct_ops::attach(&h.st, i)?))
    })
}
