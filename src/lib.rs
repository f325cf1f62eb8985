//! # edgecache
//!
//! Django's cache framework — keys, versions, timeouts, culling and the whole `BaseCache`
//! API — as a `no_std` Rust core that runs wherever WebAssembly runs.
//!
//! ```
//! use edgecache::{Caches, ManualClock, Options, Value};
//! use std::sync::Arc;
//!
//! let clock = Arc::new(ManualClock::new(1_700_000_000.0));
//! let caches = Caches::from_text(
//!     "{'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'TIMEOUT': 60}}",
//!     clock.clone(),
//! ).unwrap();
//! let cache = caches.default_cache().unwrap().blocking().unwrap();
//! cache.set("greeting", "hello", Options::new().timeout(30)).unwrap();
//! assert_eq!(cache.make_key("greeting", None).unwrap(), Value::from(":1:greeting"));
//! assert_eq!(cache.get("greeting", Options::DEFAULT).unwrap(), Some(Value::from("hello")));
//! clock.advance(30.0);
//! assert_eq!(cache.get("greeting", Options::DEFAULT).unwrap(), None); // expired (LM-4)
//! ```
//!
//! Layout: [`settings`] reads `CACHES`; [`key`] makes and validates keys; [`expiry`] turns
//! timeouts into expiry instants; [`Cache`] holds Django's generic `BaseCache` behaviour over
//! a [`backend`]; [`Caches`] is the alias handler; [`inspect`] is the introspection API.
//! Every Django rule is tagged with its id from the project's specification (e.g. `LM-3`).

#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(edgecache_std)]
extern crate std;

pub mod backend;
mod blocking;
mod cache;
mod caches;
pub mod clock;
pub mod codec;
#[cfg(all(feature = "component", target_arch = "wasm32"))]
mod component;
#[cfg_attr(not(edgecache_storage_backends), allow(dead_code))] // SQL dates: db only
pub(crate) mod datetime;
pub mod defaults;
mod error;
pub mod expiry;
mod extras;
// Wasm builds' float conversions (native builds use core's; the tests compare them).
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
mod float;
mod glob;
mod hash_index;
pub mod http;
pub mod inspect;
#[cfg(feature = "js")]
pub mod js;
pub mod key;
pub mod literal;
mod lru_map;
mod message;
mod options;
pub mod python;
#[cfg(edgecache_replay_core)]
pub mod replay;
pub mod seam;
pub mod settings;
// In the in-memory build `get_or_set` is Django's plain API-4: only the types stay.
#[cfg_attr(edgecache_memory_only, allow(dead_code))]
pub mod stampede;
pub mod stats;
pub mod store;
mod sync;
mod value;
pub mod warm;

pub use blocking::{Blocking, now_or_never};
pub use cache::Cache;
pub use caches::{Caches, KvOpener, Stores};
#[cfg(edgecache_std)]
pub use clock::SystemClock;
pub use clock::{Clock, ManualClock};
pub use error::{CacheError, Warning};
pub use expiry::Timeout;
pub use key::Key;
pub use lru_map::Ticket;
pub use options::Options;
pub use settings::{CacheSettings, SettingsError};
pub use value::Value;

/// On wasm without std (the component, a bare no_std build), a cdylib of this crate is a
/// whole program: it brings its allocator and panic handler. A wasm program that links std
/// and uses this crate enables the `std` feature.
#[cfg(all(target_arch = "wasm32", not(edgecache_std)))]
mod wasm_runtime {
    #[global_allocator]
    static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
        core::arch::wasm32::unreachable()
    }

    /// On WASI, `compiler_builtins` leaves `memcmp` to a libc, which a component without std
    /// does not link.
    ///
    /// # Safety
    /// `a` and `b` must be valid for reads of `n` bytes.
    #[cfg(target_os = "wasi")]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        for i in 0..n {
            // SAFETY: the caller guarantees `n` readable bytes behind both pointers.
            let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
            if x != y {
                return i32::from(x) - i32::from(y);
            }
        }
        0
    }
}
