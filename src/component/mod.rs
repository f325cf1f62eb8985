//! The WebAssembly component: the core behind a WIT world of `wit/edgecache.wit`.
//!
//! Conversion only: WIT values to core values and back, errors to the WIT variant. Every cache
//! rule is the core's; the clock is the host's `clock` import. The in-memory build
//! (`edgecache_memory_only`: `--no-default-features --features component`) exports the world
//! `edgecache-memory` (the `api` interface alone); the full build exports `edgecache`, which
//! adds `extras` and `http`.
//!
//! - [`api`]: the `caches` and `cache` resources.
//! - [`value`]: WIT values to core values and back; errors and warnings.
//! - `extras`, `http` (full build only): the other two interfaces.

mod api;
#[cfg(not(edgecache_memory_only))]
mod extras;
#[cfg(not(edgecache_memory_only))]
mod http;
mod value;

/// Drives an in-memory backend's future (the extras), ready on its first poll.
#[cfg(not(edgecache_memory_only))]
use crate::blocking::poll_once as ready;
use crate::clock::Clock;

#[cfg(edgecache_memory_only)]
wit_bindgen::generate!({
    world: "edgecache-memory",
    path: "wit",
});

#[cfg(not(edgecache_memory_only))]
wit_bindgen::generate!({
    world: "edgecache",
    path: "wit",
});

/// The canonical ABI's allocator: the host asks for memory to pass lists and strings in.
/// (wit-bindgen's own needs its `std` feature, which would make the component import WASI.)
///
/// # Safety
/// `old` must be null with `old_len` 0, or a block this function returned for `old_len`
/// bytes with alignment `align`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cabi_realloc(
    old: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    use alloc::alloc::{Layout, alloc, realloc};
    if new_len == 0 {
        return align as *mut u8;
    }
    let Ok(layout) = Layout::from_size_align(new_len, align) else {
        core::arch::wasm32::unreachable()
    };
    // SAFETY: `new_len` is not zero, and the caller vouches for `old`.
    let block = unsafe {
        if old_len == 0 {
            alloc(layout)
        } else {
            realloc(
                old,
                Layout::from_size_align_unchecked(old_len, align),
                new_len,
            )
        }
    };
    if block.is_null() {
        // Out of memory: the host sees a trap, as for any allocation failure.
        core::arch::wasm32::unreachable()
    }
    block
}

/// The host's clock, through the `clock` import.
struct HostClock;

impl Clock for HostClock {
    fn now(&self) -> f64 {
        edgecache::cache::clock::now()
    }
}

/// The component's exports.
struct Component;

export!(Component);
